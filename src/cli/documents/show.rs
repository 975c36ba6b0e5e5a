//! `foi documents show ID`: an attachment's extracted text, each unit under its locator.

use crate::cli::{App, Printer};
use crate::store::DocumentFilter;
use anyhow::Context;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    /// The attachment's id (see `foi documents`).
    pub id: crate::domain::AttachmentId,
    /// Print JSON: the attachment, its state and its units.
    #[arg(long)]
    pub json: bool,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let filter = DocumentFilter {
            attachment: Some(id),
            ..Default::default()
        };
        let doc = app
            .store
            .documents(&filter)
            .await?
            .into_iter()
            .next()
            .with_context(|| format!("no attachment {id}: `foi documents` lists them"))?;
        let units = app.store.document_units(id).await?;
        if self.json {
            let v = serde_json::json!({ "document": doc, "units": units });
            return Ok(out.json(&v)?);
        }
        let reason = doc
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{} ({}): {}{reason}",
            doc.file_name, doc.content_type, doc.state
        )?;
        for u in &units {
            let at = if u.locator.is_empty() {
                "text"
            } else {
                &u.locator
            };
            writeln!(out, "\n[{}]", crate::text::clean_display_text(at, 500))?;
            writeln!(out, "{}", u.text)?;
        }
        Ok(())
    }
}
