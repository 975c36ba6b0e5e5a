//! `foi outbox [--state S]`: the outbox's emails.

use crate::cli::{App, Printer, Table};
use crate::store::OutboxState;
use anyhow::Context;

pub async fn execute(
    app: &App,
    state: Option<&str>,
    json: bool,
    out: &mut Printer,
) -> anyhow::Result<()> {
    let state = match state {
        Some(s) => Some(OutboxState::parse(s).with_context(|| {
            format!(
                "unknown state '{s}': use queued, claimed, sent, failed, uncertain, cancelled or sending"
            )
        })?),
        None => None,
    };
    let rows = app.store.outbox(state, None).await?;
    if json {
        return Ok(out.json(&rows)?);
    }
    let mut table = Table::new(vec![
        "id",
        "reference",
        "kind",
        "recipient",
        "state",
        "attempts",
        "when",
        "error",
    ]);
    for r in &rows {
        let when = r.sent_at.unwrap_or(r.not_before);
        table.push(vec![
            r.id.to_string(),
            r.reference.clone(),
            r.kind.clone(),
            r.recipient.clone(),
            r.state.to_string(),
            r.attempts.to_string(),
            when.format("%Y-%m-%d %H:%M").to_string(),
            r.last_error.clone().unwrap_or_default(),
        ]);
    }
    Ok(out.table(&table)?)
}
