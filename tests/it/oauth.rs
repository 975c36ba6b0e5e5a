//! OAuth2 end to end, against the real servers: the local identity provider
//! (`scripts/mailtest-idp.py`: device, token, introspection and revocation endpoints), Dovecot
//! checking its access tokens by introspection (IMAP), and Postfix asking Dovecot (SMTP AUTH).
//! No password is configured anywhere here: a login can only succeed with a token.

use crate::support::mail::{servers, MailServers};
use crate::support::Workdir;
use std::io::{BufRead, Read, Write};
use std::time::{Duration, Instant};

/// A POST of a form to the identity provider; its status and JSON answer.
fn idp_post(s: &MailServers, path: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    idp_request(s, "POST", path, &body)
}

fn idp_request(s: &MailServers, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    let addr = s.idp().trim_start_matches("http://").to_owned();
    let mut tcp = std::net::TcpStream::connect(&addr)
        .unwrap_or_else(|e| panic!("the identity provider at {addr} does not answer: {e}"));
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        tcp,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    tcp.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let json = raw.split_once("\r\n\r\n").map_or("null", |(_, b)| b);
    (status, serde_json::from_str(json).unwrap_or_default())
}

/// What the provider saw for this client: `device`, `device_token`, `refresh`,
/// `refresh_refused`, `introspect_active`, `introspect_inactive`, `revoke` ...
fn idp_events(s: &MailServers, client_id: &str) -> Vec<String> {
    let (_, events) = idp_request(
        s,
        "GET",
        &format!("/admin/events?client_id={client_id}"),
        "",
    );
    events
        .as_array()
        .expect("a list of events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A working folder whose IMAP (fetch) and SMTP (send) log in to the test servers as
/// `mailbox` with OAuth2 (`mechanism`), signing in at the local provider as `client_id`.
fn oauth_workdir(s: &MailServers, mailbox: &str, client_id: &str, mechanism: &str) -> Workdir {
    let w = Workdir::new();
    let (local, _) = mailbox.split_once('@').unwrap();
    let idp = s.idp();
    w.set_section("sender", &format!("name = \"Alex Campaigner\"\nemail = \"{mailbox}\"\nreply_address = \"{local}+{{token}}@example.org\"\norganisation = \"Example Group\""));
    w.set_section("imap", &format!("host = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_cert = \"{}\"\nusername = \"{mailbox}\"\nauth = \"oauth2\"", s.imaps_port, s.ca_cert.display()));
    w.set_section(
        "fetch",
        "source = \"imap\"\nfolders = [\"INBOX\"]\npoll_secs = 1",
    );
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"{}\"\nport = {}\ntls = \"none\"\nusername = \"{mailbox}\"\nauth = \"oauth2\"",
            s.smtp_host, s.smtp_port
        ),
    );
    w.set_section("oauth2", &format!("provider = \"generic\"\nclient_id = \"{client_id}\"\ndevice_url = \"{idp}/device\"\ntoken_url = \"{idp}/token\"\nrevocation_url = \"{idp}/revoke\"\nscopes = [\"imap\", \"smtp\"]\nmechanism = \"{mechanism}\""));
    w.set_section("send_window", "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false");
    w.set_section("pacing", "max_attempts = 3");
    w
}

/// `foi auth login`, approved at the provider (as the person would, in a browser) once it has
/// shown its code; returns everything it wrote to stderr.
fn sign_in(w: &Workdir, s: &MailServers, mailbox: &str, verbose: bool) -> String {
    let args: &[&str] = if verbose {
        &["-vv", "auth", "login"]
    } else {
        &["auth", "login"]
    };
    let mut child = w.spawn(args, &[], true);
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let code = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "foi auth login ended without showing a code:\n{seen}"
        );
        seen.push_str(&line);
        if let Some(rest) = line.strip_prefix("and enter the code ") {
            break rest.trim().to_owned();
        }
    };
    assert!(seen.contains(&format!("{}/activate", s.idp())), "{seen}");
    let (status, _) = idp_post(
        s,
        "/admin/approve",
        &[("user_code", &code), ("username", mailbox)],
    );
    assert_eq!(status, 200, "the provider knows the code {code}");
    stderr.read_to_string(&mut seen).unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "foi auth login failed:\n{seen}");
    seen
}

