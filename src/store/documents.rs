//! The text of attachments (issue 21): each attachment's extraction state
//! (`attachment_extractions`, none yet = pending) and its text in units
//! (`attachment_texts`), replaced whole in one transaction.

use super::derived::{refresh_in, supersede_in, DeriveStatus, Supersede};
use super::{time_text, NewEvent, Store};
use crate::domain::id::{AttachmentId, CampaignId, MessageId};
use crate::domain::{DocumentState, Extraction, TextUnit};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// An attachment waiting to be read.
#[derive(Debug, Clone)]
pub struct PendingDocument {
    pub id: AttachmentId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// Whether the email shows it inline (a logo in a signature, most often).
    pub inline: bool,
}

/// An attachment with its extraction state, for `foi documents`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocumentRow {
    pub id: AttachmentId,
    pub message_id: MessageId,
    /// The references of the cases its email is on (none: in triage).
    pub cases: Vec<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub state: DocumentState,
    pub reason: Option<String>,
    pub extractor: Option<String>,
    pub attempts: i64,
    pub units: i64,
}

/// Which attachments `foi documents` lists.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub campaign: Option<CampaignId>,
    pub state: Option<DocumentState>,
    pub attachment: Option<AttachmentId>,
}

/// Attachments on an email matched to a case of the campaign.
const IN_CAMPAIGN: &str = "EXISTS (SELECT 1 FROM message_cases mc JOIN cases c ON c.id = mc.case_id
                                   WHERE mc.message_id = a.message_id AND c.campaign_id = $1)";

fn state(s: &str) -> anyhow::Result<DocumentState> {
    s.parse()
        .map_err(|e: String| anyhow::anyhow!("bad extraction state in the database: {e}"))
}

