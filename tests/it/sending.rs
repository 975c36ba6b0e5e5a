//! Sending through real Postfix (SMTP on loopback) delivering into Dovecot, read back over
//! IMAP: exactly-once delivery, headers, failures, retries, pacing, windows and crashes.

use crate::support::mail::{servers, MailServers, SmtpSink, REJECT_DOMAIN};
use crate::support::Workdir;
use std::collections::HashMap;
use std::time::Duration;

/// A working folder that sends through the test Postfix with no pacing limits and an
/// always-open window, with `n` bodies at fresh addresses (plus any `extra` addresses).
fn smtp_workdir(s: &MailServers, tag: &str, n: usize, extra: &[String]) -> (Workdir, Vec<String>) {
    let w = Workdir::new();
    smtp_config(&w, s, s.smtp_port, "");
    let mut addrs: Vec<String> = (0..n)
        .map(|_| s.unique_address(tag, "council.example"))
        .collect();
    addrs.extend(extra.iter().cloned());
    let mut csv = String::from("id,name,email,tags,foi_contact\n");
    for (i, a) in addrs.iter().enumerate() {
        csv.push_str(&format!(
            "B{i:04},Body {i} & Partners,{a},council,FOI Team\n"
        ));
    }
    let f = w.write("bodies.csv", csv);
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    (w, addrs)
}

pub(crate) fn smtp_config(w: &Workdir, s: &MailServers, port: u16, pacing: &str) {
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"{}\"\nport = {port}\ntls = \"none\"\nsessions = 4\ntimeout_secs = 10",
            s.smtp_host
        ),
    );
    w.set_section(
        "pacing",
        &format!("max_attempts = 3\nretry_base_secs = 60\n{pacing}"),
    );
    w.set_section(
        "send_window",
        "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false",
    );
}

fn launch(w: &Workdir, prefix: &str) {
    w.create_campaign(
        &crate::support::repo_path("examples/cctv-campaign"),
        "all",
        prefix,
    );
    w.ok(["campaign", "launch", "c"]);
}

