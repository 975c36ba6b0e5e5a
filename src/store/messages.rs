//! Inbound messages: raw bytes first, then what parsing, classification and matching found;
//! attachments; triage; IMAP folder bookkeeping. The lookups matching needs are in
//! `matching.rs`.

use super::outbox::sha256_hex;
use super::script::Script;
use super::Result;
use super::{parse_time, time_text, Store};
use crate::domain::id::{AttachmentId, CaseId, MessageId};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// What ingestion learnt about one stored email, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct IngestRecord {
    pub id: MessageId,
    pub message_id: String,
    pub subject: String,
    pub from_addr: String,
    pub to_addr: String,
    pub date: Option<DateTime<Utc>>,
    pub text_body: String,
    /// The HTML body as parsing sanitised it, kept for the case page (which sanitises it
    /// again when it shows it) as a blob beside the raw email: a page never parses the
    /// raw email. Its bytes are taken by [`Store::apply_ingest`] for the pack writer.
    pub html_body: Option<NewBlob>,
    pub problem: Option<String>,
    pub classification: String,
    pub reason: String,
    pub body_reference: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// (case id, method); empty means triage with `triage_reason`.
    pub links: Vec<(CaseId, String)>,
    pub triage_reason: Option<String>,
    /// Events for the linked cases: (case id, kind, date, note, new status if any).
    pub events: Vec<(CaseId, String, NaiveDate, String, Option<String>)>,
    /// Bodies whose address must be flagged (a bounce): (case id, why).
    pub flag_bodies: Vec<(CaseId, String)>,
    /// A real reply: cancel the chasers waiting on the linked cases.
    pub cancel_chasers: bool,
}

/// Bytes to keep as a blob, with their SHA-256 (hex), hashed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBlob {
    pub sha256: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of `bytes`, hex (the parser's, computed as it took them).
    pub sha256: String,
    /// (taken by [`Store::apply_ingest`] for the pack writer)
    pub bytes: Vec<u8>,
    pub inline: bool,
}

