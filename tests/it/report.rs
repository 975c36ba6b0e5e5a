//! `foi report` on a fixture campaign whose every figure and base is worked out by hand
//! below; the CSV parses back and matches the JSON; the HTML renders in headless Chromium.
//!
//! The fixture: 10 bodies, every request received on Monday 2 March 2026 (day 0).
//! Due dates: uk-foia and uk-foia-school (no term dates: 20 working days) Tuesday
//! 31 March, skipping St Patrick's Day (17 March, NI, a UK-wide non-working day);
//! scotland-foisa Monday 30 March. The report is made "now" = Wednesday 10 June 2026.
//!
//! | key | body (tags; region; regime) | what happened | answer | working days |
//! |---|---|---|---|---|
//! | C1 | council; england; uk-foia | acknowledged 4 Mar, response 14 Apr | late | 28 |
//! | C2 | council; england; uk-foia | response 20 Mar | on time | 13 |
//! | C3 | council; scotland; scotland-foisa | refusal by email 27 Mar citing section 43 | on time | 19 |
//! | C4 | council; `north & "east" <b>`; uk-foia | nothing: open, 47 working days overdue (long) | - | - |
//! | S1 | school; england; uk-foia-school | bounced (a DSN) | - | - |
//! | S2 | school; england; uk-foia-school | not held 12 Mar | on time | 8 |
//! | P1 | police; england; uk-foia | refusal 2 Apr, note "s.31(1)(a), s 40(2) and section 43" | late | 22 |
//! | P2 | police; england; uk-foia | clarification asked 10 Mar, sent 20 Apr: due 19 May; open, 15 overdue | - | - |
//! | P3 | police; wales; uk-foia | refusal 25 Mar, note "vexatious" (no section) | on time | 16 |
//! | J1 | council AND police; england; uk-foia | acknowledged 3 Mar, partial response 31 Mar (day 20 = due) | on time | 20 |
//!
//! Working days (receipt = day 0): C1 14 Apr: 20 in March (17th skipped) + 1, 2 Apr, then
//! 7-10, 13, 14 Apr (3 and 6 April skipped) = 28. C2 20 Mar: 3-6, 9-13, 16, 18-20 = 13.
//! C3 (Scotland, 17 March worked) 27 Mar: 3-6, 9-13, 16-20, 23-27 = 19. S2 12 Mar: 8.
//! P1 2 Apr: 22. P3 25 Mar: 16. J1 31 Mar: 20.
//! Overdue at 10 June: C4 from 31 Mar: 20 in April (3, 6 skipped) + 1 May, 5-8, 11-15,
//! 18-22, 26-29 (4 and 25 May skipped), 1-5, 8-10 June = 20 + 27 = 47 > 40: long overdue.
//! P2: due 20 working days after Mon 20 April = Tue 19 May (4 May skipped); to 10 June:
//! 20-22, 26-29 May, 1-5, 8-10 June = 15.
//!
//! Confirmed answers (C3 also gets a keyword *suggestion* uses = yes, which must not count):
//!
//! | key | uses_hikvision_or_dahua | camera_count | supplier | contract_status |
//! |---|---|---|---|---|
//! | C1 | yes | 120 | Acme CCTV | active |
//! | C2 | no | 40 | Riverton Works | expired |
//! | C3 | | | | not disclosed |
//! | P1 | unknown | | | not disclosed |
//! | J1 | yes | 12 | Hikvision via Acme | active |

use crate::support::Workdir;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The report's "now": Wednesday 10 June 2026.
const NOW: &str = "2026-06-10T10:00:00Z";

