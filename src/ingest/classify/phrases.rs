//! The phrase lists the rules look for, each with its automaton (lower case; matched on
//! folded text), and [`Phrases`], a list with its automaton. Imports nothing of its
//! siblings: `evidence` reads these lists, never the other way round.

/// The lists `Evidence::find_any` looks in, by slot (see [`Phrases::findable`]).
pub(super) const FINDABLE: [&[&str]; 8] = [
    ACK_PHRASES,
    CLARIFICATION_PHRASES,
    DEFINITE_REFUSAL_PHRASES,
    WEAK_REFUSAL_PHRASES,
    RESPONSE_PHRASES,
    SECURE_MAIL_PHRASES,
    NOT_HELD_PHRASES,
    FACT_PHRASES,
];

/// The lists of [`FINDABLE`] read in the body alone, and counted there: the subject is
/// often our own request's title ("the number of cameras you use").
pub(super) const BODY_ONLY: [bool; FINDABLE.len()] =
    [false, false, false, false, false, false, false, true];

/// Every phrase of [`FINDABLE`] in one automaton, each pattern with its (slot, place).
pub(super) struct Catalogue {
    pub(super) ac: aho_corasick::AhoCorasick,
    pub(super) owner: Vec<(usize, usize)>,
}

pub(super) static FINDABLE_ALL: std::sync::LazyLock<Catalogue> = std::sync::LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (slot, list) in FINDABLE.iter().enumerate() {
        for (place, phrase) in list.iter().enumerate() {
            patterns.push(*phrase);
            owner.push((slot, place));
        }
    }
    Catalogue {
        // (fixed literals: building cannot fail)
        ac: automaton(patterns),
        owner,
    }
});

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
    /// Its place in [`FINDABLE`], for the lists `Evidence::find_any` looks in.
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

    /// Its place in [`FINDABLE`], when it is one of those lists.
    pub(super) fn slot(&self) -> Option<usize> {
        self.slot
    }

    /// The phrase at `place` in the list.
    pub(super) fn phrase(&self, place: usize) -> &'static str {
        self.list[place]
    }

    /// The first phrase, in the list's order, that occurs in `hay`.
    pub(super) fn first_in(&self, hay: &str) -> Option<&'static str> {
        let best = self
            .ac
            .find_overlapping_iter(hay)
            .map(|m| m.pattern().as_usize())
            .min()?;
        Some(self.list[best])
    }
}

// The phrase lists below, each with its automaton.
pub(super) static OUT_OF_OFFICE_SUBJECTS_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::new(OUT_OF_OFFICE_SUBJECTS));
pub(super) static OUT_OF_OFFICE_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::new(OUT_OF_OFFICE_PHRASES));
pub(super) static ACK_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(0));
pub(super) static CLARIFICATION_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(1));
pub(super) static DEFINITE_REFUSAL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(2));
pub(super) static WEAK_REFUSAL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(3));
pub(super) static RESPONSE_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(4));
pub(super) static SECURE_MAIL_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(5));
pub(super) static NOT_HELD_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(6));
pub(super) static FACT_PHRASES_SET: std::sync::LazyLock<Phrases> =
    std::sync::LazyLock::new(|| Phrases::findable(7));

const OUT_OF_OFFICE_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "auto response",
    "autoresponse",
    "away from the office",
    "annual leave",
    "on leave",
    "on holiday",
    "office closed",
    "abwesenheitsnotiz",
    "abwesenheit",
    "abwesend",
    "automatische antwort",
    "réponse automatique",
];

const OUT_OF_OFFICE_PHRASES: &[&str] = &[
    "i am out of the office",
    "i'm out of the office",
    "i am currently out of the office",
    "i am currently out of office",
    "out of the office until",
    "out of office until",
    "i am away from",
    "i'm away from",
    "i am currently away",
    "i am on leave",
    "i'm on leave",
    "i am on annual leave",
    "i am currently on annual leave",
    "i am currently on leave",
    "on annual leave until",
    "i will be back in the office",
    "i will return to the office",
    "back in the office on",
    "limited access to email",
    "limited access to my email",
    "no access to email",
    "nicht im büro",
    "befinde mich im urlaub",
    "bin im urlaub",
    "bin ich nicht erreichbar",
    "bin ich abwesend",
    "außer haus",
    "wieder erreichbar",
    "urlaubsbedingt",
];

