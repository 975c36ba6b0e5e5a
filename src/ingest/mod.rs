//! Ingestion: turning the replies public bodies send into messages on cases.
//!
//! The pure part lives here: [`parse`] turns raw email bytes (hostile input) into a
//! bounded, sanitised [`parse::ParsedMessage`] (one file per step: headers, MIME tree,
//! bodies, attachments, delivery reports); [`classify`] says what kind of reply it is
//! (bounce, auto-reply, acknowledgement, clarification request, refusal, response) and
//! why (one file per kind of evidence). They make file names and HTML safe, and read a reply's new text and its
//! exemptions, with the rules of [`crate::text`], which the rest of the crate shares. None
//! of these touch the store, the network, the file system or the clock, so they can be
//! tested and fuzzed on bytes alone.
//!
//! Built on these, and seeing the store: [`matcher`] finds an email's case(s) (token,
//! thread, reference, body reference, sender) or says why it goes to triage; [`pipeline`]
//! stores each email raw first, then records what was found (its text, its sanitised HTML
//! for the case page, attachments, events); [`fetch`] reads Maildir, IMAP and `.eml`/mbox
//! sources, and [`idle`] wakes `foi run` when the IMAP server announces new mail.
//! [`documents`] reads the text of stored attachments afterwards, in a child process
//! under limits (PDF, OCR, office files, spreadsheets, archives).

pub mod classify;
pub mod documents;
pub mod fetch;
pub mod formats;
pub mod idle;
pub mod matcher;
pub mod mbox;
pub mod parse;
pub mod pipeline;
