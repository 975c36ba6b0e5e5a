//! When the queue will finish: the sender's choices played forward on a fixed clock, with
//! the same pacing (global limits from [`Pacer`], per-domain and per-gateway hourly limits),
//! the send window (its days, hours and bank holidays) and the order the worker takes
//! emails in (oldest due first, skipping a group that must wait). A pure function: no
//! store, no clock; `campaign show` and the dashboard call it with the outbox's queue.
//!
//! It assumes the server takes each email at once: a slow server adds its own time. The
//! domains that hold the queue back are the groups that still send after the queue would
//! have finished without per-domain and gateway limits.

use super::pacer::{Group, Pacer};
use crate::config::Pacing;
use crate::deadlines::Window;
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};

/// One queued email: when it may go, its recipient domain, and whether it is one of the
/// campaign the estimate is for.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub not_before: DateTime<Utc>,
    pub domain: String,
    pub mine: bool,
}

/// A group (gateway or domain) whose hourly limit makes the queue finish later.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldBack {
    /// `gateway NAME` or the domain.
    pub group: String,
    /// Its emails in the queue.
    pub emails: usize,
    pub per_hour: u32,
    /// When its last email goes.
    pub last: DateTime<Utc>,
}

/// The expected finish of a queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Estimate {
    /// Emails in the queue (all campaigns: they share the pacing).
    pub emails: usize,
    /// Of which the campaign's.
    pub mine: usize,
    /// When the last email of the queue goes (`None`: the queue is empty, or beyond the
    /// horizon).
    pub finish: Option<DateTime<Utc>>,
    /// When the campaign's last email goes.
    pub mine_finish: Option<DateTime<Utc>>,
    /// When the queue would finish without per-domain and gateway limits.
    pub unlimited_finish: Option<DateTime<Utc>>,
    /// The groups still sending after `unlimited_finish`, latest first.
    pub held_back: Vec<HeldBack>,
    /// Some emails would not go within [`HORIZON_DAYS`] (a window that never opens, a
    /// tiny daily limit): the finish is unknown.
    pub beyond_horizon: bool,
}

/// How far ahead the estimate looks.
pub const HORIZON_DAYS: i64 = 3 * 366;

/// The claims of one group in the last hour, against its limit (the pacer's per-domain
/// rule, kept per group here so that thousands of domains cost one lookup each).
struct GroupState {
    per_hour: Option<usize>,
    recent: VecDeque<DateTime<Utc>>,
    waiting: VecDeque<usize>,
}

impl GroupState {
    fn free_at(&mut self, t: DateTime<Utc>) -> DateTime<Utc> {
        let Some(limit) = self.per_hour else { return t };
        let hour_ago = t - Duration::hours(1);
        while self.recent.front().is_some_and(|c| *c <= hour_ago) {
            self.recent.pop_front();
        }
        if self.recent.len() < limit {
            return t;
        }
        self.recent[self.recent.len() - limit] + Duration::hours(1)
    }
}

