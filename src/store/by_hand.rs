//! Cases whose request goes by hand (the body's web form, or a letter): the channel a
//! case is marked with, the manual submission recorded, and the list still to submit.

use super::Result;
use super::{time_text, Store};
use crate::domain::id::CaseId;
use crate::domain::{CaseStatus, Reference};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// A case to submit by hand.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ByHandRow {
    pub reference: Reference,
    pub channel: String,
    /// When it was marked, and the note (where the form is, the postal address).
    pub marked_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Store {
    /// How the case's request reaches its body: `email`, `portal` or `post`.
    pub async fn case_channel(&self, case_id: CaseId) -> Result<String> {
        Ok(
            sqlx::query_scalar("SELECT channel FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Mark a case's channel, with a `note` event saying so (by `actor`), in one
    /// transaction.
    pub async fn set_case_channel(
        &self,
        case_id: CaseId,
        channel: &str,
        note: &str,
        actor: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE cases SET channel = $1 WHERE id = $2")
            .bind(channel)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at)
             VALUES ($1, 'note', $2, $3, $4, $5, $3)",
        )
        .bind(case_id)
        .bind(today.to_string())
        .bind(&now)
        .bind(note)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await.context("the channel was not saved")?;
        Ok(())
    }

    /// Record a request submitted by hand on `on` (a `submitted` event, the date its clock
    /// counts from), mark the case's channel, and move a case not yet awaiting a response
    /// (draft, queued, delivery failed) to awaiting it: in one transaction.
    pub async fn record_submission(
        &self,
        case_id: CaseId,
        channel: &str,
        on: NaiveDate,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at)
             VALUES ($1, 'submitted', $2, NULL, $3, $4, $5)",
        )
        .bind(case_id)
        .bind(on.to_string())
        .bind(note)
        .bind(actor)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE cases SET channel = $1,
                    status = CASE WHEN status IN ($2, $3, $4) THEN $5 ELSE status END
             WHERE id = $6",
        )
        .bind(channel)
        .bind(CaseStatus::Draft.as_str())
        .bind(CaseStatus::Queued.as_str())
        .bind(CaseStatus::DeliveryFailed.as_str())
        .bind(CaseStatus::AwaitingResponse.as_str())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        // (an email of the request still waiting would now be a second request)
        sqlx::query(
            "UPDATE outbox SET state = 'cancelled', last_error = 'submitted by hand'
             WHERE case_id = $1 AND kind = 'request' AND state = 'queued'",
        )
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await.context("the submission was not saved")?;
        Ok(())
    }

    /// Cases marked `portal` or `post` that have no submission recorded yet, with when
    /// they were marked.
    pub async fn to_submit_by_hand(&self) -> Result<Vec<ByHandRow>> {
        let rows = sqlx::query(
            "SELECT c.reference, c.channel,
                    (SELECT e.occurred_on FROM events e WHERE e.case_id = c.id AND e.kind = 'note'
                     AND e.note LIKE 'to submit by hand%' ORDER BY e.id DESC LIMIT 1) AS marked_on,
                    (SELECT e.note FROM events e WHERE e.case_id = c.id AND e.kind = 'note'
                     AND e.note LIKE 'to submit by hand%' ORDER BY e.id DESC LIMIT 1) AS note
             FROM cases c
             WHERE c.channel <> 'email'
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = 'submitted')
             ORDER BY c.campaign_id, c.seq",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let reference: String = r.try_get("reference")?;
                let marked: Option<String> = r.try_get("marked_on")?;
                Ok(ByHandRow {
                    reference: Reference::parse(&reference)
                        .with_context(|| format!("stored reference {reference} is invalid"))?,
                    channel: r.try_get("channel")?,
                    marked_on: marked.map(|m| m.parse()).transpose()?,
                    note: r.try_get("note")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }
}
