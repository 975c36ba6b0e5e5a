//! Bounces written in a mail system's own words instead of an RFC 3464 report: McAfee
//! WebShield, Exim, qmail, Lotus Notes/Domino, Exchange and Office 365, Postfix and
//! Sendmail text forms, MessageLabs/Symantec and Mimecast.
//!
//! [`recognise`] reads a message's sender, subject and text and, when one of these
//! systems wrote it, says which, who could not be reached (address, enhanced status,
//! the server's words), whether the failure is permanent or only a delay notice (which
//! is informational: the system is still trying), and what the text quotes of the
//! returned message: its Message-ID, subject and addresses (our own From / Reply-To,
//! where the reply token lives), so the bounce can be matched to the case it belongs to.
//! A bounce is recognised by the wording its system always uses, not by a keyword that a
//! person could write ("undeliverable" alone is not enough).

use serde::Serialize;

use super::charset::decode_encoded_words;
use crate::text::{find_addresses, normalize_message_id};

/// The mail systems recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    /// McAfee WebShield SMTP ("Returned Mail: Error During Delivery").
    McAfeeWebShield,
    /// MessageLabs / Symantec Email Security.cloud.
    MessageLabs,
    /// Mimecast.
    Mimecast,
    /// Lotus Notes / HCL Domino.
    Domino,
    /// qmail-send.
    Qmail,
    /// Exim ("Mail delivery failed: returning message to sender").
    Exim,
    /// Postfix's text ("This is the mail system at host ...").
    Postfix,
    /// Sendmail's text ("----- The following addresses had permanent fatal errors -----").
    Sendmail,
    /// Microsoft Exchange and Office 365 NDR text.
    Exchange,
}

impl Vendor {
    /// The name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::McAfeeWebShield => "McAfee WebShield",
            Vendor::MessageLabs => "MessageLabs",
            Vendor::Mimecast => "Mimecast",
            Vendor::Domino => "Lotus Domino",
            Vendor::Qmail => "qmail",
            Vendor::Exim => "Exim",
            Vendor::Postfix => "Postfix",
            Vendor::Sendmail => "Sendmail",
            Vendor::Exchange => "Exchange",
        }
    }
}

/// Whether the mail system gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Delivery failed for good: the case's address is wrong or refuses mail.
    Permanent,
    /// A delay notice: delivery is still being tried. Informational only.
    Delay,
}

/// One recipient the bounce reports on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedRecipient {
    /// The address, as the bounce wrote it.
    pub address: String,
    /// The enhanced status code (`5.1.1`), when the bounce gives one.
    pub status: Option<String>,
    /// The mail server's explanation, one line, bounded.
    pub diagnostic: Option<String>,
}

/// What a bounce quotes of the message it returns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct QuotedOriginal {
    /// Its Message-ID, normalised (no angle brackets).
    pub message_id: Option<String>,
    /// Its subject, encoded words decoded.
    pub subject: Option<String>,
    /// Its To addresses.
    pub to: Vec<String>,
    /// Its From, Reply-To, Sender and Return-Path addresses: ours, with the reply token.
    pub senders: Vec<String>,
}

/// A bounce in a mail system's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorBounce {
    /// The system that wrote it.
    pub vendor: Vendor,
    /// Permanent failure or delay notice.
    pub severity: Severity,
    /// The recipients reported on (empty when the text names none readably).
    pub recipients: Vec<FailedRecipient>,
    /// The returned message, as far as the text quotes it.
    pub original: QuotedOriginal,
    /// Why this was taken for that system's bounce, for a person to check.
    pub evidence: String,
}

/// Bytes of text read: bounces explain themselves at the top; what follows is the
/// returned message, of which the headers suffice.
const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Recipients kept per bounce.
const MAX_RECIPIENTS: usize = 100;
/// Characters kept of a diagnostic.
const MAX_DIAGNOSTIC_CHARS: usize = 500;
/// Addresses kept per quoted header.
const MAX_QUOTED_ADDRESSES: usize = 20;

/// How one system's bounce reads.
struct Signature {
    vendor: Vendor,
    /// Lower-case phrases of the text, any one of which identifies the system.
    text: &'static [&'static str],
    /// Lower-case phrases of the subject that identify it on their own.
    subject: &'static [&'static str],
    /// Lower-case names that identify it only together with a bounce subject, in the
    /// sender, the subject or the text (a person may well write "Mimecast").
    weak: &'static [&'static str],
    /// Lines (lower case, contained) after which the failed recipients are listed.
    section: &'static [&'static str],
}

