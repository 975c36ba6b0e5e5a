//! The clock: a date of receipt and a case's dated events in, a [`Deadline`] out.
//!
//! One state machine serves both the fast path ([`Regime::deadline`]) and the explained
//! one ([`Regime::explain`]); the fast path records nothing (its trace is `()`).
//!
//! ## Counting conventions
//! - The date of receipt is day 0; day 1 is the first working day after it, even when day
//!   0 is not a working day (the ICO: "the twentieth working day following the date of
//!   receipt").
//! - Clarification (restart rule): the clock stops on the day it is asked for; the day the
//!   clarification arrives is day 0 of a full new period. Asking twice changes nothing.
//! - Fees notice to payment (FOIA s.10(2), and likewise the EIR and FOISA): the working
//!   days from the day the notice is given to the day the fee is received, both included,
//!   are disregarded, so the due date moves later by exactly that many working days (for
//!   calendar-unit regimes: calendar days). A notice given after the due date does not
//!   revive a deadline that has passed. A pause never shortens a deadline.
//! - Extensions never shorten a deadline, are capped at the regime's latest date, and, like
//!   a fees notice, count only when given on or before the due date. A date given by an
//!   extension that is not a working day moves to the next working day.
//! - Events are taken in date order (events on the same date in the order given); events
//!   dated before the receipt (or after 2199) are ignored and the explanation says so.

use chrono::NaiveDate;

use super::regime::Regime;
use super::regime_def::{ClarificationRule, ExtensionLimit, Unit};
use super::table::in_range;

use super::deadline::*;

/// What the state machine tells the explainer.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// Day 0 of a clock.
    Start { date: NaiveDate, cause: Cause },
    /// The current count ends the day before (clarification asked for under the restart
    /// rule, or the clock ended while paused).
    Stop { date: NaiveDate },
    /// A closed pause window, both days included.
    Pause {
        from: NaiveDate,
        to: NaiveDate,
        reason: PauseReason,
    },
    /// A calendar-unit period was laid from `from`.
    Period {
        from: NaiveDate,
        amount: u32,
        to: NaiveDate,
    },
    /// What an event did.
    Event { date: NaiveDate, note: Note },
    /// The final nominal (not rolled) due date, when running.
    Nominal { date: NaiveDate },
}

/// Receives marks; `()` drops them without building them.
pub(crate) trait Trace {
    fn mark(&mut self, make: impl FnOnce() -> Mark);
}

impl Trace for () {
    #[inline]
    fn mark(&mut self, _: impl FnOnce() -> Mark) {}
}

impl Trace for Vec<Mark> {
    fn mark(&mut self, make: impl FnOnce() -> Mark) {
        self.push(make());
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    Running,
    Stopped {
        since: NaiveDate,
    },
    Paused {
        since: NaiveDate,
        reason: PauseReason,
    },
    Ended {
        on: NaiveDate,
        how: Ending,
        due: Option<NaiveDate>,
        latest: Option<NaiveDate>,
    },
}

/// The running clock. `nominal` and `latest` are not yet rolled off non-working days.
struct Clock<'r> {
    regime: &'r Regime,
    start: NaiveDate,
    nominal: NaiveDate,
    latest: Option<NaiveDate>,
    state: State,
    extended: bool,
}

