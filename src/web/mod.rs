//! The staff dashboard (`foi serve`): server-rendered pages over the same store, working
//! without JavaScript.
//!
//! - [`router`] builds the whole application from a [`WebState`]; tests drive it without a
//!   socket (`tower::ServiceExt::oneshot`), `foi serve` binds it with [`serve`].
//! - [`auth`]: users' sessions (a random cookie, stored as its SHA-256), the CSRF
//!   synchronizer token checked on every POST, roles, the sign-in rate limit.
//! - [`pages`]: one file per page; templates (askama, auto-escaped) in `src/web/templates`.
//! - [`listener`]: the socket's connection limit, idle timeout and slow-request cut-off
//!   (`[web]`); [`multipart`]: the reply form's files (`multipart/form-data`).
//! - [`state`] (what every handler works with), [`error`] (a missing thing is a 404, a
//!   failing store a 500), [`extract`] (a case reference in a path, parsed at the edge),
//!   [`cache`] (the Overdue page's lists, kept between requests).
//!
//! Every response carries a strict Content-Security-Policy (no script at all, styles and
//! images from this site only), `X-Frame-Options: DENY`, `nosniff` and `no-referrer`.
//! Email content is hostile: HTML bodies are shown only as `text::sanitize_html` made them, and
//! attachments are served as downloads.
//!
//! Sees everything of ours but `cli`; nothing imports it but `cli`.

pub mod auth;
pub mod cache;
pub mod error;
pub mod extract;
pub mod listener;
pub mod multipart;
pub mod pages;
pub mod password_checks;
pub mod state;

pub use error::{html, invalid, WebError, WebResult};
pub use state::{Inner, WebState};

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;

/// The policy every response carries: nothing may run, nothing remote may load, no page
/// may be framed, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The dashboard.
pub fn router(state: WebState) -> Router {
    use pages::{
        calendar, campaigns, case, cases, conversation, overdue, report, search, to_read, triage,
    };
    Router::new()
        .route(
            "/",
            get(|| async { axum::response::Redirect::to("/overdue") }),
        )
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/static/app.css", get(stylesheet))
        .route("/campaigns", get(campaigns::page))
        .route("/campaigns/{name}/{action}", post(campaigns::change))
        .route("/overdue", get(overdue::page))
        .route("/overdue/bulk", post(overdue::bulk))
        .route("/overdue/sweep", post(overdue::sweep))
        .route("/to-read", get(to_read::page))
        .route("/triage", get(triage::page))
        .route("/triage/{id}/attach", post(triage::attach))
        .route("/triage/{id}/dismiss", post(triage::dismiss))
        .route("/cases", get(cases::page))
        .route("/cases/{reference}", get(case::page))
        .route("/cases/{reference}/event", post(cases::record))
        .route("/cases/{reference}/status", post(case::set_status))
        .route("/cases/{reference}/note", post(case::add_note))
        .route("/cases/{reference}/assign", post(case::assign))
        .route("/cases/{reference}/answers", post(case::answers))
        .route("/cases/{reference}/confirm", post(case::confirm))
        .route("/cases/{reference}/resend", post(conversation::resend))
        .route("/cases/{reference}/reply", post(conversation::reply))
        .route(
            "/cases/{reference}/submitted",
            post(conversation::submitted),
        )
        .route("/by-hand", get(conversation::by_hand))
        .route("/messages/{id}/classify", post(case::classify))
        .route("/attachments/{id}", get(case::attachment))
        .route("/attachments/{id}/text", get(search::document))
        .route("/search", get(search::page))
        .route("/report", get(report::index))
        .route("/report/{campaign}", get(report::page))
        .route("/report/{campaign}/document", get(report::document))
        .route("/calendar", get(calendar::page).post(calendar::change))
        .route("/feed/{token}/deadlines.ics", get(calendar::feed))
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(timing))
        .with_state(state)
}

/// No request body the dashboard takes is larger (a bulk form names a few thousand cases).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Before any handler: a request naming a host other than `[web] public_url`'s is refused
/// (so no absolute URL is ever built from a forged Host header), and a request that takes
/// longer than `[web] request_timeout_secs` (a client sending its body slowly) is ended.
async fn limits(
    axum::extract::State(state): axum::extract::State<WebState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let web = &state.settings.web;
    if let Some(allowed) = &web.public_host {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()))
            .unwrap_or("");
        if !host.eq_ignore_ascii_case(allowed) {
            let mut res = WebError::Invalid(format!(
                "This dashboard answers at {}: use that address.",
                web.public_url.as_deref().unwrap_or("")
            ))
            .into_response();
            *res.status_mut() = axum::http::StatusCode::MISDIRECTED_REQUEST;
            return res;
        }
    }
    match tokio::time::timeout(web.request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            let mut res =
                WebError::Invalid("The request took too long and was ended: try again.".into())
                    .into_response();
            *res.status_mut() = axum::http::StatusCode::REQUEST_TIMEOUT;
            res
        }
    }
}

/// Serve the dashboard on `listener` until `shutdown` resolves (requests in flight finish),
/// with `[web]`'s connection limit and idle timeout.
pub async fn serve(
    state: WebState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    let web = &state.settings.web;
    let limits = listener::Limits {
        idle: web.idle_timeout,
        request: web.request_timeout,
    };
    let listener = listener::GuardedListener::new(listener, web.max_connections, limits)
        // (a no-op tap: axum gives the peer's address to such a listener's requests)
        .tap_io(|_| ());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    // A handler may set a narrower policy of its own (the framed report document).
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// How long the server took: a `Server-Timing` header, and a log line (`-v`) with the
/// method, path, status and milliseconds. A calendar feed's secret is never logged.
async fn timing(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        res.headers_mut().insert("server-timing", v);
    }
    let shown = if path.starts_with("/feed/") {
        "/feed/(secret)/deadlines.ics"
    } else {
        path.as_str()
    };
    tracing::info!(target: "foi::web", "{method} {shown} {} {ms:.1} ms", res.status().as_u16());
    res
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("templates/app.css"),
    )
        .into_response()
}

async fn not_found() -> Response {
    WebError::NotFound("There is no such page.".into()).into_response()
}
