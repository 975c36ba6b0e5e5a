//! What the clock gives: a [`Deadline`] (due and latest dates, the clock's state, an
//! internal review's, warnings), the events it reads, and the [`Note`] the explanation
//! keeps of what each event did. The clock itself is `compute.rs`.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::regime::Regime;
use super::regime_def::Unit;

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
    /// A school's count reaches days its term dates do not cover: they were counted as
    /// school days.
    BeyondTermDates {
        /// The term dates' name.
        terms: String,
        /// Their first break's start.
        from: NaiveDate,
        /// Their last break's end.
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
            Warning::BeyondTermDates { terms, from, to } => write!(
                f,
                "term dates `{terms}` cover {from} to {to} only: working days outside were counted as school days; add the school's term dates"
            ),
        }
    }
}

/// A case's deadlines: the answer to "when is it due, and where does its clock stand?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    // (made only by the clock, `compute::run`; read through the methods)
    pub(super) received: NaiveDate,
    pub(super) start: NaiveDate,
    pub(super) state: ClockState,
    pub(super) due: Option<NaiveDate>,
    pub(super) latest: Option<NaiveDate>,
    pub(super) extended: bool,
    pub(super) review: Option<ReviewDeadline>,
    pub(super) complaint: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) warnings: Vec<Warning>,
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
