//! A pilot launch: `foi campaign launch NAME --pilot N [--select EXPR]` checks every case
//! as a launch does, queues N of them (a spread across tags, or the selection's) and holds
//! the rest as drafts, recording the digest of the templates; `foi campaign release NAME`
//! queues the held cases after the first replies and bounces were read. When the
//! templates are the ones the pilot went with, the held cases are rendered (they must
//! be, to be built); when they changed, every case is checked again as at launch.
//!
//! Sees `check`, `compose`, `launch` (building the emails), `store` and the settings.

use crate::casework::check::CheckReport;
use crate::casework::compose::Composer;
use crate::casework::launch::{check_and_build, request_item};
use crate::config::Settings;
use crate::domain::{
    pick_pilot, Campaign, CampaignState, CaseId, CaseStatus, Reference, Selection,
};
use crate::store::{CaseFilter, NewOutboxItem, NewPilot, Store};
use anyhow::bail;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;
use std::path::Path;

/// What a pilot launch did (or, on a dry run, would do).
pub enum PilotLaunch {
    /// The pilot's cases were queued (`dry_run`: would be); `held` cases wait.
    Queued {
        pilot: Vec<Reference>,
        held: usize,
        dry_run: bool,
    },
    /// Some cases do not render: nothing was queued.
    NotRendered(CheckReport),
}

/// Launch a draft campaign as a pilot of `size` cases, chosen among the cases whose body
/// `select` picks (all when empty), spread across the bodies' tags.
#[allow(clippy::too_many_arguments)]
pub async fn launch_pilot(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    size: usize,
    select: &[String],
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
    today: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<PilotLaunch> {
    if campaign.state != CampaignState::Draft {
        bail!(
            "campaign '{}' is {} already: only a draft can be launched",
            campaign.name,
            campaign.state
        );
    }
    if size == 0 {
        bail!("--pilot 0 sends nothing: give the number of cases to send first, e.g. --pilot 10");
    }
    let (chosen, total) = choose(store, campaign, size, select).await?;
    let mut pilot = Vec::new();
    // The whole campaign is checked, as at a launch: the held cases too.
    let (report, items) = check_and_build(store, settings, campaign, today, not_before, |case| {
        let chosen = chosen.contains(&case.id);
        if chosen {
            pilot.push(case.reference.clone());
        }
        chosen
    })
    .await?;
    if !report.passed() {
        return Ok(PilotLaunch::NotRendered(report));
    }
    let held = total - items.len();
    if !dry_run {
        let record = NewPilot {
            selection: select.to_vec(),
            template_digest: report.digest.clone(),
        };
        store
            .launch_pilot(campaign.id, &record, &items, now)
            .await?;
    }
    Ok(PilotLaunch::Queued {
        pilot,
        held,
        dry_run,
    })
}

/// The pilot's cases (a spread across tags among those `select` picks) and the number of
/// cases in the campaign.
async fn choose(
    store: &Store,
    campaign: &Campaign,
    size: usize,
    select: &[String],
) -> anyhow::Result<(HashSet<CaseId>, usize)> {
    let cases = store
        .cases(&CaseFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    if size >= cases.len() {
        bail!(
            "a pilot of {size} is the whole campaign ({} cases): launch it without --pilot, or ask for fewer",
            cases.len()
        );
    }
    let bodies = store.bodies_by_id().await?;
    let selection = if select.is_empty() {
        None
    } else {
        Some(Selection::parse(select, &|path| {
            std::fs::read_to_string(path).map_err(|e| e.to_string())
        })?)
    };
    let candidates: Vec<_> = cases
        .iter()
        .filter_map(|c| {
            let body = bodies.get(&c.body_id)?;
            let wanted = selection.as_ref().is_none_or(|s| s.matches(body));
            wanted.then_some((c.id, &body.tags[..]))
        })
        .collect();
    if candidates.is_empty() {
        bail!(
            "no case of '{}' matches --select {}: check the expressions (`foi cases list --campaign {}`)",
            campaign.name,
            select.join(" --select "),
            campaign.name
        );
    }
    Ok((
        pick_pilot(&candidates, size).into_iter().collect(),
        cases.len(),
    ))
}

/// What a release did (or, on a dry run, would do).
pub enum Release {
    /// The held cases were queued (`dry_run`: would be). `changed`: the templates
    /// differ from the pilot's, so every case was checked again.
    Queued {
        queued: usize,
        changed: bool,
        dry_run: bool,
    },
    /// Some cases do not render: nothing was queued.
    NotRendered { report: CheckReport, changed: bool },
}

/// Queue the cases a pilot held back, after checking the templates did not change since
/// the pilot (or checking every case again if they did).
pub async fn release(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
    today: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<Release> {
    let name = &campaign.name;
    let Some(pilot) = store.pilot(campaign.id).await? else {
        bail!("campaign '{name}' was not launched as a pilot: there is nothing to release");
    };
    if let Some(at) = pilot.released_at {
        bail!(
            "the pilot of '{name}' was released on {} already: nothing more to queue",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    if campaign.state == CampaignState::Cancelled {
        bail!("campaign '{name}' is cancelled: its held cases cannot be released");
    }
    let dir = Path::new(&campaign.template_dir);
    let composer = Composer::new(settings, campaign, dir, today)?;
    let digest = composer.set.digest();
    let changed = digest != pilot.template_digest;
    let (report, items) = if changed {
        check_and_build(store, settings, campaign, today, not_before, |case| {
            case.status == CaseStatus::Draft
        })
        .await?
    } else {
        render_held(store, settings, campaign, &composer, not_before).await?
    };
    if !report.passed() {
        return Ok(Release::NotRendered { report, changed });
    }
    let queued = items.len();
    if !dry_run {
        store
            .release_pilot(campaign.id, &items, &digest, now)
            .await?;
    }
    Ok(Release::Queued {
        queued,
        changed,
        dry_run,
    })
}

/// Render the held cases of `campaign` with `composer` (the pilot's templates), building
/// each one's request; the report holds those that do not render.
async fn render_held(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    composer: &Composer<'_>,
    not_before: DateTime<Utc>,
) -> anyhow::Result<(CheckReport, Vec<NewOutboxItem>)> {
    let sender_domain = settings.sender.domain()?;
    let mut items = Vec::new();
    let digest = composer.set.digest();
    let held = store
        .cases(&CaseFilter {
            campaign_id: Some(campaign.id),
            status: Some(CaseStatus::Draft),
            ..Default::default()
        })
        .await?;
    let bodies = store.bodies_by_id().await?;
    let mut report = CheckReport {
        digest: digest.clone(),
        checked: 0,
        failures: Vec::new(),
        ladder: None,
    };
    for case in held {
        let Some(body) = bodies.get(&case.body_id) else {
            bail!("case {} has no body in the database", case.reference);
        };
        report.checked += 1;
        match composer.compose(&case, body) {
            Ok(draft) => items.push(request_item(
                settings,
                &sender_domain,
                &case,
                &draft,
                not_before,
            )?),
            Err(f) => report.failures.push((case.clone(), body.name.clone(), f)),
        }
    }
    Ok((report, items))
}
