//! `foi campaign message NAME --template DIR --select EXPR... [--dry-run]`.

use crate::casework::messages::{send_campaign_message, Outcome};
use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct MessageCommand {
    pub name: String,
    /// Folder with subject.hbs and body.txt.hbs (they also see case.sent_date and
    /// case.due_date).
    #[arg(long)]
    pub template: PathBuf,
    /// Which cases: `status:S` (e.g. status:clarification_requested) and the body terms
    /// of `campaign create` (`tag:T`, `region:R` ...); comma-separated terms must all
    /// match; repeat --select for alternatives; `!` negates a term.
    #[arg(long = "select", required = true)]
    pub select: Vec<String>,
    /// Check and preview, queue nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl MessageCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        let campaign = app.store.require_campaign(name).await?;
        let done = send_campaign_message(
            &app.store,
            &app.settings,
            app.regimes(),
            &campaign,
            &self.template,
            &self.select,
            self.dry_run,
            app.clock.now(),
            app.today(),
        )
        .await?;
        if let Some(p) = &done.preview {
            writeln!(out, "# {} — {}", p.reference, p.body_name)?;
            write!(out, "{}", p.draft.preview_text())?;
            writeln!(out)?;
        }
        if done.unsent > 0 {
            eprintln!(
                "note: {} selected case(s) have no sent request yet and are left out",
                done.unsent
            );
        }
        match done.outcome {
            Outcome::NotRendered(failures) => {
                for (r, name, f) in &failures {
                    eprintln!("{r} {name}: {f}");
                }
                bail!(
                    "not queued: {} of {} selected cases do not render; fix the template (or the bodies' data) first; nothing was queued",
                    failures.len(),
                    failures.len() + done.rendered
                );
            }
            Outcome::NoneSelected => bail!(
                "no sent case of campaign '{name}' matches {}: check `foi cases list --campaign {name}`",
                self.select.join(" ")
            ),
            Outcome::WouldQueue(n) => writeln!(
                out,
                "dry run: every selected case renders; would queue {n} emails; nothing was changed"
            )?,
            Outcome::Queued(n) => writeln!(
                out,
                "queued {n} messages for campaign '{name}'; `foi send` or `foi run` delivers them"
            )?,
        }
        Ok(())
    }
}
