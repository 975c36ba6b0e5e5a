//! The sender's progress log: its claims and the batches of emails the server took, on a
//! connection of its own, written as positional-parameter scripts (`script.rs`, SQLite's
//! many-statement batches) with guards that fail a batch unless every email was in the
//! state the sender believed.

use super::outbox::{Claimed, OutboxState, SentRecord};
use super::script::Script;
use super::sending::claim_on;
use super::{time_text, Result};
use crate::domain::event::EventKind;
use crate::domain::id::{CaseId, OutboxId};
use crate::domain::CaseStatus;
use anyhow::anyhow;
use chrono::{DateTime, Utc};
use sqlx::Sqlite;

/// The sender's path to the store, on a connection of its own: its claims and the
/// batches of sent emails of all sessions take turns here instead of colliding on
/// SQLite's write lock (a collision costs a sleep of a millisecond or more).
pub struct ProgressLog {
    conn: sqlx::pool::PoolConnection<Sqlite>,
}

impl super::Store {
    /// A connection of its own for the sender's hot path (see [`ProgressLog`]).
    pub async fn progress_log(&self) -> Result<ProgressLog> {
        Ok(ProgressLog {
            conn: self.pool().acquire().await?,
        })
    }
}

impl ProgressLog {
    /// Record emails the server took, in ONE transaction and one round trip to SQLite:
    /// each outbox row moves to `sent` with its time, and gets its outbound message, its
    /// event and for a request its case's status. Written without waiting for the disk:
    /// until then the journal holds them. An email that is not claimed (or uncertain)
    /// fails the whole batch, which then changes nothing.
    pub async fn record_sent(&mut self, sent: &[SentRecord<'_>]) -> Result<()> {
        if sent.is_empty() {
            return Ok(());
        }
        let mut s = Script::write();
        sent_sql(&mut s, sent);
        settle_sql(&mut s, sent);
        match s.run(&mut self.conn).await {
            Ok(_) => Ok(()),
            // the guards (see `sent_sql` and `settle_sql`)
            Err(e) if format!("{e:#}").contains("malformed JSON") => Err(anyhow!(
                "cannot record sent emails: one of them was not being sent, or was recorded \
                 already (the outbox changed under the sender); nothing was recorded: stop and \
                 check `foi outbox`"
            )
            .into()),
            Err(e) => Err(e.context("cannot record sent emails").into()),
        }
    }

    /// Claim emails (see [`crate::store::Store::claim`]) on this connection, its commit waiting for the
    /// disk like the durable connection's: the sender's commits then take turns on one
    /// connection instead of colliding on SQLite's write lock (a collision costs a sleep
    /// of a millisecond or more).
    pub async fn claim(
        &mut self,
        ids: &[OutboxId],
        now: DateTime<Utc>,
        boot: &str,
    ) -> Result<Vec<Claimed>> {
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *self.conn)
            .await?;
        let claimed = claim_on(&mut self.conn, ids, now, boot).await;
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *self.conn)
            .await?;
        Ok(claimed?)
    }

    /// Write what follows from emails already committed as `sent` (by a recovery): each
    /// one's outbound message, its event, and for a request its case's status, in ONE
    /// transaction. An email settled already fails the whole batch (nothing is written
    /// twice).
    pub async fn settle(&mut self, sent: &[SentRecord<'_>]) -> Result<()> {
        if sent.is_empty() {
            return Ok(());
        }
        let mut s = Script::write();
        settle_sql(&mut s, sent);
        match s.run(&mut self.conn).await {
            Ok(_) => Ok(()),
            Err(e) if format!("{e:#}").contains("malformed JSON") => Err(anyhow!(
                "cannot record the messages of sent emails: one of them was recorded already \
                 or is not sent; nothing was written: stop and check `foi outbox`"
            )
            .into()),
            Err(e) => Err(e
                .context("cannot record the messages of sent emails")
                .into()),
        }
    }
}

/// The statements that move sent emails to `sent` with their times. A guard after the
/// update fails the script (SQLite's `json()` of a non-JSON text is an error) unless every
/// email was claimed (or uncertain), so a broken record changes nothing.
fn sent_sql<'a>(s: &mut Script<'a>, sent: &'a [SentRecord<'a>]) {
    let values = s.values(sent.iter().map(|r| (r.claimed.id, time_text(r.at))));
    let may_be_sent = s.list(OutboxState::MAY_BE_SENT.map(OutboxState::as_str));
    s.sql(&format!(
        "WITH v (id, at) AS (VALUES {values})
         UPDATE outbox SET state = 'sent', last_error = NULL,
                sent_at = (SELECT v.at FROM v WHERE v.id = outbox.id)
         WHERE state IN {may_be_sent} AND id IN (SELECT id FROM v);
         SELECT 1 WHERE json(CASE WHEN changes() = {n} THEN '1'
                             ELSE 'an email being recorded as sent was not being sent' END) IS NULL;\n",
        n = sent.len(),
    ));
}

