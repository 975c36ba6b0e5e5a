//! Ingestion: turning the replies public bodies send into messages on cases.
//!
//! The pure part lives here: [`parse`] turns raw email bytes (hostile input) into a
//! bounded, sanitised [`parse::ParsedMessage`]; [`classify`] says what kind of reply it is
//! (bounce, auto-reply, acknowledgement, clarification request, refusal, response) and
//! why; [`sanitize`] holds the rules that make file names and HTML safe. None of these
//! touch the store, the network, the file system or the clock, so they can be tested and
//! fuzzed on bytes alone.
//!
//! Built on these, and seeing the store: [`matcher`] finds an email's case(s) (token,
//! thread, reference, body reference, sender) or says why it goes to triage; [`pipeline`]
//! stores each email raw first, then records what was found; [`fetch`] reads Maildir,
//! IMAP and `.eml`/mbox sources.

pub mod classify;
pub mod fetch;
pub mod formats;
pub mod idle;
pub mod matcher;
pub mod parse;
pub mod pipeline;
pub mod sanitize;
pub mod staff;
