//! Pure domain types and rules: bodies, campaigns, cases, references, reply tokens,
//! email addresses, body selections, the bodies CSV format and a campaign's questions.
//!
//! Everything here is parsed once ("parse, don't validate") and then trusted. This module
//! must not import anything else of ours, nor any IO crate (no sqlx, lettre, imap, tokio).

pub mod body;
pub mod body_csv;
pub mod campaign;
pub mod case;
pub mod email;
pub mod event;
pub mod question;
pub mod selection;
pub mod user;

pub use body::{plan_import, Body, BodyKey, ImportPlan, NewBody};
pub use campaign::{Campaign, CampaignState, ReferencePrefix};
pub use case::{Case, CaseStatus, Reference, ReplyToken};
pub use email::EmailAddress;
pub use question::{Question, QuestionType, Questions};
pub use selection::Selection;
pub use user::{Role, UserName};

/// Lower-case hexadecimal, for digests.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
