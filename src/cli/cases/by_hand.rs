//! `foi cases by-hand [--json]`: the cases to submit through a body's web form or by post,
//! each with the exact text to paste or print.

use crate::casework::by_hand::to_submit;
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ByHandCommand {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl ByHandCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let list = to_submit(&app.store, &app.settings, app.today()).await?;
        if self.json {
            return Ok(out.json(&list)?);
        }
        if list.is_empty() {
            writeln!(out, "nothing to submit by hand")?;
            return Ok(());
        }
        for t in &list {
            writeln!(
                out,
                "== {} ({}) to {} by {}",
                t.reference, t.campaign, t.body, t.channel
            )?;
            if let Some(n) = &t.note {
                writeln!(out, "   {n}")?;
            }
            writeln!(out, "Subject: {}\n\n{}", t.subject, t.text.trim_end())?;
            writeln!(
                out,
                "\n   then: foi case submitted {} --via {} --date YYYY-MM-DD [--ref THEIR_REF]\n",
                t.reference, t.channel
            )?;
        }
        Ok(())
    }
}
