//! Answers written in the text, with no document attached: statements of fact ("we use
//! Axis cameras"), figures ("42 units", "£12,400"), numbered answers ("1. Yes").
//!
//! Figures that are part of the paperwork are not answers: dates, years, deadlines
//! ("within 20 working days"), section numbers, reference, telephone and request numbers.

use super::evidence::Evidence;
use super::phrases::FACT_PHRASES_SET;

/// What the text answers: the evidence, in words a person can check.
pub(super) struct Answered {
    /// Statements of fact found (outside hypothetical sentences).
    pub(super) facts: usize,
    /// The first of them.
    pub(super) first_fact: Option<&'static str>,
    /// Figures that are not paperwork, at most [`MAX_FIGURES`].
    pub(super) figures: Vec<String>,
    /// Lines that start a numbered answer ("1.", "Q2", "a)").
    pub(super) numbered: usize,
}

const MAX_FIGURES: usize = 5;

/// How many words of the text are read for figures (the answers come first).
const MAX_WORDS: usize = 3_000;

impl Answered {
    pub(super) fn of(text: &Evidence) -> Self {
        Self {
            facts: text.count(&FACT_PHRASES_SET),
            first_fact: text.find_any(&FACT_PHRASES_SET),
            figures: figures(text.written()),
            numbered: numbered_answers(text.written_with_case()),
        }
    }

    /// A fact with a figure ("we use 42 cameras"): an answer that outweighs receipt
    /// wording in the same email.
    pub(super) fn is_strong(&self) -> bool {
        self.facts >= 1 && !self.figures.is_empty()
    }

    /// An answer: a fact with a figure, two facts, or numbered answers with a fact or a
    /// figure.
    pub(super) fn is_answer(&self) -> bool {
        self.is_strong()
            || self.facts >= 2
            || (self.numbered >= 2 && (self.facts >= 1 || !self.figures.is_empty()))
    }

    /// The evidence in words: `"we use", figures 42, 7; 3 numbered answers`.
    pub(super) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(fact) = self.first_fact {
            let more = self.facts.saturating_sub(1);
            parts.push(if more > 0 {
                format!("\"{}\" and {more} more statement(s) of fact", fact.trim())
            } else {
                format!("\"{}\"", fact.trim())
            });
        }
        if !self.figures.is_empty() {
            parts.push(format!("figures {}", self.figures.join(", ")));
        }
        if self.numbered >= 2 {
            parts.push(format!("{} numbered answers", self.numbered));
        }
        format!("answered in the text: {}", parts.join("; "))
    }
}

/// Words after which a number is paperwork, not an answer.
const BEFORE_PAPERWORK: [&str; 26] = [
    "section",
    "sections",
    "s.",
    "ss.",
    "regulation",
    "reg",
    "reg.",
    "ref",
    "ref:",
    "ref.",
    "reference",
    "reference:",
    "no.",
    "no:",
    "number",
    "number:",
    "tel",
    "tel:",
    "phone",
    "telephone",
    "fax",
    "mobile",
    "request",
    "room",
    "call",
    "on",
];

/// Words before which a number is paperwork (a date, a deadline, a time).
const AFTER_PAPERWORK: [&str; 30] = [
    "working",
    "calendar",
    "school",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "hours",
    "am",
    "pm",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
];

/// Month names: a number after one is a date.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The figures in a folded text that may answer a question.
fn figures(folded: &str) -> Vec<String> {
    let words: Vec<&str> = folded.split(' ').take(MAX_WORDS).collect();
    let mut out = Vec::new();
    // (the second half of "01632 960001" is as much paperwork as the first)
    let mut after_paperwork = false;
    for (i, word) in words.iter().enumerate() {
        let bare = word.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '.'));
        let Some(value) = figure(bare) else {
            after_paperwork = false;
            continue;
        };
        let before = i
            .checked_sub(1)
            .and_then(|j| words.get(j))
            .copied()
            .unwrap_or("");
        let after = words
            .get(i + 1)
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .unwrap_or("");
        let currency = bare.starts_with(['£', '$', '€']);
        let year =
            !currency && value.len() == 4 && (value.starts_with("19") || value.starts_with("20"));
        let phone = !currency && value.len() >= 4 && value.starts_with('0');
        let paperwork = after_paperwork
            || phone
            || BEFORE_PAPERWORK.contains(&before)
            || MONTHS.contains(&before.trim_end_matches(','))
            || AFTER_PAPERWORK.contains(&after)
            || before.ends_with('/')
            || (!currency && value.len() > 7);
        after_paperwork = paperwork || year;
        if year || paperwork {
            continue;
        }
        out.push(bare.to_string());
        if out.len() == MAX_FIGURES {
            break;
        }
    }
    out
}

/// `bare`'s digits when it is a number: digits with `,` or `.` between them, perhaps a
/// currency sign before and `%` or `k`/`m` after. A word with letters is not one
/// ("FOI-2024-12", "3rd").
fn figure(bare: &str) -> Option<String> {
    let body = bare.trim_start_matches(['£', '$', '€']);
    let body = body
        .strip_suffix('%')
        .or_else(|| body.strip_suffix('k'))
        .or_else(|| body.strip_suffix('m'))
        .unwrap_or(body);
    let first = body.chars().next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    Some(body.chars().filter(char::is_ascii_digit).collect())
}

/// Lines that start a numbered answer: `1.` `2)` `(3)` `Q4` `A5` `a)` `Question 6`,
/// followed by words.
fn numbered_answers(text: &str) -> usize {
    text.lines()
        .take(MAX_WORDS)
        .filter(|line| {
            let l = line.trim_start().to_lowercase();
            let b = l.as_bytes();
            if b.len() > 3 && b[0].is_ascii_lowercase() && b[1] == b')' {
                return true;
            }
            let rest = l
                .strip_prefix("question ")
                .or_else(|| l.strip_prefix("answer "))
                .or_else(|| l.strip_prefix('q'))
                .or_else(|| l.strip_prefix('a'))
                .or_else(|| l.strip_prefix('('))
                .unwrap_or(&l);
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            (1..=2).contains(&digits)
                && rest
                    .get(digits..)
                    .is_some_and(|r| r.starts_with(['.', ')', ':']) && r.len() > 2)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_that_answer_and_paperwork_that_does_not() {
        let got = figures(
            "we received your request on 3 march 2026 and must answer within 20 working days. \
             we use 42 cameras, costing £12,400 in 2024/25. see section 43 and ref 12345. \
             call 01632 960001.",
        );
        assert_eq!(got, ["42", "£12,400"]);
        assert!(figures("your reference is foi-2024-1234 of 2026.").is_empty());
    }

    #[test]
    fn numbered_answers_are_counted() {
        let text = "Our answers:\n1. Yes\n2) 14 cameras\nQ3: Hikvision\n(4) not held\n\
                    a) also this\n2026 was a year\n12345 is a number\n";
        assert_eq!(numbered_answers(text), 5);
    }

    proptest::proptest! {
        /// Any text: no panic, at most [`MAX_FIGURES`] figures, each one made of digits.
        #[test]
        fn any_text_gives_bounded_figures(text in "([£$€]?[0-9.,]{1,9}[%km]? |[a-z.:/]{1,9} |\n){0,60}") {
            let got = figures(&text);
            proptest::prop_assert!(got.len() <= MAX_FIGURES);
            for f in &got {
                proptest::prop_assert!(f.chars().any(|c| c.is_ascii_digit()));
            }
            let _ = numbered_answers(&text);
        }
    }
}
