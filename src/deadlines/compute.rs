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

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::regime::{ClarificationRule, ExtensionLimit, Regime, Unit};
use super::table::in_range;

/// When something happened: an exact instant (read as a local date in the regime's time
/// zone) or a date already local (typed by staff, or from the calculator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// A UTC instant, e.g. the delivery time of an email.
    Instant(DateTime<Utc>),
    /// A local calendar date.
    Date(NaiveDate),
}

impl From<DateTime<Utc>> for When {
    fn from(t: DateTime<Utc>) -> When {
        When::Instant(t)
    }
}

impl From<NaiveDate> for When {
    fn from(d: NaiveDate) -> When {
        When::Date(d)
    }
}

impl Regime {
    /// The local date of `when` in this regime's time zone.
    pub fn date_of(&self, when: When) -> NaiveDate {
        match when {
            When::Instant(t) => self.local_date(t),
            When::Date(d) => d,
        }
    }
}

/// How an extension moves the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extension {
    /// This many more units of the regime's period (working days for the UK regimes),
    /// counted from the current due date.
    By(u32),
    /// A new due date, as the body announced it.
    Until(NaiveDate),
}

/// What happened on a case, as far as its clock is concerned. The rest of the app maps its
/// stored events onto these; events that do not touch the clock (sent, delivered,
/// acknowledged) are simply not passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The body asked the requester to clarify: the clock stops (or pauses, per regime).
    ClarificationRequested,
    /// The body received the clarification: a full period restarts from it (or resumes).
    ClarificationReceived,
    /// The body gave a fees notice: the clock pauses.
    FeesNotice,
    /// The body received the fee: the clock resumes, the paused days not counted.
    FeePaid,
    /// The body extended its deadline.
    Extension(Extension),
    /// The requester asked for an internal review: the review's own clock starts.
    ReviewRequested,
    /// The body answered the internal review.
    ReviewAnswered,
    /// The requester complained to the regulator (recorded; no deadline).
    ComplaintToRegulator,
    /// The body responded: the clock ends.
    Responded,
    /// The request was withdrawn: the clock ends.
    Withdrawn,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::ClarificationRequested => f.write_str("clarification requested"),
            EventKind::ClarificationReceived => f.write_str("clarification received"),
            EventKind::FeesNotice => f.write_str("fees notice"),
            EventKind::FeePaid => f.write_str("fee paid"),
            EventKind::Extension(Extension::By(n)) => write!(f, "extension by {n}"),
            EventKind::Extension(Extension::Until(d)) => {
                write!(f, "extension until {}", d.format("%a %Y-%m-%d"))
            }
            EventKind::ReviewRequested => f.write_str("internal review requested"),
            EventKind::ReviewAnswered => f.write_str("internal review answered"),
            EventKind::ComplaintToRegulator => f.write_str("complaint to the regulator"),
            EventKind::Responded => f.write_str("response"),
            EventKind::Withdrawn => f.write_str("withdrawal"),
        }
    }
}

/// A dated event on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (its receipt, for things the body receives).
    pub when: When,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event at `when` (a `NaiveDate` or a `DateTime<Utc>`).
    pub fn new(when: impl Into<When>, kind: EventKind) -> Event {
        Event {
            when: when.into(),
            kind,
        }
    }
}

/// What is holding a paused clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// A fees notice, until payment.
    Fees,
    /// A clarification request, in a regime that pauses rather than restarts.
    Clarification,
}

impl fmt::Display for PauseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PauseReason::Fees => "fees notice to payment",
            PauseReason::Clarification => "awaiting clarification",
        })
    }
}

/// How a clock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The body responded.
    Responded,
    /// The requester withdrew the request.
    Withdrawn,
}

/// Where a case's clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    /// Counting: the due date applies.
    Running,
    /// Stopped by a clarification request; a full period starts when it arrives.
    AwaitingClarification {
        /// The day the clarification was asked for.
        since: NaiveDate,
    },
    /// Paused; it resumes with `remaining` units still to run.
    Paused {
        /// The day the pause began (counted as paused).
        since: NaiveDate,
        /// Why.
        reason: PauseReason,
        /// Units (working days for working-day regimes, else calendar days) still to run
        /// after it resumes.
        remaining: u32,
    },
    /// No longer due.
    Ended {
        /// When.
        on: NaiveDate,
        /// Why.
        how: Ending,
    },
}

/// The internal review's own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewDeadline {
    /// The date the review request was received (its day 0).
    pub requested: NaiveDate,
    /// When the review is due.
    pub due: NaiveDate,
    /// The longest the regime allows, when longer than `due`.
    pub latest: Option<NaiveDate>,
    /// When the body answered it, if it has.
    pub answered: Option<NaiveDate>,
}

/// Something the user should know about how far to trust the dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// The calendar has no holiday at all for these regions: only weekends (and blackouts)
    /// were skipped.
    NoHolidayData {
        /// The regions.
        regions: Vec<String>,
    },
    /// Some counted days fall outside the years for which holiday data exist.
    BeyondHolidayData {
        /// First day with data for all the regime's regions.
        from: NaiveDate,
        /// Last day with data for all the regime's regions.
        to: NaiveDate,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NoHolidayData { regions } => write!(
                f,
                "no holiday data for {}: only weekends were skipped; add the holidays to your calendar file",
                regions.join(", ")
            ),
            Warning::BeyondHolidayData { from, to } => write!(
                f,
                "holiday data cover {from} to {to} only: days outside were counted without holidays"
            ),
        }
    }
}