/// Receipt, logging and holding replies.
const ACK_PHRASES: &[&str] = &[
    "acknowledge receipt",
    "acknowledge the receipt",
    "acknowledgement of receipt",
    "acknowledgment of receipt",
    "acknowledging receipt",
    "acknowledge your request",
    "acknowledge your freedom of information request",
    "acknowledge your email",
    "this is to acknowledge",
    "your request has been received",
    "your request was received",
    "your request is being processed",
    "your request has been logged",
    "your request has been registered",
    "has been logged",
    "has been registered",
    "we have received your request",
    "we received your request",
    "we have received your freedom of information request",
    "we have received your foi request",
    "we have received your information request",
    "we have received your email",
    "we will respond within",
    "we will respond to your request within",
    "we aim to respond",
    "aim to respond within",
    "will respond promptly",
    "respond within 20 working days",
    "within 20 working days",
    "within twenty working days",
    "within 20 school days",
    "within 15 working days",
    "will receive a response",
    "you should receive a response",
    "response is due",
    "due date for a response",
    "due date for your response",
    "delay in responding",
    "apologise for the delay",
    "apologies for the delay",
    "extend the time limit",
    "eingangsbest",
    "empfangsbest",
    "den eingang ihre",
    "den eingang des",
    "eingang ihrer anfrage",
    "eingang ihres antrag",
    "ihre anfrage ist bei uns eingegangen",
    "schnellst möglich bearbeiten",
    "schnellstmöglich bearbeiten",
    "so schnell wie möglich bearbeiten",
    "wird sich leider noch etwas verzögern",
    "wird sich verzögern",
    "wird sich leider verzögern",
    "noch etwas verzögern",
    "zwischennachricht",
    "zwischenbescheid",
    "sachstandsmitteilung",
];

const CLARIFICATION_PHRASES: &[&str] = &[
    "please clarify",
    "could you clarify",
    "could you please clarify",
    "can you clarify",
    "can you please clarify",
    "would you clarify",
    "would you please clarify",
    "clarify your request",
    "clarification of your request",
    "require clarification",
    "require further clarification",
    "require some clarification",
    "need clarification",
    "need further clarification",
    "need some clarification",
    "seek clarification",
    "seeking clarification",
    "request clarification",
    "section 1(3)",
    "s.1(3)",
    "s1(3)",
    "we need more information",
    "we require more information",
    "we need further information",
    "we require further information",
    "we need some further information",
    "please provide more details",
    "please provide further details",
    "please provide more information",
    "please provide further information",
    "could you please confirm which",
    "could you please confirm what",
    "could you confirm which",
    "could you confirm what",
    "please confirm which",
    "please confirm what",
    "please specify",
    "could you please specify",
    "could you specify",
    "narrow your request",
    "refine your request",
    "präzisieren",
    "präzisierung",
    "konkretisieren",
    "konkretisierung",
];

/// Wording that refuses outright.
const DEFINITE_REFUSAL_PHRASES: &[&str] = &[
    "refusal notice",
    "refuse your request",
    "refusing your request",
    "refuse this request",
    "refusing this request",
    "we are refusing",
    "request is refused",
    "request has been refused",
    "neither confirm nor deny",
    "ncnd",
    "exceed the appropriate limit",
    "exceeds the appropriate limit",
    "exceed the cost limit",
    "exceeds the cost limit",
    "vexatious",
    "manifestly unreasonable",
    "is exempt from disclosure",
    "are exempt from disclosure",
    "information is exempt",
    "we will not be providing",
    "will not be disclosed",
    "nicht zur verfügung gestellt werden",
    "wird abgelehnt",
    "werden abgelehnt",
    "ist abzulehnen",
    "lehne ich",
    "lehnen wir",
    "ablehnungsbescheid",
    "ablehnender bescheid",
];

/// Wording that withholds something, which may be part of an answer.
const WEAK_REFUSAL_PHRASES: &[&str] = &[
    "exempt",
    "exemption",
    "withheld",
    "withhold",
    "redacted",
    "not obliged",
    "unable to provide",
    "unable to disclose",
    "cannot provide",
    "cannot disclose",
    "not able to provide",
    "refuse",
    "abzulehnen",
    "nicht entsprochen",
    "kein anspruch",
];

