//! Files that MIME does not list: inside a TNEF `winmail.dat`, in uuencode blocks of a
//! text body. They are unpacked with the decoders of [`crate::ingest::formats`] and listed
//! as attachments of the email, after the part that carried them.
//!
//! A `winmail.dat` is kept beside its files, as Thunderbird and Apple Mail do (the
//! original is what was received; its files are what a person reads); its body becomes
//! the email's text when the email has none of its own. uuencode payloads are taken out
//! of the text body, so their letters are never read as words.

use sha2::{Digest, Sha256};

use super::limits::Limits;
use super::message::{Attachment, ParsedMessage, TextSource};
use crate::ingest::formats::{tnef, uuencode, Bounds, DecodedFile};
use crate::text::{fallback_file_name, html_to_text, sanitize_file_name, truncate_chars};

/// Damage notes kept per container.
const MAX_DAMAGE_NOTES: usize = 5;

/// Bounds for one decoder call under the message's limits.
fn bounds(limits: &Limits) -> Bounds {
    Bounds {
        max_files: limits.max_attachments,
        max_output_bytes: limits.max_message_bytes,
        ..Bounds::default()
    }
}

/// True for an attachment that is a TNEF stream.
fn is_tnef_attachment(attachment: &Attachment) -> bool {
    tnef::is_tnef(&attachment.bytes)
        && (attachment.content_type.contains("ms-tnef")
            || attachment.file_name.eq_ignore_ascii_case("winmail.dat")
            || attachment.content_type == "application/octet-stream")
}

/// A bare TNEF stream given instead of an email (a saved `winmail.dat`): its files and
/// its body.
pub(super) fn bare_tnef(raw: &[u8], limits: &Limits) -> ParsedMessage {
    let mut parsed = ParsedMessage::default();
    match tnef::read(raw, &bounds(limits)) {
        Ok(read) => {
            parsed.subject = read.subject.clone();
            let mut files = Vec::new();
            take_tnef(read, &mut files, &mut parsed, limits);
            push_files(&mut parsed, files, limits);
        }
        Err(e) => parsed.notes.push(e.to_string()),
    }
    parsed.notes.push(
        "a bare TNEF stream (winmail.dat), not an email: its files and body were read".into(),
    );
    parsed
}

/// Unpacks every `winmail.dat` among the attachments: its files follow it.
pub(super) fn unpack_tnef(parsed: &mut ParsedMessage, limits: &Limits) {
    if !parsed.attachments.iter().any(is_tnef_attachment) {
        return;
    }
    let attachments = std::mem::take(&mut parsed.attachments);
    for attachment in attachments {
        let read = is_tnef_attachment(&attachment)
            .then(|| tnef::read(&attachment.bytes, &bounds(limits)).ok())
            .flatten();
        parsed.attachments.push(attachment);
        if let Some(read) = read {
            let mut files = Vec::new();
            take_tnef(read, &mut files, parsed, limits);
            push_files(parsed, files, limits);
        }
    }
}

/// A TNEF message's files (embedded messages' too) into `files`; its body into the text
/// body when the email has none.
fn take_tnef(
    read: tnef::Tnef,
    files: &mut Vec<DecodedFile>,
    parsed: &mut ParsedMessage,
    limits: &Limits,
) {
    for damage in read.damage.iter().take(MAX_DAMAGE_NOTES) {
        parsed.notes.push(format!("winmail.dat: {damage}"));
    }
    if parsed.text_body.trim().is_empty() {
        let (text, source) = match (read.body.text, read.body.html) {
            (Some(text), _) if !text.trim().is_empty() => (text, TextSource::Plain),
            (_, Some(html)) => (html_to_text(&html, limits.max_text_chars), TextSource::Html),
            _ => (String::new(), TextSource::None),
        };
        let text = crate::ingest::formats::charset::normalize_line_ends(&text).into_owned();
        let (text, truncated) = truncate_chars(text.trim(), limits.max_text_chars);
        if !text.is_empty() {
            parsed.text_body = text.to_string();
            parsed.text_source = source;
            parsed.text_truncated = truncated;
            parsed
                .notes
                .push("the text body was read from the winmail.dat (TNEF) message".into());
        }
    }
    for attachment in read.attachments {
        match attachment.embedded {
            Some(embedded) => {
                for inner in embedded.attachments {
                    files.push(inner.file);
                }
            }
            None => files.push(attachment.file),
        }
    }
}

/// Takes the uuencode blocks out of a text: the text without them, and their files.
pub(super) fn take_uuencode(
    text: &str,
    notes: &mut Vec<String>,
    limits: &Limits,
) -> Option<(String, Vec<DecodedFile>)> {
    if !uuencode::has_block(text) {
        return None;
    }
    let extracted = uuencode::extract(text, &bounds(limits));
    for damage in extracted.damage.iter().take(MAX_DAMAGE_NOTES) {
        notes.push(format!("uuencode: {damage}"));
    }
    Some((extracted.text, extracted.files))
}

/// Decoded files as attachments, within the attachment limit.
pub(super) fn push_files(parsed: &mut ParsedMessage, files: Vec<DecodedFile>, limits: &Limits) {
    let mut skipped = 0usize;
    for file in files {
        if parsed.attachments.len() >= limits.max_attachments {
            skipped += 1;
            continue;
        }
        let number = parsed.attachments.len() + 1;
        parsed.attachments.push(attachment_of_file(file, number));
    }
    if skipped > 0 {
        parsed.notes.push(format!(
            "{skipped} unpacked files over the limit of {} attachments were not extracted",
            limits.max_attachments
        ));
    }
}

fn attachment_of_file(file: DecodedFile, number: usize) -> Attachment {
    let content_type = file
        .content_type
        .as_deref()
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| t.contains('/') && t.len() < 100)
        .unwrap_or_else(|| content_type_for_name(&file.name).to_string());
    let content_id = file.content_id.clone();
    let file_name = sanitize_file_name(&file.name)
        .unwrap_or_else(|| fallback_file_name(&content_type, content_id.as_deref(), number));
    let sha256 = crate::domain::to_hex(&Sha256::digest(&file.bytes));
    Attachment {
        file_name,
        content_type,
        size: file.bytes.len(),
        bytes: file.bytes,
        sha256,
        content_id,
        inline: false,
    }
}

/// The MIME type a file name's extension implies, for files their container gave no type.
fn content_type_for_name(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "doc" | "dot" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "rtf" => "application/rtf",
        "zip" => "application/zip",
        "txt" | "ini" | "bat" | "sys" | "cfg" | "src" => "text/plain",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "mp3" => "audio/mpeg",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}
