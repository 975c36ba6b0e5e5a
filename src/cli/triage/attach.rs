//! `foi triage attach ID REF...`.

use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AttachCommand {
    pub id: i64,
    #[arg(required = true)]
    pub references: Vec<String>,
}

impl AttachCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        crate::casework::triage::attach(&app.store, id, &self.references, "staff", app.clock.now())
            .await?;
        writeln!(
            out,
            "attached message {id} to {}",
            self.references.join(", ")
        )?;
        Ok(())
    }
}
