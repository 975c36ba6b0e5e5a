//! The `foi` command line: one file per subcommand (clap derive; doc comments are the
//! `--help`). Data goes to stdout (tables for people, `--json`/`--csv` for scripts); logs and
//! progress go to stderr. This is the layer that ties config, store, templates and the
//! workers together; nothing imports it.

mod bodies;
mod campaign;
mod cases;
mod init;
pub mod output;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

/// FOI Campaigner: send Freedom of Information requests to many public bodies, track every
/// reply and deadline, chase late bodies and report the answers.
#[derive(Debug, Parser)]
#[command(name = "foi", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The configuration file.
    #[arg(long, global = true, env = "FOI_CONFIG", default_value = "foi.toml")]
    pub config: PathBuf,

    /// More log output on stderr (-v: debug, -vv: trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a working folder: foi.toml, the database and the data folders.
    Init(init::InitArgs),
    /// The directory of public bodies: import, list, show.
    #[command(subcommand)]
    Bodies(bodies::BodiesCommand),
    /// Campaigns: create, list, show, preview.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// List cases.
    #[command(subcommand)]
    Cases(cases::CasesCommand),
    /// One case: show.
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// List the regimes (laws and clocks) bodies can be under.
    Regimes(cases::RegimesArgs),
}

/// What every command except `init` works with.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
}

impl App {
    pub async fn load(config_path: &std::path::Path) -> anyhow::Result<Self> {
        let config = Config::load(config_path)?;
        let store = Store::open(&config.database_path()).await?;
        Ok(Self {
            config,
            store,
            clock: crate::clock::from_env()?,
        })
    }

    /// Today in the configured time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today_in(self.config.timezone())
    }

    /// Whether `name` is a regime we know (built in, or defined in the config).
    pub fn regime_known(&self, name: &str) -> bool {
        regime_known(name)
    }
}

/// The built-in regimes.
pub const BUILTIN_REGIMES: &[(&str, &str)] = &[
    (
        "uk-foia",
        "Freedom of Information Act 2000 (UK): 20 working days, UK-wide bank holidays",
    ),
    (
        "uk-eir",
        "Environmental Information Regulations 2004: 20 working days, extendable to 40",
    ),
    (
        "scotland-foisa",
        "Freedom of Information (Scotland) Act 2002: 20 working days, Scottish holidays",
    ),
    (
        "uk-foia-school",
        "FOIA for schools: 20 school days, at most 60 working days",
    ),
    (
        "ie-foi",
        "Freedom of Information Act 2014 (Ireland): 4 weeks",
    ),
    (
        "us-foia",
        "US federal FOIA: 20 working days, federal holidays",
    ),
    (
        "nz-oia",
        "Official Information Act 1982 (New Zealand): 20 working days",
    ),
];

fn regime_known(name: &str) -> bool {
    BUILTIN_REGIMES.iter().any(|(n, _)| *n == name)
}

/// Run one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(args) => init::run(args).await,
        Command::Bodies(cmd) => bodies::run(&App::load(&cli.config).await?, cmd).await,
        Command::Campaign(cmd) => campaign::run(&App::load(&cli.config).await?, cmd).await,
        Command::Cases(cmd) => cases::run_cases(&App::load(&cli.config).await?, cmd).await,
        Command::Case(cmd) => cases::run_case(&App::load(&cli.config).await?, cmd).await,
        Command::Regimes(args) => cases::run_regimes(args),
    }
}

/// Start logging to stderr.
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "foi=debug,info",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
