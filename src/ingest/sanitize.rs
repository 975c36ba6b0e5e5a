//! Making untrusted mail content safe to show and to store: attachment file names, HTML
//! bodies, HTML-to-text renditions and display strings taken from headers.
//!
//! Owns the rules of DESIGN.md's "mail content is untrusted" (rule 7) for the pure part of
//! ingestion. Every function here is total: it accepts any input, never panics and returns
//! something bounded. This module is pure: it must not import `store`, `sender`, any IO or
//! network crate, or read the clock.

use std::borrow::Cow;
use std::sync::LazyLock;

/// Longest file name [`sanitize_file_name`] returns, in bytes (most file systems allow 255).
pub const MAX_FILE_NAME_BYTES: usize = 150;

/// Longest file extension kept when a long name is shortened, in bytes (with the dot).
const MAX_EXTENSION_BYTES: usize = 16;

/// Longest entity (`&...;`) the HTML-to-text rendition tries to decode.
const MAX_ENTITY_LEN: usize = 32;

/// Characters that change the display order of text or hide themselves (bidi embeddings,
/// overrides and isolates, marks, zero-width characters, BOM). They are how a file called
/// `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`.
fn is_invisible_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Device names Windows reserves whatever the extension (`con.txt` is still the console).
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Cuts `s` to at most `max_chars` characters; says whether anything was cut.
pub fn truncate_chars(s: &str, max_chars: usize) -> (&str, bool) {
    // (a character is at least one byte: a short text is whole without counting)
    if s.len() <= max_chars {
        return (s, false);
    }
    match s.char_indices().nth(max_chars) {
        Some((byte_pos, _)) => (s.get(..byte_pos).unwrap_or(s), true),
        None => (s, false),
    }
}

/// Cuts `s` to at most `max_bytes` bytes without splitting a character.
pub fn truncate_bytes(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// A header value made fit for display and matching: control and invisible formatting
/// characters removed, runs of white space folded to one space, trimmed, and at most
/// `max_chars` characters long.
pub fn clean_display_text(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    let mut pending_space = false;
    let mut count = 0usize;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            // Folding whitespace and controls alike keeps words apart when a control
            // character was standing in for a line break.
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible_format_char(c) {
            continue;
        }
        if pending_space {
            if count + 1 >= max_chars {
                break;
            }
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= max_chars {
            break;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Makes a declared attachment file name safe to use as the last component of a path on
/// any common file system, or returns `None` when nothing usable is left.
///
/// The rules: keep only the part after the last `/` or `\` (so `../../etc/passwd` becomes
/// `passwd` and `C:\Users\x\report.pdf` becomes `report.pdf`); drop control characters and
/// the invisible bidi/zero-width characters used to disguise extensions; replace the
/// characters Windows forbids (`<>:"|?*`) with `_`; fold white space; strip leading and
/// trailing dots and spaces (no hidden files, no names Windows would silently change);
/// prefix Windows device names (`CON`, `LPT1`, ...) with `_`; and cut the name to
/// [`MAX_FILE_NAME_BYTES`] while keeping a short extension.
pub fn sanitize_file_name(declared: &str) -> Option<String> {
    let base = declared
        .rsplit(['/', '\\'])
        .find(|component| !component.trim().is_empty())
        .unwrap_or("");

    let mut cleaned = String::with_capacity(base.len().min(4 * MAX_FILE_NAME_BYTES));
    let mut pending_space = false;
    for c in base.chars() {
        if c.is_control() || is_invisible_format_char(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !cleaned.is_empty();
            continue;
        }
        if pending_space {
            cleaned.push(' ');
            pending_space = false;
        }
        match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => cleaned.push('_'),
            _ => cleaned.push(c),
        }
        // Far longer than anything we keep; stop reading hostile input early.
        if cleaned.len() > 8 * MAX_FILE_NAME_BYTES {
            break;
        }
    }

    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    if trimmed.is_empty() {
        return None;
    }

    let mut name = shorten_keeping_extension(trimmed, MAX_FILE_NAME_BYTES);

    let stem = name.split('.').next().unwrap_or("").trim_end();
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| stem.eq_ignore_ascii_case(reserved))
    {
        name.insert(0, '_');
        name = shorten_keeping_extension(&name, MAX_FILE_NAME_BYTES);
    }
    Some(name)
}

/// Cuts `name` to `max_bytes`, keeping its extension when the extension is short.
fn shorten_keeping_extension(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_string();
    }
    let extension = name
        .rfind('.')
        .and_then(|dot| name.get(dot..))
        .filter(|ext| ext.len() <= MAX_EXTENSION_BYTES && ext.len() > 1);
    match extension {
        Some(ext) => {
            let stem = name.get(..name.len() - ext.len()).unwrap_or("");
            let stem = truncate_bytes(stem, max_bytes - ext.len());
            let stem = stem.trim_end_matches([' ', '.']);
            format!("{stem}{ext}")
        }
        None => truncate_bytes(name, max_bytes)
            .trim_end_matches([' ', '.'])
            .to_string(),
    }
}

/// The usual file extension (without the dot) for a MIME type, `bin` when unknown.
pub fn extension_for_content_type(content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "pdf",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/rtf" | "text/rtf" => "rtf",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/ms-tnef" | "application/vnd.ms-tnef" => "dat",
        "application/pkcs7-signature" | "application/x-pkcs7-signature" => "p7s",
        "application/pgp-signature" => "asc",
        "text/plain" => "txt",
        "text/csv" => "csv",
        "text/html" => "html",
        "text/calendar" => "ics",
        "text/rfc822-headers" => "txt",
        "message/rfc822" | "message/global" => "eml",
        "message/delivery-status" => "txt",
        "image/png" => "png",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/tiff" => "tif",
        "image/bmp" => "bmp",
        "image/svg+xml" => "svg",
        _ => "bin",
    }
}