const RESPONSE_PHRASES: &[&str] = &[
    "please find attached",
    "please find enclosed",
    "please see attached",
    "please find below",
    "please see below",
    "attached is",
    "attached are",
    "attached you will find",
    "i attach",
    "we attach",
    "i have attached",
    "we have attached",
    "in response to your request",
    "in reply to your request",
    "in answer to your",
    "response to your freedom of information request",
    "response to your foi request",
    "the information you requested",
    "the information requested",
    "answers to your questions",
    "the answer to your question",
    "i can confirm",
    "we can confirm",
    "can confirm that",
    "our response is",
    "our response to your",
    "please see our response",
    "please find our response",
    "here is the information",
    "here is our response",
    "here are the answers",
    "the answers to your",
    "the information is as follows",
    "details are as follows",
    "in relation to your request",
    "with regard to your request",
    "with regards to your request",
    "regarding your request for",
    "to answer your question",
    "in answer to question",
    "response to question",
    "als anlage",
    "in der anlage",
    "in den anlagen",
    "anbei",
    "beigefügt",
    "übersende ich ihnen",
    "übersenden wir ihnen",
    "überreiche ich ihnen",
    "erhalten sie die antwort",
    "beantworte ich",
    "beantworten wir",
    "bescheid",
];

const SECURE_MAIL_PHRASES: &[&str] = &[
    "encrypted message",
    "encrypted mail notification",
    "verschlüsselte nachricht",
    "secure message is waiting",
    "you have received a secure message",
    "sent you a secure message",
];

/// The body says it holds none of what was asked (FOIA s.1(1)(a): a complete answer).
const NOT_HELD_PHRASES: &[&str] = &[
    "do not hold",
    "does not hold",
    "don't hold",
    "doesn't hold",
    "not hold the information",
    "not hold any information",
    "not hold any recorded information",
    "not hold this information",
    "information is not held",
    "information requested is not held",
    "is not held by",
    "is not held",
    "are not held",
    "hold no information",
    "holds no information",
    "hold no recorded information",
    "holds no recorded information",
    "no recorded information",
    "no information is held",
    "no information held",
    "no relevant information",
    "we have no record",
    "has no record",
    "there is no record",
    "there are no records",
    "we have no information",
    "we do not have any information",
    "we do not have this information",
    "we do not have the information",
    "we do not collect",
    "does not collect",
    "is not recorded",
    "not recorded centrally",
    "liegen keine informationen vor",
    "liegen uns keine",
    "liegen hier nicht vor",
];

/// Statements of fact that answer a question ("we use 42 cameras"): with a figure or with
/// each other, an answer written in the text.
const FACT_PHRASES: &[&str] = &[
    "we use ",
    "we currently use",
    "we do use",
    "we do not use",
    "we don't use",
    "we no longer use",
    "we operate",
    "we currently operate",
    "we currently have",
    "we have installed",
    "we installed",
    "we purchased",
    "we bought",
    "we own ",
    "we spent",
    "we employ",
    "we paid",
    "we hold the following",
    "we hold ",
    "we currently hold",
    "the council holds",
    "the trust holds",
    "the force holds",
    "the council uses",
    "the council operates",
    "the council has ",
    "the council does not",
    "the council spent",
    "the trust uses",
    "the trust has ",
    "the force uses",
    "the force has ",
    "the school uses",
    "the school has ",
    "the university uses",
    "the university has ",
    "there are ",
    "there were ",
    "there is no ",
    "there have been",
    "a total of",
    "the total ",
    "in total",
    "the number of",
    "the cost of",
    "the cost was",
    "cost us",
    "costs us",
    "are installed",
    "were installed",
    "are used",
    "is used",
    "are in use",
    "is in use",
    "supplied by",
    "manufactured by",
    "made by",
    "provided by",
    "the supplier is",
    "the supplier was",
    "answer:",
    "response:",
    "wir verwenden",
    "wir nutzen",
    "es gibt ",
    "insgesamt",
];