/// An inbound message for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MessageRow {
    pub id: MessageId,
    pub direction: String,
    pub message_id: String,
    pub subject: String,
    pub from_addr: String,
    pub to_addr: String,
    pub at: DateTime<Utc>,
    pub classification: Option<String>,
    pub classified_by: Option<String>,
    pub reason: Option<String>,
    pub problem: Option<String>,
    pub body_reference: Option<String>,
    pub triage: Option<String>,
    pub source: Option<String>,
    pub text_body: Option<String>,
    pub raw_sha256: String,
    /// References of the cases it is linked to, with the method.
    pub cases: Vec<(crate::domain::Reference, String)>,
    pub attachments: Vec<AttachmentRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl Store {
    /// Keep inbound emails' raw bytes (`raws`, each from its `sources` entry) as messages
    /// awaiting processing: (message id, whether it is to be processed) for each. An email
    /// stored and processed before (the same bytes) is not; one stored by a run that
    /// stopped before processing it is. The bytes the database does not hold yet are
    /// written to a pack and synced, then named in one transaction. The emails are shared,
    /// not copied (a batch may hold one email of tens of megabytes, and the caller may be
    /// parsing them meanwhile); they are hashed and written off the runtime's thread.
    pub async fn keep_inbound(
        &self,
        raws: std::sync::Arc<Vec<Vec<u8>>>,
        sources: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Vec<(MessageId, bool)>> {
        if sources.len() != raws.len() {
            return Err(anyhow::anyhow!("each inbound email needs its source").into());
        }
        if raws.is_empty() {
            return Ok(Vec::new());
        }
        let hashing = raws.clone();
        let shas: Vec<String> = tokio::task::spawn_blocking(move || {
            hashing.iter().map(|raw| sha256_hex(raw)).collect()
        })
        .await
        .context("hashing inbound emails failed")?;
        let picks = self.new_blobs(&shas).await?;
        let (shas, packed) = self.write_blobs(raws, shas, picks).await?;
        let mut s = Script::write();
        let at = s.param(time_text(now));
        let mut messages = Vec::with_capacity(sources.len());
        for (source, sha) in sources.iter().zip(&shas) {
            let sha = s.param(sha);
            let source = s.param(*source);
            messages.push(format!(
                "(NULL, 'inbound', '', {sha}, {at}, {at}, {source}, 'open', 'not yet processed')"
            ));
        }
        packed.statements(&mut s);
        let all = s.list(shas.iter());
        s.sql(&format!(
            "INSERT INTO messages (case_id, direction, message_id, raw_sha256, at, created_at, source, triage, reason)
             VALUES {} ON CONFLICT (raw_sha256) WHERE direction = 'inbound' DO NOTHING
             RETURNING 'new', id, raw_sha256;
             SELECT CASE WHEN classification IS NULL THEN 'unprocessed' ELSE 'done' END, id, raw_sha256
             FROM messages WHERE direction = 'inbound' AND raw_sha256 IN {all};\n",
            messages.join(", "),
        ));
        let turn = self.write_turn().await;
        let rows = s
            .run(&mut *turn.writer().acquire().await?)
            .await
            .context("cannot store inbound emails")?;
        drop(turn);
        let mut new = std::collections::HashSet::new();
        let mut ids = std::collections::HashMap::new();
        for r in rows {
            let (what, id, sha): (String, MessageId, String) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            match what.as_str() {
                // (kept by an earlier run that stopped before processing it)
                "new" | "unprocessed" => {
                    new.insert(sha.clone());
                    ids.insert(sha, id);
                }
                _ => {
                    ids.insert(sha, id);
                }
            }
        }
        // The first email with given bytes is new (or still to be processed); the same
        // bytes again are not.
        shas.iter()
            .map(|sha| {
                let id = *ids
                    .get(sha)
                    .context("inbound emails were stored but cannot be found")?;
                Ok((id, new.remove(sha)))
            })
            .collect()
    }

    /// Write what ingestion found, in one transaction, with the status of every case it
    /// touched derived again from its effective events (`derive`, the one derivation) in
    /// that same transaction. The attachments' bytes and the HTML bodies are moved to the
    /// pack writer, not copied (an email may carry tens of megabytes of them).
    pub async fn apply_ingest(
        &self,
        mut records: Vec<IngestRecord>,
        now: DateTime<Utc>,
        derive: &super::DeriveStatus<'_>,
    ) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let (blobs, mut shas): (Vec<Vec<u8>>, Vec<String>) = records
            .iter_mut()
            .flat_map(|r| {
                let attachments = r.attachments.iter_mut().map(|a| (&mut a.bytes, &a.sha256));
                attachments.chain(r.html_body.iter_mut().map(|h| (&mut h.bytes, &h.sha256)))
            })
            .map(|(bytes, sha)| (std::mem::take(bytes), sha.clone()))
            .unzip();
        let blobs = std::sync::Arc::new(blobs);
        let picks = self.new_blobs(&shas).await?;
        let packed;
        (shas, packed) = self.write_blobs(blobs, shas, picks).await?;
        let mut s = Script::within_transaction();
        let now_p = s.param(time_text(now));
        packed.statements(&mut s);
        // What an earlier run recorded of these emails (attachments, their text) goes
        // first, in three statements for the batch: each statement is compiled by SQLite
        // anew, and three per email cost more than the deleting (there is mostly
        // nothing to delete).
        let ids = s.list(records.iter().map(|r| r.id));
        s.sql(&format!(
            "DELETE FROM attachment_texts WHERE attachment_id IN (SELECT id FROM attachments WHERE message_id IN {ids});
             DELETE FROM attachment_extractions WHERE attachment_id IN (SELECT id FROM attachments WHERE message_id IN {ids});
             DELETE FROM attachments WHERE message_id IN {ids};\n"
        ));
        let mut shas = shas.as_slice();
        for r in &records {
            // (the attachments' hashes, then the HTML's, which its record still holds)
            let (mine, rest) =
                shas.split_at(r.attachments.len() + usize::from(r.html_body.is_some()));
            ingest_statements(&mut s, r, &mine[..r.attachments.len()], now, &now_p);
            shas = rest;
        }
        let touched: std::collections::BTreeSet<CaseId> = records
            .iter()
            .flat_map(|r| {
                let linked = r.links.iter().map(|(c, _)| *c);
                linked.chain(r.events.iter().map(|e| e.0))
            })
            .collect();
        let turn = self.write_turn().await;
        // (a failure anywhere drops the transaction, which rolls it all back)
        let mut tx = turn.writer().begin_with("BEGIN IMMEDIATE").await?;
        s.run(&mut tx)
            .await
            .context("cannot record inbound emails")?;
        for case in touched {
            super::derived::refresh_in(&mut tx, case, derive).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Of these hashes, the places of those the database holds no blob for (the first
    /// place of each).
    async fn new_blobs(&self, shas: &[impl AsRef<str>]) -> anyhow::Result<Vec<usize>> {
        let mut wanted: std::collections::HashSet<&str> = shas.iter().map(AsRef::as_ref).collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> =
            sqlx::QueryBuilder::new("SELECT sha256 FROM blobs WHERE sha256 IN (");
        let mut list = q.separated(", ");
        for sha in &wanted {
            list.push_bind(*sha);
        }
        q.push(")");
        let known: Vec<String> = q.build_query_scalar().fetch_all(self.pool()).await?;
        for sha in &known {
            wanted.remove(sha.as_str());
        }
        Ok((0..shas.len())
            .filter(|i| wanted.remove(shas[*i].as_ref()))
            .collect())
    }

    /// Write the blobs at `picks` (of `blobs`, with their `shas`) to this process's pack,
    /// synced to disk before anything names them ([`Packed::statements`] does). The
    /// blobs are shared with the writing thread, not copied.
    async fn write_blobs<B: AsRef<[u8]> + Send + Sync + 'static>(
        &self,
        blobs: std::sync::Arc<Vec<B>>,
        shas: Vec<String>,
        picks: Vec<usize>,
    ) -> anyhow::Result<(Vec<String>, Packed)> {
        if picks.is_empty() {
            return Ok((shas, Packed::default()));
        }
        let packs = self.packs.clone();
        let (shas, written) = tokio::task::spawn_blocking(move || {
            let view: Vec<(&str, &[u8])> = picks
                .iter()
                .map(|i| (shas[*i].as_str(), blobs[*i].as_ref()))
                .collect();
            let written = packs.write(&view).map(|at| {
                picks
                    .iter()
                    .zip(at)
                    .map(|(i, at)| (shas[*i].clone(), blobs[*i].as_ref().len() as i64, at))
                    .collect()
            });
            (shas, written)
        })
        .await
        .context("writing a blob pack failed")?;
        Ok((shas, Packed { blobs: written? }))
    }
}

/// An attachment's row (`id, file_name, content_type, size, sha256`).
fn attachment_row(a: &sqlx::sqlite::SqliteRow) -> anyhow::Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: a.try_get("id")?,
        file_name: a.try_get("file_name")?,
        content_type: a.try_get("content_type")?,
        size: a.try_get("size")?,
        sha256: a.try_get("sha256")?,
    })
}

