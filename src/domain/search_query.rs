//! What a person types into `foi search` or the dashboard's search box, parsed once into a
//! query the full-text index (SQLite FTS5) runs safely, and the highlighted snippet that
//! comes back, split into plain and matched parts.
//!
//! The language (one clear error for anything else, never an FTS5 syntax error):
//! - words: every word must be there (`hikvision camera`);
//! - `"a phrase"`: the words side by side, in order;
//! - `cam*`, `"town cent"*`: a prefix (of the phrase's last word);
//! - `a OR b`: either (binds tighter than the implicit AND: `cctv a OR b` is `cctv (a OR b)`);
//! - `-word` or `NOT word`: leave out what has it (there must be a word to look for too).
//!
//! Every word and phrase reaches FTS5 inside double quotes (its own quotes doubled), so no
//! character a person types can be read as FTS5 syntax (column filters, `NEAR`, `^`...).
//!
//! Pure: no IO, nothing else of ours.

/// The longest query read (characters).
pub const MAX_QUERY_CHARS: usize = 1000;
/// The most words and phrases in one query.
pub const MAX_TERMS: usize = 32;

/// Where FTS5's `snippet()` is asked to mark the start and end of a match.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// A parsed search, ready for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    fts: String,
}

/// One word or phrase of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    prefix: bool,
}

impl Term {
    /// The term as an FTS5 string: quoted, quotes doubled, `*` after for a prefix.
    fn fts(&self) -> String {
        let mut out = format!("\"{}\"", self.text.replace('"', "\"\""));
        if self.prefix {
            out.push_str(" *");
        }
        out
    }
}

/// What the tokenizer read: a term, an OR, or a NOT.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Term(Term),
    Or,
    Not,
}

const HOW: &str = "search for words, \"a phrase\", a prefix* (e.g. cam*), a OR b, -word";

impl SearchQuery {
    /// Parse what a person typed, or one sentence saying what is wrong and how to write it.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(format!(
                "the search is longer than {MAX_QUERY_CHARS} characters: shorten it"
            ));
        }
        let tokens = tokenize(input)?;
        let mut groups: Vec<Vec<Term>> = Vec::new();
        let mut excluded: Vec<Term> = Vec::new();
        let mut pending_or = false;
        let mut pending_not = false;
        let mut count = 0;
        for t in tokens {
            match t {
                Token::Or => {
                    if pending_or || pending_not || groups.is_empty() {
                        return Err(format!("OR must stand between two words: {HOW}"));
                    }
                    pending_or = true;
                }
                Token::Not => {
                    if pending_or || pending_not {
                        return Err(format!("NOT must come before a word: {HOW}"));
                    }
                    pending_not = true;
                }
                Token::Term(term) => {
                    count += 1;
                    if count > MAX_TERMS {
                        return Err(format!(
                            "the search has more than {MAX_TERMS} words: shorten it"
                        ));
                    }
                    if pending_not {
                        excluded.push(term);
                    } else if pending_or {
                        // (OR after a term: groups is not empty)
                        if let Some(g) = groups.last_mut() {
                            g.push(term);
                        }
                    } else {
                        groups.push(vec![term]);
                    }
                    pending_or = false;
                    pending_not = false;
                }
            }
        }
        if pending_or || pending_not {
            return Err(format!("the search ends with OR or NOT: {HOW}"));
        }
        if groups.is_empty() {
            return Err(if excluded.is_empty() {
                format!("there is nothing to search for: {HOW}")
            } else {
                format!("a search needs a word to look for besides those it leaves out: {HOW}")
            });
        }
        let group = |g: &Vec<Term>| -> String {
            let parts: Vec<String> = g.iter().map(Term::fts).collect();
            if parts.len() == 1 {
                parts[0].clone()
            } else {
                format!("({})", parts.join(" OR "))
            }
        };
        let mut fts = groups.iter().map(group).collect::<Vec<_>>().join(" AND ");
        if !excluded.is_empty() {
            fts = format!("({fts})");
            for t in &excluded {
                fts.push_str(" NOT ");
                fts.push_str(&t.fts());
            }
        }
        Ok(Self { fts })
    }

    /// The FTS5 query string (to bind as a parameter of `MATCH`).
    pub fn fts(&self) -> &str {
        &self.fts
    }
}

/// Whether a term has something the index keeps (letters or digits): FTS5's tokenizer
/// drops everything else, and a term of punctuation alone is dropped here too.
fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Split a query into terms and operators.
fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut text = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                text.push(c);
            }
            if !closed {
                return Err(format!(
                    "a phrase is not closed: end it with a double quote ({HOW})"
                ));
            }
            let mut prefix = false;
            while chars.peek() == Some(&'*') {
                chars.next();
                prefix = true;
            }
            push_term(&mut out, negated, text, prefix);
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        match word.as_str() {
            "OR" if !negated => out.push(Token::Or),
            "NOT" if !negated => out.push(Token::Not),
            "AND" if !negated => {}
            _ => {
                let stem = word.trim_end_matches('*');
                let prefix = stem.len() < word.len();
                if prefix && !has_word(stem) {
                    return Err(format!(
                        "'{word}': a * ends a prefix of letters, e.g. cam* ({HOW})"
                    ));
                }
                push_term(&mut out, negated, stem.to_string(), prefix);
            }
        }
    }
    Ok(out)
}

