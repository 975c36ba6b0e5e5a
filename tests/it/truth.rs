//! One truth per case: a person's corrections reach every figure. A fixture campaign whose
//! replies the classifier read (some wrongly) and a person corrected, with its figures
//! worked out by hand; then a property test: random sequences of automatic and manual
//! events never make two views (the report, the Campaigns page's counts, `cases list`,
//! `overdue`, the export) disagree.
//!
//! The fixture: 6 bodies under uk-foia, every request received on Monday 2 March 2026
//! (day 0), due Tuesday 31 March (17 March, St Patrick's Day, is skipped); the figures
//! are counted "now" = Wednesday 10 June 2026.
//!
//! | key | what happened | correction | outcome | status |
//! |---|---|---|---|---|
//! | A | reply 20 Mar "we do not hold any information", read as a response | `case event not_held` | not held | not_held |
//! | B | reply 23 Mar refusing under section 43, read as a refusal | `case event partial_response` (they sent part) | partial | partially_successful |
//! | C | reply 24 Mar with figures, read as a response | `message classify ... refusal` | refusal | refused |
//! | D | reply 10 Mar from an unknown address asking to clarify: triage | `triage attach` to D | none | clarification_requested (clock stopped) |
//! | E | reply 25 Mar with figures, read as a response | none | response | successful |
//! | F | nothing | none | none | awaiting_response, 47 working days overdue |
//!
//! So the report says response 1, partial 1, not held 1, refusal 1 (answered 4, all on
//! time), refused 1, overdue 1 (F; D's clock is stopped) — the Campaigns page's
//! successful 1, partially successful 1, not held 1, refused 1.

use crate::support::Workdir;
use serde_json::Value;
use std::collections::HashMap;

/// The figures' "now": Wednesday 10 June 2026.
const LATER: &str = "2026-06-10T10:00:00Z";

const BODIES: &str = "id,name,email,tags,regime,region
A,Ashby Council,foi@ashby.example,council,uk-foia,england
B,Barford Council,foi@barford.example,council,uk-foia,england
C,Carlow Council,foi@carlow.example,council,uk-foia,england
D,Dunmere Council,foi@dunmere.example,council,uk-foia,england
E,Elmstead Council,foi@elmstead.example,council,uk-foia,england
F,Fenwick Council,foi@fenwick.example,council,uk-foia,england
";

fn later(w: &Workdir, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", LATER).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn later_json(w: &Workdir, args: &[&str]) -> Value {
    serde_json::from_str(&later(w, args)).unwrap()
}

fn email(from: &str, subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: foi@example.org\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{}.{}@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len(),
        body.len()
    )
}

struct Fixture {
    w: Workdir,
    refs: HashMap<String, String>,
}

impl Fixture {
    fn r(&self, key: &str) -> String {
        self.refs[key].clone()
    }

    fn status(&self, key: &str) -> String {
        later_json(&self.w, &["case", "show", &self.r(key), "--json"])["case"]["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The id of the one inbound message on case `key`.
    fn message_on(&self, key: &str) -> i64 {
        let c = later_json(&self.w, &["case", "show", &self.r(key), "--json"]);
        let ids: Vec<i64> = c["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "inbound")
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 1, "{c:#}");
        ids[0]
    }

    fn events(&self, key: &str) -> Vec<(String, String, bool)> {
        let c = later_json(&self.w, &["case", "show", &self.r(key), "--json"]);
        c["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["actor"].as_str().unwrap().to_string(),
                    !e["superseded_by"].is_null(),
                )
            })
            .collect()
    }
}

/// The six bodies imported and campaign `cctv` (references `PREFIX-000N`) launched and
/// sent.
fn launched(prefix: &str) -> Workdir {
    let w = Workdir::new();
    let f = w.write("bodies.csv", BODIES);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let dir = w.campaign_dir("cctv", "Dear {{body.name}},\n\nHow many CCTV cameras?\n");
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &dir,
        "--select",
        "all",
        "--reference-prefix",
        prefix,
    ]);
    w.ok(["campaign", "launch", "cctv"]);
    assert!(w.ok(["send"]).starts_with("sent 6,"));
    w
}

