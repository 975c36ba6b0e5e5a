//! Redaction of personal data from text before it is published: email addresses and phone
//! numbers (except the addresses a caller keeps, such as a body's published FOI address),
//! personal names (learnt from From display names, sign-off blocks and titles such as
//! "Ms Patel"), and terms a person listed. Each is replaced with [`REDACTED`]. What looks
//! like personal data but matched no rule (a long digit run, a name-like line under a
//! sign-off) is returned as a candidate for a person to review. Pure: no IO.
//!
//! The rules err towards redacting: a surname that is also an ordinary word ("Green") is
//! redacted everywhere in that case's text.

/// What replaces each redacted span.
pub const REDACTED: &str = "[redacted]";

/// What a redaction removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Email,
    Phone,
    Name,
    Term,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Name => "name",
            Self::Term => "term",
        }
    }
}

/// One redacted span: its kind and the text it removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Redaction {
    pub kind: Kind,
    pub found: String,
}

/// A redacted text with what was removed and what a person should still look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub redactions: Vec<Redaction>,
    pub candidates: Vec<String>,
}

/// Words of a display name or signature that are not a person's name.
const NOT_NAMES: &[&str] = &[
    "foi",
    "team",
    "council",
    "information",
    "governance",
    "officer",
    "office",
    "request",
    "requests",
    "freedom",
    "of",
    "the",
    "and",
    "for",
    "department",
    "unit",
    "services",
    "service",
    "data",
    "protection",
    "compliance",
    "records",
    "management",
    "police",
    "school",
    "academy",
    "university",
    "nhs",
    "trust",
    "noreply",
    "no-reply",
    "admin",
    "enquiries",
    "disclosure",
    "disclosures",
    "legal",
    "county",
    "city",
    "borough",
    "district",
    "via",
    "on",
    "behalf",
    "foia",
    "eir",
    "mailbox",
    "support",
    "customer",
    "corporate",
    "manager",
    "dept",
    "access",
    "rights",
    "feedback",
    "complaints",
    "clerk",
    "head",
    "of",
    "public",
    "authority",
    "partnership",
    "community",
    "safety",
    "force",
];

/// Lines that open a signature block (compared lower-case, without trailing punctuation).
const SIGN_OFFS: &[&str] = &[
    "regards",
    "kind regards",
    "best regards",
    "warm regards",
    "many regards",
    "yours sincerely",
    "yours faithfully",
    "sincerely",
    "many thanks",
    "thanks",
    "thank you",
    "best wishes",
    "with thanks",
    "kindest regards",
    "yours",
    "best",
    "cheers",
];

const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"];

/// The rules for one case's text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Addresses to leave, lower-case.
    keep: Vec<String>,
    /// Name words to redact (each at least two letters, capitalised).
    names: Vec<String>,
    /// Words never taken as names (the body's own name), lower-case.
    not_names: Vec<String>,
    /// Listed terms, lower-case.
    terms: Vec<String>,
}

impl Redactor {
    /// Rules that keep the addresses `keep` (e.g. the body's FOI address), redact the listed
    /// `terms` (case-insensitive), and never take a word of `organisation` (the body's
    /// name) for a person's name.
    pub fn new(keep: &[&str], terms: &[String], organisation: &str) -> Self {
        Self {
            keep: keep.iter().map(|k| k.trim().to_lowercase()).collect(),
            names: Vec::new(),
            not_names: words(organisation).map(str::to_lowercase).collect(),
            terms: terms
                .iter()
                .map(|t| lower_chars(t.trim()))
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }

    /// Learn the personal name in a From display name ("Jane Smith", "SMITH, Jane").
    pub fn learn_display_name(&mut self, display: &str) {
        let found: Vec<String> = words(display)
            .filter(|w| self.is_name_word(w))
            .map(String::from)
            .collect();
        self.add_names(found);
    }

    /// Learn the names in a text's sign-off blocks (the line after "Kind regards") and
    /// after titles ("Ms Patel").
    pub fn learn_from_text(&mut self, text: &str) {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let mut found = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if is_sign_off(line) {
                if let Some(next) = lines[i + 1..].iter().find(|l| !l.is_empty()) {
                    if let Some(name) = self.name_line(next) {
                        found.extend(name);
                    }
                }
            }
            let ws: Vec<&str> = words(line).collect();
            for (j, w) in ws.iter().enumerate() {
                if TITLES.contains(&w.to_lowercase().as_str()) {
                    found.extend(
                        ws[j + 1..]
                            .iter()
                            .take(2)
                            .take_while(|n| self.is_name_word(n))
                            .map(|n| n.to_string()),
                    );
                }
            }
        }
        self.add_names(found);
    }

    fn add_names(&mut self, found: Vec<String>) {
        for n in found {
            if !self.names.contains(&n) {
                self.names.push(n);
            }
        }
    }

