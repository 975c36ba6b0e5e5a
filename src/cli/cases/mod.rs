//! `foi cases`: the cases, listed.

mod list;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// List cases, by campaign and reference.
    List(list::ListCommand),
}

impl CasesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::List(c) => c.execute(app, out).await,
        }
    }
}
