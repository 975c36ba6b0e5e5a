//! The durable outbox: every email's life, queued -> claimed -> sent | queued (retry) |
//! failed | uncertain. A claim is committed (and synced) before the server sees a byte;
//! the sender's journal (see [`super::journal`]) notes each email as it is handed over and
//! as the server takes it, and the rows follow in batches. Messages and their raw bytes
//! (content-addressed blobs) live here too.

use super::script::Script;
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
) -> anyhow::Result<i64> {
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
fn json_list<const N: usize>(values: [&str; N]) -> String {
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

    /// At start, after a run that stopped, from the sender's journal and the claims:
    /// an email the journal says the server took is recorded as sent at that time (its
    /// message and event are then written by `settle_sent`, see [`Store::unsettled_sent`]);
    /// one whose current attempt it says was being handed over was in flight and may or
    /// may not have been accepted, so it becomes `uncertain` for a person to settle; an email only claimed
    /// in this boot never reached the server and is queued again. A claim of an earlier
    /// boot is uncertain too (a power cut may have lost journal lines, which are written
    /// without waiting for the disk), and so is every claim when the journal is damaged or
    /// missing (deleted after a crash: the claims in the database say a run was under way,
    /// and without its journal none of them may be sent again).
    /// Committed and synced before the journal is emptied. Returns (uncertain, requeued).
    pub async fn recover_outbox(&self, boot: &str) -> Result<(u64, u64)> {
        let journal = super::journal::read(&self.journal)?;
        if journal.damaged {
            tracing::warn!(
                "the sender's journal {} has a damaged line: every claimed email is treated as in flight",
                self.journal.display()
            );
        }
        let sent: Vec<(i64, String)> = journal
            .sent
            .iter()
            .map(|(id, at)| (*id, time_text(*at)))
            .collect();
        let mut tx = self.durable().begin().await?;
        if !sent.is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(
                "WITH j (id, at) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')
                                     FROM json_each($1))
                 UPDATE outbox SET state = 'sent', last_error = NULL,
                        sent_at = (SELECT j.at FROM j WHERE j.id = outbox.id)
                 WHERE state IN (SELECT value FROM json_each($2)) AND id IN (SELECT id FROM j)"
            ))
            .bind(serde_json::to_string(&sent)?)
            .bind(json_list(OutboxState::MAY_BE_SENT.map(OutboxState::as_str)))
            .execute(&mut *tx)
            .await?;
        }
        let uncertain = sqlx::query(
            "UPDATE outbox SET state = 'uncertain',
                    last_error = 'the sender stopped while this email was being handed to the server'
             WHERE state = 'sending'
                OR (state = 'claimed'
                    AND (claim_boot IS NULL OR claim_boot <> $1 OR $2
                         -- (this attempt was being handed over)
                         OR EXISTS (SELECT 1 FROM json_each($3) j
                                    WHERE json_extract(j.value, '$[0]') = outbox.id
                                      AND json_extract(j.value, '$[1]') = outbox.attempts)))",
        )
        .bind(boot)
        .bind(journal.damaged || journal.missing)
        .bind(serde_json::to_string(&journal.in_flight())?)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if journal.missing && uncertain > 0 {
            tracing::warn!(
                "the sender's journal {} is missing although a run was under way: its {uncertain} claimed emails are treated as in flight (uncertain), none is sent again",
                self.journal.display()
            );
        }
        let requeued = sqlx::query(
            "UPDATE outbox SET state = 'queued', attempts = attempts - 1 WHERE state = 'claimed' AND claim_boot = $1",
        )
        .bind(boot)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        self.send_journal()?.clear()?;
        Ok((uncertain, requeued))
    }

    /// Give back claims that were not used (the run is ending).
    pub async fn release_claims(&self, ids: &[OutboxId]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for id in ids {
            sqlx::query("UPDATE outbox SET state = 'queued', attempts = attempts - 1 WHERE id = $1 AND state = 'claimed'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims of the last day, to resume pacing.
    pub async fn pacing_history(&self, since: DateTime<Utc>) -> Result<PacingHistory> {
        let rows = sqlx::query(
            "SELECT claimed_at, recipient_domain FROM outbox
             WHERE claimed_at IS NOT NULL AND claimed_at > $1 ORDER BY claimed_at",
        )
        .bind(time_text(since))
        .fetch_all(self.pool())
        .await?;
        let mut claims = Vec::with_capacity(rows.len());
        for r in rows {
            let at: String = r.try_get("claimed_at")?;
            claims.push((parse_time(&at)?, r.try_get("recipient_domain")?));
        }
        Ok(PacingHistory { claims })
    }

    /// Due emails of launched campaigns, oldest first, without their bytes: candidates for
    /// the pacer to choose from.
    pub async fn due_emails(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(OutboxId, String)>> {
        let rows = sqlx::query(
            "SELECT o.id, o.recipient_domain FROM outbox o
             JOIN cases c ON c.id = o.case_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE o.state = 'queued' AND o.not_before <= $1 AND k.state = 'launched'
             ORDER BY o.not_before, o.id LIMIT $2",
        )
        .bind(time_text(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("recipient_domain")?)))
            .collect()
    }

    /// When the next queued email of a launched campaign falls due.
    pub async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>> {
        let t: Option<String> = sqlx::query_scalar(
            "SELECT MIN(o.not_before) FROM outbox o
             JOIN cases c ON c.id = o.case_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE o.state = 'queued' AND k.state = 'launched'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(t.as_deref().map(parse_time).transpose()?)
    }

    /// Claim emails for sending: each moves from `queued` to `claimed` (its attempt counted)
    /// in ONE durable commit that is on disk before any of them is handed to the server.
    /// Three set-based statements for the whole batch.
    pub async fn claim(
        &self,
        ids: &[OutboxId],
        now: DateTime<Utc>,
        boot: &str,
    ) -> Result<Vec<Claimed>> {
        Ok(claim_on(&mut *self.durable().acquire().await?, ids, now, boot).await?)
    }

    /// Record one sent email (see [`crate::store::ProgressLog::record_sent`]).
    pub async fn record_sent(
        &self,
        c: &Claimed,
        at: DateTime<Utc>,
        date_of_receipt: NaiveDate,
    ) -> Result<()> {
        let record = SentRecord {
            claimed: c,
            at,
            date_of_receipt,
        };
        self.progress_log().await?.record_sent(&[record]).await
    }

    /// Sent emails whose message, event and case status were not written (taken from the
    /// journal of a run that stopped, see [`Store::recover_outbox`]), with when they were
    /// sent. Their bytes are not read: settling does not need them.
    pub async fn unsettled_sent(&self) -> Result<Vec<(Claimed, DateTime<Utc>)>> {
        // Usually none: every sent email has its message (one each, and only they have one).
        let missing: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM outbox WHERE state = 'sent')
                  - (SELECT count(*) FROM messages WHERE outbox_id IS NOT NULL)",
        )
        .fetch_one(self.pool())
        .await?;
        if missing == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT o.id, o.case_id, o.kind, o.message_id, o.envelope_from, o.recipient, o.recipient_domain,
                    o.subject, o.attempts, o.raw_sha256, o.sent_at, c.reference, c.regime
             FROM outbox o JOIN cases c ON c.id = o.case_id
             WHERE o.state = 'sent' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.outbox_id = o.id)
             ORDER BY o.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let at: Option<String> = r.try_get("sent_at")?;
                let at =
                    at.ok_or_else(|| anyhow!("a sent outbox email has no time it was sent"))?;
                Ok((claimed_of(r, Vec::new())?, parse_time(&at)?))
            })
            .collect()
    }

    /// Settle sent emails (see [`crate::store::ProgressLog::settle`]), in batches.
    pub async fn settle_sent(&self, sent: &[SentRecord<'_>]) -> Result<()> {
        let mut log = self.progress_log().await?;
        for batch in sent.chunks(256) {
            log.settle(batch).await?;
        }
        Ok(())
    }

    /// A temporary failure: back to the queue until `retry_at`.
    pub async fn record_retry(
        &self,
        id: OutboxId,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        self.end_attempt(
            id,
            "state = 'queued', not_before = $3",
            error,
            Some(retry_at),
        )
        .await
        .map_err(Into::into)
    }

    /// The message went and no answer came: the server may have taken it. A person settles
    /// it (`foi outbox resolve`), as after a crash.
    pub async fn record_uncertain(&self, id: OutboxId, error: &str) -> Result<()> {
        self.end_attempt(id, "state = 'uncertain'", error, None)
            .await
            .map_err(Into::into)
    }

    /// The attempt never really happened (the run stopped on a configuration error): back
    /// to the queue without counting it.
    pub async fn release(&self, id: OutboxId, error: &str) -> Result<()> {
        self.end_attempt(id, "state = 'queued', attempts = attempts - 1", error, None)
            .await
            .map_err(Into::into)
    }

    /// End an email's open attempt without it being sent: `set` its new state (`$3` is
    /// `retry_at`, NULL when none), with `error` as its last error. An email no longer in flight is left
    /// as it is.
    async fn end_attempt(
        &self,
        id: OutboxId,
        set: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> anyhow::Result<()> {
        let q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE outbox SET {set}, last_error = $1
             WHERE id = $2 AND state IN (SELECT value FROM json_each($4))"
        )))
        .bind(error)
        .bind(id)
        .bind(retry_at.map(time_text))
        .bind(json_list(OutboxState::IN_FLIGHT.map(OutboxState::as_str)));
        q.execute(self.pool()).await?;
        Ok(())
    }

    /// A permanent failure (or out of attempts): the email fails, the case gets a
    /// `delivery_failed` event, and with `flag_address` (a permanent refusal, or an address
    /// given up on after its retries) the body's address is flagged for a person's review.
    pub async fn record_failed(
        &self,
        c: &Claimed,
        error: &str,
        flag_address: bool,
        at: DateTime<Utc>,
        on: NaiveDate,
    ) -> Result<()> {
        let at_text = time_text(at);
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at)
             VALUES ($1, 'delivery_failed', $2, $3, $4, 'system', $3)",
        )
        .bind(c.case_id)
        .bind(on.to_string())
        .bind(&at_text)
        .bind(format!("to {}: {error}", c.recipient))
        .execute(&mut *tx)
        .await?;
        // As `standing::derive` has it: a refusal before the body said anything (of the
        // request, or of a chaser to a case still awaiting its response).
        sqlx::query(
            "UPDATE cases SET status = $1
             WHERE id = $2 AND status IN ('draft', 'queued', 'awaiting_response')",
        )
        .bind(CaseStatus::DeliveryFailed.as_str())
        .bind(c.case_id)
        .execute(&mut *tx)
        .await?;
        if flag_address {
            sqlx::query(
                "UPDATE bodies SET email_flag = $1 WHERE id = (SELECT body_id FROM cases WHERE id = $2)",
            )
            .bind(format!("{}: {error}", c.recipient))
            .bind(c.case_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
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

    /// The claimed form of one outbox email (for settling an uncertain one).
    pub async fn outbox_item(&self, id: OutboxId) -> Result<Option<(OutboxState, Claimed)>> {
        let row = sqlx::query(
            "SELECT o.id, o.case_id, o.kind, o.message_id, o.envelope_from, o.recipient, o.recipient_domain,
                    o.subject, o.attempts, o.state, o.claimed_at, o.raw_sha256, b.data, c.reference, c.regime
             FROM outbox o JOIN blobs b ON b.sha256 = o.raw_sha256 JOIN cases c ON c.id = o.case_id
             WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let state: String = r.try_get("state")?;
        Ok(Some((
            OutboxState::parse(&state).ok_or_else(|| anyhow!("unknown outbox state {state}"))?,
            claimed_of(&r, r.try_get("data")?)?,
        )))
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

/// The claim (see [`Store::claim`]) on a given connection, whose commit is on disk before
/// it returns if the connection is `synchronous = FULL`.
pub(super) async fn claim_on(
    conn: &mut sqlx::SqliteConnection,
    ids: &[OutboxId],
    now: DateTime<Utc>,
    boot: &str,
) -> anyhow::Result<Vec<Claimed>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // One round trip: the update, then one row per claimed email with its bytes and its
    // case (each row handed across from SQLite's thread costs more than reading it).
    let mut s = Script::write();
    let now = s.param(time_text(now));
    let boot = s.param(boot);
    let list = s.list(ids.iter().copied());
    s.sql(&format!(
        "UPDATE outbox SET state = 'claimed', attempts = attempts + 1, claimed_at = {now},
                claim_boot = {boot}
         WHERE state = 'queued' AND id IN {list};
         SELECT o.id, o.case_id, o.kind, o.message_id, o.envelope_from, o.recipient,
                o.recipient_domain, o.subject, o.raw_sha256, o.attempts, c.reference, c.regime,
                b.data
         FROM outbox o JOIN cases c ON c.id = o.case_id JOIN blobs b ON b.sha256 = o.raw_sha256
         WHERE o.id IN {list} AND o.state = 'claimed' AND o.claimed_at = {now}
               AND o.claim_boot = {boot};\n"
    ));
    let rows = s.run(conn).await.context("cannot record the claim")?;
    let mut claimed = Vec::with_capacity(rows.len());
    for r in &rows {
        claimed.push(claimed_of(r, r.try_get("data")?)?);
    }
    // Hand them out in the order they were asked for.
    let rank: std::collections::HashMap<OutboxId, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    claimed.sort_by_key(|c| rank.get(&c.id).copied().unwrap_or(usize::MAX));
    Ok(claimed)
}

/// An outbox row read with its case's reference and regime, as claimed.
fn claimed_of(r: &sqlx::sqlite::SqliteRow, raw: Vec<u8>) -> anyhow::Result<Claimed> {
    Ok(Claimed {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        reference: r.try_get("reference")?,
        regime: r.try_get("regime")?,
        kind: r.try_get("kind")?,
        message_id: r.try_get("message_id")?,
        envelope_from: r.try_get("envelope_from")?,
        recipient: r.try_get("recipient")?,
        recipient_domain: r.try_get("recipient_domain")?,
        subject: r.try_get("subject")?,
        raw_sha256: r.try_get("raw_sha256")?,
        raw,
        attempts: r.try_get::<i64, _>("attempts")? as u32,
    })
}
