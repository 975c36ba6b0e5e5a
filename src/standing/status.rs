//! The status an event sets.

use crate::domain::event::EventKind;
use crate::domain::CaseStatus;

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
