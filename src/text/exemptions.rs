//! Exemptions cited as grounds for withholding: FOIA and FOISA sections, EIR regulations.

/// Sections and regulations cited as grounds for withholding, normalised and in order of
/// first mention: FOIA/FOISA sections 12, 14 and 21 to 44 as `s<n>`; EIR regulations 12
/// and 13 as `reg<n>` plus their paragraphs (`reg12(4)(b)`).
pub fn exemptions_in(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut push = |item: String| {
        if !found.contains(&item) && found.len() < 50 {
            found.push(item);
        }
    };
    let mut i = 0usize;
    while i < bytes.len() {
        // (every form starts with an 's' or an 'r': the bytes before the next are skipped)
        match memchr::memchr2(b's', b'r', &bytes[i..]) {
            Some(skip) => i += skip,
            None => break,
        }
        let at_word_start = i == 0 || bytes.get(i - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
        let Some(keyword) = at_word_start
            .then(|| keyword_at(lower.get(i..).unwrap_or("")))
            .flatten()
        else {
            i += 1;
            continue;
        };
        let mut j = i + keyword.len;
        while let Some((number, paragraphs, end)) = number_at(&lower, j) {
            j = end;
            if keyword.regulation {
                if number == 12 || number == 13 {
                    push(format!("reg{number}{paragraphs}"));
                }
            } else if number == 12 || number == 14 || (21..=44).contains(&number) {
                push(format!("s{number}"));
            }
            if !keyword.plural {
                break;
            }
            match list_separator_at(&lower, j) {
                Some(len) => j += len,
                None => break,
            }
        }
        i = j.max(i + 1);
    }
    found
}

/// A word that introduces a citation.
struct Keyword {
    /// An EIR regulation rather than a section.
    regulation: bool,
    /// Its length in bytes.
    len: usize,
    /// Plural: a list of numbers may follow ("sections 40, 41 and 43").
    plural: bool,
}

/// The citation keyword `rest` starts with: `section(s)`, `regulation(s)`, `reg.`, `reg `
/// before a number, `ss.`, `s.`, or `s` glued to a number.
fn keyword_at(rest: &str) -> Option<Keyword> {
    let (regulation, len, plural) = if rest.starts_with("sections") {
        (false, 8, true)
    } else if rest.starts_with("section") {
        (false, 7, false)
    } else if rest.starts_with("regulations") {
        (true, 11, true)
    } else if rest.starts_with("regulation") {
        (true, 10, false)
    } else if rest.starts_with("reg.") {
        (true, 4, false)
    } else if rest.starts_with("reg ") && rest.as_bytes().get(4).is_some_and(u8::is_ascii_digit) {
        (true, 3, false)
    } else if rest.starts_with("ss.") && short_form_cites_section(rest.get(3..).unwrap_or("")) {
        (false, 3, true)
    } else if rest.starts_with("s.") && short_form_cites_section(rest.get(2..).unwrap_or("")) {
        (false, 2, false)
    } else if rest.starts_with('s') && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
        (false, 1, false)
    } else {
        return None;
    };
    Some(Keyword {
        regulation,
        len,
        plural,
    })
}

/// The number cited at byte `at` of `lower` (after spaces and dots; one to three digits,
/// not four) with its paragraphs (`(4)(b)`), and the byte after them.
fn number_at(lower: &str, at: usize) -> Option<(u32, String, usize)> {
    let bytes = lower.as_bytes();
    let mut j = at;
    while bytes.get(j).is_some_and(|b| *b == b' ' || *b == b'.') {
        j += 1;
    }
    let digits_start = j;
    while bytes.get(j).is_some_and(u8::is_ascii_digit) && j - digits_start < 3 {
        j += 1;
    }
    if j == digits_start || bytes.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let number = lower.get(digits_start..j)?.parse::<u32>().ok()?;
    // Paragraphs: (4)(b) ...
    let mut paragraphs = String::new();
    while bytes.get(j) == Some(&b'(') && paragraphs.len() < 12 {
        let close = lower.get(j..).and_then(|r| r.find(')')).map(|c| j + c);
        match close {
            Some(end) if end - j <= 4 => {
                paragraphs.push_str(lower.get(j..=end).unwrap_or(""));
                j = end + 1;
            }
            _ => break,
        }
    }
    Some((number, paragraphs, j))
}

/// The length of the separator at byte `at` of `lower` when a list of numbers goes on
/// after it: "sections 40, 41 and 43", "sections 40(2) & 43".
fn list_separator_at(lower: &str, at: usize) -> Option<usize> {
    let rest = lower.get(at..).unwrap_or("");
    [", and ", " and ", ", ", " & ", " or ", "/", ","]
        .iter()
        .find(|sep| rest.starts_with(**sep))
        .map(|sep| sep.len())
        .filter(|len| rest.as_bytes().get(*len).is_some_and(u8::is_ascii_digit))
}