fn fixture() -> Fixture {
    let w = launched("TRU");
    let refs: HashMap<String, String> = w
        .json(["cases", "list", "--json"])
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
    let fx = Fixture { w, refs };
    let reply = |key: &str, date: &str, body: &str| {
        let from = format!("foi@{}.example", BODIES_DOMAIN[key]);
        fx.w.write(
            &format!("maildir/new/{key}.eml"),
            email(
                &from,
                &format!("Re: FOI request [{}]", fx.r(key)),
                date,
                body,
            ),
        );
    };
    reply(
        "A",
        "Fri, 20 Mar 2026 11:00:00 +0000",
        // (read as a response; a person finds the county council holds the information)
        "In response to your request: we operate 3 CCTV cameras at our depot, owned and \
         run by the county council.",
    );
    reply(
        "B",
        "Mon, 23 Mar 2026 11:00:00 +0000",
        "We are refusing your request under section 43 of the Freedom of Information Act \
         2000: the information is commercially sensitive.",
    );
    reply(
        "C",
        "Tue, 24 Mar 2026 11:00:00 +0000",
        "In response to your request: we operate 12 CCTV cameras, made by Axis.",
    );
    reply(
        "E",
        "Wed, 25 Mar 2026 11:00:00 +0000",
        "In response to your request: we operate 40 CCTV cameras, made by Hanwha.",
    );
    // D's clarification request comes from an address we do not know, with no reference.
    fx.w.write(
        "maildir/new/D.eml",
        email(
            "j.smith@dunmere-services.example",
            "Your recent request",
            "Tue, 10 Mar 2026 11:00:00 +0000",
            "Before we can answer, could you please clarify which sites your request covers? \
             We need clarification of the request.",
        ),
    );
    let out = later(&fx.w, &["fetch"]);
    assert!(out.starts_with("new 5, matched 4"), "{out}");
    fx
}

/// The domains of the bodies' addresses.
static BODIES_DOMAIN: std::sync::LazyLock<HashMap<&'static str, &'static str>> =
    std::sync::LazyLock::new(|| {
        HashMap::from([
            ("A", "ashby"),
            ("B", "barford"),
            ("C", "carlow"),
            ("D", "dunmere"),
            ("E", "elmstead"),
            ("F", "fenwick"),
        ])
    });

fn outcomes(report: &Value) -> (u64, u64, u64, u64) {
    let o = &report["groups"][0]["outcomes"];
    let n = |k: &str| o[k].as_u64().unwrap();
    (
        n("response"),
        n("partial_response"),
        n("not_held"),
        n("refusal"),
    )
}