/// The file name used when a part declares none (or only an unusable one): the Content-ID
/// when there is one (that is how HTML refers to the part), otherwise
/// `attachment-<number>.<extension>`. TNEF parts are called `winmail.dat` as mail clients do.
pub fn fallback_file_name(content_type: &str, content_id: Option<&str>, number: usize) -> String {
    let extension = extension_for_content_type(content_type);
    if extension == "dat" {
        return "winmail.dat".to_string();
    }
    let from_cid = content_id
        .map(|cid| cid.trim().trim_start_matches('<').trim_end_matches('>'))
        .map(|cid| cid.split('@').next().unwrap_or(cid))
        .and_then(sanitize_file_name)
        .map(|stem| truncate_bytes(&stem, MAX_FILE_NAME_BYTES - 8).to_string());
    match from_cid {
        Some(stem) if !stem.is_empty() => format!("{stem}.{extension}"),
        _ => format!("attachment-{number}.{extension}"),
    }
}

/// The policy for HTML shown to staff: ammonia's default allow-list (no script, style,
/// form, input, iframe, object or event handler attributes), relative URLs dropped, links
/// marked `noopener noreferrer nofollow`, and images limited to `cid:` references and
/// inline raster `data:` images, so a tracking pixel or any other remote image is never
/// fetched.
static HTML_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_url_schemes(["cid", "data"])
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(filter_attribute);
    builder
});

/// Keeps `cid:` and safe `data:` images, drops every other image source and every `data:`
/// URL outside an image (a `data:text/html` link is a script in disguise).
fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    let lower = value.trim_start().to_ascii_lowercase();
    if element == "img" && attribute == "src" {
        return is_safe_image_source(&lower).then_some(Cow::Borrowed(value));
    }
    if lower.starts_with("data:") || lower.starts_with("cid:") {
        return None;
    }
    Some(Cow::Borrowed(value))
}

