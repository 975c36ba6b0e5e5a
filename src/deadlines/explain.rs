//! Explanations: the day-by-day account of how a due date was reached, as structured
//! [`Step`]s and as text ("day 0 = Thu 2026-03-26 (received); day 1 = Fri 2026-03-27; ...").

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::compute::{run, Mark};
use super::deadline::{
    Cause, ClockState, Deadline, DeadlineError, Event, Note, PauseReason, Warning, When,
};
use super::regime::{NonWorking, Regime};
use super::regime_def::Unit;
use super::school::SchoolCount;

/// One line of an explanation. Steps come in date order, then a few closing lines
/// (latest date, the clock's state, warnings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Day 0 of a clock.
    DayZero {
        /// The date.
        date: NaiveDate,
        /// Why the clock starts.
        cause: Cause,
        /// Set when day 0 is itself not a working day (day 1 is still the next working day).
        not_working: Option<NonWorking>,
    },
    /// A working day that counts.
    Day {
        /// Its number in the count.
        number: u32,
        /// The date.
        date: NaiveDate,
        /// Whether it is the due date.
        due: bool,
        /// Under a school rule: its number in the count of school days.
        #[serde(skip_serializing_if = "Option::is_none")]
        school_day: Option<u32>,
    },
    /// Under a school rule: a working day that counts as one, but on which the school
    /// holds no session, so it is not a school day.
    NoSession {
        /// Its number in the count of working days.
        number: u32,
        /// The date.
        date: NaiveDate,
        /// Whether it is the due date (the last working day of the rule).
        due: bool,
        /// The school's break it falls in.
        name: String,
    },
    /// The school rule's two counts from the last day 0, and the earlier one.
    SchoolRule {
        /// Both counts.
        count: SchoolCount,
        /// Whose term dates gave the school days.
        terms: String,
    },
    /// A day that does not count.
    Skipped {
        /// The date.
        date: NaiveDate,
        /// Why.
        reason: NonWorking,
    },
    /// A working day that does not count because the clock was paused.
    NotCounted {
        /// The date.
        date: NaiveDate,
        /// Why the clock was paused.
        reason: PauseReason,
    },
    /// A calendar-unit period laid from day 0 (`4 weeks after ... is ...`).
    Period {
        /// Day 0.
        from: NaiveDate,
        /// How many units.
        amount: u32,
        /// Which unit.
        unit: Unit,
        /// Where it ends, before any rolling.
        to: NaiveDate,
    },
    /// The due date of a calendar-unit regime, rolled forward off non-working days if needed.
    Due {
        /// The due date.
        date: NaiveDate,
        /// The non-working date it was rolled from.
        rolled_from: Option<NaiveDate>,
    },
    /// Something an event did.
    Event {
        /// The event's date.
        date: NaiveDate,
        /// What it did.
        note: Note,
    },
    /// The latest date with the longest extension the regime allows.
    Latest {
        /// The date.
        date: NaiveDate,
    },
    /// The clock is not running at the end.
    Waiting {
        /// How it stands.
        state: ClockState,
        /// The unit of a paused clock's remaining days.
        unit: Unit,
    },
    /// A caveat about the holiday data.
    Warning {
        /// The caveat.
        warning: Warning,
    },
}

fn day(d: NaiveDate) -> impl fmt::Display {
    d.format("%a %Y-%m-%d")
}

