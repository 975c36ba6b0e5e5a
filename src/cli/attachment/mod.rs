//! `foi attachment`: a stored email's attachments.

mod save;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Save an attachment (under its sanitised name, or --out PATH).
    Save(save::SaveCommand),
}

impl AttachmentCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Save(c) => c.execute(app, out).await,
        }
    }
}