const SIGNATURES: [Signature; 9] = [
    Signature {
        vendor: Vendor::McAfeeWebShield,
        text: &["------ failed recipients ------"],
        subject: &["returned mail: error during delivery"],
        weak: &["webshield"],
        section: &["------ failed recipients ------"],
    },
    Signature {
        vendor: Vendor::MessageLabs,
        text: &[
            "this is the mail delivery agent at messagelabs.com",
            "this is an automatically generated delivery status notification from messagelabs",
        ],
        subject: &[],
        weak: &["messagelabs"],
        section: &[
            "i was unable to deliver your message to the following addresses",
            "delivery to the following recipients failed",
        ],
    },
    Signature {
        vendor: Vendor::Mimecast,
        text: &[],
        subject: &[],
        weak: &["mimecast"],
        section: &[
            "your message couldn't be delivered",
            "could not be delivered to the following recipient",
            "the following recipient",
        ],
    },
    Signature {
        vendor: Vendor::Domino,
        text: &[
            "not listed in domino directory",
            "not listed in public name & address book",
        ],
        subject: &["delivery failure:", "delivery report (failure)"],
        weak: &[],
        section: &["was not delivered to:"],
    },
    Signature {
        vendor: Vendor::Qmail,
        text: &[
            "this is the qmail-send program",
            "this is the qmail program",
        ],
        subject: &[],
        weak: &[],
        section: &["to the following addresses", "to the following address"],
    },
    Signature {
        vendor: Vendor::Exim,
        text: &[
            "the following address(es) failed:",
            "the address to which the message has not yet been delivered is:",
            "the addresses to which the message has not yet been delivered are:",
            "this message was created automatically by mail delivery software.",
        ],
        subject: &["mail delivery failed: returning message to sender"],
        weak: &[],
        section: &[
            "the following address(es) failed:",
            "the address to which the message has not yet been delivered is:",
            "the addresses to which the message has not yet been delivered are:",
        ],
    },
    Signature {
        vendor: Vendor::Postfix,
        text: &[
            "this is the mail system at host",
            "this is the postfix program at host",
        ],
        subject: &[],
        weak: &[],
        section: &["=the mail system", "=the postfix program"],
    },
    Signature {
        vendor: Vendor::Sendmail,
        text: &[
            "----- the following addresses had permanent fatal errors -----",
            "----- the following addresses had transient non-fatal errors -----",
            "----- transcript of session follows -----",
        ],
        subject: &["returned mail: see transcript for details"],
        weak: &[],
        section: &[
            "----- the following addresses had permanent fatal errors -----",
            "----- the following addresses had transient non-fatal errors -----",
        ],
    },
    Signature {
        vendor: Vendor::Exchange,
        text: &[
            "delivery has failed to these recipients or groups:",
            "delivery is delayed to these recipients or groups:",
            "your message did not reach some or all of the intended recipients",
            "the following recipient(s) cannot be reached:",
            "the following recipient(s) could not be reached:",
        ],
        subject: &[],
        weak: &[],
        section: &[
            "delivery has failed to these recipients or groups:",
            "delivery is delayed to these recipients or groups:",
            "the following recipient(s) cannot be reached:",
            "the following recipient(s) could not be reached:",
        ],
    },
];

/// Lines (lower case, contained) that introduce the returned message or its headers.
const ORIGINAL_MARKERS: [&str; 14] = [
    "-------- returned mail --------",
    "------ this is a copy of the message, including all the headers.",
    "------ this is a copy of the message's headers.",
    "--- below this line is a copy of the message.",
    "----- original message follows -----",
    "----- message header follows -----",
    "----- unsent message follows -----",
    "original message headers:",
    "original message headers",
    "------ original message ------",
    "-----original message-----",
    "message headers follow",
    "the original message headers follow",
    "--- original message follows ---",
];

/// Lines (lower case, contained) that end the list of recipients.
const SECTION_ENDS: [&str; 10] = [
    "-------- returned mail --------",
    "----- transcript of session follows -----",
    "diagnostic information for administrators",
    "--- below this line is a copy of the message.",
    "------ this is a copy of the message",
    "----- original message follows -----",
    "original message headers",
    "for further assistance",
    "how to fix it",
    "your message",
];

/// Wording of a delay notice rather than a final failure (lower case, white space folded).
const DELAY_PHRASES: [&str; 13] = [
    "this is a warning",
    "warning message only",
    "you do not need to resend",
    "has not yet been delivered",
    "have not yet been delivered",
    "delivery is delayed",
    "will be retried",
    "still being retried",
    "delivery attempts will continue",
    "will continue to be attempted",
    "hasn't been delivered yet",
    "transient non-fatal errors",
    "delivery delayed",
];