fn at_ok(w: &Workdir, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", NOW).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const BODIES: &str = "id,name,email,tags,regime,region
C1,Camford Council,foi@camford.example,council,uk-foia,england
C2,Riverton Council,foi@riverton.example,council,uk-foia,england
C3,Glenmuir Council,foi@glenmuir.example,council,scotland-foisa,scotland
C4,Oakfield <Council> & Sons,foi@oakfield.example,council,uk-foia,\"north & \"\"east\"\" <b>\"
S1,St Aidan's School,office@st-aidans.example,school,uk-foia-school,england
S2,Camford Academy,office@camford-academy.example,school,uk-foia-school,england
P1,Camford Police,foi@camford-police.example,police,uk-foia,england
P2,Riverton Police,foi@riverton-police.example,police,uk-foia,england
P3,Westholm Police,foi@westholm-police.example,police,uk-foia,wales
J1,Camford Community Safety Partnership,foi@camford-csp.example,council;police,uk-foia,england
";

const QUESTIONS: &str = r#"title = "Cameras"

[[questions]]
key = "uses_hikvision_or_dahua"
label = "Does the body use cameras made by Hikvision or Dahua?"
type = "yesno"

[[questions.rules]]
answer = "yes"
any = ["hikvision", "dahua"]

[[questions]]
key = "camera_count"
label = "How many CCTV cameras?"
type = "number"

[[questions]]
key = "supplier"
label = "Who supplies the cameras?"
type = "text"

[[questions]]
key = "contract_status"
label = "The maintenance contract"
type = "choice"
options = ["active", "expired", "none", "not disclosed"]
"#;

fn email(from: &str, to: &str, subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{}@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len() * 7919 + body.len()
    )
}

fn dsn(to: &str, recipient: &str, original_id: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.st-aidans.example>\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Mon, 02 Mar 2026 10:05:00 +0000\r\nMessage-ID: <dsn-1@mx.st-aidans.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"BB\"\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered to one or more recipients.\r\n\r\n--BB\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.st-aidans.example\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown\r\n\r\n--BB\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original_id}>\r\nTo: {recipient}\r\nSubject: FOI request\r\n\r\n--BB--\r\n"
    )
}

/// The fixture campaign `cctv`: returns the working folder and body key -> reference.
fn fixture() -> (Workdir, HashMap<String, String>) {
    let w = Workdir::new();
    let f = w.write("bodies.csv", BODIES);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let dir = w.campaign_dir(
        "cctv",
        "Dear {{body.name}},\n\nHow many CCTV cameras do you operate, and who makes them?\n",
    );
    w.write("cctv/campaign.toml", QUESTIONS);
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &dir,
        "--select",
        "all",
        "--reference-prefix",
        "CCTV",
    ]);
    w.ok(["campaign", "launch", "cctv"]);
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 10,"), "{out}");
    let cases = w.json(["cases", "list", "--json"]);
    let refs: HashMap<String, String> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["body_key"].as_str().unwrap().to_string(),
                c["reference"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let r = |k: &str| refs[k].clone();
    let event = |key: &str, kind: &str, date: &str, note: Option<&str>| {
        let reference = r(key);
        let mut args = vec!["case", "event", &reference, kind, "--date", date];
        if let Some(n) = note {
            args.extend(["--note", n]);
        }
        at_ok(&w, &args);
    };
    event("C1", "acknowledged", "2026-03-04", None);
    event("C1", "response", "2026-04-14", None);
    event("C2", "response", "2026-03-20", None);
    event("S2", "not_held", "2026-03-12", None);
    event(
        "P1",
        "refusal",
        "2026-04-02",
        Some("s.31(1)(a), s 40(2) and section 43"),
    );
    event("P2", "clarification_requested", "2026-03-10", None);
    event("P2", "clarification_sent", "2026-04-20", None);
    event("P3", "refusal", "2026-03-25", Some("vexatious"));
    event("J1", "acknowledged", "2026-03-03", None);
    event("J1", "partial_response", "2026-03-31", None);

    // By email: C3's refusal (matched by its reference) and S1's bounce (by token and the
    // original Message-ID it carries).
    let token = |key: &str| -> String {
        let c = w.json(["case", "show", &r(key), "--json"]);
        c["case"]["token"].as_str().unwrap().to_string()
    };
    let outbox = w.json(["outbox", "--json"]);
    let message_id = |key: &str| -> String {
        outbox
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["reference"] == r(key).as_str())
            .unwrap()["message_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    w.write(
        "maildir/new/refusal.eml",
        email(
            "foi@glenmuir.example",
            "foi@example.org",
            &format!("Refusal notice [{}]", r("C3")),
            "Fri, 27 Mar 2026 11:00:00 +0000",
            "We are refusing your request under section 43 of the Freedom of Information \
             (Scotland) Act 2002: disclosure would prejudice the commercial interests of our \
             supplier, whose Hikvision contract is confidential.",
        ),
    );
    w.write(
        "maildir/new/bounce.eml",
        dsn(
            &format!("foi+{}@example.org", token("S1")),
            "office@st-aidans.example",
            &message_id("S1"),
        ),
    );
    let out = at_ok(&w, &["fetch"]);
    assert!(out.starts_with("new 2, matched 2"), "{out}");
    let status = |key: &str| -> String {
        w.json(["case", "show", &r(key), "--json"])["case"]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("C3"), "refused");
    assert_eq!(status("S1"), "delivery_failed");

    // The coded answers, all at once (an empty cell leaves a question unanswered).
    let csv = format!(
        "reference,uses_hikvision_or_dahua,camera_count,supplier,contract_status\n\
         {},yes,120,Acme CCTV,active\n\
         {},no,40,Riverton Works,expired\n\
         {},,,,not disclosed\n\
         {},unknown,,,not disclosed\n\
         {},yes,12,Hikvision via Acme,active\n",
        r("C1"),
        r("C2"),
        r("C3"),
        r("P1"),
        r("J1")
    );
    let f = w.write("answers.csv", csv);
    at_ok(&w, &["answers", "import", f.to_str().unwrap()]);
    // C3's reply named Hikvision: a suggestion waits for a person; it must not count.
    let suggested = w.json(["answers", "suggestions", "cctv", "--json"]);
    let suggested: Vec<(String, String, String)> = suggested
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["reference"].as_str().unwrap().to_string(),
                s["question"].as_str().unwrap().to_string(),
                s["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        suggested,
        [(r("C3"), "uses_hikvision_or_dahua".into(), "yes".into())]
    );
    (w, refs)
}

