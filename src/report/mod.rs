//! Campaign reports: the tally of one campaign's cases into the figures a campaign
//! publishes, and its renderings ([`text`], [`csv`], [`json`], [`html`] with [`svg`]
//! charts); and the due dates as an iCalendar file ([`ics`], for staff calendars).
//!
//! [`tally`] is pure: it takes the rows the store read in bulk (case timelines, groupings,
//! confirmed answers, refusal texts), the campaign's questions and the regimes, and the
//! current instant, and returns a [`Report`]. Deadlines come from the deadline engine
//! through [`crate::standing`], exactly as `foi overdue` uses them; nothing here reads
//! the clock, the database or a file.
//!
//! ## The figures, per group
//! - **cases**: the campaign's cases in the group.
//! - **sent**: cases with a `sent` event (the request's date of receipt).
//! - **delivered**: sent and not lost: no `delivery_failed` (bounce) event after the last
//!   `sent`, or the body replied anyway. **delivery_failed** is the rest of sent, plus the
//!   cases whose request the mail server refused at send time (a permanent SMTP refusal: a
//!   `delivery_failed` event and never a `sent` one); a share of the cases.
//! - **acknowledged**: cases with an `acknowledged` event.
//! - **answered**: cases with an answer as [`standing::derive`] gives it, the same
//!   derivation every listing's status comes from: the events are the case's effective
//!   ones (an automatic event a person's correction superseded does not count), the
//!   *outcome* is the latest `response`, `partial_response`, `not_held` or `refusal` (or a
//!   status a person set to one of these), and the answer is dated by the first of them.
//!   A case a person (or the body) took back to before an answer has none. So the
//!   outcomes add up to the Campaigns page's answered statuses.
//!   **answered_on_time** / **answered_late**: the
//!   answer's date against the statutory due date that applied when it came (clarification,
//!   fees and extensions counted); an answer while the clock was stopped or paused is on
//!   time.
//! - **overdue** / **long_overdue**: cases with a running clock (the request's, a pending
//!   review's, a regulator's compliance date) past its due date today, as `foi overdue`
//!   lists them (long: a UK regime, more than 40 working days).
//! - **refused**: cases whose outcome is a refusal; **exemptions** counts them by the sections
//!   cited in the refusal's note or in the reply's text (a case citing two counts under
//!   both; none found is "not stated").
//! - **stages**: cases at each escalation stage (internal review, complaint to the
//!   regulator, decision notices by outcome, tribunal appeals): see [`stages`].
//! - **median_working_days_to_answer**: working days from receipt (day 0) to the answer,
//!   counted with the case's regime calendar.
//!
//! ## Questions
//! Only confirmed answers count. For each question and group, the **base** is the number of
//! cases in the group with a confirmed answer to it; **no_answer** is the rest of the
//! group's cases. Yes/no and choice questions give a count and percentage per value; number
//! questions the median and total; text questions how many were answered.
//!
//! ## Groups
//! The first group is always `all` (every case once). `--by tag` adds one group per tag: a
//! body with several tags counts in each of its tags, so those groups overlap. `--by region`
//! and `--by regime` put each case in exactly one group.

pub mod compare;
pub mod csv;
mod exemptions;
mod format;
pub mod html;
pub mod ics;
pub mod interval;
pub mod json;
pub mod stages;
pub mod svg;
pub mod text;

use crate::deadlines::Regimes;
use crate::domain::event::EventKind;
use crate::domain::CaseId;
use crate::domain::{QuestionType, Questions};
use crate::standing::{self, is_uk, Outcome, LONG_OVERDUE};
use crate::store::{CaseGrouping, CaseTimeline, ConfirmedAnswer, RefusalText};
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use exemptions::exemption_order;
pub use exemptions::exemptions_cited;
pub use format::{escape, number_or, number_text, percent_text, request_row, REQUEST_COLUMNS};

/// The version of the JSON (and CSV) layout; bumped when a field changes meaning.
pub const SCHEMA: &str = "foi-report/1";

/// The group name of a body with no tag, or no region.
pub const NO_TAG: &str = "(no tag)";
pub const NO_REGION: &str = "(no region)";
/// The exemption of a refusal that cites none we recognise.
pub const NOT_STATED: &str = "not stated";

