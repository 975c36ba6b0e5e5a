//! Says what kind of reply a [`ParsedMessage`] is, and why.
//!
//! Owns the rules that turn a parsed email into a [`Classification`]: bounce (RFC 3464 or
//! an MTA's own words), auto-reply (RFC 3834 headers, out-of-office wording in English and
//! German, read receipts), acknowledgement, clarification request, refusal (with the
//! exemptions cited), response, or unknown; plus the public body's own reference number.
//! Every verdict names its evidence so a person can check it and override it.
//!
//! The rules read only the new part of a reply (quoted earlier messages are cut off), so
//! the words of our own request never classify the answer to it. They are keyword rules,
//! not a model: good enough to sort a mailbox, always overridable.
//!
//! This module is pure: it must not import `store`, `sender`, any IO or network crate, or
//! read the clock.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::parse::{Attachment, DeliveryRecipient, ParsedMessage, ReportFormat};
use crate::text::{exemptions_in, fresh_text, truncate_bytes, MAX_FRESH_CHARS};

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
    /// A substantive answer, with or without attachments.
    Response,
    /// None of the above could be told with confidence.
    Unknown,
}

impl Kind {
    /// Every kind, in the order classification considers them.
    pub const ALL: [Kind; 7] = [
        Kind::Bounce,
        Kind::AutoReply,
        Kind::Acknowledgement,
        Kind::ClarificationRequest,
        Kind::Refusal,
        Kind::Response,
        Kind::Unknown,
    ];

