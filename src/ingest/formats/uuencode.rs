//! Inline uuencode: `begin 644 name` ... `end` blocks in a text body, or a body that is
//! nothing but one (`Content-Transfer-Encoding: x-uuencode`).
//!
//! [`extract`] finds every block, decodes what it can and gives back the text without the
//! blocks, so that an attachment's payload is never read as words (a run of uuencode once
//! spelt "S36" and made a reply a refusal). Damage is tolerated the way `uudecode` users
//! expect: lines whose length byte disagrees with their length (mail systems strip
//! trailing spaces), stray lines inside a block, a missing `end`. What decodes is kept,
//! the file is marked damaged and the damage said in words.

use super::{bounded_name, Bounds, Budget, DecodedFile};

/// What [`extract`] found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    /// The text with every decoded block removed (line ends kept as they were).
    pub text: String,
    /// The files, in the order their blocks appear.
    pub files: Vec<DecodedFile>,
    /// What was damaged or left out, one sentence each (at most [`MAX_DAMAGE_NOTES`]).
    pub damage: Vec<String>,
}

/// Damage sentences kept per call.
pub const MAX_DAMAGE_NOTES: usize = 20;

/// Consecutive lines that are not uuencode after which a block without `end` is taken to
/// have ended (those lines are text again).
const STRAY_LINES_TOLERATED: usize = 2;

/// True when the text has a line that opens a uuencode block: a cheap test before
/// [`extract`].
pub fn has_block(text: &str) -> bool {
    text.split('\n').any(|line| begin_line(line).is_some())
}

/// Finds, decodes and removes the uuencode blocks of a text.
pub fn extract(text: &str, bounds: &Bounds) -> Extracted {
    let mut out = Extracted::default();
    let mut budget = Budget::new(bounds);
    let mut block: Option<Block<'_>> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let Some(current) = block.as_mut() else {
            match begin_line(bare) {
                Some((base64, name)) => block = Some(Block::new(line, name, base64)),
                None => out.text.push_str(line),
            }
            continue;
        };
        if current.base64 {
            // `uuencode -m`: base64 lines up to `====`.
            if bare.trim() == "====" {
                current.ended = true;
                finish(block.take(), &mut out, bounds, &mut budget);
            } else if let Some((base64, name)) = begin_line(bare) {
                finish(block.take(), &mut out, bounds, &mut budget);
                block = Some(Block::new(line, name, base64));
            } else if is_base64_line(bare) {
                current.absorb_pending();
                current.push_base64(bare.trim(), &budget);
            } else {
                current.pending.push(line);
                if current.pending.len() > STRAY_LINES_TOLERATED {
                    finish(block.take(), &mut out, bounds, &mut budget);
                }
            }
            continue;
        }
        if bare.trim() == "end" {
            current.ended = true;
            finish(block.take(), &mut out, bounds, &mut budget);
            continue;
        }
        if let Some((base64, name)) = begin_line(bare) {
            // A new block before this one's `end`.
            finish(block.take(), &mut out, bounds, &mut budget);
            block = Some(Block::new(line, name, base64));
            continue;
        }
        if current.terminated && !bare.trim().is_empty() {
            if let Some(DataLine::Data { .. }) = data_line(bare) {
                // The blank line was a stray one inside the block.
                current.terminated = false;
                current.stray_lines += 1;
            } else {
                // The zero-length line came, but no `end`: the block is over.
                finish(block.take(), &mut out, bounds, &mut budget);
                out.text.push_str(line);
                continue;
            }
        }
        match data_line(bare) {
            Some(DataLine::Terminator) => {
                current.terminated = true;
                current.absorb_pending();
            }
            Some(DataLine::Data { length, chars }) => {
                current.absorb_pending();
                current.decode(length, chars, &mut budget);
            }
            None => {
                current.pending.push(line);
                if current.pending.len() > STRAY_LINES_TOLERATED {
                    finish(block.take(), &mut out, bounds, &mut budget);
                }
            }
        }
    }
    finish(block.take(), &mut out, bounds, &mut budget);
    out
}

