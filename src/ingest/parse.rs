//! Raw email bytes in, a bounded and sanitised [`ParsedMessage`] out.
//!
//! Owns reading hostile mail with mail-parser: headers (addresses, ids, subject, date),
//! the text and HTML bodies, attachments (sanitised names, SHA-256), the headers that
//! classification needs, and delivery reports: RFC 3464 DSNs (read part by part, because
//! mail-parser has no DSN API) and the common non-standard bounces of Exim, qmail,
//! Postfix, Exchange, Gmail and friends. [`parse`] never panics and never fails: an
//! oversized, over-complex or unreadable message comes back with a [`ParseProblem`] and
//! whatever headers could be read, so the caller can keep it raw and send it to triage.
//!
//! This module is pure: it must not import `store`, `sender`, any IO or network crate, or
//! read the clock.

use std::collections::{HashSet, VecDeque};
use std::panic::catch_unwind;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, Header, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::text::{
    clean_display_text, fallback_file_name, html_depth, html_to_text, looks_like_html,
    repair_mojibake, sanitize_file_name, sanitize_html, truncate_bytes, truncate_chars,
    MAX_HTML_DEPTH,
};

/// Bounds applied to every message. The defaults suit a campaign mailbox; the size limit
/// comes from the configuration (`Limits { max_message_bytes, ..Limits::default() }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger messages are not parsed beyond their headers (default 50 MiB).
    pub max_message_bytes: usize,
    /// Upper bound on MIME parts and nested messages, estimated before parsing by counting
    /// boundary-like `--` runs and `message/` types (default 2,000). Over it: headers only.
    pub max_mime_parts: usize,
    /// Upper bound on multipart containers, estimated before parsing by counting
    /// `boundary=` parameters (default 64). Each container whose boundary never appears
    /// costs mail-parser a scan of the rest of the message. Over it: headers only.
    pub max_multiparts: usize,
    /// Upper bound on header fields, estimated before parsing by counting lines with a
    /// `:` (default 200,000). Over it: headers only.
    pub max_header_fields: usize,
    /// How much of the top-level header block is read when the body is not parsed
    /// (default 256 KiB).
    pub max_header_bytes: usize,
    /// Attachments kept per message; later ones are noted, not extracted (default 500).
    pub max_attachments: usize,
    /// Characters kept of the text body (default 1,000,000). A text rendition of HTML
    /// reads at most four bytes of HTML per character of this.
    pub max_text_chars: usize,
    /// Bytes of HTML handed to the sanitiser (default 1 MiB): building the HTML tree
    /// costs many times its size in memory. Longer HTML is cut, and noted.
    pub max_html_bytes: usize,
    /// Characters kept of a single header value such as the subject (default 2,000).
    pub max_header_chars: usize,
    /// Addresses kept per address list, ids kept per id list, recipients kept per delivery
    /// report (default 500).
    pub max_list_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 50 * 1024 * 1024,
            max_mime_parts: 2_000,
            max_multiparts: 64,
            max_header_fields: 200_000,
            max_header_bytes: 256 * 1024,
            max_attachments: 500,
            max_text_chars: 1_000_000,
            max_html_bytes: 1024 * 1024,
            max_header_chars: 2_000,
            max_list_items: 500,
        }
    }
}

/// Why a message was not (fully) parsed. The raw bytes are kept regardless; this is the
/// reason a person sees in triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ParseProblem {
    /// Over [`Limits::max_message_bytes`]: only the headers were read.
    #[error(
        "the message is {size} bytes, over the limit of {limit} bytes: only its headers were read"
    )]
    TooLarge {
        /// Size of the raw message in bytes.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// Over one of the structure limits ([`Limits::max_mime_parts`],
    /// [`Limits::max_multiparts`], [`Limits::max_header_fields`]): only the headers were
    /// read, because parsing it would cost far more than its size suggests.
    #[error("the message has about {estimated} {what}, over the limit of {limit}: only its headers were read")]
    TooComplex {
        /// What was counted ("MIME parts or nested messages", ...).
        what: String,
        /// The pre-parse estimate.
        estimated: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The MIME parser failed on the message (a bug in it, which hostile input can
    /// reach): the headers were read again on their own where possible.
    #[error("the MIME parser failed on this message: only its headers were read")]
    ParserFailed,
    /// Nothing that looks like an email header was found.
    #[error("no email headers could be read: this does not look like an email")]
    Unparseable,
}

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
    /// True when `text_body` was cut at [`Limits::max_text_chars`].
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

/// Parses raw email bytes. Never panics, never fails: see [`ParsedMessage::problem`].
pub fn parse(raw: &[u8], limits: &Limits) -> ParsedMessage {
    let raw = strip_leading_junk(raw);
    // mail-parser is third-party code reading hostile bytes, and some of its internal
    // consistency checks are debug assertions that malformed MIME can trip (found by
    // fuzzing). Whatever happens inside, the message still gets a result and so a place
    // in triage; the panic message goes to the log through the panic hook.
    match catch_unwind(|| parse_trusting_the_parser(raw, limits)) {
        Ok(parsed) => parsed,
        Err(_) => {
            let mut parsed = catch_unwind(|| headers_only(raw, limits, ParseProblem::ParserFailed))
                .unwrap_or_default();
            parsed.problem = Some(ParseProblem::ParserFailed);
            parsed
        }
    }
}

fn parse_trusting_the_parser(raw: &[u8], limits: &Limits) -> ParsedMessage {
    if raw.len() > limits.max_message_bytes {
        let problem = ParseProblem::TooLarge {
            size: raw.len(),
            limit: limits.max_message_bytes,
        };
        return headers_only(raw, limits, problem);
    }

    let shape = Shape::of(raw);
    let checks = [
        (
            "MIME parts or nested messages",
            shape.parts_estimate(),
            limits.max_mime_parts,
        ),
        (
            "multipart containers",
            shape.boundaries,
            limits.max_multiparts,
        ),
        ("header fields", shape.colons, limits.max_header_fields),
    ];
    for (what, estimated, limit) in checks {
        if estimated > limit {
            let problem = ParseProblem::TooComplex {
                what: what.to_string(),
                estimated,
                limit,
            };
            return headers_only(raw, limits, problem);
        }
    }

    match MessageParser::default().parse(raw) {
        Some(message) if !message.parts.is_empty() => from_message(message, limits),
        _ => ParsedMessage {
            problem: Some(ParseProblem::Unparseable),
            ..ParsedMessage::default()
        },
    }
}

/// Drops what comes before the first header: blank lines (mail-parser would take a
/// leading blank line for the end of an empty header block) and the `From sender date`
/// line that starts each message of an mbox export (it would be read as a bogus header).
fn strip_leading_junk(raw: &[u8]) -> &[u8] {
    let skip_blank =
        |raw: &'_ [u8]| -> usize { raw.iter().take_while(|b| b.is_ascii_whitespace()).count() };
    let mut raw = raw.get(skip_blank(raw)..).unwrap_or(&[]);
    if raw.starts_with(b"From ") {
        if let Some(end) = raw.iter().position(|b| *b == b'\n') {
            raw = raw.get(end + 1..).unwrap_or(&[]);
            raw = raw.get(skip_blank(raw)..).unwrap_or(&[]);
        }
    }
    raw
}

/// Cheap counts taken before parsing, to refuse structures that would cost far more
/// memory or time than the message's size suggests.
struct Shape {
    /// Runs of two or more `-`: every MIME boundary starts with one.
    dash_runs: usize,
    /// Occurrences of `message/`: every nested message is declared with one.
    message_types: usize,
    /// Lines containing `:`: every header field needs a line of its own with one.
    colons: usize,
    /// `boundary=` parameters: every multipart container declares one.
    boundaries: usize,
}

impl Shape {
    fn of(raw: &[u8]) -> Self {
        let mut shape = Shape {
            dash_runs: 0,
            message_types: 0,
            colons: 0,
            boundaries: 0,
        };
        // Only the bytes that matter are visited (memchr finds them many at a time): the
        // rest of a message, base64 above all, is skipped.
        let mut colon_on_line = false;
        for i in memchr::memchr3_iter(b'-', b':', b'\n', raw) {
            match raw[i] {
                // a run of dashes counts once, at its second dash
                b'-' => {
                    if i >= 1 && raw[i - 1] == b'-' && (i < 2 || raw[i - 2] != b'-') {
                        shape.dash_runs += 1;
                    }
                }
                b':' => {
                    if !colon_on_line {
                        shape.colons += 1;
                        colon_on_line = true;
                    }
                }
                _ => colon_on_line = false,
            }
        }
        for i in memchr::memchr2_iter(b'/', b'=', raw) {
            if raw[i] == b'/' {
                if i >= 7
                    && raw
                        .get(i - 7..i)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"message"))
                {
                    shape.message_types += 1;
                }
            } else if i >= 8 {
                let window = raw.get(i.saturating_sub(16)..i).unwrap_or(&[]);
                let name = window.trim_ascii_end();
                if name.len() >= 8
                    && name
                        .get(name.len() - 8..)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"boundary"))
                {
                    shape.boundaries += 1;
                }
            }
        }
        shape
    }

    fn parts_estimate(&self) -> usize {
        self.dash_runs.saturating_add(self.message_types)
    }
}

/// Reads only the top-level headers, from at most [`Limits::max_header_bytes`].
fn headers_only(raw: &[u8], limits: &Limits, problem: ParseProblem) -> ParsedMessage {
    let prefix = raw
        .get(..limits.max_header_bytes.min(raw.len()))
        .unwrap_or(&[]);
    let mut parsed = ParsedMessage::default();
    if let Some(message) = MessageParser::default().parse_headers(prefix) {
        if let Some(root) = message.parts.first() {
            let view = HeaderView::new(&root.headers, &message.raw_message, limits);
            read_headers(&view, &mut parsed, limits);
        }
    }
    parsed.problem = Some(problem);
    parsed
}

