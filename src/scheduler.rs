//! `foi run`: one loop that sends what is due as pacing allows, then sleeps until the
//! next due email (or a poll interval, to notice new launches), and stops cleanly on
//! shutdown. Later capabilities (fetching, chasers) join this loop.

use crate::clock::Clock;
use crate::sender::{SendStop, Sender};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often to look for work that another process queued.
const POLL: Duration = Duration::from_secs(30);

/// Run until `shutdown` turns true. An unreachable server is waited out; a login or TLS
/// failure stops the loop.
pub async fn run_until_stopped(
    sender: &mut Sender,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), SendStop> {
    loop {
        if *shutdown.borrow() {
            return Ok(());
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
        tokio::select! {
            _ = tokio::time::sleep(wake) => {}
            _ = shutdown.changed() => {}
        }
    }
}
