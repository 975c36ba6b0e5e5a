//! Ladders per regime through the real binary: one campaign with `ladder = "regime"` over a
//! FOIA council, a FOISA council, an EIR body and a school with its own term dates; each
//! case's next step (`foi case deadline --explain`) and the steps the sweep takes, at fixed
//! "now"s. Requests are received on Monday 2 March 2026 (the harness's now).
//!
//! Dates worked by hand from data/uk-bank-holidays.csv (2026: St Patrick's Day Tue 17 Mar in
//! Northern Ireland, Good Friday 3 Apr, Easter Monday 6 Apr outside Scotland, early May
//! Mon 4 May, spring Mon 25 May): FOIA and EIR count every UK bank holiday, FOISA
//! Scotland's only.
//! - FOIA/EIR due: day 20 = Tue 31 Mar (17 Mar skipped). FOISA due: Mon 30 Mar.
//! - Acknowledgement chase, 5 working days after receipt: Mon 9 Mar.
//! - Overdue chase, 1 after the due date: FOIA/EIR Wed 1 Apr; FOISA Tue 31 Mar.
//! - FOIA complaint about the non-response, 10 after Tue 31 Mar: Wed 1 (1), Thu 2 (2),
//!   [Fri 3, Mon 6], Tue 7 (3) .. Fri 10 (6), Mon 13 (7) .. Thu 16 Apr (10).
//! - FOISA requirement for review, 5 after Mon 30 Mar: Tue 31 (1), Wed 1 (2), Thu 2 (3),
//!   [Fri 3], Mon 6 (4: Easter Monday is worked in Scotland), Tue 7 Apr (5).
//! - EIR reconsideration, 5 after Tue 31 Mar: Wed 1, Thu 2, Tue 7, Wed 8, Thu 9 Apr (5).
//! - FOIA refusal on Fri 20 Mar: internal review 1 working day later, Mon 23 Mar. Review
//!   asked Tue 24 Mar: due day 20 = Thu 23 Apr (Wed 25 (1) .. Thu 2 Apr (7), [3, 6 Apr],
//!   Tue 7 (8) .. Thu 23 (20)); latest day 40 = Fri 22 May (Fri 24 Apr (21) .. Fri 1 May
//!   (26), [Mon 4 May], Tue 5 (27) .. Fri 22 (40)); complaint 1 after it: [Mon 25 May],
//!   Tue 26 May.
//! - School (term dates `camford`: Easter break Mon 30 Mar to Fri 10 Apr): school days
//!   Tue 3 (1) .. Fri 6 (4), Mon 9 .. Fri 13 (9), Mon 16 (10), [Tue 17], Wed 18 (11) ..
//!   Fri 20 (13), Mon 23 .. Fri 27 (18), then Mon 13 Apr (19), Tue 14 Apr (20); the 60th
//!   working day is Mon 1 Jun: due Tue 14 Apr.

use crate::support::{repo_path, Workdir};
use serde_json::Value;