fn from_message(mut message: Message<'_>, limits: &Limits) -> ParsedMessage {
    let mut parsed = ParsedMessage::default();
    let Some(root) = message.parts.first() else {
        parsed.problem = Some(ParseProblem::Unparseable);
        return parsed;
    };
    let view = HeaderView::new(&root.headers, &message.raw_message, limits);
    read_headers(&view, &mut parsed, limits);

    let tree = Tree::new(&message);
    read_bodies(&message, &mut parsed, limits);
    parsed.delivery_report = read_delivery_report(&message, &tree, &parsed, limits);
    read_attachments(&mut message, &tree, &mut parsed, limits);
    parsed
}

// ---------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------

/// Header lookups over one header block, reading raw values through checked offsets.
struct HeaderView<'a, 'x> {
    headers: &'a [Header<'x>],
    raw: &'a [u8],
    max_chars: usize,
}

impl<'a, 'x> HeaderView<'a, 'x> {
    fn new(headers: &'a [Header<'x>], raw: &'a [u8], limits: &Limits) -> Self {
        Self {
            headers,
            raw,
            max_chars: limits.max_header_chars,
        }
    }

    fn named(&self, name: &'a str) -> impl Iterator<Item = &'a Header<'x>> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name.as_str().eq_ignore_ascii_case(name))
    }

    fn first(&self, name: &'a str) -> Option<&'a Header<'x>> {
        self.named(name).next()
    }

    /// The unfolded raw value of a header (no RFC 2047 decoding), bounded.
    fn raw_value(&self, header: &Header<'_>) -> String {
        let bytes = self
            .raw
            .get(header.offset_start as usize..header.offset_end as usize)
            .unwrap_or(&[]);
        let bytes = bytes
            .get(..bytes.len().min(self.max_chars.saturating_mul(4)))
            .unwrap_or(&[]);
        clean_display_text(&String::from_utf8_lossy(bytes), self.max_chars)
    }

    fn first_raw(&self, name: &'a str) -> Option<String> {
        self.first(name).map(|h| self.raw_value(h))
    }
}

fn read_headers(view: &HeaderView<'_, '_>, parsed: &mut ParsedMessage, limits: &Limits) {
    let max = limits.max_list_items;
    parsed.message_id = view
        .first("Message-ID")
        .and_then(|h| ids_of(&h.value).into_iter().next());
    parsed.in_reply_to = bounded_ids(
        view.named("In-Reply-To").flat_map(|h| ids_of(&h.value)),
        max,
    );
    parsed.references = bounded_ids(view.named("References").flat_map(|h| ids_of(&h.value)), max);

    let mailboxes = |name: &'static str| -> Vec<Mailbox> {
        let mut out = Vec::new();
        for header in view.named(name) {
            out.extend(mailboxes_of(&header.value, limits));
            if out.len() >= max {
                out.truncate(max);
                break;
            }
        }
        out
    };
    parsed.from = mailboxes("From").into_iter().next();
    parsed.to = mailboxes("To");
    parsed.cc = mailboxes("Cc");
    parsed.reply_to = mailboxes("Reply-To");

    parsed.subject = view
        .first("Subject")
        .and_then(|h| h.value.as_text())
        .map(|s| clean_display_text(&repair_mojibake(s), limits.max_header_chars))
        .filter(|s| !s.is_empty());
    parsed.date = view.first("Date").and_then(|h| match &h.value {
        HeaderValue::DateTime(dt) => to_utc(dt),
        _ => None,
    });

    parsed.recipients = recipients_of(view, parsed, max);
    parsed.automation = automation_of(view, limits);
}

fn to_utc(dt: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    let date = NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?;
    let local = date.and_hms_opt(
        u32::from(dt.hour),
        u32::from(dt.minute),
        u32::from(dt.second),
    )?;
    if dt.tz_hour > 23 || dt.tz_minute > 59 {
        return None;
    }
    let offset =
        Duration::hours(i64::from(dt.tz_hour)) + Duration::minutes(i64::from(dt.tz_minute));
    // `tz_before_gmt` means west of Greenwich (-0500): UTC is later than local time.
    let utc = if dt.tz_before_gmt {
        local.checked_add_signed(offset)?
    } else {
        local.checked_sub_signed(offset)?
    };
    Some(utc.and_utc())
}

/// Message ids from an id header, normalised: no angle brackets, no white space, bounded.
fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().filter_map(normalize_message_id).collect()
}

/// Normalises a Message-ID: trimmed, angle brackets and white space removed, control
/// characters dropped, at most 500 characters. `None` when nothing is left.
pub fn normalize_message_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let cleaned: String = id
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(500)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Keeps at most `max` ids: the first and last halves when there are more (the thread's
/// root and its latest messages are the ones that matter for matching).
fn bounded_ids(ids: impl Iterator<Item = String>, max: usize) -> Vec<String> {
    let head_len = max / 2;
    let tail_len = max - head_len;
    let mut head: Vec<String> = Vec::new();
    let mut tail: VecDeque<String> = VecDeque::new();
    for id in ids {
        if head.len() < head_len {
            head.push(id);
        } else {
            tail.push_back(id);
            if tail.len() > tail_len {
                tail.pop_front();
            }
        }
    }
    head.extend(tail);
    head
}

fn mailboxes_of(value: &HeaderValue<'_>, limits: &Limits) -> Vec<Mailbox> {
    let addrs: Vec<&mail_parser::Addr<'_>> = match value {
        HeaderValue::Address(Address::List(list)) => list.iter().collect(),
        HeaderValue::Address(Address::Group(groups)) => {
            groups.iter().flat_map(|g| g.addresses.iter()).collect()
        }
        _ => Vec::new(),
    };
    addrs
        .into_iter()
        .filter_map(|addr| {
            let address = clean_address(addr.address.as_deref()?)?;
            let name = addr
                .name
                .as_deref()
                .map(|n| clean_display_text(n, limits.max_header_chars))
                .filter(|n| !n.is_empty());
            Some(Mailbox { address, name })
        })
        .take(limits.max_list_items)
        .collect()
}

/// An address as written, trimmed of brackets, quotes, `mailto:` and white space;
/// `None` unless it has a local part and a domain.
fn clean_address(raw: &str) -> Option<String> {
    let trimmed = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let trimmed = trimmed
        .strip_prefix("mailto:")
        .or_else(|| trimmed.strip_prefix("MAILTO:"))
        .unwrap_or(trimmed);
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(320)
        .collect();
    let at = cleaned.rfind('@')?;
    (at > 0 && at + 1 < cleaned.len()).then_some(cleaned)
}

fn recipients_of(view: &HeaderView<'_, '_>, parsed: &ParsedMessage, max: usize) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut seen: HashSet<(RecipientSource, String)> = HashSet::new();
    let mut push = |address: String, source: RecipientSource, out: &mut Vec<Recipient>| {
        if out.len() < max && seen.insert((source, address.to_ascii_lowercase())) {
            out.push(Recipient { address, source });
        }
    };
    for mailbox in &parsed.to {
        push(mailbox.address.clone(), RecipientSource::To, &mut out);
    }
    for mailbox in &parsed.cc {
        push(mailbox.address.clone(), RecipientSource::Cc, &mut out);
    }
    let single = [
        ("Delivered-To", RecipientSource::DeliveredTo),
        ("X-Original-To", RecipientSource::XOriginalTo),
        ("Envelope-To", RecipientSource::EnvelopeTo),
        ("X-Envelope-To", RecipientSource::EnvelopeTo),
    ];
    for (name, source) in single {
        for header in view.named(name).take(max) {
            for address in find_addresses(&view.raw_value(header)) {
                push(address, source, &mut out);
            }
        }
    }
    for header in view.named("Received").take(max) {
        let from_parser = match &header.value {
            HeaderValue::Received(received) => received.for_.as_deref().and_then(clean_address),
            _ => None,
        };
        let found = from_parser.or_else(|| received_for(&view.raw_value(header)));
        if let Some(address) = found {
            push(address, RecipientSource::Received, &mut out);
        }
    }
    out
}

/// The address in the `for <addr>` clause of a Received header's raw text.
fn received_for(received: &str) -> Option<String> {
    let lower = received.to_ascii_lowercase();
    let mut from = 0usize;
    while let Some(found) = lower.get(from..)?.find("for ") {
        let start = from + found;
        from = start + 4;
        let boundary_before = start == 0
            || lower
                .as_bytes()
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b')');
        if !boundary_before {
            continue;
        }
        let rest = received.get(from..)?.trim_start();
        let candidate = rest
            .split(|c: char| c == ';' || c == '>' || c.is_whitespace())
            .next()
            .unwrap_or("");
        if let Some(address) = clean_address(candidate) {
            return Some(address);
        }
    }
    None
}

fn automation_of(view: &HeaderView<'_, '_>, limits: &Limits) -> AutomationHeaders {
    let content_type = view
        .first("Content-Type")
        .and_then(|h| h.value.as_content_type());
    AutomationHeaders {
        auto_submitted: view.first_raw("Auto-Submitted"),
        x_autoreply: view.first_raw("X-Autoreply"),
        x_autorespond: view.first_raw("X-Autorespond"),
        precedence: view.first_raw("Precedence"),
        x_auto_response_suppress: view.first_raw("X-Auto-Response-Suppress"),
        list_id: view.first_raw("List-Id"),
        return_path: view.first_raw("Return-Path"),
        content_type: content_type.map(mime_type_of),
        report_type: content_type
            .and_then(|ct| ct.attribute("report-type"))
            .map(|rt| clean_display_text(rt, 100).to_ascii_lowercase()),
        x_failed_recipients: view
            .named("X-Failed-Recipients")
            .flat_map(|h| find_addresses(&view.raw_value(h)))
            .take(limits.max_list_items)
            .collect(),
    }
}

