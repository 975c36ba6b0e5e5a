//! Formats that MIME alone does not describe, read from bytes a MIME parser has already
//! taken apart: inline uuencode ([`uuencode`]), Microsoft's TNEF `winmail.dat`
//! ([`tnef`], with the compressed RTF it carries in [`rtf`]), charsets the MIME parser
//! does not know or that a part forgot to declare ([`charset`]), and bounces written in a
//! mail system's own words rather than as RFC 3464 reports ([`bounces`]).
//!
//! Every decoder here is total and bounded: any input, however hostile, gives a result
//! (possibly empty, with what was damaged said in words), never a panic; output is capped
//! by [`Bounds`] and time is linear in the input. Each has a cargo-fuzz target.
//!
//! This module is pure: it must not import `store`, `sender`, any IO or network crate, or
//! read the clock. Names it returns are as the sender declared them: callers sanitise
//! them (`sanitize::sanitize_file_name`) before they touch a disk or a page.
//!
//! # How parse and classify call them
//! Parse owns the calls; classify only ever sees their results:
//! 1. Charsets, per text part: when mail-parser does not know the part's charset, or the
//!    part has none and is not UTF-8, or says us-ascii and has 8-bit bytes, decode the
//!    part's transfer-decoded bytes with [`charset::decode`] (a guess is noted). Header
//!    values with encoded words that came out with U+FFFD are decoded again from the raw
//!    header with [`charset::decode_encoded_words`]. All stored text goes through
//!    [`charset::normalize_line_ends`].
//! 2. uuencode, per text body and per `x-uuencode` part: when [`uuencode::has_block`],
//!    [`uuencode::extract`]; the returned text replaces the body (classification then
//!    never reads a payload), the files become attachments, the damage becomes notes.
//! 3. TNEF, per `application/ms-tnef` or `winmail.dat` part (or bytes that start with
//!    [`tnef::SIGNATURE`]): [`tnef::read`]; its attachments (and those of embedded
//!    messages) become attachments of the reply, the `winmail.dat` is kept too; its body
//!    text (or its HTML, sanitised and rendered as text) becomes the text body when the
//!    email's own is empty; damage becomes notes.
//! 4. Bounces, only past the cheap gate parse already has (a mail-system sender, a bounce
//!    subject, `X-Failed-Recipients`): [`bounces::recognise`] on the text body, before
//!    the generic reader; its recipients become the report's (`action` `delayed` for a
//!    [`bounces::Severity::Delay`], which is `warning_only`), its quoted Message-ID and
//!    subject the original's, and its quoted senders are where the matcher looks for
//!    the reply token.

pub mod bounces;
pub mod charset;
pub mod rtf;
pub mod tnef;
pub mod uuencode;

use serde::Serialize;

/// Caps on what one decoder call may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Files kept; later ones are noted as damage, not decoded (default 500).
    pub max_files: usize,
    /// Bytes decoded in all, over every file and body (default 50 MiB, the default message
    /// size limit: no container legitimately holds more than the email that carried it).
    pub max_output_bytes: usize,
    /// Containers inside containers (a TNEF message attached to a TNEF message) followed
    /// (default 4).
    pub max_depth: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_files: 500,
            max_output_bytes: 50 * 1024 * 1024,
            max_depth: 4,
        }
    }
}

/// A file found where MIME did not say there was one: in a uuencode block, inside a
/// `winmail.dat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedFile {
    /// The name as declared (unsanitised, at most [`MAX_NAME_CHARS`] characters); empty
    /// when the container gave none.
    pub name: String,
    /// The MIME type the container declared, if any (TNEF's `PR_ATTACH_MIME_TAG`).
    pub content_type: Option<String>,
    /// The content-ID the container declared (TNEF's `PR_ATTACH_CONTENT_ID`), for inline
    /// images an HTML body refers to.
    pub content_id: Option<String>,
    /// The decoded bytes (what was decodable when the file was damaged).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// True when the file is known to be incomplete or partly undecodable.
    pub damaged: bool,
}

/// Longest declared name kept, in characters.
pub const MAX_NAME_CHARS: usize = 1024;

/// A declared name cut to [`MAX_NAME_CHARS`] characters, control characters and
/// surrounding white space removed.
fn bounded_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_string()
}

/// What is left of an output budget: every decoder charges its bytes here, so that no
/// input can make it produce more than [`Bounds::max_output_bytes`].
#[derive(Debug)]
struct Budget {
    left: usize,
}

impl Budget {
    fn new(bounds: &Bounds) -> Self {
        Self {
            left: bounds.max_output_bytes,
        }
    }

    /// Takes up to `wanted` bytes from the budget; returns how many may be written.
    fn take(&mut self, wanted: usize) -> usize {
        let granted = wanted.min(self.left);
        self.left -= granted;
        granted
    }
}
