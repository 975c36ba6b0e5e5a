//! `foi run`: the long-running scheduler (see `crate::scheduler`).

use super::{App, Printer};
use crate::scheduler::{Scheduler, Turns};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct RunCommand {
    /// Take no chaser steps.
    #[arg(long)]
    pub no_chasers: bool,
    /// Fetch no replies.
    #[arg(long)]
    pub no_fetch: bool,
    /// Read no attachments' text.
    #[arg(long)]
    pub no_documents: bool,
    /// Take one turn (fetch, sweep, send what is due now), say what it did, and exit: a
    /// step for tests and scripts.
    #[arg(long, hide = true)]
    pub once: bool,
}

impl RunCommand {
    /// Until Ctrl-C or SIGTERM (prints nothing to stdout: it logs to stderr, a brief line
    /// for each turn that did something, without `-v` too), or one turn.
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let turns = Turns {
            fetch: !self.no_fetch,
            chasers: !self.no_chasers,
            documents: !self.no_documents,
        };
        let (mut sender, _lock) = super::send::start_sender(app).await?;
        if !self.once {
            return crate::scheduler::run(
                &mut sender,
                &app.store,
                &app.settings,
                app.clock.clone(),
                super::app::shutdown_signal(),
                turns,
            )
            .await
            .map_err(super::send::stop_error);
        }
        let mut scheduler = Scheduler::new(
            &mut sender,
            &app.store,
            &app.settings,
            app.clock.clone(),
            turns,
        );
        let report = scheduler
            .turn(super::app::shutdown_signal())
            .await
            .map_err(super::send::stop_error)?;
        let fetched = match report.fetched {
            Some(r) => format!("fetched {} new", r?.new),
            None => "no fetch".into(),
        };
        let swept = match report.swept {
            Some(r) => format!("took {} chaser step(s)", r?.taken.len()),
            None => "no chaser sweep".into(),
        };
        // (the loop reads attachments beside its turns; one turn reads one batch after it)
        let read = if turns.documents {
            let extractor = crate::ingest::documents::batch::Extractor::current_exe()?;
            let t = crate::casework::documents::extract(
                &app.store,
                app.regimes(),
                &extractor,
                &app.clock,
                None,
                false,
                Some(crate::scheduler::DOCUMENTS_BATCH),
            )
            .await?;
            format!(", read {} attachment(s)", t.total())
        } else {
            String::new()
        };
        writeln!(
            out,
            "one turn: {fetched}, {swept}, sent {}{read}",
            report.sent.sent
        )?;
        Ok(())
    }
}
