//! `foi triage show ID`.

use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub id: crate::domain::MessageId,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let hint = ": `foi triage list` shows them";
        let m = crate::cli::message::load(app, self.id, hint).await?;
        Ok(crate::cli::message::print_message(out, &m)?)
    }
}
