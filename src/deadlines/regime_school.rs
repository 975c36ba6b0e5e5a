//! A regime's school rule at work: a regime given a school's term dates, and the two
//! counts of the earlier-of rule (the rule and the school days are in [`super::school`]).

use std::sync::Arc;

use chrono::NaiveDate;

use super::regime::Regime;
use super::school::{School, SchoolCount, SchoolRule};
use super::terms::{Break, TermDates};
use super::DeadlineError;

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
