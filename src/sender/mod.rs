//! The outbox worker: claim a due email, hand it to the transport, record the outcome.
//!
//! queued -> claimed (a durable commit, before the server sees a byte) -> sent | queued
//! (retry with backoff) | failed. The sender's journal notes each email before the server
//! can deliver it and again when the server takes it; the sent emails are recorded from it
//! in batches. A crash leaves only the emails that were in flight, marked `uncertain` at
//! the next start, for a person to settle. Pacing (global and per recipient domain) and the
//! send window decide what may go now.
//!
//! Files: `worker.rs` (the loop and one step), `recorder.rs` (the task that claims and
//! records on one connection), `transport.rs` (files or SMTP), `smtp.rs` (our SMTP
//! sessions), `pacer.rs`, `outcome.rs` (what it reports), `error.rs` (`SendError`).
//!
//! A worker: sees `domain`, `store`, `deadlines` (the send window, dates of receipt),
//! `clock`, `lock`, `net` and its part of the settings ([`crate::config::SendSettings`]);
//! never `ingest`, `casework` or the faces. It builds no email: it sends the bytes stored
//! in the outbox.

mod error;
pub mod estimate;
mod outcome;
mod pacer;
mod recorder;
mod smtp;
pub mod transport;
mod worker;

pub use error::SendError;
pub use outcome::{Idle, Outcome, SendStop, Summary};
pub use pacer::{Group, Pacer};
pub use transport::Transport;
pub use worker::{boot_id, receipt_date, RetryPolicy, Sender, SenderLock};
