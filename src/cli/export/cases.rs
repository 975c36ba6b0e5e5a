//! `foi export cases NAME --csv [--out FILE]`.

use crate::casework::answers::campaign_questions;
use crate::casework::export::{case_rows, write_cases_csv};
use crate::cli::{App, Printer};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CasesCommand {
    /// The campaign's name.
    pub name: String,
    /// Write CSV (the only format for now).
    #[arg(long, required = true)]
    pub csv: bool,
    /// Write to this file instead of stdout (an existing file is replaced).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl CasesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign = app.store.require_campaign(&self.name).await?;
        let questions = campaign_questions(&campaign)?;
        let regimes = app.regimes();
        let rows = case_rows(&app.store, regimes, app.clock.as_ref(), &campaign).await?;
        match self.out {
            Some(path) => {
                // Write beside, then rename: a failed export leaves no half file.
                let tmp = path.with_extension("csv.part");
                let file = std::fs::File::create(&tmp)
                    .with_context(|| format!("cannot write {}", tmp.display()))?;
                write_cases_csv(
                    std::io::BufWriter::new(file),
                    &rows,
                    &questions,
                    out.csv_cells(),
                )?;
                std::fs::rename(&tmp, &path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {} cases to {}", rows.len(), path.display());
            }
            None => {
                let cells = out.csv_cells();
                write_cases_csv(out, &rows, &questions, cells)?
            }
        }
        Ok(())
    }
}