    /// The kebab-case name used in the CLI and the database (`auto-reply`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bounce => "bounce",
            Kind::AutoReply => "auto-reply",
            Kind::Acknowledgement => "acknowledgement",
            Kind::ClarificationRequest => "clarification-request",
            Kind::Refusal => "refusal",
            Kind::Response => "response",
            Kind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`Kind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown message kind \"{0}\": use one of bounce, auto-reply, acknowledgement, clarification-request, refusal, response, unknown")]
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

/// How far into the new text out-of-office wording is looked for, in bytes.
const OUT_OF_OFFICE_WINDOW: usize = 1_000;

/// Classifies a parsed message. Total: every message gets a kind and a reason.
pub fn classify(message: &ParsedMessage) -> Classification {
    let text = Evidence::of(message);
    let exemptions = exemptions_in(&text.original);
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

fn decide(
    message: &ParsedMessage,
    text: &Evidence,
    exemptions: &[String],
) -> (Kind, String, Option<BounceInfo>) {
    // 1. Bounces: a delivery report, standard or not.
    if let Some(report) = &message.delivery_report {
        let failures: Vec<&DeliveryRecipient> = report
            .recipients
            .iter()
            .filter(|r| r.is_failure())
            .collect();
        if report.recipients.is_empty() || !failures.is_empty() {
            let permanent = if report.recipients.is_empty() {
                !report.warning_only
            } else {
                report
                    .recipients
                    .iter()
                    .any(DeliveryRecipient::is_permanent)
            };
            let who = failures
                .iter()
                .take(5)
                .map(|r| match &r.status {
                    Some(status) => format!("{} ({status})", r.address),
                    None => r.address.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut reason = format!(
                "bounce ({}): {}",
                if permanent {
                    "permanent"
                } else {
                    "delayed, still being retried"
                },
                report.evidence
            );
            if !who.is_empty() {
                reason.push_str(&format!("; recipients: {who}"));
            }
            let info = BounceInfo {
                recipients: report.recipients.clone(),
                original_message_id: report.original.message_id.clone(),
                permanent,
            };
            return (Kind::Bounce, reason, Some(info));
        }
        if report.format == ReportFormat::Rfc3464 {
            return (
                Kind::AutoReply,
                "auto-reply: delivery status notification reporting success, not failure"
                    .to_string(),
                None,
            );
        }
    }

    // 2. Reports that are not about delivery.
    match message.automation.report_type.as_deref() {
        Some("disposition-notification") => {
            return (
                Kind::AutoReply,
                "auto-reply: read receipt (multipart/report; report-type=disposition-notification)"
                    .to_string(),
                None,
            )
        }
        Some("feedback-report") => {
            return (
                Kind::Unknown,
                "unknown: abuse feedback report (report-type=feedback-report), automated but \
                 neither a bounce nor a reply"
                    .to_string(),
                None,
            )
        }
        _ => {}
    }

    // 3. Auto-replies. Out-of-office wording always wins. Otherwise automatic mail is
    // judged by what it says, because case-management systems send acknowledgements (with
    // the body's reference) and even responses marked as automatic; when it says nothing
    // of consequence it is an auto-reply.
    let strong_auto = strong_auto_header(message);
    let out_of_office = text
        .subject_match(&OUT_OF_OFFICE_SUBJECTS_SET)
        .map(|p| format!("out-of-office subject \"{p}\""))
        .or_else(|| {
            text.fresh_start_match(&OUT_OF_OFFICE_PHRASES_SET, OUT_OF_OFFICE_WINDOW)
                .map(|p| format!("out-of-office wording \"{p}\""))
        });
    if let Some(wording) = out_of_office {
        let mut reason = format!("auto-reply: {wording}");
        if let Some(header) = &strong_auto {
            reason.push_str(&format!(" and {header}"));
        }
        return (Kind::AutoReply, reason, None);
    }
    if let Some(header) = strong_auto {
        return match judge_content(message, text, exemptions) {
            // A reply-like phrase alone ("please see below") is not enough from a machine.
            Some(verdict) if verdict.kind != Kind::Response || verdict.has_documents => (
                verdict.kind,
                format!("{} (sent automatically: {header})", verdict.reason),
                None,
            ),
            _ => (Kind::AutoReply, format!("auto-reply: {header}"), None),
        };
    }

    // 4. Mail that cannot be read here.
    if let Some(phrase) = text.find_any(&SECURE_MAIL_PHRASES_SET) {
        return (
            Kind::Unknown,
            format!(
                "unknown: notice of a message held on a secure-mail portal (\"{phrase}\"); \
                 the reply itself must be fetched from the portal"
            ),
            None,
        );
    }

    // 5. What the body says.
    if let Some(verdict) = judge_content(message, text, exemptions) {
        return (verdict.kind, verdict.reason, None);
    }

    // 6. Machine mail with nothing to say.
    if let Some(header) = weak_auto_header(message) {
        return (Kind::AutoReply, format!("auto-reply: {header}"), None);
    }

    let reason = match &message.problem {
        Some(problem) => format!("unknown: {problem}"),
        None => "unknown: no bounce, auto-reply, acknowledgement, clarification, refusal or \
                 response wording found"
            .to_string(),
    };
    (Kind::Unknown, reason, None)
}

/// What the content of a reply says it is.
struct Verdict {
    kind: Kind,
    reason: String,
    /// The message carries attachments that can hold an answer.
    has_documents: bool,
}

/// Classifies by content, strongest consequence first: a clarification request (it stops
/// the clock), a definite refusal, an acknowledgement (holding replies included; one that
/// mentions exemptions as a possibility is still an acknowledgement), a response
/// (documents attached or answering wording; partly withheld when it also withholds),
/// and last a refusal shown only by exemptions cited or withholding words.
fn judge_content(
    message: &ParsedMessage,
    text: &Evidence,
    exemptions: &[String],
) -> Option<Verdict> {
    let documents: Vec<&Attachment> = message
        .attachments
        .iter()
        .filter(|a| is_document(a, message.html_body.as_deref()))
        .collect();
    let has_documents = !documents.is_empty();
    let verdict = |kind: Kind, reason: String| Verdict {
        kind,
        reason,
        has_documents,
    };
    let cited = if exemptions.is_empty() {
        String::new()
    } else {
        format!("; exemptions cited: {}", exemptions.join(", "))
    };

    if let Some(phrase) = text.find_any(&CLARIFICATION_PHRASES_SET) {
        return Some(verdict(
            Kind::ClarificationRequest,
            format!("clarification request: \"{phrase}\""),
        ));
    }
    if let Some(phrase) = text.find_any(&DEFINITE_REFUSAL_PHRASES_SET) {
        return Some(verdict(
            Kind::Refusal,
            format!("refusal: \"{phrase}\"{cited}"),
        ));
    }
    let acknowledgement = text
        .find_any(&ACK_PHRASES_SET)
        .or_else(|| ack_in_attachment_names(message));
    if let Some(phrase) = acknowledgement {
        return Some(verdict(
            Kind::Acknowledgement,
            format!("acknowledgement: \"{phrase}\""),
        ));
    }
    let response = text.find_any(&RESPONSE_PHRASES_SET);
    let weak_refusal = text.find_any(&WEAK_REFUSAL_PHRASES_SET);
    if has_documents || response.is_some() {
        let mut evidence = Vec::new();
        if let Some(phrase) = response {
            evidence.push(format!("\"{phrase}\""));
        }
        if has_documents {
            let names = documents
                .iter()
                .take(5)
                .map(|a| a.file_name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            evidence.push(format!("{} attachment(s): {names}", documents.len()));
        }
        let partial = if weak_refusal.is_some() || !exemptions.is_empty() {
            " (partly withheld)"
        } else {
            ""
        };
        return Some(verdict(
            Kind::Response,
            format!("response{partial}: {}{cited}", evidence.join(", ")),
        ));
    }
    if !exemptions.is_empty() || weak_refusal.is_some() {
        let mut evidence: Vec<String> = Vec::new();
        if let Some(phrase) = weak_refusal {
            evidence.push(format!("\"{phrase}\""));
        }
        if !exemptions.is_empty() {
            evidence.push(format!("exemptions cited: {}", exemptions.join(", ")));
        }
        return Some(verdict(
            Kind::Refusal,
            format!("refusal: {}", evidence.join("; ")),
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------

/// RFC 3834 and the widespread X- headers that only automatic replies carry.
fn strong_auto_header(message: &ParsedMessage) -> Option<String> {
    let auto = &message.automation;
    if let Some(value) = &auto.auto_submitted {
        let first = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !first.is_empty() && first != "no" {
            return Some(format!("Auto-Submitted: {value}"));
        }
    }
    if auto.x_autoreply.is_some() {
        return Some("X-Autoreply header".to_string());
    }
    if auto.x_autorespond.is_some() {
        return Some("X-Autorespond header".to_string());
    }
    let precedence = auto.precedence.as_deref().map(str::to_ascii_lowercase);
    if precedence.as_deref() == Some("auto_reply") {
        return Some("Precedence: auto_reply".to_string());
    }
    None
}

/// Headers that mark mail as bulk or machine-made without saying it is a reply: they
/// only decide when the content says nothing (a response may well come with them).
fn weak_auto_header(message: &ParsedMessage) -> Option<String> {
    let auto = &message.automation;
    if let Some(precedence) = &auto.precedence {
        let lower = precedence.to_ascii_lowercase();
        if ["bulk", "junk", "list"].contains(&lower.trim()) {
            return Some(format!("Precedence: {precedence}"));
        }
    }
    if let Some(value) = &auto.x_auto_response_suppress {
        let lower = value.to_ascii_lowercase();
        if ["all", "oof", "autoreply"]
            .iter()
            .any(|v| lower.contains(v))
        {
            return Some(format!("X-Auto-Response-Suppress: {value}"));
        }
    }
    if let Some(list) = &auto.list_id {
        return Some(format!("mailing list (List-Id: {list})"));
    }
    None
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

/// The words classification reads: the subject and the new part of the body.
struct Evidence {
    /// Subject, lower case, white space folded.
    subject: String,
    /// New text, lower case, white space folded, typographic quotes made plain.
    fresh: String,
    /// New text with its case and line breaks, for references and exemptions.
    original: String,
    /// For each list of [`FINDABLE`], the first of its phrases (by its place in the list)
    /// found outside a hypothetical sentence.
    found: [Option<usize>; FINDABLE.len()],
}

impl Evidence {
    fn of(message: &ParsedMessage) -> Self {
        let subject = fold(message.subject.as_deref().unwrap_or(""));
        let original = fresh_text(&message.text_body);
        let fresh = fold(&original);
        let mut found = [None; FINDABLE.len()];
        // Every list in one pass over each text.
        for hay in [&subject, &fresh] {
            for m in FINDABLE_ALL.ac.find_overlapping_iter(hay.as_str()) {
                let (slot, p) = FINDABLE_ALL.owner[m.pattern().as_usize()];
                // (only an earlier phrase of the list can still win)
                if found[slot].is_none_or(|b| p < b) && !is_hypothetical(hay, m.start()) {
                    found[slot] = Some(p);
                }
            }
        }
        Self {
            subject,
            fresh,
            original,
            found,
        }
    }

    fn subject_match(&self, phrases: &Phrases) -> Option<&'static str> {
        phrases.first_in(&self.subject)
    }

    /// A phrase in the first `window` bytes of the new text.
    fn fresh_start_match(&self, phrases: &Phrases, window: usize) -> Option<&'static str> {
        phrases.first_in(truncate_bytes(&self.fresh, window))
    }

    /// The first phrase (in the list's order) found in the subject or the new text,
    /// outside hypothetical sentences ("if we need clarification ...", "some information
    /// may be exempt").
    fn find_any(&self, phrases: &Phrases) -> Option<&'static str> {
        let slot = phrases.slot?;
        self.found[slot].map(|b| phrases.list[b])
    }
}

/// The automaton for fixed phrases: a full DFA, the fastest to search (overlapping
/// searches included) at the cost of memory and build time, once per process.
fn automaton<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(patterns)
        // (fixed literals, well under the DFA's size limit: building cannot fail)
        .expect("classification phrases")
}

/// A list of phrases with its automaton: every phrase is looked for in one pass over a
/// text (a reply may be 20,000 characters; there are hundreds of phrases).
struct Phrases {
    list: &'static [&'static str],
    ac: aho_corasick::AhoCorasick,
    /// Its place in [`FINDABLE`], for the lists [`Evidence::find_any`] looks in.
    slot: Option<usize>,
}

impl Phrases {
    fn new(list: &'static [&'static str]) -> Self {
        Self {
            list,
            // (fixed literals: building cannot fail)
            ac: automaton(list),
            slot: None,
        }
    }

    fn findable(slot: usize) -> Self {
        Self {
            slot: Some(slot),
            ..Self::new(FINDABLE[slot])
        }
    }

    /// The first phrase, in the list's order, that occurs in `hay`.
    fn first_in(&self, hay: &str) -> Option<&'static str> {
        let best = self
            .ac
            .find_overlapping_iter(hay)
            .map(|m| m.pattern().as_usize())
            .min()?;
        Some(self.list[best])
    }
}

/// Lower case, white space folded to single spaces, typographic quotes made plain.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            // (the common case, a byte at a time)
            out.extend(word.bytes().map(|b| match b {
                b'`' => '\'',
                _ => b.to_ascii_lowercase() as char,
            }));
            continue;
        }
        for c in word.chars() {
            match c {
                '’' | '‘' | '`' => out.push('\''),
                '“' | '”' | '„' => out.push('"'),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// [`fold`] for an ASCII text (most replies), bytes in and bytes out.
fn fold_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // (the ASCII characters `split_whitespace` splits on)
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    for word in text.as_bytes().split(space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend(word.iter().map(|b| match b {
            b'`' => b'\'',
            _ => b.to_ascii_lowercase(),
        }));
    }
    // (ASCII in, ASCII out)
    String::from_utf8(out).unwrap_or_default()
}

/// Words that make the rest of a sentence a supposition.
const HYPOTHETICAL_MARKERS: [&str; 14] = [
    "if ",
    " may ",
    " might ",
    " could be ",
    "should we ",
    "should you ",
    "where we ",
    "in the event",
    "unless ",
    "whether ",
    " falls ",
    "sollte",
    "gegebenenfalls",
    " ggf.",
];

fn is_hypothetical(hay: &str, start: usize) -> bool {
    let mut begin = start.saturating_sub(100);
    while begin > 0 && !hay.is_char_boundary(begin) {
        begin -= 1;
    }
    let before = hay.get(begin..start).unwrap_or("");
    let sentence = before
        .rfind(['.', '!', '?', ';', ':'])
        .and_then(|end| before.get(end + 1..))
        .unwrap_or(before);
    let sentence = format!(" {sentence}");
    HYPOTHETICAL_MARKERS.iter().any(|m| sentence.contains(m))
}

// ---------------------------------------------------------------------------------------
// Phrase lists (lower case; matched on folded text)
// ---------------------------------------------------------------------------------------

/// The lists [`Evidence::find_any`] looks in, by slot (see [`Phrases::findable`]).
const FINDABLE: [&[&str]; 6] = [
    ACK_PHRASES,
    CLARIFICATION_PHRASES,
    DEFINITE_REFUSAL_PHRASES,
    WEAK_REFUSAL_PHRASES,
    RESPONSE_PHRASES,
    SECURE_MAIL_PHRASES,
];

/// Every phrase of [`FINDABLE`] in one automaton, each pattern with its (slot, place).
struct Catalogue {
    ac: aho_corasick::AhoCorasick,
    owner: Vec<(usize, usize)>,
}

static FINDABLE_ALL: std::sync::LazyLock<Catalogue> = std::sync::LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (slot, list) in FINDABLE.iter().enumerate() {
        for (place, phrase) in list.iter().enumerate() {
            patterns.push(*phrase);
            owner.push((slot, place));
        }
    }
    Catalogue {
        // (fixed literals: building cannot fail)
        ac: automaton(patterns),
        owner,
    }
});

