//! Chasers: a campaign's escalation ladder, and the sweep that takes each case's due step.
//!
//! The ladder is declared in the campaign folder's `campaign.toml` (read by `ladder`), as
//! the campaign's own `[[chasers]]` or, with `ladder = "regime"`, each case's regime's
//! ladder from the law (`deadlines::builtin_ladder`):
//!
//! ```toml
//! [[chasers]]
//! step = "acknowledgement"          # a name: letters, digits and hyphens
//! trigger = "no_acknowledgement"    # no_acknowledgement | overdue | internal_review | complaint | complaint_no_response
//! after = 5                         # working days (see each trigger)
//! template = "../chasers/acknowledgement"   # relative to the campaign folder
//! mode = "auto"                     # auto (queued at once) | approve (waits for a person)
//! ```
//!
//! Triggers, counted in the case's regime (`after` in working days):
//! - `no_acknowledgement`: `after` (default 5) days after the date of receipt, while the
//!   case is awaiting a response and nothing has come from the body.
//! - `overdue`: `after` (default 1: the working day after) days after the due date, while
//!   the clock runs and nothing has answered it.
//! - `internal_review`: `after` (default 20) days after the due date of an unanswered
//!   request, or `after_refusal` (default 1) days after a refusal or partial response, and
//!   in both cases only within the 40 working days the ICO allows for asking (`on =
//!   "refusal"`: only the latter). Its email going out starts the review's clock.
//! - `complaint`: `after` (default 1) days after a pending internal review's due date (its
//!   latest date with `review_limit = "latest"`). The complaint is a **draft** for a person
//!   to check and send to the regulator; it is never sent to the body.
//! - `complaint_no_response`: `after` (default 10) days after an unanswered due date, no
//!   review asked for (FOIA, where the ICO takes such a complaint); a draft likewise.
//!
//! Rules: a case answered, withdrawn or closed is never chased (a refused or partly
//! answered case only by `internal_review` and `complaint`); a (case, step) is taken at
//! most once (a unique row in the `chasers` table); when several steps are due at once only
//! the last of the ladder is taken, and a step is never taken after a later one. A reply
//! cancels pending chasers ([`cancel_pending_for_case`]); a case with a reply nobody has
//! read yet (class `reply`, the "to read" queue) is not chased until a person has read it.
//!
//! Sees `domain`, `deadlines`, `standing`, `store`, `templates`, `compose`, `consolidate`
//! (one email for a body's several due steps), `approval`, `mime`, `clock`
//! and the settings (the sender, the reply address, the regimes).

use crate::casework::compose::compose_followup;
use crate::casework::consolidate::{self, Held};
use crate::clock::Clock;
use crate::config::Settings;
use crate::deadlines::{Deadline, Regime, ReviewLimit, ReviewOn};
use crate::domain::event::EventKind;
use crate::domain::{Body, Campaign, CampaignState, CaseStatus, Reference};
use crate::domain::{BodyId, CaseId};
use crate::standing;
use crate::store::{CaseTimeline, Store, TimelineFilter};
use anyhow::Context as _;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

pub use super::ladder::{Ladder, Mode, Step, Trigger, REVIEW_WINDOW};

/// The facts about one case that decide its chasers.
struct CaseFacts<'a> {
    status: CaseStatus,
    events: &'a [crate::domain::Event],
    deadline: &'a Deadline,
    regime: &'a Regime,
}

impl Step {
    /// The day this step fell due for the case, if it has by `today`. `early` (a person
    /// asked to chase now) waits only as long as the trigger needs to mean what it says:
    /// `after` becomes at most 1 working day after a due date (the first day overdue) and
    /// 0 after the date of receipt or a refusal.
    fn due_on(&self, f: &CaseFacts, today: NaiveDate, early: bool) -> Option<NaiveDate> {
        self.fires_on(f, today, early)
            .filter(|fires| today >= *fires)
    }

