//! `foi message`: one stored email.

mod classify;
mod show;

pub use show::{load, print_message};

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum MessageCommand {
    /// Show a message: headers, classification and why, cases, attachments, text.
    Show(show::ShowCommand),
    /// Override the classification: bounce, auto-reply, acknowledgement,
    /// clarification-request, refusal, response, unknown.
    Classify(classify::ClassifyCommand),
}

impl MessageCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Show(c) => c.execute(app, out).await,
            Self::Classify(c) => c.execute(app, out).await,
        }
    }
}
