//! The text body (the text/plain parts, or a rendition of the HTML) and the sanitised HTML
//! body.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::attachments::original_text_bytes;
use super::containers::take_uuencode;
use super::limits::Limits;
use super::message::{ParsedMessage, TextSource};
use crate::ingest::formats::charset::{self, normalize_line_ends};
use crate::ingest::formats::DecodedFile;
use crate::text::{
    html_depth, html_to_text, looks_like_html, repair_mojibake, sanitize_html, truncate_bytes,
    truncate_chars, MAX_HTML_DEPTH,
};

/// Reads the bodies; returns the files found uuencoded in the text parts (their payload
/// taken out of the text).
pub(super) fn read_bodies(
    message: &Message<'_>,
    parsed: &mut ParsedMessage,
    limits: &Limits,
) -> Vec<DecodedFile> {
    let files = read_text_body(message, parsed, limits);
    read_html_body(message, parsed, limits);
    files
}

/// The text/plain parts, joined; or, when there are none, a rendition of the HTML parts
/// (and of HTML sent as text/plain). Cut at [`Limits::max_text_chars`], and noted.
fn read_text_body(
    message: &Message<'_>,
    parsed: &mut ParsedMessage,
    limits: &Limits,
) -> Vec<DecodedFile> {
    let max_chars = limits.max_text_chars;
    let mut files: Vec<DecodedFile> = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    let mut from_html: Vec<String> = Vec::new();
    for &id in &message.text_body {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(text) => {
                let redecoded = redecode(part, &message.raw_message, &mut parsed.notes);
                let text: &str = redecoded.as_deref().unwrap_or(text);
                if looks_like_html(text) {
                    from_html.push(html_to_text(text, max_chars));
                    continue;
                }
                let text = match take_uuencode(text, &mut parsed.notes, limits) {
                    Some((rest, found)) => {
                        files.extend(found);
                        truncate_chars(&rest, max_chars).0.to_string()
                    }
                    None => truncate_chars(text, max_chars).0.to_string(),
                };
                plain.push(text);
            }
            PartType::Html(html) => {
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
    let joined = normalize_line_ends(&joined);
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
    files
}

/// A text part that came out with replacement characters (a charset mail-parser does
/// not know, or none declared on 8-bit text), decoded again from its bytes by its label
/// or a guess. `None` when the first reading stands.
fn redecode(part: &MessagePart<'_>, raw: &[u8], notes: &mut Vec<String>) -> Option<String> {
    let PartType::Text(text) = &part.body else {
        return None;
    };
    // ISO-2022-JP is 7-bit: undecoded, it shows as escape sequences, not U+FFFD.
    let undecoded = |s: &str| s.matches(['\u{FFFD}', '\u{1b}']).count();
    if undecoded(text) == 0 {
        return None;
    }
    let bytes = original_text_bytes(part, raw)?;
    let label = part.content_type().and_then(|ct| ct.attribute("charset"));
    let decoded = charset::decode(&bytes, label);
    if undecoded(&decoded.text) >= undecoded(text) {
        return None;
    }
    if decoded.guessed {
        notes.push(format!(
            "a text part's charset was {}: read as {} (guessed)",
            label.map_or("not declared".to_string(), |l| format!("\"{l}\"")),
            decoded.encoding
        ));
    }
    Some(decoded.text)
}

/// The HTML parts, joined, cut at [`Limits::max_html_bytes`] and sanitised; noted when
/// cut, or when nested too deep to be shown as HTML.
fn read_html_body(message: &Message<'_>, parsed: &mut ParsedMessage, limits: &Limits) {
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

#[cfg(test)]
mod tests {
    use super::super::test_mail::parse_str;
    use super::super::{parse, Limits};
    use super::*;

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
}
