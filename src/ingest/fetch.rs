//! Mailbox sources: a Maildir folder, the IMAP account (per folder: UIDVALIDITY and the
//! highest UID stored, fetched in batches with BODY.PEEK so nothing is marked read), and
//! `.eml`/mbox files. Emails are ingested a batch at a time, so memory stays bounded
//! whatever the mailbox size: files and Maildirs as they are read (at most
//! `BATCH_EMAILS` or `BATCH_BYTES` held, through [`super::pipeline::ingest_batch`]), IMAP
//! a server batch at a time (at most `batch_size` emails and `BATCH_BYTES`), three at
//! once: one matched and recorded while the next is kept (packed, named) and parsed and
//! the one after is fetched.

use super::pipeline::{finish_batch, ingest_batch, limits, prepare_owned, Ingested};
use crate::clock::Clock;
use crate::config::{AfterFetch, FetchSettings, FetchSource};
use crate::deadlines::Regimes;
use crate::net::imap::{connect, ImapError, ImapSettings};
use crate::store::Store;
use anyhow::Context;
use futures_util::TryStreamExt;
use std::path::Path;

/// Totals of a fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FetchSummary {
    pub new: usize,
    pub matched: usize,
    pub triage: usize,
    pub duplicates: usize,
}

impl FetchSummary {
    fn add(&mut self, i: &Ingested) {
        match i {
            Ingested::Duplicate(_) => self.duplicates += 1,
            Ingested::Matched { .. } => {
                self.new += 1;
                self.matched += 1
            }
            Ingested::Triage { .. } => {
                self.new += 1;
                self.triage += 1
            }
        }
    }
}

/// What ingestion needs.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub settings: &'a FetchSettings,
    pub regimes: &'a Regimes,
    pub clock: &'a dyn Clock,
    /// The one derivation of a case's status, applied to the cases a batch touches in the
    /// transaction that records it (`casework::state::StatusRule`).
    pub derive: &'a crate::store::DeriveStatus<'a>,
}

/// Emails read but not yet ingested: ingested together (see [`ingest_batch`]) when
/// [`BATCH_EMAILS`] or [`BATCH_BYTES`] are reached, so memory stays bounded.
struct Pending<'c, 'a> {
    ctx: &'c Ctx<'a>,
    emails: Vec<(Vec<u8>, String)>,
    bytes: usize,
    sum: FetchSummary,
    _checkpoints: crate::store::CheckpointGuard,
}

/// At most this many emails are held before they are ingested...
const BATCH_EMAILS: usize = 200;
/// ...or this many bytes.
const BATCH_BYTES: usize = 16 * 1024 * 1024;

impl<'c, 'a> Pending<'c, 'a> {
    fn new(ctx: &'c Ctx<'a>) -> Self {
        Self {
            ctx,
            emails: Vec::new(),
            bytes: 0,
            sum: FetchSummary::default(),
            _checkpoints: ctx.store.background_checkpoints(),
        }
    }

    async fn push(&mut self, raw: Vec<u8>, source: &str) -> anyhow::Result<()> {
        self.bytes += raw.len();
        self.emails.push((raw, source.to_string()));
        if self.emails.len() >= BATCH_EMAILS || self.bytes >= BATCH_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    /// Ingest what is held: afterwards every email read so far is stored.
    async fn flush(&mut self) -> anyhow::Result<()> {
        let emails: Vec<(&[u8], &str)> = self
            .emails
            .iter()
            .map(|(raw, source)| (raw.as_slice(), source.as_str()))
            .collect();
        let done = ingest_batch(
            self.ctx.store,
            self.ctx.settings,
            self.ctx.regimes,
            self.ctx.derive,
            &emails,
            self.ctx.clock.now(),
        )
        .await?;
        for r in &done {
            self.sum.add(r);
        }
        self.emails.clear();
        self.bytes = 0;
        Ok(())
    }

    async fn finish(mut self) -> anyhow::Result<FetchSummary> {
        self.flush().await?;
        Ok(self.sum)
    }
}

/// Read every email in a Maildir's `new/` and `cur/` (never moved or deleted; the same
/// bytes are stored once, so reading again is harmless). Only regular files are read: a
/// symbolic link (`new/x -> /etc/passwd`), in the folders or as a folder, is skipped with
/// a warning, and a file is opened without following one, so nothing outside the Maildir
/// is ever stored and shown.
pub async fn fetch_maildir(ctx: &Ctx<'_>, dir: &Path) -> anyhow::Result<FetchSummary> {
    let mut pending = Pending::new(ctx);
    for sub in ["new", "cur"] {
        let folder = dir.join(sub);
        match std::fs::symlink_metadata(&folder) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                tracing::warn!(
                    "Maildir: {} is not a folder (a link?): skipped",
                    folder.display()
                );
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the Maildir {}", folder.display()))
            }
        }
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read the Maildir {}", folder.display()))?;
        let mut names = Vec::new();
        for e in entries.filter_map(Result::ok) {
            // (the entry's own type: a link is not followed)
            match e.file_type() {
                Ok(t) if t.is_file() => names.push(e.path()),
                Ok(t) if t.is_symlink() => tracing::warn!(
                    "Maildir: {} is a symbolic link: skipped (only files in the Maildir are read)",
                    e.path().display()
                ),
                _ => {}
            }
        }
        names.sort();
        for path in names {
            let raw =
                read_no_follow(&path).with_context(|| format!("cannot read {}", path.display()))?;
            pending.push(raw, "maildir").await?;
        }
    }
    pending.finish().await
}