/// When each email of `queue` (in the worker's order) would be claimed, starting at
/// `now` after the claims of `history`; `None` for those beyond the horizon. With
/// `group_limits` false, per-domain and gateway limits are ignored.
fn play(
    pacing: &Pacing,
    window: &Window,
    history: &[(DateTime<Utc>, String)],
    queue: &[Waiting],
    now: DateTime<Utc>,
    group_limits: bool,
) -> Vec<Option<DateTime<Utc>>> {
    // The global limits only: groups are tracked below.
    let global_only = Pacing {
        per_domain_per_hour: None,
        gateway: Some(Vec::new()),
        ..pacing.clone()
    };
    let mut global = Pacer::new(global_only, history);
    let grouper = Pacer::new(pacing.clone(), &[]);
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(Group, GroupState)> = Vec::new();
    let mut group_of = |domain: &str, groups: &mut Vec<(Group, GroupState)>| -> usize {
        let g = grouper.group(domain);
        *keys.entry(g.key.clone()).or_insert_with(|| {
            let per_hour = g.per_hour.filter(|_| group_limits).map(|n| n as usize);
            groups.push((
                g,
                GroupState {
                    per_hour,
                    recent: VecDeque::new(),
                    waiting: VecDeque::new(),
                },
            ));
            groups.len() - 1
        })
    };
    for (at, domain) in history {
        let g = group_of(domain, &mut groups);
        groups[g].1.recent.push_back(*at);
    }
    for (i, w) in queue.iter().enumerate() {
        let g = group_of(&w.domain, &mut groups);
        groups[g].1.waiting.push_back(i);
    }
    let mut at: Vec<Option<DateTime<Utc>>> = vec![None; queue.len()];
    let mut left = queue.len();
    let horizon = now + Duration::days(HORIZON_DAYS);
    let mut t = now;
    while left > 0 && t <= horizon {
        if !window.is_open(t) {
            t = window.next_open(t).max(t + Duration::seconds(1));
            continue;
        }
        let free = global.global_free_at(t);
        if free > t {
            t = free;
            continue;
        }
        // The oldest email whose group may receive now, as the worker's `choose` does;
        // else the first moment one may.
        let mut best: Option<(usize, usize)> = None;
        let mut next: Option<DateTime<Utc>> = None;
        for (g, (_, state)) in groups.iter_mut().enumerate() {
            let Some(&head) = state.waiting.front() else {
                continue;
            };
            let ready = queue[head].not_before.max(state.free_at(t));
            if ready <= t {
                if best.is_none_or(|(_, b)| head < b) {
                    best = Some((g, head));
                }
            } else {
                next = Some(next.map_or(ready, |n| n.min(ready)));
            }
        }
        match (best, next) {
            (Some((g, head)), _) => {
                at[head] = Some(t);
                left -= 1;
                let state = &mut groups[g].1;
                state.waiting.pop_front();
                state.recent.push_back(t);
                global.note(t, &queue[head].domain);
            }
            (None, Some(n)) => t = n.max(t + Duration::seconds(1)),
            (None, None) => break,
        }
    }
    at
}

