//! The whole-campaign check, at create, preview and launch: every case's request renders,
//! and so does every chaser step of the campaign's ladder for every case (with the dates
//! a request received today would have), or nothing is launched. A ladder that cannot be
//! read (a missing template folder, a bad `[[chasers]]` table) fails the check too: the
//! error comes now, not at the first sweep weeks later.
//!
//! Sees `compose` (the request), `chasers` (the ladder), `store` and the settings.

use crate::casework::chasers::Ladder;
use crate::casework::compose::{Composer, Draft};
use crate::config::Settings;
use crate::domain::BodyId;
use crate::domain::{Body, Campaign, Case};
use crate::store::{CaseFilter, Store};
use crate::templates::RenderFailure;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The result of checking every case of a campaign: how many were checked, each failure
/// (a case's request or one of its chaser steps), and a ladder that cannot be used.
pub struct CheckReport {
    pub digest: String,
    pub checked: usize,
    pub failures: Vec<(Case, String, RenderFailure)>,
    /// Why the campaign's chaser ladder cannot be used, if it cannot.
    pub ladder: Option<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.ladder.is_none()
    }

    /// What failed, in one sentence (empty when it passed).
    pub fn summary(&self) -> String {
        if let Some(e) = &self.ladder {
            return format!("the chaser ladder cannot be used: {e}");
        }
        let cases: BTreeSet<_> = self.failures.iter().map(|(c, _, _)| c.id).collect();
        format!(
            "{} of {} cases do not render (their request or a chaser step)",
            cases.len(),
            self.checked
        )
    }
}

/// Render every case of a campaign (or only `only`), handing each request's draft to
/// `visit` as it is made (so 10,000 drafts are never held at once), render every chaser
/// step for each case, and record whether all passed.
pub async fn check_campaign(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    today: chrono::NaiveDate,
    only: Option<&crate::domain::Reference>,
    visit: &mut (dyn FnMut(&Case, &Body, &Draft) -> anyhow::Result<()> + Send),
) -> anyhow::Result<CheckReport> {
    let dir = Path::new(&campaign.template_dir);
    let composer = Composer::new(settings, campaign, dir, today)?;
    let (ladder, ladder_error) = match Ladder::load_for(dir, &settings.regimes) {
        Ok(l) => (Some(l), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let filter = CaseFilter {
        campaign_id: Some(campaign.id),
        reference: only.cloned(),
        ..Default::default()
    };
    let cases = store.cases(&filter).await?;
    let bodies: HashMap<BodyId, Body> = store.bodies_by_id().await?;
    let mut report = CheckReport {
        digest: composer.set.digest(),
        checked: 0,
        failures: Vec::new(),
        ladder: ladder_error,
    };
    for case in cases {
        let Some(body) = bodies.get(&case.body_id) else {
            anyhow::bail!("case {} has no body in the database", case.reference);
        };
        report.checked += 1;
        match composer.compose(&case, body) {
            Ok(draft) => visit(&case, body, &draft)?,
            Err(f) => report.failures.push((case.clone(), body.name.clone(), f)),
        }
        if let Some(l) = &ladder {
            let regime = settings.regimes.get(&case.regime);
            for f in l.check_case(settings, campaign, regime, &case, body, today) {
                report.failures.push((case.clone(), body.name.clone(), f));
            }
        }
    }
    if only.is_none() {
        let digest = report.passed().then_some(report.digest.as_str());
        store.set_checked_digest(campaign.id, digest).await?;
    }
    Ok(report)
}
