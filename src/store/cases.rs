//! Cases and their events.

use super::{parse_time, Store};
use super::{Result, StoreError};
use crate::domain::id::{BodyId, CampaignId, CaseId};
use crate::domain::{BodyKey, Case, CaseStatus, Reference, ReplyToken};
use anyhow::anyhow;
use sqlx::{QueryBuilder, Row, Sqlite};

/// Filters for listing cases.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub campaign_id: Option<CampaignId>,
    pub status: Option<CaseStatus>,
    pub reference: Option<Reference>,
    pub body_id: Option<BodyId>,
}

/// One event on a case, as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventRow {
    pub id: i64,
    pub kind: crate::domain::event::EventKind,
    pub occurred_on: chrono::NaiveDate,
    pub occurred_at: Option<chrono::DateTime<chrono::Utc>>,
    pub note: Option<String>,
    pub actor: String,
    /// The event of a person's correction that superseded this one (it no longer counts).
    pub superseded_by: Option<i64>,
}

pub(super) fn row_to_case(row: &sqlx::sqlite::SqliteRow) -> anyhow::Result<Case> {
    let status: String = row.try_get("status")?;
    let created: String = row.try_get("created_at")?;
    Ok(Case {
        id: row.try_get("id")?,
        reference: Reference::from_stored(row.try_get("reference")?),
        token: ReplyToken::parse(&row.try_get::<String, _>("token")?)
            .ok_or_else(|| anyhow!("bad token in the database"))?,
        campaign: row.try_get("campaign")?,
        body_id: row.try_get("body_id")?,
        body_key: BodyKey::from_stored(row.try_get("body_key")?),
        body_name: row.try_get("body_name")?,
        body_email: row.try_get("body_email")?,
        regime: row.try_get("regime")?,
        status: CaseStatus::parse(&status).ok_or_else(|| anyhow!("unknown status {status}"))?,
        created_at: parse_time(&created)?,
    })
}

impl Store {
    /// Cases matching a filter, by campaign then sequence number.
    pub async fn cases(&self, filter: &CaseFilter) -> Result<Vec<Case>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT c.id, c.reference, c.token, c.body_id, c.regime, c.status, c.created_at,
                    k.name AS campaign, b.key AS body_key, b.name AS body_name, b.email AS body_email
             FROM cases c JOIN campaigns k ON k.id = c.campaign_id JOIN bodies b ON b.id = c.body_id
             WHERE 1 = 1",
        );
        if let Some(id) = filter.campaign_id {
            q.push(" AND c.campaign_id = ").push_bind(id);
        }
        if let Some(s) = filter.status {
            q.push(" AND c.status = ").push_bind(s.as_str());
        }
        if let Some(id) = filter.body_id {
            q.push(" AND c.body_id = ").push_bind(id);
        }
        if let Some(r) = &filter.reference {
            q.push(" AND c.reference = ")
                .push_bind(r.as_str().to_string());
        }
        q.push(" ORDER BY c.campaign_id, c.seq");
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(row_to_case)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// One case by reference, or an error that says how to find it.
    pub async fn require_case(&self, reference: &Reference) -> Result<Case> {
        let filter = CaseFilter {
            reference: Some(reference.clone()),
            ..Default::default()
        };
        self.cases(&filter)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no case with reference '{reference}': `foi cases list` shows them"
                ))
            })
    }

    /// A case's events in date order.
    pub async fn events(&self, case_id: CaseId) -> Result<Vec<EventRow>> {
        let rows = sqlx::query(
            "SELECT id, kind, occurred_on, occurred_at, note, actor, superseded_by FROM events
             WHERE case_id = $1 ORDER BY occurred_on, id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let on: String = row.try_get("occurred_on")?;
                let at: Option<String> = row.try_get("occurred_at")?;
                Ok(EventRow {
                    id: row.try_get("id")?,
                    kind: crate::domain::event::EventKind::from_stored(row.try_get("kind")?),
                    occurred_on: on.parse()?,
                    occurred_at: at.as_deref().map(parse_time).transpose()?,
                    note: row.try_get("note")?,
                    actor: row.try_get("actor")?,
                    superseded_by: row.try_get("superseded_by")?,
                })
            })
            .collect()
    }
}