impl fmt::Display for Step {
    // (Longer than a function should be: one short arm per kind of step, each the
    // sentence people read for it; they read best side by side.)
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::DayZero {
                date,
                cause,
                not_working,
            } => {
                write!(f, "day 0 = {} (", day(*date))?;
                f.write_str(match cause {
                    Cause::Received => "received",
                    Cause::ClarificationReceived => {
                        "clarification received: the full period restarts"
                    }
                })?;
                if let Some(NonWorking(reasons)) = not_working {
                    f.write_str("; not a working day: ")?;
                    for (i, r) in reasons.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{r}")?;
                    }
                }
                f.write_str(")")
            }
            Step::Day {
                number,
                date,
                due,
                school_day,
            } => {
                write!(f, "day {number} = {}", day(*date))?;
                match (school_day, due) {
                    (Some(n), true) => write!(f, " (school day {n}; due)"),
                    (Some(n), false) => write!(f, " (school day {n})"),
                    (None, true) => f.write_str(" (due)"),
                    (None, false) => Ok(()),
                }
            }
            Step::NoSession {
                number,
                date,
                due,
                name,
            } => {
                write!(f, "day {number} = {} (not a school day: {name}", day(*date))?;
                f.write_str(if *due { "; due)" } else { ")" })
            }
            Step::SchoolRule { count, terms } => {
                write!(
                    f,
                    "schools' rule (SI 2004/3364 reg 3; academies SI 2010/2768): the {} school day \
                     (term dates `{terms}`) is {}, the {} working day is {}: due on the earlier, {}",
                    ordinal(count.school_days),
                    day(count.school_day),
                    ordinal(count.working_days),
                    day(count.working_day),
                    day(count.due()),
                )?;
                f.write_str(if count.school_days_decide() {
                    " (the school days decide)"
                } else {
                    " (the working days decide)"
                })
            }
            Step::Skipped { date, reason } => write!(f, "skipped {} {reason}", day(*date)),
            Step::NotCounted { date, reason } => write!(f, "not counted {} ({reason})", day(*date)),
            Step::Period {
                from,
                amount,
                unit,
                to,
            } => write!(
                f,
                "{} after {} is {}",
                unit.amount(*amount),
                day(*from),
                day(*to)
            ),
            Step::Due {
                date,
                rolled_from: None,
            } => write!(f, "due = {}", day(*date)),
            Step::Due {
                date,
                rolled_from: Some(from),
            } => write!(
                f,
                "due = {} (rolled forward from {})",
                day(*date),
                day(*from)
            ),
            Step::Event { date, note } => {
                write!(f, "{}: ", day(*date))?;
                write_note(f, note)
            }
            Step::Latest { date } => write!(
                f,
                "latest = {} (with the longest extension the regime allows)",
                day(*date)
            ),
            Step::Waiting { state, unit } => match state {
                ClockState::AwaitingClarification { since } => write!(
                    f,
                    "clock stopped since {}: a full period starts when the clarification arrives",
                    day(*since)
                ),
                ClockState::Paused {
                    since,
                    reason,
                    remaining,
                } => write!(
                    f,
                    "clock paused since {} ({reason}): {} to run once it resumes",
                    day(*since),
                    unit.amount(*remaining)
                ),
                ClockState::Running | ClockState::Ended { .. } => Ok(()),
            },
            Step::Warning { warning } => write!(f, "note: {warning}"),
        }
    }
}

/// `20th`, `1st`, `62nd`, `13th`.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn write_note(f: &mut fmt::Formatter<'_>, note: &Note) -> fmt::Result {
    match note {
        Note::Stopped => f.write_str("clarification requested: clock stopped"),
        Note::Paused {
            reason: PauseReason::Fees,
        } => f.write_str("fees notice: clock paused"),
        Note::Paused {
            reason: PauseReason::Clarification,
        } => f.write_str("clarification requested: clock paused"),
        Note::Resumed {
            reason,
            not_counted,
            unit,
            due,
        } => {
            let what = match reason {
                PauseReason::Fees => "fee paid",
                PauseReason::Clarification => "clarification received",
            };
            write!(
                f,
                "{what}: clock resumes; {} from {reason} not counted, due = {}",
                unit.amount(*not_counted),
                day(*due)
            )
        }
        Note::Extended {
            by,
            unit,
            from,
            to,
            capped,
        } => {
            f.write_str("extension")?;
            if let super::deadline::Extension::By(n) = by {
                write!(f, " by {}", unit.amount(*n))?;
            }
            write!(f, ": due moves from {} to {}", day(*from), day(*to))?;
            if *capped {
                f.write_str(" (capped at the longest extension the regime allows)")?;
            }
            Ok(())
        }
        Note::ReviewRequested { due, latest } => {
            write!(
                f,
                "internal review requested (its day 0): review due = {}",
                day(*due)
            )?;
            if let Some(l) = latest {
                write!(f, ", latest = {}", day(*l))?;
            }
            Ok(())
        }
        Note::ReviewAnswered => f.write_str("internal review answered"),
        Note::Complaint => f.write_str("complaint to the regulator recorded (no deadline)"),
        Note::Responded { late_by } => {
            f.write_str("response: clock ends")?;
            match late_by {
                Some(n) if *n > 0 => write!(f, ", {n} working day(s) after the due date"),
                Some(_) => f.write_str(", on time"),
                None => Ok(()),
            }
        }
        Note::Withdrawn => f.write_str("request withdrawn: clock ends"),
        Note::Ignored { event, why } => write!(f, "{event} changes nothing: {why}"),
    }
}