fn is_safe_image_source(lower: &str) -> bool {
    if lower.starts_with("cid:") {
        return true;
    }
    // SVG can carry script and links, so only raster formats are let through.
    [
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/jpg;base64,",
        "data:image/gif;base64,",
        "data:image/webp;base64,",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
}

/// Deepest element nesting handed to the HTML parser. html5ever's tree building costs
/// time proportional to nesting depth for every tag, so a message of a million unclosed
/// `<div>`s would take minutes; real mail stays far below this.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never have content, or that HTML closes implicitly, so they do not
/// deepen the nesting estimate.
const NON_NESTING: [&str; 22] = [
    "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "wbr", "source", "embed",
    "param", "track", "p", "li", "td", "th", "tr", "option", "dt", "dd",
];

/// An estimate of the deepest element nesting in `html`: start tags minus end tags,
/// ignoring void and implicitly closed elements. Linear, never panics.
pub fn html_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    // The first '>' at or after some position up to the current one: still the first at or
    // after the current position when it lies beyond it (or when there is none), so each
    // part of the text is searched once, whatever the input.
    let mut next_gt: Option<Option<usize>> = None;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = start
            + bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
        if end == start {
            continue;
        }
        // (ASCII letters and digits: character boundaries)
        let name = &html[start..end];
        if NON_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let gt = match next_gt {
                Some(found) if found.is_none_or(|g| g >= end) => found,
                _ => {
                    let found = memchr::memchr(b'>', &bytes[end..]).map(|g| end + g);
                    next_gt = Some(found);
                    found
                }
            };
            let self_closing = gt.is_some_and(|g| g > end && bytes[g - 1] == b'/');
            if !self_closing {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Sanitises an HTML body for display: ammonia's default allow-list (no script, style,
/// form, input, iframe, object or event-handler attributes), relative URLs dropped, links
/// marked `noopener noreferrer nofollow`, and images limited to `cid:` references and
/// inline raster `data:` images, so no remote image (tracking pixel) is ever fetched.
/// The input is cut to `max_bytes` first (html5ever closes whatever the cut leaves open).
/// HTML nested deeper than [`MAX_HTML_DEPTH`] is not parsed at all: its text rendition
/// is returned, escaped, in a `<pre>` element.
pub fn sanitize_html(html: &str, max_bytes: usize) -> String {
    let html = truncate_bytes(html, max_bytes);
    if html_depth(html) > MAX_HTML_DEPTH {
        return format!("<pre>{}</pre>", escape_html(&html_to_text(html, max_bytes)));
    }
    HTML_POLICY.clean(html).to_string()
}

/// Escapes text for inclusion in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Elements whose content is never text for a reader.
const HIDDEN_ELEMENTS: [&str; 8] = [
    "script", "style", "head", "title", "template", "noscript", "xml", "object",
];

/// Elements set apart by a blank line.
const PARAGRAPH_ELEMENTS: [&str; 13] = [
    "p",
    "table",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
];

/// Elements that start and end on a line of their own.
const LINE_ELEMENTS: [&str; 13] = [
    "div", "tr", "dl", "dt", "dd", "section", "article", "header", "footer", "address", "center",
    "form", "fieldset",
];

/// A plain-text rendition of an HTML body, for reading and for classification: tags
/// dropped, script/style/head content dropped, block elements and `<br>` become line
/// breaks, list items start with `- `, table cells are separated by tabs, links keep their
/// target as `text ( url )` when it differs from the text, `<b>`/`<strong>` become
/// `*bold*`, and character references are decoded. At most `max_chars` characters.
///
/// A small hand-written scanner rather than a DOM: it only has to be readable and bounded,
/// never safe to render (the result is text, escaped by whoever shows it).
pub fn html_to_text(html: &str, max_chars: usize) -> String {
    let mut out = TextSink::new(max_chars);
    let bytes = html.as_bytes();
    let mut pos = 0usize;
    let mut hidden_until: Option<String> = None;
    let mut links: Vec<Option<String>> = Vec::new();

    while pos < bytes.len() && !out.full() {
        let rest = html.get(pos..).unwrap_or("");
        if rest.starts_with("<!--") {
            pos += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        if rest.starts_with('<') {
            let Some(tag) = parse_tag(rest) else {
                // A lone '<' is text.
                if hidden_until.is_none() {
                    out.push_char('<');
                }
                pos += 1;
                continue;
            };
            pos += tag.len;
            if let Some(closing) = &hidden_until {
                if tag.closing && tag.name == *closing {
                    hidden_until = None;
                }
                continue;
            }
            let name = tag.name.as_str();
            if !tag.closing && !tag.self_closing && HIDDEN_ELEMENTS.contains(&name) {
                hidden_until = Some(tag.name.clone());
                continue;
            }
            match name {
                "br" => out.line_break(),
                "li" if !tag.closing => {
                    out.block_break(1);
                    out.push_str("- ");
                }
                "td" | "th" if !tag.closing => out.cell_break(),
                "b" | "strong" => out.push_char('*'),
                "a" if !tag.closing => links.push(tag.href),
                "a" => {
                    if let Some(Some(href)) = links.pop() {
                        out.push_link_target(&href);
                    }
                }
                "img" if !tag.closing => {
                    if let Some(alt) = tag.alt.filter(|alt| !alt.trim().is_empty()) {
                        out.push_str(&format!("[{}]", alt.trim()));
                    }
                }
                _ if PARAGRAPH_ELEMENTS.contains(&name) => out.block_break(2),
                _ if LINE_ELEMENTS.contains(&name) => out.block_break(1),
                _ => {}
            }
            continue;
        }

        let next_tag = rest.find('<').unwrap_or(rest.len());
        let chunk = rest.get(..next_tag).unwrap_or("");
        pos += next_tag.max(1);
        if hidden_until.is_none() {
            push_decoded_text(&mut out, chunk);
        }
    }
    out.finish()
}

/// A tag as far as the text rendition cares.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    href: Option<String>,
    alt: Option<String>,
    /// Bytes consumed, including `<` and `>`.
    len: usize,
}

/// Reads a tag at the start of `s` (which begins with `<`). `None` when it is not a tag.
fn parse_tag(s: &str) -> Option<Tag> {
    let bytes = s.as_bytes();
    let mut i = 1usize;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b':' || *b == b'-')
    {
        i += 1;
    }
    if i == name_start {
        // `<!DOCTYPE ...>`, `<?xml ...?>`, `<![CDATA[` are skipped whole; anything else
        // starting with '<' is ordinary text.
        if matches!(bytes.get(1), Some(b'!') | Some(b'?')) {
            let end = s.find('>').map_or(s.len(), |end| end + 1);
            return Some(Tag {
                name: String::new(),
                closing: false,
                self_closing: true,
                href: None,
                alt: None,
                len: end,
            });
        }
        return None;
    }
    let name = s.get(name_start..i).unwrap_or("").to_ascii_lowercase();

    // Attributes: find the closing '>' outside quotes.
    let attrs_start = i;
    let mut quote: Option<u8> = None;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => break,
            None => {}
        }
        i += 1;
    }
    let attrs = s.get(attrs_start..i).unwrap_or("");
    let len = (i + 1).min(s.len());
    let self_closing = attrs.trim_end().ends_with('/');
    let href = (name == "a")
        .then(|| attribute_value(attrs, "href"))
        .flatten();
    let alt = (name == "img")
        .then(|| attribute_value(attrs, "alt"))
        .flatten();
    Some(Tag {
        name,
        closing,
        self_closing,
        href,
        alt,
        len,
    })
}