fn mime_type_of(ct: &mail_parser::ContentType<'_>) -> String {
    let main = ct.ctype().trim().to_ascii_lowercase();
    match ct.subtype() {
        Some(sub) => format!("{main}/{}", sub.trim().to_ascii_lowercase()),
        None => main,
    }
}

// ---------------------------------------------------------------------------------------
// MIME tree
// ---------------------------------------------------------------------------------------

/// Parent links and types for the top-level message's parts.
struct Tree {
    parent: Vec<Option<usize>>,
    /// Position among the parent's children.
    position: Vec<usize>,
    mime: Vec<String>,
}

impl Tree {
    fn new(message: &Message<'_>) -> Self {
        let count = message.parts.len();
        let mut parent = vec![None; count];
        let mut position = vec![0; count];
        for (index, part) in message.parts.iter().enumerate() {
            if let PartType::Multipart(children) = &part.body {
                for (pos, &child) in children.iter().enumerate() {
                    let child = child as usize;
                    if child != index {
                        if let Some(slot) = parent.get_mut(child) {
                            *slot = Some(index);
                        }
                        if let Some(slot) = position.get_mut(child) {
                            *slot = pos;
                        }
                    }
                }
            }
        }
        let mime = message.parts.iter().map(part_mime_type).collect();
        Self {
            parent,
            position,
            mime,
        }
    }

    fn mime(&self, index: usize) -> &str {
        self.mime.get(index).map_or("", String::as_str)
    }

    /// True for the machine-readable parts of a multipart/report (everything after the
    /// human-readable first part).
    fn is_report_part(&self, index: usize) -> bool {
        let Some(Some(parent)) = self.parent.get(index) else {
            return false;
        };
        self.mime(*parent) == "multipart/report" && self.position.get(index).copied() != Some(0)
    }
}

fn part_mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => mime_type_of(ct),
        None => match &part.body {
            PartType::Text(_) => "text/plain".to_string(),
            PartType::Html(_) => "text/html".to_string(),
            PartType::Message(_) => "message/rfc822".to_string(),
            PartType::Multipart(_) => "multipart/mixed".to_string(),
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                "application/octet-stream".to_string()
            }
        },
    }
}

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

fn read_bodies(message: &Message<'_>, parsed: &mut ParsedMessage, limits: &Limits) {
    let max_chars = limits.max_text_chars;
    let mut plain: Vec<String> = Vec::new();
    let mut from_html: Vec<String> = Vec::new();
    for &id in &message.text_body {
        match message.parts.get(id as usize).map(|p| &p.body) {
            Some(PartType::Text(text)) => {
                let text = if looks_like_html(text) {
                    from_html.push(html_to_text(text, max_chars));
                    continue;
                } else {
                    truncate_chars(text, max_chars).0.to_string()
                };
                plain.push(text);
            }
            Some(PartType::Html(html)) => {
                from_html.push(html_to_text(
                    truncate_bytes(html, max_chars.saturating_mul(4)),
                    max_chars,
                ));
            }
            _ => {}
        }
    }
    let (pieces, source) = if !plain.is_empty() {
        (plain, TextSource::Plain)
    } else if !from_html.is_empty() {
        (from_html, TextSource::Html)
    } else {
        (Vec::new(), TextSource::None)
    };
    let joined = pieces
        .iter()
        .map(|p| p.trim_end())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let joined = repair_mojibake(&joined);
    let (text, truncated) = truncate_chars(&joined, max_chars);
    parsed.text_body = text.to_string();
    parsed.text_truncated = truncated || pieces.iter().any(|p| p.chars().count() >= max_chars);
    parsed.text_source = if parsed.text_body.is_empty() {
        TextSource::None
    } else {
        source
    };
    if parsed.text_truncated {
        parsed
            .notes
            .push(format!("the text body was cut at {max_chars} characters"));
    }

    let html: Vec<&str> = message
        .html_body
        .iter()
        .filter_map(
            |&id| match message.parts.get(id as usize).map(|p| &p.body) {
                Some(PartType::Html(html)) => Some(html.as_ref()),
                _ => None,
            },
        )
        .collect();
    if !html.is_empty() {
        let mut joined = String::new();
        for part in &html {
            if joined.len() >= limits.max_html_bytes {
                break;
            }
            joined.push_str(truncate_bytes(part, limits.max_html_bytes));
            joined.push('\n');
        }
        let html_bytes = limits.max_html_bytes;
        if joined.len() > html_bytes {
            parsed.notes.push(format!(
                "the HTML body was cut at {html_bytes} bytes for display; the text body has the rest"
            ));
        }
        if html_depth(truncate_bytes(&joined, html_bytes)) > MAX_HTML_DEPTH {
            parsed.notes.push(format!(
                "the HTML body is nested more than {} elements deep: it is shown as text",
                MAX_HTML_DEPTH
            ));
        }
        let clean = sanitize_html(&joined, html_bytes);
        if !clean.trim().is_empty() {
            parsed.html_body = Some(clean);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------

const SIGNATURE_TYPES: [&str; 4] = [
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pkcs7-mime-signature",
];

const STATUS_TYPES: [&str; 5] = [
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/global-disposition-notification",
    "message/feedback-report",
];

const RETURNED_MESSAGE_TYPES: [&str; 5] = [
    "message/rfc822",
    "message/global",
    "text/rfc822-headers",
    "message/rfc822-headers",
    "message/global-headers",
];

fn read_attachments(
    message: &mut Message<'_>,
    tree: &Tree,
    parsed: &mut ParsedMessage,
    limits: &Limits,
) {
    let is_bounce = parsed.delivery_report.is_some();
    let mut skipped = 0usize;
    let Message {
        parts,
        raw_message,
        attachments,
        ..
    } = message;
    for &id in attachments.iter() {
        let index = id as usize;
        let Some(part) = parts.get_mut(index) else {
            continue;
        };
        let mime = tree.mime(index);
        if SIGNATURE_TYPES.contains(&mime)
            || STATUS_TYPES.contains(&mime)
            || tree.is_report_part(index)
            || (is_bounce && RETURNED_MESSAGE_TYPES.contains(&mime))
            || matches!(part.body, PartType::Multipart(_))
        {
            continue;
        }
        if parsed.attachments.len() >= limits.max_attachments {
            skipped += 1;
            continue;
        }
        let number = parsed.attachments.len() + 1;
        parsed
            .attachments
            .push(attachment_of(part, mime, raw_message, number, limits));
    }
    if skipped > 0 {
        parsed.notes.push(format!(
            "{skipped} attachments over the limit of {} were not extracted",
            limits.max_attachments
        ));
    }
}

/// Builds an attachment from a part, moving decoded bytes out of it rather than copying
/// them (a 50 MB message should not cost three copies of its attachment).
fn attachment_of(
    part: &mut MessagePart<'_>,
    mime: &str,
    raw: &[u8],
    number: usize,
    limits: &Limits,
) -> Attachment {
    let content_id = part
        .content_id()
        .and_then(normalize_message_id)
        .map(|cid| clean_display_text(&cid, 500));
    let declared = declared_file_name(part, raw, limits).and_then(|n| sanitize_file_name(&n));
    let file_name = declared.unwrap_or_else(|| match &part.body {
        PartType::Message(nested) => nested_subject(nested, limits)
            .and_then(|subject| {
                // A subject is not a path: its slashes are kept out of the name, not cut at.
                let (short, _) = truncate_chars(&subject, 60);
                let short = short.trim().replace(['/', '\\'], "_");
                sanitize_file_name(&format!("{short}.eml"))
            })
            .unwrap_or_else(|| fallback_file_name(mime, None, number)),
        _ => fallback_file_name(mime, content_id.as_deref(), number),
    });
    let inline = match part.content_disposition() {
        Some(d) => d.is_inline(),
        None => matches!(part.body, PartType::InlineBinary(_)),
    };
    let bytes = take_part_bytes(part, raw);
    let sha256 = crate::domain::to_hex(&Sha256::digest(&bytes));
    Attachment {
        file_name,
        content_type: mime.to_string(),
        size: bytes.len(),
        bytes,
        sha256,
        content_id,
        inline,
    }
}

/// The file name a part declares: Content-Disposition `filename`, else Content-Type
/// `name`. mail-parser decodes the common forms; RFC 2231 continuations (`filename*0*=`)
/// and encoded words inside them are re-read from the raw header here, because
/// mail-parser mixes them up when a plain `filename=` is also present.
fn declared_file_name(part: &MessagePart<'_>, raw: &[u8], limits: &Limits) -> Option<String> {
    let view = HeaderView::new(&part.headers, raw, limits);
    for (header, param) in [
        ("Content-Disposition", "filename"),
        ("Content-Type", "name"),
    ] {
        let Some(value) = view.first_raw(header) else {
            continue;
        };
        if value.contains("*=") || value.contains("=?") {
            if let Some(name) = rfc2231_parameter(&value, param) {
                return Some(name);
            }
        }
    }
    part.attachment_name().map(str::to_string)
}

/// Reads parameter `name` from a raw MIME header value, joining RFC 2231 continuations
/// (`name*0*=charset''%xx..; name*1*=...`), percent- and charset-decoding extended
/// segments, and decoding RFC 2047 encoded words left in the result.
fn rfc2231_parameter(header_value: &str, name: &str) -> Option<String> {
    let mut plain: Option<String> = None;
    let mut segments: Vec<(usize, bool, String)> = Vec::new();
    for param in split_parameters(header_value).into_iter().skip(1) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = unquote(value.trim());
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        match rest {
            "" => plain = Some(value),
            "*" => segments.push((0, true, value)),
            _ => {
                let Some(rest) = rest.strip_prefix('*') else {
                    continue;
                };
                let (index, extended) = match rest.strip_suffix('*') {
                    Some(index) => (index, true),
                    None => (rest, false),
                };
                if let Ok(index) = index.parse::<usize>() {
                    if index < 100 && segments.len() < 100 {
                        segments.push((index, extended, value));
                    }
                }
            }
        }
    }
    let joined = if segments.is_empty() {
        plain?
    } else {
        segments.sort_by_key(|(index, _, _)| *index);
        let mut charset: Option<String> = None;
        let mut bytes: Vec<u8> = Vec::new();
        for (position, (_, extended, value)) in segments.iter().enumerate() {
            if *extended {
                let mut value = value.as_str();
                if position == 0 {
                    let mut pieces = value.splitn(3, '\'');
                    if let (Some(set), Some(_lang), Some(rest)) =
                        (pieces.next(), pieces.next(), pieces.next())
                    {
                        charset = Some(set.to_string()).filter(|c| !c.is_empty());
                        value = rest;
                    }
                }
                bytes.extend(percent_decode(value));
            } else {
                bytes.extend_from_slice(value.as_bytes());
            }
        }
        let decoder = charset
            .as_deref()
            .and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()));
        match decoder {
            Some(decode) => decode(&bytes),
            None => String::from_utf8_lossy(&bytes).into_owned(),
        }
    };
    let decoded = decode_encoded_words(&joined);
    (!decoded.trim().is_empty()).then_some(decoded)
}

