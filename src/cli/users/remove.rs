//! `foi users remove NAME`.

use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct RemoveCommand {
    pub name: String,
}

impl RemoveCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        if !app.store.remove_user(name).await? {
            bail!("no user named '{name}': `foi users list` shows them");
        }
        writeln!(out, "removed {name}")?;
        Ok(())
    }
}
