//! Reports: a bounce or delay notice (a delivery report, RFC 3464 or in a mail system's own
//! words), a delivery report of success, a read receipt, an abuse feedback report.

use super::{BounceInfo, Decision, Kind};
use crate::ingest::parse::{DeliveryRecipient, DeliveryReport, ParsedMessage, ReportFormat};

/// The verdict on a report, or `None` when the message is none (or one that says nothing).
pub(super) fn decide(message: &ParsedMessage) -> Option<Decision> {
    if let Some(report) = &message.delivery_report {
        if let Some(decision) = delivery(report) {
            return Some(decision);
        }
    }
    match message.automation.report_type.as_deref() {
        Some("disposition-notification") => Some((
            Kind::AutoReply,
            "auto-reply: read receipt (multipart/report; report-type=disposition-notification)"
                .to_string(),
            None,
        )),
        Some("feedback-report") => Some((
            Kind::Reply,
            "reply: abuse feedback report (report-type=feedback-report): someone marked our \
             mail as spam; a person must read it"
                .to_string(),
            None,
        )),
        _ => None,
    }
}

/// A delivery report that reports failures (or names nobody) is a bounce, permanent or a
/// delay; an RFC 3464 report of success is an auto-reply.
fn delivery(report: &DeliveryReport) -> Option<Decision> {
    let failures: Vec<&DeliveryRecipient> = report
        .recipients
        .iter()
        .filter(|r| r.is_failure())
        .collect();
    if report.recipients.is_empty() || !failures.is_empty() {
        let permanent = if report.recipients.is_empty() {
            !report.warning_only
        } else {
            report
                .recipients
                .iter()
                .any(DeliveryRecipient::is_permanent)
        };
        let who = failures
            .iter()
            .take(5)
            .map(|r| match &r.status {
                Some(status) => format!("{} ({status})", r.address),
                None => r.address.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut reason = format!(
            "bounce ({}): {}",
            if permanent {
                "permanent"
            } else {
                "delayed, still being retried"
            },
            report.evidence
        );
        if !who.is_empty() {
            reason.push_str(&format!("; recipients: {who}"));
        }
        let info = BounceInfo {
            recipients: report.recipients.clone(),
            original_message_id: report.original.message_id.clone(),
            permanent,
        };
        return Some((Kind::Bounce, reason, Some(info)));
    }
    (report.format == ReportFormat::Rfc3464).then(|| {
        (
            Kind::AutoReply,
            "auto-reply: delivery status notification reporting success, not failure".to_string(),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_mail::classify_raw;
    use super::super::{classify, Kind};
    use crate::ingest::parse::{parse, Limits, ReportFormat};

    #[test]
    fn exchange_style_ndr() {
        let raw = concat!(
            "From: Microsoft Outlook <postmaster@council.example>\r\n",
            "To: <foi+k7q2@campaign.example>\r\n",
            "Subject: Undeliverable: Freedom of Information request [CCTV24-0042]\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"ndr\"\r\n\r\n",
            "--ndr\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
            "Your message to foi@council.example couldn't be delivered.\r\n\r\n",
            "foi wasn't found at council.example.\r\n\r\n",
            "Diagnostic information for administrators:\r\n\r\n",
            "Generating server: mail.council.example\r\n\r\n",
            "foi@council.example\r\n",
            "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\r\n\r\n",
            "Original message headers:\r\n\r\n",
            "Message-ID: <req-42@campaign.example>\r\n",
            "Subject: Freedom of Information request [CCTV24-0042]\r\n",
            "--ndr--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(bounce.permanent);
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("req-42@campaign.example")
        );
        assert_eq!(bounce.recipients.len(), 1, "{:?}", bounce.recipients);
        assert_eq!(bounce.recipients[0].address, "foi@council.example");
        assert_eq!(bounce.recipients[0].status.as_deref(), Some("5.1.10"));
        assert!(parsed.attachments.is_empty());
    }

    #[test]
    fn postfix_dsn() {
        let raw = concat!(
            "Return-Path: <>\r\n",
            "From: MAILER-DAEMON@mail.campaign.example (Mail Delivery System)\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "Auto-Submitted: auto-replied\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/report; report-type=delivery-status;\r\n",
            "\tboundary=\"B1.1/mail.campaign.example\"\r\n\r\n",
            "This is a MIME-encapsulated message.\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
            "<nobody@council.example>: host mx.council.example[192.0.2.1] said: 550 5.1.1\r\n",
            "    <nobody@council.example>: Recipient address rejected: User unknown\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n",
            "Reporting-MTA: dns; mail.campaign.example\r\n",
            "X-Postfix-Queue-ID: B1\r\n\r\n",
            "Final-Recipient: rfc822; nobody@council.example\r\n",
            "Original-Recipient: rfc822;nobody@council.example\r\n",
            "Action: failed\r\n",
            "Status: 5.1.1\r\n",
            "Diagnostic-Code: smtp; 550 5.1.1 <nobody@council.example>: Recipient address\r\n",
            "    rejected: User unknown\r\n\r\n",
            "--B1.1/mail.campaign.example\r\n",
            "Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n",
            "From: Campaign <foi+k7q2@campaign.example>\r\n",
            "To: nobody@council.example\r\n",
            "Subject: Freedom of Information request [CCTV24-0042]\r\n",
            "Message-ID: <req-42@campaign.example>\r\n\r\n",
            "Dear FOI officer, please provide ...\r\n\r\n",
            "--B1.1/mail.campaign.example--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed.attachments.is_empty(), "{:?}", parsed.attachments);
        let report = parsed.delivery_report.as_ref().unwrap();
        assert_eq!(report.format, ReportFormat::Rfc3464);
        assert_eq!(
            report.original.subject.as_deref(),
            Some("Freedom of Information request [CCTV24-0042]")
        );
        assert_eq!(report.original.to, ["nobody@council.example"]);
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(bounce.permanent);
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("req-42@campaign.example")
        );
        let r = &bounce.recipients[0];
        assert_eq!(r.address, "nobody@council.example");
        assert_eq!(r.action.as_deref(), Some("failed"));
        assert_eq!(r.status.as_deref(), Some("5.1.1"));
        assert_eq!(
            r.diagnostic.as_deref(),
            Some("smtp; 550 5.1.1 <nobody@council.example>: Recipient address rejected: User unknown")
        );
    }

    #[test]
    fn delay_warning_is_a_temporary_bounce() {
        let raw = concat!(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: Warning: message 1abc delayed 24 hours\r\n\r\n",
            "This message was created automatically by mail delivery software.\r\n",
            "A message that you sent has not yet been delivered to one or more of its\r\n",
            "recipients after more than 24 hours on the queue.\r\n\r\n",
            "The address to which the message has not yet been delivered is:\r\n\r\n",
            "  foi@council.example\r\n\r\n",
            "No action is required on your part.\r\n",
        );
        let c = classify_raw(raw);
        assert_eq!(c.kind, Kind::Bounce, "{}", c.reason);
        let bounce = c.bounce.unwrap();
        assert!(!bounce.permanent);
        assert_eq!(bounce.recipients[0].address, "foi@council.example");
    }

    #[test]
    fn read_receipt_is_an_auto_reply() {
        let raw = concat!(
            "From: foi@council.example\r\nTo: foi+k7q2@campaign.example\r\n",
            "Subject: Read: FOI request\r\nMIME-Version: 1.0\r\n",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=m\r\n\r\n",
            "--m\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n",
            "--m\r\nContent-Type: message/disposition-notification\r\n\r\n",
            "Final-Recipient: rfc822; foi@council.example\r\n",
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n",
            "--m--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed.attachments.is_empty());
        assert!(parsed.delivery_report.is_none());
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }
}
