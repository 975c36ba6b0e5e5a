//! Deadlines worked out by hand from the statutes and the ICO's counting, then checked
//! against the engine; and properties that must hold for any input.
//!
//! Counting as the ICO does: the date of receipt is day 0, day 1 is the first working day
//! after it, and the request is due on day 20. In the comments below, `(n)` is a counted
//! working day and `[..]` a day that does not count. Holidays are those of
//! data/uk-bank-holidays.csv.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn uk() -> Calendar {
    Calendar::uk()
}

/// A built-in regime over the shipped calendar, built once for all tests.
fn regime(name: &str) -> Regime {
    static ALL: std::sync::OnceLock<Regimes> = std::sync::OnceLock::new();
    ALL.get_or_init(|| Regimes::new(&uk(), vec![]).expect("valid"))
        .get(name)
        .cloned()
        .expect("built in")
}

fn due(r: &Regime, received: &str, events: &[Event]) -> Option<NaiveDate> {
    r.deadline(d(received), events).expect("in range").due()
}

fn ev(date: &str, kind: EventKind) -> Event {
    Event::new(d(date), kind)
}

/// A regime that honours only England and Wales, to show what another region adds.
fn england_only() -> Regime {
    let def = RegimeDef {
        name: "england-only".into(),
        regions: vec!["england-and-wales".into()],
        ..RegimeDef::builtin("uk-foia").expect("built in")
    };
    Regime::new(def, &uk()).expect("valid")
}

// ---------------------------------------------------------------- receipt and counting

#[test]
fn easter_uk_wide_versus_scotland() {
    // uk-foia, received Thu 2026-03-26 (day 0): Fri 27 (1), Mon 30 (2), Tue 31 (3),
    // Wed 1 Apr (4), Thu 2 (5), [Fri 3 Good Friday, all regions], [Mon 6 Easter Monday,
    // England and Wales and Northern Ireland], Tue 7 (6) .. Fri 10 (9), Mon 13 (10) ..
    // Fri 17 (14), Mon 20 (15) .. Fri 24 (19), Mon 27 (20).
    assert_eq!(
        due(&regime("uk-foia"), "2026-03-26", &[]),
        Some(d("2026-04-27"))
    );
    // scotland-foisa: Easter Monday is not a Scottish bank holiday, so Mon 6 counts (6)
    // and day 20 is Fri 24.
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-03-26", &[]),
        Some(d("2026-04-24"))
    );
}

#[test]
fn receipt_on_a_weekend_counts_from_the_next_working_day() {
    // Sat 2026-10-03 is day 0; day 1 is Mon 5 Oct. No holiday until St Andrew's Day, so
    // four full weeks Mon 5 .. Fri 30 Oct are days 1..20.
    let r = regime("uk-foia");
    assert_eq!(due(&r, "2026-10-03", &[]), Some(d("2026-10-30")));
    assert_eq!(due(&r, "2026-10-04", &[]), Some(d("2026-10-30")));
    // Received on Friday 2 Oct: day 1 is also Mon 5 Oct, so the same due date.
    assert_eq!(due(&r, "2026-10-02", &[]), Some(d("2026-10-30")));
    // Received Mon 5 Oct: Tue 6 (1) .. Fri 30 (19), Mon 2 Nov (20).
    assert_eq!(due(&r, "2026-10-05", &[]), Some(d("2026-11-02")));
}

#[test]
fn receipt_on_a_bank_holiday() {
    // Mon 2026-05-04 (Early May bank holiday) is day 0. Tue 5 (1) .. Fri 8 (4),
    // Mon 11 (5) .. Fri 15 (9), Mon 18 (10) .. Fri 22 (14), [Mon 25 Spring bank holiday],
    // Tue 26 (15) .. Fri 29 (18), Mon 1 Jun (19), Tue 2 Jun (20).
    assert_eq!(
        due(&regime("uk-foia"), "2026-05-04", &[]),
        Some(d("2026-06-02"))
    );
}

#[test]
fn christmas_and_new_year() {
    // Received Wed 2026-12-09. Thu 10 (1), Fri 11 (2), Mon 14 (3) .. Fri 18 (7),
    // Mon 21 (8) .. Thu 24 (11) (Christmas Eve is a working day), [Fri 25 Christmas Day],
    // [Mon 28 Boxing Day substitute], Tue 29 (12) .. Thu 31 (14), [Fri 1 Jan New Year's Day],
    // [Mon 4 Jan: 2nd January substitute, Scotland only, yet non-working UK-wide],
    // Tue 5 (15) .. Fri 8 (18), Mon 11 (19), Tue 12 Jan (20).
    assert_eq!(
        due(&regime("uk-foia"), "2026-12-09", &[]),
        Some(d("2027-01-12"))
    );
    // Scotland has the same days off here (Christmas, Boxing Day, 1 and 2 January).
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-12-09", &[]),
        Some(d("2027-01-12"))
    );
    // England and Wales alone works on Mon 4 Jan, so day 20 is Mon 11 Jan.
    assert_eq!(
        due(&england_only(), "2026-12-09", &[]),
        Some(d("2027-01-11"))
    );
}

