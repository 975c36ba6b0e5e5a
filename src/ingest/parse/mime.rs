//! The MIME tree of a message: each part's parent, place and type, and the types that
//! are signatures, delivery statuses or returned messages rather than attachments.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::headers::mime_type_of;

/// Parent links and types for the top-level message's parts.
pub(super) struct Tree {
    parent: Vec<Option<usize>>,
    /// Position among the parent's children.
    position: Vec<usize>,
    mime: Vec<String>,
}

impl Tree {
    pub(super) fn new(message: &Message<'_>) -> Self {
        let count = message.parts.len();
        let mut parent = vec![None; count];
        let mut position = vec![0; count];
        for (index, part) in message.parts.iter().enumerate() {
            if let PartType::Multipart(children) = &part.body {
                for (pos, &child) in children.iter().enumerate() {
                    let child = child as usize;
                    if child != index {
                        if let Some(slot) = parent.get_mut(child) {
                            *slot = Some(index);
                        }
                        if let Some(slot) = position.get_mut(child) {
                            *slot = pos;
                        }
                    }
                }
            }
        }
        let mime = message.parts.iter().map(part_mime_type).collect();
        Self {
            parent,
            position,
            mime,
        }
    }

    pub(super) fn mime(&self, index: usize) -> &str {
        self.mime.get(index).map_or("", String::as_str)
    }

    /// The MIME type of a part's parent multipart (`""` for the top-level part).
    pub(super) fn parent_mime(&self, index: usize) -> &str {
        match self.parent.get(index) {
            Some(Some(parent)) => self.mime(*parent),
            _ => "",
        }
    }

    /// True for the machine-readable parts of a multipart/report (everything after the
    /// human-readable first part).
    pub(super) fn is_report_part(&self, index: usize) -> bool {
        let Some(Some(parent)) = self.parent.get(index) else {
            return false;
        };
        self.mime(*parent) == "multipart/report" && self.position.get(index).copied() != Some(0)
    }
}

fn part_mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => mime_type_of(ct),
        None => match &part.body {
            PartType::Text(_) => "text/plain".to_string(),
            PartType::Html(_) => "text/html".to_string(),
            PartType::Message(_) => "message/rfc822".to_string(),
            PartType::Multipart(_) => "multipart/mixed".to_string(),
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                "application/octet-stream".to_string()
            }
        },
    }
}

/// True for the MIME type of a signature (S/MIME, PGP): listed as an attachment, since
/// it is a file the sender sent, but never a document that answers anything.
pub fn is_signature_type(content_type: &str) -> bool {
    SIGNATURE_TYPES.contains(&content_type)
}

const SIGNATURE_TYPES: [&str; 4] = [
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pkcs7-mime-signature",
];

pub(super) const STATUS_TYPES: [&str; 5] = [
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/global-disposition-notification",
    "message/feedback-report",
];

pub(super) const RETURNED_MESSAGE_TYPES: [&str; 5] = [
    "message/rfc822",
    "message/global",
    "text/rfc822-headers",
    "message/rfc822-headers",
    "message/global-headers",
];
