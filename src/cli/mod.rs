//! The `foi` command line, thin: one folder per noun and one file per verb (as himalaya
//! lays out its CLI). Each verb is a clap struct with an `execute` that parses what is left
//! into domain types, calls the use cases (`casework`) or the workers, and prints through
//! the one [`Printer`] (table | `--json` | `--csv`; data to stdout, logs and progress to
//! stderr). The doc comments on [`Command`] and on each noun's enum are the `--help`.
//!
//! Top-level verbs (`init`, `send`, `fetch`, `report` ...) are files here; nouns with verbs
//! (`case`, `campaign`, `chasers` ...) are folders. `app.rs` loads what commands work
//! with, `args.rs` holds the arguments several share. This is the layer that ties
//! everything together; nothing imports it.

mod answers;
mod app;
mod args;
mod attachment;
mod auth;
mod bodies;
mod campaign;
mod case;
mod cases;
mod chasers;
mod deadline;
mod deadlines;
mod documents;
mod export;
mod fetch;
mod import_mail;
mod init;
mod message;
mod outbox;
mod overdue;
mod printer;
mod publish;
mod regimes;
mod report;
mod run;
mod search;
mod send;
mod serve;
mod triage;
mod users;

pub use app::App;
pub use printer::{FormatArgs, Printer, Table};

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

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

    /// Write CSV cells exactly as they are. By default a cell starting with =, +, -, @, a
    /// tab or a carriage return gets a leading ' so a spreadsheet shows it instead of
    /// running it as a formula.
    #[arg(long, global = true)]
    pub raw_csv: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a working folder: foi.toml, the database and the data folders.
    Init(init::InitCommand),
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
    Case(case::CaseCommand),
    /// List the regimes (laws and clocks) bodies can be under.
    Regimes(regimes::RegimesCommand),
    /// Deliver the emails that are due now (pacing and send window allowing), then exit.
    Send(send::SendCommand),
    /// The outbox: list emails by state; settle uncertain ones.
    Outbox(outbox::OutboxCommand),
    /// Read new replies from the configured source (Maildir or IMAP) once: keep each raw,
    /// parse, classify, attach to its case or put in triage.
    Fetch(fetch::FetchCommand),
    /// Import `.eml` or mbox files exported from a mail client, like `foi fetch`.
    ImportMail(import_mail::ImportMailCommand),
    /// Emails that matched no case: list, show, attach to cases, dismiss.
    #[command(subcommand)]
    Triage(triage::TriageCommand),
    /// One message: show (or --raw), override its classification.
    #[command(subcommand)]
    Message(message::MessageCommand),
    /// Save an attachment to a file.
    #[command(subcommand)]
    Attachment(attachment::AttachmentCommand),
    /// The text of attachments: list them with their extraction state (done, ocr, failed,
    /// skipped, pending), read the waiting ones (`extract`), show one's text (`show`).
    Documents(documents::DocumentsCommand),
    /// Deadline calculator: the due date of a request received on a date, under a regime.
    Deadline(deadline::DeadlineCommand),
    /// Open cases past their due date, most overdue first, in working days.
    Overdue(overdue::OverdueCommand),
    /// Export every open case's due date: `--ics` writes an iCalendar file.
    Deadlines(deadlines::DeadlinesCommand),
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
    Report(report::ReportCommand),
    /// Publish a campaign as a static site (summary with 95% intervals, every body, a page
    /// per case, methods) and a data package, personal data redacted; `--check` lists the
    /// redactions and what is left to review. Nothing leaves the machine: it writes a folder.
    Publish(publish::PublishCommand),
    /// Search the text of the emails and of their documents, ranked; `--reindex` rebuilds
    /// the index.
    Search(search::SearchCommand),
    /// The staff dashboard: a web server on loopback (sign in with a `foi users` account).
    Serve(serve::ServeCommand),
    /// Who may sign in to the dashboard: add, list, remove, passwd.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// The OAuth2 sign-in of the mailbox (Microsoft 365, Google Workspace): login, status,
    /// logout.
    #[command(subcommand)]
    Auth(auth::AuthCommand),
    /// The long-running scheduler: fetches replies, takes due chaser steps, sends as pacing
    /// allows, sleeps until the next due email or fetch, stops cleanly on Ctrl-C or SIGTERM
    /// (in-flight sends finish and are recorded).
    Run(run::RunCommand),
}

