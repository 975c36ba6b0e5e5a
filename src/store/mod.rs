//! The storage seam: the ONLY place with SQL. Rows come out as domain types (ids typed,
//! `domain::id`), errors as [`StoreError`]: `NotFound` for a thing asked for that is not
//! there, `Other` for a failure, so callers can tell the two apart (the dashboard's 404
//! and 500). Sees `domain` only.
//!
//! SQLite by default (one file, WAL, foreign keys on, a busy timeout so a second process
//! waits instead of failing). SQL stays portable where it can: `$1` placeholders, TEXT
//! timestamps, runtime-checked queries, domain rules bound as parameters (never copied
//! into SQL text). What is SQLite's own is in named files, so a second engine later is a
//! bounded job: `script.rs` (many statements in one round trip, positional parameters),
//! `timelines.rs` (bulk reads built by `group_concat`), `progress.rs` (the sender's own
//! connection and its guarded scripts), `ids.rs` (ids as INTEGER), the connection's
//! PRAGMAs here, `watch.rs` (`PRAGMA data_version`), `search.rs` (the FTS5 index).
//! Inbound bytes live in pack files beside the database (`packs.rs`), the sender's journal
//! beside it (`journal.rs`).

mod answers;
mod bodies;
mod bodies_import;
mod by_hand;
mod campaigns;
mod case_list;
mod cases;
mod casework;
mod derived;
mod display;
mod documents;
mod error;
mod folders;
mod ids;
mod journal;
mod matching;
mod messages;
mod outbox;
mod packs;
mod pilot;
mod progress;
mod publish;
mod reading;
mod report;
mod resend;
mod retries;
mod script;
mod search;
mod senders;
mod sending;
mod timelines;
mod users;
mod watch;

pub use answers::{AnswerChange, AnswerFilter, AnswerRow, AnswerState, InboundText, NewSuggestion};
pub use bodies::{FormerEmail, ImportSummary};
pub use bodies_import::{BodyIdentity, BodyImport};
pub use by_hand::ByHandRow;
pub use campaigns::{NewCampaign, NewCase};
pub use case_list::{AssigneeFilter, CaseListFilter, CaseListRow, MAX_CASE_PAGE};
pub use cases::{CaseFilter, EventRow};
pub use casework::{ChaserRow, EventRecorded, NewChaser, NewEvent};
pub use derived::{DeriveStatus, Supersede};
pub use display::MessageDisplay;
pub use documents::{DocumentFilter, DocumentRow, PendingDocument};
pub use error::{Result, StoreError};
pub use journal::SendJournal;
pub use matching::{CaseHit, Evidence, MatchKeys};
pub use messages::{AttachmentRow, IngestRecord, MessageRow, NewAttachment, NewBlob};
pub use outbox::{Claimed, NewOutboxItem, OutboxRow, OutboxState, PacingHistory, SentRecord};
pub use pilot::{EarlierRequest, NewPilot, Pilot, PilotProgress, QueuedEmail};
pub use progress::ProgressLog;
pub use publish::{AnswerTally, CampaignDocument, CampaignMessage};
pub use reading::ReplyToRead;
pub use report::{CaseGrouping, ConfirmedAnswer, RefusalText};
pub use resend::BouncedCase;
pub use search::{CaseDocumentUnit, DocumentText, Reindexed, SearchFilter, SearchHit, TextUnit};
pub use timelines::{CaseTimeline, TimelineFilter};
pub use users::{SessionUser, SignInAttempts, UserRow};
pub use watch::ChangeWatch;

use anyhow::Context;
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::time::Duration;

/// Stops the background checkpoints when dropped (see [`Store::background_checkpoints`]).
#[derive(Debug)]
pub struct CheckpointGuard(tokio::task::JoinHandle<()>);

