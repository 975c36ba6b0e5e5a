//! `foi attachment save ID [--out PATH]`.

use crate::cli::{App, Printer};
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SaveCommand {
    pub id: crate::domain::AttachmentId,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl SaveCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let (a, bytes) = app
            .store
            .attachment(id)
            .await?
            .with_context(|| format!("no attachment {id}"))?;
        // The stored name is sanitised already; sanitise again in case it came from elsewhere.
        let name = crate::text::sanitize_file_name(&a.file_name)
            .unwrap_or_else(|| format!("attachment-{}", a.id));
        let path = self.out.unwrap_or_else(|| PathBuf::from(name));
        if path.exists() {
            bail!("{} exists already: choose another --out", path.display());
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "saved {} ({} bytes)", path.display(), a.size)?;
        Ok(())
    }
}