/// Decodes RFC 2047 encoded words (`=?utf-8?q?...?=`) in a header-like text.
fn decode_encoded_words(text: &str) -> String {
    if !text.contains("=?") {
        return text.to_string();
    }
    // The unstructured-field parser reads up to the end of a header line.
    let line = format!("{}\n", text.replace(['\r', '\n'], " "));
    let mut stream = MessageStream::new(line.as_bytes());
    match stream.parse_unstructured() {
        HeaderValue::Text(decoded) => decoded.into_owned(),
        _ => text.to_string(),
    }
}

/// Splits a header value at `;` outside double quotes.
fn split_parameters(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(value.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
        if out.len() >= 200 {
            return out;
        }
    }
    out.push(value.get(start..).unwrap_or(""));
    out
}

fn unquote(value: &str) -> String {
    match value.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let mut out = String::with_capacity(inner.len());
            let mut escaped = false;
            for c in inner.chars() {
                if c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                escaped = false;
                out.push(c);
            }
            out
        }
        None => value.to_string(),
    }
}

fn percent_decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(decoded) = hex {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn nested_subject(nested: &Message<'_>, limits: &Limits) -> Option<String> {
    let root = nested.parts.first()?;
    let view = HeaderView::new(&root.headers, &nested.raw_message, limits);
    view.first("Subject")
        .and_then(|h| h.value.as_text())
        .map(|s| clean_display_text(s, limits.max_header_chars))
        .filter(|s| !s.is_empty())
}

/// The decoded bytes of a part, taken out of it (the part is left empty). Text parts are
/// decoded again from the raw message so an attachment keeps its own character set
/// (mail-parser converts text to UTF-8).
fn take_part_bytes(part: &mut MessagePart<'_>, raw: &[u8]) -> Vec<u8> {
    if let PartType::Binary(bytes) | PartType::InlineBinary(bytes) = &mut part.body {
        return std::mem::take(bytes).into_owned();
    }
    match &part.body {
        PartType::Binary(_) | PartType::InlineBinary(_) => Vec::new(),
        PartType::Text(text) | PartType::Html(text) => {
            original_text_bytes(part, raw).unwrap_or_else(|| text.as_bytes().to_vec())
        }
        PartType::Message(nested) => nested
            .parts
            .first()
            .and_then(|root| {
                nested
                    .raw_message
                    .get(root.offset_header as usize..root.offset_end as usize)
            })
            .filter(|bytes| !bytes.is_empty())
            .or_else(|| raw.get(part.offset_body as usize..part.offset_end as usize))
            .unwrap_or(&[])
            .to_vec(),
        PartType::Multipart(_) => Vec::new(),
    }
}

fn original_text_bytes(part: &MessagePart<'_>, raw: &[u8]) -> Option<Vec<u8>> {
    if part.is_encoding_problem {
        return None;
    }
    let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    let mut stream = MessageStream::new(body);
    let (end, decoded) = match part.encoding {
        mail_parser::Encoding::Base64 => stream.decode_base64_mime(b""),
        mail_parser::Encoding::QuotedPrintable => stream.decode_quoted_printable_mime(b""),
        mail_parser::Encoding::None => return Some(body.to_vec()),
    };
    (end != usize::MAX).then(|| decoded.into_owned())
}

// ---------------------------------------------------------------------------------------
// Delivery reports
// ---------------------------------------------------------------------------------------

/// Most a recipient's diagnostic keeps, in characters.
const MAX_DIAGNOSTIC_CHARS: usize = 500;

/// Most of a bounce's text that is searched for recipients and codes, in bytes.
const MAX_BOUNCE_TEXT_BYTES: usize = 64 * 1024;

fn read_delivery_report(
    message: &Message<'_>,
    tree: &Tree,
    parsed: &ParsedMessage,
    limits: &Limits,
) -> Option<DeliveryReport> {
    let report_type = parsed.automation.report_type.as_deref();
    let top_type = parsed.automation.content_type.as_deref();
    let is_dsn_report =
        top_type == Some("multipart/report") && report_type == Some("delivery-status");

    let mut recipients: Vec<DeliveryRecipient> = Vec::new();
    let mut status_parts = 0usize;
    for (index, part) in message.parts.iter().enumerate() {
        let mime = tree.mime(index);
        if mime == "message/delivery-status" || mime == "message/global-delivery-status" {
            status_parts += 1;
            recipients.extend(parse_status_part(part.contents(), limits));
            if recipients.len() >= limits.max_list_items {
                recipients.truncate(limits.max_list_items);
                break;
            }
        }
    }

    let original = returned_message(message, tree, limits);

    if is_dsn_report || status_parts > 0 {
        let evidence = if is_dsn_report {
            "RFC 3464 delivery status notification (multipart/report; report-type=delivery-status)"
                .to_string()
        } else {
            "message/delivery-status part".to_string()
        };
        let text = BounceText::new(&parsed.text_body);
        let mut report = DeliveryReport {
            format: ReportFormat::Rfc3464,
            warning_only: if recipients.is_empty() {
                text.is_delay_warning()
            } else {
                recipients
                    .iter()
                    .all(|r| r.action.as_deref() == Some("delayed"))
            },
            recipients,
            original: original.unwrap_or_default(),
            evidence,
        };
        if report.recipients.is_empty() {
            // A report whose status part is missing or unreadable still names its
            // recipients in its text.
            report.recipients = text.recipients(parsed, limits);
            text.complete(&mut report.recipients);
        }
        if report.original.message_id.is_none() {
            let quoted = quoted_original(&parsed.text_body, limits);
            report.original.message_id = quoted.message_id;
        }
        return Some(report);
    }

    // Read receipts and abuse reports are reports too, but not bounces.
    if top_type == Some("multipart/report") {
        return None;
    }
    non_standard_bounce(message, tree, parsed, original, limits)
}

/// The recipients in a `message/delivery-status` body: blocks of fields separated by blank
/// lines, the first about the message, the others one per recipient.
fn parse_status_part(bytes: &[u8], limits: &Limits) -> Vec<DeliveryRecipient> {
    let conf = MessageParser::new();
    let mut stream = MessageStream::new(bytes);
    let mut recipients = Vec::new();
    // Each block consumes at least one byte, so this is bounded by the part's size; the
    // cap bounds work on hostile parts made of blank lines.
    for _ in 0..limits.max_list_items.saturating_mul(4) {
        let mut headers: Vec<Header<'_>> = Vec::new();
        let more = stream.parse_headers(&conf, &mut headers);
        if !headers.is_empty() {
            let view = HeaderView::new(&headers, bytes, limits);
            if let Some(recipient) = status_block(&view) {
                recipients.push(recipient);
                if recipients.len() >= limits.max_list_items {
                    break;
                }
            }
        }
        if !more || stream.is_eof() {
            break;
        }
    }
    recipients
}

fn status_block(view: &HeaderView<'_, '_>) -> Option<DeliveryRecipient> {
    let typed_address = |name: &'static str| -> Option<String> {
        let value = view.first_raw(name)?;
        let address = value.split_once(';').map_or(value.as_str(), |(_, a)| a);
        clean_address(address)
    };
    let final_recipient = typed_address("Final-Recipient");
    let original_recipient = typed_address("Original-Recipient");
    let address = original_recipient
        .clone()
        .or_else(|| final_recipient.clone())?;
    let action = view
        .first_raw("Action")
        .and_then(|a| a.split_whitespace().next().map(str::to_ascii_lowercase));
    let status = view.first_raw("Status").and_then(|s| find_status_code(&s));
    let diagnostic = view
        .first_raw("Diagnostic-Code")
        .map(|d| clean_display_text(&d, MAX_DIAGNOSTIC_CHARS))
        .filter(|d| !d.is_empty());
    Some(DeliveryRecipient {
        address,
        final_recipient,
        original_recipient,
        action,
        status,
        diagnostic,
    })
}

/// The returned message's headers: a message/rfc822 part, or a text/rfc822-headers part.
fn returned_message(
    message: &Message<'_>,
    tree: &Tree,
    limits: &Limits,
) -> Option<OriginalMessage> {
    for (index, part) in message.parts.iter().enumerate().skip(1) {
        let mime = tree.mime(index);
        if !RETURNED_MESSAGE_TYPES.contains(&mime) {
            continue;
        }
        let original = match &part.body {
            PartType::Message(nested) => nested.parts.first().map(|root| {
                original_from_headers(&HeaderView::new(&root.headers, &nested.raw_message, limits))
            }),
            _ => original_from_text(part.contents(), limits),
        };
        if let Some(original) = original.filter(|o| *o != OriginalMessage::default()) {
            return Some(original);
        }
    }
    None
}

