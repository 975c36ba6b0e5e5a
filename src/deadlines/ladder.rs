//! Escalation ladders as data: the chaser steps a regime's law suggests, in order, each
//! with its trigger, its wait, the template it writes and the legal source it rests on.
//! The built-in regimes carry theirs ([`builtin_ladder`]); a `[[regime]]` may carry one;
//! a campaign follows its cases' regimes' ladders with `ladder = "regime"` in its
//! `campaign.toml`, or writes its own `[[chasers]]` (the sweep is `casework::chasers`).
//!
//! Sources (checked December 2026):
//! - FOIA: s.10(1) (20 working days); s.50 (complaint to the Information Commissioner);
//!   the s.45 Code of Practice (2018) para 5 (internal review: asked for within 40 working
//!   days of the response, answered within 20 working days, 40 in exceptional cases). The
//!   ICO's "FOI and EIR complaints" pages: after no response at all it takes a complaint
//!   without an internal review, asking for evidence that the requester tried to resolve
//!   it with the authority first (our overdue chase); "if you've not been given the
//!   outcome of the internal review after 40 working days - you can complain to us".
//! - FOISA: s.20 (a requirement for review, within 40 working days of the response or of
//!   the time for compliance running out, required also after no response); s.21 (review
//!   within 20 working days); s.47(1)-(4) (application to the Scottish Information
//!   Commissioner only after a review or a failure to answer one, within 6 months).
//! - EIR: reg 11(1)-(2) (representations, for any failure to comply, within 40 working
//!   days), reg 11(4) (reconsideration within 40 working days), reg 18 (FOIA s.50 applies:
//!   the ICO expects reg 11 to be used first).
//! - Schools (SI 2004/3364, SI 2010/2768): the FOIA ladder.

use serde::{Deserialize, Serialize};

/// When a step falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `after` working days after receipt, while nothing has come from the body.
    NoAcknowledgement,
    /// `after` working days after the due date, while the clock runs.
    Overdue,
    /// The internal review (FOISA: requirement for review; EIR: representations).
    InternalReview,
    /// A draft to the regulator, `after` working days after a pending review's limit.
    Complaint,
    /// A draft to the regulator, `after` working days after an unanswered request's due
    /// date, with no internal review (FOIA, where the ICO accepts that).
    ComplaintNoResponse,
}

impl Trigger {
    /// Its name in `campaign.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::NoAcknowledgement => "no_acknowledgement",
            Trigger::Overdue => "overdue",
            Trigger::InternalReview => "internal_review",
            Trigger::Complaint => "complaint",
            Trigger::ComplaintNoResponse => "complaint_no_response",
        }
    }

    /// `after` when a step does not say.
    pub fn default_after(self) -> u32 {
        match self {
            Trigger::NoAcknowledgement => 5,
            Trigger::InternalReview => 20,
            Trigger::ComplaintNoResponse => 10,
            Trigger::Overdue | Trigger::Complaint => 1,
        }
    }

    /// Whether the step writes a draft for the regulator (never sent to the body).
    pub fn is_complaint(self) -> bool {
        matches!(self, Trigger::Complaint | Trigger::ComplaintNoResponse)
    }
}

/// Whether a step's email goes at once or waits for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Queued at once.
    Auto,
    /// Waits for a person's approval.
    #[default]
    Approve,
}

impl Mode {
    /// Its name in `campaign.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Approve => "approve",
        }
    }
}

/// For `internal_review`: which situations it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOn {
    /// A refusal or partial answer, and an unanswered request.
    #[default]
    Any,
    /// Only a refusal or partial answer (FOIA: non-response goes to the regulator).
    Refusal,
}

/// For `complaint`: which of the review's dates its wait counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewLimit {
    /// The review's due date.
    #[default]
    Due,
    /// The review's latest date where the regime has one (FOIA: 40 working days).
    Latest,
}

/// One step of a ladder, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// Its name: lowercase letters, digits and hyphens.
    pub step: String,
    /// When it falls due.
    pub trigger: Trigger,
    /// Working days of wait (see [`Trigger`]); the trigger's default when absent.
    #[serde(default)]
    pub after: Option<u32>,
    /// For `internal_review`: working days after a refusal (default 1).
    #[serde(default)]
    pub after_refusal: Option<u32>,
    /// For `internal_review`: which situations it answers.
    #[serde(default)]
    pub on: ReviewOn,
    /// For `complaint`: which of the review's dates the wait counts from.
    #[serde(default)]
    pub review_limit: ReviewLimit,
    /// The template folder's name, under the campaign's chasers folder.
    pub template: String,
    /// Auto or approve.
    #[serde(default)]
    pub mode: Mode,
    /// The law or guidance the step rests on, as `--explain` shows it.
    #[serde(default)]
    pub basis: String,
}

#[allow(clippy::too_many_arguments)]
fn rung(
    step: &str,
    trigger: Trigger,
    after: Option<u32>,
    on: ReviewOn,
    review_limit: ReviewLimit,
    template: &str,
    mode: Mode,
    basis: &str,
) -> Rung {
    Rung {
        step: step.into(),
        trigger,
        after,
        after_refusal: None,
        on,
        review_limit,
        template: template.into(),
        mode,
        basis: basis.into(),
    }
}

