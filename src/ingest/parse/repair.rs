//! Broken MIME structure mended the way mail clients mend it, on the raw bytes, before
//! mail-parser reads them: a top-level multipart whose boundary parameter is missing,
//! folded where mail-parser loses it, or never used in the body gets the boundary its
//! body really uses (or, when the body has none, is read as plain text); multiparts whose
//! final boundary never comes are closed at the end of the message.
//!
//! Without this a folded boundary parameter made a whole reply one `attachment-1.bin`
//! (its PDF and its text lost), a multipart without its final boundary turned the HTML
//! body into `attachment-1.html`, and a delivery report without boundary lines became
//! a `.bin` instead of a bounce.

use std::borrow::Cow;

use memchr::memmem;

use super::parameters::split_parameters;

/// Boundary parameters looked at for a missing final boundary.
const MAX_BOUNDARIES: usize = 64;
/// Longest boundary accepted (RFC 2046 allows 70 characters; some mailers write more).
const MAX_BOUNDARY_LEN: usize = 200;
/// Lines of body scanned for the boundary a multipart really uses.
const MAX_LINES_SCANNED: usize = 2_000;

/// What was mended, in words, for the message's notes.
pub(super) struct Repaired<'a> {
    pub(super) raw: Cow<'a, [u8]>,
    pub(super) notes: Vec<String>,
}

/// Mends `raw`; borrows it unchanged when nothing needs mending. `root_unsplit`: the
/// MIME parser could not split the top-level multipart.
pub(super) fn repair(raw: &[u8], root_unsplit: bool) -> Repaired<'_> {
    let mut notes = Vec::new();
    let mut out: Cow<'_, [u8]> = Cow::Borrowed(raw);
    if let Some((fixed, note)) = root_unsplit.then(|| repair_top_boundary(raw)).flatten() {
        out = Cow::Owned(fixed);
        notes.push(note);
    }
    let closers = missing_closers(&out);
    if !closers.is_empty() {
        let mut owned = out.into_owned();
        if !owned.ends_with(b"\n") {
            owned.extend_from_slice(b"\r\n");
        }
        for boundary in &closers {
            owned.extend_from_slice(b"--");
            owned.extend_from_slice(boundary.as_bytes());
            owned.extend_from_slice(b"--\r\n");
        }
        notes.push(format!(
            "the email ends without the final MIME boundary of {} multipart part(s): closed \
             at the end, as mail clients do",
            closers.len()
        ));
        out = Cow::Owned(owned);
    }
    Repaired { raw: out, notes }
}

/// The top-level header block: its length (up to and including the blank line) or the
/// whole input when there is no body.
fn header_block_len(raw: &[u8]) -> usize {
    let crlf = memmem::find(raw, b"\r\n\r\n").map(|i| i + 4);
    let lf = memmem::find(raw, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

/// A header field of the top-level block: its byte span (folded lines included) and
/// its unfolded value.
struct Field {
    start: usize,
    end: usize,
    value: String,
}

fn top_field(raw: &[u8], name: &str) -> Option<Field> {
    let block = raw.get(..header_block_len(raw))?;
    let mut offset = 0;
    let mut found: Option<Field> = None;
    for line in block.split_inclusive(|b| *b == b'\n') {
        let start = offset;
        offset += line.len();
        if let Some(field) = found.as_mut() {
            if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                field.end = offset;
                field.value.push(' ');
                field.value.push_str(String::from_utf8_lossy(line).trim());
                continue;
            }
            break;
        }
        let text = String::from_utf8_lossy(line);
        if let Some((key, value)) = text.split_once(':') {
            if key.trim().eq_ignore_ascii_case(name) && !key.contains(' ') {
                found = Some(Field {
                    start,
                    end: offset,
                    value: value.trim().to_string(),
                });
            }
        }
    }
    found
}

/// The `boundary` parameter of a Content-Type value, unquoted.
fn boundary_of(value: &str) -> Option<String> {
    split_parameters(value).into_iter().skip(1).find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').trim().to_string())
            .filter(|b| !b.is_empty() && b.len() <= MAX_BOUNDARY_LEN)
    })
}

/// A top-level multipart that mail-parser cannot split: rewrites its Content-Type.
fn repair_top_boundary(raw: &[u8]) -> Option<(Vec<u8>, String)> {
    let field = top_field(raw, "Content-Type")?;
    let media = field.value.split(';').next()?.trim().to_ascii_lowercase();
    if !media.starts_with("multipart/") {
        return None;
    }
    let body = raw.get(header_block_len(raw)..).unwrap_or(&[]);
    let declared = boundary_of(&field.value);
    let used = |b: &str| memmem::find(body, format!("--{b}").as_bytes()).is_some();
    let (replacement, note) = match declared {
        // Declared and used, yet the parser lost it (folded over lines in a way it does
        // not follow): written again on one line.
        Some(b) if used(&b) => (
            with_boundary(&field.value, &b),
            "the boundary parameter could not be read where it was written: read from the \
             unfolded header"
                .to_string(),
        ),
        declared => match boundary_in_body(body) {
            Some(found) => (
                with_boundary(&field.value, &found),
                match declared {
                    Some(d) => format!(
                        "the declared MIME boundary \"{d}\" is not used in the body: the one it \
                         uses was read instead"
                    ),
                    None => "the multipart has no boundary parameter: the boundary its body \
                             uses was read instead"
                        .to_string(),
                },
            ),
            None => (
                "text/plain".to_string(),
                "the multipart has no usable boundary and its body no boundary lines: read as \
                 plain text"
                    .to_string(),
            ),
        },
    };
    let mut fixed = Vec::with_capacity(raw.len() + 64);
    fixed.extend_from_slice(raw.get(..field.start)?);
    fixed.extend_from_slice(format!("Content-Type: {replacement}\r\n").as_bytes());
    fixed.extend_from_slice(raw.get(field.end..)?);
    Some((fixed, note))
}