/// Recognises a bounce written by one of the [`Vendor`]s, from the message's sender
/// address (and name), subject and text body. `None` when it is not one.
pub fn recognise(from: Option<&str>, subject: Option<&str>, text: &str) -> Option<VendorBounce> {
    let text = bounded(text, MAX_TEXT_BYTES);
    let subject = subject.unwrap_or("").to_lowercase();
    let from = from.unwrap_or("").to_lowercase();
    // The explanation: the text before the returned message.
    let explanation_end = find_line(text, &ORIGINAL_MARKERS, 0).unwrap_or(text.len());
    let explanation = text.get(..explanation_end).unwrap_or(text);
    let folded = fold(explanation);
    let bounce_subject = [
        "undeliver",
        "delivery fail",
        "returned mail",
        "mail delivery",
        "delivery status notification",
        "failure notice",
        "non-delivery",
        "delayed mail",
        "delivery report",
    ]
    .iter()
    .any(|s| subject.contains(s));

    let (signature, evidence) = SIGNATURES.iter().find_map(|sig| {
        if let Some(p) = sig.text.iter().find(|p| folded.contains(&fold(p))) {
            return Some((sig, format!("the text says \"{p}\"")));
        }
        if let Some(p) = sig.subject.iter().find(|p| subject.contains(*p)) {
            return Some((sig, format!("the subject says \"{p}\"")));
        }
        sig.weak
            .iter()
            .find(|p| {
                bounce_subject && (from.contains(*p) || subject.contains(*p) || folded.contains(*p))
            })
            .map(|p| (sig, format!("a bounce subject and \"{p}\"")))
    })?;

    let mut recipients = recipients(explanation, signature);
    if signature.vendor == Vendor::Exchange {
        exchange_diagnostics(text, &mut recipients);
    }
    let severity = if DELAY_PHRASES.iter().any(|p| folded.contains(p))
        || subject.contains("delay")
        || subject.starts_with("warning:")
    {
        Severity::Delay
    } else {
        Severity::Permanent
    };
    let original = quoted_original(text.get(explanation_end..).unwrap_or(""), explanation);
    Some(VendorBounce {
        vendor: signature.vendor,
        severity,
        recipients,
        original,
        evidence: format!("{} bounce: {evidence}", signature.vendor.name()),
    })
}

/// Lower case, white space folded, curly apostrophes straightened.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('\u{2019}', "'")
}

fn bounded(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.get(..cut).unwrap_or("")
}

