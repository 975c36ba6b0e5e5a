//! Rich Text as Outlook sends it inside TNEF: compressed RTF (LZFu, MS-OXRTFCP) in
//! [`decompress`], and RTF read as text in [`to_text`], which also recovers the HTML that
//! Outlook encapsulates in RTF (`\fromhtml1`, MS-OXRTFEX) when the message was written in
//! HTML.

use encoding_rs::Encoding;

use super::charset::encoding_for_codepage;

/// The dictionary every LZFu stream starts from (MS-OXRTFCP 2.1.2.1).
const PREBUF: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

const LZFU: u32 = 0x7546_5A4C;
const MELA: u32 = 0x414C_454D;

/// Why compressed RTF could not be read (the caller keeps the raw property).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtfError {
    /// Shorter than the 16-byte header.
    #[error("the compressed RTF is shorter than its header")]
    TooShort,
    /// Neither `LZFu` nor `MELA`.
    #[error("the compressed RTF has an unknown compression type {0:#010x}")]
    UnknownType(u32),
}

/// Decompresses an RTF property (`PR_RTF_COMPRESSED`): at most `max_bytes` out. A stream
/// that ends early gives what was decompressed so far.
pub fn decompress(data: &[u8], max_bytes: usize) -> Result<Vec<u8>, RtfError> {
    let word = |at: usize| -> Option<u32> {
        data.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let (Some(_comp_size), Some(raw_size), Some(kind)) = (word(0), word(4), word(8)) else {
        return Err(RtfError::TooShort);
    };
    if data.len() < 16 {
        return Err(RtfError::TooShort);
    }
    let limit = max_bytes.min(raw_size as usize);
    let body = data.get(16..).unwrap_or(&[]);
    match kind {
        MELA => Ok(body.get(..limit.min(body.len())).unwrap_or(&[]).to_vec()),
        LZFU => Ok(lzfu(body, limit)),
        other => Err(RtfError::UnknownType(other)),
    }
}

fn lzfu(body: &[u8], limit: usize) -> Vec<u8> {
    let mut dict = [0u8; 4096];
    dict[..PREBUF.len()].copy_from_slice(PREBUF);
    let mut write = PREBUF.len();
    let mut out = Vec::with_capacity(limit.min(body.len() * 8));
    let mut input = body.iter().copied();
    'stream: while let Some(control) = input.next() {
        for bit in 0..8 {
            if out.len() >= limit {
                break 'stream;
            }
            if control & (1 << bit) == 0 {
                let Some(byte) = input.next() else {
                    break 'stream;
                };
                out.push(byte);
                dict[write] = byte;
                write = (write + 1) % 4096;
            } else {
                let (Some(hi), Some(lo)) = (input.next(), input.next()) else {
                    break 'stream;
                };
                let reference = u16::from_be_bytes([hi, lo]);
                let offset = usize::from(reference >> 4);
                let length = usize::from(reference & 0xf) + 2;
                if offset == write {
                    break 'stream;
                }
                for i in 0..length {
                    if out.len() >= limit {
                        break 'stream;
                    }
                    let byte = dict[(offset + i) % 4096];
                    out.push(byte);
                    dict[write] = byte;
                    write = (write + 1) % 4096;
                }
            }
        }
    }
    out
}

/// What an RTF document says, as text, and as HTML when it encapsulates HTML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RtfText {
    /// The text a reader of the RTF sees (paragraphs as `\n`).
    pub text: String,
    /// The HTML the RTF encapsulates (`\fromhtml1`), unsanitised.
    pub html: Option<String>,
}

/// Groups nested deeper than this are read as if flat: no document needs it, and the
/// state stack stays bounded.
const MAX_DEPTH: usize = 256;

/// Destinations whose contents are not text.
const SKIPPED_DESTINATIONS: [&str; 27] = [
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "ftnsep",
    "ftnsepc",
    "fldinst",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "xmlnstbl",
    "generator",
];

