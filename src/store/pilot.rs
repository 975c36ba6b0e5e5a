//! Pilot launches (the cases sent first, the rest held as drafts until released), the
//! queue the finish estimate works on, and the earlier requests to the same bodies that
//! `campaign create` warns about.

use super::{parse_time, time_text, NewOutboxItem, Result, Store};
use crate::domain::id::{BodyId, CampaignId};
use crate::domain::CaseStatus;
use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// A pilot to record with its launch.
#[derive(Debug, Clone)]
pub struct NewPilot {
    /// The `--select` expressions that chose it (empty for a spread across tags).
    pub selection: Vec<String>,
    /// The digest of the templates the pilot was sent with.
    pub template_digest: String,
}

/// A campaign's pilot, as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pilot {
    pub size: i64,
    pub selection: Vec<String>,
    pub template_digest: String,
    pub launched_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    pub released_digest: Option<String>,
}

/// Where a pilot stands: its cases by what happened to them, and the cases held back.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PilotProgress {
    /// Pilot cases whose request went (whatever happened next).
    pub sent: i64,
    /// Pilot cases still in the outbox.
    pub queued: i64,
    /// Pilot cases whose delivery failed (a bounce or a refusal by the server).
    pub bounced: i64,
    /// Pilot cases with at least one reply (bounces and automatic replies aside).
    pub replied: i64,
    /// Cases of the campaign held back (drafts) until the release.
    pub held: i64,
}

/// A queued email, for the finish estimate: when it may go, where, and whose it is.
#[derive(Debug, Clone)]
pub struct QueuedEmail {
    pub not_before: DateTime<Utc>,
    pub recipient_domain: String,
    pub campaign_id: CampaignId,
}

/// A request a body had already: the case, its regime and the day it went (or was queued).
#[derive(Debug, Clone, serde::Serialize)]
pub struct EarlierRequest {
    pub body_id: BodyId,
    pub body_name: String,
    pub reference: String,
    pub campaign: String,
    pub regime: String,
    pub sent_on: NaiveDate,
}

