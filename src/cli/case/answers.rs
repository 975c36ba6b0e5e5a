//! `foi case answers REF [--json]`: every question with its confirmed answer and any
//! pending suggestion; and those lines for `foi case show`.

use crate::casework::answers::{case_answers, CaseAnswers, QuestionBook};
use crate::cli::{App, Printer};
use crate::domain::{Questions, Reference};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AnswersCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// One line per question (and per stored answer to a question no longer declared).
pub fn answer_lines(questions: &Questions, a: &CaseAnswers) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |key: &str| {
        let confirmed = a
            .confirmed
            .get(key)
            .map(|r| format!("{} ({})", r.value, r.actor))
            .unwrap_or_else(|| "-".into());
        let suggested = a
            .suggested
            .get(key)
            .map(|r| {
                format!(
                    "  [suggested: {} from message {}: \"{}\"]",
                    r.value,
                    r.message_id.map(|m| m.to_string()).unwrap_or_default(),
                    r.evidence.as_deref().unwrap_or("")
                )
            })
            .unwrap_or_default();
        out.push(format!("{key:<28} {confirmed}{suggested}"));
    };
    for q in questions {
        line(&q.key);
    }
    let undeclared: Vec<&String> = a
        .confirmed
        .keys()
        .chain(a.suggested.keys())
        .filter(|k| questions.get(k).is_none())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for k in undeclared {
        line(k);
    }
    out
}

impl AnswersCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let a = case_answers(&app.store, case.id).await?;
        if self.json {
            return Ok(out.json(&a)?);
        }
        let mut book = QuestionBook::default();
        let questions = book.get(&app.store, &case.campaign).await?;
        for line in answer_lines(questions, &a) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}
