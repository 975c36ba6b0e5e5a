//! `foi campaign show NAME`.

use crate::cli::{App, Printer};
use crate::domain::CaseStatus;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn counts_json(counts: &[(CaseStatus, i64)]) -> serde_json::Value {
    counts
        .iter()
        .map(|(s, n)| (s.to_string(), serde_json::json!(n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let c = app.store.require_campaign(&self.name).await?;
        let counts = app.store.status_counts(c.id).await?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        if self.json {
            return Ok(out.json(&serde_json::json!({
                "campaign": c, "cases": total, "by_status": counts_json(&counts)
            }))?);
        }
        writeln!(out, "campaign {} ({})", c.name, c.state)?;
        writeln!(out, "  reference prefix: {}", c.reference_prefix)?;
        writeln!(out, "  templates:        {}", c.template_dir)?;
        writeln!(out, "  selection:        {}", c.selection.join(" | "))?;
        writeln!(
            out,
            "  regime:           {}",
            c.regime.as_deref().unwrap_or("each body's own")
        )?;
        writeln!(
            out,
            "  check:            {}",
            if c.checked_digest.is_some() {
                "every case renders"
            } else {
                "not passed (run `foi campaign preview`)"
            }
        )?;
        writeln!(out, "  cases:            {total}")?;
        for (status, n) in counts {
            writeln!(out, "    {status:<24} {n}")?;
        }
        Ok(())
    }
}
