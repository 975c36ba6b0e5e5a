//! The vocabulary of case events: what the `events.kind` column holds.
//!
//! Some kinds are written by the system (the sender writes `sent`, `delivery_failed` and
//! `<outbox kind>_sent`, e.g. `chaser_overdue_sent` for an outbox email of kind
//! `chaser:overdue`); the others are recorded by staff (`foi case event`, a status set by
//! hand, a note) or by the classifier of replies. Pure: no IO.

use std::borrow::Cow;
use std::fmt;

/// What happened on a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Our request was accepted by the server; `occurred_on` is its date of receipt.
    Sent,
    /// Our request was refused for good.
    DeliveryFailed,
    /// A chaser step's email went out (`chaser_<step>_sent`).
    ChaserSent {
        /// The step's name from the campaign's ladder.
        step: String,
    },
    /// A campaign-wide message (`foi campaign message`) went out (`message_sent`).
    MessageSent,
    /// The request was submitted by hand, through the body's web form or by post (`foi case
    /// submitted`); its date is the date of receipt the clock counts from.
    Submitted,
    /// Our reply on the case (`foi case reply`) went out (`reply_sent`); a reply that is
    /// the clarification or asks for an internal review is recorded as that instead.
    ReplySent,
    /// The body acknowledged the request.
    Acknowledged,
    /// The body asked us to clarify the request: the clock stops.
    ClarificationRequested,
    /// We sent our clarification; its date of receipt restarts the clock.
    ClarificationSent,
    /// The body gave a fees notice: the clock pauses.
    FeesNotice,
    /// We paid the fee: the clock resumes.
    FeePaid,
    /// The body extended its deadline; the note holds `+20` (working days) or a date.
    Extension,
    /// The body answered in full.
    Response,
    /// The body refused (an exemption, cost, vexatious ...).
    Refusal,
    /// The body answered in part.
    PartialResponse,
    /// The body does not hold the information.
    NotHeld,
    /// We asked for an internal review.
    InternalReviewRequested,
    /// The body answered the internal review.
    InternalReviewResponse,
    /// We complained to the regulator (the ICO, the Scottish Information Commissioner).
    ComplaintToRegulator,
    /// The regulator decided and ordered the body to comply; the note holds the
    /// compliance date (a clock of its own until the body answers). Kept for notes
    /// recorded before `decision_notice`.
    RegulatorDecision,
    /// The regulator acknowledged our complaint (its note may carry the regulator's
    /// reference, `ref=IC-...`).
    RegulatorAcknowledged,
    /// The regulator's decision notice; its note holds the reference, the outcome and the
    /// compliance date ([`crate::domain::regulator::StageNote`]): a clock of its own until
    /// the body complies.
    DecisionNotice,
    /// The body did what the decision notice ordered: the compliance clock ends.
    Complied,
    /// A decision notice was appealed to the tribunal (its note says who appealed: the
    /// body's appeal stays the compliance date).
    TribunalAppeal,
    /// We withdrew the request.
    Withdrawn,
    /// A person set the case's status by hand (`foi case status`); the note says which.
    StatusSet,
    /// A person's note on the case.
    Note,
    /// A kind this version does not know (written by a later one): shown, and it changes
    /// no deadline and no status.
    Other(String),
}

/// The kinds staff may record with `foi case event`, in the order `--help` lists them.
pub const RECORDABLE: [EventKind; 19] = [
    EventKind::Acknowledged,
    EventKind::ClarificationRequested,
    EventKind::ClarificationSent,
    EventKind::FeesNotice,
    EventKind::FeePaid,
    EventKind::Extension,
    EventKind::Response,
    EventKind::Refusal,
    EventKind::PartialResponse,
    EventKind::NotHeld,
    EventKind::InternalReviewRequested,
    EventKind::InternalReviewResponse,
    EventKind::ComplaintToRegulator,
    EventKind::RegulatorAcknowledged,
    EventKind::DecisionNotice,
    EventKind::RegulatorDecision,
    EventKind::Complied,
    EventKind::TribunalAppeal,
    EventKind::Withdrawn,
];

