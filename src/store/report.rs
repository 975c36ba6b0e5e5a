//! Bulk reads for `foi report`: a few set-based queries over one campaign (never a query
//! per case). The case timelines come from `case_timelines`; these add what a report
//! groups and counts by: each case's region and tags, the confirmed answers, and the text
//! of each refusal. Each is one query returning one row (a JSON array of tuples).

use super::Result;
use super::Store;
use crate::domain::id::{CampaignId, CaseId};
use anyhow::Context;

/// What a report groups a case by, besides its regime (on the timeline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseGrouping {
    pub case_id: CaseId,
    pub region: Option<String>,
    /// The body's tags, sorted.
    pub tags: Vec<String>,
}

/// One confirmed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedAnswer {
    pub case_id: CaseId,
    pub question: String,
    pub value: String,
}

/// A refusal event: its note, and the text of the reply it was read from (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalText {
    pub case_id: CaseId,
    pub note: Option<String>,
    pub reply_text: Option<String>,
}

impl Store {
    /// Run `sql`, a query over the campaign `$1` (and `also` as `$2`...) that returns one
    /// row: a JSON aggregate (`json_group_array`) of tuples, and decode them. sqlx hands
    /// each row across threads, so one row of 30,000 tuples is far faster than 30,000 rows.
    pub(super) async fn campaign_rows<T: serde::de::DeserializeOwned>(
        &self,
        sql: &'static str,
        campaign_id: CampaignId,
        also: &[&str],
    ) -> anyhow::Result<Vec<T>> {
        let mut q = sqlx::query_scalar(sql).bind(campaign_id);
        for p in also {
            q = q.bind(*p);
        }
        let text: Option<String> = q.fetch_one(self.pool()).await?;
        match text {
            Some(t) => serde_json::from_str(&t).context("unreadable rows from the database"),
            None => Ok(Vec::new()),
        }
    }

    /// Region and tags of every case of a campaign.
    pub async fn case_groupings(&self, campaign_id: CampaignId) -> Result<Vec<CaseGrouping>> {
        // Tags never contain spaces (the import splits on them), so a space joins them.
        let rows: Vec<(CaseId, Option<String>, Option<String>)> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(c.id, b.region,
                        (SELECT group_concat(t.tag, ' ') FROM body_tags t WHERE t.body_id = c.body_id)))
                 FROM cases c JOIN bodies b ON b.id = c.body_id
                 WHERE c.campaign_id = $1",
                campaign_id,
                &[],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(case_id, region, tags)| {
                let tags = super::bodies_import::sorted_tags(tags);
                CaseGrouping {
                    case_id,
                    region,
                    tags,
                }
            })
            .collect())
    }

    /// The confirmed answers of a campaign's cases (suggestions are not counted).
    pub async fn confirmed_answers(&self, campaign_id: CampaignId) -> Result<Vec<ConfirmedAnswer>> {
        let rows: Vec<(CaseId, String, String)> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(a.case_id, a.question, a.value))
                 FROM answers a JOIN cases c ON c.id = a.case_id
                 WHERE c.campaign_id = $1 AND a.state = 'confirmed'",
                campaign_id,
                &[],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(case_id, question, value)| ConfirmedAnswer {
                case_id,
                question,
                value,
            })
            .collect())
    }

    /// Every refusal event of a campaign's cases, with the text of the reply it came from.
    pub async fn refusal_texts(&self, campaign_id: CampaignId) -> Result<Vec<RefusalText>> {
        let rows: Vec<(CaseId, Option<String>, Option<String>)> = self
            .campaign_rows(
                "SELECT json_group_array(json_array(e.case_id, e.note, m.text_body))
                 FROM events e JOIN cases c ON c.id = e.case_id
                 LEFT JOIN messages m ON m.id = e.message_id
                 WHERE c.campaign_id = $1 AND e.kind = $2 AND e.superseded_by IS NULL",
                campaign_id,
                &[&crate::domain::event::EventKind::Refusal.as_str()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(case_id, note, reply_text)| RefusalText {
                case_id,
                note,
                reply_text,
            })
            .collect())
    }
}