/// How cases are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Tag,
    Region,
    Regime,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tag" => Some(Self::Tag),
            "region" => Some(Self::Region),
            "regime" => Some(Self::Regime),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Region => "region",
            Self::Regime => "regime",
        }
    }
}

/// A campaign's report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    pub campaign: String,
    /// The instant overdue figures are counted at.
    pub as_of: DateTime<Utc>,
    pub by: Option<GroupBy>,
    /// What a reader must know to read the groups (e.g. that tag groups overlap).
    pub notes: Vec<String>,
    pub questions: Vec<QuestionInfo>,
    /// `all` first, then the groups by name.
    pub groups: Vec<Group>,
}

/// A question as the campaign declares it.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionInfo {
    pub key: String,
    pub label: String,
    /// `yesno`, `number`, `text` or `choice`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A choice's options (empty otherwise).
    pub options: Vec<String>,
}

/// The figures of one group.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    pub cases: usize,
    pub figures: Figures,
    /// The kind of each answer (the first answering event).
    pub outcomes: Outcomes,
    /// Cases at each escalation stage.
    pub stages: stages::Stages,
    /// Refused cases by exemption cited, most cited first.
    pub exemptions: Vec<Count>,
    pub median_working_days_to_answer: Option<f64>,
    /// How many answers came on each working day after receipt, by day.
    pub answer_days: Vec<DayCount>,
    /// One per campaign question, in the declared order.
    pub questions: Vec<QuestionTally>,
}

/// The response funnel and the timing figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub sent: usize,
    pub delivered: usize,
    pub delivery_failed: usize,
    pub acknowledged: usize,
    pub answered: usize,
    pub answered_on_time: usize,
    pub answered_late: usize,
    pub overdue: usize,
    pub long_overdue: usize,
    pub refused: usize,
}

impl Figures {
    /// What a figure is a share of: `sent` and `delivery_failed` (which counts requests
    /// refused before they were ever sent) of the cases, on time and late of the answered,
    /// the rest of the sent.
    pub fn base_of(&self, name: &str, cases: usize) -> usize {
        match name {
            "sent" | "delivery_failed" => cases,
            "answered_on_time" | "answered_late" => self.answered,
            _ => self.sent,
        }
    }

    /// Names and values in display order (the CSV's `figure` rows use these names).
    pub fn named(&self) -> [(&'static str, usize); 10] {
        [
            ("sent", self.sent),
            ("delivered", self.delivered),
            ("delivery_failed", self.delivery_failed),
            ("acknowledged", self.acknowledged),
            ("answered", self.answered),
            ("answered_on_time", self.answered_on_time),
            ("answered_late", self.answered_late),
            ("overdue", self.overdue),
            ("long_overdue", self.long_overdue),
            ("refused", self.refused),
        ]
    }
}

/// How the answers ended the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcomes {
    pub response: usize,
    pub partial_response: usize,
    pub not_held: usize,
    pub refusal: usize,
}

impl Outcomes {
    pub fn named(&self) -> [(&'static str, usize); 4] {
        [
            ("response", self.response),
            ("partial_response", self.partial_response),
            ("not_held", self.not_held),
            ("refusal", self.refusal),
        ]
    }
}

/// A labelled count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub value: String,
    pub count: usize,
}

/// Answers that came on one working day after receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub working_days: i64,
    pub cases: usize,
}

/// One question's tally in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionTally {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The base: cases in the group with a confirmed answer.
    pub answered: usize,
    /// Cases in the group without one.
    pub no_answer: usize,
    /// Yes/no and choice questions: each value's count and share of the base (yes, no,
    /// unknown; or the options in declared order, then any other stored value).
    pub values: Vec<ValueCount>,
    /// Number questions.
    pub median: Option<f64>,
    pub total: Option<f64>,
}

/// A value's count and its percentage of the base (one decimal; `None` with no base).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueCount {
    pub value: String,
    pub count: usize,
    pub percent: Option<f64>,
}