/// A block being read.
struct Block<'a> {
    begin: &'a str,
    name: String,
    bytes: Vec<u8>,
    /// A `begin-base64` block (`uuencode -m`): its characters, decoded at the end.
    base64: bool,
    base64_chars: String,
    /// Lines that are not uuencode, held until it is clear whether they are stray lines
    /// inside the block (dropped) or text after a block without `end` (kept).
    pending: Vec<&'a str>,
    stray_lines: usize,
    short_lines: usize,
    long_lines: usize,
    /// The zero-length line (`` ` `` or a blank) was seen.
    terminated: bool,
    ended: bool,
    cut: bool,
}

impl<'a> Block<'a> {
    fn new(begin: &'a str, name: &str, base64: bool) -> Self {
        Self {
            begin,
            name: bounded_name(name),
            bytes: Vec::new(),
            base64,
            base64_chars: String::new(),
            pending: Vec::new(),
            stray_lines: 0,
            short_lines: 0,
            long_lines: 0,
            terminated: false,
            ended: false,
            cut: false,
        }
    }

    fn absorb_pending(&mut self) {
        self.stray_lines += self.pending.len();
        self.pending.clear();
    }

    /// Keeps a line of base64; the budget is charged when the block is decoded.
    fn push_base64(&mut self, line: &str, budget: &Budget) {
        // Four characters make three bytes: no need to keep more than the budget allows.
        if self.base64_chars.len() / 4 * 3 > budget.left {
            self.cut = true;
        } else {
            self.base64_chars.push_str(line);
        }
    }

    fn decode(&mut self, length: usize, chars: &[u8], budget: &mut Budget) {
        let needed = length.div_ceil(3) * 4;
        if chars.len() < needed {
            self.short_lines += 1;
        } else if chars.len() > needed + 1 {
            // One extra character is a checksum some encoders add.
            self.long_lines += 1;
        }
        let mut decoded = Vec::with_capacity(length);
        for quad in 0..needed / 4 {
            let at = quad * 4;
            // Missing characters were trailing spaces that a mail system stripped: zeros.
            let c = |i: usize| {
                chars
                    .get(at + i)
                    .map_or(0, |&b| b.wrapping_sub(b' ') & 0x3f)
            };
            let (a, b, c2, d) = (c(0), c(1), c(2), c(3));
            decoded.push((a << 2) | (b >> 4));
            decoded.push((b << 4) | (c2 >> 2));
            decoded.push((c2 << 6) | d);
        }
        decoded.truncate(length);
        let granted = budget.take(decoded.len());
        if granted < decoded.len() {
            self.cut = true;
        }
        self.bytes
            .extend_from_slice(decoded.get(..granted).unwrap_or(&[]));
    }
}

