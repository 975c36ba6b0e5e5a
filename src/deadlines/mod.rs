//! Statutory deadlines, pure: holiday calendars as data ([`Calendar`]), regimes as data
//! ([`RegimeDef`], checked and joined to a calendar as a [`Regime`]), the clock that turns
//! a date of receipt and a case's [`Event`]s into a [`Deadline`], and the [`Explanation`]
//! of every due date, day by day; and the send [`Window`] (the days and hours requests may
//! leave, so that they arrive on working days).
//!
//! This module owns how days are counted; it must not import anything else of ours, nor
//! any IO crate (no sqlx, lettre, imap, tokio, no file or network access) and it never
//! reads the current time: every instant and date is passed in. Its only dependencies are
//! chrono, chrono-tz, serde and thiserror (its tests add proptest and toml). The shipped UK bank holidays are compiled in
//! from `data/uk-bank-holidays.csv`.
//!
//! ```
//! use foi::deadlines::{Calendar, Event, EventKind, Regime};
//! use chrono::NaiveDate;
//!
//! let uk = Regime::builtin("uk-foia", &Calendar::uk()).expect("built in");
//! let received = NaiveDate::from_ymd_opt(2026, 3, 26).expect("a date");
//! let deadline = uk.deadline(received, &[]).expect("in range");
//! // 20 working days, skipping Good Friday and Easter Monday.
//! assert_eq!(deadline.due(), NaiveDate::from_ymd_opt(2026, 4, 27));
//! ```
//!
//! Schools count school days too: [`TermDates`] (a school's breaks, as data; a typical
//! England pattern is shipped) and the earlier-of rule in `school.rs`. Each built-in UK
//! regime carries its escalation ladder as data ([`builtin_ladder`], `ladder.rs`).
//!
//! How the days are counted, and why, is written where it is done: the counting
//! conventions in `compute.rs`, the built-in regimes and their legal sources on
//! [`builtin_regimes`].
//!
//! Holidays outside the shipped data: Irish public holidays (region `ireland`), US federal
//! holidays (`us-federal`) and New Zealand public holidays (`new-zealand`) are not shipped;
//! users add them to their calendar file, and until they do every deadline of those
//! regimes carries a [`Warning::NoHolidayData`].

mod builtin;
mod calendar;
mod compute;
mod deadline;
mod explain;
mod ladder;
mod regime;
mod regime_def;
mod regime_school;
mod school;
mod table;
mod terms;
mod window;

#[cfg(test)]
mod tests;

pub use builtin::{builtin_regimes, Regimes};
pub use calendar::{Calendar, CalendarError, Column, Holiday, HolidayError};
pub use deadline::{
    Cause, ClockState, Deadline, DeadlineError, Ending, Event, EventKind, Extension, Ignored, Note,
    PauseReason, ReviewDeadline, Warning, When,
};
pub use explain::{Explanation, Step};
pub use ladder::{builtin_ladder, Mode, ReviewLimit, ReviewOn, Rung, Trigger};
pub use regime::{NonWorking, Reason, Regime};
pub use regime_def::{
    Blackout, ClarificationRule, ExtensionLimit, MonthDay, RegimeDef, RegimeError, ReviewRule, Unit,
};
pub use school::{SchoolCount, SchoolRule};
pub use table::{FIRST_DATE, LAST_DATE};
pub use terms::{Break, TermDates, TermsError, DEFAULT_TERMS};
pub use window::{Window, WindowError};
