//! `foi chasers show ID [--raw]`: the chaser as it reads (decoded), or its exact bytes.

use crate::cli::{App, Printer};
use anyhow::Context;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub id: crate::domain::ChaserId,
    /// Print the exact bytes.
    #[arg(long)]
    pub raw: bool,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let (row, bytes) = app
            .store
            .chaser(id)
            .await?
            .with_context(|| format!("no chaser {id}: `foi chasers pending` lists them"))?;
        if self.raw {
            out.write_all(&bytes)?;
            return Ok(());
        }
        writeln!(
            out,
            "chaser {} for {} ({}): step {}, {}, {}",
            row.id, row.reference, row.campaign, row.step, row.mode, row.state
        )?;
        // (as it reads: the headers decoded, quoted-printable undone; --raw for the bytes)
        write!(out, "{}", crate::casework::mime::readable(&bytes))?;
        Ok(())
    }
}
