//! Casework: events recorded by staff, the batched case timelines that deadlines, the
//! overdue list and the chasers are computed from, and the chasers table.

use super::outbox::{insert_outbox, put_blob};
use super::Result;
use super::{time_text, NewOutboxItem, Store};
use crate::domain::event::EventKind;
use crate::domain::id::{BodyId, CampaignId, CaseId, ChaserId, OutboxId};
use crate::domain::{CaseStatus, Event};
use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

/// A case with its events (in date order): everything its deadline depends on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseTimeline {
    pub id: CaseId,
    pub reference: String,
    pub token: String,
    pub campaign_id: CampaignId,
    /// The case's number within its campaign.
    pub seq: i64,
    pub campaign: String,
    pub body_id: BodyId,
    pub body_name: String,
    pub body_email: String,
    pub regime: String,
    pub status: CaseStatus,
    pub events: Vec<Event>,
}

/// Which cases to load timelines for.
#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    pub campaign_id: Option<CampaignId>,
    /// Only bodies with this tag.
    pub tag: Option<String>,
    /// Only cases in one of these statuses (all when `None`).
    pub statuses: Option<Vec<CaseStatus>>,
    pub case_id: Option<CaseId>,
}

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub case_id: CaseId,
    pub kind: EventKind,
    pub on: NaiveDate,
    pub note: Option<String>,
    pub actor: String,
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

/// Reads the bulk text of `case_timelines`: `12,` numbers and fields end at a comma,
/// texts are length-prefixed in characters (`5:hello`).
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    fn field(&mut self) -> Option<&'a str> {
        let (f, rest) = self.0.split_once(',')?;
        self.0 = rest;
        Some(f)
    }

    fn int(&mut self) -> Option<i64> {
        self.field()?.parse().ok()
    }

    fn text(&mut self) -> Option<&'a str> {
        let (n, rest) = self.0.split_once(':')?;
        let n: usize = n.parse().ok()?;
        // `n` counts characters; most texts are ASCII, where they are bytes.
        let end = if rest.as_bytes().get(..n).is_some_and(|b| b.is_ascii()) {
            n
        } else {
            let end = rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i);
            if rest[..end].chars().count() != n {
                return None;
            }
            end
        };
        self.0 = &rest[end..];
        Some(&rest[..end])
    }
}

/// A case status as stored (exactly one of the names), else as a person might write it.
fn stored_status(s: &str) -> Option<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .find(|v| v.as_str() == s)
        .or_else(|| CaseStatus::parse(s))
}

fn push_in(q: &mut QueryBuilder<Sqlite>, statuses: &[CaseStatus]) {
    q.push(" IN (");
    let mut sep = q.separated(", ");
    for s in statuses {
        sep.push_bind(s.as_str());
    }
    sep.push_unseparated(")");
}

