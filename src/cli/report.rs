//! `foi report NAME`: a campaign's figures, and for each question the counts and
//! percentages per group with their base, as text, CSV, JSON or one self-contained HTML
//! file. The tally is `crate::report`; this reads the rows in bulk and writes the output.

use super::App;
use crate::chasers::Ladder;
use crate::report::{self, GroupBy, Input};
use crate::store::TimelineFilter;
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};

/// `foi report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The campaign.
    pub name: String,
    /// Also give the figures per group: per body tag (a body with several tags counts in
    /// each of its tags), per region or per regime. Without it, one group: all.
    #[arg(long, value_parser = ["tag", "region", "regime"])]
    pub by: Option<String>,
    /// text (tables for people), csv (tidy: one row per group x measure x value), json
    /// (schema foi-report/1) or html (one self-contained file with charts).
    #[arg(long, default_value = "text", value_parser = ["text", "csv", "json", "html"])]
    pub format: String,
    /// Write to FILE instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `foi report NAME ...`
pub async fn run(app: &App, args: ReportArgs) -> anyhow::Result<()> {
    let campaign = app.store.require_campaign(&args.name).await?;
    let dir = Path::new(&campaign.template_dir);
    let questions = crate::answers::campaign_questions(&campaign)?;
    // A bad ladder counts as none here, as in `foi overdue` (the chaser sweep reports it).
    let ladder = Ladder::load(dir).ok();
    let is_review_step = |s: &str| ladder.as_ref().is_some_and(|l| l.is_review_step(s));
    let timelines = app
        .store
        .case_timelines(&TimelineFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        })
        .await?;
    let groupings = app.store.case_groupings(campaign.id).await?;
    let answers = app.store.confirmed_answers(campaign.id).await?;
    let refusals = app.store.refusal_texts(campaign.id).await?;
    let unknown: std::collections::BTreeSet<&str> = answers
        .iter()
        .map(|a| a.question.as_str())
        .filter(|k| questions.get(k).is_none())
        .collect();
    for k in unknown {
        tracing::warn!("answers to '{k}' are not counted: campaign.toml declares no such question");
    }
    let regimes = app.regimes()?;
    let r = report::tally(&Input {
        campaign: &campaign.name,
        timelines: &timelines,
        groupings: &groupings,
        answers: &answers,
        refusals: &refusals,
        questions: &questions,
        regimes: &regimes,
        is_review_step: &is_review_step,
        now: app.clock.now(),
        by: args.by.as_deref().and_then(GroupBy::parse),
    })?;
    let text = match args.format.as_str() {
        "csv" => report::csv::render(&r)?,
        "json" => report::json::render(&r)?,
        "html" => report::html::render(&r),
        _ => report::text::render(&r),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote the {} report on {} ({} cases) to {}",
                args.format,
                campaign.name,
                timelines.len(),
                path.display()
            );
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
