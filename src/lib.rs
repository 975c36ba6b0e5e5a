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
//! - [`text`]: the pure text rules every layer shares (HTML sanitising and escaping, file
//!   names, display strings, truncation, quotes, exemptions). Imports nothing of ours and no
//!   IO crate.
//! - [`store`] (the only SQL) and [`templates`] see `domain`.
//! - `sender` and `ingest` see `domain`, `store`, `templates`, `text`, [`clock`].
//! - [`staff`] (a person's status change, note, assignment), [`answers`] (questions,
//!   coding, suggestions) and [`export`] (cases CSV, evidence folders) see `domain`,
//!   `store`, `casework` and `text`; the CLI, the report and the dashboard
//!   share them.
//! - [`cli`] and [`web`] (the dashboard, `foi serve`) tie everything together; only `cli`
//!   imports `web`, nothing imports `cli`.
//! - [`config`] is the typed `foi.toml`; [`clock`] is the only reader of the current time.

pub mod answers;
pub mod casework;
pub mod chasers;
pub mod cli;
pub mod clock;
pub mod compose;
pub mod config;
pub mod deadlines;
pub mod domain;
pub mod export;
pub mod ics;
pub mod ingest;
pub mod launch;
pub mod lock;
pub mod net;
pub mod overdue;
pub mod report;
pub mod scheduler;
pub mod sender;
pub mod staff;
pub mod store;
pub mod templates;
pub mod text;
pub mod web;
