//! `foi bodies import FILE [--dry-run]`.

use crate::casework::bodies::{import_bodies, Imported};
use crate::cli::{App, Printer};
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// How many row errors to print before summarising the rest.
const MAX_ERRORS_SHOWN: usize = 200;

#[derive(Debug, Args)]
pub struct ImportCommand {
    /// The CSV file: `name` and `email` required; `id`, `tags`, `regime`, `region`
    /// optional; every other column becomes a custom field for templates.
    pub file: PathBuf,
    /// Check the file and report what would change, without changing anything.
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let file = &self.file;
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let imported = import_bodies(
            &app.store,
            app.regimes(),
            &app.settings.default_regime,
            &bytes,
            self.dry_run,
            app.clock.now(),
        )
        .await?;
        match imported {
            Imported::Refused(errors) => {
                for e in errors.iter().take(MAX_ERRORS_SHOWN) {
                    eprintln!("{}: {e}", file.display());
                }
                if errors.len() > MAX_ERRORS_SHOWN {
                    eprintln!("... and {} more", errors.len() - MAX_ERRORS_SHOWN);
                }
                bail!(
                    "the import was refused: {} problem{} in {}; fix them and import again (nothing was changed)",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    file.display()
                );
            }
            Imported::WouldImport(s) => writeln!(
                out,
                "dry run: would add {}, update {}, leave {} unchanged ({} stored bodies not in the file stay as they are); nothing was changed",
                s.added, s.updated, s.unchanged, s.not_in_file
            )?,
            Imported::Imported(s) => writeln!(
                out,
                "added {}, updated {}, unchanged {} ({} stored bodies not in the file stay as they are)",
                s.added, s.updated, s.unchanged, s.not_in_file
            )?,
        }
        Ok(())
    }
}
