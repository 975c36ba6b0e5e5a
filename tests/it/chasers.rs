//! Chasers through the real outbox to Postfix and Dovecot, with a fixed clock stepped
//! through a case's life: the right step, once, threaded to the request, and never after a
//! reply. Requests are received on Monday 2 March 2026 (uk-foia: due Tuesday 31 March).

use crate::support::mail::{servers, MailServers};
use crate::support::{repo_path, Workdir};
use serde_json::Value;
use std::time::Duration;

/// A working folder sending through the test Postfix, with one body per address.
pub(crate) fn smtp_workdir(s: &MailServers, addrs: &[String]) -> Workdir {
    let w = Workdir::new();
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"{}\"\nport = {}\ntls = \"none\"\nsessions = 2\ntimeout_secs = 10",
            s.smtp_host, s.smtp_port
        ),
    );
    w.set_section("pacing", "max_attempts = 3\nretry_base_secs = 60");
    w.set_section(
        "send_window",
        "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false",
    );
    let mut csv = String::from("id,name,email,tags,regime,foi_contact\n");
    for (i, a) in addrs.iter().enumerate() {
        csv.push_str(&format!("B{i:03},Body {i},{a},council,uk-foia,FOI Team\n"));
    }
    let f = w.write("bodies.csv", csv);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w
}

/// The example campaign folder plus a ladder using the shipped chaser texts.
pub(crate) fn campaign_with_ladder(w: &Workdir, review_mode: &str) -> String {
    let src = std::path::Path::new(&repo_path("examples/cctv-campaign")).to_path_buf();
    for f in [
        "subject.hbs",
        "body.txt.hbs",
        "body.html.hbs",
        "campaign.toml",
    ] {
        let text = std::fs::read_to_string(src.join(f)).unwrap();
        w.write(&format!("camp/{f}"), text);
    }
    let chasers = repo_path("templates/chasers");
    let ladder = format!(
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

[[chasers]]
step = "internal-review"
trigger = "internal_review"
after = 20
template = "{chasers}/internal-review"
mode = "{review_mode}"

[[chasers]]
step = "complaint"
trigger = "complaint"
template = "{chasers}/complaint"
"#
    );
    let toml = std::fs::read_to_string(src.join("campaign.toml")).unwrap() + &ladder;
    w.write("camp/campaign.toml", toml);
    w.path().join("camp").to_string_lossy().into_owned()
}

