//! No silent "unknown" (issue 16): a human reply that fits no class is a `reply` that
//! waits in the "to read" queue; `foi cases list`, `foi overdue` and the chaser sweep say
//! so and hold its case's chasers until a person has read it; a person's class records
//! the event it implies. The example campaign goes to the 7 police forces on Monday
//! 2 March 2026 (uk-foia: due Tuesday 31 March).

use crate::support::{repo_path, Workdir};
use serde_json::Value;

/// A day after the due date: the `overdue` step of the ladder falls due.
const LATE: &str = "2026-04-02T10:00:00Z";

/// The example campaign (with a one-step ladder) sent to the police forces as .eml files.
fn sent_with_ladder() -> Workdir {
    let w = Workdir::new();
    w.import_examples();
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
    let ladder = format!(
        "\n[[chasers]]\nstep = \"overdue\"\ntrigger = \"overdue\"\ntemplate = \"{}\"\nmode = \"auto\"\n",
        repo_path("templates/chasers/overdue")
    );
    let toml = std::fs::read_to_string(src.join("campaign.toml")).unwrap() + &ladder;
    w.write("camp/campaign.toml", toml);
    let camp = w.path().join("camp").to_string_lossy().into_owned();
    w.create_campaign(&camp, "tag:police", "POL");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    w
}

/// A reply on case `reference` with this text, imported; its message id.
fn reply(w: &Workdir, reference: &str, text: &str) -> String {
    // (from the body's own address: a claim by reference from anyone else is unverified)
    let from = w.json(["case", "show", reference, "--json"])["body"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let raw = format!(
        "From: FOI Unit <{from}>\r\nTo: foi@example.org\r\n\
         Subject: Re: Freedom of Information request [{reference}]\r\n\
         Date: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <{reference}-r@police.example>\r\n\
         \r\n{text}\r\n"
    );
    let f = w.write(&format!("{reference}.eml"), raw);
    w.ok(["import-mail", f.to_str().unwrap()]);
    let case = w.json(["case", "show", reference, "--json"]);
    let inbound: Vec<&Value> = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .collect();
    assert_eq!(inbound.len(), 1, "{case}");
    inbound[0]["id"].to_string()
}

fn at(w: &Workdir, now: &str, args: &[&str]) -> String {
    let out = w.foi(args).env("FOI_NOW", now).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn listed<'a>(rows: &'a Value, reference: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == reference)
        .unwrap_or_else(|| panic!("{reference} not in {rows}"))
}

