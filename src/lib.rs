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
//! ## Modules and the dependency rule
//! - [`domain`] and [`deadlines`]: pure types and rules. They import nothing of ours and no
//!   IO crate (no sqlx, lettre, imap, tokio).
//! - [`store`] (the only SQL) and [`templates`] see `domain`.
//! - `sender` and `ingest` see `domain`, `store`, `templates`, [`clock`].
//! - [`staff`] (a person's status change, note, assignment), [`answers`] (questions,
//!   coding, suggestions) and [`export`] (cases CSV, evidence folders) see `domain`,
//!   `store`, `casework` and `ingest`'s text helpers; the CLI, the report and the dashboard
//!   share them.
//! - [`cli`] and [`web`] (the dashboard, `foi serve`) tie everything together; only `cli`
//!   imports `web`, nothing imports `cli`.
//! - [`config`] is the typed `foi.toml`; [`clock`] is the only reader of the current time.

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
pub mod report;
pub mod scheduler;
pub mod sender;
pub mod standing;
pub mod store;
pub mod templates;
pub mod web;
