//! `foi bodies set-email KEY ADDRESS [--note TEXT] [--by NAME]`.

use crate::casework::bodies::set_email;
use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct SetEmailCommand {
    /// The body's key (or its address, when no other body shares it).
    pub key: String,
    /// The new request address.
    pub address: String,
    /// Why (kept in the body's history with the old address).
    #[arg(long)]
    pub note: Option<String>,
    /// Who does it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl SetEmailCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let actor = crate::cli::args::actor(self.by);
        let done = set_email(
            &app.store,
            &self.key,
            &self.address,
            self.note.as_deref(),
            &actor,
            app.clock.now(),
        )
        .await?;
        let b = &done.body;
        if !done.changed {
            writeln!(
                out,
                "{} ({}) has the address {} already: nothing changed",
                b.name, b.key, b.email
            )?;
            return Ok(());
        }
        writeln!(
            out,
            "{} ({}) now has the address {} (the old one is kept in `foi bodies show {}`); \
             its bounced cases can be sent again with `foi campaign resend NAME --bounced`",
            b.name, b.key, b.email, b.key
        )?;
        Ok(())
    }
}
