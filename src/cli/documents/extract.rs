//! `foi documents extract [--campaign NAME] [--retry-failed]`: read the attachments
//! waiting, each in a child process under limits.

use crate::cli::{App, Printer};
use crate::ingest::documents::batch::Extractor;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ExtractCommand {
    /// Only attachments of replies on this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Read the failed ones again too.
    #[arg(long)]
    pub retry_failed: bool,
    /// Read at most this many.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print JSON: how many were read, by state.
    #[arg(long)]
    pub json: bool,
}

impl ExtractCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let campaign = crate::cli::args::campaign_id(app, self.campaign.as_deref()).await?;
        let extractor = Extractor::current_exe()?;
        let t = crate::casework::documents::extract(
            &app.store,
            app.regimes(),
            &extractor,
            &app.clock,
            campaign,
            self.retry_failed,
            self.limit,
        )
        .await?;
        if self.json {
            return Ok(out.json(&t)?);
        }
        writeln!(
            out,
            "read {} attachment(s): {} done, {} by OCR, {} failed, {} skipped",
            t.total(),
            t.done,
            t.ocr,
            t.failed,
            t.skipped
        )?;
        Ok(())
    }
}
