//! One case, one conversation: sending a request again to a corrected address (`foi case
//! resend`, `foi bodies set-email`, `foi campaign resend --bounced`, the dashboard's form).
//! The real bounce through Postfix is in `resend_after_a_real_bounce`.

use crate::support::mail::{servers, NOUSER_DOMAIN};
use crate::support::{sent_campaign, Workdir};
use crate::web::{app, seeded, Client, WEB_NOW};
use axum::http::StatusCode;
use std::time::Duration;

fn outbox(w: &Workdir) -> Vec<serde_json::Value> {
    w.json(["outbox", "--json"]).as_array().unwrap().clone()
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    msg.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

/// A header's value with its folded lines joined.
fn unfolded(msg: &str, name: &str) -> String {
    let mut lines = msg
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{name}: ")));
    let mut value = lines.next().unwrap_or_default().to_string();
    for l in lines.take_while(|l| l.starts_with([' ', '\t'])) {
        value.push(' ');
        value.push_str(l.trim());
    }
    value
}

/// A request sent again goes to the new address as a new delivery of the same case: same
/// reference and reply address, a new Message-ID; the body keeps its old address in its
/// history and the case says who did it.
#[test]
fn resend_to_a_corrected_address_is_a_new_delivery_of_the_same_case() {
    let w = sent_campaign();
    let first = outbox(&w)
        .into_iter()
        .find(|o| o["reference"] == "POL-0003")
        .unwrap();
    let old_address = first["recipient"].as_str().unwrap().to_string();

    let dry = w.ok([
        "case",
        "resend",
        "POL-0003",
        "--to",
        "foi@new-force.example",
        "--dry-run",
    ]);
    assert!(
        dry.contains("dry run: would queue POL-0003's request again to foi@new-force.example"),
        "{dry}"
    );
    assert_eq!(outbox(&w).len(), 7, "a dry run queues nothing");

    let err = w.fails(["case", "resend", "POL-0003", "--to", "not an address"]);
    assert!(err.contains("is not an email address"), "{err}");

    let out = w.ok([
        "case",
        "resend",
        "POL-0003",
        "--to",
        "foi@new-force.example",
        "--note",
        "bounced; address from their website",
        "--by",
        "ana",
    ]);
    assert!(
        out.contains(&format!("the body's address was {old_address}")),
        "{out}"
    );
    let err = w.fails(["case", "resend", "POL-0003"]);
    assert!(err.contains("waiting in the outbox already"), "{err}");
    let case = w.json(["case", "show", "POL-0003", "--json"]);
    assert_eq!(case["case"]["status"], "queued");
    assert_eq!(case["body"]["email"], "foi@new-force.example");
    let body_key = case["body"]["key"].as_str().unwrap().to_string();
    let body = w.json(["bodies", "show", &body_key, "--json"]);
    assert_eq!(body["former_emails"][0]["email"], old_address.as_str());
    assert_eq!(body["former_emails"][0]["actor"], "ana");
    let shown = w.ok(["bodies", "show", &body_key]);
    assert!(
        shown.contains(&format!("was:     {old_address}")),
        "{shown}"
    );

    let sent = w.ok(["send"]);
    assert!(sent.starts_with("sent 1,"), "{sent}");
    let rows = outbox(&w);
    let again = rows
        .iter()
        .find(|o| o["reference"] == "POL-0003" && o["id"] != first["id"])
        .unwrap();
    assert_eq!(again["recipient"], "foi@new-force.example");
    assert_eq!(again["kind"], "request");
    assert_ne!(again["message_id"], first["message_id"]);
    let raw = w.ok(["outbox", "show", &again["id"].to_string(), "--raw"]);
    assert_eq!(header(&raw, "X-FOI-Reference"), Some("POL-0003"));
    assert_eq!(
        header(&raw, "To").map(|t| t.contains("foi@new-force.example")),
        Some(true)
    );
    let first_raw = w.ok(["outbox", "show", &first["id"].to_string(), "--raw"]);
    assert_eq!(
        header(&raw, "Reply-To"),
        header(&first_raw, "Reply-To"),
        "the same reply token"
    );
    assert_eq!(header(&raw, "Subject"), header(&first_raw, "Subject"));
    let case = w.json(["case", "show", "POL-0003", "--json"]);
    assert_eq!(case["case"]["status"], "awaiting_response");
    let notes: Vec<&serde_json::Value> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .collect();
    assert!(
        notes[0]["note"]
            .as_str()
            .unwrap()
            .contains("request queued again to foi@new-force.example"),
        "{notes:?}"
    );
    assert_eq!(notes[0]["actor"], "ana");
}

/// `bodies set-email` then `campaign resend --bounced`: only the bounced cases whose body
/// has a new address go again; a draft case cannot be resent.
#[test]
fn set_email_then_resend_the_bounced_cases_in_one_go() {
    let w = Workdir::new();
    w.import_examples();
    w.create_example_campaign("tag:police", "POL");
    let err = w.fails(["case", "resend", "POL-0001"]);
    assert!(err.contains("has not been sent yet"), "{err}");
    let err = w.fails(["campaign", "resend", "c"]);
    assert!(err.contains("--bounced"), "{err}");
    let out = w.ok(["campaign", "resend", "c", "--bounced"]);
    assert!(out.contains("queued 0 request(s) again; 0 left"), "{out}");
    let err = w.fails(["bodies", "set-email", "no-such-body", "a@b.example"]);
    assert!(err.contains("foi bodies list"), "{err}");
    let police = w.json(["bodies", "list", "--tag", "police", "--json"]);
    let key = police[0]["key"].as_str().unwrap();
    let err = w.fails(["bodies", "set-email", key, "nope"]);
    assert!(err.contains("is not an email address"), "{err}");
    let out = w.ok([
        "bodies",
        "set-email",
        key,
        "foi@corrected.example",
        "--note",
        "from their website",
    ]);
    assert!(
        out.contains("now has the address foi@corrected.example"),
        "{out}"
    );
    let out = w.ok(["bodies", "set-email", key, "foi@corrected.example"]);
    assert!(out.contains("nothing changed"), "{out}");
    let b = w.json(["bodies", "show", key, "--json"]);
    assert_eq!(b["former_emails"].as_array().unwrap().len(), 1);
    assert_eq!(b["former_emails"][0]["note"], "from their website");
}

/// The dashboard's Resend form: staff send again with a new address; a viewer is refused;
/// a forged token is refused; nothing changes on a refusal.
#[tokio::test]
async fn the_dashboard_resends_for_staff_only() {
    let w = seeded();
    let before = w.ok(["case", "show", "POL-0005"]);
    let mut vic = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    let page = vic.get("/cases/POL-0005").await;
    assert!(
        !page.body.contains("/cases/POL-0005/resend"),
        "no form for a viewer"
    );
    let csrf = vic.csrf().await;
    let r = vic
        .post(
            "/cases/POL-0005/resend",
            &[("csrf", &csrf), ("to", "foi@viewer.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut sam = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let r = sam
        .post(
            "/cases/POL-0005/resend",
            &[("csrf", "forged"), ("to", "foi@forged.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(w.ok(["case", "show", "POL-0005"]), before);

    let page = sam.get("/cases/POL-0005").await;
    assert!(page.body.contains("action=\"/cases/POL-0005/resend\""));
    let csrf = page.csrf();
    let r = sam
        .post(
            "/cases/POL-0005/resend",
            &[("csrf", &csrf), ("to", "not an address"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("is not an email address"), "{}", r.body);
    let r = sam
        .post(
            "/cases/POL-0005/resend",
            &[
                ("csrf", &csrf),
                ("to", "foi@web-corrected.example"),
                ("note", "phoned them"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/cases/POL-0005?ok=resent");
    let page = sam.get("/cases/POL-0005?ok=resent").await;
    assert!(
        page.body.contains("The request was queued again"),
        "{}",
        page.body
    );
    let case = w.json(["case", "show", "POL-0005", "--json"]);
    assert_eq!(case["body"]["email"], "foi@web-corrected.example");
    assert!(outbox(&w).iter().any(|o| o["reference"] == "POL-0005"
        && o["state"] == "queued"
        && o["recipient"] == "foi@web-corrected.example"));
}

/// End to end through Postfix and Dovecot: the request to a `nouser.example` address
/// bounces (a real DSN, fetched over IMAP); `case resend --to` a working address delivers
/// it there, and the deadline counts from the new delivery.
#[tokio::test(flavor = "multi_thread")]
async fn resend_after_a_real_bounce() {
    let s = servers();
    let ours = s.unique_address("group", "example.org");
    let w = crate::ingest::imap_workdir(s, &ours);
    let dead = s.unique_address("gone", NOUSER_DOMAIN);
    let good = s.unique_address("body", "council.example");
    let f = w.write(
        "b.csv",
        format!("id,name,email,foi_contact\nK1,Council,{dead},FOI Team\n"),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "RSD");
    assert!(w.ok(["send"]).starts_with("sent 1,"));
    s.wait_for_messages(&ours, 1, Duration::from_secs(30)).await;
    let out = crate::ingest::fetch_imap(&w);
    assert!(out.starts_with("new 1, matched 1"), "{out}");
    let case = w.json(["case", "show", "RSD-0001", "--json"]);
    assert_eq!(case["case"]["status"], "delivery_failed");
    assert!(case["body"]["email_flag"]
        .as_str()
        .unwrap()
        .contains("bounce"));
    let before = w.json(["case", "deadline", "RSD-0001", "--json"]);
    assert_eq!(before["received"], "2026-03-02");

    // A week later, the right address: sent again, delivered, the clock restarted.
    let later = [("FOI_NOW", "2026-03-09T10:00:00Z")];
    let run = |args: &[&str]| {
        let out = w.foi(args).envs(later).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run(&[
        "case", "resend", "RSD-0001", "--to", &good, "--note", "bounced",
    ]);
    assert!(out.contains("queued RSD-0001's request again"), "{out}");
    assert!(run(&["send"]).starts_with("sent 1,"));
    let got = s.wait_for_messages(&good, 1, Duration::from_secs(30)).await;
    let msg = String::from_utf8_lossy(&got[0]).to_string();
    assert_eq!(header(&msg, "X-FOI-Reference"), Some("RSD-0001"));
    let case = w.json(["case", "show", "RSD-0001", "--json"]);
    assert_eq!(case["case"]["status"], "awaiting_response");
    assert!(
        case["body"]["email_flag"].is_null(),
        "the flag went with the old address"
    );
    let after = w.json(["case", "deadline", "RSD-0001", "--json"]);
    assert_eq!(after["received"], "2026-03-09", "{after}");
    assert_ne!(after["due"], before["due"]);
}

/// A body's email on POL-0002 asking what the request means.
fn clarification_request(w: &Workdir) -> String {
    let req = outbox(w)
        .into_iter()
        .find(|o| o["reference"] == "POL-0002")
        .unwrap();
    let mail = format!(
        "From: {to}\r\nTo: foi@example.org\r\nSubject: Re: FOI request [POL-0002]\r\nDate: Wed, 04 Mar 2026 09:00:00 +0000\r\nMessage-ID: <clarify-1@police.example>\r\nIn-Reply-To: <{mid}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease could you clarify which sites you mean? We need more information before we can answer.\r\n",
        to = req["recipient"].as_str().unwrap(),
        mid = req["message_id"].as_str().unwrap(),
    );
    let f = w.write("clarify.eml", mail);
    w.ok(["import-mail", f.to_str().unwrap()]);
    req["message_id"].as_str().unwrap().to_string()
}

/// `case reply` answers the body's last email, threaded, with a file attached, through
/// the outbox; sent, it is the clarification, and the clock restarts from it.
#[test]
fn a_reply_to_a_clarification_request_is_threaded_and_restarts_the_clock() {
    let w = sent_campaign();
    let request_id = clarification_request(&w);
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    assert_eq!(case["case"]["status"], "clarification_requested");
    let text = w.write(
        "clarify.txt",
        "All sites the force operates, including custody suites.\n",
    );
    let pdf = w.write("sites.pdf", b"%PDF-1.4\n% a list of sites\n");
    let exe = w.write("tool.exe", b"MZ");
    let big = w.write("big.pdf", vec![b'x'; 11 * 1024 * 1024]);

    // Files are checked before anything is queued.
    let before = outbox(&w).len();
    for (file, want) in [
        (&exe, ".exe files cannot be attached"),
        (&big, "at most 10 MB"),
    ] {
        let err = w.fails([
            "case",
            "reply",
            "POL-0002",
            "--text",
            text.to_str().unwrap(),
            "--attach",
            file.to_str().unwrap(),
        ]);
        assert!(err.contains(want), "{err}");
    }
    let err = w.fails(["case", "reply", "POL-0002"]);
    assert!(err.contains("write the reply"), "{err}");
    let err = w.fails(["case", "reply", "POL-0002", "--template", "internal-review"]);
    assert!(err.contains("needs your words"), "{err}");
    assert_eq!(outbox(&w).len(), before);

    let dry = w.ok([
        "case",
        "reply",
        "POL-0002",
        "--text",
        text.to_str().unwrap(),
        "--attach",
        pdf.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(
        dry.contains("would queue this reply:clarification"),
        "{dry}"
    );
    assert!(
        dry.contains("In-Reply-To: <clarify-1@police.example>"),
        "{dry}"
    );
    assert!(dry.contains("custody suites"), "{dry}");
    assert_eq!(outbox(&w).len(), before);

    let later = [("FOI_NOW", "2026-03-05T10:00:00Z")];
    let out = w
        .foi([
            "case",
            "reply",
            "POL-0002",
            "--text",
            text.to_str().unwrap(),
            "--attach",
            pdf.to_str().unwrap(),
        ])
        .envs(later)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = w.foi(["send"]).envs(later).output().unwrap();
    assert!(String::from_utf8_lossy(&sent.stdout).starts_with("sent 1,"));
    let reply = outbox(&w)
        .into_iter()
        .find(|o| o["kind"] == "reply:clarification")
        .unwrap();
    assert_eq!(reply["state"], "sent");
    let raw = w.ok(["outbox", "show", &reply["id"].to_string(), "--raw"]);
    assert_eq!(
        header(&raw, "In-Reply-To"),
        Some("<clarify-1@police.example>")
    );
    let refs = unfolded(&raw, "References");
    assert!(
        refs.contains(&format!("<{request_id}>")) && refs.contains("<clarify-1@police.example>"),
        "{refs}"
    );
    assert!(
        header(&raw, "Subject").unwrap().contains("[POL-0002]"),
        "{raw}"
    );
    assert!(header(&raw, "Reply-To").unwrap().contains("foi+"), "{raw}");
    assert!(raw.contains("filename=\"sites.pdf\""), "{raw}");
    let case = w.json(["case", "show", "POL-0002", "--json"]);
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"clarification_sent"), "{kinds:?}");
    assert_eq!(case["case"]["status"], "awaiting_response");
    let dl = w.ok(["case", "deadline", "POL-0002", "--explain"]);
    assert!(
        dl.contains("2026-03-05"),
        "the clock restarts from the clarification:\n{dl}"
    );
}

/// A reply template with the person's words, recorded as what it is.
#[test]
fn an_internal_review_from_its_template() {
    let w = sent_campaign();
    let grounds = w.write(
        "grounds.txt",
        "You applied section 31 without a public interest test.\n",
    );
    let dry = w.ok([
        "case",
        "reply",
        "POL-0004",
        "--template",
        "internal-review",
        "--text",
        grounds.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(
        dry.contains("Subject: Request for internal review [POL-0004]"),
        "{dry}"
    );
    assert!(
        dry.contains("section 31 without a public interest test"),
        "{dry}"
    );
    assert!(dry.contains("reply:internal_review"), "{dry}");
    let err = w.fails([
        "case",
        "reply",
        "POL-0004",
        "--template",
        "no-such",
        "--text",
        grounds.to_str().unwrap(),
    ]);
    assert!(err.contains("no reply template 'no-such'"), "{err}");
    w.ok([
        "case",
        "reply",
        "POL-0004",
        "--template",
        "internal-review",
        "--text",
        grounds.to_str().unwrap(),
    ]);
    w.ok(["send"]);
    let case = w.json(["case", "show", "POL-0004", "--json"]);
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"internal_review_requested"), "{kinds:?}");
    assert_eq!(case["case"]["status"], "internal_review");
}

/// A body that wants its web form: the case is marked, listed with its text, submitted by
/// hand; the clock counts from the submission, and the list is empty after.
#[test]
fn a_portal_case_is_submitted_by_hand() {
    let w = sent_campaign();
    assert!(w
        .ok(["cases", "by-hand"])
        .contains("nothing to submit by hand"));
    let err = w.fails(["case", "channel", "POL-0006", "fax"]);
    assert!(err.contains("use email, portal or post"), "{err}");
    w.ok([
        "case",
        "channel",
        "POL-0006",
        "portal",
        "--note",
        "https://police.example/foi-form",
    ]);
    let list = w.json(["cases", "by-hand", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["reference"], "POL-0006");
    assert_eq!(list[0]["channel"], "portal");
    assert!(list[0]["note"]
        .as_str()
        .unwrap()
        .contains("https://police.example/foi-form"));
    assert!(list[0]["subject"].as_str().unwrap().contains("[POL-0006]"));
    assert!(!list[0]["text"].as_str().unwrap().is_empty());
    let table = w.ok(["cases", "by-hand"]);
    assert!(
        table.contains("foi case submitted POL-0006 --via portal"),
        "{table}"
    );

    let later = [("FOI_NOW", "2026-03-10T10:00:00Z")];
    let err = w
        .foi([
            "case",
            "submitted",
            "POL-0006",
            "--via",
            "portal",
            "--date",
            "2026-03-20",
        ])
        .envs(later)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&err.stderr).contains("is in the future"));
    let out = w
        .foi([
            "case",
            "submitted",
            "POL-0006",
            "--via",
            "portal",
            "--date",
            "2026-03-09",
            "--ref",
            "FOI-2026-117",
        ])
        .envs(later)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dl = w.json(["case", "deadline", "POL-0006", "--json"]);
    assert_eq!(dl["received"], "2026-03-09", "{dl}");
    let case = w.json(["case", "show", "POL-0006", "--json"]);
    let submitted = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "submitted")
        .unwrap()
        .clone();
    assert!(submitted["note"]
        .as_str()
        .unwrap()
        .contains("their reference FOI-2026-117"));
    assert!(w
        .ok(["cases", "by-hand"])
        .contains("nothing to submit by hand"));
}

/// The dashboard: a reply previewed then queued by staff, refused to a viewer; the By hand
/// page lists a portal case and records its submission.
#[tokio::test]
async fn the_dashboard_replies_and_records_submissions() {
    let w = seeded();
    w.ok([
        "case",
        "channel",
        "POL-0007",
        "post",
        "--note",
        "FOI Officer, 1 High St",
    ]);
    let mut vic = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    let page = vic.get("/cases/POL-0003").await;
    assert!(!page.body.contains("/cases/POL-0003/reply"));
    let csrf = vic.csrf().await;
    let r = vic
        .post(
            "/cases/POL-0003/reply",
            &[("csrf", &csrf), ("text", "hello"), ("go", "send")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let by_hand = vic.get("/by-hand").await;
    assert!(
        by_hand.body.contains("POL-0007") && !by_hand.body.contains("/cases/POL-0007/submitted")
    );

    let mut sam = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = sam.get("/cases/POL-0003").await;
    assert!(page.body.contains("action=\"/cases/POL-0003/reply\""));
    assert!(page
        .body
        .contains("Ask for an internal review, with grounds"));
    let csrf = page.csrf();
    let before = outbox(&w).len();
    let r = sam
        .post(
            "/cases/POL-0003/reply",
            &[
                ("csrf", &csrf),
                ("template", "internal-review"),
                ("text", "Section 31 <b>misapplied</b>."),
                ("as", ""),
                ("go", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Request for internal review [POL-0003]"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Section 31 &#60;b&#62;misapplied") && !r.body.contains("<b>misapplied"),
        "escaped: {}",
        r.body
    );
    assert_eq!(outbox(&w).len(), before, "a preview queues nothing");
    let r = sam
        .post(
            "/cases/POL-0003/reply",
            &[
                ("csrf", &csrf),
                ("template", "internal-review"),
                ("text", ""),
                ("go", "send"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("needs your words"), "{}", r.body);
    let r = sam
        .post(
            "/cases/POL-0003/reply",
            &[
                ("csrf", &csrf),
                ("template", "internal-review"),
                ("text", "Section 31 misapplied."),
                ("as", ""),
                ("go", "send"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/cases/POL-0003?ok=replied");
    assert!(outbox(&w).iter().any(|o| o["reference"] == "POL-0003"
        && o["kind"] == "reply:internal_review"
        && o["state"] == "queued"));

    let page = sam.get("/by-hand").await;
    assert!(
        page.body.contains("FOI Officer, 1 High St"),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let r = sam
        .post(
            "/cases/POL-0007/submitted",
            &[
                ("csrf", &csrf),
                ("via", "post"),
                ("date", "2026-04-14"),
                ("their_ref", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dl = w.json(["case", "deadline", "POL-0007", "--json"]);
    assert_eq!(dl["received"], "2026-04-14");
    assert!(!sam
        .get("/by-hand")
        .await
        .body
        .contains("FOI Officer, 1 High St"));
}

/// End to end through Postfix and Dovecot: the body asks for a clarification from its own
/// mailbox; `case reply` with a file attached lands in the body's mailbox threaded to it.
#[tokio::test(flavor = "multi_thread")]
async fn a_real_reply_to_a_clarification_request_reaches_the_body() {
    let s = servers();
    let ours = s.unique_address("group", "example.org");
    let w = crate::ingest::imap_workdir(s, &ours);
    let body = s.unique_address("body", "council.example");
    let f = w.write(
        "b.csv",
        format!("id,name,email,foi_contact\nK1,Council,{body},FOI Team\n"),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "RPL");
    assert!(w.ok(["send"]).starts_with("sent 1,"));
    let got = s.wait_for_messages(&body, 1, Duration::from_secs(30)).await;
    let request = String::from_utf8_lossy(&got[0]).to_string();
    let reply_to = header(&request, "Reply-To").unwrap();
    let reply_to = reply_to
        .rsplit_once('<')
        .map(|(_, r)| r.trim_end_matches('>'))
        .unwrap_or(reply_to)
        .to_string();
    let request_id = header(&request, "Message-ID").unwrap().to_string();
    let question = format!(
        "From: {body}\r\nTo: {reply_to}\r\nSubject: Re: Freedom of Information request\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <clarify-e2e@council.example>\r\nIn-Reply-To: {request_id}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease could you clarify which sites you mean? We need more information before we can answer.\r\n"
    );
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(&s.smtp_host)
            .port(s.smtp_port)
            .build();
    let env = lettre::address::Envelope::new(
        Some(body.parse().unwrap()),
        vec![reply_to.parse().unwrap()],
    )
    .unwrap();
    lettre::AsyncTransport::send_raw(&transport, &env, question.as_bytes())
        .await
        .unwrap();
    s.wait_for_messages(&ours, 1, Duration::from_secs(30)).await;
    assert!(crate::ingest::fetch_imap(&w).starts_with("new 1, matched 1"));
    assert_eq!(
        w.json(["case", "show", "RPL-0001", "--json"])["case"]["status"],
        "clarification_requested"
    );

    let text = w.write("clarify.txt", "Every public space camera you operate.\n");
    let pdf = w.write("sites.pdf", b"%PDF-1.4\n% the sites\n");
    w.ok([
        "case",
        "reply",
        "RPL-0001",
        "--text",
        text.to_str().unwrap(),
        "--attach",
        pdf.to_str().unwrap(),
    ]);
    assert!(w.ok(["send"]).starts_with("sent 1,"));
    let got = s.wait_for_messages(&body, 2, Duration::from_secs(30)).await;
    let ours_reply = got
        .iter()
        .map(|m| String::from_utf8_lossy(m).to_string())
        .find(|m| m.contains("Every public space camera"))
        .expect("the reply in the body's mailbox");
    assert_eq!(
        header(&ours_reply, "In-Reply-To"),
        Some("<clarify-e2e@council.example>")
    );
    let refs = unfolded(&ours_reply, "References");
    assert!(refs.contains(&request_id), "{refs}");
    assert!(header(&ours_reply, "Subject")
        .unwrap()
        .contains("[RPL-0001]"));
    assert!(
        ours_reply.contains("filename=\"sites.pdf\""),
        "{ours_reply}"
    );
    let case = w.json(["case", "show", "RPL-0001", "--json"]);
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"clarification_sent"), "{kinds:?}");
}
