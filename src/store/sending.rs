//! The sender's side of the outbox (see `outbox.rs` for an email's life): recovery after
//! a stop (the journal read against the claims), the due emails and the pacing history,
//! claims, and what each attempt came to (sent, retry, uncertain, failed).

use super::outbox::{json_list, Claimed, OutboxState, PacingHistory, SentRecord};
use super::script::Script;
use super::Result;
use super::{parse_time, time_text, Store};
use crate::domain::id::OutboxId;
use crate::domain::CaseStatus;
use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

impl Store {
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
pub(super) fn claimed_of(r: &sqlx::sqlite::SqliteRow, raw: Vec<u8>) -> anyhow::Result<Claimed> {
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
