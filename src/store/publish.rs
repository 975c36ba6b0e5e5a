//! Bulk read for `foi publish`: every message of a campaign's cases in one query (never a
//! query per case), with what a published case page shows of it.

use super::Store;
use crate::domain::id::{CampaignId, CaseId};
use chrono::{DateTime, Utc};

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
}

impl Store {
    /// Every message on a campaign's cases (what we sent and the replies matched to them),
    /// by case, oldest first.
    pub async fn campaign_messages(
        &self,
        campaign_id: CampaignId,
    ) -> super::Result<Vec<CampaignMessage>> {
        type Row = (
            CaseId,
            String,
            String,
            String,
            String,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(x.case_id, m.direction, m.at, m.from_addr,
                        m.subject, m.text_body, m.raw_sha256))
                 FROM (SELECT m.id AS mid, m.case_id AS case_id FROM messages m
                         JOIN cases c ON c.id = m.case_id WHERE c.campaign_id = $1
                       UNION
                       SELECT mc.message_id, mc.case_id FROM message_cases mc
                         JOIN cases c ON c.id = mc.case_id WHERE c.campaign_id = $1) x
                 JOIN messages m ON m.id = x.mid",
                campaign_id,
                &[],
            )
            .await?;
        let mut out = rows
            .into_iter()
            .map(
                |(case_id, direction, at, from_addr, subject, text_body, raw)| {
                    Ok(CampaignMessage {
                        case_id,
                        direction,
                        at: super::parse_time(&at)?,
                        from_addr,
                        subject,
                        text_body,
                        raw_sha256: raw,
                    })
                },
            )
            .collect::<anyhow::Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.case_id.cmp(&b.case_id).then(a.at.cmp(&b.at)));
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
