//! `foi campaign preview NAME [--case REF | --all --out DIR]`.

use crate::casework::check::{check_campaign, CheckReport};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PreviewCommand {
    pub name: String,
    /// Show this case's email (default: the first case).
    #[arg(long, conflicts_with = "all", value_parser = crate::cli::args::reference)]
    pub case: Option<Reference>,
    /// Write every case's email into --out DIR (one REFERENCE.txt each, .html too).
    #[arg(long, requires = "out")]
    pub all: bool,
    /// The folder for --all.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Each case that does not render, on stderr: its reference, body and why.
pub fn print_failures(report: &CheckReport) {
    if let Some(e) = &report.ladder {
        eprintln!("chaser ladder: {e}");
    }
    for (case, name, f) in &report.failures {
        eprintln!("{} {name}: {f}", case.reference);
    }
}

impl PreviewCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        let campaign = app.store.require_campaign(name).await?;
        if let Some(r) = &self.case {
            let found = app.store.require_case(r).await?;
            if found.campaign != campaign.name {
                bail!(
                    "case {r} belongs to campaign '{}', not '{name}'",
                    found.campaign
                );
            }
        }
        let wanted = self.case.as_ref().map(Reference::as_str);
        let dir = self.out.filter(|_| self.all);
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut shown = false;
        let mut written = 0;
        let report = check_campaign(
            &app.store,
            &app.settings,
            &campaign,
            app.today(),
            None,
            &mut |c, _, d| {
                if let Some(dir) = &dir {
                    std::fs::write(dir.join(format!("{}.txt", c.reference)), d.preview_text())?;
                    if let Some(html) = &d.rendered.html {
                        std::fs::write(dir.join(format!("{}.html", c.reference)), html)?;
                    }
                    written += 1;
                } else if !shown && wanted.is_none_or(|w| c.reference.as_str() == w) {
                    shown = true;
                    writeln!(out, "# {} — {}", c.reference, c.body_name)?;
                    write!(out, "{}", d.preview_text())?;
                    if let Some(html) = &d.rendered.html {
                        writeln!(out, "\n# HTML part\n{html}")?;
                    }
                }
                Ok(())
            },
        )
        .await?;
        if let Some(dir) = &dir {
            writeln!(out, "wrote {written} previews to {}", dir.display())?;
        } else if !shown {
            match report
                .failures
                .iter()
                .find(|(c, _, _)| wanted.is_none_or(|w| c.reference.as_str() == w))
            {
                Some((c, name, f)) => {
                    writeln!(out, "# {} — {name}: cannot render: {f}", c.reference)?
                }
                None => writeln!(out, "the campaign has no cases")?,
            }
        }
        if report.passed() {
            eprintln!("checked {} cases: every case renders", report.checked);
            return Ok(());
        }
        print_failures(&report);
        bail!(
            "{}: fix the templates (or the bodies' data) and preview again; \
             the campaign cannot be launched until every case renders",
            report.summary()
        )
    }
}
