//! Case timelines, read in bulk: every case a filter selects with its events, what every
//! deadline (the overdue list, the chasers, the reports) is computed from. SQLite-only
//! machinery lives here: the rows travel as texts built by `group_concat` and `printf`
//! (a Postgres store would use `string_agg` and `format`), parsed by [`Cursor`].

use super::Result;
use super::Store;
use crate::domain::event::EventKind;
use crate::domain::id::{BodyId, CampaignId, CaseId};
use crate::domain::{CaseStatus, Event, Reference, ReplyToken};
use anyhow::anyhow;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

/// A case with its effective events (in date order; none a person's correction
/// superseded): everything its deadline and state depend on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseTimeline {
    pub id: CaseId,
    pub reference: Reference,
    pub token: ReplyToken,
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
                    reference: Reference::from_stored(reference.into()),
                    token: ReplyToken::from_stored(token)
                        .ok_or_else(|| bad("a case's reply token"))?,
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
                 FROM events e WHERE e.superseded_by IS NULL AND e.case_id >= ",
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
