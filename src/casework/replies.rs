//! Reading replies on a person's request (`foi fetch`, `foi import-mail`): ingestion
//! (`ingest`), then answers suggested from the replies it stored. A problem with the
//! suggestions is logged, never fails the fetch: the emails are stored already, and
//! `foi answers suggest` can be run again.
//!
//! Sees `ingest`, `store`, `deadlines`, its part of the settings and `clock`.

use crate::casework::answers::{suggest, SuggestScope, SuggestSummary};
use crate::clock::Clock;
use crate::config::FetchSettings;
use crate::deadlines::Regimes;
use crate::ingest::fetch::{fetch_configured, import_files, Ctx, FetchSummary};
use crate::store::Store;
use std::path::PathBuf;

/// Where the replies come from.
pub enum Source<'a> {
    /// The configured source (`[fetch] source`).
    Configured,
    /// `.eml` or mbox files.
    Files(&'a [PathBuf]),
}

/// Read replies from `source`, then suggest answers from those stored. Returns the fetch's
/// totals and the suggestions (`None` when they failed; the failure is logged).
pub async fn read_replies(
    store: &Store,
    settings: &FetchSettings,
    regimes: &Regimes,
    clock: &dyn Clock,
    source: Source<'_>,
) -> anyhow::Result<(FetchSummary, Option<SuggestSummary>)> {
    // (each batch's cases get their derived status in the transaction that records it)
    let rule = crate::casework::state::StatusRule::load(store).await?;
    let derive = |c, before, events: &[_]| rule.status(c, before, events);
    let ctx = Ctx {
        store,
        settings,
        regimes,
        clock,
        derive: &derive,
    };
    let before = store.last_message_id().await?;
    let fetched = match source {
        Source::Configured => fetch_configured(&ctx).await?,
        Source::Files(files) => import_files(&ctx, files).await?,
    };
    let scope = SuggestScope {
        campaign_id: None,
        after_message: Some(before.unwrap_or_default()),
    };
    let suggested = match suggest(store, scope, clock.now()).await {
        Ok(s) => {
            for w in &s.skipped {
                tracing::warn!("answer suggestions skipped {w}");
            }
            Some(s)
        }
        Err(e) => {
            tracing::warn!("answer suggestions failed: {e:#} (run `foi answers suggest`)");
            None
        }
    };
    Ok((fetched, suggested))
}
