//! Campaigns, and the creation of their cases.

use super::{parse_time, time_text, Store};
use super::{Result, StoreError};
use crate::domain::id::{BodyId, CampaignId};
use crate::domain::{Campaign, CampaignState, CaseStatus, Reference, ReferencePrefix, ReplyToken};
use anyhow::{anyhow, Context};
use sqlx::{QueryBuilder, Row, Sqlite};

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    pub reference_prefix: ReferencePrefix,
    pub template_dir: String,
    pub regime: Option<String>,
    pub selection: Vec<String>,
}

/// A case to create with its campaign.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub body_id: BodyId,
    pub seq: u32,
    pub reference: Reference,
    pub token: ReplyToken,
    pub regime: String,
}

const CAMPAIGN_COLUMNS: &str =
    "id, name, reference_prefix, template_dir, regime, selection, state, checked_digest, created_at";

fn row_to_campaign(row: &sqlx::sqlite::SqliteRow) -> anyhow::Result<Campaign> {
    let prefix: String = row.try_get("reference_prefix")?;
    let state: String = row.try_get("state")?;
    let selection: String = row.try_get("selection")?;
    let created: String = row.try_get("created_at")?;
    Ok(Campaign {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        reference_prefix: ReferencePrefix::parse(&prefix)?,
        template_dir: row.try_get("template_dir")?,
        regime: row.try_get("regime")?,
        selection: serde_json::from_str(&selection)?,
        state: CampaignState::parse(&state)
            .ok_or_else(|| anyhow!("unknown campaign state {state}"))?,
        checked_digest: row.try_get("checked_digest")?,
        created_at: parse_time(&created)?,
    })
}

impl Store {
    /// Create a campaign and all its cases (status `draft`) in one transaction.
    pub async fn create_campaign(
        &self,
        campaign: &NewCampaign,
        cases: &[NewCase],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (name, reference_prefix, template_dir, regime, selection, state, created_at)
             VALUES ($1, $2, $3, $4, $5, 'draft', $6) RETURNING id",
        )
        .bind(&campaign.name)
        .bind(campaign.reference_prefix.as_str())
        .bind(&campaign.template_dir)
        .bind(&campaign.regime)
        .bind(serde_json::to_string(&campaign.selection)?)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await
        .context("cannot create the campaign")?;
        for chunk in cases.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO cases (campaign_id, body_id, seq, reference, token, regime, status, created_at) ",
            );
            q.push_values(chunk, |mut row, case| {
                row.push_bind(id)
                    .push_bind(case.body_id)
                    .push_bind(i64::from(case.seq))
                    .push_bind(case.reference.as_str())
                    .push_bind(case.token.as_str())
                    .push_bind(&case.regime)
                    .push_bind(CaseStatus::Draft.as_str())
                    .push_bind(&now);
            });
            q.build()
                .execute(&mut *tx)
                .await
                .context("cannot create the cases")?;
        }
        tx.commit().await.context("the campaign was not saved")?;
        Ok(id)
    }

    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at, id");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(row_to_campaign)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    pub async fn campaign_by_name(&self, name: &str) -> Result<Option<Campaign>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE name = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(row_to_campaign)
            .transpose()
            .map_err(Into::into)
    }

    /// The campaign, or an error that says how to find the right name.
    pub async fn require_campaign(&self, name: &str) -> Result<Campaign> {
        self.campaign_by_name(name).await?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no campaign named '{name}': `foi campaign list` shows the campaigns"
            ))
        })
    }

    pub async fn prefix_in_use(&self, prefix: &ReferencePrefix) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE reference_prefix = $1")
                .bind(prefix.as_str())
                .fetch_one(self.pool())
                .await?;
        Ok(n > 0)
    }

    /// Case counts by status for one campaign, in the vocabulary's order.
    pub async fn status_counts(&self, campaign_id: CampaignId) -> Result<Vec<(CaseStatus, i64)>> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM cases WHERE campaign_id = $1 GROUP BY status",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        let mut counts = Vec::new();
        for row in rows {
            let s: String = row.try_get("status")?;
            let status = CaseStatus::parse(&s).ok_or_else(|| anyhow!("unknown status {s}"))?;
            counts.push((status, row.try_get("n")?));
        }
        counts.sort();
        Ok(counts)
    }

    /// Record the digest of the templates that passed the check (or clear it).
    pub async fn set_checked_digest(
        &self,
        campaign_id: CampaignId,
        digest: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE campaigns SET checked_digest = $1 WHERE id = $2")
            .bind(digest)
            .bind(campaign_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
