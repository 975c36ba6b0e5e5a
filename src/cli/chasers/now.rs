//! `foi chasers now REF... [--dry-run] [--json]`.

use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct NowCommand {
    /// Case references.
    #[arg(required = true, value_parser = crate::cli::args::reference)]
    pub references: Vec<crate::domain::Reference>,
    /// Say what would be taken; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl NowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let mut ids = Vec::new();
        for r in &self.references {
            ids.push(app.store.require_case(r).await?.id);
        }
        let s = crate::casework::chasers::chase_now(
            &app.store,
            &app.settings,
            app.clock.as_ref(),
            &ids,
            self.dry_run,
        )
        .await?;
        if !self.json && s.taken.len() < ids.len() {
            eprintln!(
                "note: {} of the {} case(s) had no step to take now (taken already, awaiting \
                 approval: see `foi chasers pending`, or its trigger does not apply yet)",
                ids.len() - s.taken.len(),
                ids.len()
            );
        }
        super::print_sweep(out, &s, self.dry_run, self.json)
    }
}