/// A file's bytes; an error when the path is (now) a symbolic link.
fn read_no_follow(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut raw = Vec::new();
    file.read_to_end(&mut raw)?;
    Ok(raw)
}

/// `foi import-mail`: `.eml` files and mbox files exported from a mail client.
pub async fn import_files(
    ctx: &Ctx<'_>,
    files: &[std::path::PathBuf],
) -> anyhow::Result<FetchSummary> {
    let _reading = reading_lock(ctx.settings)?;
    let mut pending = Pending::new(ctx);
    for f in files {
        let data = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        if super::mbox::is_mbox_file(f, &data) {
            for m in super::mbox::split_mbox(&data) {
                pending.push(m, "import").await?;
            }
        } else {
            pending.push(data, "import").await?;
        }
    }
    pending.finish().await
}

/// Only one process reads mail at a time: two reading the same emails at once would each
/// find them kept but not processed, and record them twice.
fn reading_lock(settings: &FetchSettings) -> anyhow::Result<crate::lock::ProcessLock> {
    crate::lock::ProcessLock::acquire(
        &settings.data_dir,
        "ingest.lock",
        "another `foi fetch`, `foi import-mail` or `foi run` is reading mail: try again when it \
         has finished",
    )
}

fn imap_err(e: async_imap::error::Error, what: &str) -> anyhow::Error {
    anyhow::anyhow!("IMAP {what} failed: {e}")
}

/// Fetch new mail from every configured IMAP folder. Progress (the highest UID stored) is
/// saved after each batch, so an interrupted fetch resumes where it stopped; a changed
/// UIDVALIDITY re-reads the folder, and the content-addressed store keeps that free of
/// duplicates.
pub async fn fetch_imap(ctx: &Ctx<'_>, settings: &ImapSettings) -> anyhow::Result<FetchSummary> {
    let mut session = connect(settings)
        .await
        .map_err(|e: ImapError| anyhow::anyhow!("{e}"))?;
    let _checkpoints = ctx.store.background_checkpoints();
    let mut sum = FetchSummary::default();
    let source = format!("imap:{}@{}", settings.username, settings.host);
    for folder in &ctx.settings.folders {
        fetch_folder(ctx, &mut session, &source, folder, &mut sum).await?;
    }
    let _ = session.logout().await;
    Ok(sum)
}