#[test]
fn one_off_bank_holidays() {
    // Queen's funeral, Mon 2022-09-19. Received Mon 12 Sep: Tue 13 (1) .. Fri 16 (4),
    // [Mon 19], Tue 20 (5) .. Fri 23 (8), Mon 26 (9) .. Fri 30 (13), Mon 3 Oct (14) ..
    // Fri 7 (18), Mon 10 (19), Tue 11 Oct (20).
    assert_eq!(
        due(&regime("uk-foia"), "2022-09-12", &[]),
        Some(d("2022-10-11"))
    );
    // Coronation, Mon 2023-05-08. Received Fri 28 Apr: [Mon 1 May Early May], Tue 2 (1) ..
    // Fri 5 (4), [Mon 8 coronation], Tue 9 (5) .. Fri 12 (8), Mon 15 (9) .. Fri 19 (13),
    // Mon 22 (14) .. Fri 26 (18), [Mon 29 Spring], Tue 30 (19), Wed 31 May (20).
    assert_eq!(
        due(&regime("uk-foia"), "2023-04-28", &[]),
        Some(d("2023-05-31"))
    );
    // Scotland's World Cup bank holiday, Mon 2026-06-15. Received Mon 1 Jun: Tue 2 (1) ..
    // Fri 5 (4), Mon 8 (5) .. Fri 12 (9), [Mon 15], Tue 16 (10) .. Fri 19 (13), Mon 22 (14) ..
    // Fri 26 (18), Mon 29 (19), Tue 30 Jun (20).
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-06-01", &[]),
        Some(d("2026-06-30"))
    );
    // UK-wide FOIA honours Scotland's day too; England and Wales alone does not.
    assert_eq!(
        due(&regime("uk-foia"), "2026-06-01", &[]),
        Some(d("2026-06-30"))
    );
    assert_eq!(
        due(&england_only(), "2026-06-01", &[]),
        Some(d("2026-06-29"))
    );
}

#[test]
fn northern_ireland_days_stop_uk_wide_foia_but_not_scotland() {
    // St Patrick's Day, Tue 2026-03-17 (Northern Ireland only). Received Mon 2 Mar:
    // Tue 3 (1) .. Fri 6 (4), Mon 9 (5) .. Fri 13 (9), Mon 16 (10), [Tue 17], Wed 18 (11) ..
    // Fri 20 (13), Mon 23 (14) .. Fri 27 (18), Mon 30 (19), Tue 31 (20).
    assert_eq!(
        due(&regime("uk-foia"), "2026-03-02", &[]),
        Some(d("2026-03-31"))
    );
    // Scotland counts Tue 17 (11), so day 20 is Mon 30.
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-03-02", &[]),
        Some(d("2026-03-30"))
    );
    // Battle of the Boyne, Mon 2027-07-12. Received Mon 28 Jun: Tue 29 (1), Wed 30 (2),
    // Thu 1 Jul (3), Fri 2 (4), Mon 5 (5) .. Fri 9 (9), [Mon 12], Tue 13 (10) .. Fri 16 (13),
    // Mon 19 (14) .. Fri 23 (18), Mon 26 (19), Tue 27 (20).
    assert_eq!(
        due(&regime("uk-foia"), "2027-06-28", &[]),
        Some(d("2027-07-27"))
    );
    assert_eq!(
        due(&regime("scotland-foisa"), "2027-06-28", &[]),
        Some(d("2027-07-26"))
    );
    // In 2026 the 12th is a Sunday; Northern Ireland's substitute day, Mon 13 Jul, counts
    // as a UK-wide holiday.
    let uk_foia = regime("uk-foia");
    assert!(!uk_foia.is_working_day(d("2026-07-13")));
    assert!(regime("scotland-foisa").is_working_day(d("2026-07-13")));
}

#[test]
fn st_andrews_day() {
    // Mon 2026-11-30 (Scotland). Received Mon 16 Nov: Tue 17 (1) .. Fri 20 (4), Mon 23 (5) ..
    // Fri 27 (9), [Mon 30], Tue 1 Dec (10) .. Fri 4 (13), Mon 7 (14) .. Fri 11 (18),
    // Mon 14 (19), Tue 15 Dec (20).
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-11-16", &[]),
        Some(d("2026-12-15"))
    );
    assert_eq!(
        due(&regime("uk-foia"), "2026-11-16", &[]),
        Some(d("2026-12-15"))
    );
    assert_eq!(
        due(&england_only(), "2026-11-16", &[]),
        Some(d("2026-12-14"))
    );
}

#[test]
fn a_late_evening_utc_instant_is_the_next_day_in_london_during_bst() {
    let r = regime("uk-foia");
    // 23:30 UTC on Tue 30 June 2026 is 00:30 BST on Wed 1 July: day 0 is 1 July.
    let t: DateTime<Utc> = "2026-06-30T23:30:00Z".parse().expect("instant");
    let deadline = r.deadline(t, &[]).expect("in range");
    assert_eq!(deadline.received(), d("2026-07-01"));
    // Thu 2 (1), Fri 3 (2), Mon 6 (3) .. Fri 10 (7), [Mon 13 Boyne substitute, NI],
    // Tue 14 (8) .. Fri 17 (11), Mon 20 (12) .. Fri 24 (16), Mon 27 (17) .. Thu 30 (20).
    assert_eq!(deadline.due(), Some(d("2026-07-30")));
    // Had the UTC date (30 June) been used, the answer would be a day earlier.
    assert_eq!(due(&r, "2026-06-30", &[]), Some(d("2026-07-29")));
    // In winter London is on UTC: 23:30 UTC on 15 January is still 15 January.
    let winter: DateTime<Utc> = "2026-01-15T23:30:00Z".parse().expect("instant");
    assert_eq!(r.local_date(winter), d("2026-01-15"));
    // Whatever the hour: 00:00 and 22:59 UTC on 1 July 2026 are both 1 July in London.
    assert_eq!(
        r.local_date("2026-07-01T00:00:00Z".parse().expect("t")),
        d("2026-07-01")
    );
    assert_eq!(
        r.local_date("2026-07-01T22:59:59Z".parse().expect("t")),
        d("2026-07-01")
    );
    // New Zealand is 12 hours ahead in its winter.
    let nz = regime("nz-oia");
    assert_eq!(
        nz.local_date("2026-06-30T13:00:00Z".parse().expect("t")),
        d("2026-07-01")
    );
}