impl Store {
    /// Launch a draft campaign as a pilot: the campaign becomes launched, `items` (the
    /// pilot's first requests) are queued and the pilot is recorded, in one transaction.
    /// The other cases stay drafts (held) until [`Store::release_pilot`].
    pub async fn launch_pilot(
        &self,
        campaign_id: CampaignId,
        pilot: &NewPilot,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.pool().begin().await?;
        self.launch_in(&mut tx, campaign_id, items, now).await?;
        sqlx::query(
            "INSERT INTO campaign_pilots (campaign_id, size, selection, template_digest, launched_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(campaign_id)
        .bind(items.len() as i64)
        .bind(serde_json::to_string(&pilot.selection)?)
        .bind(&pilot.template_digest)
        .bind(time_text(now))
        .execute(&mut *tx)
        .await?;
        for item in items {
            sqlx::query("INSERT INTO pilot_cases (case_id, campaign_id) VALUES ($1, $2)")
                .bind(item.case_id)
                .bind(campaign_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit()
            .await
            .context("the pilot launch was not saved")?;
        Ok(items.len())
    }

    /// A campaign's pilot, if it was launched as one.
    pub async fn pilot(&self, campaign_id: CampaignId) -> Result<Option<Pilot>> {
        let Some(r) = sqlx::query(
            "SELECT size, selection, template_digest, launched_at, released_at, released_digest
             FROM campaign_pilots WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let selection: String = r.try_get("selection")?;
        let launched: String = r.try_get("launched_at")?;
        let released: Option<String> = r.try_get("released_at")?;
        Ok(Some(Pilot {
            size: r.try_get("size")?,
            selection: serde_json::from_str(&selection)?,
            template_digest: r.try_get("template_digest")?,
            launched_at: parse_time(&launched)?,
            released_at: released.as_deref().map(parse_time).transpose()?,
            released_digest: r.try_get("released_digest")?,
        }))
    }

    /// How the pilot cases fared, and how many cases are held.
    pub async fn pilot_progress(&self, campaign_id: CampaignId) -> Result<PilotProgress> {
        let r = sqlx::query(
            "SELECT
               COUNT(CASE WHEN c.status NOT IN ($2, $3, $4) THEN 1 END) AS sent,
               COUNT(CASE WHEN c.status = $3 THEN 1 END) AS queued,
               COUNT(CASE WHEN c.status = $5 OR EXISTS (
                   SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = $6
                     AND e.superseded_by IS NULL) THEN 1 END) AS bounced,
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM message_cases mc JOIN messages m ON m.id = mc.message_id
                   WHERE mc.case_id = c.id AND m.direction = 'inbound'
                     AND COALESCE(m.classification, '') NOT IN ($7, $8))
                 THEN 1 END) AS replied
             FROM pilot_cases p JOIN cases c ON c.id = p.case_id WHERE p.campaign_id = $1",
        )
        .bind(campaign_id)
        .bind(CaseStatus::Draft.as_str())
        .bind(CaseStatus::Queued.as_str())
        .bind(CaseStatus::Cancelled.as_str())
        .bind(CaseStatus::DeliveryFailed.as_str())
        .bind(
            crate::domain::event::EventKind::DeliveryFailed
                .as_str()
                .into_owned(),
        )
        // Bounces and out-of-office answers are not the body's reply (the classes of
        // `ingest::classify::Kind`, by their stored names).
        .bind("bounce")
        .bind("auto-reply")
        .fetch_one(self.pool())
        .await?;
        let held: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE campaign_id = $1 AND status = $2")
                .bind(campaign_id)
                .bind(CaseStatus::Draft.as_str())
                .fetch_one(self.pool())
                .await?;
        Ok(PilotProgress {
            sent: r.try_get("sent")?,
            queued: r.try_get("queued")?,
            bounced: r.try_get("bounced")?,
            replied: r.try_get("replied")?,
            held,
        })
    }

    /// Release a pilot: the held cases' requests (`items`) are queued and the release is
    /// recorded with the templates' digest, in one transaction. Fails, changing nothing,
    /// when the pilot was released already or the campaign is cancelled.
    pub async fn release_pilot(
        &self,
        campaign_id: CampaignId,
        items: &[NewOutboxItem],
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE campaign_pilots SET released_at = $2, released_digest = $3
             WHERE campaign_id = $1 AND released_at IS NULL
               AND campaign_id IN (SELECT id FROM campaigns WHERE state IN ('launched', 'paused'))",
        )
        .bind(campaign_id)
        .bind(time_text(now))
        .bind(digest)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(anyhow!(
                "the pilot was released already (or the campaign was cancelled): nothing was queued"
            )
            .into());
        }
        self.queue_requests_in(&mut tx, items, now).await?;
        tx.commit().await.context("the release was not saved")?;
        Ok(items.len())
    }

    /// Every queued email of a launched campaign, in the order the sender takes them.
    pub async fn queued_emails(&self) -> Result<Vec<QueuedEmail>> {
        let rows = sqlx::query(
            "SELECT o.not_before, o.recipient_domain, c.campaign_id FROM outbox o
             JOIN cases c ON c.id = o.case_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE o.state = 'queued' AND k.state = 'launched'
             ORDER BY o.not_before, o.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let at: String = r.try_get("not_before")?;
                Ok(QueuedEmail {
                    not_before: parse_time(&at)?,
                    recipient_domain: r.try_get("recipient_domain")?,
                    campaign_id: r.try_get("campaign_id")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// Requests of other campaigns to any body, queued or sent (not drafts, not
    /// cancelled), each with the day it went (the first `sent` event) or, when it has not
    /// gone yet, the day its case was made.
    pub async fn earlier_requests(&self) -> Result<Vec<EarlierRequest>> {
        let rows = sqlx::query(
            "SELECT c.body_id, b.name AS body_name, c.reference, k.name AS campaign, c.regime,
                    COALESCE((SELECT MIN(e.occurred_on) FROM events e
                              WHERE e.case_id = c.id AND e.kind = 'sent' AND e.superseded_by IS NULL),
                             substr(c.created_at, 1, 10)) AS sent_on
             FROM cases c JOIN bodies b ON b.id = c.body_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE c.status NOT IN ($1, $2)
             ORDER BY c.body_id, sent_on, c.reference",
        )
        .bind(CaseStatus::Draft.as_str())
        .bind(CaseStatus::Cancelled.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let on: String = r.try_get("sent_on")?;
                Ok(EarlierRequest {
                    body_id: r.try_get("body_id")?,
                    body_name: r.try_get("body_name")?,
                    reference: r.try_get("reference")?,
                    campaign: r.try_get("campaign")?,
                    regime: r.try_get("regime")?,
                    sent_on: NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                        .with_context(|| format!("a case's date '{on}' is not a date"))?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }
}
