//! `foi publish NAME --out DIR`: a campaign as a static site and a data package, personal
//! data redacted; `--check` lists the redactions and what is left for a person to review.
//! The use case is `casework::publish`; the pages are `crate::publish`.

use super::{App, FormatArgs, Printer, Table};
use crate::casework::publish::{self, Options};
use crate::report::GroupBy;
use anyhow::bail;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PublishCommand {
    /// The campaign.
    pub name: String,
    /// The folder to write (new, or one an earlier `foi publish` wrote: it is replaced).
    #[arg(long, value_name = "DIR", required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// The site's title (default: "Campaign NAME").
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// Give the figures per group, and compare the groups: per body tag, region or regime.
    #[arg(long, value_name = "GROUP", value_parser = ["tag", "region", "regime"])]
    pub by: Option<String>,
    /// A file of terms to redact besides what is found (one per line; `#` comments).
    #[arg(long, value_name = "FILE")]
    pub redact_file: Option<PathBuf>,
    /// Also publish the attachments a person marked (`foi attachment publish ID`): their
    /// text, redacted, or the original file where so marked.
    #[arg(long)]
    pub include_documents: bool,
    /// Write nothing: list every redaction and every remaining candidate, per case.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

impl PublishCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let terms = match &self.redact_file {
            Some(f) => publish::read_terms(f)?,
            None => Vec::new(),
        };
        let campaign = app.store.require_campaign(&self.name).await?;
        let p = &app.config.publish;
        let opts = Options {
            title: self.title.clone(),
            by: self.by.as_deref().and_then(GroupBy::parse),
            terms,
            licence: p.licence.clone().map(|name| crate::publish::Licence {
                name,
                title: p.licence_title.clone(),
                path: p.licence_path.clone(),
            }),
            include_documents: self.include_documents,
            regimes: app.regimes(),
            limits: crate::ingest::pipeline::limits(&app.settings.fetch),
        };
        if self.check {
            let rows = publish::check(&app.store, app.clock.as_ref(), &campaign, &opts).await?;
            return print_checks(&rows, &self.format, out);
        }
        let Some(dir) = &self.out else {
            bail!("give --out DIR (the folder to write), or --check");
        };
        let w = publish::publish(&app.store, app.clock.as_ref(), &campaign, &opts, dir).await?;
        writeln!(
            out,
            "published {} ({} cases, {} files) to {}: {} redactions, {} candidates to review (foi publish {} --check)",
            campaign.name,
            w.cases,
            w.files,
            dir.display(),
            w.redactions,
            w.candidates,
            campaign.name
        )?;
        Ok(())
    }
}

fn print_checks(
    rows: &[publish::CheckRow],
    format: &FormatArgs,
    out: &mut Printer,
) -> anyhow::Result<()> {
    if format.json {
        return Ok(out.json(rows)?);
    }
    let mut t = Table::new(vec!["reference", "kind", "text"]);
    for r in rows {
        t.push(vec![r.reference.clone(), r.kind.clone(), r.text.clone()]);
    }
    if format.csv {
        return Ok(out.csv(&t.headers, &t.rows)?);
    }
    Ok(out.table(&t)?)
}
