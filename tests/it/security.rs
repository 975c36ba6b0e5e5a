//! Hardening (issue 18): what an attacker or a clumsy operator must not achieve. Secrets in
//! logs at any verbosity, sign-in limits under a burst and behind proxies, redirects after
//! sign-in, forged mail, hostile CSV cells, file modes, and bad configuration values.

use crate::support::mail::{servers, MailServers};
use crate::support::Workdir;
use crate::web::{seeded, PASSWORD, WEB_NOW};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// Every form in which a credential could leak into a log: as typed, base64 alone (AUTH
/// LOGIN), and the AUTH PLAIN blob `\0user\0password` (with and without an authzid).
/// An OAuth2 token (XOAUTH2) goes into the same list: `user=U\x01auth=Bearer T\x01\x01`.
fn leaked_forms(user: &str, secret: &str) -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        secret.to_string(),
        b64(secret),
        b64(&format!("\0{user}\0{secret}")),
        b64(&format!("{user}\0{user}\0{secret}")),
        b64(&format!("user={user}\x01auth=Bearer {secret}\x01\x01")),
    ]
}

/// A working folder that sends through the test Postfix with SMTP AUTH over STARTTLS and
/// reads its mailbox over IMAP with a password, both from environment variables.
fn authenticated_workdir(s: &MailServers) -> (Workdir, String) {
    let w = Workdir::new();
    let mailbox = s.unique_address("secrets", "example.org");
    let (local, _) = mailbox.split_once('@').unwrap();
    w.set_section("sender", &format!("name = \"Alex Campaigner\"\nemail = \"{mailbox}\"\nreply_address = \"{local}+{{token}}@example.org\"\norganisation = \"Example Group\""));
    w.set_section("transport", "kind = \"smtp\"");
    w.set_section(
        "smtp",
        &format!(
            "host = \"localhost\"\nport = {}\ntls = \"starttls\"\nca_cert = \"{}\"\nusername = \"{mailbox}\"\npassword_env = \"FOI_TEST_SMTP_PASSWORD\"",
            s.smtp_port,
            s.ca_cert.display()
        ),
    );
    w.set_section("imap", &format!("host = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_cert = \"{}\"\nusername = \"{mailbox}\"\npassword_env = \"FOI_TEST_IMAP_PASSWORD\"", s.imaps_port, s.ca_cert.display()));
    w.set_section("fetch", "source = \"imap\"\nfolders = [\"INBOX\"]");
    w.set_section("send_window", "days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]\nstart = \"00:00\"\nend = \"24:00\"\nskip_bank_holidays = false");
    w.set_section("pacing", "max_attempts = 3");
    let addr = s.unique_address("secrets-body", "council.example");
    let f = w.write(
        "bodies.csv",
        format!("id,name,email,foi_contact\nK1,Council,{addr},FOI Team\n"),
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "SEC");
    (w, mailbox)
}

/// Every command that logs in to a mail server, at `-vv` and at `RUST_LOG=trace`, with a
/// wrong password and then the right one: no form of either password is in anything the
/// command wrote.
#[tokio::test(flavor = "multi_thread")]
async fn no_password_is_logged_at_any_level() {
    let s = servers();
    let (w, mailbox) = authenticated_workdir(s);
    let wrong = "Wr0ng-Pa55word-7x9q";
    let right = crate::support::mail::PASSWORD;
    let mut secrets = leaked_forms(&mailbox, wrong);
    // The test servers' password is the word "secret", which log lines may say in another
    // sense: its encoded forms are looked for, and the plain word next to a command.
    secrets.extend(leaked_forms(&mailbox, right).into_iter().skip(1));
    secrets.extend([
        format!("\"{right}\""),
        format!(" {right}\r"),
        format!(" {right}\n"),
    ]);
    let mut logged = String::new();
    for password in [wrong, right] {
        for verbosity in [Some("-vv"), None] {
            for command in [&["send"][..], &["fetch"], &["run", "--once"]] {
                let mut cmd = w.foi(verbosity.into_iter().chain(command.iter().copied()));
                if verbosity.is_none() {
                    cmd.env("RUST_LOG", "trace");
                }
                let out = cmd
                    .env("FOI_TEST_SMTP_PASSWORD", password)
                    .env("FOI_TEST_IMAP_PASSWORD", password)
                    .output()
                    .unwrap();
                let all = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                logged.push_str(&all);
                for s in &secrets {
                    assert!(
                        !all.contains(s.as_str()),
                        "`foi {verbosity:?} {command:?}` logged {s:?}:\n{all}"
                    );
                }
            }
        }
    }
    // The commands did log at the levels asked, so the absence means something.
    assert!(logged.contains("IMAP login ok"), "{logged}");
    // And the right password did its work: the request went out.
    assert!(w.ok(["outbox"]).contains("sent"));
}

