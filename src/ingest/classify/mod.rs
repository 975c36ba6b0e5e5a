//! Says what kind of reply a [`ParsedMessage`] is, and why.
//!
//! Owns the rules that turn a parsed email into a [`Classification`]: bounce (RFC 3464 or
//! an MTA's own words), auto-reply (RFC 3834 headers, out-of-office wording in English and
//! German, read receipts), acknowledgement, clarification request, refusal (with the
//! exemptions cited), not held, response, or, for mail a person wrote that fits none of
//! those, `reply`: a person must read it. There is no "unknown": every message gets a
//! class that moves its case on. Plus the public body's own reference number. Every
//! verdict names its evidence so a person can check it and override it.
//!
//! The rules read only what the body wrote (`written`): quoted earlier messages, our own
//! request pasted back, undecoded attachment payloads (uuencode, base64) and signatures
//! are never evidence for a class or an exemption. They are keyword rules, not a model:
//! good enough to sort a mailbox, always overridable.
//!
//! This module is pure: it must not import `store`, `sender`, any IO or network crate, or
//! read the clock.
//!
//! One file per kind of evidence, in the order [`classify`] weighs them: `reports`
//! (bounces, read receipts, abuse reports), `autoreply` (headers and out-of-office
//! wording), `content` (what the new text says, and the documents attached; `answers`
//! the answers written in the text). They read the text through `evidence` (the subject
//! and what the body wrote, from `written`, folded once, every phrase list searched in
//! one pass), with the phrase lists of `phrases`; `reference` finds the body's own
//! reference number. Imports run one way: `phrases` and `written` import no sibling.

mod answers;
mod autoreply;
mod content;
mod evidence;
mod phrases;
mod reference;
#[cfg(test)]
mod replies;
mod reports;
mod written;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::parse::{DeliveryRecipient, ParsedMessage};
use crate::text::exemptions_in;
use evidence::Evidence;
use phrases::SECURE_MAIL_PHRASES_SET;

pub use reference::body_reference;
pub use written::own_sentences;

/// What kind of reply a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The request could not be delivered (or is delayed): a delivery status notification.
    Bounce,
    /// An automatic reply that changes nothing: out of office, read receipt, list mail.
    AutoReply,
    /// The body confirms it received the request (including holding replies).
    Acknowledgement,
    /// The body asks the requester to clarify the request (the clock stops).
    ClarificationRequest,
    /// The body refuses the request, usually citing exemptions.
    Refusal,
    /// The body answers that it holds none of the information asked for.
    NotHeld,
    /// A substantive answer, with or without attachments.
    Response,
    /// Mail a person wrote (or must read) that is none of the above: it waits in the
    /// "to read" queue, and the case's chasers wait, until a person has read it.
    Reply,
}

impl Kind {
    /// Every kind, in the order classification considers them.
    pub const ALL: [Kind; 8] = [
        Kind::Bounce,
        Kind::AutoReply,
        Kind::Acknowledgement,
        Kind::ClarificationRequest,
        Kind::Refusal,
        Kind::NotHeld,
        Kind::Response,
        Kind::Reply,
    ];

    /// The kebab-case name used in the CLI and the database (`auto-reply`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bounce => "bounce",
            Kind::AutoReply => "auto-reply",
            Kind::Acknowledgement => "acknowledgement",
            Kind::ClarificationRequest => "clarification-request",
            Kind::Refusal => "refusal",
            Kind::NotHeld => "not-held",
            Kind::Response => "response",
            Kind::Reply => "reply",
        }
    }

    /// True for the kind that waits for a person to read it.
    pub fn needs_reading(self) -> bool {
        self == Kind::Reply
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`Kind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no message kind \"{0}\": use one of bounce, auto-reply, acknowledgement, clarification-request, refusal, not-held, response, reply")]
pub struct UnknownKind(String);

impl FromStr for Kind {
    type Err = UnknownKind;

    /// Accepts the kebab-case names, case-insensitively, with `_` for `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// What a bounce says about the failed delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BounceInfo {
    /// The recipients reported on, with status and diagnostic.
    pub recipients: Vec<DeliveryRecipient>,
    /// The Message-ID of the message that bounced (ours), for matching it to its case.
    pub original_message_id: Option<String>,
    /// True when delivery has failed for good; false for a delay warning.
    pub permanent: bool,
}

