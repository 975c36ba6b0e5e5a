//! What the child process runs on one attachment: sniff its type and read it. Files for
//! the tools are written to `work`, a folder the parent made for this child (and removes
//! after it, whatever happened).

use super::sniff::{Kind, ZipHints};
use super::{archive, office, sheets, tools};
use crate::domain::{Extraction, TextUnit};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The text of one file, with no control characters but newlines and tabs (the text is
/// printed to terminals and pages), locators on one line.
pub fn extract(bytes: &[u8], name: &str, content_type: &str, work: &Path) -> Extraction {
    let mut x = extract_at(bytes, name, content_type, work, 0);
    for u in &mut x.units {
        if u.text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            u.text.retain(|c| !c.is_control() || c == '\n' || c == '\t');
        }
        u.locator = crate::text::clean_display_text(&u.locator, 500);
    }
    x.units.retain(|u| !u.text.trim().is_empty());
    x
}

fn extract_at(
    bytes: &[u8],
    name: &str,
    content_type: &str,
    work: &Path,
    depth: usize,
) -> Extraction {
    if bytes.is_empty() {
        return Extraction::skipped("the file is empty");
    }
    let zip = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        archive::hints(bytes)
    } else {
        None
    };
    if zip.is_none() && bytes.starts_with(b"PK\x03\x04") {
        if let Err(e) = archive::open(bytes) {
            return Extraction::failed(format!("the file is damaged: {e}"));
        }
    }
    let hints = zip.as_ref().map(|(names, mimetype)| ZipHints {
        names,
        mimetype: mimetype.as_deref(),
    });
    match super::sniff::kind(bytes, content_type, name, hints) {
        Kind::Pdf => with_file(bytes, work, "pdf", |f| tools::pdf(f, work)),
        Kind::Doc => with_file(bytes, work, "doc", tools::doc),
        Kind::Image => with_file(bytes, work, "img", tools::image),
        Kind::Docx => office_document(bytes, "word/document.xml", office::Dialect::Docx),
        Kind::Odt => office_document(bytes, "content.xml", office::Dialect::Odt),
        Kind::Spreadsheet => sheets::spreadsheet(bytes),
        Kind::Csv => sheets::csv(bytes),
        Kind::Rtf => {
            let text = crate::ingest::formats::rtf::to_text(bytes, super::MAX_TEXT).text;
            whole("rtf", office::tidy(&text))
        }
        Kind::Html => {
            let html = office::decode_text(bytes);
            whole(
                "html",
                office::tidy(&crate::text::html_to_text(&html, super::MAX_TEXT)),
            )
        }
        Kind::Text => whole("text", office::tidy(&office::decode_text(bytes))),
        Kind::Zip => archive::read(bytes, name, depth, &|b, n, d| {
            extract_at(b, n, "application/octet-stream", work, d)
        }),
        Kind::Unsupported(what) => {
            Extraction::skipped(format!("unsupported type: {what} ({content_type})"))
        }
    }
}

/// One unit with no locator (formats without pages).
fn whole(extractor: &str, text: String) -> Extraction {
    let units = if text.is_empty() {
        Vec::new()
    } else {
        vec![TextUnit {
            locator: String::new(),
            text,
        }]
    };
    Extraction::read(extractor, units)
}

/// A DOCX or ODT: its main XML part, page by page.
fn office_document(bytes: &[u8], part: &str, dialect: office::Dialect) -> Extraction {
    let xml = match archive::open(bytes)
        .and_then(|mut z| archive::member(&mut z, part, archive::MAX_MEMBER))
    {
        Ok(x) => x,
        Err(e) => return Extraction::failed(format!("the document cannot be read: {e}")),
    };
    let extractor = match dialect {
        office::Dialect::Docx => "docx",
        office::Dialect::Odt => "odt",
    };
    match office::xml_pages(&xml, dialect, super::MAX_TEXT) {
        Ok((pages, cut)) => {
            let mut x = Extraction::read(extractor, tools::page_units(pages, ""));
            if cut {
                x.reason = Some(format!(
                    "only the first {} MB of text were kept",
                    super::MAX_TEXT >> 20
                ));
            }
            x
        }
        Err(e) => Extraction::failed(e),
    }
}

/// Run `f` on the bytes written to a file in `work` (removed after).
fn with_file(
    bytes: &[u8],
    work: &Path,
    ext: &str,
    f: impl FnOnce(&Path) -> Extraction,
) -> Extraction {
    static N: AtomicU64 = AtomicU64::new(0);
    let path = work.join(format!("input-{}.{ext}", N.fetch_add(1, Ordering::Relaxed)));
    if let Err(e) = std::fs::write(&path, bytes) {
        return Extraction::failed(format!("cannot write {}: {e}", path.display()));
    }
    let x = f(&path);
    let _ = std::fs::remove_file(&path);
    x
}
