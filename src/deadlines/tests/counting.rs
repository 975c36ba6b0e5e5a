//! Receipt and counting: day 0, weekends, holidays in each UK region.

use super::*;

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
fn the_school_regime_counts_school_days_and_extends_from_its_due_date() {
    // Received Mon 2026-10-05; the shipped default term dates break for half term Mon 26
    // to Fri 30 Oct. Working days: Tue 6 (1) .. Fri 9 (4), Mon 12 .. Fri 16 (9), Mon 19
    // .. Fri 23 (14): school days 1-14; Mon 26 .. Fri 30 (15-19) are half term, not
    // school days; Mon 2 Nov (20; school day 15) .. Fri 6 (24; 19), Mon 9 (25; school day
    // 20). The 60th working day is Thu 31 Dec (counted below in the FOIA test's terms:
    // day 40 is Tue 1 Dec, then Wed 2 (41) .. Fri 4 (43), Mon 7 .. Fri 11 (48), Mon 14
    // .. Fri 18 (53), Mon 21 .. Thu 24 (57), [Fri 25, Mon 28], Tue 29 (58), Wed 30 (59),
    // Thu 31 (60)), so the school day decides: due Mon 9 Nov. The longest extension is
    // 20 working days from there: Tue 10 (1) .. Fri 13 (4), Mon 16 .. Fri 20 (9), Mon 23
    // .. Fri 27 (14), [Mon 30 Nov St Andrew's Day], Tue 1 Dec (15) .. Fri 4 (18), Mon 7
    // (19), Tue 8 Dec (20).
    let r = regime("uk-foia-school");
    let count = r
        .school_count(d("2026-10-05"))
        .expect("ok")
        .expect("school");
    assert_eq!(
        (count.school_day, count.working_day),
        (d("2026-11-09"), d("2026-12-31"))
    );
    let school = r.deadline(d("2026-10-05"), &[]).expect("ok");
    assert_eq!(school.due(), Some(d("2026-11-09")));
    assert_eq!(school.latest(), Some(d("2026-12-08")));
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
