//! The outbox worker. `try_send_next` is one step (claim, send, record) for tests;
//! `send_due` drives several SMTP sessions at once until nothing more is due now.

use super::error::SendError;
use super::outcome::{Idle, Outcome, SendStop, Summary};
use super::pacer::Pacer;
use super::recorder::{ClaimAnswer, Recorder};
use super::transport::Transport;
use crate::clock::Clock;
use crate::config::{Pacing, SendSettings};
use crate::deadlines::{Regimes, Window};
use crate::domain::OutboxId;
use crate::lock::ProcessLock;
use crate::net::imap::{ImapSession, ImapSettings};
use crate::store::{Claimed, SendJournal, SentRecord, Store};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How many emails one durable claim reserves at most.
const CLAIM_BATCH: usize = 64;

/// This boot of the machine (Linux), as the sender stamps its claims; claims made in an
/// earlier boot are treated as uncertain. Elsewhere a constant: a reboot then cannot be
/// told from a restart.
pub fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// Exponential backoff for temporary failures.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    pub fn from_pacing(p: &Pacing) -> Self {
        Self {
            max_attempts: p.max_attempts,
            base: Duration::seconds(p.retry_base_secs as i64),
            max: Duration::seconds(p.retry_max_secs as i64),
        }
    }

    /// The wait after the `attempts`-th failed attempt.
    pub fn delay(&self, attempts: u32) -> Duration {
        let factor = 1i64 << attempts.saturating_sub(1).min(20);
        (self.base * factor as i32).min(self.max)
    }
}

/// Only one process may work the outbox at a time (see [`crate::lock`]).
#[derive(Debug)]
pub struct SenderLock(#[allow(dead_code)] ProcessLock);

impl SenderLock {
    pub fn acquire(data_dir: &Path) -> anyhow::Result<Self> {
        ProcessLock::acquire(
            data_dir,
            "outbox.lock",
            "another `foi send` or `foi run` is working the outbox: wait for it to finish (or stop it)",
        )
        .map(Self)
    }
}

/// Appends a copy of each sent email to an IMAP folder; a failure is logged, never fatal.
struct SentCopier {
    settings: ImapSettings,
    folder: String,
    session: Option<ImapSession>,
}

impl SentCopier {
    async fn copy(&mut self, raw: &[u8]) {
        for _ in 0..2 {
            if self.session.is_none() {
                match crate::net::imap::connect(&self.settings).await {
                    Ok(s) => self.session = Some(s),
                    Err(e) => {
                        tracing::warn!("sent copy: {e}");
                        return;
                    }
                }
            }
            if let Some(s) = self.session.as_mut() {
                match crate::net::imap::append(
                    s,
                    &self.folder,
                    raw,
                    &[async_imap::types::Flag::Seen],
                )
                .await
                {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!("sent copy to {}: {e}", self.folder);
                        self.session = None;
                    }
                }
            }
        }
    }
}

/// The outbox worker.
pub struct Sender {
    store: Store,
    transport: Arc<Transport>,
    clock: Arc<dyn Clock>,
    pacer: Pacer,
    window: Window,
    retry: RetryPolicy,
    sessions: usize,
    regimes: Regimes,
    sent_copy: Option<SentCopier>,
    /// Due emails read ahead (id, recipient domain), oldest first.
    due: Vec<(OutboxId, String)>,
    due_read: std::time::Instant,
    /// This machine's boot id, stamped on claims.
    boot: String,
    /// Where each email is noted as it is handed over and as the server takes it.
    journal: Arc<SendJournal>,
    /// A run stopped before everything its journal says was in the database (a store
    /// error): the journal is read again before the next, as at a start.
    unrecorded: bool,
    /// Emails found in flight at start (now uncertain).
    pub recovered: u64,
}

