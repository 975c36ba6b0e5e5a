//! `foi fetch`: read new replies once from the configured source.

use super::{App, Printer};
use crate::casework::answers::SuggestSummary;
use crate::casework::replies::{read_replies, Source};
use crate::ingest::fetch::FetchSummary;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct FetchCommand {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Benchmark reference: fetch the IMAP folders the same way but parse and store
    /// nothing (scripts/bench-ingest.sh).
    #[arg(long, hide = true)]
    pub plain_reference: bool,
}

/// The one line a fetch or an import ends with.
pub fn summary_line(s: &FetchSummary) -> String {
    format!(
        "new {}, matched {}, triage {}, already stored {}",
        s.new, s.matched, s.triage, s.duplicates
    )
}

/// Say on stderr how many answers the replies suggested.
pub fn report_suggestions(s: Option<&SuggestSummary>) {
    if let Some(s) = s.filter(|s| s.stored > 0) {
        eprintln!(
            "suggested {} answer(s) from the replies: `foi answers suggestions` lists them",
            s.stored
        );
    }
}

impl FetchCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        if self.plain_reference {
            let crate::config::FetchSource::Imap(account) = &app.settings.fetch.source else {
                anyhow::bail!("the plain reference reads IMAP: set [fetch] source = \"imap\"");
            };
            let (n, bytes) = crate::ingest::fetch::fetch_imap_plain(
                &account.imap_settings()?,
                &app.settings.fetch.folders,
                app.settings.fetch.batch_size,
            )
            .await?;
            writeln!(out, "fetched {n} emails, {bytes} bytes (nothing stored)")?;
            return Ok(());
        }
        let (fetched, suggested) = read_replies(
            &app.store,
            &app.settings.fetch,
            app.regimes(),
            app.clock.as_ref(),
            Source::Configured,
        )
        .await?;
        report_suggestions(suggested.as_ref());
        if self.json {
            return Ok(out.json(&fetched)?);
        }
        writeln!(out, "{}", summary_line(&fetched))?;
        Ok(())
    }
}
