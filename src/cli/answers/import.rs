//! `foi answers import FILE.csv [--by NAME]`.

use crate::casework::answers::import;
use crate::cli::{App, Printer};
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportCommand {
    /// The CSV file.
    pub file: PathBuf,
    /// Who codes the answers (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl ImportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let file = &self.file;
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let actor = crate::cli::args::actor(self.by);
        match import(&app.store, &bytes, &actor, app.clock.now()).await? {
            Ok(o) => {
                writeln!(
                    out,
                    "{} rows: {} answers changed, {} unchanged",
                    o.rows, o.changed, o.unchanged
                )?;
                Ok(())
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{}: {e}", file.display());
                }
                bail!(
                    "{} problem(s) in {}: nothing was changed; fix the lines above and import again",
                    errors.len(),
                    file.display()
                )
            }
        }
    }
}