impl Sender {
    /// Take over the outbox: what the journal of a run that stopped says was sent is
    /// recorded, emails it says were in flight become `uncertain` (see
    /// [`Store::recover_outbox`]), and pacing resumes from the last day's claims. Hold a
    /// [`SenderLock`].
    pub async fn start(
        store: Store,
        transport: Transport,
        clock: Arc<dyn Clock>,
        settings: &SendSettings,
        regimes: Regimes,
    ) -> anyhow::Result<Self> {
        let boot = boot_id();
        let recovered = recover(&store, &regimes, &boot).await?;
        let journal = Arc::new(store.send_journal()?);
        let now = clock.now();
        let history = store.pacing_history(now - Duration::days(1)).await?;
        let sessions = match &transport {
            Transport::Files { .. } => 1,
            Transport::Smtp(_) => match &settings.transport {
                crate::config::TransportSettings::Smtp(s) => s.sessions,
                crate::config::TransportSettings::Files { .. } => 1,
            },
        };
        let sent_copy = match &settings.sent_copy {
            Some((account, folder)) => Some(SentCopier {
                settings: account.imap_settings()?,
                folder: folder.clone(),
                session: None,
            }),
            None => None,
        };
        Ok(Self {
            store,
            transport: Arc::new(transport),
            clock,
            pacer: Pacer::new(settings.pacing.clone(), &history.claims),
            window: settings.window.clone(),
            retry: RetryPolicy::from_pacing(&settings.pacing),
            sessions,
            regimes,
            sent_copy,
            due: Vec::new(),
            due_read: std::time::Instant::now(),
            boot,
            journal,
            unrecorded: false,
            recovered,
        })
    }

    /// Check the server before a run.
    pub async fn check(&self) -> Result<(), SendStop> {
        match self.transport.check().await {
            Ok(()) => Ok(()),
            Err(SendError::Unreachable(m)) => Err(SendStop::Unreachable(m)),
            Err(e) => Err(SendStop::Fatal(e.to_string())),
        }
    }

    /// Pick up to `n` due emails that pacing allows now, reserving their places.
    async fn pick(&mut self, n: usize) -> anyhow::Result<Result<Vec<OutboxId>, Idle>> {
        let now = self.clock.now();
        if !self.window.is_open(now) {
            return Ok(Err(Idle::WindowClosed(self.window.next_open(now))));
        }
        let global = self.pacer.global_free_at(now);
        if global > now {
            return Ok(Err(Idle::Paced(global)));
        }
        // The due list is read in batches and kept for up to a second (so a pause or a
        // cancel from another process takes effect within a second).
        if self.due.is_empty() || self.due_read.elapsed() > std::time::Duration::from_secs(1) {
            self.due = self.store.due_emails(now, 2000).await?;
            self.due_read = std::time::Instant::now();
        }
        if self.due.is_empty() {
            return Ok(Err(match self.store.next_due_at().await? {
                Some(t) => Idle::NotDue(self.window.next_open(t.max(now))),
                None => Idle::Empty,
            }));
        }
        let mut due = std::mem::take(&mut self.due);
        let result = self.choose(now, &mut due, n);
        self.due = due;
        Ok(result)
    }

    /// Take up to `n` of `due` that pacing allows at `now`, reserving their places; the
    /// chosen ones are taken out of `due`.
    fn choose(
        &mut self,
        now: DateTime<Utc>,
        due: &mut Vec<(OutboxId, String)>,
        n: usize,
    ) -> Result<Vec<OutboxId>, Idle> {
        let mut picked = Vec::new();
        let mut earliest: Option<DateTime<Utc>> = None;
        let mut taken = Vec::new();
        for (i, (id, domain)) in due.iter().enumerate() {
            if picked.len() >= n {
                break;
            }
            let global = self.pacer.global_free_at(now);
            if global > now {
                earliest = Some(earliest.map_or(global, |e| e.min(global)));
                break;
            }
            let free = self.pacer.domain_free_at(now, domain);
            if free > now {
                earliest = Some(earliest.map_or(free, |e| e.min(free)));
                continue;
            }
            self.pacer.note(now, domain);
            picked.push(*id);
            taken.push(i);
        }
        for i in taken.into_iter().rev() {
            due.remove(i);
        }
        if picked.is_empty() {
            return Err(Idle::Paced(earliest.unwrap_or(now + Duration::minutes(1))));
        }
        Ok(picked)
    }

    fn receipt_date(&self, c: &Claimed, at: DateTime<Utc>) -> NaiveDate {
        receipt_date(&self.regimes, c, at)
    }

