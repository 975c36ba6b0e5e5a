//! `foi triage list [--json]`.

use crate::cli::{App, Printer, Table};
use clap::Args;

#[derive(Debug, Args)]
pub struct ListCommand {
    #[arg(long)]
    pub json: bool,
}

impl ListCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let rows = app.store.inbound_messages(true).await?;
        if self.json {
            return Ok(out.json(&rows)?);
        }
        let mut t = Table::new(vec!["id", "date", "from", "subject", "kind", "why"]);
        for m in &rows {
            t.push(vec![
                m.id.to_string(),
                m.at.format("%Y-%m-%d").to_string(),
                m.from_addr.clone(),
                m.subject.clone(),
                m.classification.clone().unwrap_or_default(),
                m.reason.clone().unwrap_or_default(),
            ]);
        }
        Ok(out.table(&t)?)
    }
}
