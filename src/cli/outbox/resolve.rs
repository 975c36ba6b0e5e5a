//! `foi outbox resolve ID --sent|--resend`.

use crate::casework::outbox::{resolve_uncertain, Settled, Verdict};
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ResolveCommand {
    pub id: crate::domain::OutboxId,
    /// It was sent: record it as sent (with its `sent` event).
    #[arg(long, conflicts_with = "resend", required_unless_present = "resend")]
    pub sent: bool,
    /// It was not sent: queue it again.
    #[arg(long)]
    pub resend: bool,
}

impl ResolveCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let verdict = if self.sent {
            Verdict::Sent
        } else {
            Verdict::Resend
        };
        let settled = resolve_uncertain(
            &app.store,
            app.regimes(),
            &app.settings.send.data_dir,
            id,
            verdict,
            app.clock.now(),
        )
        .await?;
        match settled {
            Settled::Sent { reference, on } => {
                writeln!(out, "recorded {id} ({reference}) as sent on {on}")?
            }
            Settled::Requeued { reference } => {
                writeln!(out, "queued {id} ({reference}) to be sent again")?
            }
            Settled::Unchanged => {}
        }
        Ok(())
    }
}
