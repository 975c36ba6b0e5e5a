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
//!
//! One file per step: [`Limits`] and the cheap pre-parse estimate (`limits`), the output
//! types (`message`), the top-level headers (`headers`), the MIME tree (`mime`), the text
//! and HTML bodies (`bodies`), attachments (`attachments`, with the MIME parameters they
//! are named by in `parameters`), RFC 3464 delivery reports (`dsn`) and the bounces of
//! mail systems that do not write them (`bounce`, reading their text with `bounce_text`;
//! the imports run one way: `dsn` -> `bounce` -> `bounce_text`), broken MIME structure
//! mended before reading (`repair`), and the files MIME does not list, in `winmail.dat`
//! and uuencode blocks (`containers`, with the decoders of [`crate::ingest::formats`]).

mod attachments;
mod bodies;
mod bounce;
mod bounce_text;
mod containers;
mod dsn;
mod headers;
mod limits;
mod message;
mod mime;
mod parameters;
mod repair;

use std::panic::catch_unwind;

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

pub use headers::{find_addresses, normalize_message_id};
pub use limits::{Limits, ParseProblem};
pub use message::{
    Attachment, AutomationHeaders, DeliveryRecipient, DeliveryReport, Mailbox, OriginalMessage,
    ParsedMessage, Recipient, RecipientSource, ReportFormat, TextSource,
};
pub use mime::is_signature_type;

use crate::ingest::formats::tnef;
use attachments::read_attachments;
use bodies::read_bodies;
use dsn::read_delivery_report;
use headers::{read_headers, HeaderView};
use limits::Shape;
use mime::Tree;

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

    if tnef::is_tnef(raw) {
        return containers::bare_tnef(raw, limits);
    }
    let Some(message) = MessageParser::default().parse(raw) else {
        return unparseable();
    };
    if message.parts.is_empty() {
        return unparseable();
    }
    let root_unsplit = root_unsplit(&message);
    let unclosed = message.parts.iter().any(|p| p.is_encoding_problem);
    if !root_unsplit && !unclosed {
        return from_message(message, limits);
    }
    // Broken structure: mended as mail clients would, then read again.
    let repaired = repair::repair(raw, root_unsplit);
    if repaired.notes.is_empty() {
        return from_message(message, limits);
    }
    drop(message);
    match MessageParser::default().parse(repaired.raw.as_ref()) {
        Some(message) if !message.parts.is_empty() => {
            let mut parsed = from_message(message, limits);
            parsed.notes.extend(repaired.notes);
            parsed
        }
        _ => unparseable(),
    }
}

fn unparseable() -> ParsedMessage {
    ParsedMessage {
        problem: Some(ParseProblem::Unparseable),
        ..ParsedMessage::default()
    }
}

/// True when the top-level part says it is a multipart but the parser could not split it.
fn root_unsplit(message: &Message<'_>) -> bool {
    message.parts.first().is_some_and(|root| {
        !matches!(root.body, PartType::Multipart(_))
            && root
                .content_type()
                .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
    })
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

fn from_message(message: Message<'_>, limits: &Limits) -> ParsedMessage {
    let mut parsed = ParsedMessage::default();
    let Some(root) = message.parts.first() else {
        parsed.problem = Some(ParseProblem::Unparseable);
        return parsed;
    };
    let view = HeaderView::new(&root.headers, &message.raw_message, limits);
    read_headers(&view, &mut parsed, limits);
    let enclosed_root = matches!(root.body, PartType::Message(_));

    // An email that is nothing but an enclosed message (a GroupWise forward): what it
    // encloses is its body and its attachments.
    let mut message = message;
    if enclosed_root {
        if let Some(PartType::Message(enclosed)) = message
            .parts
            .get_mut(0)
            .map(|root| std::mem::replace(&mut root.body, PartType::Text("".into())))
        {
            parsed
                .notes
                .push("the email is one enclosed message: its body and files were read".into());
            message = enclosed;
        }
    }

    let tree = Tree::new(&message);
    let uuencoded = read_bodies(&message, &mut parsed, limits);
    parsed.delivery_report = read_delivery_report(&message, &tree, &parsed, limits);
    read_attachments(&mut message, &tree, &mut parsed, limits);
    containers::push_files(&mut parsed, uuencoded, limits);
    containers::unpack_tnef(&mut parsed, limits);
    parsed
}

/// The repair and container steps on their own, for the fuzz targets of `fuzz/`
/// (`parse_repair`, `parse_containers`): behind [`parse`] a panic in them is caught and
/// bounds are checked only on the whole result. Not an API: nothing else calls these.
#[doc(hidden)]
pub mod fuzzing {
    use super::{containers, repair, Limits, ParsedMessage};
    use crate::ingest::formats::DecodedFile;

    /// [`repair`](super::repair::repair): the mended bytes (`None` when borrowed
    /// unchanged) and the notes saying what was mended.
    pub fn repair(raw: &[u8], root_unsplit: bool) -> (Option<Vec<u8>>, Vec<String>) {
        let repaired = repair::repair(raw, root_unsplit);
        let owned = match repaired.raw {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(bytes) => Some(bytes),
        };
        (owned, repaired.notes)
    }

    /// A saved `winmail.dat` read as if it were the email.
    pub fn bare_tnef(raw: &[u8], limits: &Limits) -> ParsedMessage {
        containers::bare_tnef(raw, limits)
    }

    /// Every `winmail.dat` among `parsed`'s attachments unpacked after it.
    pub fn unpack_tnef(parsed: &mut ParsedMessage, limits: &Limits) {
        containers::unpack_tnef(parsed, limits);
    }

    /// A text body's uuencode blocks taken out: the text without them and their files.
    pub fn take_uuencode(
        text: &str,
        notes: &mut Vec<String>,
        limits: &Limits,
    ) -> Option<(String, Vec<DecodedFile>)> {
        containers::take_uuencode(text, notes, limits)
    }

    /// Decoded files listed as attachments, within the attachment limit.
    pub fn push_files(parsed: &mut ParsedMessage, files: Vec<DecodedFile>, limits: &Limits) {
        containers::push_files(parsed, files, limits);
    }
}

/// Emails written for the tests of this module's files.
#[cfg(test)]
mod test_mail {
    use super::{parse, Limits, ParsedMessage};

    pub(super) fn parse_str(raw: &str) -> ParsedMessage {
        parse(raw.as_bytes(), &Limits::default())
    }

    pub(super) fn with_attachment(part_headers: &str, body: &str) -> ParsedMessage {
        let raw = format!(
            "From: a@council.example\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n\
             --zz\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
             --zz\r\n{part_headers}\r\n\r\n{body}\r\n--zz--\r\n"
        );
        parse(raw.as_bytes(), &Limits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::test_mail::parse_str;
    use super::*;

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
        // The email is one enclosed message: what it encloses is read, and forwarded
        // messages inside are listed to a bounded depth (the .eml, then three inside it).
        assert_eq!(parsed.attachments.len(), 4);
        assert!(parsed
            .attachments
            .iter()
            .all(|a| a.content_type == "message/rfc822"));
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

    #[test]
    fn mbox_separator_line_is_skipped() {
        let parsed = parse_str("From someone Wed Oct  4 02:03:34 2000\nSubject: hi\n\nbody\n");
        assert_eq!(parsed.subject.as_deref(), Some("hi"));
        assert_eq!(parsed.text_body, "body");
    }
}