fn token_file(w: &Workdir) -> serde_json::Value {
    let text = std::fs::read_to_string(w.path().join("data/oauth2-token.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// An email from a council with no case: it lands in triage.
fn stray_email(to: &str, subject: &str) -> String {
    format!("From: x@council.example\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{subject}.{}@council.example>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\ntext\r\n", std::process::id())
}

async fn deliver(s: &MailServers, mailbox: &str, email: String) {
    let mut session = foi::net::imap::connect(&s.imap_settings_for(mailbox))
        .await
        .unwrap();
    foi::net::imap::append(&mut session, "INBOX", email.as_bytes(), &[])
        .await
        .unwrap();
    session.logout().await.ok();
}

fn triage_count(w: &Workdir) -> usize {
    w.json(["triage", "list", "--json"])
        .as_array()
        .unwrap()
        .len()
}

/// One council at `council` and the example campaign to it, launched (queued, not sent).
fn one_request_queued(w: &Workdir, council: &str) {
    let f = w.write(
        "b.csv",
        format!("id,name,email,foi_contact\nK1,Council,{council},FOI Team\n"),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "OA");
}

/// The device sign-in, then a fetch and a send that log in with `mechanism` only, then
/// logout (which revokes the refresh token at the provider and deletes the file).
async fn sign_in_fetch_send_logout(mechanism: &str) {
    let s = servers();
    let mailbox = s.unique_address("oauth", "example.org");
    let client = format!("foi-{mechanism}-{}", std::process::id());
    let w = oauth_workdir(s, &mailbox, &client, mechanism);
    let before = w.ok(["auth", "status"]);
    assert!(
        before.contains("is not signed in") && before.contains("foi auth login"),
        "{before}"
    );

    sign_in(&w, s, &mailbox, false);
    let path = w.path().join("data/oauth2-token.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the token file is readable only by its owner: {mode:o}"
        );
    }
    let status = w.json(["auth", "status", "--json"]);
    assert_eq!(status["signed_in"], true);
    assert_eq!(status["account"], mailbox.as_str());
    assert_eq!(status["scopes"], serde_json::json!(["imap", "smtp"]));
    assert_eq!(status["expired"], false);
    assert!(status["expires_at"].is_string(), "{status}");
    let shown = w.ok(["auth", "status"]);
    assert!(
        shown.contains(&mailbox) && shown.contains("imap smtp"),
        "{shown}"
    );
    assert!(!shown.contains(token_file(&w)["refresh_token"].as_str().unwrap()));

    // fetch over IMAP with the token
    deliver(s, &mailbox, stray_email(&mailbox, "first")).await;
    let out = w.ok(["fetch"]);
    assert!(out.starts_with("new 1,"), "{out}");
    assert_eq!(triage_count(&w), 1);
    let log = std::fs::read_to_string(s.dir.join("dovecot/dovecot.log")).unwrap();
    let login = format!("user=<{mailbox}>, method={}", mechanism.to_uppercase());
    assert!(log.contains(&login), "Dovecot logged no {login}");

    // send through Postfix with the token (SMTP AUTH through Dovecot's SASL)
    let council = s.unique_address("council", "example.org");
    one_request_queued(&w, &council);
    let sent = w.ok(["send"]);
    assert!(sent.starts_with("sent 1,"), "{sent}");
    let got = s
        .wait_for_messages(&council, 1, Duration::from_secs(20))
        .await;
    assert!(String::from_utf8_lossy(&got[0]).contains("OA-0001"));
    let maillog = std::fs::read_to_string(s.dir.join("postfix/maillog")).unwrap();
    let auth = format!(
        "sasl_method={}, sasl_username={mailbox}",
        mechanism.to_uppercase()
    );
    assert!(maillog.contains(&auth), "Postfix logged no {auth}");
    assert!(idp_events(s, &client).contains(&"introspect_active".to_owned()));

    // logout: the provider revokes the refresh token, the file goes, nothing logs in
    let out = w.ok(["auth", "logout"]);
    assert!(
        out.contains("signed out") && out.contains("revoked"),
        "{out}"
    );
    assert!(!path.exists());
    assert!(idp_events(s, &client).contains(&"revoke".to_owned()));
    let err = w.fails(["fetch"]);
    assert!(err.contains("run `foi auth login`"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn device_sign_in_then_fetch_and_send_with_xoauth2() {
    sign_in_fetch_send_logout("xoauth2").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn device_sign_in_then_fetch_and_send_with_oauthbearer() {
    sign_in_fetch_send_logout("oauthbearer").await;
}

/// Access tokens that live 2 seconds: `foi run` (fetching every second) refreshes them
/// before they expire and goes on fetching, without a restart; the rotated refresh token is
/// saved; no expired token ever reaches the server.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_expiring_during_foi_run_is_refreshed() {
    let s = servers();
    let mailbox = s.unique_address("oauthrun", "example.org");
    let client = format!("foi-run-{}", std::process::id());
    idp_post(
        s,
        "/admin/client",
        &[("client_id", &client), ("access_ttl", "2")],
    );
    let w = oauth_workdir(s, &mailbox, &client, "xoauth2");
    sign_in(&w, s, &mailbox, false);
    let first_refresh = token_file(&w)["refresh_token"].clone();

    deliver(s, &mailbox, stray_email(&mailbox, "before")).await;
    let mut child = w.spawn(&["run", "--no-chasers"], &[], false);
    let wait = |what: &str, done: &dyn Fn() -> bool, child: &mut std::process::Child| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "foi run stopped while {what}"
            );
            assert!(Instant::now() < deadline, "foi run: {what} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait(
        "fetching the first email",
        &|| triage_count(&w) == 1,
        &mut child,
    );
    wait(
        "refreshing the token",
        &|| {
            idp_events(s, &client)
                .iter()
                .filter(|e| *e == "refresh")
                .count()
                >= 2
        },
        &mut child,
    );
    deliver(s, &mailbox, stray_email(&mailbox, "after")).await;
    wait(
        "fetching the email sent after the refresh",
        &|| triage_count(&w) == 2,
        &mut child,
    );
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "foi run exits 0 on SIGTERM"
    );

    let events = idp_events(s, &client);
    assert!(
        !events.contains(&"introspect_inactive".to_owned()),
        "{events:?}"
    );
    assert!(
        !events.contains(&"refresh_refused".to_owned()),
        "{events:?}"
    );
    assert_ne!(
        token_file(&w)["refresh_token"],
        first_refresh,
        "the rotated refresh token is kept"
    );
}

/// The refresh token revoked at the provider (the access token with it): fetch, send and run
/// each stop with the one sentence saying to sign in again, and change nothing: the email
/// stays on the server unread, the request stays queued, nothing is marked failed.
#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_sign_in_stops_with_one_sentence_and_changes_nothing() {
    let s = servers();
    let mailbox = s.unique_address("oauthrevoked", "example.org");
    let client = format!("foi-revoked-{}", std::process::id());
    let w = oauth_workdir(s, &mailbox, &client, "xoauth2");
    sign_in(&w, s, &mailbox, false);
    let council = s.unique_address("council", "example.org");
    one_request_queued(&w, &council);
    deliver(s, &mailbox, stray_email(&mailbox, "unread")).await;
    let refresh = token_file(&w)["refresh_token"].as_str().unwrap().to_owned();
    let (status, _) = idp_post(s, "/revoke", &[("token", &refresh), ("client_id", &client)]);
    assert_eq!(status, 200);
    let snapshot = w.snapshot();

    for args in [vec!["fetch"], vec!["send"], vec!["run", "--no-chasers"]] {
        let err = w.fails(&args);
        assert!(
            err.contains("no longer valid")
                && err.contains("run `foi auth login` to sign in again"),
            "{args:?}: {err}"
        );
        assert_eq!(
            err.matches("error:").count(),
            1,
            "{args:?}: one sentence: {err}"
        );
        assert!(!err.contains(&refresh), "{args:?}");
    }
    assert_eq!(w.snapshot(), snapshot);
    // queued as before and never attempted (the row notes why it was not sent)
    let states = w.json(["outbox", "--json"]);
    assert!(
        states
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["state"] == "queued" && e["attempts"] == 0),
        "{states}"
    );
    assert_eq!(triage_count(&w), 0);
    assert_eq!(
        s.inbox(&mailbox).await.len(),
        1,
        "the email stays on the server"
    );
    assert!(s.inbox(&council).await.is_empty(), "nothing was sent");
    assert!(idp_events(s, &client).contains(&"refresh_refused".to_owned()));
}

/// At `-vv` (everything at trace level) neither the sign-in, nor a fetch that refreshes the
/// token, nor a send writes a refresh token (old or new) to the log, nor the IMAP access token.
#[tokio::test(flavor = "multi_thread")]
async fn the_refresh_token_never_appears_in_logs() {
    let s = servers();
    let mailbox = s.unique_address("oauthlog", "example.org");
    let client = format!("foi-log-{}", std::process::id());
    idp_post(
        s,
        "/admin/client",
        &[("client_id", &client), ("access_ttl", "1")],
    );
    let w = oauth_workdir(s, &mailbox, &client, "xoauth2");
    let mut logs = sign_in(&w, s, &mailbox, true);
    let mut secrets = vec![token_file(&w)["refresh_token"].as_str().unwrap().to_owned()];
    // (a one-second token: by the time fetch logs in it must be refreshed)
    let deadline = Instant::now() + Duration::from_secs(10);
    while w.json(["auth", "status", "--json"])["expired"] != true {
        assert!(
            Instant::now() < deadline,
            "a one-second token never expired"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    deliver(s, &mailbox, stray_email(&mailbox, "logged")).await;
    let out = w.foi(["-vv", "fetch"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fetch_log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        fetch_log.contains("OAuth2 access token refreshed"),
        "{fetch_log}"
    );
    secrets.push(token_file(&w)["refresh_token"].as_str().unwrap().to_owned());
    secrets.push(token_file(&w)["access_token"].as_str().unwrap().to_owned());
    logs.push_str(&fetch_log);
    let council = s.unique_address("council", "example.org");
    one_request_queued(&w, &council);
    let out = w.foi(["-vv", "send"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    secrets.push(token_file(&w)["refresh_token"].as_str().unwrap().to_owned());
    logs.push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "-vv logs at trace level"
    );
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a token is in the log");
    }
}

/// A GET of `target` from `addr` (host:port): the status and the whole answer.
fn http_get(addr: &str, target: &str) -> (u16, String) {
    let mut tcp = std::net::TcpStream::connect(addr)
        .unwrap_or_else(|e| panic!("nothing answers at {addr}: {e}"));
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        tcp,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    tcp.read_to_string(&mut raw).unwrap();
    (raw[9..12].parse().unwrap(), raw)
}

/// The value of a header of a raw HTTP answer.
fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A working folder signing in with `provider = "google"`, its endpoints pointed at the local
/// provider (the preset's are Google's own), and the provider's consent screen answered for
/// `client` as `mailbox` would (or refused, with `deny`).
fn google_workdir(s: &MailServers, mailbox: &str, client: &str, deny: bool) -> Workdir {
    let w = oauth_workdir(s, mailbox, client, "xoauth2");
    let idp = s.idp();
    w.set_section("oauth2", &format!("provider = \"google\"\nclient_id = \"{client}\"\nauthorize_url = \"{idp}/authorize\"\ndevice_url = \"{idp}/device\"\ntoken_url = \"{idp}/token\"\nrevocation_url = \"{idp}/revoke\""));
    let deny = if deny { "1" } else { "0" };
    let (status, _) = idp_post(
        s,
        "/admin/consent",
        &[("client_id", client), ("username", mailbox), ("deny", deny)],
    );
    assert_eq!(status, 200);
    w
}

/// `foi auth login` for Google, started: its stderr (read so far) and the sign-in URL it
/// printed, parsed.
fn start_browser_sign_in(
    w: &Workdir,
    s: &MailServers,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
    String,
    oauth2::url::Url,
) {
    let mut child = w.spawn(&["auth", "login"], &[], true);
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "foi auth login ended without showing a sign-in address:\n{seen}"
        );
        seen.push_str(&line);
        if line.starts_with(&format!("{}/authorize?", s.idp())) {
            break oauth2::url::Url::parse(line.trim()).unwrap();
        }
    };
    // (and the line after it, which names the redirect foi waits for)
    stderr.read_line(&mut seen).unwrap();
    (child, stderr, seen, url)
}

/// Google's device grant cannot give the mail scope, so `foi auth login` signs in to Google in
/// a browser: the authorisation-code grant with PKCE and a loopback redirect. Here the local
/// provider stands in for Google and the test for the browser: it opens the printed address
/// (the provider redirects with a code), and the redirect reaches foi's listener. A redirect
/// with another state is refused and the wait goes on. The tokens then fetch over IMAP.
#[tokio::test(flavor = "multi_thread")]
async fn google_signs_in_in_a_browser_with_pkce_and_a_loopback_redirect() {
    let s = servers();
    let mailbox = s.unique_address("google", "example.org");
    let client = format!("foi-google-{}", std::process::id());
    let w = google_workdir(s, &mailbox, &client, false);
    let (mut child, mut stderr, mut seen, url) = start_browser_sign_in(&w, s);

    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], client);
    assert_eq!(q["scope"], "https://mail.google.com/");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "a SHA-256 in base64url");
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert_eq!(q["login_hint"], mailbox);
    assert!(q["state"].len() >= 16, "{q:?}");
    let redirect = q["redirect_uri"].clone();
    let loopback = redirect
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix('/'))
        .unwrap_or_else(|| panic!("not a loopback redirect: {redirect}"));
    let loopback = format!("127.0.0.1:{loopback}");
    assert!(seen.contains(&redirect), "{seen}");

    // A forged redirect (another state) is refused and changes nothing.
    let (status, _) = http_get(&loopback, "/?code=ac-forged&state=not-ours");
    assert_eq!(status, 400);

    // The browser: the provider's page redirects to foi with the code and the state.
    let idp = s.idp().trim_start_matches("http://").to_owned();
    let target = &url.as_str()[url.as_str().find("/authorize").unwrap()..];
    let (status, raw) = http_get(&idp, target);
    assert_eq!(status, 302, "{raw}");
    let location = header(&raw, "Location").expect("a redirect").to_owned();
    assert!(location.starts_with(&redirect), "{location}");
    let (status, page) = http_get(&loopback, &location[redirect.len() - 1..]);
    assert_eq!(status, 200);
    assert!(page.contains("Signed in"), "{page}");

    stderr.read_to_string(&mut seen).unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "foi auth login failed:\n{seen}");
    let tokens = token_file(&w);
    assert_eq!(tokens["account"], mailbox.as_str());
    assert_eq!(tokens["provider"], "google");
    let events = idp_events(s, &client);
    assert!(
        events.contains(&"authorize".to_owned()) && events.contains(&"code_token".to_owned()),
        "{events:?}"
    );
    assert!(!events.contains(&"code_refused".to_owned()), "{events:?}");
    assert!(!events.contains(&"device".to_owned()), "{events:?}");
    let status = w.json(["auth", "status", "--json"]);
    assert_eq!(status["signed_in"], true);
    assert_eq!(
        status["scopes"],
        serde_json::json!(["https://mail.google.com/"])
    );

    // The tokens work: a fetch over IMAP with XOAUTH2.
    deliver(s, &mailbox, stray_email(&mailbox, "google")).await;
    let out = w.ok(["fetch"]);
    assert!(out.starts_with("new 1,"), "{out}");
}

