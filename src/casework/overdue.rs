//! Where cases stand against their due dates: the overdue list (`foi overdue`, the
//! dashboard's Overdue page: every running clock past due, saying which), each case's standing (`foi cases list`), and the due dates as
//! calendar events (`foi deadlines --ics`, the dashboard's calendar feed).
//!
//! Sees `store`, `standing`, `chasers` (a campaign's ladder says which chaser steps are
//! requests for internal review), `deadlines`, `clock` and `report::ics` (the calendar
//! event); the CLI and the web call it.

use crate::clock::Clock;
use crate::deadlines::{Deadline, Regime, Regimes};
use crate::domain::CaseStatus;
use crate::domain::{CampaignId, CaseId};
use crate::standing::{self, is_uk, Owed, Standing, LONG_OVERDUE};
use crate::store::{CaseTimeline, Store, TimelineFilter};
use anyhow::Context;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

pub fn unknown_regime(name: &str) -> anyhow::Error {
    anyhow::anyhow!("unknown regime '{name}': `foi regimes` lists the known ones")
}

/// The timelines `f` selects, with the clocks (regimes and review steps) of their
/// campaigns: what every deadline computation starts from.
pub async fn timelines<'r>(
    store: &Store,
    regimes: &'r Regimes,
    f: &TimelineFilter,
) -> anyhow::Result<(Vec<CaseTimeline>, Clocks<'r>)> {
    let timelines = store.case_timelines(f).await?;
    let mut clocks = Clocks::new(regimes);
    clocks
        .learn(store, unique(timelines.iter().map(|t| t.campaign.as_str())))
        .await?;
    Ok((timelines, clocks))
}

/// One case's timeline with its clocks (`None` if the case has gone).
pub async fn case_timeline<'r>(
    store: &Store,
    regimes: &'r Regimes,
    case_id: CaseId,
) -> anyhow::Result<Option<(CaseTimeline, Clocks<'r>)>> {
    let filter = TimelineFilter {
        case_id: Some(case_id),
        ..Default::default()
    };
    let (mut found, clocks) = timelines(store, regimes, &filter).await?;
    Ok(found.pop().map(|t| (t, clocks)))
}

/// The regime of a case, and whether its campaign's ladder has review steps.
pub struct Clocks<'r> {
    regimes: &'r Regimes,
    review_steps: HashMap<String, Vec<String>>,
}

impl<'r> Clocks<'r> {
    pub fn new(regimes: &'r Regimes) -> Self {
        Self {
            regimes,
            review_steps: HashMap::new(),
        }
    }

    /// Learn the review steps of the campaigns named (a bad ladder counts as none: the
    /// chaser sweep reports it).
    pub async fn learn<'a>(
        &mut self,
        store: &Store,
        campaigns: impl Iterator<Item = &'a str>,
    ) -> anyhow::Result<()> {
        for name in campaigns {
            if self.review_steps.contains_key(name) {
                continue;
            }
            let steps = match store.campaign_by_name(name).await? {
                Some(c) => crate::casework::chasers::review_steps(Path::new(&c.template_dir)),
                None => Vec::new(),
            };
            self.review_steps.insert(name.to_string(), steps);
        }
        Ok(())
    }

    pub fn regime(&self, name: &str) -> anyhow::Result<&Regime> {
        self.regimes.get(name).ok_or_else(|| unknown_regime(name))
    }

    /// Whether `step` of `campaign`'s ladder requests an internal review.
    pub fn is_review_step(&self, campaign: &str, step: &str) -> bool {
        self.review_steps
            .get(campaign)
            .is_some_and(|v| v.iter().any(|x| x == step))
    }

    pub fn deadline(&self, t: &CaseTimeline) -> anyhow::Result<Option<Deadline>> {
        let regime = self.regime(&t.regime)?;
        let review = |s: &str| self.is_review_step(&t.campaign, s);
        standing::deadline(regime, &t.events, &review)
            .with_context(|| format!("case {}", t.reference))
    }
}

/// Each name once, in first-seen order.
pub fn unique<'a>(names: impl Iterator<Item = &'a str>) -> impl Iterator<Item = &'a str> {
    let mut seen = std::collections::BTreeSet::new();
    names.filter(move |n| seen.insert(*n))
}

/// The statuses whose clocks run ([`standing::clocks_run`]).
fn clock_statuses() -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| standing::clocks_run(*s))
        .collect()
}