/// The byte offset of the first line at or after `from` that contains one of `markers`
/// (lower case; a marker starting with `=` must be the whole line).
fn find_line(text: &str, markers: &[&str], from: usize) -> Option<usize> {
    let mut at = from;
    for line in text.get(from..)?.split_inclusive('\n') {
        let lower = line.trim().to_lowercase();
        let hit = |m: &&str| match m.strip_prefix('=') {
            Some(whole) => lower == whole,
            None => lower.contains(m),
        };
        if !lower.is_empty() && markers.iter().any(hit) {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// The recipients a system's text lists: after its section line, lines that start with
/// an address (`<a@b>:`, `a@b`, `a@b on date`, `a@b (a@b)`), each with the lines that
/// follow it until the next address or a blank line as its explanation.
fn recipients(explanation: &str, signature: &Signature) -> Vec<FailedRecipient> {
    let start = find_line(explanation, signature.section, 0)
        .map(|at| {
            // The list starts on the line after the section line.
            explanation
                .get(at..)
                .and_then(|rest| rest.find('\n'))
                .map_or(explanation.len(), |nl| at + nl + 1)
        })
        .unwrap_or(0);
    let end = find_line(explanation, &SECTION_ENDS, start).unwrap_or(explanation.len());
    let section = explanation.get(start..end).unwrap_or("");

    let mut out: Vec<FailedRecipient> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut blank_run = 0;
    // `a@b (expanded from` with the original address on the next line (Postfix).
    let mut expansion_pending = false;
    for line in section.lines() {
        let trimmed = line.trim().trim_start_matches(['*', '-', '>', ' ']).trim();
        if trimmed.is_empty() {
            blank_run += 1;
            continue;
        }
        if let Some((address, rest)) = leading_address(trimmed) {
            if std::mem::take(&mut expansion_pending) {
                if let Some(last) = out.last_mut() {
                    last.address = address;
                    words.push(rest.to_string());
                    continue;
                }
            }
            let lower_rest = rest.to_lowercase();
            expansion_pending =
                lower_rest.contains("expanded from") && find_addresses(rest).is_empty();
            finish(&mut out, &mut words);
            if out.len() >= MAX_RECIPIENTS {
                break;
            }
            if !out.iter().any(|r| r.address.eq_ignore_ascii_case(&address)) {
                out.push(FailedRecipient {
                    address,
                    status: None,
                    diagnostic: None,
                });
                // `a@b on <date>` (Exchange): the date is not an explanation.
                if !rest.to_lowercase().starts_with("on ") {
                    words.push(rest.to_string());
                }
            }
            blank_run = 0;
            continue;
        }
        // A labelled recipient: `Recipient: a@b`, `Failed recipient: a@b`.
        if let Some((label, value)) = trimmed.split_once(':') {
            let label = label.trim().to_lowercase();
            if label.ends_with("recipient") || label.ends_with("recipients") || label == "to" {
                let address = find_addresses(value).into_iter().next();
                let known = |a: &String| out.iter().any(|r| r.address.eq_ignore_ascii_case(a));
                if let Some(address) = address.filter(|a| !known(a)) {
                    finish(&mut out, &mut words);
                    out.push(FailedRecipient {
                        address,
                        status: None,
                        diagnostic: None,
                    });
                    blank_run = 0;
                    continue;
                }
            }
        }
        // `(expanded from: a@b)`: the address we wrote to, which an alias led elsewhere.
        if trimmed.to_lowercase().contains("expanded from") {
            if let (Some(last), Some(original)) =
                (out.last_mut(), find_addresses(trimmed).into_iter().next())
            {
                last.address = original;
            }
            continue;
        }
        // Explanation lines belong to the last recipient: the lines right after it, and
        // after a blank line only what a `because:` line announces (Domino).
        let announced = words.last().is_some_and(|w| w.trim_end().ends_with(':'))
            || words.iter().all(|w| w.trim().is_empty());
        if !out.is_empty() && (blank_run == 0 || (blank_run < 2 && announced)) && words.len() < 20 {
            words.push(trimmed.to_string());
        }
        blank_run = 0;
    }
    finish(&mut out, &mut words);
    out
}

/// Gives the last recipient the explanation gathered for it.
fn finish(out: &mut [FailedRecipient], words: &mut Vec<String>) {
    let Some(last) = out.last_mut() else {
        words.clear();
        return;
    };
    let joined = words
        .iter()
        .map(|w| without_label(w).trim_matches(['(', ')', ' ', ':']))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    words.clear();
    let joined = joined.trim();
    if joined.is_empty() {
        return;
    }
    if last.status.is_none() {
        last.status = status_code(joined);
    }
    if last.diagnostic.is_none() {
        last.diagnostic = Some(joined.chars().take(MAX_DIAGNOSTIC_CHARS).collect());
    }
}

/// A line without its `Reason:` / `because:` label.
fn without_label(line: &str) -> &str {
    let trimmed = line.trim();
    for label in ["reason:", "because:", "(reason:"] {
        if trimmed
            .get(..label.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(label))
        {
            return trimmed.get(label.len()..).unwrap_or("");
        }
    }
    trimmed
}

/// An address that starts a line: `<a@b>: why`, `a@b`, `a@b on <date>`, `a@b (a@b)`.
/// Returns it and the rest of the line.
fn leading_address(line: &str) -> Option<(String, &str)> {
    let end = line
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '('))
        .unwrap_or(line.len());
    let token = line.get(..end)?;
    let rest = line.get(end..)?.trim_start();
    let bare = token
        .trim_start_matches(['<', '"'])
        .trim_end_matches([':', '.']);
    let bare = bare.split('>').next().unwrap_or("");
    if !bare.contains('@') {
        return None;
    }
    let address = find_addresses(bare).into_iter().next()?;
    // The whole token is the address: not a sentence that begins with one.
    if address.len() + 2 < bare.len() {
        return None;
    }
    let rest = rest.strip_prefix(':').map(str::trim_start).unwrap_or(rest);
    Some((address, rest))
}

/// Exchange puts the server's reply under "Diagnostic information for administrators":
/// `Remote Server returned '550 5.1.1 ...'` after each address.
fn exchange_diagnostics(text: &str, recipients: &mut [FailedRecipient]) {
    let Some(start) = find_line(text, &["diagnostic information for administrators"], 0) else {
        return;
    };
    let mut current: Option<usize> = None;
    for line in text.get(start..).unwrap_or("").lines().take(200) {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        if ORIGINAL_MARKERS.iter().any(|m| lower.contains(m)) {
            break;
        }
        if let Some((address, _)) = leading_address(trimmed) {
            current = recipients
                .iter()
                .position(|r| r.address.eq_ignore_ascii_case(&address));
            continue;
        }
        if let (Some(i), Some(at)) = (current, lower.find("remote server returned")) {
            let reply = trimmed
                .get(at + "remote server returned".len()..)
                .unwrap_or("")
                .trim()
                .trim_matches(['\'', '"', ' ']);
            if let Some(recipient) = recipients.get_mut(i) {
                recipient.status = status_code(reply).or(recipient.status.take());
                recipient.diagnostic = Some(reply.chars().take(MAX_DIAGNOSTIC_CHARS).collect());
            }
        }
    }
}

/// The first failure status code in a text: an enhanced code (`5.1.1`, `4.4.7`), else
/// the class of a three-digit SMTP reply (`550` -> `5.0.0`).
pub fn status_code(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).filter(|b| b.is_ascii_digit()).copied();
    let not_part = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'.')
    };
    for i in 0..bytes.len() {
        if !matches!(bytes.get(i), Some(b'4' | b'5')) || !not_part(i.checked_sub(1)) {
            continue;
        }
        if bytes.get(i + 1) == Some(&b'.') {
            let mut j = i + 2;
            let mut n = 0;
            while digit(j).is_some() && n < 3 {
                j += 1;
                n += 1;
            }
            if n == 0 || bytes.get(j) != Some(&b'.') {
                continue;
            }
            let mut k = j + 1;
            let mut m = 0;
            while digit(k).is_some() && m < 3 {
                k += 1;
                m += 1;
            }
            if m > 0 && not_part(Some(k)) {
                return text.get(i..k).map(str::to_string);
            }
        }
    }
    for i in 0..bytes.len() {
        if matches!(bytes.get(i), Some(b'4' | b'5'))
            && not_part(i.checked_sub(1))
            && digit(i + 1).is_some()
            && digit(i + 2).is_some()
            && matches!(bytes.get(i + 3), None | Some(b' ' | b'-'))
        {
            return Some(format!("{}.0.0", char::from(bytes[i])));
        }
    }
    None
}

