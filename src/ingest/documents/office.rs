//! The text of DOCX (`word/document.xml`) and ODT (`content.xml`) documents, page by page
//! where the file records its page breaks (Word's `w:br w:type="page"` and
//! `w:lastRenderedPageBreak`, LibreOffice's `text:soft-page-break`). Pure: XML in, pages
//! out, at most `max_bytes` of text. Hostile input never panics (fuzzed:
//! `fuzz/fuzz_targets/document_xml.rs`).

use quick_xml::events::{BytesStart, Event};

/// Which vocabulary the XML speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// WordprocessingML (`w:` elements).
    Docx,
    /// OpenDocument text (`text:` elements).
    Odt,
}

/// The pages of a document's text (at least one, maybe empty), and whether text was left
/// out past `max_bytes`. A document that is not well-formed XML is an error saying where.
pub fn xml_pages(
    xml: &[u8],
    dialect: Dialect,
    max_bytes: usize,
) -> Result<(Vec<String>, bool), String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut pages = Pages::new(max_bytes);
    // DOCX: inside a `w:t` (text run); ODT: how many `text:p`/`text:h` enclose us.
    let mut depth_text = 0usize;
    // ODT: the paragraph styles that start a new page (`fo:break-before="page"`), and the
    // style being read.
    let mut breaking = std::collections::HashSet::new();
    let mut style: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "the document's XML is broken at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                if is_text_element(&e, dialect) {
                    depth_text += 1;
                }
                page_styles(&e, dialect, &mut style, &mut breaking, &mut pages);
                structure(&e, dialect, depth_text > 0, &mut pages);
            }
            Event::Empty(e) => {
                page_styles(&e, dialect, &mut style, &mut breaking, &mut pages);
                structure(&e, dialect, depth_text > 0, &mut pages);
            }
            Event::End(e) => {
                let local = e.local_name();
                let name = local.as_ref();
                match (dialect, name) {
                    (Dialect::Docx, "t") => depth_text = depth_text.saturating_sub(1),
                    (Dialect::Docx, "p") => pages.push("\n"),
                    (Dialect::Odt, "p" | "h") => {
                        depth_text = depth_text.saturating_sub(1);
                        pages.push("\n");
                    }
                    _ => {}
                }
            }
            Event::Text(t) if depth_text > 0 => pages.push(&t.xml10_content()),
            Event::CData(t) if depth_text > 0 => pages.push(&t.xml10_content()),
            Event::GeneralRef(r) if depth_text > 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                if let Some(c) = c {
                    pages.push(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if pages.full {
            break;
        }
        buf.clear();
    }
    Ok(pages.finish())
}

/// ODT's page breaks by style: learn which automatic paragraph styles break before them
/// (`<style:style style:name="P2"><style:paragraph-properties fo:break-before="page"/>`),
/// and start a page at a paragraph of such a style. At most 10,000 styles are kept.
fn page_styles(
    e: &BytesStart<'_>,
    dialect: Dialect,
    style: &mut Option<String>,
    breaking: &mut std::collections::HashSet<String>,
    pages: &mut Pages,
) {
    if dialect != Dialect::Odt {
        return;
    }
    let attr = |name: &str| {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .map(|a| a.value.into_owned())
    };
    match e.local_name().as_ref() {
        "style" => *style = attr("style:name"),
        "paragraph-properties" => {
            if let (Some(name), Some("page")) = (style.as_ref(), attr("fo:break-before").as_deref())
            {
                if breaking.len() < 10_000 {
                    breaking.insert(name.clone());
                }
            }
        }
        "p" | "h" if attr("text:style-name").is_some_and(|n| breaking.contains(&n)) => {
            pages.break_page();
        }
        _ => {}
    }
}

/// Whether this start tag opens text that is read.
fn is_text_element(e: &BytesStart<'_>, dialect: Dialect) -> bool {
    let local = e.local_name();
    match dialect {
        Dialect::Docx => local.as_ref() == "t",
        Dialect::Odt => matches!(local.as_ref(), "p" | "h"),
    }
}

