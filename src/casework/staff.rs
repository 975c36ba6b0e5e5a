//! What a person does to a case by hand: set its status (a `status_set` event, which
//! supersedes the classifier's answers and moves the clock as the status's event would:
//! see `standing`), add a note (a `note` event, which moves nothing) and assign it.
//!
//! Shared by the CLI and the dashboard. Sees `domain`, `store`, `standing` and `state`;
//! time comes in as arguments.

use crate::casework::state::StatusRule;
use crate::domain::event::EventKind;
use crate::domain::{Case, CaseStatus};
use crate::store::{NewEvent, Store, StoreError, Supersede};
use chrono::{DateTime, NaiveDate, Utc};

/// Whether a person may set this status (the sender's own are draft, queued, cancelled).
pub fn is_settable(s: CaseStatus) -> bool {
    !matches!(
        s,
        CaseStatus::Draft | CaseStatus::Queued | CaseStatus::Cancelled
    )
}

/// The statuses a person may set, in the vocabulary's order.
pub fn settable_statuses() -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| is_settable(*s))
        .collect()
}

/// Parse a status a person typed, or say which ones there are.
pub fn parse_settable(typed: &str) -> Result<CaseStatus, String> {
    CaseStatus::parse(typed)
        .filter(|s| is_settable(*s))
        .ok_or_else(|| {
            let hint = match typed
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
            let known: Vec<&str> = settable_statuses().iter().map(|s| s.as_str()).collect();
            format!(
                "'{typed}' is not a status a person can set{hint}: use one of {}",
                known.join(", ")
            )
        })
}

/// Why a hand-made change was refused.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("case {reference} has not been sent ({status}): pause or cancel its campaign instead of setting a status")]
    NotSent {
        reference: String,
        status: CaseStatus,
    },
    #[error("the note is empty: write what you want to keep")]
    EmptyNote,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What a status change did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatusChange {
    pub from: CaseStatus,
    pub to: CaseStatus,
    /// Pending chasers cancelled because the case is now closed.
    pub cancelled_chasers: u64,
}

/// Set a case's status by hand, recording a `status_set` event dated `today`. A closed
/// status cancels the case's pending chasers. A case never sent is refused: its request
/// would still go out.
pub async fn set_status(
    store: &Store,
    case: &Case,
    to: CaseStatus,
    note: Option<&str>,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<StatusChange, StaffError> {
    if !is_settable(case.status) {
        return Err(StaffError::NotSent {
            reference: case.reference.to_string(),
            status: case.status,
        });
    }
    let event_note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{}: {n}", to.as_str()),
        None => to.as_str().to_string(),
    };
    // A person's status corrects what the classifier inferred: an answered status (or one
    // before any answer) supersedes the automatic answers; the status, the clock (see
    // `standing::clock_events`) and the report then follow the `status_set` event.
    let supersede = if crate::standing::Outcome::of_status(to).is_some()
        || matches!(
            to,
            CaseStatus::AwaitingResponse
                | CaseStatus::Acknowledged
                | CaseStatus::ClarificationRequested
        ) {
        Supersede::AutomaticAnswers
    } else {
        Supersede::Nothing
    };
    let rule = StatusRule::load(store).await.map_err(StoreError::Other)?;
    let derive = |c, before, events: &[_]| rule.status(c, before, events);
    let done = store
        .record_event(
            &NewEvent {
                case_id: case.id,
                // (its note is `<status>` or `<status>: <note>`)
                kind: EventKind::StatusSet,
                on: today,
                note: Some(event_note),
                actor: actor.into(),
                message_id: None,
            },
            supersede,
            &derive,
            !to.is_open(),
            now,
        )
        .await?;
    Ok(StatusChange {
        from: case.status,
        to: done.status.unwrap_or(case.status),
        cancelled_chasers: done.cancelled_chasers,
    })
}

/// Add a note to a case (a `note` event dated `today`).
pub async fn add_note(
    store: &Store,
    case: &Case,
    text: &str,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StaffError::EmptyNote);
    }
    store
        .record_event(
            &NewEvent {
                case_id: case.id,
                kind: EventKind::Note,
                on: today,
                note: Some(text.to_string()),
                actor: actor.into(),
                message_id: None,
            },
            Supersede::Nothing,
            &|_, before, _| before,
            false,
            now,
        )
        .await?;
    Ok(())
}

/// Assign a case to a person, or unassign it (`None` or a blank name).
/// Only a user of the dashboard (`foi users list`) can be given a case.
pub async fn assign(store: &Store, case: &Case, name: Option<&str>) -> anyhow::Result<()> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = name {
        if store.user_with_password(n).await?.is_none() {
            anyhow::bail!(
                "no user named '{n}': cases are assigned to users (`foi users list`; `foi users add {n} --role staff` adds one)"
            );
        }
    }
    Ok(store.set_case_assignee(case.id, name).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_a_person_can_set() {
        assert_eq!(parse_settable("Not held"), Ok(CaseStatus::NotHeld));
        let all = settable_statuses();
        assert_eq!(all.len(), 11);
        assert!(!all.contains(&CaseStatus::Queued));
        let err = parse_settable("long overdue").unwrap_err();
        assert!(err.contains("computed from the deadlines"), "{err}");
        assert!(err.contains("awaiting_response, acknowledged"), "{err}");
        assert!(parse_settable("draft").is_err());
    }

    #[test]
    fn staff_kinds_are_no_clock_events() {
        // A note, or a status set by hand whose note names no status, is no clock event,
        // nor can either be typed as an event of `foi case event` (see also standing's
        // tests).
        for kind in [EventKind::StatusSet, EventKind::Note] {
            assert_eq!(EventKind::parse(&kind.as_str()), None);
            let e = crate::domain::Event {
                kind,
                on: "2026-03-04".parse().unwrap(),
                note: None,
            };
            assert!(
                crate::standing::clock_events(&[e], &crate::standing::no_review_steps).is_empty()
            );
        }
    }
}
