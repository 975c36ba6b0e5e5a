//! `foi case note REF TEXT [--by NAME]`.

use crate::casework::staff::{add_note, StaffError};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct NoteCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// The note.
    pub text: String,
    /// Who writes it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl NoteCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let today = app
            .clock
            .today_in(app.settings.case_time_zone(&case.regime));
        let actor = crate::cli::args::actor(self.by);
        match add_note(&app.store, &case, &self.text, &actor, today, app.clock.now()).await {
            Err(StaffError::EmptyNote) => bail!(
                "the note is empty: write what you want to keep, e.g. foi case note {} \"phoned, they will reply Friday\"",
                case.reference
            ),
            r => r?,
        }
        writeln!(out, "noted on {}", case.reference)?;
        Ok(())
    }
}