    /// The day this step falls (or fell) due for the case as it stands `today`, whether
    /// or not that day has come; `None` when its trigger does not apply.
    ///
    /// (One function: one arm per trigger, each reading the same facts; split, the
    /// triggers would be harder to compare with the README's table.)
    fn fires_on(&self, f: &CaseFacts, today: NaiveDate, early: bool) -> Option<NaiveDate> {
        use CaseStatus as S;
        let add = |d: NaiveDate, n: u32| f.regime.add_working_days(d, n).ok();
        let wait = |after: u32, least: u32| if early { after.min(least) } else { after };
        let open = f.status.is_open();
        let replied = f.events.iter().any(|e| e.kind.is_reply());
        let fires = match self.trigger {
            Trigger::NoAcknowledgement => {
                if f.status != S::AwaitingResponse || replied || !f.deadline.is_running() {
                    return None;
                }
                add(f.deadline.received(), wait(self.after, 0))?
            }
            Trigger::Overdue => {
                if !matches!(
                    f.status,
                    S::AwaitingResponse | S::Acknowledged | S::ClarificationRequested
                ) || !f.deadline.is_running()
                {
                    return None;
                }
                add(f.deadline.due()?, wait(self.after, 1))?
            }
            Trigger::InternalReview => {
                if f.deadline.review().is_some() {
                    return None;
                }
                let (anchor, after) = if matches!(f.status, S::Refused | S::PartiallySuccessful) {
                    let answered = f
                        .events
                        .iter()
                        .filter(|e| {
                            matches!(e.kind, EventKind::Refusal | EventKind::PartialResponse)
                        })
                        .map(|e| e.on)
                        .max()?;
                    (answered, wait(self.after_refusal, 0))
                } else if self.on == ReviewOn::Any
                    && open
                    && f.status != S::ComplaintToRegulator
                    && f.deadline.is_running()
                {
                    (f.deadline.due()?, wait(self.after, 1))
                } else {
                    return None;
                };
                if today > add(anchor, REVIEW_WINDOW)? {
                    return None;
                }
                add(anchor, after)?
            }
            Trigger::Complaint => {
                let review = f.deadline.review()?;
                if review.answered.is_some()
                    || !(open || matches!(f.status, S::Refused | S::PartiallySuccessful))
                    || f.status == S::ComplaintToRegulator
                {
                    return None;
                }
                let limit = match self.review_limit {
                    ReviewLimit::Latest => review.latest.unwrap_or(review.due),
                    ReviewLimit::Due => review.due,
                };
                add(limit, wait(self.after, 1))?
            }
            Trigger::ComplaintNoResponse => {
                if !matches!(
                    f.status,
                    S::AwaitingResponse | S::Acknowledged | S::ClarificationRequested
                ) || !f.deadline.is_running()
                    || f.deadline.review().is_some()
                {
                    return None;
                }
                add(f.deadline.due()?, wait(self.after, 1))?
            }
        };
        Some(fires)
    }
}

/// A case's next chaser step, as `foi case deadline --explain` tells it.
#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub step: String,
    pub trigger: &'static str,
    /// The day it falls due (today or earlier: the next sweep takes it).
    pub on: NaiveDate,
    /// What the trigger waits for, and the law or guidance behind the step.
    pub why: String,
}

impl Step {
    /// What this step waits for, in words.
    fn reason(&self) -> String {
        let days = |n: u32| crate::deadlines::Unit::WorkingDays.amount(n);
        match self.trigger {
            Trigger::NoAcknowledgement => {
                format!("{} after receipt, while nothing has come from the body", days(self.after))
            }
            Trigger::Overdue => format!("{} after the due date, while unanswered", days(self.after)),
            Trigger::InternalReview if self.on == ReviewOn::Refusal => format!(
                "{} after a refusal or partial answer",
                days(self.after_refusal)
            ),
            Trigger::InternalReview => format!(
                "{} after a refusal or partial answer, or {} after an unanswered due date",
                days(self.after_refusal),
                days(self.after)
            ),
            Trigger::Complaint => format!(
                "a draft for the regulator, {} after the internal review's {} date, while it is unanswered",
                days(self.after),
                match self.review_limit {
                    ReviewLimit::Latest => "latest",
                    ReviewLimit::Due => "due",
                }
            ),
            Trigger::ComplaintNoResponse => format!(
                "a draft for the regulator, {} after an unanswered due date, without an internal review",
                days(self.after)
            ),
        }
    }
}