fn original_from_text(bytes: &[u8], limits: &Limits) -> Option<OriginalMessage> {
    let conf = MessageParser::new();
    let mut stream = MessageStream::new(bytes);
    let mut headers: Vec<Header<'_>> = Vec::new();
    stream.parse_headers(&conf, &mut headers);
    (!headers.is_empty()).then(|| original_from_headers(&HeaderView::new(&headers, bytes, limits)))
}

fn original_from_headers(view: &HeaderView<'_, '_>) -> OriginalMessage {
    let to = view
        .named("To")
        .flat_map(|h| match &h.value {
            HeaderValue::Address(_) => mailboxes_of(&h.value, &Limits::default())
                .into_iter()
                .map(|m| m.address)
                .collect::<Vec<_>>(),
            _ => find_addresses(&view.raw_value(h)),
        })
        .take(100)
        .collect();
    OriginalMessage {
        message_id: view
            .first("Message-ID")
            .and_then(|h| ids_of(&h.value).into_iter().next())
            .or_else(|| {
                view.first_raw("Message-ID")
                    .and_then(|raw| normalize_message_id(&raw))
            }),
        to,
        subject: view
            .first("Subject")
            .and_then(|h| h.value.as_text())
            .map(|s| clean_display_text(s, view.max_chars))
            .filter(|s| !s.is_empty()),
    }
}

/// Headers of the original message quoted in a bounce's text: the first `Message-ID:`,
/// `Subject:` and `To:` lines (quote marks and indentation allowed).
fn quoted_original(text: &str, limits: &Limits) -> OriginalMessage {
    let text = truncate_bytes(text, MAX_BOUNCE_TEXT_BYTES * 4);
    let mut original = OriginalMessage::default();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_start_matches(['>', ' ', '\t']);
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        let mut value = value.trim().to_string();
        if value.is_empty() {
            // A folded header: the value starts on the next line.
            if let Some(next) = lines.peek() {
                if next.starts_with([' ', '\t']) {
                    value = next.trim().to_string();
                }
            }
        }
        if original.message_id.is_none() && name.eq_ignore_ascii_case("message-id") {
            let id = value
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map_or(value.as_str(), |(id, _)| id);
            original.message_id = normalize_message_id(id);
        } else if original.subject.is_none() && name.eq_ignore_ascii_case("subject") {
            let subject = decode_encoded_words(&value);
            original.subject = Some(clean_display_text(&subject, limits.max_header_chars))
                .filter(|s| !s.is_empty());
        } else if original.to.is_empty() && name.eq_ignore_ascii_case("to") {
            original.to = find_addresses(&value);
        }
        if original.message_id.is_some() && original.subject.is_some() && !original.to.is_empty() {
            break;
        }
    }
    original
}

/// Bounce wording in subjects (lower case).
const BOUNCE_SUBJECTS: [&str; 27] = [
    "undeliverable",
    "undelivered mail",
    "undelivered message",
    "mail delivery failed",
    "mail delivery problem",
    "mail delivery failure",
    "delivery failure",
    "delivery has failed",
    "delivery status notification (failure)",
    "delivery status notification (delay)",
    "delivery notification",
    "failure notice",
    "failure delivery",
    "returned mail",
    "returned to sender",
    "could not be delivered",
    "failed mail",
    "permanent delivery failure",
    "delayed mail",
    "delivery delayed",
    "warning: message",
    "mail system error",
    "nondeliverable",
    "non-delivery",
    "unzustellbar",
    "nicht zustellbar",
    "zustellung fehlgeschlagen",
];

/// Bounce wording in bodies (lower case, white space folded).
const BOUNCE_PHRASES: [&str; 34] = [
    "could not be delivered",
    "couldn't be delivered",
    "cannot be delivered",
    "can't be delivered",
    "was not delivered",
    "were not delivered",
    "not yet been delivered",
    "has not been delivered",
    "could not deliver",
    "unable to deliver",
    "wasn't able to deliver",
    "was unable to deliver",
    "delivery to the following recipient",
    "did not reach the following recipient",
    "following address(es) failed",
    "following addresses had",
    "permanent fatal errors",
    "permanent error",
    "delivery failed",
    "delivery has failed",
    "message delayed",
    "did not receive your message",
    "did not receive a copy of your message",
    "not accepting mail",
    "failed addresses follow",
    "fatal delivery errors",
    "did not exactly match",
    "message not delivered",
    "undeliverable",
    "fehler bei der nachrichtenzustellung",
    "nicht zugestellt werden",
    "konnte nicht zugestellt",
    "unzustellbar",
    "could not be sent",
];

/// Wording of a delay warning rather than a final failure (lower case).
const DELAY_PHRASES: [&str; 10] = [
    "not yet been delivered",
    "this is a warning",
    "is just a warning",
    "warning only",
    "still being retried",
    "will be retried",
    "will continue trying",
    "delivery attempts will continue",
    "message delayed",
    "no action is required",
];

/// Local parts of addresses that send bounces.
fn is_daemon_address(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    [
        "mailer-daemon",
        "mailerdaemon",
        "mail-daemon",
        "postmaster",
        "mdaemon",
    ]
    .iter()
    .any(|daemon| local == *daemon || local.starts_with(&format!("{daemon}+")))
}

fn non_standard_bounce(
    message: &Message<'_>,
    tree: &Tree,
    parsed: &ParsedMessage,
    original: Option<OriginalMessage>,
    limits: &Limits,
) -> Option<DeliveryReport> {
    let subject = parsed.subject.as_deref().unwrap_or("").to_lowercase();
    let subject_hit = BOUNCE_SUBJECTS.iter().find(|s| subject.contains(*s));
    let from = parsed.from.as_ref();
    let daemon = from.filter(|m| is_daemon_address(&m.address)).is_some()
        || from
            .and_then(|m| m.name.as_deref())
            .map(str::to_lowercase)
            .is_some_and(|name| name.contains("mail delivery") || name.contains("mailer-daemon"));
    let failed_header = !parsed.automation.x_failed_recipients.is_empty();
    // Without a mail system's sender or a bounce's subject, nothing in the text can make it
    // a bounce (see `is_bounce` below): most emails stop here, their text unread.
    if !daemon && !failed_header && subject_hit.is_none() {
        return None;
    }
    let text = BounceText::new(&parsed.text_body);
    let body_hit = BOUNCE_PHRASES.iter().find(|p| text.folded.contains(*p));
    let returned_part =
        (1..message.parts.len()).any(|index| RETURNED_MESSAGE_TYPES.contains(&tree.mime(index)));

    let mut evidence: Vec<String> = Vec::new();
    if let Some(from) = from.filter(|_| daemon) {
        evidence.push(format!("sent by {}", from.address));
    }
    if failed_header {
        evidence.push("X-Failed-Recipients header".to_string());
    }
    if let Some(hit) = subject_hit {
        evidence.push(format!("subject says \"{hit}\""));
    }
    if let Some(hit) = body_hit {
        evidence.push(format!("text says \"{hit}\""));
    }
    let sender_signal = daemon || failed_header;
    let content_signal = subject_hit.is_some() || body_hit.is_some();
    let is_bounce = (sender_signal && (content_signal || returned_part))
        || (subject_hit.is_some() && body_hit.is_some());
    if !is_bounce {
        return None;
    }
    if returned_part && !content_signal {
        evidence.push("carries the returned message".to_string());
    }

    let mut recipients = text.recipients(parsed, limits);
    if recipients.is_empty() {
        if let Some(address) = returned_envelope_recipient(message, tree, &parsed.text_body) {
            recipients.push(DeliveryRecipient {
                address,
                final_recipient: None,
                original_recipient: None,
                action: None,
                status: None,
                diagnostic: None,
            });
        }
    }
    text.complete(&mut recipients);

    let mut original = original.unwrap_or_default();
    if original.message_id.is_none() || original.subject.is_none() {
        let quoted = quoted_original(&parsed.text_body, limits);
        if original.message_id.is_none() {
            original.message_id = quoted.message_id;
        }
        if original.subject.is_none() {
            original.subject = quoted.subject;
        }
        if original.to.is_empty() {
            original.to = quoted.to;
        }
    }

    Some(DeliveryReport {
        format: ReportFormat::NonStandard,
        recipients,
        original,
        evidence: format!("non-standard bounce: {}", evidence.join(", ")),
        warning_only: text.is_delay_warning(),
    })
}

/// The envelope recipient of the returned message: the `for <addr>` of its first
/// Received header, as a last resort when the bounce text names nobody.
fn returned_envelope_recipient(message: &Message<'_>, tree: &Tree, text: &str) -> Option<String> {
    for (index, part) in message.parts.iter().enumerate().skip(1) {
        if !RETURNED_MESSAGE_TYPES.contains(&tree.mime(index)) {
            continue;
        }
        let raw = match &part.body {
            PartType::Message(nested) => nested.parts.first().and_then(|root| {
                nested
                    .raw_message
                    .get(root.offset_header as usize..root.offset_body as usize)
            }),
            _ => Some(part.contents()),
        };
        if let Some(found) = raw.and_then(|raw| first_received_for(&String::from_utf8_lossy(raw))) {
            return Some(found);
        }
    }
    first_received_for(truncate_bytes(text, MAX_BOUNCE_TEXT_BYTES * 4))
}

fn first_received_for(text: &str) -> Option<String> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_start_matches(['>', ' ']);
        if line.len() >= 9
            && line
                .get(..9)
                .is_some_and(|l| l.eq_ignore_ascii_case("received:"))
        {
            let mut header = line.to_string();
            for continuation in lines.by_ref() {
                let continuation = continuation.trim_start_matches('>');
                if !continuation.starts_with([' ', '\t']) {
                    break;
                }
                header.push(' ');
                header.push_str(continuation.trim());
            }
            return received_for(&header);
        }
    }
    None
}

/// The part of a bounce's text that explains the failure (up to the quoted original).
struct BounceText {
    /// The explanation, line by line.
    explanation: String,
    /// The explanation lower-cased with white space folded, for phrase matching.
    folded: String,
}