#[derive(Debug, Clone, Copy)]
struct State {
    /// Text in this group is not shown (a skipped destination).
    skip: bool,
    /// Characters to skip after `\u` (`\ucN`).
    uc: usize,
    /// Under `\htmlrtf`: RTF-only text, not part of the encapsulated HTML.
    htmlrtf: bool,
    /// Inside `\*\htmltag`: HTML only, not shown by an RTF reader.
    htmltag: bool,
    /// The font table is being read.
    fonttbl: bool,
    /// The encoding of `\'hh` bytes (the current font's charset, or `\ansicpg`).
    encoding: &'static Encoding,
}

/// Text accumulated in one output, bytes held until their encoding is known; never more
/// than `max` bytes of text.
struct Sink {
    out: String,
    bytes: Vec<u8>,
    encoding: Option<&'static Encoding>,
    max: usize,
}

impl Sink {
    fn new(max: usize) -> Self {
        Self {
            out: String::new(),
            bytes: Vec::new(),
            encoding: None,
            max,
        }
    }

    fn byte(&mut self, byte: u8, encoding: &'static Encoding) {
        if self.encoding != Some(encoding) {
            self.flush();
            self.encoding = Some(encoding);
        }
        if self.out.len() + self.bytes.len() < self.max {
            self.bytes.push(byte);
        }
    }

    fn text(&mut self, text: &str) {
        self.flush();
        if self.out.len() + text.len() <= self.max {
            self.out.push_str(text);
        }
    }

    fn flush(&mut self) {
        if let Some(encoding) = self.encoding {
            let (text, _) = encoding.decode_without_bom_handling(&self.bytes);
            self.out.push_str(&text);
            // A byte can decode to up to three bytes of UTF-8: cut back to the bound.
            if self.out.len() > self.max {
                let mut cut = self.max;
                while !self.out.is_char_boundary(cut) {
                    cut -= 1;
                }
                self.out.truncate(cut);
            }
        }
        self.bytes.clear();
    }
}

