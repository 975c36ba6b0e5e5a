//! `foi case channel REF email|portal|post [--note TEXT]` and `foi case submitted REF --via
//! portal|post --date D [--ref THEIR_REF]`.

use crate::casework::by_hand::{mark_channel, record_submitted, Channel};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use clap::Args;
use std::io::Write;

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| format!("'{s}' is not a channel: use email, portal or post"))
}

#[derive(Debug, Args)]
pub struct ChannelCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// email, portal (the body's web form) or post (a letter).
    #[arg(value_parser = parse_channel)]
    pub channel: Channel,
    /// Where: the form's address, the postal address, who asked for it.
    #[arg(long)]
    pub note: Option<String>,
    /// Who records it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl ChannelCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let actor = crate::cli::args::actor(self.by);
        mark_channel(
            &app.store,
            &case,
            self.channel,
            self.note.as_deref(),
            &actor,
            app.today(),
            app.clock.now(),
        )
        .await?;
        match self.channel {
            Channel::Email => writeln!(out, "{}'s request goes by email", case.reference)?,
            c => writeln!(
                out,
                "{} is to be submitted by hand via {}: `foi cases by-hand` shows its text",
                case.reference,
                c.as_str()
            )?,
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct SubmittedCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// How it was submitted: portal or post.
    #[arg(long, value_parser = parse_channel)]
    pub via: Channel,
    /// The day it was submitted (the date of receipt the clock counts from), YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// The body's own reference for it, if the form or letter gave one.
    #[arg(long = "ref", value_name = "THEIR_REF")]
    pub their_ref: Option<String>,
    /// Who records it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl SubmittedCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let on = crate::cli::args::date(&self.date, "--date")?;
        let actor = crate::cli::args::actor(self.by);
        record_submitted(
            &app.store,
            &case,
            self.via,
            on,
            self.their_ref.as_deref(),
            &actor,
            app.today(),
            app.clock.now(),
        )
        .await?;
        writeln!(
            out,
            "recorded {}'s request as submitted via {} on {on}: its deadline counts from that day (`foi case deadline {}`)",
            case.reference,
            self.via.as_str(),
            case.reference
        )?;
        Ok(())
    }
}
