//! Casework: events recorded by staff, the batched case timelines that deadlines, the
//! overdue list and the chasers are computed from, and the chasers table.

use super::derived::{refresh_in, supersede_in, DeriveStatus, Supersede};
use super::outbox::{insert_outbox, put_blob};
use super::Result;
use super::{time_text, NewOutboxItem, Store};
use crate::domain::event::EventKind;
use crate::domain::id::{CampaignId, CaseId, ChaserId, MessageId, OutboxId};
use crate::domain::CaseStatus;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub case_id: CaseId,
    pub kind: EventKind,
    pub on: NaiveDate,
    pub note: Option<String>,
    pub actor: String,
    /// The received message it was read from (a classification), if any.
    pub message_id: Option<MessageId>,
}

/// What recording an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRecorded {
    /// The case's new status, when it changed.
    pub status: Option<CaseStatus>,
    /// How many earlier events it superseded.
    pub superseded: u64,
    /// Pending chasers cancelled.
    pub cancelled_chasers: u64,
}

/// A chaser step that fell due, with the email (or draft) built for it.
#[derive(Debug, Clone)]
pub struct NewChaser {
    pub case_id: CaseId,
    pub step: String,
    pub trigger: String,
    pub mode: String,
    /// `pending`, `queued` or `draft`.
    pub state: String,
    pub due_on: NaiveDate,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub raw: Vec<u8>,
}

/// One chaser, for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChaserRow {
    pub id: ChaserId,
    pub case_id: CaseId,
    pub reference: String,
    pub campaign: String,
    pub step: String,
    pub trigger: String,
    pub mode: String,
    pub state: String,
    pub due_on: NaiveDate,
    pub recipient: String,
    pub subject: String,
    pub message_id: String,
    pub outbox_id: Option<OutboxId>,
}

const CHASER_COLUMNS: &str =
    "h.id, h.case_id, c.reference, k.name AS campaign, h.step, h.trigger_kind, h.mode, h.state,
     h.due_on, h.recipient, h.subject, h.message_id, h.outbox_id";
const CHASER_FROM: &str =
    " FROM chasers h JOIN cases c ON c.id = h.case_id JOIN campaigns k ON k.id = c.campaign_id";

fn row_to_chaser(row: &sqlx::sqlite::SqliteRow) -> anyhow::Result<ChaserRow> {
    let due: String = row.try_get("due_on")?;
    Ok(ChaserRow {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        reference: row.try_get("reference")?,
        campaign: row.try_get("campaign")?,
        step: row.try_get("step")?,
        trigger: row.try_get("trigger_kind")?,
        mode: row.try_get("mode")?,
        state: row.try_get("state")?,
        due_on: due.parse()?,
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        message_id: row.try_get("message_id")?,
        outbox_id: row.try_get("outbox_id")?,
    })
}

