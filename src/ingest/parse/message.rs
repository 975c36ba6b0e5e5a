//! What parsing makes of an email: a [`ParsedMessage`] and the parts it is made of.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::limits::ParseProblem;

/// An address with its display name, as written in a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The address (`local@domain`), trimmed, angle brackets removed, case kept.
    pub address: String,
    /// The decoded display name, cleaned for display.
    pub name: Option<String>,
}

/// Where a recipient-like address was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientSource {
    /// The `To` header.
    To,
    /// The `Cc` header.
    Cc,
    /// The `Delivered-To` header (added by the receiving MTA).
    DeliveredTo,
    /// The `X-Original-To` header (Postfix: the envelope recipient before aliasing).
    XOriginalTo,
    /// `Envelope-To` or `X-Envelope-To` (Exim and others).
    EnvelopeTo,
    /// The `for <addr>` clause of a `Received` header.
    Received,
}

/// An address the message was sent to, for matching plus-addressed reply tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The address as found (case kept; BATV `prvs=...=` prefixes kept).
    pub address: String,
    /// The header it came from.
    pub source: RecipientSource,
}

/// Where the text body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// A text/plain part.
    Plain,
    /// A rendition of an HTML part (or of HTML sent as text/plain).
    Html,
    /// The message has no readable body.
    #[default]
    None,
}

/// One attachment, decoded, with a file name safe to use on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Sanitised file name (see [`sanitize_file_name`]); never empty.
    pub file_name: String,
    /// MIME type, lower case, without parameters (`application/pdf`).
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// The decoded content (transfer encoding undone, character set untouched).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of `bytes`, for content-addressed storage.
    pub sha256: String,
    /// The Content-ID without angle brackets, how HTML refers to inline images (`cid:`).
    pub content_id: Option<String>,
    /// Marked inline (Content-Disposition: inline, or an undeclared inline image).
    pub inline: bool,
}

/// Headers that say whether a message was written by a machine, unfolded and trimmed.
/// A header that is present with an empty value is `Some("")`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AutomationHeaders {
    /// `Auto-Submitted` (RFC 3834): `no`, `auto-replied`, `auto-generated`, ...
    pub auto_submitted: Option<String>,
    /// `X-Autoreply`.
    pub x_autoreply: Option<String>,
    /// `X-Autorespond`.
    pub x_autorespond: Option<String>,
    /// `Precedence`: `bulk`, `junk`, `list`, `auto_reply`.
    pub precedence: Option<String>,
    /// `X-Auto-Response-Suppress` (Exchange): `All`, `OOF`, `AutoReply`, ...
    pub x_auto_response_suppress: Option<String>,
    /// `List-Id`: set by mailing lists.
    pub list_id: Option<String>,
    /// `Return-Path`: `<>` or `<MAILER-DAEMON>` on most bounces.
    pub return_path: Option<String>,
    /// The top-level MIME type, lower case (`multipart/report`).
    pub content_type: Option<String>,
    /// The `report-type` parameter of a multipart/report, lower case (`delivery-status`,
    /// `disposition-notification`, `feedback-report`).
    pub report_type: Option<String>,
    /// `X-Failed-Recipients` (Exim, Gmail), split into addresses.
    pub x_failed_recipients: Vec<String>,
}

/// How a delivery report was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// An RFC 3464 `message/delivery-status` part was read.
    Rfc3464,
    /// A bounce in an MTA's own words, recognised by its sender, subject and text.
    NonStandard,
}

/// One recipient of a delivery report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecipient {
    /// The address to act on: the original recipient when the report gives it (that is the
    /// address we wrote to), else the final recipient.
    pub address: String,
    /// `Final-Recipient`, without its `rfc822;` type.
    pub final_recipient: Option<String>,
    /// `Original-Recipient`, or the address a forward was "expanded from".
    pub original_recipient: Option<String>,
    /// `Action`, lower case: `failed`, `delayed`, `delivered`, `relayed`, `expanded`.
    pub action: Option<String>,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: Option<String>,
    /// `Diagnostic-Code` or the MTA's explanation, unfolded and bounded.
    pub diagnostic: Option<String>,
}

