//! `foi case resend REF [--to ADDRESS] [--note TEXT] [--by NAME] [--dry-run]`.

use crate::casework::resend::{resend_case, ResendBy};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ResendCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// The body's correct address: recorded as its address (the old one is kept in its
    /// history). Without it, the request goes again to the body's current address.
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    /// Why (kept with the change of address and on the case).
    #[arg(long)]
    pub note: Option<String>,
    /// Who does it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Check that the request renders and say what would be sent, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ResendCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let actor = crate::cli::args::actor(self.by);
        let by = ResendBy {
            actor: &actor,
            note: self.note.as_deref(),
            now: app.clock.now(),
            today: app.today(),
            dry_run: self.dry_run,
        };
        let r = resend_case(&app.store, &app.settings, &case, self.to.as_deref(), &by).await?;
        let was = r
            .was
            .as_ref()
            .map(|w| format!("; the body's address was {w}"))
            .unwrap_or_default();
        if r.queued {
            writeln!(
                out,
                "queued {}'s request again to {}{was} (Message-ID <{}>); `foi send` or `foi run` sends it",
                r.reference, r.to, r.message_id
            )?;
        } else {
            writeln!(
                out,
                "dry run: would queue {}'s request again to {}{was}; nothing was changed",
                r.reference, r.to
            )?;
        }
        Ok(())
    }
}