impl Command {
    /// Run the command, printing its data to `out`. All but `init`, `regimes` and
    /// `deadline` (which work without a database) load the [`App`] first.
    pub async fn execute(self, config: &std::path::Path, out: &mut Printer) -> anyhow::Result<()> {
        let read_only = self.reads_only();
        let app = || App::load_for(config, read_only);
        match self {
            Self::Init(c) => c.execute(out).await,
            Self::Regimes(c) => c.execute(config, out),
            Self::Deadline(c) => c.execute(config, out),
            Self::Bodies(c) => c.execute(&app().await?, out).await,
            Self::Campaign(c) => c.execute(&app().await?, out).await,
            Self::Cases(c) => c.execute(&app().await?, out).await,
            Self::Case(c) => c.execute(&app().await?, out).await,
            Self::Send(c) => c.execute(&app().await?, out).await,
            Self::Outbox(c) => c.execute(&app().await?, out).await,
            Self::Fetch(c) => c.execute(&app().await?, out).await,
            Self::ImportMail(c) => c.execute(&app().await?, out).await,
            Self::Triage(c) => c.execute(&app().await?, out).await,
            Self::Message(c) => c.execute(&app().await?, out).await,
            Self::Attachment(c) => c.execute(&app().await?, out).await,
            Self::Documents(c) => c.execute(config, out).await,
            Self::Overdue(c) => c.execute(&app().await?, out).await,
            Self::Deadlines(c) => c.execute(&app().await?, out).await,
            Self::Answers(c) => c.execute(&app().await?, out).await,
            Self::Export(c) => c.execute(&app().await?, out).await,
            Self::Chasers(c) => c.execute(&app().await?, out).await,
            Self::Report(c) => c.execute(&app().await?, out).await,
            Self::Publish(c) => c.execute(&app().await?, out).await,
            Self::Search(c) => c.execute(&app().await?, out).await,
            Self::Serve(c) => c.execute(app().await?, out).await,
            Self::Users(c) => c.execute(&app().await?, out).await,
            Self::Auth(c) => c.execute(&app().await?, out).await,
            Self::Run(c) => c.execute(&app().await?, out).await,
        }
    }
}

impl Command {
    /// Whether the command only reads the database: it opens it read-only (no migration,
    /// no write), so it works on a database that may not be written.
    pub fn reads_only(&self) -> bool {
        use answers::AnswersCommand as An;
        use bodies::BodiesCommand as B;
        use case::CaseCommand as C;
        use chasers::ChasersCommand as Ch;
        use triage::TriageCommand as T;
        match self {
            Self::Cases(_)
            | Self::Overdue(_)
            | Self::Deadlines(_)
            | Self::Export(_)
            | Self::Report(_) => true,
            Self::Bodies(c) => matches!(c, B::List(_) | B::Show(_)),
            Self::Campaign(c) => matches!(c, campaign::CampaignCommand::List(_)),
            Self::Case(c) => matches!(c, C::Show(_) | C::Deadline(_)),
            Self::Outbox(c) => matches!(c.action, None | Some(outbox::OutboxAction::Show(_))),
            Self::Chasers(c) => matches!(c, Ch::Pending(_) | Ch::Show(_)),
            Self::Triage(c) => matches!(c, T::List(_) | T::Show(_)),
            Self::Message(c) => matches!(c, message::MessageCommand::Show(_)),
            Self::Attachment(c) => matches!(c, attachment::AttachmentCommand::Save(_)),
            Self::Users(c) => matches!(c, users::UsersCommand::List(_)),
            Self::Answers(c) => matches!(c, An::Questions(_) | An::Suggestions(_)),
            _ => false,
        }
    }
}

/// What a command that writes says when the database cannot be written.
const READ_ONLY_DATABASE: &str =
    "the database cannot be written (its file or its folder is read-only), \
     and this command changes it; nothing was changed. Commands that only read work on it \
     (`foi cases list`, `foi case show`, `foi overdue`, `foi report`, `foi bodies list`, \
     `foi outbox`, `foi export cases`...). To change it, make the file and its folder \
     writable by this user, or work on a writable copy";

