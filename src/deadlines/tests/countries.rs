//! Regimes of other countries: New Zealand, Ireland, calendar months.

use super::*;

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
            school: None,
            ladder: Vec::new(),
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