/// Closes a block: a file when anything decoded, else the lines go back to the text.
fn finish(block: Option<Block<'_>>, out: &mut Extracted, bounds: &Bounds, budget: &mut Budget) {
    let Some(mut block) = block else { return };
    if block.base64 {
        let mut bytes = super::charset::base64(&block.base64_chars).unwrap_or_default();
        let granted = budget.take(bytes.len());
        if granted < bytes.len() {
            block.cut = true;
            bytes.truncate(granted);
        }
        block.bytes = bytes;
    }
    if block.bytes.is_empty() && !block.ended && !block.terminated {
        // A `begin` line in prose, not a block.
        out.text.push_str(block.begin);
        block.pending.iter().for_each(|l| out.text.push_str(l));
        return;
    }
    let label = if block.name.is_empty() {
        "a uuencoded file".to_string()
    } else {
        format!("uuencoded file \"{}\"", block.name)
    };
    let mut problems = Vec::new();
    if !block.ended {
        problems.push("has no `end` line".to_string());
    }
    if block.short_lines > 0 {
        problems.push(format!(
            "has {} line(s) shorter than their length byte says (padded with zeros)",
            block.short_lines
        ));
    }
    if block.long_lines > 0 {
        problems.push(format!(
            "has {} line(s) longer than their length byte says (extra characters ignored)",
            block.long_lines
        ));
    }
    if block.stray_lines > 0 {
        problems.push(format!(
            "has {} stray line(s) that are not uuencode (skipped)",
            block.stray_lines
        ));
    }
    if block.cut {
        problems.push(format!(
            "was cut at the decoding limit of {} bytes",
            bounds.max_output_bytes
        ));
    }
    let damaged = !problems.is_empty();
    if damaged {
        note(out, format!("{label} {}", problems.join(", ")));
    }
    if out.files.len() >= bounds.max_files {
        note(
            out,
            format!(
                "{label} was not kept: over the limit of {} files",
                bounds.max_files
            ),
        );
    } else {
        out.files.push(DecodedFile {
            name: block.name,
            content_type: None,
            content_id: None,
            bytes: block.bytes,
            damaged,
        });
    }
    // Lines after a block without `end` are text again.
    block.pending.iter().for_each(|l| out.text.push_str(l));
}

fn note(out: &mut Extracted, sentence: String) {
    if out.damage.len() < MAX_DAMAGE_NOTES {
        out.damage.push(sentence);
    }
}

/// `begin MODE NAME` or `begin-base64 MODE NAME`, MODE octal: whether the block is
/// base64, and the name.
fn begin_line(line: &str) -> Option<(bool, &str)> {
    let (base64, rest) = match line.strip_prefix("begin-base64 ") {
        Some(rest) => (true, rest),
        None => (false, line.strip_prefix("begin ")?),
    };
    let (mode, name) = rest.trim_start().split_once([' ', '\t'])?;
    if mode.is_empty() || mode.len() > 4 || !mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some((base64, name))
}

