//! MIME header parameters as written: `;`-separated, quoted, continued over several
//! parameters and charset-encoded (RFC 2231), with encoded words inside (RFC 2047).

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

/// Reads parameter `name` from a raw MIME header value, joining RFC 2231 continuations
/// (`name*0*=charset''%xx..; name*1*=...`), percent- and charset-decoding extended
/// segments, and decoding RFC 2047 encoded words left in the result.
pub(super) fn rfc2231_parameter(header_value: &str, name: &str) -> Option<String> {
    let mut plain: Option<String> = None;
    let mut segments: Vec<(usize, bool, String)> = Vec::new();
    for param in split_parameters(header_value).into_iter().skip(1) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = unquote(value.trim());
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        match rest {
            "" => plain = Some(value),
            "*" => segments.push((0, true, value)),
            _ => {
                let Some(rest) = rest.strip_prefix('*') else {
                    continue;
                };
                let (index, extended) = match rest.strip_suffix('*') {
                    Some(index) => (index, true),
                    None => (rest, false),
                };
                if let Ok(index) = index.parse::<usize>() {
                    if index < 100 && segments.len() < 100 {
                        segments.push((index, extended, value));
                    }
                }
            }
        }
    }
    let joined = if segments.is_empty() {
        plain?
    } else {
        segments.sort_by_key(|(index, _, _)| *index);
        let mut charset: Option<String> = None;
        let mut bytes: Vec<u8> = Vec::new();
        for (position, (_, extended, value)) in segments.iter().enumerate() {
            if *extended {
                let mut value = value.as_str();
                if position == 0 {
                    let mut pieces = value.splitn(3, '\'');
                    if let (Some(set), Some(_lang), Some(rest)) =
                        (pieces.next(), pieces.next(), pieces.next())
                    {
                        charset = Some(set.to_string()).filter(|c| !c.is_empty());
                        value = rest;
                    }
                }
                bytes.extend(percent_decode(value));
            } else {
                bytes.extend_from_slice(value.as_bytes());
            }
        }
        let decoder = charset
            .as_deref()
            .and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()));
        match decoder {
            Some(decode) => decode(&bytes),
            None => String::from_utf8_lossy(&bytes).into_owned(),
        }
    };
    let decoded = decode_encoded_words(&joined);
    (!decoded.trim().is_empty()).then_some(decoded)
}

/// Decodes RFC 2047 encoded words (`=?utf-8?q?...?=`) in a header-like text.
pub(super) fn decode_encoded_words(text: &str) -> String {
    if !text.contains("=?") {
        return text.to_string();
    }
    // The unstructured-field parser reads up to the end of a header line.
    let line = format!("{}\n", text.replace(['\r', '\n'], " "));
    let mut stream = MessageStream::new(line.as_bytes());
    match stream.parse_unstructured() {
        HeaderValue::Text(decoded) => decoded.into_owned(),
        _ => text.to_string(),
    }
}

/// Splits a header value at `;` outside double quotes.
pub(super) fn split_parameters(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(value.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
        if out.len() >= 200 {
            return out;
        }
    }
    out.push(value.get(start..).unwrap_or(""));
    out
}

fn unquote(value: &str) -> String {
    match value.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let mut out = String::with_capacity(inner.len());
            let mut escaped = false;
            for c in inner.chars() {
                if c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                escaped = false;
                out.push(c);
            }
            out
        }
        None => value.to_string(),
    }
}

fn percent_decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(decoded) = hex {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continued_and_encoded_parameters_are_joined_and_decoded() {
        let value = "attachment; filename*0*=utf-8''Antwort%20zu%20; filename*1=\"FOI 12.pdf\"";
        assert_eq!(
            rfc2231_parameter(value, "filename").as_deref(),
            Some("Antwort zu FOI 12.pdf")
        );
        let value = "attachment; filename*=iso-8859-1'de'Bescheid%20F%E4ker.pdf";
        assert_eq!(
            rfc2231_parameter(value, "filename").as_deref(),
            Some("Bescheid Fäker.pdf")
        );
        let value = "application/pdf; name=\"=?utf-8?q?R=C3=A9ponse?=\"";
        assert_eq!(rfc2231_parameter(value, "name").as_deref(), Some("Réponse"));
        assert_eq!(rfc2231_parameter("attachment", "filename"), None);
        assert_eq!(
            split_parameters("a; b=\"x;y\"; c=\"\\\"\""),
            ["a", " b=\"x;y\"", " c=\"\\\"\""]
        );
    }
}
