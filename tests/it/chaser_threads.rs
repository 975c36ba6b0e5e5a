//! Which email a chaser answers, and one chaser per body: after `foi case resend` a chaser
//! threads to the new delivery (not the request that bounced); with `consolidate_chasers`
//! a body overdue in several campaigns gets one email naming every case, recorded on each
//! (end to end through Postfix and Dovecot), cancelled as a whole by a reply on any.

use crate::chasers::{at, campaign_with_ladder, exactly, header, smtp_workdir};
use crate::support::mail::servers;
use crate::support::Workdir;
use serde_json::Value;

fn outbox(w: &Workdir) -> Vec<Value> {
    w.json(["outbox", "--json"]).as_array().unwrap().clone()
}

/// The outbox rows of one case and kind.
fn rows(w: &Workdir, reference: &str, kind: &str) -> Vec<Value> {
    outbox(w)
        .into_iter()
        .filter(|o| o["reference"] == reference && o["kind"] == kind)
        .collect()
}

fn raw(w: &Workdir, row: &Value) -> String {
    w.ok(["outbox", "show", &row["id"].to_string(), "--raw"])
}

fn angle(row: &Value) -> String {
    format!("<{}>", row["message_id"].as_str().unwrap())
}

/// `campaign create NAME` from `dir` for every body, references `PREFIX-0001`..., launched.
fn launch(w: &Workdir, name: &str, dir: &str, prefix: &str) {
    w.ok([
        "campaign",
        "create",
        name,
        "--template",
        dir,
        "--select",
        "all",
        "--reference-prefix",
        prefix,
    ]);
    w.ok(["campaign", "launch", name]);
}

/// A campaign folder like `campaign_with_ladder`'s, copied to `name`, with
/// `consolidate_chasers` set or not.
fn ladder_folder(w: &Workdir, name: &str, consolidate: bool) -> String {
    let src = std::path::PathBuf::from(campaign_with_ladder(w, "auto"));
    for f in [
        "subject.hbs",
        "body.txt.hbs",
        "body.html.hbs",
        "campaign.toml",
    ] {
        let mut text = std::fs::read_to_string(src.join(f)).unwrap();
        if f == "campaign.toml" && consolidate {
            text = format!("consolidate_chasers = true\n{text}");
        }
        w.write(&format!("{name}/{f}"), text);
    }
    w.path().join(name).to_string_lossy().into_owned()
}

