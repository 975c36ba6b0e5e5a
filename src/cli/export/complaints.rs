//! `foi export complaints NAME [--overdue-since DATE] [--case REF] [--letter DIR] --out DIR`.

use crate::casework::complaints::{write_complaint_pack, PackRequest};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ComplaintsCommand {
    /// The campaign's name.
    pub name: String,
    /// Only cases overdue since this date (YYYY-MM-DD): a running clock whose due date
    /// had passed by then and is still unmet today.
    #[arg(long)]
    pub overdue_since: Option<String>,
    /// Only this case (whatever its clocks say).
    #[arg(long, value_parser = crate::cli::args::reference)]
    pub case: Option<Reference>,
    /// A folder with the letter's templates (subject.hbs, body.txt.hbs) instead of the
    /// campaign folder's complaint-letter/ or the built-in one.
    #[arg(long)]
    pub letter: Option<PathBuf>,
    /// The folder to write (created; it must be new or empty).
    #[arg(long)]
    pub out: PathBuf,
}

impl ComplaintsCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let req = PackRequest {
            campaign: self.name,
            overdue_since: self
                .overdue_since
                .map(|s| crate::cli::args::date(&s, "--overdue-since"))
                .transpose()?,
            case: self.case,
            letter: self.letter,
            out: self.out,
        };
        let packed =
            write_complaint_pack(&app.store, &app.settings, app.clock.as_ref(), &req).await?;
        if packed.is_empty() {
            writeln!(
                out,
                "no case of {} to complain about (none overdue{}, none at the regulator stage): nothing written",
                req.campaign,
                req.overdue_since
                    .map(|d| format!(" since {d}"))
                    .unwrap_or_default()
            )?;
            return Ok(());
        }
        for p in &packed {
            writeln!(
                out,
                "{}  {} ({} emails, {} attachments): {}",
                p.folder, p.body, p.emails, p.attachments, p.why
            )?;
        }
        writeln!(
            out,
            "wrote a complaint pack of {} case(s) to {}",
            packed.len(),
            req.out.display()
        )?;
        Ok(())
    }
}