fn at(w: &Workdir, now: &str, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", now).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} at {now} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The launched, sent campaign; its cases' references by body name.
fn regime_campaign() -> (Workdir, impl Fn(&str) -> String) {
    let w = Workdir::new();
    w.write(
        "terms/camford.csv",
        "from,to,name\n2026-03-30,2026-04-10,Easter holidays\n",
    );
    w.set_section("calendar", "terms = \"terms\"");
    let bodies = w.write(
        "bodies.csv",
        "id,name,email,tags,regime,term_dates,foi_contact\n\
         E1,English Council,foi@english.example,council,uk-foia,,FOI Team\n\
         E2,Refusing Council,foi@refusing.example,council,uk-foia,,FOI Team\n\
         S1,Scottish Council,foi@scottish.example,council,scotland-foisa,,FOI Team\n\
         V1,Water Agency,foi@water.example,agency,uk-eir,,FOI Team\n\
         K1,Camford School,office@camford-school.example,school,uk-foia-school,camford,Office\n",
    );
    w.ok(["bodies", "import", bodies.to_str().unwrap()]);
    let src = std::path::PathBuf::from(repo_path("examples/cctv-campaign"));
    for f in ["subject.hbs", "body.txt.hbs", "body.html.hbs"] {
        w.write(
            &format!("camp/{f}"),
            std::fs::read_to_string(src.join(f)).unwrap(),
        );
    }
    // Top-level keys, so before the example's tables.
    let toml = format!(
        "ladder = \"regime\"\nchasers_dir = \"{}\"\n",
        repo_path("templates/chasers")
    ) + &std::fs::read_to_string(src.join("campaign.toml")).unwrap();
    w.write("camp/campaign.toml", toml);
    let camp = w.path().join("camp");
    w.ok([
        "campaign",
        "create",
        "mixed",
        "--template",
        camp.to_str().unwrap(),
        "--select",
        "all",
        "--reference-prefix",
        "LD",
    ]);
    w.ok(["campaign", "launch", "mixed"]);
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 5,"), "{out}");
    let cases = w.json(["cases", "list", "--json"]);
    let rows: Vec<Value> = cases
        .as_array()
        .cloned()
        .or_else(|| cases["cases"].as_array().cloned())
        .expect("a list of cases");
    let refs: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["body_name"]
                    .as_str()
                    .or(r["body"].as_str())
                    .unwrap_or_default()
                    .to_string(),
                r["reference"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let of = move |body: &str| {
        refs.iter()
            .find(|(b, _)| b == body)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no case for {body} in {refs:?}"))
    };
    (w, of)
}

fn next_step(w: &Workdir, now: &str, reference: &str) -> String {
    let out = at(w, now, &["case", "deadline", reference, "--explain"]);
    out.lines()
        .find(|l| l.starts_with("next chaser step: "))
        .unwrap_or_else(|| panic!("no next step for {reference} at {now}:\n{out}"))
        .to_string()
}

/// The steps a sweep took at `now`: (reference, step, state).
fn sweep(w: &Workdir, now: &str) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_str(&at(w, now, &["chasers", "run", "--json"])).unwrap();
    let mut taken: Vec<_> = v["taken"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|t| {
            (
                t["reference"].as_str().unwrap().to_string(),
                t["step"].as_str().unwrap().to_string(),
                t["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    taken.sort();
    taken
}

fn row(r: &str, step: &str, state: &str) -> (String, String, String) {
    (r.to_string(), step.to_string(), state.to_string())
}

#[test]
fn each_case_follows_its_regimes_ladder_from_the_law() {
    let (w, case) = regime_campaign();
    let (e1, e2, s1, v1, k1) = (
        case("English Council"),
        case("Refusing Council"),
        case("Scottish Council"),
        case("Water Agency"),
        case("Camford School"),
    );

    // Tue 10 Mar: every case gets its acknowledgement chase (auto: queued).
    let mut want: Vec<_> = [&e1, &e2, &s1, &v1, &k1]
        .iter()
        .map(|r| row(r, "acknowledgement", "queued"))
        .collect();
    want.sort();
    assert_eq!(sweep(&w, "2026-03-10T09:00:00Z"), want);

    // Fri 20 Mar: E2 refuses; its next step is the internal review, 1 working day later.
    at(
        &w,
        "2026-03-20T12:00:00Z",
        &["case", "event", &e2, "refusal", "--date", "2026-03-20"],
    );
    let n = next_step(&w, "2026-03-20T12:00:00Z", &e2);
    assert!(
        n.starts_with("next chaser step: internal-review (falls due Mon 2026-03-23)"),
        "{n}"
    );
    let n = next_step(&w, "2026-03-20T12:00:00Z", &e1);
    assert!(
        n.starts_with("next chaser step: overdue (falls due Wed 2026-04-01)"),
        "{n}"
    );
    let n = next_step(&w, "2026-03-20T12:00:00Z", &s1);
    assert!(
        n.starts_with("next chaser step: overdue (falls due Tue 2026-03-31)"),
        "{n}"
    );

    // Thu 2 Apr: the overdue chases; E2's review request waits for approval.
    let mut want = vec![
        row(&e1, "overdue", "queued"),
        row(&e2, "internal-review", "pending"),
        row(&s1, "overdue", "queued"),
        row(&v1, "overdue", "queued"),
    ];
    want.sort();
    assert_eq!(sweep(&w, "2026-04-02T09:00:00Z"), want);

    // After the overdue chase, each law goes its own way.
    let n = next_step(&w, "2026-04-02T09:00:00Z", &e1);
    assert!(
        n.starts_with(
            "next chaser step: complaint-no-response (falls due Thu 2026-04-16): a draft for \
             the regulator, 10 working days after an unanswered due date, without an internal review"
        ),
        "{n}"
    );
    assert!(n.contains("FOIA s.50"), "{n}");
    let n = next_step(&w, "2026-04-02T09:00:00Z", &s1);
    assert!(
        n.starts_with("next chaser step: review (falls due Tue 2026-04-07)"),
        "{n}"
    );
    assert!(n.contains("FOISA s.20"), "{n}");
    let n = next_step(&w, "2026-04-02T09:00:00Z", &v1);
    assert!(
        n.starts_with("next chaser step: reconsideration (falls due Thu 2026-04-09)"),
        "{n}"
    );
    assert!(n.contains("EIR reg 11"), "{n}");

    // The school follows the FOIA ladder from its own due date, Tue 14 Apr.
    let n = next_step(&w, "2026-04-02T09:00:00Z", &k1);
    assert!(
        n.starts_with("next chaser step: overdue (falls due Wed 2026-04-15)"),
        "{n}"
    );

    // Thu 16 Apr: the FOIA non-response goes to the regulator as a draft, without a
    // review; Scotland and the EIR ask for a review first (approve: pending).
    let mut want = vec![
        row(&e1, "complaint-no-response", "draft"),
        row(&s1, "review", "pending"),
        row(&v1, "reconsideration", "pending"),
    ];
    want.sort();
    let took = sweep(&w, "2026-04-16T09:00:00Z");
    for r in &want {
        assert!(took.contains(r), "{r:?} not in {took:?}");
    }
    assert!(!took
        .iter()
        .any(|(r, s, _)| r == &e1 && s == "internal-review"));

    // E2's review, asked on Tue 24 Mar: the complaint waits for the review's 40th working
    // day (Fri 22 May) and falls due the working day after, Tue 26 May.
    at(
        &w,
        "2026-04-16T09:00:00Z",
        &[
            "case",
            "event",
            &e2,
            "internal_review_requested",
            "--date",
            "2026-03-24",
        ],
    );
    let n = next_step(&w, "2026-04-16T09:00:00Z", &e2);
    assert!(
        n.starts_with(
            "next chaser step: complaint (falls due Tue 2026-05-26): a draft for the regulator, \
             1 working day after the internal review's latest date"
        ),
        "{n}"
    );
}

#[test]
fn a_school_counts_its_own_term_dates_and_explains_the_earlier_of_rule() {
    let (w, case) = regime_campaign();
    let k1 = case("Camford School");
    let v = w.json(["case", "deadline", &k1, "--json"]);
    assert_eq!(v["due"], "2026-04-14", "{v}");
    assert_eq!(v["school"]["school_day"], "2026-04-14", "{v}");
    assert_eq!(v["school"]["working_day"], "2026-06-01", "{v}");
    assert_eq!(v["school"]["term_dates"], "camford", "{v}");
    let out = w.ok(["case", "deadline", &k1, "--explain"]);
    for line in [
        "due:      Tue 2026-04-14 (the earlier of 20 school days (term dates `camford`) and 60 working days)",
        "day 19 = Mon 2026-03-30 (not a school day: Easter holidays)",
        "day 28 = Tue 2026-04-14 (school day 20; due)",
        "schools' rule (SI 2004/3364 reg 3; academies SI 2010/2768): the 20th school day \
         (term dates `camford`) is Tue 2026-04-14, the 60th working day is Mon 2026-06-01: \
         due on the earlier, Tue 2026-04-14 (the school days decide)",
    ] {
        assert!(out.lines().any(|l| l == line), "no `{line}` in:\n{out}");
    }
    // A body naming term dates nobody defined stops the campaign before anything is made.
    let bodies = w.write(
        "more.csv",
        "id,name,email,tags,regime,term_dates,foi_contact\n\
         K2,Riverton School,office@riverton-school.example,school,uk-foia-school,riverton,Office\n",
    );
    w.ok(["bodies", "import", bodies.to_str().unwrap()]);
    let e = w.fails([
        "campaign",
        "create",
        "schools",
        "--template",
        w.path().join("camp").to_str().unwrap(),
        "--select",
        "tag:school",
        "--reference-prefix",
        "SC",
    ]);
    assert!(
        e.contains("term_dates `riverton` names no term dates: add riverton.csv"),
        "{e}"
    );
    let list = w.ok(["campaign", "list"]);
    assert!(!list.contains("schools"), "{list}");
}