#[test]
fn the_school_regime_is_due_at_20_working_days_and_latest_at_60() {
    // Received Mon 2026-10-05: day 20 is Mon 2 Nov (see the weekend test). Day 40:
    // Tue 3 (21) .. Fri 6 (24), Mon 9 .. Fri 13 (29), Mon 16 .. Fri 20 (34), Mon 23 ..
    // Fri 27 (39), [Mon 30 St Andrew's Day], Tue 1 Dec (40). Day 60: Wed 2 (41) ..
    // Fri 4 (43), Mon 7 .. Fri 11 (48), Mon 14 .. Fri 18 (53), Mon 21 .. Thu 24 (57),
    // [Fri 25, Mon 28], Tue 29 (58), Wed 30 (59), Thu 31 Dec (60).
    let school = regime("uk-foia-school")
        .deadline(d("2026-10-05"), &[])
        .expect("ok");
    assert_eq!(school.due(), Some(d("2026-11-02")));
    assert_eq!(school.latest(), Some(d("2026-12-31")));
    let foia = regime("uk-foia")
        .deadline(d("2026-10-05"), &[])
        .expect("ok");
    assert_eq!(foia.latest(), Some(d("2026-12-01")));
    let eir = regime("uk-eir").deadline(d("2026-10-05"), &[]).expect("ok");
    assert_eq!(eir.latest(), Some(d("2026-12-01")));
    // FOISA has no extension, so no latest date.
    assert_eq!(
        regime("scotland-foisa")
            .deadline(d("2026-10-05"), &[])
            .expect("ok")
            .latest(),
        None
    );
}

// ---------------------------------------------------------------- clock events

#[test]
fn a_fee_pause_adds_back_the_working_days_from_notice_to_payment() {
    let r = regime("uk-foia");
    // Received Mon 2026-10-05, due Mon 2 Nov. Fees notice Wed 14 Oct, after six counted
    // days (Tue 6 .. Tue 13). Fee paid Tue 20 Oct. FOIA s.10(2): the working days from the
    // notice to the payment, both included, are disregarded: Wed 14, Thu 15, Fri 16,
    // Mon 19, Tue 20 = 5. Counting resumes Wed 21 (7) .. Fri 23 (9), Mon 26 (10) ..
    // Fri 30 (14), Mon 2 Nov (15) .. Fri 6 (19), Mon 9 Nov (20) = 2 Nov + 5 working days.
    let events = [
        ev("2026-10-14", EventKind::FeesNotice),
        ev("2026-10-20", EventKind::FeePaid),
    ];
    let deadline = r.deadline(d("2026-10-05"), &events).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-11-09")));
    assert_eq!(deadline.state(), ClockState::Running);
    // The latest date (40 working days, Tue 1 Dec) moves by the same five: Wed 2 .. Fri 4,
    // Mon 7, Tue 8 Dec.
    assert_eq!(deadline.latest(), Some(d("2026-12-08")));

    // Before payment: paused, nothing due, and 14 working days left to run (Wed 14 ..
    // Mon 2 Nov, the notice day included since it is disregarded).
    let waiting = r.deadline(d("2026-10-05"), &events[..1]).expect("ok");
    assert_eq!(waiting.due(), None);
    assert_eq!(
        waiting.state(),
        ClockState::Paused {
            since: d("2026-10-14"),
            reason: PauseReason::Fees,
            remaining: 14,
        }
    );

    // Paid the same day: one working day disregarded, due Tue 3 Nov.
    let same_day = [
        ev("2026-10-14", EventKind::FeesNotice),
        ev("2026-10-14", EventKind::FeePaid),
    ];
    assert_eq!(due(&r, "2026-10-05", &same_day), Some(d("2026-11-03")));

    // A notice after the due date does not revive the deadline.
    let late = [
        ev("2026-11-03", EventKind::FeesNotice),
        ev("2026-11-10", EventKind::FeePaid),
    ];
    let deadline = r.deadline(d("2026-10-05"), &late).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-11-02")));
    assert!(deadline.is_running());
}

#[test]
fn a_clarification_restarts_the_full_period_from_its_receipt() {
    let r = regime("uk-foia");
    // Received Mon 2026-10-05; clarification asked Thu 8 Oct: clock stopped, nothing due.
    let asked = [ev("2026-10-08", EventKind::ClarificationRequested)];
    let waiting = r.deadline(d("2026-10-05"), &asked).expect("ok");
    assert_eq!(waiting.due(), None);
    assert_eq!(
        waiting.state(),
        ClockState::AwaitingClarification {
            since: d("2026-10-08")
        }
    );
    // Clarification received Tue 13 Oct = new day 0: Wed 14 (1) .. Fri 16 (3), Mon 19 (4) ..
    // Fri 23 (8), Mon 26 (9) .. Fri 30 (13), Mon 2 Nov (14) .. Fri 6 (18), Mon 9 (19),
    // Tue 10 Nov (20).
    let answered = [asked[0], ev("2026-10-13", EventKind::ClarificationReceived)];
    let deadline = r.deadline(d("2026-10-05"), &answered).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-11-10")));
    assert_eq!(deadline.start(), d("2026-10-13"));
    assert_eq!(deadline.received(), d("2026-10-05"));
    // An unprompted "clarification" changes nothing.
    let unprompted = [ev("2026-10-13", EventKind::ClarificationReceived)];
    assert_eq!(due(&r, "2026-10-05", &unprompted), Some(d("2026-11-02")));
}

