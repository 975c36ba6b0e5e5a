//! `foi case event REF KIND [--date D] [--note TEXT] [--by NAME]`.

use crate::casework::events::{parse_recordable, record_event};
use crate::cli::{App, Printer};
use crate::domain::event::EventKind;
use crate::domain::Reference;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct EventCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// What happened (see above).
    #[arg(value_parser = parse_recordable)]
    pub kind: EventKind,
    /// The day it happened or was received, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// A note; for an extension, +N working days or the new due date.
    #[arg(long)]
    pub note: Option<String>,
    /// Who records it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl EventCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let date = self
            .date
            .map(|s| crate::cli::args::date(&s, "--date"))
            .transpose()?;
        let kind = self.kind;
        let done = record_event(
            &app.store,
            app.regimes(),
            &case,
            kind.clone(),
            date,
            self.note,
            &crate::cli::args::actor(self.by),
            app.clock.now(),
        )
        .await?;
        writeln!(
            out,
            "recorded {kind} on {} ({}){}",
            case.reference,
            done.on,
            done.status
                .map(|s| format!("; status {} -> {s}", case.status))
                .unwrap_or_default()
        )?;
        if done.cancelled_chasers > 0 {
            writeln!(
                out,
                "cancelled {} pending chaser(s)",
                done.cancelled_chasers
            )?;
        }
        Ok(())
    }
}
