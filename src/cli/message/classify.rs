//! `foi message classify ID KIND`: a person confirms or overrides a received email's class,
//! recorded as theirs; the email is then read (it leaves the "to read" queue) and each of
//! its cases gets the event the class implies.

use crate::cli::{App, Printer};
use crate::ingest::classify::Kind;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ClassifyCommand {
    /// The received email (`foi case show REF` lists them).
    pub id: crate::domain::MessageId,
    /// bounce, auto-reply, acknowledgement, clarification-request, refusal, not-held,
    /// response, or reply (a person read it; no event).
    pub kind: String,
}

impl ClassifyCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let id = self.id;
        let k: Kind = self.kind.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let recorded = crate::casework::triage::reclassify(
            &app.store,
            app.regimes(),
            id,
            k,
            "staff",
            app.clock.now(),
        )
        .await?;
        for (reference, event, status) in recorded {
            writeln!(
                out,
                "{reference}: {event}{}",
                status.map(|s| format!(", now {s}")).unwrap_or_default()
            )?;
        }
        writeln!(out, "message {id} is now classified as {}", k.as_str())?;
        Ok(())
    }
}