/// Reads RTF as text, at most `max_bytes` of text (and of HTML). Never fails: what is not
/// RTF comes out as the characters it is.
///
/// (One function on purpose: a single pass of the RTF tokeniser whose every branch reads
/// and moves the same group stack, font table and skip counters; cut into pieces, each piece
/// would take all of that state by reference, which hides the order that RTF defines.)
pub fn to_text(rtf: &[u8], max_bytes: usize) -> RtfText {
    let mut text = Sink::new(max_bytes);
    let mut html = Sink::new(max_bytes);
    let mut from_html = false;
    let mut stack: Vec<State> = Vec::new();
    let mut state = State {
        skip: false,
        uc: 1,
        htmlrtf: false,
        htmltag: false,
        fonttbl: false,
        encoding: encoding_rs::WINDOWS_1252,
    };
    let mut document_encoding = encoding_rs::WINDOWS_1252;
    // Font number -> its encoding (from `\fcharset`), read in the font table.
    let mut fonts: Vec<(i32, &'static Encoding)> = Vec::new();
    let mut font_being_defined: Option<i32> = None;
    // The next control word names a destination that may be skipped (`\*`).
    let mut starred = false;
    // Characters still to skip after a `\u`.
    let mut skip_after_unicode = 0usize;
    let mut i = 0usize;

    macro_rules! emit_byte {
        ($b:expr) => {{
            let b: u8 = $b;
            if skip_after_unicode > 0 {
                skip_after_unicode -= 1;
            } else if !state.skip {
                if !state.htmltag {
                    text.byte(b, state.encoding);
                }
                if from_html && !state.htmlrtf {
                    html.byte(b, state.encoding);
                }
            }
        }};
    }
    macro_rules! emit_text {
        ($t:expr) => {{
            let t: &str = $t;
            if !state.skip {
                if !state.htmltag {
                    text.text(t);
                }
                if from_html && !state.htmlrtf {
                    html.text(t);
                }
            }
        }};
    }

    while let Some(&b) = rtf.get(i) {
        i += 1;
        match b {
            b'{' => {
                if stack.len() < MAX_DEPTH {
                    stack.push(state);
                }
                skip_after_unicode = 0;
            }
            b'}' => {
                if let Some(outer) = stack.pop() {
                    state = outer;
                }
                starred = false;
                skip_after_unicode = 0;
            }
            b'\r' | b'\n' => {}
            b'\\' => {
                let Some(&next) = rtf.get(i) else { break };
                if next.is_ascii_alphabetic() {
                    let start = i;
                    while rtf.get(i).is_some_and(u8::is_ascii_alphabetic) && i - start < 32 {
                        i += 1;
                    }
                    let word = std::str::from_utf8(rtf.get(start..i).unwrap_or(&[])).unwrap_or("");
                    let num_start = i;
                    if rtf.get(i) == Some(&b'-') {
                        i += 1;
                    }
                    while rtf.get(i).is_some_and(u8::is_ascii_digit) && i - num_start < 11 {
                        i += 1;
                    }
                    let param: Option<i32> =
                        std::str::from_utf8(rtf.get(num_start..i).unwrap_or(&[]))
                            .ok()
                            .and_then(|n| n.parse::<i64>().ok())
                            .map(|n| n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32);
                    if rtf.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    let was_starred = std::mem::take(&mut starred);
                    if skip_after_unicode > 0 && !matches!(word, "u" | "par" | "line") {
                        // A control word counts as one skipped fallback character.
                        skip_after_unicode -= 1;
                        continue;
                    }
                    match word {
                        "par" | "line" | "sect" | "row" => emit_text!("\n"),
                        "page" => emit_text!("\n\n"),
                        "tab" | "cell" => emit_text!("\t"),
                        "emdash" => emit_text!("\u{2014}"),
                        "endash" => emit_text!("\u{2013}"),
                        "bullet" => emit_text!("\u{2022}"),
                        "lquote" => emit_text!("\u{2018}"),
                        "rquote" => emit_text!("\u{2019}"),
                        "ldblquote" => emit_text!("\u{201C}"),
                        "rdblquote" => emit_text!("\u{201D}"),
                        "emspace" | "enspace" | "qmspace" => emit_text!(" "),
                        "u" => {
                            let code = param.unwrap_or(0);
                            let code = if code < 0 { code + 65536 } else { code };
                            let c = u32::try_from(code)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{FFFD}');
                            let mut buffer = [0; 4];
                            emit_text!(c.encode_utf8(&mut buffer));
                            skip_after_unicode = state.uc;
                        }
                        "uc" => state.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
                        "ansicpg" => {
                            if let Some(e) = param
                                .and_then(|p| u32::try_from(p).ok())
                                .and_then(encoding_for_codepage)
                            {
                                document_encoding = e;
                                state.encoding = e;
                            }
                        }
                        "fromhtml" => from_html = param != Some(0),
                        "htmlrtf" => state.htmlrtf = param != Some(0),
                        "htmltag" if was_starred => {
                            state.htmltag = true;
                        }
                        "fonttbl" => {
                            state.fonttbl = true;
                            state.skip = true;
                        }
                        "f" => {
                            if state.fonttbl {
                                font_being_defined = param;
                            } else if let Some(n) = param {
                                state.encoding = fonts
                                    .iter()
                                    .find(|(f, _)| *f == n)
                                    .map_or(document_encoding, |(_, e)| *e);
                            }
                        }
                        "fcharset" if state.fonttbl => {
                            if let (Some(font), Some(e)) =
                                (font_being_defined, param.and_then(charset_encoding))
                            {
                                if fonts.len() < 1024 {
                                    fonts.push((font, e));
                                }
                            }
                        }
                        // `\binN`: N raw bytes follow, which may hold braces.
                        "bin" => {
                            let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                            i = i.saturating_add(n).min(rtf.len());
                        }
                        "plain" => {}
                        w if SKIPPED_DESTINATIONS.contains(&w) => state.skip = true,
                        _ if was_starred => state.skip = true,
                        _ => {}
                    }
                } else {
                    i += 1;
                    match next {
                        b'\'' => {
                            let hex = rtf.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                i += 2;
                                emit_byte!(byte);
                            }
                        }
                        b'*' => starred = true,
                        b'~' => emit_text!("\u{A0}"),
                        b'_' => emit_text!("-"),
                        b'\r' | b'\n' => emit_text!("\n"),
                        b'\\' | b'{' | b'}' => emit_byte!(next),
                        _ => {}
                    }
                }
            }
            _ => emit_byte!(b),
        }
    }
    text.flush();
    html.flush();
    RtfText {
        text: text.out,
        html: from_html.then_some(html.out),
    }
}

