//! `foi bodies`: the directory of public bodies.

mod import;
mod list;
mod show;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BodiesCommand {
    /// Import or update bodies from a CSV file (ours or WhatDoTheyKnow's export), all or
    /// nothing: any bad row is reported with its line and column and nothing is changed.
    Import(import::ImportCommand),
    /// List bodies.
    List(list::ListCommand),
    /// Show one body by its key (or email address), with its custom fields and cases.
    Show(show::ShowCommand),
}

impl BodiesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Import(c) => c.execute(app, out).await,
            Self::List(c) => c.execute(app, out).await,
            Self::Show(c) => c.execute(app, out).await,
        }
    }
}
