//! `foi bodies show KEY`.

use crate::cli::{App, Printer};
use crate::store::CaseFilter;
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
        let body = crate::casework::bodies::require_body(&app.store, key).await?;
        let filter = CaseFilter {
            body_id: Some(body.id),
            ..Default::default()
        };
        let cases = app.store.cases(&filter).await?;
        let former = app.store.body_email_history(body.id).await?;
        if self.json {
            return Ok(out.json(
                &serde_json::json!({ "body": body, "cases": cases, "former_emails": former }),
            )?);
        }
        writeln!(out, "{} ({})", body.name, body.key)?;
        writeln!(out, "  email:   {}", body.email)?;
        if let Some(flag) = &body.email_flag {
            writeln!(out, "  FLAGGED: {flag}")?;
        }
        if let Some(why) = &body.excluded {
            writeln!(out, "  EXCLUDED from campaigns: {why}")?;
        }
        for f in &former {
            writeln!(
                out,
                "  was:     {} (until {}, by {}{}{})",
                f.email,
                f.replaced_at,
                f.actor,
                f.flag
                    .as_ref()
                    .map(|x| format!("; flagged: {x}"))
                    .unwrap_or_default(),
                f.note
                    .as_ref()
                    .map(|x| format!("; {x}"))
                    .unwrap_or_default()
            )?;
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
