//! What a body owes next, by when, and where a case stands against it today.

use crate::deadlines::{Deadline, Regime};
use crate::domain::event::EventKind;
use crate::domain::{CaseStatus, Event};
use chrono::NaiveDate;

/// What the body owes, by when: which clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Owed {
    /// The response to the request.
    Response,
    /// The response, its clock restarted by the clarification we sent.
    ResponseAfterClarification,
    /// The answer to an internal review.
    InternalReview,
    /// What the regulator's decision ordered, by its compliance date.
    RegulatorCompliance,
}

impl Owed {
    pub fn as_str(self) -> &'static str {
        match self {
            Owed::Response => "response",
            Owed::ResponseAfterClarification => "response_after_clarification",
            Owed::InternalReview => "internal_review",
            Owed::RegulatorCompliance => "regulator_compliance",
        }
    }

    /// What a calendar entry calls the date.
    pub fn label(self) -> &'static str {
        match self {
            Owed::Response => "FOI response due",
            Owed::ResponseAfterClarification => "FOI response due (after our clarification)",
            Owed::InternalReview => "Internal review due",
            Owed::RegulatorCompliance => "Regulator's compliance date",
        }
    }
}

/// The compliance date of the regulator's latest decision, while the body has not
/// complied: a `decision_notice`'s `comply_by` (none for a notice that orders nothing), or
/// an older `regulator_decision` note's first word. `complied`, an answer or an internal
/// review's answer after the decision, a withdrawal, or the body's appeal to the tribunal
/// (FOIA s.50(6): the notice need not be complied with while the appeal is pending) ends
/// it.
pub fn compliance_due(events: &[Event]) -> Option<NaiveDate> {
    use crate::domain::regulator::{Appellant, StageNote};
    let mut due = None;
    for e in events {
        match e.kind {
            EventKind::RegulatorDecision => {
                due = e.note.as_deref().and_then(compliance_date).or(due);
            }
            EventKind::DecisionNotice => {
                due = e
                    .note
                    .as_deref()
                    .and_then(|n| StageNote::parse(n).comply_by);
            }
            EventKind::TribunalAppeal => {
                let by = e
                    .note
                    .as_deref()
                    .and_then(|n| StageNote::parse(n).appellant);
                if by == Some(Appellant::Body) {
                    due = None;
                }
            }
            ref k if k.is_answer() || *k == EventKind::InternalReviewResponse => due = None,
            EventKind::Withdrawn | EventKind::Complied => due = None,
            _ => {}
        }
    }
    due
}

/// The date a regulator's decision note starts with (`2026-07-15 decision IC-1234`).
pub fn compliance_date(note: &str) -> Option<NaiveDate> {
    note.split_whitespace().next()?.parse().ok()
}

/// Whether a case of this status has clocks that run (not one never sent, lost in
/// delivery, cancelled or withdrawn).
pub fn clocks_run(status: CaseStatus) -> bool {
    !matches!(
        status,
        CaseStatus::Draft
            | CaseStatus::Queued
            | CaseStatus::DeliveryFailed
            | CaseStatus::Cancelled
            | CaseStatus::Withdrawn
    )
}

/// Every clock that runs on a case (the request's, a pending review's, the regulator's
/// compliance date), each with its due date: what the overdue list and the calendar feed
/// show, one row or entry per clock.
pub fn running_clocks(d: &Deadline, events: &[Event]) -> Vec<(NaiveDate, Owed)> {
    let mut out = Vec::new();
    if d.is_running() {
        if let Some(due) = d.due() {
            let restarted = d.start() != d.received();
            out.push((
                due,
                if restarted {
                    Owed::ResponseAfterClarification
                } else {
                    Owed::Response
                },
            ));
        }
    }
    if let Some(r) = d.review().filter(|r| r.answered.is_none()) {
        out.push((r.due, Owed::InternalReview));
    }
    if let Some(c) = compliance_due(events) {
        out.push((c, Owed::RegulatorCompliance));
    }
    out
}

/// Where each running clock of a case stands on `today`.
pub fn standings(
    regime: &Regime,
    d: &Deadline,
    events: &[Event],
    today: NaiveDate,
) -> Vec<Standing> {
    running_clocks(d, events)
        .into_iter()
        .filter_map(|(due, owed)| {
            let days = regime.working_days_between(due, today).ok()?;
            Some(Standing {
                due_date: due,
                owed,
                working_days_overdue: days,
            })
        })
        .collect()
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

/// Where a case stands against its current due date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Standing {
    pub due_date: NaiveDate,
    pub owed: Owed,
    /// Positive: working days overdue; zero or negative: -(working days left).
    pub working_days_overdue: i64,
}

/// Where a case with deadline `d` stands on `today` (`None` when nothing is owed).
pub fn standing(regime: &Regime, d: &Deadline, today: NaiveDate) -> Option<Standing> {
    let (due, owed) = current_due(d)?;
    let days = regime.working_days_between(due, today).ok()?;
    Some(Standing {
        due_date: due,
        owed,
        working_days_overdue: days,
    })
}
