//! What a handler can fail with, and the page that says it: a missing thing is a 404, a
//! refused action a 403 or 422, a store failure a 500 (its cause logged, never shown).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

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

/// A missing thing is a 404; any other store failure is the server's (500).
impl From<crate::store::StoreError> for WebError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::NotFound(m) => Self::NotFound(m),
            crate::store::StoreError::Other(e) => Self::Internal(e),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// A failed action's error, shown to the person who asked (the library's errors are one
/// sentence saying what to do, as on the command line); but a store that failed under the
/// action is the server's failure, not the request's.
pub fn invalid(e: anyhow::Error) -> WebError {
    match e.downcast::<crate::store::StoreError>() {
        Ok(crate::store::StoreError::Other(e)) => WebError::Internal(e),
        Ok(missing) => WebError::Invalid(missing.to_string()),
        Err(e) => WebError::Invalid(format!("{e:#}")),
    }
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