/// The host the dashboard is reached at in these tests (`[web] public_url` when set).
const PUBLIC_HOST: &str = "foi.example.org";

/// A sign-in POSTed straight to the router from `peer` (optionally through a proxy that
/// says `forwarded`), with a double-submit token of its own: (status, Location).
async fn sign_in_from(
    app: &axum::Router,
    peer: &str,
    forwarded: Option<&str>,
    user: &str,
    password: &str,
    next: &str,
) -> (StatusCode, String) {
    let (status, location, _) = sign_in(app, peer, forwarded, user, password, next).await;
    (status, location)
}

/// [`sign_in_from`], and the session cookie's value when one was set.
async fn sign_in(
    app: &axum::Router,
    peer: &str,
    forwarded: Option<&str>,
    user: &str,
    password: &str,
    next: &str,
) -> (StatusCode, String, Option<String>) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", "t0ken"),
            ("user", user),
            ("password", password),
            ("next", next),
        ])
        .finish();
    let mut req = Request::post("/login")
        .header(header::HOST, PUBLIC_HOST)
        .header(header::COOKIE, "foi_login=t0ken")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let addr = SocketAddr::new(peer.parse().unwrap(), 40000);
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.clone().oneshot(req).await.unwrap();
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("foi_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_string());
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (res.status(), location, session)
}

fn state_of(w: &Workdir, now: &str) -> impl std::future::Future<Output = foi::web::WebState> {
    let config = foi::config::Config::load(&w.config()).expect("config");
    let now = now.to_string();
    async move {
        let store = foi::store::Store::open(&config.database_path())
            .await
            .expect("store");
        let clock = Arc::new(foi::clock::FixedClock(now.parse().expect("time")));
        foi::web::WebState::new(config.settings().expect("settings"), store, clock, false)
    }
}

/// Forty guesses for one user at once: exactly the limit's five are checked, the rest are
/// refused before any password check, and no more than two argon2 checks ever ran at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_guesses_is_held_to_the_limit() {
    let w = seeded();
    let state = state_of(&w, WEB_NOW).await;
    let app = foi::web::router(state.clone());
    let guesses = (0..40).map(|i| {
        let app = app.clone();
        tokio::spawn(async move {
            sign_in_from(&app, "192.0.2.1", None, "sam", &format!("guess{i}"), "/").await
        })
    });
    let mut checked = 0;
    let mut refused = 0;
    for g in guesses.collect::<Vec<_>>() {
        match g.await.unwrap().0 {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (checked, refused),
        (foi::web::auth::MAX_FAILURES_PER_USER as usize, 35)
    );
    let peak = state.password_checks.peak();
    assert!(
        (1..=foi::web::auth::PASSWORD_CHECKS).contains(&peak),
        "{peak} password checks ran at once"
    );
}

