//! `foi run`: a loop of turns. One [`Scheduler::turn`] fetches replies (every
//! `[fetch] poll_secs`, or at once when IMAP IDLE says new mail came), takes the chaser
//! steps that are due (at most once a minute), and sends what is due now as pacing allows;
//! it returns what it did and how long until the next turn. [`run`] sleeps that long (or
//! until new mail or shutdown) between turns and stops cleanly on shutdown. Tests step
//! turns (`foi run --once`) instead of sleeping.
//!
//! Ties the workers together: sees `sender`, `ingest`, `casework` (the chaser sweep),
//! `store`, `config` and `clock`; nothing imports it but `cli`.

use crate::casework::chasers::SweepSummary;
use crate::clock::Clock;
use crate::config::{FetchSource, Settings};
use crate::ingest::fetch::FetchSummary;
use crate::sender::{SendStop, Sender, Summary};
use crate::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};
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
    /// Read the text of attachments (in the background, beside the turns).
    pub documents: bool,
}

/// Attachments read in one round of the background extraction.
pub const DOCUMENTS_BATCH: usize = 20;

/// What one turn did. A fetch or a sweep that failed is logged, and the loop goes on.
#[derive(Debug)]
pub struct TurnReport {
    /// The fetch of this turn (`None`: none was due, or fetching is off).
    pub fetched: Option<anyhow::Result<FetchSummary>>,
    /// The chaser sweep of this turn (`None`: none was due, or chasers are off).
    pub swept: Option<anyhow::Result<SweepSummary>>,
    /// What was sent (nothing when the server could not be reached).
    pub sent: Summary,
    /// How long until the next turn is due.
    pub next: Duration,
}

/// The scheduler's state between turns.
pub struct Scheduler<'a> {
    sender: &'a mut Sender,
    store: &'a Store,
    settings: &'a Settings,
    clock: Arc<dyn Clock>,
    turns: Turns,
    last_fetch: Option<Instant>,
    last_sweep: Option<Instant>,
}

impl<'a> Scheduler<'a> {
    pub fn new(
        sender: &'a mut Sender,
        store: &'a Store,
        settings: &'a Settings,
        clock: Arc<dyn Clock>,
        turns: Turns,
    ) -> Self {
        Self {
            sender,
            store,
            settings,
            clock,
            turns,
            last_fetch: None,
            last_sweep: None,
        }
    }

    /// New mail arrived (IMAP IDLE): the next turn fetches, whenever the last one was.
    pub fn mail_arrived(&mut self) {
        self.last_fetch = None;
    }

    /// One turn. An unreachable server is waited out (the turn says when to try again); a
    /// login or TLS failure stops it.
    pub async fn turn(&mut self, shutdown: watch::Receiver<bool>) -> Result<TurnReport, SendStop> {
        let fetch_every = self.settings.fetch.poll;
        let fetched = if self.turns.fetch && due(self.last_fetch, fetch_every) {
            self.last_fetch = Some(Instant::now());
            let fetched = self.fetch().await;
            if let Some(why) = fetched.as_ref().err().and_then(sign_in_needed) {
                // Fetching again cannot help: the run stops as a refused SMTP login stops it.
                return Err(SendStop::Fatal(why));
            }
            Some(fetched)
        } else {
            None
        };
        let swept = if self.turns.chasers && due(self.last_sweep, SWEEP_EVERY) {
            self.last_sweep = Some(Instant::now());
            Some(
                crate::casework::chasers::sweep(self.store, self.settings, self.clock.as_ref())
                    .await,
            )
        } else {
            None
        };
        let (sent, mut next) = match self
            .sender
            .send_due(None, shutdown, &mut |_| {}, Duration::ZERO)
            .await
        {
            Ok((summary, idle)) => {
                let wake = idle
                    .and_then(|i| i.wake_at())
                    .and_then(|t| (t - self.clock.now()).to_std().ok())
                    .unwrap_or(POLL)
                    .min(POLL);
                (summary, wake)
            }
            Err(SendStop::Unreachable(m)) => {
                tracing::warn!("{m}; trying again in {}s", POLL.as_secs());
                (Summary::default(), POLL)
            }
            Err(e) => return Err(e),
        };
        // (the next fetch is due `fetch_every` after the last, IDLE or not)
        if let (Some(t), true) = (self.last_fetch, self.turns.fetch) {
            next = next.min(fetch_every.saturating_sub(t.elapsed()));
        }
        let report = TurnReport {
            fetched,
            swept,
            sent,
            next,
        };
        log(&report);
        Ok(report)
    }

    async fn fetch(&self) -> anyhow::Result<FetchSummary> {
        // (each batch's cases get their derived status in the transaction that records it)
        let rule = crate::casework::state::StatusRule::load(self.store).await?;
        let derive = |c, before, events: &[_]| rule.status(c, before, events);
        let ctx = crate::ingest::fetch::Ctx {
            store: self.store,
            settings: &self.settings.fetch,
            regimes: &self.settings.regimes,
            clock: self.clock.as_ref(),
            derive: &derive,
        };
        let fetched = crate::ingest::fetch::fetch_configured(&ctx).await;
        // (a fetch only queues what it recorded for search: the daemon indexes it now, so
        // that a search does not wait; what a failed fetch recorded too)
        if let Err(e) = crate::casework::search::bring_index_up_to_date(self.store).await {
            tracing::warn!("indexing fetched emails for search failed: {e:#}");
        }
        fetched
    }
}