/// The statements that write what follows from sent emails (see [`ProgressLog::settle`]).
/// Only each email's id and date of receipt are bound; the rest is read from its outbox row
/// (which has its `sent_at`). A guard after the messages fails the script unless every
/// email was `sent` and had no message yet.
fn settle_sql<'a>(s: &mut Script<'a>, sent: &'a [SentRecord<'a>]) {
    // (each email's event kind from the one rule, `EventKind::sent_for`)
    let values = s.values(sent.iter().map(|r| {
        (
            r.claimed.id,
            r.date_of_receipt.to_string(),
            EventKind::sent_for(&r.claimed.kind).as_str().into_owned(),
        )
    }));
    let requests: Vec<CaseId> = sent
        .iter()
        .filter(|r| EventKind::sent_for(&r.claimed.kind) == EventKind::Sent)
        .map(|r| r.claimed.case_id)
        .collect();
    s.sql(&format!(
        "WITH v (id, received_on, kind) AS (VALUES {values})
         INSERT INTO messages (case_id, direction, message_id, raw_sha256, subject, from_addr, to_addr, at, outbox_id, created_at)
         SELECT o.case_id, 'outbound', o.message_id, o.raw_sha256, o.subject, o.envelope_from, o.recipient, o.sent_at, o.id, o.sent_at
         FROM v JOIN outbox o ON o.id = v.id AND o.state = 'sent'
         WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.outbox_id = v.id)
         ORDER BY o.id;
         SELECT 1 WHERE json(CASE WHEN changes() = {n} THEN '1'
                             ELSE 'an email settled was not sent, or settled already' END) IS NULL;
         WITH v (id, received_on, kind) AS (VALUES {values})
         INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
         SELECT o.case_id, v.kind, v.received_on, o.sent_at, 'to ' || o.recipient, 'system', o.sent_at, m.id
         FROM v JOIN outbox o ON o.id = v.id JOIN messages m ON m.outbox_id = o.id
         ORDER BY o.id;\n",
        n = sent.len(),
    ));
    covered_sql(s, sent);
    // Our replies that are clock events move the status as `standing::status_after` does
    // (the clarification: back to awaiting a response; a review request: internal review).
    for (kind, from, to) in [
        (
            EventKind::ClarificationSent,
            Some(CaseStatus::ClarificationRequested),
            CaseStatus::AwaitingResponse,
        ),
        (
            EventKind::InternalReviewRequested,
            None,
            CaseStatus::InternalReview,
        ),
    ] {
        let cases: Vec<CaseId> = sent
            .iter()
            .filter(|r| EventKind::sent_for(&r.claimed.kind) == kind)
            .map(|r| r.claimed.case_id)
            .collect();
        if cases.is_empty() {
            continue;
        }
        let cases = s.list(cases);
        let to = s.param(to.as_str());
        let only_from = match from {
            Some(f) => format!(" AND status = {}", s.param(f.as_str())),
            None => String::new(),
        };
        s.sql(&format!(
            "UPDATE cases SET status = {to} WHERE id IN {cases}{only_from};\n"
        ));
    }
    if !requests.is_empty() {
        let requests = s.list(requests);
        let awaiting = s.param(CaseStatus::AwaitingResponse.as_str());
        let not_sent = s.list(CaseStatus::NOT_SENT.map(CaseStatus::as_str));
        s.sql(&format!(
            "UPDATE cases SET status = {awaiting} WHERE status IN {not_sent} AND id IN {requests};\n",
        ));
    }
}

/// A consolidated chaser (one email for several overdue cases of one body, see
/// `casework::consolidate`) is recorded on every case it covers: each other case gets the
/// outbound message (with no outbox link: the first case's message has it, and it alone
/// says the email was settled) and the event of its own chaser step.
fn covered_sql<'a>(s: &mut Script<'a>, sent: &'a [SentRecord<'a>]) {
    let chasers: Vec<&SentRecord> = sent
        .iter()
        .filter(|r| r.claimed.kind.starts_with("chaser:"))
        .collect();
    if chasers.is_empty() {
        return;
    }
    let values = s.values(
        chasers
            .iter()
            .map(|r| (r.claimed.id, r.date_of_receipt.to_string())),
    );
    s.sql(&format!(
        "WITH v (id, received_on) AS (VALUES {values})
         INSERT INTO messages (case_id, direction, message_id, raw_sha256, subject, from_addr, to_addr, at, outbox_id, created_at)
         SELECT h.case_id, 'outbound', o.message_id, o.raw_sha256, o.subject, o.envelope_from, o.recipient, o.sent_at, NULL, o.sent_at
         FROM v JOIN outbox o ON o.id = v.id AND o.state = 'sent'
         JOIN chasers h ON h.outbox_id = o.id AND h.case_id <> o.case_id
         ORDER BY o.id, h.case_id;
         WITH v (id, received_on) AS (VALUES {values})
         INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
         SELECT h.case_id, 'chaser_' || h.step || '_sent', v.received_on, o.sent_at,
                'to ' || o.recipient || ', in one email with the body''s other overdue cases',
                'system', o.sent_at, m.id
         FROM v JOIN outbox o ON o.id = v.id
         JOIN chasers h ON h.outbox_id = o.id AND h.case_id <> o.case_id
         JOIN messages m ON m.case_id = h.case_id AND m.message_id = o.message_id
                        AND m.direction = 'outbound' AND m.outbox_id IS NULL
         ORDER BY o.id, h.case_id;\n"
    ));
}
