//! Launching a campaign (check every case, then queue one email per case in one
//! transaction) and pausing, resuming or cancelling its sending. `foi campaign
//! launch|pause|resume|cancel` and the dashboard's Campaigns page both call these.
//!
//! Sees `compose` (rendering), `mime` (building the email), `store` and the settings.

use crate::casework::check::{check_campaign, CheckReport};
use crate::casework::compose::Draft;
use crate::casework::mime::{build, new_message_id, Thread};
use crate::config::Settings;
use crate::domain::{Campaign, CampaignState, Case};
use crate::store::{NewOutboxItem, Store};
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};

/// What a launch did.
pub enum Launch {
    /// This many emails were queued.
    Queued(usize),
    /// A dry run: every case renders; this many emails would be queued.
    WouldQueue(usize),
    /// Some cases do not render: nothing was queued.
    NotRendered(CheckReport),
}

/// Launch a draft campaign: every email is built (with its Message-ID) before any is
/// queued, and all are queued in one transaction, to be sent from `not_before`.
pub async fn launch(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
    today: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<Launch> {
    if campaign.state != CampaignState::Draft {
        if store
            .pilot(campaign.id)
            .await?
            .is_some_and(|p| p.released_at.is_none())
        {
            bail!(
                "campaign '{0}' is in its pilot: `foi campaign release {0}` queues the held cases",
                campaign.name
            );
        }
        bail!(
            "campaign '{}' is {} already: only a draft can be launched",
            campaign.name,
            campaign.state
        );
    }
    let (report, items) =
        check_and_build(store, settings, campaign, today, not_before, |_| true).await?;
    if !report.passed() {
        return Ok(Launch::NotRendered(report));
    }
    if dry_run {
        return Ok(Launch::WouldQueue(items.len()));
    }
    Ok(Launch::Queued(
        store.launch_campaign(campaign.id, &items, now).await?,
    ))
}

/// Check every case of `campaign` as at a launch and build the first request of each case
/// `keep` picks (it is called once per case that renders). The report names the cases that
/// do not render: the items are to be queued only when it passed.
pub(crate) async fn check_and_build(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    today: NaiveDate,
    not_before: DateTime<Utc>,
    mut keep: impl FnMut(&Case) -> bool + Send,
) -> anyhow::Result<(CheckReport, Vec<NewOutboxItem>)> {
    let sender_domain = settings.sender.domain()?;
    let mut items = Vec::new();
    let report = check_campaign(
        store,
        settings,
        campaign,
        today,
        None,
        &mut |case, _, draft| {
            if keep(case) {
                items.push(request_item(
                    settings,
                    &sender_domain,
                    case,
                    draft,
                    not_before,
                )?);
            }
            Ok(())
        },
    )
    .await?;
    Ok((report, items))
}

/// A case's first request as an outbox item: built (with its Message-ID) from its draft.
pub(crate) fn request_item(
    settings: &Settings,
    sender_domain: &str,
    case: &Case,
    draft: &Draft,
    not_before: DateTime<Utc>,
) -> anyhow::Result<NewOutboxItem> {
    let message_id = new_message_id(sender_domain);
    let raw = build(
        draft,
        &message_id,
        case.reference.as_str(),
        not_before,
        &Thread::default(),
    )
    .with_context(|| format!("case {}", case.reference))?;
    Ok(NewOutboxItem {
        case_id: case.id,
        kind: "request".into(),
        message_id,
        envelope_from: settings.reply.address(&case.token),
        recipient: draft.to_addr.clone(),
        subject: draft.rendered.subject.clone(),
        raw,
        not_before,
    })
}

/// A change to a launched campaign's sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    Pause,
    Resume,
    Cancel,
}

impl StateChange {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pause" => Some(Self::Pause),
            "resume" => Some(Self::Resume),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
        }
    }
}

/// Pause, resume or cancel; an error (changing nothing) when the campaign's state does not
/// allow it. Returns the unsent emails withdrawn (by a cancel).
pub async fn change_state(
    store: &Store,
    campaign: &Campaign,
    change: StateChange,
) -> anyhow::Result<u64> {
    let (done, withdrawn) = match change {
        StateChange::Pause => (
            store
                .set_campaign_state(campaign.id, &["launched"], "paused")
                .await?,
            0,
        ),
        StateChange::Resume => (
            store
                .set_campaign_state(campaign.id, &["paused"], "launched")
                .await?,
            0,
        ),
        StateChange::Cancel if campaign.state == CampaignState::Cancelled => (false, 0),
        StateChange::Cancel => (true, store.cancel_campaign(campaign.id).await?),
    };
    if !done {
        bail!(
            "campaign '{}' is {}: cannot {} it",
            campaign.name,
            campaign.state,
            change.as_str()
        );
    }
    Ok(withdrawn)
}
