//! `foi case assign REF NAME | --clear`.

use crate::casework::staff::assign;
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AssignCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// Who works on it.
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    pub name: Option<String>,
    /// Unassign the case.
    #[arg(long)]
    pub clear: bool,
}

impl AssignCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = self
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if name.is_some() == self.clear {
            bail!("give a name (foi case assign REF NAME) or --clear, not both or neither");
        }
        let case = app.store.require_case(&self.reference).await?;
        assign(&app.store, &case, name.as_deref()).await?;
        match name {
            Some(n) => writeln!(out, "{} assigned to {n}", case.reference)?,
            None => writeln!(out, "{} is unassigned", case.reference)?,
        }
        Ok(())
    }
}