#[test]
fn us_foia_tolls_rather_than_restarts_on_clarification() {
    // Weekends only (no federal holidays supplied). Received Mon 2026-10-05, due Mon 2 Nov.
    // Asked Wed 14 Oct, answered Tue 20 Oct: tolled like a fee pause, 5 working days.
    let r = regime("us-foia");
    let events = [
        ev("2026-10-14", EventKind::ClarificationRequested),
        ev("2026-10-20", EventKind::ClarificationReceived),
    ];
    let deadline = r.deadline(d("2026-10-05"), &events).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-11-09")));
    assert_eq!(
        deadline.warnings(),
        [Warning::NoHolidayData {
            regions: vec!["us-federal".into()]
        }]
    );
}

#[test]
fn extensions_move_the_due_date_within_the_regimes_maximum() {
    let r = regime("uk-foia");
    // Received Mon 2026-10-05, due Mon 2 Nov, latest (40 working days) Tue 1 Dec. A public
    // interest extension of 20 working days from Mon 2 Nov: Tue 3 (1) .. Fri 27 (19),
    // [Mon 30 St Andrew's Day], Tue 1 Dec (20).
    let by_20 = [ev("2026-10-30", EventKind::Extension(Extension::By(20)))];
    let deadline = r.deadline(d("2026-10-05"), &by_20).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-12-01")));
    assert!(deadline.extended());
    // +25 is capped at the latest date.
    let by_25 = [ev("2026-10-30", EventKind::Extension(Extension::By(25)))];
    assert_eq!(due(&r, "2026-10-05", &by_25), Some(d("2026-12-01")));
    // An explicit date is taken as given, within the cap.
    let until = [ev(
        "2026-10-30",
        EventKind::Extension(Extension::Until(d("2026-11-20"))),
    )];
    assert_eq!(due(&r, "2026-10-05", &until), Some(d("2026-11-20")));
    let too_far = [ev(
        "2026-10-30",
        EventKind::Extension(Extension::Until(d("2027-01-29"))),
    )];
    assert_eq!(due(&r, "2026-10-05", &too_far), Some(d("2026-12-01")));
    // ... and rolled forward off a non-working day (Sat 21 Nov -> Mon 23 Nov).
    let saturday = [ev(
        "2026-10-30",
        EventKind::Extension(Extension::Until(d("2026-11-21"))),
    )];
    assert_eq!(due(&r, "2026-10-05", &saturday), Some(d("2026-11-23")));
    // An extension never shortens, and one given after the due date changes nothing.
    let earlier = [ev(
        "2026-10-20",
        EventKind::Extension(Extension::Until(d("2026-10-23"))),
    )];
    assert_eq!(due(&r, "2026-10-05", &earlier), Some(d("2026-11-02")));
    let late = [ev("2026-11-03", EventKind::Extension(Extension::By(20)))];
    assert_eq!(due(&r, "2026-10-05", &late), Some(d("2026-11-02")));
    // During a fee pause the due date is open, so an extension still counts, and the
    // payment then pushes the extended date: pause Wed 14 Oct .. Thu 5 Nov disregards 17
    // working days (Oct 14-16, 19-23, 26-30, Nov 2-5); +20 gives Tue 1 Dec, then +17:
    // Wed 2 (1) .. Fri 4 (3), Mon 7 .. Fri 11 (8), Mon 14 .. Fri 18 (13), Mon 21 ..
    // Thu 24 Dec (17).
    let paused_then_extended = [
        ev("2026-10-14", EventKind::FeesNotice),
        ev("2026-11-03", EventKind::Extension(Extension::By(20))),
        ev("2026-11-05", EventKind::FeePaid),
    ];
    assert_eq!(
        due(&r, "2026-10-05", &paused_then_extended),
        Some(d("2026-12-24"))
    );
    // FOISA has no extension at all.
    assert_eq!(
        due(&regime("scotland-foisa"), "2026-10-05", &by_20),
        Some(d("2026-11-02"))
    );
}

#[test]
fn the_internal_review_has_its_own_clock() {
    // Review requested (received) Mon 2026-11-16. Due at 20 working days: Tue 15 Dec (as
    // for St Andrew's Day above). Latest at 40: Wed 16 (21) .. Thu 24 (27), [Fri 25, Mon 28],
    // Tue 29 (28) .. Thu 31 (30), [Fri 1 Jan, Mon 4 Jan], Tue 5 (31) .. Fri 8 (34),
    // Mon 11 (35) .. Fri 15 (39), Mon 18 Jan (40).
    let events = [
        ev("2026-11-02", EventKind::Responded),
        ev("2026-11-16", EventKind::ReviewRequested),
    ];
    let foia = regime("uk-foia")
        .deadline(d("2026-10-05"), &events)
        .expect("ok");
    assert_eq!(
        foia.state(),
        ClockState::Ended {
            on: d("2026-11-02"),
            how: Ending::Responded,
        }
    );
    // The request's own due date stays as it was when the answer came.
    assert_eq!(foia.due(), Some(d("2026-11-02")));
    let review = foia.review().expect("requested");
    assert_eq!(
        (review.due, review.latest),
        (d("2026-12-15"), Some(d("2027-01-18")))
    );
    // EIR reg 11(4): reconsideration within 40 working days.
    let eir = regime("uk-eir")
        .deadline(d("2026-10-05"), &events)
        .expect("ok");
    let review = eir.review().expect("requested");
    assert_eq!((review.due, review.latest), (d("2027-01-18"), None));
    // FOISA s.21: 20 working days, Scottish holidays.
    let foisa = regime("scotland-foisa")
        .deadline(d("2026-10-05"), &events)
        .expect("ok");
    let review = foisa.review().expect("requested");
    assert_eq!((review.due, review.latest), (d("2026-12-15"), None));
    // Answered, and a complaint to the regulator recorded.
    let more = [
        events[0],
        events[1],
        ev("2026-12-10", EventKind::ReviewAnswered),
        ev("2027-01-05", EventKind::ComplaintToRegulator),
    ];
    let deadline = regime("uk-foia")
        .deadline(d("2026-10-05"), &more)
        .expect("ok");
    assert_eq!(
        deadline.review().and_then(|r| r.answered),
        Some(d("2026-12-10"))
    );
    assert_eq!(deadline.complaint(), Some(d("2027-01-05")));
    // New Zealand has no internal review.
    assert_eq!(
        regime("nz-oia")
            .deadline(d("2026-10-05"), &events)
            .expect("ok")
            .review(),
        None
    );
}