/// Tabs, line and page breaks, spaces.
fn structure(e: &BytesStart<'_>, dialect: Dialect, in_text: bool, pages: &mut Pages) {
    let local = e.local_name();
    let attr = |name: &str| {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .map(|a| a.value.into_owned())
    };
    match (dialect, local.as_ref()) {
        (Dialect::Docx, "tab") => pages.push("\t"),
        (Dialect::Docx, "cr") => pages.push("\n"),
        (Dialect::Docx, "br") => {
            if attr("w:type").as_deref() == Some("page") {
                pages.break_page();
            } else {
                pages.push("\n");
            }
        }
        (Dialect::Docx, "lastRenderedPageBreak") => pages.break_page(),
        (Dialect::Docx, "pageBreakBefore")
            if !matches!(attr("w:val").as_deref(), Some("0" | "false" | "off")) =>
        {
            pages.break_page()
        }
        (Dialect::Odt, "soft-page-break") => pages.break_page(),
        (Dialect::Odt, "tab") if in_text => pages.push("\t"),
        (Dialect::Odt, "line-break") if in_text => pages.push("\n"),
        (Dialect::Odt, "s") if in_text => {
            let n = attr("text:c")
                .and_then(|c| c.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .min(64);
            pages.push(&" ".repeat(n));
        }
        _ => {}
    }
}

/// Pages being filled, with a bound on the text.
struct Pages {
    pages: Vec<String>,
    left: usize,
    full: bool,
}

impl Pages {
    fn new(max_bytes: usize) -> Self {
        Self {
            pages: vec![String::new()],
            left: max_bytes,
            full: false,
        }
    }

    fn push(&mut self, s: &str) {
        if self.full {
            return;
        }
        let mut take = s.len().min(self.left);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        if take < s.len() {
            self.full = true;
        }
        self.left -= take;
        if let Some(p) = self.pages.last_mut() {
            p.push_str(&s[..take]);
        }
    }

    /// A new page, unless the current one has no text yet (Word marks a rendered break
    /// before the first run of a page, and a hard break may come just before it).
    fn break_page(&mut self) {
        if self.pages.last().is_some_and(|p| !p.trim().is_empty()) {
            self.pages.push(String::new());
        }
    }

    fn finish(mut self) -> (Vec<String>, bool) {
        for p in &mut self.pages {
            *p = tidy(p);
        }
        if self.pages.len() > 1 && self.pages.last().is_some_and(|p| p.is_empty()) {
            self.pages.pop();
        }
        (self.pages, self.full)
    }
}

/// Trailing spaces off each line, runs of blank lines down to one, no blank lines at the
/// ends.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Text in UTF-8, or decoded by a guess of its encoding.
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s
            .strip_prefix('\u{feff}')
            .unwrap_or(s)
            .replace("\r\n", "\n"),
        Err(_) => crate::ingest::formats::charset::decode(bytes, None).text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_runs_paragraphs_and_page_breaks() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Dear </w:t></w:r><w:r><w:t xml:space="preserve">Sir &amp; Madam</w:t></w:r></w:p>
            <w:p><w:r><w:instrText>PAGE</w:instrText><w:tab/><w:t>We hold 12 cameras.</w:t></w:r></w:p>
            <w:p><w:r><w:br w:type="page"/><w:t>Page two&#33;</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let (pages, cut) = xml_pages(xml, Dialect::Docx, 1 << 20).unwrap();
        assert!(!cut);
        assert_eq!(
            pages,
            vec!["Dear Sir & Madam\n\tWe hold 12 cameras.", "Page two!"]
        );
    }

    #[test]
    fn odt_paragraphs_spaces_and_soft_breaks() {
        let xml = br#"<office:document-content xmlns:office="o" xmlns:text="t"><office:automatic-styles>
            <style:style style:name="P2" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
            </office:automatic-styles><office:body><office:text>
            <text:h>Refusal</text:h><text:p>Section<text:s text:c="2"/>24 <text:span>applies</text:span>.</text:p>
            <text:soft-page-break/><text:p>Second<text:tab/>page</text:p>
            <text:p text:style-name="P2">Third</text:p></office:text></office:body></office:document-content>"#;
        let (pages, _) = xml_pages(xml, Dialect::Odt, 1 << 20).unwrap();
        assert_eq!(
            pages,
            vec!["Refusal\nSection  24 applies.", "Second\tpage", "Third"]
        );
    }

    #[test]
    fn text_is_bounded_and_broken_xml_is_an_error() {
        let xml = b"<w:p><w:t>abcdefghij</w:t></w:p>";
        let (pages, cut) = xml_pages(xml, Dialect::Docx, 4).unwrap();
        assert!(cut);
        assert_eq!(pages, vec!["abcd"]);
        assert!(xml_pages(b"<w:p><w:t>a</w:t><", Dialect::Docx, 100).is_err());
    }
}