impl EventKind {
    /// The stored form.
    pub fn as_str(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::Sent => "sent",
            Self::DeliveryFailed => "delivery_failed",
            Self::ChaserSent { step } => return Cow::Owned(format!("chaser_{step}_sent")),
            Self::MessageSent => "message_sent",
            Self::ReplySent => "reply_sent",
            Self::Submitted => "submitted",
            Self::Acknowledged => "acknowledged",
            Self::ClarificationRequested => "clarification_requested",
            Self::ClarificationSent => "clarification_sent",
            Self::FeesNotice => "fees_notice",
            Self::FeePaid => "fee_paid",
            Self::Extension => "extension",
            Self::Response => "response",
            Self::Refusal => "refusal",
            Self::PartialResponse => "partial_response",
            Self::NotHeld => "not_held",
            Self::InternalReviewRequested => "internal_review_requested",
            Self::InternalReviewResponse => "internal_review_response",
            Self::ComplaintToRegulator => "complaint_to_regulator",
            Self::RegulatorDecision => "regulator_decision",
            Self::RegulatorAcknowledged => "regulator_acknowledged",
            Self::DecisionNotice => "decision_notice",
            Self::Complied => "complied",
            Self::TribunalAppeal => "tribunal_appeal",
            Self::Withdrawn => "withdrawn",
            Self::StatusSet => "status_set",
            Self::Note => "note",
            Self::Other(kind) => return Cow::Owned(kind.clone()),
        })
    }

    /// A kind as the `events.kind` column holds it: never fails (a kind this version does
    /// not know is [`EventKind::Other`]).
    pub fn from_stored(s: &str) -> Self {
        // (a match, not a search of the list of kinds: `foi overdue` reads every event of
        // 100,000 cases through here)
        let fixed = match s {
            "sent" => Self::Sent,
            "delivery_failed" => Self::DeliveryFailed,
            "message_sent" => Self::MessageSent,
            "reply_sent" => Self::ReplySent,
            "submitted" => Self::Submitted,
            "acknowledged" => Self::Acknowledged,
            "clarification_requested" => Self::ClarificationRequested,
            "clarification_sent" => Self::ClarificationSent,
            "fees_notice" => Self::FeesNotice,
            "fee_paid" => Self::FeePaid,
            "extension" => Self::Extension,
            "response" => Self::Response,
            "refusal" => Self::Refusal,
            "partial_response" => Self::PartialResponse,
            "not_held" => Self::NotHeld,
            "internal_review_requested" => Self::InternalReviewRequested,
            "internal_review_response" => Self::InternalReviewResponse,
            "complaint_to_regulator" => Self::ComplaintToRegulator,
            "regulator_decision" => Self::RegulatorDecision,
            "regulator_acknowledged" => Self::RegulatorAcknowledged,
            "decision_notice" => Self::DecisionNotice,
            "complied" => Self::Complied,
            "tribunal_appeal" => Self::TribunalAppeal,
            "withdrawn" => Self::Withdrawn,
            "status_set" => Self::StatusSet,
            "note" => Self::Note,
            _ => Self::Other(String::new()),
        };
        if !matches!(fixed, Self::Other(_)) {
            return fixed;
        }
        match s
            .strip_prefix("chaser_")
            .and_then(|r| r.strip_suffix("_sent"))
        {
            Some(step) if !step.is_empty() => Self::ChaserSent { step: step.into() },
            _ => Self::Other(s.to_string()),
        }
    }

    /// The event the sender records when it sends an outbox email of `outbox_kind`: `sent`
    /// for the request; for our replies on a case, `reply_sent`, or the clock event the reply
    /// is (`reply:clarification` gives `clarification_sent`, `reply:internal_review` gives
    /// `internal_review_requested`); `<kind>_sent` for the others (`chaser:overdue` gives
    /// `chaser_overdue_sent`, `message` gives `message_sent`).
    pub fn sent_for(outbox_kind: &str) -> Self {
        match outbox_kind {
            "request" => Self::Sent,
            "reply" => Self::ReplySent,
            "reply:clarification" => Self::ClarificationSent,
            "reply:internal_review" => Self::InternalReviewRequested,
            _ => Self::from_stored(&format!("{}_sent", outbox_kind.replace(':', "_"))),
        }
    }

    /// Parse a stored or typed kind (`fees-notice` and `Fees notice` are accepted too).
    /// Kinds written by other parts of the app that this vocabulary does not know give
    /// `None`, and are shown but change no deadline.
    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_lowercase().replace(['-', ' '], "_");
        let fixed = [
            Self::Sent,
            Self::DeliveryFailed,
            Self::MessageSent,
            Self::ReplySent,
            Self::Submitted,
        ]
        .into_iter()
        .chain(RECORDABLE)
        .find(|k| k.as_str() == norm);
        if fixed.is_some() {
            return fixed;
        }
        // `chaser_<step>_sent`: the step name is kept as the outbox kind had it.
        let raw = s.trim();
        let step = raw.strip_prefix("chaser_")?.strip_suffix("_sent")?;
        (!step.is_empty()).then(|| Self::ChaserSent { step: step.into() })
    }

    /// Whether the body has said something: a reply of any sort. Such an event cancels
    /// the case's pending chasers.
    pub fn is_reply(&self) -> bool {
        matches!(
            self,
            Self::Acknowledged
                | Self::ClarificationRequested
                | Self::FeesNotice
                | Self::Extension
                | Self::Response
                | Self::Refusal
                | Self::PartialResponse
                | Self::NotHeld
                | Self::InternalReviewResponse
                | Self::Complied
        )
    }

    /// Whether the body answered the request (in full, in part, by refusing, or saying it
    /// holds nothing): the request's clock ends.
    pub fn is_answer(&self) -> bool {
        matches!(
            self,
            Self::Response | Self::PartialResponse | Self::Refusal | Self::NotHeld
        )
    }

    /// Whether it belongs to the regulator stage (a complaint and what follows it).
    pub fn is_regulator_stage(&self) -> bool {
        matches!(
            self,
            Self::ComplaintToRegulator
                | Self::RegulatorAcknowledged
                | Self::DecisionNotice
                | Self::RegulatorDecision
                | Self::Complied
                | Self::TribunalAppeal
        )
    }

    /// Whether staff may record it by hand (system kinds are written by the sender).
    pub fn is_recordable(&self) -> bool {
        RECORDABLE.contains(self)
    }
}

