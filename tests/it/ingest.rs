//! Ingestion: replies read from the Maildir (the embedded default) and from a real Dovecot
//! over IMAP are kept, classified and attached to their cases, or left in triage.

use crate::support::mail::{servers, MailServers, NOUSER_DOMAIN};
use crate::support::{repo_path, sent_campaign, Workdir};
use std::time::Duration;

struct CaseInfo {
    reference: String,
    token: String,
    body_email: String,
    message_id: String,
}

fn case_info(w: &Workdir, reference: &str) -> CaseInfo {
    let c = w.json(["case", "show", reference, "--json"]);
    let out = w.json(["outbox", "--json"]);
    let row = out
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == reference)
        .unwrap()
        .clone();
    CaseInfo {
        reference: reference.into(),
        token: c["case"]["token"].as_str().unwrap().into(),
        body_email: c["case"]["body_email"].as_str().unwrap().into(),
        message_id: row["message_id"].as_str().unwrap().into(),
    }
}

fn email(from: &str, to: &str, subject: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <{}@body.example>\r\n{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len() * 7919 + body.len()
    )
}

fn with_pdf(from: &str, to: &str, subject: &str, extra: &str, text: &str, name: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Wed, 04 Mar 2026 09:00:00 +0000\r\nMessage-ID: <pdf-{}@body.example>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs\r\n--XX--\r\n",
        text.len()
    )
}

fn drop_in_maildir(w: &Workdir, name: &str, content: &str) {
    w.write(&format!("maildir/new/{name}"), content);
}

fn case_json(w: &Workdir, r: &str) -> serde_json::Value {
    w.json(["case", "show", r, "--json"])
}