    /// A line that is only a name: two to four capitalised words (initials allowed), no
    /// digits, not all of them organisation words.
    fn name_line(&self, line: &str) -> Option<Vec<String>> {
        let ws: Vec<&str> = line.split_whitespace().collect();
        if !(2..=4).contains(&ws.len()) || line.chars().any(|c| c.is_ascii_digit() || c == '@') {
            return None;
        }
        let clean: Vec<&str> = ws
            .iter()
            .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()))
            .collect();
        let all_caps_words = clean
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !all_caps_words {
            return None;
        }
        let names: Vec<String> = clean
            .iter()
            .filter(|w| self.is_name_word(w))
            .map(|w| w.to_string())
            .collect();
        (!names.is_empty()).then_some(names)
    }

    fn is_name_word(&self, w: &str) -> bool {
        let lower = w.to_lowercase();
        w.chars().count() >= 2
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && !NOT_NAMES.contains(&lower.as_str())
            && !TITLES.contains(&lower.as_str())
            && !self.not_names.contains(&lower)
    }

    /// The names learnt so far.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Redact `text`.
    pub fn redact(&self, text: &str) -> Redacted {
        let mut spans: Vec<(usize, usize, Kind)> = Vec::new();
        let mut kept = Vec::new();
        for (s, e) in emails(text) {
            if self.keep.contains(&text[s..e].to_lowercase()) {
                kept.push((s, e));
            } else {
                spans.push((s, e, Kind::Email));
            }
        }
        let mut long_digits = Vec::new();
        for (s, e, phone) in digit_runs(text) {
            if phone {
                spans.push((s, e, Kind::Phone));
            } else {
                long_digits.push((s, e));
            }
        }
        for (s, e) in words_at(text) {
            if self.names.iter().any(|n| n == &text[s..e]) {
                spans.push((s, e, Kind::Name));
            }
        }
        if !self.terms.is_empty() {
            let lower = Lowered::new(text);
            for t in &self.terms {
                let mut from = 0;
                while let Some(i) = lower.text.get(from..).and_then(|l| l.find(t.as_str())) {
                    let s = from + i;
                    spans.push((lower.start_of(s), lower.end_of(s + t.len() - 1), Kind::Term));
                    from = s + t.len();
                }
            }
        }
        // A kept address is never cut by a name or term inside it.
        spans.retain(|(s, e, _)| !kept.iter().any(|(ks, ke)| s < ke && e > ks));
        let out = apply(text, spans);
        let candidates = long_digits
            .into_iter()
            .filter(|(s, e)| !out.covered(*s, *e))
            .map(|(s, e)| text[s..e].to_string())
            .chain(self.signature_candidates(text))
            .collect();
        Redacted {
            text: out.text,
            redactions: out.redactions,
            candidates,
        }
    }

    /// Lines under a sign-off that no rule took for a name but that might be one.
    fn signature_candidates(&self, text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if !is_sign_off(line) {
                continue;
            }
            if let Some(next) = lines[i + 1..].iter().find(|l| !l.is_empty()) {
                let learnt = words(next).any(|w| self.names.iter().any(|n| n == w));
                if !learnt && next.chars().count() <= 60 && !next.contains('@') {
                    out.push(next.to_string());
                }
            }
        }
        out
    }
}

/// The text with spans replaced, and what each removed.
struct Applied {
    text: String,
    redactions: Vec<Redaction>,
    merged: Vec<(usize, usize)>,
}

impl Applied {
    fn covered(&self, s: usize, e: usize) -> bool {
        self.merged.iter().any(|(ms, me)| s < *me && e > *ms)
    }
}

fn apply(text: &str, mut spans: Vec<(usize, usize, Kind)>) -> Applied {
    // Longest first at each start, so a whole address wins over a name inside it.
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::with_capacity(text.len());
    let mut redactions: Vec<Redaction> = Vec::new();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for (s, e, kind) in spans {
        if s < at {
            // Overlapping spans redact their union: a span that starts inside another
            // and ends after it (an address whose local part begins in a phone number)
            // would otherwise leave its tail.
            if e > at {
                if let (Some(last), Some(span)) = (redactions.last_mut(), merged.last_mut()) {
                    last.found = text[span.0..e].to_string();
                    span.1 = e;
                }
                at = e;
            }
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(REDACTED);
        redactions.push(Redaction {
            kind,
            found: text[s..e].to_string(),
        });
        merged.push((s, e));
        at = e;
    }
    out.push_str(&text[at..]);
    Applied {
        text: out,
        redactions,
        merged,
    }
}

fn is_sign_off(line: &str) -> bool {
    let l = line
        .trim_end_matches([',', '.', '!', '-'])
        .trim()
        .to_lowercase();
    SIGN_OFFS.contains(&l.as_str())
}

/// Words of a text: runs of letters, hyphens and apostrophes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    words_at(text).map(move |(s, e)| &text[s..e])
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c == '-' || c == '\''
}

