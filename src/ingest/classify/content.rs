//! What the new text of a reply says it is (clarification request, refusal,
//! acknowledgement, not held, response), and the documents attached that can hold an
//! answer.

use super::answers::Answered;
use super::evidence::Evidence;
use super::phrases::{
    ACK_PHRASES_SET, CLARIFICATION_PHRASES_SET, DEFINITE_REFUSAL_PHRASES_SET, NOT_HELD_PHRASES_SET,
    RESPONSE_PHRASES_SET, WEAK_REFUSAL_PHRASES_SET,
};
use super::Kind;
use crate::ingest::parse::{Attachment, ParsedMessage};

/// What the content of a reply says it is.
pub(super) struct Verdict {
    pub(super) kind: Kind,
    pub(super) reason: String,
    /// The message carries attachments that can hold an answer.
    pub(super) has_documents: bool,
}

/// Classifies by content, strongest consequence first: a clarification request (it stops
/// the clock), a definite refusal, an acknowledgement (holding replies included; one that
/// mentions exemptions as a possibility is still an acknowledgement) unless the same email
/// answers (says the information is not held, or states a fact with a figure), a
/// not-held answer, a response (documents attached, answering wording, or answers written
/// in the text; partly withheld when it also withholds), and last a refusal shown only by
/// exemptions cited or withholding words. `None`: the content says none of these.
///
/// (One function on purpose: the order of its checks is the order of precedence above,
/// and reads best as one list.)
pub(super) fn judge_content(
    message: &ParsedMessage,
    text: &Evidence,
    exemptions: &[String],
) -> Option<Verdict> {
    let documents: Vec<&Attachment> = message
        .attachments
        .iter()
        .filter(|a| is_document(a, message.html_body.as_deref()))
        .collect();
    let has_documents = !documents.is_empty();
    let verdict = |kind: Kind, reason: String| Verdict {
        kind,
        reason,
        has_documents,
    };
    let cited = if exemptions.is_empty() {
        String::new()
    } else {
        format!("; exemptions cited: {}", exemptions.join(", "))
    };

    if let Some(phrase) = text.find_any(&CLARIFICATION_PHRASES_SET) {
        return Some(verdict(
            Kind::ClarificationRequest,
            format!("clarification request: \"{phrase}\""),
        ));
    }
    if let Some(phrase) = text.find_any(&DEFINITE_REFUSAL_PHRASES_SET) {
        return Some(verdict(
            Kind::Refusal,
            format!("refusal: \"{phrase}\"{cited}"),
        ));
    }
    let not_held = text.find_any(&NOT_HELD_PHRASES_SET);
    let answered = Answered::of(text);
    let acknowledgement = text
        .find_any(&ACK_PHRASES_SET)
        .or_else(|| ack_in_attachment_names(message));
    if let Some(phrase) = acknowledgement {
        if not_held.is_none() && !answered.is_strong() {
            return Some(verdict(
                Kind::Acknowledgement,
                format!("acknowledgement: \"{phrase}\""),
            ));
        }
    }
    let response = text.find_any(&RESPONSE_PHRASES_SET);
    let weak_refusal = text.find_any(&WEAK_REFUSAL_PHRASES_SET);
    if let Some(phrase) = not_held {
        // (statements of fact alone do not outweigh it: "we do not use this" explains
        // why nothing is held)
        if !has_documents && !answered.is_strong() {
            return Some(verdict(
                Kind::NotHeld,
                format!("not held: the body says it holds none of it (\"{phrase}\"){cited}"),
            ));
        }
    }
    if has_documents || response.is_some() || answered.is_answer() {
        let mut evidence = Vec::new();
        if let Some(phrase) = response {
            evidence.push(format!("\"{phrase}\""));
        }
        if answered.is_answer() {
            evidence.push(answered.describe());
        }
        if has_documents {
            let names = documents
                .iter()
                .take(5)
                .map(|a| a.file_name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            evidence.push(format!("{} attachment(s): {names}", documents.len()));
        }
        if let Some(phrase) = not_held {
            evidence.push(format!("part not held (\"{phrase}\")"));
        }
        let partial = if weak_refusal.is_some() || !exemptions.is_empty() {
            " (partly withheld)"
        } else {
            ""
        };
        return Some(verdict(
            Kind::Response,
            format!("response{partial}: {}{cited}", evidence.join(", ")),
        ));
    }
    if !exemptions.is_empty() || weak_refusal.is_some() {
        let mut evidence: Vec<String> = Vec::new();
        if let Some(phrase) = weak_refusal {
            evidence.push(format!("\"{phrase}\""));
        }
        if !exemptions.is_empty() {
            evidence.push(format!("exemptions cited: {}", exemptions.join(", ")));
        }
        return Some(verdict(
            Kind::Refusal,
            format!("refusal: {}", evidence.join("; ")),
        ));
    }
    None
}

/// True when what the text says is at most a covering note ("please find attached our
/// response"): no clarification, refusal, acknowledgement, not-held or withholding
/// wording, no exemption cited and no answer written in it. Its class then came from the
/// documents attached (or from nothing), not from anything it said.
pub(super) fn covering_note_only(text: &Evidence, exemptions: &[String]) -> bool {
    exemptions.is_empty()
        && text.find_any(&CLARIFICATION_PHRASES_SET).is_none()
        && text.find_any(&DEFINITE_REFUSAL_PHRASES_SET).is_none()
        && text.find_any(&ACK_PHRASES_SET).is_none()
        && text.find_any(&NOT_HELD_PHRASES_SET).is_none()
        && text.find_any(&WEAK_REFUSAL_PHRASES_SET).is_none()
        && !Answered::of(text).is_answer()
}

/// An attachment named as an acknowledgement letter ("Acknowledgement FOI-123.pdf",
/// "Eingangsbestätigung.doc"): the acknowledgement is in the file, not the text. A name
/// that merely mentions the word somewhere is not enough.
fn ack_in_attachment_names(message: &ParsedMessage) -> Option<&'static str> {
    let names: Vec<String> = message
        .attachments
        .iter()
        .map(|a| {
            a.file_name
                .trim_start_matches(|c: char| !c.is_alphabetic())
                .to_lowercase()
        })
        .collect();
    [
        "eingangsbest",
        "empfangsbest",
        "acknowledgement",
        "acknowledgment",
    ]
    .into_iter()
    .find(|word| names.iter().any(|n| n.starts_with(word)))
}

