//! The escalation figures: how many cases reached each stage after the answer (or its
//! absence), from each case's effective events.
//!
//! - **internal_review_requested**: an `internal_review_requested` event, an
//!   internal-review chaser sent, or the status set to internal_review by hand (or any later
//!   review event); **internal_review_answered**: an `internal_review_response`.
//! - **complaint_to_regulator**: a `complaint_to_regulator` event, the status set to it, or
//!   any later regulator-stage event (a decision implies the complaint);
//!   **regulator_acknowledged**: a `regulator_acknowledged` (or a decision after it).
//! - **decision_notice**: a `decision_notice` (or an older `regulator_decision`); the latest
//!   notice's outcome counts under **decision_upheld**, **decision_partly** or
//!   **decision_not_upheld** (an older `regulator_decision` states none).
//! - **complied**: a `complied` event; **tribunal_appeal**: a `tribunal_appeal` event.
//!
//! A case counts once under each stage it reached. Pure.

use crate::domain::event::EventKind;
use crate::domain::regulator::{DecisionOutcome, StageNote};
use crate::domain::{CaseStatus, Event};
use serde::Serialize;

/// Cases at each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stages {
    pub internal_review_requested: usize,
    pub internal_review_answered: usize,
    pub complaint_to_regulator: usize,
    pub regulator_acknowledged: usize,
    pub decision_notice: usize,
    pub decision_upheld: usize,
    pub decision_partly: usize,
    pub decision_not_upheld: usize,
    pub complied: usize,
    pub tribunal_appeal: usize,
}

/// The stages one case reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reached {
    pub review_requested: bool,
    pub review_answered: bool,
    pub complaint: bool,
    pub acknowledged: bool,
    /// A decision, with its outcome when the notice states one.
    pub decision: Option<Option<DecisionOutcome>>,
    pub complied: bool,
    pub appeal: bool,
}

/// The stages a case's effective `events` reached (`is_review_step`: which chaser steps
/// request an internal review).
pub fn reached(events: &[Event], is_review_step: &dyn Fn(&str) -> bool) -> Reached {
    let mut r = Reached::default();
    for e in events {
        match &e.kind {
            EventKind::InternalReviewRequested => r.review_requested = true,
            EventKind::ChaserSent { step } if is_review_step(step) => r.review_requested = true,
            EventKind::InternalReviewResponse => r.review_answered = true,
            EventKind::StatusSet => match crate::standing::status_set_to(e.note.as_deref()) {
                Some(CaseStatus::InternalReview) => r.review_requested = true,
                Some(CaseStatus::ComplaintToRegulator) => r.complaint = true,
                _ => {}
            },
            EventKind::ComplaintToRegulator => r.complaint = true,
            EventKind::RegulatorAcknowledged => r.acknowledged = true,
            EventKind::DecisionNotice => {
                r.decision = Some(StageNote::parse(e.note.as_deref().unwrap_or("")).outcome);
            }
            EventKind::RegulatorDecision => r.decision = Some(None),
            EventKind::Complied => r.complied = true,
            EventKind::TribunalAppeal => r.appeal = true,
            _ => {}
        }
    }
    // A later stage implies the earlier ones were reached.
    r.review_requested |= r.review_answered;
    r.acknowledged |= r.decision.is_some();
    r.complaint |= r.acknowledged || r.complied || r.appeal;
    r
}

impl Stages {
    /// Count one case.
    pub fn add(&mut self, r: &Reached) {
        self.internal_review_requested += usize::from(r.review_requested);
        self.internal_review_answered += usize::from(r.review_answered);
        self.complaint_to_regulator += usize::from(r.complaint);
        self.regulator_acknowledged += usize::from(r.acknowledged);
        if let Some(outcome) = r.decision {
            self.decision_notice += 1;
            match outcome {
                Some(DecisionOutcome::Upheld) => self.decision_upheld += 1,
                Some(DecisionOutcome::Partly) => self.decision_partly += 1,
                Some(DecisionOutcome::NotUpheld) => self.decision_not_upheld += 1,
                None => {}
            }
        }
        self.complied += usize::from(r.complied);
        self.tribunal_appeal += usize::from(r.appeal);
    }

    /// Names and values in display order (the CSV's `stage` rows use these names).
    pub fn named(&self) -> [(&'static str, usize); 10] {
        [
            ("internal_review_requested", self.internal_review_requested),
            ("internal_review_answered", self.internal_review_answered),
            ("complaint_to_regulator", self.complaint_to_regulator),
            ("regulator_acknowledged", self.regulator_acknowledged),
            ("decision_notice", self.decision_notice),
            ("decision_upheld", self.decision_upheld),
            ("decision_partly", self.decision_partly),
            ("decision_not_upheld", self.decision_not_upheld),
            ("complied", self.complied),
            ("tribunal_appeal", self.tribunal_appeal),
        ]
    }

    /// What a stage's figure is a share of: a decision's outcomes of the decisions, the
    /// rest of the requests sent.
    pub fn base_of(&self, name: &str, sent: usize) -> usize {
        match name {
            "decision_upheld" | "decision_partly" | "decision_not_upheld" | "complied" => {
                self.decision_notice
            }
            "internal_review_answered" => self.internal_review_requested,
            _ => sent,
        }
    }
}

/// The headings of the stages table (text and HTML), after "group".
pub const STAGE_COLUMNS: [&str; 10] = [
    "review asked",
    "review answered",
    "complaint",
    "acknowledged",
    "decision",
    "upheld",
    "partly",
    "not upheld",
    "complied",
    "tribunal",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, note: Option<&str>) -> Event {
        Event {
            kind: EventKind::from_stored(kind),
            on: "2026-03-02".parse().unwrap(),
            note: note.map(String::from),
        }
    }

    #[test]
    fn later_stages_imply_earlier_ones() {
        let none = crate::standing::no_review_steps;
        let r = reached(
            &[
                ev("sent", None),
                ev("decision_notice", Some("ref=FS1 outcome=partly")),
            ],
            &none,
        );
        assert!(r.complaint && r.acknowledged && !r.review_requested);
        assert_eq!(r.decision, Some(Some(DecisionOutcome::Partly)));
        let r = reached(
            &[ev("sent", None), ev("chaser_review_sent", None)],
            &|s: &str| s == "review",
        );
        assert!(r.review_requested && !r.review_answered && !r.complaint);
        let r = reached(
            &[
                ev("sent", None),
                ev("status_set", Some("complaint_to_regulator: by phone")),
                ev("regulator_decision", Some("2026-07-01")),
                ev("decision_notice", Some("outcome=upheld")),
                ev("decision_notice", Some("outcome=not_upheld")),
            ],
            &none,
        );
        assert!(r.complaint);
        // The latest notice counts.
        assert_eq!(r.decision, Some(Some(DecisionOutcome::NotUpheld)));
        let mut s = Stages::default();
        s.add(&r);
        s.add(&Reached::default());
        assert_eq!(s.decision_notice, 1);
        assert_eq!(s.decision_not_upheld, 1);
        assert_eq!(s.complaint_to_regulator, 1);
        assert_eq!(s.base_of("decision_upheld", 9), 1);
    }
}
