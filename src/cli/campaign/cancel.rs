//! `foi campaign cancel NAME`.

use crate::casework::launch::StateChange;
use crate::cli::{App, Printer};
use clap::Args;

#[derive(Debug, Args)]
pub struct CancelCommand {
    pub name: String,
}

impl CancelCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        super::change(app, out, &self.name, StateChange::Cancel).await
    }
}