/// The sentence to stop on when a fetch failed for want of a valid OAuth2 sign-in (revoked,
/// never made): only `foi auth login` helps, so the run stops instead of retrying.
fn sign_in_needed(e: &anyhow::Error) -> Option<String> {
    use crate::net::imap::ImapError;
    use crate::net::oauth::OAuthError;
    e.chain().find_map(|c| {
        let oauth = match c.downcast_ref::<ImapError>() {
            Some(ImapError::OAuth(o)) => Some(o),
            _ => c.downcast_ref::<OAuthError>(),
        };
        oauth.filter(|o| o.needs_a_person()).map(|o| o.to_string())
    })
}

/// Whether a step last taken at `last` is due again after `every`.
fn due(last: Option<Instant>, every: Duration) -> bool {
    last.is_none_or(|t| t.elapsed() >= every)
}

/// What a turn did, in the log: problems as errors; the work done as one brief info line
/// (shown without `-v`: `foi run` says what it does); each turn at debug level (tests wait
/// for it).
fn log(r: &TurnReport) {
    if let Some(Err(e)) = &r.fetched {
        tracing::error!("fetching replies failed: {e:#}");
    }
    match &r.swept {
        Some(Ok(s)) => {
            for e in &s.errors {
                tracing::error!("chasers: {e}");
            }
        }
        Some(Err(e)) => tracing::error!("the chaser sweep failed: {e:#}"),
        None => {}
    }
    if let Some(line) = turn_line(r) {
        tracing::info!("{line}");
    }
    tracing::debug!(
        "turn done: {}, next in {:.1}s",
        match &r.fetched {
            Some(Ok(f)) => format!("fetched {} new", f.new),
            Some(Err(_)) => "the fetch failed".into(),
            None => "no fetch".into(),
        },
        r.next.as_secs_f64()
    );
}

/// The work a turn did, in one line ("fetched 2 new (2 matched, 0 in triage); sent 3,
/// retried 0, failed 0"); `None` for a turn that did nothing.
pub fn turn_line(r: &TurnReport) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(Ok(f)) = &r.fetched {
        if f.new > 0 {
            parts.push(format!(
                "fetched {} new ({} matched, {} in triage)",
                f.new, f.matched, f.triage
            ));
        }
    }
    if let Some(Ok(s)) = &r.swept {
        if !s.taken.is_empty() {
            parts.push(format!(
                "chasers: {} queued, {} awaiting approval, {} complaint drafts",
                s.queued, s.pending, s.drafted
            ));
        }
    }
    let s = &r.sent;
    if s.sent + s.failed + s.retried + s.uncertain > 0 {
        parts.push(format!(
            "sent {}, retried {}, failed {}, uncertain {}",
            s.sent, s.retried, s.failed, s.uncertain
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Run turns until `shutdown` turns true, sleeping between them until the next is due, new
/// mail arrives (IMAP IDLE on the first folder wakes the loop; polling stays the fallback)
/// or shutdown.
pub async fn run(
    sender: &mut Sender,
    store: &Store,
    settings: &Settings,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
    turns: Turns,
) -> Result<(), SendStop> {
    let new_mail = Arc::new(tokio::sync::Notify::new());
    if let (true, FetchSource::Imap(account)) = (turns.fetch, &settings.fetch.source) {
        match account.imap_settings() {
            Ok(imap) => {
                let folder = settings
                    .fetch
                    .folders
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "INBOX".into());
                crate::ingest::idle::spawn_watch(imap, folder, new_mail.clone(), shutdown.clone());
            }
            Err(e) => tracing::warn!("no IMAP IDLE: {e:#}"),
        }
    }
    tracing::info!(
        "running: {}, {}, sending what falls due; each turn that does something says so here (Ctrl-C stops)",
        if turns.fetch {
            format!("fetching replies every {}s", settings.fetch.poll.as_secs())
        } else {
            "not fetching".into()
        },
        if turns.chasers {
            "taking chaser steps as they fall due"
        } else {
            "no chasers"
        }
    );
    let _documents = turns.documents.then(|| {
        spawn_documents(
            store.clone(),
            settings.regimes.clone(),
            clock.clone(),
            shutdown.clone(),
        )
    });
    let mut scheduler = Scheduler::new(sender, store, settings, clock, turns);
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let report = scheduler.turn(shutdown.clone()).await?;
        tokio::select! {
            _ = tokio::time::sleep(report.next) => {}
            _ = shutdown.changed() => {}
            _ = new_mail.notified() => scheduler.mail_arrived(),
        }
    }
}

/// Stops the background extraction when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Read the text of attachments beside the turns, a batch at a time, so that a slow
/// document never delays a fetch or a send (each one runs in a child process under
/// limits, see `ingest::documents`). Sleeps [`POLL`] when none are waiting.
fn spawn_documents(
    store: Store,
    regimes: crate::deadlines::Regimes,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) -> AbortOnDrop {
    AbortOnDrop(tokio::spawn(async move {
        let extractor = match crate::ingest::documents::batch::Extractor::current_exe() {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("attachments will not be read: {e:#}");
                return;
            }
        };
        loop {
            if *shutdown.borrow() {
                return;
            }
            let read = crate::casework::documents::extract(
                &store,
                &regimes,
                &extractor,
                &clock,
                None,
                false,
                Some(DOCUMENTS_BATCH),
            )
            .await;
            let wait = match read {
                Ok(t) if t.total() > 0 => {
                    tracing::info!(
                        "read {} attachment(s): {} done, {} by OCR, {} failed, {} skipped",
                        t.total(),
                        t.done,
                        t.ocr,
                        t.failed,
                        t.skipped
                    );
                    Duration::ZERO
                }
                Ok(_) => POLL,
                Err(e) => {
                    tracing::error!("reading attachments failed: {e:#}");
                    POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }))
}
