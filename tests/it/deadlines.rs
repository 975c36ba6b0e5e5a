//! Deadlines through the real binary: the calculator (`foi deadline`) against hand-worked
//! dates, case events and their deadlines, the overdue list, the due columns of
//! `foi cases list`, the iCalendar export and campaign-wide messages.
//!
//! Dates are worked by hand from the shipped holidays (2026: St Patrick's Day Tue 17 March in
//! Northern Ireland only, Good Friday 3 April, Easter Monday 6 April outside Scotland, early
//! May 4 May, spring 25 May). The engine's own tests cover the arithmetic in depth.

use crate::support::{repo_path, Workdir};
use serde_json::Value;

fn calc(w: &Workdir, args: &[&str]) -> Value {
    let mut all = vec!["deadline", "--json"];
    all.extend_from_slice(args);
    w.json(all)
}

#[test]
fn the_calculator_gives_hand_worked_due_dates() {
    let w = Workdir::new();
    // (received, regime, due): each worked from the statute's "twentieth working day
    // following the date of receipt", receipt = day 0.
    let table = [
        // St Patrick's Day (NI only) is not a working day for UK-wide FOIA ...
        ("2026-03-02", "uk-foia", "2026-03-31"),
        // ... but is for Scotland's.
        ("2026-03-02", "scotland-foisa", "2026-03-30"),
        // Received on a Saturday: day 1 is Monday 9 March; 17 March, Good Friday and Easter
        // Monday skipped.
        ("2026-03-07", "uk-foia", "2026-04-08"),
        // Received on Good Friday (a bank holiday): day 1 is Tuesday 7 April; 4 May skipped.
        ("2026-04-03", "uk-foia", "2026-05-05"),
        // Christmas and New Year: 25, 26 Dec, 1 Jan and 2 Jan (Scotland) skipped.
        ("2025-12-19", "uk-foia", "2026-01-22"),
        // Easter in Scotland: Good Friday skipped, Easter Monday worked.
        ("2026-03-26", "scotland-foisa", "2026-04-24"),
        ("2026-03-26", "uk-foia", "2026-04-27"),
    ];
    for (received, regime, due) in table {
        let v = calc(&w, &["--received", received, "--regime", regime]);
        assert_eq!(v["received"], received, "{v}");
        assert_eq!(v["due"], due, "{received} {regime}: {v}");
        assert_eq!(v["regime"], regime);
    }
    // The default regime comes from the config ([defaults] regime = uk-foia).
    let v = calc(&w, &["--received", "2026-03-02"]);
    assert_eq!(v["due"], "2026-03-31");
}

#[test]
fn days_override_the_period() {
    let w = Workdir::new();
    // 10 working days from Monday 2 March: Mon 16 March.
    let v = calc(&w, &["--received", "2026-03-02", "--days", "10"]);
    assert_eq!(v["due"], "2026-03-16", "{v}");
    assert_eq!(v["period"], 10);
    // 12 working days crosses St Patrick's Day: Thu 19 March.
    let v = calc(&w, &["--received", "2026-03-02", "--days", "12"]);
    assert_eq!(v["due"], "2026-03-19", "{v}");
    let e = w.fails(["deadline", "--received", "2026-03-02", "--days", "0"]);
    assert!(e.contains("--days 0"), "{e}");
}

#[test]
fn a_calendar_file_replaces_the_shipped_holidays() {
    let w = Workdir::new();
    // Only one holiday, Wednesday 4 March, in every UK region; St Patrick's Day is gone.
    let f = w.write(
        "my-holidays.csv",
        "date,region,name,source\n\
         2026-03-04,england-and-wales,Founders' Day,test\n\
         2026-03-04,scotland,Founders' Day,test\n\
         2026-03-04,northern-ireland,Founders' Day,test\n",
    );
    let f = f.to_str().unwrap();
    let v = calc(&w, &["--received", "2026-03-02", "--calendar", f]);
    // Skips 4 March instead of 17 March: still Tue 31 March.
    assert_eq!(v["due"], "2026-03-31", "{v}");
    let v = calc(
        &w,
        &["--received", "2026-03-26", "--calendar", f, "--explain"],
    );
    // No Easter in this calendar: 20 working days from Thu 26 March is Thu 23 April.
    assert_eq!(v["due"], "2026-04-23", "{v}");
    let steps = v["explanation"].as_array().unwrap();
    assert!(!steps.is_empty());
    let e = w.fails([
        "deadline",
        "--received",
        "2026-03-02",
        "--calendar",
        "missing.csv",
    ]);
    assert!(e.contains("missing.csv"), "{e}");
    let bad = w.write("bad.csv", "when,where\nyesterday,here\n");
    let e = w.fails([
        "deadline",
        "--received",
        "2026-03-02",
        "--calendar",
        bad.to_str().unwrap(),
    ]);
    assert!(e.contains("bad.csv"), "{e}");
}