/// The due date and days left/overdue of each case whose clocks run (of one campaign, or
/// all): its most pressing running clock (the most overdue, else the nearest).
pub async fn standings(
    store: &Store,
    regimes: &Regimes,
    clock: &dyn Clock,
    campaign_id: Option<CampaignId>,
) -> anyhow::Result<HashMap<CaseId, Standing>> {
    let (timelines, clocks) = timelines(
        store,
        regimes,
        &TimelineFilter {
            campaign_id,
            ..Default::default()
        },
    )
    .await?;
    let mut out = HashMap::new();
    for t in &timelines {
        if !standing::clocks_run(t.status) {
            continue;
        }
        let regime = clocks.regime(&t.regime)?;
        let today = clock.today_in(regime.time_zone());
        if let Some(d) = clocks.deadline(t)? {
            let most = standing::standings(regime, &d, &t.events, today)
                .into_iter()
                .max_by_key(|s| s.working_days_overdue);
            if let Some(s) = most {
                out.insert(t.id, s);
            }
        }
    }
    Ok(out)
}

/// Which overdue cases to list.
#[derive(Debug, Clone, Default)]
pub struct OverdueFilter {
    pub campaign_id: Option<CampaignId>,
    pub tag: Option<String>,
    /// At least this many working days overdue (1 at the least).
    pub min_days: i64,
}

/// One overdue case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverdueRow {
    #[serde(skip)]
    pub case_id: CaseId,
    #[serde(skip)]
    order: (CampaignId, i64),
    pub reference: crate::domain::Reference,
    pub campaign: String,
    pub body: String,
    pub email: String,
    pub regime: String,
    pub status: CaseStatus,
    pub owed: Owed,
    pub due_date: NaiveDate,
    pub working_days_overdue: i64,
    pub long_overdue: bool,
    /// A reply on the case waits for a person to read it (it may be the answer; the
    /// case is not chased meanwhile).
    pub reply_to_read: bool,
}

/// Every running clock past its due date (the request's, a pending internal review's, the
/// regulator's compliance date: one row each), most overdue first (then by campaign and
/// case number). Cases whose clocks do not run (never sent, lost in delivery, cancelled,
/// withdrawn) are left out, whatever their status says otherwise.
pub async fn overdue(
    store: &Store,
    regimes: &Regimes,
    clock: &dyn Clock,
    f: &OverdueFilter,
) -> anyhow::Result<Vec<OverdueRow>> {
    let (timelines, clocks) = timelines(
        store,
        regimes,
        &TimelineFilter {
            campaign_id: f.campaign_id,
            tag: f.tag.clone(),
            statuses: Some(clock_statuses()),
            ..Default::default()
        },
    )
    .await?;
    let to_read = store.cases_with_reply_to_read(f.campaign_id).await?;
    let mut today_by_tz = HashMap::new();
    let mut rows = Vec::new();
    for t in timelines {
        let regime = clocks.regime(&t.regime)?;
        let today = *today_by_tz
            .entry(regime.time_zone())
            .or_insert_with(|| clock.today_in(regime.time_zone()));
        let Some(d) = clocks.deadline(&t)? else {
            continue;
        };
        for s in standing::standings(regime, &d, &t.events, today) {
            if s.working_days_overdue < f.min_days.max(1) {
                continue;
            }
            rows.push(OverdueRow {
                case_id: t.id,
                order: (t.campaign_id, t.seq),
                long_overdue: is_uk(&t.regime) && s.working_days_overdue > LONG_OVERDUE,
                reply_to_read: to_read.contains(&t.id),
                reference: t.reference.clone(),
                campaign: t.campaign.clone(),
                body: t.body_name.clone(),
                email: t.body_email.clone(),
                regime: t.regime.clone(),
                status: t.status,
                owed: s.owed,
                due_date: s.due_date,
                working_days_overdue: s.working_days_overdue,
            });
        }
    }
    // Numbers, not strings: this sorts 100,000 rows.
    rows.sort_unstable_by_key(|r| (std::cmp::Reverse(r.working_days_overdue), r.order, r.owed));
    Ok(rows)
}

/// Every running clock's due date (see [`overdue`]) as an all-day calendar event, in date
/// order; each says which clock.
pub async fn due_events(
    store: &Store,
    regimes: &Regimes,
    campaign_id: Option<CampaignId>,
) -> anyhow::Result<Vec<crate::report::ics::AllDay>> {
    let (timelines, clocks) = timelines(
        store,
        regimes,
        &TimelineFilter {
            campaign_id,
            statuses: Some(clock_statuses()),
            ..Default::default()
        },
    )
    .await?;
    let mut events = Vec::new();
    for t in &timelines {
        let Some(d) = clocks.deadline(t)? else {
            continue;
        };
        for (due, owed) in standing::running_clocks(&d, &t.events) {
            events.push(crate::report::ics::AllDay {
                uid: format!("{}-{}@foi-campaigner", t.reference, owed.as_str()),
                date: due,
                summary: format!("{}: {} [{}]", owed.label(), t.body_name, t.reference),
                description: format!(
                    "Campaign {}, case {} ({}), {} regime; request received {}; clock: {}.",
                    t.campaign,
                    t.reference,
                    t.status,
                    t.regime,
                    d.received(),
                    owed.as_str().replace('_', " ")
                ),
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.uid.cmp(&b.uid)));
    Ok(events)
}
