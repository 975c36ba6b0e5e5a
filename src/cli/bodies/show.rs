//! `foi bodies show KEY`.

use crate::cli::{App, Printer};
use crate::store::CaseFilter;
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub key: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let key = &self.key;
        let Some(body) = app.store.body_by_key(key).await? else {
            bail!("no body with key or address '{key}': `foi bodies list` shows them");
        };
        let filter = CaseFilter {
            body_id: Some(body.id),
            ..Default::default()
        };
        let cases = app.store.cases(&filter).await?;
        if self.json {
            return Ok(out.json(&serde_json::json!({ "body": body, "cases": cases }))?);
        }
        writeln!(out, "{} ({})", body.name, body.key)?;
        writeln!(out, "  email:   {}", body.email)?;
        if let Some(flag) = &body.email_flag {
            writeln!(out, "  FLAGGED: {flag}")?;
        }
        writeln!(out, "  tags:    {}", body.tags.join(" "))?;
        writeln!(out, "  regime:  {}", body.regime)?;
        writeln!(out, "  region:  {}", body.region.as_deref().unwrap_or("-"))?;
        for (k, v) in &body.fields {
            writeln!(out, "  {k}: {v}")?;
        }
        if cases.is_empty() {
            writeln!(out, "  no cases")?;
        }
        for c in cases {
            writeln!(out, "  case {} ({}): {}", c.reference, c.campaign, c.status)?;
        }
        Ok(())
    }
}
