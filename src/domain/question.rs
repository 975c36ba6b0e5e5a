//! A campaign's questions: what staff code for each case, declared in the campaign folder's
//! `campaign.toml` as an array of tables, with optional keyword rules that suggest an
//! answer from a reply's text.
//!
//! ```toml
//! [[questions]]
//! key = "uses_hikvision_or_dahua"
//! label = "Does the body use Hikvision or Dahua cameras?"
//! type = "yesno"                       # yes | no | unknown
//! [[questions.rules]]                  # first matching rule wins
//! answer = "yes"
//! any = ["hikvision", "dahua"]
//!
//! [[questions]]
//! key = "contract_status"
//! label = "Status of the CCTV contract"
//! type = "choice"
//! options = ["active", "expired", "none"]
//! ```
//!
//! Types: `yesno` (canonical `yes`, `no`, `unknown`; `y`/`n` and any case accepted),
//! `number` (a decimal: `1,200` and `0012.50` become `1200` and `12.5`), `text`, and
//! `choice` (one of `options`, in any case; stored as declared).
//!
//! Pure: parses text and matches text; no IO, nothing else of ours.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Column names `foi export cases` writes before the questions: a question may not use
/// one as its key, so an exported file can be imported back without ambiguity.
pub const RESERVED_KEYS: &[&str] = &[
    "reference",
    "campaign",
    "body_key",
    "body_name",
    "body_email",
    "tags",
    "region",
    "regime",
    "status",
    "assignee",
    "sent_on",
    "due_on",
    "answered_on",
    "days_overdue",
];

/// What kind of value a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "options", rename_all = "snake_case")]
pub enum QuestionType {
    /// `yes`, `no` or `unknown`.
    #[serde(rename = "yesno")]
    YesNo,
    /// A decimal number.
    Number,
    /// Free text.
    Text,
    /// One of the options.
    Choice(Vec<String>),
}

impl QuestionType {
    pub fn name(&self) -> &'static str {
        match self {
            Self::YesNo => "yesno",
            Self::Number => "number",
            Self::Text => "text",
            Self::Choice(_) => "choice",
        }
    }
}

/// A keyword rule: if the reply's text contains any of `any` (and all of `all`), suggest
/// `answer`. Keywords match whole words, case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The canonical answer it suggests (validated against the question's type).
    pub answer: String,
    pub any: Vec<String>,
    pub all: Vec<String>,
}

/// One question of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The column name in CSV files and the key in `foi case answer REF key=value`.
    pub key: String,
    /// What a person reads.
    pub label: String,
    #[serde(flatten)]
    pub kind: QuestionType,
    pub rules: Vec<Rule>,
    /// For a number question: keywords whose spreadsheet rows are counted (a row counts
    /// once when any of its cells names any keyword, as a whole word, in any case). The
    /// count is a suggestion a person confirms, with the cells as evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub count_rows: Vec<String>,
}

/// A campaign's questions, in the order declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Questions(Vec<Question>);