fn group<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no group {name} in {report}"))
}

fn question<'a>(g: &'a Value, key: &str) -> &'a Value {
    g["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == key)
        .unwrap()
}

/// A yes/no or choice question's base and tally: "A answered, N no answer: value count
/// (percent), ...", the percent as its JSON (null where there is no base).
fn tally(q: &Value) -> String {
    let values: Vec<String> = q["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{} {} ({})",
                v["value"].as_str().unwrap(),
                v["count"].as_u64().unwrap(),
                v["percent"]
            )
        })
        .collect();
    let (answered, no_answer) = base(q);
    format!(
        "{answered} answered, {no_answer} no answer: {}",
        values.join(", ")
    )
}

/// A question's base: (cases answered, cases with no answer).
fn base(q: &Value) -> (u64, u64) {
    (
        q["answered"].as_u64().unwrap(),
        q["no_answer"].as_u64().unwrap(),
    )
}

/// A number question's (median, total).
fn median_total(q: &Value) -> (Option<f64>, Option<f64>) {
    (q["median"].as_f64(), q["total"].as_f64())
}

/// A JSON number as a float, anything else (null) as null: how the CSV's cells read back.
fn float_or_null(x: &Value) -> Value {
    x.as_f64().map_or(Value::Null, |n| json!(n))
}

