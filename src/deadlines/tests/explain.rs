//! Explanations: every due date says how it was counted.

use super::*;

#[test]
fn the_explanation_names_day_0_each_skipped_day_and_why() {
    let text = regime("uk-foia")
        .explain(d("2026-03-26"), &[])
        .expect("ok")
        .to_string();
    assert!(
        text.starts_with(
            "day 0 = Thu 2026-03-26 (received); day 1 = Fri 2026-03-27; \
             skipped Sat 2026-03-28 (weekend); skipped Sun 2026-03-29 (weekend); \
             day 2 = Mon 2026-03-30; "
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "day 5 = Thu 2026-04-02; \
             skipped Fri 2026-04-03 Good Friday (england-and-wales, scotland, northern-ireland); \
             skipped Sat 2026-04-04 (weekend); skipped Sun 2026-04-05 (weekend); \
             skipped Mon 2026-04-06 Easter Monday (england-and-wales, northern-ireland); \
             day 6 = Tue 2026-04-07; "
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "day 20 = Mon 2026-04-27 (due); \
             latest = Wed 2026-05-27 (with the longest extension the regime allows)"
        ),
        "{text}"
    );
}

#[test]
fn the_explanation_of_a_whole_case_reads_in_date_order() {
    // A short scotland-foisa case, checked line by line: received on a Saturday, a fees
    // notice on day 4 paid two working days later, then the response.
    let events = [
        ev("2026-10-08", EventKind::FeesNotice),
        ev("2026-10-09", EventKind::FeePaid),
        ev("2026-11-04", EventKind::Responded),
    ];
    let explained = regime("scotland-foisa")
        .explain(d("2026-10-03"), &events)
        .expect("ok");
    // Due: Mon 5 (1) .. Wed 7 (3), [Thu 8, Fri 9 paused], Mon 12 (4) .. Fri 30 (18),
    // Mon 2 Nov (19), Tue 3 Nov (20). Responded Wed 4: one working day late.
    assert_eq!(explained.deadline().due(), Some(d("2026-11-03")));
    let lines: Vec<String> = format!("{explained:#}")
        .lines()
        .map(str::to_string)
        .collect();
    let expected_head = [
        "day 0 = Sat 2026-10-03 (received; not a working day: weekend)",
        "skipped Sun 2026-10-04 (weekend)",
        "day 1 = Mon 2026-10-05",
        "day 2 = Tue 2026-10-06",
        "day 3 = Wed 2026-10-07",
        "Thu 2026-10-08: fees notice: clock paused",
        "not counted Thu 2026-10-08 (fees notice to payment)",
        "not counted Fri 2026-10-09 (fees notice to payment)",
        "Fri 2026-10-09: fee paid: clock resumes; 2 working days from fees notice to payment not counted, due = Tue 2026-11-03",
        "skipped Sat 2026-10-10 (weekend)",
        "skipped Sun 2026-10-11 (weekend)",
        "day 4 = Mon 2026-10-12",
    ];
    assert_eq!(lines[..expected_head.len()], expected_head);
    let expected_tail = [
        "day 19 = Mon 2026-11-02",
        "day 20 = Tue 2026-11-03 (due)",
        "Wed 2026-11-04: response: clock ends, 1 working day(s) after the due date",
    ];
    assert_eq!(lines[lines.len() - expected_tail.len()..], expected_tail);
}

