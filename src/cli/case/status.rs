//! `foi case status REF STATUS [--note TEXT] [--by NAME]`.

use crate::casework::staff::{parse_settable, set_status};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct StatusCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// The new status.
    pub status: String,
    /// Why (kept on the event).
    #[arg(long)]
    pub note: Option<String>,
    /// Who sets it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl StatusCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let to = parse_settable(&self.status).map_err(anyhow::Error::msg)?;
        let case = app.store.require_case(&self.reference).await?;
        let change = set_status(
            &app.store,
            &case,
            to,
            self.note.as_deref(),
            &crate::cli::args::actor(self.by),
            app.clock
                .today_in(app.settings.case_time_zone(&case.regime)),
            app.clock.now(),
        )
        .await?;
        writeln!(
            out,
            "{}: status {} -> {}",
            case.reference, change.from, change.to
        )?;
        if change.cancelled_chasers > 0 {
            writeln!(
                out,
                "cancelled {} pending chaser(s)",
                change.cancelled_chasers
            )?;
        }
        Ok(())
    }
}