// The phrase lists below, each with its automaton.
static OUT_OF_OFFICE_SUBJECTS_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::new(OUT_OF_OFFICE_SUBJECTS));
static OUT_OF_OFFICE_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::new(OUT_OF_OFFICE_PHRASES));
static ACK_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(0));
static CLARIFICATION_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(1));
static DEFINITE_REFUSAL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(2));
static WEAK_REFUSAL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(3));
static RESPONSE_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(4));
static SECURE_MAIL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(5));

const OUT_OF_OFFICE_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "auto response",
    "autoresponse",
    "away from the office",
    "annual leave",
    "on leave",
    "on holiday",
    "office closed",
    "abwesenheitsnotiz",
    "abwesenheit",
    "abwesend",
    "automatische antwort",
    "réponse automatique",
];

const OUT_OF_OFFICE_PHRASES: &[&str] = &[
    "i am out of the office",
    "i'm out of the office",
    "i am currently out of the office",
    "i am currently out of office",
    "out of the office until",
    "out of office until",
    "i am away from",
    "i'm away from",
    "i am currently away",
    "i am on leave",
    "i'm on leave",
    "i am on annual leave",
    "i am currently on annual leave",
    "i am currently on leave",
    "on annual leave until",
    "i will be back in the office",
    "i will return to the office",
    "back in the office on",
    "limited access to email",
    "limited access to my email",
    "no access to email",
    "nicht im büro",
    "befinde mich im urlaub",
    "bin im urlaub",
    "bin ich nicht erreichbar",
    "bin ich abwesend",
    "außer haus",
    "wieder erreichbar",
    "urlaubsbedingt",
];

