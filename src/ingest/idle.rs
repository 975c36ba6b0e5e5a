//! IMAP IDLE: a background watch on the first configured folder that wakes `foi run` as
//! soon as the server announces new mail. Where the server has no IDLE, or the watch
//! fails, `foi run` keeps polling every `[fetch] poll_secs`, so nothing depends on it.

use crate::net::imap::{connect, ImapSettings};
use async_imap::extensions::idle::IdleResponse;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Servers drop an IDLE after 30 minutes; renew before.
const RENEW: Duration = Duration::from_secs(25 * 60);

/// Watch `folder`, calling `notify.notify_one()` on news, until `shutdown`.
pub fn spawn_watch(
    settings: ImapSettings,
    folder: String,
    notify: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Duration::from_secs(5);
        loop {
            if *shutdown.borrow() {
                return;
            }
            match watch_once(&settings, &folder, &notify, &mut shutdown).await {
                Ok(Stop::Shutdown) => return,
                Ok(Stop::NoIdle) => {
                    tracing::info!("the IMAP server has no IDLE: polling every [fetch] poll_secs");
                    return;
                }
                Err(e) => {
                    tracing::warn!("IMAP IDLE watch: {e:#}; again in {}s", backoff.as_secs());
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
            }
        }
    })
}

enum Stop {
    Shutdown,
    NoIdle,
}

async fn watch_once(
    settings: &ImapSettings,
    folder: &str,
    notify: &Notify,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<Stop> {
    let mut session = connect(settings).await?;
    if !session.capabilities().await?.has_str("IDLE") {
        return Ok(Stop::NoIdle);
    }
    session.examine(folder).await?;
    let mut first = true;
    loop {
        let mut idle = session.idle();
        idle.init().await?;
        if first {
            tracing::info!("watching {folder} with IMAP IDLE");
            first = false;
        }
        let (wait, stop) = idle.wait_with_timeout(RENEW);
        let outcome = tokio::select! {
            r = wait => Some(r?),
            _ = shutdown.changed() => None,
        };
        drop(stop);
        let Some(response) = outcome else {
            return Ok(Stop::Shutdown);
        };
        if let IdleResponse::NewData(_) = response {
            notify.notify_one();
        }
        session = idle.done().await?;
    }
}
