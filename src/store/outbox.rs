//! The durable outbox: every email's life, queued -> claimed -> sent | queued (retry) |
//! failed | uncertain. A claim is committed (and synced) before the server sees a byte;
//! the sender's journal (see [`super::journal`]) notes each email as it is handed over and
//! as the server takes it, and the rows follow in batches: that side (recovery, claims,
//! what each attempt came to) is in `sending.rs`. Here: queueing, the campaign's state,
//! the listings, and the raw bytes (content-addressed blobs) of messages.

use super::Result;
use super::{parse_time, time_text, Store};
use crate::domain::id::{CampaignId, CaseId, OutboxId};
use crate::domain::CaseStatus;
use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Where an outbox email is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for its time (first attempt or a retry).
    Queued,
    /// Reserved by the running sender (durably); being handed to the server, or taken
    /// and not yet recorded, when its journal says so.
    Claimed,
    /// Handed to the server, the outcome not recorded (written by earlier versions,
    /// before the journal; the next start makes it uncertain).
    Sending,
    Sent,
    /// Refused for good, or out of attempts.
    Failed,
    /// Was in flight when the process stopped: a person must say whether it went.
    Uncertain,
    /// Withdrawn before it was sent.
    Cancelled,
}

impl OutboxState {
    /// The states of an email whose attempt is open: claimed by the running sender (or
    /// `sending`, as versions before the journal wrote it).
    pub const IN_FLIGHT: [OutboxState; 2] = [Self::Claimed, Self::Sending];

    /// The states an email the server took is recorded as sent from: in flight, or
    /// uncertain (the journal, or a person, says it went).
    pub const MAY_BE_SENT: [OutboxState; 3] = [Self::Claimed, Self::Sending, Self::Uncertain];

    pub const ALL: [OutboxState; 7] = [
        Self::Queued,
        Self::Claimed,
        Self::Sending,
        Self::Sent,
        Self::Failed,
        Self::Uncertain,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Claimed => "claimed",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Uncertain => "uncertain",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for OutboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// An email to queue.
#[derive(Debug, Clone)]
pub struct NewOutboxItem {
    pub case_id: CaseId,
    pub kind: String,
    pub message_id: String,
    pub envelope_from: String,
    pub recipient: String,
    pub subject: String,
    pub raw: Vec<u8>,
    pub not_before: DateTime<Utc>,
}

/// An email claimed for sending, with its bytes.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: OutboxId,
    pub case_id: CaseId,
    pub reference: String,
    pub regime: String,
    pub kind: String,
    pub message_id: String,
    pub envelope_from: String,
    pub recipient: String,
    pub recipient_domain: String,
    pub subject: String,
    pub raw_sha256: String,
    pub raw: Vec<u8>,
    pub attempts: u32,
}

/// A sent email to record: when the server took it, and that day in the case's regime
/// (the date of receipt the deadline counts from).
#[derive(Debug, Clone, Copy)]
pub struct SentRecord<'a> {
    pub claimed: &'a Claimed,
    pub at: DateTime<Utc>,
    pub date_of_receipt: NaiveDate,
}

/// One outbox row for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub reference: String,
    pub campaign: String,
    pub kind: String,
    pub recipient: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub not_before: DateTime<Utc>,
    pub last_error: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: String,
}

/// Recent claims (time and recipient domain), from which pacing resumes after a restart.
#[derive(Debug, Clone, Default)]
pub struct PacingHistory {
    pub claims: Vec<(DateTime<Utc>, String)>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::domain::to_hex(&Sha256::digest(bytes))
}

/// Keep an outgoing email's bytes in the database itself. The sender reads them with its
/// claim, in the same statement: should the same bytes already be in a pack (an inbound
/// copy of them), the blob is brought back inline, so every blob an outbox row or a
/// chaser names is in its row.
pub(crate) async fn put_blob(
    conn: &mut sqlx::SqliteConnection,
    bytes: &[u8],
) -> anyhow::Result<String> {
    let sha = sha256_hex(bytes);
    sqlx::query(
        "INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3)
         ON CONFLICT (sha256) DO UPDATE SET data = excluded.data, pack = NULL, pack_offset = NULL
         WHERE blobs.pack IS NOT NULL",
    )
    .bind(&sha)
    .bind(bytes.len() as i64)
    .bind(bytes)
    .execute(conn)
    .await?;
    Ok(sha)
}

/// Queue one email inside `tx`: its bytes as a blob, its row `queued`. The one place that
/// writes outbox rows (launch, chasers, campaign messages).
pub(crate) async fn insert_outbox(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    item: &NewOutboxItem,
    now: &str,
) -> anyhow::Result<OutboxId> {
    let sha = put_blob(tx, &item.raw).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO outbox (case_id, kind, message_id, envelope_from, recipient, recipient_domain,
                             subject, raw_sha256, state, not_before, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $10) RETURNING id",
    )
    .bind(item.case_id)
    .bind(&item.kind)
    .bind(&item.message_id)
    .bind(&item.envelope_from)
    .bind(&item.recipient)
    .bind(domain_of(&item.recipient))
    .bind(&item.subject)
    .bind(&sha)
    .bind(time_text(item.not_before))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A list bound as one parameter: a JSON array, read in SQL as
/// `x IN (SELECT value FROM json_each($n))` (SQLite's; Postgres would bind an array).
pub(super) fn json_list<const N: usize>(values: [&str; N]) -> String {
    serde_json::to_string(&values[..]).unwrap_or_default()
}

