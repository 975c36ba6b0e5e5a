//! `foi export evidence REF --out DIR [--force]`.

use crate::casework::export::{is_non_empty_dir, write_evidence};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::bail;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EvidenceCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// The folder to write (created if missing; must be empty unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a folder that holds files already (files of the same name are
    /// replaced).
    #[arg(long)]
    pub force: bool,
}

impl EvidenceCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let dir = &self.out;
        if dir.exists() && !dir.is_dir() {
            bail!("{} is a file: --out needs a folder", dir.display());
        }
        if is_non_empty_dir(dir) && !self.force {
            bail!(
                "{} is not empty: choose a new folder, or add --force to write into it",
                dir.display()
            );
        }
        let regimes = app.regimes();
        let s = write_evidence(&app.store, regimes, app.clock.as_ref(), &case, dir).await?;
        writeln!(
            out,
            "wrote {} emails, {} attachments and timeline.txt for {} to {}",
            s.emails,
            s.attachments,
            case.reference,
            dir.display()
        )?;
        Ok(())
    }
}
