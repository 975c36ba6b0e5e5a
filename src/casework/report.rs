//! Reporting on a campaign: its rows read in bulk and tallied (`report::tally`), what
//! `foi report` and the dashboard's Report and Campaigns pages show. Sees `store`,
//! `report`, `answers` (the questions), `chasers` (which steps request an internal review)
//! and `deadlines`.

use crate::casework::chasers::Ladder;
use crate::deadlines::Regimes;
use crate::domain::Campaign;
use crate::report::{tally, GroupBy, Input, Report};
use crate::store::{Store, TimelineFilter};
use chrono::{DateTime, Utc};
use std::path::Path;

/// The report of `campaign` as of `now`.
pub async fn campaign_report(
    store: &Store,
    regimes: &Regimes,
    campaign: &Campaign,
    by: Option<GroupBy>,
    now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    let dir = Path::new(&campaign.template_dir);
    let questions = crate::casework::answers::campaign_questions(campaign)?;
    // A bad ladder counts as none here, as in `foi overdue` (the chaser sweep reports it).
    let ladder = Ladder::load(dir).ok();
    let is_review_step = |s: &str| ladder.as_ref().is_some_and(|l| l.is_review_step(s));
    let timelines = store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let groupings = store.case_groupings(campaign.id).await?;
    let answers = store.confirmed_answers(campaign.id).await?;
    let refusals = store.refusal_texts(campaign.id).await?;
    let unknown: std::collections::BTreeSet<&str> = answers
        .iter()
        .map(|a| a.question.as_str())
        .filter(|k| questions.get(k).is_none())
        .collect();
    for k in unknown {
        tracing::warn!("answers to '{k}' are not counted: campaign.toml declares no such question");
    }
    tally(&Input {
        campaign: &campaign.name,
        timelines: &timelines,
        groupings: &groupings,
        answers: &answers,
        refusals: &refusals,
        questions: &questions,
        regimes,
        is_review_step: &is_review_step,
        now,
        by,
    })
}