fn words_at(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut it = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(i, c)) = it.peek() {
            if c.is_alphabetic() {
                let start = i;
                let mut end = i;
                while let Some(&(j, d)) = it.peek() {
                    if !is_word_char(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    it.next();
                }
                let w = text[start..end].trim_end_matches(['-', '\'']);
                return Some((start, start + w.len()));
            }
            it.next();
        }
        None
    })
}

/// Lower case one character at a time, so that terms and text are lowered alike ("Łukasz"
/// matches "ŁUKASZ"), with the final sigma folded into sigma ("ΟΔΟΣ" matches "οδος").
fn lower_chars(text: &str) -> String {
    text.chars().flat_map(lower_char).collect()
}

fn lower_char(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

/// A text lowered with [`lower_chars`], with the way back to the original's offsets (a
/// lowered character may be longer or shorter than the original: "İ" lowers to "i̇").
struct Lowered {
    text: String,
    /// For each byte of `text`: the original character's start and end.
    origin: Vec<(usize, usize)>,
}

impl Lowered {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            let before = text.len();
            text.extend(lower_char(c));
            origin.extend(std::iter::repeat_n(
                (i, i + c.len_utf8()),
                text.len() - before,
            ));
        }
        Self { text, origin }
    }

    /// The original start of the character that lowered byte `i` belongs to.
    fn start_of(&self, i: usize) -> usize {
        self.origin.get(i).map_or(0, |o| o.0)
    }

    /// The original end of the character that lowered byte `i` belongs to: a match that
    /// ends inside a character's lowering takes the whole character.
    fn end_of(&self, i: usize) -> usize {
        self.origin.get(i).map_or(0, |o| o.1)
    }
}

// Bytes of non-ASCII letters count in both parts (internationalised addresses).
fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b"._%+-'".contains(&b)
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b == b'.' || b == b'-'
}

/// Email addresses: `local@domain.tld` spans.
fn emails(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memchr_iter(b'@', b) {
        let mut s = at;
        while s > 0 && is_local_char(b[s - 1]) {
            s -= 1;
        }
        // Only ASCII punctuation is trimmed, so both ends stay on character boundaries.
        while s < at && b[s].is_ascii() && !b[s].is_ascii_alphanumeric() {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && is_domain_char(b[e]) {
            e += 1;
        }
        while e > at + 1 && (b[e - 1] == b'.' || b[e - 1] == b'-') {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        if s < at && domain.contains('.') && !domain.starts_with('.') {
            out.push((s, e));
        }
    }
    out
}

/// Runs of digits with the separators of a phone number between them (single spaces,
/// `-`, `.`, brackets, a leading `+`): (start, end, is a phone number). A phone number
/// has 9 to 15 digits and starts with `+` or `0`; other runs of 7 or more digits are
/// candidates.
fn digit_runs(text: &str) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() || ((b[i] == b'+' || b[i] == b'(') && next_digit(b, i));
        let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'/');
        if !starts || after_word {
            i += 1;
            continue;
        }
        let s = i;
        let mut e = i;
        let mut digits = 0;
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            if c.is_ascii_digit() {
                digits += 1;
                j += 1;
                e = j;
            } else if (c == b'+' && j == s)
                || b"()-.".contains(&c)
                || (c == b' ' && j + 1 < b.len() && b[j + 1] != b' ' && b[j - 1] != b' ')
            {
                j += 1;
            } else {
                break;
            }
        }
        let first_digit = text[s..e].bytes().find(u8::is_ascii_digit);
        let phone = (9..=15).contains(&digits) && (b[s] == b'+' || first_digit == Some(b'0'));
        // A date (2026-03-02) is no candidate; a bare run of digits may be a direct line.
        let bare = text[s..e].bytes().all(|c| c.is_ascii_digit() || c == b' ');
        if phone || (digits >= 7 && bare) || digits >= 12 {
            out.push((s, e, phone));
        }
        i = e.max(i + 1);
    }
    out
}

