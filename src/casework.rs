//! Casework rules that join the stored events to the pure deadline engine: which stored
//! event is which clock event, a case's deadline, and the status an event sets.
//!
//! Sees `domain`, `deadlines` and `store` (for the stored event rows only); does no IO.
//!
//! ## Events and the clock
//! - The date of receipt is the `occurred_on` of the case's first `sent` event.
//! - `clarification_requested` stops the clock; `clarification_sent` (our clarification, its
//!   date of receipt) restarts a full period. A `message_sent` (a campaign-wide message,
//!   `foi campaign message`) counts as the clarification too: the engine ignores it unless
//!   a clarification had been asked for.
//! - `fees_notice` pauses and `fee_paid` resumes; `extension` moves the due date by its
//!   note (`+20` working days, or a date; `+20` when the note says neither).
//! - `response`, `partial_response`, `refusal` and `not_held` end the clock; `withdrawn`
//!   ends it too.
//! - `internal_review_requested` (or an internal-review chaser going out) starts the
//!   review's clock, `internal_review_response` answers it; `complaint_to_regulator` is
//!   recorded.
//!
//! ## Events and the status ([`status_after`])
//! | event | status |
//! |---|---|
//! | acknowledged | acknowledged (only from awaiting_response) |
//! | clarification_requested | clarification_requested |
//! | clarification_sent | awaiting_response (from clarification_requested) |
//! | response | successful |
//! | partial_response | partially_successful |
//! | refusal | refused |
//! | not_held | not_held |
//! | internal_review_requested | internal_review |
//! | complaint_to_regulator | complaint_to_regulator |
//! | withdrawn | withdrawn |
//!
//! Fees, extensions and `internal_review_response` change no status: after a review, staff
//! record its outcome (`response`, `refusal` ...) as well. An internal-review chaser that
//! went out sets `internal_review` at the next chaser sweep (`chasers::sweep`).

use crate::deadlines::{
    Deadline, DeadlineError, Event as ClockEvent, EventKind as ClockKind, Explanation, Extension,
    Regime,
};
use crate::domain::event::{EventKind, ExtensionNote};
use crate::domain::CaseStatus;
use crate::store::TimelineEvent;
use chrono::NaiveDate;

/// The date of receipt of the request: the first `sent` event's date.
pub fn received(events: &[TimelineEvent]) -> Option<NaiveDate> {
    events
        .iter()
        .filter(|e| e.kind == "sent")
        .map(|e| e.on)
        .min()
}

/// The clock events among a case's stored events. `is_review_step` says which chaser steps
/// are requests for internal review (their `chaser_<step>_sent` starts the review clock).
pub fn clock_events(
    events: &[TimelineEvent],
    is_review_step: &dyn Fn(&str) -> bool,
) -> Vec<ClockEvent> {
    events
        .iter()
        .filter_map(|e| {
            let kind = match EventKind::parse(&e.kind)? {
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
                EventKind::Response
                | EventKind::Refusal
                | EventKind::PartialResponse
                | EventKind::NotHeld => ClockKind::Responded,
                EventKind::Withdrawn => ClockKind::Withdrawn,
                EventKind::InternalReviewRequested => ClockKind::ReviewRequested,
                EventKind::ChaserSent { step } if is_review_step(&step) => {
                    ClockKind::ReviewRequested
                }
                EventKind::InternalReviewResponse => ClockKind::ReviewAnswered,
                EventKind::ComplaintToRegulator => ClockKind::ComplaintToRegulator,
                EventKind::Sent
                | EventKind::DeliveryFailed
                | EventKind::ChaserSent { .. }
                | EventKind::Acknowledged => return None,
            };
            Some(ClockEvent::new(e.on, kind))
        })
        .collect()
}

/// No chaser step requests an internal review (for callers without a ladder at hand).
pub fn no_review_steps(_: &str) -> bool {
    false
}

/// A case's deadline under `regime`; `None` until its request has been sent.
pub fn deadline(
    regime: &Regime,
    events: &[TimelineEvent],
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
    events: &[TimelineEvent],
    is_review_step: &dyn Fn(&str) -> bool,
) -> Result<Option<Explanation>, DeadlineError> {
    let Some(received) = received(events) else {
        return Ok(None);
    };
    regime
        .explain(received, &clock_events(events, is_review_step))
        .map(Some)
}

/// What the body owes next and by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Owed {
    /// The response to the request.
    Response,
    /// The answer to an internal review.
    InternalReview,
}

impl Owed {
    pub fn as_str(self) -> &'static str {
        match self {
            Owed::Response => "response",
            Owed::InternalReview => "internal_review",
        }
    }
}

/// The date that now matters: a pending internal review's due date, else the request's
/// due date while its clock runs. `None` when nothing is owed (answered, withdrawn) or the
/// clock is stopped or paused.
pub fn current_due(d: &Deadline) -> Option<(NaiveDate, Owed)> {
    if let Some(r) = d.review() {
        if r.answered.is_none() {
            return Some((r.due, Owed::InternalReview));
        }
        return None;
    }
    if d.is_running() {
        return d.due().map(|due| (due, Owed::Response));
    }
    None
}

