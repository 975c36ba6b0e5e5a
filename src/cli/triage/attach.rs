//! `foi triage attach ID REF...`.

use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AttachCommand {
    pub id: crate::domain::MessageId,
    #[arg(required = true, value_parser = crate::cli::args::reference)]
    pub references: Vec<crate::domain::Reference>,
}

impl AttachCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        crate::casework::triage::attach(&app.store, id, &self.references, "staff", app.clock.now())
            .await?;
        let names: Vec<&str> = self.references.iter().map(|r| r.as_str()).collect();
        writeln!(out, "attached message {id} to {}", names.join(", "))?;
        Ok(())
    }
}
