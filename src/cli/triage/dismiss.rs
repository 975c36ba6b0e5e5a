//! `foi triage dismiss ID --reason TEXT`.

use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct DismissCommand {
    pub id: crate::domain::MessageId,
    #[arg(long)]
    pub reason: String,
}

impl DismissCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        crate::casework::triage::dismiss(&app.store, self.id, &self.reason).await?;
        writeln!(out, "dismissed message {}", self.id)?;
        Ok(())
    }
}
