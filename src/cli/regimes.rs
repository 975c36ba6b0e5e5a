//! `foi regimes`: the laws and clocks bodies can be under.

use super::Printer;
use crate::config::Config;
use clap::Args;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Args)]
pub struct RegimesCommand {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl RegimesCommand {
    pub fn execute(self, config: &Path, out: &mut Printer) -> anyhow::Result<()> {
        let regimes = Config::load(config)?.settings()?.regimes;
        if self.json {
            let v: Vec<_> = regimes
                .iter()
                .map(|r| serde_json::json!({"name": r.name(), "description": r.def().description, "time_zone": r.time_zone().name(), "term_dates": r.term_dates().map(|t| t.name())}))
                .collect();
            return Ok(out.json(&v)?);
        }
        for r in regimes.iter() {
            writeln!(out, "{:<16} {}", r.name(), r.def().description)?;
        }
        // School regimes take term dates after an `@` (uk-foia-school@camford).
        let terms: Vec<&str> = regimes.term_dates().collect();
        writeln!(
            out,
            "term dates (for uk-foia-school@NAME): {}",
            terms.join(", ")
        )?;
        Ok(())
    }
}
