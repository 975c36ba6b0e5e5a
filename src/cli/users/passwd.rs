//! `foi users passwd NAME [--password-stdin]`.

use crate::cli::{App, Printer};
use anyhow::bail;
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
        if app.store.user_with_password(name).await?.is_none() {
            bail!("no user named '{name}': `foi users list` shows them");
        }
        let hash = super::hash(super::read_password(self.password_stdin)?).await?;
        app.store.set_password(name, &hash).await?;
        writeln!(
            out,
            "new password set for {name}; their sessions have ended"
        )?;
        Ok(())
    }
}
