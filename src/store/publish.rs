//! Bulk reads for `foi publish`: the messages of a batch of a campaign's cases in one query
//! (never a query per case, never the whole campaign's correspondence at once), with what
//! a published case page shows of it; and how the campaign's answers were coded, counted
//! here rather than read answer by answer.

use super::Store;
use crate::domain::id::{CampaignId, CaseId};
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::HashMap;

/// A message of a campaign's case, as a published page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignMessage {
    pub case_id: CaseId,
    /// `outbound` or `inbound`.
    pub direction: String,
    pub at: DateTime<Utc>,
    pub from_addr: String,
    pub subject: String,
    /// The text ingestion kept (a reply's); `None` for an email we sent.
    pub text_body: Option<String>,
    /// The raw email's blob.
    pub raw_sha256: String,
    /// Its size in bytes (0 when the blob is missing).
    pub raw_size: u64,
}

impl Store {
    /// Every message on the given cases of a campaign (what we sent and the replies matched
    /// to them), by case, oldest first. `foi publish` asks for a batch of cases at a time.
    pub async fn campaign_messages(
        &self,
        campaign_id: CampaignId,
        cases: &[CaseId],
    ) -> super::Result<Vec<CampaignMessage>> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(cases).map_err(anyhow::Error::from)?;
        type Row = (
            CaseId,
            String,
            String,
            String,
            String,
            Option<String>,
            String,
            Option<i64>,
        );
        let rows: Vec<Row> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(x.case_id, m.direction, m.at, m.from_addr,
                        m.subject, m.text_body, m.raw_sha256,
                        (SELECT b.size FROM blobs b WHERE b.sha256 = m.raw_sha256)))
                 FROM (SELECT m.id AS mid, m.case_id AS case_id FROM messages m
                         JOIN cases c ON c.id = m.case_id
                         WHERE c.campaign_id = $1 AND c.id IN (SELECT value FROM json_each($2))
                       UNION
                       SELECT mc.message_id, mc.case_id FROM message_cases mc
                         JOIN cases c ON c.id = mc.case_id
                         WHERE c.campaign_id = $1 AND c.id IN (SELECT value FROM json_each($2))) x
                 JOIN messages m ON m.id = x.mid",
                campaign_id,
                &[&ids],
            )
            .await?;
        let mut out = rows
            .into_iter()
            .map(
                |(case_id, direction, at, from_addr, subject, text_body, raw, size)| {
                    Ok(CampaignMessage {
                        case_id,
                        direction,
                        at: super::parse_time(&at)?,
                        from_addr,
                        subject,
                        text_body,
                        raw_sha256: raw,
                        raw_size: size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                    })
                },
            )
            .collect::<anyhow::Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.case_id.cmp(&b.case_id).then(a.at.cmp(&b.at)));
        Ok(out)
    }
}

impl Store {
    /// The bytes of the given blobs (raw emails), by hash, in one query (a packed one read
    /// from its pack): `foi publish` reads a chunk of a batch's raw emails at once, its
    /// total size bounded by the caller. A hash with no blob is left out.
    pub async fn blobs(&self, shas: &[&str]) -> super::Result<HashMap<String, Vec<u8>>> {
        let mut out = HashMap::with_capacity(shas.len());
        if shas.is_empty() {
            return Ok(out);
        }
        let list = serde_json::to_string(shas).map_err(anyhow::Error::from)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM blobs b WHERE b.sha256 IN (SELECT value FROM json_each($1))",
            super::messages::BLOB_COLUMNS
        )))
        .bind(list)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let sha: String = row.try_get("blob_sha256").map_err(anyhow::Error::from)?;
            let bytes = self.blob_bytes(row).await?;
            out.insert(sha, bytes);
        }
        Ok(out)
    }
}

/// An attachment a person marked publishable, on a campaign's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDocument {
    pub case_id: CaseId,
    pub attachment_id: crate::domain::AttachmentId,
    pub file_name: String,
    pub content_type: String,
    /// `text` or `original`.
    pub publish: String,
}

impl Store {
    /// Mark attachment `id` publishable as `text` or `original`, or withdraw it (`None`).
    /// False when there is no such attachment.
    pub async fn set_attachment_publish(
        &self,
        id: crate::domain::AttachmentId,
        publish: Option<&str>,
    ) -> super::Result<bool> {
        let done = sqlx::query("UPDATE attachments SET publish = $1 WHERE id = $2")
            .bind(publish)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The attachments marked publishable on a campaign's cases (on the replies matched to
    /// them), by case.
    pub async fn campaign_documents(
        &self,
        campaign_id: CampaignId,
    ) -> super::Result<Vec<CampaignDocument>> {
        type Row = (CaseId, crate::domain::AttachmentId, String, String, String);
        let rows: Vec<Row> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(mc.case_id, a.id, a.file_name, a.content_type, a.publish))
                 FROM attachments a JOIN message_cases mc ON mc.message_id = a.message_id
                 JOIN cases c ON c.id = mc.case_id
                 WHERE c.campaign_id = $1 AND a.publish IS NOT NULL",
                campaign_id,
                &[],
            )
            .await?;
        let mut out: Vec<CampaignDocument> = rows
            .into_iter()
            .map(
                |(case_id, attachment_id, file_name, content_type, publish)| CampaignDocument {
                    case_id,
                    attachment_id,
                    file_name,
                    content_type,
                    publish,
                },
            )
            .collect();
        out.sort_by_key(|d| (d.case_id, d.attachment_id));
        Ok(out)
    }
}

/// How many of a campaign's answers share a state, a question, who set them and whether
/// they came from a keyword suggestion: what the methods page says about the coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerTally {
    pub state: super::AnswerState,
    pub question: String,
    /// `system` (a rule) or the person's name.
    pub actor: String,
    /// The answer names the reply it was suggested from (confirmed from a suggestion).
    pub from_suggestion: bool,
    pub count: usize,
}

impl Store {
    /// A campaign's answers counted by state, question, actor and origin (one row per
    /// group, not per answer).
    pub async fn campaign_answer_tallies(
        &self,
        campaign_id: CampaignId,
    ) -> super::Result<Vec<AnswerTally>> {
        let rows: Vec<(String, String, String, bool, i64)> = sqlx::query_as(
            "SELECT a.state, a.question, a.actor, a.message_id IS NOT NULL, count(*)
             FROM answers a JOIN cases c ON c.id = a.case_id
             WHERE c.campaign_id = $1
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(state, question, actor, from_suggestion, count)| {
                let state = match state.as_str() {
                    "confirmed" => super::AnswerState::Confirmed,
                    "suggested" => super::AnswerState::Suggested,
                    _ => {
                        return Err(anyhow::anyhow!(
                            "unknown answer state '{state}' in the database"
                        )
                        .into())
                    }
                };
                Ok(AnswerTally {
                    state,
                    question,
                    actor,
                    from_suggestion,
                    count: usize::try_from(count).unwrap_or(0),
                })
            })
            .collect()
    }
}