impl Drop for CheckpointGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A handle on the database.
#[derive(Debug, Clone)]
pub struct Store {
    /// Everyday work: WAL with `synchronous = NORMAL` (durable across a crash of the
    /// process; a power cut may lose the last commits).
    pool: SqlitePool,
    /// One connection with `synchronous = FULL`: a commit here is on disk before it
    /// returns, together with every commit made before it (the WAL is one file). The
    /// outbox claims an email here before handing it to the server, so that even after a
    /// power cut no accepted email is silently sent again.
    durable: SqlitePool,
    /// One connection for the writes that take turns (see [`Store::write_turn`], the only
    /// way to it: keeping and recording inbound mail, indexing it for search, a folder's
    /// progress, documents' text and the classes they imply). SQLite
    /// drops a connection's page cache whenever another connection has written, so
    /// writes spread over the pool's connections each began by reading their pages again;
    /// on one connection, with a 16 MB cache, a batch's write finds the pages the last one
    /// left. (A read-only store has no writer: it is the pool.)
    writer: SqlitePool,
    /// Inbound mail's bytes, beside the database (see [`packs`]).
    packs: packs::Packs,
    /// The sender's journal, beside the database (see [`journal`]).
    journal: std::path::PathBuf,
    /// Turns to write on the paths where this process writes from several tasks at once
    /// (see [`Store::write_turn`]).
    writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A pool of read-only connections, tried with one read (an unreadable WAL shows here,
/// not when connecting).
async fn read_pool(options: SqliteConnectOptions) -> anyhow::Result<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    if let Err(e) = sqlx::query("SELECT count(*) FROM sqlite_master")
        .fetch_one(&pool)
        .await
    {
        pool.close().await;
        return Err(e.into());
    }
    Ok(pool)
}

/// Whether the database's folder has write permission (by its mode bits: for explaining a
/// failure only).
fn folder_writable(path: &Path) -> bool {
    let ok = |p: &Path| std::fs::metadata(p).is_ok_and(|m| !m.permissions().readonly());
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .is_none_or(ok)
}

/// Whether an error says the database could not be written (its file or folder is
/// read-only): the message a person gets then says which commands still work.
pub fn is_read_only_error(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}");
    text.contains("attempt to write a readonly database")
        || text.contains("readonly database")
        || text.contains("read-only file system")
}

impl Store {
    /// Create the database if needed and apply every migration.
    pub async fn create(path: &Path) -> Result<Self> {
        Ok(Self::connect(path, true).await?)
    }