/// A deadline with the account of how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    deadline: Deadline,
    steps: Vec<Step>,
}

impl Explanation {
    /// The deadline explained.
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }
}

/// `; `-separated on one line; with `{:#}`, one step per line.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if f.alternate() { "\n" } else { "; " };
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

impl Regime {
    /// The deadlines of a request received at `received` (an instant or a local date) with
    /// these `events`. Pure and fast: nothing is recorded for an explanation.
    pub fn deadline(
        &self,
        received: impl Into<When>,
        events: &[Event],
    ) -> Result<Deadline, DeadlineError> {
        run(self, received.into(), events, &mut ())
    }

    /// The same deadline with its explanation.
    pub fn explain(
        &self,
        received: impl Into<When>,
        events: &[Event],
    ) -> Result<Explanation, DeadlineError> {
        let mut marks = Vec::new();
        let deadline = run(self, received.into(), events, &mut marks)?;
        let steps = Walk::new(self, &deadline).steps(&marks);
        Ok(Explanation { deadline, steps })
    }
}

/// Order of steps sharing a date: a stop first (it closes the old count), then day 0 and
/// a calendar period, then pauses, then the days, then everything else.
fn rank(step: &Step) -> u8 {
    match step {
        Step::Event {
            note: Note::Stopped,
            ..
        } => 0,
        Step::DayZero { .. } | Step::Period { .. } => 1,
        Step::Event {
            note: Note::Paused { .. },
            ..
        } => 2,
        Step::Day { .. }
        | Step::NoSession { .. }
        | Step::Skipped { .. }
        | Step::NotCounted { .. }
        | Step::Due { .. } => 3,
        _ => 4,
    }
}

fn date_of(step: &Step) -> Option<NaiveDate> {
    match step {
        Step::DayZero { date, .. }
        | Step::Day { date, .. }
        | Step::NoSession { date, .. }
        | Step::Skipped { date, .. }
        | Step::NotCounted { date, .. }
        | Step::Due { date, .. }
        | Step::Event { date, .. } => Some(*date),
        Step::Period { from, .. } => Some(*from),
        Step::Latest { .. }
        | Step::Waiting { .. }
        | Step::Warning { .. }
        | Step::SchoolRule { .. } => None,
    }
}

struct Walk<'a> {
    regime: &'a Regime,
    deadline: &'a Deadline,
}