fn push_term(out: &mut Vec<Token>, negated: bool, text: String, prefix: bool) {
    if !has_word(&text) {
        // Punctuation alone: nothing the index could find.
        return;
    }
    if negated {
        out.push(Token::Not);
    }
    out.push(Token::Term(Term { text, prefix }));
}

/// A snippet as FTS5 returned it (matches between [`MARK_START`] and [`MARK_END`]), split
/// into parts: (text, whether it is a match). Control characters of the text become
/// spaces, so a terminal or a page shows the parts as text; a text that holds the marks
/// itself can only move the highlighting, never unbalance it.
pub fn snippet_parts(snippet: &str) -> Vec<(String, bool)> {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut current = String::new();
    let mut in_match = false;
    for c in snippet.chars() {
        match c {
            MARK_START | MARK_END => {
                if !current.is_empty() {
                    parts.push((std::mem::take(&mut current), in_match));
                }
                in_match = c == MARK_START;
            }
            c if c.is_control() => {
                if !current.ends_with(' ') {
                    current.push(' ');
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push((current, in_match));
    }
    parts
}

/// A snippet as one line of text, the matches between « and ».
pub fn snippet_text(snippet: &str) -> String {
    snippet_parts(snippet)
        .into_iter()
        .map(|(t, hit)| if hit { format!("«{t}»") } else { t })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> String {
        SearchQuery::parse(q).unwrap().fts().to_string()
    }

    #[test]
    fn words_phrases_prefixes_or_and_not() {
        assert_eq!(fts("hikvision"), "\"hikvision\"");
        assert_eq!(fts("hikvision  cameras"), "\"hikvision\" AND \"cameras\"");
        assert_eq!(fts("\"made by hikvision\""), "\"made by hikvision\"");
        assert_eq!(fts("cam*"), "\"cam\" *");
        assert_eq!(fts("\"town cent\"*"), "\"town cent\" *");
        assert_eq!(
            fts("cctv hikvision OR dahua"),
            "\"cctv\" AND (\"hikvision\" OR \"dahua\")"
        );
        assert_eq!(fts("a AND b"), "\"a\" AND \"b\"");
        assert_eq!(fts("cctv -dahua"), "(\"cctv\") NOT \"dahua\"");
        assert_eq!(fts("cctv NOT dahua"), "(\"cctv\") NOT \"dahua\"");
        assert_eq!(fts("cctv -\"no cameras\""), "(\"cctv\") NOT \"no cameras\"");
    }

    #[test]
    fn fts_syntax_typed_by_a_person_stays_text() {
        // Column filters, NEAR, ^, parentheses and quotes inside words: all quoted.
        assert_eq!(fts("body:secret"), "\"body:secret\"");
        assert_eq!(fts("NEAR(a b)"), "\"NEAR(a\" AND \"b)\"");
        assert_eq!(fts("^start"), "\"^start\"");
        assert_eq!(fts("it's"), "\"it's\"");
        assert_eq!(fts("or and not"), "\"or\" AND \"and\" AND \"not\"");
        // Punctuation alone is dropped, not sent.
        assert_eq!(fts("cctv ( ) -- ;"), "\"cctv\"");
    }

    #[test]
    fn malformed_input_gets_one_clear_sentence() {
        for (q, want) in [
            ("", "nothing to search for"),
            ("   ", "nothing to search for"),
            ("()", "nothing to search for"),
            ("\"unclosed phrase", "not closed"),
            ("OR cctv", "OR must stand between"),
            ("cctv OR", "ends with OR"),
            ("cctv OR OR b", "OR must stand between"),
            ("cctv NOT", "ends with OR or NOT"),
            ("-dahua", "besides those it leaves out"),
            ("*", "a * ends a prefix"),
            ("\"*\"*", "nothing to search for"),
        ] {
            let err = SearchQuery::parse(q).unwrap_err();
            assert!(err.contains(want), "{q:?}: {err}");
        }
        let long = "a ".repeat(MAX_QUERY_CHARS);
        assert!(SearchQuery::parse(&long).unwrap_err().contains("longer"));
        let many = "word ".repeat(MAX_TERMS + 1);
        assert!(SearchQuery::parse(&many).unwrap_err().contains("more than"));
    }

    #[test]
    fn snippets_split_into_balanced_parts() {
        let s = "the \u{2}Hikvision\u{3} cameras\u{1b}[31m";
        assert_eq!(
            snippet_parts(s),
            vec![
                ("the ".to_string(), false),
                ("Hikvision".to_string(), true),
                (" cameras [31m".to_string(), false),
            ]
        );
        assert_eq!(snippet_text(s), "the «Hikvision» cameras [31m");
        // A mark in the text itself opens a match that the next mark closes.
        assert_eq!(snippet_parts("a\u{2}b")[1], ("b".to_string(), true));
    }
}
