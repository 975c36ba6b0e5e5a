//! `foi export cases NAME --csv`, `foi export evidence REF --out DIR`.

use super::App;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One CSV row per case of a campaign: reference, campaign, body (key, name, email,
    /// tags, region), regime, status, assignee, sent_on, due_on, answered_on, days_overdue
    /// (working days, open cases), then one column per question with the confirmed answer.
    /// The file can be edited and fed back to `foi answers import`.
    Cases {
        /// The campaign's name.
        name: String,
        /// Write CSV (the only format for now).
        #[arg(long, required = true)]
        csv: bool,
        /// Write to this file instead of stdout (an existing file is replaced).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Everything about one case for a complaint to the regulator, in a folder: each email
    /// as NNN-<direction>-<date>.eml (the exact bytes sent or received), its attachments
    /// (NNN-<name>, names made safe), and timeline.txt (events, emails and the deadline
    /// counted day by day).
    Evidence {
        /// The case reference, e.g. CCTV24-0042.
        reference: String,
        /// The folder to write (created if missing; must be empty unless --force).
        #[arg(long)]
        out: PathBuf,
        /// Write into a folder that holds files already (files of the same name are
        /// replaced).
        #[arg(long)]
        force: bool,
    },
}

pub async fn run(app: &App, cmd: ExportCommand) -> anyhow::Result<()> {
    match cmd {
        ExportCommand::Cases { name, csv: _, out } => {
            let campaign = app.store.require_campaign(&name).await?;
            let questions = crate::casework::answers::campaign_questions(&campaign)?;
            let regimes = app.regimes()?;
            let rows = crate::casework::export::case_rows(
                &app.store,
                &regimes,
                app.clock.as_ref(),
                &campaign,
            )
            .await?;
            match out {
                Some(path) => {
                    // Write beside, then rename: a failed export leaves no half file.
                    let tmp = path.with_extension("csv.part");
                    let file = std::fs::File::create(&tmp)
                        .with_context(|| format!("cannot write {}", tmp.display()))?;
                    crate::casework::export::write_cases_csv(
                        std::io::BufWriter::new(file),
                        &rows,
                        &questions,
                    )?;
                    std::fs::rename(&tmp, &path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("wrote {} cases to {}", rows.len(), path.display());
                }
                None => crate::casework::export::write_cases_csv(
                    std::io::stdout().lock(),
                    &rows,
                    &questions,
                )?,
            }
            Ok(())
        }
        ExportCommand::Evidence {
            reference,
            out,
            force,
        } => {
            let case = app.store.require_case(&reference).await?;
            if out.exists() && !out.is_dir() {
                bail!("{} is a file: --out needs a folder", out.display());
            }
            if crate::casework::export::is_non_empty_dir(&out) && !force {
                bail!(
                    "{} is not empty: choose a new folder, or add --force to write into it",
                    out.display()
                );
            }
            let regimes = app.regimes()?;
            let s = crate::casework::export::write_evidence(
                &app.store,
                &regimes,
                app.clock.as_ref(),
                &case,
                &out,
            )
            .await?;
            println!(
                "wrote {} emails, {} attachments and timeline.txt for {} to {}",
                s.emails,
                s.attachments,
                case.reference,
                out.display()
            );
            Ok(())
        }
    }
}