/// Lines that introduce the returned message in a bounce's text (lower case, trimmed).
const ORIGINAL_MARKERS: [&str; 16] = [
    "----- original message",
    "original message follows",
    "--- below this line is a copy of the message",
    "below this line is a copy of the message",
    "this is a copy of the message",
    "message header follows",
    "message headers follow",
    "message text follows",
    "original message as received",
    "unsent message below",
    "a copy of the original message below",
    "ursprüngliche nachrichtenköpfe",
    "original message headers",
    "----- transcript of session follows",
    "copy of the message, including all the headers",
    "the original message was",
];

impl BounceText {
    fn new(text: &str) -> Self {
        let text = truncate_bytes(text, MAX_BOUNCE_TEXT_BYTES);
        let mut explanation = String::new();
        for line in text.lines() {
            let lower = line.trim().trim_matches(['-', '|', ' ']).to_lowercase();
            if !explanation.trim().is_empty()
                && ORIGINAL_MARKERS.iter().any(|m| {
                    lower.starts_with(m.trim_start_matches(['-', ' '])) || lower.contains(m)
                })
                && !lower.starts_with("the original message was received")
            {
                break;
            }
            explanation.push_str(line);
            explanation.push('\n');
        }
        let folded = explanation
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .replace('’', "'");
        Self {
            explanation,
            folded,
        }
    }

    /// Addresses the text says failed: lines that start with an address (`<a@b>:`,
    /// `a@b on <date>`, `> a@b`), addresses after `SMTP=`, addresses on lines with SMTP
    /// reply codes or failure words; the bounce's own addresses and postmasters excluded.
    fn recipients(&self, parsed: &ParsedMessage, limits: &Limits) -> Vec<DeliveryRecipient> {
        let own: HashSet<String> = parsed
            .from
            .iter()
            .chain(parsed.to.iter())
            .chain(parsed.reply_to.iter())
            .map(|m| m.address.to_ascii_lowercase())
            .chain(
                parsed
                    .recipients
                    .iter()
                    .map(|r| r.address.to_ascii_lowercase()),
            )
            .chain(
                parsed
                    .automation
                    .return_path
                    .as_deref()
                    .and_then(clean_address)
                    .map(|a| a.to_ascii_lowercase()),
            )
            .collect();
        let mut out: Vec<DeliveryRecipient> = parsed
            .automation
            .x_failed_recipients
            .iter()
            .map(|address| DeliveryRecipient {
                address: address.clone(),
                final_recipient: Some(address.clone()),
                original_recipient: None,
                action: None,
                status: None,
                diagnostic: None,
            })
            .collect();
        let mut seen: HashSet<String> =
            out.iter().map(|r| r.address.to_ascii_lowercase()).collect();

        let lines: Vec<&str> = self.explanation.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if out.len() >= limits.max_list_items {
                break;
            }
            let stripped = line.trim_start_matches(['>', ' ', '\t', '*', '-']);
            let lower = stripped.to_lowercase();
            if let Some(expanded) = expanded_from(&lower, stripped) {
                // "(expanded from: original)" follows the final address: the original is
                // the one we wrote to.
                if let Some(last) = out.last_mut() {
                    if last.original_recipient.is_none() {
                        last.final_recipient = Some(last.address.clone());
                        last.original_recipient = Some(expanded.clone());
                        seen.insert(expanded.to_ascii_lowercase());
                        last.address = expanded;
                    }
                }
                continue;
            }
            let candidates: Vec<String> = if let Some(address) = leading_address(stripped) {
                vec![address]
            } else if lower.contains("smtp=")
                || starts_with_reply_code(stripped)
                || has_failure_phrase(&lower)
            {
                addresses_not_from(stripped)
            } else {
                Vec::new()
            };
            for address in candidates {
                let key = address.to_ascii_lowercase();
                if own.contains(&key) || is_daemon_address(&address) {
                    continue;
                }
                let window = lines
                    .get(i..(i + 5).min(lines.len()))
                    .unwrap_or(&[])
                    .join(" ");
                let status = find_failure_status(&window);
                let diagnostic = window.lines().find_map(find_diagnostic);
                if !seen.insert(key.clone()) {
                    // Already named (X-Failed-Recipients): this line may say why.
                    if let Some(known) = out
                        .iter_mut()
                        .find(|r| r.address.eq_ignore_ascii_case(&key) && r.status.is_none())
                    {
                        known.status = status;
                        known.diagnostic = known.diagnostic.take().or(diagnostic);
                    }
                    continue;
                }
                out.push(DeliveryRecipient {
                    address: address.clone(),
                    final_recipient: Some(address),
                    original_recipient: None,
                    action: None,
                    status,
                    diagnostic,
                });
            }
        }
        out
    }

    /// Fills in what the text says for every recipient: the action (`delayed` when the
    /// text reads as a warning, else `failed`) and, when the recipient's own lines gave
    /// none, the first status code and SMTP reply in the text.
    fn is_delay_warning(&self) -> bool {
        DELAY_PHRASES.iter().any(|p| self.folded.contains(*p))
    }

    fn complete(&self, recipients: &mut [DeliveryRecipient]) {
        let delayed = self.is_delay_warning();
        let status = find_failure_status(&self.explanation);
        let diagnostic = self.explanation.lines().find_map(find_diagnostic);
        for recipient in recipients {
            recipient.action = Some(if delayed { "delayed" } else { "failed" }.to_string());
            if recipient.status.is_none() {
                recipient.status.clone_from(&status);
            }
            if recipient.diagnostic.is_none() {
                recipient.diagnostic.clone_from(&diagnostic);
            }
        }
    }
}

/// The address of an "(expanded from: x)" / "(expanded from <x>)" line.
fn expanded_from(lower: &str, line: &str) -> Option<String> {
    let at = lower.find("expanded from")?;
    if at > 2 {
        return None;
    }
    find_addresses(line.get(at..).unwrap_or(""))
        .into_iter()
        .next()
}

/// An address that a line consists of or starts a list item with: `<a@b>: ...`,
/// `a@b:`, `a@b on Fri ...`, `a@b (expanded from ...)`, a lone `a@b`. An address that
/// merely starts a sentence (`a@b fails, try ...`) does not count.
fn leading_address(line: &str) -> Option<String> {
    let line = line.trim();
    let end = line
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '('))
        .unwrap_or(line.len());
    let token = line.get(..end)?.trim_end_matches('.');
    let rest = line.get(end..)?.trim_start();
    let bare = token.trim_start_matches('<');
    let bare = bare.split('>').next().unwrap_or("");
    let address = find_addresses(bare).into_iter().next()?;
    let rest_ok = rest.is_empty()
        || rest.starts_with([':', ',', ';', '('])
        || rest.get(..3).is_some_and(|r| r.eq_ignore_ascii_case("on "))
        || token.contains('>');
    rest_ok.then_some(address)
}

/// Addresses on a line except those introduced by "from" (the sender, not the recipient:
/// `not accepting mail from list@x`, `from owner@x via localhost`).
fn addresses_not_from(line: &str) -> Vec<String> {
    let lower = line.to_ascii_lowercase();
    find_addresses(line)
        .into_iter()
        .filter(|address| {
            let Some(at) = lower.find(&address.to_ascii_lowercase()) else {
                return true;
            };
            let before = lower
                .get(..at)
                .unwrap_or("")
                .trim_end_matches(['<', ' ', ':']);
            !before.ends_with("from")
        })
        .collect()
}

fn starts_with_reply_code(line: &str) -> bool {
    let bytes = line.trim_start_matches('#').as_bytes();
    matches!(bytes.first(), Some(b'4') | Some(b'5'))
        && bytes.get(1).is_some_and(u8::is_ascii_digit)
        && bytes.get(2).is_some_and(u8::is_ascii_digit)
        && bytes.get(3).is_none_or(|b| !b.is_ascii_digit())
}

fn has_failure_phrase(lower: &str) -> bool {
    [
        "failed",
        "failure",
        "unknown",
        "undeliver",
        "could not",
        "couldn't",
        "unable",
        "rejected",
        "not found",
        "quota",
        "does not exist",
        "no such",
        "invalid",
        "denied",
        "delayed",
        "did not",
        "not delivered",
        "unable to",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The first failure status code (`5.1.1`, `4.4.7`) in free text; success codes (2.x.x)
/// there are more likely version numbers.
fn find_failure_status(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(code) = find_status_code(rest) {
        if !code.starts_with('2') {
            return Some(code);
        }
        let at = rest.find(&code).unwrap_or(0) + code.len();
        rest = rest.get(at..).unwrap_or("");
    }
    None
}

/// The first enhanced status code (`5.1.1`) in a text.
fn find_status_code(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        let boundary = i == 0
            || bytes
                .get(i - 1)
                .is_some_and(|p| !p.is_ascii_alphanumeric() && *p != b'.');
        if matches!(b, b'2' | b'4' | b'5') && boundary && bytes.get(i + 1) == Some(&b'.') {
            let mut j = i + 2;
            let subject_start = j;
            while bytes.get(j).is_some_and(u8::is_ascii_digit) && j - subject_start < 3 {
                j += 1;
            }
            if j > subject_start && bytes.get(j) == Some(&b'.') {
                let detail_start = j + 1;
                let mut k = detail_start;
                while bytes.get(k).is_some_and(u8::is_ascii_digit) && k - detail_start < 3 {
                    k += 1;
                }
                let ends_cleanly = bytes
                    .get(k)
                    .is_none_or(|n| !n.is_ascii_digit() && *n != b'.');
                if k > detail_start && ends_cleanly {
                    return text.get(i..k).map(str::to_string);
                }
            }
        }
        i += 1;
    }
    None
}

/// A line that carries an SMTP reply (`550 5.1.1 ...`, `said: 553 ...`), cleaned.
fn find_diagnostic(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        let boundary = i == 0
            || bytes.get(i - 1).is_some_and(|p| {
                p.is_ascii_whitespace() || matches!(p, b'#' | b'(' | b'[' | b':' | b';')
            });
        // `550 ...`, or a multi-line reply `550-5.1.1 ...` (but not a phone number).
        let code_end = match bytes.get(i + 3) {
            None | Some(b' ') => true,
            Some(b'-') => {
                bytes.get(i + 4).is_some_and(u8::is_ascii_digit) && bytes.get(i + 5) == Some(&b'.')
            }
            _ => false,
        };
        if boundary
            && code_end
            && matches!(bytes.get(i), Some(b'4') | Some(b'5'))
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_digit)
        {
            let cleaned = clean_display_text(line, MAX_DIAGNOSTIC_CHARS);
            return (!cleaned.is_empty()).then_some(cleaned);
        }
    }
    None
}

