//! The report as one self-contained HTML file: inline CSS, inline SVG charts, no script,
//! no external resource, readable offline. Every string that came from the database or
//! the campaign folder (names, tags, values, labels) is escaped.

use super::svg::{self, StackedRow};
use super::{
    escape, number_or, percent, percent_text, request_row, Group, QuestionInfo, Report,
    REQUEST_COLUMNS,
};
use std::fmt::Write;

/// The look shared by the report and the published site (`publish::pages`): page, headings,
/// figure cards, tables, charts. Each adds its own rules after it.
pub const BASE_STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d2330;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #dde1e8; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 6px; }
.card { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 8px 12px; min-width: 118px; flex: 1 1 0; }
.card .n { font-size: 22px; font-weight: 650; }
.card .l { color: #555d6b; font-size: 13px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; background: #fff; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid #dde1e8; padding: 4px 8px; text-align: right; }
th { background: #eef1f5; font-weight: 600; }
td:first-child, th:first-child, td.t { text-align: left; }
figure { margin: 8px 0 14px; background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 10px; display: inline-block; }
figcaption { color: #555d6b; font-size: 13px; margin-top: 4px; }
footer { margin-top: 40px; color: #7a828f; font-size: 12px; }
"#;

/// The report's own rules, after [`BASE_STYLE`].
const STYLE: &str = r#"
p.meta { color: #555d6b; margin: 0 0 6px; }
p.note { color: #555d6b; font-size: 13px; margin: 4px 0; }
th, td { white-space: nowrap; }
th { white-space: normal; vertical-align: bottom; }
span.p { color: #6b7380; font-size: 12px; }
td.muted { color: #7a828f; }
"#;

fn cell_pct(part: usize, base: usize) -> String {
    match percent(part, base) {
        Some(p) => format!("{part} <span class=\"p\">({})</span>", percent_text(p)),
        None => part.to_string(),
    }
}

fn card(out: &mut String, n: &str, label: &str) {
    let _ = write!(
        out,
        r#"<div class="card"><div class="n">{n}</div><div class="l">{label}</div></div>"#
    );
}

/// Render the report as HTML.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let all = &r.groups[0];
    let campaign = escape(&r.campaign);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report: {campaign}</title><style>{BASE_STYLE}{STYLE}</style></head><body><main>
<h1>Campaign report: {campaign}</h1>
<p class="meta">{cases} cases &middot; as of {as_of}{by}</p>"#,
        cases = all.cases,
        as_of = r.as_of.format("%Y-%m-%d %H:%M UTC"),
        by =
            r.by.map(|b| format!(" &middot; grouped by {}", b.as_str()))
                .unwrap_or_default(),
    );
    for n in &r.notes {
        let _ = write!(out, r#"<p class="note">{}</p>"#, escape(n));
    }

    // Headline figures.
    cards(&mut out, all);

    // Funnel.
    out.push_str("<h2>Response funnel</h2><figure>");
    out.push_str(&svg::funnel(all));
    out.push_str("<figcaption>Every case of the campaign; percentages of the requests sent.</figcaption></figure>");

    // Requests by group.
    out.push_str("<h2>Requests</h2>");
    requests_table(&mut out, r);
    out.push_str(r#"<p class="note">Delivered and later figures are shares of the requests sent; on time and late are shares of the answered. Median days: working days from receipt (day 0) to the first answer, in each case's regime. Overdue now and long overdue (a UK regime, over 40 working days) as <code>foi overdue</code> counts them.</p>"#);

    // Over time.
    out.push_str("<h2>Answers over time</h2><figure>");
    let lines: Vec<&Group> = if r.groups.len() <= 8 {
        r.groups.iter().collect()
    } else {
        vec![all]
    };
    out.push_str(&svg::over_time(&lines));
    out.push_str("<figcaption>Cumulative share of the requests sent that were answered, by working day since receipt; the statutory deadline is day 20.</figcaption></figure>");

    // Outcomes.
    outcomes(&mut out, r);

    // Escalation.
    stages(&mut out, r);

    // Refusals.
    refusals(&mut out, r);

    // Questions.
    out.push_str("<h2>Answers to the campaign's questions</h2>");
    if r.questions.is_empty() {
        out.push_str(r#"<p class="note">This campaign declares no questions (<code>[[questions]]</code> in its campaign.toml).</p>"#);
    }
    for (qi, q) in r.questions.iter().enumerate() {
        question(&mut out, r, qi, q);
    }

    let _ = writeln!(
        out,
        "<footer>Made by foi report (schema {}). Only confirmed answers are counted.</footer></main></body></html>",
        r.schema
    );
    out
}

/// The headline figures, as cards.
fn cards(out: &mut String, all: &Group) {
    let f = &all.figures;
    out.push_str(r#"<div class="cards">"#);
    card(out, &f.sent.to_string(), "requests sent");
    card(
        out,
        &pct_text(f.delivered, f.sent),
        &format!("delivered ({} failed)", f.delivery_failed),
    );
    card(out, &pct_text(f.answered, f.sent), "answered");
    card(
        out,
        &pct_text(f.answered_on_time, f.answered),
        "of answers on time",
    );
    card(
        out,
        &f.overdue.to_string(),
        &format!("overdue now ({} long overdue)", f.long_overdue),
    );
    card(out, &f.refused.to_string(), "refused");
    card(
        out,
        &number_or(all.median_working_days_to_answer, "–"),
        "median working days to answer",
    );
    out.push_str("</div>");
}

/// The answers by outcome: a table per group and a stacked bar chart.
fn outcomes(out: &mut String, r: &Report) {
    let all = &r.groups[0];
    out.push_str("<h2>Answers by outcome</h2>");
    let outcome_names: Vec<String> = all
        .outcomes
        .named()
        .iter()
        .map(|(n, _)| n.replace('_', " "))
        .collect();
    let _ = write!(
        out,
        "<table><tr><th>group</th><th>answered</th>{}</tr>",
        outcome_names
            .iter()
            .map(|n| format!("<th>{n}</th>"))
            .collect::<String>()
    );
    for g in &r.groups {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td>{}</tr>",
            escape(&g.name),
            g.figures.answered,
            g.outcomes
                .named()
                .iter()
                .map(|(_, n)| format!("<td>{}</td>", cell_pct(*n, g.figures.answered)))
                .collect::<String>()
        );
    }
    out.push_str("</table><figure>");
    let rows: Vec<StackedRow> = r
        .groups
        .iter()
        .map(|g| StackedRow {
            label: g.name.clone(),
            counts: g.outcomes.named().iter().map(|(_, n)| *n).collect(),
            note: format!("n = {} answered", g.figures.answered),
        })
        .collect();
    out.push_str(&svg::stacked("Answers by outcome", &outcome_names, &rows));
    out.push_str("</figure>");
}

/// The escalation stages: a table of cases per stage and group.
fn stages(out: &mut String, r: &Report) {
    out.push_str("<h2>Escalation</h2><table><tr><th>group</th>");
    for c in super::stages::STAGE_COLUMNS {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr>");
    for g in &r.groups {
        let _ = write!(out, "<tr><td>{}</td>", escape(&g.name));
        for (_, n) in g.stages.named() {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str(r#"</table><p class="note">Cases that reached each stage: an internal review asked for and answered, a complaint to the regulator, its acknowledgement, a decision notice (and its outcome), the body's compliance, an appeal to the tribunal. A later stage counts the earlier ones as reached.</p>"#);
}

/// The refusals by the exemptions they cite.
fn refusals(out: &mut String, r: &Report) {
    out.push_str("<h2>Refusals by exemption cited</h2>");
    if r.groups.iter().all(|g| g.exemptions.is_empty()) {
        out.push_str(r#"<p class="note">No refusals.</p>"#);
    } else {
        out.push_str(
            "<table><tr><th>group</th><th>exemption</th><th>cases</th><th>of refused</th></tr>",
        );
        for g in &r.groups {
            for x in &g.exemptions {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&g.name),
                    escape(&x.value),
                    x.count,
                    g.figures.refused
                );
            }
        }
        out.push_str("</table><p class=\"note\">A refusal citing several exemptions counts under each; none recognised in its note or reply is \"not stated\".</p>");
    }
}

fn pct_text(part: usize, base: usize) -> String {
    match percent(part, base) {
        Some(p) => percent_text(p),
        None => "–".into(),
    }
}

fn requests_table(out: &mut String, r: &Report) {
    out.push_str("<div class=\"scroll\"><table><tr>");
    for c in REQUEST_COLUMNS {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr>");
    for g in &r.groups {
        let mut cells = request_row(g, cell_pct, "–");
        cells[0] = escape(&cells[0]);
        out.push_str("<tr>");
        for c in &cells {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></div>");
}

fn question(out: &mut String, r: &Report, qi: usize, q: &QuestionInfo) {
    let _ = write!(
        out,
        r#"<h3>{}</h3><p class="note"><code>{}</code> &middot; {}</p>"#,
        escape(&q.label),
        escape(&q.key),
        q.kind
    );
    let tallies: Vec<(&Group, &super::QuestionTally)> = r
        .groups
        .iter()
        .filter_map(|g| g.questions.get(qi).map(|t| (g, t)))
        .collect();
    let Some((_, first)) = tallies.first() else {
        return;
    };
    match q.kind {
        "number" | "text" => {
            let number = q.kind == "number";
            out.push_str("<table><tr><th>group</th><th>answered (n)</th><th>no answer</th>");
            if number {
                out.push_str("<th>median</th><th>total</th>");
            }
            out.push_str("</tr>");
            for (g, t) in &tallies {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{} of {}</td><td>{}</td>",
                    escape(&g.name),
                    t.answered,
                    g.cases,
                    t.no_answer
                );
                if number {
                    let _ = write!(
                        out,
                        "<td>{}</td><td>{}</td>",
                        number_or(t.median, "–"),
                        number_or(t.total, "–")
                    );
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        _ => {
            let values: Vec<String> = first.values.iter().map(|v| v.value.clone()).collect();
            let _ = write!(
                out,
                "<table><tr><th>group</th>{}<th>base (answered)</th><th>no answer</th></tr>",
                values
                    .iter()
                    .map(|v| format!("<th>{}</th>", escape(v)))
                    .collect::<String>()
            );
            for (g, t) in &tallies {
                let _ = write!(
                    out,
                    "<tr><td>{}</td>{}<td>n = {} of {}</td><td>{}</td></tr>",
                    escape(&g.name),
                    t.values
                        .iter()
                        .map(|v| format!(
                            "<td>{}</td>",
                            match v.percent {
                                Some(p) => format!("{} ({})", percent_text(p), v.count),
                                None => v.count.to_string(),
                            }
                        ))
                        .collect::<String>(),
                    t.answered,
                    g.cases,
                    t.no_answer
                );
            }
            out.push_str("</table><figure>");
            let rows: Vec<StackedRow> = tallies
                .iter()
                .map(|(g, t)| StackedRow {
                    label: g.name.clone(),
                    counts: t.values.iter().map(|v| v.count).collect(),
                    note: format!("n = {} of {} cases", t.answered, g.cases),
                })
                .collect();
            out.push_str(&svg::stacked(&q.label, &values, &rows));
            out.push_str("<figcaption>Shares of the cases in each group with a confirmed answer (n).</figcaption></figure>");
        }
    }
}
