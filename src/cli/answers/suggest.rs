//! `foi answers suggest [CAMPAIGN] [--json]`.

use crate::casework::answers::{suggest, SuggestScope};
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct SuggestCommand {
    /// Only this campaign's cases (default: all).
    pub campaign: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

impl SuggestCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign_id = crate::cli::args::campaign_id(app, self.campaign.as_deref()).await?;
        let s = suggest(
            &app.store,
            SuggestScope {
                campaign_id,
                after_message: None,
            },
            app.clock.now(),
        )
        .await?;
        for w in &s.skipped {
            eprintln!("skipped {w}");
        }
        if self.json {
            return Ok(out.json(&s)?);
        }
        writeln!(
            out,
            "read {} replies: {} suggestions ({} new or changed); `foi answers suggestions` lists them",
            s.messages, s.found, s.stored
        )?;
        Ok(())
    }
}