/// The value of attribute `name` in a tag's attribute text, entities decoded.
fn attribute_value(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut search_from = 0usize;
    while let Some(found) = lower.get(search_from..)?.find(name) {
        let start = search_from + found;
        search_from = start + name.len();
        let before_ok = start == 0
            || lower
                .as_bytes()
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'');
        let after = lower.get(search_from..)?.trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - after.len() + 1;
        let raw = attrs.get(value_start..)?.trim_start();
        let value = match raw.chars().next() {
            Some(q @ ('"' | '\'')) => raw.get(1..)?.split(q).next().unwrap_or(""),
            _ => raw.split(|c: char| c.is_whitespace()).next().unwrap_or(""),
        };
        let mut decoded = TextSink::new(4096);
        push_decoded_text(&mut decoded, value);
        return Some(decoded.finish());
    }
    None
}

/// Pushes HTML text, decoding character references and folding white space.
fn push_decoded_text(out: &mut TextSink, text: &str) {
    let mut rest = text;
    while !rest.is_empty() && !out.full() {
        match rest.find('&') {
            None => {
                out.push_text(rest);
                return;
            }
            Some(amp) => {
                out.push_text(rest.get(..amp).unwrap_or(""));
                let after = rest.get(amp..).unwrap_or("");
                let entity_end = after
                    .char_indices()
                    .skip(1)
                    .take(MAX_ENTITY_LEN)
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
                    .filter(|(_, c)| *c == ';')
                    .map(|(i, _)| i);
                match entity_end {
                    Some(end) if end > 1 => {
                        let entity = after.get(..=end).unwrap_or("&");
                        let mut decoded = String::new();
                        // The token is ASCII by construction, which is what this decoder
                        // (mail-parser's HTML entity table) requires.
                        mail_parser::decoders::html::add_html_token(
                            &mut decoded,
                            entity.as_bytes(),
                            false,
                        );
                        out.push_text(&decoded);
                        rest = after.get(end + 1..).unwrap_or("");
                    }
                    _ => {
                        out.push_text("&");
                        rest = after.get(1..).unwrap_or("");
                    }
                }
            }
        }
    }
}

/// Accumulates text with HTML's white-space rules and a character budget.
struct TextSink {
    out: String,
    chars: usize,
    max_chars: usize,
    pending_space: bool,
    /// Line breaks owed before the next text (0, 1 or 2).
    pending_breaks: u8,
    last_text: String,
}

impl TextSink {
    fn new(max_chars: usize) -> Self {
        Self {
            out: String::new(),
            chars: 0,
            max_chars,
            pending_space: false,
            pending_breaks: 0,
            last_text: String::new(),
        }
    }

    fn full(&self) -> bool {
        self.chars >= self.max_chars
    }

    fn raw_push(&mut self, c: char) {
        if self.chars < self.max_chars {
            self.out.push(c);
            self.chars += 1;
        }
    }

