//! `foi init`: a new working folder.

use super::Printer;
use crate::config::{Config, EXAMPLE};
use crate::store::Store;
use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitCommand {
    /// The folder to set up (created if missing).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

impl InitCommand {
    pub async fn execute(self, out: &mut Printer) -> anyhow::Result<()> {
        let config_path = self.dir.join("foi.toml");
        if config_path.exists() {
            bail!(
                "{} already exists: this folder is set up already (edit it, or choose another --dir)",
                config_path.display()
            );
        }
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let config = Config::parse(EXAMPLE, &self.dir)?;
        for folder in config.folders() {
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let db = config.database_path();
        Store::create(&db).await?.close().await;
        std::fs::write(&config_path, EXAMPLE)
            .with_context(|| format!("cannot write {}", config_path.display()))?;
        writeln!(out, "Created {}", config_path.display())?;
        writeln!(out, "Created {} (all migrations applied)", db.display())?;
        for folder in config.folders() {
            writeln!(out, "Created {}/", folder.display())?;
        }
        writeln!(
            out,
            "Next: edit [sender] in foi.toml, then `foi bodies import bodies.csv` \
             and `foi campaign create NAME --template DIR --select tag:council --reference-prefix P`."
        )?;
        Ok(())
    }
}
