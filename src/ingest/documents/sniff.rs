//! What kind of file an attachment is: by its bytes first (a PDF named `.doc` is read as a
//! PDF), then by its declared type and name. Pure.

/// A kind of file the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Odt,
    /// XLSX, XLS, XLSB or ODS (calamine tells them apart).
    Spreadsheet,
    Doc,
    Rtf,
    Image,
    Html,
    Csv,
    Text,
    Zip,
    /// Not read; the text says what it is.
    Unsupported(&'static str),
}

const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The kind of a file from its first bytes, its declared content type and its name.
/// `zip_names` lists the member names when the bytes are a ZIP (OOXML and ODF are ZIPs);
/// `mimetype` is the content of an ODF package's `mimetype` member.
pub fn kind(bytes: &[u8], content_type: &str, name: &str, zip: Option<ZipHints<'_>>) -> Kind {
    let ct = content_type.to_ascii_lowercase();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Kind::Pdf;
    }
    if let Some(z) = zip {
        return zip_kind(&z);
    }
    if bytes.starts_with(OLE) {
        return ole_kind(bytes, &ct, &ext);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Kind::Rtf;
    }
    if is_image(bytes) {
        return Kind::Image;
    }
    if bytes.contains(&0) && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") {
        return Kind::Unsupported("binary file of an unknown type");
    }
    if ct.contains("html") || matches!(ext.as_str(), "htm" | "html" | "xhtml") {
        return Kind::Html;
    }
    if ct.contains("csv") || ext == "csv" {
        return Kind::Csv;
    }
    if ct.starts_with("text/") || matches!(ext.as_str(), "txt" | "text" | "md" | "log" | "") {
        let probe = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        if crate::text::looks_like_html(&probe) {
            return Kind::Html;
        }
        return Kind::Text;
    }
    Kind::Unsupported("a type that is not read")
}

/// What is known of a ZIP's members.
pub struct ZipHints<'a> {
    pub names: &'a [String],
    pub mimetype: Option<&'a str>,
}

fn zip_kind(z: &ZipHints<'_>) -> Kind {
    let has = |n: &str| z.names.iter().any(|m| m == n);
    match z.mimetype.map(str::trim) {
        Some("application/vnd.oasis.opendocument.text") => return Kind::Odt,
        Some("application/vnd.oasis.opendocument.spreadsheet") => return Kind::Spreadsheet,
        Some(m) if m.starts_with("application/vnd.oasis.opendocument.") => {
            return Kind::Unsupported("an OpenDocument file that is not text or a spreadsheet")
        }
        _ => {}
    }
    if has("word/document.xml") {
        Kind::Docx
    } else if has("xl/workbook.xml") || has("xl/workbook.bin") {
        Kind::Spreadsheet
    } else if has("ppt/presentation.xml") {
        Kind::Unsupported("a PowerPoint file")
    } else {
        Kind::Zip
    }
}

/// A Word 97-2003 or Excel 97-2003 file (both OLE compound files): by the names of the
/// streams inside (UTF-16), then by type and name.
fn ole_kind(bytes: &[u8], ct: &str, ext: &str) -> Kind {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let has = |s: &str| memchr::memmem::find(bytes, &utf16(s)).is_some();
    if has("WordDocument") {
        Kind::Doc
    } else if has("Workbook") || has("Book") {
        Kind::Spreadsheet
    } else if ct.contains("msword") || ext == "doc" {
        Kind::Doc
    } else if ct.contains("excel") || ext == "xls" {
        Kind::Spreadsheet
    } else {
        Kind::Unsupported("an OLE file that is not Word or Excel (an Outlook item?)")
    }
}

fn is_image(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1a\n")
        || b.starts_with(b"\xFF\xD8\xFF")
        || b.starts_with(b"II*\0")
        || b.starts_with(b"MM\0*")
        || b.starts_with(b"GIF87a")
        || b.starts_with(b"GIF89a")
        || (b.starts_with(b"BM") && b.len() > 26)
        || (b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_decide_before_names() {
        assert_eq!(
            kind(b"%PDF-1.4\n", "application/msword", "a.doc", None),
            Kind::Pdf
        );
        assert_eq!(
            kind(b"{\\rtf1 hi}", "application/octet-stream", "x", None),
            Kind::Rtf
        );
        assert_eq!(
            kind(b"\x89PNG\r\n\x1a\n....", "", "scan", None),
            Kind::Image
        );
        assert_eq!(
            kind(b"a,b\n1,2\n", "text/plain", "cams.csv", None),
            Kind::Csv
        );
        assert_eq!(
            kind(b"<html><p>hi</p></html>", "text/plain", "a.txt", None),
            Kind::Html
        );
        assert_eq!(kind(b"Dear sir", "text/plain", "a.txt", None), Kind::Text);
        assert!(matches!(
            kind(b"MZ\0\0", "application/x-msdownload", "a.exe", None),
            Kind::Unsupported(_)
        ));
        let names = vec!["word/document.xml".to_string()];
        let z = ZipHints {
            names: &names,
            mimetype: None,
        };
        assert_eq!(kind(b"PK\x03\x04", "", "a.zip", Some(z)), Kind::Docx);
        let z = ZipHints {
            names: &[],
            mimetype: Some("application/vnd.oasis.opendocument.text"),
        };
        assert_eq!(kind(b"PK\x03\x04", "", "a", Some(z)), Kind::Odt);
    }
}
