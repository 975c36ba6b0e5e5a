//! `foi campaign pause NAME`.

use crate::casework::launch::StateChange;
use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct PauseCommand {
    pub name: String,
}

impl PauseCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        super::change(app, out, &self.name, StateChange::Pause).await
    }
}
