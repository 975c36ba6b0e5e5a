//! `foi report NAME`: a campaign's figures, and for each question the counts and
//! percentages per group with their base, as text, CSV, JSON or one self-contained HTML
//! file. The tally is `crate::report`; this reads the rows in bulk and writes the output.

use super::App;
use crate::report::{self, GroupBy};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

/// `foi report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The campaign.
    pub name: String,
    /// Also give the figures per group: per body tag (a body with several tags counts in
    /// each of its tags), per region or per regime. Without it, one group: all.
    #[arg(long, value_name = "GROUP", value_parser = ["tag", "region", "regime"])]
    pub by: Option<String>,
    /// text (tables for people), csv (tidy: one row per group x measure x value), json
    /// (schema foi-report/1) or html (one self-contained file with charts).
    #[arg(long, default_value = "text", value_parser = ["text", "csv", "json", "html"])]
    pub format: String,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `foi report NAME ...`
pub async fn run(app: &App, args: ReportArgs) -> anyhow::Result<()> {
    let campaign = app.store.require_campaign(&args.name).await?;
    let r = crate::casework::report::campaign_report(
        &app.store,
        &app.regimes()?,
        &campaign,
        args.by.as_deref().and_then(GroupBy::parse),
        app.clock.now(),
    )
    .await?;
    let cases = r.groups.first().map_or(0, |g| g.cases);
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
                cases,
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
