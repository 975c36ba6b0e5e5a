//! `foi campaign launch NAME [--pilot N [--select EXPR]...] [--at TIME] [--dry-run]`.

use crate::casework::launch::{launch, Launch};
use crate::casework::pilot::{launch_pilot, PilotLaunch};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct LaunchCommand {
    pub name: String,
    /// Send no earlier than this: "2026-03-02 09:00" (config time zone) or RFC 3339.
    #[arg(long)]
    pub at: Option<String>,
    /// A pilot: queue only this many cases (a spread across the bodies' tags) and hold the
    /// rest until `foi campaign release NAME`.
    #[arg(long, value_name = "N")]
    pub pilot: Option<usize>,
    /// With --pilot: choose the pilot among the bodies this picks (same expressions as
    /// `campaign create --select`; repeat for alternatives).
    #[arg(long = "select", requires = "pilot", value_name = "EXPR")]
    pub select: Vec<String>,
    /// Check and count, queue nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Parse `--at`: RFC 3339, or `YYYY-MM-DD HH:MM` in the configured time zone.
pub(super) fn parse_at(s: &str, tz: chrono_tz::Tz) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M").with_context(|| {
        format!("'{s}' is not a time: use \"2026-03-02 09:00\" (local) or RFC 3339")
    })?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{s} does not exist in {tz} (a clock change)"))
}

impl LaunchCommand {
    /// Check every case, then queue one email per case in one transaction.
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        let campaign = app.store.require_campaign(name).await?;
        let now = app.clock.now();
        let not_before = match &self.at {
            Some(s) => parse_at(s, app.settings.timezone)?,
            None => now,
        };
        if let Some(size) = self.pilot {
            return self.pilot(app, out, size, not_before).await;
        }
        let launched = launch(
            &app.store,
            &app.settings,
            &campaign,
            not_before,
            now,
            app.today(),
            self.dry_run,
        )
        .await?;
        match launched {
            Launch::NotRendered(report) => {
                super::preview::print_failures(&report);
                bail!(
                    "not launched: {}; fix the templates (or the bodies' data) first; nothing was queued",
                    report.summary()
                );
            }
            Launch::WouldQueue(n) => writeln!(
                out,
                "dry run: every case renders; would queue {n} emails; nothing was changed"
            )?,
            Launch::Queued(n) => writeln!(
                out,
                "launched '{name}': {n} emails queued{}; `foi send` or `foi run` delivers them",
                if not_before > now {
                    format!(" for {}", not_before.format("%Y-%m-%d %H:%M UTC"))
                } else {
                    String::new()
                }
            )?,
        }
        Ok(())
    }

    async fn pilot(
        &self,
        app: &App,
        out: &mut Printer,
        size: usize,
        not_before: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let name = &self.name;
        let campaign = app.store.require_campaign(name).await?;
        let now = app.clock.now();
        let launched = launch_pilot(
            &app.store,
            &app.settings,
            &campaign,
            size,
            &self.select,
            not_before,
            now,
            app.today(),
            self.dry_run,
        )
        .await?;
        match launched {
            PilotLaunch::NotRendered(report) => {
                super::preview::print_failures(&report);
                bail!(
                    "not launched: {}; fix the templates (or the bodies' data) first; nothing was queued",
                    report.summary()
                );
            }
            PilotLaunch::Queued {
                pilot,
                held,
                dry_run,
            } => {
                let refs: Vec<&str> = pilot.iter().map(Reference::as_str).collect();
                if dry_run {
                    writeln!(
                        out,
                        "dry run: every case renders; the pilot would queue {} emails ({}) and hold {held}; nothing was changed",
                        pilot.len(),
                        refs.join(", ")
                    )?;
                } else {
                    writeln!(
                        out,
                        "launched a pilot of '{name}': {} emails queued ({}), {held} cases held; \
                         read the replies and bounces, then `foi campaign release {name}` queues the rest",
                        pilot.len(),
                        refs.join(", ")
                    )?;
                }
            }
        }
        Ok(())
    }
}