/// The references a sweep took a step for.
fn chased(sweep: &Value) -> Vec<String> {
    sweep["taken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["reference"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_reply_to_read_is_shown_and_holds_chasers_until_a_person_reads_it() {
    let w = sent_with_ladder();
    let id = reply(
        &w,
        "POL-0001",
        "Thank you, I have passed your email on to our Information Management Unit.",
    );
    let m = w.json(["message", "show", &id, "--json"]);
    assert_eq!(m["classification"], "reply", "{m}");
    assert!(
        m["reason"]
            .as_str()
            .unwrap()
            .contains("a person must read it"),
        "{m}"
    );

    // Shown where staff look.
    let cases = w.json(["cases", "list", "--json"]);
    assert_eq!(listed(&cases, "POL-0001")["reply_to_read"], true);
    assert_eq!(listed(&cases, "POL-0002")["reply_to_read"], false);
    let table = w.ok(["cases", "list", "--to-read"]);
    assert!(
        table.contains("POL-0001") && table.contains("reply to read"),
        "{table}"
    );
    assert!(!table.contains("POL-0002"), "{table}");
    let overdue: Value = serde_json::from_str(&at(&w, LATE, &["overdue", "--json"])).unwrap();
    assert_eq!(listed(&overdue, "POL-0001")["reply_to_read"], true);
    assert_eq!(listed(&overdue, "POL-0002")["reply_to_read"], false);
    assert!(at(&w, LATE, &["overdue"]).contains("reply to read"));

    // The sweep chases the others, not the case whose reply nobody has read.
    let sweep: Value =
        serde_json::from_str(&at(&w, LATE, &["chasers", "run", "--dry-run", "--json"])).unwrap();
    assert_eq!(sweep["waiting_to_read"], 1, "{sweep}");
    let taken = chased(&sweep);
    assert_eq!(taken.len(), 6, "{sweep}");
    assert!(!taken.contains(&"POL-0001".to_string()), "{sweep}");
    assert!(at(&w, LATE, &["chasers", "run", "--dry-run"]).contains("1 case(s) not chased"));

    // A person reads it: a plain reply records no event, and the case is chased again.
    let out = w.ok(["message", "classify", &id, "reply"]);
    assert!(out.contains("now classified as reply"), "{out}");
    let m = w.json(["message", "show", &id, "--json"]);
    assert_eq!(m["classified_by"], "staff", "{m}");
    let cases = w.json(["cases", "list", "--json"]);
    assert_eq!(listed(&cases, "POL-0001")["reply_to_read"], false);
    assert_eq!(listed(&cases, "POL-0001")["status"], "awaiting_response");
    let sweep: Value =
        serde_json::from_str(&at(&w, LATE, &["chasers", "run", "--dry-run", "--json"])).unwrap();
    assert_eq!(sweep["waiting_to_read"], 0, "{sweep}");
    assert!(chased(&sweep).contains(&"POL-0001".to_string()), "{sweep}");
}

#[test]
fn confirming_a_class_records_the_event_it_implies_and_reads_the_reply() {
    let w = sent_with_ladder();
    let id = reply(&w, "POL-0002", "Could you tell me who you are writing for?");
    assert_eq!(
        w.json(["message", "show", &id, "--json"])["classification"],
        "reply"
    );
    let out = w.ok(["message", "classify", &id, "not-held"]);
    assert!(out.contains("POL-0002: not_held, now not_held"), "{out}");
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    assert_eq!(case["case"]["status"], "not_held", "{case}");
    let cases = w.json(["cases", "list", "--to-read", "--json"]);
    assert_eq!(cases, serde_json::json!([]), "read: it left the queue");
    // The class names were checked: "unknown" is no class any more.
    let e = w.fails(["message", "classify", &id, "unknown"]);
    assert!(e.contains("use one of") && e.contains("reply"), "{e}");
}

#[test]
fn plain_text_answers_record_their_event_on_arrival() {
    let w = sent_with_ladder();
    reply(
        &w,
        "POL-0003",
        "Dear requester,\r\n\r\nThe force does not hold any recorded information about \
         cameras made by either company.\r\n\r\nRegards\r\nFOI Unit",
    );
    reply(
        &w,
        "POL-0004",
        "Hello,\r\n\r\nWe use Axis cameras, 42 units, maintained by a local firm.\r\n",
    );
    let cases = w.json(["cases", "list", "--json"]);
    assert_eq!(listed(&cases, "POL-0003")["status"], "not_held");
    assert_eq!(listed(&cases, "POL-0004")["status"], "successful");
    assert_eq!(listed(&cases, "POL-0003")["reply_to_read"], false);
}

/// The dashboard: the To read page lists the reply with its case, the Overdue and case
/// pages flag it, and confirming a class from the queue records its event and empties it.
#[tokio::test]
async fn the_dashboard_queue_shows_a_reply_to_read_until_a_person_confirms_it() {
    use crate::web::{app, Client, PASSWORD, WEB_NOW};
    use axum::http::StatusCode;
    let w = sent_with_ladder();
    w.foi(["users", "add", "sam", "--role", "staff", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let id = reply(
        &w,
        "POL-0005",
        "Good morning, I am not sure this reached the right team; I will ask around.",
    );
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let queue = c.get("/to-read").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("href=\"/to-read\""), "the nav links it");
    assert!(
        queue
            .body
            .contains(&format!("href=\"/cases/POL-0005#m{id}\"")),
        "{}",
        queue.body
    );
    assert!(
        queue.body.contains("a person must read it"),
        "{}",
        queue.body
    );
    let overdue = c.get("/overdue").await.body;
    assert!(overdue.contains("reply to read"), "{overdue}");
    let case = c.get("/cases/POL-0005").await.body;
    assert!(case.contains("reply to read"), "{case}");
    assert!(case.contains("Confirm: I have read it"), "{case}");

    let csrf = queue.csrf();
    let done = c
        .post(
            &format!("/messages/{id}/classify"),
            &[
                ("csrf", &csrf),
                ("kind", "acknowledgement"),
                ("back", "to-read"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.header("location"), "/to-read?ok=classified");
    let queue = c.get("/to-read?ok=classified").await.body;
    assert!(queue.contains("Nothing to read."), "{queue}");
    assert!(queue.contains("marked read"), "{queue}");
    let cases = w.json(["cases", "list", "--json"]);
    assert_eq!(listed(&cases, "POL-0005")["status"], "acknowledged");
    let m = w.json(["message", "show", &id, "--json"]);
    assert_eq!(m["read_by"], "sam", "{m}");
}
