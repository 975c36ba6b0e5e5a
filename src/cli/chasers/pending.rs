//! `foi chasers pending [--json]`.

use crate::cli::{App, Printer, Table};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct PendingCommand {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl PendingCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let rows = app.store.chasers(&["pending", "draft"]).await?;
        if self.json {
            return Ok(out.json(&rows)?);
        }
        if rows.is_empty() {
            writeln!(out, "no chaser is waiting for a person")?;
            return Ok(());
        }
        let mut table = Table::new(vec![
            "id",
            "reference",
            "step",
            "state",
            "due",
            "recipient",
            "subject",
        ]);
        for r in &rows {
            table.push(vec![
                r.id.to_string(),
                r.reference.clone(),
                r.step.clone(),
                r.state.clone(),
                r.due_on.to_string(),
                r.recipient.clone(),
                r.subject.clone(),
            ]);
        }
        Ok(out.table(&table)?)
    }
}