/// The next step of the case's ladder: of the steps after the last one taken, the one the
/// next sweep would take if any is due, else the first to fall due, with its day and why.
/// `None` when the campaign has no ladder or no step applies to the case as it stands.
pub async fn next_step(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
    case: &CaseTimeline,
    deadline: &Deadline,
) -> anyhow::Result<Option<NextStep>> {
    let Some(campaign) = store.campaign_by_name(&case.campaign).await? else {
        return Ok(None);
    };
    let Some(regime) = settings.regimes.get(&case.regime) else {
        return Ok(None);
    };
    let ladder = Ladder::load_for(Path::new(&campaign.template_dir), &settings.regimes)
        .with_context(|| format!("campaign '{}'", campaign.name))?;
    let steps = ladder.steps_for(&case.regime);
    let taken = store.chaser_steps_taken(campaign.id).await?;
    let done = taken.get(&case.id).map(Vec::as_slice).unwrap_or_default();
    let after_taken = steps
        .iter()
        .rposition(|s| done.iter().any(|d| d == &s.name))
        .map_or(0, |i| i + 1);
    let today = clock.today_in(regime.time_zone());
    let facts = CaseFacts {
        status: case.status,
        events: &case.events,
        deadline,
        regime,
    };
    let dated: Vec<(&Step, NaiveDate)> = steps[after_taken..]
        .iter()
        .filter_map(|s| s.fires_on(&facts, today, false).map(|d| (s, d)))
        .collect();
    let chosen = dated
        .iter()
        .rev()
        .find(|(_, d)| *d <= today)
        .or_else(|| dated.iter().min_by_key(|(_, d)| *d));
    Ok(chosen.map(|(s, on)| NextStep {
        step: s.name.clone(),
        trigger: s.trigger.as_str(),
        on: *on,
        why: if s.basis.is_empty() {
            s.reason()
        } else {
            format!("{}; {}", s.reason(), s.basis)
        },
    }))
}

/// One step taken (or, in a dry run, that would be).
#[derive(Debug, Clone, Serialize)]
pub struct Taken {
    pub reference: Reference,
    pub campaign: String,
    pub step: String,
    pub mode: &'static str,
    /// `queued`, `pending` (awaiting approval) or `draft` (a complaint for a person).
    pub state: &'static str,
    pub due_on: NaiveDate,
    /// The other cases of the body in the same (consolidated) email, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
}

/// What a sweep did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SweepSummary {
    pub campaigns: usize,
    pub cases: usize,
    pub queued: usize,
    pub pending: usize,
    pub drafted: usize,
    /// Cases whose status became `internal_review` because a review chaser went out.
    pub reviews_opened: usize,
    /// Cases not chased because a reply on them waits for a person to read it.
    pub waiting_to_read: usize,
    /// Emails that each chase several cases of one body (`consolidate_chasers`).
    pub consolidated: usize,
    pub taken: Vec<Taken>,
    /// Problems that stopped one campaign or one case (the sweep goes on with the others).
    pub errors: Vec<String>,
}

/// The review steps of the ladder in a campaign folder (none when it has no valid
/// ladder): their deadlines count as an internal review's.
pub fn review_steps(campaign_dir: &std::path::Path) -> Vec<String> {
    Ladder::load(campaign_dir)
        .map(|l| l.review_step_names())
        .unwrap_or_default()
}

/// Find every due chaser step and take it: queue its email (`auto`), keep it for approval
/// (`approve`), or store the complaint draft.
pub async fn sweep(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
) -> anyhow::Result<SweepSummary> {
    sweep_with(store, settings, clock, false).await
}