#[test]
fn replies_in_the_maildir_land_on_their_cases_classified() {
    let w = sent_campaign();
    let a = case_info(&w, "POL-0001");
    let b = case_info(&w, "POL-0002");
    let c = case_info(&w, "POL-0003");
    let d = case_info(&w, "POL-0004");
    // An acknowledgement to the reply address: matched by token, their reference learnt.
    drop_in_maildir(&w, "1.eml", &email(&a.body_email, &format!("foi+{}@example.org", a.token), "Re: Freedom of Information request", "",
        "Dear Alex,\r\n\r\nWe acknowledge receipt of your request for information, which we received on 2 March 2026.\r\nWe will respond within 20 working days.\r\n\r\nOur ref: FOI-2026-0113\r\n"));
    // A response with a PDF, threaded (In-Reply-To), sent to the plain address: matched by thread.
    drop_in_maildir(
        &w,
        "2.eml",
        &with_pdf(
            &b.body_email,
            "foi@example.org",
            "Your request",
            &format!("In-Reply-To: <{}>\r\n", b.message_id),
            "Please find attached our response to your request.",
            "../../etc/passwd.pdf",
        ),
    );
    // A refusal quoting the case reference in the subject, from another address at the
    // body's domain (a reference alone from a stranger would go to triage, unverified).
    let records = format!("records@{}", c.body_email.split_once('@').unwrap().1);
    drop_in_maildir(&w, "3.eml", &email(&records, "foi@example.org", &format!("Refusal notice [{}]", c.reference), "",
        "We are refusing your request under section 12 of the Freedom of Information Act, as the cost of compliance would exceed the appropriate limit. Some names are exempt under section 40(2)."));
    // An out-of-office reply: kept, no status change.
    drop_in_maildir(
        &w,
        "4.eml",
        &email(
            &d.body_email,
            &format!("foi+{}@example.org", d.token),
            "Automatic reply: Freedom of Information request",
            "Auto-Submitted: auto-replied\r\n",
            "I am out of the office until Monday with limited access to email.",
        ),
    );
    // A stranger: triage.
    drop_in_maildir(
        &w,
        "5.eml",
        &email(
            "someone@random.example",
            "foi@example.org",
            "Hello",
            "",
            "Is this the right address for my question?",
        ),
    );

    let out = w.ok(["fetch"]);
    assert!(
        out.starts_with("new 5, matched 4, triage 1, already stored 0"),
        "{out}"
    );
    let again = w.ok(["fetch"]);
    assert!(
        again.starts_with("new 0, matched 0, triage 0, already stored 5"),
        "{again}"
    );

    let ca = case_json(&w, &a.reference);
    assert_eq!(ca["case"]["status"], "acknowledged");
    let inbound = ca["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "inbound")
        .unwrap()
        .clone();
    assert_eq!(inbound["classification"], "acknowledgement");
    assert_eq!(inbound["body_reference"], "FOI-2026-0113");
    assert_eq!(
        inbound["cases"][0],
        serde_json::json!([a.reference, "token"])
    );

    let cb = case_json(&w, &b.reference);
    assert_eq!(cb["case"]["status"], "successful");
    let resp = cb["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "inbound")
        .unwrap()
        .clone();
    assert_eq!(resp["classification"], "response");
    assert_eq!(resp["cases"][0][1], "thread");
    let att = &resp["attachments"][0];
    assert_eq!(
        att["file_name"], "passwd.pdf",
        "no path survives in a file name"
    );
    let saved = w.path().join("saved.pdf");
    w.ok([
        "attachment",
        "save",
        &att["id"].to_string(),
        "--out",
        saved.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&saved).unwrap().starts_with(b"%PDF-1.4"));

    let cc = case_json(&w, &c.reference);
    assert_eq!(cc["case"]["status"], "refused");
    let refusal = cc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "refusal")
        .unwrap()
        .clone();
    assert!(
        refusal["note"].as_str().unwrap().contains("s12"),
        "{refusal}"
    );

    let cd = case_json(&w, &d.reference);
    assert_eq!(
        cd["case"]["status"], "awaiting_response",
        "an auto-reply changes nothing"
    );
    assert!(cd["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["classification"] == "auto-reply"));

    // Triage: attach the stranger's email to a case, after a look.
    let triage = w.json(["triage", "list", "--json"]);
    let t = triage.as_array().unwrap();
    assert_eq!(t.len(), 1);
    assert!(
        t[0]["reason"]
            .as_str()
            .unwrap()
            .contains("someone@random.example"),
        "{t:?}"
    );
    let id = t[0]["id"].to_string();
    w.ok(["triage", "attach", &id, "POL-0005", "POL-0006"]);
    assert_eq!(
        w.json(["triage", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert!(case_json(&w, "POL-0006")["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == t[0]["id"]));
    // Overriding a classification; the raw bytes are kept exactly.
    let out = w.ok(["message", "classify", &id, "clarification-request"]);
    assert!(
        out.contains("POL-0005: clarification_requested, now clarification_requested"),
        "{out}"
    );
    for r in ["POL-0005", "POL-0006"] {
        let cj = case_json(&w, r);
        assert_eq!(
            cj["case"]["status"], "clarification_requested",
            "the case follows a person's classification"
        );
        assert!(cj["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "staff"));
    }
    let raw = w
        .foi(["message", "show", &id, "--raw"])
        .output()
        .unwrap()
        .stdout;
    assert!(String::from_utf8_lossy(&raw).contains("Is this the right address"));
    let e = w.fails(["message", "classify", &id, "spam"]);
    assert!(!e.is_empty());
    let text = w.ok(["case", "show", "POL-0002"]);
    assert!(
        text.contains("<- response") && text.contains("passwd.pdf"),
        "{text}"
    );
}

#[test]
fn hostile_and_broken_mail_is_kept_never_fatal() {
    let w = sent_campaign();
    drop_in_maildir(
        &w,
        "garbage.eml",
        "\u{0}\u{1}\u{2} this is not an email at all",
    );
    drop_in_maildir(&w, "html.eml", "From: x@y.example\r\nTo: foi@example.org\r\nSubject: =?utf-8?b?8J+Ygg==?= hi\r\nContent-Type: text/html\r\n\r\n<p onclick=\"evil()\">Hello<script>alert(1)</script><img src=\"http://tracker.example/p.gif\"></p>\r\n");
    let out = w.ok(["fetch"]);
    assert!(out.starts_with("new 2, matched 0, triage 2"), "{out}");
    let t = w.json(["triage", "list", "--json"]);
    for m in t.as_array().unwrap() {
        let text = m["text_body"].as_str().unwrap_or("");
        assert!(
            !text.contains("<script>") && !text.contains("alert(1)"),
            "{text}"
        );
    }
    // mbox import of the same bytes stores nothing twice.
    let mbox = w.write("export.mbox", "From x@y Mon Mar  2 10:00:00 2026\nFrom: x@y.example\nTo: foi@example.org\nSubject: via mbox\n\nhello\n");
    let out = w.ok(["import-mail", mbox.to_str().unwrap()]);
    assert!(out.starts_with("new 1,"), "{out}");
    let out = w.ok(["import-mail", mbox.to_str().unwrap()]);
    assert!(
        out.starts_with("new 0, matched 0, triage 0, already stored 1"),
        "{out}"
    );
}

pub fn imap_workdir(s: &MailServers, mailbox: &str) -> Workdir {
    let w = Workdir::new();
    let (local, _) = mailbox.split_once('@').unwrap();
    w.set_section("sender", &format!("name = \"Alex Campaigner\"\nemail = \"{mailbox}\"\nreply_address = \"{local}+{{token}}@example.org\"\norganisation = \"Example Group\""));
    w.set_section("imap", &format!("host = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_cert = \"{}\"\nusername = \"{mailbox}\"\npassword_env = \"FOI_TEST_IMAP_PASSWORD\"", s.imaps_port, s.ca_cert.display()));
    w.set_section(
        "fetch",
        "source = \"imap\"\nfolders = [\"INBOX\"]\nbatch_size = 2",
    );
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"{}\"\nport = {}\ntls = \"none\"",
            s.smtp_host, s.smtp_port
        ),
    );
    w.set_section("send_window", "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false");
    w.set_section("pacing", "max_attempts = 3");
    w
}

/// One council (`foi@<domain>`) and the example campaign to it launched (`PREFIX-0001`),
/// sent as `.eml` files.
fn one_council_launched(w: &Workdir, domain: &str, prefix: &str) {
    w.set_section("transport", "kind = \"files\"");
    let f = w.write(
        "b.csv",
        format!("id,name,email,foi_contact\nK1,Council,foi@{domain},FOI Team\n"),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", prefix);
}

pub fn fetch_imap(w: &Workdir) -> String {
    with_imap_password(w, &["fetch"])
}

/// What `foi args` printed, run with the test mailbox's IMAP password (it must succeed).
pub fn with_imap_password(w: &Workdir, args: &[&str]) -> String {
    let out = w
        .foi(args)
        .env("FOI_TEST_IMAP_PASSWORD", "secret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Append emails to a folder of the test mailbox, in order.
pub async fn append_all(
    session: &mut foi::net::imap::ImapSession,
    folder: &str,
    emails: impl IntoIterator<Item = String>,
) {
    for m in emails {
        foi::net::imap::append(session, folder, m.as_bytes(), &[])
            .await
            .unwrap();
    }
}

/// Reply number `i` to `to`, from a council that has no case.
pub fn numbered_reply(to: &str, i: usize) -> String {
    email(
        "x@council.example",
        to,
        &format!("Reply {i}"),
        "",
        &format!("text {i}"),
    )
}

/// The subjects of the emails in triage.
fn triage_subjects(w: &Workdir) -> Vec<String> {
    w.json(["triage", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect()
}

/// End to end through real servers: requests go out through Postfix; the bodies answer
/// from their own mailboxes; one address does not exist, so Postfix itself sends a
/// delivery report back. Everything is fetched over IMAP and lands on its case.
#[tokio::test(flavor = "multi_thread")]
async fn end_to_end_replies_and_a_real_bounce_over_imap() {
    let s = servers();
    let ours = s.unique_address("group", "example.org");
    let w = imap_workdir(s, &ours);
    let bodies: Vec<String> = (0..3)
        .map(|_| s.unique_address("body", "council.example"))
        .collect();
    let dead = s.unique_address("gone", NOUSER_DOMAIN);
    let mut csv = String::from("id,name,email,foi_contact\n");
    for (i, a) in bodies.iter().chain([&dead]).enumerate() {
        csv.push_str(&format!("K{i},Council {i},{a},FOI Team\n"));
    }
    let f = w.write("b.csv", csv);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "E2E");
    assert!(w.ok(["send"]).starts_with("sent 4,"));

    // Each body replies to the Reply-To of the request it received.
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(&s.smtp_host)
            .port(s.smtp_port)
            .build();
    for (i, body) in bodies.iter().enumerate() {
        let got = s.wait_for_messages(body, 1, Duration::from_secs(30)).await;
        let req = String::from_utf8_lossy(&got[0]).to_string();
        let reply_to = req
            .lines()
            .find_map(|l| l.strip_prefix("Reply-To: "))
            .unwrap();
        let reply_to = reply_to
            .rsplit_once('<')
            .map(|(_, r)| r.trim_end_matches('>'))
            .unwrap_or(reply_to)
            .trim()
            .to_string();
        let mid = req
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap()
            .trim()
            .to_string();
        let text = match i {
            0 => "Thank you for your request. We acknowledge receipt and will respond within 20 working days. Reference: FOI/26/0042",
            1 => "Please could you clarify which sites you mean? We need more information before we can answer.",
            _ => "Please find below our response. We hold the information: 12 cameras are made by Hikvision.",
        };
        let raw = email(
            body,
            &reply_to,
            "Re: Freedom of Information request",
            &format!("In-Reply-To: {mid}\r\n"),
            text,
        );
        let env = lettre::address::Envelope::new(
            Some(body.parse().unwrap()),
            vec![reply_to.parse().unwrap()],
        )
        .unwrap();
        lettre::AsyncTransport::send_raw(&transport, &env, raw.as_bytes())
            .await
            .unwrap();
    }
    // 3 replies + 1 delivery report from Postfix.
    s.wait_for_messages(&ours, 4, Duration::from_secs(30)).await;
    let out = fetch_imap(&w);
    assert!(out.starts_with("new 4, matched 4, triage 0"), "{out}");
    let status = |r: &str| {
        case_json(&w, r)["case"]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let cases = w.json(["cases", "list", "--json"]);
    let by_email = |e: &str| {
        cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["body_email"] == e)
            .unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status(&by_email(&bodies[0])), "acknowledged");
    assert_eq!(status(&by_email(&bodies[1])), "clarification_requested");
    assert_eq!(status(&by_email(&bodies[2])), "successful");
    let bounced = by_email(&dead);
    assert_eq!(status(&bounced), "delivery_failed");
    let cj = case_json(&w, &bounced);
    let report = cj["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "inbound")
        .unwrap()
        .clone();
    assert_eq!(report["classification"], "bounce");
    assert!(
        cj["body"]["email_flag"]
            .as_str()
            .unwrap()
            .contains("bounce"),
        "{cj}"
    );

    // Fetching again stores nothing twice; nothing was marked read or deleted.
    let again = fetch_imap(&w);
    assert!(
        again.starts_with("new 0, matched 0, triage 0, already stored 0"),
        "{again}"
    );
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    assert_eq!(
        foi::net::imap::fetch_all_raw(&mut session, "INBOX")
            .await
            .unwrap()
            .len(),
        4
    );
}

/// A UIDVALIDITY change (the folder was recreated) re-reads it without duplicates.
#[tokio::test(flavor = "multi_thread")]
async fn a_uidvalidity_change_creates_no_duplicates() {
    let s = servers();
    let ours = s.unique_address("uidv", "example.org");
    let w = imap_workdir(s, &ours);
    w.set_section(
        "fetch",
        "source = \"imap\"\nfolders = [\"Replies\"]\nbatch_size = 2",
    );
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    let msgs: Vec<String> = (0..5).map(|i| numbered_reply(&ours, i)).collect();
    session.create("Replies").await.unwrap();
    append_all(&mut session, "Replies", msgs.clone()).await;
    assert!(fetch_imap(&w).starts_with("new 5,"));
    // Recreate the folder: new UIDVALIDITY, same emails.
    session.delete("Replies").await.unwrap();
    session.create("Replies").await.unwrap();
    append_all(&mut session, "Replies", msgs).await;
    let extra = email("y@council.example", &ours, "One more", "", "new text");
    append_all(&mut session, "Replies", [extra]).await;
    let out = fetch_imap(&w);
    assert!(
        out.starts_with("new 1, matched 0, triage 1, already stored 5"),
        "{out}"
    );
}

/// The same email twice in a folder, in neighbouring batches and further apart (a batch is
/// kept while the one before is recorded): it is stored and put in triage once.
#[tokio::test(flavor = "multi_thread")]
async fn the_same_email_in_neighbouring_batches_is_stored_once() {
    let s = servers();
    let ours = s.unique_address("twice", "example.org");
    let w = imap_workdir(s, &ours);
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    let reply = |i: usize| numbered_reply(&ours, i);
    // batch_size = 2: [0, 1] [0, 2] [3, 1] [4, 0]
    append_all(&mut session, "INBOX", [0, 1, 0, 2, 3, 1, 4, 0].map(reply)).await;
    let out = fetch_imap(&w);
    assert!(
        out.starts_with("new 5, matched 0, triage 5, already stored 3"),
        "{out}"
    );
    let mut subjects = triage_subjects(&w);
    subjects.sort();
    assert_eq!(
        subjects,
        (0..5).map(|i| format!("Reply {i}")).collect::<Vec<_>>()
    );
}

/// Kill `foi fetch` mid-way (the IMAP connection drops with it) and fetch again: no gap,
/// no duplicate.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_fetch_resumes_without_gap_or_duplicate() {
    let s = servers();
    let ours = s.unique_address("resume", "example.org");
    let w = imap_workdir(s, &ours);
    w.set_section(
        "fetch",
        "source = \"imap\"\nfolders = [\"INBOX\"]\nbatch_size = 5",
    );
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    let n = 600;
    let emails = (0..n).map(|i| {
        email(
            &format!("sender{i}@council.example"),
            &ours,
            &format!("Message {i}"),
            "",
            &format!("body {i}"),
        )
    });
    append_all(&mut session, "INBOX", emails).await;
    let stored = |w: &Workdir| {
        w.json(["triage", "list", "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    let mut child = w.spawn(&["fetch"], &[("FOI_TEST_IMAP_PASSWORD", "secret")], false);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while stored(&w) < 30 {
        assert!(std::time::Instant::now() < deadline, "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the fetch finished before it could be interrupted"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = stored(&w);
    assert!(before < n, "interrupted mid-way");
    let out = fetch_imap(&w);
    assert_eq!(stored(&w), n, "every email is stored exactly once: {out}");
    // Every email processed once: its own subject (a kept, unprocessed one has none).
    let subjects: std::collections::HashSet<String> = triage_subjects(&w).into_iter().collect();
    let expected: std::collections::HashSet<String> =
        (0..n).map(|i| format!("Message {i}")).collect();
    assert_eq!(
        subjects, expected,
        "no gap, no duplicate, none left unprocessed"
    );
}

fn ack_for(w: &Workdir, reference: &str) -> String {
    let a = case_info(w, reference);
    email(
        &a.body_email,
        &format!("foi+{}@example.org", a.token),
        "Re: request",
        "",
        "We acknowledge receipt of your request and will respond within 20 working days.",
    )
}

fn stop(mut child: std::process::Child) {
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "foi run exits 0 on SIGTERM"
    );
}

/// The lines a running `foi` writes to stderr (read on a thread of their own, so the
/// child never blocks on a full pipe).
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Wait (at most until `deadline`) for a line of `lines` that contains `needle`.
fn wait_for_line(
    lines: &std::sync::mpsc::Receiver<String>,
    needle: &str,
    deadline: std::time::Instant,
) {
    loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .unwrap_or_else(|_| panic!("foi never logged {needle:?}"));
        if line.contains(needle) {
            return;
        }
    }
}

/// `foi run` fetches replies as they arrive, every `[fetch] poll_secs` (polling the
/// Maildir here; its own turn when nothing is due is 30 seconds), also without chasers.
#[test]
fn foi_run_fetches_replies_every_poll_interval() {
    let w = sent_campaign();
    w.set_section(
        "fetch",
        "source = \"maildir\"\nmaildir = \"maildir\"\npoll_secs = 1",
    );
    let mut child = w.spawn(&["run", "--no-chasers"], &[("RUST_LOG", "foi=debug")], true);
    let lines = stderr_lines(&mut child);
    // Its first fetch finds nothing: the reply comes with a later poll.
    let started = std::time::Instant::now() + Duration::from_secs(30);
    wait_for_line(&lines, "turn done: fetched 0 new", started);
    drop_in_maildir(&w, "ack.eml", &ack_for(&w, "POL-0001"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while case_json(&w, "POL-0001")["case"]["status"] != "acknowledged" {
        assert!(
            std::time::Instant::now() < deadline,
            "foi run did not fetch the reply within 10 s with poll_secs = 1"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    stop(child);
}

/// Without `-v`, `foi run` says what it is doing: a line when it starts, and a brief line
/// for a turn that fetched (or sent, or chased); its log, piped here as into a file, has
/// no colour codes, with or without `NO_COLOR`.
#[test]
fn foi_run_says_what_it_does_without_v_and_without_colour() {
    for no_color in [None, Some("1")] {
        let w = sent_campaign();
        w.set_section(
            "fetch",
            "source = \"maildir\"\nmaildir = \"maildir\"\npoll_secs = 1",
        );
        let envs: Vec<(&str, &str)> = no_color.iter().map(|v| ("NO_COLOR", *v)).collect();
        let mut child = w.spawn(&["run", "--no-chasers"], &envs, true);
        let lines = stderr_lines(&mut child);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        let next = |seen: &mut Vec<String>| {
            let line = lines
                .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
                .unwrap_or_else(|_| panic!("foi run stopped talking; it said: {seen:#?}"));
            seen.push(line.clone());
            line
        };
        while !next(&mut seen).contains("running: fetching replies every 1s") {}
        drop_in_maildir(&w, "ack.eml", &ack_for(&w, "POL-0001"));
        while !next(&mut seen).contains("fetched 1 new (1 matched, 0 in triage)") {}
        stop(child);
        for line in &seen {
            assert!(
                !line.contains('\u{1b}'),
                "a colour code in the log: {line:?}"
            );
            assert!(
                !line.contains("turn done"),
                "a debug line without -v: {line}"
            );
        }
    }
}

/// One process reads mail at a time: while another holds the reading lock (here this
/// test), `foi fetch` and `foi import-mail` stop with one clear error and record nothing;
/// once it is released they read as usual.
#[test]
fn a_second_reader_of_mail_is_refused_while_one_reads() {
    let w = sent_campaign();
    drop_in_maildir(&w, "ack.eml", &ack_for(&w, "POL-0001"));
    let file = w.write("ack-copy.eml", ack_for(&w, "POL-0001"));
    let config = foi::config::Config::load(&w.config()).unwrap();
    let held = foi::lock::ProcessLock::acquire(&config.data_dir(), "ingest.lock", "held").unwrap();
    for args in [vec!["fetch"], vec!["import-mail", file.to_str().unwrap()]] {
        let err = w.fails(&args);
        assert!(
            err.contains("is reading mail: try again"),
            "{args:?}: {err}"
        );
    }
    assert_ne!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
    assert!(w
        .json(["triage", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    drop(held);
    w.ok(["fetch"]);
    assert_eq!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
}

/// An email kept but not processed (a fetch cut off after keeping it) is not for a person
/// to act on: attaching, dismissing or classifying it is refused with what to do, and it
/// stays unprocessed, so the next fetch processes it.
#[tokio::test]
async fn an_email_kept_but_not_processed_cannot_be_acted_on() {
    let w = sent_campaign();
    let config = foi::config::Config::load(&w.config()).unwrap();
    let store = foi::store::Store::open(&config.database_path())
        .await
        .unwrap();
    let raw = ack_for(&w, "POL-0001").into_bytes();
    let raws = std::sync::Arc::new(vec![raw]);
    let kept = store
        .keep_inbound(
            raws.clone(),
            &["test"],
            crate::support::NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    let id = kept[0].0.to_string();
    for args in [
        vec!["triage", "attach", id.as_str(), "POL-0001"],
        vec!["triage", "dismiss", id.as_str(), "--reason", "spam"],
        vec!["message", "classify", id.as_str(), "response"],
    ] {
        let err = w.fails(&args);
        assert!(err.contains("is not processed yet"), "{args:?}: {err}");
    }
    let classified = || async {
        let m = store.message(kept[0].0).await.unwrap().unwrap();
        m.classification.is_some()
    };
    assert!(!classified().await);
    // The next read of the same email processes the kept one.
    drop_in_maildir(&w, "ack.eml", std::str::from_utf8(&raws[0]).unwrap());
    w.ok(["fetch"]);
    assert!(classified().await);
    assert_eq!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
}

/// `foi run --no-fetch` sends and sweeps but reads no replies: one of its turns (stepped,
/// `--once`) leaves the reply in the Maildir, where a fetch then finds it.
#[test]
fn foi_run_no_fetch_reads_no_replies() {
    let w = sent_campaign();
    w.set_section(
        "fetch",
        "source = \"maildir\"\nmaildir = \"maildir\"\npoll_secs = 1",
    );
    drop_in_maildir(&w, "ack.eml", &ack_for(&w, "POL-0001"));
    let turn = w.ok(["run", "--once", "--no-fetch"]);
    assert!(
        turn.starts_with("one turn: no fetch, took 0 chaser step(s)"),
        "{turn}"
    );
    assert_ne!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
    let turn = w.ok(["run", "--once", "--no-chasers"]);
    assert!(
        turn.starts_with("one turn: fetched 1 new, no chaser sweep"),
        "{turn}"
    );
    assert_eq!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
    w.ok(["fetch"]);
    assert_eq!(case_json(&w, "POL-0001")["case"]["status"], "acknowledged");
}

/// With IMAP, `foi run` is woken by IDLE: a reply is fetched at once, long before the
/// (here hour-long) poll interval.
#[tokio::test(flavor = "multi_thread")]
async fn foi_run_is_woken_by_imap_idle() {
    let s = servers();
    let ours = s.unique_address("idle", "example.org");
    let w = imap_workdir(s, &ours);
    w.set_section(
        "fetch",
        "source = \"imap\"\nfolders = [\"INBOX\"]\npoll_secs = 3600",
    );
    one_council_launched(&w, "idle-council.example", "IDL");
    w.ok(["send"]);
    let token = case_json(&w, "IDL-0001")["case"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut child = w.spawn(
        &["run"],
        &[
            ("FOI_TEST_IMAP_PASSWORD", "secret"),
            ("RUST_LOG", "foi=info"),
        ],
        true,
    );
    let lines = stderr_lines(&mut child);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    wait_for_line(&lines, "watching INBOX with IMAP IDLE", deadline);
    let reply = email(
        "foi@idle-council.example",
        &format!("{}+{token}@example.org", ours.split('@').next().unwrap()),
        "Re: request",
        "",
        "We acknowledge receipt of your request and will respond within 20 working days.",
    );
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    foi::net::imap::append(&mut session, "INBOX", reply.as_bytes(), &[])
        .await
        .unwrap();
    while case_json(&w, "IDL-0001")["case"]["status"] != "acknowledged" {
        assert!(
            std::time::Instant::now() < deadline,
            "IDLE did not wake foi run"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// After storing, IMAP mail can be keyworded or moved, never deleted; an email over the
/// size limit is kept raw and flagged, not parsed; triage can be dismissed.
#[tokio::test(flavor = "multi_thread")]
async fn keyword_move_size_limit_and_dismiss() {
    let s = servers();
    let ours = s.unique_address("after", "example.org");
    let w = imap_workdir(s, &ours);
    w.set_section("fetch", "source = \"imap\"\nfolders = [\"INBOX\"]\nafter = \"keyword\"\nkeyword = \"$FoiProcessed\"\nmax_message_mb = 1");
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    let big = email(
        "big@council.example",
        &ours,
        "A very large reply",
        "",
        &"x".repeat(1_200_000),
    );
    foi::net::imap::append(&mut session, "INBOX", big.as_bytes(), &[])
        .await
        .unwrap();
    let small = email("small@council.example", &ours, "A small reply", "", "hello");
    foi::net::imap::append(&mut session, "INBOX", small.as_bytes(), &[])
        .await
        .unwrap();
    assert!(fetch_imap(&w).starts_with("new 2, matched 0, triage 2"));
    session.select("INBOX").await.unwrap();
    let flagged = session.uid_search("KEYWORD $FoiProcessed").await.unwrap();
    assert_eq!(flagged.len(), 2, "both emails keyworded, none deleted");
    let t = w.json(["triage", "list", "--json"]);
    let big_row = t
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["problem"].is_string())
        .expect("the large email is flagged");
    assert!(
        big_row["problem"]
            .as_str()
            .unwrap()
            .contains("over the limit"),
        "{big_row}"
    );
    let raw = w
        .foi(["message", "show", &big_row["id"].to_string(), "--raw"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(raw, big.as_bytes(), "kept byte for byte");
    w.ok([
        "triage",
        "dismiss",
        &big_row["id"].to_string(),
        "--reason",
        "spam",
    ]);
    assert_eq!(
        w.json(["triage", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let e = w.fails([
        "triage",
        "dismiss",
        &big_row["id"].to_string(),
        "--reason",
        "again",
    ]);
    assert!(e.contains("not in triage"), "{e}");

    // Move: a new email goes to the processed folder.
    w.set_section("fetch", "source = \"imap\"\nfolders = [\"INBOX\"]\nafter = \"move\"\nprocessed_folder = \"Archive\"");
    let third = email("third@council.example", &ours, "Third", "", "moved");
    foi::net::imap::append(&mut session, "INBOX", third.as_bytes(), &[])
        .await
        .unwrap();
    assert!(fetch_imap(&w).starts_with("new 1,"));
    let archived = foi::net::imap::fetch_all_raw(&mut session, "Archive")
        .await
        .unwrap();
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].1, third.as_bytes());
    let inbox = foi::net::imap::fetch_all_raw(&mut session, "INBOX")
        .await
        .unwrap();
    assert!(
        inbox.iter().all(|(_, raw)| raw != third.as_bytes()),
        "moved, not copied"
    );
}

/// A reply fetched from the mailbox cancels the chasers waiting for approval on its case.
#[test]
fn a_fetched_reply_cancels_pending_chasers() {
    let w = Workdir::new();
    w.import_examples();
    let camp = w.path().join("camp");
    std::fs::create_dir_all(&camp).unwrap();
    for f in ["subject.hbs", "body.txt.hbs", "campaign.toml"] {
        std::fs::copy(
            std::path::Path::new(&repo_path("examples/cctv-campaign")).join(f),
            camp.join(f),
        )
        .unwrap();
    }
    let ladder = format!(
        "\n[[chasers]]\nstep = \"acknowledgement\"\ntrigger = \"no_acknowledgement\"\nafter = 5\ntemplate = \"{}\"\nmode = \"approve\"\n",
        repo_path("templates/chasers/acknowledgement")
    );
    let toml = std::fs::read_to_string(camp.join("campaign.toml")).unwrap() + &ladder;
    std::fs::write(camp.join("campaign.toml"), toml).unwrap();
    w.create_campaign(camp.to_str().unwrap(), "tag:police", "POL");
    w.ok(["campaign", "launch", "c"]);
    w.ok(["send"]);
    let later = "2026-03-11T10:00:00Z"; // 7 working days after the requests
    let run = w
        .foi(["chasers", "run"])
        .env("FOI_NOW", later)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pending = |w: &Workdir| -> Vec<String> {
        let out = w
            .foi(["chasers", "pending", "--json"])
            .env("FOI_NOW", later)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(pending(&w).len(), 7);
    let a = case_info(&w, "POL-0001");
    drop_in_maildir(
        &w,
        "ack.eml",
        &email(
            &a.body_email,
            &format!("foi+{}@example.org", a.token),
            "Re: request",
            "",
            "We acknowledge receipt of your request and will respond within 20 working days.",
        ),
    );
    let out = w.foi(["fetch"]).env("FOI_NOW", later).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("new 1, matched 1"));
    let left = pending(&w);
    assert_eq!(left.len(), 6);
    assert!(!left.contains(&"POL-0001".to_string()), "{left:?}");
}

/// Emails read in one fetch are ingested as one batch: the result must be the same as one
/// by one. A body reference learnt from the first email matches the second; the same
/// bytes twice are stored once.
#[test]
fn a_batch_learns_from_its_own_earlier_emails_and_keeps_duplicates_out() {
    let w = sent_campaign();
    let a = case_info(&w, "POL-0001");
    // An acknowledgement by token, giving the body's own reference...
    drop_in_maildir(&w, "1.eml", &email(&a.body_email, &format!("foi+{}@example.org", a.token), "Re: Freedom of Information request", "",
        "Dear Alex,\r\n\r\nWe acknowledge receipt of your request.\r\n\r\nOur ref: FOI-2026-0777\r\n"));
    // ...then the response from another address, naming only that reference.
    let response = email(
        "disclosure@shared-services.example",
        "foi@example.org",
        "Your information request",
        "",
        "Please find our response below.\r\n\r\nOur ref: FOI-2026-0777\r\n\r\nWe hold no such records.",
    );
    drop_in_maildir(&w, "2.eml", &response);
    // The same bytes a second time (a copy in another folder, a re-delivery).
    drop_in_maildir(&w, "3.eml", &response);

    let out = w.ok(["fetch"]);
    assert!(
        out.starts_with("new 2, matched 2, triage 0, already stored 1"),
        "{out}"
    );
    let ca = case_json(&w, &a.reference);
    let methods: Vec<String> = ca["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .map(|m| m["cases"][0][1].as_str().unwrap().to_string())
        .collect();
    assert_eq!(methods, ["token", "body_reference"], "{ca}");
}

/// Inbound bytes (raw emails, attachments) are kept once, in a pack beside the database,
/// read back exactly, and a damaged pack is a clear error rather than wrong bytes.
#[test]
fn inbound_bytes_are_kept_once_in_a_pack_beside_the_database() {
    let w = sent_campaign();
    let mail = with_pdf(
        "foi@council.example",
        "foi@example.org",
        "Your request",
        "",
        "Please find the answer attached.",
        "answer.pdf",
    );
    drop_in_maildir(&w, "pdf.eml", &mail);
    assert!(w.ok(["fetch"]).starts_with("new 1,"));
    let folder = w.path().join("foi.db.blobs");
    let packs: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = std::fs::read(&packs[0]).unwrap();
    assert!(pack.starts_with(b"FOI-PACK 1\n"));
    let held = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(held(&pack, mail.as_bytes()), "the raw email is in the pack");
    assert!(
        held(&pack, b"%PDF-1.4"),
        "the decoded attachment is in the pack"
    );
    let db = std::fs::read(w.path().join("foi.db")).unwrap();
    let wal = std::fs::read(w.path().join("foi.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(
            !held(bytes, b"JVBERi0xLjQKJcfs"),
            "the raw email is not in the database"
        );
    }

    let t = w.json(["triage", "list", "--json"]);
    let id = t[0]["id"].to_string();
    let raw = w
        .foi(["message", "show", &id, "--raw"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(raw, mail.as_bytes(), "the raw bytes come back exactly");
    let shown = w.json(["message", "show", &id, "--json"]);
    let att = shown["attachments"][0]["id"].to_string();
    let saved = w.path().join("answer.pdf");
    w.ok(["attachment", "save", &att, "--out", saved.to_str().unwrap()]);
    assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.4\n%\xc7\xec");

    // The same email again is stored once: the pack does not grow.
    let again = w.write("again.eml", &mail);
    let out = w.ok(["import-mail", again.to_str().unwrap()]);
    assert!(out.contains("already stored 1"), "{out}");
    assert_eq!(std::fs::read(&packs[0]).unwrap().len(), pack.len());

    // A damaged pack is found out, and said.
    let at = pack
        .windows(20)
        .position(|w| w == &mail.as_bytes()[..20])
        .unwrap();
    let mut damaged = pack.clone();
    damaged[at] ^= 0x20;
    std::fs::write(&packs[0], damaged).unwrap();
    let e = w.fails(["message", "show", &id, "--raw"]);
    assert!(e.contains("does not match its SHA-256"), "{e}");
}

/// A blob folder that cannot be written stops the fetch with one error naming it; nothing
/// is recorded, and the email is stored by the next fetch once the folder is mended.
#[test]
fn a_blob_folder_that_cannot_be_written_stops_the_fetch_and_loses_nothing() {
    let w = sent_campaign();
    drop_in_maildir(
        &w,
        "reply.eml",
        &email(
            "foi@council.example",
            "foi@example.org",
            "Your request",
            "",
            "Our answer.",
        ),
    );
    let folder = w.path().join("foi.db.blobs");
    std::fs::write(&folder, "not a folder").unwrap();
    let before = w.snapshot();
    let e = w.fails(["fetch"]);
    assert!(
        e.contains("cannot create the blob folder") && e.contains("foi.db.blobs"),
        "{e}"
    );
    assert_eq!(w.snapshot(), before);
    let triage = w.json(["triage", "list", "--json"]);
    assert_eq!(triage.as_array().unwrap().len(), 0, "{triage}");
    std::fs::remove_file(&folder).unwrap();
    let out = w.ok(["fetch"]);
    assert!(out.starts_with("new 1, matched 0, triage 1"), "{out}");
}

/// The IMAP password is read once per process start, however many parts need it: a
/// `password_command` that counts its runs runs once for a turn of `foi run` that both
/// appends the sent email to the Sent folder and fetches replies over IMAP.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_command_runs_once_per_process() {
    let s = servers();
    let ours = s.unique_address("pwonce", "example.org");
    let w = imap_workdir(s, &ours);
    let runs = w.path().join("password-runs");
    let text = std::fs::read_to_string(w.config()).unwrap().replace(
        "password_env = \"FOI_TEST_IMAP_PASSWORD\"",
        &format!(
            "password_command = \"echo run >> {}; echo {}\"",
            runs.display(),
            crate::support::mail::PASSWORD
        ),
    );
    std::fs::write(w.config(), text).unwrap();
    w.set_section("sent_copy", "enabled = true\nfolder = \"Sent\"");
    one_council_launched(&w, "pwonce-council.example", "PWO");
    let out = w.ok(["run", "--once", "--no-chasers"]);
    assert!(
        out.contains("fetched 0 new") && out.contains("sent 1"),
        "{out}"
    );
    // (it did need the password twice: the sent email is in the Sent folder)
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&ours))
        .await
        .unwrap();
    let sent = foi::net::imap::fetch_all_raw(&mut session, "Sent")
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    let runs = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(runs.lines().count(), 1, "the password command ran {runs:?}");
}
