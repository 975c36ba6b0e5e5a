//! `foi users passwd NAME [--password-stdin]`.

use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct PasswdCommand {
    pub name: String,
    /// Read the password from the first line of stdin (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

impl PasswdCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = &self.name;
        crate::casework::users::require_user(&app.store, name).await?;
        let password = super::read_password(self.password_stdin)?;
        crate::casework::users::set_password(&app.store, name, password).await?;
        writeln!(
            out,
            "new password set for {name}; their sessions have ended"
        )?;
        Ok(())
    }
}
