//! `foi attachment publish ID [--original | --withdraw]`: mark an attachment for
//! `foi publish --include-documents`.

use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct PublishCommand {
    pub id: crate::domain::AttachmentId,
    /// Publish the file as received, not only the text extracted from it (redacted).
    /// Nothing in an original is redacted: read it first.
    #[arg(long, conflicts_with = "withdraw")]
    pub original: bool,
    /// Publish it no more.
    #[arg(long)]
    pub withdraw: bool,
}

impl PublishCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let how = match (self.original, self.withdraw) {
            (_, true) => None,
            (true, _) => Some("original"),
            _ => Some("text"),
        };
        if !app.store.set_attachment_publish(self.id, how).await? {
            bail!(
                "no attachment {}: `foi message show ID` lists a message's attachments",
                self.id
            );
        }
        match how {
            Some("original") => writeln!(
                out,
                "attachment {} will be published as the original file",
                self.id
            )?,
            Some(_) => writeln!(
                out,
                "attachment {} will be published as its text, redacted",
                self.id
            )?,
            None => writeln!(out, "attachment {} will not be published", self.id)?,
        }
        Ok(())
    }
}
