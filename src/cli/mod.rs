//! The `foi` command line: one file per subcommand (clap derive; doc comments are the
//! `--help`). Data goes to stdout (tables for people, `--json`/`--csv` for scripts); logs and
//! progress go to stderr. This is the layer that ties config, store, templates and the
//! workers together; nothing imports it.

mod answers;
mod bodies;
mod campaign;
mod cases;
mod chasers;
mod deadlines;
mod export;
mod ingest;
mod init;
pub mod output;
mod report;
mod send;
mod serve;
mod users;

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
    /// One case: show, record an event, its deadline, set its status, note, assign, answer.
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// List the regimes (laws and clocks) bodies can be under.
    Regimes(cases::RegimesArgs),
    /// Deliver the emails that are due now (pacing and send window allowing), then exit.
    Send(send::SendArgs),
    /// The outbox: list emails by state; settle uncertain ones.
    Outbox(send::OutboxArgs),
    /// Read new replies from the configured source (Maildir or IMAP) once: keep each raw,
    /// parse, classify, attach to its case or put in triage.
    Fetch(ingest::FetchArgs),
    /// Import `.eml` or mbox files exported from a mail client, like `foi fetch`.
    ImportMail(ingest::ImportMailArgs),
    /// Emails that matched no case: list, show, attach to cases, dismiss.
    #[command(subcommand)]
    Triage(ingest::TriageCommand),
    /// One message: show (or --raw), override its classification.
    #[command(subcommand)]
    Message(ingest::MessageCommand),
    /// Save an attachment to a file.
    #[command(subcommand)]
    Attachment(ingest::AttachmentCommand),
    /// Deadline calculator: the due date of a request received on a date, under a regime.
    Deadline(deadlines::DeadlineArgs),
    /// Open cases past their due date, most overdue first, in working days.
    Overdue(deadlines::OverdueArgs),
    /// Export every open case's due date: `--ics` writes an iCalendar file.
    Deadlines(deadlines::DeadlinesArgs),
    /// A campaign's coded answers: import a CSV, suggest from replies, confirm, list questions.
    #[command(subcommand)]
    Answers(answers::AnswersCommand),
    /// Export a campaign's cases as CSV, or a case's evidence (raw emails, attachments,
    /// timeline) to a folder.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Chasers: take due steps, list those waiting for a person, approve, skip.
    #[command(subcommand)]
    Chasers(chasers::ChasersCommand),
    /// A campaign's results: requests sent, delivered, acknowledged, answered on time and
    /// late, overdue, refused (by exemption), median working days to answer, and each
    /// question's answers per group with their base; as text, CSV, JSON or one HTML file.
    Report(report::ReportArgs),
    /// The staff dashboard: a web server on loopback (sign in with a `foi users` account).
    Serve(serve::ServeArgs),
    /// Who may sign in to the dashboard: add, list, remove, passwd.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// The long-running scheduler: fetches replies, takes due chaser steps, sends as pacing
    /// allows, sleeps until the next due email or fetch, stops cleanly on Ctrl-C or SIGTERM
    /// (in-flight sends finish and are recorded).
    Run {
        /// Take no chaser steps.
        #[arg(long)]
        no_chasers: bool,
        /// Fetch no replies.
        #[arg(long)]
        no_fetch: bool,
    },
}

/// What every command except `init` works with.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
}

/// `foi campaign` subcommands that send (launch) or change sending.
fn is_send(cmd: &campaign::CampaignCommand) -> bool {
    use campaign::CampaignCommand as C;
    matches!(
        cmd,
        C::Launch { .. }
            | C::Pause { .. }
            | C::Resume { .. }
            | C::Cancel { .. }
            | C::Message { .. }
    )
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

    /// The regimes: built in, and defined in the config.
    pub fn regimes(&self) -> anyhow::Result<crate::deadlines::Regimes> {
        self.config.regimes()
    }
}

/// Run one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(args) => init::run(args).await,
        Command::Bodies(cmd) => bodies::run(&App::load(&cli.config).await?, cmd).await,
        Command::Campaign(cmd) if is_send(&cmd) => {
            let app = App::load(&cli.config).await?;
            match cmd {
                campaign::CampaignCommand::Launch { name, at, dry_run } => {
                    send::launch(&app, &name, at, dry_run).await
                }
                campaign::CampaignCommand::Pause { name } => {
                    send::set_state(&app, &name, "pause").await
                }
                campaign::CampaignCommand::Resume { name } => {
                    send::set_state(&app, &name, "resume").await
                }
                campaign::CampaignCommand::Cancel { name } => {
                    send::set_state(&app, &name, "cancel").await
                }
                campaign::CampaignCommand::Message {
                    name,
                    template,
                    select,
                    dry_run,
                } => chasers::campaign_message(&app, &name, template, select, dry_run).await,
                _ => unreachable!("is_send covers these"),
            }
        }
        Command::Campaign(cmd) => campaign::run(&App::load(&cli.config).await?, cmd).await,
        Command::Cases(cmd) => cases::run_cases(&App::load(&cli.config).await?, cmd).await,
        Command::Case(cmd) => cases::run_case(&App::load(&cli.config).await?, cmd).await,
        Command::Regimes(args) => cases::run_regimes(&Config::load(&cli.config)?, args),
        Command::Send(args) => send::send(&App::load(&cli.config).await?, args).await,
        Command::Outbox(args) => send::outbox(&App::load(&cli.config).await?, args).await,
        Command::Fetch(args) => ingest::fetch(&App::load(&cli.config).await?, args).await,
        Command::ImportMail(args) => {
            ingest::import_mail(&App::load(&cli.config).await?, args).await
        }
        Command::Triage(cmd) => ingest::triage(&App::load(&cli.config).await?, cmd).await,
        Command::Message(cmd) => ingest::message(&App::load(&cli.config).await?, cmd).await,
        Command::Attachment(cmd) => ingest::attachment(&App::load(&cli.config).await?, cmd).await,
        Command::Deadline(args) => deadlines::calculator(&cli.config, args),
        Command::Overdue(args) => deadlines::overdue(&App::load(&cli.config).await?, args).await,
        Command::Deadlines(args) => deadlines::ics(&App::load(&cli.config).await?, args).await,
        Command::Answers(cmd) => answers::run(&App::load(&cli.config).await?, cmd).await,
        Command::Export(cmd) => export::run(&App::load(&cli.config).await?, cmd).await,
        Command::Chasers(cmd) => chasers::run(&App::load(&cli.config).await?, cmd).await,
        Command::Report(args) => report::run(&App::load(&cli.config).await?, args).await,
        Command::Serve(args) => serve::run(App::load(&cli.config).await?, args).await,
        Command::Users(cmd) => users::run(&App::load(&cli.config).await?, cmd).await,
        Command::Run {
            no_chasers,
            no_fetch,
        } => {
            let turns = crate::scheduler::Turns {
                fetch: !no_fetch,
                chasers: !no_chasers,
            };
            send::run(&App::load(&cli.config).await?, turns).await
        }
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