/// A line of base64: its alphabet, with `=` padding at the end only.
fn is_base64_line(line: &str) -> bool {
    let line = line.trim();
    let data = line.trim_end_matches('=');
    !line.is_empty()
        && line.len() - data.len() <= 2
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

enum DataLine<'a> {
    /// The zero-length line before `end`.
    Terminator,
    /// A line of data: the byte count its first character declares, and its characters.
    Data { length: usize, chars: &'a [u8] },
}

/// A uuencode line: a length character, then characters between space and backquote.
fn data_line(line: &str) -> Option<DataLine<'_>> {
    let bytes = line.as_bytes();
    let Some((&first, chars)) = bytes.split_first() else {
        // A blank line: the zero-length line with its space stripped.
        return Some(DataLine::Terminator);
    };
    if !(b' '..=b'`').contains(&first) || !chars.iter().all(|b| (b' '..=b'`').contains(b)) {
        return None;
    }
    let length = usize::from((first - b' ') & 0x3f);
    if length == 0 {
        return chars
            .iter()
            .all(|&b| b == b' ' || b == b'`')
            .then_some(DataLine::Terminator);
    }
    // Fewer than half the characters the length byte asks for: not a damaged line but
    // something else (a line of punctuation, a signature rule).
    if chars.len() * 2 < length.div_ceil(3) * 4 {
        return None;
    }
    Some(DataLine::Data { length, chars })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made with sharutils: `printf 'Hello, FOI world!\nSecond line.\n' > hello.txt &&
    /// uuencode hello.txt report.txt`.
    const HELLO: &str = "begin 644 report.txt\n\
?2&5L;&\\L($9/22!W;W)L9\"$*4V5C;VYD(&QI;F4N\"@``\n\
`\n\
end\n";

    fn one(text: &str) -> Extracted {
        extract(text, &Bounds::default())
    }

    #[test]
    fn a_block_inside_prose_is_decoded_and_removed() {
        let text = format!("Dear Sir,\r\nplease find attached.\r\n\r\n{HELLO}Regards,\nS36 Team\n");
        let out = one(&text);
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].name, "report.txt");
        assert_eq!(out.files[0].bytes, b"Hello, FOI world!\nSecond line.\n");
        assert!(!out.files[0].damaged);
        assert!(out.damage.is_empty(), "{:?}", out.damage);
        assert_eq!(
            out.text,
            "Dear Sir,\r\nplease find attached.\r\n\r\nRegards,\nS36 Team\n"
        );
    }

    #[test]
    fn a_body_that_is_only_uuencode_leaves_no_text() {
        let out = one(&HELLO.replace('\n', "\r\n"));
        assert_eq!(out.text, "");
        assert_eq!(out.files[0].bytes, b"Hello, FOI world!\nSecond line.\n");
    }

    #[test]
    fn stripped_trailing_spaces_and_a_missing_end_keep_what_decodes() {
        // The zero-length line lost its backquote-as-space, and `end` is gone.
        let text = "begin 644 report.txt\n\
?2&5L;&\\L($9/22!W;W)L9\"$*4V5C;VYD(&QI;F4N\"@``\n\nThanks\n";
        let out = one(text);
        assert_eq!(out.files[0].bytes, b"Hello, FOI world!\nSecond line.\n");
        assert!(out.files[0].damaged);
        assert!(out.damage[0].contains("no `end`"), "{:?}", out.damage);
        assert_eq!(out.text, "Thanks\n");
    }

    #[test]
    fn a_stray_line_inside_a_block_is_skipped_and_said() {
        let text = "begin 600 x.bin\n#86)C\n-- stray --\n#86)C\n`\nend\n";
        let out = one(text);
        assert_eq!(out.files[0].bytes, b"abcabc");
        assert!(out.damage[0].contains("1 stray line"), "{:?}", out.damage);
        assert_eq!(out.text, "");
    }

    #[test]
    fn base64_blocks_decode_too() {
        // `uuencode -m hello.txt h.txt` (sharutils).
        let text = "Attached:\nbegin-base64 644 h.txt\nSGVsbG8sIEZPSSB3b3JsZCEKU2Vjb25kIGxpbmUuCg==\n====\nBye\n";
        let out = one(text);
        assert_eq!(out.files[0].name, "h.txt");
        assert_eq!(out.files[0].bytes, b"Hello, FOI world!\nSecond line.\n");
        assert!(out.damage.is_empty(), "{:?}", out.damage);
        assert_eq!(out.text, "Attached:\nBye\n");
    }

    /// Found by the fuzzer: base64 lines whose lengths are not multiples of four decode
    /// to more together than line by line; the bound holds on what is decoded.
    #[test]
    fn base64_output_is_bounded_too() {
        let bounds = Bounds {
            max_output_bytes: 4,
            ..Bounds::default()
        };
        let out = extract("begin-base64 644 x\nSGVsb\nG8sIE\nZPSSB3\n====\n", &bounds);
        assert_eq!(out.files[0].bytes, b"Hell");
        assert!(out.files[0].damaged);
    }

    #[test]
    fn begin_in_prose_is_not_a_block() {
        let text = "We begin 644 days of review\nand nothing more.\nreally.\nyes.\n";
        let out = one(text);
        assert!(out.files.is_empty());
        assert_eq!(out.text, text);
        assert!(!has_block("nothing to see\n"));
        assert!(has_block("x\nbegin 644 a.doc\n"));
    }

    #[test]
    fn output_is_bounded() {
        let bounds = Bounds {
            max_output_bytes: 4,
            max_files: 1,
            ..Bounds::default()
        };
        let out = extract(&format!("{HELLO}{HELLO}"), &bounds);
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].bytes, b"Hell");
        assert!(out.damage.iter().any(|d| d.contains("decoding limit")));
        assert!(out.damage.iter().any(|d| d.contains("limit of 1 files")));
    }
}
