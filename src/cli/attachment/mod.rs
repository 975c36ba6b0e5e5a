//! `foi attachment`: a stored email's attachments.

mod publish;
mod save;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Save an attachment (under its sanitised name, or --out PATH).
    Save(save::SaveCommand),
    /// Mark an attachment publishable: `foi publish --include-documents` then publishes its
    /// text, redacted (or the original file with --original).
    Publish(publish::PublishCommand),
}

impl AttachmentCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Save(c) => c.execute(app, out).await,
            Self::Publish(c) => c.execute(app, out).await,
        }
    }
}
