//! Automatic replies: out-of-office wording, the headers only automatic replies carry
//! (RFC 3834 and friends), and those that mark bulk or machine-made mail.

use super::content::judge_content;
use super::evidence::Evidence;
use super::phrases::{OUT_OF_OFFICE_PHRASES_SET, OUT_OF_OFFICE_SUBJECTS_SET};
use super::{Decision, Kind};
use crate::ingest::parse::ParsedMessage;

/// How far into the new text out-of-office wording is looked for, in bytes.
const OUT_OF_OFFICE_WINDOW: usize = 1_000;

/// Out-of-office wording always wins. Otherwise automatic mail is judged by what it says,
/// because case-management systems send acknowledgements (with the body's reference) and
/// even responses marked as automatic; when it says nothing of consequence it is an
/// auto-reply. `None` for mail no machine is said to have written.
pub(super) fn decide(
    message: &ParsedMessage,
    text: &Evidence,
    exemptions: &[String],
) -> Option<Decision> {
    let strong_auto = strong_auto_header(message);
    let out_of_office = text
        .subject_match(&OUT_OF_OFFICE_SUBJECTS_SET)
        .map(|p| format!("out-of-office subject \"{p}\""))
        .or_else(|| {
            text.fresh_start_match(&OUT_OF_OFFICE_PHRASES_SET, OUT_OF_OFFICE_WINDOW)
                .map(|p| format!("out-of-office wording \"{p}\""))
        });
    if let Some(wording) = out_of_office {
        let mut reason = format!("auto-reply: {wording}");
        if let Some(header) = &strong_auto {
            reason.push_str(&format!(" and {header}"));
        }
        return Some((Kind::AutoReply, reason, None));
    }
    let header = strong_auto?;
    Some(match judge_content(message, text, exemptions) {
        // A reply-like phrase alone ("please see below", "not available") is not enough
        // from a machine.
        Some(verdict)
            if !matches!(verdict.kind, Kind::Response | Kind::NotHeld) || verdict.has_documents =>
        {
            (
                verdict.kind,
                format!("{} (sent automatically: {header})", verdict.reason),
                None,
            )
        }
        _ => (Kind::AutoReply, format!("auto-reply: {header}"), None),
    })
}

/// RFC 3834 and the widespread X- headers that only automatic replies carry.
fn strong_auto_header(message: &ParsedMessage) -> Option<String> {
    let auto = &message.automation;
    if let Some(value) = &auto.auto_submitted {
        let first = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !first.is_empty() && first != "no" {
            return Some(format!("Auto-Submitted: {value}"));
        }
    }
    if auto.x_autoreply.is_some() {
        return Some("X-Autoreply header".to_string());
    }
    if auto.x_autorespond.is_some() {
        return Some("X-Autorespond header".to_string());
    }
    let precedence = auto.precedence.as_deref().map(str::to_ascii_lowercase);
    if precedence.as_deref() == Some("auto_reply") {
        return Some("Precedence: auto_reply".to_string());
    }
    None
}

/// Headers that mark mail as bulk or machine-made without saying it is a reply: they
/// only decide when the content says nothing (a response may well come with them).
pub(super) fn weak_auto_header(message: &ParsedMessage) -> Option<String> {
    let auto = &message.automation;
    if let Some(precedence) = &auto.precedence {
        let lower = precedence.to_ascii_lowercase();
        if ["bulk", "junk", "list"].contains(&lower.trim()) {
            return Some(format!("Precedence: {precedence}"));
        }
    }
    if let Some(value) = &auto.x_auto_response_suppress {
        let lower = value.to_ascii_lowercase();
        if ["all", "oof", "autoreply"]
            .iter()
            .any(|v| lower.contains(v))
        {
            return Some(format!("X-Auto-Response-Suppress: {value}"));
        }
    }
    if let Some(list) = &auto.list_id {
        return Some(format!("mailing list (List-Id: {list})"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::test_mail::{classify_raw, email};
    use super::super::Kind;

    #[test]
    fn out_of_office_with_auto_submitted() {
        let c = classify_raw(&email(
            "Subject: Automatic reply: FOI request\r\nAuto-Submitted: auto-replied",
            "I am out of the office until Monday 9 March with limited access to email. \
             Your request has been received and will be dealt with on my return.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
        assert!(c.reason.contains("Auto-Submitted"), "{}", c.reason);
    }

    #[test]
    fn german_out_of_office_without_headers() {
        let c = classify_raw(&email(
            "Subject: Abwesenheitsnotiz: Ihre Anfrage",
            "Ich bin bis zum 10.03. nicht im Büro. Ab dem 11.03. bin ich wieder erreichbar.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn automatic_acknowledgement_is_an_acknowledgement() {
        let c = classify_raw(&email(
            "Subject: Thank you for your request\r\nAuto-Submitted: auto-generated\r\nPrecedence: bulk",
            "This is an automated message. We have received your request and we will respond \
             within 20 working days. Your reference is FOI-7781.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert!(c.reason.contains("sent automatically"), "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI-7781"));
    }

    #[test]
    fn response_from_a_case_management_system_is_a_response() {
        let raw = concat!(
            "From: noreply@council.example\r\nTo: foi+k7q2@campaign.example\r\n",
            "Subject: Response to your request FOI-2026-0113\r\n",
            "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"cms\"\r\n\r\n",
            "--cms\r\nContent-Type: text/plain\r\n\r\n",
            "Please find attached the response to your request.\r\n",
            "--cms\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n",
            "Content-Disposition: attachment; filename=\"CCTV cameras.xlsx\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQABgAIAAAAIQ==\r\n",
            "--cms--\r\n",
        );
        let c = classify_raw(raw);
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
        assert!(c.reason.contains("Auto-Submitted"), "{}", c.reason);
        assert!(c.reason.contains("CCTV cameras.xlsx"), "{}", c.reason);
        // Without the document, the same automatic mail says nothing of consequence.
        let c = classify_raw(&email(
            "Subject: Thanks\r\nAuto-Submitted: auto-generated",
            "Please see below for our office hours.",
        ));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn plain_auto_reply_headers() {
        for header in [
            "X-Autoreply: yes",
            "X-Autorespond: 1",
            "Precedence: auto_reply",
        ] {
            let c = classify_raw(&email(
                &format!("Subject: Re: hello\r\n{header}"),
                "Thanks.",
            ));
            assert_eq!(c.kind, Kind::AutoReply, "{header}: {}", c.reason);
        }
        let c = classify_raw(&email(
            "Subject: Re: hello\r\nAuto-Submitted: no",
            "Thanks.",
        ));
        assert_eq!(c.kind, Kind::Reply, "{}", c.reason);
        let c = classify_raw(&email("Subject: Council news\r\nPrecedence: bulk", "News."));
        assert_eq!(c.kind, Kind::AutoReply, "{}", c.reason);
    }

    #[test]
    fn bulk_precedence_does_not_hide_a_response() {
        let c = classify_raw(&email(
            "Subject: FOI response\r\nPrecedence: bulk",
            "In response to your request, I can confirm that the council operates 14 cameras.",
        ));
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
    }
}
