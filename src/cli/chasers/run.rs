//! `foi chasers run [--dry-run] [--json]`: one sweep.

use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct RunCommand {
    /// Say what would be taken; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl RunCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let s = crate::casework::chasers::sweep_with(
            &app.store,
            &app.settings,
            app.clock.as_ref(),
            self.dry_run,
        )
        .await?;
        super::print_sweep(out, &s, self.dry_run, self.json)
    }
}