pub(crate) fn at(w: &Workdir, now: &str, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", now).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} at {now} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A header's value, unfolded.
pub(crate) fn header(msg: &str, name: &str) -> Option<String> {
    let head = msg
        .split("\r\n\r\n")
        .next()?
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ");
    head.split("\r\n").find_map(|l| {
        l.strip_prefix(name)
            .and_then(|r| r.strip_prefix(": "))
            .map(String::from)
    })
}

fn text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// Wait for `n` messages, then make sure no more arrive.
pub(crate) async fn exactly(s: &MailServers, addr: &str, n: usize) -> Vec<String> {
    let got = s.wait_for_messages(addr, n, Duration::from_secs(20)).await;
    s.wait_until_delivered(&[addr], Duration::from_secs(30));
    let again = s.inbox(addr).await;
    assert_eq!(
        again.len(),
        n,
        "{addr} has {} messages, expected {n}",
        again.len()
    );
    drop(got);
    again.iter().map(|m| text(m)).collect()
}

/// The chaser is a reply to the request: same thread, reference in the subject.
fn assert_threaded(request: &str, chaser: &str, reference: &str, subject_part: &str) {
    let request_id = header(request, "Message-ID").expect("the request has a Message-ID");
    assert_eq!(
        header(chaser, "In-Reply-To"),
        Some(request_id.clone()),
        "{chaser}"
    );
    assert_eq!(
        header(chaser, "References"),
        Some(request_id.clone()),
        "{chaser}"
    );
    assert_ne!(header(chaser, "Message-ID"), Some(request_id));
    let subject = header(chaser, "Subject").unwrap();
    assert!(subject.contains(&format!("[{reference}]")), "{subject}");
    assert!(subject.contains(subject_part), "{subject}");
    assert_eq!(
        header(chaser, "X-FOI-Reference").as_deref(),
        Some(reference)
    );
}

fn pending(w: &Workdir, now: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(&at(w, now, &["chasers", "pending", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ladder_chases_the_right_step_once_threaded_and_never_after_a_reply() {
    let s = servers();
    // A: never answers. B: acknowledges, then answers while its overdue chaser is queued.
    // C: answers at once. D: never answers until its internal review request awaits approval.
    let addrs: Vec<String> = (0..4)
        .map(|_| s.unique_address("chase", "council.example"))
        .collect();
    let w = smtp_workdir(s, &addrs);
    let camp = campaign_with_ladder(&w, "approve");
    w.create_campaign(&camp, "all", "CH");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 4,"));
    let requests: Vec<String> = {
        let mut v = Vec::new();
        for a in &addrs {
            v.push(exactly(s, a, 1).await.remove(0));
        }
        v
    };
    let (a, b, c, d) = ("CH-0001", "CH-0002", "CH-0003", "CH-0004");

    at(
        &w,
        "2026-03-03T12:00:00Z",
        &["case", "event", b, "acknowledged"],
    );
    at(
        &w,
        "2026-03-04T12:00:00Z",
        &["case", "event", c, "response"],
    );

    // Friday 6 March: 4 working days since receipt; the acknowledgement chaser (5) is not due.
    let out = at(&w, "2026-03-06T12:00:00Z", &["chasers", "run"]);
    assert!(out.contains("took 0 chaser(s)"), "{out}");

    // Monday 9 March: due for A and D only (B acknowledged, C answered). A dry run first.
    let mon = "2026-03-09T12:00:00Z";
    let out = at(&w, mon, &["chasers", "run", "--dry-run"]);
    assert!(out.contains("would take 2 chaser(s)"), "{out}");
    let out = at(&w, mon, &["chasers", "run"]);
    assert!(out.contains("took 2 chaser(s): 2 queued"), "{out}");
    assert!(out.contains(&format!("{a} acknowledgement")), "{out}");
    assert!(out.contains(&format!("{d} acknowledgement")), "{out}");
    // Idempotent: the same sweep again takes nothing.
    let out = at(&w, mon, &["chasers", "run"]);
    assert!(out.contains("took 0 chaser(s)"), "{out}");
    assert!(at(&w, mon, &["send"]).starts_with("sent 2,"));
    let got = exactly(s, &addrs[0], 2).await;
    assert_threaded(&requests[0], &got[1], a, "please confirm receipt");
    assert!(
        got[1].contains("2 March 2026"),
        "case.sent_date: {}",
        got[1]
    );
    assert!(
        got[1].contains("31 March 2026"),
        "case.due_date: {}",
        got[1]
    );
    exactly(s, &addrs[3], 2).await;
    exactly(s, &addrs[1], 1).await;
    exactly(s, &addrs[2], 1).await;

    // Wednesday 1 April, the working day after the due date: overdue chasers for A, B and D.
    let apr1 = "2026-04-01T12:00:00Z";
    let out = at(&w, apr1, &["chasers", "run"]);
    assert!(out.contains("took 3 chaser(s): 3 queued"), "{out}");
    // B answers before the queued chaser leaves: it is cancelled, never sent.
    let out = at(&w, apr1, &["case", "event", b, "response"]);
    assert!(out.contains("cancelled 1 pending chaser(s)"), "{out}");
    assert!(at(&w, apr1, &["send"]).starts_with("sent 2,"));
    let got = exactly(s, &addrs[0], 3).await;
    assert_threaded(&requests[0], &got[2], a, "response overdue");
    exactly(s, &addrs[3], 3).await;
    exactly(s, &addrs[1], 1).await;
    let out = at(&w, apr1, &["chasers", "run"]);
    assert!(out.contains("took 0 chaser(s)"), "{out}");

    // Thursday 30 April, 20 working days after the due date: internal review requests for A
    // and D wait for approval.
    let apr30 = "2026-04-30T12:00:00Z";
    let out = at(&w, apr30, &["chasers", "run"]);
    assert!(out.contains("2 awaiting approval"), "{out}");
    let rows = pending(&w, apr30);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["step"] == "internal-review"));
    let show = at(&w, apr30, &["chasers", "show", &rows[0]["id"].to_string()]);
    assert!(show.contains("Request for internal review"), "{show}");
    // As it reads: decoded headers and text, no quoted-printable soft breaks or escapes.
    assert!(show.contains("\nSubject: "), "{show}");
    assert!(!show.contains("=\n") && !show.contains("=3D"), "{show}");
    // D answers: its pending chaser is cancelled.
    let out = at(&w, apr30, &["case", "event", d, "partial_response"]);
    assert!(out.contains("cancelled 1 pending chaser(s)"), "{out}");
    let rows = pending(&w, apr30);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["reference"], a);
    let e = w
        .foi(["chasers", "approve", "99999"])
        .env("FOI_NOW", apr30)
        .output()
        .unwrap();
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).contains("not awaiting approval"));
    let out = at(&w, apr30, &["chasers", "approve", "--all", "--dry-run"]);
    assert!(out.contains("would queue 1"), "{out}");
    let out = at(&w, apr30, &["chasers", "approve", "--all"]);
    assert!(out.contains("1 chaser(s) queued"), "{out}");
    assert!(pending(&w, apr30).is_empty());
    assert!(at(&w, apr30, &["send"]).starts_with("sent 1,"));
    let got = exactly(s, &addrs[0], 4).await;
    assert_threaded(&requests[0], &got[3], a, "internal review");
    exactly(s, &addrs[3], 3).await;

    // D's partial response is itself a trigger: the working day after it, an internal
    // review request awaits approval again. A person skips it.
    let may1 = "2026-05-01T12:00:00Z";
    let out = at(&w, may1, &["chasers", "run"]);
    assert!(
        out.contains("took 1 chaser(s): 0 queued, 1 awaiting approval"),
        "{out}"
    );
    assert!(out.contains("1 case(s) now in internal_review"), "{out}");
    let v: Value = serde_json::from_str(&at(&w, may1, &["case", "deadline", a, "--json"])).unwrap();
    assert_eq!(v["status"], "internal_review", "{v}");
    assert_eq!(v["standing"]["owed"], "internal_review", "{v}");
    let rows = pending(&w, may1);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["reference"], d);
    at(&w, may1, &["chasers", "skip", &rows[0]["id"].to_string()]);
    assert!(pending(&w, may1).is_empty());
    let out = at(&w, may1, &["chasers", "run"]);
    assert!(
        out.contains("took 0 chaser(s)"),
        "a skipped step stays skipped: {out}"
    );

    // The review request's receipt (30 April) starts the review clock: due Monday 1 June
    // (4 and 25 May skipped). On Tuesday 2 June the complaint is drafted for a person,
    // never sent to the body.
    let v: Value = serde_json::from_str(&at(
        &w,
        "2026-06-01T12:00:00Z",
        &["case", "deadline", a, "--json"],
    ))
    .unwrap();
    assert_eq!(v["review"]["due"], "2026-06-01", "{v}");
    let out = at(&w, "2026-06-01T12:00:00Z", &["chasers", "run"]);
    assert!(out.contains("took 0 chaser(s)"), "{out}");
    let jun2 = "2026-06-02T12:00:00Z";
    let out = at(&w, jun2, &["chasers", "run"]);
    assert!(out.contains("1 complaint draft(s)"), "{out}");
    let rows = pending(&w, jun2);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "draft");
    let show = at(&w, jun2, &["chasers", "show", &rows[0]["id"].to_string()]);
    assert!(show.contains("DRAFT"), "{show}");
    assert!(
        show.contains("Draft complaint to the Information Commissioner"),
        "{show}"
    );
    assert!(at(&w, jun2, &["send"]).starts_with("sent 0,"));
    exactly(s, &addrs[0], 4).await;
    // C answered on day 2 and was never chased.
    exactly(s, &addrs[2], 1).await;
    let e = w
        .foi(["chasers", "approve", &rows[0]["id"].to_string()])
        .env("FOI_NOW", jun2)
        .output()
        .unwrap();
    assert!(
        !e.status.success(),
        "a complaint draft is not sent to the body"
    );
    at(&w, jun2, &["chasers", "skip", &rows[0]["id"].to_string()]);
    assert!(pending(&w, jun2).is_empty());
}

