//! Settling an uncertain email (`foi outbox resolve`): a person, having looked at the Sent
//! folder or the server's log, says it went (it is recorded as sent, with its event) or it
//! did not (it is queued again). Holds the sender's lock meanwhile, so no run is sending.
//!
//! Sees `sender` (its lock, the date of receipt), `store` and `deadlines`.

use crate::deadlines::Regimes;
use crate::domain::OutboxId;
use crate::sender::SenderLock;
use crate::store::{OutboxState, Store};
use anyhow::bail;
use chrono::{DateTime, NaiveDate, Utc};
use std::path::Path;

/// What a person says of an uncertain email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It went: record it as sent.
    Sent,
    /// It did not: queue it again.
    Resend,
}

/// What settling did.
pub enum Settled {
    /// Recorded as sent, on this date of receipt.
    Sent { reference: String, on: NaiveDate },
    /// Queued again.
    Requeued { reference: String },
    /// It was no longer uncertain when the queue was asked (nothing done).
    Unchanged,
}

/// Settle uncertain outbox email `id`.
pub async fn resolve_uncertain(
    store: &Store,
    regimes: &Regimes,
    data_dir: &Path,
    id: OutboxId,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> anyhow::Result<Settled> {
    let _lock = SenderLock::acquire(data_dir)?;
    let Some((state, claimed)) = store.outbox_item(id).await? else {
        bail!("no outbox email {id}: `foi outbox --state uncertain` lists the ones to settle");
    };
    if state != OutboxState::Uncertain {
        bail!("outbox email {id} is {state}, not uncertain: nothing to settle");
    }
    match verdict {
        Verdict::Sent => {
            let at = store
                .outbox(None, Some(id))
                .await?
                .first()
                .and_then(|r| r.claimed_at)
                .unwrap_or(now);
            let on = crate::sender::receipt_date(regimes, &claimed, at);
            store.record_sent(&claimed, at, on).await?;
            Ok(Settled::Sent {
                reference: claimed.reference,
                on,
            })
        }
        Verdict::Resend if store.requeue_uncertain(id, now).await? => Ok(Settled::Requeued {
            reference: claimed.reference,
        }),
        Verdict::Resend => Ok(Settled::Unchanged),
    }
}