/// An attachment that can carry an answer: not a signature, not a logo or a signature
/// image, not an image the HTML merely shows.
fn is_document(attachment: &Attachment, html: Option<&str>) -> bool {
    let kind = attachment.content_type.as_str();
    if kind.starts_with("image/") {
        let name = attachment.file_name.to_lowercase();
        let decorative_name = [
            "logo",
            "banner",
            "signature",
            "spacer",
            "facebook",
            "twitter",
            "linkedin",
            "instagram",
            "youtube",
        ]
        .iter()
        .any(|w| name.contains(w))
            || (name.starts_with("image0")
                && name.chars().nth(6).is_some_and(|c| c.is_ascii_digit()));
        let shown_and_small = attachment.content_id.as_deref().is_some_and(|cid| {
            html.is_some_and(|h| h.contains(&format!("cid:{cid}"))) && attachment.size < 16 * 1024
        }) && attachment.inline;
        return !(decorative_name || shown_and_small);
    }
    !crate::ingest::parse::is_signature_type(kind)
        && !matches!(
            kind,
            "application/pgp-keys" | "text/vcard" | "text/x-vcard" | "text/calendar"
        )
}

#[cfg(test)]
mod tests {
    use super::super::test_mail::{classify_raw, email};
    use super::super::{classify, Kind};
    use crate::ingest::parse::{parse, Limits};