impl DeliveryRecipient {
    /// True when the MTA gave up on this recipient: action `failed`, or with no action a
    /// permanent (5.x.x) status.
    pub fn is_permanent(&self) -> bool {
        match self.action.as_deref() {
            Some("failed") => true,
            Some(_) => false,
            None => self.status.as_deref().is_some_and(|s| s.starts_with('5')),
        }
    }

    /// True when delivery failed or is delayed (as opposed to a success notification).
    pub fn is_failure(&self) -> bool {
        match self.action.as_deref() {
            Some("failed") | Some("delayed") => true,
            Some(_) => false,
            None => self
                .status
                .as_deref()
                .is_none_or(|s| s.starts_with('4') || s.starts_with('5')),
        }
    }
}

/// What a delivery report says about the message it returns (ours, for a bounce).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OriginalMessage {
    /// The returned message's Message-ID, normalised (no angle brackets).
    pub message_id: Option<String>,
    /// Its To addresses.
    pub to: Vec<String>,
    /// Its subject.
    pub subject: Option<String>,
    /// Its From, Reply-To and Return-Path addresses as a bounce quotes them: ours, with
    /// the reply token that matches the bounce to its case.
    pub senders: Vec<String>,
}

/// A bounce or delay notice: who could not be reached, why, and which message it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// RFC 3464 or an MTA's own format.
    pub format: ReportFormat,
    /// The recipients reported on (possibly empty when a report names nobody readable).
    pub recipients: Vec<DeliveryRecipient>,
    /// The returned message, when the report carries it or quotes its headers.
    pub original: OriginalMessage,
    /// Human-readable evidence: why this was taken for a delivery report.
    pub evidence: String,
    /// True when the report only warns that delivery is delayed (the MTA keeps trying).
    pub warning_only: bool,
}

/// A parsed, sanitised, bounded email. Every field is safe to show or store; nothing in
/// it refers back to the raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ParsedMessage {
    /// Set when the message was not fully parsed: too large, too complex, or unreadable.
    pub problem: Option<ParseProblem>,
    /// Smaller things worth knowing (attachments not extracted, text cut short, ...).
    pub notes: Vec<String>,
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To ids (usually one), without angle brackets.
    pub in_reply_to: Vec<String>,
    /// References ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The first From address.
    pub from: Option<Mailbox>,
    /// To addresses.
    pub to: Vec<Mailbox>,
    /// Cc addresses.
    pub cc: Vec<Mailbox>,
    /// Reply-To addresses.
    pub reply_to: Vec<Mailbox>,
    /// Every recipient-like address (To, Cc, Delivered-To, X-Original-To, Envelope-To,
    /// Received `for`), in that order, without duplicates from the same source.
    pub recipients: Vec<Recipient>,
    /// The decoded subject, cleaned for display.
    pub subject: Option<String>,
    /// The Date header, when it is a valid date.
    pub date: Option<DateTime<Utc>>,
    /// The text body: the text/plain part(s), or a rendition of the HTML when there is none.
    pub text_body: String,
    /// Where `text_body` came from.
    pub text_source: TextSource,
    /// True when `text_body` was cut at [`Limits::max_text_chars`](super::Limits::max_text_chars).
    pub text_truncated: bool,
    /// The HTML body, sanitised (see [`sanitize_html`]).
    pub html_body: Option<String>,
    /// Attachments in MIME order. Parts of a delivery report (status, returned message)
    /// and signatures (S/MIME, PGP) are not attachments.
    pub attachments: Vec<Attachment>,
    /// The headers classification looks at.
    pub automation: AutomationHeaders,
    /// Set when the message is a bounce or delay notice.
    pub delivery_report: Option<DeliveryReport>,
}

impl ParsedMessage {
    /// Every Message-ID this message says it answers: In-Reply-To, then References newest
    /// first.
    pub fn thread_ids(&self) -> impl Iterator<Item = &str> {
        self.in_reply_to
            .iter()
            .chain(self.references.iter().rev())
            .map(String::as_str)
    }
}
