//! `multipart/form-data` bodies (the case page's reply form, which may carry files): read
//! with the same hardened MIME parser as incoming mail, bounded by the caller's size
//! limit. Text fields become form fields; file fields keep their exact bytes and the name
//! the browser gave (checked later, like `foi case reply --attach`).

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// The most fields and files one form may have.
const MAX_PARTS: usize = 64;

/// One uploaded file, as the browser sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The form field's name.
    pub field: String,
    /// The file's name on the client (unchecked).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A form's fields and files.
#[derive(Debug, Default)]
pub struct Parts {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

/// Whether a Content-Type header names a multipart form.
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
}

/// Split a `multipart/form-data` body sent with `content_type`. An error is a sentence for
/// the person who sent it.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Parts, String> {
    if content_type.contains(['\r', '\n']) {
        return Err("The form's content type is not valid: reload the page.".into());
    }
    let mut raw = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    raw.extend_from_slice(body);
    let message = MessageParser::default()
        .parse(&raw)
        .ok_or("The form could not be read: reload the page and try again.")?;
    let mut out = Parts::default();
    let root = message.parts.first();
    let Some(PartType::Multipart(children)) = root.map(|p| &p.body) else {
        return Err("The form could not be read (no parts): reload the page.".into());
    };
    if children.len() > MAX_PARTS {
        return Err(format!(
            "The form has more than {MAX_PARTS} fields or files."
        ));
    }
    for &i in children {
        let Some(part) = message.parts.get(i as usize) else {
            continue;
        };
        let Some(disposition) = part.content_disposition() else {
            continue;
        };
        let Some(name) = disposition.attribute("name") else {
            continue;
        };
        // The exact bytes between the part's headers and the line break that belongs to
        // the next boundary (the parser's offsets leave it out).
        let start = part.offset_body as usize;
        let end = (part.offset_end as usize).min(raw.len());
        let bytes = raw.get(start..end.max(start)).unwrap_or_default();
        let typed = part.content_type().is_some();
        match disposition.attribute("filename") {
            // (an empty file input sends a typed part with an empty name and no bytes)
            Some("") | None if typed && bytes.is_empty() => {}
            Some(file_name) => out.files.push(Upload {
                field: name.to_string(),
                file_name: file_name.to_string(),
                bytes: bytes.to_vec(),
            }),
            None => out.fields.push((
                name.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            )),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, file, bytes) in parts {
            b.extend_from_slice(b"--XyZ\r\n");
            match file {
                Some(f) => b.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => b.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            b.extend_from_slice(bytes);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        b
    }

    #[test]
    fn fields_and_files_keep_their_exact_bytes() {
        let file: &[u8] = b"%PDF-1.4\r\n\x00\xff binary\r\n\r\n";
        let b = body(&[
            ("csrf", None, b"tok"),
            (
                "text",
                None,
                "Dear FOI team,\r\nthank you. \u{e9}".as_bytes(),
            ),
            ("attach", Some("sites.pdf"), file),
            ("attach", Some(""), b""),
        ]);
        let p = parse("multipart/form-data; boundary=XyZ", &b).unwrap();
        assert_eq!(
            p.fields,
            vec![
                ("csrf".to_string(), "tok".to_string()),
                (
                    "text".to_string(),
                    "Dear FOI team,\r\nthank you. \u{e9}".to_string()
                )
            ]
        );
        assert_eq!(p.files.len(), 1, "the empty file input is no file");
        assert_eq!(p.files[0].field, "attach");
        assert_eq!(p.files[0].file_name, "sites.pdf");
        assert_eq!(p.files[0].bytes, file);
    }

    #[test]
    fn hostile_bodies_are_errors_not_panics() {
        for (ct, b) in [
            (
                "multipart/form-data; boundary=XyZ",
                &b"no boundary at all"[..],
            ),
            ("multipart/form-data", &b"--XyZ\r\n\r\n"[..]),
            ("multipart/form-data; boundary=\"\"", &b"----\r\n"[..]),
            ("multipart/form-data; boundary=XyZ\r\nX: y", &b"--XyZ--"[..]),
            (
                "multipart/form-data; boundary=XyZ",
                &b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"[..],
            ),
        ] {
            // Either an error or a parse: never a panic.
            let _ = parse(ct, b);
        }
        assert!(is_multipart("multipart/form-data; boundary=a"));
        assert!(!is_multipart("application/x-www-form-urlencoded"));
    }
}