/// Behind a trusted proxy each client is counted by its own address: one client's failures
/// lock neither the others nor the proxy; a header from an untrusted peer is ignored.
#[tokio::test]
async fn behind_a_trusted_proxy_one_client_cannot_lock_out_the_rest() {
    let w = seeded();
    w.set_section("web", "trusted_proxies = [\"10.0.0.1\"]");
    let app = foi::web::router(state_of(&w, WEB_NOW).await);
    for i in 0..foi::web::auth::MAX_FAILURES_PER_ADDRESS {
        let (status, _) = sign_in_from(
            &app,
            "10.0.0.1",
            Some("203.0.113.66"),
            &format!("guess{i}"),
            "guess",
            "/",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let attacker = sign_in_from(&app, "10.0.0.1", Some("203.0.113.66"), "ada", PASSWORD, "/").await;
    assert_eq!(attacker.0, StatusCode::TOO_MANY_REQUESTS);
    // The admin, behind the same proxy, signs in.
    let admin = sign_in_from(&app, "10.0.0.1", Some("198.51.100.5"), "ada", PASSWORD, "/").await;
    assert_eq!(admin.0, StatusCode::SEE_OTHER);
    // A client that writes its own X-Forwarded-For, not through the proxy, is its own address.
    for _ in 0..foi::web::auth::MAX_FAILURES_PER_USER {
        let r = sign_in_from(&app, "192.0.2.9", Some("198.51.100.5"), "ada", "guess", "/").await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
    }
    let admin = sign_in_from(&app, "10.0.0.1", Some("198.51.100.5"), "ada", PASSWORD, "/").await;
    assert_eq!(admin.0, StatusCode::SEE_OTHER);
}

/// Guessing one user's password from one address locks that user there only; an admin
/// lifts the lock with `foi users unlock`.
#[tokio::test]
async fn a_locked_user_signs_in_elsewhere_and_an_admin_unlocks() {
    let w = seeded();
    let app = foi::web::router(state_of(&w, WEB_NOW).await);
    for _ in 0..foi::web::auth::MAX_FAILURES_PER_USER {
        let r = sign_in_from(&app, "192.0.2.1", None, "sam", "guess", "/").await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
    }
    let r = sign_in_from(&app, "192.0.2.1", None, "sam", PASSWORD, "/").await;
    assert_eq!(r.0, StatusCode::TOO_MANY_REQUESTS);
    let r = sign_in_from(&app, "192.0.2.2", None, "sam", PASSWORD, "/").await;
    assert_eq!(r.0, StatusCode::SEE_OTHER);
    let out = w.ok(["users", "unlock", "sam"]);
    assert!(out.starts_with("sam may sign in again"), "{out}");
    let r = sign_in_from(&app, "192.0.2.1", None, "sam", PASSWORD, "/").await;
    assert_eq!(r.0, StatusCode::SEE_OTHER);
    let err = w.fails(["users", "unlock", "nobody"]);
    assert!(err.contains("no user named 'nobody'"), "{err}");
}

/// After signing in, only a plain local path is followed: a tab, a line break or a
/// backslash (which browsers drop or read as `/`) sends the user to the Overdue page.
#[tokio::test]
async fn sign_in_never_redirects_off_site() {
    let w = seeded();
    let app = foi::web::router(state_of(&w, WEB_NOW).await);
    for (i, next) in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\\evil.example",
        "//evil.example",
    ]
    .into_iter()
    .enumerate()
    {
        let peer = format!("192.0.2.{}", 10 + i);
        let (status, location) = sign_in_from(&app, &peer, None, "ada", PASSWORD, next).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/overdue", "{next:?}");
    }
    let (_, location) =
        sign_in_from(&app, "192.0.2.20", None, "ada", PASSWORD, "/triage?x=1").await;
    assert_eq!(location, "/triage?x=1");
}

/// A body named like a formula, in a region named like one, with a text answer like one:
/// every CSV we write starts those cells with `'`; `--raw-csv` writes them exactly, and an
/// export imports back to the same answers.
#[test]
fn csv_cells_a_spreadsheet_would_run_are_guarded_everywhere() {
    let w = Workdir::new();
    let f = w.write(
        "bodies.csv",
        "id,name,email,tags,region,foi_contact\n\
         K1,\"=HYPERLINK(\"\"https://evil.example/\"\",\"\"click\"\")\",foi@k1.example,council,@region,FOI Team\n\
         K2,Plain Council,foi@k2.example,council,england,FOI Team\n",
    );
    w.ok(["bodies", "import", f.to_str().unwrap()]);
    w.launch_example_campaign("all", "CSV");
    w.ok([
        "case",
        "answer",
        "CSV-0001",
        "supplier=-1+cmd|' /C calc'!A0",
    ]);
    let guarded_name = "\"'=HYPERLINK(\"\"https://evil.example/\"\",\"\"click\"\")\"";
    let raw_name = "\"=HYPERLINK(\"\"https://evil.example/\"\",\"\"click\"\")\"";
    for args in [
        &["bodies", "list", "--csv"][..],
        &["cases", "list", "--csv"],
        &["export", "cases", "c", "--csv"],
    ] {
        let out = w.ok(args);
        assert!(out.contains(guarded_name), "{args:?}:\n{out}");
        assert!(!out.contains(&format!(",{raw_name}")), "{args:?}:\n{out}");
        let raw = w.ok(args.iter().copied().chain(["--raw-csv"]));
        assert!(
            raw.contains(raw_name) && !raw.contains(guarded_name),
            "{args:?}:\n{raw}"
        );
    }
    let export = w.ok(["export", "cases", "c", "--csv"]);
    assert!(
        export.contains("'@region") && export.contains("'-1+cmd"),
        "{export}"
    );
    let report = w.ok(["report", "c", "--by", "region", "--format", "csv"]);
    assert!(
        report.contains("'@region") && !report.contains(",@region"),
        "{report}"
    );
    // The guarded export imports back to the same answer, not one with a quote added.
    let file = w.write("export.csv", export);
    w.ok(["answers", "import", file.to_str().unwrap()]);
    let shown = w.ok(["case", "show", "CSV-0001"]);
    assert!(
        shown.contains("-1+cmd|' /C calc'!A0") && !shown.contains("'-1+cmd"),
        "{shown}"
    );
}

/// Every file `foi` creates (database, journal, packs, sent `.eml` files, exports) is its
/// owner's only, even under the usual umask 022.
#[cfg(unix)]
#[test]
fn files_foi_creates_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let w = crate::support::sent_campaign();
    let out = w.path().join("cases-export.csv");
    w.ok([
        "export",
        "cases",
        "c",
        "--csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut seen = 0;
    let mut stack = vec![w.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            // (what the test itself wrote is not foi's)
            if path.extension().is_some_and(|x| x == "hbs" || x == "toml") {
                continue;
            }
            let mode = e.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{} is {:o}", path.display(), mode & 0o777);
            seen += 1;
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            }
        }
    }
    assert!(seen > 10, "only {seen} files");
}

