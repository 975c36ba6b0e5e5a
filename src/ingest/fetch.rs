//! Mailbox sources: a Maildir folder, the IMAP account (per folder: UIDVALIDITY and the
//! highest UID stored, fetched in batches with BODY.PEEK so nothing is marked read), and
//! `.eml`/mbox files. Emails go through [`super::pipeline::ingest_batch`] a batch at a
//! time as they arrive (at most `BATCH_EMAILS` or `BATCH_BYTES` held), so memory stays
//! bounded whatever the mailbox size.

use super::pipeline::{ingest_batch, Ingested};
use crate::clock::Clock;
use crate::config::Config;
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
    pub config: &'a Config,
    pub regimes: &'a Regimes,
    pub clock: &'a dyn Clock,
}

/// Emails read but not yet ingested: ingested together (see [`ingest_batch`]) when
/// [`BATCH_EMAILS`] or [`BATCH_BYTES`] are reached, so memory stays bounded.
struct Pending<'c, 'a> {
    ctx: &'c Ctx<'a>,
    emails: Vec<(Vec<u8>, String)>,
    bytes: usize,
    sum: FetchSummary,
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
            self.ctx.config,
            self.ctx.regimes,
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
/// bytes are stored once, so reading again is harmless).
pub async fn fetch_maildir(ctx: &Ctx<'_>, dir: &Path) -> anyhow::Result<FetchSummary> {
    let mut pending = Pending::new(ctx);
    for sub in ["new", "cur"] {
        let folder = dir.join(sub);
        let mut names: Vec<_> = match std::fs::read_dir(&folder) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the Maildir {}", folder.display()))
            }
        };
        names.sort();
        for path in names {
            let raw =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            pending.push(raw, "maildir").await?;
        }
    }
    pending.finish().await
}

/// Split an mbox file into emails (lines `From ` start one; `>From ` is unescaped).
pub fn split_mbox(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    for line in data.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"From ") {
            if let Some(m) = cur.take() {
                out.push(m);
            }
            cur = Some(Vec::new());
            continue;
        }
        if let Some(m) = cur.as_mut() {
            let unescaped = if line.starts_with(b">From ") {
                &line[1..]
            } else {
                line
            };
            m.extend_from_slice(unescaped);
        }
    }
    if let Some(m) = cur {
        out.push(m);
    }
    out
}

/// `foi import-mail`: `.eml` files and mbox files exported from a mail client.
pub async fn import_files(
    ctx: &Ctx<'_>,
    files: &[std::path::PathBuf],
) -> anyhow::Result<FetchSummary> {
    let mut pending = Pending::new(ctx);
    for f in files {
        let data = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        if data.starts_with(b"From ") {
            for m in split_mbox(&data) {
                pending.push(m, "import").await?;
            }
        } else {
            pending.push(data, "import").await?;
        }
    }
    pending.finish().await
}

/// The IMAP settings from the config, password resolved.
pub fn imap_settings(config: &Config) -> anyhow::Result<ImapSettings> {
    config.imap_settings()
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
    let mut pending = Pending::new(ctx);
    let fetch = &ctx.config.fetch;
    let source = format!("imap:{}@{}", settings.username, settings.host);
    for folder in &fetch.folders {
        let mailbox = session
            .select(folder)
            .await
            .map_err(|e| imap_err(e, &format!("SELECT {folder}")))?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        let last = match ctx.store.folder_state(&source, folder).await? {
            Some((v, last)) if v == validity => last,
            Some(_) => {
                tracing::warn!("{folder}: UIDVALIDITY changed; reading the folder again (no duplicates are stored)");
                0
            }
            None => 0,
        };
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", last.saturating_add(1)))
            .await
            .map_err(|e| imap_err(e, "UID SEARCH"))?
            .into_iter()
            .filter(|u| *u > last)
            .collect();
        uids.sort_unstable();
        let mut stored = last;
        let label = format!("imap:{folder}");
        for chunk in uids.chunks(fetch.batch_size) {
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            {
                let mut stream = session
                    .uid_fetch(&set, "(UID BODY.PEEK[])")
                    .await
                    .map_err(|e| imap_err(e, "UID FETCH"))?;
                while let Some(msg) = stream
                    .try_next()
                    .await
                    .map_err(|e| imap_err(e, "UID FETCH"))?
                {
                    let (Some(uid), Some(body)) = (msg.uid, msg.body()) else {
                        continue;
                    };
                    pending.push(body.to_vec(), &label).await?;
                    stored = stored.max(uid);
                }
            }
            pending.flush().await?;
            // Progress is saved after each batch: a fetch cut short re-reads at most one
            // batch, and the content-addressed store keeps that free of duplicates.
            ctx.store
                .set_folder_state(&source, folder, validity, stored)
                .await?;
            match fetch.after.as_str() {
                "keyword" => {
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
                "move" => session
                    .uid_mv(&set, &fetch.processed_folder)
                    .await
                    .map_err(|e| imap_err(e, "UID MOVE"))?,
                _ => {}
            }
        }
        ctx.store
            .set_folder_state(&source, folder, validity, stored)
            .await?;
    }
    let _ = session.logout().await;
    pending.finish().await
}

/// Fetch once from the configured source.
pub async fn fetch_configured(ctx: &Ctx<'_>) -> anyhow::Result<FetchSummary> {
    match ctx.config.fetch.source.as_str() {
        "imap" => fetch_imap(ctx, &imap_settings(ctx.config)?).await,
        _ => fetch_maildir(ctx, &ctx.config.resolve(&ctx.config.fetch.maildir)).await,
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
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let mut stream = session
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await
                .map_err(|e| imap_err(e, "UID FETCH"))?;
            while let Some(msg) = stream
                .try_next()
                .await
                .map_err(|e| imap_err(e, "UID FETCH"))?
            {
                if let Some(b) = msg.body() {
                    n += 1;
                    bytes += b.len();
                }
            }
        }
    }
    let _ = session.logout().await;
    Ok((n, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_is_split_and_unescaped() {
        let mbox = b"From a@b Mon Jan 1 00:00:00 2024\nSubject: one\n\n>From the top\n\nFrom c@d Tue Jan 2 00:00:00 2024\nSubject: two\n\nbody\n";
        let m = split_mbox(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], b"Subject: one\n\nFrom the top\n\n".to_vec());
        assert!(m[1].starts_with(b"Subject: two"));
    }
}