/// Receipt, logging and holding replies.
const ACK_PHRASES: &[&str] = &[
    "acknowledge receipt",
    "acknowledge the receipt",
    "acknowledgement of receipt",
    "acknowledgment of receipt",
    "acknowledging receipt",
    "acknowledge your request",
    "acknowledge your freedom of information request",
    "acknowledge your email",
    "this is to acknowledge",
    "your request has been received",
    "your request was received",
    "your request is being processed",
    "your request has been logged",
    "your request has been registered",
    "has been logged",
    "has been registered",
    "we have received your request",
    "we received your request",
    "we have received your freedom of information request",
    "we have received your foi request",
    "we have received your information request",
    "we have received your email",
    "we will respond within",
    "we will respond to your request within",
    "we aim to respond",
    "aim to respond within",
    "will respond promptly",
    "respond within 20 working days",
    "within 20 working days",
    "within twenty working days",
    "within 20 school days",
    "within 15 working days",
    "will receive a response",
    "you should receive a response",
    "response is due",
    "due date for a response",
    "due date for your response",
    "delay in responding",
    "apologise for the delay",
    "apologies for the delay",
    "extend the time limit",
    "eingangsbest",
    "empfangsbest",
    "den eingang ihre",
    "den eingang des",
    "eingang ihrer anfrage",
    "eingang ihres antrag",
    "ihre anfrage ist bei uns eingegangen",
    "schnellst möglich bearbeiten",
    "schnellstmöglich bearbeiten",
    "so schnell wie möglich bearbeiten",
    "wird sich leider noch etwas verzögern",
    "wird sich verzögern",
    "wird sich leider verzögern",
    "noch etwas verzögern",
    "zwischennachricht",
    "zwischenbescheid",
    "sachstandsmitteilung",
];

const CLARIFICATION_PHRASES: &[&str] = &[
    "please clarify",
    "could you clarify",
    "could you please clarify",
    "can you clarify",
    "can you please clarify",
    "would you clarify",
    "would you please clarify",
    "clarify your request",
    "clarification of your request",
    "require clarification",
    "require further clarification",
    "require some clarification",
    "need clarification",
    "need further clarification",
    "need some clarification",
    "seek clarification",
    "seeking clarification",
    "request clarification",
    "section 1(3)",
    "s.1(3)",
    "s1(3)",
    "we need more information",
    "we require more information",
    "we need further information",
    "we require further information",
    "we need some further information",
    "please provide more details",
    "please provide further details",
    "please provide more information",
    "please provide further information",
    "could you please confirm which",
    "could you please confirm what",
    "could you confirm which",
    "could you confirm what",
    "please confirm which",
    "please confirm what",
    "please specify",
    "could you please specify",
    "could you specify",
    "narrow your request",
    "refine your request",
    "präzisieren",
    "präzisierung",
    "konkretisieren",
    "konkretisierung",
];

/// Wording that refuses outright.
const DEFINITE_REFUSAL_PHRASES: &[&str] = &[
    "refusal notice",
    "refuse your request",
    "refusing your request",
    "refuse this request",
    "refusing this request",
    "we are refusing",
    "request is refused",
    "request has been refused",
    "neither confirm nor deny",
    "ncnd",
    "exceed the appropriate limit",
    "exceeds the appropriate limit",
    "exceed the cost limit",
    "exceeds the cost limit",
    "vexatious",
    "manifestly unreasonable",
    "is exempt from disclosure",
    "are exempt from disclosure",
    "information is exempt",
    "we will not be providing",
    "will not be disclosed",
    "nicht zur verfügung gestellt werden",
    "wird abgelehnt",
    "werden abgelehnt",
    "ist abzulehnen",
    "lehne ich",
    "lehnen wir",
    "ablehnungsbescheid",
    "ablehnender bescheid",
];

/// Wording that withholds something, which may be part of an answer.
const WEAK_REFUSAL_PHRASES: &[&str] = &[
    "exempt",
    "exemption",
    "withheld",
    "withhold",
    "redacted",
    "not obliged",
    "unable to provide",
    "unable to disclose",
    "cannot provide",
    "cannot disclose",
    "not able to provide",
    "refuse",
    "abzulehnen",
    "nicht entsprochen",
    "kein anspruch",
];

const RESPONSE_PHRASES: &[&str] = &[
    "please find attached",
    "please find enclosed",
    "please see attached",
    "please find below",
    "please see below",
    "attached is",
    "attached are",
    "attached you will find",
    "i attach",
    "we attach",
    "i have attached",
    "we have attached",
    "in response to your request",
    "in reply to your request",
    "in answer to your",
    "response to your freedom of information request",
    "response to your foi request",
    "the information you requested",
    "the information requested",
    "answers to your questions",
    "the answer to your question",
    "i can confirm",
    "we can confirm",
    "can confirm that",
    "does not hold",
    "do not hold",
    "not hold the information",
    "information is not held",
    "is not held",
    "als anlage",
    "in der anlage",
    "in den anlagen",
    "anbei",
    "beigefügt",
    "übersende ich ihnen",
    "übersenden wir ihnen",
    "überreiche ich ihnen",
    "erhalten sie die antwort",
    "beantworte ich",
    "beantworten wir",
    "bescheid",
];

