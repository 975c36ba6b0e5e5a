//! The regulator stage: its events (a complaint with the regulator's reference, the
//! acknowledgement, a decision notice with its outcome and compliance date, compliance, a
//! tribunal appeal), the compliance date as a clock on `foi overdue` and in the calendar, the
//! report's stage counts, and complaint packs checked file by file.
//!
//! The example police forces (`POL-0001`...) are sent on Monday 2 March 2026 (uk-foia: due
//! Tuesday 31 March, St Patrick's Day skipped); "now" is Wednesday 10 June 2026.

use crate::support::mail::servers;
use crate::support::{repo_path, sent_campaign, Workdir};
use std::path::Path;
use std::time::Duration;

/// The figures' "now": Wednesday 10 June 2026.
const LATER: &str = "2026-06-10T10:00:00Z";

fn at(w: &Workdir, now: &str, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", now).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn later(w: &Workdir, args: &[&str]) -> String {
    at(w, LATER, args)
}

fn later_fails(w: &Workdir, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", LATER).output().unwrap();
    assert!(!out.status.success(), "{args:?} should have failed");
    String::from_utf8(out.stderr).unwrap()
}

/// `foi overdue --json` as (reference, clock, working days overdue).
fn overdue(w: &Workdir) -> Vec<(String, String, i64)> {
    let rows: serde_json::Value = serde_json::from_str(&later(w, &["overdue", "--json"])).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["reference"].as_str().unwrap().to_string(),
                x["owed"].as_str().unwrap().to_string(),
                x["working_days_overdue"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn events_of(w: &Workdir, reference: &str) -> Vec<(String, String)> {
    let show: serde_json::Value =
        serde_json::from_str(&later(w, &["case", "show", reference, "--json"])).unwrap();
    show["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["note"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Every stage recorded through `foi case event`; the compliance date runs on `foi overdue`
/// and in the calendar until the body complies; bad input is refused and changes nothing;
/// the report counts the cases at each stage (worked out by hand below).
#[test]
fn regulator_events_run_the_compliance_clock_and_count_in_the_report() {
    let w = sent_campaign();
    let ev = |args: &[&str]| {
        let mut a = vec!["case", "event"];
        a.extend_from_slice(args);
        later(&w, &a)
    };
    // POL-0001: refused, reviewed, complained, acknowledged, upheld, complied.
    ev(&["POL-0001", "refusal", "--date", "2026-03-20"]);
    ev(&[
        "POL-0001",
        "internal_review_requested",
        "--date",
        "2026-03-23",
    ]);
    ev(&[
        "POL-0001",
        "internal_review_response",
        "--date",
        "2026-04-15",
    ]);
    let o = ev(&[
        "POL-0001",
        "complaint_to_regulator",
        "--date",
        "2026-04-16",
        "--regulator-ref",
        "IC-123456-A1B2",
    ]);
    assert!(o.contains("complaint_to_regulator"), "{o}");
    ev(&["POL-0001", "regulator_acknowledged", "--date", "2026-04-20"]);
    ev(&[
        "POL-0001",
        "decision_notice",
        "--date",
        "2026-05-01",
        "--ref",
        "FS50123456",
        "--outcome",
        "upheld",
        "--comply-by",
        "2026-05-29",
        "--note",
        "disclose the contract",
    ]);
    // POL-0002: refused, review asked for, no answer.
    ev(&["POL-0002", "refusal", "--date", "2026-03-20"]);
    ev(&[
        "POL-0002",
        "internal_review_requested",
        "--date",
        "2026-03-23",
    ]);
    // POL-0003: complained, not upheld, we appealed.
    ev(&["POL-0003", "complaint_to_regulator", "--date", "2026-04-16"]);
    ev(&[
        "POL-0003",
        "decision_notice",
        "--date",
        "2026-05-01",
        "--outcome",
        "not_upheld",
    ]);
    ev(&[
        "POL-0003",
        "tribunal_appeal",
        "--date",
        "2026-05-20",
        "--ref",
        "EA/2026/0001",
        "--appellant",
        "requester",
    ]);
    // POL-0004: complained, partly upheld, comply by Fri 29 May: not complied.
    ev(&["POL-0004", "complaint_to_regulator", "--date", "2026-04-16"]);
    ev(&[
        "POL-0004",
        "decision_notice",
        "--date",
        "2026-05-01",
        "--outcome",
        "partly",
        "--comply-by",
        "2026-05-29",
    ]);
    // POL-0005: a complaint recorded by setting the status by hand.
    later(
        &w,
        &["case", "status", "POL-0005", "complaint_to_regulator"],
    );

    // The notes hold the facts in their fixed form.
    assert!(events_of(&w, "POL-0001").contains(&(
        "decision_notice".into(),
        "ref=FS50123456 outcome=upheld comply_by=2026-05-29 -- disclose the contract".into()
    )));
    assert!(events_of(&w, "POL-0001")
        .contains(&("complaint_to_regulator".into(), "ref=IC-123456-A1B2".into())));

    // Bad input: one clear error each, and nothing changes.
    let before = w.snapshot() + &format!("{:?}", events_of(&w, "POL-0006"));
    for (args, says) in [
        (
            vec!["POL-0006", "decision_notice", "--date", "2026-05-01"],
            "--outcome",
        ),
        (
            vec![
                "POL-0006",
                "decision_notice",
                "--date",
                "2026-05-01",
                "--outcome",
                "upheld",
                "--comply-by",
                "2026-04-01",
            ],
            "before the decision notice",
        ),
        (
            vec![
                "POL-0006",
                "decision_notice",
                "--date",
                "2026-05-01",
                "--outcome",
                "not_upheld",
                "--comply-by",
                "2026-06-01",
            ],
            "orders nothing",
        ),
        (
            vec!["POL-0006", "decision_notice", "--outcome", "won"],
            "upheld, partly or not_upheld",
        ),
        (
            vec!["POL-0006", "response", "--outcome", "upheld"],
            "regulator stage",
        ),
        (
            vec!["POL-0006", "complaint_to_regulator", "--ref", "IC 1"],
            "not a regulator reference",
        ),
        (
            vec!["POL-0006", "complaint_to_regulator", "--appellant", "body"],
            "tribunal_appeal",
        ),
        (
            vec!["POL-0006", "decision_notice", "--comply-by", "soon"],
            "not a date",
        ),
    ] {
        let mut a = vec!["case", "event"];
        a.extend_from_slice(&args);
        let err = later_fails(&w, &a);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{args:?}: {err}"
        );
    }
    assert_eq!(
        w.snapshot() + &format!("{:?}", events_of(&w, "POL-0006")),
        before
    );

    // The compliance date is a clock: POL-0001's and POL-0004's (Fri 29 May: 8 working
    // days to Wed 10 June), POL-0004's beside its unanswered request's: Police Scotland,
    // scotland-foisa, due Mon 30 March (no St Patrick's Day) and 49 working days overdue
    // (31 March and Easter Monday count in Scotland).
    let rows = overdue(&w);
    let regulator: Vec<_> = rows
        .iter()
        .filter(|r| r.1 == "regulator_compliance")
        .cloned()
        .collect();
    assert_eq!(
        regulator,
        [
            ("POL-0001".into(), "regulator_compliance".into(), 8),
            ("POL-0004".into(), "regulator_compliance".into(), 8),
        ]
    );
    assert!(
        rows.contains(&("POL-0004".into(), "response".into(), 49)),
        "{rows:?}"
    );
    let ics = later(&w, &["deadlines", "--ics", "--campaign", "c"]);
    assert!(
        ics.contains("SUMMARY:Regulator's compliance date: Camfordshire Constabulary"),
        "{ics}"
    );
    // The text listing says which clock.
    let text = later(&w, &["overdue"]);
    assert!(
        text.lines()
            .any(|l| l.contains("POL-0004") && l.contains("regulator_compliance")),
        "{text}"
    );

    // POL-0001 complies: its clock stops (and chasers would stop: it is a reply).
    ev(&["POL-0001", "complied", "--date", "2026-06-05"]);
    let rows = overdue(&w);
    assert!(!rows.iter().any(|r| r.0 == "POL-0001"), "{rows:?}");
    // The body's own appeal stays POL-0004's compliance date; ours would not.
    ev(&[
        "POL-0004",
        "tribunal_appeal",
        "--date",
        "2026-05-28",
        "--appellant",
        "body",
    ]);
    let rows = overdue(&w);
    assert!(
        !rows.iter().any(|r| r.1 == "regulator_compliance"),
        "{rows:?}"
    );

    // The report's stage counts, by hand:
    // review asked: 0001, 0002 = 2; answered: 0001 = 1; complaint: 0001, 0003, 0004, 0005 = 4;
    // acknowledged: 0001 (recorded), 0003 and 0004 (decided) = 3; decisions: 0001, 0003,
    // 0004 = 3 (upheld 1, partly 1, not upheld 1); complied: 0001 = 1; tribunal: 0003, 0004
    // = 2.
    let report: serde_json::Value =
        serde_json::from_str(&later(&w, &["report", "c", "--format", "json"])).unwrap();
    let s = &report["groups"][0]["stages"];
    let want = [
        ("internal_review_requested", 2),
        ("internal_review_answered", 1),
        ("complaint_to_regulator", 4),
        ("regulator_acknowledged", 3),
        ("decision_notice", 3),
        ("decision_upheld", 1),
        ("decision_partly", 1),
        ("decision_not_upheld", 1),
        ("complied", 1),
        ("tribunal_appeal", 2),
    ];
    for (name, n) in want {
        assert_eq!(s[name].as_i64(), Some(n), "{name}: {s}");
    }
    // The same figures in the CSV (base: the requests sent, or the decisions) and the text.
    let csv = later(&w, &["report", "c", "--format", "csv"]);
    assert!(
        csv.contains("all,stage,,complaint_to_regulator,4,7,57.1,"),
        "{csv}"
    );
    assert!(
        csv.contains("all,stage,,decision_upheld,1,3,33.3,"),
        "{csv}"
    );
    let text = later(&w, &["report", "c"]);
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("Escalation"))
        .find(|l| l.starts_with("all"))
        .unwrap_or_else(|| panic!("no escalation row:\n{text}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        ["all", "2", "1", "4", "3", "3", "1", "1", "1", "1", "2"]
    );
    let html = later(&w, &["report", "c", "--format", "html"]);
    assert!(html.contains("<h2>Escalation</h2>"), "{html}");
}

/// A campaign folder (the example's texts) with a ladder of two automatic chasers.
fn campaign_with_chasers(w: &Workdir) -> String {
    let src = Path::new(&repo_path("examples/cctv-campaign")).to_path_buf();
    for f in ["subject.hbs", "body.txt.hbs", "campaign.toml"] {
        w.write(
            &format!("camp/{f}"),
            std::fs::read_to_string(src.join(f)).unwrap(),
        );
    }
    let chasers = repo_path("templates/chasers");
    let toml = std::fs::read_to_string(src.join("campaign.toml")).unwrap()
        + &format!(
            r#"
[[chasers]]
step = "acknowledgement"
trigger = "no_acknowledgement"
after = 5
template = "{chasers}/acknowledgement"
mode = "auto"

[[chasers]]
step = "overdue"
trigger = "overdue"
template = "{chasers}/overdue"
mode = "auto"
"#
        );
    w.write("camp/campaign.toml", toml);
    w.path().join("camp").to_string_lossy().into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A pack for a fixture campaign of three councils (uk-foia, sent Mon 2 March 2026 through
/// the test Postfix):
/// - CMP-0001 Ashby never answered: chased on Tue 10 March (no acknowledgement after 5
///   working days) and Thu 2 April (overdue: due Tue 31 March); 47 working days overdue on
///   Wed 10 June.
/// - CMP-0002 Barford acknowledged by email (an attachment with a hostile name), refused
///   on 20 March, and we asked for a review on 23 March, unanswered; a complaint to the
///   ICO on 5 June with its reference.
/// - CMP-0003 Carlow answered on 20 March: in no pack but one asked for by --case.
#[test]
fn a_complaint_pack_holds_each_case_file_by_file() {
    // Sent through the test Postfix (as `chasers::` does), one mailbox per council.
    let s = servers();
    let addr: Vec<String> = ["ashby", "barford", "carlow"]
        .iter()
        .map(|t| s.unique_address(&format!("pack-{t}"), "council.example"))
        .collect();
    let w = Workdir::new();
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"{}\"\nport = {}\ntls = \"none\"\nsessions = 2\ntimeout_secs = 10",
            s.smtp_host, s.smtp_port
        ),
    );
    w.set_section(
        "send_window",
        "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false",
    );
    let f = w.write(
        "bodies.csv",
        format!(
            "id,name,email,tags,regime,region,foi_contact\n\
             A1,Ashby Council,{},council,uk-foia,england,FOI Team\n\
             B/2,Barford Council,{},council,uk-foia,england,FOI Team\n\
             C3,Carlow Council,{},council,uk-foia,england,FOI Team\n",
            addr[0], addr[1], addr[2]
        ),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let dir = campaign_with_chasers(&w);
    w.ok([
        "campaign",
        "create",
        "cctv",
        "--template",
        &dir,
        "--select",
        "all",
        "--reference-prefix",
        "CMP",
    ]);
    w.ok(["campaign", "launch", "cctv"]);
    assert!(w.ok(["send"]).starts_with("sent 3,"));
    let addrs: Vec<&str> = addr.iter().map(String::as_str).collect();
    s.wait_until_delivered(&addrs, Duration::from_secs(30));
    let reply = format!("From: {}\r\nTo: foi@example.org\r\nSubject: Re: request [CMP-0002]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <pack-1@barford.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe acknowledge your request.\x1b[31m\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/con.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs\r\n--XX--\r\n", addr[1]);
    let eml = w.write("reply.eml", reply);
    w.ok(["import-mail", eml.to_str().unwrap()]);
    // The chasers go out on their days; the answers are recorded on theirs.
    let chase = |now: &str| {
        at(&w, now, &["chasers", "run"]);
        at(&w, now, &["send"]);
        s.wait_until_delivered(&addrs, Duration::from_secs(30));
    };
    chase("2026-03-10T10:00:00Z");
    let record = |now: &str, args: &[&str]| {
        let mut a = vec!["case", "event"];
        a.extend_from_slice(args);
        at(&w, now, &a);
    };
    let march = "2026-03-25T10:00:00Z";
    record(march, &["CMP-0002", "refusal", "--date", "2026-03-20"]);
    record(
        march,
        &[
            "CMP-0002",
            "internal_review_requested",
            "--date",
            "2026-03-23",
        ],
    );
    record(march, &["CMP-0003", "response", "--date", "2026-03-20"]);
    chase("2026-04-02T10:00:00Z");
    record(
        LATER,
        &[
            "CMP-0002",
            "complaint_to_regulator",
            "--date",
            "2026-06-05",
            "--regulator-ref",
            "IC-77-B",
        ],
    );

    let out = w.path().join("pack");
    let printed = later(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        printed.contains("wrote a complaint pack of 2 case(s)"),
        "{printed}"
    );
    assert_eq!(
        files_in(&out),
        ["CMP-0001-A1", "CMP-0002-B_2", "index.txt"],
        "the body key's / is made safe"
    );
    let index = read(&out, "index.txt");
    assert!(
        index.contains("CMP-0001-A1  Ashby Council (CMP-0001): response due 2026-03-31, 47 working days overdue"),
        "{index}"
    );

    // Ashby: the request, two chasers, no reply.
    let a = out.join("CMP-0001-A1");
    assert_eq!(
        files_in(&a),
        [
            "chasers.txt",
            "deadline.txt",
            "emails",
            "letter.txt",
            "messages.txt",
            "request.txt"
        ]
    );
    assert_eq!(
        files_in(&a.join("emails")),
        [
            "001-outbound-2026-03-02.eml",
            "002-outbound-2026-03-10.eml",
            "003-outbound-2026-04-02.eml",
            "timeline.txt"
        ]
    );
    let request = read(&a, "request.txt");
    assert!(
        request.starts_with("=== 001-outbound-2026-03-02.eml ===\nDate:    2026-03-02"),
        "{request}"
    );
    assert!(
        request.contains(&format!("To:      {}", addr[0])),
        "{request}"
    );
    assert!(request.contains("[CMP-0001]"), "{request}");
    // The request's text as sent (the example template greets the body by name).
    assert!(request.contains("Ashby Council"), "{request}");
    assert_eq!(read(&a, "messages.txt").matches("=== ").count(), 3);
    let chasers = read(&a, "chasers.txt");
    for want in [
        "2026-03-10 acknowledgement",
        "2026-04-02 overdue",
        "emails/002-outbound-2026-03-10.eml",
        "emails/003-outbound-2026-04-02.eml",
    ] {
        assert!(chasers.contains(want), "{want}: {chasers}");
    }
    let deadline = read(&a, "deadline.txt");
    assert!(
        deadline.contains("response due 2026-03-31: 47 working days overdue"),
        "{deadline}"
    );
    // The day-by-day count is the one `foi case deadline --explain` gives.
    let explained = later(&w, &["case", "deadline", "CMP-0001", "--explain"]);
    let steps = explained.split("\n\n").last().unwrap().trim();
    assert!(deadline.contains(steps), "{steps}\n---\n{deadline}");
    let letter = read(&a, "letter.txt");
    for want in [
        "Complaint about Ashby Council [CMP-0001]",
        "Complaint to the Information Commissioner's Office about Ashby Council",
        "Law:              Freedom of Information Act 2000",
        "received on\n2 March 2026",
        "respond by 31 March 2026 (20 working days)",
        "The authority has not responded. On 10 June 2026 the response is 47 working days late.",
        "- 10 March 2026: acknowledgement",
        "- 2 April 2026: overdue",
        "to issue a decision notice",
    ] {
        assert!(letter.contains(want), "{want:?} missing:\n{letter}");
    }
    assert!(!letter.contains("internal review"), "{letter}");

    // Barford: the reply's text with its control characters dropped, its attachment's name
    // made safe, the review and the complaint's reference in the letter.
    let b = out.join("CMP-0002-B_2");
    assert_eq!(
        files_in(&b.join("emails")),
        [
            "001-outbound-2026-03-02.eml",
            "002-_con.pdf",
            "002-inbound-2026-03-02.eml",
            "timeline.txt"
        ]
    );
    assert_eq!(
        std::fs::read(b.join("emails/002-_con.pdf")).unwrap(),
        b"%PDF-1.4\n%\xc7\xec"
    );
    let messages = read(&b, "messages.txt");
    assert!(
        messages.contains("We acknowledge your request.[31m"),
        "{messages}"
    );
    assert!(!messages.contains('\x1b'));
    // (the name as ingestion made it safe)
    assert!(
        messages.contains("Attachment: _con.pdf (12 bytes)"),
        "{messages}"
    );
    assert_eq!(
        read(&b, "chasers.txt"),
        "Chasers sent on this case\n\n(none)\n"
    );
    let letter = read(&b, "letter.txt");
    for want in [
        "Your reference:   IC-77-B",
        "The authority answered on 20 March 2026 (a refusal).",
        "I asked for an internal review on 23 March 2026",
        "The authority has not answered the review.",
    ] {
        assert!(letter.contains(want), "{want:?} missing:\n{letter}");
    }

    // --overdue-since: only clocks already past due by then (Ashby's, due 31 March; not
    // Barford's review, asked for on 23 March).
    let since = w.path().join("since");
    later(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--overdue-since",
            "2026-04-01",
            "--out",
            since.to_str().unwrap(),
        ],
    );
    assert_eq!(files_in(&since), ["CMP-0001-A1", "index.txt"]);

    // --case: one case, whatever its clocks; a user's own letter.
    w.write("letter/subject.hbs", "To {{regulator.name}}");
    w.write(
        "letter/body.txt.hbs",
        "{{case.reference}} answered {{case.answered_date}} by {{sender.name}}\n",
    );
    let one = w.path().join("one");
    later(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--case",
            "CMP-0003",
            "--letter",
            w.path().join("letter").to_str().unwrap(),
            "--out",
            one.to_str().unwrap(),
        ],
    );
    assert_eq!(files_in(&one), ["CMP-0003-C3", "index.txt"]);
    let letter = read(&one.join("CMP-0003-C3"), "letter.txt");
    assert!(
        letter.starts_with("To the Information Commissioner's Office [CMP-0003]\n\nCMP-0003 answered 2026-03-20 by "),
        "{letter}"
    );

    // Refusals: a folder with files, a case of another campaign, a letter with a missing
    // variable (nothing written, no half pack left).
    let err = later_fails(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(err.contains("not empty"), "{err}");
    let err = later_fails(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--case",
            "XYZ-0001",
            "--out",
            w.path().join("x").to_str().unwrap(),
        ],
    );
    assert!(err.contains("not in campaign cctv"), "{err}");
    w.write("bad/subject.hbs", "x");
    w.write("bad/body.txt.hbs", "{{case.nonsense}}");
    let bad = w.path().join("bad-pack");
    let err = later_fails(
        &w,
        &[
            "export",
            "complaints",
            "cctv",
            "--letter",
            w.path().join("bad").to_str().unwrap(),
            "--out",
            bad.to_str().unwrap(),
        ],
    );
    assert!(err.contains("case.nonsense"), "{err}");
    assert!(!bad.exists());
    assert!(!w.path().join(".bad-pack.part").exists());
}