fn by_status(w: &Workdir) -> HashMap<String, u64> {
    let c = later_json(w, &["campaign", "show", "cctv", "--json"]);
    c["by_status"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

#[test]
fn corrections_reach_the_report_and_every_listing() {
    let fx = fixture();
    let w = &fx.w;
    // What the classifier made of the replies, before anyone corrected it.
    assert_eq!(fx.status("A"), "successful");
    assert_eq!(fx.status("B"), "refused");
    assert_eq!(fx.status("C"), "successful");
    assert_eq!(fx.status("D"), "awaiting_response");
    let report = later_json(w, &["report", "cctv", "--format", "json"]);
    assert_eq!(outcomes(&report), (3, 0, 0, 1));

    // The corrections.
    later(
        w,
        &[
            "case",
            "event",
            &fx.r("A"),
            "not_held",
            "--date",
            "2026-03-20",
        ],
    );
    later(
        w,
        &[
            "case",
            "event",
            &fx.r("B"),
            "partial_response",
            "--date",
            "2026-03-23",
        ],
    );
    let c_message = fx.message_on("C").to_string();
    let out = later(w, &["message", "classify", &c_message, "refusal"]);
    assert!(out.contains("now refused"), "{out}");
    let triage = later_json(w, &["triage", "list", "--json"]);
    let d_message = triage.as_array().unwrap()[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let out = later(w, &["triage", "attach", &d_message, &fx.r("D")]);
    assert!(
        out.contains("clarification_requested, now clarification_requested"),
        "attaching applies the email's classification: {out}"
    );

    // The automatic events stay, marked superseded; the person's count.
    assert_eq!(
        fx.events("A"),
        [
            ("sent".into(), "system".into(), false),
            ("response".into(), "system".into(), true),
            ("not_held".into(), "staff".into(), false),
        ]
    );
    let c_events = fx.events("C");
    assert!(
        c_events.contains(&("response".into(), "system".into(), true)),
        "{c_events:?}"
    );
    assert!(
        c_events.contains(&("refusal".into(), "staff".into(), false)),
        "{c_events:?}"
    );
    let shown = later(w, &["case", "show", &fx.r("A")]);
    assert!(shown.contains("[superseded by a correction]"), "{shown}");

    // The report, worked out by hand above.
    let report = later_json(w, &["report", "cctv", "--format", "json"]);
    assert_eq!(outcomes(&report), (1, 1, 1, 1));
    let f = &report["groups"][0]["figures"];
    assert_eq!(f["answered"], 4);
    assert_eq!(f["answered_on_time"], 4);
    assert_eq!(f["refused"], 1);
    assert_eq!(f["overdue"], 1, "F only: D's clock is stopped");
    // The Campaigns page's counts say the same.
    let counts = by_status(w);
    for (status, n) in [
        ("successful", 1),
        ("partially_successful", 1),
        ("not_held", 1),
        ("refused", 1),
        ("clarification_requested", 1),
        ("awaiting_response", 1),
    ] {
        assert_eq!(counts.get(status), Some(&n), "{status}: {counts:?}");
    }
    // So do `cases list`, `overdue` and the export.
    let listed = later_json(w, &["cases", "list", "--json"]);
    let listed: HashMap<String, String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["body_key"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for key in ["A", "B", "C", "D", "E", "F"] {
        assert_eq!(listed[key], fx.status(key), "{key}");
    }
    let overdue = later_json(w, &["overdue", "--json"]);
    let overdue: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, [fx.r("F")]);
    let csv = later(w, &["export", "cases", "cctv", "--csv"]);
    let row = csv.lines().find(|l| l.contains(&fx.r("A"))).unwrap();
    assert!(row.contains("not_held"), "{row}");
}

#[test]
fn a_status_set_by_hand_stops_the_clock_and_reaches_the_report() {
    let fx = fixture();
    let w = &fx.w;
    // F never answered; a person heard by phone that nothing is held.
    let out = later(
        w,
        &[
            "case",
            "status",
            &fx.r("F"),
            "not_held",
            "--note",
            "by phone",
        ],
    );
    assert!(out.contains("not_held"), "{out}");
    let overdue = later_json(w, &["overdue", "--json"]);
    let listed: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [fx.r("D")], "D's email is still in triage");
    let report = later_json(w, &["report", "cctv", "--format", "json"]);
    assert_eq!(outcomes(&report).2, 1);
    // E's automatic response is taken back: the case awaits its answer again.
    later(w, &["case", "status", &fx.r("E"), "awaiting_response"]);
    let report = later_json(w, &["report", "cctv", "--format", "json"]);
    assert_eq!(outcomes(&report).0, 2, "A and C, not E");
    assert!(fx
        .events("E")
        .contains(&("response".into(), "system".into(), true)));
}

/// Every running clock is on the overdue list and in the calendar feed, saying which:
/// F's response (due 31 Mar: 47 working days overdue at 10 June); D's response restarted by
/// our clarification (asked 10 Mar, sent Mon 20 Apr: due Tue 19 May, 4 May skipped: 15
/// overdue); B's internal review (refused 20 Mar, review asked Mon 23 Mar: due Wed 22 Apr,
/// 3 and 6 Apr skipped: 33 overdue); E's regulator compliance date (Fri 29 May: 8
/// overdue) beside its unanswered request's (47). A (answered) and C (withdrawn) have no
/// running clock.
#[test]
fn every_running_clock_is_overdue_and_in_the_calendar() {
    let w = launched("CLK");
    let r = |k: &str| format!("CLK-000{}", "ABCDEF".find(k).unwrap() + 1);
    let ev = |key: &str, kind: &str, date: &str, note: Option<&str>| {
        let reference = r(key);
        let mut args = vec!["case", "event", &reference, kind, "--date", date];
        if let Some(n) = note {
            args.extend(["--note", n]);
        }
        later(&w, &args);
    };
    ev("A", "response", "2026-03-20", None);
    ev("B", "refusal", "2026-03-20", None);
    ev("B", "internal_review_requested", "2026-03-23", None);
    ev("C", "withdrawn", "2026-03-05", None);
    ev("D", "clarification_requested", "2026-03-10", None);
    ev("D", "clarification_sent", "2026-04-20", None);
    ev("E", "complaint_to_regulator", "2026-04-15", None);
    ev(
        "E",
        "regulator_decision",
        "2026-05-01",
        Some("2026-05-29 decision notice IC-1"),
    );
    // A decision without its compliance date is refused, and changes nothing.
    let bad = w
        .foi([
            "case",
            "event",
            &r("E"),
            "regulator_decision",
            "--date",
            "2026-05-01",
        ])
        .env("FOI_NOW", LATER)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("compliance date"));

    let rows = later_json(&w, &["overdue", "--json"]);
    let rows: Vec<(String, String, i64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["reference"].as_str().unwrap().to_string(),
                x["owed"].as_str().unwrap().to_string(),
                x["working_days_overdue"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // E complained to the regulator: its response clock still runs, beside the
            // compliance date.
            (r("E"), "response".into(), 47),
            (r("F"), "response".into(), 47),
            (r("B"), "internal_review".into(), 33),
            (r("D"), "response_after_clarification".into(), 15),
            (r("E"), "regulator_compliance".into(), 8),
        ]
    );
    let ics = later(&w, &["deadlines", "--ics", "--campaign", "cctv"]);
    for summary in [
        "SUMMARY:FOI response due: Fenwick Council",
        "SUMMARY:Internal review due: Barford Council",
        "SUMMARY:FOI response due (after our clarification): Dunmere Co",
        "SUMMARY:Regulator's compliance date: Elmstead Council",
    ] {
        assert!(ics.contains(summary), "{summary}: {ics}");
    }
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5, "{ics}");
    let report = later_json(&w, &["report", "cctv", "--format", "json"]);
    assert_eq!(report["groups"][0]["figures"]["overdue"], 4);
}

