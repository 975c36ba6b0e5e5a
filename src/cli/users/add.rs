//! `foi users add NAME --role ROLE [--password-stdin]`.

use crate::cli::{App, Printer};
use crate::domain::{Role, UserName};
use anyhow::{bail, Context};
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
        if app.store.user_with_password(name.as_str()).await?.is_some() {
            bail!("a user named '{name}' exists already: `foi users passwd {name}` changes the password");
        }
        let hash = super::hash(super::read_password(self.password_stdin)?).await?;
        app.store
            .add_user(&name, role, &hash, app.clock.now())
            .await?;
        writeln!(
            out,
            "added {name} ({role}); `foi serve` starts the dashboard"
        )?;
        Ok(())
    }
}
