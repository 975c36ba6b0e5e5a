//! Human replies written for these tests, in varied wording (no two alike, none tuned to
//! one phrase): every one gets a class that moves its case on, never "unknown", and what
//! is not the author's words (quotes, payloads, signatures) is never evidence.

use super::test_mail::{classify_raw, email};
use super::Kind;
use crate::text::exemptions_in;

/// A line of uuencoded bytes whose text happens to read `^S36:` (made with Python's
/// `binascii.b2a_uu` from chosen bytes), and two more of the same block.
const UU_LINES: [&str; 3] = [
    r"MY^[G85[S7S#DFT@N%<KG4`<@'A)A>P_MI^%D=Y;_`BOJCM`J@J%UDP\C-\TW",
    r"M<I0MY&1^K6'K(KJH'B]R&;4K`()-ED^S36:BM7S'(I3&*MKHG8)6+4,LR$5)",
    r"996YD(&]F('1H92!S8V%N;F5D(&QE='1E<@``",
];

fn kind_of(subject: &str, body: &str) -> (Kind, String) {
    let c = classify_raw(&email(&format!("Subject: {subject}"), body));
    (c.kind, c.reason)
}

#[test]
fn plain_text_not_held_answers_are_not_held_with_the_reason() {
    let replies = [
        "Dear Ms Smith,\r\n\r\nThank you for your request. The Council does not hold any \
         recorded information about facial recognition, as we do not use this technology.\r\n\
         \r\nYours sincerely,\r\nInformation Governance",
        "Hello, I can confirm that no information is held by the Trust in relation to your \
         request.",
        "We have searched our contract register and there is no record of any agreement with \
         the companies you name.",
        "Sehr geehrte Frau Müller,\r\n\r\nzu Ihrer Anfrage liegen uns keine Informationen vor.",
    ];
    for body in replies {
        let (kind, reason) = kind_of("RE: Freedom of Information request", body);
        assert_eq!(kind, Kind::NotHeld, "{body}\n=> {reason}");
        assert!(reason.starts_with("not held: "), "{reason}");
        assert!(
            reason.contains('"'),
            "the reason quotes its evidence: {reason}"
        );
    }
}

#[test]
fn answers_written_in_the_text_are_responses_with_the_reason() {
    let replies = [
        "Thank you for your email of 3 March. We use Axis cameras, 42 units in total.",
        "Hi,\r\n\r\nThe school has 6 cameras on site, all supplied by Dahua. None are used \
         for facial recognition.\r\n\r\nBest wishes\r\nMrs Patel, Business Manager",
        "There are 118 body-worn cameras in use across the force; the total cost was \
         £94,000.",
        "Q1: Yes, the council operates public space CCTV.\r\nQ2: 14\r\nQ3: Hikvision\r\n",
        "Further to your enquiry: we currently operate 23 ANPR cameras, and we spent £12,400 \
         on maintenance last year.",
    ];
    for body in replies {
        let (kind, reason) = kind_of("Re: FOI - CCTV", body);
        assert_eq!(kind, Kind::Response, "{body}\n=> {reason}");
        assert!(reason.contains("answered in the text"), "{reason}");
    }
}

#[test]
fn an_acknowledgement_that_answers_is_the_answer() {
    let (kind, reason) = kind_of(
        "Your request FOI/26/0042",
        "We have received your request and logged it. The council does not hold this \
         information: parking enforcement is run by the county.",
    );
    assert_eq!(kind, Kind::NotHeld, "{reason}");
    let (kind, reason) = kind_of(
        "Your request FOI/26/0043",
        "Your request has been received. We use 9 cameras in the town centre.",
    );
    assert_eq!(kind, Kind::Response, "{reason}");
}

#[test]
fn acknowledgements_with_figures_and_facts_stay_acknowledgements() {
    for body in [
        "Your request has been logged under reference FOI-2026-0042. We aim to respond \
         within 20 working days, by 31 March 2026.",
        "Thank you for your request, which we received on 2 March. There are currently a \
         high number of requests, so we will respond within 20 working days.",
        "We acknowledge receipt of your request. If we do not hold the information we will \
         tell you.",
    ] {
        let (kind, reason) = kind_of("FOI request", body);
        assert_eq!(kind, Kind::Acknowledgement, "{body}\n=> {reason}");
    }
}

