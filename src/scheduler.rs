//! `foi run`: one loop that sends what is due as pacing allows, then sleeps until the
//! next due email (or a poll interval, to notice new launches), and stops cleanly on
//! shutdown. Each turn first fetches replies (every `[fetch] poll_secs`, or at once when
//! IMAP IDLE says new mail came) and takes the chaser steps that are due, unless
//! [`Turns`] says not to.

use crate::clock::Clock;
use crate::config::Config;
use crate::sender::{SendStop, Sender};
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often to look for work that another process queued.
const POLL: Duration = Duration::from_secs(30);

/// The least time between two chaser sweeps: a paced send makes many short turns, and a
/// sweep reads every open case.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// What `foi run` does on its turns besides sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turns {
    /// Fetch replies from the configured source.
    pub fetch: bool,
    /// Take the chaser steps that are due.
    pub chasers: bool,
}

/// Run until `shutdown` turns true. An unreachable server is waited out; a login or TLS
/// failure stops the loop. A fetch or a chaser sweep that fails is logged and the loop
/// goes on.
pub async fn run(
    sender: &mut Sender,
    store: &Store,
    config: &Config,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
    turns: Turns,
) -> Result<(), SendStop> {
    let mut last_sweep: Option<std::time::Instant> = None;
    let mut last_fetch: Option<std::time::Instant> = None;
    let fetch_every = Duration::from_secs(config.fetch.poll_secs.max(1));
    // IMAP IDLE wakes the loop as soon as new mail arrives (polling stays the fallback).
    let new_mail = std::sync::Arc::new(tokio::sync::Notify::new());
    if turns.fetch && config.fetch.source == "imap" {
        match config.imap_settings() {
            Ok(settings) => {
                let folder = config
                    .fetch
                    .folders
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "INBOX".into());
                crate::ingest::idle::spawn_watch(
                    settings,
                    folder,
                    new_mail.clone(),
                    shutdown.clone(),
                );
            }
            Err(e) => tracing::warn!("no IMAP IDLE: {e:#}"),
        }
    }
    let regimes = config
        .regimes()
        .map_err(|e| SendStop::Fatal(format!("{e:#}")))?;
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        if turns.fetch && last_fetch.is_none_or(|t| t.elapsed() >= fetch_every) {
            last_fetch = Some(std::time::Instant::now());
            let ctx = crate::ingest::fetch::Ctx {
                store,
                config,
                regimes: &regimes,
                clock: clock.as_ref(),
            };
            match crate::ingest::fetch::fetch_configured(&ctx).await {
                Ok(s) if s.new > 0 => tracing::info!(
                    "fetched {} new emails: {} matched, {} in triage",
                    s.new,
                    s.matched,
                    s.triage
                ),
                Ok(_) => {}
                Err(e) => tracing::error!("fetching replies failed: {e:#}"),
            }
        }
        if turns.chasers && last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
            last_sweep = Some(std::time::Instant::now());
            match crate::casework::chasers::sweep(store, config, clock.as_ref()).await {
                Ok(s) => {
                    if !s.taken.is_empty() {
                        tracing::info!(
                            "chasers: {} queued, {} awaiting approval, {} complaint drafts",
                            s.queued,
                            s.pending,
                            s.drafted
                        );
                    }
                    for e in &s.errors {
                        tracing::error!("chasers: {e}");
                    }
                }
                Err(e) => tracing::error!("the chaser sweep failed: {e:#}"),
            }
        }
        let wake = match sender
            .send_due(
                None,
                shutdown.clone(),
                &mut |_| {},
                std::time::Duration::ZERO,
            )
            .await
        {
            Ok((summary, idle)) => {
                if summary.sent + summary.failed + summary.retried > 0 {
                    tracing::info!(
                        "sent {}, retried {}, failed {}",
                        summary.sent,
                        summary.retried,
                        summary.failed
                    );
                }
                idle.and_then(|i| i.wake_at())
                    .and_then(|t| (t - clock.now()).to_std().ok())
                    .unwrap_or(POLL)
                    .min(POLL)
            }
            Err(SendStop::Unreachable(m)) => {
                tracing::warn!("{m}; trying again in {}s", POLL.as_secs());
                POLL
            }
            Err(e) => return Err(e),
        };
        // (the next fetch is due after `fetch_every`, IDLE or not)
        let wake = match last_fetch {
            Some(t) if turns.fetch => wake.min(fetch_every.saturating_sub(t.elapsed())),
            _ => wake,
        };
        tokio::select! {
            _ = tokio::time::sleep(wake) => {}
            _ = shutdown.changed() => {}
            _ = new_mail.notified() => last_fetch = None,
        }
    }
}
