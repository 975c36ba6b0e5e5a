//! The exemptions a refusal cites, read from its text, and their order in a report.

/// Sort key of an exemption label: sections by number, then regulations, then the rest.
pub(super) fn exemption_order(label: &str) -> (u8, u32, String) {
    let num = |s: &str| {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(u32::MAX)
    };
    if let Some(rest) = label.strip_prefix("section ") {
        (0, num(rest), label.into())
    } else if let Some(rest) = label.strip_prefix("regulation ") {
        (1, num(rest), label.into())
    } else {
        (2, 0, label.into())
    }
}

/// The exemptions a refusal cites, as labels (`section 43`, `regulation 12(4)(b)`), in
/// order of first mention: FOIA/FOISA sections 12, 14 and 21 to 44, written `section 43`,
/// `sections 40 and 41`, `s.31(1)(a)`, `s 40(2)`, `s43` or `S. 40(2)`; EIR regulations 12
/// and 13 with their paragraphs. Subsections are dropped from sections (`s.31(1)(a)` is
/// section 31). The recognition is the classifier's ([`crate::text::exemptions_in`]),
/// which this extends to staff shorthand such as `s 40(2)` (a space after a bare `s`).
pub fn exemptions_cited(text: &str) -> Vec<String> {
    // `s 40` -> `s40`: the classifier reads `s<digits>`, but not a bare `s` and a space.
    let mut norm = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        norm.push(c);
        let at_word_start = prev.is_none_or(|p| !p.is_alphanumeric());
        if (c == 's' || c == 'S') && at_word_start {
            let rest = &text[i + 1..];
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            if (1..=2).contains(&spaces)
                && rest.as_bytes()[spaces..]
                    .first()
                    .is_some_and(u8::is_ascii_digit)
            {
                for _ in 0..spaces {
                    chars.next();
                }
            }
        }
        prev = Some(c);
    }
    crate::text::exemptions_in(&norm)
        .into_iter()
        .map(|x| {
            if let Some(n) = x.strip_prefix("reg") {
                format!("regulation {n}")
            } else if let Some(n) = x.strip_prefix('s') {
                format!("section {n}")
            } else {
                x
            }
        })
        .collect()
}