/// Ingest what `folder` holds after the last UID stored from it (all of it when its
/// UIDVALIDITY changed or it has none), adding to `sum`, three batches at once.
async fn fetch_folder(
    ctx: &Ctx<'_>,
    session: &mut crate::net::imap::ImapSession,
    source: &str,
    folder: &str,
    sum: &mut FetchSummary,
) -> anyhow::Result<()> {
    let fetch = ctx.settings;
    let (validity, last, mut remaining) = resume_point(ctx, session, source, folder).await?;
    let label = format!("imap:{folder}");
    // Three batches at once: one is matched and recorded while the next is kept (its
    // raw bytes written to a pack, synced and named in the database) and parsed, and
    // the one after is fetched: the server, the disk and our CPU work together.
    let mut stored = last;
    let keep = |batch: Batch| {
        let (store, limits, label, now) = (
            ctx.store.clone(),
            limits(ctx.settings),
            label.clone(),
            ctx.clock.now(),
        );
        tokio::spawn(async move {
            let (chunk, emails) = batch;
            let (uids, raws): (Vec<u32>, Vec<Vec<u8>>) = emails.into_iter().unzip();
            // (an error stops the fetch before this batch is recorded)
            let prepared = prepare_owned(store, limits, raws, label, now).await;
            (chunk, uids, prepared)
        })
    };
    let mut keeping = keep(next_batch(session, &mut remaining, fetch.batch_size).await?);
    let mut fetched = next_batch(session, &mut remaining, fetch.batch_size).await?;
    let mut recorded = std::collections::HashSet::new();
    loop {
        let (chunk, uids, prepared) = keeping
            .await
            .map_err(|e| anyhow::anyhow!("keeping fetched emails failed: {e}"))?;
        let mut prepared = prepared?;
        if chunk.is_empty() {
            break;
        }
        keeping = keep(std::mem::take(&mut fetched));
        prepared.recorded_meanwhile(&recorded);
        let ids = prepared.ids();
        let fetch_next = next_batch(session, &mut remaining, fetch.batch_size);
        let now = ctx.clock.now();
        let record_current = finish_batch(
            ctx.store,
            ctx.settings,
            ctx.regimes,
            ctx.derive,
            prepared,
            now,
        );
        let (next_fetched, ingested) = tokio::join!(fetch_next, record_current);
        for r in &ingested? {
            sum.add(r);
        }
        recorded = ids;
        stored = uids.iter().copied().fold(stored, u32::max);
        // Progress is saved after each batch: a fetch cut short re-reads at most two
        // batches (kept ones are processed then; the content-addressed store keeps
        // that free of duplicates). Synced before emails are moved away.
        let moving = fetch.after == AfterFetch::Move;
        ctx.store
            .set_folder_state(source, folder, validity, stored, moving)
            .await?;
        // (only the emails stored: `next_batch` made sure no other asked for exists)
        after_batch(session, fetch, &uids).await?;
        fetched = next_fetched?;
    }
    ctx.store
        .set_folder_state(source, folder, validity, stored, false)
        .await?;
    Ok(())
}

/// Selects `folder` and says where its fetch resumes: its UIDVALIDITY, the last UID stored
/// from it (0 when its UIDVALIDITY changed or it has none: it is read whole) and the UIDs
/// after that, in order.
async fn resume_point(
    ctx: &Ctx<'_>,
    session: &mut crate::net::imap::ImapSession,
    source: &str,
    folder: &str,
) -> anyhow::Result<(u32, u32, std::collections::VecDeque<u32>)> {
    let mailbox = session
        .select(folder)
        .await
        .map_err(|e| imap_err(e, &format!("SELECT {folder}")))?;
    // (without UIDVALIDITY, UIDs may not be trusted across sessions: the folder is read
    // whole each time, and the content-addressed store keeps that free of duplicates)
    let validity = mailbox.uid_validity.unwrap_or(0);
    if mailbox.uid_validity.is_none() {
        tracing::warn!("{folder}: the server gives no UIDVALIDITY; reading the whole folder");
    }
    let last = match ctx.store.folder_state(source, folder).await? {
        Some(_) if mailbox.uid_validity.is_none() => 0,
        Some((v, last)) if v == validity => last,
        Some(_) => {
            tracing::warn!("{folder}: UIDVALIDITY changed; reading the folder again (no duplicates are stored)");
            0
        }
        None => 0,
    };
    let remaining = session
        .uid_search(format!("UID {}:*", last.saturating_add(1)))
        .await
        .map_err(|e| imap_err(e, "UID SEARCH"))?
        .into_iter()
        .filter(|u| *u > last)
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    Ok((validity, last, remaining))
}

/// What the configuration asks done with a batch once it is stored: a keyword, or a
/// move to the processed folder (never a deletion).
async fn after_batch(
    session: &mut crate::net::imap::ImapSession,
    fetch: &FetchSettings,
    chunk: &[u32],
) -> anyhow::Result<()> {
    let set = uid_set(chunk);
    match fetch.after {
        AfterFetch::Keyword => {
            let mut s = session
                .uid_store(&set, format!("+FLAGS ({})", fetch.keyword))
                .await
                .map_err(|e| imap_err(e, "UID STORE"))?;
            while s
                .try_next()
                .await
                .map_err(|e| imap_err(e, "UID STORE"))?
                .is_some()
            {}
        }
        AfterFetch::Move => session
            .uid_mv(&set, &fetch.processed_folder)
            .await
            .map_err(|e| imap_err(e, "UID MOVE"))?,
        AfterFetch::None => {}
    }
    Ok(())
}

/// A fetched batch: the UIDs asked for, and the emails the server gave (UID, bytes).
type Batch = (Vec<u32>, Vec<(u32, Vec<u8>)>);