#[test]
fn a_response_or_withdrawal_ends_the_clock() {
    let r = regime("uk-foia");
    let withdrawn = [
        ev("2026-10-14", EventKind::FeesNotice),
        ev("2026-10-16", EventKind::Withdrawn),
        ev("2026-10-20", EventKind::FeePaid),
    ];
    let deadline = r.deadline(d("2026-10-05"), &withdrawn).expect("ok");
    assert_eq!(
        deadline.state(),
        ClockState::Ended {
            on: d("2026-10-16"),
            how: Ending::Withdrawn,
        }
    );
    // It ended while paused: nothing was due.
    assert_eq!(deadline.due(), None);
    // The explanation counts up to the pause, then tells the ending.
    let text = r
        .explain(d("2026-10-05"), &withdrawn)
        .expect("ok")
        .to_string();
    assert!(
        text.ends_with(
            "day 6 = Tue 2026-10-13; Wed 2026-10-14: fees notice: clock paused; \
             Fri 2026-10-16: request withdrawn: clock ends; \
             Tue 2026-10-20: fee paid changes nothing: the clock had ended"
        ),
        "{text}"
    );
}

#[test]
fn events_out_of_order_are_taken_in_date_order_and_those_before_receipt_ignored() {
    let r = regime("uk-foia");
    let shuffled = [
        ev("2026-10-20", EventKind::FeePaid),
        ev("2026-10-14", EventKind::FeesNotice),
    ];
    assert_eq!(due(&r, "2026-10-05", &shuffled), Some(d("2026-11-09")));
    let before = [ev("2026-09-01", EventKind::Responded)];
    assert_eq!(
        r.deadline(d("2026-10-05"), &before).expect("ok").state(),
        ClockState::Running
    );
}

// ---------------------------------------------------------------- other countries

#[test]
fn new_zealand_does_not_count_25_december_to_15_january() {
    // Received Mon 2026-12-14 (no NZ holidays supplied). Tue 15 (1) .. Fri 18 (4),
    // Mon 21 (5) .. Thu 24 (8), [Fri 25 Dec .. Fri 15 Jan], [Sat 16, Sun 17], Mon 18 (9) ..
    // Fri 22 (13), Mon 25 (14) .. Fri 29 (18), Mon 1 Feb (19), Tue 2 Feb 2027 (20).
    let nz = regime("nz-oia");
    let deadline = nz.deadline(d("2026-12-14"), &[]).expect("ok");
    assert_eq!(deadline.due(), Some(d("2027-02-02")));
    assert_eq!(
        deadline.warnings(),
        [Warning::NoHolidayData {
            regions: vec!["new-zealand".into()]
        }]
    );
    assert!(!nz.is_working_day(d("2027-01-15")));
    assert!(nz.is_working_day(d("2027-01-18")));
    // A charge does not stop the NZ clock.
    let charged = [ev("2026-12-16", EventKind::FeesNotice)];
    assert_eq!(due(&nz, "2026-12-14", &charged), Some(d("2027-02-02")));
    // With NZ holidays supplied, Waitangi Day (Mon 2027-02-08, Mondayised) would count
    // only after day 20, but Auckland-style user data before it moves the date.
    let mut cal = uk();
    cal.merge(
        Calendar::from_csv(
            "2026-12-25,new-zealand,Christmas Day\n2027-02-01,new-zealand,Test holiday\n",
        )
        .expect("valid"),
    );
    let nz = Regime::builtin("nz-oia", &cal).expect("built in");
    let deadline = nz.deadline(d("2026-12-14"), &[]).expect("ok");
    assert_eq!(deadline.due(), Some(d("2027-02-03")));
    assert!(deadline.warnings().is_empty(), "{:?}", deadline.warnings());
}

