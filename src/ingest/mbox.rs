//! mbox files: where one email ends and the next begins.
//!
//! A `From ` line starts a message only where an mbox writer would have put one: at the
//! start of the file, or after a blank line, written as `From sender date` (with a time
//! and a year), followed by a header line, and not inside a MIME multipart that is still
//! open. So a bounce that returns or quotes a message starting with its own `From ` line
//! stays one email. `>From ` at the start of a line is unescaped (mboxrd/mboxo).
//!
//! Pure: no IO.

use memchr::memmem;

/// True when a file is an mbox export rather than one email: named `.mbox` (or without
/// an extension) and starting with a `From ` line. `.eml`, `.msg` and `.txt` files are
/// one email each whatever their first line.
pub fn is_mbox_file(name: &std::path::Path, data: &[u8]) -> bool {
    let extension = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let single = matches!(extension.as_deref(), Some("eml" | "msg" | "txt"));
    !single && data.starts_with(b"From ")
}

/// Splits an mbox file into emails.
pub fn split_mbox(data: &[u8]) -> Vec<Vec<u8>> {
    let lines: Vec<&[u8]> = data.split_inclusive(|b| *b == b'\n').collect();
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_blank = true;
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or(&[]);
        let starts = previous_blank
            && is_from_line(line)
            && is_header_line(next)
            && current.as_deref().is_none_or(|m| !has_open_multipart(m));
        previous_blank = line.iter().all(u8::is_ascii_whitespace);
        if starts {
            if let Some(message) = current.take() {
                out.push(message);
            }
            current = Some(Vec::new());
            continue;
        }
        let message = current.get_or_insert_with(Vec::new);
        let unescaped = if line.starts_with(b">From ") {
            line.get(1..).unwrap_or(line)
        } else {
            line
        };
        message.extend_from_slice(unescaped);
    }
    out.extend(current);
    out
}

/// `From sender Mon Jan  1 00:00:00 2024`: a sender, a time and a four-digit year.
fn is_from_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let text = String::from_utf8_lossy(rest);
    let mut words = text.split_whitespace();
    let Some(sender) = words.next() else {
        return false;
    };
    let words: Vec<&str> = words.collect();
    let has_time = words
        .iter()
        .any(|w| w.len() >= 5 && w.as_bytes().get(2) == Some(&b':'));
    let has_year = words
        .iter()
        .any(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
    !sender.is_empty() && has_time && has_year
}

/// `Name: value`, the first line of a header block.
fn is_header_line(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|b| *b == b':') else {
        return false;
    };
    colon > 0
        && line
            .get(..colon)
            .is_some_and(|name| name.iter().all(|b| b.is_ascii_graphic()))
}

/// True when a message so far declares a MIME boundary it has not closed: a `From ` line
/// now is part of its body (a returned or forwarded message).
fn has_open_multipart(message: &[u8]) -> bool {
    let finder = memmem::Finder::new(b"boundary=");
    let lower: Vec<u8> = message.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| finder.find(rest)) {
        let start = from + at + b"boundary=".len();
        from = start;
        let tail = message.get(start..).unwrap_or(&[]);
        let value: Vec<u8> = tail
            .iter()
            .skip_while(|b| **b == b'"')
            .take_while(|b| **b != b'"' && **b != b';' && !b.is_ascii_whitespace())
            .copied()
            .collect();
        if value.is_empty() {
            continue;
        }
        let mut closer = b"--".to_vec();
        closer.extend_from_slice(&value);
        closer.extend_from_slice(b"--");
        if memmem::find(message, &closer).is_none() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn mbox_is_split_and_unescaped() {
        let mbox = b"From a@b Mon Jan 1 00:00:00 2024\nSubject: one\n\n>From the top\n\nFrom c@d Tue Jan 2 00:00:00 2024\nSubject: two\n\nbody\n";
        let m = split_mbox(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], b"Subject: one\n\nFrom the top\n\n".to_vec());
        assert!(m[1].starts_with(b"Subject: two"));
    }

    #[test]
    fn quoted_from_lines_do_not_split_a_message() {
        // Prose starting with "From ", and a bounce returning a message with its own
        // mbox line inside an open multipart.
        let mbox = concat!(
            "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n",
            "Subject: Undelivered Mail Returned to Sender\n",
            "Content-Type: multipart/mixed; boundary=\"b1\"\n\n",
            "--b1\n\nFrom the council's point of view this failed.\n\n",
            "--b1\nContent-Type: message/rfc822\n\n",
            "From foi@campaign.example Mon Jan  1 00:00:00 2024\n",
            "Subject: FOI request\n\nbody\n",
            "--b1--\n",
        );
        let m = split_mbox(mbox.as_bytes());
        assert_eq!(
            m.len(),
            1,
            "{:?}",
            m.iter()
                .map(|x| String::from_utf8_lossy(x))
                .collect::<Vec<_>>()
        );
        assert!(String::from_utf8_lossy(&m[0]).contains("From foi@campaign.example"));
    }

    #[test]
    fn only_mbox_files_are_split() {
        let data = b"From x Mon Jan  1 00:00:00 2024\nSubject: a\n\nb\n";
        assert!(is_mbox_file(Path::new("export.mbox"), data));
        assert!(is_mbox_file(Path::new("Inbox"), data));
        assert!(!is_mbox_file(Path::new("bounce.eml"), data));
        assert!(!is_mbox_file(Path::new("bounce.txt"), data));
        assert!(!is_mbox_file(Path::new("reply.mbox"), b"Subject: a\n\nb\n"));
    }
}