/// Run one parsed command line. What it printed is flushed even when it fails, before the
/// error is reported.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut out =
        Printer::stdout().with_csv_cells(crate::text::CsvCells::from_raw_flag(cli.raw_csv));
    // (a command that only reads fails on such a database only when it must be migrated
    // first, and its own error says so)
    let writes = !cli.command.reads_only();
    let done = cli.command.execute(&cli.config, &mut out).await;
    let flushed = out.flush();
    done.map_err(|e| {
        if writes && crate::store::is_read_only_error(&e) {
            anyhow::anyhow!(READ_ONLY_DATABASE)
        } else {
            e
        }
    })?;
    Ok(flushed?)
}

/// Start logging to stderr.
///
/// Our own modules log as `-v`/`-vv`/`RUST_LOG` ask; every other crate is capped at
/// [`THIRD_PARTY_MAX_LEVEL`] whatever is asked, because their debug and trace output
/// carries protocol lines, credentials among them (lettre wrote `AUTH PLAIN <base64>`,
/// async-imap writes `LOGIN user password`).
///
/// Both filters are global (layers of their own), not a filter of the output layer: a
/// crate that logs through `log` (html5ever, rustls) asks `log_enabled!` before it formats
/// a line, and tracing answers that question for a per-layer filter with "yes" whatever
/// the filter says (it learns a per-layer filter's "no" only from a callsite, which a
/// `log` record lacks). html5ever then formatted every token of every HTML email it read
/// for a debug line that was thrown away: 6-7% of `foi fetch`'s CPU.
pub fn init_tracing(verbose: u8) {
    use tracing_subscriber::util::SubscriberInitExt;
    let asked = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter(verbose)));
    let _ = subscriber(asked).try_init();
}

/// What is logged when `RUST_LOG` does not say: by `-v`/`-vv`.
fn default_filter(verbose: u8) -> &'static str {
    // (without -v, the scheduler's brief line per turn that did something: `foi run`)
    match verbose {
        0 => "warn,foi::scheduler=info",
        1 => "foi=debug,info",
        _ => "trace",
    }
}

/// The subscriber [`init_tracing`] installs: the levels `asked`, every other crate capped,
/// lines to stderr.
fn subscriber(asked: tracing_subscriber::EnvFilter) -> impl tracing::Subscriber + Send + Sync {
    use tracing_subscriber::filter::{filter_fn, LevelFilter};
    use tracing_subscriber::prelude::*;
    // (no level of its own: the most verbose level asked stays the cheap first check)
    let capped = filter_fn(|m| logs_freely(m.target()) || *m.level() <= THIRD_PARTY_MAX_LEVEL)
        .with_max_level_hint(LevelFilter::TRACE);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colour(
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
            std::env::var_os("NO_COLOR").as_deref(),
        ));
    tracing_subscriber::registry()
        .with(asked)
        .with(capped)
        .with(layer)
}

/// Whether log lines are coloured: only on a terminal, and never when `NO_COLOR` is set
/// to anything but the empty string (<https://no-color.org>). A log file or a pipe gets
/// plain text.
pub fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// The most any crate but ours may log: warnings and errors only.
pub const THIRD_PARTY_MAX_LEVEL: tracing::Level = tracing::Level::WARN;

/// Whether a log target is one of our modules (which never log a secret).
pub fn logs_freely(target: &str) -> bool {
    target == "foi" || target.starts_with("foi::")
}

#[cfg(test)]
mod tests {
    use super::colour;
    use std::ffi::OsStr;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(OsStr::new(""))));
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None));
        assert!(!colour(false, Some(OsStr::new("1"))));
    }

    /// A crate that logs through `log` is told "not enabled" below the cap, so it never
    /// formats the line (html5ever formatted every token of every HTML email when the
    /// answer was "yes"), at every verbosity; our own modules and third-party warnings
    /// still log. (`log` records reach the subscriber of the thread, as in `foi`; no
    /// subscriber is installed for the rest of the test process.)
    #[test]
    fn third_party_log_lines_below_the_cap_are_not_even_formatted() {
        use log::Level::{Debug, Info, Warn};
        let _ = tracing_log::LogTracer::init();
        for verbose in 0..=2 {
            let asked = tracing_subscriber::EnvFilter::new(super::default_filter(verbose));
            tracing::subscriber::with_default(super::subscriber(asked), || {
                assert!(!log::log_enabled!(target: "html5ever::tree_builder", Debug));
                assert!(!log::log_enabled!(target: "rustls::client", Info));
                assert!(log::log_enabled!(target: "html5ever::tree_builder", Warn));
                assert!(log::log_enabled!(target: "foi::scheduler", Info));
            });
        }
    }
}