#[test]
fn ireland_counts_four_weeks_and_rolls_forward_off_a_public_holiday() {
    // Received Mon 2026-03-09; 4 weeks later is Mon 6 Apr, Easter Monday in Ireland once
    // the user has added Irish holidays: the answer is due the next day the office is
    // open, Tue 7 Apr (Interpretation Act 2005 s.18(h)).
    let mut cal = uk();
    cal.merge(
        Calendar::from_csv(
            "2026-03-17,ireland,St Patrick's Day\n2026-04-06,ireland,Easter Monday\n",
        )
        .expect("valid"),
    );
    let ie = Regime::builtin("ireland-foi", &cal).expect("built in");
    let deadline = ie.deadline(d("2026-03-09"), &[]).expect("ok");
    assert_eq!(deadline.due(), Some(d("2026-04-07")));
    // Extension up to 4 more weeks: latest is Mon 4 May 2026 (8 weeks), a working day in
    // Ireland here since the user gave no May holiday.
    assert_eq!(deadline.latest(), Some(d("2026-05-04")));
    // Without Irish data the engine says so, and only skips weekends.
    let bare = regime("ireland-foi")
        .deadline(d("2026-03-09"), &[])
        .expect("ok");
    assert_eq!(bare.due(), Some(d("2026-04-06")));
    assert_eq!(
        bare.warnings(),
        [Warning::NoHolidayData {
            regions: vec!["ireland".into()]
        }]
    );
}

#[test]
fn a_calendar_month_regime_rolls_forward() {
    let monthly = |roll_forward| {
        let def = RegimeDef {
            name: "one-month".into(),
            description: String::new(),
            period: 1,
            unit: Unit::Months,
            regions: vec!["england-and-wales".into()],
            time_zone: "Europe/London".into(),
            roll_forward,
            weekend: vec![chrono::Weekday::Sat, chrono::Weekday::Sun],
            blackouts: vec![],
            extension: ExtensionLimit::None,
            clarification: ClarificationRule::Restart,
            fees_pause: true,
            review: None,
        };
        Regime::new(def, &uk()).expect("valid")
    };
    // Fri 2026-07-31 + 1 month = Mon 31 Aug, the Summer bank holiday (England and Wales):
    // due Tue 1 Sep.
    assert_eq!(
        due(&monthly(true), "2026-07-31", &[]),
        Some(d("2026-09-01"))
    );
    // Thu 2026-04-30 + 1 month = Sat 30 May: rolled past Sun 31 to Mon 1 Jun.
    assert_eq!(
        due(&monthly(true), "2026-04-30", &[]),
        Some(d("2026-06-01"))
    );
    // Without rolling, the date stands even on a Saturday.
    assert_eq!(
        due(&monthly(false), "2026-04-30", &[]),
        Some(d("2026-05-30"))
    );
    // 31 January + 1 month is the last day of February.
    assert_eq!(
        due(&monthly(false), "2026-01-31", &[]),
        Some(d("2026-02-28"))
    );
}

// ---------------------------------------------------------------- explanations

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

// ---------------------------------------------------------------- helpers

#[test]
fn working_day_helpers() {
    let r = regime("uk-foia");
    assert_eq!(r.add_working_days(d("2026-03-26"), 20), Ok(d("2026-04-27")));
    assert_eq!(r.add_working_days(d("2026-03-26"), 0), Ok(d("2026-03-26")));
    // Due Mon 27 Apr; on Thu 30 Apr the request is 3 working days overdue (Tue, Wed, Thu).
    assert_eq!(
        r.working_days_between(d("2026-04-27"), d("2026-04-30")),
        Ok(3)
    );
    // On Fri 24 Apr one working day is left (Mon 27 itself): -1.
    assert_eq!(
        r.working_days_between(d("2026-04-27"), d("2026-04-24")),
        Ok(-1)
    );
    assert_eq!(
        r.working_days_between(d("2026-04-27"), d("2026-04-27")),
        Ok(0)
    );
    // Over a bank holiday weekend: due Thu 2 Apr, on Tue 7 Apr it is 1 working day overdue.
    assert_eq!(
        r.working_days_between(d("2026-04-02"), d("2026-04-07")),
        Ok(1)
    );
    assert_eq!(
        r.why_not_working(d("2026-04-03")).map(|n| n.to_string()),
        Some("Good Friday (england-and-wales, scotland, northern-ireland)".to_string())
    );
    assert_eq!(
        r.why_not_working(d("2026-03-28")),
        Some(NonWorking(vec![Reason::Weekend {
            day: chrono::Weekday::Sat
        }]))
    );
    assert_eq!(r.why_not_working(d("2026-03-27")), None);
    assert!(r.is_working_day(d("2026-03-27")));
    // Outside the supported years: weekends are still known, counting is an error.
    assert!(!r.is_working_day(d("2200-01-04")));
    assert!(r.is_working_day(d("2300-01-01")));
    assert_eq!(
        r.add_working_days(d("2199-12-30"), 20),
        Err(DeadlineError::OutOfRange(d("2199-12-30")))
    );
    assert!(r.deadline(d("1800-01-01"), &[]).is_err());
}

#[test]
fn the_calculators_days_override_and_a_replaced_calendar() {
    // `foi deadline --received 2026-03-26 --days 10`: Fri 27 (1) .. Thu 2 Apr (5),
    // [Fri 3, Mon 6], Tue 7 (6) .. Fri 10 (9), Mon 13 Apr (10).
    let ten = regime("uk-foia").with_period(10).expect("valid");
    assert_eq!(due(&ten, "2026-03-26", &[]), Some(d("2026-04-13")));
    assert!(regime("uk-foia").with_period(0).is_err());
    // `--calendar FILE` replaces the shipped holidays: with an empty file, only weekends.
    let bare = Regime::builtin("uk-foia", &Calendar::empty()).expect("built in");
    assert_eq!(due(&bare, "2026-03-26", &[]), Some(d("2026-04-23")));
}

// ---------------------------------------------------------------- regime definitions