fn outbox(w: &Workdir) -> Vec<serde_json::Value> {
    w.json(["outbox", "--json"]).as_array().unwrap().clone()
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    msg.split("\r\n\r\n")
        .next()?
        .split("\r\n")
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_body_receives_exactly_one_request_with_its_headers() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "exact", 6, &[]);
    launch(&w, "EX");
    let out = w.ok(["send"]);
    assert!(
        out.starts_with("sent 6, retried 0, failed 0, uncertain 0"),
        "{out}"
    );
    let cases = w.json(["cases", "list", "--json"]);
    let by_email: HashMap<String, serde_json::Value> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["body_email"].as_str().unwrap().to_string(), c.clone()))
        .collect();
    let rows = outbox(&w);
    for addr in &addrs {
        let got = s.wait_for_messages(addr, 1, Duration::from_secs(20)).await;
        // Any duplicate is delivered before counting.
        s.wait_until_delivered(&[addr], Duration::from_secs(30));
        let got_again = s.inbox(addr).await;
        assert_eq!(
            got_again.len(),
            1,
            "{addr} received {} copies",
            got_again.len()
        );
        let text = String::from_utf8(got[0].clone()).unwrap();
        let case = &by_email[addr];
        let reference = case["reference"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        assert!(
            header(&text, "Subject")
                .unwrap()
                .contains(&format!("[{reference}]"))
                || text.contains(&format!("[{reference}]")),
            "{text}"
        );
        assert!(
            header(&text, "Reply-To")
                .unwrap()
                .contains(&format!("foi+{token}@example.org")),
            "{text}"
        );
        assert_eq!(header(&text, "X-FOI-Reference"), Some(reference));
        let row = rows.iter().find(|r| r["reference"] == reference).unwrap();
        assert_eq!(row["state"], "sent");
        let mid = row["message_id"].as_str().unwrap();
        assert_eq!(
            header(&text, "Message-ID"),
            Some(format!("<{mid}>").as_str())
        );
        // What arrived is exactly what we stored, after the headers the servers prepend.
        let id = row["id"].to_string();
        let stored = w
            .foi(["outbox", "show", &id, "--raw"])
            .output()
            .unwrap()
            .stdout;
        assert!(
            got[0].ends_with(&stored),
            "the stored bytes differ from what {addr} received"
        );
        // The envelope sender is the case's reply address, so bounces find their case.
        assert_eq!(
            header(&text, "Return-Path"),
            Some(format!("<foi+{token}@example.org>").as_str())
        );
        let show = w.json(["case", "show", reference, "--json"]);
        assert_eq!(show["case"]["status"], "awaiting_response");
        assert_eq!(show["events"][0]["kind"], "sent");
        assert_eq!(show["events"][0]["occurred_on"], "2026-03-02");
    }
    // A second run sends nothing more.
    let again = w.ok(["send"]);
    assert!(again.starts_with("sent 0, retried 0, failed 0"), "{again}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_refusal_fails_alone_and_flags_the_address() {
    let s = servers();
    let bad = s.unique_address("refused", REJECT_DOMAIN);
    let (w, addrs) = smtp_workdir(s, "refused", 3, std::slice::from_ref(&bad));
    launch(&w, "RJ");
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 3, retried 0, failed 1"), "{out}");
    for a in &addrs[..3] {
        assert_eq!(
            s.wait_for_messages(a, 1, Duration::from_secs(20))
                .await
                .len(),
            1
        );
    }
    let failed = w.json(["outbox", "--state", "failed", "--json"]);
    assert_eq!(failed[0]["recipient"], bad.as_str());
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{failed}"
    );
    // The server's words once, not once per error in the chain.
    let said = failed[0]["last_error"].as_str().unwrap();
    let parts: Vec<&str> = said.split(": ").collect();
    let distinct: std::collections::HashSet<&str> = parts.iter().copied().collect();
    assert_eq!(distinct.len(), parts.len(), "repeated: {said}");
    let body = w.json(["bodies", "show", &bad, "--json"]);
    assert!(body["body"]["email_flag"].as_str().unwrap().contains("550"));
    let reference = body["cases"][0]["reference"].as_str().unwrap().to_string();
    let case = w.json(["case", "show", &reference, "--json"]);
    assert_eq!(case["case"]["status"], "delivery_failed");
    assert_eq!(case["events"][0]["kind"], "delivery_failed");
    // The report counts the refusal at send time as failed (never sent, so not in sent).
    let report = w.json(["report", "c", "--format", "json"]);
    let all = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "all")
        .unwrap_or_else(|| panic!("no 'all' group: {report}"));
    assert_eq!(all["figures"]["sent"], 3, "{all}");
    assert_eq!(all["figures"]["delivered"], 3, "{all}");
    assert_eq!(all["figures"]["delivery_failed"], 1, "{all}");
    let text = w.ok(["report", "c"]);
    assert!(text.contains("1 (25%)"), "{text}");
}

/// A server that does not offer PIPELINING gets one command at a time (the test Postfix
/// does offer it, so every other test here takes the pipelined path): every body gets its
/// one copy, and a refused recipient fails alone there too.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_pipelining_gets_one_command_at_a_time() {
    let s = servers();
    let bad = s.unique_address("nopipe", REJECT_DOMAIN);
    let (w, addrs) = smtp_workdir(s, "nopipe", 4, std::slice::from_ref(&bad));
    smtp_config(&w, s, s.nopipe_port, "");
    launch(&w, "NP");
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 4, retried 0, failed 1"), "{out}");
    for a in &addrs[..4] {
        s.wait_for_messages(a, 1, Duration::from_secs(20)).await;
    }
    let to: Vec<&str> = addrs[..4].iter().map(String::as_str).collect();
    s.wait_until_delivered(&to, Duration::from_secs(30));
    for a in &addrs[..4] {
        assert_eq!(s.inbox(a).await.len(), 1, "{a}");
    }
    let failed = w.json(["outbox", "--state", "failed", "--json"]);
    assert_eq!(failed[0]["recipient"], bad.as_str());
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{failed}"
    );
}

