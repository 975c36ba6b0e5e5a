//! Ingestion: turning the replies public bodies send into messages on cases.
//!
//! The pure part lives here: [`parse`] turns raw email bytes (hostile input) into a
//! bounded, sanitised [`parse::ParsedMessage`]; [`classify`] says what kind of reply it is
//! (bounce, auto-reply, acknowledgement, clarification request, refusal, response) and
//! why; [`sanitize`] holds the rules that make file names and HTML safe. None of these
//! touch the store, the network, the file system or the clock, so they can be tested and
//! fuzzed on bytes alone.
//!
//! Mailbox sources (IMAP, Maildir, `.eml`) and matching replies to cases build on these.

pub mod classify;
pub mod parse;
pub mod sanitize;
