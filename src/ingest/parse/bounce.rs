//! Bounces in a mail system's own words (Exim, qmail, Postfix, Exchange, Gmail and
//! friends): recognised by their sender, subject and text, then read for the recipients
//! that failed and the message they return.

use mail_parser::{Message, PartType};

use super::bounce_text::{is_daemon_address, quoted_original, BounceText, MAX_BOUNCE_TEXT_BYTES};
use super::headers::received_for;
use super::limits::Limits;
use super::message::{
    DeliveryRecipient, DeliveryReport, OriginalMessage, ParsedMessage, ReportFormat,
};
use super::mime::{Tree, RETURNED_MESSAGE_TYPES};
use crate::ingest::formats::bounces::{self, Severity, VendorBounce};
use crate::text::truncate_bytes;

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

/// A bounce that is not a delivery report: the vendor recognisers first, then the signs
/// common to mail systems' plain-text failure notices.
///
/// (One function on purpose: a list of checks in order of how sure each is.)
pub(super) fn non_standard_bounce(
    message: &Message<'_>,
    tree: &Tree,
    parsed: &ParsedMessage,
    original: Option<OriginalMessage>,
    limits: &Limits,
) -> Option<DeliveryReport> {
    let subject = parsed.subject.as_deref().unwrap_or("").to_lowercase();
    let subject_hit = BOUNCE_SUBJECTS.iter().find(|s| subject.contains(*s));
    let from = parsed.from.as_ref();
    let daemon_address = from.filter(|m| is_daemon_address(&m.address)).is_some();
    let daemon = daemon_address
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
    // A mail system recognised by its own wording says who failed and why better than
    // the generic reading below.
    if let Some(found) = bounces::recognise(
        from.map(|m| m.address.as_str()),
        parsed.subject.as_deref(),
        &parsed.text_body,
    ) {
        return Some(vendor_report(found, original));
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
    // A daemon's name ("Mail Delivery Subsystem") on an ordinary address carrying a
    // message is not enough: such senders also forward mail. Its words, a daemon's
    // address or a failed-recipients header are.
    let is_bounce = (sender_signal && content_signal)
        || ((daemon_address || failed_header) && returned_part)
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

/// A report from a bounce a known mail system wrote: its recipients (delayed ones marked
/// so, which makes the report a warning only) and the original it quotes, completed by
/// the returned message when one is attached.
fn vendor_report(found: VendorBounce, attached: Option<OriginalMessage>) -> DeliveryReport {
    let delay = found.severity == Severity::Delay;
    let recipients = found
        .recipients
        .into_iter()
        .map(|r| DeliveryRecipient {
            address: r.address,
            final_recipient: None,
            original_recipient: None,
            action: Some(if delay { "delayed" } else { "failed" }.to_string()),
            status: r.status,
            diagnostic: r.diagnostic,
        })
        .collect();
    let mut original = attached.unwrap_or_default();
    let quoted = found.original;
    original.message_id = original.message_id.or(quoted.message_id);
    original.subject = original.subject.or(quoted.subject);
    if original.to.is_empty() {
        original.to = quoted.to;
    }
    for sender in quoted.senders {
        if !original.senders.contains(&sender) {
            original.senders.push(sender);
        }
    }
    DeliveryReport {
        format: ReportFormat::NonStandard,
        recipients,
        original,
        evidence: format!("{} bounce: {}", found.vendor.name(), found.evidence),
        warning_only: delay,
    }
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

#[cfg(test)]
mod tests {
    use super::super::{parse, Limits, ReportFormat};

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/mail/bounces/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn vendor_bounce_is_a_report_matched_by_what_it_quotes() {
        let parsed = parse(&fixture("mcafee-webshield.eml"), &Limits::default());
        let report = parsed.delivery_report.expect("a delivery report");
        assert_eq!(report.format, ReportFormat::NonStandard);
        assert!(
            report.evidence.starts_with("McAfee WebShield bounce"),
            "{}",
            report.evidence
        );
        assert!(!report.warning_only);
        assert_eq!(
            report.original.message_id.as_deref(),
            Some("cctv24-0042.1.20260310090000@campaign.example")
        );
        assert!(
            report
                .original
                .senders
                .iter()
                .any(|s| s == "foi+k7m2p9x4@campaign.example"),
            "{:?}",
            report.original.senders
        );
        // Reply tokens are 16 base32 letters; the fixture's is shorter.
        let raw = String::from_utf8_lossy(&fixture("mcafee-webshield.eml"))
            .replace("k7m2p9x4", "k7m2p7x4abcdefgh");
        let parsed = parse(raw.as_bytes(), &Limits::default());
        let class = crate::ingest::classify::classify(&parsed);
        let keys = crate::ingest::matcher::keys_of(&parsed, &class, "foi+{token}@campaign.example");
        assert_eq!(keys.tokens, ["k7m2p7x4abcdefgh"]);
    }

    #[test]
    fn vendor_delay_notice_is_a_warning_only() {
        for name in [
            "exim-delay.eml",
            "sendmail-delay.eml",
            "office365-delay.eml",
        ] {
            let parsed = parse(&fixture(name), &Limits::default());
            let report = parsed.delivery_report.expect("a delivery report");
            assert!(report.warning_only, "{name}: {}", report.evidence);
        }
    }
}
