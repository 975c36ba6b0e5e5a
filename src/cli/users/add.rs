//! `foi users add NAME --role ROLE [--password-stdin]`.

use crate::cli::{App, Printer};
use crate::domain::{Role, UserName};
use anyhow::Context;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AddCommand {
    /// The user name (letters, digits, '.', '_', '-', '@').
    pub name: String,
    /// admin (everything, including launching and pausing campaigns), staff (casework)
    /// or viewer (reads every page, changes nothing).
    #[arg(long, value_parser = ["admin", "staff", "viewer"])]
    pub role: String,
    /// Read the password from the first line of stdin (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

impl AddCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = UserName::parse(&self.name).map_err(anyhow::Error::msg)?;
        let role = Role::parse(&self.role).context("the role is admin, staff or viewer")?;
        crate::casework::users::require_new(&app.store, &name).await?;
        let password = super::read_password(self.password_stdin)?;
        crate::casework::users::add_user(&app.store, &name, role, password, app.clock.now())
            .await?;
        writeln!(
            out,
            "added {name} ({role}); `foi serve` starts the dashboard"
        )?;
        Ok(())
    }
}
