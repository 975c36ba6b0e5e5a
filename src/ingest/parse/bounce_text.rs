//! Reading a bounce's text: the explanation before the returned message, the addresses
//! it says failed, their status codes and SMTP replies, and whether it only warns of a
//! delay.

use std::collections::HashSet;

use super::headers::{clean_address, find_addresses, normalize_message_id};
use super::limits::Limits;
use super::message::{DeliveryRecipient, OriginalMessage, ParsedMessage};
use super::parameters::decode_encoded_words;
use crate::text::{clean_display_text, truncate_bytes};

/// Most a recipient's diagnostic keeps, in characters.
pub(super) const MAX_DIAGNOSTIC_CHARS: usize = 500;

/// Most of a bounce's text that is searched for recipients and codes, in bytes.
pub(super) const MAX_BOUNCE_TEXT_BYTES: usize = 64 * 1024;

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
pub(super) fn is_daemon_address(address: &str) -> bool {
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

/// The part of a bounce's text that explains the failure (up to the quoted original).
pub(super) struct BounceText {
    /// The explanation, line by line.
    explanation: String,
    /// The explanation lower-cased with white space folded, for phrase matching.
    pub(super) folded: String,
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
    pub(super) fn new(text: &str) -> Self {
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
    pub(super) fn recipients(
        &self,
        parsed: &ParsedMessage,
        limits: &Limits,
    ) -> Vec<DeliveryRecipient> {
        let own = own_addresses(parsed);
        let mut out: Vec<DeliveryRecipient> = parsed
            .automation
            .x_failed_recipients
            .iter()
            .map(|address| failed(address.clone(), None, None))
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
            for address in failed_on_line(stripped, &lower) {
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
                out.push(failed(address, status, diagnostic));
            }
        }
        out
    }

    /// True when the text reads as a warning that delivery is delayed, not as a failure.
    pub(super) fn is_delay_warning(&self) -> bool {
        DELAY_PHRASES.iter().any(|p| self.folded.contains(*p))
    }

    /// Fills in what the text says for every recipient: the action (`delayed` when the
    /// text reads as a warning, else `failed`) and, when the recipient's own lines gave
    /// none, the first status code and SMTP reply in the text.
    pub(super) fn complete(&self, recipients: &mut [DeliveryRecipient]) {
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

/// The bounce's own addresses (its sender, recipients, Return-Path), lower case: they are
/// never the ones that failed.
fn own_addresses(parsed: &ParsedMessage) -> HashSet<String> {
    parsed
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
        .collect()
}

/// A recipient the bounce names as failed (its action is filled in by
/// [`BounceText::complete`]).
fn failed(
    address: String,
    status: Option<String>,
    diagnostic: Option<String>,
) -> DeliveryRecipient {
    DeliveryRecipient {
        final_recipient: Some(address.clone()),
        address,
        original_recipient: None,
        action: None,
        status,
        diagnostic,
    }
}

/// The addresses a line of the explanation says failed: the one it starts with, else, on a
/// line with `SMTP=`, an SMTP reply code or failure words, every address not introduced
/// by "from".
fn failed_on_line(stripped: &str, lower: &str) -> Vec<String> {
    if let Some(address) = leading_address(stripped) {
        vec![address]
    } else if lower.contains("smtp=")
        || starts_with_reply_code(stripped)
        || has_failure_phrase(lower)
    {
        addresses_not_from(stripped)
    } else {
        Vec::new()
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
pub(super) fn find_status_code(text: &str) -> Option<String> {
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

/// Headers of the original message quoted in a bounce's text: the first `Message-ID:`,
/// `Subject:` and `To:` lines (quote marks and indentation allowed).
pub(super) fn quoted_original(text: &str, limits: &Limits) -> OriginalMessage {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
