//! `foi users list [--json]`.

use crate::cli::{App, Printer, Table};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ListCommand {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl ListCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let users = app.store.users().await?;
        if self.json {
            return Ok(out.json(&users)?);
        }
        if users.is_empty() {
            writeln!(out, "no users: `foi users add NAME --role admin` adds one")?;
            return Ok(());
        }
        let mut t = Table::new(vec!["name", "role", "calendar feed", "added"]);
        for u in &users {
            t.push(vec![
                u.name.clone(),
                u.role.to_string(),
                if u.has_calendar { "yes" } else { "no" }.into(),
                u.created_at.format("%Y-%m-%d").to_string(),
            ]);
        }
        Ok(out.table(&t)?)
    }
}