/// Working days past which a UK case is "long overdue" (the ICO treats 40 working days as
/// the longest any response should take, even with a public-interest extension).
pub const LONG_OVERDUE: i64 = 40;

/// Whether a regime is one of the UK's (only these have the "long overdue" mark).
pub fn is_uk(regime: &str) -> bool {
    regime.starts_with("uk-") || regime == "scotland-foisa"
}

/// The status a recorded event sets, given the current one; `None` leaves it.
pub fn status_after(kind: &EventKind, current: CaseStatus) -> Option<CaseStatus> {
    let to = match kind {
        EventKind::Acknowledged if current == CaseStatus::AwaitingResponse => {
            CaseStatus::Acknowledged
        }
        EventKind::ClarificationRequested => CaseStatus::ClarificationRequested,
        EventKind::ClarificationSent if current == CaseStatus::ClarificationRequested => {
            CaseStatus::AwaitingResponse
        }
        EventKind::Response => CaseStatus::Successful,
        EventKind::PartialResponse => CaseStatus::PartiallySuccessful,
        EventKind::Refusal => CaseStatus::Refused,
        EventKind::NotHeld => CaseStatus::NotHeld,
        EventKind::InternalReviewRequested => CaseStatus::InternalReview,
        EventKind::ComplaintToRegulator => CaseStatus::ComplaintToRegulator,
        EventKind::Withdrawn => CaseStatus::Withdrawn,
        _ => return None,
    };
    (to != current).then_some(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::{Calendar, ClockState};

    fn ev(kind: &str, on: &str, note: Option<&str>) -> TimelineEvent {
        TimelineEvent {
            kind: kind.into(),
            on: on.parse().unwrap(),
            note: note.map(String::from),
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn uk() -> Regime {
        Regime::builtin("uk-foia", &Calendar::uk()).unwrap()
    }

    #[test]
    fn nothing_is_due_before_sending() {
        assert_eq!(deadline(&uk(), &[], &no_review_steps).unwrap(), None);
    }

    #[test]
    fn received_is_the_first_sent_and_extensions_read_their_note() {
        // Sent Thu 2026-03-26: 20 working days skipping Easter = Mon 2026-04-27.
        let events = vec![
            ev("sent", "2026-03-26", None),
            ev("acknowledged", "2026-03-27", None),
            ev("extension", "2026-04-20", Some("+20 public interest")),
        ];
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        assert_eq!(dl.received(), d("2026-03-26"));
        // +20 from Mon 2026-04-27, skipping 2026-05-04 and 2026-05-25 (bank holidays).
        assert_eq!(dl.due(), Some(d("2026-05-27")), "{dl:?}");
        let events = vec![
            ev("sent", "2026-03-26", None),
            ev("extension", "2026-04-20", Some("2026-05-11")),
        ];
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        assert_eq!(dl.due(), Some(d("2026-05-11")));
    }

    #[test]
    fn clarification_restarts_and_a_response_ends() {
        let events = vec![
            ev("sent", "2026-03-02", None),
            ev("clarification_requested", "2026-03-04", None),
        ];
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        assert!(matches!(
            dl.state(),
            ClockState::AwaitingClarification { .. }
        ));
        assert_eq!(current_due(&dl), None);
        let mut events = events;
        events.push(ev("message_sent", "2026-03-09", None));
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        // 20 working days from Mon 2026-03-09: Mon 2026-04-06 would be Easter Monday ...
        assert_eq!(dl.start(), d("2026-03-09"));
        assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::Response));
        events.push(ev("refusal", "2026-03-20", None));
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        assert_eq!(current_due(&dl), None);
    }

    #[test]
    fn a_review_chaser_starts_the_review_clock() {
        let events = vec![
            ev("sent", "2026-03-02", None),
            ev("chaser_review_sent", "2026-05-01", None),
        ];
        let dl = deadline(&uk(), &events, &|s| s == "review")
            .unwrap()
            .unwrap();
        assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::InternalReview));
        let dl = deadline(&uk(), &events, &no_review_steps).unwrap().unwrap();
        assert_eq!(current_due(&dl).map(|x| x.1), Some(Owed::Response));
    }

    #[test]
    fn statuses_follow_events() {
        use CaseStatus as S;
        assert_eq!(
            status_after(&EventKind::Acknowledged, S::AwaitingResponse),
            Some(S::Acknowledged)
        );
        assert_eq!(
            status_after(&EventKind::Acknowledged, S::InternalReview),
            None
        );
        assert_eq!(
            status_after(&EventKind::ClarificationSent, S::ClarificationRequested),
            Some(S::AwaitingResponse)
        );
        assert_eq!(
            status_after(&EventKind::Refusal, S::Acknowledged),
            Some(S::Refused)
        );
        assert_eq!(status_after(&EventKind::FeesNotice, S::Acknowledged), None);
        assert_eq!(status_after(&EventKind::Withdrawn, S::Withdrawn), None);
    }
}
