//! What a body owes next, by when, and where a case stands against it today.

use crate::deadlines::{Deadline, Regime};
use chrono::NaiveDate;

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
