//! `foi documents [--campaign NAME] [--state S]`: attachments with their extraction state.

use crate::cli::{App, FormatArgs, Printer, Table};
use crate::domain::DocumentState;
use crate::store::DocumentFilter;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only attachments of replies on this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only attachments in this state: pending, done, ocr, failed, skipped.
    #[arg(long)]
    pub state: Option<DocumentState>,
    #[command(flatten)]
    pub format: FormatArgs,
}

impl ListArgs {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign = crate::cli::args::campaign_id(app, self.campaign.as_deref()).await?;
        let rows = app
            .store
            .documents(&DocumentFilter {
                campaign,
                state: self.state,
                attachment: None,
            })
            .await?;
        if !self.format.json && !self.format.csv && rows.is_empty() {
            writeln!(out, "no attachments")?;
            return Ok(());
        }
        let mut table = Table::new(vec![
            "id", "case", "name", "type", "state", "reason", "units",
        ]);
        for r in &rows {
            table.push(vec![
                r.id.to_string(),
                if r.cases.is_empty() {
                    "(triage)".into()
                } else {
                    r.cases.join(" ")
                },
                r.file_name.clone(),
                r.content_type.clone(),
                r.state.to_string(),
                r.reason.clone().unwrap_or_default(),
                r.units.to_string(),
            ]);
        }
        Ok(out.emit(self.format, &rows, &table)?)
    }
}