/// `foi run` sweeps the chasers on its turn, then sends them.
#[tokio::test(flavor = "multi_thread")]
async fn foi_run_takes_due_chasers_and_sends_them() {
    let s = servers();
    let addrs = vec![s.unique_address("runchase", "council.example")];
    let w = smtp_workdir(s, &addrs);
    let camp = campaign_with_ladder(&w, "auto");
    w.create_campaign(&camp, "all", "RC");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 1,"));
    let request = exactly(s, &addrs[0], 1).await.remove(0);
    let mut child = w.spawn(&["run"], &[("FOI_NOW", "2026-03-10T12:00:00Z")], false);
    let got = s
        .wait_for_messages(&addrs[0], 2, Duration::from_secs(30))
        .await;
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "foi run exits 0 on SIGTERM");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "foi run did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_threaded(
        &request,
        &text(&got[1]),
        "RC-0001",
        "please confirm receipt",
    );
    exactly(s, &addrs[0], 2).await;
}

/// `foi chasers now` waits only as long as a trigger needs to mean what it says: an
/// unacknowledged request may be chased at once (here the day after it was received; the
/// ladder's step waits 5 working days), and a refusal's internal review asked for on the day it came (the
/// ladder waits a working day), queued at once though that step waits for approval when
/// the sweep takes it. Nothing is sent here: the steps are queued in the outbox.
#[test]
fn chasing_now_waits_only_as_long_as_the_trigger_needs() {
    let w = Workdir::new();
    w.import_examples();
    let camp = campaign_with_ladder(&w, "approve");
    w.create_campaign(&camp, "tag:police", "CN");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    let tue = "2026-03-03T12:00:00Z";
    at(&w, tue, &["case", "event", "CN-0002", "refusal"]);
    assert!(at(&w, tue, &["chasers", "run"]).contains("took 0 chaser(s)"));
    let out = at(&w, tue, &["chasers", "now", "CN-0001", "CN-0002"]);
    assert!(out.contains("took 2 chaser(s): 2 queued"), "{out}");
    assert!(out.contains("CN-0001 acknowledgement"), "{out}");
    assert!(out.contains("CN-0002 internal-review"), "{out}");
    let queued: Value =
        serde_json::from_str(&w.ok(["outbox", "--state", "queued", "--json"])).unwrap();
    let kinds: Vec<(String, String)> = queued
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("CN-0001".to_string(), "chaser:acknowledgement".to_string()),
            ("CN-0002".to_string(), "chaser:internal-review".to_string()),
        ]
    );
    // A step taken already is not taken again.
    let out = at(&w, tue, &["chasers", "now", "CN-0001"]);
    assert!(out.contains("took 0 chaser(s)"), "{out}");
    // The review request argues the refusal; it does not claim that nothing came.
    let review = queued.as_array().unwrap()[1]["id"].to_string();
    let raw = w.ok(["outbox", "show", &review, "--raw"]);
    assert!(
        raw.contains("You refused my request in your reply of"),
        "{raw}"
    );
    assert!(!raw.contains("not received a response"), "{raw}");
    // After non-response (due Tue 31 March), it says so.
    let apr1 = "2026-04-01T12:00:00Z";
    let out = at(&w, apr1, &["chasers", "now", "CN-0003"]);
    assert!(out.contains("CN-0003 internal-review"), "{out}");
    let queued: Value =
        serde_json::from_str(&w.ok(["outbox", "--state", "queued", "--json"])).unwrap();
    let review = queued
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == "CN-0003")
        .unwrap()["id"]
        .to_string();
    let raw = w.ok(["outbox", "show", &review, "--raw"]);
    assert!(
        raw.contains("I have not received a response within the statutory"),
        "{raw}"
    );
    assert!(!raw.contains("You refused"), "{raw}");
}