impl<'r> Clock<'r> {
    fn new(regime: &'r Regime, start: NaiveDate) -> Result<Clock<'r>, DeadlineError> {
        let def = regime.def();
        // Schools: the earlier of the two counts; an extension then runs from that date.
        let school = regime.school_count(start)?;
        let nominal = match school {
            Some(count) => count.due(),
            None => regime.add_units(start, def.period, def.unit)?,
        };
        let latest = match (def.extension, school) {
            (ExtensionLimit::UpTo(n), Some(_)) => Some(regime.add_working_days(nominal, n)?),
            (ExtensionLimit::UpTo(n), None) => {
                Some(regime.add_units(start, def.period + n, def.unit)?)
            }
            (ExtensionLimit::None | ExtensionLimit::Unbounded, _) => None,
        };
        Ok(Clock {
            regime,
            start,
            nominal,
            latest,
            state: State::Running,
            extended: false,
        })
    }

    fn due(&self) -> Result<NaiveDate, DeadlineError> {
        self.regime.settle(self.nominal)
    }

    fn latest(&self) -> Result<Option<NaiveDate>, DeadlineError> {
        self.latest.map(|l| self.regime.settle(l)).transpose()
    }

    fn pause(
        &mut self,
        date: NaiveDate,
        reason: PauseReason,
        kind: EventKind,
    ) -> Result<Note, DeadlineError> {
        Ok(match self.state {
            State::Running => {
                let due = self.due()?;
                if date > due {
                    Note::Ignored {
                        event: kind,
                        why: Ignored::AfterDue { due },
                    }
                } else {
                    self.state = State::Paused {
                        since: date,
                        reason,
                    };
                    Note::Paused { reason }
                }
            }
            State::Paused { .. } => ignored(kind, Ignored::AlreadyPaused),
            State::Stopped { .. } => ignored(kind, Ignored::Stopped),
            State::Ended { .. } => ignored(kind, Ignored::Ended),
        })
    }

    fn resume(
        &mut self,
        date: NaiveDate,
        wanted: PauseReason,
        kind: EventKind,
        trace: &mut impl Trace,
    ) -> Result<Note, DeadlineError> {
        let since = match self.state {
            State::Paused { since, reason } if reason == wanted => since,
            State::Ended { .. } => return Ok(ignored(kind, Ignored::Ended)),
            State::Stopped { .. } => return Ok(ignored(kind, Ignored::Stopped)),
            _ => return Ok(ignored(kind, Ignored::NotPaused)),
        };
        let regime = self.regime;
        let n = regime.paused_units(since, date)?;
        let unit = regime.pause_unit();
        // Only a date at or after the pause's start is pushed back: the pause was accepted
        // only when the due date had not passed, and the latest date is never earlier.
        if regime.settle(self.nominal)? >= since {
            self.nominal = regime.add_units(self.nominal, n, unit)?;
        }
        if let Some(l) = self.latest {
            if regime.settle(l)? >= since {
                self.latest = Some(regime.add_units(l, n, unit)?);
            }
        }
        self.state = State::Running;
        trace.mark(|| Mark::Pause {
            from: since,
            to: date,
            reason: wanted,
        });
        Ok(Note::Resumed {
            reason: wanted,
            not_counted: n,
            unit,
            due: self.due()?,
        })
    }

    fn extend(
        &mut self,
        date: NaiveDate,
        ext: Extension,
        kind: EventKind,
    ) -> Result<Note, DeadlineError> {
        match self.state {
            State::Running | State::Paused { .. } => {}
            State::Stopped { .. } => return Ok(ignored(kind, Ignored::Stopped)),
            State::Ended { .. } => return Ok(ignored(kind, Ignored::Ended)),
        }
        if self.regime.def().extension == ExtensionLimit::None {
            return Ok(ignored(kind, Ignored::NotAllowed));
        }
        let from = self.due()?;
        // While paused the due date is not yet known, so it cannot have passed.
        if matches!(self.state, State::Running) && date > from {
            return Ok(ignored(kind, Ignored::AfterDue { due: from }));
        }
        let wanted = match ext {
            Extension::By(n) => self
                .regime
                .add_units(self.nominal, n, self.regime.def().unit),
            Extension::Until(d) if d <= from => return Ok(ignored(kind, Ignored::NotLater)),
            Extension::Until(d) if in_range(d) => Ok(d),
            Extension::Until(d) => Err(DeadlineError::OutOfRange(d)),
        };
        // Past the supported years is past any cap too.
        let (nominal, capped) = match (wanted, self.latest) {
            (Ok(w), Some(l)) if w > l => (l, true),
            (Ok(w), _) => (w, false),
            (Err(_), Some(l)) => (l, true),
            (Err(e), None) => return Err(e),
        };
        let to = self.regime.settle(nominal)?;
        if to <= from {
            return Ok(ignored(kind, Ignored::NotLater));
        }
        self.nominal = nominal;
        self.extended = true;
        Ok(Note::Extended {
            by: ext,
            unit: self.regime.def().unit,
            from,
            to,
            capped,
        })
    }

    fn end(
        &mut self,
        date: NaiveDate,
        how: Ending,
        kind: EventKind,
    ) -> Result<Note, DeadlineError> {
        let (due, latest) = match self.state {
            State::Running => (Some(self.due()?), self.latest()?),
            State::Paused { .. } | State::Stopped { .. } => (None, None),
            State::Ended { .. } => return Ok(ignored(kind, Ignored::Ended)),
        };
        self.state = State::Ended {
            on: date,
            how,
            due,
            latest,
        };
        Ok(match how {
            Ending::Responded => Note::Responded {
                late_by: due.and_then(|d| self.regime.working_days_between(d, date).ok()),
            },
            Ending::Withdrawn => Note::Withdrawn,
        })
    }
}

fn ignored(event: EventKind, why: Ignored) -> Note {
    Note::Ignored { event, why }
}

/// Runs the clock over `events` from `received`, telling `trace` what it does.
///
/// (One function on purpose: it is the clock's state machine, one pass over the events in
/// date order whose branches all read and move the same state; the order of its checks is
/// the order the law applies them in, which is easier to check against the conventions
/// above when it reads top to bottom. The steps it shares are `Clock`'s methods.)
pub(crate) fn run(
    regime: &Regime,
    received: When,
    events: &[Event],
    trace: &mut impl Trace,
) -> Result<Deadline, DeadlineError> {
    let received = regime.date_of(received);
    if !in_range(received) {
        return Err(DeadlineError::OutOfRange(received));
    }
    let def = regime.def();
    let mut clock = Clock::new(regime, received)?;
    trace.mark(|| Mark::Start {
        date: received,
        cause: Cause::Received,
    });
    trace_period(&clock, trace);
    let mut review: Option<ReviewDeadline> = None;
    let mut complaint = None;

    let mut dated: Vec<(NaiveDate, EventKind)> = events
        .iter()
        .map(|e| (regime.date_of(e.when), e.kind))
        .collect();
    dated.sort_by_key(|(date, _)| *date);

    for (date, kind) in dated {
        if date < received || !in_range(date) {
            let why = if date < received {
                Ignored::BeforeReceipt
            } else {
                Ignored::OutOfRange
            };
            trace.mark(|| Mark::Event {
                date,
                note: ignored(kind, why),
            });
            continue;
        }
        let note = match kind {
            EventKind::ClarificationRequested => match def.clarification {
                ClarificationRule::Pause => clock.pause(date, PauseReason::Clarification, kind)?,
                ClarificationRule::Restart => match clock.state {
                    State::Running | State::Paused { .. } => {
                        clock.state = State::Stopped { since: date };
                        trace.mark(|| Mark::Stop { date });
                        Note::Stopped
                    }
                    State::Stopped { .. } => ignored(kind, Ignored::Stopped),
                    State::Ended { .. } => ignored(kind, Ignored::Ended),
                },
            },
            EventKind::ClarificationReceived => match def.clarification {
                ClarificationRule::Pause => {
                    clock.resume(date, PauseReason::Clarification, kind, trace)?
                }
                ClarificationRule::Restart => match clock.state {
                    State::Stopped { .. } => {
                        clock = Clock::new(regime, date)?;
                        trace.mark(|| Mark::Start {
                            date,
                            cause: Cause::ClarificationReceived,
                        });
                        trace_period(&clock, trace);
                        continue;
                    }
                    State::Ended { .. } => ignored(kind, Ignored::Ended),
                    State::Running | State::Paused { .. } => ignored(kind, Ignored::NotAsked),
                },
            },
            EventKind::FeesNotice | EventKind::FeePaid if !def.fees_pause => {
                ignored(kind, Ignored::FeesDoNotPause)
            }
            EventKind::FeesNotice => clock.pause(date, PauseReason::Fees, kind)?,
            EventKind::FeePaid => clock.resume(date, PauseReason::Fees, kind, trace)?,
            EventKind::Extension(ext) => clock.extend(date, ext, kind)?,
            EventKind::ReviewRequested => match def.review {
                None => ignored(kind, Ignored::NoReview),
                Some(rule) => {
                    let unit = rule.unit.unwrap_or(def.unit);
                    let due = regime.settle(regime.add_units(date, rule.period, unit)?)?;
                    let latest = match rule.latest {
                        Some(l) if l > rule.period => {
                            Some(regime.settle(regime.add_units(date, l, unit)?)?)
                        }
                        _ => None,
                    };
                    review = Some(ReviewDeadline {
                        requested: date,
                        due,
                        latest,
                        answered: None,
                    });
                    Note::ReviewRequested { due, latest }
                }
            },
            EventKind::ReviewAnswered => match &mut review {
                Some(r) if r.answered.is_none() => {
                    r.answered = Some(date);
                    Note::ReviewAnswered
                }
                _ => ignored(kind, Ignored::NoReviewPending),
            },
            EventKind::ComplaintToRegulator => {
                complaint = complaint.or(Some(date));
                Note::Complaint
            }
            EventKind::Responded | EventKind::Withdrawn => {
                if let State::Paused { since, .. } = clock.state {
                    // The count the explanation shows ends where the pause began.
                    trace.mark(|| Mark::Stop { date: since });
                }
                let how = if kind == EventKind::Responded {
                    Ending::Responded
                } else {
                    Ending::Withdrawn
                };
                clock.end(date, how, kind)?
            }
        };
        trace.mark(|| Mark::Event { date, note });
    }

    let (state, due, latest) = match clock.state {
        State::Running => {
            trace.mark(|| Mark::Nominal {
                date: clock.nominal,
            });
            (ClockState::Running, Some(clock.due()?), clock.latest()?)
        }
        State::Stopped { since } => (ClockState::AwaitingClarification { since }, None, None),
        State::Paused { since, reason } => {
            let remaining = regime.paused_units(since, clock.due()?)?;
            (
                ClockState::Paused {
                    since,
                    reason,
                    remaining,
                },
                None,
                None,
            )
        }
        State::Ended {
            on,
            how,
            due,
            latest,
        } => {
            if due.is_some() {
                trace.mark(|| Mark::Nominal {
                    date: clock.nominal,
                });
            }
            (ClockState::Ended { on, how }, due, latest)
        }
    };
    let warnings = warnings(
        regime,
        clock.start,
        [
            due,
            latest,
            review.map(|r| r.due),
            review.and_then(|r| r.latest),
        ],
    );
    Ok(Deadline {
        received,
        start: clock.start,
        state,
        due,
        latest,
        extended: clock.extended,
        review,
        complaint,
        warnings,
    })
}

fn trace_period(clock: &Clock<'_>, trace: &mut impl Trace) {
    let def = clock.regime.def();
    if def.unit != Unit::WorkingDays {
        trace.mark(|| Mark::Period {
            from: clock.start,
            amount: def.period,
            to: clock.nominal,
        });
    }
}

fn warnings(regime: &Regime, start: NaiveDate, ends: [Option<NaiveDate>; 4]) -> Vec<Warning> {
    let mut out = Vec::new();
    if !regime.missing_regions().is_empty() {
        out.push(Warning::NoHolidayData {
            regions: regime.missing_regions().to_vec(),
        });
    }
    if let Some((from, to)) = regime.holiday_data_covers() {
        if start < from || ends.iter().flatten().any(|d| *d > to) {
            out.push(Warning::BeyondHolidayData { from, to });
        }
    }
    if let (Some(terms), Some(due)) = (regime.term_dates(), ends[0]) {
        let (from, to) = terms.covers();
        if start < from || due > to {
            out.push(Warning::BeyondTermDates {
                terms: terms.name().to_string(),
                from,
                to,
            });
        }
    }
    out
}
