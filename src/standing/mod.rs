//! Where a case stands, derived from its events: the rules that join a case's dated events
//! ([`crate::domain::Event`]) to the pure deadline engine. Which event is which clock event
//! and the case's deadline (`clock.rs`), what is owed next and how late it is (`due.rs`), the
//! status an event sets (`status.rs`), and the one derivation of a case's state, its status
//! and its answer, from all its events (`derive.rs`, [`derive`]).
//!
//! The events these rules read are a case's *effective* events: a person's correction
//! (reclassifying a message, recording an answer, setting a status) marks the automatic
//! events it replaces as superseded; they stay on the case page, marked, and count no more.
//!
//! PURE: sees only `domain` and `deadlines`; no IO, no clock (today comes in as an
//! argument). The store, the reports and the use cases all read a case's state through
//! here, so there is one derivation.
//!
//! ## Events and the clock
//! - The date of receipt is the `occurred_on` of the case's first `sent` event.
//! - `clarification_requested` stops the clock; `clarification_sent` (our clarification, its
//!   date of receipt) restarts a full period. A `message_sent` (a campaign-wide message,
//!   `foi campaign message`) counts as the clarification too: the engine ignores it unless
//!   a clarification had been asked for.
//! - `fees_notice` pauses and `fee_paid` resumes; `extension` moves the due date by its
//!   note (`+20` working days, or a date; `+20` when the note says neither).
//! - `response`, `partial_response`, `refusal` and `not_held` end the clock; `withdrawn`
//!   ends it too.
//! - `internal_review_requested` (or an internal-review chaser going out) starts the
//!   review's clock, `internal_review_response` answers it; `complaint_to_regulator` is
//!   recorded.
//!
//! ## Events and the status ([`status_after`])
//! | event | status |
//! |---|---|
//! | acknowledged | acknowledged (only from awaiting_response) |
//! | clarification_requested | clarification_requested |
//! | clarification_sent | awaiting_response (from clarification_requested) |
//! | response | successful |
//! | partial_response | partially_successful |
//! | refusal | refused |
//! | not_held | not_held |
//! | internal_review_requested | internal_review |
//! | complaint_to_regulator | complaint_to_regulator |
//! | withdrawn | withdrawn |
//!
//! | sent | awaiting_response (from draft, queued, delivery_failed) |
//! | delivery_failed | delivery_failed (from draft, queued, awaiting_response) |
//! | message_sent | awaiting_response (from clarification_requested: our clarification) |
//! | an internal-review chaser sent | internal_review (from awaiting_response, acknowledged, refused, partially_successful) |
//! | status_set | the status its note names |
//!
//! Fees, extensions and `internal_review_response` change no status: after a review, staff
//! record its outcome (`response`, `refusal` ...) as well.
//!
//! A status set by hand moves the clock as its event would: an answered status
//! (successful, partially successful, not held, refused) ends it, `withdrawn` ends it,
//! `clarification_requested` stops it, `awaiting_response` restarts it after a
//! clarification request, `internal_review` starts the review's clock.
//!
//! ## The answer
//! The outcome is the latest effective `response`, `partial_response`, `not_held` or
//! `refusal` (or a status set by hand to one of those), dated by the first of them; a case
//! brought back to a status before any answer (awaiting response, acknowledged,
//! clarification requested, delivery failed) has none. So an answered status always has
//! the answer of its outcome, and the report's outcomes agree with every listing.

mod clock;
mod derive;
mod due;
mod status;

pub use clock::{clock_events, deadline, explain, no_review_steps, received};
pub use derive::{derive, status_set_to, Answer, CaseState, Outcome};
pub use due::{
    clocks_run, compliance_date, compliance_due, current_due, is_uk, running_clocks, standing,
    standings, Owed, Standing, LONG_OVERDUE,
};
pub use status::status_after;

#[cfg(test)]
mod tests;
