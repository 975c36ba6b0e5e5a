//! # FOI Campaigner
//!
//! Bulk Freedom of Information campaigns: import a directory of public **bodies**, send each
//! a personalised request (a **campaign** creates one **case** per body), keep every
//! **message** and **event** on its case, compute statutory deadlines, chase late bodies,
//! and report the coded **answers**.
//!
//! ```text
//! bodies.csv ─import─▶ bodies ─select─▶ campaign ─launch─▶ cases + outbox
//! outbox ─scheduler─▶ SMTP | .eml files        IMAP | Maildir ─fetch─▶ messages ─match─▶ case | triage
//! events ─deadlines─▶ due dates ─▶ overdue, chasers        cases + answers ─▶ report
//! ```
//!
//! # Layout
//!
//! One package: this library and the thin `foi` binary (`main.rs`: parse the command
//! line, start logging, call [`cli::run`]). Floors from the top; a module imports only
//! modules on its own floor or below, and no two
//! files import each other.
//!
//! ```text
//! faces       cli/  web/                  parse, call the use cases, print or render
//! loop        scheduler.rs                foi run: turns of fetch, sweep, send
//! use cases   casework/                   one function per thing a person does
//! workers     sender/  ingest/            the outbox worker; reading replies
//! reports     report/  publish/           tallies and renderings, the published site; pure
//! seams       store/  templates.rs  config/  standing/
//! ground      domain/  deadlines/  text/  net/  clock.rs  lock.rs
//! ```
//!
//! - [`cli`]: one folder per noun, one file per verb; each verb a clap struct with an
//!   `execute`; data goes out through the one [`cli::Printer`] (table, `--json`, `--csv`).
//!   Imports anything; nothing imports it.
//! - [`web`]: the dashboard (`foi serve`): axum extractors parse, the use cases act,
//!   askama templates render. Imports anything but `cli`, `scheduler`; only `cli`
//!   imports it.
//! - [`scheduler`]: `foi run`, a loop of [`scheduler::Scheduler::turn`]s. Sees the
//!   workers, `casework` (the chaser sweep), `store`, `config`, `clock`.
//! - [`casework`]: the use cases both faces call (launch, a pilot and its release, the
//!   queue's finish, chase, answer, triage, export, report a campaign, compose and the MIME builder ...). Sees the workers and every floor
//!   below; never `cli`, `web`, `scheduler`.
//! - [`sender`] (claim, send the stored bytes, record; `SendError`; pacing with gateways and
//!   the pure finish estimate that plays it forward) and [`ingest`] (keep, parse, classify,
//!   match, record replies; `ingest::documents` reads the text of attachments in a sandboxed
//!   child process): the workers. They see `store`, `domain`, `text`,
//!   `deadlines`, `net`, `clock`, `lock` and their own part of the settings
//!   ([`config::SendSettings`], [`config::FetchSettings`]); not each other. `ingest` also
//!   reads a campaign's text template by its name in [`templates`]: a reply is classified
//!   without the sentences of our request it pastes back.
//! - [`report`]: the tally of a campaign's rows and its renderings (text, CSV, JSON,
//!   HTML + SVG, iCalendar). Pure: sees `domain`, `deadlines`, `standing`, `store`'s row
//!   types and `text`.
//! - [`publish`]: the static site and data package of `foi publish`, rendered from what
//!   `casework::publish` gathered and redacted. Pure: sees `report`, `text`, `domain`.
//! - [`store`]: the ONLY place with SQL; returns domain types and a typed error
//!   ([`store::StoreError`]: `NotFound` or `Other`). Sees `domain` only. SQLite-only
//!   machinery is named: `script.rs` (positional-binding scripts), `timelines.rs`
//!   (`group_concat` bulk reads), `progress.rs`, `ids.rs`, the PRAGMAs in `mod.rs`.
//! - [`templates`]: handlebars in strict mode. Sees `domain`.
//! - [`config`]: the typed `foi.toml`, and [`config::Settings`], resolved once at start
//!   into the parts each worker needs. Sees `domain`, `deadlines`, `net`.
//! - [`standing`]: where a case stands, derived from its events (clock events, deadline,
//!   what is owed, the status an event sets). Pure: sees `domain` and `deadlines`.
//! - [`domain`] (types and rules: body, campaign, case, event, ids, reference, token) and
//!   [`deadlines`] (calendars, regimes, the clock, the send window): pure; they import
//!   nothing of ours and no IO crate.
//! - [`text`]: the text rules every layer shares (quote stripping, exemptions, HTML
//!   sanitising and escaping, file names, display strings, truncation): pure; imports
//!   nothing of ours and no IO crate.
//! - [`net`]: TLS trust, the IMAP connection and the OAuth2 sign-in (device grant, token
//!   refresh, the SASL strings); it sees only `clock`. [`clock`]: the only reader of the
//!   current time. [`lock`]: the lock file that keeps one process sending and one reading
//!   mail. Process plumbing: `clock` and `lock` import nothing of ours.

// Data goes to stdout through `cli::Printer` only: a bare `println!` panics when the reader
// of a pipe goes away.
#![deny(clippy::print_stdout)]

pub mod casework;
pub mod cli;
pub mod clock;
pub mod config;
pub mod deadlines;
pub mod domain;
pub mod ingest;
pub mod lock;
pub mod net;
pub mod publish;
pub mod report;
pub mod scheduler;
pub mod sender;
pub mod standing;
pub mod store;
pub mod templates;
pub mod text;
pub mod web;
