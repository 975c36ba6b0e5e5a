//! `foi bodies`: the directory of public bodies.

mod exclude;
mod import;
mod list;
mod set_email;
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
    /// Mark a body excluded from campaigns (not covered by FOI, closed, merged), with why.
    Exclude(exclude::ExcludeCommand),
    /// Include an excluded body in campaigns again.
    Include(exclude::IncludeCommand),
    /// Give a body a new request address (the old one, and why it was flagged, are kept in
    /// its history); `foi campaign resend NAME --bounced` then sends its bounced cases again.
    SetEmail(set_email::SetEmailCommand),
}

impl BodiesCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Import(c) => c.execute(app, out).await,
            Self::List(c) => c.execute(app, out).await,
            Self::Show(c) => c.execute(app, out).await,
            Self::Exclude(c) => c.execute(app, out).await,
            Self::Include(c) => c.execute(app, out).await,
            Self::SetEmail(c) => c.execute(app, out).await,
        }
    }
}
