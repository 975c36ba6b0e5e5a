//! `foi documents`: the text of attachments (issue 21): list them with their extraction
//! state, read the waiting ones (`extract`), show one's text (`show`). The hidden
//! `extract-one` is the child process that reads one file (see
//! `crate::ingest::documents::sandbox`).

mod extract;
mod extract_one;
mod list;
mod show;

use super::{App, Printer};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DocumentsCommand {
    #[command(subcommand)]
    pub verb: Option<DocumentsVerb>,
    #[command(flatten)]
    pub list: list::ListArgs,
}

#[derive(Debug, Subcommand)]
pub enum DocumentsVerb {
    /// Read the attachments waiting (all, or a campaign's): text, page and cell locators,
    /// OCR for scans. `foi run` does this in the background too.
    Extract(extract::ExtractCommand),
    /// Print an attachment's extracted text, each unit under its locator.
    Show(show::ShowCommand),
    /// Read one file on stdin, write its text as JSON lines (the child process of
    /// `extract`).
    #[command(hide = true)]
    ExtractOne(extract_one::ExtractOneCommand),
}

impl DocumentsCommand {
    pub async fn execute(self, config: &std::path::Path, out: &mut Printer) -> anyhow::Result<()> {
        match self.verb {
            // (the child needs no configuration and no database)
            Some(DocumentsVerb::ExtractOne(c)) => c.execute(out),
            Some(DocumentsVerb::Extract(c)) => c.execute(&App::load(config).await?, out).await,
            Some(DocumentsVerb::Show(c)) => c.execute(&App::load(config).await?, out).await,
            None => self.list.execute(&App::load(config).await?, out).await,
        }
    }
}