const SECURE_MAIL_PHRASES: &[&str] = &[
    "encrypted message",
    "encrypted mail notification",
    "verschlüsselte nachricht",
    "secure message is waiting",
    "you have received a secure message",
    "sent you a secure message",
];

/// An attachment named as an acknowledgement letter ("Acknowledgement FOI-123.pdf",
/// "Eingangsbestätigung.doc"): the acknowledgement is in the file, not the text. A name
/// that merely mentions the word somewhere is not enough.
fn ack_in_attachment_names(message: &ParsedMessage) -> Option<&'static str> {
    let names: Vec<String> = message
        .attachments
        .iter()
        .map(|a| {
            a.file_name
                .trim_start_matches(|c: char| !c.is_alphabetic())
                .to_lowercase()
        })
        .collect();
    [
        "eingangsbest",
        "empfangsbest",
        "acknowledgement",
        "acknowledgment",
    ]
    .into_iter()
    .find(|word| names.iter().any(|n| n.starts_with(word)))
}

/// An attachment that can carry an answer: not a signature, not a logo or a signature
/// image, not an image the HTML merely shows.
fn is_document(attachment: &Attachment, html: Option<&str>) -> bool {
    let kind = attachment.content_type.as_str();
    if kind.starts_with("image/") {
        let name = attachment.file_name.to_lowercase();
        let decorative_name = [
            "logo",
            "banner",
            "signature",
            "spacer",
            "facebook",
            "twitter",
            "linkedin",
            "instagram",
            "youtube",
        ]
        .iter()
        .any(|w| name.contains(w))
            || (name.starts_with("image0")
                && name.chars().nth(6).is_some_and(|c| c.is_ascii_digit()));
        let shown_and_small = attachment.content_id.as_deref().is_some_and(|cid| {
            html.is_some_and(|h| h.contains(&format!("cid:{cid}"))) && attachment.size < 16 * 1024
        }) && attachment.inline;
        return !(decorative_name || shown_and_small);
    }
    !matches!(
        kind,
        "application/pgp-keys" | "text/vcard" | "text/x-vcard" | "text/calendar"
    )
}

// ---------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------

/// Labels public bodies put before their own reference (lower case).
const REFERENCE_LABELS: &[&str] = &[
    "our reference",
    "our ref",
    "foi reference",
    "foi ref",
    "foi request reference",
    "foi request number",
    "foi number",
    "eir reference",
    "request reference",
    "request number",
    "request no",
    "request id",
    "case reference",
    "case number",
    "case no",
    "case ref",
    "reference number",
    "reference no",
    "ref no",
    "reference",
    "ref",
    "unser zeichen",
    "unser aktenzeichen",
    "aktenzeichen",
    "geschäftszeichen",
    "vorgangsnummer",
    "az",
];

/// The body's own reference, looked for in the subject, then the text: first after a
/// label such as "Our ref:", "Reference:", "Request number", "Aktenzeichen:", then as a
/// bare `FOI-2024-1234`-style token. The requester's reference ("Your ref") is skipped.
pub fn body_reference(subject: &str, text: &str) -> Option<String> {
    let subject = truncate_bytes(subject, MAX_FRESH_CHARS);
    let text = truncate_bytes(text, MAX_FRESH_CHARS * 4);
    let (subject_lower, text_lower) = (subject.to_ascii_lowercase(), text.to_ascii_lowercase());
    labelled_reference(subject, &subject_lower)
        .or_else(|| labelled_reference(text, &text_lower))
        .or_else(|| bare_reference(subject, &subject_lower))
        .or_else(|| bare_reference(text, &text_lower))
}

/// Every label of [`REFERENCE_LABELS`], looked for in one pass.
static REFERENCE_LABELS_AC: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| automaton(REFERENCE_LABELS));

/// The reference after the earliest label that has one (at the same place, the label
/// listed first), found in one pass over the text for all labels.
/// (`lower`: `text` in ASCII lower case)
fn labelled_reference(text: &str, lower: &str) -> Option<String> {
    let mut found: Vec<(usize, usize)> = REFERENCE_LABELS_AC
        .find_overlapping_iter(lower)
        .map(|m| (m.start(), m.pattern().as_usize()))
        .collect();
    found.sort_unstable();
    for (start, i) in found {
        let label = REFERENCE_LABELS[i];
        let end = start + label.len();
        let word_start = start == 0
            || lower
                .as_bytes()
                .get(start - 1)
                .is_some_and(|b| !b.is_ascii_alphanumeric());
        let word_end = lower
            .as_bytes()
            .get(end)
            .is_none_or(|b| !b.is_ascii_alphabetic());
        if !word_start || !word_end {
            continue;
        }
        let before = lower.get(..start).unwrap_or("").trim_end();
        if ["your", "ihr", "ihre", "ihr zeichen"]
            .iter()
            .any(|w| before.ends_with(w))
        {
            continue;
        }
        if let Some(reference) = reference_after(text.get(end..).unwrap_or(""), label) {
            return Some(reference);
        }
    }
    None
}