/// A server that hangs up after the message without answering it (Postfix's smtp-sink
/// with `-q .`) may have taken the email: it is neither retried nor failed but
/// uncertain, for a person to settle, and the next run does not send it. With and
/// without PIPELINING.
#[tokio::test(flavor = "multi_thread")]
async fn no_answer_after_the_message_makes_the_email_uncertain_not_retried() {
    let s = servers();
    for (options, prefix) in [(&["-q", "."][..], "NAP"), (&["-p", "-q", "."][..], "NAN")] {
        let sink = SmtpSink::start(options);
        let (w, _) = smtp_workdir(s, "noanswer", 2, &[]);
        smtp_config(&w, s, sink.port, "");
        launch(&w, prefix);
        let out = w.foi(["send"]).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{options:?}: {stderr}");
        assert!(
            stdout.starts_with("sent 0, retried 0, failed 0, uncertain 2"),
            "{options:?}: {stdout}"
        );
        assert!(stderr.contains("no answer after their message"), "{stderr}");
        let rows = outbox(&w);
        assert_eq!(rows.len(), 2);
        for r in &rows {
            assert_eq!(r["state"], "uncertain", "{options:?}: {r}");
            assert_eq!(r["attempts"], 1, "{r}");
            assert!(
                r["last_error"]
                    .as_str()
                    .unwrap()
                    .contains("no answer to the message"),
                "{r}"
            );
        }
        let again = w.ok(["send"]);
        assert!(
            again.starts_with("sent 0, retried 0, failed 0, uncertain 0"),
            "{again}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_failure_is_retried_with_backoff_then_succeeds() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "retry", 2, &[]);
    // First through a listener that answers 450 to every recipient.
    smtp_config(&w, s, s.defer_port, "");
    launch(&w, "RT");
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 0, retried 2, failed 0"), "{out}");
    // Never "nothing is queued" while emails wait to be tried again.
    assert!(
        out.contains("2 waiting to retry, next at Mon 2026-03-02 10:01 UTC"),
        "{out}"
    );
    assert!(!out.contains("nothing is queued"), "{out}");
    let rows = outbox(&w);
    assert!(
        rows.iter()
            .all(|r| r["state"] == "queued" && r["attempts"] == 1),
        "{rows:?}"
    );
    assert!(rows[0]["last_error"].as_str().unwrap().contains("450"));
    assert_eq!(
        rows[0]["not_before"], "2026-03-02T10:01:00Z",
        "retry_base_secs = 60"
    );
    // Not due yet: nothing is attempted, and the line says what waits.
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 0, retried 0, failed 0"), "{out}");
    assert!(out.contains("2 waiting to retry, next at"), "{out}");
    let json = w.json(["send", "--json"]);
    assert_eq!(json["waiting_to_retry"], 2, "{json}");
    assert_eq!(json["next_retry_at"], "2026-03-02T10:01:00Z", "{json}");
    // The server recovers; a minute later the emails go.
    smtp_config(&w, s, s.smtp_port, "");
    let out = w
        .foi(["send"])
        .env("FOI_NOW", "2026-03-02T10:01:30Z")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.starts_with("sent 2, retried 0, failed 0"), "{out}");
    for a in &addrs {
        assert_eq!(
            s.wait_for_messages(a, 1, Duration::from_secs(20))
                .await
                .len(),
            1
        );
    }
    assert!(outbox(&w)
        .iter()
        .all(|r| r["state"] == "sent" && r["attempts"] == 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn attempts_run_out_and_the_email_fails() {
    let s = servers();
    let (w, _) = smtp_workdir(s, "giveup", 1, &[]);
    smtp_config(&w, s, s.defer_port, "");
    launch(&w, "GU");
    for (i, now) in [
        "2026-03-02T10:00:00Z",
        "2026-03-02T10:01:00Z",
        "2026-03-02T10:03:00Z",
    ]
    .iter()
    .enumerate()
    {
        let out = w.foi(["send"]).env("FOI_NOW", now).output().unwrap();
        let out = String::from_utf8_lossy(&out.stdout).to_string();
        let expect = if i < 2 {
            "sent 0, retried 1, failed 0"
        } else {
            "sent 0, retried 0, failed 1"
        };
        assert!(out.starts_with(expect), "attempt {}: {out}", i + 1);
    }
    let row = &outbox(&w)[0];
    assert_eq!(row["state"], "failed");
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("gave up after 3 attempts"),
        "{row}"
    );
    // The address given up on is flagged as a bounce's is, and `bodies list` shows it.
    let bodies = w.json(["bodies", "list", "--json"]);
    let flag = bodies[0]["email_flag"].as_str().unwrap_or("");
    assert!(flag.contains("gave up after 3 attempts"), "{bodies}");
    // (the table cuts long cells: the flag column starts with the address it names)
    let list = w.ok(["bodies", "list"]);
    let address = bodies[0]["email"].as_str().unwrap();
    assert_eq!(list.matches(address).count(), 2, "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_leaves_everything_queued() {
    let s = servers();
    let (w, _) = smtp_workdir(s, "down", 3, &[]);
    smtp_config(&w, s, 1, ""); // nothing listens on port 1
    launch(&w, "DN");
    let err = w.fails(["send"]);
    assert!(
        err.contains("nothing was sent") && err.contains("127.0.0.1:1"),
        "{err}"
    );
    assert!(outbox(&w)
        .iter()
        .all(|r| r["state"] == "queued" && r["attempts"] == 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_stops_the_run_and_marks_nothing_failed() {
    let s = servers();
    let (w, _) = smtp_workdir(s, "auth", 3, &[]);
    w.set_section(
        "smtp",
        &format!(
            "host = \"localhost\"\nport = {}\ntls = \"starttls\"\nca_cert = \"{}\"\nusername = \"foi@example.org\"\npassword_env = \"FOI_TEST_SMTP_PASSWORD\"",
            s.smtp_port,
            s.ca_cert.display()
        ),
    );
    launch(&w, "PW");
    let out = w
        .foi(["send"])
        .env("FOI_TEST_SMTP_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("refused the login") && err.contains("nothing was marked failed"),
        "{err}"
    );
    assert!(
        !err.contains("not-the-password"),
        "the password must never be printed"
    );
    assert!(outbox(&w)
        .iter()
        .all(|r| r["state"] == "queued" && r["attempts"] == 0));
    // With the right password over STARTTLS, all go.
    let out = w
        .foi(["send"])
        .env("FOI_TEST_SMTP_PASSWORD", "secret")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("sent 3"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A missing password variable is its own clear error.
    let err = w
        .foi(["send"])
        .env_remove("FOI_TEST_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&err.stderr).contains("FOI_TEST_SMTP_PASSWORD is not set"));
}

#[tokio::test(flavor = "multi_thread")]
async fn pacing_per_domain_and_the_send_window_follow_the_clock() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "paced", 5, &[]);
    smtp_config(&w, s, s.smtp_port, "per_domain_per_hour = 2");
    launch(&w, "PC");
    let out = w.ok(["send"]);
    assert!(out.starts_with("sent 2, retried 0, failed 0"), "{out}");
    assert!(
        out.contains("pacing limits hold the rest until Mon 2026-03-02 11:00 UTC"),
        "{out}"
    );
    let out = w
        .foi(["send"])
        .env("FOI_NOW", "2026-03-02T11:00:01Z")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sent 2,"));
    // The default window: Saturday is closed, it opens Monday 09:00 London.
    w.set_section(
        "send_window",
        "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]\nstart = \"09:00\"\nend = \"16:00\"",
    );
    let out = w
        .foi(["send"])
        .env("FOI_NOW", "2026-03-07T12:00:00Z")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.starts_with("sent 0,") && out.contains("opens Mon 2026-03-09 09:00 UTC"),
        "{out}"
    );
    let out = w
        .foi(["send"])
        .env("FOI_NOW", "2026-03-09T09:00:00Z")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sent 1,"));
    let mut total = 0;
    for a in &addrs {
        total += s
            .wait_for_messages(a, 1, Duration::from_secs(20))
            .await
            .len();
    }
    assert_eq!(total, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_at_pause_resume_and_cancel() {
    let s = servers();
    let (w, _) = smtp_workdir(s, "sched", 3, &[]);
    w.create_campaign(
        &crate::support::repo_path("examples/cctv-campaign"),
        "all",
        "SC",
    );
    let dry = w.ok(["campaign", "launch", "c", "--dry-run"]);
    assert!(dry.contains("would queue 3"), "{dry}");
    w.ok(["campaign", "launch", "c", "--at", "2026-03-03 09:30"]);
    assert!(w.ok(["send"]).starts_with("sent 0,"));
    let e = w.fails(["campaign", "launch", "c"]);
    assert!(e.contains("only a draft"), "{e}");
    w.ok(["campaign", "pause", "c"]);
    let out = w
        .foi(["send"])
        .env("FOI_NOW", "2026-03-03T09:31:00Z")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sent 0,"));
    w.ok(["campaign", "resume", "c"]);
    let out = w
        .foi(["send", "--limit", "1"])
        .env("FOI_NOW", "2026-03-03T09:31:00Z")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sent 1,"));
    let out = w.ok(["campaign", "cancel", "c"]);
    assert!(out.contains("2 unsent emails withdrawn"), "{out}");
    let show = w.json(["campaign", "show", "c", "--json"]);
    assert_eq!(show["by_status"]["cancelled"], 2);
    assert_eq!(show["by_status"]["awaiting_response"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_goes_to_the_sent_folder_when_asked() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "sentcopy", 2, &[]);
    let sender = s.unique_address("sender", "example.org");
    w.set_section("sent_copy", "enabled = true\nfolder = \"Sent\"");
    w.set_section(
        "imap",
        &format!(
            "host = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_cert = \"{}\"\nusername = \"{sender}\"\npassword_env = \"FOI_TEST_IMAP_PASSWORD\"",
            s.imaps_port,
            s.ca_cert.display()
        ),
    );
    launch(&w, "SENT");
    let out = w
        .foi(["send"])
        .env("FOI_TEST_IMAP_PASSWORD", "secret")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("sent 2,"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut session = foi::net::imap::connect(&s.imap_settings_for(&sender))
        .await
        .unwrap();
    let copies = foi::net::imap::fetch_all_raw(&mut session, "Sent")
        .await
        .unwrap();
    assert_eq!(copies.len(), 2);
    let received = s
        .wait_for_messages(&addrs[0], 1, Duration::from_secs(20))
        .await;
    assert!(
        copies.iter().any(|(_, raw)| received[0].ends_with(raw)),
        "the Sent copy is the exact email"
    );
}

fn count_state(w: &Workdir, state: &str) -> usize {
    w.json(["outbox", "--state", state, "--json"])
        .as_array()
        .unwrap()
        .len()
}

/// Launch 500, SIGKILL `foi send` mid-run, run it again: every body holds exactly one copy,
/// except the emails reported uncertain (at most one per SMTP session), and none is missing.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_sender_never_resends_and_never_loses_an_email() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "kill", 500, &[]);
    // The real clock, and a pace that takes several seconds (4 sessions, 8 ms apart).
    smtp_config(&w, s, s.smtp_port, "min_interval_ms = 8");
    launch(&w, "KILL");
    let mut child = w.spawn(&["send"], &[("FOI_NOW", "")], false);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while count_state(&w, "sent") < 100 {
        assert!(
            std::time::Instant::now() < deadline,
            "the sender made no progress"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sender finished before it could be killed"
        );
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let sent_before = count_state(&w, "sent");
    assert!(sent_before < 500, "killed mid-run");

    let out = w.foi(["send"]).env("FOI_NOW", "").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let uncertain = w.json(["outbox", "--state", "uncertain", "--json"]);
    let uncertain: Vec<serde_json::Value> = uncertain.as_array().unwrap().clone();
    assert!(
        uncertain.len() <= 4,
        "at most one in flight per session: {uncertain:?}"
    );
    assert!(
        stdout.contains(&format!("uncertain {}", uncertain.len())),
        "{stdout}"
    );
    assert_eq!(count_state(&w, "sent") + uncertain.len(), 500, "{stdout}");
    assert_eq!(count_state(&w, "queued") + count_state(&w, "failed"), 0);

    let uncertain_to: Vec<&str> = uncertain
        .iter()
        .map(|r| r["recipient"].as_str().unwrap())
        .collect();
    for a in &addrs {
        if uncertain_to.contains(&a.as_str()) {
            continue;
        }
        s.wait_for_messages(a, 1, Duration::from_secs(30)).await;
    }
    let to: Vec<&str> = addrs.iter().map(String::as_str).collect();
    s.wait_until_delivered(&to, Duration::from_secs(60));
    for a in &addrs {
        let n = s.inbox(a).await.len();
        if uncertain_to.contains(&a.as_str()) {
            assert!(n <= 1, "{a}: {n} copies");
        } else {
            assert_eq!(n, 1, "{a} holds {n} copies");
        }
    }
    // A person settles each uncertain email by looking at the mailbox (or the server log).
    for r in &uncertain {
        let to = r["recipient"].as_str().unwrap();
        let id = r["id"].to_string();
        let flag = if s.inbox(to).await.is_empty() {
            "--resend"
        } else {
            "--sent"
        };
        w.ok(["outbox", "resolve", &id, flag]);
    }
    w.foi(["send"]).env("FOI_NOW", "").assert().success();
    for a in &addrs {
        assert_eq!(
            s.wait_for_messages(a, 1, Duration::from_secs(30))
                .await
                .len(),
            1,
            "{a}"
        );
    }
    assert_eq!(count_state(&w, "sent"), 500);
}

/// `foi run` sends what falls due and stops cleanly on SIGTERM.
#[tokio::test(flavor = "multi_thread")]
async fn foi_run_sends_and_stops_on_sigterm() {
    let s = servers();
    let (w, addrs) = smtp_workdir(s, "run", 3, &[]);
    launch(&w, "RUN");
    let mut child = w.spawn(&["run"], &[("FOI_NOW", "")], false);
    for a in &addrs {
        assert_eq!(
            s.wait_for_messages(a, 1, Duration::from_secs(30))
                .await
                .len(),
            1
        );
    }
    // While it runs, a second sender is refused.
    let e = w.fails(["send"]);
    assert!(e.contains("another `foi send` or `foi run`"), "{e}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let code = loop {
        if let Some(code) = child.try_wait().unwrap() {
            break code;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "foi run did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(code.success(), "foi run exits 0 on SIGTERM");
    assert_eq!(count_state(&w, "sent"), 3);
}

/// A TLS mistake (implicit TLS against the plain port) stops the run with a clear
/// sentence and marks nothing failed.
#[tokio::test(flavor = "multi_thread")]
async fn a_tls_mistake_stops_the_run_and_marks_nothing_failed() {
    let s = servers();
    let (w, _) = smtp_workdir(s, "tls", 2, &[]);
    w.set_section(
        "smtp",
        &format!(
            "host = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_cert = \"{}\"\ntimeout_secs = 5",
            s.smtp_port,
            s.ca_cert.display()
        ),
    );
    launch(&w, "TLS");
    let err = w.fails(["send"]);
    assert!(
        err.contains("TLS with localhost") && err.contains("check [smtp] tls"),
        "{err}"
    );
    assert!(outbox(&w)
        .iter()
        .all(|r| r["state"] == "queued" && r["attempts"] == 0));
}
