//! `foi outbox`: list emails by state (the default), `show` one, `resolve` an uncertain one.

mod list;
mod resolve;
mod show;

use super::{App, Printer};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct OutboxCommand {
    #[command(subcommand)]
    pub action: Option<OutboxAction>,
    /// Only emails in this state: queued, claimed, sent, failed, uncertain, cancelled (or sending).
    #[arg(long)]
    pub state: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// Show one email: its state and history, or with --raw its exact bytes.
    Show(show::ShowCommand),
    /// Settle an uncertain email (it was in flight when a run stopped): say whether the
    /// body received it (check the Sent folder or the server's log).
    Resolve(resolve::ResolveCommand),
}

impl OutboxCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self.action {
            Some(OutboxAction::Show(c)) => c.execute(app, self.json, out).await,
            Some(OutboxAction::Resolve(c)) => c.execute(app, out).await,
            None => list::execute(app, self.state.as_deref(), self.json, out).await,
        }
    }
}
