//! The dashboard over HTTP, without a socket: the real router (`foi::web::router`) on a
//! real SQLite file seeded by the real `foi` binary, driven with `tower::ServiceExt::oneshot`.
//! Sign-in, sessions, roles, CSRF, the rate limit, hostile email content, attachment
//! headers, and each page's content.

use crate::support::sent_campaign;
use crate::support::Workdir;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use std::sync::Arc;
use tower::ServiceExt;

/// The dashboard's "now": seven weeks after the requests were received (Mon 2026-03-02),
/// so every unanswered case is overdue.
pub const WEB_NOW: &str = "2026-04-20T10:00:00Z";
pub const PASSWORD: &str = "correct horse battery";

/// A reply to POL-0001 full of things that must never run: a script, an event handler, a
/// javascript: link, a form, a remote image (tracking pixel) and an iframe.
pub const HOSTILE_REPLY: &str = "From: foi@camfordshire-constabulary.police.example\r\nTo: foi@example.org\r\nSubject: Re: Freedom of Information request [POL-0001]\r\nDate: Tue, 03 Mar 2026 11:00:00 +0000\r\nMessage-ID: <hostile-1@body.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe hold 12 cameras. <script>alert('text')</script>\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>We hold <b>12 cameras</b>.</p><script>alert('xss')</script><img src=x onerror=\"alert('onerror')\"><a href=\"javascript:alert('link')\">click me</a><form action=\"https://evil.example/steal\"><input name=\"pw\"></form><img src=\"https://tracker.example/pixel.gif\"><iframe src=\"https://evil.example/\"></iframe><p onclick=\"alert('click')\">Regards</p></body></html>\r\n--b1--\r\n";

/// An email that matches no case (unknown sender, no token or reference), with an
/// attachment whose name and type are hostile.
pub const TRIAGE_EMAIL: &str = "From: someone@unknown.example\r\nTo: foi@example.org\r\nSubject: Our reply about cameras\r\nDate: Wed, 04 Mar 2026 09:00:00 +0000\r\nMessage-ID: <triage-1@unknown.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b2\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find attached our answer about your CCTV request.\r\n--b2\r\nContent-Type: text/html; name=\"../../evil\\\"<script>.html\"\r\nContent-Disposition: attachment; filename=\"../../evil\\\"<script>.html\"\r\n\r\n<script>alert('attachment')</script>\r\n--b2--\r\n";

