//! A case's state derived from its events: the status every listing shows and the answer
//! every figure counts, from one fold over the case's effective events (those no person's
//! correction superseded), in date order.
//!
//! The stored `cases.status` is this derivation kept for indexed listing: every path that
//! records an event writes the status [`derive`] gives, so the report, the Campaigns page,
//! `foi cases list`, `foi overdue` and the exports cannot disagree.

use super::status::status_after;
use crate::domain::event::EventKind;
use crate::domain::{CaseStatus, Event};
use chrono::NaiveDate;

/// How a body's answer ended the request: the kind of the latest effective answering
/// event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Response,
    PartialResponse,
    NotHeld,
    Refusal,
}

impl Outcome {
    /// The outcome an event kind records, if it is an answer.
    pub fn of(kind: &EventKind) -> Option<Self> {
        match kind {
            EventKind::Response => Some(Self::Response),
            EventKind::PartialResponse => Some(Self::PartialResponse),
            EventKind::NotHeld => Some(Self::NotHeld),
            EventKind::Refusal => Some(Self::Refusal),
            _ => None,
        }
    }

    /// The status a case answered so has.
    pub fn status(self) -> CaseStatus {
        match self {
            Self::Response => CaseStatus::Successful,
            Self::PartialResponse => CaseStatus::PartiallySuccessful,
            Self::NotHeld => CaseStatus::NotHeld,
            Self::Refusal => CaseStatus::Refused,
        }
    }

    /// The outcome of an answered status.
    pub fn of_status(s: CaseStatus) -> Option<Self> {
        match s {
            CaseStatus::Successful => Some(Self::Response),
            CaseStatus::PartiallySuccessful => Some(Self::PartialResponse),
            CaseStatus::NotHeld => Some(Self::NotHeld),
            CaseStatus::Refused => Some(Self::Refusal),
            _ => None,
        }
    }
}

/// The body's answer: what it said last, and when it first answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    pub outcome: Outcome,
    /// The date of the first effective answering event (what timeliness is measured by).
    pub first_on: NaiveDate,
    /// The index (in the events given) of that first answering event.
    #[serde(skip)]
    pub first_index: usize,
}

/// Where a case stands, from its effective events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CaseState {
    pub status: CaseStatus,
    pub answer: Option<Answer>,
}

/// The status a person set by hand, as its `status_set` event's note holds it
/// (`not_held` or `not_held: their words`).
pub fn status_set_to(note: Option<&str>) -> Option<CaseStatus> {
    let word = note?.split(':').next()?;
    CaseStatus::parse(word)
}

/// One step of the fold: the status after `e`, from `status`.
fn step(status: CaseStatus, e: &Event, is_review_step: &dyn Fn(&str) -> bool) -> CaseStatus {
    use CaseStatus as S;
    match &e.kind {
        EventKind::Sent => match status {
            S::Draft | S::Queued | S::DeliveryFailed | S::Cancelled => S::AwaitingResponse,
            s => s,
        },
        // A bounce (of the request or a chaser) before the body said anything.
        EventKind::DeliveryFailed => match status {
            S::Draft | S::Queued | S::AwaitingResponse => S::DeliveryFailed,
            s => s,
        },
        // Our clarification (or a campaign-wide message, which counts as one) restarts
        // the clock: the case awaits the response again.
        EventKind::ClarificationSent | EventKind::MessageSent
            if status == S::ClarificationRequested =>
        {
            S::AwaitingResponse
        }
        EventKind::ChaserSent { step } if is_review_step(step) => match status {
            S::AwaitingResponse | S::Acknowledged | S::Refused | S::PartiallySuccessful => {
                S::InternalReview
            }
            s => s,
        },
        EventKind::StatusSet => status_set_to(e.note.as_deref()).unwrap_or(status),
        kind => status_after(kind, status).unwrap_or(status),
    }
}

/// The statuses of a case the body has not answered: reaching one (a person reopening a
/// case, a body asking for clarification) forgets an earlier answer.
fn unanswered(s: CaseStatus) -> bool {
    matches!(
        s,
        CaseStatus::Draft
            | CaseStatus::Queued
            | CaseStatus::AwaitingResponse
            | CaseStatus::Acknowledged
            | CaseStatus::ClarificationRequested
            | CaseStatus::DeliveryFailed
            | CaseStatus::Cancelled
    )
}

/// The outcome an event gives: an answering kind, or a person's status that names one.
fn outcome_of(e: &Event) -> Option<Outcome> {
    match e.kind {
        EventKind::StatusSet => status_set_to(e.note.as_deref()).and_then(Outcome::of_status),
        ref k => Outcome::of(k),
    }
}

/// Derive a case's state from its effective events (date order). `before_sending` is the
/// stored status of a case with no event yet (draft, queued, cancelled).
///
/// Invariant (the property test's): an answered status (successful, partially
/// successful, not held, refused) always comes with the answer of that outcome, and a
/// status before any answer (awaiting response, acknowledged, clarification requested,
/// delivery failed) with none.
pub fn derive(
    before_sending: CaseStatus,
    events: &[Event],
    is_review_step: &dyn Fn(&str) -> bool,
) -> CaseState {
    let mut status = if CaseStatus::NOT_SENT.contains(&before_sending)
        || before_sending == CaseStatus::Cancelled
    {
        before_sending
    } else {
        CaseStatus::Queued
    };
    let mut answer: Option<Answer> = None;
    for (i, e) in events.iter().enumerate() {
        status = step(status, e, is_review_step);
        if let Some(outcome) = outcome_of(e) {
            answer = Some(match answer {
                None => Answer {
                    outcome,
                    first_on: e.on,
                    first_index: i,
                },
                Some(a) => Answer { outcome, ..a },
            });
        }
        if unanswered(status) {
            answer = None;
        }
    }
    CaseState { status, answer }
}
