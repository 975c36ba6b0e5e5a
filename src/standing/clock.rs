//! A case's events as clock events, its date of receipt and its deadline.

use crate::deadlines::{
    Deadline, DeadlineError, Event as ClockEvent, EventKind as ClockKind, Explanation, Extension,
    Regime,
};
use crate::domain::event::{EventKind, ExtensionNote};
use crate::domain::Event;
use chrono::NaiveDate;

/// The date of receipt of the request: the first `sent` event's date, or, when a delivery
/// failed and the request was sent again (`foi case resend`), the first `sent` after the
/// last failure: the clock counts from the delivery that arrived. A request submitted by
/// hand (`submitted`: the body's web form, a letter) counts from its last submission.
/// (Events come in date order, and in the order they were recorded within a day.)
pub fn received(events: &[Event]) -> Option<NaiveDate> {
    if let Some(by_hand) = events.iter().rev().find(|e| e.kind == EventKind::Submitted) {
        return Some(by_hand.on);
    }
    let after_failure = events
        .iter()
        .rposition(|e| e.kind == EventKind::DeliveryFailed)
        .map_or(0, |i| i + 1);
    let first_sent = |from: usize| {
        events[from..]
            .iter()
            .filter(|e| e.kind == EventKind::Sent)
            .map(|e| e.on)
            .min()
    };
    first_sent(after_failure).or_else(|| first_sent(0))
}

/// The clock events among a case's stored events. `is_review_step` says which chaser steps
/// are requests for internal review (their `chaser_<step>_sent` starts the review clock).
///
/// A person who sets a status before any answer (awaiting response, acknowledged) reopens
/// the request, as the status derivation has it (it forgets an earlier answer): the
/// answers and withdrawals before that no longer end the clock.
pub fn clock_events(events: &[Event], is_review_step: &dyn Fn(&str) -> bool) -> Vec<ClockEvent> {
    use crate::domain::CaseStatus as S;
    let reopened = events.iter().rposition(|e| {
        e.kind == EventKind::StatusSet
            && matches!(
                super::status_set_to(e.note.as_deref()),
                Some(S::AwaitingResponse | S::Acknowledged)
            )
    });
    let Some(at) = reopened else {
        return each_clock_event(events, is_review_step);
    };
    let mut out = each_clock_event(&events[..at], is_review_step);
    out.retain(|c| !matches!(c.kind, ClockKind::Responded | ClockKind::Withdrawn));
    out.extend(each_clock_event(&events[at..], is_review_step));
    out
}

/// Each event's own clock event, if it has one.
fn each_clock_event(events: &[Event], is_review_step: &dyn Fn(&str) -> bool) -> Vec<ClockEvent> {
    events
        .iter()
        .filter_map(|e| {
            let kind = match &e.kind {
                EventKind::ClarificationRequested => ClockKind::ClarificationRequested,
                EventKind::ClarificationSent | EventKind::MessageSent => {
                    ClockKind::ClarificationReceived
                }
                EventKind::FeesNotice => ClockKind::FeesNotice,
                EventKind::FeePaid => ClockKind::FeePaid,
                EventKind::Extension => {
                    ClockKind::Extension(match e.note.as_deref().and_then(ExtensionNote::parse) {
                        Some(ExtensionNote::Until(d)) => Extension::Until(d),
                        Some(ExtensionNote::By(n)) => Extension::By(n),
                        None => Extension::By(20),
                    })
                }
                k if k.is_answer() => ClockKind::Responded,
                EventKind::Withdrawn => ClockKind::Withdrawn,
                EventKind::InternalReviewRequested => ClockKind::ReviewRequested,
                EventKind::ChaserSent { step } if is_review_step(step) => {
                    ClockKind::ReviewRequested
                }
                EventKind::InternalReviewResponse => ClockKind::ReviewAnswered,
                EventKind::ComplaintToRegulator => ClockKind::ComplaintToRegulator,
                // A status a person set stops or starts the clock as its event would.
                EventKind::StatusSet => status_clock(e.note.as_deref())?,
                // (not clock events: what the sender did, an acknowledgement, a person's
                // status or note, a kind this version does not know)
                EventKind::Sent
                | EventKind::Submitted
                | EventKind::ReplySent
                | EventKind::DeliveryFailed
                | EventKind::ChaserSent { .. }
                | EventKind::Acknowledged
                | EventKind::Response
                | EventKind::Refusal
                | EventKind::PartialResponse
                | EventKind::NotHeld
                | EventKind::Note
                // (a decision's compliance date is a clock of its own:
                // `due::compliance_due`; the rest of the regulator stage is recorded)
                | EventKind::RegulatorDecision
                | EventKind::DecisionNotice
                | EventKind::RegulatorAcknowledged
                | EventKind::Complied
                | EventKind::TribunalAppeal
                | EventKind::Other(_) => return None,
            };
            Some(ClockEvent::new(e.on, kind))
        })
        .collect()
}

/// The clock event of a status a person set (`None`: it moves no clock).
fn status_clock(note: Option<&str>) -> Option<ClockKind> {
    use crate::domain::CaseStatus as S;
    Some(match super::status_set_to(note)? {
        S::Successful | S::PartiallySuccessful | S::NotHeld | S::Refused => ClockKind::Responded,
        S::Withdrawn => ClockKind::Withdrawn,
        S::ClarificationRequested => ClockKind::ClarificationRequested,
        // Back to awaiting the response after a clarification request: as our
        // clarification (the engine ignores it unless one was asked for).
        S::AwaitingResponse => ClockKind::ClarificationReceived,
        S::InternalReview => ClockKind::ReviewRequested,
        S::ComplaintToRegulator => ClockKind::ComplaintToRegulator,
        S::Acknowledged | S::DeliveryFailed | S::Draft | S::Queued | S::Cancelled => return None,
    })
}

/// No chaser step requests an internal review (for callers without a ladder at hand).
pub fn no_review_steps(_: &str) -> bool {
    false
}

/// A case's deadline under `regime`; `None` until its request has been sent.
pub fn deadline(
    regime: &Regime,
    events: &[Event],
    is_review_step: &dyn Fn(&str) -> bool,
) -> Result<Option<Deadline>, DeadlineError> {
    let Some(received) = received(events) else {
        return Ok(None);
    };
    regime
        .deadline(received, &clock_events(events, is_review_step))
        .map(Some)
}

/// The same with its explanation.
pub fn explain(
    regime: &Regime,
    events: &[Event],
    is_review_step: &dyn Fn(&str) -> bool,
) -> Result<Option<Explanation>, DeadlineError> {
    let Some(received) = received(events) else {
        return Ok(None);
    };
    regime
        .explain(received, &clock_events(events, is_review_step))
        .map(Some)
}