/// The expected finish of `queue` (every queued email, in the order the worker takes
/// them: by `not_before`, then by id), from `now`, after the claims of the last day
/// (`history`, as the sender rebuilds its pacer).
pub fn estimate(
    pacing: &Pacing,
    window: &Window,
    history: &[(DateTime<Utc>, String)],
    queue: &[Waiting],
    now: DateTime<Utc>,
) -> Estimate {
    let paced = play(pacing, window, history, queue, now, true);
    let unlimited = play(pacing, window, history, queue, now, false);
    let beyond_horizon = paced.iter().any(Option::is_none);
    let last = |times: &[Option<DateTime<Utc>>], only_mine: bool| {
        if times.iter().any(Option::is_none) {
            return None;
        }
        times
            .iter()
            .zip(queue)
            .filter(|(_, w)| !only_mine || w.mine)
            .filter_map(|(t, _)| *t)
            .max()
    };
    let finish = last(&paced, false);
    let unlimited_finish = last(&unlimited, false);
    let grouper = Pacer::new(pacing.clone(), &[]);
    let mut by_group: HashMap<String, HeldBack> = HashMap::new();
    if let Some(limit_free) = unlimited_finish {
        for (t, w) in paced.iter().zip(queue) {
            let group = grouper.group(&w.domain);
            let (Some(t), Some(per_hour)) = (t, group.per_hour) else {
                continue;
            };
            let entry = by_group.entry(group.key.clone()).or_insert(HeldBack {
                group: group.key,
                emails: 0,
                per_hour,
                last: *t,
            });
            entry.emails += 1;
            entry.last = entry.last.max(*t);
        }
        by_group.retain(|_, h| h.last > limit_free);
    }
    let mut held_back: Vec<HeldBack> = by_group.into_values().collect();
    held_back.sort_by(|a, b| b.last.cmp(&a.last).then(a.group.cmp(&b.group)));
    Estimate {
        emails: queue.len(),
        mine: queue.iter().filter(|w| w.mine).count(),
        finish,
        mine_finish: last(&paced, true),
        unlimited_finish,
        held_back,
        beyond_horizon,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Gateway;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn queue(domains: &[&str], now: DateTime<Utc>) -> Vec<Waiting> {
        domains
            .iter()
            .map(|d| Waiting {
                not_before: now,
                domain: d.to_string(),
                mine: d.ends_with("council.example"),
            })
            .collect()
    }

    /// Worked by hand. 70 emails at 1 a minute and 10 an hour, from Friday 1 May 2026
    /// 15:00 in London (14:00 UTC), window Mon-Fri 09:00-16:00 London with bank
    /// holidays skipped. Friday: 10 emails, 15:00 to 15:09 London; the hour's limit frees
    /// at 16:00, when the window shuts. Saturday and Sunday are closed; Monday 4 May is
    /// the Early May bank holiday. Tuesday 5 May: 10 an hour from 09:00 London (08:00 UTC)
    /// -> the 60 left take the hours 09, 10, 11, 12, 13 and 14, the last at 14:09
    /// London = 13:09 UTC.
    #[test]
    fn the_finish_skips_the_weekend_and_the_bank_holiday_as_worked_by_hand() {
        let days = ["mon", "tue", "wed", "thu", "fri"].map(String::from);
        let window = Window::new(&days, "09:00", "16:00", "Europe/London", true).unwrap();
        let pacing = Pacing {
            per_minute: Some(1),
            per_hour: Some(10),
            ..Pacing::default()
        };
        let now = t("2026-05-01T14:00:00Z");
        let domains: Vec<String> = (0..70).map(|i| format!("b{i}.council.example")).collect();
        let names: Vec<&str> = domains.iter().map(String::as_str).collect();
        let e = estimate(&pacing, &window, &[], &queue(&names, now), now);
        assert_eq!(e.finish, Some(t("2026-05-05T13:09:00Z")));
        assert_eq!(e.mine_finish, e.finish);
        assert_eq!((e.emails, e.mine), (70, 70));
        assert!(e.held_back.is_empty(), "no domain limit: {:?}", e.held_back);
        assert!(!e.beyond_horizon);

        // Five sent at 13:30-13:34 UTC (history) leave room for five at 14:00-14:04; the
        // sliding hour then frees one a minute from 14:30 (13:30 + 1h) to 14:34, and the
        // hour is full again until 15:00 UTC, when the window shuts: 10 on Friday, the
        // last 5 on Tuesday from 08:00 UTC.
        let history: Vec<_> = (0..5)
            .map(|i| (now - Duration::minutes(30 - i), "x.example".to_string()))
            .collect();
        let e = estimate(&pacing, &window, &history, &queue(&names[..15], now), now);
        assert_eq!(e.finish, Some(t("2026-05-05T08:04:00Z")));
    }

    /// A gateway limits the NHS trusts' domains as one: 5 emails at 2 an hour finish two
    /// hours after the councils, and the gateway is named as what holds the queue back.
    #[test]
    fn a_gateway_holds_the_queue_back_and_is_named() {
        let pacing = Pacing {
            gateway: Some(vec![Gateway {
                name: "nhs.net".into(),
                domains: vec!["nhs.net".into(), "*.nhs.uk".into()],
                per_hour: 2,
            }]),
            ..Pacing::default()
        };
        let now = t("2026-03-02T10:00:00Z");
        let q = queue(
            &[
                "a.nhs.uk",
                "nhs.net",
                "b.nhs.uk",
                "one.council.example",
                "c.nhs.uk",
                "two.council.example",
                "three.council.example",
                "nhs.net",
            ],
            now,
        );
        let e = estimate(&pacing, &Window::always(), &[], &q, now);
        assert_eq!(e.finish, Some(t("2026-03-02T12:00:00Z")));
        assert_eq!(e.mine_finish, Some(now), "the councils go at once");
        assert_eq!(e.unlimited_finish, Some(now));
        assert_eq!(
            e.held_back,
            vec![HeldBack {
                group: "gateway nhs.net".into(),
                emails: 5,
                per_hour: 2,
                last: t("2026-03-02T12:00:00Z"),
            }]
        );
        // An empty queue has no finish; a window that never opens in range is beyond.
        let empty = estimate(&pacing, &Window::always(), &[], &[], now);
        assert_eq!((empty.finish, empty.beyond_horizon), (None, false));
    }
}
