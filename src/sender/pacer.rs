//! Pacing: how many emails may be handed to the server per minute, hour and day, and per
//! recipient domain (or gateway: domains sharing one mail system) per hour. The history
//! is rebuilt from the outbox at start, so limits hold across restarts.

use crate::config::{Gateway, Pacing};
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};

/// Sliding-window limits over recent claims.
#[derive(Debug, Clone)]
pub struct Pacer {
    limits: Pacing,
    gateways: Vec<Gateway>,
    /// Claim times of the last day, oldest first.
    recent: VecDeque<DateTime<Utc>>,
    /// Claim times of the last hour, per limited group (a domain or a gateway).
    by_domain: HashMap<String, VecDeque<DateTime<Utc>>>,
}

/// The group a recipient domain is paced in: its gateway, or the domain itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    /// `gateway NAME` or the domain (a space cannot be in a domain, so they never clash).
    pub key: String,
    /// Emails per hour, if limited.
    pub per_hour: Option<u32>,
}

impl Pacer {
    pub fn new(limits: Pacing, history: &[(DateTime<Utc>, String)]) -> Self {
        let mut p = Self {
            gateways: limits.gateways(),
            limits,
            recent: VecDeque::new(),
            by_domain: HashMap::new(),
        };
        for (t, d) in history {
            p.note(*t, d);
        }
        p
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let day_ago = now - Duration::days(1);
        while self.recent.front().is_some_and(|t| *t <= day_ago) {
            self.recent.pop_front();
        }
        let hour_ago = now - Duration::hours(1);
        self.by_domain.retain(|_, q| {
            while q.front().is_some_and(|t| *t <= hour_ago) {
                q.pop_front();
            }
            !q.is_empty()
        });
    }

    /// Count claims after `since` (the deque is sorted).
    fn count_since(&self, since: DateTime<Utc>) -> usize {
        self.recent.len() - self.recent.partition_point(|t| *t <= since)
    }

    /// When the global limits next allow a claim (`now` if they allow one now).
    pub fn global_free_at(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.prune(now);
        let mut at = now;
        if let (Some(ms), Some(last)) = (self.limits.min_interval_ms, self.recent.back()) {
            at = at.max(*last + Duration::milliseconds(ms as i64));
        }
        for (limit, span) in [
            (self.limits.per_minute, Duration::minutes(1)),
            (self.limits.per_hour, Duration::hours(1)),
            (self.limits.per_day, Duration::days(1)),
        ] {
            let Some(limit) = limit else { continue };
            let limit = limit as usize;
            let n = self.count_since(now - span);
            if n >= limit {
                // The claim that must leave the window before another fits.
                let idx = self.recent.len() - n + (n - limit);
                if let Some(t) = self.recent.get(idx) {
                    at = at.max(*t + span);
                }
            }
        }
        at
    }

    /// The group `domain` is paced in: the first gateway that serves it, else itself
    /// under `per_domain_per_hour`.
    pub fn group(&self, domain: &str) -> Group {
        match self.gateways.iter().find(|g| g.matches(domain)) {
            Some(g) => Group {
                key: format!("gateway {}", g.name),
                per_hour: Some(g.per_hour),
            },
            None => Group {
                key: domain.to_string(),
                per_hour: self.limits.per_domain_per_hour,
            },
        }
    }

    /// When `domain` may next receive (`now` if it may now): its gateway's limit, or the
    /// per-domain one.
    pub fn domain_free_at(&mut self, now: DateTime<Utc>, domain: &str) -> DateTime<Utc> {
        let group = self.group(domain);
        let Some(limit) = group.per_hour else {
            return now;
        };
        self.prune(now);
        let Some(q) = self.by_domain.get(&group.key) else {
            return now;
        };
        if q.len() < limit as usize {
            return now;
        }
        q.get(q.len() - limit as usize)
            .map(|t| *t + Duration::hours(1))
            .unwrap_or(now)
    }

    /// Record a claim.
    pub fn note(&mut self, at: DateTime<Utc>, domain: &str) {
        self.recent.push_back(at);
        let group = self.group(domain);
        if group.per_hour.is_some() {
            self.by_domain.entry(group.key).or_default().push_back(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn limits(per_minute: Option<u32>, per_domain: Option<u32>) -> Pacing {
        Pacing {
            per_minute,
            per_domain_per_hour: per_domain,
            ..Pacing::default()
        }
    }

    #[test]
    fn per_minute_limit_frees_when_the_oldest_claim_leaves_the_window() {
        let mut p = Pacer::new(limits(Some(2), None), &[]);
        let now = t("2026-03-02T10:00:00Z");
        assert_eq!(p.global_free_at(now), now);
        p.note(now, "a.example");
        p.note(now + Duration::seconds(10), "b.example");
        assert_eq!(
            p.global_free_at(now + Duration::seconds(20)),
            now + Duration::seconds(60)
        );
        assert_eq!(
            p.global_free_at(now + Duration::seconds(61)),
            now + Duration::seconds(61)
        );
    }

    #[test]
    fn per_domain_limit_holds_across_a_restart() {
        let now = t("2026-03-02T10:00:00Z");
        let history: Vec<_> = (0..3)
            .map(|i| {
                (
                    now - Duration::minutes(30 - i),
                    "schools.example".to_string(),
                )
            })
            .collect();
        let mut p = Pacer::new(limits(None, Some(3)), &history);
        assert_eq!(
            p.domain_free_at(now, "schools.example"),
            now - Duration::minutes(30) + Duration::hours(1)
        );
        assert_eq!(p.domain_free_at(now, "council.example"), now);
        assert_eq!(p.global_free_at(now), now, "no global limit");
    }

    #[test]
    fn a_gateway_paces_its_domains_as_one() {
        let pacing = Pacing {
            per_domain_per_hour: Some(5),
            gateway: Some(vec![Gateway {
                name: "nhs.net".into(),
                domains: vec!["nhs.net".into(), "*.nhs.uk".into()],
                per_hour: 2,
            }]),
            ..Pacing::default()
        };
        let mut p = Pacer::new(pacing, &[]);
        let now = t("2026-03-02T10:00:00Z");
        // Two different trusts' domains fill the gateway's hour between them.
        p.note(now, "camford.nhs.uk");
        p.note(now + Duration::minutes(1), "nhs.net");
        let later = now + Duration::minutes(2);
        assert_eq!(
            p.domain_free_at(later, "vale.nhs.uk"),
            now + Duration::hours(1)
        );
        // Another domain has its own per-domain limit, untouched.
        assert_eq!(p.domain_free_at(later, "council.example"), later);
        assert_eq!(p.group("vale.nhs.uk").key, "gateway nhs.net");
        assert_eq!(p.group("council.example").per_hour, Some(5));
        // The built-in list applies when none is configured.
        let mut d = Pacer::new(Pacing::default(), &[]);
        assert_eq!(d.group("trust.nhs.uk").per_hour, Some(30));
        assert_eq!(d.domain_free_at(later, "council.example"), later);
    }
}
