//! `foi campaign release NAME [--at TIME] [--dry-run]`.

use crate::casework::pilot::{release, Release};
use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ReleaseCommand {
    pub name: String,
    /// Send no earlier than this: "2026-03-02 09:00" (config time zone) or RFC 3339.
    #[arg(long)]
    pub at: Option<String>,
    /// Check and count, queue nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ReleaseCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        let campaign = app.store.require_campaign(name).await?;
        let now = app.clock.now();
        let not_before = match &self.at {
            Some(s) => super::launch::parse_at(s, app.settings.timezone)?,
            None => now,
        };
        let released = release(
            &app.store,
            &app.settings,
            &campaign,
            not_before,
            now,
            app.today(),
            self.dry_run,
        )
        .await?;
        let changed_note =
            "the templates changed since the pilot, so every case was checked again \
                            (the pilot's cases were sent the earlier text)";
        match released {
            Release::NotRendered { report, changed } => {
                super::preview::print_failures(&report);
                if changed {
                    eprintln!("note: {changed_note}");
                }
                bail!(
                    "not released: {}; fix the templates (or the bodies' data) first; nothing was queued",
                    report.summary()
                );
            }
            Release::Queued {
                queued,
                changed,
                dry_run,
            } => {
                if changed {
                    writeln!(out, "{changed_note}")?;
                } else {
                    writeln!(out, "the templates are the pilot's: the held cases render")?;
                }
                if dry_run {
                    writeln!(
                        out,
                        "dry run: would queue the {queued} held emails; nothing was changed"
                    )?;
                } else {
                    writeln!(
                        out,
                        "released '{name}': {queued} emails queued; `foi send` or `foi run` delivers them"
                    )?;
                }
            }
        }
        Ok(())
    }
}
