//! `foi run`: the long-running scheduler (see `crate::scheduler`).

use super::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct RunCommand {
    /// Take no chaser steps.
    #[arg(long)]
    pub no_chasers: bool,
    /// Fetch no replies.
    #[arg(long)]
    pub no_fetch: bool,
}

impl RunCommand {
    /// Until Ctrl-C or SIGTERM. Prints nothing to stdout: it logs to stderr.
    pub async fn execute(self, app: &App, _out: &mut Printer) -> anyhow::Result<()> {
        let turns = crate::scheduler::Turns {
            fetch: !self.no_fetch,
            chasers: !self.no_chasers,
        };
        let (mut sender, _lock) = super::send::start_sender(app).await?;
        crate::scheduler::run(
            &mut sender,
            &app.store,
            &app.config,
            app.clock.clone(),
            super::app::shutdown_signal(),
            turns,
        )
        .await
        .map_err(super::send::stop_error)
    }
}