/// The next batch to fetch from the selected folder, taken from the front of
/// `remaining`, and its emails: at most `batch` emails and (but for a single larger email)
/// [`BATCH_BYTES`], going by the sizes the server gives first, so that the three batches
/// in hand (ingested, packed, fetched) stay bounded in memory.
async fn next_batch(
    session: &mut crate::net::imap::ImapSession,
    remaining: &mut std::collections::VecDeque<u32>,
    batch: usize,
) -> anyhow::Result<Batch> {
    let window: Vec<u32> = remaining.iter().take(batch.max(1)).copied().collect();
    if window.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut sizes: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    fetch_each(session, &uid_set(&window), "(UID RFC822.SIZE)", |msg| {
        if let Some(uid) = msg.uid {
            sizes.insert(uid, msg.size.unwrap_or(0) as usize);
        }
    })
    .await?;
    let mut chunk = Vec::new();
    let mut bytes = 0usize;
    for uid in window {
        let size = sizes.get(&uid).copied().unwrap_or(0);
        if !chunk.is_empty() && bytes + size > BATCH_BYTES {
            break;
        }
        chunk.push(uid);
        bytes += size;
    }
    remaining.drain(..chunk.len());
    let emails = fetch_chunk(session, &uid_set(&chunk)).await?;
    // An email asked for and not given must be gone (expunged since the search): one the
    // folder still has would be skipped for good, as the next fetch resumes after the
    // batch.
    let given: std::collections::HashSet<u32> = emails.iter().map(|(u, _)| *u).collect();
    let missing: Vec<u32> = chunk
        .iter()
        .copied()
        .filter(|u| !given.contains(u))
        .collect();
    if !missing.is_empty() {
        let still = session
            .uid_search(format!("UID {}", uid_set(&missing)))
            .await
            .map_err(|e| imap_err(e, "UID SEARCH"))?;
        if let Some(u) = still.iter().find(|u| missing.contains(u)) {
            anyhow::bail!(
                "the server did not send the email with UID {u} though the folder still has it: \
                 the fetch stops before its batch, which the next fetch reads again; run it \
                 again (if this keeps happening, check the server's log)"
            );
        }
    }
    Ok((chunk, emails))
}

/// `1,2,5`: a UID set.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The emails of one batch, with their UIDs.
async fn fetch_chunk(
    session: &mut crate::net::imap::ImapSession,
    set: &str,
) -> anyhow::Result<Vec<(u32, Vec<u8>)>> {
    let mut out = Vec::new();
    fetch_each(session, set, "(UID BODY.PEEK[])", |msg| {
        if let (Some(uid), Some(body)) = (msg.uid, msg.body()) {
            out.push((uid, body.to_vec()));
        }
    })
    .await?;
    Ok(out)
}

/// `UID FETCH set query`, each answer handed to `each` as it arrives.
async fn fetch_each(
    session: &mut crate::net::imap::ImapSession,
    set: &str,
    query: &str,
    mut each: impl FnMut(&async_imap::types::Fetch),
) -> anyhow::Result<()> {
    let what = format!("UID FETCH {query}");
    let mut stream = session
        .uid_fetch(set, query)
        .await
        .map_err(|e| imap_err(e, &what))?;
    while let Some(msg) = stream.try_next().await.map_err(|e| imap_err(e, &what))? {
        each(&msg);
    }
    Ok(())
}

/// Fetch once from the configured source.
pub async fn fetch_configured(ctx: &Ctx<'_>) -> anyhow::Result<FetchSummary> {
    let _reading = reading_lock(ctx.settings)?;
    match &ctx.settings.source {
        FetchSource::Imap(account) => fetch_imap(ctx, &account.imap_settings()?).await,
        FetchSource::Maildir(dir) => fetch_maildir(ctx, dir).await,
    }
}

/// The benchmark's reference: the same IMAP fetch (same folders, batches and BODY.PEEK)
/// with no parsing and no storing. Returns (emails, bytes).
pub async fn fetch_imap_plain(
    settings: &ImapSettings,
    folders: &[String],
    batch: usize,
) -> anyhow::Result<(usize, usize)> {
    let mut session = connect(settings)
        .await
        .map_err(|e: ImapError| anyhow::anyhow!("{e}"))?;
    let (mut n, mut bytes) = (0, 0);
    for folder in folders {
        session
            .select(folder)
            .await
            .map_err(|e| imap_err(e, "SELECT"))?;
        let mut uids: Vec<u32> = session
            .uid_search("UID 1:*")
            .await
            .map_err(|e| imap_err(e, "UID SEARCH"))?
            .into_iter()
            .collect();
        uids.sort_unstable();
        for chunk in uids.chunks(batch.max(1)) {
            fetch_each(&mut session, &uid_set(chunk), "(UID BODY.PEEK[])", |msg| {
                if let Some(b) = msg.body() {
                    n += 1;
                    bytes += b.len();
                }
            })
            .await?;
        }
    }
    let _ = session.logout().await;
    Ok((n, bytes))
}
