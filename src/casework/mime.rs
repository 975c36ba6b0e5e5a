//! The MIME builder: the exact bytes of an outgoing email (lettre's builder), with the
//! Message-ID fixed before the first attempt and threading headers for follow-ups. Launch,
//! chasers and campaign messages build with it; the sender never does (it sends the bytes
//! stored in the outbox).

use crate::casework::compose::Draft;
use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// The header that carries the case reference, for filters in the group's mail client.
pub const REFERENCE_HEADER: &str = "X-FOI-Reference";

/// A new globally unique Message-ID (without `< >`) on the sender's domain.
pub fn new_message_id(sender_domain: &str) -> String {
    format!("{}@{}", uuid::Uuid::now_v7().simple(), sender_domain)
}

/// Threading for follow-ups (chasers): the Message-IDs they answer (without `< >`).
#[derive(Debug, Clone, Default)]
pub struct Thread {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// Threading headers that make a follow-up a reply to the case's request.
pub fn thread_to(first_id: Option<&String>) -> Thread {
    match first_id {
        Some(id) => Thread {
            in_reply_to: Some(id.clone()),
            references: vec![id.clone()],
        },
        None => Thread::default(),
    }
}

/// Text that goes into a header has no control character: lettre panics on a line break
/// or NUL in a display name, and one in a subject would forge a header.
fn header_text<'a>(what: &str, text: &'a str) -> anyhow::Result<&'a str> {
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        anyhow::bail!(
            "the {what} '{}' has a control character (U+{:04X}): correct it (for a body's name, in the directory file, then `foi bodies import` again)",
            text.escape_debug(),
            u32::from(c)
        );
    }
    Ok(text)
}

fn mailbox(name: &str, addr: &str) -> anyhow::Result<Mailbox> {
    let name = header_text("name", name)?;
    let addr = header_text("address", addr)?;
    let address = addr
        .parse()
        .with_context(|| format!("'{addr}' is not an address lettre accepts"))?;
    let name = name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        address,
    ))
}

/// A file attached to an outgoing email (checked by the caller: name, type, size).
#[derive(Debug, Clone)]
pub struct OutgoingAttachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The RFC 5322 bytes for a draft.
pub fn build(
    draft: &Draft,
    message_id: &str,
    reference: &str,
    date: DateTime<Utc>,
    thread: &Thread,
) -> anyhow::Result<Vec<u8>> {
    build_with_attachments(draft, message_id, reference, date, thread, &[])
}

/// The same with files attached (`multipart/mixed`: the text, then each file).
pub fn build_with_attachments(
    draft: &Draft,
    message_id: &str,
    reference: &str,
    date: DateTime<Utc>,
    thread: &Thread,
    attachments: &[OutgoingAttachment],
) -> anyhow::Result<Vec<u8>> {
    let mut b = Message::builder()
        .from(mailbox(&draft.from_name, &draft.from_addr)?)
        .to(mailbox(&draft.to_name, &draft.to_addr)?);
    // One reply address, or (a consolidated chaser) one per case, comma-separated.
    for reply_to in draft.reply_to.split(',').map(str::trim) {
        b = b.reply_to(mailbox(&draft.from_name, reply_to)?);
    }
    let mut b = b
        .subject(header_text("subject", &draft.rendered.subject)?)
        .message_id(Some(format!("<{message_id}>")))
        .date(date.into())
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(REFERENCE_HEADER),
            reference.to_string(),
        ));
    if let Some(irt) = &thread.in_reply_to {
        b = b.in_reply_to(format!("<{irt}>"));
    }
    if !thread.references.is_empty() {
        let refs: Vec<String> = thread.references.iter().map(|r| format!("<{r}>")).collect();
        b = b.references(refs.join(" "));
    }
    let text = draft.rendered.text.clone();
    let message = match (&draft.rendered.html, attachments) {
        (Some(html), []) => b.multipart(MultiPart::alternative_plain_html(text, html.clone())),
        (None, []) => b.singlepart(SinglePart::plain(text)),
        (html, files) => {
            let mut mixed = match html {
                Some(h) => {
                    MultiPart::mixed().multipart(MultiPart::alternative_plain_html(text, h.clone()))
                }
                None => MultiPart::mixed().singlepart(SinglePart::plain(text)),
            };
            for f in files {
                let content_type = ContentType::parse(&f.content_type)
                    .with_context(|| format!("'{}' is not a content type", f.content_type))?;
                mixed = mixed.singlepart(
                    Attachment::new(f.file_name.clone()).body(f.bytes.clone(), content_type),
                );
            }
            b.multipart(mixed)
        }
    }
    .context("cannot build the email")?;
    Ok(message.formatted())
}

