//! Attachments: which parts are attachments, their decoded bytes (taken, not copied), their
//! SHA-256, and a file name safe to use on disk.

use mail_parser::parsers::MessageStream;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::headers::{normalize_message_id, HeaderView};
use super::limits::Limits;
use super::message::{Attachment, ParsedMessage};
use super::mime::{Tree, RETURNED_MESSAGE_TYPES, STATUS_TYPES};
use super::parameters::rfc2231_parameter;
use crate::text::{clean_display_text, fallback_file_name, sanitize_file_name, truncate_chars};

/// Forwarded messages inside forwarded messages whose files are still listed.
const MAX_FORWARD_DEPTH: usize = 3;

pub(super) fn read_attachments(
    message: &mut Message<'_>,
    tree: &Tree,
    parsed: &mut ParsedMessage,
    limits: &Limits,
) {
    let is_bounce = parsed.delivery_report.is_some();
    let mut skipped = 0usize;
    read_level(message, tree, is_bounce, parsed, limits, &mut skipped, 0);
    if skipped > 0 {
        parsed.notes.push(format!(
            "{skipped} attachments over the limit of {} were not extracted",
            limits.max_attachments
        ));
    }
}

/// The attachments of one message: of the email, or of a message it forwards (whose
/// files are listed after the `.eml`, as files of the reply).
fn read_level(
    message: &mut Message<'_>,
    tree: &Tree,
    is_bounce: bool,
    parsed: &mut ParsedMessage,
    limits: &Limits,
    skipped: &mut usize,
    depth: usize,
) {
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
        if STATUS_TYPES.contains(&mime)
            || tree.is_report_part(index)
            || (is_bounce && RETURNED_MESSAGE_TYPES.contains(&mime))
            || matches!(part.body, PartType::Multipart(_))
        {
            continue;
        }
        // The messages of a digest are its content, not files sent with it.
        if tree.parent_mime(index) == "multipart/digest"
            && matches!(part.body, PartType::Message(_))
        {
            continue;
        }
        if let Some(why) = nothing_to_keep(part, mime, raw_message, limits) {
            parsed.notes.push(why);
            continue;
        }
        // A forwarded message's own text is in its `.eml`: only its files are listed.
        if depth > 0
            && mime.starts_with("text/")
            && declared_file_name(part, raw_message, limits).is_none()
        {
            continue;
        }
        if parsed.attachments.len() >= limits.max_attachments {
            *skipped += 1;
            continue;
        }
        let number = parsed.attachments.len() + 1;
        parsed
            .attachments
            .push(attachment_of(part, mime, raw_message, number, limits));
        if let PartType::Message(nested) = &mut part.body {
            if depth < MAX_FORWARD_DEPTH {
                let nested_tree = Tree::new(nested);
                read_level(
                    nested,
                    &nested_tree,
                    false,
                    parsed,
                    limits,
                    skipped,
                    depth + 1,
                );
            }
        }
    }
}

/// Why a part holds nothing worth listing: no name and no bytes (what a broken final
/// boundary leaves), or a binary file whose transfer encoding does not decode (its bytes
/// would be the garbage, not the file). `None` for a part to list.
fn nothing_to_keep(
    part: &MessagePart<'_>,
    mime: &str,
    raw: &[u8],
    limits: &Limits,
) -> Option<String> {
    let declared = declared_file_name(part, raw, limits);
    let empty = match &part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) => b.is_empty(),
        PartType::Text(t) | PartType::Html(t) => t.trim().is_empty(),
        PartType::Message(_) | PartType::Multipart(_) => false,
    };
    if empty && declared.is_none() {
        return Some("an empty MIME part without a name was left out".to_string());
    }
    let binary = !mime.starts_with("text/") && !mime.starts_with("message/");
    if binary && part.is_encoding_problem {
        let name = declared
            .and_then(|n| sanitize_file_name(&n))
            .unwrap_or_else(|| mime.to_string());
        return Some(format!(
            "the attachment {name} could not be decoded (broken transfer encoding): it is kept \
             in the raw email only"
        ));
    }
    None
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

pub(super) fn original_text_bytes(part: &MessagePart<'_>, raw: &[u8]) -> Option<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::super::test_mail::with_attachment;
    use super::super::{parse, Limits};

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
}
