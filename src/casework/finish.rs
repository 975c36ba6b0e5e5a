//! The expected finish of a campaign's queue (`foi campaign show`, the dashboard): the
//! outbox's queued emails of every launched campaign (they share the pacing) and the
//! last day's claims, played forward by [`crate::sender::estimate`].
//!
//! Sees `store`, `sender` (the estimate) and the settings.

use crate::config::Settings;
use crate::domain::id::CampaignId;
use crate::sender::estimate::{estimate, Estimate, Waiting};
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};

/// When the queue, and the campaign's part of it, will have gone.
pub async fn finish_estimate(
    store: &Store,
    settings: &Settings,
    campaign: CampaignId,
    now: DateTime<Utc>,
) -> anyhow::Result<Estimate> {
    let queue: Vec<Waiting> = store
        .queued_emails()
        .await?
        .into_iter()
        .map(|q| Waiting {
            not_before: q.not_before,
            domain: q.recipient_domain,
            mine: q.campaign_id == campaign,
        })
        .collect();
    let history = store.pacing_history(now - Duration::days(1)).await?;
    Ok(estimate(
        &settings.send.pacing,
        &settings.send.window,
        &history.claims,
        &queue,
        now,
    ))
}

/// The estimate in words, one line each, times in `tz` (for `campaign show` and the
/// dashboard).
pub fn describe(e: &Estimate, tz: chrono_tz::Tz) -> Vec<String> {
    let when = |t: DateTime<Utc>| {
        t.with_timezone(&tz)
            .format("%a %Y-%m-%d %H:%M %Z")
            .to_string()
    };
    if e.mine == 0 {
        return vec!["nothing of this campaign is queued".into()];
    }
    if e.beyond_horizon {
        return vec![format!(
            "{} emails queued ({} in all): they would not all go within {} days; check [pacing] and [send_window]",
            e.mine,
            e.emails,
            crate::sender::estimate::HORIZON_DAYS
        )];
    }
    let mut lines = Vec::new();
    if let (Some(mine), Some(all)) = (e.mine_finish, e.finish) {
        lines.push(format!(
            "{} emails queued, expected to have gone by {}{}",
            e.mine,
            when(mine),
            if e.emails > e.mine {
                format!(" ({} in all, the last by {})", e.emails, when(all))
            } else {
                String::new()
            }
        ));
    }
    if let (Some(free), false) = (e.unlimited_finish, e.held_back.is_empty()) {
        lines.push(format!(
            "held back by per-domain limits (without them: {}):",
            when(free)
        ));
        for h in e.held_back.iter().take(5) {
            lines.push(format!(
                "  {} ({} emails at {}/hour, the last {})",
                h.group,
                h.emails,
                h.per_hour,
                when(h.last)
            ));
        }
        if e.held_back.len() > 5 {
            lines.push(format!("  and {} more domains", e.held_back.len() - 5));
        }
    }
    lines
}
