//! `foi users unlock NAME`.

use crate::cli::{App, Printer};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct UnlockCommand {
    pub name: String,
}

impl UnlockCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let n = crate::casework::users::unlock(&app.store, &self.name).await?;
        writeln!(
            out,
            "{} may sign in again ({n} failed sign-ins forgotten)",
            self.name
        )?;
        Ok(())
    }
}