/// A symbolic link in the Maildir (to a file outside it, or as its `new` folder) is
/// skipped: only the real email is stored.
#[cfg(unix)]
#[test]
fn maildir_reading_never_follows_a_link() {
    let w = Workdir::new();
    let outside = w.write(
        "outside/passwd",
        "From: root@localhost\r\nSubject: TOPSECRET\r\n\r\nroot:x:0:0\r\n",
    );
    w.write(
        "maildir/new/1.eml",
        "From: someone@unknown.example\r\nTo: foi@example.org\r\nSubject: hello\r\nMessage-ID: <m1@unknown.example>\r\n\r\nhi\r\n",
    );
    std::os::unix::fs::symlink(&outside, w.path().join("maildir/new/2.eml")).unwrap();
    std::fs::remove_dir_all(w.path().join("maildir/cur")).unwrap();
    std::os::unix::fs::symlink(w.path().join("outside"), w.path().join("maildir/cur")).unwrap();
    let out = w.foi(["fetch"]).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("new 1,"), "{stdout}");
    assert!(
        stderr.contains("symbolic link") && stderr.contains("2.eml"),
        "{stderr}"
    );
    let triage = w.ok(["triage", "list"]);
    assert!(
        triage.contains("hello") && !triage.contains("TOPSECRET"),
        "{triage}"
    );
}

