//! `foi case event REF KIND [--date D] [--note TEXT] [--by NAME]`.

use crate::casework::events::{parse_recordable, record_event};
use crate::cli::{App, Printer};
use crate::domain::event::EventKind;
use crate::domain::regulator::{parse_reference, Appellant, DecisionOutcome, StageNote};
use crate::domain::Reference;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct EventCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// What happened (see above).
    #[arg(value_parser = parse_recordable)]
    pub kind: EventKind,
    /// The day it happened or was received, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// A note; for an extension, +N working days or the new due date.
    #[arg(long)]
    pub note: Option<String>,
    /// Who records it (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// The regulator's reference for complaint_to_regulator, regulator_acknowledged,
    /// decision_notice (FS50...) or tribunal_appeal (e.g. IC-123456-A1B2).
    #[arg(long = "regulator-ref", visible_alias = "ref")]
    pub regulator_ref: Option<String>,
    /// A decision notice's outcome: upheld, partly or not_upheld.
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Option<DecisionOutcome>,
    /// The date a decision notice orders the body to comply by (YYYY-MM-DD): a deadline
    /// of its own on `foi overdue` until `complied` (or an answer) is recorded.
    #[arg(long)]
    pub comply_by: Option<String>,
    /// Who appealed to the tribunal: requester or body (the body's appeal stays the
    /// compliance date).
    #[arg(long, value_parser = parse_appellant)]
    pub appellant: Option<Appellant>,
}

fn parse_outcome(s: &str) -> Result<DecisionOutcome, String> {
    DecisionOutcome::parse(s)
        .ok_or_else(|| format!("unknown outcome '{s}': use upheld, partly or not_upheld"))
}

fn parse_appellant(s: &str) -> Result<Appellant, String> {
    Appellant::parse(s).ok_or_else(|| format!("unknown appellant '{s}': use requester or body"))
}

impl EventCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let date = self
            .date
            .map(|s| crate::cli::args::date(&s, "--date"))
            .transpose()?;
        let kind = self.kind;
        let stage = StageNote {
            reference: self
                .regulator_ref
                .as_deref()
                .map(parse_reference)
                .transpose()
                .map_err(anyhow::Error::msg)?,
            outcome: self.outcome,
            comply_by: self
                .comply_by
                .map(|s| crate::cli::args::date(&s, "--comply-by"))
                .transpose()?,
            appellant: self.appellant,
            text: None,
        };
        let note = if stage == StageNote::default() {
            self.note
        } else if kind.is_regulator_stage() {
            StageNote {
                text: self.note,
                ..stage
            }
            .render()
        } else {
            anyhow::bail!(
                "--regulator-ref, --outcome, --comply-by and --appellant belong to the regulator stage (complaint_to_regulator, regulator_acknowledged, decision_notice, tribunal_appeal), not to {kind}"
            );
        };
        let done = record_event(
            &app.store,
            app.regimes(),
            &case,
            kind.clone(),
            date,
            note,
            &crate::cli::args::actor(self.by),
            app.clock.now(),
        )
        .await?;
        writeln!(
            out,
            "recorded {kind} on {} ({}){}",
            case.reference,
            done.on,
            done.status
                .map(|s| format!("; status {} -> {s}", case.status))
                .unwrap_or_default()
        )?;
        if done.cancelled_chasers > 0 {
            writeln!(
                out,
                "cancelled {} pending chaser(s)",
                done.cancelled_chasers
            )?;
        }
        Ok(())
    }
}