/// `part` as a percentage of `base`, to one decimal.
pub fn percent(part: usize, base: usize) -> Option<f64> {
    (base > 0).then(|| (part as f64 * 1000.0 / base as f64).round() / 10.0)
}

/// What the tally reads.
pub struct Input<'a> {
    pub campaign: &'a str,
    pub timelines: &'a [CaseTimeline],
    pub groupings: &'a [CaseGrouping],
    pub answers: &'a [ConfirmedAnswer],
    pub refusals: &'a [RefusalText],
    pub questions: &'a Questions,
    pub regimes: &'a Regimes,
    /// Which chaser steps of the campaign request an internal review.
    pub is_review_step: &'a dyn Fn(&str) -> bool,
    pub now: DateTime<Utc>,
    pub by: Option<GroupBy>,
}

/// What one case contributes.
#[derive(Debug, Default)]
struct Facts {
    sent: bool,
    delivered: bool,
    /// Never sent: the server refused the request for good when it was handed over.
    refused_at_send: bool,
    acknowledged: bool,
    answer: Option<Outcome>,
    on_time: bool,
    working_days: Option<i64>,
    overdue: bool,
    long_overdue: bool,
    refused: bool,
    stages: stages::Reached,
}

fn facts(t: &CaseTimeline, input: &Input) -> anyhow::Result<Facts> {
    let mut f = Facts {
        stages: stages::reached(&t.events, input.is_review_step),
        ..Facts::default()
    };
    let Some(received) = standing::received(&t.events) else {
        f.refused_at_send = t.events.iter().any(|e| e.kind == EventKind::DeliveryFailed);
        return Ok(f);
    };
    f.sent = true;
    let regime = input
        .regimes
        .get(&t.regime)
        .with_context(|| format!("case {}: unknown regime '{}'", t.reference, t.regime))?;
    let mut replied = false;
    let mut lost = false;
    for e in &t.events {
        match e.kind {
            EventKind::Sent => lost = false,
            EventKind::DeliveryFailed => lost = true,
            EventKind::Acknowledged => f.acknowledged = true,
            _ => {}
        }
        replied |= e.kind.is_reply();
    }
    f.delivered = replied || !lost;
    // The answer as the one derivation has it (a person's correction counts, what it
    // superseded does not): the same state every listing's status comes from.
    let state = standing::derive(t.status, &t.events, input.is_review_step);
    if let Some(a) = state.answer {
        f.answer = Some(a.outcome);
        f.refused = a.outcome == Outcome::Refusal;
        // The due date that applied when the body first answered: the clock over the
        // events up to it (later reviews and complaints do not move it).
        let d = standing::deadline(regime, &t.events[..=a.first_index], input.is_review_step)
            .with_context(|| format!("case {}", t.reference))?;
        f.on_time = d.and_then(|d| d.due()).is_none_or(|due| a.first_on <= due);
        f.working_days = Some(
            regime
                .working_days_between(received, a.first_on)
                .with_context(|| format!("case {}", t.reference))?,
        );
    }
    if standing::clocks_run(t.status) {
        // As `foi overdue`: every running clock against today in the regime's time zone.
        let d = standing::deadline(regime, &t.events, input.is_review_step)
            .with_context(|| format!("case {}", t.reference))?;
        if let Some(d) = d {
            let today = regime.local_date(input.now);
            let most = standing::standings(regime, &d, &t.events, today)
                .into_iter()
                .map(|s| s.working_days_overdue)
                .max();
            if let Some(days) = most {
                f.overdue = days >= 1;
                f.long_overdue = is_uk(&t.regime) && days > LONG_OVERDUE;
            }
        }
    }
    Ok(f)
}

/// Running sums for one group.
#[derive(Default)]
struct Acc {
    cases: usize,
    figures: Figures,
    outcomes: Outcomes,
    stages: stages::Stages,
    exemptions: BTreeMap<String, usize>,
    days: Vec<i64>,
    /// Per question: value -> count.
    values: Vec<BTreeMap<String, usize>>,
    numbers: Vec<Vec<f64>>,
}

