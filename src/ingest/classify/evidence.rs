//! The words classification reads, folded once (lower case, white space and quotes made
//! plain), and every phrase list searched in one pass over them, outside hypothetical
//! sentences.

use super::phrases::{FINDABLE, FINDABLE_ALL};
use crate::ingest::parse::ParsedMessage;
use crate::text::{fresh_text, truncate_bytes};

/// The words classification reads: the subject and the new part of the body.
pub(super) struct Evidence {
    /// Subject, lower case, white space folded.
    subject: String,
    /// New text, lower case, white space folded, typographic quotes made plain.
    fresh: String,
    /// New text with its case and line breaks, for references and exemptions.
    pub(super) original: String,
    /// For each list of [`FINDABLE`], the first of its phrases (by its place in the list)
    /// found outside a hypothetical sentence.
    found: [Option<usize>; FINDABLE.len()],
}

impl Evidence {
    pub(super) fn of(message: &ParsedMessage) -> Self {
        let subject = fold(message.subject.as_deref().unwrap_or(""));
        let original = fresh_text(&message.text_body);
        let fresh = fold(&original);
        let mut found = [None; FINDABLE.len()];
        // Every list in one pass over each text.
        for hay in [&subject, &fresh] {
            for m in FINDABLE_ALL.ac.find_overlapping_iter(hay.as_str()) {
                let (slot, p) = FINDABLE_ALL.owner[m.pattern().as_usize()];
                // (only an earlier phrase of the list can still win)
                if found[slot].is_none_or(|b| p < b) && !is_hypothetical(hay, m.start()) {
                    found[slot] = Some(p);
                }
            }
        }
        Self {
            subject,
            fresh,
            original,
            found,
        }
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
        let slot = phrases.slot?;
        self.found[slot].map(|b| phrases.list[b])
    }
}

/// The automaton for fixed phrases: a full DFA, the fastest to search (overlapping
/// searches included) at the cost of memory and build time, once per process.
pub(super) fn automaton<P: AsRef<[u8]>>(
    patterns: impl IntoIterator<Item = P>,
) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(patterns)
        // (fixed literals, well under the DFA's size limit: building cannot fail)
        .expect("classification phrases")
}

/// A list of phrases with its automaton: every phrase is looked for in one pass over a
/// text (a reply may be 20,000 characters; there are hundreds of phrases).
pub(super) struct Phrases {
    list: &'static [&'static str],
    ac: aho_corasick::AhoCorasick,
    /// Its place in [`FINDABLE`], for the lists [`Evidence::find_any`] looks in.
    slot: Option<usize>,
}

impl Phrases {
    pub(super) fn new(list: &'static [&'static str]) -> Self {
        Self {
            list,
            // (fixed literals: building cannot fail)
            ac: automaton(list),
            slot: None,
        }
    }

    pub(super) fn findable(slot: usize) -> Self {
        Self {
            slot: Some(slot),
            ..Self::new(FINDABLE[slot])
        }
    }

    /// The first phrase, in the list's order, that occurs in `hay`.
    fn first_in(&self, hay: &str) -> Option<&'static str> {
        let best = self
            .ac
            .find_overlapping_iter(hay)
            .map(|m| m.pattern().as_usize())
            .min()?;
        Some(self.list[best])
    }
}

/// Lower case, white space folded to single spaces, typographic quotes made plain.
fn fold(text: &str) -> String {
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