/// An email we built, for people: its From, To and Subject decoded, and its text as it
/// reads (quoted-printable and base64 undone), as `foi chasers show` prints it.
pub fn readable(raw: &[u8]) -> String {
    let parsed = crate::ingest::parse::parse(raw, &crate::ingest::parse::Limits::default());
    let mailbox = |m: &crate::ingest::parse::Mailbox| match &m.name {
        Some(n) if !n.is_empty() => format!("{n} <{}>", m.address),
        _ => m.address.clone(),
    };
    let mut out = String::new();
    if let Some(f) = &parsed.from {
        out.push_str(&format!("From: {}\n", mailbox(f)));
    }
    if !parsed.to.is_empty() {
        let to: Vec<String> = parsed.to.iter().map(mailbox).collect();
        out.push_str(&format!("To: {}\n", to.join(", ")));
    }
    out.push_str(&format!(
        "Subject: {}\n\n",
        parsed.subject.as_deref().unwrap_or("")
    ));
    out.push_str(parsed.text_body.replace("\r\n", "\n").trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::Rendered;

    fn draft(html: Option<&str>) -> Draft {
        Draft {
            from_name: "Alex Campaigner".into(),
            from_addr: "foi@example.org".into(),
            to_name: "Barking & Dagenham, London Borough of".into(),
            to_addr: "foi@lbbd.example".into(),
            reply_to: "foi+abcdefghijklmnop@example.org".into(),
            rendered: Rendered {
                subject: "FOI request: CCTV £ costs [CCTV24-0001]".into(),
                text: "Dear Barking & Dagenham,\n\nPlease tell me...\n".into(),
                html: html.map(String::from),
            },
        }
    }

    #[test]
    fn a_control_character_in_a_header_is_an_error_not_a_panic() {
        for (name, subject) in [
            ("Council\r\nBcc: x@evil.example", "FOI"),
            ("Council\0", "FOI"),
            ("Council", "FOI\nBcc: x@evil.example"),
        ] {
            let mut d = draft(None);
            d.to_name = name.into();
            d.rendered.subject = subject.into();
            let date = "2026-03-02T10:00:00Z".parse().unwrap();
            let e = build(&d, "m@example.org", "X-1", date, &Thread::default()).unwrap_err();
            assert!(format!("{e:#}").contains("control character"), "{e:#}");
        }
    }

    #[test]
    fn headers_and_threading_are_set() {
        let date = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let thread = Thread {
            in_reply_to: Some("first@example.org".into()),
            references: vec!["first@example.org".into()],
        };
        let raw = build(
            &draft(None),
            "abc@example.org",
            "CCTV24-0001",
            date,
            &thread,
        )
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("Message-ID: <abc@example.org>\r\n"), "{text}");
        assert!(
            text.contains("In-Reply-To: <first@example.org>\r\n"),
            "{text}"
        );
        assert!(
            text.contains("References: <first@example.org>\r\n"),
            "{text}"
        );
        assert!(text.contains("X-FOI-Reference: CCTV24-0001\r\n"), "{text}");
        assert!(
            text.contains("Reply-To: \"Alex Campaigner\" <foi+abcdefghijklmnop@example.org>")
                || text.contains("Reply-To: Alex Campaigner <foi+abcdefghijklmnop@example.org>"),
            "{text}"
        );
        assert!(text.contains("Date: Mon, 02 Mar 2026 10:00:00"), "{text}");
        // lettre encodes a name with specials as an RFC 2047 word; the address stays plain.
        assert!(text.contains("?= <foi@lbbd.example>\r\n"), "{text}");
    }

    #[test]
    fn html_makes_a_multipart_alternative() {
        let date = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let raw = build(
            &draft(Some("<p>Dear</p>")),
            "x@example.org",
            "R-0001",
            date,
            &Thread::default(),
        )
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(!text.contains("In-Reply-To"));
    }

    #[test]
    fn attachments_make_a_multipart_mixed() {
        let date = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let file = OutgoingAttachment {
            file_name: "sites.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 test".to_vec(),
        };
        let raw = build_with_attachments(
            &draft(None),
            "m@example.org",
            "R-0001",
            date,
            &Thread::default(),
            &[file],
        )
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("filename=\"sites.pdf\""), "{text}");
        assert!(text.contains("Content-Type: application/pdf"), "{text}");
        assert!(text.contains("Please tell me"), "{text}");
    }

    #[test]
    fn message_ids_are_unique() {
        let a = new_message_id("example.org");
        let b = new_message_id("example.org");
        assert_ne!(a, b);
        assert!(a.ends_with("@example.org"));
    }

    #[test]
    fn an_email_we_built_reads_decoded() {
        let mut d = draft(None);
        d.rendered.text = format!(
            "Dear Barking & Dagenham,\n\nThe cost in £ of {} cameras — a long line that quoted-printable breaks.\n",
            "many ".repeat(30)
        );
        let date = "2026-03-02T10:00:00Z".parse().unwrap();
        let raw = build(&d, "m@example.org", "X-1", date, &Thread::default()).unwrap();
        let raw_text = String::from_utf8_lossy(&raw);
        assert!(
            raw_text.contains("=C2=A3") || raw_text.contains("base64"),
            "{raw_text}"
        );
        let shown = readable(&raw);
        assert!(
            shown.contains("Subject: FOI request: CCTV £ costs [CCTV24-0001]"),
            "{shown}"
        );
        assert!(
            shown.contains("To: Barking & Dagenham, London Borough of <foi@lbbd.example>"),
            "{shown}"
        );
        assert!(shown.contains("The cost in £ of many many"), "{shown}");
        assert!(
            shown.contains("cameras — a long line that quoted-printable breaks."),
            "{shown}"
        );
        assert!(!shown.contains("=C2") && !shown.contains("=\n"), "{shown}");
    }
}
