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
        let recorded = crate::casework::triage::attach(
            &app.store,
            app.regimes(),
            id,
            &self.references,
            "staff",
            app.clock.now(),
        )
        .await?;
        let names: Vec<&str> = self.references.iter().map(|r| r.as_str()).collect();
        writeln!(out, "attached message {id} to {}", names.join(", "))?;
        for (reference, event, status) in recorded {
            writeln!(
                out,
                "{reference}: {event}{}",
                status.map(|s| format!(", now {s}")).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}
