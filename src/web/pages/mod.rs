//! One file per page. Each handler takes the signed-in [`User`] (or a checked
//! [`EditForm`](super::auth::EditForm) for a POST), calls the library, and renders an
//! askama template (auto-escaped; the only `|safe` output is HTML we built or sanitised).

pub mod calendar;
pub mod campaigns;
pub mod case;
pub mod cases;
pub mod conversation;
pub mod overdue;
pub mod report;
pub mod search;
pub mod to_read;
pub mod triage;

use super::auth::User;
use crate::store::Store;

/// What the layout needs: who is signed in (for the sign-out form's CSRF token) and which
/// page is open.
pub struct Nav {
    pub user: User,
    pub active: &'static str,
}

impl Nav {
    pub fn new(user: User, active: &'static str) -> Self {
        Self { user, active }
    }
}

/// A query-string value, percent-encoded.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A path segment, percent-encoded: everything but unreserved characters (a `/` in a
/// campaign's name stays inside its segment, a space is `%20`, never `+`).
pub fn enc_segment(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Status names for people: `awaiting_response` -> `awaiting response`.
pub fn words(s: &str) -> String {
    s.replace(['_', '-'], " ")
}

/// The campaigns' names, in the store's order (for the pickers on several pages).
pub async fn campaign_names(store: &Store) -> anyhow::Result<Vec<String>> {
    Ok(store
        .campaigns()
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

/// The users' names (for the assignee pickers).
pub async fn user_names(store: &Store) -> anyhow::Result<Vec<String>> {
    Ok(store.users().await?.into_iter().map(|u| u.name).collect())
}
