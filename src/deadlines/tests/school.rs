//! The schools' rule, worked by hand: SI 2004/3364 reg 3(2) (and SI 2010/2768 for
//! academies) makes a school's answer due on "the twentieth working day following the
//! date of receipt, disregarding any working day which ... is not a school day, or the
//! sixtieth working day following the date of receipt, whichever occurs first".

use super::*;

/// Camford's term dates: a school closed for rebuilding from the summer to half term.
fn camford() -> TermDates {
    TermDates::from_csv(
        "camford",
        "from,to,name\n2027-07-21,2027-10-29,Closed for rebuilding\n",
    )
    .expect("valid")
}

#[test]
fn across_christmas_the_twentieth_school_day_comes_before_the_sixtieth_working_day() {
    // Received Mon 2026-12-07 by a school on the shipped default term dates, whose
    // Christmas holidays run Mon 21 Dec 2026 to Fri 1 Jan 2027.
    // Working days (any UK bank holiday skipped, FOIA s.10(6)) and school days:
    //   Tue 8 (1; s1), Wed 9 (2; s2), Thu 10 (3; s3), Fri 11 (4; s4),
    //   Mon 14 (5; s5) .. Fri 18 (9; s9),
    //   Mon 21 (10), Tue 22 (11), Wed 23 (12), Thu 24 (13): holidays, not school days,
    //   [Fri 25 Christmas Day], [Mon 28 Boxing Day (substitute day)],
    //   Tue 29 (14), Wed 30 (15), Thu 31 (16): holidays, [Fri 1 Jan New Year's Day],
    //   [Mon 4 Jan: 2nd January (substitute day) in Scotland, so no working day],
    //   Tue 5 (17; s10), Wed 6 (18; s11), Thu 7 (19; s12), Fri 8 (20; s13),
    //   Mon 11 (21; s14) .. Fri 15 (25; s18), Mon 18 (26; s19), Tue 19 (27; s20).
    // Plain FOIA would be due on working day 20, Fri 8 Jan. The 60th working day: Wed 20
    // (28) .. Fri 22 (30), Mon 25 .. Fri 29 (35), Feb: Mon 1 .. Fri 5 (40), Mon 8 .. Fri
    // 12 (45), Mon 15 .. Fri 19 (50), Mon 22 .. Fri 26 (55), Mar: Mon 1 (56) .. Thu 4
    // (59), Fri 5 Mar (60). The earlier: Tue 19 Jan 2027.
    let school = regime("uk-foia-school");
    let received = d("2026-12-07");
    let count = school.school_count(received).expect("ok").expect("school");
    assert_eq!(count.school_day, d("2027-01-19"));
    assert_eq!(count.working_day, d("2027-03-05"));
    assert!(count.school_days_decide());
    assert_eq!(due(&school, "2026-12-07", &[]), Some(d("2027-01-19")));
    assert_eq!(
        due(&regime("uk-foia"), "2026-12-07", &[]),
        Some(d("2027-01-08"))
    );

    let text = format!("{:#}", school.explain(received, &[]).expect("ok"));
    for line in [
        "day 9 = Fri 2026-12-18 (school day 9)",
        "day 10 = Mon 2026-12-21 (not a school day: Christmas holidays)",
        "skipped Mon 2027-01-04 2nd January (substitute day) (scotland)",
        "day 17 = Tue 2027-01-05 (school day 10)",
        "day 27 = Tue 2027-01-19 (school day 20; due)",
        "schools' rule (SI 2004/3364 reg 3; academies SI 2010/2768): the 20th school day \
         (term dates `england-default`) is Tue 2027-01-19, the 60th working day is Fri \
         2027-03-05: due on the earlier, Tue 2027-01-19 (the school days decide)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line `{line}` in:\n{text}"
        );
    }
}