/// The encoding of an RTF `\fcharset` number.
fn charset_encoding(charset: i32) -> Option<&'static Encoding> {
    let codepage = match charset {
        0 => 1252,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    encoding_for_codepage(codepage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_is_the_one_the_specification_gives() {
        assert_eq!(PREBUF.len(), 207);
    }

    /// A stream written by hand from MS-OXRTFCP 2.2: a control byte (bits 0 and 5 set), a
    /// reference to `{\rtf1` at offset 0 of the dictionary, four literals, and the end
    /// marker (a reference to the write position, 217).
    #[test]
    fn references_literals_and_the_end_marker() {
        let mut stream = Vec::new();
        stream.extend_from_slice(&(12u32 + 9).to_le_bytes());
        stream.extend_from_slice(&10u32.to_le_bytes());
        stream.extend_from_slice(&LZFU.to_le_bytes());
        stream.extend_from_slice(&0u32.to_le_bytes());
        stream.extend_from_slice(&[0x21, 0x00, 0x04, b' ', b'h', b'i', b'}', 0x0d, 0x90]);
        let rtf = decompress(&stream, 1 << 20).unwrap();
        assert_eq!(rtf, b"{\\rtf1 hi}");
        assert_eq!(to_text(&rtf, 1000).text, "hi");
        // Cut by the declared raw size and by the caller's bound.
        assert_eq!(decompress(&stream, 3).unwrap(), b"{\\r");
        assert_eq!(decompress(b"short", 10), Err(RtfError::TooShort));
        let mut mela = stream.clone();
        mela[8..12].copy_from_slice(&MELA.to_le_bytes());
        assert_eq!(decompress(&mela, 100).unwrap().len(), 9);
    }

    #[test]
    fn text_charsets_unicode_and_skipped_destinations() {
        let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}{\f1\fcharset204 Times;}}{\*\generator x;}{\info{\title T}}Caf\'e9 \f1\'cf\'f0\'e8\f0\par \uc1\u8364?5 \{x\}{\pict\bin3 }{}}\tab y}";
        let out = to_text(rtf, 1000);
        assert_eq!(out.text, "Café При\n€5 {x}\ty");
        assert_eq!(out.html, None);
    }

    #[test]
    fn encapsulated_html_is_recovered() {
        let rtf = br"{\rtf1\ansi\fbidis\ansicpg1252\deff0\fromhtml1{\fonttbl{\f0\fswiss Arial;}}{\*\htmltag19 <html>}{\*\htmltag50 <body>}\htmlrtf {\htmlrtf0 We hold\htmlrtf \par\htmlrtf0 {\*\htmltag84 <br>}no data.\htmlrtf }\htmlrtf0 {\*\htmltag58 </body>}}";
        let out = to_text(rtf, 1000);
        assert_eq!(
            out.html.as_deref(),
            Some("<html><body>We hold<br>no data.</body>")
        );
        assert_eq!(out.text, "We hold\nno data.");
    }

    #[test]
    fn output_is_bounded() {
        let rtf = "{\\rtf1 ".to_string() + &"word ".repeat(1000) + "}";
        assert!(to_text(rtf.as_bytes(), 100).text.len() <= 100);
        // Bytes that decode to three bytes of UTF-8 each.
        let rtf = "{\\rtf1 ".to_string() + &"\\'80".repeat(1000) + "}";
        let text = to_text(rtf.as_bytes(), 100).text;
        assert!(text.len() <= 100 && text.starts_with('€'), "{text}");
    }
}