/// After `s.`: a number straight away (`s.40`), or after a space only with a paragraph
/// (`s. 40(2)`), because `S. 26` is also how German writes "page 26".
fn short_form_cites_section(after_dot: &str) -> bool {
    let bytes = after_dot.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_digit) {
        return true;
    }
    let number = after_dot.trim_start_matches(' ');
    let digits = number.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && number.as_bytes().get(digits) == Some(&b'(')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reading as it was before it was cut into keyword, number and list, kept whole
    /// (hence its length) as the oracle the property test below checks the new one against.
    fn exemptions_before(text: &str) -> Vec<String> {
        let lower = text.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut found: Vec<String> = Vec::new();
        let mut push = |item: String| {
            if !found.contains(&item) && found.len() < 50 {
                found.push(item);
            }
        };
        let mut i = 0usize;
        while i < bytes.len() {
            // (every form starts with an 's' or an 'r': the bytes before the next are skipped)
            match memchr::memchr2(b's', b'r', &bytes[i..]) {
                Some(skip) => i += skip,
                None => break,
            }
            let at_word_start =
                i == 0 || bytes.get(i - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
            if !at_word_start {
                i += 1;
                continue;
            }
            let rest = lower.get(i..).unwrap_or("");
            let (regulation, keyword_len, plural) = if rest.starts_with("sections") {
                (false, 8, true)
            } else if rest.starts_with("section") {
                (false, 7, false)
            } else if rest.starts_with("regulations") {
                (true, 11, true)
            } else if rest.starts_with("regulation") {
                (true, 10, false)
            } else if rest.starts_with("reg.") {
                (true, 4, false)
            } else if rest.starts_with("reg ")
                && rest.as_bytes().get(4).is_some_and(u8::is_ascii_digit)
            {
                (true, 3, false)
            } else if rest.starts_with("ss.")
                && short_form_cites_section(rest.get(3..).unwrap_or(""))
            {
                (false, 3, true)
            } else if rest.starts_with("s.")
                && short_form_cites_section(rest.get(2..).unwrap_or(""))
            {
                (false, 2, false)
            } else if rest.starts_with('s')
                && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
            {
                (false, 1, false)
            } else {
                i += 1;
                continue;
            };
            let mut j = i + keyword_len;
            loop {
                while bytes.get(j).is_some_and(|b| *b == b' ' || *b == b'.') {
                    j += 1;
                }
                let digits_start = j;
                while bytes.get(j).is_some_and(u8::is_ascii_digit) && j - digits_start < 3 {
                    j += 1;
                }
                if j == digits_start {
                    break;
                }
                let Some(number) = lower
                    .get(digits_start..j)
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    break;
                };
                if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    break;
                }
                // Paragraphs: (4)(b) ...
                let mut paragraphs = String::new();
                let mut k = j;
                while bytes.get(k) == Some(&b'(') && paragraphs.len() < 12 {
                    let close = lower.get(k..).and_then(|r| r.find(')')).map(|c| k + c);
                    match close {
                        Some(end) if end - k <= 4 => {
                            paragraphs.push_str(lower.get(k..=end).unwrap_or(""));
                            k = end + 1;
                        }
                        _ => break,
                    }
                }
                j = k;
                if regulation {
                    if number == 12 || number == 13 {
                        push(format!("reg{number}{paragraphs}"));
                    }
                } else if number == 12 || number == 14 || (21..=44).contains(&number) {
                    push(format!("s{number}"));
                }
                if !plural {
                    break;
                }
                // Lists: "sections 40, 41 and 43", "sections 40(2) & 43".
                let list_rest = lower.get(j..).unwrap_or("");
                let skip = [", and ", " and ", ", ", " & ", " or ", "/", ","]
                    .iter()
                    .find(|sep| list_rest.starts_with(**sep))
                    .map(|sep| sep.len());
                match skip {
                    Some(len)
                        if list_rest
                            .as_bytes()
                            .get(len)
                            .is_some_and(u8::is_ascii_digit) =>
                    {
                        j += len;
                    }
                    _ => break,
                }
            }
            i = j.max(i + 1);
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn the_reading_is_what_it_was_before_it_was_cut_up(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "section", "sections ", "s", "s.", "ss.", "S. ", "reg", "reg.", "regulations",
                    "Regulation ", " ", ".", "12", "40", "4", "1234", "(2)", "(4)(b)", "(abcde)",
                    ", ", " and ", " & ", "/", ",", " or ", "x", "es", "r",
                ]),
                0..30,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(exemptions_in(&text), exemptions_before(&text));
        }
    }

    #[test]
    fn eir_exceptions_keep_their_paragraphs() {
        assert_eq!(
            exemptions_in("refused under Regulation 12(4)(b) and reg. 13; see also regulation 5"),
            ["reg12(4)(b)", "reg13"]
        );
        assert_eq!(
            exemptions_in("section 1(1)(a), section 10 and s.17"),
            Vec::<String>::new()
        );
        assert_eq!(
            exemptions_in("it's 40 cameras, costs 12 pounds"),
            Vec::<String>::new()
        );
        assert_eq!(exemptions_in("s21 and S.31(1)(a)"), ["s21", "s31"]);
        assert_eq!(exemptions_in("s. 40(2) applies"), ["s40"]);
        assert_eq!(
            exemptions_in("siehe S. 26 des Berichts"),
            Vec::<String>::new()
        );
    }
}