    fn flush_separators(&mut self) {
        if self.out.is_empty() {
            self.pending_breaks = 0;
            self.pending_space = false;
            return;
        }
        if self.pending_breaks > 0 {
            while self.out.ends_with(' ') || self.out.ends_with('\t') {
                self.out.pop();
                self.chars -= 1;
            }
            let have = self.out.chars().rev().take_while(|c| *c == '\n').count() as u8;
            for _ in have..self.pending_breaks {
                self.raw_push('\n');
            }
        } else if self.pending_space && !self.out.ends_with([' ', '\n', '\t']) {
            self.raw_push(' ');
        }
        self.pending_breaks = 0;
        self.pending_space = false;
    }

    fn push_text(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() {
            // A run of printable ASCII (no space): as the loop below would push it, at once.
            let run = rest
                .bytes()
                .take_while(|b| (0x21..=0x7e).contains(b))
                .count();
            if run > 0 {
                if self.pending_breaks > 0 || self.pending_space {
                    self.flush_separators();
                }
                let room = self.max_chars.saturating_sub(self.chars);
                if run > room {
                    self.out.push_str(&rest[..room]);
                    self.chars += room;
                    return;
                }
                self.out.push_str(&rest[..run]);
                self.chars += run;
                rest = &rest[run..];
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            rest = &rest[c.len_utf8()..];
            if c.is_whitespace() && c != '\u{00A0}' {
                self.pending_space = true;
                continue;
            }
            if c.is_control() || is_invisible_format_char(c) {
                continue;
            }
            if self.pending_breaks > 0 || self.pending_space {
                self.flush_separators();
            }
            if self.full() {
                return;
            }
            let c = if c == '\u{00A0}' { ' ' } else { c };
            self.raw_push(c);
        }
        if !text.trim().is_empty() {
            self.last_text.clear();
            self.last_text.push_str(truncate_bytes(text.trim(), 4096));
        }
    }

    fn push_str(&mut self, s: &str) {
        self.flush_separators();
        for c in s.chars() {
            self.raw_push(c);
        }
    }

    fn push_char(&mut self, c: char) {
        if self.pending_breaks > 0 {
            self.flush_separators();
        }
        if self.pending_space && !self.out.ends_with([' ', '\n']) {
            self.flush_separators();
        }
        self.pending_space = false;
        self.raw_push(c);
    }

    fn line_break(&mut self) {
        // `<br>` always produces a break, even at the start or twice in a row.
        self.pending_space = false;
        if !self.out.is_empty() {
            while self.out.ends_with(' ') {
                self.out.pop();
                self.chars -= 1;
            }
            self.raw_push('\n');
        }
        self.pending_breaks = 0;
    }

    fn block_break(&mut self, breaks: u8) {
        self.pending_breaks = self.pending_breaks.max(breaks);
    }

    fn cell_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.pending_space = false;
            self.raw_push('\t');
        }
    }

    fn push_link_target(&mut self, href: &str) {
        let href = href.trim();
        let shown = href.strip_prefix("mailto:").unwrap_or(href);
        if href.is_empty() || href.starts_with('#') || self.last_text.contains(shown) {
            return;
        }
        self.flush_separators();
        for c in " ( ".chars().chain(href.chars()).chain(" )".chars()) {
            self.raw_push(c);
        }
    }

    fn finish(mut self) -> String {
        let trimmed_len = self.out.trim_end().len();
        self.out.truncate(trimmed_len);
        self.out
    }
}

/// Windows-1252's characters for bytes 0x80-0x9F (where it differs from Latin-1);
/// `None` for the five bytes it leaves undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// Undoes UTF-8 that was decoded as Latin-1 or Windows-1252 (`Ã¤` for `ä`, `â€™` for
/// `’`), a common fault of mail systems that label UTF-8 text with the wrong character
/// set. Only applied when the whole text maps back to bytes that are valid UTF-8, which
/// text genuinely written in Latin-1 practically never does; repeated for text that was
/// mangled twice.
pub fn repair_mojibake(text: &str) -> Cow<'_, str> {
    let mut current = Cow::Borrowed(text);
    for _ in 0..3 {
        if !(current.contains('Ã') || current.contains('Â') || current.contains("â€")) {
            break;
        }
        let mut bytes = Vec::with_capacity(current.len());
        let mut mappable = true;
        for c in current.chars() {
            let code = u32::from(c);
            let byte = if code < 0x80 || (0xA0..=0xFF).contains(&code) {
                u8::try_from(code).ok()
            } else {
                CP1252_HIGH
                    .iter()
                    .position(|high| *high == Some(c))
                    .and_then(|pos| u8::try_from(0x80 + pos).ok())
                    .or_else(|| u8::try_from(code).ok().filter(|b| (0x80..0xA0).contains(b)))
            };
            match byte {
                Some(b) => bytes.push(b),
                None => {
                    mappable = false;
                    break;
                }
            }
        }
        if !mappable {
            break;
        }
        match String::from_utf8(bytes) {
            Ok(repaired) if repaired != *current => current = Cow::Owned(repaired),
            _ => break,
        }
    }
    current
}