/// [`sweep`], or with `dry_run` only say what it would take.
pub async fn sweep_with(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
    dry_run: bool,
) -> anyhow::Result<SweepSummary> {
    sweep_scoped(store, settings, clock, dry_run, None).await
}

/// A person asks to chase these cases now (the dashboard's Overdue page, `foi chasers
/// now`): each one's step is taken as by a sweep, without waiting for its day (see
/// [`Step::due_on`]'s `early`), and queued at once, also an `approve` step (the person
/// approves it by asking); a complaint is still only a draft. A case whose step (or a
/// later one) was taken already, whose trigger does not apply (answered, not yet overdue,
/// ...), or whose campaign is not launched is left as it is.
pub async fn chase_now(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
    case_ids: &[CaseId],
    dry_run: bool,
) -> anyhow::Result<SweepSummary> {
    let ids: std::collections::HashSet<CaseId> = case_ids.iter().copied().collect();
    sweep_scoped(store, settings, clock, dry_run, Some(&ids)).await
}

/// The sweep, of every open case or (`asked`) of these cases chased now by a person.
async fn sweep_scoped(
    store: &Store,
    settings: &Settings,
    clock: &dyn Clock,
    dry_run: bool,
    asked: Option<&std::collections::HashSet<CaseId>>,
) -> anyhow::Result<SweepSummary> {
    let mut summary = SweepSummary::default();
    let mut bodies: Option<HashMap<BodyId, Body>> = None;
    // Steps that may share one email with the body's other cases, taken after the loop.
    let mut held: Vec<Held> = Vec::new();
    for campaign in store.campaigns().await? {
        if campaign.state != CampaignState::Launched {
            continue;
        }
        let dir = Path::new(&campaign.template_dir);
        let loaded = Ladder::load_for(dir, &settings.regimes)
            .and_then(|l| Ok((l, consolidate::allowed(dir)?)));
        let (ladder, consolidate) = match loaded {
            Ok(l) => l,
            Err(e) => {
                summary
                    .errors
                    .push(format!("campaign '{}': {e:#}", campaign.name));
                continue;
            }
        };
        if ladder.is_empty() {
            continue;
        }
        summary.campaigns += 1;
        let bodies = match &bodies {
            Some(b) => b,
            None => bodies.insert(store.bodies_by_id().await?),
        };
        let filter = TimelineFilter {
            campaign_id: Some(campaign.id),
            statuses: Some(
                CaseStatus::ALL
                    .into_iter()
                    .filter(|s| {
                        s.is_open()
                            || matches!(s, CaseStatus::Refused | CaseStatus::PartiallySuccessful)
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        let mut cases = store.case_timelines(&filter).await?;
        // A body whose reply nobody has read yet is not chased: the reply may answer.
        let to_read = store.cases_with_reply_to_read(Some(campaign.id)).await?;
        if !to_read.is_empty() {
            let before = cases.len();
            cases.retain(|c| !to_read.contains(&c.id));
            summary.waiting_to_read += before - cases.len();
        }
        if let Some(asked) = asked {
            cases.retain(|c| asked.contains(&c.id));
            if cases.is_empty() {
                continue;
            }
        }
        let taken = store.chaser_steps_taken(campaign.id).await?;
        let first_ids = store.request_message_ids(campaign.id).await?;
        let ctx = SweepCtx {
            store,
            settings,
            clock,
            campaign: &campaign,
            ladder: &ladder,
            dry_run,
            asked: asked.is_some(),
            consolidate,
        };
        for case in &cases {
            summary.cases += 1;
            let seen = Seen {
                bodies,
                taken: &taken,
                first_ids: &first_ids,
            };
            ctx.sweep_case(case, &seen, &mut summary, &mut held).await?;
        }
    }
    take_held(store, settings, clock.now(), dry_run, held, &mut summary).await;
    Ok(summary)
}

/// The steps the sweep held because they may share an email: a body with one alone gets
/// its own email, a body with several one email for them all (see [`consolidate`]). A
/// problem with one body is noted in `summary` and the others go on.
async fn take_held(
    store: &Store,
    settings: &Settings,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
    held: Vec<Held>,
    summary: &mut SweepSummary,
) {
    for group in consolidate::by_body(held) {
        let stored = match (dry_run, group.as_slice()) {
            (true, _) => Ok(true),
            (false, [one]) => consolidate::store_one(store, settings, now, one).await,
            (false, _) => consolidate::store_group(store, settings, now, &group).await,
        };
        match stored {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                let refs: Vec<&str> = group.iter().map(|h| h.reference.as_str()).collect();
                let refs = refs.join(", ");
                summary.errors.push(format!("case(s) {refs}: {e:#}"));
                continue;
            }
        }
        summary.consolidated += usize::from(group.len() > 1);
        summary.queued += group.len();
        summary.taken.extend(group.iter().map(|h| taken(h, &group)));
    }
}

/// What the sweep says it took for a held step, with the other cases of its email.
fn taken(h: &Held, group: &[Held]) -> Taken {
    Taken {
        reference: h.reference.clone(),
        campaign: h.campaign.clone(),
        step: h.step.clone(),
        mode: h.mode,
        state: h.state,
        due_on: h.due_on,
        with: group
            .iter()
            .filter(|o| o.case_id != h.case_id)
            .map(|o| o.reference.to_string())
            .collect(),
    }
}

/// What a sweep read once per campaign: the bodies, the steps each case has taken, each
/// case's request Message-ID (follow-ups reply to it).
struct Seen<'a> {
    bodies: &'a HashMap<BodyId, Body>,
    taken: &'a HashMap<CaseId, Vec<String>>,
    first_ids: &'a HashMap<CaseId, String>,
}

struct SweepCtx<'a> {
    store: &'a Store,
    settings: &'a Settings,
    clock: &'a dyn Clock,
    campaign: &'a Campaign,
    ladder: &'a Ladder,
    dry_run: bool,
    /// A person asked for these chasers now: an `approve` step is queued.
    asked: bool,
    /// The campaign lets its chasers share one email per body (`consolidate_chasers`).
    consolidate: bool,
}

impl SweepCtx<'_> {
    /// Take `case`'s due step, if any: the last due step of the ladder, unless it (or a
    /// later one) was taken. A problem with one case is noted in `summary` and the sweep
    /// goes on; a store failure stops it.
    async fn sweep_case(
        &self,
        case: &CaseTimeline,
        seen: &Seen<'_>,
        summary: &mut SweepSummary,
        held: &mut Vec<Held>,
    ) -> anyhow::Result<()> {
        let Some(regime) = self.settings.regimes.get(&case.regime) else {
            summary.errors.push(format!(
                "case {}: unknown regime '{}'",
                case.reference, case.regime
            ));
            return Ok(());
        };
        let review = |s: &str| self.ladder.is_review_step(s);
        let deadline = match standing::deadline(regime, &case.events, &review) {
            Ok(Some(d)) => d,
            Ok(None) => return Ok(()),
            Err(e) => {
                summary.errors.push(format!("case {}: {e}", case.reference));
                return Ok(());
            }
        };
        let today = self.clock.today_in(regime.time_zone());
        let status = self.review_opened(case, &deadline, summary).await?;
        let facts = CaseFacts {
            status,
            events: &case.events,
            deadline: &deadline,
            regime,
        };
        let steps = self.ladder.steps_for(&case.regime);
        let Some((index, due_on)) = steps
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, s)| s.due_on(&facts, today, self.asked).map(|d| (i, d)))
        else {
            return Ok(());
        };
        let done = seen
            .taken
            .get(&case.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if steps[index..]
            .iter()
            .any(|s| done.iter().any(|d| d == &s.name))
        {
            return Ok(());
        }
        let Some(body) = seen.bodies.get(&case.body_id) else {
            summary
                .errors
                .push(format!("case {}: its body is missing", case.reference));
            return Ok(());
        };
        let step = &steps[index];
        match self
            .take(
                case,
                body,
                step,
                &deadline,
                due_on,
                seen.first_ids.get(&case.id),
                held,
            )
            .await
        {
            Ok(Some(t)) => {
                match t.state {
                    "queued" => summary.queued += 1,
                    "pending" => summary.pending += 1,
                    _ => summary.drafted += 1,
                }
                summary.taken.push(t);
            }
            Ok(None) => {}
            Err(e) => summary
                .errors
                .push(format!("case {} step {}: {e:#}", case.reference, step.name)),
        }
        Ok(())
    }

    /// The case's status, with an opened internal review seen: an internal-review chaser
    /// that went out opened the review, and the case's status says so from the next sweep
    /// on (the sender records only the sent event).
    async fn review_opened(
        &self,
        case: &CaseTimeline,
        deadline: &Deadline,
        summary: &mut SweepSummary,
    ) -> anyhow::Result<CaseStatus> {
        let review_pending = deadline.review().is_some_and(|r| r.answered.is_none());
        let opens = matches!(
            case.status,
            CaseStatus::AwaitingResponse
                | CaseStatus::Acknowledged
                | CaseStatus::Refused
                | CaseStatus::PartiallySuccessful
        );
        if !(review_pending && opens) {
            return Ok(case.status);
        }
        if !self.dry_run
            && self
                .store
                .set_case_status(case.id, case.status, CaseStatus::InternalReview)
                .await?
        {
            summary.reviews_opened += 1;
        }
        Ok(CaseStatus::InternalReview)
    }

    /// Compose the step's email and take it (see [`consolidate::store_one`]), or, when it
    /// may share one email with the body's other cases, hold it in `held` for the end of
    /// the sweep.
    #[allow(clippy::too_many_arguments)]
    async fn take(
        &self,
        case: &CaseTimeline,
        body: &Body,
        step: &Step,
        deadline: &Deadline,
        due_on: NaiveDate,
        first_id: Option<&String>,
        held: &mut Vec<Held>,
    ) -> anyhow::Result<Option<Taken>> {
        let reference = &case.reference;
        let reply = self.settings.reply.address(&case.token);
        let review = |s: &str| self.ladder.is_review_step(s);
        let answer = standing::derive(case.status, &case.events, &review).answer;
        let draft = compose_followup(
            self.settings,
            self.campaign,
            &self.ladder.campaign_fields,
            &step.renderer,
            body,
            reference,
            &reply,
            Some(deadline),
            answer.as_ref(),
            self.clock.today_in(self.settings.timezone),
        )
        .map_err(|f| anyhow::anyhow!("{f}"))?;
        let complaint = step.trigger.is_complaint();
        let state = match (complaint, step.mode) {
            (true, _) => "draft",
            (false, Mode::Auto) => "queued",
            (false, Mode::Approve) if self.asked => "queued",
            (false, Mode::Approve) => "pending",
        };
        let h = Held {
            case_id: case.id,
            body_id: case.body_id,
            reference: case.reference.clone(),
            campaign: self.campaign.name.clone(),
            step: step.name.clone(),
            trigger: step.trigger.as_str(),
            mode: step.mode.as_str(),
            state,
            due_on,
            draft,
            thread: first_id.cloned(),
            reply,
            sent: deadline.received(),
            due: deadline.due(),
        };
        if self.consolidate && h.may_share() {
            held.push(h);
            return Ok(None);
        }
        if self.dry_run {
            return Ok(Some(taken(&h, &[])));
        }
        let added = consolidate::store_one(self.store, self.settings, self.clock.now(), &h).await?;
        Ok(added.then(|| taken(&h, &[])))
    }
}

pub use crate::casework::approval::approve;
pub use crate::casework::mime::thread_to;

/// A reply arrived on the case: cancel its chasers awaiting approval and those still
/// queued in the outbox. Returns how many were cancelled. Ingestion calls this when it
/// matches a reply to a case; `foi case event` calls it for reply events.
pub async fn cancel_pending_for_case(store: &Store, case_id: CaseId) -> anyhow::Result<u64> {
    Ok(store.cancel_pending_chasers(case_id, None).await?)
}