/// The verdict on one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// What kind of reply it is.
    pub kind: Kind,
    /// Why, in words a person can check: the headers or phrases that decided it.
    pub reason: String,
    /// The public body's own reference for the request ("Our ref: FOI-2024-1234").
    pub body_reference: Option<String>,
    /// Exemptions cited, normalised: `s12`, `s40` (FOIA/FOISA sections), `reg12(4)(b)`,
    /// `reg13` (EIR regulations). Filled whatever the kind.
    pub exemptions: Vec<String>,
    /// Set for bounces.
    pub bounce: Option<BounceInfo>,
}

/// A verdict: the kind, why, and for a bounce what it says.
type Decision = (Kind, String, Option<BounceInfo>);

/// Classifies a parsed message. Total: every message gets a kind and a reason.
pub fn classify(message: &ParsedMessage) -> Classification {
    classify_against(message, &[])
}

/// [`classify`], with the sentences of our own request (`own`, from [`own_sentences`]),
/// which are never evidence when the reply pastes them back.
pub fn classify_against(message: &ParsedMessage, own: &[String]) -> Classification {
    let text = Evidence::of(message, own);
    let exemptions = exemptions_in(text.written());
    let body_reference = body_reference(message.subject.as_deref().unwrap_or(""), &text.original);
    let (kind, reason, bounce) = decide(message, &text, &exemptions);
    Classification {
        kind,
        reason,
        body_reference,
        exemptions,
        bounce,
    }
}

/// True when what `message`'s body wrote repeats one of `own` (our request's sentences):
/// then [`classify_against`] may judge it otherwise than [`classify`].
pub fn repeats_any(message: &ParsedMessage, own: &[String]) -> bool {
    let fresh = evidence::written_folded(&written::without_payloads(&message.text_body), &[]);
    own.iter().any(|s| {
        let s = evidence::fold(s);
        s.len() >= written::MIN_OWN_SENTENCE && fresh.contains(&s)
    })
}

/// The exemptions a received text cites in what its author wrote (quotes, payloads and
/// the signature left out), as [`classify`] reports them.
pub fn exemptions_written(text_body: &str) -> Vec<String> {
    exemptions_in(&evidence::written_folded(
        &written::without_payloads(text_body),
        &[],
    ))
}

/// The most of a document's first page that [`classify_first_page`] reads.
pub const FIRST_PAGE_CHARS: usize = 20_000;

/// True when a received email's own text (`subject`, `text_body`) says nothing but a
/// covering note: no wording of any class beyond "please find attached", no exemption,
/// no answer written. Only such an email's class may be taken from its documents.
pub fn covering_note_only(subject: &str, text_body: &str) -> bool {
    let message = ParsedMessage {
        subject: Some(subject.to_string()),
        text_body: text_body.to_string(),
        ..ParsedMessage::default()
    };
    let text = Evidence::of(&message, &[]);
    let exemptions = exemptions_in(text.written());
    content::covering_note_only(&text, &exemptions)
}

/// What the first page of a document (`page`, its text; bounded to
/// [`FIRST_PAGE_CHARS`]) says the reply is, by the same content rules as an email's text:
/// `None` unless it is definite (a clarification request, refusal, acknowledgement, not
/// held, or a response). The reason names the document and page: "from the attached
/// letter.pdf, page 1: refusal: ...".
pub fn classify_first_page(file_name: &str, locator: &str, page: &str) -> Option<Classification> {
    let end = page
        .char_indices()
        .nth(FIRST_PAGE_CHARS)
        .map_or(page.len(), |(i, _)| i);
    let message = ParsedMessage {
        text_body: page[..end].to_string(),
        ..ParsedMessage::default()
    };
    let text = Evidence::of(&message, &[]);
    let exemptions = exemptions_in(text.written());
    let verdict = content::judge_content(&message, &text, &exemptions)?;
    let body_reference = body_reference("", &text.original);
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let at = if locator.is_empty() {
        "page 1"
    } else {
        locator
    };
    Some(Classification {
        kind: verdict.kind,
        reason: format!("from the attached {name}, {at}: {}", verdict.reason),
        body_reference,
        exemptions,
        bounce: None,
    })
}

