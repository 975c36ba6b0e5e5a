//! `foi chasers approve ID... | --all [--dry-run]`.

use crate::cli::{App, Printer};
use crate::store::ChaserRow;
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ApproveCommand {
    /// Chaser ids (see `foi chasers pending`).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub ids: Vec<crate::domain::ChaserId>,
    /// Every chaser awaiting approval.
    #[arg(long)]
    pub all: bool,
    /// Say what would be queued; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ApproveCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let pending = app.store.chasers(&["pending"]).await?;
        let chosen: Vec<&ChaserRow> = if self.all {
            pending.iter().collect()
        } else {
            let mut chosen = Vec::new();
            for id in &self.ids {
                match pending.iter().find(|r| r.id == *id) {
                    Some(r) => chosen.push(r),
                    None => bail!(
                        "chaser {id} is not awaiting approval: `foi chasers pending` lists those that are; nothing was queued"
                    ),
                }
            }
            chosen
        };
        if self.dry_run {
            for r in &chosen {
                writeln!(
                    out,
                    "{} {} {} -> {}",
                    r.id, r.reference, r.step, r.recipient
                )?;
            }
            writeln!(
                out,
                "dry run: would queue {} chaser(s); nothing was changed",
                chosen.len()
            )?;
            return Ok(());
        }
        let chosen: Vec<ChaserRow> = chosen.into_iter().cloned().collect();
        let queued =
            crate::casework::chasers::approve(&app.store, &app.settings, &chosen, app.clock.now())
                .await?;
        for r in chosen.iter().filter(|r| queued.contains(&r.id)) {
            writeln!(out, "queued chaser {} ({} {})", r.id, r.reference, r.step)?;
        }
        writeln!(
            out,
            "{} chaser(s) queued; `foi send` or `foi run` delivers them",
            queued.len()
        )?;
        Ok(())
    }
}
