//! `foi documents extract-one --work DIR --name NAME --content-type TYPE`: the child
//! process. Reads one file on stdin (bounded), writes its text as JSON lines on stdout
//! (see `crate::ingest::documents::sandbox`). Runs under the limits its parent set.

use crate::cli::Printer;
use crate::domain::Extraction;
use crate::ingest::documents::{read, sandbox, Limits};
use clap::Args;
use std::io::Read;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExtractOneCommand {
    /// A folder for the tools' files (the parent makes and removes it).
    #[arg(long)]
    pub work: PathBuf,
    /// The attachment's file name.
    #[arg(long)]
    pub name: String,
    /// The attachment's declared content type.
    #[arg(long, default_value = "application/octet-stream")]
    pub content_type: String,
}

impl ExtractOneCommand {
    pub fn execute(self, out: &mut Printer) -> anyhow::Result<()> {
        let max = Limits::default().max_input;
        let mut bytes = Vec::new();
        std::io::stdin().take(max + 1).read_to_end(&mut bytes)?;
        let x = if bytes.len() as u64 > max {
            Extraction::skipped(format!("too large: over {} MB", max >> 20))
        } else {
            read::extract(&bytes, &self.name, &self.content_type, &self.work)
        };
        Ok(sandbox::write_lines(&x, out)?)
    }
}