/// Why a `campaign.toml` holds no usable questions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("campaign.toml: {0}")]
pub struct QuestionsError(pub String);

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: String,
    label: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    options: Option<Vec<String>>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    count_rows: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    answer: String,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    all: Vec<String>,
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Questions {
    /// Read the `[[questions]]` of a whole `campaign.toml` (other keys are ignored).
    pub fn parse(toml_text: &str) -> Result<Self, QuestionsError> {
        let file: File = toml::from_str(toml_text).map_err(|e| QuestionsError(e.to_string()))?;
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(file.questions.len());
        for (i, q) in file.questions.into_iter().enumerate() {
            let at = format!("question {} ('{}')", i + 1, q.key);
            if !valid_key(&q.key) {
                return Err(QuestionsError(format!(
                    "{at}: a key is lower-case letters, digits and '_', starting with a letter"
                )));
            }
            if RESERVED_KEYS.contains(&q.key.as_str()) {
                return Err(QuestionsError(format!(
                    "{at}: '{}' is a column of the cases export; choose another key",
                    q.key
                )));
            }
            if !seen.insert(q.key.clone()) {
                return Err(QuestionsError(format!(
                    "{at}: the key '{}' is used twice",
                    q.key
                )));
            }
            let kind = match (q.kind.trim().to_lowercase().as_str(), q.options) {
                ("choice", Some(opts)) => {
                    let opts: Vec<String> = opts.iter().map(|o| o.trim().to_string()).collect();
                    if opts.is_empty() || opts.iter().any(String::is_empty) {
                        return Err(QuestionsError(format!(
                            "{at}: a choice needs non-empty options = [\"...\", ...]"
                        )));
                    }
                    let mut lower = HashSet::new();
                    if let Some(dup) = opts.iter().find(|o| !lower.insert(o.to_lowercase())) {
                        return Err(QuestionsError(format!(
                            "{at}: the option '{dup}' is listed twice"
                        )));
                    }
                    QuestionType::Choice(opts)
                }
                ("choice", None) => {
                    return Err(QuestionsError(format!(
                        "{at}: a choice needs its options = [\"...\", ...]"
                    )))
                }
                (t, Some(_)) if matches!(t, "yesno" | "number" | "text") => {
                    return Err(QuestionsError(format!(
                        "{at}: only a choice has options (this is a {t})"
                    )))
                }
                ("yesno", None) => QuestionType::YesNo,
                ("number", None) => QuestionType::Number,
                ("text", None) => QuestionType::Text,
                (t, _) => {
                    return Err(QuestionsError(format!(
                        "{at}: unknown type '{t}': use yesno, number, text or choice"
                    )))
                }
            };
            let count_rows: Vec<String> = q
                .count_rows
                .iter()
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            if !q.count_rows.is_empty() && (kind != QuestionType::Number || count_rows.is_empty()) {
                return Err(QuestionsError(format!(
                    "{at}: count_rows = [\"keyword\", ...] counts spreadsheet rows: only a number question has it, with keywords"
                )));
            }
            let mut question = Question {
                label: q.label.unwrap_or_else(|| q.key.clone()),
                key: q.key,
                kind,
                rules: Vec::new(),
                count_rows,
            };
            for (j, r) in q.rules.into_iter().enumerate() {
                let at = format!("{at}, rule {}", j + 1);
                let answer = question
                    .validate(&r.answer)
                    .map_err(|why| QuestionsError(format!("{at}: answer: {why}")))?;
                let clean = |v: Vec<String>| -> Vec<String> {
                    v.into_iter()
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect()
                };
                let (any, all) = (clean(r.any), clean(r.all));
                if any.is_empty() && all.is_empty() {
                    return Err(QuestionsError(format!(
                        "{at}: a rule needs keywords: any = [\"...\"] and/or all = [\"...\"]"
                    )));
                }
                question.rules.push(Rule { answer, any, all });
            }
            out.push(question);
        }
        Ok(Self(out))
    }

    pub fn from_vec(questions: Vec<Question>) -> Self {
        Self(questions)
    }

    pub fn get(&self, key: &str) -> Option<&Question> {
        self.0.iter().find(|q| q.key == key)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Question> {
        self.0.iter()
    }

    pub fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|q| q.key.as_str()).collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What every question's rules suggest from one text: (question, answer, evidence).
    /// The text is folded once for all of them.
    pub fn suggest_all(&self, text: &str) -> Vec<(&Question, String, String)> {
        if self.0.iter().all(|q| q.rules.is_empty()) {
            return Vec::new();
        }
        let folded = Folded::new(text);
        self.0
            .iter()
            .filter_map(|q| q.suggest_in(&folded).map(|(a, e)| (q, a, e)))
            .collect()
    }

    /// Whether any question has keyword rules (or rows to count).
    pub fn has_rules(&self) -> bool {
        self.0
            .iter()
            .any(|q| !q.rules.is_empty() || !q.count_rows.is_empty())
    }

    /// The question for `key`, or an error sentence listing the keys there are.
    pub fn require(&self, key: &str) -> Result<&Question, String> {
        self.get(key).ok_or_else(|| {
            if self.is_empty() {
                format!("'{key}' is not a question: this campaign declares no [[questions]]")
            } else {
                format!(
                    "'{key}' is not a question of this campaign (questions: {})",
                    self.keys().join(", ")
                )
            }
        })
    }
}

