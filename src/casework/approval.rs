//! Approving chasers that wait for a person (`approve` mode): their stored emails go to
//! the outbox as they are (`foi chasers approve`, the dashboard).
//!
//! Sees `store` and the settings.

use crate::config::Settings;
use crate::domain::{CaseId, ChaserId};
use crate::store::{NewOutboxItem, Store, TimelineFilter};
use anyhow::Context as _;
use std::collections::HashMap;

/// Queue chasers awaiting approval (`approve` mode) with their stored emails. Returns the
/// ids queued (one no longer pending is left as it is).
pub async fn approve(
    store: &Store,
    settings: &Settings,
    chosen: &[crate::store::ChaserRow],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<ChaserId>> {
    let tokens: HashMap<CaseId, crate::domain::ReplyToken> = store
        .case_timelines(&TimelineFilter::default())
        .await?
        .into_iter()
        .filter(|t| chosen.iter().any(|r| r.case_id == t.id))
        .map(|t| (t.id, t.token))
        .collect();
    let mut queued = Vec::new();
    for r in chosen {
        let envelope_from = tokens
            .get(&r.case_id)
            .map(|t| settings.reply.address(t))
            .context("the case has no reply token")?;
        let item_for = |row: &crate::store::ChaserRow, raw: Vec<u8>| NewOutboxItem {
            case_id: row.case_id,
            kind: format!("chaser:{}", row.step),
            message_id: row.message_id.clone(),
            envelope_from: envelope_from.clone(),
            recipient: row.recipient.clone(),
            subject: row.subject.clone(),
            raw,
            not_before: now,
        };
        if store.approve_chaser(r.id, &item_for, now).await? {
            queued.push(r.id);
        }
    }
    Ok(queued)
}
