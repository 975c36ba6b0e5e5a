//! Cutting text to a bound without splitting a character.

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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
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
    }
}
