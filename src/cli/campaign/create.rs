//! `foi campaign create NAME --template DIR --select EXPR... --reference-prefix P`.

use crate::casework::campaigns::{
    create_campaign, CampaignRequest, Created, AGGREGATION_WORKING_DAYS,
};
use crate::cli::{App, Printer};
use crate::store::EarlierRequest;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CreateCommand {
    /// The campaign's name (used in every other command).
    pub name: String,
    /// Folder with subject.hbs, body.txt.hbs, optional body.html.hbs and campaign.toml.
    #[arg(long)]
    pub template: PathBuf,
    /// Which bodies: `all`, `tag:T`, `regime:R`, `region:R`, `key:K`, `keys:FILE`;
    /// comma-separated terms must all match (`tag:school,region:scotland`); repeat
    /// --select for alternatives; `!` negates a term.
    #[arg(long = "select", required = true)]
    pub select: Vec<String>,
    /// The prefix of case references, e.g. CCTV24 gives CCTV24-0001, CCTV24-0002, ...
    #[arg(long)]
    pub reference_prefix: String,
    /// Use this regime for every case instead of each body's own.
    #[arg(long)]
    pub regime: Option<String>,
    /// Show what would be created without creating anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// Warn (on stderr) about bodies that had a request under the same regime within 60
/// working days: the body may add the requests together against the cost limit.
fn warn_aggregation(earlier: &[EarlierRequest]) {
    if earlier.is_empty() {
        return;
    }
    let bodies: std::collections::BTreeSet<_> = earlier.iter().map(|e| e.body_id).collect();
    eprintln!(
        "warning: {} of the selected bodies had a request under the same regime within {} working days; \
         a body may aggregate requests for the same or similar information against the cost limit \
         (FOIA s.12(4), FOISA s.12(2)); a warning, not a refusal:",
        bodies.len(),
        AGGREGATION_WORKING_DAYS
    );
    for e in earlier {
        eprintln!(
            "  {}: {} (campaign '{}', {}, {})",
            e.body_name, e.reference, e.campaign, e.regime, e.sent_on
        );
    }
}

impl CreateCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let name = self.name.trim();
        let created = create_campaign(
            &app.store,
            &app.settings,
            app.regimes(),
            &CampaignRequest {
                name,
                template: &self.template,
                select: &self.select,
                reference_prefix: &self.reference_prefix,
                regime: self.regime.as_deref(),
            },
            self.dry_run,
            app.clock.now(),
            app.today(),
        )
        .await?;
        match created {
            Created::WouldCreate {
                cases,
                prefix,
                last,
                earlier,
            } => {
                writeln!(
                    out,
                    "dry run: would create campaign '{name}' with {cases} cases ({prefix}-0001 to {last}); nothing was changed",
                )?;
                warn_aggregation(&earlier);
            }
            Created::Created {
                cases,
                prefix,
                check,
                earlier,
            } => {
                warn_aggregation(&earlier);
                writeln!(
                    out,
                    "created campaign '{name}' with {cases} cases ({prefix}-0001 ...)"
                )?;
                if check.passed() {
                    writeln!(out, "checked: every case renders")?;
                } else {
                    super::preview::print_failures(&check);
                    eprintln!(
                        "warning: {}; fix the templates or the bodies' data, then run \
                         `foi campaign preview {name}`: the campaign cannot be launched until every case renders",
                        check.summary()
                    );
                }
            }
        }
        Ok(())
    }
}