/// The columns [`Store::blob_bytes`] reads, from `blobs b`.
pub(super) const BLOB_COLUMNS: &str = "b.sha256 AS blob_sha256, b.size AS blob_size, \
     b.data AS blob_data, b.pack AS blob_pack, b.pack_offset AS blob_offset";

/// Blobs just written to a pack, to be named in the database (see
/// [`Store::keep_inbound`] and [`Store::apply_ingest`]).
#[derive(Debug, Default)]
struct Packed {
    /// (sha256, size, where)
    blobs: Vec<(String, i64, super::packs::Location)>,
}

impl Packed {
    /// The rows that list the blobs and say where they are.
    fn statements<'a>(&'a self, s: &mut Script<'a>) {
        if self.blobs.is_empty() {
            return;
        }
        let rows: Vec<String> = self
            .blobs
            .iter()
            .map(|(sha, size, at)| {
                format!(
                    "({}, {}, x'', {}, {})",
                    s.param(sha),
                    s.param(*size),
                    s.param(&at.pack),
                    s.param(at.offset as i64)
                )
            })
            .collect();
        s.sql(&format!(
            "INSERT INTO blobs (sha256, size, data, pack, pack_offset) VALUES {} ON CONFLICT (sha256) DO NOTHING;\n",
            rows.join(", ")
        ));
    }
}

