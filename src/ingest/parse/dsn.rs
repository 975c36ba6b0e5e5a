//! Delivery reports: RFC 3464 delivery status notifications, read part by part (mail-parser
//! has no DSN API), and the headers of the message a report returns, whether attached or
//! quoted. A message that is no DSN but reads as a bounce goes to [`super::bounce`].

use mail_parser::parsers::MessageStream;
use mail_parser::{Header, HeaderValue, Message, MessageParser, PartType};

use super::bounce::non_standard_bounce;
use super::bounce_text::{find_status_code, quoted_original, BounceText, MAX_DIAGNOSTIC_CHARS};
use super::headers::{
    clean_address, find_addresses, ids_of, mailboxes_of, normalize_message_id, HeaderView,
};
use super::limits::Limits;
use super::message::{
    DeliveryRecipient, DeliveryReport, OriginalMessage, ParsedMessage, ReportFormat,
};
use super::mime::{Tree, RETURNED_MESSAGE_TYPES};
use crate::text::clean_display_text;

pub(super) fn read_delivery_report(
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
        senders: ["From", "Reply-To", "Sender", "Return-Path"]
            .into_iter()
            .flat_map(|name| {
                view.named(name)
                    .flat_map(|h| find_addresses(&view.raw_value(h)))
            })
            .take(20)
            .collect(),
    }
}