/// The reference token after a label: `: FOI/24/0042`, ` number 12345`, `# 77-A`.
fn reference_after(rest: &str, label: &str) -> Option<String> {
    let mut rest = rest;
    // Short labels must be followed by punctuation, not just a word: "Ref: 12", not
    // "Ref. 505" (German for a department) or "reference to".
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if label == "ref" && !trimmed.starts_with([':', '#']) {
        return None;
    }
    if label == "az" && !trimmed.starts_with([':', '.']) {
        return None;
    }
    if label == "reference" && !trimmed.starts_with([':', '#']) {
        let lower = trimmed.to_ascii_lowercase();
        if !(lower.starts_with("number") || lower.starts_with("no")) {
            return None;
        }
    }
    for _ in 0..4 {
        let trimmed = rest.trim_start_matches([' ', '\t', ':', '.', '#', '-', '\u{a0}']);
        let lower = trimmed.to_ascii_lowercase();
        let skip = ["number", "no.", "no ", "nr.", "is "]
            .iter()
            .find(|w| lower.starts_with(**w))
            .map(|w| w.len());
        rest = match skip {
            Some(len) => trimmed.get(len..).unwrap_or(""),
            None => trimmed,
        };
        if skip.is_none() {
            break;
        }
    }
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
        .take(41)
        .collect();
    let token = token.trim_end_matches(['.', '-', '/', '_']).to_string();
    let plausible = (3..=40).contains(&token.len()) && token.chars().any(|c| c.is_ascii_digit());
    plausible.then_some(token)
}