/// The statements that record one processed inbound email (what an earlier run recorded of
/// it is deleted before, for the whole batch: [`Store::apply_ingest`]).
fn ingest_statements<'a>(
    s: &mut Script<'a>,
    r: &'a IngestRecord,
    shas: &'a [String],
    now: DateTime<Utc>,
    now_p: &str,
) {
    {
        let triage = if r.links.is_empty() {
            Some("open")
        } else {
            None
        };
        let reason = if r.links.is_empty() {
            r.triage_reason.clone().unwrap_or_else(|| r.reason.clone())
        } else {
            r.reason.clone()
        };
        let id = s.param(r.id);
        let at = s.param(r.date.map(time_text));
        let sql = format!(
            "UPDATE messages SET message_id = {}, subject = {}, from_addr = {}, to_addr = {}, at = COALESCE({at}, at),
                    text_body = {}, html_sha256 = {}, display_made = 1, problem = {}, classification = {}, classified_by = 'auto',
                    reason = {}, body_reference = {}, triage = {}
             WHERE id = {id};\n",
            s.param(&r.message_id),
            s.param(&r.subject),
            s.param(&r.from_addr),
            s.param(&r.to_addr),
            s.param(&r.text_body),
            s.param(r.html_body.as_ref().map(|h| &h.sha256)),
            s.param(r.problem.as_ref()),
            s.param(&r.classification),
            s.param(reason),
            s.param(r.body_reference.as_ref()),
            s.param(triage),
        );
        s.sql(&sql);
        // (their bytes are named by the batch's pack statements)
        for (a, sha) in r.attachments.iter().zip(shas) {
            let sql = format!(
                "INSERT INTO attachments (message_id, sha256, file_name, content_type, size, inline)
                 VALUES ({id}, {}, {}, {}, {}, {});\n",
                s.param(sha),
                s.param(&a.file_name),
                s.param(&a.content_type),
                s.param(a.size),
                s.param(a.inline),
            );
            s.sql(&sql);
        }
        for (case_id, method) in &r.links {
            let sql = format!(
                "INSERT INTO message_cases (message_id, case_id, method, created_at) VALUES ({id}, {}, {}, {now_p})
                 ON CONFLICT (message_id, case_id) DO NOTHING;\n",
                s.param(*case_id),
                s.param(method),
            );
            s.sql(&sql);
        }
        let occurred_at = s.param(r.date.map(time_text).unwrap_or_else(|| time_text(now)));
        for (case_id, kind, on, note, status) in &r.events {
            let case = s.param(*case_id);
            let sql = format!(
                "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
                 VALUES ({case}, {}, {}, {occurred_at}, {}, 'system', {now_p}, {id});\n",
                s.param(kind),
                s.param(on.to_string()),
                s.param(note),
            );
            s.sql(&sql);
            if let Some(status) = status {
                let sql = format!(
                    "UPDATE cases SET status = {} WHERE id = {case};\n",
                    s.param(status)
                );
                s.sql(&sql);
            }
        }
        for (case_id, why) in &r.flag_bodies {
            let sql = format!(
                "UPDATE bodies SET email_flag = {} WHERE id = (SELECT body_id FROM cases WHERE id = {});\n",
                s.param(why),
                s.param(*case_id),
            );
            s.sql(&sql);
        }
        if r.cancel_chasers && !r.links.is_empty() {
            let cases = s.list(r.links.iter().map(|(c, _)| *c));
            super::casework::cancel_chasers_sql(s, &cases, now_p);
        }
    }
}

impl Store {
    /// Inbound messages: the triage (open) or all, newest first.
    pub async fn inbound_messages(&self, triage_only: bool) -> Result<Vec<MessageRow>> {
        let ids: Vec<MessageId> = if triage_only {
            sqlx::query_scalar("SELECT id FROM messages WHERE direction = 'inbound' AND triage = 'open' ORDER BY id DESC")
                .fetch_all(self.pool())
                .await?
        } else {
            sqlx::query_scalar(
                "SELECT id FROM messages WHERE direction = 'inbound' ORDER BY id DESC",
            )
            .fetch_all(self.pool())
            .await?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = self.message(id).await? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// The messages of a case (outbound and inbound), oldest first.
    pub async fn case_messages(&self, case_id: CaseId) -> Result<Vec<MessageRow>> {
        let ids: Vec<MessageId> = sqlx::query_scalar(
            "SELECT id FROM messages WHERE case_id = $1
             UNION SELECT message_id FROM message_cases WHERE case_id = $1 ORDER BY 1",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(m) = self.message(id).await? {
                out.push(m);
            }
        }
        out.sort_by_key(|m| m.at);
        Ok(out)
    }

    pub async fn message(&self, id: MessageId) -> Result<Option<MessageRow>> {
        let Some(r) = sqlx::query(
            "SELECT id, direction, message_id, subject, from_addr, to_addr, at, classification, classified_by,
                    reason, problem, body_reference, triage, source, text_body, raw_sha256
             FROM messages WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let cases = sqlx::query(
            "SELECT c.reference, mc.method FROM message_cases mc JOIN cases c ON c.id = mc.case_id
             WHERE mc.message_id = $1
             UNION SELECT c.reference, 'outbound' FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.id = $1",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                crate::domain::Reference::from_stored(r.try_get("reference")?),
                r.try_get("method")?,
            ))
        })
        .collect::<anyhow::Result<Vec<(crate::domain::Reference, String)>>>()?;
        let attachments = sqlx::query(
            "SELECT id, file_name, content_type, size, sha256 FROM attachments WHERE message_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(attachment_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
        let at: String = r.try_get("at")?;
        Ok(Some(MessageRow {
            id: r.try_get("id")?,
            direction: r.try_get("direction")?,
            message_id: r.try_get("message_id")?,
            subject: r.try_get("subject")?,
            from_addr: r.try_get("from_addr")?,
            to_addr: r.try_get("to_addr")?,
            at: parse_time(&at)?,
            classification: r.try_get("classification")?,
            classified_by: r.try_get("classified_by")?,
            reason: r.try_get("reason")?,
            problem: r.try_get("problem")?,
            body_reference: r.try_get("body_reference")?,
            triage: r.try_get("triage")?,
            source: r.try_get("source")?,
            text_body: r.try_get("text_body")?,
            raw_sha256: r.try_get("raw_sha256")?,
            cases,
            attachments,
        }))
    }

