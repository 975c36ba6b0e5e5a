//! What a person does to a case: set its status, add a note, assign it, code its answers.
//! `foi case status|note|assign|answer` and the dashboard's case page both call these; each
//! checks everything first and changes nothing on an error (one sentence saying what to do).
//!
//! Sees `domain`, `store` and `answers`; the date and time come in as arguments.

use crate::answers::{self, QuestionBook};
use crate::domain::{Case, CaseStatus};
use crate::store::{AnswerChange, NewEvent, Store};
use anyhow::bail;
use chrono::{DateTime, NaiveDate, Utc};

/// The statuses a person may set: everything but the sender's own (draft, queued, cancelled).
pub fn settable(s: CaseStatus) -> bool {
    !matches!(
        s,
        CaseStatus::Draft | CaseStatus::Queued | CaseStatus::Cancelled
    )
}

/// The statuses a person may set, in the vocabulary's order.
pub fn settable_statuses() -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| settable(*s))
        .collect()
}

/// Parse a status a person may set; the error lists them.
pub fn parse_settable(status: &str) -> anyhow::Result<CaseStatus> {
    if let Some(s) = CaseStatus::parse(status).filter(|s| settable(*s)) {
        return Ok(s);
    }
    let hint = match status
        .trim()
        .to_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "overdue" | "long_overdue" => {
            " (overdue and long overdue are computed from the deadlines: `foi overdue`)"
        }
        _ => "",
    };
    let vocabulary: Vec<&str> = settable_statuses().iter().map(|s| s.as_str()).collect();
    bail!(
        "'{status}' is not a status a person can set{hint}: use one of {}",
        vocabulary.join(", ")
    );
}

/// Set a case's status by hand: a `status_set` event with the note; a case a person closes
/// gets no more chasers. Returns the chasers cancelled.
pub async fn set_status(
    store: &Store,
    case: &Case,
    to: CaseStatus,
    note: Option<&str>,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let event_note = match note {
        Some(n) => format!("{}: {n}", to.as_str()),
        None => to.as_str().to_string(),
    };
    store
        .record_event(
            &NewEvent {
                case_id: case.id,
                kind: "status_set".into(),
                on: today,
                note: Some(event_note),
                actor: actor.into(),
            },
            (to != case.status).then_some(to),
            !to.is_open(),
            now,
        )
        .await
}

/// Add a note to a case (a `note` event).
pub async fn add_note(
    store: &Store,
    case: &Case,
    text: &str,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let text = text.trim();
    if text.is_empty() {
        bail!("the note is empty: write what you want to keep, e.g. \"phoned, they will reply Friday\"");
    }
    store
        .record_event(
            &NewEvent {
                case_id: case.id,
                kind: "note".into(),
                on: today,
                note: Some(text.to_string()),
                actor: actor.into(),
            },
            None,
            false,
            now,
        )
        .await?;
    Ok(())
}

/// Assign a case to a person, or unassign it with `None` (or an empty name).
pub async fn assign(store: &Store, case: &Case, name: Option<&str>) -> anyhow::Result<()> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    store.set_case_assignee(case.id, name).await
}

/// Code a case's answers (`key=value`; an empty value clears): all validated first, then
/// applied together. The error lists every problem; nothing is changed then.
pub async fn code_answers(
    store: &Store,
    case: &Case,
    pairs: &[(String, String)],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<AnswerChange>, u64), Vec<String>> {
    let mut book = QuestionBook::default();
    let questions = book
        .get(store, &case.campaign)
        .await
        .map_err(|e| vec![format!("{e:#}")])?;
    let changes = answers::plan_case_answers(questions, case.id, pairs)?;
    let n = store
        .apply_answers(&changes, actor, now)
        .await
        .map_err(|e| vec![format!("{e:#}")])?;
    Ok((changes, n))
}