#[test]
fn a_human_reply_that_fits_no_class_is_a_reply_to_read() {
    for body in [
        "Thanks, I have passed your email on to the right department.",
        "Please send requests like this to foi@county.example in future.",
        "Hello, is this the right address for the FOI team? Regards, Jo",
        "Can I ask who you are writing on behalf of?",
        "",
    ] {
        let (kind, reason) = kind_of("Re: your email", body);
        assert_eq!(kind, Kind::Reply, "{body}\n=> {reason}");
        assert!(reason.contains("a person must read it"), "{reason}");
        assert!(!reason.contains("unknown"), "{reason}");
    }
}

#[test]
fn a_uuencoded_payload_reading_s36_is_not_a_refusal() {
    let block = format!(
        "begin 644 scan.doc\r\n{}\r\n`\r\nend\r\n",
        UU_LINES.join("\r\n")
    );
    // The premise: read as text, the payload cites section 36.
    assert_eq!(exemptions_in(&block), ["s36"]);
    let body = format!("Dear requester,\r\n\r\nOur letter is attached.\r\n\r\n{block}");
    let c = classify_raw(&email("Subject: RE: FOI request", &body));
    assert_ne!(c.kind, Kind::Refusal, "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
    // A damaged block (no `begin`, no `end`) is still no evidence.
    let body = format!("Our letter follows.\r\n{}\r\n", UU_LINES.join("\r\n"));
    let c = classify_raw(&email("Subject: RE: FOI request", &body));
    assert_ne!(c.kind, Kind::Refusal, "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
}

#[test]
fn base64_left_in_the_text_is_no_evidence() {
    // (the base64 of "... section 43 exempt ..." text: its letters are no words of the reply)
    let body = "See the document.\r\n\
                U2VjdGlvbiA0MyBleGVtcHQgd2l0aGhlbGQgcmVmdXNhbCBub3RpY2UgczQz\r\n\
                cmVmdXNhbCBub3RpY2UgczQzIGV4ZW1wdCB3aXRoaGVsZCBzNDAgczQx\r\n";
    let c = classify_raw(&email("Subject: RE: FOI request", body));
    assert_eq!(c.kind, Kind::Reply, "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
}

#[test]
fn signatures_and_disclaimers_are_no_evidence() {
    let body = "We hold 3 contracts with Capita, with a total value of £1.2m.\r\n\r\n\
                Kind regards\r\nJo Bloggs\r\nFOI Officer\r\n\r\n\
                This email may contain information that is exempt from disclosure under \
                section 43 of the Freedom of Information Act and may be withheld.\r\n";
    let c = classify_raw(&email("Subject: RE: FOI request", body));
    assert_eq!(c.kind, Kind::Response, "{}", c.reason);
    assert!(!c.reason.contains("withheld"), "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
    let body = "Thanks for getting in touch.\r\n--\r\nIf you are not the intended recipient \
                we refuse all liability; see section 40.\r\n";
    let c = classify_raw(&email("Subject: Re: hello", body));
    assert_eq!(c.kind, Kind::Reply, "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
}

#[test]
fn our_own_request_pasted_back_is_no_evidence() {
    use super::{classify_against, own_sentences};
    use crate::ingest::parse::{parse, Limits};
    let template = "Dear {{body.name}},\n\nPlease tell me how many cameras are in use, and \
                    the total cost of each contract.\n\nPlease state which information is \
                    exempt or withheld under section 43, and why.\n";
    let own = own_sentences(template);
    // The body pastes our request back, wrapped its own way, and says it will answer.
    let raw = email(
        "Subject: FOI",
        "You asked: Please tell me how many cameras are in use, and the total\r\n\
         cost of each contract. Please state which information is exempt or\r\n\
         withheld under section 43, and why.\r\n\r\nA colleague will be in touch.\r\n",
    );
    let parsed = parse(raw.as_bytes(), &Limits::default());
    let blind = super::classify(&parsed);
    assert_ne!(blind.kind, Kind::Reply, "the premise: {}", blind.reason);
    assert_eq!(blind.exemptions, ["s43"], "the premise");
    let c = classify_against(&parsed, &own);
    assert_eq!(c.kind, Kind::Reply, "{}", c.reason);
    assert!(c.exemptions.is_empty(), "{:?}", c.exemptions);
}
