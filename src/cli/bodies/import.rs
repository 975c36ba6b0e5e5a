//! `foi bodies import FILE [--emails FILE] [--dry-run]`.

use crate::casework::bodies::{import_bodies, ImportFile, ImportFiles, ImportReport, Imported};
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
    /// optional; every other column becomes a custom field for templates. A body's key is
    /// its `id` (or WhatDoTheyKnow's `URL name`), else one made from its name: bodies may
    /// share an address.
    pub file: PathBuf,
    /// A two-column `key,email` file giving the request addresses (WhatDoTheyKnow's
    /// export has none), joined on the `id` or `URL name`. Rows it has no address for (and
    /// that have none of their own) are left out; a key it names that the file lacks is an
    /// error.
    #[arg(long, value_name = "FILE")]
    pub emails: Option<PathBuf>,
    /// Check the file and report what would change, without changing anything.
    #[arg(long)]
    pub dry_run: bool,
}

fn read(file: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

/// "1 problem", "3 problems".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

impl ImportCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let emails = self.emails.as_ref().map(read).transpose()?;
        let imported = import_bodies(
            &app.store,
            app.regimes(),
            &app.settings.default_regime,
            ImportFiles {
                directory: self.file.clone(),
                emails,
            },
            self.dry_run,
            app.clock.now(),
        )
        .await?;
        let report = match imported {
            Imported::Refused(which, problems) => {
                let file = match (which, &self.emails) {
                    (ImportFile::Emails, Some(f)) => f,
                    _ => &self.file,
                };
                for e in problems.errors.iter().take(MAX_ERRORS_SHOWN) {
                    eprintln!("{}: {e}", file.display());
                }
                if problems.total > MAX_ERRORS_SHOWN {
                    eprintln!("... and {} more", problems.total - MAX_ERRORS_SHOWN);
                }
                bail!(
                    "the import was refused: {} in {}; fix them and import again (nothing was changed)",
                    count(problems.total, "problem"),
                    file.display()
                );
            }
            Imported::WouldImport(r) => {
                let s = r.summary;
                writeln!(
                    out,
                    "dry run: would add {}, update {}, leave {} unchanged ({} stored bodies not in the file stay as they are); nothing was changed",
                    s.added, s.updated, s.unchanged, s.not_in_file
                )?;
                r
            }
            Imported::Imported(r) => {
                let s = r.summary;
                writeln!(
                    out,
                    "added {}, updated {}, unchanged {} ({} stored bodies not in the file stay as they are)",
                    s.added, s.updated, s.unchanged, s.not_in_file
                )?;
                r
            }
        };
        self.warn(&report);
        Ok(())
    }

    /// Warnings go to stderr: the import went ahead, a person may want to look.
    fn warn(&self, report: &ImportReport) {
        if report.without_email > 0 {
            eprintln!(
                "left out {} row{} of {} with no address (neither in the file nor in the emails file)",
                report.without_email,
                if report.without_email == 1 { "" } else { "s" },
                self.file.display()
            );
        }
        for w in report.warnings.iter().take(MAX_ERRORS_SHOWN) {
            eprintln!("warning: {}: {}", self.file.display(), w.message);
        }
        if report.warnings_total > MAX_ERRORS_SHOWN {
            eprintln!(
                "... and {} more warnings",
                report.warnings_total - MAX_ERRORS_SHOWN
            );
        }
    }
}
