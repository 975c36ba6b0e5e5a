//! The sender's path to the store: one task, on one connection, that claims emails for the
//! sessions and records the emails the server took, in batches.

use super::outcome::SendStop;
use crate::domain::OutboxId;
use crate::store::{Claimed, SentRecord, Store};
use chrono::{DateTime, NaiveDate, Utc};

enum Op {
    Sent(Box<Claimed>, DateTime<Utc>, NaiveDate),
    Claim(Claim),
}

/// A claim asked of the recorder (see [`crate::store::ProgressLog::claim`]).
struct Claim {
    ids: Vec<OutboxId>,
    now: DateTime<Utc>,
    boot: String,
    answer: tokio::sync::oneshot::Sender<anyhow::Result<Vec<Claimed>>>,
}

/// The sender's path to the store: one task, on one connection, that claims emails for
/// the sessions and records the emails the server took in batches (each in the journal
/// meanwhile): up to [`SENT_BATCH`] in one transaction, or fewer once no more come for
/// [`SENT_IDLE`] or the first has waited [`SENT_MAX_WAIT`].
pub(super) struct Recorder {
    ops: tokio::sync::mpsc::UnboundedSender<Op>,
}

impl Recorder {
    pub(super) fn start(store: Store) -> (Self, tokio::task::JoinHandle<anyhow::Result<()>>) {
        let (ops, rx) = tokio::sync::mpsc::unbounded_channel();
        (Self { ops }, tokio::spawn(record_loop(store, rx)))
    }

    /// Claim emails, durably, on the recorder's connection: the claimed emails come as
    /// the answer.
    pub(super) fn claim(
        &self,
        ids: Vec<OutboxId>,
        now: DateTime<Utc>,
        boot: String,
    ) -> Result<ClaimAnswer, SendStop> {
        let (answer, rx) = tokio::sync::oneshot::channel();
        self.ops
            .send(Op::Claim(Claim {
                ids,
                now,
                boot,
                answer,
            }))
            .map_err(|_| recorder_gone())?;
        Ok(ClaimAnswer(rx))
    }

    /// Record a sent email (with the next batch).
    pub(super) fn sent(
        &self,
        mut c: Claimed,
        at: DateTime<Utc>,
        on: NaiveDate,
    ) -> Result<(), SendStop> {
        // (the bytes are stored already; recording needs only their hash)
        c.raw = Vec::new();
        self.ops
            .send(Op::Sent(Box::new(c), at, on))
            .map_err(|_| recorder_gone())
    }
}

/// The emails a claim asked of the recorder reserved, once it has committed.
pub(super) struct ClaimAnswer(tokio::sync::oneshot::Receiver<anyhow::Result<Vec<Claimed>>>);

impl std::future::Future for ClaimAnswer {
    type Output = Result<Vec<Claimed>, SendStop>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| Ok(r.map_err(|_| recorder_gone())??))
    }
}

fn recorder_gone() -> SendStop {
    SendStop::Store(anyhow::anyhow!("the outbox recorder stopped"))
}

/// How many sent emails are recorded together at most.
const SENT_BATCH: usize = 256;

/// How long sent emails may wait to be recorded when no more come.
const SENT_IDLE: std::time::Duration = std::time::Duration::from_millis(20);

/// How long a sent email may wait to be recorded at most (so that `foi outbox` and the
/// dashboard are never far behind a steady trickle).
const SENT_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

async fn record_loop(
    store: Store,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Op>,
) -> anyhow::Result<()> {
    let mut log = store.progress_log().await?;
    let mut ops = Vec::new();
    let mut sent: Vec<(Box<Claimed>, DateTime<Utc>, NaiveDate)> = Vec::new();
    // When the first of `sent` came.
    let mut first = std::time::Instant::now();
    let (mut batches, mut emails) = (0usize, 0usize);
    let mut busy = std::time::Duration::ZERO;
    loop {
        // (0 when the channel is closed, or when it is time to record)
        let received = if sent.is_empty() {
            rx.recv_many(&mut ops, 256).await
        } else {
            let wait = SENT_IDLE.min(SENT_MAX_WAIT.saturating_sub(first.elapsed()));
            tokio::time::timeout(wait, rx.recv_many(&mut ops, 256))
                .await
                .unwrap_or(0)
        };
        let closed = received == 0 && sent.is_empty();
        if sent.is_empty() {
            first = std::time::Instant::now();
        }
        for op in ops.drain(..) {
            match op {
                Op::Sent(c, at, on) => sent.push((c, at, on)),
                // (the sessions are waiting for these)
                Op::Claim(c) => {
                    let _ = c
                        .answer
                        .send(log.claim(&c.ids, c.now, &c.boot).await.map_err(Into::into));
                }
            }
        }
        if closed {
            break;
        }
        let due = received == 0 || first.elapsed() >= SENT_MAX_WAIT;
        if sent.len() >= SENT_BATCH || (due && !sent.is_empty()) {
            let t = std::time::Instant::now();
            log.record_sent(&sent_records(&sent)).await?;
            busy += t.elapsed();
            batches += 1;
            emails += sent.len();
            sent.clear();
        }
    }
    tracing::debug!("recorder: {emails} sent emails in {batches} batches, {busy:?} in them");
    Ok(())
}

fn sent_records(sent: &[(Box<Claimed>, DateTime<Utc>, NaiveDate)]) -> Vec<SentRecord<'_>> {
    sent.iter()
        .map(|(c, at, on)| SentRecord {
            claimed: c,
            at: *at,
            date_of_receipt: *on,
        })
        .collect()
}
