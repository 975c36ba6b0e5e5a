//! `foi campaign resume NAME`.

use crate::casework::launch::StateChange;
use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct ResumeCommand {
    pub name: String,
}

impl ResumeCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        super::change(app, out, &self.name, StateChange::Resume).await
    }
}