/// Weighs the evidence, strongest first; the first step that decides, decides.
fn decide(message: &ParsedMessage, text: &Evidence, exemptions: &[String]) -> Decision {
    // 1. Bounces: a delivery report, standard or not. 2. Reports that are not about
    // delivery.
    if let Some(decision) = reports::decide(message) {
        return decision;
    }

    // 3. Auto-replies: out-of-office wording, or headers only automatic replies carry.
    if let Some(decision) = autoreply::decide(message, text, exemptions) {
        return decision;
    }

    // 4. Mail that cannot be read here.
    if let Some(phrase) = text.find_any(&SECURE_MAIL_PHRASES_SET) {
        return (
            Kind::Reply,
            format!(
                "reply: notice of a message held on a secure-mail portal (\"{phrase}\"); \
                 a person must fetch the reply itself from the portal and read it"
            ),
            None,
        );
    }

    // 5. What the body says.
    if let Some(verdict) = content::judge_content(message, text, exemptions) {
        return (verdict.kind, verdict.reason, None);
    }

    // 6. Machine mail with nothing to say.
    if let Some(header) = autoreply::weak_auto_header(message) {
        return (Kind::AutoReply, format!("auto-reply: {header}"), None);
    }

    let reason = match &message.problem {
        Some(problem) => format!("reply: {problem}; a person must read it"),
        None => "reply: a person must read it (no acknowledgement, clarification, refusal, \
                 not-held or answer wording found, and no document attached)"
            .to_string(),
    };
    (Kind::Reply, reason, None)
}

/// Emails written for the tests of this module's files.
#[cfg(test)]
mod test_mail {
    use super::{classify, Classification};
    use crate::ingest::parse::{parse, Limits};

    pub(super) fn classify_raw(raw: &str) -> Classification {
        classify(&parse(raw.as_bytes(), &Limits::default()))
    }

    pub(super) fn email(headers: &str, body: &str) -> String {
        format!(
            "From: FOI Team <foi@council.example>\r\nTo: foi+k7q2@campaign.example\r\n\
             Message-ID: <reply-1@council.example>\r\n{headers}\r\n\r\n{body}\r\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse::{parse, Limits};

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        assert_eq!("Auto_Reply".parse::<Kind>(), Ok(Kind::AutoReply));
        assert!("spam".parse::<Kind>().is_err());
    }

    #[test]
    fn only_a_covering_note_may_be_classified_from_its_documents() {
        assert!(covering_note_only(
            "Re: request",
            "Please find attached our response."
        ));
        assert!(!covering_note_only(
            "Re: request",
            "Please find attached. We hold 42 cameras."
        ));
        assert!(!covering_note_only(
            "",
            "Attached. Some is withheld under section 40."
        ));
        assert!(!covering_note_only(
            "",
            "We are refusing your request, see attached."
        ));
        let page = "Dear Requester,\nWe are refusing your request under section 24(1).";
        let c = classify_first_page("letter.pdf", "page 1", page).unwrap();
        assert_eq!(c.kind, Kind::Refusal);
        assert!(
            c.reason
                .starts_with("from the attached letter.pdf, page 1: refusal"),
            "{}",
            c.reason
        );
        assert_eq!(c.exemptions, vec!["s24".to_string()]);
        assert!(classify_first_page("a.pdf", "page 1", "Annex A: a table of figures").is_none());
        let long = "x ".repeat(FIRST_PAGE_CHARS) + "we are refusing your request";
        assert!(classify_first_page("a.pdf", "", &long).is_none(), "bounded");
    }

    #[test]
    fn hostile_inputs_classify_without_panicking() {
        let inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"\x00\xff\xfe garbage \x80\x81".to_vec(),
            (0..=255u8).cycle().take(10_000).collect(),
            b"Subject: s.\r\n\r\nsections 40, and".to_vec(),
            b"Subject: Our ref:\r\n\r\nreference: ###".to_vec(),
            "Subject: ü\r\n\r\nsection 4€0 FOI-€ Az. ÿ"
                .as_bytes()
                .to_vec(),
        ];
        for raw in inputs {
            let parsed = parse(&raw, &Limits::default());
            let c = classify(&parsed);
            assert!(!c.reason.is_empty());
        }
    }
}
