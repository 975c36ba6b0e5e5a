//! Text rules every layer shares. What makes hostile mail content safe to show and to
//! store: HTML sanitised for display and text escaped into HTML, attachment file names
//! safe on any file system, display strings from headers, cuts that never split a
//! character. And how a reply reads: an HTML body as plain text, mojibake undone, the new
//! part of a reply without the quoted earlier message, the exemptions it cites.
//!
//! Ingestion, classification, the report, the answers, the export, the CLI and the
//! dashboard all use these, so a rule is written once: the dashboard sanitises HTML as
//! ingestion does, the report finds exemptions as the classifier does.
//!
//! This module is pure: every function is total (any input, no panic, a bounded result)
//! and it imports nothing of ours and no IO crate (no store, network, file system or
//! clock). Its only dependencies are pure libraries: ammonia (the HTML sanitiser), memchr,
//! and mail-parser's table of HTML entities.

mod addresses;
mod csv_cell;
mod display;
mod error_chain;
mod exemptions;
mod file_name;
mod html;
mod html_text;
mod quotes;
pub mod redact;
mod truncate;

pub use addresses::{find_addresses, normalize_message_id};
pub use csv_cell::{neutralise_formula, restore_formula, CsvCells};
pub use display::{clean_display_text, repair_mojibake};
pub use error_chain::{error_chain_text, join_error_chain};
pub use exemptions::exemptions_in;
pub use file_name::{
    extension_for_content_type, fallback_file_name, sanitize_file_name, MAX_FILE_NAME_BYTES,
};
pub use html::{escape_html, html_depth, sanitize_html, MAX_HTML_DEPTH};
pub use html_text::{html_to_text, looks_like_html};
pub use quotes::{fresh_text, MAX_FRESH_CHARS};
pub use truncate::{truncate_bytes, truncate_chars};