/// Stored and shown as its name (`"sent"`, `"chaser_overdue_sent"`).
impl serde::Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.as_str())
    }
}

/// A dated fact on a case, as the rules that derive its deadline and status read it (the
/// store returns a case's events as these, in date order).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub kind: EventKind,
    pub on: chrono::NaiveDate,
    pub note: Option<String>,
}

/// What an extension's note says: `+N` working days (units of the regime's period), or a
/// new due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionNote {
    By(u32),
    Until(chrono::NaiveDate),
}

impl ExtensionNote {
    /// `+20`, `20`, or `2026-05-01` (leading text after the first word is ignored, so a note
    /// such as `+20 public interest test` works).
    pub fn parse(note: &str) -> Option<Self> {
        let first = note.split_whitespace().next()?;
        if let Ok(d) = first.parse::<chrono::NaiveDate>() {
            return Some(Self::Until(d));
        }
        let n = first
            .strip_prefix('+')
            .unwrap_or(first)
            .parse::<u32>()
            .ok()?;
        (1..=366).contains(&n).then_some(Self::By(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        for k in RECORDABLE.into_iter().chain([
            EventKind::Sent,
            EventKind::DeliveryFailed,
            EventKind::MessageSent,
        ]) {
            assert_eq!(EventKind::parse(&k.as_str()), Some(k.clone()), "{k}");
        }
        assert_eq!(
            EventKind::parse("chaser_overdue_sent"),
            Some(EventKind::ChaserSent {
                step: "overdue".into()
            })
        );
        assert_eq!(
            EventKind::parse("chaser_internal-review_sent"),
            Some(EventKind::ChaserSent {
                step: "internal-review".into()
            })
        );
        assert_eq!(EventKind::parse("Fees notice"), Some(EventKind::FeesNotice));
        assert_eq!(EventKind::parse("bounced"), None);
        assert_eq!(EventKind::parse("chaser__sent"), None);
    }

    #[test]
    fn stored_kinds_read_back_whatever_they_are() {
        for k in RECORDABLE.into_iter().chain([
            EventKind::Sent,
            EventKind::DeliveryFailed,
            EventKind::MessageSent,
            EventKind::ReplySent,
            EventKind::Submitted,
            EventKind::StatusSet,
            EventKind::Note,
            EventKind::ChaserSent {
                step: "internal-review".into(),
            },
        ]) {
            assert_eq!(EventKind::from_stored(&k.as_str()), k, "{k}");
        }
        assert_eq!(
            EventKind::from_stored("bounced"),
            EventKind::Other("bounced".into())
        );
        assert_eq!(EventKind::sent_for("request"), EventKind::Sent);
        assert_eq!(EventKind::sent_for("message"), EventKind::MessageSent);
        assert_eq!(EventKind::sent_for("reply"), EventKind::ReplySent);
        assert_eq!(
            EventKind::sent_for("reply:clarification"),
            EventKind::ClarificationSent
        );
        assert_eq!(
            EventKind::sent_for("reply:internal_review"),
            EventKind::InternalReviewRequested
        );
        assert_eq!(
            EventKind::sent_for("chaser:overdue"),
            EventKind::ChaserSent {
                step: "overdue".into()
            }
        );
        assert_eq!(
            serde_json::to_string(&EventKind::FeesNotice).unwrap(),
            "\"fees_notice\""
        );
    }

    #[test]
    fn system_kinds_are_not_recordable() {
        assert!(!EventKind::Sent.is_recordable());
        assert!(EventKind::Response.is_recordable());
        assert!(EventKind::Response.is_reply());
        assert!(!EventKind::Withdrawn.is_reply());
    }

    #[test]
    fn extension_notes() {
        assert_eq!(ExtensionNote::parse("+20"), Some(ExtensionNote::By(20)));
        assert_eq!(
            ExtensionNote::parse("+20 public interest"),
            Some(ExtensionNote::By(20))
        );
        assert_eq!(
            ExtensionNote::parse("2026-05-01"),
            Some(ExtensionNote::Until(
                chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
            ))
        );
        assert_eq!(ExtensionNote::parse("soon"), None);
        assert_eq!(ExtensionNote::parse("+0"), None);
        assert_eq!(ExtensionNote::parse(""), None);
    }
}