    /// A blob's bytes (raw email or attachment).
    pub async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BLOB_COLUMNS} FROM blobs b WHERE b.sha256 = $1"
        )))
        .bind(sha256)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(self.blob_bytes(&row).await?))
    }

    pub async fn attachment(&self, id: AttachmentId) -> Result<Option<(AttachmentRow, Vec<u8>)>> {
        let Some(a) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.file_name, a.content_type, a.size, a.sha256, {BLOB_COLUMNS}
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((attachment_row(&a)?, self.blob_bytes(&a).await?)))
    }

    /// The bytes of a blob read with [`BLOB_COLUMNS`]: in the row, or in its pack.
    pub(super) async fn blob_bytes(
        &self,
        row: &sqlx::sqlite::SqliteRow,
    ) -> anyhow::Result<Vec<u8>> {
        let pack: Option<String> = row.try_get("blob_pack")?;
        let Some(pack) = pack else {
            return Ok(row.try_get("blob_data")?);
        };
        let sha: String = row.try_get("blob_sha256")?;
        let size: i64 = row.try_get("blob_size")?;
        let offset: i64 = row.try_get("blob_offset")?;
        let packs = self.packs.clone();
        tokio::task::spawn_blocking(move || {
            packs.read(&sha, u64::try_from(size)?, &pack, u64::try_from(offset)?)
        })
        .await
        .context("reading a blob failed")?
    }

    /// A person attaches a triage email to cases.
    pub async fn attach_message(
        &self,
        id: MessageId,
        case_ids: &[CaseId],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for case_id in case_ids {
            sqlx::query(
                "INSERT INTO message_cases (message_id, case_id, method, created_at) VALUES ($1, $2, 'manual', $3)
                 ON CONFLICT (message_id, case_id) DO NOTHING",
            )
            .bind(id)
            .bind(case_id)
            .bind(time_text(now))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE messages SET triage = NULL, reason = $1 WHERE id = $2")
            .bind(format!("attached by {actor}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn dismiss_message(&self, id: MessageId, reason: &str) -> Result<bool> {
        Ok(sqlx::query("UPDATE messages SET triage = 'dismissed', reason = $1 WHERE id = $2 AND triage = 'open'")
            .bind(reason)
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }

    /// A person overrides the classification.
    pub async fn set_classification(&self, id: MessageId, kind: &str, actor: &str) -> Result<bool> {
        Ok(sqlx::query("UPDATE messages SET classification = $1, classified_by = $2 WHERE id = $3 AND direction = 'inbound'")
            .bind(kind)
            .bind(actor)
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// An outgoing email whose bytes an inbound one already brought (kept in a pack) is
    /// kept in its row: the sender's claim reads it there.
    #[tokio::test]
    async fn outgoing_bytes_already_in_a_pack_are_brought_back_inline() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("foi.db")).await.unwrap();
        let raw = b"From: a@b.example\r\nSubject: a loop\r\n\r\nthe same bytes\r\n".as_slice();
        store
            .keep_inbound(
                std::sync::Arc::new(vec![raw.to_vec()]),
                &["test"],
                chrono::DateTime::UNIX_EPOCH,
            )
            .await
            .unwrap();
        let packs = dir.path().join("foi.db.blobs");
        assert_eq!(
            std::fs::read_dir(&packs).unwrap().count(),
            1,
            "kept in a pack"
        );
        let mut conn = store.pool().acquire().await.unwrap();
        let sha = super::super::outbox::put_blob(&mut conn, raw)
            .await
            .unwrap();
        let (data, pack): (Vec<u8>, Option<String>) =
            sqlx::query_as("SELECT data, pack FROM blobs WHERE sha256 = $1")
                .bind(&sha)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!((data.as_slice(), pack), (raw, None));
        // Read without the pack.
        std::fs::remove_dir_all(&packs).unwrap();
        assert_eq!(store.blob(&sha).await.unwrap().unwrap(), raw);
    }
}
