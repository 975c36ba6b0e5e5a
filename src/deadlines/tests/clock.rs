//! Clock events: fees, clarification, extensions, internal review, endings.

use super::*;

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
