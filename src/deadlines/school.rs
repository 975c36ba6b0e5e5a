//! The schools' earlier-of rule over a regime: the school days of one set of
//! [`TermDates`], precomputed like the working days, and the two counts it compares.
//!
//! The law (SI 2004/3364 reg 3 for maintained schools and maintained nursery schools in
//! England and Wales; SI 2009/1369 reg 2 for Northern Ireland's schools and pupil referral
//! units; SI 2010/2768 for academies): a school must answer by "the twentieth working day
//! following the date of receipt, disregarding any working day which, in relation to the
//! school, is not a school day, or the sixtieth working day following the date of
//! receipt, whichever occurs first"; a school day is "any day on which, at the school,
//! there is a session". So school days are the working days outside the school's breaks,
//! counted from the same day 0.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::table::WorkTable;
use super::terms::TermDates;

/// The schools' rule (SI 2004/3364 reg 3, SI 2009/1369 reg 2, SI 2010/2768): the answer
/// is due on the earlier of the `school_days`th school day and the `working_days`th
/// working day after receipt. A school day is a working day on which the school holds a
/// session; which days those are comes from its [`TermDates`](TermDates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolRule {
    /// School days after receipt (20).
    pub school_days: u32,
    /// Working days after receipt, whatever the term dates (60).
    pub working_days: u32,
}

/// A school regime's term dates and the school days they leave.
#[derive(Debug, Clone)]
pub(crate) struct School {
    pub(super) terms: Arc<TermDates>,
    /// Bit set = a working day on which the school holds a session.
    pub(super) table: Arc<WorkTable>,
}

impl School {
    pub(super) fn build(working: &WorkTable, terms: Arc<TermDates>) -> School {
        let table = WorkTable::build(|date| {
            working.is_working(date) == Some(true) && terms.break_on(date).is_none()
        });
        School {
            terms,
            table: Arc::new(table),
        }
    }
}

/// The two counts of the schools' rule from one day 0, and which one decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SchoolCount {
    /// The rule's number of school days (20).
    pub school_days: u32,
    /// The date of that school day.
    pub school_day: NaiveDate,
    /// The rule's number of working days (60).
    pub working_days: u32,
    /// The date of that working day.
    pub working_day: NaiveDate,
}

impl SchoolCount {
    /// The earlier of the two: the due date.
    pub fn due(&self) -> NaiveDate {
        self.school_day.min(self.working_day)
    }

    /// Whether the school-day count decides (else the working-day one does).
    pub fn school_days_decide(&self) -> bool {
        self.school_day <= self.working_day
    }
}
