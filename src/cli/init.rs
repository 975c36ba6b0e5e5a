//! `foi init`: a new working folder.

use crate::config::{Config, EXAMPLE};
use crate::store::Store;
use anyhow::{bail, Context};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to set up (created if missing).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub async fn run(args: InitArgs) -> anyhow::Result<()> {
    let config_path = args.dir.join("foi.toml");
    if config_path.exists() {
        bail!(
            "{} already exists: this folder is set up already (edit it, or choose another --dir)",
            config_path.display()
        );
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let config = Config::parse(EXAMPLE, &args.dir)?;
    for folder in config.folders() {
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let db = config.database_path();
    Store::create(&db).await?.close().await;
    std::fs::write(&config_path, EXAMPLE)
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    println!("Created {}", config_path.display());
    println!("Created {} (all migrations applied)", db.display());
    for folder in config.folders() {
        println!("Created {}/", folder.display());
    }
    println!(
        "Next: edit [sender] in foi.toml, then `foi bodies import bodies.csv` \
         and `foi campaign create NAME --template DIR --select tag:council --reference-prefix P`."
    );
    Ok(())
}
