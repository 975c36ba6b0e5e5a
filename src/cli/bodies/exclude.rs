//! `foi bodies exclude KEY --reason TEXT` and `foi bodies include KEY`.

use crate::casework::bodies::set_excluded;
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ExcludeCommand {
    /// The body's key (or its address, when no other body shares it).
    pub key: String,
    /// Why campaigns must skip it: not covered by FOI, closed, merged into another ...
    #[arg(long)]
    pub reason: String,
}

impl ExcludeCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let body = set_excluded(&app.store, &self.key, Some(&self.reason), app.clock.now()).await?;
        writeln!(
            out,
            "excluded {} ({}): campaigns created from now on skip it",
            body.name, body.key
        )?;
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct IncludeCommand {
    /// The body's key (or its address, when no other body shares it).
    pub key: String,
}

impl IncludeCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let body = set_excluded(&app.store, &self.key, None, app.clock.now()).await?;
        writeln!(
            out,
            "included {} ({}) in campaigns again",
            body.name, body.key
        )?;
        Ok(())
    }
}