    /// Record what happened to one claimed email, whose attempt ended at `now`. A sent one
    /// goes to the `recorder` when there is one (recorded in a batch with the others; the
    /// journal has it meanwhile), else straight to the store.
    async fn record(
        &mut self,
        c: Claimed,
        result: Result<(), SendError>,
        now: DateTime<Utc>,
        summary: &mut Summary,
        recorder: Option<&Recorder>,
    ) -> Result<(), SendStop> {
        match result {
            Ok(()) => {
                let on = self.receipt_date(&c, now);
                if let Some(copier) = self.sent_copy.as_mut() {
                    copier.copy(&c.raw).await;
                }
                match recorder {
                    Some(r) => r.sent(c, now, on)?,
                    None => self.store.record_sent(&c, now, on).await?,
                }
                summary.sent += 1;
                Ok(())
            }
            Err(SendError::Transient(e)) if c.attempts < self.retry.max_attempts => {
                let at = now + self.retry.delay(c.attempts);
                tracing::info!("{} to {}: {e}; retry at {at}", c.reference, c.recipient);
                self.store.record_retry(c.id, &e, at).await?;
                summary.retried += 1;
                Ok(())
            }
            Err(SendError::Transient(e)) => {
                let why = format!("gave up after {} attempts: {e}", c.attempts);
                self.store
                    .record_failed(&c, &why, true, now, self.receipt_date(&c, now))
                    .await?;
                summary.failed += 1;
                Ok(())
            }
            Err(SendError::Permanent(e)) => {
                tracing::warn!("{} to {}: {e}", c.reference, c.recipient);
                self.store
                    .record_failed(&c, &e, true, now, self.receipt_date(&c, now))
                    .await?;
                summary.failed += 1;
                Ok(())
            }
            Err(SendError::Uncertain(e)) => {
                tracing::warn!("{} to {}: {e}", c.reference, c.recipient);
                self.store.record_uncertain(c.id, &e).await?;
                summary.uncertain += 1;
                Ok(())
            }
            Err(SendError::Fatal(e)) => {
                self.store.release(c.id, &e).await?;
                Err(SendStop::Fatal(e))
            }
            Err(SendError::Unreachable(e)) => {
                self.store.release(c.id, &e).await?;
                Err(SendStop::Unreachable(e))
            }
        }
    }

    /// One step: claim the next due email, send it, record the outcome.
    pub async fn try_send_next(&mut self) -> Result<Outcome, SendStop> {
        self.recover_if_unrecorded().await?;
        let ids = match self.pick(1).await? {
            Ok(ids) => ids,
            Err(idle) => return Ok(Outcome::Idle(idle)),
        };
        let claimed = self.store.claim(&ids, self.clock.now(), &self.boot).await?;
        let mut summary = Summary::default();
        for c in claimed {
            let started = hand_over(&self.transport, &self.journal, &*self.clock, &c).await;
            self.settle_attempt(c, started, &mut summary, None).await?;
        }
        self.all_recorded()?;
        Ok(if summary.sent > 0 {
            Outcome::Sent
        } else if summary.retried > 0 {
            Outcome::Retried
        } else if summary.uncertain > 0 {
            Outcome::Uncertain
        } else {
            Outcome::Failed
        })
    }

    /// Before a run: if the last one stopped before everything its journal says was in the
    /// database, bring the database up to date from the journal first (as at a start).
    /// Then the run is unrecorded until it ends with everything recorded.
    async fn recover_if_unrecorded(&mut self) -> anyhow::Result<()> {
        if self.unrecorded {
            self.recovered += recover(&self.store, &self.regimes, &self.boot).await?;
        }
        self.unrecorded = true;
        Ok(())
    }

    /// Everything the journal says is in the database: it is emptied.
    fn all_recorded(&mut self) -> anyhow::Result<()> {
        self.journal.clear()?;
        self.unrecorded = false;
        Ok(())
    }

    /// Record how one attempt went (see [`hand_over`]).
    async fn settle_attempt(
        &mut self,
        c: Claimed,
        started: Started,
        summary: &mut Summary,
        recorder: Option<&Recorder>,
    ) -> Result<(), SendStop> {
        match started {
            Started::Done(r, at, unnoted) => {
                self.record(c, r, at, summary, recorder).await?;
                match unnoted {
                    // (recorded all the same; the run stops)
                    Some(e) => Err(SendStop::Store(e)),
                    None => Ok(()),
                }
            }
            Started::NotNoted(e) => {
                self.store.release(c.id, &format!("{e:#}")).await?;
                Err(SendStop::Store(e))
            }
        }
    }

