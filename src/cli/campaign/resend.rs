//! `foi campaign resend NAME --bounced [--by NAME] [--dry-run]`.

use crate::casework::resend::{resend_bounced, ResendBy};
use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ResendCommand {
    /// The campaign's name.
    pub name: String,
    /// Send again the cases whose delivery failed and whose body has a new address since
    /// (`foi bodies set-email`). (Required: it is the only kind of resend there is.)
    #[arg(long)]
    pub bounced: bool,
    /// Who does it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Say which cases would be sent again, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ResendCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        if !self.bounced {
            bail!("say which cases to send again: --bounced (cases whose delivery failed)");
        }
        let actor = crate::cli::args::actor(self.by);
        let by = ResendBy {
            actor: &actor,
            note: Some("the body's address was corrected"),
            now: app.clock.now(),
            today: app.today(),
            dry_run: self.dry_run,
        };
        let done = resend_bounced(&app.store, &app.settings, &self.name, &by).await?;
        let verb = if self.dry_run {
            "would queue"
        } else {
            "queued"
        };
        for r in &done.resent {
            writeln!(out, "{verb} {} again to {}", r.reference, r.to)?;
        }
        for (reference, address) in &done.still_failing {
            writeln!(
                out,
                "left {reference}: its body's address is still {address}, which failed (`foi bodies set-email` first)"
            )?;
        }
        writeln!(
            out,
            "{verb} {} request(s) again; {} left with the address that failed{}",
            done.resent.len(),
            done.still_failing.len(),
            if self.dry_run {
                "; nothing was changed"
            } else {
                ""
            }
        )?;
        Ok(())
    }
}