impl Store {
    /// Record an event, mark what it supersedes and rewrite the case's status from its
    /// effective events (`derive`), in one transaction; when `cancel_chasers` the case's
    /// pending and still-queued chasers are cancelled in it too.
    pub async fn record_event(
        &self,
        ev: &NewEvent,
        supersede: Supersede,
        derive: &DeriveStatus<'_>,
        cancel_chasers: bool,
        now: DateTime<Utc>,
    ) -> Result<EventRecorded> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at, message_id)
             VALUES ($1, $2, $3, NULL, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ev.case_id)
        .bind(ev.kind.as_str())
        .bind(ev.on.to_string())
        .bind(&ev.note)
        .bind(&ev.actor)
        .bind(&now)
        .bind(ev.message_id)
        .fetch_one(&mut *tx)
        .await?;
        let superseded = supersede_in(&mut tx, ev.case_id, id, supersede).await?;
        let (before, after) = refresh_in(&mut tx, ev.case_id, derive).await?;
        let cancelled = if cancel_chasers {
            cancel_chasers_in(&mut tx, ev.case_id, Some(&now)).await?
        } else {
            0
        };
        tx.commit().await.context("the event was not saved")?;
        Ok(EventRecorded {
            status: (before != after).then_some(after),
            superseded,
            cancelled_chasers: cancelled,
        })
    }

    /// Move a case from one status to another (`false` when it was not in `from`).
    pub async fn set_case_status(
        &self,
        case_id: CaseId,
        from: CaseStatus,
        to: CaseStatus,
    ) -> Result<bool> {
        let n = sqlx::query("UPDATE cases SET status = $1 WHERE id = $2 AND status = $3")
            .bind(to.as_str())
            .bind(case_id)
            .bind(from.as_str())
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Cancel a case's chasers that are awaiting approval or still queued in the outbox
    /// (not yet handed to the server). Returns how many.
    pub async fn cancel_pending_chasers(
        &self,
        case_id: CaseId,
        now: Option<DateTime<Utc>>,
    ) -> Result<u64> {
        let now = now.map(time_text);
        let mut tx = self.pool().begin().await?;
        let n = cancel_chasers_in(&mut tx, case_id, now.as_deref()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Per case of a campaign, the Message-ID that chasers and campaign messages reply to:
    /// its latest request that went out (after `foi case resend`, the new delivery, not
    /// the one that bounced), else its first outbound email.
    pub async fn request_message_ids(
        &self,
        campaign_id: CampaignId,
    ) -> Result<HashMap<CaseId, String>> {
        let rows = sqlx::query(
            "SELECT m.case_id, m.message_id, coalesce(o.kind = 'request', 0) AS is_request
             FROM messages m JOIN cases c ON c.id = m.case_id
             LEFT JOIN outbox o ON o.id = m.outbox_id
             WHERE c.campaign_id = $1 AND m.direction = 'outbound' ORDER BY m.at, m.id",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        // Oldest first: a request replaces what came before it, anything else only fills
        // a gap, so the latest request wins, else the first outbound email.
        let mut out = HashMap::new();
        for row in rows {
            let case: CaseId = row.try_get("case_id")?;
            let id: String = row.try_get("message_id")?;
            if row.try_get::<bool, _>("is_request")? {
                out.insert(case, id);
            } else {
                out.entry(case).or_insert(id);
            }
        }
        Ok(out)
    }

    /// The chaser steps taken (not cancelled) for a campaign's cases: case id -> steps.
    pub async fn chaser_steps_taken(
        &self,
        campaign_id: CampaignId,
    ) -> Result<HashMap<CaseId, Vec<String>>> {
        let rows = sqlx::query(
            "SELECT h.case_id, h.step FROM chasers h JOIN cases c ON c.id = h.case_id
             WHERE c.campaign_id = $1 AND h.state <> 'cancelled'",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: HashMap<CaseId, Vec<String>> = HashMap::new();
        for row in rows {
            out.entry(row.try_get("case_id")?)
                .or_default()
                .push(row.try_get("step")?);
        }
        Ok(out)
    }

    /// Store a chaser that fell due, and queue its email when `outbox` is given, in one
    /// transaction. A (case, step) already taken is left alone and gives `false`; one
    /// cancelled earlier (a reply came) may be taken again.
    pub async fn add_chaser(
        &self,
        c: &NewChaser,
        outbox: Option<&NewOutboxItem>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let sha = put_blob(&mut tx, &c.raw).await?;
        let Some(id) = insert_chaser_in(&mut tx, c, &sha, &now).await? else {
            return Ok(false);
        };
        if let Some(item) = outbox {
            let outbox_id = insert_outbox(&mut tx, item, &now).await?;
            link_chaser_in(&mut tx, id, outbox_id, &now).await?;
        }
        tx.commit().await.context("the chaser was not saved")?;
        Ok(true)
    }

    /// Store one chaser email that covers several cases of one body (a consolidated
    /// chaser): a chaser row for each case's step, all pointing at the one outbox item,
    /// in one transaction. `false`, and nothing stored, when any of the steps was taken
    /// already.
    pub async fn add_consolidated_chaser(
        &self,
        chasers: &[NewChaser],
        outbox: &NewOutboxItem,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(chasers.len());
        for c in chasers {
            let sha = put_blob(&mut tx, &c.raw).await?;
            match insert_chaser_in(&mut tx, c, &sha, &now).await? {
                Some(id) => ids.push(id),
                // dropping the transaction rolls it back
                None => return Ok(false),
            }
        }
        let outbox_id = insert_outbox(&mut tx, outbox, &now).await?;
        for id in ids {
            link_chaser_in(&mut tx, id, outbox_id, &now).await?;
        }
        tx.commit()
            .await
            .context("the consolidated chaser was not saved")?;
        Ok(true)
    }

    /// Chasers in any of `states` (all when empty), oldest first.
    pub async fn chasers(&self, states: &[&str]) -> Result<Vec<ChaserRow>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT ");
        q.push(CHASER_COLUMNS)
            .push(CHASER_FROM)
            .push(" WHERE 1 = 1");
        if !states.is_empty() {
            q.push(" AND h.state IN (");
            let mut sep = q.separated(", ");
            for s in states {
                sep.push_bind(s.to_string());
            }
            sep.push_unseparated(")");
        }
        q.push(" ORDER BY h.id");
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(row_to_chaser)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// One chaser with its stored bytes.
    pub async fn chaser(&self, id: ChaserId) -> Result<Option<(ChaserRow, Vec<u8>)>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT ");
        q.push(CHASER_COLUMNS)
            .push(", b.data AS raw")
            .push(CHASER_FROM)
            .push(" JOIN blobs b ON b.sha256 = h.raw_sha256 WHERE h.id = ")
            .push_bind(id);
        let Some(row) = q.build().fetch_optional(self.pool()).await? else {
            return Ok(None);
        };
        Ok(Some((row_to_chaser(&row)?, row.try_get("raw")?)))
    }

    /// Queue a pending chaser's stored email; `false` when it is not pending (any more).
    pub async fn approve_chaser(
        &self,
        id: ChaserId,
        item_for: &(dyn Fn(&ChaserRow, Vec<u8>) -> NewOutboxItem + Sync),
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some((row, raw)) = self.chaser(id).await? else {
            return Ok(false);
        };
        if row.state != "pending" {
            return Ok(false);
        }
        let item = item_for(&row, raw);
        let now_text = time_text(now);
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query(
            "UPDATE chasers SET state = 'queued', decided_at = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(&now_text)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        let outbox_id = insert_outbox(&mut tx, &item, &now_text).await?;
        sqlx::query("UPDATE chasers SET outbox_id = $1 WHERE id = $2")
            .bind(outbox_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await.context("the approval was not saved")?;
        Ok(true)
    }

    /// Skip a chaser awaiting approval (or a complaint draft); `false` when it is neither.
    pub async fn skip_chaser(&self, id: ChaserId, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE chasers SET state = 'skipped', decided_at = $1 WHERE id = $2 AND state IN ('pending', 'draft')",
        )
        .bind(time_text(now))
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Assign a case to a person, or clear it (`None`).
    pub async fn set_case_assignee(&self, case_id: CaseId, assignee: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE cases SET assignee = $1 WHERE id = $2")
            .bind(assignee)
            .bind(case_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Who a case is assigned to.
    pub async fn case_assignee(&self, case_id: CaseId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT assignee FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// Who each assigned case (of one campaign, or all) is assigned to, by case id.
    pub async fn case_assignees(
        &self,
        campaign_id: Option<CampaignId>,
    ) -> Result<HashMap<CaseId, String>> {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, assignee FROM cases WHERE assignee IS NOT NULL");
        if let Some(id) = campaign_id {
            q.push(" AND campaign_id = ").push_bind(id);
        }
        q.build()
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("assignee")?)))
            .collect()
    }
}

/// Insert a chaser row (or take again a cancelled one): its id, or `None` when the
/// (case, step) was taken already.
async fn insert_chaser_in(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    c: &NewChaser,
    sha: &str,
    now: &str,
) -> anyhow::Result<Option<ChaserId>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO chasers (case_id, step, trigger_kind, mode, state, due_on, message_id, recipient,
                              subject, raw_sha256, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (case_id, step) DO UPDATE SET
            trigger_kind = excluded.trigger_kind, mode = excluded.mode, state = excluded.state,
            due_on = excluded.due_on, message_id = excluded.message_id,
            recipient = excluded.recipient, subject = excluded.subject,
            raw_sha256 = excluded.raw_sha256, outbox_id = NULL, decided_at = NULL,
            created_at = excluded.created_at
         WHERE chasers.state = 'cancelled'
         RETURNING id",
    )
    .bind(c.case_id)
    .bind(&c.step)
    .bind(&c.trigger)
    .bind(&c.mode)
    .bind(&c.state)
    .bind(c.due_on.to_string())
    .bind(&c.message_id)
    .bind(&c.recipient)
    .bind(&c.subject)
    .bind(sha)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A chaser row now points at its queued email.
async fn link_chaser_in(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: ChaserId,
    outbox_id: OutboxId,
    now: &str,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE chasers SET outbox_id = $1, decided_at = $2 WHERE id = $3")
        .bind(outbox_id)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn cancel_chasers_in(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    case_id: CaseId,
    now: Option<&str>,
) -> anyhow::Result<u64> {
    sqlx::query(sqlx::AssertSqlSafe(cancel_queued_chasers("($1)")))
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    let n = sqlx::query(sqlx::AssertSqlSafe(cancel_pending_chasers("($1)", "$2")))
        .bind(case_id)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n)
}

/// Append to `s` the statements that cancel the chasers waiting on `cases` (an SQL list of
/// placeholders) at `now` (a placeholder): a reply arrived.
pub(super) fn cancel_chasers_sql(s: &mut super::script::Script, cases: &str, now: &str) {
    s.sql(&format!(
        "{};\n{};\n",
        cancel_queued_chasers(cases),
        cancel_pending_chasers(cases, now)
    ));
}

/// The queued chaser emails of `cases` leave the outbox...
fn cancel_queued_chasers(cases: &str) -> String {
    format!(
        "UPDATE outbox SET state = 'cancelled', last_error = 'a reply arrived first'
         WHERE state = 'queued' AND id IN (SELECT outbox_id FROM chasers WHERE case_id IN {cases} AND state = 'queued')"
    )
}

/// ...and the pending and queued chasers of `cases` are cancelled.
/// A consolidated chaser (one email for several cases of a body) is cancelled as a whole:
/// the other cases' rows sharing its email are cancelled too, and their steps are taken
/// again at the next sweep if still due.
fn cancel_pending_chasers(cases: &str, now: &str) -> String {
    format!(
        "UPDATE chasers SET state = 'cancelled', decided_at = {now}
         WHERE (case_id IN {cases} AND (state = 'pending'
            OR (state = 'queued' AND EXISTS (SELECT 1 FROM outbox o
                                             WHERE o.id = chasers.outbox_id AND o.state = 'cancelled'))))
            OR (state = 'queued' AND outbox_id IN (SELECT h.outbox_id FROM chasers h
                                                   JOIN outbox o ON o.id = h.outbox_id
                                                   WHERE h.case_id IN {cases} AND o.state = 'cancelled'))"
    )
}