impl<'a> IntoIterator for &'a Questions {
    type Item = &'a Question;
    type IntoIter = std::slice::Iter<'a, Question>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Question {
    /// The canonical form of a typed value, or why it is not an answer to this question.
    pub fn validate(&self, raw: &str) -> Result<String, String> {
        let v = raw.trim();
        if v.is_empty() {
            return Err("the value is empty".into());
        }
        match &self.kind {
            QuestionType::YesNo => match v.to_lowercase().as_str() {
                "yes" | "y" => Ok("yes".into()),
                "no" | "n" => Ok("no".into()),
                "unknown" => Ok("unknown".into()),
                _ => Err(format!("'{v}' is not yes, no or unknown")),
            },
            QuestionType::Number => normalise_number(v).ok_or_else(|| {
                format!("'{v}' is not a number (digits, an optional '-' and decimal point)")
            }),
            QuestionType::Text => Ok(v.to_string()),
            QuestionType::Choice(opts) => opts
                .iter()
                .find(|o| o.to_lowercase() == v.to_lowercase())
                .cloned()
                .ok_or_else(|| format!("'{v}' is not one of: {}", opts.join(", "))),
        }
    }

    /// The first rule whose keywords the text contains: its answer and the words around
    /// the match (one line, at most ~160 characters) as evidence.
    pub fn suggest(&self, text: &str) -> Option<(String, String)> {
        self.suggest_in(&Folded::new(text))
    }

    fn suggest_in(&self, folded: &Folded<'_>) -> Option<(String, String)> {
        self.rules.iter().find_map(|r| {
            let all: Option<Vec<_>> = r.all.iter().map(|k| folded.find_word(k)).collect();
            let all = all?;
            let hit = if r.any.is_empty() {
                *all.first()?
            } else {
                r.any.iter().find_map(|k| folded.find_word(k))?
            };
            Some((r.answer.clone(), folded.evidence(hit)))
        })
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            QuestionType::Choice(o) => write!(f, "{} (choice: {})", self.key, o.join(", ")),
            k => write!(f, "{} ({})", self.key, k.name()),
        }
    }
}