fn push_filter(q: &mut QueryBuilder<Sqlite>, f: &TimelineFilter) {
    if let Some(id) = f.campaign_id {
        q.push(" AND c.campaign_id = ").push_bind(id);
    }
    if let Some(id) = f.case_id {
        q.push(" AND c.id = ").push_bind(id);
    }
    if let Some(tag) = &f.tag {
        // Correlated, so a range of case ids drives the query (one primary-key probe each).
        q.push(" AND EXISTS (SELECT 1 FROM body_tags t WHERE t.body_id = c.body_id AND t.tag = ")
            .push_bind(tag.to_lowercase())
            .push(")");
    }
    if let Some(statuses) = &f.statuses {
        q.push(" AND c.status");
        push_in(q, statuses);
    }
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
    /// Cases with their events, read in bulk: each query returns one row holding the
    /// cases and the events of a range of 1,024 case ids as two texts. sqlx hands rows
    /// from its SQLite thread one at a time, at several µs a row; this way `foi overdue`
    /// reads 100,000 cases and their events in about a hundred rows. The next range is
    /// read (on another connection) while this one is parsed; ranges of 1,024 keep each
    /// text small enough (about 130 kB) to reuse memory rather than map fresh pages. Text fields travel
    /// length-prefixed (`5:hello`), so any character may appear in them. (SQLite's
    /// `group_concat` and `printf`; a Postgres store would use `string_agg` and `format`.)
    pub async fn case_timelines(&self, f: &TimelineFilter) -> Result<Vec<CaseTimeline>> {
        use futures_util::{StreamExt, TryStreamExt};
        const SPAN: i64 = 1024;
        let bad = |what: &str| anyhow!("cannot read {what} from the database (bulk read)");
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT min(c.id) AS lo, max(c.id) AS hi, count(*) AS n FROM cases c WHERE 1 = 1",
        );
        push_filter(&mut q, f);
        let row = q.build().fetch_one(self.pool()).await?;
        let (Some(lo), Some(hi)): (Option<i64>, Option<i64>) =
            (row.try_get("lo")?, row.try_get("hi")?)
        else {
            return Ok(Vec::new());
        };
        let n: i64 = row.try_get("n")?;
        let names: HashMap<CampaignId, String> = sqlx::query("SELECT id, name FROM campaigns")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect::<anyhow::Result<_>>()?;
        let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        let mut found: Vec<(usize, i64, Event)> = Vec::new();
        let spans = futures_util::stream::iter((lo..=hi).step_by(SPAN as usize))
            .map(|from| self.timeline_span(f, from, from + SPAN))
            .buffered(2);
        futures_util::pin_mut!(spans);
        while let Some((cases, events)) = spans.try_next().await? {
            let first = out.len();
            let mut cur = Cursor(cases.as_deref().unwrap_or_default());
            while !cur.0.is_empty() {
                let id = cur.int().ok_or_else(|| bad("a case"))?;
                let campaign_id = cur.int().ok_or_else(|| bad("a case"))?;
                let seq = cur.int().ok_or_else(|| bad("a case"))?;
                let body_id = cur.int().ok_or_else(|| bad("a case"))?;
                let status = cur
                    .field()
                    .and_then(stored_status)
                    .ok_or_else(|| bad("a case status"))?;
                let mut s = || cur.text().ok_or_else(|| bad("a case"));
                let (reference, token, body_name, body_email, regime) =
                    (s()?, s()?, s()?, s()?, s()?);
                if f.statuses.as_ref().is_some_and(|v| !v.contains(&status)) {
                    continue;
                }
                let campaign_id = CampaignId::new(campaign_id);
                out.push(CaseTimeline {
                    id: CaseId::new(id),
                    reference: reference.into(),
                    token: token.into(),
                    campaign_id,
                    seq,
                    campaign: names.get(&campaign_id).cloned().unwrap_or_default(),
                    body_id: BodyId::new(body_id),
                    body_name: body_name.into(),
                    body_email: body_email.into(),
                    regime: regime.into(),
                    status,
                    events: Vec::new(),
                });
            }
            if out.len() == first {
                continue;
            }
            // This range's cases by id, to find each event's case.
            let span = &mut out[first..];
            span.sort_unstable_by_key(|t| t.id);
            let mut cur = Cursor(events.as_deref().unwrap_or_default());
            found.clear();
            while !cur.0.is_empty() {
                let case_id = cur.int().ok_or_else(|| bad("an event"))?;
                let eid = cur.int().ok_or_else(|| bad("an event"))?;
                let on = cur
                    .field()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| bad("an event date"))?;
                let kind = cur.text().ok_or_else(|| bad("an event"))?;
                let note = if let Some(rest) = cur.0.strip_prefix('-') {
                    cur.0 = rest;
                    None
                } else {
                    Some(cur.text().ok_or_else(|| bad("an event note"))?)
                };
                if let Ok(i) = span.binary_search_by_key(&CaseId::new(case_id), |t| t.id) {
                    let (kind, note) = (EventKind::from_stored(kind), note.map(String::from));
                    found.push((i, eid, Event { kind, on, note }));
                }
            }
            found.sort_unstable_by_key(|(i, eid, e)| (*i, e.on, *eid));
            for group in found.chunk_by(|a, b| a.0 == b.0) {
                span[group[0].0].events.reserve_exact(group.len());
            }
            for (i, _, e) in found.drain(..) {
                span[i].events.push(e);
            }
        }
        out.sort_unstable_by_key(|t| (t.campaign_id, t.seq));
        Ok(out)
    }

    /// The bulk texts of `case_timelines` for the case ids in `from..to`: the cases that
    /// pass the filter (except its statuses) and the events of those cases.
    async fn timeline_span(
        &self,
        f: &TimelineFilter,
        from: i64,
        to: i64,
    ) -> anyhow::Result<(Option<String>, Option<String>)> {
        // The status filter is applied by the caller: reading a range of ids in rowid
        // order is faster than going through the status index.
        let f = TimelineFilter {
            statuses: None,
            ..f.clone()
        };
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT (SELECT group_concat(printf('%d,%d,%d,%d,%s,%d:%s%d:%s%d:%s%d:%s%d:%s',
                    c.id, c.campaign_id, c.seq, c.body_id, c.status, length(c.reference), c.reference,
                    length(c.token), c.token, length(b.name), b.name, length(b.email), b.email,
                    length(c.regime), c.regime), '')
                 FROM cases c JOIN bodies b ON b.id = c.body_id WHERE c.id >= ",
        );
        q.push_bind(from).push(" AND c.id < ").push_bind(to);
        push_filter(&mut q, &f);
        q.push(
            ") AS cases,
               (SELECT group_concat(printf('%d,%d,%s,%d:%s%s', e.case_id, e.id, e.occurred_on,
                    length(e.kind), e.kind,
                    CASE WHEN e.note IS NULL THEN '-' ELSE printf('%d:%s', length(e.note), e.note) END), '')
                 FROM events e WHERE e.case_id >= ",
        );
        q.push_bind(from).push(" AND e.case_id < ").push_bind(to);
        if f.campaign_id.is_some() || f.case_id.is_some() || f.tag.is_some() {
            q.push(" AND EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id");
            push_filter(&mut q, &f);
            q.push(")");
        }
        q.push(") AS events");
        let row = q.build().fetch_one(self.pool()).await?;
        Ok((row.try_get("cases")?, row.try_get("events")?))
    }

    /// Record an event and the status it implies, in one transaction; when `cancel_chasers`
    /// the case's pending and still-queued chasers are cancelled in it too. Returns how
    /// many chasers were cancelled.
    pub async fn record_event(
        &self,
        ev: &NewEvent,
        status: Option<CaseStatus>,
        cancel_chasers: bool,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let now = time_text(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO events (case_id, kind, occurred_on, occurred_at, note, actor, created_at)
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
        )
        .bind(ev.case_id)
        .bind(ev.kind.as_str())
        .bind(ev.on.to_string())
        .bind(&ev.note)
        .bind(&ev.actor)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if let Some(s) = status {
            sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                .bind(s.as_str())
                .bind(ev.case_id)
                .execute(&mut *tx)
                .await?;
        }
        let cancelled = if cancel_chasers {
            cancel_chasers_in(&mut tx, ev.case_id, Some(&now)).await?
        } else {
            0
        };
        tx.commit().await.context("the event was not saved")?;
        Ok(cancelled)
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

    /// Per case of a campaign, the Message-ID of its first outbound email (the request),
    /// which chasers and campaign messages reply to.
    pub async fn first_outbound_ids(
        &self,
        campaign_id: CampaignId,
    ) -> Result<HashMap<CaseId, String>> {
        let rows = sqlx::query(
            "SELECT m.case_id, m.message_id FROM messages m JOIN cases c ON c.id = m.case_id
             WHERE c.campaign_id = $1 AND m.direction = 'outbound' ORDER BY m.at DESC, m.id DESC",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        // Newest first, so the oldest is inserted last and wins.
        let mut out = HashMap::new();
        for row in rows {
            out.insert(row.try_get("case_id")?, row.try_get("message_id")?);
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
        let id: Option<i64> = sqlx::query_scalar(
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
        .bind(&sha)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        if let Some(item) = outbox {
            let outbox_id = insert_outbox(&mut tx, item, &now).await?;
            sqlx::query("UPDATE chasers SET outbox_id = $1, decided_at = $2 WHERE id = $3")
                .bind(outbox_id)
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await.context("the chaser was not saved")?;
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
fn cancel_pending_chasers(cases: &str, now: &str) -> String {
    format!(
        "UPDATE chasers SET state = 'cancelled', decided_at = {now}
         WHERE case_id IN {cases} AND (state = 'pending'
            OR (state = 'queued' AND EXISTS (SELECT 1 FROM outbox o
                                             WHERE o.id = chasers.outbox_id AND o.state = 'cancelled')))"
    )
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn the_bulk_text_survives_any_character() {
        let name = "Bárking, Dagenham: 5:x;\n🙂 \u{1f}";
        let text = format!(
            "12,-3,awaiting_response,{}:{name}2:ok",
            name.chars().count()
        );
        let mut c = Cursor(&text);
        assert_eq!(c.int(), Some(12));
        assert_eq!(c.int(), Some(-3));
        assert_eq!(c.field(), Some("awaiting_response"));
        assert_eq!(c.text(), Some(name));
        assert_eq!(c.text(), Some("ok"));
        assert!(c.0.is_empty());
        assert_eq!(Cursor("9:short").text(), None);
        assert_eq!(Cursor("x:short").text(), None);
    }
}
