//! The report as tidy CSV: one row per group x measure (x question x value).
//!
//! Columns: `group, kind, question, value, count, base, percent, number`.
//!
//! | kind | question | value | count | base | number |
//! |---|---|---|---|---|---|
//! | `cases` | | `cases` | cases in the group | | |
//! | `figure` | | `sent`, `delivered`, `delivery_failed`, `acknowledged`, `answered`, `answered_on_time`, `answered_late`, `overdue`, `long_overdue`, `refused` | cases | cases (for sent, delivery_failed), answered (on time, late), else sent | |
//! | `outcome` | | `response`, `partial_response`, `not_held`, `refusal` | cases | answered | |
//! | `exemption` | | `section 43` ... `not stated` | refused cases citing it | refused | |
//! | `timing` | | `median_working_days_to_answer` | | answered | the median |
//! | `answer_day` | | working days after receipt | answers that day | answered | |
//! | `question` | key | a value (yes/no/unknown, an option) | cases | answered to the question | |
//! | `question_answered` | key | | cases with a confirmed answer | cases | |
//! | `question_no_answer` | key | | cases without | cases | |
//! | `question_median`, `question_total` | key | | | answered | the median, the total |
//!
//! `percent` is `count` of `base` to one decimal, empty when either is.

use super::{percent, Report};
use crate::text::CsvCells;

/// One CSV row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub group: String,
    pub kind: String,
    pub question: String,
    pub value: String,
    pub count: Option<usize>,
    pub base: Option<usize>,
    pub percent: Option<f64>,
    pub number: Option<f64>,
}

/// The rows of a report, in a stable order.
///
/// (Long on purpose: the rows in the order the CSV promises, one block per section of the
/// report, read top to bottom like the file it writes.)
pub fn rows(r: &Report) -> Vec<Row> {
    let mut out = Vec::new();
    for g in &r.groups {
        let mut push = |kind: &str,
                        question: &str,
                        value: &str,
                        count: Option<usize>,
                        base: Option<usize>,
                        number: Option<f64>| {
            out.push(Row {
                group: g.name.clone(),
                kind: kind.into(),
                question: question.into(),
                value: value.into(),
                count,
                base,
                percent: count.zip(base).and_then(|(c, b)| percent(c, b)),
                number,
            })
        };
        push("cases", "", "cases", Some(g.cases), None, None);
        for (name, n) in g.figures.named() {
            let base = g.figures.base_of(name, g.cases);
            push("figure", "", name, Some(n), Some(base), None);
        }
        for (name, n) in g.outcomes.named() {
            push("outcome", "", name, Some(n), Some(g.figures.answered), None);
        }
        for (name, n) in g.stages.named() {
            let base = g.stages.base_of(name, g.figures.sent);
            push("stage", "", name, Some(n), Some(base), None);
        }
        for x in &g.exemptions {
            push(
                "exemption",
                "",
                &x.value,
                Some(x.count),
                Some(g.figures.refused),
                None,
            );
        }
        push(
            "timing",
            "",
            "median_working_days_to_answer",
            None,
            Some(g.figures.answered),
            g.median_working_days_to_answer,
        );
        for d in &g.answer_days {
            push(
                "answer_day",
                "",
                &d.working_days.to_string(),
                Some(d.cases),
                Some(g.figures.answered),
                None,
            );
        }
        for t in &g.questions {
            push(
                "question_answered",
                &t.key,
                "",
                Some(t.answered),
                Some(g.cases),
                None,
            );
            push(
                "question_no_answer",
                &t.key,
                "",
                Some(t.no_answer),
                Some(g.cases),
                None,
            );
            for v in &t.values {
                push(
                    "question",
                    &t.key,
                    &v.value,
                    Some(v.count),
                    Some(t.answered),
                    None,
                );
            }
            if t.kind == "number" {
                push(
                    "question_median",
                    &t.key,
                    "",
                    None,
                    Some(t.answered),
                    t.median,
                );
                push(
                    "question_total",
                    &t.key,
                    "",
                    None,
                    Some(t.answered),
                    t.total,
                );
            }
        }
    }
    out
}

/// Render the report as CSV with a header row; text cells guarded from spreadsheets as
/// `cells` says (group names and answers come from outside).
pub fn render(r: &Report, cells: CsvCells) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for mut row in rows(r) {
        for text in [&mut row.group, &mut row.question, &mut row.value] {
            if let std::borrow::Cow::Owned(guarded) = cells.cell(text) {
                *text = guarded;
            }
        }
        w.serialize(row)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