    /// Open an existing database (applying any new migrations); a missing file is an error
    /// that says to run `foi init`.
    pub async fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(anyhow::anyhow!(
                "no database at {}: run `foi init` first, or check [storage] database in the config",
                path.display()
            )
            .into());
        }
        let read_only = |e: anyhow::Error| {
            anyhow::anyhow!(
                "{e:#} (attempt to write a readonly database: its file or folder is read-only)"
            )
        };
        // A command that writes finds out now, before it does anything, not at its first
        // write (which may never come, or come after other work).
        if let Err(e) = std::fs::OpenOptions::new().write(true).open(path) {
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) {
                return Err(read_only(anyhow::anyhow!(
                    "cannot write the database {}: {e}",
                    path.display()
                ))
                .into());
            }
        }
        // In a read-only folder SQLite cannot make the WAL and says only "unable to open
        // database file": say why.
        Self::connect(path, false).await.map_err(|e| {
            if folder_writable(path) {
                e
            } else {
                read_only(e)
            }
            .into()
        })
    }

    /// Open an existing database for the read-only commands (`cases list`, `case show`,
    /// `overdue`, `report`...), which never write. A database that may be written is
    /// opened as usual ([`Store::open`], which migrates it if needed). One whose file or
    /// folder may not be written (mode 0444, a read-only mount) is opened in SQLite's
    /// read-only mode, with no migrations; in a folder where SQLite cannot make the WAL's
    /// shared-memory file, as an immutable file (nobody can be writing it there). Such a
    /// database that still needs migrating is an error that says to migrate it once with a
    /// command that can write it.
    ///
    /// (SQLite's read-only mode is kept for the database it is needed for: with it, the
    /// connections read the same B-tree pages again and again, and `foi overdue` over
    /// 100,000 cases read 42,000-52,000 pages of the file instead of 11,100, for 0.93 s of
    /// CPU instead of 0.83 s (means of 10 runs); with `query_only` on a connection that
    /// may write, as many pages. SQLite's own
    /// reason was not pinned down: the usual opening, the only one that ever writes, is
    /// the one that reads each page once.)
    pub async fn open_read_only(path: &Path) -> Result<Self> {
        let writable =
            || std::fs::OpenOptions::new().write(true).open(path).is_ok() && folder_writable(path);
        if !path.exists() || writable() {
            return Self::open(path).await;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = match read_pool(options.clone()).await {
            Ok(pool) => pool,
            Err(first) => read_pool(options.immutable(true)).await.map_err(|e| {
                anyhow::anyhow!(
                    "cannot open the database {} for reading: {first:#} (and as an immutable file: {e:#})",
                    path.display()
                )
            })?,
        };
        // (no table: a database older than migrations, to be migrated)
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
        if MIGRATOR.iter().any(|m| !applied.contains(&m.version)) {
            pool.close().await;
            return Self::open(path).await.map_err(|e| {
                anyhow::anyhow!(
                    "{e:#}\n(the database {} was made by an older foi and must be migrated once \
                     by a command that can write it)",
                    path.display()
                )
                .into()
            });
        }
        Ok(Self {
            durable: pool.clone(),
            writer: pool.clone(),
            pool,
            packs: packs::Packs::beside(path),
            journal: journal::beside(path),
            writes: Default::default(),
        })
    }

    async fn connect(path: &Path, create: bool) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        // (a SQLite connection is a local file: checking it before each use would only
        // cost a round trip to its worker thread)
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        MIGRATOR
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the database {}", path.display()))?;
        let durable = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().synchronous(SqliteSynchronous::Full))
            .await
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().pragma("cache_size", "-16384"))
            .await
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        Ok(Self {
            pool,
            writer,
            durable,
            packs: packs::Packs::beside(path),
            journal: journal::beside(path),
            writes: Default::default(),
        })
    }

    /// While the guard lives, a task copies the WAL into the database every 100 ms on a
    /// connection of its own (SQLite's PASSIVE checkpoint: it waits for nobody and nobody
    /// waits for it). Ingestion writes tens of megabytes of raw mail: checkpointed by the
    /// commits themselves, each batch would wait for the disk.
    pub fn background_checkpoints(&self) -> CheckpointGuard {
        let pool = self.pool.clone();
        CheckpointGuard(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::debug!("background checkpoint: {e}");
                }
            }
        }))
    }

    /// Close the pool, checkpointing the WAL.
    pub async fn close(self) {
        self.durable.close().await;
        self.writer.close().await;
        self.pool.close().await;
    }

    /// A turn to write, and the one connection to write on while it lasts
    /// ([`WriteTurn::writer`]). An IMAP fetch keeps one batch while it records the one
    /// before: SQLite lets one connection write at a time, and a connection that finds the
    /// lock taken sleeps a millisecond or more before it tries again, while waiting for a
    /// turn here ends the moment the other write does.
    pub(crate) async fn write_turn(&self) -> WriteTurn<'_> {
        WriteTurn {
            _turn: self.writes.lock().await,
            writer: &self.writer,
        }
    }

    /// The sender's journal, open for appending (hold the sender lock).
    pub fn send_journal(&self) -> Result<SendJournal> {
        Ok(SendJournal::open(&self.journal)?)
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) fn durable(&self) -> &SqlitePool {
        &self.durable
    }
}

/// A turn to write (see [`Store::write_turn`]): the writes that take turns all run on
/// the store's one writer connection, which only a turn hands out.
pub(crate) struct WriteTurn<'a> {
    _turn: tokio::sync::MutexGuard<'a, ()>,
    writer: &'a SqlitePool,
}

impl WriteTurn<'_> {
    /// The writer connection (a pool of one), warm with the pages the last write left.
    pub(crate) fn writer(&self) -> &SqlitePool {
        self.writer
    }
}

/// Decode a TEXT timestamp written by this module.
pub(crate) fn parse_time(s: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    Ok(chrono::DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp in the database: {s}"))?
        .with_timezone(&chrono::Utc))
}

pub(crate) fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
