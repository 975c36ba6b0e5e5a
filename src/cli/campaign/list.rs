//! `foi campaign list`.

use crate::cli::{App, FormatArgs, Printer, Table};
use clap::Args;

#[derive(Debug, Args)]
pub struct ListCommand {
    #[command(flatten)]
    pub format: FormatArgs,
}

impl ListCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaigns = app.store.campaigns().await?;
        let mut table = Table::new(vec![
            "name", "prefix", "state", "cases", "checked", "created",
        ]);
        let mut items = Vec::new();
        for c in &campaigns {
            let counts = app.store.status_counts(c.id).await?;
            let total: i64 = counts.iter().map(|(_, n)| n).sum();
            table.push(vec![
                c.name.clone(),
                c.reference_prefix.to_string(),
                c.state.to_string(),
                total.to_string(),
                if c.checked_digest.is_some() {
                    "yes"
                } else {
                    "no"
                }
                .into(),
                c.created_at.format("%Y-%m-%d").to_string(),
            ]);
            items.push(serde_json::json!({ "campaign": c, "cases": total }));
        }
        Ok(out.emit(self.format, &items, &table)?)
    }
}