impl<'a> Walk<'a> {
    fn new(regime: &'a Regime, deadline: &'a Deadline) -> Walk<'a> {
        Walk { regime, deadline }
    }

    fn steps(&self, marks: &[Mark]) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut pauses: Vec<(NaiveDate, NaiveDate, PauseReason)> = Vec::new();
        let mut segment: Option<NaiveDate> = None;
        let mut nominal = None;
        for mark in marks {
            match mark {
                Mark::Start { date, cause } => {
                    steps.push(Step::DayZero {
                        date: *date,
                        cause: *cause,
                        not_working: self.regime.why_not_working(*date),
                    });
                    segment = Some(*date);
                    pauses.clear();
                }
                Mark::Stop { date } => {
                    if let Some(start) = segment.take() {
                        // The count ends the day before clarification was asked for.
                        if let Some(end) = date.pred_opt() {
                            self.days(&mut steps, start, end, &pauses, None);
                        }
                    }
                }
                Mark::Pause { from, to, reason } => pauses.push((*from, *to, *reason)),
                Mark::Period { from, amount, to } => steps.push(Step::Period {
                    from: *from,
                    amount: *amount,
                    unit: self.regime.def().unit,
                    to: *to,
                }),
                Mark::Event { date, note } => steps.push(Step::Event {
                    date: *date,
                    note: *note,
                }),
                Mark::Nominal { date } => nominal = Some(*date),
            }
        }
        if let Some(start) = segment {
            self.last_segment(&mut steps, start, &pauses, nominal);
        }
        // Stable: steps on one date keep the order the clock produced them in.
        steps.sort_by_key(|s| (date_of(s), rank(s)));
        if let (Some(terms), Some(_)) = (self.regime.term_dates(), self.deadline.due()) {
            if let Ok(Some(count)) = self.regime.school_count(self.deadline.start()) {
                steps.push(Step::SchoolRule {
                    count,
                    terms: terms.name().to_string(),
                });
            }
        }
        if let Some(latest) = self.deadline.latest() {
            steps.push(Step::Latest { date: latest });
        }
        match self.deadline.state() {
            state @ (ClockState::AwaitingClarification { .. } | ClockState::Paused { .. }) => steps
                .push(Step::Waiting {
                    state,
                    unit: self.regime.pause_unit(),
                }),
            ClockState::Running | ClockState::Ended { .. } => {}
        }
        for w in self.deadline.warnings() {
            steps.push(Step::Warning { warning: w.clone() });
        }
        steps
    }

    /// The days of the last segment (from `start`), walked to the due date or to where
    /// the clock now stands; `nominal` is the calendar count's date before it rolled.
    fn last_segment(
        &self,
        steps: &mut Vec<Step>,
        start: NaiveDate,
        pauses: &[(NaiveDate, NaiveDate, PauseReason)],
        nominal: Option<NaiveDate>,
    ) {
        let working_days = self.regime.def().unit == Unit::WorkingDays;
        match (self.deadline.due(), self.deadline.state()) {
            // A clock that ended early is walked to its end; the due date is then stated.
            (Some(due), ClockState::Ended { on, .. }) if working_days && on < due => {
                self.days(steps, start, on, pauses, None);
                steps.push(Step::Due {
                    date: due,
                    rolled_from: None,
                });
            }
            (Some(due), _) if working_days => self.days(steps, start, due, pauses, Some(due)),
            (Some(due), _) => {
                let from = nominal.unwrap_or(due);
                if from != due {
                    self.days(
                        steps,
                        from.pred_opt().unwrap_or(from),
                        due.pred_opt().unwrap_or(due),
                        &[],
                        None,
                    );
                }
                steps.push(Step::Due {
                    date: due,
                    rolled_from: (from != due).then_some(from),
                });
            }
            (None, ClockState::Paused { since, .. }) if working_days => {
                if let Some(end) = since.pred_opt() {
                    self.days(steps, start, end, pauses, None);
                }
            }
            _ => {}
        }
    }

    /// Days after `start` up to and including `end`: counted, skipped, or not counted
    /// inside a pause window.
    fn days(
        &self,
        steps: &mut Vec<Step>,
        start: NaiveDate,
        end: NaiveDate,
        pauses: &[(NaiveDate, NaiveDate, PauseReason)],
        due: Option<NaiveDate>,
    ) {
        let mut number = 0;
        let school = self.regime.term_dates().is_some();
        let mut school_day = 0;
        let Some(first) = start.succ_opt() else {
            return;
        };
        for date in first.iter_days().take_while(|d| *d <= end) {
            if let Some(reason) = self.regime.why_not_working(date) {
                steps.push(Step::Skipped { date, reason });
            } else if let Some((_, _, reason)) =
                pauses.iter().find(|(a, b, _)| (*a..=*b).contains(&date))
            {
                steps.push(Step::NotCounted {
                    date,
                    reason: *reason,
                });
            } else if let Some(b) = self.regime.school_break(date) {
                number += 1;
                steps.push(Step::NoSession {
                    number,
                    date,
                    due: Some(date) == due,
                    name: b.name.clone(),
                });
            } else {
                number += 1;
                school_day += 1;
                steps.push(Step::Day {
                    number,
                    date,
                    due: Some(date) == due,
                    school_day: school.then_some(school_day),
                });
            }
        }
    }
}