impl Store {
    /// Up to `limit` attachments not read yet (or queued again), oldest first.
    pub async fn documents_to_extract(
        &self,
        campaign: Option<CampaignId>,
        limit: i64,
    ) -> super::Result<Vec<PendingDocument>> {
        let scope = if campaign.is_some() {
            IN_CAMPAIGN
        } else {
            "$1 IS NULL"
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.file_name, a.content_type, a.size, a.inline
             FROM attachments a LEFT JOIN attachment_extractions e ON e.attachment_id = a.id
             WHERE (e.attachment_id IS NULL OR e.state = 'pending') AND {scope}
             ORDER BY a.id LIMIT $2"
        )))
        .bind(campaign)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(PendingDocument {
                    id: r.try_get("id")?,
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    inline: r.try_get::<i64, _>("inline")? != 0,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(rows)
    }

    /// Queue the failed extractions (of a campaign) again; how many.
    pub async fn retry_failed_documents(
        &self,
        campaign: Option<CampaignId>,
        now: DateTime<Utc>,
    ) -> super::Result<u64> {
        let scope = if campaign.is_some() {
            IN_CAMPAIGN
        } else {
            "$1 IS NULL"
        };
        let turn = self.write_turn().await;
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE attachment_extractions SET state = 'pending', updated_at = $2
             WHERE state = 'failed' AND attachment_id IN (SELECT a.id FROM attachments a WHERE {scope})"
        )))
        .bind(campaign)
        .bind(time_text(now))
        .execute(turn.writer())
        .await?;
        Ok(done.rows_affected())
    }

    /// Record what reading an attachment gave: its state, and its text replacing any it
    /// had, in one transaction.
    pub async fn record_extraction(
        &self,
        id: AttachmentId,
        x: &Extraction,
        now: DateTime<Utc>,
    ) -> super::Result<()> {
        let turn = self.write_turn().await;
        let mut tx = turn.writer().begin().await?;
        sqlx::query("DELETE FROM attachment_texts WHERE attachment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (seq, u) in x.units.iter().enumerate() {
            sqlx::query(
                "INSERT INTO attachment_texts (attachment_id, seq, locator, text) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(seq as i64)
            .bind(&u.locator)
            .bind(&u.text)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO attachment_extractions (attachment_id, state, reason, extractor, attempts, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5)
             ON CONFLICT (attachment_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                 extractor = excluded.extractor, attempts = attempts + 1, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(x.state.as_str())
        .bind(x.reason.as_deref())
        .bind(x.extractor.as_deref())
        .bind(time_text(now))
        .execute(&mut *tx)
        .await?;
        tx.commit()
            .await
            .context("cannot record an attachment's text")?;
        Ok(())
    }

    /// Attachments with their extraction state, oldest first.
    pub async fn documents(&self, filter: &DocumentFilter) -> super::Result<Vec<DocumentRow>> {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "SELECT a.id, a.message_id, a.file_name, a.content_type, a.size,
                    COALESCE(e.state, 'pending') AS state, e.reason, e.extractor,
                    COALESCE(e.attempts, 0) AS attempts,
                    (SELECT count(*) FROM attachment_texts t WHERE t.attachment_id = a.id) AS units,
                    (SELECT group_concat(c.reference, ' ') FROM message_cases mc JOIN cases c ON c.id = mc.case_id
                     WHERE mc.message_id = a.message_id) AS refs
             FROM attachments a LEFT JOIN attachment_extractions e ON e.attachment_id = a.id WHERE 1 = 1",
        );
        if let Some(c) = filter.campaign {
            q.push(
                " AND EXISTS (SELECT 1 FROM message_cases mc JOIN cases c ON c.id = mc.case_id
                   WHERE mc.message_id = a.message_id AND c.campaign_id = ",
            )
            .push_bind(c)
            .push(")");
        }
        if let Some(s) = filter.state {
            q.push(" AND COALESCE(e.state, 'pending') = ")
                .push_bind(s.as_str());
        }
        if let Some(id) = filter.attachment {
            q.push(" AND a.id = ").push_bind(id);
        }
        q.push(" ORDER BY a.id");
        let rows = q.build().fetch_all(self.pool()).await?;
        let rows = rows
            .iter()
            .map(|r| {
                let refs: Option<String> = r.try_get("refs")?;
                Ok(DocumentRow {
                    id: r.try_get("id")?,
                    message_id: r.try_get("message_id")?,
                    cases: refs
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    state: state(&r.try_get::<String, _>("state")?)?,
                    reason: r.try_get("reason")?,
                    extractor: r.try_get("extractor")?,
                    attempts: r.try_get("attempts")?,
                    units: r.try_get("units")?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(rows)
    }

    /// An attachment's text units in order, all of them (the dashboard pages them with
    /// [`Store::document_text`]).
    pub async fn document_units(&self, id: AttachmentId) -> super::Result<Vec<TextUnit>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT locator, text FROM attachment_texts WHERE attachment_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(locator, text)| TextUnit { locator, text })
            .collect())
    }
    /// The received message an attachment came with.
    pub async fn attachment_message(&self, id: AttachmentId) -> super::Result<Option<MessageId>> {
        Ok(
            sqlx::query_scalar("SELECT message_id FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Classify received message `id` as `kind` for `reason` from one of its documents,
    /// in one transaction: only while it is still the system's classification `was` (a
    /// person's correction, or a class changed meanwhile, wins: `false`, nothing done),
    /// with `events` (automatic ones, superseding every event the message gave those
    /// cases before) and each case's status derived again.
    #[allow(clippy::too_many_arguments)]
    pub async fn reclassify_from_document(
        &self,
        id: MessageId,
        was: &str,
        kind: &str,
        reason: &str,
        events: &[NewEvent],
        derive: &DeriveStatus<'_>,
        now: DateTime<Utc>,
    ) -> super::Result<bool> {
        let now = time_text(now);
        let turn = self.write_turn().await;
        let mut tx = turn.writer().begin().await?;
        let changed = sqlx::query(
            "UPDATE messages SET classification = $1, reason = $2
             WHERE id = $3 AND direction = 'inbound' AND classified_by = 'auto' AND classification = $4",
        )
        .bind(kind)
        .bind(reason)
        .bind(id)
        .bind(was)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Ok(false);
        }
        for ev in events {
            let event: i64 = sqlx::query_scalar(
                "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
                 VALUES ($1, $2, $3, NULL, $4, 'system', $5, $6) RETURNING id",
            )
            .bind(ev.case_id)
            .bind(ev.kind.as_str())
            .bind(ev.on.to_string())
            .bind(&ev.note)
            .bind(&now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            supersede_in(&mut tx, ev.case_id, event, Supersede::FromMessage(id)).await?;
            refresh_in(&mut tx, ev.case_id, derive).await?;
        }
        tx.commit()
            .await
            .context("cannot record a classification from a document")?;
        Ok(true)
    }
}