    #[test]
    fn english_acknowledgement_with_reference() {
        let c = classify_raw(&email(
            "Subject: RE: Freedom of Information request - CCTV [CCTV24-0042]",
            "Dear Ms Smith,\r\n\r\nThank you for your request for information, which we \
             received on 3 March 2026. We acknowledge receipt of your request and will respond \
             within 20 working days, in line with section 10 of the Freedom of Information Act \
             2000.\r\n\r\nOur ref: FOI-2024-1234\r\n\r\nInformation Governance Team",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert!(c.reason.contains("acknowledge receipt"), "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI-2024-1234"));
        assert!(c.exemptions.is_empty());
    }

    #[test]
    fn acknowledgement_that_mentions_exemptions_hypothetically_is_not_a_refusal() {
        let c = classify_raw(&email(
            "Subject: Your FOI request",
            "Your request has been received and logged under Reference: FOI/24/0042. \
             We will respond within 20 working days. Please note that some information may \
             be exempt from disclosure under section 40(2) of the Act.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("FOI/24/0042"));
        assert_eq!(c.exemptions, ["s40"]);
    }

    #[test]
    fn refusal_citing_section_12() {
        let c = classify_raw(&email(
            "Subject: FOI 12345 - response",
            "Dear requester,\r\n\r\nRequest number 12345\r\n\r\nWe estimate that the cost of \
             complying with your request would exceed the appropriate limit of £450. The \
             council is therefore not obliged to comply, and this letter is a refusal notice \
             under section 17 citing section 12(1) of the Freedom of Information Act 2000.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
        assert_eq!(c.exemptions, ["s12"]);
        assert_eq!(c.body_reference.as_deref(), Some("12345"));
    }

    #[test]
    fn refusal_citing_personal_data_and_commercial_interests() {
        let c = classify_raw(&email(
            "Subject: Re: Information request",
            "The names of staff are exempt from disclosure under s.40(2), and the contract \
             prices are withheld under sections 41 and 43(2). The public interest in \
             maintaining the exemption outweighs the public interest in disclosure.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
        assert_eq!(c.exemptions, ["s40", "s41", "s43"]);
    }

    #[test]
    fn response_with_pdf_attachment() {
        let raw = concat!(
            "From: foi@council.example\r\n",
            "To: foi+k7q2@campaign.example\r\n",
            "Subject: RE: FOI request CCTV [CCTV24-0042]\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            "Dear Ms Smith,\r\n\r\nPlease find attached our response to your request.\r\n\r\n",
            "Kind regards\r\n\r\n",
            "-----Original Message-----\r\n",
            "From: Campaign <foi+k7q2@campaign.example>\r\n",
            "Sent: 3 March 2026\r\n",
            "Please clarify nothing; we acknowledge receipt of nothing. Section 43 applies.\r\n",
            "--b1\r\nContent-Type: application/pdf; name=\"FOI-1234 response.pdf\"\r\n",
            "Content-Disposition: attachment; filename=\"FOI-1234 response.pdf\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n",
            "JVBERi0xLjQKJcfsj6IK\r\n",
            "--b1--\r\n",
        );
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert_eq!(parsed.attachments.len(), 1);
        assert_eq!(parsed.attachments[0].file_name, "FOI-1234 response.pdf");
        assert_eq!(parsed.attachments[0].content_type, "application/pdf");
        assert!(parsed.attachments[0].bytes.starts_with(b"%PDF-1.4"));
        let c = classify(&parsed);
        assert_eq!(c.kind, Kind::Response, "{}", c.reason);
        assert!(c.reason.contains("FOI-1234 response.pdf"), "{}", c.reason);
        // The quoted request below "Original Message" says nothing about this reply.
        assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
    }

    #[test]
    fn clarification_request() {
        let c = classify_raw(&email(
            "Subject: RE: FOI request",
            "Thank you for your request received on 3 March. Before we can proceed, could you \
             please clarify which financial years you are interested in? Under section 1(3) \
             of the Act we do not have to comply until we receive your clarification.",
        ));
        assert_eq!(c.kind, Kind::ClarificationRequest, "{}", c.reason);
    }

    #[test]
    fn hypothetical_clarification_is_an_acknowledgement() {
        let c = classify_raw(&email(
            "Subject: Acknowledgement",
            "We acknowledge receipt of your request. If we need clarification we will \
             contact you.",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
    }

    #[test]
    fn human_mail_mentioning_delivery_is_not_a_bounce() {
        let c = classify_raw(&email(
            "Subject: Re: FOI request",
            "Your earlier email could not be delivered to our old address, so I am replying \
             from the new one. In response to your request, we do not hold the information.",
        ));
        assert_eq!(c.kind, Kind::NotHeld, "{}", c.reason);
    }

    #[test]
    fn german_replies() {
        let c = classify_raw(&email(
            "Subject: Ihr Antrag nach dem IFG",
            "Sehr geehrte Frau Müller,\r\n\r\nhiermit bestätigen wir den Eingang Ihrer Anfrage \
             vom 3. März.\r\n\r\nAktenzeichen: 12-345/2026",
        ));
        assert_eq!(c.kind, Kind::Acknowledgement, "{}", c.reason);
        assert_eq!(c.body_reference.as_deref(), Some("12-345/2026"));
        let c = classify_raw(&email(
            "Subject: Bescheid",
            "Die erbetenen Unterlagen können nicht zur Verfügung gestellt werden.",
        ));
        assert_eq!(c.kind, Kind::Refusal, "{}", c.reason);
    }
}
