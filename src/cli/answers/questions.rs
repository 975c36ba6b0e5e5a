//! `foi answers questions CAMPAIGN [--json]`.

use crate::casework::answers::campaign_questions;
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct QuestionsCommand {
    /// The campaign's name.
    pub campaign: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl QuestionsCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let c = app.store.require_campaign(&self.campaign).await?;
        let qs = campaign_questions(&c)?;
        if self.json {
            return Ok(out.json(&qs)?);
        }
        if qs.is_empty() {
            writeln!(
                out,
                "campaign '{}' declares no [[questions]] in {}/campaign.toml",
                c.name, c.template_dir
            )?;
        }
        for q in &qs {
            writeln!(out, "{q}: {}", q.label)?;
            for r in &q.rules {
                let mut words = Vec::new();
                if !r.any.is_empty() {
                    words.push(format!("any of {}", r.any.join(", ")));
                }
                if !r.all.is_empty() {
                    words.push(format!("all of {}", r.all.join(", ")));
                }
                writeln!(out, "    suggests {} on {}", r.answer, words.join(" and "))?;
            }
        }
        Ok(())
    }
}