#[test]
fn explanations_of_restarts_pauses_and_rolls() {
    let r = regime("uk-foia");
    let events = [
        ev("2026-10-08", EventKind::ClarificationRequested),
        ev("2026-10-13", EventKind::ClarificationReceived),
        ev("2026-10-14", EventKind::ReviewAnswered),
    ];
    let text = r.explain(d("2026-10-05"), &events).expect("ok").to_string();
    assert!(
        text.contains(
            "day 2 = Wed 2026-10-07; Thu 2026-10-08: clarification requested: clock stopped; \
             day 0 = Tue 2026-10-13 (clarification received: the full period restarts); \
             day 1 = Wed 2026-10-14; \
             Wed 2026-10-14: internal review answered changes nothing: no internal review was pending"
        ),
        "{text}"
    );
    assert!(text.contains("day 20 = Tue 2026-11-10 (due)"), "{text}");

    let waiting = r
        .explain(d("2026-10-05"), &events[..1])
        .expect("ok")
        .to_string();
    assert!(
        waiting.ends_with(
            "Thu 2026-10-08: clarification requested: clock stopped; \
             clock stopped since Thu 2026-10-08: a full period starts when the clarification arrives"
        ),
        "{waiting}"
    );

    // Paused at the end: the count stops before the notice and says what is left.
    let fee = [ev("2026-10-14", EventKind::FeesNotice)];
    let paused = r.explain(d("2026-10-05"), &fee).expect("ok").to_string();
    assert!(
        paused.ends_with(
            "day 6 = Tue 2026-10-13; Wed 2026-10-14: fees notice: clock paused; \
             clock paused since Wed 2026-10-14 (fees notice to payment): 14 working days to run once it resumes"
        ),
        "{paused}"
    );

    // Answered early: the count stops at the answer, then states the due date.
    let early = [ev("2026-10-07", EventKind::Responded)];
    let answered = r.explain(d("2026-10-05"), &early).expect("ok").to_string();
    assert_eq!(
        answered,
        "day 0 = Mon 2026-10-05 (received); day 1 = Tue 2026-10-06; day 2 = Wed 2026-10-07; \
         Wed 2026-10-07: response: clock ends, on time; due = Mon 2026-11-02; \
         latest = Tue 2026-12-01 (with the longest extension the regime allows)"
    );

    // An extension is told in the regime's unit.
    let extended = [ev("2026-10-30", EventKind::Extension(Extension::By(20)))];
    let text = r
        .explain(d("2026-10-05"), &extended)
        .expect("ok")
        .to_string();
    assert!(
        text.contains(
            "Fri 2026-10-30: extension by 20 working days: due moves from Mon 2026-11-02 to Tue 2026-12-01"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "skipped Mon 2026-11-30 St Andrew’s Day (scotland); day 40 = Tue 2026-12-01 (due)"
        ),
        "{text}"
    );

    let bare = regime("ireland-foi")
        .explain(d("2026-03-07"), &[])
        .expect("ok")
        .to_string();
    assert_eq!(
        bare,
        "day 0 = Sat 2026-03-07 (received; not a working day: weekend); \
         4 weeks after Sat 2026-03-07 is Sat 2026-04-04; \
         skipped Sat 2026-04-04 (weekend); skipped Sun 2026-04-05 (weekend); \
         due = Mon 2026-04-06 (rolled forward from Sat 2026-04-04); \
         latest = Mon 2026-05-04 (with the longest extension the regime allows); \
         note: no holiday data for ireland: only weekends were skipped; add the holidays to your calendar file"
    );

    let nz = regime("nz-oia")
        .explain(d("2026-12-23"), &[])
        .expect("ok")
        .to_string();
    assert!(
        nz.contains("day 1 = Thu 2026-12-24; skipped Fri 2026-12-25 (summer holiday period, OIA s.2); skipped Sat 2026-12-26 (weekend), (summer holiday period, OIA s.2);"),
        "{nz}"
    );
}

#[test]
fn explanations_serialise_to_json_friendly_data() {
    // Serialize is derived so the CLI can print --json; spot-check the shape with toml,
    // which the main crate already depends on.
    let explained = regime("uk-foia").explain(d("2026-03-26"), &[]).expect("ok");
    let table = toml::Value::try_from(explained.deadline()).expect("serialises");
    assert_eq!(
        table.get("due").and_then(|v| v.as_str()),
        Some("2026-04-27")
    );
    assert_eq!(
        table.get("received").and_then(|v| v.as_str()),
        Some("2026-03-26")
    );
}
