//! Properties that must hold for any input.

use super::*;
use proptest::prelude::*;

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
                Step::Day {
                    number,
                    date,
                    due: true,
                    school_day,
                } => Some((*number, *date, *school_day)),
                Step::NoSession { number, date, due: true, .. } => Some((*number, *date, None)),
                _ => None,
            });
            match (r.def().school, r.school_count(received).expect("ok")) {
                // Schools: the due day is the 20th school day or the 60th working day.
                (Some(rule), Some(count)) => {
                    prop_assert_eq!(last_day.map(|l| l.1), Some(due));
                    let (number, _, school_day) = last_day.expect("a due day");
                    prop_assert!(
                        (count.school_days_decide() && school_day == Some(rule.school_days))
                            || (!count.school_days_decide() && number == rule.working_days),
                        "{:?}", last_day
                    );
                }
                _ => prop_assert_eq!(last_day, Some((r.def().period, due, None))),
            }
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
