//! The bounds every message is parsed within, the cheap estimate of a message's structure
//! taken before parsing to enforce them, and what is said of a message that exceeds them.

use serde::Serialize;

/// Bounds applied to every message. The defaults suit a campaign mailbox; the size limit
/// comes from the configuration (`Limits { max_message_bytes, ..Limits::default() }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger messages are not parsed beyond their headers (default 50 MiB).
    pub max_message_bytes: usize,
    /// Upper bound on MIME parts and nested messages, estimated before parsing by counting
    /// boundary-like `--` runs and `message/` types (default 2,000). Over it: headers only.
    pub max_mime_parts: usize,
    /// Upper bound on multipart containers, estimated before parsing by counting
    /// `boundary=` parameters (default 64). Each container whose boundary never appears
    /// costs mail-parser a scan of the rest of the message. Over it: headers only.
    pub max_multiparts: usize,
    /// Upper bound on header fields, estimated before parsing by counting lines with a
    /// `:` (default 200,000). Over it: headers only.
    pub max_header_fields: usize,
    /// How much of the top-level header block is read when the body is not parsed
    /// (default 256 KiB).
    pub max_header_bytes: usize,
    /// Attachments kept per message; later ones are noted, not extracted (default 500).
    pub max_attachments: usize,
    /// Characters kept of the text body (default 1,000,000). A text rendition of HTML
    /// reads at most four bytes of HTML per character of this.
    pub max_text_chars: usize,
    /// Bytes of HTML handed to the sanitiser (default 1 MiB): building the HTML tree
    /// costs many times its size in memory. Longer HTML is cut, and noted.
    pub max_html_bytes: usize,
    /// Characters kept of a single header value such as the subject (default 2,000).
    pub max_header_chars: usize,
    /// Addresses kept per address list, ids kept per id list, recipients kept per delivery
    /// report (default 500).
    pub max_list_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 50 * 1024 * 1024,
            max_mime_parts: 2_000,
            max_multiparts: 64,
            max_header_fields: 200_000,
            max_header_bytes: 256 * 1024,
            max_attachments: 500,
            max_text_chars: 1_000_000,
            max_html_bytes: 1024 * 1024,
            max_header_chars: 2_000,
            max_list_items: 500,
        }
    }
}

/// Why a message was not (fully) parsed. The raw bytes are kept regardless; this is the
/// reason a person sees in triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ParseProblem {
    /// Over [`Limits::max_message_bytes`]: only the headers were read.
    #[error(
        "the message is {size} bytes, over the limit of {limit} bytes: only its headers were read"
    )]
    TooLarge {
        /// Size of the raw message in bytes.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// Over one of the structure limits ([`Limits::max_mime_parts`],
    /// [`Limits::max_multiparts`], [`Limits::max_header_fields`]): only the headers were
    /// read, because parsing it would cost far more than its size suggests.
    #[error("the message has about {estimated} {what}, over the limit of {limit}: only its headers were read")]
    TooComplex {
        /// What was counted ("MIME parts or nested messages", ...).
        what: String,
        /// The pre-parse estimate.
        estimated: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The MIME parser failed on the message (a bug in it, which hostile input can
    /// reach): the headers were read again on their own where possible.
    #[error("the MIME parser failed on this message: only its headers were read")]
    ParserFailed,
    /// Nothing that looks like an email header was found.
    #[error("no email headers could be read: this does not look like an email")]
    Unparseable,
}

/// Cheap counts taken before parsing, to refuse structures that would cost far more
/// memory or time than the message's size suggests.
pub(super) struct Shape {
    /// Runs of two or more `-`: every MIME boundary starts with one.
    pub(super) dash_runs: usize,
    /// Occurrences of `message/`: every nested message is declared with one.
    pub(super) message_types: usize,
    /// Lines containing `:`: every header field needs a line of its own with one.
    pub(super) colons: usize,
    /// `boundary=` parameters: every multipart container declares one.
    pub(super) boundaries: usize,
}

impl Shape {
    pub(super) fn of(raw: &[u8]) -> Self {
        let mut shape = Shape {
            dash_runs: 0,
            message_types: 0,
            colons: 0,
            boundaries: 0,
        };
        // Only the bytes that matter are visited (memchr finds them many at a time): the
        // rest of a message, base64 above all, is skipped.
        let mut colon_on_line = false;
        for i in memchr::memchr3_iter(b'-', b':', b'\n', raw) {
            match raw[i] {
                // a run of dashes counts once, at its second dash
                b'-' => {
                    if i >= 1 && raw[i - 1] == b'-' && (i < 2 || raw[i - 2] != b'-') {
                        shape.dash_runs += 1;
                    }
                }
                b':' => {
                    if !colon_on_line {
                        shape.colons += 1;
                        colon_on_line = true;
                    }
                }
                _ => colon_on_line = false,
            }
        }
        for i in memchr::memchr2_iter(b'/', b'=', raw) {
            if raw[i] == b'/' {
                if i >= 7
                    && raw
                        .get(i - 7..i)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"message"))
                {
                    shape.message_types += 1;
                }
            } else if i >= 8 {
                let window = raw.get(i.saturating_sub(16)..i).unwrap_or(&[]);
                let name = window.trim_ascii_end();
                if name.len() >= 8
                    && name
                        .get(name.len() - 8..)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"boundary"))
                {
                    shape.boundaries += 1;
                }
            }
        }
        shape
    }

    pub(super) fn parts_estimate(&self) -> usize {
        self.dash_runs.saturating_add(self.message_types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape counts, a byte at a time: what [`Shape::of`] must agree with.
    fn shape_bytewise(raw: &[u8]) -> (usize, usize, usize, usize) {
        let (mut dash_runs, mut message_types, mut colons, mut boundaries) = (0, 0, 0, 0);
        let mut run = 0usize;
        let mut colon_on_line = false;
        for (i, &b) in raw.iter().enumerate() {
            if b == b'-' {
                run += 1;
                if run == 2 {
                    dash_runs += 1;
                }
                continue;
            }
            run = 0;
            match b {
                b':' if !colon_on_line => {
                    colons += 1;
                    colon_on_line = true;
                }
                b'\n' => colon_on_line = false,
                b'/' if i >= 7 && raw[i - 7..i].eq_ignore_ascii_case(b"message") => {
                    message_types += 1
                }
                b'=' if i >= 8 => {
                    let name = raw[i.saturating_sub(16)..i].trim_ascii_end();
                    if name.len() >= 8 && name[name.len() - 8..].eq_ignore_ascii_case(b"boundary") {
                        boundaries += 1;
                    }
                }
                _ => {}
            }
        }
        (dash_runs, message_types, colons, boundaries)
    }

    proptest::proptest! {
        #[test]
        fn the_shape_counts_agree_with_a_byte_at_a_time(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "-", "--", "---", ":", "\n", "a", " ", "message/", "MESSAGE/rfc822",
                    "boundary=", "Boundary =", "x=", "/", "=", "\r\n",
                ]),
                0..200,
            )
        ) {
            let raw = parts.concat();
            let shape = Shape::of(raw.as_bytes());
            proptest::prop_assert_eq!(
                (shape.dash_runs, shape.message_types, shape.colons, shape.boundaries),
                shape_bytewise(raw.as_bytes())
            );
        }
    }
}
