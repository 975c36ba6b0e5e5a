//! `foi triage`: emails that matched no case.

mod attach;
mod dismiss;
mod list;
mod show;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Emails that matched no case, with the reason and suggestions.
    List(list::ListCommand),
    /// One triage email.
    Show(show::ShowCommand),
    /// Attach an email to one or more cases (one email may answer several).
    Attach(attach::AttachCommand),
    /// Set an email aside, saying why.
    Dismiss(dismiss::DismissCommand),
}

impl TriageCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::List(c) => c.execute(app, out).await,
            Self::Show(c) => c.execute(app, out).await,
            Self::Attach(c) => c.execute(app, out).await,
            Self::Dismiss(c) => c.execute(app, out).await,
        }
    }
}
