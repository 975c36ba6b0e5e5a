//! Tests of the vendor bounce recogniser, on the fixtures in tests/fixtures/mail/bounces.

use super::*;

#[test]
fn status_codes_are_found_and_classes_inferred() {
    assert_eq!(
        status_code("said: 550 5.1.1 <a@b> User unknown").as_deref(),
        Some("5.1.1")
    );
    assert_eq!(status_code("#550 4.4.7 timeout").as_deref(), Some("4.4.7"));
    assert_eq!(status_code("553 sorry").as_deref(), Some("5.0.0"));
    assert_eq!(status_code("version 5.1.12b and 2.0.0"), None);
    assert_eq!(status_code("call 0550 123"), None);
}

/// From, Subject and text of a fixture (headers unfolded, no MIME: the fixtures are
/// single text parts).
fn read_fixture(raw: &str) -> (Option<String>, Option<String>, String) {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    (header("from"), header("subject"), body.to_string())
}

fn fixture(name: &str) -> Option<VendorBounce> {
    let path = format!(
        "{}/tests/fixtures/mail/bounces/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (from, subject, text) = read_fixture(&raw);
    recognise(from.as_deref(), subject.as_deref(), &text)
}

/// vendor, severity, recipient, status, words of the diagnostic, quoted Message-ID,
/// quoted sender (our reply address).
type Expected = (
    Vendor,
    Severity,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// (A table of every vendor's fixture and what it must give: long, and clearer whole.)
#[test]
fn every_vendor_fixture_is_read() {
    let cases: [(&str, Expected); 12] = [
        (
            "mcafee-webshield.eml",
            (
                Vendor::McAfeeWebShield,
                Severity::Permanent,
                "foi.requests@council.example",
                Some("5.1.1"),
                "mailbox unavailable",
                Some("cctv24-0042.1.20260310090000@campaign.example"),
                Some("foi+k7m2p9x4@campaign.example"),
            ),
        ),
        (
            "exim-failed.eml",
            (
                Vendor::Exim,
                Severity::Permanent,
                "foi@trust.example",
                Some("5.1.1"),
                "User unknown",
                Some("cctv24-0107.1.20260311100000@campaign.example"),
                Some("foi+q3w8e5r1@campaign.example"),
            ),
        ),
        (
            "exim-delay.eml",
            (
                Vendor::Exim,
                Severity::Delay,
                "foi@trust.example",
                None,
                "Connection timed out",
                None,
                None,
            ),
        ),
        (
            "qmail.eml",
            (
                Vendor::Qmail,
                Severity::Permanent,
                "office@school.example",
                Some("5.1.1"),
                "does not like recipient",
                Some("cctv24-0311.1.20260312142000@campaign.example"),
                Some("foi+z1x2c3v4@campaign.example"),
            ),
        ),
        (
            "domino.eml",
            (
                Vendor::Domino,
                Severity::Permanent,
                "foi@police.example",
                None,
                "not listed in Domino Directory",
                None,
                None,
            ),
        ),
        (
            "exchange-2003.eml",
            (
                Vendor::Exchange,
                Severity::Permanent,
                "foi.officer@university.example",
                Some("5.1.1"),
                "does not exist",
                None,
                None,
            ),
        ),
        (
            "office365.eml",
            (
                Vendor::Exchange,
                Severity::Permanent,
                "foi@council.example",
                Some("5.1.10"),
                "RecipientNotFound",
                Some("cctv24-0777.1.20260317123000@campaign.example"),
                Some("foi+h2j3k4l5@campaign.example"),
            ),
        ),
        (
            "office365-delay.eml",
            (
                Vendor::Exchange,
                Severity::Delay,
                "foi@council.example",
                None,
                "",
                None,
                None,
            ),
        ),
        (
            "sendmail-failed.eml",
            (
                Vendor::Sendmail,
                Severity::Permanent,
                "records@college.example",
                Some("5.1.1"),
                "User unknown",
                Some("cctv24-0901.1.20260318151200@campaign.example"),
                Some("foi+p0o9i8u7@campaign.example"),
            ),
        ),
        (
            "sendmail-delay.eml",
            (
                Vendor::Sendmail,
                Severity::Delay,
                "records@college.example",
                None,
                "",
                Some("cctv24-0901.1.20260318151200@campaign.example"),
                Some("foi+p0o9i8u7@campaign.example"),
            ),
        ),
        (
            "messagelabs.eml",
            (
                Vendor::MessageLabs,
                Severity::Permanent,
                "foi@county.example",
                Some("5.1.1"),
                "User unknown in virtual mailbox table",
                None,
                None,
            ),
        ),
        (
            "mimecast.eml",
            (
                Vendor::Mimecast,
                Severity::Permanent,
                "information.governance@authority.example",
                Some("5.7.1"),
                "Anti-Spoofing",
                Some("cctv24-1120.1.20260320164500@campaign.example"),
                Some("foi+g5h6j7k8@campaign.example"),
            ),
        ),
    ];
    for (name, (vendor, severity, address, status, words, id, sender)) in cases {
        let b = fixture(name).unwrap_or_else(|| panic!("{name}: not recognised"));
        assert_eq!(
            (b.vendor, b.severity),
            (vendor, severity),
            "{name}: {}",
            b.evidence
        );
        assert_eq!(b.recipients.len(), 1, "{name}: {:?}", b.recipients);
        let r = &b.recipients[0];
        assert_eq!(r.address, address, "{name}");
        assert_eq!(r.status.as_deref(), status, "{name}: {r:?}");
        assert!(
            r.diagnostic.as_deref().unwrap_or("").contains(words),
            "{name}: {:?}",
            r.diagnostic
        );
        assert_eq!(b.original.message_id.as_deref(), id, "{name}");
        if let Some(sender) = sender {
            assert!(
                b.original.senders.iter().any(|s| s == sender),
                "{name}: {:?}",
                b.original
            );
        }
    }
    // Subjects the text quotes, inline or in the returned headers.
    let subject = |name| fixture(name).unwrap().original.subject;
    assert_eq!(
        subject("exim-failed.eml").as_deref(),
        Some("Freedom of Information request: CCTV \u{2013} NHS trust")
    );
    assert_eq!(
        subject("domino.eml").as_deref(),
        Some("Freedom of Information request: CCTV cameras [CCTV24-0512]")
    );
    assert_eq!(
        subject("exchange-2003.eml").as_deref(),
        Some("Freedom of Information request: CCTV cameras")
    );
}

/// Bounces the real programs wrote (see the fixtures' README), read as production
/// reads them: parsed first, then the text part recognised.
#[test]
fn bounces_written_by_postfix_and_exim() {
    let read = |name: &str| {
        let path = format!(
            "{}/tests/fixtures/mail/bounces/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let parsed = crate::ingest::parse::parse(&raw, &Default::default());
        let from = parsed.from.as_ref().map(|m| m.address.clone());
        recognise(
            from.as_deref(),
            parsed.subject.as_deref(),
            &parsed.text_body,
        )
        .unwrap_or_else(|| panic!("{name}: not recognised"))
    };

    let postfix = read("postfix-real-dsn.eml");
    assert_eq!(
        (postfix.vendor, postfix.severity),
        (Vendor::Postfix, Severity::Permanent)
    );
    assert_eq!(postfix.recipients.len(), 1);
    assert_eq!(postfix.recipients[0].address, "records@nouser.example");
    assert_eq!(
        postfix.recipients[0].diagnostic.as_deref(),
        Some("mailbox unavailable")
    );

    let exim = read("exim-real-failed.eml");
    assert_eq!(
        (exim.vendor, exim.severity),
        (Vendor::Exim, Severity::Permanent)
    );
    let got: Vec<(&str, Option<&str>)> = exim
        .recipients
        .iter()
        .map(|r| (r.address.as_str(), r.status.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("records@reject.example", Some("5.1.1")),
            ("foi@trust.example", None)
        ]
    );
    assert!(exim.recipients[0]
        .diagnostic
        .as_deref()
        .unwrap()
        .contains("no such user"));
    assert_eq!(
        exim.recipients[1].diagnostic.as_deref(),
        Some("Unrouteable address")
    );

    let delay = read("exim-real-delay.eml");
    assert_eq!(
        (delay.vendor, delay.severity),
        (Vendor::Exim, Severity::Delay)
    );
    assert_eq!(delay.recipients.len(), 1);
    assert_eq!(delay.recipients[0].address, "records@tempfail.example");
    assert_eq!(delay.recipients[0].status.as_deref(), Some("4.2.0"));
}

#[test]
fn a_vendor_named_by_a_person_is_not_a_bounce() {
    let text = "We use Mimecast and MessageLabs filters; McAfee WebShield was retired.\n";
    for subject in ["Re: Mimecast contract [CCTV24-0042]", "Your FOI request"] {
        assert_eq!(
            recognise(Some("foi@council.example"), Some(subject), text),
            None
        );
    }
}

#[test]
fn a_human_reply_about_delivery_is_not_a_bounce() {
    assert_eq!(fixture("human-reply.eml"), None);
}

#[test]
fn a_person_writing_about_delivery_is_not_a_bounce() {
    let text = "Dear requester,\nyour request could not be delivered to the right team, \
                so I forwarded it.\nThe mail system here is slow.\n";
    assert_eq!(
        recognise(Some("foi@council.example"), Some("Undeliverable?"), text),
        None
    );
}