/// Email addresses in free text: `local@domain.tld`, local part of letters, digits and
/// `._%+-=`, domain with at least one dot. Case kept, duplicates kept in order.
pub fn find_addresses(text: &str) -> Vec<String> {
    fn local_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'=')
    }
    fn domain_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0usize;
    for (at, _) in text.match_indices('@') {
        if at < from {
            continue;
        }
        let mut start = at;
        while start > from && bytes.get(start - 1).copied().is_some_and(local_char) {
            start -= 1;
        }
        let mut end = at + 1;
        while bytes.get(end).copied().is_some_and(domain_char) {
            end += 1;
        }
        from = end;
        let local = text.get(start..at).unwrap_or("").trim_matches('.');
        let domain = text
            .get(at + 1..end)
            .unwrap_or("")
            .trim_end_matches(['.', '-']);
        let local = strip_prefix_ignore_case(local, "smtp=").unwrap_or(local);
        if local.is_empty() || !domain.contains('.') || domain.starts_with('.') {
            continue;
        }
        if out.len() >= 1000 {
            break;
        }
        out.push(format!("{local}@{domain}"));
    }
    out
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape counts, a byte at a time: what [`Shape::of`] must agree with.
    fn shape_bytewise(raw: &[u8]) -> (usize, usize, usize, usize) {
        let (mut dash_runs, mut message_types, mut colons, mut boundaries) = (0, 0, 0, 0);
        let mut run = 0usize;
        let mut colon_on_line = false;
        for (i, &b) in raw.iter().enumerate() {
            if b == b'-' {
                run += 1;
                if run == 2 {
                    dash_runs += 1;
                }
                continue;
            }
            run = 0;
            match b {
                b':' if !colon_on_line => {
                    colons += 1;
                    colon_on_line = true;
                }
                b'\n' => colon_on_line = false,
                b'/' if i >= 7 && raw[i - 7..i].eq_ignore_ascii_case(b"message") => {
                    message_types += 1
                }
                b'=' if i >= 8 => {
                    let name = raw[i.saturating_sub(16)..i].trim_ascii_end();
                    if name.len() >= 8 && name[name.len() - 8..].eq_ignore_ascii_case(b"boundary") {
                        boundaries += 1;
                    }
                }
                _ => {}
            }
        }
        (dash_runs, message_types, colons, boundaries)
    }

    proptest::proptest! {
        #[test]
        fn the_shape_counts_agree_with_a_byte_at_a_time(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "-", "--", "---", ":", "\n", "a", " ", "message/", "MESSAGE/rfc822",
                    "boundary=", "Boundary =", "x=", "/", "=", "\r\n",
                ]),
                0..200,
            )
        ) {
            let raw = parts.concat();
            let shape = Shape::of(raw.as_bytes());
            proptest::prop_assert_eq!(
                (shape.dash_runs, shape.message_types, shape.colons, shape.boundaries),
                shape_bytewise(raw.as_bytes())
            );
        }
    }

    fn parse_str(raw: &str) -> ParsedMessage {
        parse(raw.as_bytes(), &Limits::default())
    }

    #[test]
    fn headers_are_read_and_normalised() {
        let parsed = parse_str(concat!(
            "Received: from mx.council.example by mail.campaign.example\r\n",
            "\tfor <foi+k7q2@campaign.example>; Tue, 3 Mar 2026 10:00:00 +0000\r\n",
            "Delivered-To: foi+k7q2@campaign.example\r\n",
            "X-Original-To: FOI+K7Q2@campaign.example\r\n",
            "From: =?utf-8?q?J=C3=B6rg_Clerk?= <foi@council.example>\r\n",
            "To: \"Campaign\" <foi+k7q2@campaign.example>, other@campaign.example\r\n",
            "Cc: records@council.example\r\n",
            "Reply-To: <foi-replies@council.example>\r\n",
            "Subject: =?utf-8?q?RE=3A_FOI_request_=E2=80=93_CCTV?=\r\n",
            "Date: Tue, 3 Mar 2026 10:00:00 -0500\r\n",
            "Message-ID: < abc@council.example >\r\n",
            "In-Reply-To: <req-1@campaign.example>\r\n",
            "References: <root@campaign.example> <req-1@campaign.example>\r\n",
            "\r\n",
            "Hello\r\n",
        ));
        assert_eq!(parsed.problem, None);
        assert_eq!(parsed.message_id.as_deref(), Some("abc@council.example"));
        assert_eq!(parsed.in_reply_to, ["req-1@campaign.example"]);
        assert_eq!(
            parsed.references,
            ["root@campaign.example", "req-1@campaign.example"]
        );
        let from = parsed.from.as_ref().unwrap();
        assert_eq!(from.address, "foi@council.example");
        assert_eq!(from.name.as_deref(), Some("Jörg Clerk"));
        assert_eq!(parsed.to.len(), 2);
        assert_eq!(parsed.cc[0].address, "records@council.example");
        assert_eq!(parsed.reply_to[0].address, "foi-replies@council.example");
        assert_eq!(parsed.subject.as_deref(), Some("RE: FOI request – CCTV"));
        assert_eq!(
            parsed.date.unwrap().to_rfc3339(),
            "2026-03-03T15:00:00+00:00"
        );
        let sources: Vec<(RecipientSource, &str)> = parsed
            .recipients
            .iter()
            .map(|r| (r.source, r.address.as_str()))
            .collect();
        assert_eq!(
            sources,
            [
                (RecipientSource::To, "foi+k7q2@campaign.example"),
                (RecipientSource::To, "other@campaign.example"),
                (RecipientSource::Cc, "records@council.example"),
                (RecipientSource::DeliveredTo, "foi+k7q2@campaign.example"),
                (RecipientSource::XOriginalTo, "FOI+K7Q2@campaign.example"),
                (RecipientSource::Received, "foi+k7q2@campaign.example"),
            ]
        );
        assert_eq!(parsed.text_body, "Hello");
        assert_eq!(parsed.text_source, TextSource::Plain);
        let ids: Vec<&str> = parsed.thread_ids().collect();
        assert_eq!(
            ids,
            [
                "req-1@campaign.example",
                "req-1@campaign.example",
                "root@campaign.example"
            ]
        );
    }

    #[test]
    fn automation_headers_are_kept_even_when_empty() {
        let parsed = parse_str(concat!(
            "From: a@council.example\n",
            "Auto-Submitted: auto-replied\n",
            "X-Autoreply:\n",
            "Precedence: bulk\n",
            "X-Auto-Response-Suppress: All\n",
            "List-Id: Council news <news.council.example>\n",
            "Return-Path: <>\n",
            "Subject: x\n\nbody\n",
        ));
        let auto = &parsed.automation;
        assert_eq!(auto.auto_submitted.as_deref(), Some("auto-replied"));
        assert_eq!(auto.x_autoreply.as_deref(), Some(""));
        assert_eq!(auto.x_autorespond, None);
        assert_eq!(auto.precedence.as_deref(), Some("bulk"));
        assert_eq!(auto.x_auto_response_suppress.as_deref(), Some("All"));
        assert_eq!(
            auto.list_id.as_deref(),
            Some("Council news <news.council.example>")
        );
        assert_eq!(auto.return_path.as_deref(), Some("<>"));
    }

    #[test]
    fn html_only_message_gets_a_text_rendition_and_a_safe_html_body() {
        let parsed = parse_str(concat!(
            "From: a@council.example\n",
            "Content-Type: text/html; charset=utf-8\n\n",
            "<p>Dear requester,</p><p>We <b>acknowledge</b> receipt.</p>",
            "<img src=\"https://tracker.example/p.gif\" onerror=\"x()\">",
            "<script>alert(1)</script>\n",
        ));
        assert_eq!(parsed.text_source, TextSource::Html);
        assert_eq!(
            parsed.text_body,
            "Dear requester,\n\nWe *acknowledge* receipt."
        );
        let html = parsed.html_body.unwrap();
        assert!(html.contains("<b>acknowledge</b>"));
        assert!(!html.contains("script") && !html.contains("tracker") && !html.contains("onerror"));
    }

    #[test]
    fn empty_and_garbage_input_yield_a_problem_not_a_panic() {
        let parsed = parse(b"", &Limits::default());
        assert_eq!(parsed.problem, Some(ParseProblem::Unparseable));
        assert_eq!(
            parse(b"\r\n\r\n  ", &Limits::default()).problem,
            Some(ParseProblem::Unparseable)
        );
        let mut state = 0x2545_f491_u32;
        let garbage: Vec<u8> = (0..64 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[0]
            })
            .collect();
        let parsed = parse(&garbage, &Limits::default());
        assert!(parsed.text_body.chars().count() <= Limits::default().max_text_chars);
        let parsed = parse(b"\x00\x01:\xff\xfe\n\n\x80", &Limits::default());
        assert_eq!(parsed.attachments.len(), 0);
    }

    #[test]
    fn ten_thousand_nested_parts_are_refused_but_headers_kept() {
        let mut nested = String::from("Subject: nest\r\nMessage-ID: <n@x>\r\n");
        for i in 0..10_000 {
            nested.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
            ));
        }
        nested.push_str("Content-Type: text/plain\r\n\r\nhello\r\n");
        let parsed = parse(nested.as_bytes(), &Limits::default());
        assert!(
            matches!(parsed.problem, Some(ParseProblem::TooComplex { .. })),
            "{:?}",
            parsed.problem
        );
        assert_eq!(parsed.subject.as_deref(), Some("nest"));
        assert_eq!(parsed.message_id.as_deref(), Some("n@x"));

        let mut messages = String::from("Subject: nest\r\n");
        messages.push_str(&"Content-Type: message/rfc822\r\n\r\n".repeat(10_000));
        let parsed = parse(messages.as_bytes(), &Limits::default());
        assert!(matches!(
            parsed.problem,
            Some(ParseProblem::TooComplex { .. })
        ));

        let mut flat =
            String::from("Subject: flat\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        flat.push_str(&"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n".repeat(10_000));
        let parsed = parse(flat.as_bytes(), &Limits::default());
        assert!(matches!(
            parsed.problem,
            Some(ParseProblem::TooComplex { .. })
        ));
    }

    #[test]
    fn nested_message_with_empty_body_does_not_crash() {
        // The shape of the fuzzer's first finding: a nested message whose own nested
        // message is empty trips a debug assertion inside mail-parser.
        let raw = concat!(
            "Subject: nested\n",
            "Content-Type: multipart/mixed;\n\tboundary=\"b.1/x\"\n\n",
            "--b.1/x\n",
            "Content-Type: message/rfc822\n",
            "C\n\n",
            "Content-Type: message/rfc822\n\n\n",
            "--b.1/x--",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(
            matches!(parsed.problem, None | Some(ParseProblem::ParserFailed)),
            "{:?}",
            parsed.problem
        );
        assert_eq!(parsed.subject.as_deref(), Some("nested"));
        let _ = crate::ingest::classify::classify(&parsed);
    }

    #[test]
    fn nesting_just_under_the_limits_parses_without_exhausting_the_stack() {
        let mut messages = String::from("Subject: nest\r\n");
        messages.push_str(&"Content-Type: message/rfc822\r\n\r\n".repeat(1_900));
        messages.push_str("Subject: inner\r\n\r\nbody\r\n");
        let parsed = parse(messages.as_bytes(), &Limits::default());
        assert_eq!(parsed.problem, None);
        assert_eq!(parsed.attachments.len(), 1);
        assert_eq!(parsed.attachments[0].content_type, "message/rfc822");
    }

    #[test]
    fn oversized_message_keeps_its_headers_only() {
        let limits = Limits {
            max_message_bytes: 1_000,
            ..Limits::default()
        };
        let raw = format!(
            "From: a@council.example\r\nSubject: big\r\n\r\n{}",
            "x".repeat(2_000)
        );
        let parsed = parse(raw.as_bytes(), &limits);
        assert!(matches!(
            parsed.problem,
            Some(ParseProblem::TooLarge { limit: 1_000, .. })
        ));
        assert_eq!(parsed.subject.as_deref(), Some("big"));
        assert_eq!(parsed.from.unwrap().address, "a@council.example");
        assert!(parsed.text_body.is_empty());
        assert!(parsed
            .problem
            .unwrap()
            .to_string()
            .contains("only its headers were read"));
    }

    fn with_attachment(part_headers: &str, body: &str) -> ParsedMessage {
        let raw = format!(
            "From: a@council.example\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n\
             --zz\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
             --zz\r\n{part_headers}\r\n\r\n{body}\r\n--zz--\r\n"
        );
        parse(raw.as_bytes(), &Limits::default())
    }

    #[test]
    fn hostile_attachment_names_are_sanitised() {
        let parsed = with_attachment(
            "Content-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; filename=\"../../etc/passwd\"",
            "root:x:0:0",
        );
        assert_eq!(parsed.attachments[0].file_name, "passwd");

        let long = format!("{}\u{202E}fdp.exe", "\u{202E}a".repeat(150));
        let parsed = with_attachment(
            &format!(
                "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"{long}\""
            ),
            "%PDF",
        );
        let name = &parsed.attachments[0].file_name;
        assert!(
            name.len() <= crate::text::MAX_FILE_NAME_BYTES,
            "{} bytes",
            name.len()
        );
        assert!(!name.contains('\u{202E}'), "{name:?}");
        assert!(name.ends_with(".exe"), "{name:?}");

        let parsed = with_attachment(
            "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"..\"",
            "%PDF",
        );
        assert_eq!(parsed.attachments[0].file_name, "attachment-1.pdf");

        let parsed = with_attachment(
            "Content-Type: application/pdf; name=\"=?utf-8?q?CON=2Epdf?=\"",
            "%PDF",
        );
        assert_eq!(parsed.attachments[0].file_name, "_CON.pdf");
    }

    #[test]
    fn script_and_event_handlers_never_reach_the_html_body() {
        let raw = concat!(
            "From: a@council.example\r\nSubject: html\r\nMIME-Version: 1.0\r\n",
            "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n",
            "--alt\r\nContent-Type: text/plain\r\n\r\nHello\r\n",
            "--alt\r\nContent-Type: text/html\r\n\r\n",
            "<p>Hello</p><script>steal()</script><img src=x onerror=\"steal()\">",
            "<a href=\"javascript:steal()\" onmouseover=\"steal()\">x</a>",
            "<form action=\"https://evil.example/\"><input type=password></form>\r\n",
            "--alt--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert_eq!(parsed.text_body, "Hello");
        let html = parsed.html_body.unwrap();
        for banned in [
            "<script",
            "steal",
            "onerror",
            "onmouseover",
            "javascript",
            "<form",
            "<input",
        ] {
            assert!(!html.contains(banned), "{banned} in {html}");
        }
        assert!(html.contains("<p>Hello</p>"));
    }

    #[test]
    fn attachment_limit_is_enforced_and_noted() {
        let limits = Limits {
            max_attachments: 2,
            ..Limits::default()
        };
        let mut raw =
            String::from("Subject: many\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n");
        for i in 0..5 {
            raw.push_str(&format!(
                "--m\r\nContent-Type: application/pdf; name=\"{i}.pdf\"\r\n\r\n%PDF{i}\r\n"
            ));
        }
        raw.push_str("--m--\r\n");
        let parsed = parse(raw.as_bytes(), &limits);
        assert_eq!(parsed.attachments.len(), 2);
        assert!(
            parsed.notes.iter().any(|n| n.starts_with("3 attachments")),
            "{:?}",
            parsed.notes
        );
    }

    #[test]
    fn winmail_dat_is_kept_as_an_opaque_attachment() {
        let parsed = with_attachment(
            "Content-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64",
            "eJ8+IgAAAQ==",
        );
        let tnef = &parsed.attachments[0];
        assert_eq!(tnef.file_name, "winmail.dat");
        assert_eq!(tnef.content_type, "application/ms-tnef");
        assert_eq!(tnef.bytes, [0x78, 0x9f, 0x3e, 0x22, 0, 0, 1]);
        assert_eq!(tnef.size, 7);
        assert_eq!(tnef.sha256.len(), 64);
    }

    #[test]
    fn text_attachments_keep_their_own_character_set() {
        let parsed = with_attachment(
            "Content-Type: text/csv; charset=iso-8859-1; name=\"data.csv\"\r\n\
             Content-Disposition: attachment\r\nContent-Transfer-Encoding: quoted-printable",
            "K=E4se;3",
        );
        let csv = &parsed.attachments[0];
        assert_eq!(csv.file_name, "data.csv");
        assert_eq!(csv.bytes, b"K\xe4se;3");
        assert!(!csv.inline);
    }

    #[test]
    fn mbox_separator_line_is_skipped() {
        let parsed = parse_str("From someone Wed Oct  4 02:03:34 2000\nSubject: hi\n\nbody\n");
        assert_eq!(parsed.subject.as_deref(), Some("hi"));
        assert_eq!(parsed.text_body, "body");
    }

    #[test]
    fn addresses_are_found_in_text() {
        assert_eq!(
            find_addresses("<a.b+c@x.example>: said 550; mailto:d=e@f.example, g@localhost"),
            ["a.b+c@x.example", "d=e@f.example"]
        );
        assert_eq!(
            find_addresses("dda:SMTP=DJB@IKON.COM; on Fri"),
            ["DJB@IKON.COM"]
        );
        assert!(find_addresses("@@@ a@ @b .@. x@.y").is_empty());
    }

    #[test]
    fn status_codes_are_found() {
        assert_eq!(
            find_status_code("smtp; 550 5.1.1 user unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(
            find_status_code("Status: 4.4.7 (delayed)").as_deref(),
            Some("4.4.7")
        );
        assert_eq!(find_status_code("version 1.5.2.3 and 10.5.1.1"), None);
        assert_eq!(find_status_code("5."), None);
    }

    #[test]
    fn received_for_clause_is_read() {
        assert_eq!(
            received_for("from x by y (Postfix) with ESMTP id 1 for <foi+t@c.example>; Tue")
                .as_deref(),
            Some("foi+t@c.example")
        );
        assert_eq!(
            received_for("from x by y for foi@c.example; Tue").as_deref(),
            Some("foi@c.example")
        );
        assert_eq!(received_for("from x (using TLS for nothing) by y"), None);
    }

    #[test]
    fn dates_convert_to_utc_or_nothing() {
        let parsed = parse_str("Date: Mon, 5 Jul 2010 07:54:40 +0200\nSubject: x\n\nb");
        assert_eq!(
            parsed.date.unwrap().to_rfc3339(),
            "2010-07-05T05:54:40+00:00"
        );
        let parsed = parse_str("Date: Mon, 31 Feb 2010 07:54:40 +0200\nSubject: x\n\nb");
        assert_eq!(parsed.date, None);
        let parsed = parse_str("Date: yesterday-ish\nSubject: x\n\nb");
        assert_eq!(parsed.date, None);
    }
}