impl Acc {
    fn add(&mut self, f: &Facts, exemptions: Option<&Vec<String>>, answers: &[Option<&str>]) {
        self.cases += 1;
        let g = &mut self.figures;
        g.sent += usize::from(f.sent);
        g.delivered += usize::from(f.sent && f.delivered);
        g.delivery_failed += usize::from(f.sent && !f.delivered || f.refused_at_send);
        g.acknowledged += usize::from(f.acknowledged);
        g.overdue += usize::from(f.overdue);
        g.long_overdue += usize::from(f.long_overdue);
        self.stages.add(&f.stages);
        if let Some(o) = f.answer {
            g.answered += 1;
            if f.on_time {
                g.answered_on_time += 1;
            } else {
                g.answered_late += 1;
            }
            let slot = match o {
                Outcome::Response => &mut self.outcomes.response,
                Outcome::PartialResponse => &mut self.outcomes.partial_response,
                Outcome::NotHeld => &mut self.outcomes.not_held,
                Outcome::Refusal => &mut self.outcomes.refusal,
            };
            *slot += 1;
        }
        if let Some(d) = f.working_days {
            self.days.push(d);
        }
        if f.refused {
            g.refused += 1;
            match exemptions.filter(|v| !v.is_empty()) {
                Some(v) => {
                    for x in v {
                        *self.exemptions.entry(x.clone()).or_default() += 1;
                    }
                }
                None => *self.exemptions.entry(NOT_STATED.into()).or_default() += 1,
            }
        }
        if self.values.len() < answers.len() {
            self.values.resize_with(answers.len(), BTreeMap::new);
            self.numbers.resize_with(answers.len(), Vec::new);
        }
        for (i, a) in answers.iter().enumerate() {
            if let Some(v) = a {
                *self.values[i].entry((*v).to_string()).or_default() += 1;
                if let Ok(n) = v.parse::<f64>() {
                    self.numbers[i].push(n);
                }
            }
        }
    }

    fn finish(mut self, name: String, questions: &Questions) -> Group {
        let mut exemptions: Vec<Count> = self
            .exemptions
            .into_iter()
            .map(|(value, count)| Count { value, count })
            .collect();
        // Most cited first; "not stated" last; then by section number.
        exemptions.sort_by(|a, b| {
            (a.value == NOT_STATED)
                .cmp(&(b.value == NOT_STATED))
                .then(b.count.cmp(&a.count))
                .then_with(|| exemption_order(&a.value).cmp(&exemption_order(&b.value)))
        });
        let mut by_day: BTreeMap<i64, usize> = BTreeMap::new();
        for d in &self.days {
            *by_day.entry(*d).or_default() += 1;
        }
        let median_days = median(&mut self.days.iter().map(|d| *d as f64).collect::<Vec<_>>());
        self.values.resize_with(questions.len(), BTreeMap::new);
        self.numbers.resize_with(questions.len(), Vec::new);
        let tallies = questions
            .iter()
            .zip(self.values)
            .zip(self.numbers)
            .map(|((q, values), mut numbers)| {
                let answered: usize = values.values().sum();
                let listed: Vec<String> = match &q.kind {
                    QuestionType::YesNo => vec!["yes".into(), "no".into(), "unknown".into()],
                    QuestionType::Choice(options) => options.clone(),
                    QuestionType::Number | QuestionType::Text => Vec::new(),
                };
                let mut counts = Vec::new();
                if !listed.is_empty() {
                    for v in &listed {
                        let count = values.get(v).copied().unwrap_or(0);
                        counts.push((v.clone(), count));
                    }
                    // Values stored before an option was renamed still count, after the rest.
                    for (v, count) in &values {
                        if !listed.contains(v) {
                            counts.push((v.clone(), *count));
                        }
                    }
                }
                let is_number = q.kind == QuestionType::Number;
                QuestionTally {
                    key: q.key.clone(),
                    kind: q.kind.name(),
                    answered,
                    no_answer: self.cases - answered.min(self.cases),
                    values: counts
                        .into_iter()
                        .map(|(value, count)| ValueCount {
                            value,
                            count,
                            percent: percent(count, answered),
                        })
                        .collect(),
                    median: if is_number {
                        median(&mut numbers)
                    } else {
                        None
                    },
                    total: (is_number && !numbers.is_empty()).then(|| numbers.iter().sum()),
                }
            })
            .collect();
        Group {
            name,
            cases: self.cases,
            figures: self.figures,
            outcomes: self.outcomes,
            stages: self.stages,
            exemptions,
            median_working_days_to_answer: median_days,
            answer_days: by_day
                .into_iter()
                .map(|(working_days, cases)| DayCount {
                    working_days,
                    cases,
                })
                .collect(),
            questions: tallies,
        }
    }
}

