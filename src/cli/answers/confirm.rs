//! `foi answers confirm REF KEY | --all CAMPAIGN [--by NAME]`.

use crate::casework::answers::{confirm_campaign_suggestions, confirm_suggestion, ConfirmError};
use crate::cli::{App, Printer};
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ConfirmCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(
        required_unless_present = "all",
        conflicts_with = "all",
        value_parser = crate::cli::args::reference
    )]
    pub reference: Option<crate::domain::Reference>,
    /// The question's key.
    #[arg(required_unless_present = "all")]
    pub key: Option<String>,
    /// Confirm every pending suggestion of this campaign.
    #[arg(long, value_name = "CAMPAIGN")]
    pub all: Option<String>,
    /// Who confirms (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl ConfirmCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let actor = crate::cli::args::actor(self.by);
        let now = app.clock.now();
        let n = match (self.all, self.reference, self.key) {
            (Some(name), _, _) => {
                let c = app.store.require_campaign(&name).await?;
                confirm_campaign_suggestions(&app.store, &c, &actor, now).await?
            }
            (None, Some(r), Some(k)) => {
                let case = app.store.require_case(&r).await?;
                match confirm_suggestion(&app.store, &case, &k, &actor, now).await {
                    Err(ConfirmError::NoSuggestion { .. }) => bail!(
                        "case {} has no suggestion for '{k}': `foi case answers {}` shows its answers; set one with `foi case answer {} {k}=VALUE`",
                        case.reference,
                        case.reference,
                        case.reference
                    ),
                    r => r?,
                }
            }
            _ => bail!("name a case and a question (REF KEY), or --all CAMPAIGN"),
        };
        writeln!(out, "confirmed {n} answer(s)")?;
        Ok(())
    }
}
