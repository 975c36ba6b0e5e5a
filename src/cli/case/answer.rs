//! `foi case answer REF key=value... [--by NAME]`.

use crate::casework::answers::{answer_case, parse_assignments};
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::bail;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct AnswerCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// key=value pairs (keys: `foi answers questions CAMPAIGN`).
    #[arg(required = true)]
    pub assignments: Vec<String>,
    /// Who codes them (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

impl AnswerCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        // Every problem at once: malformed arguments and invalid values alike.
        let mut malformed = Vec::new();
        let mut pairs = Vec::new();
        for a in &self.assignments {
            match parse_assignments(std::slice::from_ref(a)) {
                Ok(p) => pairs.extend(p),
                Err(e) => malformed.push(e),
            }
        }
        let actor = crate::cli::args::actor(self.by);
        let (changes, n) = match answer_case(
            &app.store,
            &case,
            &pairs,
            malformed,
            &actor,
            app.clock.now(),
        )
        .await?
        {
            Ok(done) => done,
            Err(errors) => {
                for e in &errors {
                    eprintln!("{}: {e}", case.reference);
                }
                bail!(
                    "{} answer(s) not valid: nothing was changed; fix them and try again (`foi answers questions {}` lists the questions)",
                    errors.len(),
                    case.campaign
                );
            }
        };
        for c in &changes {
            match &c.value {
                Some(v) => writeln!(out, "{} {} = {v}", case.reference, c.question)?,
                None => writeln!(out, "{} {} cleared", case.reference, c.question)?,
            }
        }
        if n == 0 {
            writeln!(out, "(nothing changed: the answers were already so)")?;
        }
        Ok(())
    }
}