/// A case's deadlines: the answer to "when is it due, and where does its clock stand?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    received: NaiveDate,
    start: NaiveDate,
    state: ClockState,
    due: Option<NaiveDate>,
    latest: Option<NaiveDate>,
    extended: bool,
    review: Option<ReviewDeadline>,
    complaint: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

impl Deadline {
    /// The local date of receipt of the request.
    pub fn received(&self) -> NaiveDate {
        self.received
    }

    /// Day 0 of the current clock: the receipt, or the last clarification's receipt.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Where the clock stands.
    pub fn state(&self) -> ClockState {
        self.state
    }

    /// The statutory due date. `None` while the clock is stopped or paused (nothing is due
    /// until it runs again), and for a clock that ended while stopped or paused. For an
    /// ended clock it is the date that applied when it ended.
    pub fn due(&self) -> Option<NaiveDate> {
        self.due
    }

    /// Whether the clock is running, i.e. the due date can pass.
    pub fn is_running(&self) -> bool {
        self.state == ClockState::Running
    }

    /// The furthest the due date may move with the longest extension the regime allows;
    /// `None` when the regime has no extension or no fixed maximum, or when `due` is `None`.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.latest
    }

    /// Whether an extension moved the due date.
    pub fn extended(&self) -> bool {
        self.extended
    }

    /// The internal review's clock, once one was requested.
    pub fn review(&self) -> Option<ReviewDeadline> {
        self.review
    }

    /// When a complaint to the regulator was first recorded.
    pub fn complaint(&self) -> Option<NaiveDate> {
        self.complaint
    }

    /// Caveats about the holiday data behind these dates.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// A date the engine cannot count from or to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The engine counts 1900-01-01 to 2199-12-31.
    #[error("cannot count from or to {0}: dates must lie between 1900-01-01 and 2199-12-31")]
    OutOfRange(NaiveDate),
}

/// Why an event did not change the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Ignored {
    /// Dated before the request was received.
    BeforeReceipt,
    /// Dated after 2199-12-31, beyond the years the engine counts.
    OutOfRange,
    /// Given after the due date had passed.
    AfterDue {
        /// The due date then.
        due: NaiveDate,
    },
    /// The clock was already paused.
    AlreadyPaused,
    /// Nothing was paused for this to resume.
    NotPaused,
    /// The clock was stopped awaiting clarification.
    Stopped,
    /// The clock had ended.
    Ended,
    /// No clarification had been asked for.
    NotAsked,
    /// The regime allows no extension.
    NotAllowed,
    /// It would not move the due date later.
    NotLater,
    /// The regime has no internal review.
    NoReview,
    /// Fees do not pause this regime's clock.
    FeesDoNotPause,
    /// No internal review was pending.
    NoReviewPending,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::BeforeReceipt => f.write_str("dated before the request was received"),
            Ignored::OutOfRange => f.write_str("dated after 2199-12-31, beyond the years counted"),
            Ignored::AfterDue { due } => write!(
                f,
                "given after the due date {} had passed",
                due.format("%a %Y-%m-%d")
            ),
            Ignored::AlreadyPaused => f.write_str("the clock was already paused"),
            Ignored::NotPaused => f.write_str("the clock was not paused"),
            Ignored::Stopped => f.write_str("the clock was stopped awaiting clarification"),
            Ignored::Ended => f.write_str("the clock had ended"),
            Ignored::NotAsked => f.write_str("no clarification had been asked for"),
            Ignored::NotAllowed => f.write_str("the regime allows no extension"),
            Ignored::NotLater => f.write_str("it does not move the due date later"),
            Ignored::NoReview => f.write_str("the regime has no internal review"),
            Ignored::FeesDoNotPause => f.write_str("fees do not pause this regime's clock"),
            Ignored::NoReviewPending => f.write_str("no internal review was pending"),
        }
    }
}

/// What an event did, as the explanation tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "did", rename_all = "snake_case")]
pub enum Note {
    /// Clarification requested: the clock stops.
    Stopped,
    /// The clock pauses.
    Paused {
        /// Why.
        reason: PauseReason,
    },
    /// The clock resumes.
    Resumed {
        /// Why it had paused.
        reason: PauseReason,
        /// Units taken out of the count.
        not_counted: u32,
        /// Their unit.
        unit: Unit,
        /// The due date now.
        due: NaiveDate,
    },
    /// The due date moved.
    Extended {
        /// As asked.
        by: Extension,
        /// The unit of `by`.
        unit: Unit,
        /// Before.
        from: NaiveDate,
        /// After.
        to: NaiveDate,
        /// Cut back to the regime's latest date.
        capped: bool,
    },
    /// The internal review's clock started.
    ReviewRequested {
        /// Its due date.
        due: NaiveDate,
        /// Its latest date, if longer.
        latest: Option<NaiveDate>,
    },
    /// The internal review was answered.
    ReviewAnswered,
    /// A complaint to the regulator.
    Complaint,
    /// The body responded; the clock ends.
    Responded {
        /// Working days after the due date (negative: before it), if one applied.
        late_by: Option<i64>,
    },
    /// The request was withdrawn; the clock ends.
    Withdrawn,
    /// The event changed nothing.
    Ignored {
        /// Which event.
        event: EventKind,
        /// Why.
        why: Ignored,
    },
}

/// Why a clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The request was received.
    Received,
    /// A requested clarification was received: a full period restarts.
    ClarificationReceived,
}

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
        let nominal = regime.add_units(start, def.period, def.unit)?;
        let latest = match def.extension {
            ExtensionLimit::UpTo(n) => Some(regime.add_units(start, def.period + n, def.unit)?),
            ExtensionLimit::None | ExtensionLimit::Unbounded => None,
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
    out
}