/// A line break or NUL in a body's name, or an enormous value, is refused at import with
/// its line and column, and nothing is imported.
#[test]
fn control_characters_and_huge_values_are_refused_at_import() {
    let w = Workdir::new();
    let huge = "x".repeat(200_000);
    let f = w.write(
        "bodies.csv",
        format!(
            "id,name,email,foi_contact\n\
             K1,Good Council,foi@k1.example,FOI Team\n\
             K2,\"Bad\nBcc: x@evil.example\",foi@k2.example,FOI Team\n\
             K3,Nul\0Council,foi@k3.example,FOI Team\n\
             K4,Big Council,foi@k4.example,{huge}\n"
        ),
    );
    let err = w.fails(["bodies", "import", f.to_str().unwrap()]);
    assert!(
        err.contains("line 3, column 'name': a control character (U+000A) at character 4"),
        "{err}"
    );
    assert!(
        err.contains("line 5, column 'name': a control character (U+0000)"),
        "{err}"
    );
    assert!(
        err.contains("line 6, column 'foi_contact': 200000 characters"),
        "{err}"
    );
    assert!(!err.contains(&huge[..1000]), "the error repeats the value");
    assert_eq!(
        w.json(["bodies", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// A request to the router with a Host header and an optional session cookie: (status, body).
async fn request(
    app: &axum::Router,
    host: &str,
    method: &str,
    path: &str,
    session: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("foi_session={s}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// With `[web] public_url`, a request for another host is refused before any handler,
/// and the calendar feed URL is built from the configured address, never from the Host.
#[tokio::test]
async fn only_the_public_host_is_answered_and_it_makes_the_feed_url() {
    let w = seeded();
    w.set_section("web", &format!("public_url = \"https://{PUBLIC_HOST}\""));
    let app = foi::web::router(state_of(&w, WEB_NOW).await);
    let (status, body) = request(&app, "evil.example", "GET", "/login", None, &[]).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    assert!(body.contains("https://foi.example.org"), "{body}");
    let (status, _, session) = sign_in(&app, "192.0.2.1", None, "sam", PASSWORD, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = session.expect("a session cookie");
    let (status, page) = request(
        &app,
        "FOI.example.org",
        "GET",
        "/calendar",
        Some(&session),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = &page[at..at + page[at..].find('"').unwrap()];
    let (status, made) = request(
        &app,
        PUBLIC_HOST,
        "POST",
        "/calendar",
        Some(&session),
        &[("csrf", csrf), ("action", "regenerate")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert!(made.contains("https://foi.example.org/feed/"), "{made}");
}

/// Read from `stream` until it closes, for at most `bound`: `Some(bytes)` when it closed.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, bound: Duration) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut all = Vec::new();
    let read = tokio::time::timeout(bound, stream.read_to_end(&mut all)).await;
    match read {
        Ok(_) => Some(all),
        Err(_) => None,
    }
}

/// `foi serve`'s socket with one connection allowed and a one-second idle timeout: an idle
/// connection is closed, and only then is the next one served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_counted_against_a_limit() {
    use tokio::io::AsyncWriteExt;
    let w = seeded();
    w.set_section(
        "web",
        "max_connections = 1\nidle_timeout_secs = 1\nrequest_timeout_secs = 1",
    );
    let state = state_of(&w, WEB_NOW).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(foi::web::serve(state, listener, async move {
        let _ = stopped.await;
    }));
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut second = tokio::net::TcpStream::connect(addr).await.unwrap();
    second
        .write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut second, Duration::from_secs(30))
        .await
        .expect("the second connection is served once the idle one is closed");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // It was served because the idle one had been closed and its place freed.
    let closed = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert_eq!(
        closed,
        Some(Vec::new()),
        "the idle connection is still open"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// A slowloris client never goes idle (a header byte every 300 ms, within the 1-second
/// idle timeout) and never finishes its request: the connection is closed once the request
/// has taken twice `request_timeout_secs` (2 s here) to arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_trickling_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = seeded();
    w.set_section(
        "web",
        "max_connections = 4\nidle_timeout_secs = 1\nrequest_timeout_secs = 1",
    );
    let state = state_of(&w, WEB_NOW).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(foi::web::serve(state, listener, async move {
        let _ = stopped.await;
    }));
    let (mut from, mut to) = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap()
        .into_split();
    let closed = tokio::spawn(async move {
        let mut got = Vec::new();
        let _ = from.read_to_end(&mut got).await;
        got
    });
    let started = std::time::Instant::now();
    to.write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    while !closed.is_finished() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "a trickling client still holds its connection after 15 s"
        );
        // (a write after the server closed may fail: the loop ends on the read side)
        let _ = to.write_all(b"a").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900),
        "closed after {took:?}: before the request limit, so by something else"
    );
    let got = closed.await.unwrap();
    assert!(
        !String::from_utf8_lossy(&got).contains("200 OK"),
        "the unfinished request was not answered"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// A campaign whose name has a `/` and a space: every link to it on the dashboard keeps
/// the name in one path segment, and each leads to the campaign's pages.
#[tokio::test]
async fn a_slash_in_a_campaign_name_keeps_its_links_working() {
    let w = seeded();
    let name = "cctv/2024 q1";
    w.ok([
        "campaign",
        "create",
        name,
        "--template",
        &crate::support::repo_path("examples/cctv-campaign"),
        "--select",
        "tag:council",
        "--reference-prefix",
        "QA",
    ]);
    let app = foi::web::router(state_of(&w, WEB_NOW).await);
    let (_, _, session) = sign_in(&app, "192.0.2.1", None, "ada", PASSWORD, "/").await;
    let session = session.expect("signed in");
    let (status, page) = request(&app, PUBLIC_HOST, "GET", "/campaigns", Some(&session), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/report/cctv%2F2024%20q1\""), "{page}");
    assert!(
        page.contains("/campaigns/cctv%2F2024%20q1/launch"),
        "{page}"
    );
    let (status, report) = request(
        &app,
        PUBLIC_HOST,
        "GET",
        "/report/cctv%2F2024%20q1",
        Some(&session),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        report.contains("/report/cctv%2F2024%20q1/document?by="),
        "{report}"
    );
    let (status, _) = request(
        &app,
        PUBLIC_HOST,
        "GET",
        "/report/cctv%2F2024%20q1/document?by=",
        Some(&session),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// A journal deleted after a crash: the claims in the database show a run was under way,
/// so every claimed email becomes uncertain; none is queued to be sent again.
#[tokio::test]
async fn a_journal_deleted_after_a_crash_makes_every_claim_uncertain() {
    use foi::store::{OutboxState, Store};
    let w = Workdir::new();
    w.import_examples();
    w.launch_example_campaign("tag:police", "JRN");
    let store = Store::open(&w.path().join("foi.db")).await.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(crate::support::NOW)
        .unwrap()
        .to_utc();
    let ids: Vec<_> = store
        .outbox(None, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let journal = store.send_journal().unwrap();
    let claimed = store.claim(&ids[..3], now, "boot-1").await.unwrap();
    journal.sending(claimed[0].id, 1).unwrap();
    journal.sent(claimed[0].id, now).unwrap();
    // The process dies; someone deletes the journal.
    std::fs::remove_file(w.path().join("foi.db.outbox-journal")).unwrap();
    let (uncertain, requeued) = store.recover_outbox("boot-1").await.unwrap();
    assert_eq!((uncertain, requeued), (3, 0));
    let rows = store.outbox(None, None).await.unwrap();
    let uncertain = rows
        .iter()
        .filter(|r| r.state == OutboxState::Uncertain)
        .count();
    assert_eq!(uncertain, 3);
    assert_eq!(
        rows.iter()
            .filter(|r| r.state == OutboxState::Queued)
            .count(),
        ids.len() - 3
    );
}

/// A reply with an attachment that claims POL-0002 by its reference, from a stranger; a
/// fake bounce naming POL-0003 without our original message: both go to triage as
/// "unverified" and change nothing. The same claim from the body's own domain stands.
#[test]
fn forged_mail_cannot_change_a_case() {
    let w = crate::support::sent_campaign();
    let status = |r: &str| w.json(["case", "show", r, "--json"])["case"]["status"].clone();
    let body_domain = |r: &str| {
        let show = w.json(["case", "show", r, "--json"]);
        let email = show["case"]["body_email"].as_str().unwrap().to_string();
        email.split_once('@').unwrap().1.to_string()
    };
    let before = (status("POL-0002"), status("POL-0003"));
    let forged_reply = "From: spam@evil.example\r\nTo: foi@example.org\r\nSubject: Re: Freedom of Information request [POL-0002]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <forged-1@evil.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nPlease find attached our response to your request. The information is enclosed.\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"response.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs\r\n--XX--\r\n";
    let forged_bounce = "From: Mail Delivery System <MAILER-DAEMON@evil.example>\r\nTo: foi@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 03 Mar 2026 11:05:00 +0000\r\nMessage-ID: <forged-2@evil.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=YY\r\n\r\n--YY\r\nContent-Type: text/plain\r\n\r\nYour message about [POL-0003] could not be delivered.\r\n--YY\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.evil.example\r\n\r\nFinal-Recipient: rfc822; foi@police.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--YY--\r\n";
    let a = w.write("forged-reply.eml", forged_reply);
    let b = w.write("forged-bounce.eml", forged_bounce);
    let out = w.ok(["import-mail", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(out.starts_with("new 2, matched 0, triage 2"), "{out}");
    assert_eq!((status("POL-0002"), status("POL-0003")), before);
    let triage = w.json(["triage", "list", "--json"]).to_string();
    assert!(triage.matches("unverified").count() >= 2, "{triage}");
    assert!(
        triage.contains("POL-0002") && triage.contains("POL-0003"),
        "{triage}"
    );
    let flagged = w.json(["bodies", "list", "--json"]).to_string();
    assert!(!flagged.contains("bounce"), "a body was flagged: {flagged}");
    // From the body's own domain, the reference is enough.
    let genuine = forged_reply
        .replace(
            "spam@evil.example",
            &format!("foi-team@{}", body_domain("POL-0002")),
        )
        .replace("forged-1@evil.example", "genuine-1@body.example");
    let c = w.write("genuine.eml", genuine);
    let out = w.ok(["import-mail", c.to_str().unwrap()]);
    assert!(out.starts_with("new 1, matched 1"), "{out}");
    assert_ne!(status("POL-0002"), before.0);
}