#[test]
fn the_explanation_names_day_zero_and_each_skipped_day() {
    let w = Workdir::new();
    let out = w.ok(["deadline", "--received", "2026-03-02", "--explain"]);
    assert!(out.contains("due:      Tue 2026-03-31"), "{out}");
    assert!(out.contains("St Patrick"), "{out}");
    assert!(out.contains("northern-ireland"), "{out}");
    assert!(out.contains("2026-03-02"), "{out}");
    let text = w.ok(["deadline", "--received", "2026-03-26"]);
    assert!(
        !text.contains("Good Friday"),
        "no explanation unless asked: {text}"
    );
}

#[test]
fn calculator_mistakes_are_one_sentence() {
    let w = Workdir::new();
    let e = w.fails(["deadline", "--received", "2 March"]);
    assert!(e.contains("is not a date"), "{e}");
    let e = w.fails(["deadline", "--received", "2026-03-02", "--regime", "mars"]);
    assert!(e.contains("unknown regime 'mars'"), "{e}");
}

/// A working folder with the example bodies and a launched, sent campaign of `n` bodies
/// (tag:council, uk-foia) whose requests were received on Monday 2 March 2026.
fn sent_campaign(n: usize) -> Workdir {
    let w = Workdir::new();
    w.import_examples();
    let keys: String = ["C001", "C002", "C003", "C004", "C005"][..n]
        .iter()
        .map(|k| format!("{k}\n"))
        .collect();
    let keys = w.write("keys.txt", keys);
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &repo_path("examples/cctv-campaign"),
        "--select",
        &format!("keys:{}", keys.to_str().unwrap()),
        "--reference-prefix",
        "DL",
        "--regime",
        "uk-foia",
    ]);
    w.ok(["campaign", "launch", "cctv"]);
    let out = w.ok(["send"]);
    assert!(out.starts_with(&format!("sent {n},")), "{out}");
    w
}

/// A later "now" (Friday 20 March 2026) at which events of the first weeks are recorded.
const LATER: &str = "2026-03-20T12:00:00Z";

fn at(w: &Workdir, now: &str, args: &[&str]) -> std::process::Output {
    w.foi(args).env("FOI_NOW", now).output().unwrap()
}

