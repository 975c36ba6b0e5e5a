//! The staff dashboard (`foi serve`): server-rendered pages over the same store, working
//! without JavaScript.
//!
//! - [`router`] builds the whole application from a [`WebState`]; tests drive it without a
//!   socket (`tower::ServiceExt::oneshot`), `foi serve` binds it with [`serve`].
//! - [`auth`]: users' sessions (a random cookie, stored as its SHA-256), the CSRF
//!   synchronizer token checked on every POST, roles, the sign-in rate limit.
//! - [`pages`]: one file per page; templates (askama, auto-escaped) in `src/web/templates`.
//!
//! Every response carries a strict Content-Security-Policy (no script at all, styles and
//! images from this site only), `X-Frame-Options: DENY`, `nosniff` and `no-referrer`.
//! Email content is hostile: HTML bodies are shown only as `text::sanitize_html` made them, and
//! attachments are served as downloads.
//!
//! Sees everything of ours but `cli`; nothing imports it but `cli`.

pub mod auth;
pub mod pages;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

/// What every handler works with.
#[derive(Clone)]
pub struct WebState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure` (served over TLS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Opened on first use; `None` when it could not be (then nothing is cached).
    watch: tokio::sync::OnceCell<Option<crate::store::ChangeWatch>>,
    pub(crate) overdue_cache: pages::overdue::Cache,
}

impl WebState {
    pub fn new(config: Config, store: Store, clock: Arc<dyn Clock>, secure_cookies: bool) -> Self {
        Self(Arc::new(Inner {
            config,
            store,
            clock,
            secure_cookies,
            watch: tokio::sync::OnceCell::new(),
            overdue_cache: Default::default(),
        }))
    }

    /// The database's change number (see `store::ChangeWatch`), `None` if it cannot be read.
    pub async fn change_version(&self) -> Option<i64> {
        let watch = self
            .watch
            .get_or_init(|| async {
                match self.store.change_watch().await {
                    Ok(w) => Some(w),
                    Err(e) => {
                        tracing::warn!("dashboard: no change watch, nothing is cached: {e:#}");
                        None
                    }
                }
            })
            .await
            .as_ref()?;
        watch.version().await.ok()
    }
}

impl std::ops::Deref for WebState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The policy every response carries: nothing may run, nothing remote may load, no page
/// may be framed, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The dashboard.
pub fn router(state: WebState) -> Router {
    use pages::{calendar, campaigns, case, overdue, report, triage};
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
        .route("/triage", get(triage::page))
        .route("/triage/{id}/attach", post(triage::attach))
        .route("/triage/{id}/dismiss", post(triage::dismiss))
        .route("/cases/{reference}", get(case::page))
        .route("/cases/{reference}/status", post(case::set_status))
        .route("/cases/{reference}/note", post(case::add_note))
        .route("/cases/{reference}/assign", post(case::assign))
        .route("/cases/{reference}/answers", post(case::answers))
        .route("/cases/{reference}/confirm", post(case::confirm))
        .route("/messages/{id}/classify", post(case::classify))
        .route("/attachments/{id}", get(case::attachment))
        .route("/report", get(report::index))
        .route("/report/{campaign}", get(report::page))
        .route("/report/{campaign}/document", get(report::document))
        .route("/calendar", get(calendar::page).post(calendar::change))
        .route("/feed/{token}/deadlines.ics", get(calendar::feed))
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn(timing))
        .with_state(state)
}

/// Serve the dashboard on `listener` until `shutdown` resolves (requests in flight finish).
pub async fn serve(
    state: WebState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
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

/// What a handler can fail with: the page says it in one sentence.
#[derive(Debug)]
pub enum WebError {
    NotFound(String),
    Forbidden(String),
    /// The request cannot be done as asked (the message says what to do).
    Invalid(String),
    TooMany(String),
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// A failed action's error, shown to the person who asked (the library's errors are one
/// sentence saying what to do, as on the command line).
pub fn invalid(e: anyhow::Error) -> WebError {
    WebError::Invalid(format!("{e:#}"))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m.clone()),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m.clone()),
            WebError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, "Not done", m.clone()),
            WebError::TooMany(m) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                m.clone(),
            ),
            WebError::Internal(e) => {
                tracing::error!("dashboard: {e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not do this; the error is in its log.".to_string(),
                )
            }
        };
        let page = ErrorPage {
            title,
            message: &message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message).into_response(),
        }
    }
}

pub type WebResult<T = Response> = Result<T, WebError>;

/// A rendered page as a response.
pub fn html(t: &impl Template) -> WebResult {
    Ok(Html(t.render()?).into_response())
}