#[test]
fn every_builtin_is_valid_and_a_registry_holds_them() {
    for def in builtin_regimes() {
        def.validate()
            .unwrap_or_else(|e| panic!("{}: {e}", def.name));
    }
    let regimes = Regimes::new(&uk(), vec![]).expect("valid");
    assert_eq!(
        regimes.names().collect::<Vec<_>>(),
        [
            "ireland-foi",
            "nz-oia",
            "scotland-foisa",
            "uk-eir",
            "uk-foia",
            "uk-foia-school",
            "us-foia"
        ]
    );
    // UK regimes have full holiday data for 2015-2030.
    let foia = regimes.get("uk-foia").expect("present");
    assert_eq!(foia.missing_regions(), [] as [String; 0]);
    assert_eq!(
        foia.holiday_data_covers(),
        Some((d("2015-01-01"), d("2030-12-31")))
    );
    // A deadline past 2030 says its holidays are unknown.
    let late = foia.deadline(d("2030-12-20"), &[]).expect("ok");
    assert_eq!(
        late.warnings(),
        [Warning::BeyondHolidayData {
            from: d("2015-01-01"),
            to: d("2030-12-31")
        }]
    );
}

#[test]
fn config_can_define_a_regime_in_toml() {
    let text = r#"
        name = "jersey-foi"
        description = "Freedom of Information (Jersey) Law 2011"
        period = 20
        unit = "working_days"
        regions = ["jersey"]
        time_zone = "Europe/Jersey"
        extension = 20
        review = { period = 20 }
        blackouts = [{ from = "12-24", to = "12-24", name = "Christmas Eve closure" }]
    "#;
    let def: RegimeDef = toml::from_str(text).expect("parses");
    assert_eq!(def.extension, ExtensionLimit::UpTo(20));
    assert!(def.roll_forward);
    assert_eq!(def.weekend, [chrono::Weekday::Sat, chrono::Weekday::Sun]);
    let regimes = Regimes::new(&uk(), vec![def]).expect("valid");
    let jersey = regimes.get("jersey-foi").expect("present");
    assert!(!jersey.is_working_day(d("2026-12-24")));
    assert_eq!(jersey.missing_regions(), ["jersey"]);
    // A config definition with a built-in's name replaces it.
    let mut ours = RegimeDef::builtin("uk-foia").expect("built in");
    ours.period = 15;
    let regimes = Regimes::new(&uk(), vec![ours]).expect("valid");
    assert_eq!(regimes.get("uk-foia").map(|r| r.def().period), Some(15));

    let unbounded: RegimeDef = toml::from_str(
        "name = \"x\"\nperiod = 1\nunit = \"months\"\ntime_zone = \"UTC\"\nextension = \"unbounded\"\nweekend = [\"fri\", \"Saturday\"]\n",
    )
    .expect("parses");
    assert_eq!(unbounded.extension, ExtensionLimit::Unbounded);
    assert_eq!(
        unbounded.weekend,
        [chrono::Weekday::Fri, chrono::Weekday::Sat]
    );
}

#[test]
fn bad_regime_definitions_are_refused_with_a_clear_error() {
    let base = RegimeDef::builtin("uk-foia").expect("built in");
    let cases = [
        (RegimeDef { name: "UK FOIA".into(), ..base.clone() }, "regime name `UK FOIA` must be lowercase letters, digits and hyphens (e.g. uk-foia)"),
        (RegimeDef { period: 0, ..base.clone() }, "regime `uk-foia`: period 0 is not allowed (between 1 and 2600 working days)"),
        (RegimeDef { time_zone: "Europe/Londn".into(), ..base.clone() }, "regime `uk-foia`: `Europe/Londn` is not an IANA time zone (e.g. Europe/London)"),
        (RegimeDef { regions: vec!["northern ireland".into()], ..base.clone() }, "regime `uk-foia`: region `northern ireland` must be lowercase letters, digits and hyphens"),
        (
            RegimeDef {
                weekend: {
                    use chrono::Weekday::*;
                    vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun]
                },
                ..base.clone()
            },
            "regime `uk-foia`: the weekend covers the whole week, so no day would ever count",
        ),
        (
            RegimeDef { review: Some(ReviewRule { period: 20, latest: Some(10), unit: None }), ..base.clone() },
            "regime `uk-foia`: the review period must be between 1 and the period's maximum, and `latest` at least `period`",
        ),
    ];
    for (def, message) in cases {
        let err = Regime::new(def, &uk()).expect_err(message);
        assert_eq!(err.to_string(), message);
    }
    let duplicate = Regimes::new(&uk(), vec![base.clone(), base.clone()]).expect_err("twice");
    assert_eq!(duplicate, RegimeError::Duplicate("uk-foia".into()));

    let toml_errors = [
        ("name = \"x\"\nperiod = 1\nunit = \"fortnights\"\ntime_zone = \"UTC\"\n", "fortnights"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nblackouts = [{ from = \"02-30\", to = \"03-01\", name = \"n\" }]\n", "02-30"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nextension = \"lots\"\n", "lots"),
        ("name = \"x\"\nperiod = 1\nunit = \"weeks\"\ntime_zone = \"UTC\"\nperoid = 2\n", "peroid"),
        ("name = \"x\"\nunit = \"weeks\"\ntime_zone = \"UTC\"\n", "period"),
    ];
    for (text, mentions) in toml_errors {
        let err = toml::from_str::<RegimeDef>(text)
            .expect_err(text)
            .to_string();
        assert!(err.contains(mentions), "{err}");
    }
}

// ---------------------------------------------------------------- properties

fn builtin_names() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "uk-foia",
        "uk-eir",
        "scotland-foisa",
        "uk-foia-school",
        "ireland-foi",
        "us-foia",
        "nz-oia",
    ])
}