fn domain_of(addr: &str) -> String {
    addr.rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

impl Store {
    /// Queue a campaign's first requests and mark it launched, in one transaction. Fails
    /// (changing nothing) unless the campaign is a draft.
    pub async fn launch_campaign(
        &self,
        campaign_id: CampaignId,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.pool().begin().await?;
        self.launch_in(&mut tx, campaign_id, items, now).await?;
        tx.commit().await.context("the launch was not saved")?;
        Ok(items.len())
    }

    /// In `tx`: the draft campaign becomes launched and `items` (first requests) are queued.
    pub(super) async fn launch_in(
        &self,
        tx: &mut sqlx::Transaction<'_, Sqlite>,
        campaign_id: CampaignId,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let changed = sqlx::query(
            "UPDATE campaigns SET state = 'launched' WHERE id = $1 AND state = 'draft'",
        )
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(anyhow!(
                "the campaign is not a draft: it was launched (or cancelled) already"
            ));
        }
        self.queue_requests_in(tx, items, now).await
    }

    /// In `tx`: queue first requests; each one's case goes from draft to queued.
    pub(super) async fn queue_requests_in(
        &self,
        tx: &mut sqlx::Transaction<'_, Sqlite>,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.queue_in(tx, items, now).await?;
        for item in items {
            sqlx::query("UPDATE cases SET status = $1 WHERE id = $2 AND status = $3")
                .bind(CaseStatus::Queued.as_str())
                .bind(item.case_id)
                .bind(CaseStatus::Draft.as_str())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Queue emails (chasers, campaign-wide messages) in one transaction.
    pub async fn queue(&self, items: &[NewOutboxItem], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        self.queue_in(&mut tx, items, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_in(
        &self,
        tx: &mut sqlx::Transaction<'_, Sqlite>,
        items: &[NewOutboxItem],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let now = time_text(now);
        for item in items {
            insert_outbox(tx, item, &now).await?;
        }
        Ok(())
    }

    /// Set a campaign's state, if it is in one of `from`.
    pub async fn set_campaign_state(
        &self,
        campaign_id: CampaignId,
        from: &[&str],
        to: &str,
    ) -> Result<bool> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE campaigns SET state = ");
        q.push_bind(to.to_string())
            .push(" WHERE id = ")
            .push_bind(campaign_id)
            .push(" AND state IN (");
        let mut sep = q.separated(", ");
        for f in from {
            sep.push_bind(f.to_string());
        }
        q.push(")");
        Ok(q.build().execute(self.pool()).await?.rows_affected() == 1)
    }

    /// Cancel a campaign: its unsent emails are withdrawn and their cases cancelled.
    pub async fn cancel_campaign(&self, campaign_id: CampaignId) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query(
            "UPDATE outbox SET state = 'cancelled'
             WHERE state = 'queued' AND case_id IN (SELECT id FROM cases WHERE campaign_id = $1)",
        )
        .bind(campaign_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE cases SET status = $2
             WHERE campaign_id = $1 AND status IN (SELECT value FROM json_each($3))",
        )
        .bind(campaign_id)
        .bind(CaseStatus::Cancelled.as_str())
        .bind(json_list(CaseStatus::NOT_SENT.map(CaseStatus::as_str)))
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE campaigns SET state = 'cancelled' WHERE id = $1")
            .bind(campaign_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Outbox rows, newest first, optionally one state.
    pub async fn outbox(
        &self,
        state: Option<OutboxState>,
        id: Option<OutboxId>,
    ) -> Result<Vec<OutboxRow>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT o.id, c.reference, k.name AS campaign, o.kind, o.recipient, o.state, o.attempts,
                    o.not_before, o.last_error, o.claimed_at, o.sent_at, o.message_id
             FROM outbox o JOIN cases c ON c.id = o.case_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE 1 = 1",
        );
        if let Some(s) = state {
            q.push(" AND o.state = ").push_bind(s.as_str());
        }
        if let Some(id) = id {
            q.push(" AND o.id = ").push_bind(id);
        }
        q.push(" ORDER BY o.id");
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                let nb: String = r.try_get("not_before")?;
                let claimed: Option<String> = r.try_get("claimed_at")?;
                let sent: Option<String> = r.try_get("sent_at")?;
                Ok(OutboxRow {
                    id: r.try_get("id")?,
                    reference: r.try_get("reference")?,
                    campaign: r.try_get("campaign")?,
                    kind: r.try_get("kind")?,
                    recipient: r.try_get("recipient")?,
                    state: OutboxState::parse(&state)
                        .ok_or_else(|| anyhow!("unknown outbox state {state}"))?,
                    attempts: r.try_get::<i64, _>("attempts")? as u32,
                    not_before: parse_time(&nb)?,
                    last_error: r.try_get("last_error")?,
                    claimed_at: claimed.as_deref().map(parse_time).transpose()?,
                    sent_at: sent.as_deref().map(parse_time).transpose()?,
                    message_id: r.try_get("message_id")?,
                })
            })
            .collect()
    }

    /// Settle an uncertain email as "not sent": queue it again now.
    pub async fn requeue_uncertain(&self, id: OutboxId, now: DateTime<Utc>) -> Result<bool> {
        Ok(sqlx::query("UPDATE outbox SET state = 'queued', not_before = $1, last_error = 'resend requested by a person' WHERE id = $2 AND state = 'uncertain'")
            .bind(time_text(now))
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected() == 1)
    }

    /// Outbox counts by state.
    pub async fn outbox_counts(&self) -> Result<Vec<(OutboxState, i64)>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get("state")?;
                Ok((
                    OutboxState::parse(&s).ok_or_else(|| anyhow!("unknown outbox state {s}"))?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }
}
