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
use serde::Serialize;

use super::regime::{Regime, SchoolRule};
use super::table::WorkTable;
use super::terms::{Break, TermDates};
use super::DeadlineError;

/// A school regime's term dates and the school days they leave.
#[derive(Debug, Clone)]
pub(crate) struct School {
    terms: Arc<TermDates>,
    /// Bit set = a working day on which the school holds a session.
    table: Arc<WorkTable>,
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

impl Regime {
    /// The same regime counting school days by `terms` (a regime without a school rule is
    /// returned unchanged).
    pub fn with_term_dates(&self, terms: Arc<TermDates>) -> Regime {
        let school = self
            .def()
            .school
            .map(|_| School::build(self.work_table(), terms));
        let mut regime = self.clone();
        regime.school = school;
        regime
    }

    /// What the due date counts, for people: `20 working days`, or for schools `the
    /// earlier of 20 school days (term dates `camford`) and 60 working days`.
    pub fn period_text(&self) -> String {
        match (self.def().school, self.term_dates()) {
            (Some(rule), Some(terms)) => format!(
                "the earlier of {} school days (term dates `{}`) and {}",
                rule.school_days,
                terms.name(),
                super::Unit::WorkingDays.amount(rule.working_days)
            ),
            _ => self.def().unit.amount(self.def().period),
        }
    }

    /// The term dates whose school days this regime counts, if it has a school rule.
    pub fn term_dates(&self) -> Option<&TermDates> {
        self.school.as_ref().map(|s| s.terms.as_ref())
    }

    /// The school's break that makes `date` not a school day, if `date` is a working day
    /// in one (`None` for a regime without a school rule).
    pub fn school_break(&self, date: NaiveDate) -> Option<&Break> {
        let school = self.school.as_ref()?;
        if !self.is_working_day(date) {
            return None;
        }
        school.terms.break_on(date)
    }

    /// Both counts of the school rule from day 0 `start`; `None` without a school rule.
    pub fn school_count(&self, start: NaiveDate) -> Result<Option<SchoolCount>, DeadlineError> {
        let (
            Some(SchoolRule {
                school_days,
                working_days,
            }),
            Some(school),
        ) = (self.def().school, &self.school)
        else {
            return Ok(None);
        };
        let school_day = school
            .table
            .add_working(start, school_days)
            .ok_or(DeadlineError::OutOfRange(start))?;
        let working_day = self.add_working_days(start, working_days)?;
        Ok(Some(SchoolCount {
            school_days,
            school_day,
            working_days,
            working_day,
        }))
    }
}
