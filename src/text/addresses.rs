//! Addresses and Message-IDs found in text, for parsing and for the decoders that read
//! bounces.

/// Normalises a Message-ID: trimmed, angle brackets and white space removed, control
/// characters dropped, at most 500 characters. `None` when nothing is left.
pub fn normalize_message_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let cleaned: String = id
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(500)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Email addresses in free text: `local@domain.tld`, local part of letters, digits and
/// `._%+-=`, domain with at least one dot. Case kept, duplicates kept in order.
pub fn find_addresses(text: &str) -> Vec<String> {
    fn local_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'=')
    }
    fn domain_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0usize;
    for (at, _) in text.match_indices('@') {
        if at < from {
            continue;
        }
        let mut start = at;
        while start > from && bytes.get(start - 1).copied().is_some_and(local_char) {
            start -= 1;
        }
        let mut end = at + 1;
        while bytes.get(end).copied().is_some_and(domain_char) {
            end += 1;
        }
        from = end;
        let local = text.get(start..at).unwrap_or("").trim_matches('.');
        let domain = text
            .get(at + 1..end)
            .unwrap_or("")
            .trim_end_matches(['.', '-']);
        let local = strip_prefix_ignore_case(local, "smtp=").unwrap_or(local);
        if local.is_empty() || !domain.contains('.') || domain.starts_with('.') {
            continue;
        }
        if out.len() >= 1000 {
            break;
        }
        out.push(format!("{local}@{domain}"));
    }
    out
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}
