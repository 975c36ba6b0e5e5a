//! The words classification reads, folded once (lower case, white space and quotes made
//! plain), and every phrase list searched in one pass over them, outside hypothetical
//! sentences. Reads the lists of `phrases`; `phrases` imports nothing of this file.

use super::phrases::{Phrases, BODY_ONLY, FINDABLE, FINDABLE_ALL};
use super::written::{before_signature, without_payloads, MIN_OWN_SENTENCE};
use crate::ingest::parse::ParsedMessage;
use crate::text::truncate_bytes;

/// The words classification reads: the subject and what the body wrote (see `written`).
pub(super) struct Evidence {
    /// Subject, lower case, white space folded.
    subject: String,
    /// What the body wrote up to its signature, lower case, white space folded,
    /// typographic quotes made plain, the sentences of our own request cut out.
    fresh: String,
    /// The new text with its case and line breaks, payloads left out, signature kept: where
    /// the body's reference number is looked for.
    pub(super) original: String,
    /// For each list of [`FINDABLE`], the first of its phrases (by its place in the list)
    /// found outside a hypothetical sentence.
    found: [Option<usize>; FINDABLE.len()],
    /// For each list read in the body alone ([`BODY_ONLY`]), how many times its phrases
    /// occur there (outside hypothetical sentences), at most 255.
    counts: [u8; FINDABLE.len()],
}

impl Evidence {
    /// The evidence of `message`; `own` are the sentences of our own request
    /// (`written::own_sentences`), never evidence.
    pub(super) fn of(message: &ParsedMessage, own: &[String]) -> Self {
        let subject = fold(message.subject.as_deref().unwrap_or(""));
        let original = without_payloads(&message.text_body);
        let fresh = written_folded(&original, own);
        let mut found = [None; FINDABLE.len()];
        let mut counts = [0u8; FINDABLE.len()];
        // Every list in one pass over each text.
        for (in_body, hay) in [(false, &subject), (true, &fresh)] {
            for m in FINDABLE_ALL.ac.find_overlapping_iter(hay.as_str()) {
                let (slot, p) = FINDABLE_ALL.owner[m.pattern().as_usize()];
                if !in_body && BODY_ONLY[slot] {
                    continue;
                }
                // (only an earlier phrase of the list can still win; only the lists read
                // in the body alone are counted)
                let wins = found[slot].is_none_or(|b| p < b);
                let counted = in_body && BODY_ONLY[slot];
                if !(wins || counted) || is_hypothetical(hay, m.start()) {
                    continue;
                }
                if counted {
                    counts[slot] = counts[slot].saturating_add(1);
                }
                if wins {
                    found[slot] = Some(p);
                }
            }
        }
        Self {
            subject,
            fresh,
            original,
            found,
            counts,
        }
    }

    /// What the body wrote up to its signature, with its case and line breaks: where
    /// exemptions are looked for.
    pub(super) fn written_with_case(&self) -> &str {
        before_signature(&self.original)
    }

    /// What the body wrote up to its signature, folded, our own request cut out: where
    /// the rules and the exemptions look.
    pub(super) fn written(&self) -> &str {
        &self.fresh
    }

    /// How many times the phrases of `phrases` occur in the body.
    pub(super) fn count(&self, phrases: &Phrases) -> usize {
        phrases
            .slot()
            .map_or(0, |slot| usize::from(self.counts[slot]))
    }

    pub(super) fn subject_match(&self, phrases: &Phrases) -> Option<&'static str> {
        phrases.first_in(&self.subject)
    }

    /// A phrase in the first `window` bytes of the new text.
    pub(super) fn fresh_start_match(
        &self,
        phrases: &Phrases,
        window: usize,
    ) -> Option<&'static str> {
        phrases.first_in(truncate_bytes(&self.fresh, window))
    }

    /// The first phrase (in the list's order) found in the subject or the new text,
    /// outside hypothetical sentences ("if we need clarification ...", "some information
    /// may be exempt").
    pub(super) fn find_any(&self, phrases: &Phrases) -> Option<&'static str> {
        let slot = phrases.slot()?;
        self.found[slot].map(|b| phrases.phrase(b))
    }
}

/// `original` (the new text without payloads) up to its signature, folded, with the
/// sentences of our own request (`own`) cut out.
pub(super) fn written_folded(original: &str, own: &[String]) -> String {
    let mut fresh = fold(before_signature(original));
    for sentence in own {
        let sentence = fold(sentence);
        if sentence.len() >= MIN_OWN_SENTENCE && fresh.contains(&sentence) {
            fresh = fresh.replace(&sentence, " ");
        }
    }
    fresh
}

/// Lower case, white space folded to single spaces, typographic quotes made plain.
pub(super) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            // (the common case, a byte at a time)
            out.extend(word.bytes().map(|b| match b {
                b'`' => '\'',
                _ => b.to_ascii_lowercase() as char,
            }));
            continue;
        }
        for c in word.chars() {
            match c {
                '’' | '‘' | '`' => out.push('\''),
                '“' | '”' | '„' => out.push('"'),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// [`fold`] for an ASCII text (most replies), bytes in and bytes out.
fn fold_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // (the ASCII characters `split_whitespace` splits on)
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    for word in text.as_bytes().split(space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend(word.iter().map(|b| match b {
            b'`' => b'\'',
            _ => b.to_ascii_lowercase(),
        }));
    }
    // (ASCII in, ASCII out)
    String::from_utf8(out).unwrap_or_default()
}

/// Words that make the rest of a sentence a supposition.
const HYPOTHETICAL_MARKERS: [&str; 14] = [
    "if ",
    " may ",
    " might ",
    " could be ",
    "should we ",
    "should you ",
    "where we ",
    "in the event",
    "unless ",
    "whether ",
    " falls ",
    "sollte",
    "gegebenenfalls",
    " ggf.",
];

fn is_hypothetical(hay: &str, start: usize) -> bool {
    let mut begin = start.saturating_sub(100);
    while begin > 0 && !hay.is_char_boundary(begin) {
        begin -= 1;
    }
    let before = hay.get(begin..start).unwrap_or("");
    let sentence = before
        .rfind(['.', '!', '?', ';', ':'])
        .and_then(|end| before.get(end + 1..))
        .unwrap_or(before);
    let sentence = format!(" {sentence}");
    HYPOTHETICAL_MARKERS.iter().any(|m| sentence.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The ASCII fast path folds as the general one does.
        #[test]
        fn ascii_text_folds_as_any_text_does(text in "[ -~\t\n\r\x0B\x0C]{0,200}") {
            let general = {
                let mut out = String::new();
                for word in text.split_whitespace() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.extend(word.chars().map(|c| if c == '`' { '\'' } else { c.to_ascii_lowercase() }));
                }
                out
            };
            proptest::prop_assert_eq!(fold(&text), general);
        }
    }
}