/// The example campaign sent to the 7 police forces, a hostile reply on POL-0001, one
/// email in triage, and three users: admin `ada`, staff `sam`, viewer `vic`.
pub fn seeded() -> Workdir {
    let w = sent_campaign();
    let reply = w.write("hostile.eml", HOSTILE_REPLY);
    let triage = w.write("triage.eml", TRIAGE_EMAIL);
    w.ok([
        "import-mail",
        reply.to_str().unwrap(),
        triage.to_str().unwrap(),
    ]);
    for (name, role) in [("ada", "admin"), ("sam", "staff"), ("vic", "viewer")] {
        w.foi(["users", "add", name, "--role", role, "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    w
}

/// The router on the working folder's database, with the clock at `now`.
pub async fn app(w: &Workdir, now: &str) -> Router {
    let config = foi::config::Config::load(&w.config()).expect("config");
    let store = foi::store::Store::open(&config.database_path())
        .await
        .expect("store");
    let clock = Arc::new(foi::clock::FixedClock(now.parse().expect("time")));
    let settings = config.settings().expect("settings");
    foi::web::router(foi::web::WebState::new(settings, store, clock, false))
}

/// A response, read whole.
pub struct Got {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Got {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `csrf` field of the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field in:\n{}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// A browser in miniature: the router and the cookies it set.
pub struct Client {
    pub app: Router,
    pub cookies: Vec<(String, String)>,
}

impl Client {
    pub fn new(app: Router) -> Self {
        Self {
            app,
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: Request<Body>) -> Got {
        let res = self.app.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Got {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Got {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Got {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Sign in through the form; returns the response to the POST.
    pub async fn login(&mut self, user: &str, password: &str) -> Got {
        self.login_from("/login", user, password, "/overdue").await
    }

    /// Sign in through the form at `form_path`, asking to go to `next` afterwards.
    pub async fn login_from(
        &mut self,
        form_path: &str,
        user: &str,
        password: &str,
        next: &str,
    ) -> Got {
        let form = self.get(form_path).await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("user", user),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    /// Signed in as `user` (with the shared password).
    pub async fn signed_in(app: Router, user: &str) -> Self {
        let mut c = Self::new(app);
        let r = c.login(user, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        c
    }

    /// The CSRF token of the signed-in session (from a page's forms).
    pub async fn csrf(&mut self) -> String {
        self.get("/calendar").await.csrf()
    }
}

#[tokio::test]
async fn sign_in_and_out() {
    let w = seeded();
    let mut c = Client::new(app(&w, WEB_NOW).await);
    let r = c.login("sam", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/overdue");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("foi_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let page = c.get("/overdue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("sam"), "the page names who is signed in");
    // Only the token's hash is stored: the cookie's value is nowhere in the database.
    let token = c
        .cookies
        .iter()
        .find(|(k, _)| k == "foi_session")
        .unwrap()
        .1
        .clone();
    let db = std::fs::read(w.path().join("foi.db")).unwrap();
    assert!(!db.windows(token.len()).any(|x| x == token.as_bytes()));

    let csrf = page.csrf();
    let out = c.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(c.cookies.iter().all(|(k, _)| k != "foi_session"));
    // The old cookie no longer works either.
    c.cookies.push(("foi_session".into(), token));
    let again = c.get("/overdue").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.header("location").starts_with("/login"));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_refused_alike() {
    let w = seeded();
    let mut c = Client::new(app(&w, WEB_NOW).await);
    let wrong = c.login("sam", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong user name or password."));
    let nobody = c.login("nobody", PASSWORD).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert!(nobody.body.contains("Wrong user name or password."));
    assert!(c.cookies.iter().all(|(k, _)| k != "foi_session"));
    // A sign-in form without its token is refused too.
    let r = c
        .post(
            "/login",
            &[("user", "sam"), ("password", PASSWORD), ("csrf", "forged")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(c.cookies.iter().all(|(k, _)| k != "foi_session"));
}

#[tokio::test]
async fn sign_ins_are_rate_limited_per_user() {
    let w = seeded();
    let mut c = Client::new(app(&w, WEB_NOW).await);
    for _ in 0..foi::web::auth::MAX_FAILURES_PER_USER {
        assert_eq!(
            c.login("sam", "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password waits, and the page says so.
    let r = c.login("sam", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Too many failed sign-ins: wait 15 minutes"));
    assert!(c.cookies.iter().all(|(k, _)| k != "foi_session"));
    // Another user is not locked out by sam's failures.
    assert_eq!(c.login("ada", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Sixteen minutes later sam may try again.
    let later = Client::signed_in(app(&w, "2026-04-20T10:16:00Z").await, "sam").await;
    assert!(later.cookies.iter().any(|(k, _)| k == "foi_session"));
}

#[tokio::test]
async fn every_page_needs_a_session() {
    let w = seeded();
    let mut c = Client::new(app(&w, WEB_NOW).await);
    for path in [
        "/overdue",
        "/triage",
        "/campaigns",
        "/report",
        "/calendar",
        "/cases/POL-0001",
        "/attachments/1",
        "/report/c/document",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.header("location").starts_with("/login?next="),
            "{path}: {}",
            r.header("location")
        );
    }
    for path in [
        "/overdue/bulk",
        "/triage/1/attach",
        "/cases/POL-0001/note",
        "/campaigns/c/pause",
        "/logout",
    ] {
        let r = c.post(path, &[("csrf", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // After signing in, the page asked for first is where the form goes.
    let form = c.get("/login?next=%2Fcases%2FPOL-0002").await;
    assert!(form.body.contains("/cases/POL-0002"), "{}", form.body);
    let r = c
        .login_from(
            "/login?next=%2Fcases%2FPOL-0002",
            "vic",
            PASSWORD,
            "/cases/POL-0002",
        )
        .await;
    assert_eq!(r.header("location"), "/cases/POL-0002");
    // ... but never another site.
    let r = c
        .login_from("/login", "vic", PASSWORD, "//evil.example/")
        .await;
    assert_eq!(r.header("location"), "/overdue");
}

#[tokio::test]
async fn viewers_read_everything_and_change_nothing() {
    let w = seeded();
    let before = w.ok(["case", "show", "POL-0002"]);
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "vic").await;
    for path in [
        "/overdue",
        "/triage",
        "/campaigns",
        "/cases/POL-0002",
        "/report",
        "/calendar",
    ] {
        assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
    }
    let csrf = c.csrf().await;
    for (path, fields) in [
        ("/cases/POL-0002/note", vec![("note", "viewer was here")]),
        ("/cases/POL-0002/status", vec![("status", "refused")]),
        ("/cases/POL-0002/assign", vec![("assignee", "vic")]),
        (
            "/cases/POL-0002/answers",
            vec![("answer.camera_count", "3")],
        ),
        (
            "/overdue/bulk",
            vec![
                ("case", "POL-0002"),
                ("action", "assign"),
                ("assignee", "vic"),
            ],
        ),
        ("/triage/9/dismiss", vec![("reason", "spam")]),
        ("/campaigns/c/pause", vec![]),
    ] {
        let mut f = fields.clone();
        f.push(("csrf", &csrf));
        let r = c.post(path, &f).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("Viewers cannot change anything"), "{path}");
    }
    assert_eq!(w.ok(["case", "show", "POL-0002"]), before);
    // The page offers a viewer no form that changes a case.
    let page = c.get("/cases/POL-0002").await;
    assert!(!page.body.contains("action=\"/cases/POL-0002/note\""));
}

#[tokio::test]
async fn staff_cannot_launch_pause_or_resume() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let csrf = c.csrf().await;
    let r = c.post("/campaigns/c/pause", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Only an admin can do this"));
    assert!(w.ok(["campaign", "show", "c"]).contains("launched"));
    // An admin can.
    let mut a = Client::signed_in(app(&w, WEB_NOW).await, "ada").await;
    let csrf = a.csrf().await;
    let r = a.post("/campaigns/c/pause", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(w.ok(["campaign", "show", "c"]).contains("paused"));
    let r = a.post("/campaigns/c/resume", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(w.ok(["campaign", "show", "c"]).contains("launched"));
}

#[tokio::test]
async fn a_post_without_the_sessions_csrf_token_is_refused() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let mut other = Client::signed_in(app(&w, WEB_NOW).await, "ada").await;
    let others_token = other.csrf().await;
    for fields in [
        vec![("note", "no token")],
        vec![("note", "wrong token"), ("csrf", "0000")],
        vec![("note", "another session's token"), ("csrf", &others_token)],
    ] {
        let r = c.post("/cases/POL-0003/note", &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{fields:?}");
        assert!(r.body.contains("reload the page"), "{}", r.body);
    }
    assert!(!w.ok(["case", "show", "POL-0003"]).contains("token"));
    // With the right token the same note is kept.
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/cases/POL-0003/note",
            &[("csrf", &csrf), ("note", "phoned them")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/cases/POL-0003").await;
    assert!(page.body.contains("phoned them"));
}

#[tokio::test]
async fn hostile_html_in_a_reply_comes_out_inert() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = c.get("/cases/POL-0001").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body.to_lowercase();
    // The reply is there ...
    assert!(body.contains("<b>12 cameras</b>"), "{}", page.body);
    // ... without anything that could run, post or fetch.
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "evil.example",
        "tracker.example",
        "<iframe",
        "<form action=\"https://",
    ] {
        assert!(!body.contains(bad), "'{bad}' reached the page");
    }
    // The text part's "<script>" is shown as text, escaped.
    let csp = page.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("script-src"),
        "no script source at all: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-frame-options"), "DENY");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
}

/// The thread of a case page (its emails, up to the events).
fn thread(page: &Got) -> &str {
    let start = page.body.find("<h2>Thread</h2>").expect("a thread");
    let end = page.body.find("<h2>Events</h2>").expect("events");
    &page.body[start..end]
}

/// A SQL statement on the working folder's database, as a test's own hand.
async fn sql(w: &crate::support::Workdir, statement: &'static str) {
    use sqlx::Connection;
    let config = foi::config::Config::load(&w.config()).unwrap();
    let url = format!("sqlite://{}", config.database_path().display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(statement).execute(&mut db).await.unwrap();
}

/// After this no raw email can be read: those we received are said to be in a pack that
/// is not there, those we sent (kept in the database) are emptied. Other blobs (the HTML
/// kept of a reply, attachments) stay readable.
async fn lose_raw_emails(w: &crate::support::Workdir) {
    sql(
        w,
        "UPDATE blobs SET pack = CASE WHEN pack IS NULL THEN NULL ELSE 'deadbeef.pack' END,
                          data = CASE WHEN pack IS NULL THEN x'' ELSE data END
         WHERE sha256 IN (SELECT raw_sha256 FROM messages)",
    )
    .await;
}

/// The case page of POL-0001 shows the hostile reply's HTML as it did when it parsed the
/// raw email on every view (the parser's sanitised HTML, sanitised again and cut at
/// 512 KiB), and the text of the request we sent.
fn shows_the_thread_as_before(page: &Got) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let parsed = foi::ingest::parse::parse(
        HOSTILE_REPLY.as_bytes(),
        &foi::ingest::parse::Limits::default(),
    );
    let html = foi::text::sanitize_html(&parsed.html_body.expect("an HTML body"), 512 * 1024);
    let shown = format!("<div class=\"html-body\">{html}</div>");
    assert!(thread(page).contains(&shown), "{}", thread(page));
    assert!(
        thread(page).contains("request for information under the Freedom of Information"),
        "{}",
        thread(page)
    );
}

/// The case page shows a reply's HTML from what ingestion kept: with the reply's raw email
/// unreadable, the page shows the same HTML as when it parsed the raw email on every view.
#[tokio::test]
async fn a_reply_is_shown_from_what_ingestion_kept_not_from_its_raw_email() {
    let w = seeded();
    // The reply's raw email cannot be read (the request we sent can, and is read once).
    sql(
        &w,
        "UPDATE blobs SET pack = 'deadbeef.pack'
         WHERE sha256 IN (SELECT raw_sha256 FROM messages WHERE direction = 'inbound')",
    )
    .await;
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    shows_the_thread_as_before(&c.get("/cases/POL-0001").await);
}

/// An email stored before the HTML was kept (and an email we sent, whose text is not kept)
/// is read from its raw email on its first view, once: after that the page is the same
/// with every raw email unreadable.
#[tokio::test]
async fn an_email_stored_before_is_read_once_on_its_first_view() {
    let w = seeded();
    // As migration 0012 leaves the emails stored before it.
    sql(
        &w,
        "UPDATE messages SET html_sha256 = NULL, display_text = NULL, display_made = 0",
    )
    .await;
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let first = c.get("/cases/POL-0001").await;
    shows_the_thread_as_before(&first);

    lose_raw_emails(&w).await;
    let again = c.get("/cases/POL-0001").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(thread(&again), thread(&first));
}

#[tokio::test]
async fn attachments_are_downloads_with_safe_names_and_types() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let triage = c.get("/triage").await;
    let at = triage
        .body
        .find("/attachments/")
        .expect("an attachment link");
    let id: String = triage.body[at + "/attachments/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = c.get(&format!("/attachments/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let cd = r.header("content-disposition");
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    let name = &cd["attachment; filename=\"".len()..cd.find("\"; filename*=").unwrap()];
    assert!(!name.is_empty(), "{cd}");
    for bad in ["..", "/", "\\", "<", ">", "\""] {
        assert!(!name.contains(bad), "{bad} in {cd}");
    }
    // Declared text/html: served as bytes, never as a page.
    assert_eq!(r.header("content-type"), "application/octet-stream");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(
        r.body.contains("alert('attachment')"),
        "the bytes are as received"
    );
}

#[tokio::test]
async fn the_overdue_page_lists_filters_and_assigns_in_bulk() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = c.get("/overdue").await;
    assert_eq!(page.status, StatusCode::OK);
    // The same list as `foi overdue` on the same day.
    let cli = w
        .foi(["overdue", "--json"])
        .env("FOI_NOW", WEB_NOW)
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    let mut last = 0;
    for r in rows {
        let reference = r["reference"].as_str().unwrap();
        let at = page
            .body
            .find(&format!("href=\"/cases/{reference}\""))
            .unwrap_or_else(|| panic!("{reference} missing"));
        assert!(at > last, "{reference} out of order");
        last = at;
    }
    let csrf = page.csrf();
    let r = c
        .post(
            "/overdue/bulk",
            &[
                ("csrf", &csrf),
                ("case", "POL-0002"),
                ("case", "POL-0003"),
                ("action", "assign"),
                ("assignee", "sam"),
                ("back", "/overdue?campaign=&tag=&assignee=&page=1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mine = c.get("/overdue?assignee=sam").await;
    assert!(mine.body.contains("/cases/POL-0002") && mine.body.contains("/cases/POL-0003"));
    assert!(!mine.body.contains("/cases/POL-0004"));
    assert!(w.ok(["case", "show", "POL-0002"]).contains("sam"));
    let nobody = c.get("/overdue?assignee=-").await;
    assert!(!nobody.body.contains("/cases/POL-0002") && nobody.body.contains("/cases/POL-0004"));
}

#[tokio::test]
async fn triage_attach_status_and_answers_change_the_case() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let triage = c.get("/triage").await;
    assert!(triage.body.contains("Our reply about cameras"));
    let at = triage.body.find("/triage/").unwrap();
    let id: String = triage.body[at + "/triage/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let csrf = triage.csrf();
    let r = c
        .post(
            &format!("/triage/{id}/attach"),
            &[("csrf", &csrf), ("references", "POL-0004")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!c
        .get("/triage")
        .await
        .body
        .contains("Our reply about cameras"));
    assert!(c
        .get("/cases/POL-0004")
        .await
        .body
        .contains("Our reply about cameras"));
    // A reference that does not exist changes nothing and says so.
    let r = c
        .post(
            "/triage/999/attach",
            &[("csrf", &csrf), ("references", "POL-0004")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = c
        .post(
            "/cases/POL-0004/answers",
            &[
                ("csrf", &csrf),
                ("answer.uses_hikvision_or_dahua", "yes"),
                ("answer.camera_count", "12"),
                ("answer.contract_status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = crate::answers::confirmed(&w, "POL-0004");
    assert_eq!(a["camera_count"], "12");
    assert_eq!(a["uses_hikvision_or_dahua"], "yes");
    // A bad value saves nothing and names the problem.
    let r = c
        .post(
            "/cases/POL-0004/answers",
            &[
                ("csrf", &csrf),
                ("answer.camera_count", "many"),
                ("answer.supplier", "Acme"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("camera_count"), "{}", r.body);
    let a = crate::answers::confirmed(&w, "POL-0004");
    assert_eq!(a["camera_count"], "12");
    assert!(!a.contains_key("supplier"));

    let r = c
        .post(
            "/cases/POL-0004/status",
            &[
                ("csrf", &csrf),
                ("status", "successful"),
                ("note", "all answered"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = w.ok(["case", "show", "POL-0004"]);
    assert!(show.contains("successful"), "{show}");
    let r = c
        .post(
            "/cases/POL-0004/status",
            &[("csrf", &csrf), ("status", "overdue")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("computed from the deadlines"));
}

#[tokio::test]
async fn campaigns_report_and_calendar_pages() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "ada").await;
    let campaigns = c.get("/campaigns").await;
    assert!(campaigns.body.contains("<svg"), "the funnel chart");
    assert!(
        campaigns.body.contains("/campaigns/c/pause"),
        "an admin may pause"
    );
    let report = c.get("/report/c").await;
    assert!(report.body.contains("<iframe"));
    let doc = c.get("/report/c/document").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body.contains("<svg"));
    let csp = doc.header("content-security-policy");
    assert!(
        csp.contains("style-src 'sha256-") && csp.contains("frame-ancestors 'self'"),
        "{csp}"
    );

    let csrf = c.csrf().await;
    let made = c
        .post("/calendar", &[("csrf", &csrf), ("action", "regenerate")])
        .await;
    let at = made.body.find("/feed/").expect("a feed URL");
    let path: String = made.body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '<')
        .collect();
    let feed = c.get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.header("content-type").starts_with("text/calendar"));
    assert!(feed.body.contains("BEGIN:VEVENT") && feed.body.contains("POL-0002"));
    // Regenerating retires the old address; revoking retires any.
    let again = c
        .post("/calendar", &[("csrf", &csrf), ("action", "regenerate")])
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
    c.post("/calendar", &[("csrf", &csrf), ("action", "revoke")])
        .await;
    assert!(w.ok(["users", "list"]).contains("ada"));
}

#[test]
fn users_are_added_listed_changed_and_removed() {
    let w = Workdir::new();
    let add = |name: &str, role: &str, password: &str| {
        w.foi(["users", "add", name, "--role", role, "--password-stdin"])
            .write_stdin(format!("{password}\n"))
            .output()
            .unwrap()
    };
    let out = add("sam", "staff", PASSWORD);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("added sam (staff)"));
    let again = add("sam", "admin", PASSWORD);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let short = add("kim", "staff", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let bad = add("<b>", "staff", PASSWORD);
    assert!(!bad.status.success());
    assert!(!add("kim", "root", PASSWORD).status.success());
    let list = w.json(["users", "list", "--json"]);
    let users = list.as_array().unwrap();
    assert_eq!(users.len(), 1, "{list}");
    assert_eq!(users[0]["name"], "sam");
    assert_eq!(users[0]["role"], "staff");
    assert!(!w.ok(["users", "list"]).contains("argon2"));
    // No terminal and no --password-stdin: it says what to do.
    let err = w.fails(["users", "passwd", "sam"]);
    assert!(err.contains("--password-stdin"), "{err}");
    w.foi(["users", "passwd", "sam", "--password-stdin"])
        .write_stdin("another long password\n")
        .assert()
        .success();
    assert!(w.ok(["users", "remove", "sam"]).contains("removed sam"));
    assert!(w
        .fails(["users", "remove", "sam"])
        .contains("no user named 'sam'"));
}

#[tokio::test]
async fn a_new_password_or_removal_ends_the_sessions() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    w.foi(["users", "passwd", "sam", "--password-stdin"])
        .write_stdin("another long password\n")
        .assert()
        .success();
    assert_eq!(c.get("/overdue").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.login("sam", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.login("sam", "another long password").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(c.get("/overdue").await.status, StatusCode::OK);
    // A removed user's sessions end with them.
    w.ok(["users", "remove", "sam"]);
    assert_eq!(c.get("/overdue").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_ins_are_rate_limited_per_address_and_cookies_can_be_secure() {
    let w = seeded();
    let config = foi::config::Config::load(&w.config()).unwrap();
    let store = foi::store::Store::open(&config.database_path())
        .await
        .unwrap();
    let clock = Arc::new(foi::clock::FixedClock(WEB_NOW.parse().unwrap()));
    let settings = config.settings().unwrap();
    let secure = foi::web::router(foi::web::WebState::new(settings, store, clock, true));
    let mut c = Client::new(secure);
    // Guessing many user names from one address: the address is stopped.
    for i in 0..foi::web::auth::MAX_FAILURES_PER_ADDRESS {
        let r = c.login(&format!("guess{i}"), "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = c.login("ada", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Later, the right password gets a Secure cookie.
    let config = foi::config::Config::load(&w.config()).unwrap();
    let store = foi::store::Store::open(&config.database_path())
        .await
        .unwrap();
    let clock = Arc::new(foi::clock::FixedClock(
        "2026-04-20T11:00:00Z".parse().unwrap(),
    ));
    let mut c = Client::new(foi::web::router(foi::web::WebState::new(
        config.settings().unwrap(),
        store,
        clock,
        true,
    )));
    let r = c.login("ada", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("foi_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// The example campaign to the police forces with one `approve` step, `overdue`, `after`
/// working days after the due date (Tue 31 March), sent; staff user `sam`.
fn overdue_ladder_workdir(after: u32) -> Workdir {
    use crate::support::repo_path;
    let w = Workdir::new();
    w.import_examples();
    let src = std::path::PathBuf::from(repo_path("examples/cctv-campaign"));
    for f in [
        "subject.hbs",
        "body.txt.hbs",
        "body.html.hbs",
        "campaign.toml",
    ] {
        w.write(&format!("camp/{f}"), std::fs::read(src.join(f)).unwrap());
    }
    let ladder = format!(
        "\n[[chasers]]\nstep = \"overdue\"\ntrigger = \"overdue\"\nafter = {after}\ntemplate = \"{}\"\nmode = \"approve\"\n",
        repo_path("templates/chasers/overdue")
    );
    let toml = std::fs::read_to_string(src.join("campaign.toml")).unwrap() + &ladder;
    w.write("camp/campaign.toml", toml);
    let dir = w.path().join("camp");
    w.create_campaign(dir.to_str().unwrap(), "tag:police", "POL");
    w.ok(["campaign", "launch", "c"]);
    w.ok(["send"]);
    w.foi(["users", "add", "sam", "--role", "staff", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    w
}

#[tokio::test]
async fn due_chasers_are_taken_and_approved_from_the_overdue_page() {
    let w = overdue_ladder_workdir(1);
    let pending = |w: &Workdir| -> Vec<String> {
        let out = w
            .foi(["chasers", "pending", "--json"])
            .env("FOI_NOW", WEB_NOW)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(pending(&w).is_empty());

    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = c.get("/overdue").await;
    let csrf = page.csrf();
    let r = c
        .post(
            "/overdue/sweep",
            &[
                ("csrf", &csrf),
                ("back", "/overdue?campaign=&tag=&assignee=&page=1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.header("location").contains("ok=swept&n=7"),
        "{}",
        r.header("location")
    );
    assert_eq!(
        pending(&w).len(),
        7,
        "one overdue chaser per case, awaiting approval"
    );

    let r = c
        .post(
            "/overdue/bulk",
            &[
                ("csrf", &csrf),
                ("case", "POL-0002"),
                ("case", "POL-0005"),
                ("action", "approve"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.header("location").contains("ok=approved&n=2"),
        "{}",
        r.header("location")
    );
    let left = pending(&w);
    assert_eq!(left.len(), 5);
    assert!(!left.contains(&"POL-0002".to_string()) && !left.contains(&"POL-0005".to_string()));
    let queued = w.ok(["outbox", "--state", "queued"]);
    assert!(
        queued.contains("POL-0002") && queued.contains("POL-0005"),
        "{queued}"
    );
}

#[tokio::test]
async fn the_overdue_list_follows_every_change_to_the_store() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let first = c.get("/overdue").await;
    assert!(first.body.contains("/cases/POL-0002") && first.body.contains("/cases/POL-0003"));
    // The same list again (kept, nothing changed) ...
    assert_eq!(c.get("/overdue").await.body, first.body);
    // ... until another process answers a case ...
    w.foi([
        "case",
        "event",
        "POL-0002",
        "response",
        "--date",
        "2026-04-17",
    ])
    .env("FOI_NOW", WEB_NOW)
    .assert()
    .success();
    let after = c.get("/overdue").await;
    assert!(!after.body.contains("/cases/POL-0002"), "a stale list");
    assert!(after.body.contains("/cases/POL-0003"));
    // ... or the dashboard itself closes one.
    let csrf = after.csrf();
    let r = c
        .post(
            "/cases/POL-0003/status",
            &[("csrf", &csrf), ("status", "withdrawn")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!c.get("/overdue").await.body.contains("/cases/POL-0003"));
}

#[tokio::test]
async fn a_suggested_answer_counts_once_confirmed_on_the_case_page() {
    let w = seeded();
    let eml = w.write(
        "hik.eml",
        crate::answers::reply(
            "POL-0006",
            61,
            "We use Hikvision cameras in our custody suites.",
        ),
    );
    w.ok(["import-mail", eml.to_str().unwrap()]);
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let page = c.get("/cases/POL-0006").await;
    assert!(page.body.contains("Suggested: yes"), "{}", page.body);
    assert!(!crate::answers::confirmed(&w, "POL-0006").contains_key("uses_hikvision_or_dahua"));
    let csrf = page.csrf();
    let r = c
        .post(
            "/cases/POL-0006/confirm",
            &[("csrf", &csrf), ("question", "uses_hikvision_or_dahua")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        crate::answers::confirmed(&w, "POL-0006")["uses_hikvision_or_dahua"],
        "yes"
    );
    assert!(!c
        .get("/cases/POL-0006")
        .await
        .body
        .contains("Suggested: yes"));
    let again = c
        .post(
            "/cases/POL-0006/confirm",
            &[("csrf", &csrf), ("question", "uses_hikvision_or_dahua")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn text_people_type_is_escaped_on_every_page() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    let csrf = c.csrf().await;
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let r = c
        .post("/cases/POL-0005/note", &[("csrf", &csrf), ("note", evil)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get("/cases/POL-0005").await;
    assert!(!page.body.contains(evil));
    assert!(page.body.contains("alert(1)"), "the note is shown");
    assert!(!page.body.to_lowercase().contains("<script"));
    assert!(!page.body.contains("<img src=x"));
    // A filter value comes back escaped too.
    let list = c.get("/overdue?tag=%22%3E%3Cscript%3Ex").await;
    assert!(!list.body.contains("\"><script>x"));
}

/// The Overdue page's bulk action "chase now" on one case.
async fn chase(c: &mut Client, csrf: &str, case: &str) -> Got {
    c.post(
        "/overdue/bulk",
        &[
            ("csrf", csrf),
            ("case", case),
            ("action", "chase"),
            ("back", "/overdue?campaign=&tag=&assignee=&page=1"),
        ],
    )
    .await
}

/// "Chase now" on the Overdue page takes a ticked case's step before its day (here 10
/// working days after the due date) and queues it at once, though the step waits for
/// approval when the sweep takes it; once. `foi chasers now` does the same, and leaves a
/// case that is not overdue yet alone.
#[tokio::test]
async fn a_ticked_case_is_chased_now_before_its_step_falls_due() {
    let w = overdue_ladder_workdir(10);
    // Thursday 2 April: two working days overdue, the step falls due mid-April.
    let now = "2026-04-02T10:00:00Z";
    let mut c = Client::signed_in(app(&w, now).await, "sam").await;
    let csrf = c.get("/overdue").await.csrf();
    let back = ("back", "/overdue?campaign=&tag=&assignee=&page=1");
    let r = c.post("/overdue/sweep", &[("csrf", &csrf), back]).await;
    assert!(
        r.header("location").contains("ok=swept&n=0"),
        "{}",
        r.header("location")
    );
    let r = chase(&mut c, &csrf, "POL-0002").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.header("location").contains("ok=chased&n=1"),
        "{}",
        r.header("location")
    );
    let queued = w.ok(["outbox", "--state", "queued", "--json"]);
    let queued: serde_json::Value = serde_json::from_str(&queued).unwrap();
    let chasers: Vec<&serde_json::Value> = queued
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "chaser:overdue")
        .collect();
    assert_eq!(chasers.len(), 1, "{queued}");
    assert_eq!(chasers[0]["reference"], "POL-0002");
    let page = c.get("/overdue?ok=chased&n=1").await;
    assert!(page.body.contains("1 chaser(s) taken now"), "{}", page.body);
    // Once: the step is taken.
    let r = chase(&mut c, &csrf, "POL-0002").await;
    assert!(
        r.header("location").contains("ok=nochase"),
        "{}",
        r.header("location")
    );

    // The command line: a dry run changes nothing, then the step is queued.
    let at = |args: &[&str], when: &str| {
        let out = w.foi(args).env("FOI_NOW", when).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (out, _) = at(&["chasers", "now", "POL-0003", "--dry-run"], now);
    assert!(out.contains("would take 1 chaser(s): 1 queued"), "{out}");
    let (out, _) = at(&["chasers", "now", "POL-0003"], now);
    assert!(out.contains("took 1 chaser(s): 1 queued"), "{out}");
    // Before its due date a case is not overdue: nothing to chase yet.
    let (out, err) = at(&["chasers", "now", "POL-0004"], "2026-03-20T10:00:00Z");
    assert!(out.contains("took 0 chaser(s)"), "{out}");
    assert!(err.contains("had no step to take now"), "{err}");
    let queued = w.ok(["outbox", "--state", "queued"]);
    assert!(
        queued.contains("POL-0003") && !queued.contains("POL-0004"),
        "{queued}"
    );
}

/// A thing that is not there is a 404; a store that fails is a 500, never a 404 (nor a
/// 4xx that blames the request). The failure is a real one: the database loses its cases
/// table under the running dashboard (sessions still work, so the page gets that far).
#[tokio::test]
async fn a_missing_thing_is_a_404_and_a_failing_store_a_500() {
    let w = seeded();
    let mut c = Client::signed_in(app(&w, WEB_NOW).await, "sam").await;
    for path in [
        "/cases/POL-9999",
        "/attachments/99999",
        "/report/nosuch/document",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    assert!(c
        .get("/cases/POL-9999")
        .await
        .body
        .contains("There is no case POL-9999."));
    let csrf = c.csrf().await;
    let bulk = [
        ("csrf", csrf.as_str()),
        ("case", "POL-9999"),
        ("action", "assign"),
        ("assignee", "sam"),
    ];
    let r = c.post("/overdue/bulk", &bulk).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(c.get("/cases/POL-0001").await.status, StatusCode::OK);

    let config = foi::config::Config::load(&w.config()).unwrap();
    let db = sqlx::sqlite::SqlitePoolOptions::new()
        .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(config.database_path()))
        .await
        .unwrap();
    sqlx::query("ALTER TABLE cases RENAME TO cases_lost")
        .execute(&db)
        .await
        .unwrap();
    let r = c.get("/cases/POL-0001").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    assert!(r.body.contains("Something went wrong"), "{}", r.body);
    assert!(
        !r.body.contains("no such table"),
        "the cause stays in the log: {}",
        r.body
    );
    let bulk = [
        ("csrf", csrf.as_str()),
        ("case", "POL-0001"),
        ("action", "assign"),
        ("assignee", "sam"),
    ];
    let r = c.post("/overdue/bulk", &bulk).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
}
