//! The text of attachments (issue 21): every stored attachment is read, after its email
//! is recorded, into text units with locators (`page 3`, `Sheet1!B4`,
//! `archive.zip/letter.pdf page 1`).
//!
//! Attachments are hostile, so the reading happens in a child process of `foi` (the
//! hidden `foi documents extract-one`, which reads the file on stdin and writes JSON
//! lines) under rlimits and a wall-clock timeout ([`sandbox`]); a hang, a crash or a
//! huge output records `failed: reason` and the rest goes on ([`batch`]).
//!
//! - [`read`]: what the child runs: sniff the type ([`sniff`]) and read it: PDF text layer
//!   and OCR, DOC, images ([`tools`]: poppler's `pdftotext`/`pdftoppm`, `tesseract`,
//!   `antiword`/`catdoc`), DOCX and ODT ([`office`]), XLSX/XLS/ODS and CSV ([`sheets`]),
//!   RTF (the TNEF reader's [`super::formats::rtf`]), HTML and text, ZIP members
//!   ([`archive`], bounded against zip bombs).
//! - [`sandbox`]: the parent's side: spawn, limit, time out, kill, read the lines.
//! - [`batch`]: pick the attachments to read from the store, read them in the sandbox
//!   (a few at once) and record each one's state and text.

pub mod archive;
pub mod batch;
pub mod first_page;
pub mod office;
pub mod read;
pub mod sandbox;
pub mod sheets;
pub mod sniff;
pub mod tools;

/// Limits on what one attachment may cost. The defaults are for `foi`; tests lower them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Attachments larger than this are skipped (never read).
    pub max_input: u64,
    /// CPU seconds of the child (RLIMIT_CPU), its tools each get as much.
    pub cpu_secs: u64,
    /// Address space of the child and each tool it runs (RLIMIT_AS).
    pub memory_bytes: u64,
    /// Largest file the child or its tools may write (RLIMIT_FSIZE: page images).
    pub file_bytes: u64,
    /// Wall-clock time after which the child (and its tools) are killed.
    pub wall: std::time::Duration,
    /// Bytes of JSON lines the parent reads before it kills the child.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input: 100 << 20,
            cpu_secs: 120,
            memory_bytes: 2 << 30,
            file_bytes: 512 << 20,
            wall: std::time::Duration::from_secs(300),
            max_output: 64 << 20,
        }
    }
}

/// Text kept from one document at most (the rest is left out, and the reason says so).
pub const MAX_TEXT: usize = 32 << 20;
/// Spreadsheet cells read at most from one file.
pub const MAX_CELLS: usize = 500_000;
/// Pages read by OCR at most from one PDF.
pub const MAX_OCR_PAGES: u32 = 30;
/// Resolution of page images for OCR.
pub const OCR_DPI: u32 = 200;
