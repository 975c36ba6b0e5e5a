//! Pure domain types and rules: bodies, campaigns, cases, references, reply tokens,
//! email addresses, body selections, the bodies CSV format and a campaign's questions.
//!
//! Everything here is parsed once ("parse, don't validate") and then trusted. This module
//! must not import anything else of ours, nor any IO crate (no sqlx, lettre, imap, tokio).

pub mod body;
pub mod body_csv;
pub mod body_duplicates;
pub mod body_emails;
pub mod campaign;
pub mod case;
pub mod csv_lines;
pub mod document;
pub mod email;
pub mod event;
pub mod id;
pub mod pilot;
pub mod question;
pub mod regulator;
pub mod row_count;
pub mod search_query;
pub mod selection;
pub mod user;

pub use body::{plan_batch, plan_import, Body, BodyKey, ImportPlan, NewBody};
pub use campaign::{Campaign, CampaignState, ReferencePrefix};
pub use case::{Case, CaseStatus, Reference, ReplyToken};
pub use document::{DocumentState, Extraction, TextUnit};
pub use email::EmailAddress;
pub use event::Event;
pub use id::{AttachmentId, BodyId, CampaignId, CaseId, ChaserId, MessageId, OutboxId, UserId};
pub use pilot::pick_pilot;
pub use question::{Question, QuestionType, Questions};
pub use selection::Selection;
pub use user::{Role, UserName};

/// Lower-case hexadecimal, for digests.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::to_hex(&[]), "");
    }
}
