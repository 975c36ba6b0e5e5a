//! The working-day helpers and the calculator's overrides.

use super::*;

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
