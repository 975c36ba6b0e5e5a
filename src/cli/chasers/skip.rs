//! `foi chasers skip ID`.

use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct SkipCommand {
    pub id: crate::domain::ChaserId,
}

impl SkipCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        if app.store.skip_chaser(id, app.clock.now()).await? {
            writeln!(out, "skipped chaser {id}")?;
            Ok(())
        } else {
            bail!(
                "chaser {id} is not awaiting approval: `foi chasers pending` lists those that are"
            )
        }
    }
}