fn at_ok(w: &Workdir, now: &str, args: &[&str]) -> String {
    let out = at(w, now, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn case_deadline(w: &Workdir, r: &str) -> Value {
    serde_json::from_str(&w.ok(["case", "deadline", r, "--json"])).unwrap()
}

#[test]
fn events_move_a_case_deadline_and_set_its_status() {
    let w = sent_campaign(2);
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["received"], "2026-03-02", "{v}");
    assert_eq!(v["due"], "2026-03-31");
    assert_eq!(v["status"], "awaiting_response");

    // Clarification: the clock stops, then restarts from the clarification's receipt.
    let out = at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0001",
            "clarification_requested",
            "--date",
            "2026-03-04",
        ],
    );
    assert!(
        out.contains("status awaiting_response -> clarification_requested"),
        "{out}"
    );
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["due"], Value::Null, "{v}");
    assert_eq!(v["state"]["state"], "awaiting_clarification");
    // Mon 9 March + 20 working days, skipping 17 March, Good Friday and Easter Monday.
    let out = at_ok(
        &w,
        "2026-03-09T12:00:00Z",
        &["case", "event", "DL-0001", "clarification_sent"],
    );
    assert!(out.contains("-> awaiting_response"), "{out}");
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["start"], "2026-03-09", "{v}");
    assert_eq!(v["due"], "2026-04-09", "{v}");

    // An extension of +20 working days from Tue 31 March: Apr 1, 2, 7-10, 13-17, 20-24,
    // 27-30 = 20 -> Thu 30 April.
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0002",
            "extension",
            "--date",
            "2026-03-20",
            "--note",
            "+20 public interest test",
        ],
    );
    let v = case_deadline(&w, "DL-0002");
    assert_eq!(v["due"], "2026-04-30", "{v}");
    assert_eq!(v["extended"], true);

    // A fees notice pauses: 3 working days (Mon 9 to Wed 11 March, both included) are not
    // counted, so Tue 31 March moves 3 working days: 1, 2 and 7 April -> Tue 7 April.
    let w = sent_campaign(1);
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0001",
            "fees_notice",
            "--date",
            "2026-03-09",
        ],
    );
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0001",
            "fee_paid",
            "--date",
            "2026-03-11",
        ],
    );
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["due"], "2026-04-07", "{v}");

    // A response ends the clock; the case is no longer open.
    let out = at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0001",
            "refusal",
            "--date",
            "2026-03-12",
        ],
    );
    assert!(out.contains("-> refused"), "{out}");
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["state"]["state"], "ended", "{v}");
    assert_eq!(v["standing"], Value::Null);
    let text = w.ok(["case", "deadline", "DL-0001", "--explain"]);
    assert!(text.contains("fees notice"), "{text}");
    let shown = w.ok(["case", "show", "DL-0001"]);
    assert!(shown.contains("fee_paid"), "{shown}");
}

#[test]
fn bad_events_change_nothing() {
    let w = sent_campaign(1);
    let before = w.snapshot();
    let e = w.fails(["case", "event", "DL-0001", "answered"]);
    assert!(e.contains("unknown event 'answered'"), "{e}");
    assert!(e.contains("partial_response"), "{e}");
    let e = w.fails(["case", "event", "DL-0001", "sent"]);
    assert!(e.contains("unknown event 'sent'"), "{e}");
    let e = w.fails([
        "case",
        "event",
        "DL-0001",
        "response",
        "--date",
        "2026-03-03",
    ]);
    assert!(e.contains("in the future"), "{e}");
    let e = w.fails([
        "case",
        "event",
        "DL-0001",
        "response",
        "--date",
        "2026-02-27",
    ]);
    assert!(e.contains("before the request was received"), "{e}");
    let e = w.fails(["case", "event", "DL-0001", "response", "--date", "soon"]);
    assert!(e.contains("is not a date"), "{e}");
    let e = w.fails(["case", "event", "DL-0001", "extension", "--note", "a while"]);
    assert!(e.contains("+N"), "{e}");
    let e = w.fails(["case", "event", "DL-9999", "response"]);
    assert!(e.contains("no case with reference"), "{e}");
    assert_eq!(before, w.snapshot());
    let v = case_deadline(&w, "DL-0001");
    assert_eq!(v["due"], "2026-03-31");
}

#[test]
fn unsent_cases_have_no_deadline() {
    let w = Workdir::new();
    w.import_examples();
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &repo_path("examples/cctv-campaign"),
        "--select",
        "key:C001",
        "--reference-prefix",
        "UN",
    ]);
    let e = w.fails(["case", "deadline", "UN-0001"]);
    assert!(e.contains("has not been sent yet"), "{e}");
    let e = w.fails(["case", "event", "UN-0001", "response"]);
    assert!(e.contains("has not been sent yet"), "{e}");
}