/// A bare FOI/EIR reference such as `FOI-2024-1234`, `FOI/24/0042`, `EIR 12345`.
fn bare_reference(text: &str, lower: &str) -> Option<String> {
    for prefix in ["foir", "foia", "foi", "eir"] {
        let mut from = 0usize;
        while let Some(found) = lower
            .get(from..)
            .and_then(|rest| memchr::memmem::find(rest.as_bytes(), prefix.as_bytes()))
        {
            let start = from + found;
            from = start + prefix.len();
            let word_start = start == 0
                || lower
                    .as_bytes()
                    .get(start - 1)
                    .is_some_and(|b| !b.is_ascii_alphanumeric());
            if !word_start {
                continue;
            }
            let token: String = text
                .get(start..)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | ' '))
                .take(41)
                .collect();
            // Allow one space right after the prefix ("FOI 12345"), no other spaces.
            let after = token.get(prefix.len()..).unwrap_or("");
            let (sep, body) = match after.strip_prefix(' ') {
                Some(body) => (" ", body),
                None => ("", after),
            };
            let body: String = body.chars().take_while(|c| *c != ' ').collect();
            let body = body
                .trim_start_matches(['-', '/'])
                .trim_end_matches(['-', '/', '_']);
            let digits = body.chars().filter(char::is_ascii_digit).count();
            let sep_ok = sep.is_empty() || body.chars().all(|c| c.is_ascii_digit());
            let glued = after.starts_with(|c: char| c.is_ascii_alphanumeric());
            // "FOI2024/77" is a reference, "FOIA" or "FOIs" is a word.
            let glued_to_word = glued && !after.starts_with(|c: char| c.is_ascii_digit());
            if digits >= 3 && sep_ok && !glued_to_word {
                let prefix_text = text.get(start..start + prefix.len()).unwrap_or(prefix);
                let joiner = after
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '-' | '/' | ' '))
                    .map(String::from)
                    .unwrap_or_default();
                return Some(format!("{prefix_text}{joiner}{body}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse::{parse, Limits};

    fn classify_raw(raw: &str) -> Classification {
        classify(&parse(raw.as_bytes(), &Limits::default()))
    }

    fn email(headers: &str, body: &str) -> String {
        format!(
            "From: FOI Team <foi@council.example>\r\nTo: foi+k7q2@campaign.example\r\n\
             Message-ID: <reply-1@council.example>\r\n{headers}\r\n\r\n{body}\r\n"
        )
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        assert_eq!("Auto_Reply".parse::<Kind>(), Ok(Kind::AutoReply));
        assert!("spam".parse::<Kind>().is_err());
    }

    #[test]
    fn english_acknowledgement_with_reference() {
        let c = classify_raw(&email(
            "Subject: RE: Freedom of Information request - CCTV [CCTV24-0042]",
            "Dear Ms Smith,\r\n\r\nThank you for your request for information, which we \
             received on 3 March 2026. We acknowledge receipt of your request and will respond \
             within 20 working days, in line with section 10 of the Freedom of Information Act \
             2000.\r\n\r\nOur ref: FOI-2024-1234\r\n\r\nInformation Governance Team",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert!(c.reason.contains("acknowledge receipt"), "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI-2024-1234"));
        assert!(c.exemptions.is_empty());
    }

    #[test]
    fn acknowledgement_that_mentions_exemptions_hypothetically_is_not_a_refusal() {
        let c = classify_raw(&email(
            "Subject: Your FOI request",
            "Your request has been received and logged under Reference: FOI/24/0042. \
             We will respond within 20 working days. Please note that some information may \
             be exempt from disclosure under section 40(2) of the Act.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI/24/0042"));
        assert_eq!(c.exemptions, ["s40"]);
    }

    #[test]
    fn refusal_citing_section_12() {
        let c = classify_raw(&email(
            "Subject: FOI 12345 - response",
            "Dear requester,\r\n\r\nRequest number 12345\r\n\r\nWe estimate that the cost of \
             complying with your request would exceed the appropriate limit of £450. The \
             council is therefore not obliged to comply, and this letter is a refusal notice \
             under section 17 citing section 12(1) of the Freedom of Information Act 2000.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
        assert_eq!(c.exemptions, ["s12"]);
        assert_eq!(c.body_reference.as_deref(), Some("12345"));
    }

    #[test]
    fn refusal_citing_personal_data_and_commercial_interests() {
        let c = classify_raw(&email(
            "Subject: Re: Information request",
            "The names of staff are exempt from disclosure under s.40(2), and the contract \
             prices are withheld under sections 41 and 43(2). The public interest in \
             maintaining the exemption outweighs the public interest in disclosure.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
        assert_eq!(c.exemptions, ["s40", "s41", "s43"]);
    }

    #[test]
    fn response_with_pdf_attachment() {
        let raw = concat!(
            "From: foi@council.example\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: RE: FOI request CCTV [CCTV24-0042]\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            "Dear Ms Smith,\r\n\r\nPlease find attached our response to your request.\r\n\r\n",
            "Kind regards\r\n\r\n",
            "-----Original Message-----\r\n",
            "From: Campaign <foi+k7q2@campaign.example>\r\n",
            "Sent: 3 March 2026\r\n",
            "Please clarify nothing; we acknowledge receipt of nothing. Section 43 applies.\r\n",
            "--b1\r\nContent-Type: application/pdf; name=\"FOI-1234 response.pdf\"\r\n",
            "Content-Disposition: attachment; filename=\"FOI-1234 response.pdf\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n",
            "JVBERi0xLjQKJcfsj6IK\r\n",
            "--b1--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert_eq!(parsed.attachments.len(), 1);
        assert_eq!(parsed.attachments[0].file_name, "FOI-1234 response.pdf");
        assert_eq!(parsed.attachments[0].content_type, "application/pdf");
        assert!(parsed.attachments[0].bytes.starts_with(b"%PDF-1.4"));
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
        assert!(c.reason.contains("FOI-1234 response.pdf"), "{}", c.reason);
        // The quoted request below "Original Message" says nothing about this reply.
        assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
    }

    #[test]
    fn clarification_request() {
        let c = classify_raw(&email(
            "Subject: RE: FOI request",
            "Thank you for your request received on 3 March. Before we can proceed, could you \
             please clarify which financial years you are interested in? Under section 1(3) \
             of the Act we do not have to comply until we receive your clarification.",
        ));
        assert_eq!(c.kind, Kind::ClarificationRequest, "{}", c.reason);
    }

    #[test]
    fn hypothetical_clarification_is_an_acknowledgement() {
        let c = classify_raw(&email(
            "Subject: Acknowledgement",
            "We acknowledge receipt of your request. If we need clarification we will \
             contact you.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
    }

    #[test]
    fn out_of_office_with_auto_submitted() {
        let c = classify_raw(&email(
            "Subject: Automatic reply: FOI request\r\nAuto-Submitted: auto-replied",
            "I am out of the office until Monday 9 March with limited access to email. \
             Your request has been received and will be dealt with on my return.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
        assert!(c.reason.contains("Auto-Submitted"), "{}", c.reason);
    }

    #[test]
    fn german_out_of_office_without_headers() {
        let c = classify_raw(&email(
            "Subject: Abwesenheitsnotiz: Ihre Anfrage",
            "Ich bin bis zum 10.03. nicht im Büro. Ab dem 11.03. bin ich wieder erreichbar.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn automatic_acknowledgement_is_an_acknowledgement() {
        let c = classify_raw(&email(
            "Subject: Thank you for your request\r\nAuto-Submitted: auto-generated\r\nPrecedence: bulk",
            "This is an automated message. We have received your request and we will respond \
             within 20 working days. Your reference is FOI-7781.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert!(c.reason.contains("sent automatically"), "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI-7781"));
    }

    #[test]
    fn response_from_a_case_management_system_is_a_response() {
        let raw = concat!(
            "From: noreply@council.example\r\nTo: foi+k7q2@campaign.example\r\n",
            "Subject: Response to your request FOI-2026-0113\r\n",
            "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"cms\"\r\n\r\n",
            "--cms\r\nContent-Type: text/plain\r\n\r\n",
            "Please find attached the response to your request.\r\n",
            "--cms\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n",
            "Content-Disposition: attachment; filename=\"CCTV cameras.xlsx\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQABgAIAAAAIQ==\r\n",
            "--cms--\r\n",
        );
        let c = classify_raw(raw);
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
        assert!(c.reason.contains("Auto-Submitted"), "{}", c.reason);
        assert!(c.reason.contains("CCTV cameras.xlsx"), "{}", c.reason);
        // Without the document, the same automatic mail says nothing of consequence.
        let c = classify_raw(&email(
            "Subject: Thanks\r\nAuto-Submitted: auto-generated",
            "Please see below for our office hours.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn plain_auto_reply_headers() {
        for header in [
            "X-Autoreply: yes",
            "X-Autorespond: 1",
            "Precedence: auto_reply",
        ] {
            let c = classify_raw(&email(
                &format!("Subject: Re: hello\r\n{header}"),
                "Thanks.",
            ));
            assert_eq!(c.kind, Kind::AutoReply, "{header}: {}", c.reason);
        }
        let c = classify_raw(&email(
            "Subject: Re: hello\r\nAuto-Submitted: no",
            "Thanks.",
        ));
        assert_eq!(c.kind, Kind::Unknown, "{}", c.reason);
        let c = classify_raw(&email("Subject: Council news\r\nPrecedence: bulk", "News."));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn bulk_precedence_does_not_hide_a_response() {
        let c = classify_raw(&email(
            "Subject: FOI response\r\nPrecedence: bulk",
            "In response to your request, I can confirm that the council operates 14 cameras.",
        ));
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
    }

    #[test]
    fn exchange_style_ndr() {
        let raw = concat!(
            "From: Microsoft Outlook <postmaster@council.example>\r\n",
            "To: <foi+k7q2@campaign.example>\r\n",
            "Subject: Undeliverable: Freedom of Information request [CCTV24-0042]\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"ndr\"\r\n\r\n",
            "--ndr\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
            "Your message to foi@council.example couldn't be delivered.\r\n\r\n",
            "foi wasn't found at council.example.\r\n\r\n",
            "Diagnostic information for administrators:\r\n\r\n",
            "Generating server: mail.council.example\r\n\r\n",
            "foi@council.example\r\n",
            "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\r\n\r\n",
            "Original message headers:\r\n\r\n",
            "Message-ID: <req-42@campaign.example>\r\n",
            "Subject: Freedom of Information request [CCTV24-0042]\r\n",
            "--ndr--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(bounce.permanent);
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("req-42@campaign.example")
        );
        assert_eq!(bounce.recipients.len(), 1, "{:?}", bounce.recipients);
        assert_eq!(bounce.recipients[0].address, "foi@council.example");
        assert_eq!(bounce.recipients[0].status.as_deref(), Some("5.1.10"));
        assert!(parsed.attachments.is_empty());
    }

    #[test]
    fn postfix_dsn() {
        let raw = concat!(
            "Return-Path: <>\r\n",
            "From: MAILER-DAEMON@mail.campaign.example (Mail Delivery System)\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "Auto-Submitted: auto-replied\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/report; report-type=delivery-status;\r\n",
            "\tboundary=\"B1.1/mail.campaign.example\"\r\n\r\n",
            "This is a MIME-encapsulated message.\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
            "<nobody@council.example>: host mx.council.example[192.0.2.1] said: 550 5.1.1\r\n",
            "    <nobody@council.example>: Recipient address rejected: User unknown\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n",
            "Reporting-MTA: dns; mail.campaign.example\r\n",
            "X-Postfix-Queue-ID: B1\r\n\r\n",
            "Final-Recipient: rfc822; nobody@council.example\r\n",
            "Original-Recipient: rfc822;nobody@council.example\r\n",
            "Action: failed\r\n",
            "Status: 5.1.1\r\n",
            "Diagnostic-Code: smtp; 550 5.1.1 <nobody@council.example>: Recipient address\r\n",
            "    rejected: User unknown\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n",
            "From: Campaign <foi+k7q2@campaign.example>\r\n",
            "To: nobody@council.example\r\n",
            "Subject: Freedom of Information request [CCTV24-0042]\r\n",
            "Message-ID: <req-42@campaign.example>\r\n\r\n",
            "Dear FOI officer, please provide ...\r\n\r\n",
            "--B1.1/mail.campaign.example--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed.attachments.is_empty(), "{:?}", parsed.attachments);
        let report = parsed.delivery_report.as_ref().unwrap();
        assert_eq!(report.format, ReportFormat::Rfc3464);
        assert_eq!(
            report.original.subject.as_deref(),
            Some("Freedom of Information request [CCTV24-0042]")
        );
        assert_eq!(report.original.to, ["nobody@council.example"]);
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(bounce.permanent);
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("req-42@campaign.example")
        );
        let r = &bounce.recipients[0];
        assert_eq!(r.address, "nobody@council.example");
        assert_eq!(r.action.as_deref(), Some("failed"));
        assert_eq!(r.status.as_deref(), Some("5.1.1"));
        assert_eq!(
            r.diagnostic.as_deref(),
            Some("smtp; 550 5.1.1 <nobody@council.example>: Recipient address rejected: User unknown")
        );
    }

    #[test]
    fn delay_warning_is_a_temporary_bounce() {
        let raw = concat!(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: Warning: message 1abc delayed 24 hours\r\n\r\n",
            "This message was created automatically by mail delivery software.\r\n",
            "A message that you sent has not yet been delivered to one or more of its\r\n",
            "recipients after more than 24 hours on the queue.\r\n\r\n",
            "The address to which the message has not yet been delivered is:\r\n\r\n",
            "  foi@council.example\r\n\r\n",
            "No action is required on your part.\r\n",
        );
        let c = classify_raw(raw);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(!bounce.permanent);
        assert_eq!(bounce.recipients[0].address, "foi@council.example");
    }

    #[test]
    fn human_mail_mentioning_delivery_is_not_a_bounce() {
        let c = classify_raw(&email(
            "Subject: Re: FOI request",
            "Your earlier email could not be delivered to our old address, so I am replying \
             from the new one. In response to your request, we do not hold the information.",
        ));
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
    }

    #[test]
    fn read_receipt_is_an_auto_reply() {
        let raw = concat!(
            "From: foi@council.example\r\nTo: foi+k7q2@campaign.example\r\n",
            "Subject: Read: FOI request\r\nMIME-Version: 1.0\r\n",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=m\r\n\r\n",
            "--m\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n",
            "--m\r\nContent-Type: message/disposition-notification\r\n\r\n",
            "Final-Recipient: rfc822; foi@council.example\r\n",
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n",
            "--m--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed.attachments.is_empty());
        assert!(parsed.delivery_report.is_none());
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn references_are_found_after_labels_or_bare() {
        let text = |t: &str| body_reference("", t);
        assert_eq!(
            text("Our Ref: FOI-2024-1234.").as_deref(),
            Some("FOI-2024-1234")
        );
        assert_eq!(
            text("Reference: FOI/24/0042").as_deref(),
            Some("FOI/24/0042")
        );
        assert_eq!(
            text("Request number 12345 refers").as_deref(),
            Some("12345")
        );
        assert_eq!(
            text("Your ref: ABC-999; our ref: 77/2026").as_deref(),
            Some("77/2026")
        );
        assert_eq!(
            text("Unser Zeichen: 13000382 KD/Ne").as_deref(),
            Some("13000382")
        );
        assert_eq!(text("RE: FOI 12345 CCTV").as_deref(), Some("FOI 12345"));
        assert_eq!(text("EIR-2025-77 decision").as_deref(), Some("EIR-2025-77"));
        assert_eq!(text("with reference to your letter"), None);
        assert_eq!(text("FOI request about CCTV"), None);
        assert_eq!(text("Your ref: CCTV24-0042"), None);
        // A labelled reference in the text beats a bare one in the subject.
        assert_eq!(
            body_reference("RE: FOI 12345", "Case reference: FOI/2026/12345").as_deref(),
            Some("FOI/2026/12345")
        );
    }

    #[test]
    fn german_replies() {
        let c = classify_raw(&email(
            "Subject: Ihr Antrag nach dem IFG",
            "Sehr geehrte Frau Müller,\r\n\r\nhiermit bestätigen wir den Eingang Ihrer Anfrage \
             vom 3. März.\r\n\r\nAktenzeichen: 12-345/2026",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("12-345/2026"));
        let c = classify_raw(&email(
            "Subject: Bescheid",
            "Die erbetenen Unterlagen können nicht zur Verfügung gestellt werden.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
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

    proptest::proptest! {
        /// The ASCII fast path folds as the general one does.
        #[test]
        fn ascii_text_folds_as_any_text_does(text in "[ -~\t\n\r\x0B\x0C]{0,200}") {
            let general = {
                let mut out = String::new();
                for word in text.split_whitespace() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.extend(word.chars().map(|c| if c == '`' { '\'' } else { c.to_ascii_lowercase() }));
                }
                out
            };
            proptest::prop_assert_eq!(fold(&text), general);
        }
    }
}