/// `-0012.50` -> `-12.5`, `1,200` -> `1200`; `None` unless a plain decimal.
fn normalise_number(v: &str) -> Option<String> {
    let (neg, rest) = match v.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    // Thousands separators only in groups of three ("1,200", not "1,2").
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let int: String = int.chars().filter(|&c| c != ',').collect();
    if (int.is_empty() && frac.is_empty())
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || (rest.contains('.') && frac.is_empty())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if neg && !(int.is_empty() && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// Whether `text` holds one of `keywords` as a whole word, in any case (as rules match).
pub(super) fn contains_any_word(text: &str, keywords: &[String]) -> bool {
    let folded = Folded::new(text);
    keywords.iter().any(|k| folded.find_word(k).is_some())
}

/// A lower-cased copy of a text that remembers where each byte came from, so a match
/// found in the folded text can be quoted from the original.
struct Folded<'a> {
    original: &'a str,
    lower: String,
    /// Byte offsets into `original`; `None` when they are the same (ASCII text).
    origin: Option<Vec<usize>>,
}

impl<'a> Folded<'a> {
    fn new(original: &'a str) -> Self {
        if original.is_ascii() {
            return Self {
                original,
                lower: original.to_ascii_lowercase(),
                origin: None,
            };
        }
        let mut lower = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            for l in c.to_lowercase() {
                let before = lower.len();
                lower.push(l);
                origin.extend(std::iter::repeat_n(i, lower.len() - before));
            }
        }
        Self {
            original,
            lower,
            origin: Some(origin),
        }
    }

    /// The original offset of a byte of the folded text (the end maps to the end).
    fn original_at(&self, folded: usize) -> usize {
        match &self.origin {
            None => folded,
            Some(o) => o.get(folded).copied().unwrap_or(self.original.len()),
        }
    }

    /// The original byte range of the first whole-word occurrence of `keyword`.
    fn find_word(&self, keyword: &str) -> Option<(usize, usize)> {
        let k = keyword.to_lowercase();
        if k.is_empty() {
            return None;
        }
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut from = 0;
        while let Some(pos) = self.lower[from..].find(&k) {
            let start = from + pos;
            let end = start + k.len();
            let before = self.lower[..start].chars().next_back();
            let after = self.lower[end..].chars().next();
            if !is_word(before) && !is_word(after) {
                return Some((self.original_at(start), self.original_at(end)));
            }
            from = start + self.lower[start..].chars().next().map_or(1, char::len_utf8);
        }
        None
    }

    /// The words around a match, on one line.
    fn evidence(&self, (start, end): (usize, usize)) -> String {
        const SIDE: usize = 70;
        let text = self.original;
        let mut s = start;
        for _ in 0..SIDE {
            match text[..s].chars().next_back() {
                Some(c) => s -= c.len_utf8(),
                None => break,
            }
        }
        let mut e = end;
        for _ in 0..SIDE {
            match text[e..].chars().next() {
                Some(c) => e += c.len_utf8(),
                None => break,
            }
        }
        let mut out = String::new();
        if s > 0 {
            out.push('…');
        }
        out.push_str(&text[s..e].split_whitespace().collect::<Vec<_>>().join(" "));
        if e < text.len() {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
title = "CCTV"
[[questions]]
key = "uses_hikvision_or_dahua"
label = "Hikvision or Dahua?"
type = "yesno"
[[questions.rules]]
answer = "no"
any = ["no hikvision", "neither"]
[[questions.rules]]
answer = "Y"
any = ["hikvision", "dahua"]

[[questions]]
key = "camera_count"
type = "number"

[[questions]]
key = "supplier"
label = "Supplier"
type = "text"

[[questions]]
key = "contract_status"
label = "Contract"
type = "choice"
options = ["Active", "expired", "none"]
"#;

    fn qs() -> Questions {
        Questions::parse(EXAMPLE).unwrap()
    }

    #[test]
    fn parses_types_labels_and_rules() {
        let q = qs();
        assert_eq!(
            q.keys(),
            [
                "uses_hikvision_or_dahua",
                "camera_count",
                "supplier",
                "contract_status"
            ]
        );
        let yn = q.get("uses_hikvision_or_dahua").unwrap();
        assert_eq!(yn.kind, QuestionType::YesNo);
        assert_eq!(yn.rules[1].answer, "yes", "rule answers are canonical");
        assert_eq!(q.get("camera_count").unwrap().label, "camera_count");
        assert_eq!(
            q.get("contract_status").unwrap().kind,
            QuestionType::Choice(vec!["Active".into(), "expired".into(), "none".into()])
        );
        assert!(Questions::parse("title = \"x\"").unwrap().is_empty());
        let json = serde_json::to_value(q.get("contract_status").unwrap()).unwrap();
        assert_eq!(json["type"], "choice");
        assert_eq!(json["options"][0], "Active");
        let json = serde_json::to_value(yn).unwrap();
        assert_eq!(json["type"], "yesno");
    }

    #[test]
    fn the_example_campaign_parses() {
        let text = include_str!("../../examples/cctv-campaign/campaign.toml");
        let q = Questions::parse(text).unwrap();
        assert_eq!(q.len(), 4);
        let yn = q.get("uses_hikvision_or_dahua").unwrap();
        assert_eq!(yn.suggest("We use Dahua cameras").unwrap().0, "yes");
        assert_eq!(yn.suggest("We have neither.").unwrap().0, "no");
        // A negation that names both makers is a "no" (issue 17).
        let denial = "The council does not use any Hikvision or Dahua cameras.";
        assert_eq!(yn.suggest(denial).unwrap().0, "no");
        assert_eq!(yn.suggest("We do not use Dahua.").unwrap().0, "no");
        let all = q.suggest_all("Hikvision cameras; the figure is commercially sensitive.");
        let got: Vec<_> = all
            .iter()
            .map(|(q, a, _)| (q.key.as_str(), a.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("uses_hikvision_or_dahua", "yes"),
                ("contract_status", "not disclosed")
            ]
        );
    }

    #[test]
    fn bad_declarations_say_what_is_wrong() {
        let err = |t: &str| Questions::parse(t).unwrap_err().to_string();
        let dup = "[[questions]]\nkey = \"a\"\ntype = \"text\"\n[[questions]]\nkey = \"a\"\ntype = \"number\"\n";
        assert!(err(dup).contains("used twice"), "{}", err(dup));
        let nochoice = "[[questions]]\nkey = \"a\"\ntype = \"choice\"\n";
        assert!(err(nochoice).contains("needs its options"));
        let empty = "[[questions]]\nkey = \"a\"\ntype = \"choice\"\noptions = []\n";
        assert!(err(empty).contains("non-empty options"));
        let unknown = "[[questions]]\nkey = \"a\"\ntype = \"date\"\n";
        assert!(err(unknown).contains("unknown type 'date'"));
        let reserved = "[[questions]]\nkey = \"status\"\ntype = \"text\"\n";
        assert!(err(reserved).contains("column of the cases export"));
        let badkey = "[[questions]]\nkey = \"Has Cameras\"\ntype = \"text\"\n";
        assert!(err(badkey).contains("lower-case"));
        let badrule =
            "[[questions]]\nkey = \"a\"\ntype = \"yesno\"\n[[questions.rules]]\nanswer = \"maybe\"\nany = [\"x\"]\n";
        assert!(err(badrule).contains("rule 1: answer"), "{}", err(badrule));
        let nokw =
            "[[questions]]\nkey = \"a\"\ntype = \"yesno\"\n[[questions.rules]]\nanswer = \"yes\"\n";
        assert!(err(nokw).contains("needs keywords"));
        let typo = "[[questions]]\nkey = \"a\"\ntype = \"yesno\"\nlable = \"x\"\n";
        assert!(err(typo).contains("lable"), "{}", err(typo));
    }

    #[test]
    fn values_are_validated_and_made_canonical() {
        let q = qs();
        let v = |k: &str, raw: &str| q.get(k).unwrap().validate(raw);
        for (raw, want) in [
            ("Yes", "yes"),
            ("y", "yes"),
            ("N", "no"),
            (" UNKNOWN ", "unknown"),
        ] {
            assert_eq!(v("uses_hikvision_or_dahua", raw).as_deref(), Ok(want));
        }
        assert!(v("uses_hikvision_or_dahua", "maybe")
            .unwrap_err()
            .contains("yes, no or unknown"));
        for (raw, want) in [
            ("42", "42"),
            ("0012.50", "12.5"),
            ("1,200", "1200"),
            ("-3", "-3"),
            ("-0.0", "0"),
            ("+7", "7"),
            (".5", "0.5"),
        ] {
            assert_eq!(v("camera_count", raw).as_deref(), Ok(want), "{raw}");
        }
        for bad in ["", "twelve", "1,2", "1.2.3", "12.", "1e3", "--1", "-"] {
            assert!(v("camera_count", bad).is_err(), "{bad}");
        }
        assert_eq!(v("supplier", "  Acme Ltd ").as_deref(), Ok("Acme Ltd"));
        assert_eq!(v("contract_status", "active").as_deref(), Ok("Active"));
        assert!(v("contract_status", "lapsed")
            .unwrap_err()
            .contains("Active, expired, none"));
        // Every canonical value validates to itself, so exports import back unchanged.
        for (k, raw) in [
            ("camera_count", "0012.50"),
            ("contract_status", "ACTIVE"),
            ("uses_hikvision_or_dahua", "n"),
        ] {
            let c = v(k, raw).unwrap();
            assert_eq!(v(k, &c), Ok(c.clone()));
        }
    }

    #[test]
    fn rules_suggest_with_evidence_on_whole_words() {
        let q = qs();
        let yn = q.get("uses_hikvision_or_dahua").unwrap();
        let text = "Dear requester,\n\nThe council's cameras are made by\nHIKVISION (model DS-2CD).\nRegards";
        let (answer, evidence) = yn.suggest(text).unwrap();
        assert_eq!(answer, "yes");
        assert!(evidence.contains("HIKVISION (model"), "{evidence}");
        assert!(!evidence.contains('\n'));
        // The first matching rule wins: the negative rule is listed first.
        assert_eq!(
            yn.suggest("We use neither Hikvision nor Dahua.").unwrap().0,
            "no"
        );
        // Whole words only: "dahuastyle" is not "dahua".
        assert_eq!(yn.suggest("a dahuastyle mount"), None);
        assert_eq!(yn.suggest("Nothing relevant here."), None);
        assert_eq!(q.get("supplier").unwrap().suggest("hikvision"), None);
    }

    #[test]
    fn all_keywords_and_unicode_text() {
        let q = Questions::parse(
            "[[questions]]\nkey = \"a\"\ntype = \"yesno\"\n[[questions.rules]]\nanswer = \"yes\"\nall = [\"contract\", \"cctv\"]\n",
        )
        .unwrap();
        let a = q.get("a").unwrap();
        assert_eq!(a.suggest("the contract alone"), None);
        // Upper-case İ folds to two chars: offsets must still map back to the original.
        let (ans, ev) = a.suggest("İİİ The CCTV contract is held. ÉTÉ").unwrap();
        assert_eq!(ans, "yes");
        assert!(ev.contains("CCTV contract"), "{ev}");
        let long = format!("{} hikvision {}", "x ".repeat(200), "y ".repeat(200));
        let (_, ev) = qs()
            .get("uses_hikvision_or_dahua")
            .unwrap()
            .suggest(&long)
            .unwrap();
        assert!(ev.starts_with('…') && ev.ends_with('…') && ev.chars().count() < 160);
    }
}
