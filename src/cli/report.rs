//! `foi report NAME`: a campaign's figures, and for each question the counts and
//! percentages per group with their base, as text, CSV, JSON or one self-contained HTML
//! file. The tally is `crate::report`; `casework::report` reads the rows in bulk.

use super::{App, Printer};
use crate::report::{self, GroupBy};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportCommand {
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
    /// Instead of the report, compare its groups (with --by) pair by pair: each yes/no
    /// question's "yes" and each choice's options, the difference of the shares with its
    /// 95% interval, and whether it is within noise (text, or --format json or csv).
    #[arg(long, requires = "by")]
    pub compare: bool,
}

impl ReportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign = app.store.require_campaign(&self.name).await?;
        let r = crate::casework::report::campaign_report(
            &app.store,
            app.regimes(),
            &campaign,
            self.by.as_deref().and_then(GroupBy::parse),
            app.clock.now(),
        )
        .await?;
        if self.compare {
            return print_comparisons(&report::compare::comparisons(&r), &self.format, out);
        }
        let cases = r.groups.first().map_or(0, |g| g.cases);
        let text = match self.format.as_str() {
            "csv" => report::csv::render(&r, out.csv_cells())?,
            "json" => report::json::render(&r)?,
            "html" => report::html::render(&r),
            _ => report::text::render(&r),
        };
        match &self.out {
            Some(path) => {
                std::fs::write(path, &text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!(
                    "wrote the {} report on {} ({} cases) to {}",
                    self.format,
                    campaign.name,
                    cases,
                    path.display()
                );
            }
            None => out.write_all(text.as_bytes())?,
        }
        Ok(())
    }
}

/// The comparisons as a table, JSON or CSV.
fn print_comparisons(
    rows: &[report::compare::Comparison],
    format: &str,
    out: &mut Printer,
) -> anyhow::Result<()> {
    if format == "json" {
        return Ok(out.json(rows)?);
    }
    let mut t = super::Table::new(vec![
        "question",
        "answer",
        "group a",
        "share a",
        "group b",
        "share b",
        "difference",
        "95% interval",
        "reading",
    ]);
    let share = |k: usize, n: usize| {
        let p = report::percent(k, n)
            .map(report::percent_text)
            .unwrap_or_default();
        format!("{k} of {n} ({p})")
    };
    for c in rows {
        let d = &c.difference;
        t.push(vec![
            c.question.clone(),
            c.value.clone(),
            c.a.clone(),
            share(c.a_count, c.a_base),
            c.b.clone(),
            share(c.b_count, c.b_base),
            format!("{:+.1} points", d.difference * 100.0),
            format!(
                "{:+.1} to {:+.1}",
                d.interval.low * 100.0,
                d.interval.high * 100.0
            ),
            if d.within_noise {
                "within noise"
            } else {
                "a difference"
            }
            .to_string(),
        ]);
    }
    if format == "csv" {
        return Ok(out.csv(&t.headers, &t.rows)?);
    }
    Ok(out.table(&t)?)
}