/// A Content-Type value with its boundary parameter replaced by `boundary`.
fn with_boundary(value: &str, boundary: &str) -> String {
    let mut params: Vec<String> = split_parameters(value)
        .into_iter()
        .enumerate()
        .filter(|(i, p)| {
            *i == 0
                || !p
                    .split_once('=')
                    .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        })
        .map(|(_, p)| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    params.push(format!("boundary=\"{boundary}\""));
    params.join("; ")
}

/// The boundary a body uses: the first `--xyz` line that comes back later, as another
/// delimiter or as the closing `--xyz--`.
fn boundary_in_body(body: &[u8]) -> Option<String> {
    let lines: Vec<&[u8]> = body
        .split(|b| *b == b'\n')
        .take(MAX_LINES_SCANNED)
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(candidate) = line.strip_prefix(b"--") else {
            continue;
        };
        let candidate = candidate.strip_suffix(b"--").unwrap_or(candidate);
        if candidate.len() < 2
            || candidate.len() > MAX_BOUNDARY_LEN
            || candidate
                .iter()
                .any(|b| b.is_ascii_whitespace() && *b != b' ')
            || candidate.iter().all(|b| *b == b'-')
        {
            continue;
        }
        let again = lines.iter().skip(i + 1).any(|l| {
            l.strip_prefix(b"--")
                .map(|rest| rest.strip_suffix(b"--").unwrap_or(rest))
                .is_some_and(|rest| rest == candidate)
        });
        if again {
            return std::str::from_utf8(candidate).ok().map(str::to_string);
        }
    }
    None
}

/// Boundaries declared in the message whose closing delimiter never comes, innermost
/// (last declared) first.
fn missing_closers(raw: &[u8]) -> Vec<String> {
    let mut declared: Vec<String> = Vec::new();
    let finder = memmem::Finder::new(b"oundary=");
    let mut from = 0;
    while let Some(at) = raw.get(from..).and_then(|rest| finder.find(rest)) {
        let start = from + at + b"oundary=".len();
        from = start;
        if declared.len() >= MAX_BOUNDARIES {
            break;
        }
        let tail = raw.get(start..).unwrap_or(&[]);
        let value: Vec<u8> = if tail.first() == Some(&b'"') {
            tail.iter()
                .skip(1)
                .take_while(|b| **b != b'"' && **b != b'\n')
                .copied()
                .collect()
        } else {
            tail.iter()
                .take_while(|b| !b.is_ascii_whitespace() && **b != b';')
                .copied()
                .collect()
        };
        let Ok(value) = String::from_utf8(value) else {
            continue;
        };
        if declared.contains(&value) {
            // Two multiparts sharing a boundary: where each ends is anyone's guess, so
            // the parser's reading is left as it is.
            return Vec::new();
        }
        if value.is_empty() || value.len() > MAX_BOUNDARY_LEN {
            continue;
        }
        declared.push(value);
    }
    declared
        .into_iter()
        .rev()
        .filter(|b| {
            let opener = format!("--{b}");
            memmem::find(raw, opener.as_bytes()).is_some()
                && memmem::find(raw, format!("--{b}--").as_bytes()).is_none()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intact_message_is_borrowed_unchanged() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n";
        let repaired = repair(raw, false);
        assert!(matches!(repaired.raw, Cow::Borrowed(_)));
        assert!(repaired.notes.is_empty());
    }

    #[test]
    fn missing_boundary_parameter_is_read_from_the_body() {
        let raw = b"Subject: x\nContent-Type: multipart/report; report-type=delivery-status\n\n\
                    --abc/def\nContent-Type: text/plain\n\nhi\n--abc/def--\n";
        let repaired = repair(raw, true);
        let text = String::from_utf8_lossy(&repaired.raw);
        assert!(
            text.contains("multipart/report; report-type=delivery-status; boundary=\"abc/def\""),
            "{text}"
        );
    }

    #[test]
    fn multipart_without_boundary_lines_becomes_text() {
        let raw = b"Subject: x\nContent-Type: multipart/report;\n\nno boundary at all\n";
        let text = String::from_utf8_lossy(&repair(raw, true).raw).into_owned();
        assert!(text.contains("Content-Type: text/plain\r\n"), "{text}");
        assert!(text.ends_with("no boundary at all\n"));
    }

    #[test]
    fn unclosed_multiparts_are_closed_innermost_first() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"out\"\n\n--out\n\
                    Content-Type: multipart/alternative; boundary=in\n\n--in\n\nx\n";
        let text = String::from_utf8_lossy(&repair(raw, true).raw).into_owned();
        assert!(text.ends_with("--in--\r\n--out--\r\n"), "{text}");
    }
}
