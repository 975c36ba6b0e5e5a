//! Bulk reads for `foi report`: a few set-based queries over one campaign (never a query
//! per case). The case timelines come from `case_timelines`; these add what a report
//! groups and counts by: each case's region and tags, the confirmed answers, and the text
//! of each refusal.

use super::Store;
use sqlx::Row;

/// What a report groups a case by, besides its regime (on the timeline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseGrouping {
    pub case_id: i64,
    pub region: Option<String>,
    /// The body's tags, sorted.
    pub tags: Vec<String>,
}

/// One confirmed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedAnswer {
    pub case_id: i64,
    pub question: String,
    pub value: String,
}

/// A refusal event: its note, and the text of the reply it was read from (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalText {
    pub case_id: i64,
    pub note: Option<String>,
    pub reply_text: Option<String>,
}

impl Store {
    /// Region and tags of every case of a campaign (one row per case).
    pub async fn case_groupings(&self, campaign_id: i64) -> anyhow::Result<Vec<CaseGrouping>> {
        // Tags never contain spaces (the import splits on them), so a space joins them.
        let rows = sqlx::query(
            "SELECT c.id, b.region,
                    (SELECT group_concat(t.tag, ' ') FROM body_tags t WHERE t.body_id = c.body_id) AS tags
             FROM cases c JOIN bodies b ON b.id = c.body_id
             WHERE c.campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let tags: Option<String> = row.try_get("tags")?;
                let mut tags: Vec<String> = tags
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect();
                tags.sort();
                Ok(CaseGrouping {
                    case_id: row.try_get("id")?,
                    region: row.try_get("region")?,
                    tags,
                })
            })
            .collect()
    }

    /// The confirmed answers of a campaign's cases (suggestions are not counted).
    pub async fn confirmed_answers(
        &self,
        campaign_id: i64,
    ) -> anyhow::Result<Vec<ConfirmedAnswer>> {
        let rows = sqlx::query(
            "SELECT a.case_id, a.question, a.value FROM answers a JOIN cases c ON c.id = a.case_id
             WHERE c.campaign_id = $1 AND a.state = 'confirmed'",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ConfirmedAnswer {
                    case_id: row.try_get("case_id")?,
                    question: row.try_get("question")?,
                    value: row.try_get("value")?,
                })
            })
            .collect()
    }

    /// Every refusal event of a campaign's cases, with the text of the reply it came from.
    pub async fn refusal_texts(&self, campaign_id: i64) -> anyhow::Result<Vec<RefusalText>> {
        let rows = sqlx::query(
            "SELECT e.case_id, e.note, m.text_body FROM events e JOIN cases c ON c.id = e.case_id
             LEFT JOIN messages m ON m.id = e.message_id
             WHERE c.campaign_id = $1 AND e.kind = 'refusal'",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RefusalText {
                    case_id: row.try_get("case_id")?,
                    note: row.try_get("note")?,
                    reply_text: row.try_get("text_body")?,
                })
            })
            .collect()
    }
}
