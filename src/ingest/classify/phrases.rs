//! The phrase lists the rules look for, each with its automaton (lower case; matched on
//! folded text).

use super::evidence::{automaton, Phrases};

/// The lists [`Evidence::find_any`] looks in, by slot (see [`Phrases::findable`]).
pub(super) const FINDABLE: [&[&str]; 6] = [
    ACK_PHRASES,
    CLARIFICATION_PHRASES,
    DEFINITE_REFUSAL_PHRASES,
    WEAK_REFUSAL_PHRASES,
    RESPONSE_PHRASES,
    SECURE_MAIL_PHRASES,
];

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
    "does not hold",
    "do not hold",
    "not hold the information",
    "information is not held",
    "is not held",
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