#[test]
fn overdue_lists_open_late_cases_most_overdue_first() {
    let w = sent_campaign(4);
    // DL-0001: nothing happens (due Tue 31 March).
    // DL-0002: answered, never overdue.
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0002",
            "response",
            "--date",
            "2026-03-10",
        ],
    );
    // DL-0003: extended to Thu 2 April.
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0003",
            "extension",
            "--date",
            "2026-03-20",
            "--note",
            "2026-04-02",
        ],
    );
    // DL-0004: acknowledged only; still owes the response.
    at_ok(
        &w,
        LATER,
        &[
            "case",
            "event",
            "DL-0004",
            "acknowledged",
            "--date",
            "2026-03-03",
        ],
    );

    let nothing = at_ok(&w, "2026-03-31T15:00:00Z", &["overdue"]);
    assert_eq!(nothing.trim(), "nothing is overdue");

    // Tuesday 7 April: 1 April, 2 April and 7 April have passed the 31 March due date
    // (Good Friday and Easter Monday skipped): 3 working days. DL-0003: 1 (7 April).
    let rows: Vec<Value> =
        serde_json::from_str(&at_ok(&w, "2026-04-07T15:00:00Z", &["overdue", "--json"])).unwrap();
    let got: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().to_string(),
                r["working_days_overdue"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("DL-0001".into(), 3),
            ("DL-0004".into(), 3),
            ("DL-0003".into(), 1)
        ]
    );
    assert_eq!(rows[0]["due_date"], "2026-03-31");
    assert_eq!(rows[0]["long_overdue"], false);

    let rows: Vec<Value> = serde_json::from_str(&at_ok(
        &w,
        "2026-04-07T15:00:00Z",
        &["overdue", "--json", "--min-days", "2"],
    ))
    .unwrap();
    assert_eq!(rows.len(), 2);

    let csv = at_ok(&w, "2026-04-07T15:00:00Z", &["overdue", "--csv"]);
    assert!(
        csv.starts_with("reference,overdue,due,owed,body,status,campaign,flag\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4);

    // --tag: every example council is tagged council; nothing is tagged school here.
    let none = at_ok(
        &w,
        "2026-04-07T15:00:00Z",
        &["overdue", "--json", "--tag", "school"],
    );
    assert_eq!(
        serde_json::from_str::<Value>(&none).unwrap(),
        Value::Array(vec![])
    );
    let all = at_ok(
        &w,
        "2026-04-07T15:00:00Z",
        &[
            "overdue",
            "--json",
            "--tag",
            "council",
            "--campaign",
            "cctv",
        ],
    );
    assert_eq!(
        serde_json::from_str::<Value>(&all)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Long overdue: past 40 working days. 40 working days after 31 March is Mon 1 June
    // (skipping 3, 6 April, 4 and 25 May); on Tue 2 June DL-0001 is 41 days overdue.
    let rows: Vec<Value> =
        serde_json::from_str(&at_ok(&w, "2026-06-01T15:00:00Z", &["overdue", "--json"])).unwrap();
    assert_eq!(rows[0]["working_days_overdue"], 40, "{rows:?}");
    assert_eq!(rows[0]["long_overdue"], false);
    let rows: Vec<Value> =
        serde_json::from_str(&at_ok(&w, "2026-06-02T15:00:00Z", &["overdue", "--json"])).unwrap();
    assert_eq!(rows[0]["working_days_overdue"], 41);
    assert_eq!(rows[0]["long_overdue"], true);
    let table = at_ok(&w, "2026-06-02T15:00:00Z", &["overdue"]);
    assert!(table.contains("long overdue"), "{table}");

    let e = w.fails(["overdue", "--campaign", "nope"]);
    assert!(e.contains("no campaign named 'nope'"), "{e}");
}

#[test]
fn case_lists_show_the_due_date_and_days_left() {
    let w = sent_campaign(2);
    w.ok([
        "case",
        "event",
        "DL-0002",
        "response",
        "--date",
        "2026-03-02",
    ]);
    // Wednesday 25 March: 4 working days left before Tuesday 31 March (26, 27, 30, 31).
    let rows: Vec<Value> = serde_json::from_str(&at_ok(
        &w,
        "2026-03-25T12:00:00Z",
        &["cases", "list", "--json"],
    ))
    .unwrap();
    assert_eq!(rows[0]["reference"], "DL-0001");
    assert_eq!(rows[0]["due_date"], "2026-03-31");
    assert_eq!(rows[0]["working_days_overdue"], -4);
    assert!(rows[0]["token"].is_string(), "the case's own fields stay");
    assert_eq!(rows[1]["due_date"], Value::Null);
    let table = at_ok(&w, "2026-03-25T12:00:00Z", &["cases", "list"]);
    assert!(table.lines().next().unwrap().contains("due"), "{table}");
    assert!(table.contains("4 left"), "{table}");
    let table = at_ok(
        &w,
        "2026-04-01T12:00:00Z",
        &["cases", "list", "--status", "awaiting_response"],
    );
    assert!(table.contains("1 overdue"), "{table}");
}

#[test]
fn the_ics_export_has_one_all_day_event_per_open_due_date() {
    let w = sent_campaign(3);
    w.ok([
        "case",
        "event",
        "DL-0003",
        "withdrawn",
        "--date",
        "2026-03-02",
    ]);
    let out = w.path().join("due.ics");
    w.ok([
        "deadlines",
        "--ics",
        "--campaign",
        "cctv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let ics = std::fs::read_to_string(&out).unwrap();
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT\r\n").count(), 2, "{ics}");
    assert_eq!(ics.matches("DTSTART;VALUE=DATE:20260331\r\n").count(), 2);
    assert!(
        ics.contains("UID:DL-0001-response@foi-campaigner\r\n"),
        "{ics}"
    );
    assert!(!ics.contains("DL-0003"), "withdrawn cases have no due date");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n'));
    }
    // Stable: the same export again is byte-for-byte the same.
    let again = w.ok(["deadlines", "--ics", "--campaign", "cctv"]);
    assert_eq!(again, ics);
    let e = w.fails(["deadlines"]);
    assert!(e.contains("--ics"), "{e}");
}

#[test]
fn a_campaign_message_goes_to_the_selected_cases_threaded() {
    let w = sent_campaign(3);
    w.ok([
        "case",
        "event",
        "DL-0002",
        "clarification_requested",
        "--date",
        "2026-03-02",
    ]);
    let dir = w.path().join("clarify");
    w.write(
        "clarify/subject.hbs",
        "Clarification of our request [{{case.reference}}]",
    );
    w.write(
        "clarify/body.txt.hbs",
        "Dear {{body.foi_contact}},\n\nBy CCTV we mean any camera; our request of {{date case.sent_date}}.\n",
    );
    let dir = dir.to_str().unwrap();
    let before = w.json(["outbox", "--json"]);
    let out = w.ok([
        "campaign",
        "message",
        "cctv",
        "--template",
        dir,
        "--select",
        "status:clarification_requested",
        "--dry-run",
    ]);
    assert!(out.contains("# DL-0002"), "{out}");
    assert!(out.contains("2 March 2026"), "{out}");
    assert!(out.contains("would queue 1 emails"), "{out}");
    assert_eq!(before, w.json(["outbox", "--json"]));

    // A template needing a value a case lacks stops everything.
    w.write("bad/subject.hbs", "x");
    w.write("bad/body.txt.hbs", "Due {{case.due_date}}");
    let bad = w.path().join("bad");
    let e = w.fails([
        "campaign",
        "message",
        "cctv",
        "--template",
        bad.to_str().unwrap(),
        "--select",
        "all",
    ]);
    assert!(
        e.contains("DL-0002"),
        "the stopped clock has no due date: {e}"
    );
    assert!(e.contains("case.due_date"), "{e}");
    assert!(e.contains("nothing was queued"), "{e}");
    assert_eq!(before, w.json(["outbox", "--json"]));

    let e = w.fails([
        "campaign",
        "message",
        "cctv",
        "--template",
        dir,
        "--select",
        "status:flying",
    ]);
    assert!(e.contains("unknown status 'flying'"), "{e}");

    w.ok([
        "campaign",
        "message",
        "cctv",
        "--template",
        dir,
        "--select",
        "status:clarification_requested",
        "--select",
        "key:C001",
    ]);
    let rows = w.json(["outbox", "--json"]);
    let messages: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "message")
        .collect();
    assert_eq!(messages.len(), 2, "{rows}");
    w.ok(["send"]);
    // The message went threaded to the request, and its receipt restarts DL-0002's clock.
    let files: Vec<String> = std::fs::read_dir(w.path().join("outgoing"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|t| t.contains("Clarification of our request [DL-0002]"))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].contains("In-Reply-To: <"), "{}", files[0]);
    let v = case_deadline(&w, "DL-0002");
    assert_eq!(v["start"], "2026-03-02", "{v}");
    assert_eq!(v["due"], "2026-03-31", "{v}");
}