/// True when a text/plain body is really HTML (some systems label HTML as text/plain).
pub fn looks_like_html(text: &str) -> bool {
    let head = truncate_bytes(text.trim_start(), 4096).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    // (each marker starts with the only '<' it has: its occurrences are the '<'s it
    // starts at, so every '<' is looked at once for all of them)
    let markers = [
        "<p>", "<p ", "</p>", "<br>", "<br/>", "<br />", "<div", "</div>", "<body",
    ];
    memchr::memchr_iter(b'<', head.as_bytes())
        .filter(|at| {
            markers
                .iter()
                .any(|m| head.as_bytes()[*at..].starts_with(m.as_bytes()))
        })
        .count()
        >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_are_dropped() {
        assert_eq!(
            sanitize_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            sanitize_file_name(r"C:\Users\clerk\Desktop\report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(sanitize_file_name("reply/").as_deref(), Some("reply"));
        assert_eq!(sanitize_file_name("../.."), None);
        assert_eq!(sanitize_file_name("/"), None);
    }

    #[test]
    fn hidden_and_reserved_names_are_defused() {
        assert_eq!(sanitize_file_name(".bashrc").as_deref(), Some("bashrc"));
        assert_eq!(sanitize_file_name("...").as_deref(), None);
        assert_eq!(
            sanitize_file_name("report.pdf. . ").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(sanitize_file_name("CON").as_deref(), Some("_CON"));
        assert_eq!(sanitize_file_name("con.txt").as_deref(), Some("_con.txt"));
        assert_eq!(
            sanitize_file_name("lpt9.tar.gz").as_deref(),
            Some("_lpt9.tar.gz")
        );
        assert_eq!(
            sanitize_file_name("console.txt").as_deref(),
            Some("console.txt")
        );
        assert_eq!(
            sanitize_file_name("what? <now>: \"a|b\"*.doc").as_deref(),
            Some("what_ _now__ _a_b__.doc")
        );
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe").as_deref(),
            Some("invoicefdp.exe")
        );
        assert_eq!(
            sanitize_file_name("a\u{0}b\u{7}c\r\n.txt").as_deref(),
            Some("abc.txt")
        );
        assert_eq!(
            sanitize_file_name("zero\u{200B}width\u{FEFF}.pdf").as_deref(),
            Some("zerowidth.pdf")
        );
    }

    #[test]
    fn long_names_keep_their_extension_and_stay_whole_characters() {
        let long = format!("{}\u{202E}{}.pdf", "ä".repeat(150), "x".repeat(150));
        let name = sanitize_file_name(&long).unwrap();
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(".pdf"));
        assert!(name.starts_with("ää"));
        assert!(!name.contains('\u{202E}'));
    }

    #[test]
    fn unicode_names_survive() {
        assert_eq!(
            sanitize_file_name("Bescheid Fäker.pdf").as_deref(),
            Some("Bescheid Fäker.pdf")
        );
        assert_eq!(
            sanitize_file_name("  180328 Schreiben;  Vg. 069-2018.pdf ").as_deref(),
            Some("180328 Schreiben; Vg. 069-2018.pdf")
        );
    }

    #[test]
    fn fallback_names_use_content_id_then_a_number() {
        assert_eq!(
            fallback_file_name("image/gif", Some("<_1_0CCE8CEC@example>"), 1),
            "_1_0CCE8CEC.gif"
        );
        assert_eq!(
            fallback_file_name("application/pdf", None, 3),
            "attachment-3.pdf"
        );
        assert_eq!(
            fallback_file_name("application/x-unknown", Some("<../..>"), 2),
            "attachment-2.bin"
        );
        assert_eq!(
            fallback_file_name("application/ms-tnef", None, 1),
            "winmail.dat"
        );
    }

    #[test]
    fn html_loses_scripts_handlers_forms_and_remote_images() {
        let dirty = concat!(
            "<p onclick=\"steal()\">Hello <b>there</b></p>",
            "<script>alert(1)</script>",
            "<img src=\"https://tracker.example/pixel.gif\" onerror=\"alert(2)\" alt=\"px\">",
            "<img src=\"cid:logo@council\">",
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
            "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
            "<form action=\"https://evil.example\"><input name=\"pw\"></form>",
            "<a href=\"javascript:alert(3)\">js</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">data</a>",
            "<a href=\"https://council.example/foi\">link</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{background:url(https://tracker.example/x)}</style>",
        );
        let clean = sanitize_html(dirty, 1 << 20);
        for banned in [
            "script",
            "onclick",
            "onerror",
            "alert",
            "tracker.example",
            "<form",
            "<input",
            "javascript:",
            "data:text",
            "svg",
            "iframe",
            "<style",
            "evil.example",
        ] {
            assert!(!clean.contains(banned), "{banned} survived in {clean}");
        }
        assert!(clean.contains("cid:logo@council"), "{clean}");
        assert!(clean.contains("data:image/png;base64"), "{clean}");
        assert!(clean.contains("https://council.example/foi"), "{clean}");
        assert!(clean.contains("noopener"), "{clean}");
        assert!(clean.contains("<b>there</b>"), "{clean}");
    }

    #[test]
    fn deeply_nested_html_is_shown_as_text_not_parsed() {
        assert_eq!(html_depth("<div><p>a<br><img src=x/></p><div/></div>"), 1);
        assert_eq!(html_depth("<b><i><u>x</u></i></b><b>"), 3);
        // html5ever would spend minutes on this; the fallback never builds a tree.
        let deep = format!(
            "{}<script>alert(1)</script>x &amp; y{}",
            "<div>".repeat(100_000),
            "</div>".repeat(10)
        );
        assert_eq!(sanitize_html(&deep, 1 << 22), "<pre>x &amp; y</pre>");
    }

    #[test]
    fn html_to_text_reads_like_text() {
        let html = concat!(
            "<html><head><title>t</title><style>p{color:red}</style></head><body>",
            "<p>Dear Ms&nbsp;Smith,</p><p>Please find the answers below.<br>Thanks</p>",
            "<ul><li>One</li><li>Two &amp; three</li></ul>",
            "<p>Contact <a href=\"mailto:foi@council.example\">foi@council.example</a> or ",
            "see <a href=\"https://council.example/foi\">our page</a>.</p>",
            "<script>document.write('x')</script><!-- a comment -->",
            "<table><tr><td>Cameras</td><td>14</td></tr></table>",
            "<p><strong>Ref</strong>: FOI-1</p></body></html>"
        );
        let text = html_to_text(html, 10_000);
        assert_eq!(
            text,
            concat!(
                "Dear Ms Smith,\n\nPlease find the answers below.\nThanks\n\n",
                "- One\n- Two & three\n\n",
                "Contact foi@council.example or see our page ( https://council.example/foi ).",
                "\n\nCameras\t14\n\n*Ref*: FOI-1"
            )
        );
    }

    #[test]
    fn html_to_text_is_bounded_and_total() {
        let text = html_to_text(&"<p>word ".repeat(10_000), 100);
        assert!(text.chars().count() <= 100);
        for hostile in [
            "<",
            "<<<<",
            "&",
            "&#;",
            "&#xFFFFFFFFFF;",
            "&#0;",
            "<a href='x",
            "<!--",
            "<b",
            "</",
            "<p>\u{202E}x",
            "&amp",
            "<a href=\"&#x110000;\">x</a>",
        ] {
            let _ = html_to_text(hostile, 100);
        }
        assert_eq!(
            html_to_text("a < b &gt; c &bogus; d", 100),
            "a < b > c &bogus; d"
        );
    }

    #[test]
    fn display_text_is_cleaned_and_bounded() {
        assert_eq!(
            clean_display_text("  Re:\tFOI\r\n request \u{202E}x  ", 100),
            "Re: FOI request x"
        );
        assert_eq!(clean_display_text(&"a".repeat(50), 10).chars().count(), 10);
        assert_eq!(clean_display_text("a b c d e f", 4), "a b");
    }

    #[test]
    fn mojibake_is_repaired_only_when_it_round_trips() {
        assert_eq!(
            repair_mojibake("EingangsbestÃ¤tigung"),
            "Eingangsbestätigung"
        );
        assert_eq!(repair_mojibake("weâ€™ll respond"), "we’ll respond");
        assert_eq!(repair_mojibake("already fine: ä ’"), "already fine: ä ’");
        // Genuine Latin-1 text that merely contains Ã stays as it is.
        assert_eq!(repair_mojibake("SÃO PAULO é"), "SÃO PAULO é");
        assert_eq!(repair_mojibake("ÃƒÂ¤"), "ä");
    }

    #[test]
    fn html_in_plain_text_is_recognised() {
        assert!(looks_like_html("<html><body><p>x</p></body></html>"));
        assert!(looks_like_html("<p>Hello</p><p>there</p><br>"));
        assert!(!looks_like_html("Use <b> for bold, I said."));
    }

    /// The estimate as it was before (an allocation per tag, and a search for '>' per tag).
    fn html_depth_before(html: &str) -> usize {
        let bytes = html.as_bytes();
        let mut depth = 0usize;
        let mut deepest = 0usize;
        let mut i = 0usize;
        while let Some(offset) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|b| *b == b'<'))
        {
            i += offset + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = if closing { i + 1 } else { i };
            let mut end = start;
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            if end == start {
                continue;
            }
            let name = html.get(start..end).unwrap_or("").to_ascii_lowercase();
            if NON_NESTING.contains(&name.as_str()) {
                continue;
            }
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                let self_closing = bytes
                    .get(end..)
                    .and_then(|rest| rest.iter().position(|b| *b == b'>'))
                    .is_some_and(|gt| gt > 0 && bytes.get(end + gt - 1) == Some(&b'/'));
                if !self_closing {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
        }
        deepest
    }

    /// The character-at-a-time `push_text` the ASCII runs replaced.
    fn push_text_by_char(sink: &mut TextSink, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{00A0}' {
                sink.pending_space = true;
                continue;
            }
            if c.is_control() || is_invisible_format_char(c) {
                continue;
            }
            if sink.pending_breaks > 0 || sink.pending_space {
                sink.flush_separators();
            }
            if sink.full() {
                return;
            }
            let c = if c == '\u{00A0}' { ' ' } else { c };
            sink.raw_push(c);
        }
        if !text.trim().is_empty() {
            sink.last_text.clear();
            sink.last_text.push_str(truncate_bytes(text.trim(), 4096));
        }
    }

    proptest::proptest! {
        #[test]
        fn text_is_pushed_as_one_character_at_a_time_would(
            max in 0usize..40,
            texts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "abc", "Hello,", " ", "  ", "\n", "\t", "\u{00A0}", "é", "\u{200B}", "\u{7}",
                        "x", "0123456789", "<>", "&amp;",
                    ]),
                    0..12,
                ),
                0..6,
            ),
            breaks in proptest::collection::vec(0u8..3, 6),
        ) {
            let (mut fast, mut slow) = (TextSink::new(max), TextSink::new(max));
            for (parts, b) in texts.iter().zip(&breaks) {
                let text = parts.concat();
                fast.pending_breaks = *b;
                slow.pending_breaks = *b;
                fast.push_text(&text);
                push_text_by_char(&mut slow, &text);
                proptest::prop_assert_eq!(&fast.out, &slow.out);
                proptest::prop_assert_eq!(fast.chars, slow.chars);
                proptest::prop_assert_eq!(&fast.last_text, &slow.last_text);
                proptest::prop_assert_eq!(fast.pending_space, slow.pending_space);
            }
        }

        #[test]
        fn a_text_is_cut_after_its_first_max_characters(
            text in "[a-z é€\u{1F600}\n]{0,40}",
            max in 0usize..50,
        ) {
            let (cut, more) = truncate_chars(&text, max);
            let expected: String = text.chars().take(max).collect();
            proptest::prop_assert_eq!(cut, expected.as_str());
            proptest::prop_assert_eq!(more, text.chars().count() > max);
        }

        #[test]
        fn the_depth_estimate_is_what_it_was_before_memchr(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<div>", "</div>", "<p>", "<br/>", "<a", ">", "/", "<", "<x/>", "text", "<B>",
                    "</b>", "<LI>", "<img src=x/>",
                ]),
                0..80,
            )
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(html_depth(&html), html_depth_before(&html));
        }
    }

    proptest::proptest! {
        #[test]
        fn html_is_recognised_as_counting_each_marker_did(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<p>", "<P ", "</p>", "<br>", "<br/>", "<br />", "<div", "</DIV>", "<body", "<",
                    "p>", "text ", "<b>", "\n", "é", "<!doctype html>",
                ]),
                0..40,
            )
        ) {
            let text = parts.concat();
            let head = truncate_bytes(text.trim_start(), 4096).to_ascii_lowercase();
            let before = head.starts_with("<!doctype html")
                || head.starts_with("<html")
                || ["<p>", "<p ", "</p>", "<br>", "<br/>", "<br />", "<div", "</div>", "<body"]
                    .iter()
                    .map(|marker| head.matches(marker).count())
                    .sum::<usize>()
                    >= 3;
            proptest::prop_assert_eq!(looks_like_html(&text), before);
        }
    }
}
