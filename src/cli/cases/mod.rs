//! `foi cases`: the cases, listed.

mod by_hand;
mod list;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// List cases, by campaign and reference.
    List(list::ListCommand),
    /// The cases to submit by hand (the body's web form, or a letter), each with the exact
    /// text of its request to paste or print; `foi case submitted` records each.
    ByHand(by_hand::ByHandCommand),
}

impl CasesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::List(c) => c.execute(app, out).await,
            Self::ByHand(c) => c.execute(app, out).await,
        }
    }
}
