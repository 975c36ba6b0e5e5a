//! `foi deadlines --ics`: every open case's due date as an iCalendar file.

use super::{App, Printer};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DeadlinesCommand {
    /// Write an iCalendar file (RFC 5545): one all-day event per running clock's due date.
    #[arg(long, required = true)]
    pub ics: bool,
    /// Only this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Write to FILE instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl DeadlinesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign_id = super::args::campaign_id(app, self.campaign.as_deref()).await?;
        let events =
            crate::casework::overdue::due_events(&app.store, app.regimes(), campaign_id).await?;
        let name = self
            .campaign
            .as_deref()
            .map(|c| format!("FOI deadlines: {c}"))
            .unwrap_or_else(|| "FOI deadlines".into());
        let text = crate::report::ics::calendar(&name, &events, app.clock.now());
        match &self.out {
            Some(path) => {
                std::fs::write(path, &text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {} due dates to {}", events.len(), path.display());
            }
            None => out.write_all(text.as_bytes())?,
        }
        Ok(())
    }
}
