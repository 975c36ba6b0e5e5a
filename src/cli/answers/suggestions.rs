//! `foi answers suggestions [CAMPAIGN]`: suggested answers waiting for a person.

use crate::cli::{App, FormatArgs, Printer, Table};
use crate::store::{AnswerFilter, AnswerState};
use clap::Args;

#[derive(Debug, Args)]
pub struct SuggestionsCommand {
    /// Only this campaign's cases (default: all).
    pub campaign: Option<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}

impl SuggestionsCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign_id = crate::cli::args::campaign_id(app, self.campaign.as_deref()).await?;
        let rows = app
            .store
            .answers(&AnswerFilter {
                campaign_id,
                state: Some(AnswerState::Suggested),
                ..Default::default()
            })
            .await?;
        let mut table = Table::new(vec![
            "reference",
            "question",
            "suggested",
            "message",
            "evidence",
        ]);
        for a in &rows {
            table.push(vec![
                a.reference.clone(),
                a.question.clone(),
                a.value.clone(),
                a.message_id.map(|m| m.to_string()).unwrap_or_default(),
                a.evidence.clone().unwrap_or_default(),
            ]);
        }
        if rows.is_empty() && !self.format.json && !self.format.csv {
            eprintln!("no suggestions waiting");
            return Ok(());
        }
        Ok(out.emit(self.format, &rows, &table)?)
    }
}