/// The median (the mean of the middle two for an even count); `None` for no values.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Tally a campaign.
///
/// (Long on purpose: one pass over the cases filling every figure of the report at once,
/// so that no figure can be counted over a different set of cases than another.)
pub fn tally(input: &Input) -> anyhow::Result<Report> {
    let questions = input.questions;
    let qindex: HashMap<&str, usize> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.key.as_str(), i))
        .collect();
    let mut answers: HashMap<CaseId, Vec<Option<&str>>> = HashMap::new();
    for a in input.answers {
        if let Some(&i) = qindex.get(a.question.as_str()) {
            answers
                .entry(a.case_id)
                .or_insert_with(|| vec![None; questions.len()])[i] = Some(a.value.as_str());
        }
    }
    let mut exemptions: HashMap<CaseId, Vec<String>> = HashMap::new();
    for r in input.refusals {
        let found = exemptions.entry(r.case_id).or_default();
        // The reply's own words only: a quoted request must not count as a citation.
        let reply = r.reply_text.as_deref().map(crate::text::fresh_text);
        for text in [r.note.as_deref(), reply.as_deref()].into_iter().flatten() {
            for x in exemptions_cited(text) {
                if !found.contains(&x) {
                    found.push(x);
                }
            }
        }
    }
    let groupings: HashMap<CaseId, &CaseGrouping> =
        input.groupings.iter().map(|g| (g.case_id, g)).collect();

    let mut all = Acc::default();
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let no_answers: Vec<Option<&str>> = Vec::new();
    for t in input.timelines {
        let f = facts(t, input)?;
        let ex = exemptions.get(&t.id);
        let ans = answers.get(&t.id).unwrap_or(&no_answers);
        all.add(&f, ex, ans);
        let grouping = groupings.get(&t.id);
        let names: Vec<&str> = match input.by {
            None => Vec::new(),
            Some(GroupBy::Tag) => match grouping.map(|g| &g.tags).filter(|t| !t.is_empty()) {
                Some(tags) => tags.iter().map(String::as_str).collect(),
                None => vec![NO_TAG],
            },
            Some(GroupBy::Region) => {
                vec![grouping
                    .and_then(|g| g.region.as_deref())
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or(NO_REGION)]
            }
            Some(GroupBy::Regime) => vec![t.regime.as_str()],
        };
        for name in names {
            match groups.get_mut(name) {
                Some(acc) => acc.add(&f, ex, ans),
                None => {
                    let mut acc = Acc::default();
                    acc.add(&f, ex, ans);
                    groups.insert(name.to_string(), acc);
                }
            }
        }
    }
    let mut out = vec![all.finish("all".into(), questions)];
    out.extend(
        groups
            .into_iter()
            .map(|(name, acc)| acc.finish(name, questions)),
    );
    let mut notes = Vec::new();
    if input.by == Some(GroupBy::Tag) {
        notes.push(
            "Grouped by tag: a body with several tags counts in each of its tags, so the tag groups overlap; 'all' counts each case once."
                .to_string(),
        );
    }
    notes.push(
        "Only confirmed answers count; each question's base is the cases in the group with a confirmed answer to it."
            .to_string(),
    );
    Ok(Report {
        schema: SCHEMA,
        campaign: input.campaign.to_string(),
        as_of: input.now,
        by: input.by,
        notes,
        questions: questions
            .iter()
            .map(|q| QuestionInfo {
                key: q.key.clone(),
                label: q.label.clone(),
                kind: q.kind.name(),
                options: match &q.kind {
                    QuestionType::Choice(o) => o.clone(),
                    _ => Vec::new(),
                },
            })
            .collect(),
        groups: out,
    })
}

#[cfg(test)]
mod tests;