/// The headers the text quotes of the returned message (after a marker line, or failing
/// that anywhere in the explanation: Exchange and Domino quote the subject inline).
fn quoted_original(after_marker: &str, explanation: &str) -> QuotedOriginal {
    let mut original = QuotedOriginal::default();
    read_headers(bounded(after_marker, 64 * 1024), &mut original);
    if original.subject.is_none() {
        // "Subject: ..." inside the explanation (Exchange 2003, Domino, Exim delays).
        let mut inline = QuotedOriginal::default();
        read_headers(explanation, &mut inline);
        original.subject = inline.subject;
        if original.message_id.is_none() {
            original.message_id = inline.message_id;
        }
    }
    original
}

fn read_headers(text: &str, original: &mut QuotedOriginal) {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_start_matches(['>', ' ', '\t']);
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if name.contains(' ') {
            continue;
        }
        let mut value = value.trim().to_string();
        while let Some(next) = lines.peek() {
            // Quoted headers may all be indented: a line that names a header starts one.
            let names_header = next
                .trim()
                .split_once(':')
                .is_some_and(|(n, _)| !n.is_empty() && !n.contains(char::is_whitespace));
            if !next.starts_with([' ', '\t'])
                || next.trim().is_empty()
                || names_header
                || value.len() > 4096
            {
                break;
            }
            value.push(' ');
            value.push_str(next.trim());
            lines.next();
        }
        match name.as_str() {
            "message-id" if original.message_id.is_none() => {
                let id = value
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map_or(value.as_str(), |(id, _)| id);
                original.message_id = normalize_message_id(id);
            }
            "subject" if original.subject.is_none() => {
                let subject = decode_encoded_words(&value);
                let subject: String = subject
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(2000)
                    .collect();
                original.subject = Some(subject.trim().to_string()).filter(|s| !s.is_empty());
            }
            "to" if original.to.is_empty() => {
                original.to = find_addresses(&value);
                original.to.truncate(MAX_QUOTED_ADDRESSES);
            }
            "from" | "reply-to" | "sender" | "return-path" => {
                for address in find_addresses(&value) {
                    if original.senders.len() < MAX_QUOTED_ADDRESSES
                        && !original
                            .senders
                            .iter()
                            .any(|a| a.eq_ignore_ascii_case(&address))
                    {
                        original.senders.push(address);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "bounces_tests.rs"]
mod tests;
