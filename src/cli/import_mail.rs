//! `foi import-mail FILE...`: `.eml` or mbox files, read like `foi fetch` reads a mailbox.

use super::{App, Printer};
use crate::casework::replies::{read_replies, Source};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportMailCommand {
    /// `.eml` files, or mbox files (a file starting with a `From ` line).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

impl ImportMailCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let (fetched, suggested) = read_replies(
            &app.store,
            &app.settings.fetch,
            app.regimes(),
            app.clock.as_ref(),
            Source::Files(&self.files),
        )
        .await?;
        super::fetch::report_suggestions(suggested.as_ref());
        writeln!(out, "{}", super::fetch::summary_line(&fetched))?;
        Ok(())
    }
}
