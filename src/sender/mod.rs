//! The outbox worker: claim a due email, hand it to the transport, record the outcome.
//!
//! queued -> claimed (a durable commit, before the server sees a byte) -> sent | queued
//! (retry with backoff) | failed. The sender's journal notes each email before the server
//! can deliver it and again when the server takes it; the sent emails are recorded from it
//! in batches. A crash leaves only the emails that were in flight, marked `uncertain` at
//! the next start, for a person to settle. Pacing (global and per recipient domain) and the send window decide what may go
//! now. Sees `domain`, `store`, `templates`, `clock`, `config`, `net`; never the CLI.

mod error;
mod outcome;
mod pacer;
mod recorder;
mod smtp;
pub mod transport;
mod worker;

pub use error::SendError;
pub use outcome::{Idle, Outcome, SendStop, Summary};
pub use pacer::Pacer;
pub use transport::Transport;
pub use worker::{boot_id, receipt_date, RetryPolicy, Sender, SenderLock};
