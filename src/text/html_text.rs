//! HTML read as text: a plain rendition of an HTML body, and telling HTML sent as text.

use super::display::is_invisible_format_char;
use super::truncate::truncate_bytes;

/// Longest entity (`&...;`) the HTML-to-text rendition tries to decode.
const MAX_ENTITY_LEN: usize = 32;

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
    fn html_in_plain_text_is_recognised() {
        assert!(looks_like_html("<html><body><p>x</p></body></html>"));
        assert!(looks_like_html("<p>Hello</p><p>there</p><br>"));
        assert!(!looks_like_html("Use <b> for bold, I said."));
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