fn event_kinds(w: &Workdir, reference: &str) -> Vec<String> {
    let case = w.json(["case", "show", reference, "--json"]);
    case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

/// A request sent again (`case resend`) is the email its chasers answer: In-Reply-To and
/// References name the new delivery's Message-ID, not the first request's. A case never
/// resent still threads to its one request.
#[test]
fn a_chaser_after_a_resend_answers_the_new_delivery() {
    let w = Workdir::new();
    w.import_examples();
    let camp = campaign_with_ladder(&w, "auto");
    w.create_campaign(&camp, "tag:police", "POL");
    w.ok(["campaign", "launch", "c"]);
    assert!(w.ok(["send"]).starts_with("sent 7,"));
    w.ok([
        "case",
        "resend",
        "POL-0003",
        "--to",
        "foi@new-force.example",
    ]);
    assert!(w.ok(["send"]).starts_with("sent 1,"));
    let requests = rows(&w, "POL-0003", "request");
    assert_eq!(requests.len(), 2, "{requests:?}");
    let (first, again) = (&requests[0], &requests[1]);
    assert!(first["id"].as_i64() < again["id"].as_i64());

    // Five working days on, nothing acknowledged: every case is chased.
    let out = at(&w, "2026-03-10T10:00:00Z", &["chasers", "run"]);
    assert!(out.contains("POL-0003 acknowledgement"), "{out}");
    let chaser = rows(&w, "POL-0003", "chaser:acknowledgement");
    assert_eq!(chaser.len(), 1, "{chaser:?}");
    let msg = raw(&w, &chaser[0]);
    assert_eq!(header(&msg, "In-Reply-To"), Some(angle(again)), "{msg}");
    assert_eq!(header(&msg, "References"), Some(angle(again)), "{msg}");
    assert!(header(&msg, "To")
        .unwrap()
        .contains("foi@new-force.example"));

    let other_request = &rows(&w, "POL-0001", "request")[0];
    let other = &rows(&w, "POL-0001", "chaser:acknowledgement")[0];
    assert_eq!(
        header(&raw(&w, other), "In-Reply-To"),
        Some(angle(other_request))
    );
}

/// Two campaigns that allow it and one that does not, one body in all three, overdue in
/// each: the sweep queues one email for the first two (naming both references, threaded to
/// both requests, with both reply addresses) and one for the third; each reaches the
/// body's mailbox through Postfix and Dovecot and is recorded on every case it covers.
#[tokio::test(flavor = "multi_thread")]
async fn one_chaser_per_body_names_every_overdue_case() {
    let s = servers();
    let addr = s.unique_address("shared", "council.example");
    let w = smtp_workdir(s, std::slice::from_ref(&addr));
    let joint = ladder_folder(&w, "joint", true);
    let plain = ladder_folder(&w, "plain", false);
    launch(&w, "c1", &joint, "AA");
    launch(&w, "c2", &joint, "BB");
    launch(&w, "c3", &plain, "CC");
    assert!(w.ok(["send"]).starts_with("sent 3,"));
    exactly(s, &addr, 3).await;

    // The day after the due date (uk-foia: due Tuesday 31 March).
    let now = "2026-04-01T10:00:00Z";
    let dry = at(&w, now, &["chasers", "run", "--dry-run"]);
    assert!(
        dry.contains("AA-0001 overdue") && dry.contains("in one email with BB-0001"),
        "{dry}"
    );
    let out: Value = serde_json::from_str(&at(&w, now, &["chasers", "run", "--json"])).unwrap();
    assert_eq!(out["queued"], 3, "{out}");
    assert_eq!(out["consolidated"], 1, "{out}");
    let with = |r: &str| {
        out["taken"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["reference"] == r)
            .unwrap()["with"]
            .clone()
    };
    assert_eq!(with("AA-0001"), serde_json::json!(["BB-0001"]));
    assert_eq!(with("BB-0001"), serde_json::json!(["AA-0001"]));
    assert!(with("CC-0001").is_null(), "CC's campaign does not allow it");
    let again = at(&w, now, &["chasers", "run"]);
    assert!(again.contains("took 0 chaser(s)"), "{again}");

    let sent = at(&w, now, &["send"]);
    assert!(sent.starts_with("sent 2,"), "{sent}");
    let mails = exactly(s, &addr, 5).await;
    let joint_mail: Vec<&String> = mails
        .iter()
        .filter(|m| header(m, "Subject").is_some_and(|s| s.contains("[AA-0001]")))
        .collect();
    assert_eq!(joint_mail.len(), 2, "the request and the joint chaser");
    let chaser = joint_mail
        .iter()
        .find(|m| header(m, "Subject").unwrap().contains("[BB-0001]"))
        .expect("one email names both references");
    let subject = header(chaser, "Subject").unwrap();
    assert!(subject.contains("responses overdue"), "{subject}");
    let request_aa = angle(&rows(&w, "AA-0001", "request")[0]);
    let request_bb = angle(&rows(&w, "BB-0001", "request")[0]);
    assert_eq!(header(chaser, "In-Reply-To"), Some(request_aa.clone()));
    assert_eq!(
        header(chaser, "References"),
        Some(format!("{request_aa} {request_bb}"))
    );
    let reply_to = header(chaser, "Reply-To").unwrap();
    assert_eq!(reply_to.matches('@').count(), 2, "{reply_to}");
    let text = chaser.replace("=\r\n", "");
    for r in ["[AA-0001]", "[BB-0001]"] {
        assert!(
            text.contains(&format!("- {r} received on 2 March 2026")),
            "{text}"
        );
    }
    assert!(!text.contains("CC-0001"));
    assert!(mails.iter().any(
        |m| header(m, "Subject").is_some_and(|s| s.contains("[CC-0001]")
            && !s.contains("AA-0001")
            && s.contains("overdue"))
    ));

    for r in ["AA-0001", "BB-0001", "CC-0001"] {
        let kinds = event_kinds(&w, r);
        assert!(
            kinds.iter().any(|k| k == "chaser_overdue_sent"),
            "{r}: {kinds:?}"
        );
        let case = w.json(["case", "show", r, "--json"]);
        let outbound = case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "outbound")
            .count();
        assert_eq!(outbound, 2, "{r}: the request and the chaser");
    }
}

/// A reply on one case of a joint chaser cancels the queued email as a whole (its other
/// case is chased on its own at the next sweep).
#[test]
fn a_reply_on_one_case_cancels_the_joint_chaser() {
    let w = Workdir::new();
    let f = w.write(
        "b.csv",
        "id,name,email,foi_contact\nK1,Council,foi@council.example,FOI Team\n",
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    let joint = ladder_folder(&w, "joint", true);
    launch(&w, "c1", &joint, "AA");
    launch(&w, "c2", &joint, "BB");
    assert!(w.ok(["send"]).starts_with("sent 2,"));
    let now = "2026-04-01T10:00:00Z";
    at(&w, now, &["chasers", "run"]);
    let queued: Vec<Value> = outbox(&w)
        .into_iter()
        .filter(|o| o["kind"] == "chaser:overdue")
        .collect();
    assert_eq!(queued.len(), 1, "one email: {queued:?}");
    assert_eq!(queued[0]["state"], "queued");

    at(&w, now, &["case", "event", "BB-0001", "response"]);
    let row = outbox(&w)
        .into_iter()
        .find(|o| o["id"] == queued[0]["id"])
        .unwrap();
    assert_eq!(row["state"], "cancelled", "{row}");
    let out = at(&w, now, &["chasers", "run"]);
    assert!(out.contains("AA-0001 overdue"), "{out}");
    assert!(!out.contains("in one email"), "{out}");
    let alone = rows(&w, "AA-0001", "chaser:overdue");
    assert_eq!(alone.len(), 2, "{alone:?}");
    assert_eq!(alone[1]["state"], "queued");
    let msg = raw(&w, &alone[1]);
    assert!(!header(&msg, "Subject").unwrap().contains("BB-0001"));
}