/// Each group of a report as (name, cases).
fn group_cases(report: &Value) -> Vec<(String, u64)> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().into(),
                g["cases"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// `foi report cctv [--by BY] --format json`, parsed.
fn report_json(w: &Workdir, by: Option<&str>) -> Value {
    let mut args = vec!["report", "cctv", "--format", "json"];
    if let Some(by) = by {
        args.extend(["--by", by]);
    }
    serde_json::from_str(&at_ok(w, &args)).unwrap()
}

/// `foi report cctv --by BY --format FORMAT --out OUT`.
fn report_to(w: &Workdir, by: &str, format: &str, out: &std::path::Path) {
    at_ok(
        w,
        &[
            "report",
            "cctv",
            "--by",
            by,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ],
    );
}

#[test]
fn every_figure_and_base_matches_the_hand_count() {
    let (w, _) = fixture();
    let report = report_json(&w, Some("tag"));
    assert_eq!(report["schema"], "foi-report/1");
    assert_eq!(report["campaign"], "cctv");
    assert_eq!(report["by"], "tag");
    assert!(
        report["notes"][0]
            .as_str()
            .unwrap()
            .contains("counts in each of its tags"),
        "{}",
        report["notes"]
    );
    let names: Vec<&str> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["all", "council", "police", "school"]);

    // all: 10 cases, all sent; S1 bounced; C1 and J1 acknowledged; 7 answered: on time C2,
    // C3, S2, P3, J1; late C1 (14 Apr), P1 (2 Apr); overdue C4 (47, long) and P2 (15);
    // refused C3, P1, P3.
    let all = group(&report, "all");
    assert_eq!(all["cases"], 10);
    assert_eq!(
        all["figures"],
        json!({"sent": 10, "delivered": 9, "delivery_failed": 1, "acknowledged": 2,
               "answered": 7, "answered_on_time": 5, "answered_late": 2,
               "overdue": 2, "long_overdue": 1, "refused": 3})
    );
    assert_eq!(
        all["outcomes"],
        json!({"response": 2, "partial_response": 1, "not_held": 1, "refusal": 3})
    );
    // Section 43: C3 (email) and P1 (note); 31 and 40: P1; P3 cites none.
    assert_eq!(
        all["exemptions"],
        json!([{"value": "section 43", "count": 2}, {"value": "section 31", "count": 1},
               {"value": "section 40", "count": 1}, {"value": "not stated", "count": 1}])
    );
    // 8, 13, 16, 19, 20, 22, 28: the median is 19.
    assert_eq!(all["median_working_days_to_answer"], 19.0);
    assert_eq!(
        all["answer_days"],
        json!([{"working_days": 8, "cases": 1}, {"working_days": 13, "cases": 1},
               {"working_days": 16, "cases": 1}, {"working_days": 19, "cases": 1},
               {"working_days": 20, "cases": 1}, {"working_days": 22, "cases": 1},
               {"working_days": 28, "cases": 1}])
    );
    // uses: confirmed C1 yes, C2 no, J1 yes, P1 unknown (C3's suggestion does not count):
    // base 4, 6 cases with no answer.
    assert_eq!(
        tally(question(all, "uses_hikvision_or_dahua")),
        "4 answered, 6 no answer: yes 2 (50.0), no 1 (25.0), unknown 1 (25.0)"
    );
    // camera_count: 120, 40, 12: median 40, total 172.
    let q = question(all, "camera_count");
    assert_eq!(base(q), (3, 7));
    assert_eq!(median_total(q), (Some(40.0), Some(172.0)));
    let q = question(all, "supplier");
    assert_eq!(base(q), (3, 7));
    assert_eq!(q["values"], json!([]));
    // contract: C1 active, C2 expired, C3 and P1 not disclosed, J1 active: base 5.
    assert_eq!(
        tally(question(all, "contract_status")),
        "5 answered, 5 no answer: active 2 (40.0), expired 1 (20.0), none 0 (0.0), not disclosed 2 (40.0)"
    );

    // council: C1, C2, C3, C4 and J1 (which is police too). Answered C1 (late), C2, C3,
    // J1; days 13, 19, 20, 28: median 19.5.
    let council = group(&report, "council");
    assert_eq!(council["cases"], 5);
    assert_eq!(
        council["figures"],
        json!({"sent": 5, "delivered": 5, "delivery_failed": 0, "acknowledged": 2,
               "answered": 4, "answered_on_time": 3, "answered_late": 1,
               "overdue": 1, "long_overdue": 1, "refused": 1})
    );
    assert_eq!(
        council["outcomes"],
        json!({"response": 2, "partial_response": 1, "not_held": 0, "refusal": 1})
    );
    assert_eq!(
        council["exemptions"],
        json!([{"value": "section 43", "count": 1}])
    );
    assert_eq!(council["median_working_days_to_answer"], 19.5);
    assert_eq!(
        tally(question(council, "uses_hikvision_or_dahua")),
        "3 answered, 2 no answer: yes 2 (66.7), no 1 (33.3), unknown 0 (0.0)"
    );
    let q = question(council, "camera_count");
    assert_eq!(median_total(q), (Some(40.0), Some(172.0)));
    assert_eq!(
        tally(question(council, "contract_status")),
        "4 answered, 1 no answer: active 2 (50.0), expired 1 (25.0), none 0 (0.0), not disclosed 1 (25.0)"
    );

    // police: P1 (late), P2 (open, 15 overdue), P3, J1. Days 16, 20, 22: median 20.
    let police = group(&report, "police");
    assert_eq!(police["cases"], 4);
    assert_eq!(
        police["figures"],
        json!({"sent": 4, "delivered": 4, "delivery_failed": 0, "acknowledged": 1,
               "answered": 3, "answered_on_time": 2, "answered_late": 1,
               "overdue": 1, "long_overdue": 0, "refused": 2})
    );
    assert_eq!(
        police["exemptions"],
        json!([{"value": "section 31", "count": 1}, {"value": "section 40", "count": 1},
               {"value": "section 43", "count": 1}, {"value": "not stated", "count": 1}])
    );
    assert_eq!(police["median_working_days_to_answer"], 20.0);
    assert_eq!(
        tally(question(police, "uses_hikvision_or_dahua")),
        "2 answered, 2 no answer: yes 1 (50.0), no 0 (0.0), unknown 1 (50.0)"
    );
    let q = question(police, "camera_count");
    assert_eq!(base(q), (1, 3));
    assert_eq!(median_total(q), (Some(12.0), Some(12.0)));

    // school: S1 bounced, S2 not held on day 8; no answers coded, so no base at all.
    let school = group(&report, "school");
    assert_eq!(
        school["figures"],
        json!({"sent": 2, "delivered": 1, "delivery_failed": 1, "acknowledged": 0,
               "answered": 1, "answered_on_time": 1, "answered_late": 0,
               "overdue": 0, "long_overdue": 0, "refused": 0})
    );
    assert_eq!(school["median_working_days_to_answer"], 8.0);
    assert_eq!(
        tally(question(school, "uses_hikvision_or_dahua")),
        "0 answered, 2 no answer: yes 0 (null), no 0 (null), unknown 0 (null)"
    );
    let q = question(school, "camera_count");
    assert_eq!(
        (q["median"].clone(), q["total"].clone()),
        (Value::Null, Value::Null)
    );

    // The text report says the same, with its bases.
    let text = at_ok(&w, &["report", "cctv", "--by", "tag"]);
    for line in [
        "council: 67% yes, n = 2 of 3 answered",
        "police: 50% unknown, n = 1 of 2 answered",
        "all: 40% active, n = 2 of 5 answered",
        "council: 3 of 5 cases answered, 2 with no answer",
        "all: 3 of 10 cases answered, 7 with no answer; median 40, total 172",
        "counts in each of its tags",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn region_and_regime_groups_put_each_case_once() {
    let (w, _) = fixture();
    // Regions: england C1, C2, S1, S2, P1, P2, J1; the odd region C4; scotland C3; wales P3.
    let r = report_json(&w, Some("region"));
    assert_eq!(
        group_cases(&r),
        [
            ("all".to_string(), 10),
            ("england".into(), 7),
            ("north & \"east\" <b>".into(), 1),
            ("scotland".into(), 1),
            ("wales".into(), 1)
        ]
    );
    assert_eq!(r["notes"].as_array().unwrap().len(), 1, "no overlap note");
    // england: answered C1 (late), C2, S2, P1 (late), J1; overdue P2; bounced S1.
    let e = group(&r, "england");
    assert_eq!(
        e["figures"],
        json!({"sent": 7, "delivered": 6, "delivery_failed": 1, "acknowledged": 2,
               "answered": 5, "answered_on_time": 3, "answered_late": 2,
               "overdue": 1, "long_overdue": 0, "refused": 1})
    );
    let odd = group(&r, "north & \"east\" <b>");
    assert_eq!(odd["figures"]["long_overdue"], 1);
    // Regimes: uk-foia C1, C2, C4, P1, P2, P3, J1; scotland-foisa C3; uk-foia-school S1, S2.
    let r = report_json(&w, Some("regime"));
    assert_eq!(
        group_cases(&r),
        [
            ("all".to_string(), 10),
            ("scotland-foisa".into(), 1),
            ("uk-foia".into(), 7),
            ("uk-foia-school".into(), 2)
        ]
    );
    let s = group(&r, "scotland-foisa");
    assert_eq!(s["figures"]["answered_on_time"], 1);
    assert_eq!(s["median_working_days_to_answer"], 19.0);
    // Without --by: one group.
    let r = report_json(&w, None);
    assert_eq!(r["groups"].as_array().unwrap().len(), 1);
    assert_eq!(r["by"], Value::Null);
}

#[test]
fn the_csv_parses_back_and_matches_the_json() {
    let (w, _) = fixture();
    let report = report_json(&w, Some("tag"));
    let out = w.path().join("report.csv");
    report_to(&w, "tag", "csv", &out);
    let mut rd = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        rd.headers().unwrap(),
        vec!["group", "kind", "question", "value", "count", "base", "percent", "number"]
    );
    let num = |s: &str| -> Value {
        if s.is_empty() {
            Value::Null
        } else {
            json!(s.parse::<f64>().unwrap())
        }
    };
    let mut seen = 0;
    let mut figures = 0;
    let mut answers = 0;
    for row in rd.records() {
        let row = row.unwrap();
        let (g, kind, q, value, count, base, pct, number) = (
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5], &row[6], &row[7],
        );
        let grp = group(&report, g);
        let count_n = num(count);
        match kind {
            "cases" => assert_eq!(count_n, json!(grp["cases"].as_f64().unwrap())),
            "figure" => {
                figures += 1;
                assert_eq!(
                    count_n,
                    json!(grp["figures"][value].as_f64().unwrap()),
                    "{g} {value}"
                );
            }
            "outcome" => {
                assert_eq!(count_n, json!(grp["outcomes"][value].as_f64().unwrap()));
                assert_eq!(
                    num(base),
                    json!(grp["figures"]["answered"].as_f64().unwrap())
                );
            }
            "stage" => {
                let stages = &grp["stages"];
                assert_eq!(count_n, json!(stages[value].as_f64().unwrap()));
                let base_of = match value {
                    "decision_upheld" | "decision_partly" | "decision_not_upheld" | "complied" => {
                        &stages["decision_notice"]
                    }
                    "internal_review_answered" => &stages["internal_review_requested"],
                    _ => &grp["figures"]["sent"],
                };
                assert_eq!(num(base), json!(base_of.as_f64().unwrap()));
            }
            "exemption" => {
                let x = grp["exemptions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["value"] == value)
                    .unwrap();
                assert_eq!(count_n, json!(x["count"].as_f64().unwrap()));
                assert_eq!(
                    num(base),
                    json!(grp["figures"]["refused"].as_f64().unwrap())
                );
            }
            "timing" => {
                assert_eq!(
                    num(number),
                    float_or_null(&grp["median_working_days_to_answer"])
                );
            }
            "answer_day" => {
                let d = grp["answer_days"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["working_days"].as_i64() == value.parse().ok())
                    .unwrap();
                assert_eq!(count_n, json!(d["cases"].as_f64().unwrap()));
            }
            "question" => {
                answers += 1;
                let t = question(grp, q);
                let x = t["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["value"] == value)
                    .unwrap();
                assert_eq!(count_n, json!(x["count"].as_f64().unwrap()));
                assert_eq!(num(base), json!(t["answered"].as_f64().unwrap()));
                assert_eq!(num(pct), float_or_null(&x["percent"]));
            }
            "question_answered" => {
                assert_eq!(
                    count_n,
                    json!(question(grp, q)["answered"].as_f64().unwrap())
                )
            }
            "question_no_answer" => {
                assert_eq!(
                    count_n,
                    json!(question(grp, q)["no_answer"].as_f64().unwrap())
                )
            }
            "question_median" | "question_total" => {
                let field = kind.trim_start_matches("question_");
                let want = float_or_null(&question(grp, q)[field]);
                assert_eq!(num(number), want);
            }
            other => panic!("unknown kind {other}"),
        }
        seen += 1;
    }
    // 4 groups x 10 figures; 4 groups x (3 yes/no/unknown + 4 options) answer rows.
    assert_eq!(figures, 40);
    assert_eq!(answers, 28);
    assert!(seen > 100, "{seen} rows");
}

#[test]
fn report_mistakes_are_one_sentence() {
    let w = Workdir::new();
    let e = w.fails(["report", "nope"]);
    assert!(e.contains("no campaign named 'nope'"), "{e}");
    let e = w.fails(["report", "nope", "--by", "colour"]);
    assert!(e.contains("colour"), "{e}");
    let e = w.fails(["report", "nope", "--format", "pdf"]);
    assert!(e.contains("pdf"), "{e}");
}

/// Decode a PNG enough to count its colours: 8-bit RGB or RGBA, non-interlaced.
pub(crate) fn png_colours(bytes: &[u8]) -> (u32, u32, usize) {
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG (no signature)"
    );
    let mut i = 8;
    let (mut width, mut height, mut depth, mut colour, mut interlace) = (0, 0, 0, 0, 0);
    let mut idat = Vec::new();
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let kind = &bytes[i + 4..i + 8];
        let data = &bytes[i + 8..i + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap());
                height = u32::from_be_bytes(data[4..8].try_into().unwrap());
                depth = data[8];
                colour = data[9];
                interlace = data[12];
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len;
    }
    assert_eq!((depth, interlace), (8, 0), "an 8-bit, non-interlaced PNG");
    let bpp = match colour {
        2 => 3,
        6 => 4,
        c => panic!("PNG colour type {c} not handled"),
    };
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&idat).expect("PNG image data");
    let stride = width as usize * bpp;
    assert_eq!(raw.len(), (stride + 1) * height as usize, "PNG data size");
    let mut prev = vec![0u8; stride];
    let mut cur = vec![0u8; stride];
    let mut colours = std::collections::HashSet::new();
    for y in 0..height as usize {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let filter = line[0];
        for x in 0..stride {
            let a = if x >= bpp { cur[x - bpp] as i32 } else { 0 };
            let b = prev[x] as i32;
            let c = if x >= bpp { prev[x - bpp] as i32 } else { 0 };
            let add = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("bad PNG filter {f}"),
            };
            cur[x] = (line[1 + x] as i32 + add) as u8;
        }
        for px in cur.chunks(bpp) {
            if colours.len() < 10_000 {
                colours.insert(px[..3].to_vec());
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (width, height, colours.len())
}

#[test]
fn the_html_report_is_self_contained_escaped_and_renders() {
    let (w, _) = fixture();
    let html_path = w.path().join("report.html");
    report_to(&w, "region", "html", &html_path);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: no script, no external resource.
    for banned in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(banned), "{banned} in the HTML");
    }
    // The odd region is escaped everywhere it appears (tables and SVG).
    assert!(!html.contains("<b>"), "unescaped region");
    assert!(html.contains("north &amp; &quot;east&quot; &lt;b&gt;"));
    for part in [
        "Response funnel",
        "Answers over time",
        "due (day 20)",
        "The maintenance contract",
        "n = 5 of 10 cases",
    ] {
        assert!(html.contains(part), "missing {part}");
    }
    assert!(html.matches("<svg").count() >= 5, "the charts");

    // Render it in headless Chromium and look at the screenshot.
    let shot = w.path().join("report.png");
    let profile = w.path().join("chromium-profile");
    let child = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000",
            &format!("file://{}", html_path.display()),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("install chromium (apt-get install chromium) to render the HTML report")
        }
        Err(e) => panic!("cannot start chromium: {e}"),
    };
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let mut err = String::new();
    use std::io::Read;
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    assert!(status.success(), "chromium failed: {err}");
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {err}"));
    assert!(
        png.len() > 20_000,
        "a suspiciously small screenshot: {} bytes",
        png.len()
    );
    let (width, height, colours) = png_colours(&png);
    assert_eq!((width, height), (1200, 2000));
    // Text, tables and charts in several colours; a blank page has one.
    assert!(colours > 50, "only {colours} colours: a blank page?");
    if let Ok(dir) = std::env::var("FOI_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, std::path::Path::new(&dir).join("report.png")).unwrap();
        std::fs::copy(&html_path, std::path::Path::new(&dir).join("report.html")).unwrap();
    }
}
