//! Sending a case's request again (`foi case resend`, `foi campaign resend --bounced`):
//! the address its last request went to, and the new delivery queued with its note in
//! one transaction.

use super::outbox::insert_outbox;
use super::Result;
use super::{time_text, NewOutboxItem, Store};
use crate::domain::id::{CampaignId, CaseId};
use crate::domain::{CaseStatus, Reference};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// A case whose delivery failed, with the address its last request went to.
#[derive(Debug, Clone)]
pub struct BouncedCase {
    pub case_id: CaseId,
    pub reference: Reference,
    pub failed_to: Option<String>,
    pub body_email: String,
}

impl Store {
    /// The address the case's last request (first or sent again) went to.
    pub async fn last_request_recipient(&self, case_id: CaseId) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT recipient FROM outbox WHERE case_id = $1 AND kind = 'request'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Whether a request of the case is waiting to be sent (queued or in flight).
    pub async fn request_pending(&self, case_id: CaseId) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM outbox WHERE case_id = $1 AND kind = 'request'
             AND state IN ('queued', 'claimed', 'sending', 'uncertain')",
        )
        .bind(case_id)
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// The campaign's cases whose delivery failed, by reference.
    pub async fn bounced_cases(&self, campaign_id: CampaignId) -> Result<Vec<BouncedCase>> {
        let rows = sqlx::query(
            "SELECT c.id, c.reference, b.email,
                    (SELECT o.recipient FROM outbox o WHERE o.case_id = c.id AND o.kind = 'request'
                     ORDER BY o.id DESC LIMIT 1) AS failed_to
             FROM cases c JOIN bodies b ON b.id = c.body_id
             WHERE c.campaign_id = $1 AND c.status = $2 ORDER BY c.seq",
        )
        .bind(campaign_id)
        .bind(CaseStatus::DeliveryFailed.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let reference: String = r.try_get("reference")?;
                Ok(BouncedCase {
                    case_id: r.try_get("id")?,
                    reference: Reference::parse(&reference)
                        .with_context(|| format!("stored reference {reference} is invalid"))?,
                    failed_to: r.try_get("failed_to")?,
                    body_email: r.try_get("email")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// Queue cases' requests again (each a new delivery: the sender records its `sent`, and
    /// the case's status moves back to `queued` until then), each with a `note` event saying
    /// so by `actor`: all in one transaction.
    pub async fn queue_requests_again(
        &self,
        items: &[(NewOutboxItem, String)],
        actor: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        for (item, note) in items {
            queue_again_in(&mut tx, item, note, actor, today, &now).await?;
        }
        tx.commit()
            .await
            .context("the requests were not queued again")?;
        Ok(())
    }
}

async fn queue_again_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    item: &NewOutboxItem,
    note: &str,
    actor: &str,
    today: NaiveDate,
    now: &str,
) -> anyhow::Result<()> {
    insert_outbox(tx, item, now).await?;
    sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
        .bind(CaseStatus::Queued.as_str())
        .bind(item.case_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at)
             VALUES ($1, 'note', $2, $3, $4, $5, $3)",
    )
    .bind(item.case_id)
    .bind(today.to_string())
    .bind(now)
    .bind(note)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
