//! Requests that go by hand: a body that demands its web form (`portal`) or a letter
//! (`post`). A case is marked so (`foi case channel`), appears in the "to submit by hand"
//! list with the exact text of its request to paste or print (`foi cases by-hand`, the
//! dashboard's By hand page), and its manual submission is recorded (`foi case
//! submitted`): a `submitted` event whose date the clock counts from.
//!
//! Sees `compose` (the request's text), `store` and the settings.

use crate::casework::check::check_campaign;
use crate::config::Settings;
use crate::domain::{Case, Reference};
use crate::store::Store;
use anyhow::bail;
use chrono::{DateTime, NaiveDate, Utc};

/// How a request reaches its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Portal,
    Post,
}

impl Channel {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "email" => Some(Self::Email),
            "portal" | "web" | "web-form" => Some(Self::Portal),
            "post" | "letter" => Some(Self::Post),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Portal => "portal",
            Self::Post => "post",
        }
    }
}

/// One case to submit by hand, with what to paste or print.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToSubmit {
    pub reference: Reference,
    pub campaign: String,
    pub body: String,
    pub channel: String,
    pub marked_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub subject: String,
    pub text: String,
}

/// Mark how `case`'s request must reach its body (`note`: where the form is, the postal
/// address ...).
pub async fn mark_channel(
    store: &Store,
    case: &Case,
    channel: Channel,
    note: Option<&str>,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let note = match (channel, note.map(str::trim).filter(|n| !n.is_empty())) {
        (Channel::Email, n) => format!(
            "the request goes by email{}",
            n.map(|n| format!(": {n}")).unwrap_or_default()
        ),
        (c, n) => format!(
            "to submit by hand via {}{}",
            c.as_str(),
            n.map(|n| format!(": {n}")).unwrap_or_default()
        ),
    };
    store
        .set_case_channel(case.id, channel.as_str(), &note, actor, today, now)
        .await?;
    Ok(())
}

/// Record that `case`'s request was submitted by hand on `on` (not in the future): the
/// clock counts from it. `their_ref` is the body's own reference, when it gave one.
#[allow(clippy::too_many_arguments)]
pub async fn record_submitted(
    store: &Store,
    case: &Case,
    via: Channel,
    on: NaiveDate,
    their_ref: Option<&str>,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if via == Channel::Email {
        bail!("--via email: an email is sent through the outbox (`foi send`); a submission by hand is via portal or post");
    }
    if on > today {
        bail!("--date {on} is in the future: record the submission on or after the day it is made");
    }
    let mut note = format!("submitted by hand via {}", via.as_str());
    if let Some(r) = their_ref.map(str::trim).filter(|r| !r.is_empty()) {
        note.push_str(&format!(" (their reference {r})"));
    }
    store
        .record_submission(case.id, via.as_str(), on, &note, actor, now)
        .await?;
    Ok(())
}

/// The cases still to submit by hand, each with its request's text rendered again from
/// its campaign's templates (a case whose templates no longer render says so in `text`).
pub async fn to_submit(
    store: &Store,
    settings: &Settings,
    today: NaiveDate,
) -> anyhow::Result<Vec<ToSubmit>> {
    let mut out = Vec::new();
    for row in store.to_submit_by_hand().await? {
        let case = store.require_case(&row.reference).await?;
        let campaign = store.require_campaign(&case.campaign).await?;
        let mut text = None;
        let report = check_campaign(
            store,
            settings,
            &campaign,
            today,
            Some(&case.reference),
            &mut |_, _, draft| {
                text = Some((draft.rendered.subject.clone(), draft.rendered.text.clone()));
                Ok(())
            },
        )
        .await?;
        let (subject, text) = match (text, report.failures.first()) {
            (Some(t), _) => t,
            (None, Some((_, _, f))) => {
                (String::new(), format!("(the request does not render: {f})"))
            }
            (None, None) => (String::new(), String::new()),
        };
        out.push(ToSubmit {
            reference: row.reference,
            campaign: case.campaign.clone(),
            body: case.body_name.clone(),
            channel: row.channel,
            marked_on: row.marked_on,
            note: row.note,
            subject,
            text,
        });
    }
    Ok(out)
}