/// A sign-in refused on the provider's consent screen, and one never finished in the
/// browser, each end with one sentence saying what to do, and leave no token file.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_or_abandoned_browser_sign_in_says_what_to_do() {
    let s = servers();
    let mailbox = s.unique_address("google", "example.org");
    let client = format!("foi-google-deny-{}", std::process::id());
    let w = google_workdir(s, &mailbox, &client, true);
    let (mut child, mut stderr, mut seen, url) = start_browser_sign_in(&w, s);
    let idp = s.idp().trim_start_matches("http://").to_owned();
    let (status, raw) = http_get(
        &idp,
        &url.as_str()[url.as_str().find("/authorize").unwrap()..],
    );
    assert_eq!(status, 302, "{raw}");
    let location = header(&raw, "Location").unwrap().to_owned();
    assert!(location.contains("error=access_denied"), "{location}");
    let loopback = location
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let target = &location[location.find(&loopback).unwrap() + loopback.len()..];
    let (status, page) = http_get(&loopback, target);
    assert_eq!(status, 200);
    assert!(page.contains("refused"), "{page}");
    stderr.read_to_string(&mut seen).unwrap();
    assert!(!child.wait().unwrap().success());
    assert!(
        seen.contains("the sign-in was refused at the provider (access_denied)")
            && seen.contains("run `foi auth login` again"),
        "{seen}"
    );
    assert!(!w.path().join("data/oauth2-token.json").exists());

    // Nobody finishes the sign-in: foi stops waiting when its time is up.
    let started = Instant::now();
    let err = w.fails(["auth", "login", "--timeout", "1"]);
    assert!(
        err.contains("no sign-in came back from the browser within 1 s")
            && err.contains("run `foi auth login` again"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(!w.path().join("data/oauth2-token.json").exists());
}