    /// Send everything due now, `sessions` at a time, until nothing more may go now,
    /// `limit` emails were attempted, or `shutdown` turns true (in-flight sends finish
    /// and are recorded). Pacing holds no longer than `wait` are waited out (with a fixed
    /// clock pass zero: its time never moves). Returns the totals and why it stopped.
    ///
    /// (Longer than most functions, on purpose: it is the one loop that holds the
    /// sessions in flight, the claim being made ahead and the recorder together, and the
    /// order of its awaits is what keeps a crash to at most one uncertain email per
    /// session; its steps are the functions it calls: `pick`, `hand_over`, `record`.)
    pub async fn send_due(
        &mut self,
        limit: Option<usize>,
        mut shutdown: watch::Receiver<bool>,
        progress: &mut dyn FnMut(&Summary),
        wait: std::time::Duration,
    ) -> Result<(Summary, Option<Idle>), SendStop> {
        self.recover_if_unrecorded().await?;
        let mut summary = Summary {
            uncertain: self.recovered as usize,
            ..Summary::default()
        };
        let mut attempted = 0usize;
        let mut inflight: JoinSet<(Claimed, Started)> = JoinSet::new();
        let mut idle = None;
        let mut stop: Option<SendStop> = None;
        let (recorder, recording) = Recorder::start(self.store.clone());
        // Claimed (durably, in batches: one disk sync for many emails) but not yet started.
        let mut ready: std::collections::VecDeque<Claimed> = std::collections::VecDeque::new();
        // The claim being committed, and how many emails it asked for. The next claim is
        // asked for while the sessions still have a batch to send, so that they never wait
        // for its disk sync.
        let mut claiming: Option<(ClaimAnswer, usize)> = None;
        loop {
            let stopping = stop.is_some() || *shutdown.borrow();
            let mut room = self.sessions.saturating_sub(inflight.len());
            let asked = claiming.as_ref().map_or(0, |(_, n)| *n);
            let left = limit.map_or(usize::MAX, |l| {
                l.saturating_sub(attempted + ready.len() + asked)
            });
            if !stopping
                && claiming.is_none()
                && ready.len() <= CLAIM_BATCH
                && idle.is_none()
                && left > 0
            {
                match self.pick(CLAIM_BATCH.min(left)).await? {
                    Ok(ids) => {
                        let n = ids.len();
                        claiming =
                            Some((recorder.claim(ids, self.clock.now(), self.boot.clone())?, n));
                    }
                    Err(i) => idle = Some(i),
                }
            }
            if !stopping {
                while room > 0 {
                    let Some(c) = ready.pop_front() else { break };
                    attempted += 1;
                    room -= 1;
                    let (t, j, clock) = (
                        self.transport.clone(),
                        self.journal.clone(),
                        self.clock.clone(),
                    );
                    inflight.spawn(async move {
                        let started = hand_over(&t, &j, &*clock, &c).await;
                        (c, started)
                    });
                }
            }
            // A short pacing hold is waited out rather than ending the run.
            let short_hold = match idle {
                // (a hold that is already over is a zero wait)
                Some(Idle::Paced(t)) if !stopping => {
                    Some((t - self.clock.now()).to_std().unwrap_or_default()).filter(|d| *d <= wait)
                }
                _ => None,
            };
            if inflight.is_empty() && short_hold.is_none() && claiming.is_none() {
                break;
            }
            let hold = async {
                match short_hold {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = hold => {
                    idle = None;
                }
                Some(joined) = inflight.join_next() => {
                    let (c, started) = joined.map_err(|e| anyhow::anyhow!("a send task failed: {e}"))?;
                    let result = self.settle_attempt(c, started, &mut summary, Some(&recorder)).await;
                    if let Err(e) = result {
                        if stop.is_none() {
                            stop = Some(e);
                        }
                    }
                    progress(&summary);
                    // Another email may be due now that a session is free.
                    if !matches!(idle, Some(Idle::Empty) | Some(Idle::WindowClosed(_))) {
                        idle = None;
                    }
                }
                claimed = async { (&mut claiming.as_mut().expect("a claim is being made").0).await }, if claiming.is_some() => {
                    claiming = None;
                    match claimed {
                        Ok(c) => ready.extend(c),
                        Err(e) => {
                            if stop.is_none() {
                                stop = Some(e);
                            }
                        }
                    }
                }
                _ = shutdown.changed() => {}
            }
        }
        // Every sent email is recorded before the run ends.
        drop(recorder);
        let recorded = recording
            .await
            .map_err(|e| anyhow::anyhow!("the outbox recorder failed: {e}"))?;
        let unused: Vec<OutboxId> = ready.iter().map(|c| c.id).collect();
        self.store.release_claims(&unused).await?;
        if let Err(e) = recorded {
            return Err(SendStop::Store(e));
        }
        // Everything the journal says is in the database now, unless recording an outcome
        // failed (the journal then speaks at the next start).
        if !matches!(stop, Some(SendStop::Store(_))) {
            self.all_recorded()?;
        }
        match stop {
            Some(e) => Err(e),
            None => Ok((summary, idle)),
        }
    }

    /// What would go now (for `--dry-run`): the ids pacing and the window allow, without
    /// claiming anything.
    pub async fn plan(&mut self, limit: usize) -> anyhow::Result<(Vec<OutboxId>, Option<Idle>)> {
        let now = self.clock.now();
        if !self.window.is_open(now) {
            return Ok((
                Vec::new(),
                Some(Idle::WindowClosed(self.window.next_open(now))),
            ));
        }
        let saved = self.pacer.clone();
        let mut due = self
            .store
            .due_emails(now, limit.min(1_000_000) as i64)
            .await?;
        let result = if due.is_empty() {
            Ok(Vec::new())
        } else {
            self.choose(now, &mut due, limit)
        };
        self.pacer = saved;
        Ok(match result {
            Ok(ids) => (ids, None),
            Err(idle) => (Vec::new(), Some(idle)),
        })
    }
}

/// Bring the outbox up to date with the journal of a run that stopped (see
/// [`Store::recover_outbox`]), and write the messages and events of the sent emails it
/// recorded. Returns how many emails became uncertain.
async fn recover(store: &Store, regimes: &Regimes, boot: &str) -> anyhow::Result<u64> {
    let (recovered, requeued) = store.recover_outbox(boot).await?;
    if requeued > 0 {
        tracing::info!("{requeued} claimed emails never reached the server and are queued again");
    }
    if recovered > 0 {
        tracing::warn!("{recovered} emails were in flight when the last run stopped: see `foi outbox --state uncertain`");
    }
    let unsettled = store.unsettled_sent().await?;
    if !unsettled.is_empty() {
        let records: Vec<SentRecord> = unsettled
            .iter()
            .map(|(c, at)| SentRecord {
                claimed: c,
                at: *at,
                date_of_receipt: receipt_date(regimes, c, *at),
            })
            .collect();
        store.settle_sent(&records).await?;
        tracing::info!(
            "recorded the messages of {} emails sent just before the last run stopped",
            records.len()
        );
    }
    Ok(recovered)
}

/// The day a sent email was received, in its case's regime (the date of receipt its
/// deadline counts from). A regime the configuration no longer has counts in UK time.
pub fn receipt_date(regimes: &Regimes, c: &Claimed, at: DateTime<Utc>) -> NaiveDate {
    match regimes.get(&c.regime) {
        Some(r) => r.local_date(at),
        None => at.with_timezone(&chrono_tz::Europe::London).date_naive(),
    }
}

/// How an attempt ended.
enum Started {
    /// The email was handed over (or failed) at this time: record the outcome. With an
    /// error when its journal line saying the server took it could not be written.
    Done(Result<(), SendError>, DateTime<Utc>, Option<anyhow::Error>),
    /// The journal could not be written before the message: nothing was sent.
    NotNoted(anyhow::Error),
}

/// Hand one claimed email to the transport. The journal notes it before the server can
/// deliver it (the envelope goes ahead): a crash from then on leaves it `uncertain`, never
/// silently sent twice; and notes it again the moment the server takes it, so a crash
/// after that records it as sent.
async fn hand_over(
    transport: &Transport,
    journal: &SendJournal,
    clock: &dyn Clock,
    c: &Claimed,
) -> Started {
    let mut unnoted = None;
    let go = async {
        match journal.sending(c.id, c.attempts) {
            Ok(()) => true,
            Err(e) => {
                unnoted = Some(e);
                false
            }
        }
    };
    let result = transport.send(c, go).await;
    let at = clock.now();
    match result {
        Some(Ok(())) => Started::Done(Ok(()), at, journal.sent(c.id, at).err()),
        Some(Err(e)) => Started::Done(Err(e), at, None),
        None => Started::NotNoted(
            unnoted.unwrap_or_else(|| anyhow::anyhow!("the email was not handed over")),
        ),
    }
}
