//! Inbound messages: raw bytes first, then what parsing, classification and matching found;
//! attachments; triage; IMAP folder bookkeeping. Also the lookups matching needs.

use super::outbox::put_blob;
use super::{parse_time, time_text, Store};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

/// What ingestion learnt about one stored email, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct IngestRecord {
    pub id: i64,
    pub message_id: String,
    pub subject: String,
    pub from_addr: String,
    pub to_addr: String,
    pub date: Option<DateTime<Utc>>,
    pub text_body: String,
    pub html_body: Option<String>,
    pub problem: Option<String>,
    pub classification: String,
    pub reason: String,
    pub body_reference: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// (case id, method); empty means triage with `triage_reason`.
    pub links: Vec<(i64, String)>,
    pub triage_reason: Option<String>,
    /// Events for the linked cases: (case id, kind, date, note, new status if any).
    pub events: Vec<(i64, String, NaiveDate, String, Option<String>)>,
    /// Bodies whose address must be flagged (a bounce): (case id, why).
    pub flag_bodies: Vec<(i64, String)>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub inline: bool,
}

/// An inbound message for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MessageRow {
    pub id: i64,
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
    pub cases: Vec<(String, String)>,
    pub attachments: Vec<AttachmentRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AttachmentRow {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl Store {
    /// Keep an email's raw bytes before anything else looks at it. Returns the message id
    /// and whether it is new (the same bytes are stored once).
    pub async fn store_inbound_raw(
        &self,
        raw: &[u8],
        source: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(i64, bool)> {
        let mut tx = self.pool().begin().await?;
        let sha = put_blob(&mut tx, raw).await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO messages (case_id, direction, message_id, raw_sha256, at, created_at, source, triage, reason)
             VALUES (NULL, 'inbound', '', $1, $2, $2, $3, 'open', 'not yet processed')
             ON CONFLICT (raw_sha256) WHERE direction = 'inbound' DO NOTHING RETURNING id",
        )
        .bind(&sha)
        .bind(time_text(now))
        .bind(source)
        .fetch_optional(&mut *tx)
        .await?;
        let result = match inserted {
            Some(id) => (id, true),
            None => {
                let id: i64 = sqlx::query_scalar(
                    "SELECT id FROM messages WHERE raw_sha256 = $1 AND direction = 'inbound'",
                )
                .bind(&sha)
                .fetch_one(&mut *tx)
                .await?;
                (id, false)
            }
        };
        tx.commit().await.context("cannot store an inbound email")?;
        Ok(result)
    }

    /// Write what ingestion found, in one transaction.
    pub async fn apply_ingest(&self, r: &IngestRecord, now: DateTime<Utc>) -> anyhow::Result<()> {
        let now_text = time_text(now);
        let mut tx = self.pool().begin().await?;
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
        sqlx::query(
            "UPDATE messages SET message_id = $1, subject = $2, from_addr = $3, to_addr = $4, at = COALESCE($5, at),
                    text_body = $6, html_body = $7, problem = $8, classification = $9, classified_by = 'auto',
                    reason = $10, body_reference = $11, triage = $12
             WHERE id = $13",
        )
        .bind(&r.message_id)
        .bind(&r.subject)
        .bind(&r.from_addr)
        .bind(&r.to_addr)
        .bind(r.date.map(time_text))
        .bind(&r.text_body)
        .bind(&r.html_body)
        .bind(&r.problem)
        .bind(&r.classification)
        .bind(&reason)
        .bind(&r.body_reference)
        .bind(triage)
        .bind(r.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM attachments WHERE message_id = $1")
            .bind(r.id)
            .execute(&mut *tx)
            .await?;
        for a in &r.attachments {
            let sha = put_blob(&mut tx, &a.bytes).await?;
            sqlx::query(
                "INSERT INTO attachments (message_id, sha256, file_name, content_type, size, inline)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(r.id)
            .bind(&sha)
            .bind(&a.file_name)
            .bind(&a.content_type)
            .bind(a.bytes.len() as i64)
            .bind(a.inline)
            .execute(&mut *tx)
            .await?;
        }
        for (case_id, method) in &r.links {
            sqlx::query(
                "INSERT INTO message_cases (message_id, case_id, method, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (message_id, case_id) DO NOTHING",
            )
            .bind(r.id)
            .bind(case_id)
            .bind(method)
            .bind(&now_text)
            .execute(&mut *tx)
            .await?;
        }
        for (case_id, kind, on, note, status) in &r.events {
            sqlx::query(
                "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
                 VALUES ($1, $2, $3, $4, $5, 'system', $6, $7)",
            )
            .bind(case_id)
            .bind(kind)
            .bind(on.to_string())
            .bind(r.date.map(time_text).unwrap_or_else(|| now_text.clone()))
            .bind(note)
            .bind(&now_text)
            .bind(r.id)
            .execute(&mut *tx)
            .await?;
            if let Some(s) = status {
                sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                    .bind(s)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (case_id, why) in &r.flag_bodies {
            sqlx::query("UPDATE bodies SET email_flag = $1 WHERE id = (SELECT body_id FROM cases WHERE id = $2)")
                .bind(why)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit()
            .await
            .context("cannot record an inbound email")?;
        Ok(())
    }

    /// The case whose reply token this is.
    pub async fn case_id_by_token(&self, token: &str) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM cases WHERE token = $1")
            .bind(token)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Cases whose outbound emails carry one of these Message-IDs.
    pub async fn case_ids_by_outbound_ids(&self, ids: &[String]) -> anyhow::Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT DISTINCT case_id FROM outbox WHERE message_id IN (");
        let mut sep = q.separated(", ");
        for id in ids.iter().take(100) {
            sep.push_bind(id.clone());
        }
        q.push(")");
        Ok(q.build_query_scalar().fetch_all(self.pool()).await?)
    }

    pub async fn case_id_by_reference(&self, reference: &str) -> anyhow::Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
                .bind(reference)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Cases on which an earlier email carried this body reference.
    pub async fn case_ids_by_body_reference(&self, body_ref: &str) -> anyhow::Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT mc.case_id FROM messages m JOIN message_cases mc ON mc.message_id = m.id
             WHERE m.body_reference = $1",
        )
        .bind(body_ref)
        .fetch_all(self.pool())
        .await?)
    }

    /// Open cases of bodies with this exact address, and of bodies on this domain.
    pub async fn open_case_ids_for_sender(
        &self,
        address: &str,
        domain: &str,
    ) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
        let open = "('queued','awaiting_response','acknowledged','clarification_requested','internal_review','complaint_to_regulator')";
        let by_addr: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT c.id FROM cases c JOIN bodies b ON b.id = c.body_id
             WHERE lower(b.email) = lower($1) AND c.status IN {open}"
        )))
        .bind(address)
        .fetch_all(self.pool())
        .await?;
        let by_domain: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT c.id FROM cases c JOIN bodies b ON b.id = c.body_id
             WHERE lower(b.email) LIKE $1 AND c.status IN {open}"
        )))
        .bind(format!("%@{}", domain.to_lowercase()))
        .fetch_all(self.pool())
        .await?;
        Ok((by_addr, by_domain))
    }

    /// Reference and regime of a case, for events and messages.
    pub async fn case_brief(&self, case_id: i64) -> anyhow::Result<(String, String, String)> {
        let r = sqlx::query("SELECT reference, regime, status FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(self.pool())
            .await?;
        Ok((
            r.try_get("reference")?,
            r.try_get("regime")?,
            r.try_get("status")?,
        ))
    }

    /// Inbound messages: the triage (open) or all, newest first.
    pub async fn inbound_messages(&self, triage_only: bool) -> anyhow::Result<Vec<MessageRow>> {
        let ids: Vec<i64> = if triage_only {
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
    pub async fn case_messages(&self, case_id: i64) -> anyhow::Result<Vec<MessageRow>> {
        let ids: Vec<i64> = sqlx::query_scalar(
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

    pub async fn message(&self, id: i64) -> anyhow::Result<Option<MessageRow>> {
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
        .map(|r| Ok((r.try_get("reference")?, r.try_get("method")?)))
        .collect::<anyhow::Result<Vec<(String, String)>>>()?;
        let attachments = sqlx::query(
            "SELECT id, file_name, content_type, size, sha256 FROM attachments WHERE message_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|a| {
            Ok(AttachmentRow {
                id: a.try_get("id")?,
                file_name: a.try_get("file_name")?,
                content_type: a.try_get("content_type")?,
                size: a.try_get("size")?,
                sha256: a.try_get("sha256")?,
            })
        })
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

    /// A message's HTML body as stored (sanitised at ingestion; shown only after
    /// sanitising again).
    pub async fn message_html(&self, id: i64) -> anyhow::Result<Option<String>> {
        Ok(
            sqlx::query_scalar::<_, Option<String>>("SELECT html_body FROM messages WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// A blob's bytes (raw email or attachment).
    pub async fn blob(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT data FROM blobs WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn attachment(&self, id: i64) -> anyhow::Result<Option<(AttachmentRow, Vec<u8>)>> {
        let Some(a) = sqlx::query(
            "SELECT a.id, a.file_name, a.content_type, a.size, a.sha256, b.data
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            AttachmentRow {
                id: a.try_get("id")?,
                file_name: a.try_get("file_name")?,
                content_type: a.try_get("content_type")?,
                size: a.try_get("size")?,
                sha256: a.try_get("sha256")?,
            },
            a.try_get("data")?,
        )))
    }

    /// A person attaches a triage email to cases.
    pub async fn attach_message(
        &self,
        id: i64,
        case_ids: &[i64],
        actor: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
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

    pub async fn dismiss_message(&self, id: i64, reason: &str) -> anyhow::Result<bool> {
        Ok(sqlx::query("UPDATE messages SET triage = 'dismissed', reason = $1 WHERE id = $2 AND triage = 'open'")
            .bind(reason)
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }

    /// A person overrides the classification.
    pub async fn set_classification(
        &self,
        id: i64,
        kind: &str,
        actor: &str,
    ) -> anyhow::Result<bool> {
        Ok(sqlx::query("UPDATE messages SET classification = $1, classified_by = $2 WHERE id = $3 AND direction = 'inbound'")
            .bind(kind)
            .bind(actor)
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }

    /// IMAP bookkeeping: (uidvalidity, last uid stored) of a folder.
    pub async fn folder_state(
        &self,
        source: &str,
        folder: &str,
    ) -> anyhow::Result<Option<(u32, u32)>> {
        let r = sqlx::query(
            "SELECT uidvalidity, last_uid FROM mailbox_folders WHERE source = $1 AND folder = $2",
        )
        .bind(source)
        .bind(folder)
        .fetch_optional(self.pool())
        .await?;
        r.map(|r| {
            Ok((
                r.try_get::<i64, _>("uidvalidity")? as u32,
                r.try_get::<i64, _>("last_uid")? as u32,
            ))
        })
        .transpose()
    }

    pub async fn set_folder_state(
        &self,
        source: &str,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO mailbox_folders (source, folder, uidvalidity, last_uid) VALUES ($1, $2, $3, $4)
             ON CONFLICT (source, folder) DO UPDATE SET uidvalidity = $3, last_uid = $4",
        )
        .bind(source)
        .bind(folder)
        .bind(i64::from(uidvalidity))
        .bind(i64::from(last_uid))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
