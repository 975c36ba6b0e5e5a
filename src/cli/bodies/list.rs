//! `foi bodies list [--tag T]`.

use crate::cli::{App, FormatArgs, Printer, Table};
use clap::Args;

#[derive(Debug, Args)]
pub struct ListCommand {
    /// Only bodies with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}

impl ListCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let mut bodies = app.store.bodies().await?;
        if let Some(tag) = self.tag {
            let tag = tag.to_lowercase();
            bodies.retain(|b| b.has_tag(&tag));
        }
        let mut table = Table::new(vec![
            "key", "name", "email", "tags", "regime", "region", "flag", "excluded",
        ]);
        for b in &bodies {
            table.push(vec![
                b.key.to_string(),
                b.name.clone(),
                b.email.to_string(),
                b.tags.join(" "),
                b.regime.clone(),
                b.region.clone().unwrap_or_default(),
                b.email_flag.clone().unwrap_or_default(),
                b.excluded.clone().unwrap_or_default(),
            ]);
        }
        Ok(out.emit(self.format, &bodies, &table)?)
    }
}