#[test]
fn a_long_closure_lets_the_sixtieth_working_day_decide() {
    // Received Mon 2027-07-12 (Battle of the Boyne in Northern Ireland: day 0 all the
    // same) by Camford, closed 21 Jul to 29 Oct 2027. School days: Tue 13 (1) .. Fri 16
    // (4), Mon 19 (5), Tue 20 (6); then none until Mon 1 Nov (7) .. Fri 5 (11), Mon 8 ..
    // Fri 12 (16), Mon 15 (17), Tue 16 (18), Wed 17 (19), Thu 18 Nov (20).
    // Working days: Tue 13 (1) .. Fri 16 (4), Mon 19 .. Fri 23 (9), Mon 26 .. Fri 30 (14),
    // [Mon 2 Aug, Scotland's summer bank holiday], Tue 3 (15) .. Fri 6 (18), Mon 9 .. Fri
    // 13 (23), Mon 16 .. Fri 20 (28), Mon 23 .. Fri 27 (33), [Mon 30 Aug, summer bank
    // holiday], Tue 31 (34), Wed 1 Sep (35) .. Fri 3 (37), Mon 6 .. Fri 10 (42), Mon 13
    // .. Fri 17 (47), Mon 20 .. Fri 24 (52), Mon 27 .. Fri 1 Oct (57), Mon 4 (58), Tue 5
    // (59), Wed 6 Oct (60). The earlier: Wed 6 Oct 2027.
    let regimes = Regimes::new(&uk(), vec![])
        .expect("valid")
        .with_term_dates(vec![camford()], None)
        .expect("valid");
    let school = regimes.get("uk-foia-school@camford").expect("known");
    assert_eq!(school.term_dates().map(TermDates::name), Some("camford"));
    let count = school
        .school_count(d("2027-07-12"))
        .expect("ok")
        .expect("school");
    assert_eq!(
        (count.school_day, count.working_day),
        (d("2027-11-18"), d("2027-10-06"))
    );
    assert!(!count.school_days_decide());
    assert_eq!(due(school, "2027-07-12", &[]), Some(d("2027-10-06")));
    let text = format!("{:#}", school.explain(d("2027-07-12"), &[]).expect("ok"));
    assert!(
        text.contains("day 60 = Wed 2027-10-06 (not a school day: Closed for rebuilding; due)"),
        "{text}"
    );
    assert!(text.contains("(the working days decide)"), "{text}");
    // The plain name still counts the shipped default (summer holidays from 21 Jul 2027):
    // school days Tue 13 (1) .. Tue 20 (6), then from Thu 2 Sep (7) .. Fri 3 (8), Mon 6 ..
    // Fri 10 (13), Mon 13 .. Fri 17 (18), Mon 20 (19), Tue 21 Sep (20).
    assert_eq!(
        due(
            regimes.get("uk-foia-school").expect("known"),
            "2027-07-12",
            &[]
        ),
        Some(d("2027-09-21"))
    );
}

#[test]
fn a_clarification_restarts_both_counts_from_its_receipt() {
    // Asked Wed 2026-12-09, received back Fri 2026-12-18 (its day 0). School days from
    // there: the holidays to Fri 1 Jan, [Mon 4 Jan not a working day], Tue 5 (1) .. Fri 8
    // (4), Mon 11 .. Fri 15 (9), Mon 18 .. Fri 22 (14), Mon 25 .. Fri 29 (19), Mon 1 Feb
    // (20). Working days: Mon 21 (1) .. Thu 24 (4), Tue 29 .. Thu 31 (7), Tue 5 (8) ..
    // so the 60th is well after Mon 1 Feb.
    let school = regime("uk-foia-school");
    let events = [
        ev("2026-12-09", EventKind::ClarificationRequested),
        ev("2026-12-18", EventKind::ClarificationReceived),
    ];
    assert_eq!(due(&school, "2026-12-07", &events), Some(d("2027-02-01")));
}

#[test]
fn term_dates_are_chosen_by_name_and_unknown_names_are_clear_errors() {
    let base = Regimes::new(&uk(), vec![]).expect("valid");
    assert!(base.get("uk-foia-school@england-default").is_some());
    assert!(base.get("uk-foia-school@camford").is_none());
    assert_eq!(
        base.unknown_terms("uk-foia-school@camford")
            .map(|e| e.to_string()),
        Some(
            "regime `uk-foia-school`: no term dates are called `camford` \
             (add camford.csv to the [calendar] terms folder)"
                .into()
        )
    );
    // Only school regimes take term dates.
    assert!(base.get("uk-foia@england-default").is_none());
    assert!(base.unknown_terms("uk-foia@camford").is_none());
    let err = base
        .clone()
        .with_term_dates(vec![], Some("camford"))
        .expect_err("unknown default");
    assert!(matches!(err, RegimeError::UnknownTerms { .. }), "{err}");
    let camford_default = base
        .with_term_dates(vec![camford()], Some("camford"))
        .expect("valid");
    assert_eq!(
        camford_default
            .get("uk-foia-school")
            .and_then(Regime::term_dates)
            .map(TermDates::name),
        Some("camford")
    );
    assert_eq!(
        camford_default.term_dates().collect::<Vec<_>>(),
        ["camford", DEFAULT_TERMS]
    );
}

#[test]
fn a_count_beyond_the_term_dates_says_so_and_a_bad_school_rule_is_refused() {
    // The default covers 2025-07-23 to 2028-08-31; a request of 2029 counts every
    // working day as a school day and warns.
    let late = regime("uk-foia-school")
        .deadline(d("2029-03-05"), &[])
        .expect("ok");
    assert!(
        late.warnings().iter().any(|w| matches!(
            w,
            Warning::BeyondTermDates { terms, .. } if terms == DEFAULT_TERMS
        )),
        "{:?}",
        late.warnings()
    );
    assert_eq!(
        late.due(),
        regime("uk-foia")
            .deadline(d("2029-03-05"), &[])
            .expect("ok")
            .due()
    );
    let bad = RegimeDef {
        unit: Unit::CalendarDays,
        ..RegimeDef::builtin("uk-foia-school").expect("built in")
    };
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("regime `uk-foia-school`: `school` needs unit = \"working_days\", school_days of at least 1 and working_days at least school_days (at most 2600)".into())
    );
    // `--days N` means working days: the school rule is dropped.
    let plain = regime("uk-foia-school").with_period(20).expect("valid");
    assert!(plain.term_dates().is_none());
    assert_eq!(due(&plain, "2026-12-07", &[]), Some(d("2027-01-08")));
}
