//! `foi triage show ID`.

use crate::cli::{App, Printer};
use anyhow::Context;
use clap::Args;

#[derive(Debug, Args)]
pub struct ShowCommand {
    pub id: crate::domain::MessageId,
}

impl ShowCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let m = app
            .store
            .message(id)
            .await?
            .with_context(|| format!("no message {id}: `foi triage list` shows them"))?;
        Ok(crate::cli::message::print_message(out, &m)?)
    }
}