fn next_digit(b: &[u8], i: usize) -> bool {
    b.get(i + 1).is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "Dear Requester,\n\nPlease find attached our response. If you have \
questions, contact Sam Okafor on 01632 960123 or sam.okafor@camford.gov.example, or ring \
+44 (0)20 7946 0958. Ms Brennan in Facilities holds the contract. Our reference is \
FOI/2026/0412 and the contract number is 20260412.\n\nKind regards,\n\nPriya Raman\n\
Information Governance Officer\nCamford Council\nfoi@camford.example | 07700 900 461\n";

    fn redactor() -> Redactor {
        let mut r = Redactor::new(
            &["foi@camford.example"],
            &["Facilities".to_string()],
            "Camford Council",
        );
        r.learn_display_name("Okafor, Sam (Camford Council)");
        r.learn_from_text(REPLY);
        r
    }

    #[test]
    fn personal_data_goes_and_the_foi_address_stays() {
        let out = redactor().redact(REPLY);
        for gone in [
            "Sam",
            "Okafor",
            "01632",
            "960123",
            "sam.okafor",
            "7946",
            "Brennan",
            "Priya",
            "Raman",
            "07700",
            "Facilities",
        ] {
            assert!(!out.text.contains(gone), "{gone} left in:\n{}", out.text);
        }
        for kept in [
            "foi@camford.example",
            "Camford Council",
            "Information Governance Officer",
            "FOI/2026/0412",
            "Dear Requester",
        ] {
            assert!(out.text.contains(kept), "{kept} lost:\n{}", out.text);
        }
        let kinds: Vec<(Kind, &str)> = out
            .redactions
            .iter()
            .map(|r| (r.kind, r.found.as_str()))
            .collect();
        assert!(kinds.contains(&(Kind::Email, "sam.okafor@camford.gov.example")));
        assert!(kinds.contains(&(Kind::Phone, "01632 960123")));
        assert!(kinds.contains(&(Kind::Phone, "+44 (0)20 7946 0958")));
        assert!(kinds.contains(&(Kind::Phone, "07700 900 461")));
        assert!(kinds.contains(&(Kind::Name, "Brennan")));
        assert!(kinds.contains(&(Kind::Term, "Facilities")));
        // A long number that is no phone number is left for a person to judge.
        assert_eq!(out.candidates, ["20260412"]);
    }

    #[test]
    fn an_unknown_signature_line_is_a_candidate() {
        let r = Redactor::new(&[], &[], "Riverton Council");
        let out = r.redact("We hold no information.\n\nRegards\n\nthe records desk\n");
        assert_eq!(out.candidates, ["the records desk"]);
        assert!(out.redactions.is_empty());
    }

    #[test]
    fn dates_and_references_are_not_phone_numbers() {
        let r = Redactor::new(&[], &[], "");
        let text = "Received 2026-03-02, due 31/03/2026, ref CCTV-0042, cost £1,250.00.";
        let out = r.redact(text);
        assert_eq!(out.text, text);
        assert!(out.candidates.is_empty(), "{:?}", out.candidates);
    }

    #[test]
    fn hostile_text_never_panics() {
        let r = redactor();
        for t in [
            "@",
            "a@",
            "@b.c",
            "+(",
            "0 0 0 0 0 0 0 0 0 0",
            "é@é.é",
            "Ms",
            "Regards\n",
        ] {
            let _ = r.redact(t);
        }
        let out = r.redact("mail ä.ö@x.example now");
        assert!(!out.text.contains("x.example"), "{}", out.text);
    }

    #[test]
    fn listed_terms_match_whatever_their_case_in_any_script() {
        let terms = ["Łukasz".to_string(), "ΟΔΟΣ".to_string(), "i".to_string()];
        let r = Redactor::new(&[], &terms, "");
        let out = r.redact("ŁUKASZ and łukasz walk the οδος, past İstanbul.");
        assert_eq!(
            out.text,
            "[redacted] and [redacted] walk the [redacted], past [redacted]stanbul."
        );
        assert_eq!(out.redactions.len(), 4);
        assert_eq!(out.redactions[3].found, "İ");
    }

    #[test]
    fn overlapping_spans_redact_their_union() {
        // The phone number starts at the `+`, the address at the first digit after it:
        // the address's domain must not be left behind the phone number's redaction.
        let r = Redactor::new(&[], &[], "");
        let out = r.redact("write to +441632960123@mail.example today");
        assert_eq!(out.text, "write to [redacted] today");
        assert_eq!(out.redactions.len(), 1);
        assert_eq!(out.redactions[0].found, "+441632960123@mail.example");
    }

    proptest::proptest! {
        // Mail content is hostile: any text, and text dense in what the rules look for,
        // is redacted without a panic, and no learnt name survives.
        #[test]
        fn any_text_is_redacted_without_panic(
            s in "[a-zA-Z0-9@.+()\\- \n\u{e9}\u{df}\u{1F600}]{0,300}",
            t in "\\PC{0,200}",
        ) {
            let r = redactor();
            for text in [&s, &t] {
                let out = r.redact(text);
                proptest::prop_assert!(!words(&out.text).any(|w| w == "Okafor"));
                let mut learner = Redactor::new(&[], &[], "");
                learner.learn_from_text(text);
                learner.learn_display_name(text);
                let _ = learner.redact(text);
            }
        }
    }
}