/// Days from 2014-01-01: receipts across the shipped data's years and a little beyond.
fn a_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..6600).prop_map(|n| d("2014-01-01") + chrono::Days::new(n))
}

fn an_event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::ClarificationRequested),
        Just(EventKind::ClarificationReceived),
        Just(EventKind::FeesNotice),
        Just(EventKind::FeePaid),
        (0u32..40).prop_map(|n| EventKind::Extension(Extension::By(n))),
        (0u64..200).prop_map(|n| EventKind::Extension(Extension::Until(
            d("2014-01-01") + chrono::Days::new(n * 37)
        ))),
        Just(EventKind::ReviewRequested),
        Just(EventKind::ReviewAnswered),
        Just(EventKind::ComplaintToRegulator),
        Just(EventKind::Responded),
        Just(EventKind::Withdrawn),
    ]
}

/// Events within a few months of `received`, some before it.
fn events_near(received: NaiveDate) -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((-10i64..120, an_event_kind()), 0..6).prop_map(move |v| {
        v.into_iter()
            .map(|(offset, kind)| Event::new(received + chrono::Duration::days(offset), kind))
            .collect()
    })
}

proptest! {
    #[test]
    fn a_due_date_is_always_a_working_day(
        name in builtin_names(),
        (received, events) in a_date().prop_flat_map(|r| (Just(r), events_near(r))),
    ) {
        let r = regime(name);
        let deadline = r.deadline(received, &events).expect("in range");
        for date in [deadline.due(), deadline.latest(), deadline.review().map(|v| v.due)].into_iter().flatten() {
            prop_assert!(r.is_working_day(date), "{name} {received} {events:?}: {date}");
        }
        if let Some(due) = deadline.due() {
            prop_assert!(due > deadline.start());
        }
    }

    #[test]
    fn a_later_receipt_never_gives_an_earlier_due_date(
        name in builtin_names(),
        a in a_date(),
        gap in 0u64..40,
        period in 1u32..61,
    ) {
        let r = regime(name).with_period(period).expect("valid");
        let b = a + chrono::Days::new(gap);
        let due_a = r.deadline(a, &[]).expect("ok").due();
        let due_b = r.deadline(b, &[]).expect("ok").due();
        prop_assert!(due_a <= due_b, "{name}/{period}: {a} -> {due_a:?}, {b} -> {due_b:?}");
    }

    #[test]
    fn a_pause_never_shortens_a_deadline(
        name in builtin_names(),
        received in a_date(),
        notice_after in 0u64..40,
        paused_for in 0u64..40,
    ) {
        let r = regime(name);
        let notice = received + chrono::Days::new(notice_after);
        let paid = notice + chrono::Days::new(paused_for);
        let plain = r.deadline(received, &[]).expect("ok").due().expect("running");
        let events = [Event::new(notice, EventKind::FeesNotice), Event::new(paid, EventKind::FeePaid)];
        let paused = r.deadline(received, &events).expect("ok").due().expect("running");
        prop_assert!(paused >= plain);
        // Exactly the disregarded working days are added, when the notice came in time.
        if r.def().unit == Unit::WorkingDays && r.def().fees_pause && notice <= plain {
            let before_notice = notice.pred_opt().expect("in range");
            let disregarded = r.working_days_between(before_notice, paid).expect("ok");
            prop_assert_eq!(r.working_days_between(plain, paused).expect("ok"), disregarded);
        }
    }

    #[test]
    fn the_explanation_counts_to_the_same_due_date(
        name in builtin_names(),
        received in a_date(),
    ) {
        let r = regime(name);
        let explained = r.explain(received, &[]).expect("ok");
        let due = explained.deadline().due().expect("running");
        prop_assert_eq!(explained.deadline(), &r.deadline(received, &[]).expect("ok"));
        if r.def().unit == Unit::WorkingDays {
            let last_day = explained.steps().iter().rev().find_map(|s| match s {
                Step::Day { number, date, due: true } => Some((*number, *date)),
                _ => None,
            });
            prop_assert_eq!(last_day, Some((r.def().period, due)));
        }
    }

    #[test]
    fn counting_forward_and_between_agree(
        name in builtin_names(),
        start in a_date(),
        n in 0u32..300,
    ) {
        let r = regime(name);
        let end = r.add_working_days(start, n).expect("in range");
        prop_assert_eq!(r.working_days_between(start, end), Ok(i64::from(n)));
        prop_assert_eq!(r.working_days_between(end, start), Ok(-i64::from(n)));
        if n > 0 {
            prop_assert!(r.is_working_day(end));
        }
    }

    #[test]
    fn no_input_makes_it_panic(
        name in builtin_names(),
        received in any::<i64>().prop_map(|s| DateTime::<Utc>::from_timestamp(s % 20_000_000_000, 0).unwrap_or_default()),
        events in prop::collection::vec((any::<i32>(), an_event_kind()), 0..8),
    ) {
        let r = regime(name);
        let events: Vec<Event> = events
            .into_iter()
            .map(|(days, kind)| Event::new(NaiveDate::from_num_days_from_ce_opt(days % 3_000_000).unwrap_or_default(), kind))
            .collect();
        // Either a deadline or an out-of-range error; and the explanation likewise.
        let _ = r.deadline(received, &events);
        let _ = r.explain(received, &events);
        let _ = r.working_days_between(received.date_naive(), r.local_date(received));
    }

    #[test]
    fn any_text_parses_to_a_calendar_or_a_located_error(text in "\\PC{0,200}") {
        match Calendar::from_csv(&text) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.line >= 1),
        }
    }
}
