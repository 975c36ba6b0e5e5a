//! Display strings taken from headers, and text whose character set was mistaken.

use std::borrow::Cow;

/// Characters that change the display order of text or hide themselves (bidi embeddings,
/// overrides and isolates, marks, zero-width characters, BOM). They are how a file called
/// `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`.
pub(super) fn is_invisible_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// A header value made fit for display and matching: control and invisible formatting
/// characters removed, runs of white space folded to one space, trimmed, and at most
/// `max_chars` characters long.
pub fn clean_display_text(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    let mut pending_space = false;
    let mut count = 0usize;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            // Folding whitespace and controls alike keeps words apart when a control
            // character was standing in for a line break.
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible_format_char(c) {
            continue;
        }
        if pending_space {
            if count + 1 >= max_chars {
                break;
            }
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= max_chars {
            break;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Windows-1252's characters for bytes 0x80-0x9F (where it differs from Latin-1);
/// `None` for the five bytes it leaves undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// Undoes UTF-8 that was decoded as Latin-1 or Windows-1252 (`Ã¤` for `ä`, `â€™` for
/// `’`), a common fault of mail systems that label UTF-8 text with the wrong character
/// set. Only applied when the whole text maps back to bytes that are valid UTF-8, which
/// text genuinely written in Latin-1 practically never does; repeated for text that was
/// mangled twice.
pub fn repair_mojibake(text: &str) -> Cow<'_, str> {
    let mut current = Cow::Borrowed(text);
    for _ in 0..3 {
        if !(current.contains('Ã') || current.contains('Â') || current.contains("â€")) {
            break;
        }
        let mut bytes = Vec::with_capacity(current.len());
        let mut mappable = true;
        for c in current.chars() {
            let code = u32::from(c);
            let byte = if code < 0x80 || (0xA0..=0xFF).contains(&code) {
                u8::try_from(code).ok()
            } else {
                CP1252_HIGH
                    .iter()
                    .position(|high| *high == Some(c))
                    .and_then(|pos| u8::try_from(0x80 + pos).ok())
                    .or_else(|| u8::try_from(code).ok().filter(|b| (0x80..0xA0).contains(b)))
            };
            match byte {
                Some(b) => bytes.push(b),
                None => {
                    mappable = false;
                    break;
                }
            }
        }
        if !mappable {
            break;
        }
        match String::from_utf8(bytes) {
            Ok(repaired) if repaired != *current => current = Cow::Owned(repaired),
            _ => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_text_is_cleaned_and_bounded() {
        assert_eq!(
            clean_display_text("  Re:\tFOI\r\n request \u{202E}x  ", 100),
            "Re: FOI request x"
        );
        assert_eq!(clean_display_text(&"a".repeat(50), 10).chars().count(), 10);
        assert_eq!(clean_display_text("a b c d e f", 4), "a b");
    }

    #[test]
    fn mojibake_is_repaired_only_when_it_round_trips() {
        assert_eq!(
            repair_mojibake("EingangsbestÃ¤tigung"),
            "Eingangsbestätigung"
        );
        assert_eq!(repair_mojibake("weâ€™ll respond"), "we’ll respond");
        assert_eq!(repair_mojibake("already fine: ä ’"), "already fine: ä ’");
        // Genuine Latin-1 text that merely contains Ã stays as it is.
        assert_eq!(repair_mojibake("SÃO PAULO é"), "SÃO PAULO é");
        assert_eq!(repair_mojibake("ÃƒÂ¤"), "ä");
    }
}