mod views_agree {
    //! The property: whatever automatic and manual events a campaign's cases get, in any
    //! order and on any dates, the views read one derivation.
    use super::*;
    use foi::casework::{events, export, overdue, report, staff, state::StatusRule};
    use foi::clock::FixedClock;
    use foi::deadlines::{Calendar, Regimes};
    use foi::domain::event::{EventKind, RECORDABLE};
    use foi::domain::{Case, CaseStatus};
    use foi::standing::{self, Outcome};
    use foi::store::{CaseFilter, NewEvent, Store, Supersede, TimelineFilter};
    use proptest::prelude::*;

    /// What the classifier (or the sender) writes.
    const AUTOMATIC: [&str; 9] = [
        "acknowledged",
        "clarification_requested",
        "response",
        "partial_response",
        "not_held",
        "refusal",
        "delivery_failed",
        "extension",
        "message_sent",
    ];

    #[derive(Debug, Clone)]
    enum Op {
        /// An automatic event, with the status ingestion writes on its own, then derived
        /// again as after a fetch.
        Automatic { case: usize, kind: usize, day: u32 },
        /// `foi case event`.
        Event { case: usize, kind: usize, day: u32 },
        /// `foi case status`.
        Status { case: usize, to: usize },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6usize, 0..AUTOMATIC.len(), 0..95u32).prop_map(|(case, kind, day)| Op::Automatic {
                case,
                kind,
                day
            }),
            (0..6usize, 0..RECORDABLE.len(), 0..95u32).prop_map(|(case, kind, day)| Op::Event {
                case,
                kind,
                day
            }),
            (0..6usize, 0..11usize).prop_map(|(case, to)| Op::Status { case, to }),
        ]
    }

    /// The sent campaign every run starts from (copied per run).
    static SENT: std::sync::LazyLock<Workdir> = std::sync::LazyLock::new(|| {
        let w = Workdir::new();
        let f = w.write("bodies.csv", BODIES);
        w.ok(["bodies", "import", f.to_str().unwrap()]);
        let dir = w.campaign_dir("cctv", "Dear {{body.name}},\n\nHow many CCTV cameras?\n");
        w.ok([
            "campaign",
            "create",
            "cctv",
            "--template",
            &dir,
            "--select",
            "all",
            "--reference-prefix",
            "TRU",
        ]);
        w.ok(["campaign", "launch", "cctv"]);
        assert!(w.ok(["send"]).starts_with("sent 6,"));
        w
    });

    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(LATER)
            .unwrap()
            .to_utc()
    }

    async fn apply(store: &Store, regimes: &Regimes, cases: &[Case], op: &Op) {
        let rule = StatusRule::load(store).await.unwrap();
        let derive = |c, before, events: &[_]| rule.status(c, before, events);
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + chrono::Days::new(d.into())
        };
        match *op {
            Op::Automatic { case, kind, day: d } => {
                let kind = EventKind::from_stored(AUTOMATIC[kind]);
                let c = store.require_case(&cases[case].reference).await.unwrap();
                // Ingestion's own status: the classification's, whatever the case was.
                let blunt =
                    standing::status_after(&kind, CaseStatus::AwaitingResponse).unwrap_or(c.status);
                let ev = NewEvent {
                    case_id: c.id,
                    kind,
                    on: day(d),
                    note: None,
                    actor: "system".into(),
                    message_id: None,
                };
                store
                    .record_event(&ev, Supersede::Nothing, &|_, _, _| blunt, false, now())
                    .await
                    .unwrap();
                store.refresh_statuses(&[c.id], &derive).await.unwrap();
            }
            Op::Event { case, kind, day: d } => {
                let c = store.require_case(&cases[case].reference).await.unwrap();
                let kind = RECORDABLE[kind].clone();
                let on = day(d);
                let note = match kind {
                    EventKind::RegulatorDecision => Some("2026-06-01 decision notice".to_string()),
                    // (a compliance date on or after the notice)
                    EventKind::DecisionNotice => Some(format!(
                        "outcome=upheld comply_by={}",
                        on.max(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
                    )),
                    _ => None,
                };
                events::record_event(store, regimes, &c, kind, Some(on), note, "staff", now())
                    .await
                    .unwrap();
            }
            Op::Status { case, to } => {
                let c = store.require_case(&cases[case].reference).await.unwrap();
                let to = staff::settable_statuses()[to];
                let today = now().date_naive();
                staff::set_status(store, &c, to, None, "staff", today, now())
                    .await
                    .unwrap();
            }
        }
    }

    async fn check(ops: Vec<Op>) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(SENT.path(), dir.path());
        let store = Store::open(&dir.path().join("foi.db")).await.unwrap();
        let regimes = Regimes::new(&Calendar::uk(), Vec::new()).unwrap();
        let campaign = store.require_campaign("cctv").await.unwrap();
        let filter = CaseFilter {
            campaign_id: Some(campaign.id),
            ..Default::default()
        };
        let cases = store.cases(&filter).await.unwrap();
        for op in &ops {
            apply(&store, &regimes, &cases, op).await;
        }
        let clock = FixedClock(now());
        let none = standing::no_review_steps;
        // The derivation, case by case.
        let timelines = store
            .case_timelines(&TimelineFilter {
                campaign_id: Some(campaign.id),
                ..Default::default()
            })
            .await
            .unwrap();
        let derived: HashMap<_, _> = timelines
            .iter()
            .map(|t| (t.id, standing::derive(t.status, &t.events, &none)))
            .collect();
        // `cases list` and the export show the derived status and answer.
        let listed = store.cases(&filter).await.unwrap();
        for c in &listed {
            prop_assert_eq!(c.status, derived[&c.id].status, "{}", c.reference);
        }
        let rows = export::case_rows(&store, &regimes, &clock, &campaign)
            .await
            .unwrap();
        for r in &rows {
            let d = derived[&r.case.id];
            prop_assert_eq!(r.case.status, d.status);
            prop_assert_eq!(r.answered_on, d.answer.map(|a| a.first_on));
        }
        // The report's outcomes are the Campaigns page's answered statuses, plus the
        // answered cases that went on to a review, a complaint or a withdrawal.
        let counts: HashMap<CaseStatus, i64> = store
            .status_counts(campaign.id)
            .await
            .unwrap()
            .into_iter()
            .collect();
        let r = report::campaign_report(&store, &regimes, &campaign, None, now())
            .await
            .unwrap();
        let all = &r.groups[0];
        for (name, n) in all.outcomes.named() {
            let outcome = match name {
                "response" => Outcome::Response,
                "partial_response" => Outcome::PartialResponse,
                "not_held" => Outcome::NotHeld,
                _ => Outcome::Refusal,
            };
            let later_on = derived
                .values()
                .filter(|d| Outcome::of_status(d.status).is_none())
                .filter(|d| d.answer.map(|a| a.outcome) == Some(outcome))
                .count() as i64;
            let page = counts.get(&outcome.status()).copied().unwrap_or(0);
            prop_assert_eq!(n as i64, page + later_on, "{}: {:?}", name, counts);
        }
        // Every answered status carries the answer of its outcome; no status before an
        // answer carries one.
        for d in derived.values() {
            if let Some(o) = Outcome::of_status(d.status) {
                prop_assert_eq!(d.answer.map(|a| a.outcome), Some(o));
            }
            if matches!(
                d.status,
                CaseStatus::AwaitingResponse
                    | CaseStatus::Acknowledged
                    | CaseStatus::ClarificationRequested
                    | CaseStatus::DeliveryFailed
            ) {
                prop_assert!(d.answer.is_none(), "{:?}", d);
            }
        }
        // `foi overdue` lists what the report counts overdue, with the listed status.
        let late = overdue::overdue(
            &store,
            &regimes,
            &clock,
            &overdue::OverdueFilter {
                campaign_id: Some(campaign.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let late_cases: std::collections::BTreeSet<_> = late.iter().map(|r| r.case_id).collect();
        prop_assert_eq!(late_cases.len(), all.figures.overdue);
        for row in &late {
            prop_assert_eq!(row.status, derived[&row.case_id].status);
            let most = late
                .iter()
                .filter(|x| x.case_id == row.case_id)
                .map(|x| x.working_days_overdue)
                .max();
            let exported = rows.iter().find(|r| r.case.id == row.case_id).unwrap();
            prop_assert_eq!(exported.days_overdue, most);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn random_events_never_make_two_views_disagree(ops in proptest::collection::vec(op(), 1..14)) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(check(ops))?;
        }
    }
}

/// The whole campaign is checked at create and launch: a ladder naming a missing template
/// folder, or a chaser template that does not render for a case, launches nothing.
#[test]
fn a_chaser_template_missing_at_launch_launches_nothing() {
    let w = Workdir::new();
    let f = w.write("bodies.csv", BODIES);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let dir = w.campaign_dir("cctv", "Dear {{body.name}},\n\nHow many CCTV cameras?\n");
    w.write(
        "cctv/campaign.toml",
        "[[chasers]]\nstep = \"overdue\"\ntrigger = \"overdue\"\ntemplate = \"../chasers/overdue\"\n",
    );
    let out = w
        .foi([
            "campaign",
            "create",
            "cctv",
            "--template",
            &dir,
            "--select",
            "all",
            "--reference-prefix",
            "CHK",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the chaser ladder cannot be used"), "{err}");
    assert!(err.contains("chaser step 'overdue'"), "{err}");
    let err = w.fails(["campaign", "launch", "cctv"]);
    assert!(
        err.contains("not launched: the chaser ladder cannot be used"),
        "{err}"
    );
    assert_eq!(w.json(["outbox", "--json"]).as_array().unwrap().len(), 0);

    // The folder now exists, but its body names a field only some bodies have.
    w.write("chasers/overdue/subject.hbs", "Overdue: {{case.reference}}");
    w.write(
        "chasers/overdue/body.txt.hbs",
        "Dear {{body.name}}, your reply was due on {{case.due_date}}. {{body.fields.officer}}\n",
    );
    let err = w.fails(["campaign", "launch", "cctv"]);
    assert!(err.contains("6 of 6 cases do not render"), "{err}");
    assert!(err.contains("chaser step 'overdue'"), "{err}");
    assert_eq!(w.json(["outbox", "--json"]).as_array().unwrap().len(), 0);

    w.write(
        "chasers/overdue/body.txt.hbs",
        "Dear {{body.name}}, your reply was due on {{case.due_date}}.\n",
    );
    let out = w.ok(["campaign", "launch", "cctv"]);
    assert!(out.starts_with("launched 'cctv': 6 emails queued"), "{out}");
}