/// The two chases every UK ladder starts with.
fn chases(law: &str) -> Vec<Rung> {
    use ReviewLimit::Due;
    use ReviewOn::Any;
    vec![
        rung(
            "acknowledgement",
            Trigger::NoAcknowledgement,
            Some(5),
            Any,
            Due,
            "acknowledgement",
            Mode::Auto,
            "a courtesy check that the request arrived, 5 working days after receipt",
        ),
        rung(
            "overdue",
            Trigger::Overdue,
            Some(1),
            Any,
            Due,
            "overdue",
            Mode::Auto,
            &format!("{law}; the regulator asks for evidence that the requester chased first"),
        ),
    ]
}

/// The ladder a built-in regime carries (empty for the Irish, US and New Zealand ones:
/// write `[[chasers]]` for those). Sources in the module documentation.
///
/// (A table of data, each rung's legal source beside it: longer than a function should
/// be, and clearer whole.)
pub fn builtin_ladder(regime: &str) -> Vec<Rung> {
    use ReviewLimit::{Due, Latest};
    use ReviewOn::{Any, Refusal};
    match regime {
        "uk-foia" | "uk-foia-school" => {
            let mut l = chases("the answer was due on the 20th working day (FOIA s.10(1))");
            l.extend([
                rung(
                    "complaint-no-response",
                    Trigger::ComplaintNoResponse,
                    Some(10),
                    Any,
                    Due,
                    "complaint-no-response",
                    Mode::Approve,
                    "no answer 10 working days after the due date and the overdue chase: the ICO \
                     takes a complaint about a non-response without an internal review (FOIA s.50; \
                     ico.org.uk FOI and EIR complaints)",
                ),
                rung(
                    "internal-review",
                    Trigger::InternalReview,
                    None,
                    Refusal,
                    Due,
                    "internal-review",
                    Mode::Approve,
                    "after a refusal or partial answer: ask within 40 working days (s.45 Code of \
                     Practice para 5)",
                ),
                rung(
                    "complaint",
                    Trigger::Complaint,
                    Some(1),
                    Any,
                    Latest,
                    "complaint",
                    Mode::Approve,
                    "the review is 20 working days, 40 in exceptional cases (s.45 Code para 5); \
                     the ICO takes a complaint once 40 working days pass without its outcome",
                ),
            ]);
            l
        }
        "scotland-foisa" => {
            let mut l = chases("the answer was due on the 20th working day (FOISA s.10(1))");
            l.extend([
                Rung {
                    after_refusal: Some(1),
                    ..rung(
                        "review",
                        Trigger::InternalReview,
                        Some(5),
                        Any,
                        Due,
                        "foisa-review",
                        Mode::Approve,
                        "a requirement for review is needed before the Commissioner, also after no \
                         response: within 40 working days (FOISA s.20), answered within 20 (s.21)",
                    )
                },
                rung(
                    "application",
                    Trigger::Complaint,
                    Some(1),
                    Any,
                    Due,
                    "foisa-application",
                    Mode::Approve,
                    "no review outcome within 20 working days (FOISA s.21): apply to the Scottish \
                     Information Commissioner within 6 months (s.47)",
                ),
            ]);
            l
        }
        "uk-eir" => {
            let mut l = chases("the answer was due on the 20th working day (EIR reg 5(2))");
            l.extend([
                Rung {
                    after_refusal: Some(1),
                    ..rung(
                        "reconsideration",
                        Trigger::InternalReview,
                        Some(5),
                        Any,
                        Due,
                        "eir-reconsideration",
                        Mode::Approve,
                        "representations for any failure to comply, also no response: within 40 \
                         working days (EIR reg 11(1)-(2))",
                    )
                },
                rung(
                    "complaint",
                    Trigger::Complaint,
                    Some(1),
                    Any,
                    Due,
                    "complaint",
                    Mode::Approve,
                    "no reconsideration within 40 working days (EIR reg 11(4)): complain to the \
                     ICO (reg 18, FOIA s.50)",
                ),
            ]);
            l
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RegimeDef, RegimeError};
    use super::*;

    #[test]
    fn the_uk_regimes_carry_a_ladder_and_a_bad_step_is_refused() {
        for name in ["uk-foia", "uk-foia-school", "scotland-foisa", "uk-eir"] {
            let def = RegimeDef::builtin(name).expect("built in");
            assert!(!def.ladder.is_empty(), "{name}");
            assert!(def.ladder.iter().all(|r| !r.basis.is_empty()), "{name}");
            def.validate().expect("valid");
        }
        // Scotland has no complaint without a review; FOIA's review answers refusals only.
        let foisa = builtin_ladder("scotland-foisa");
        assert!(!foisa
            .iter()
            .any(|r| r.trigger == Trigger::ComplaintNoResponse));
        let foia = builtin_ladder("uk-foia");
        assert!(foia
            .iter()
            .any(|r| r.trigger == Trigger::InternalReview && r.on == ReviewOn::Refusal));
        let mut def = RegimeDef::builtin("uk-foia").expect("built in");
        def.ladder[1].step = "acknowledgement".into();
        assert_eq!(
            def.validate(),
            Err(RegimeError::BadRung {
                name: "uk-foia".into(),
                step: "acknowledgement".into()
            })
        );
        // A ladder in TOML, as a [[regime]] writes it.
        let rung: Rung = toml::from_str(
            "step = \"chase\"\ntrigger = \"overdue\"\ntemplate = \"overdue\"\nbasis = \"s.10\"\n",
        )
        .expect("valid");
        assert_eq!((rung.trigger, rung.mode), (Trigger::Overdue, Mode::Approve));
    }
}
