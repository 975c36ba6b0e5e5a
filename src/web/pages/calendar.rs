//! A private calendar feed per user: a secret token in the URL (only its SHA-256 is
//! stored, so the URL is shown once, when made), an iCalendar file of every open case's
//! due date (`foi deadlines --ics`), regenerated or revoked here.

use super::Nav;
use crate::casework::overdue::due_events;
use crate::web::auth::{random_token, token_hash, Form, User};
use crate::web::error::{html, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;

#[derive(Template)]
#[template(path = "calendar.html")]
struct Page {
    nav: Nav,
    has_feed: bool,
    /// The new feed URL, shown once.
    url: Option<String>,
    notice: &'static str,
}

pub async fn page(State(state): State<WebState>, user: User) -> WebResult {
    let has_feed = state
        .store
        .users()
        .await?
        .iter()
        .any(|u| u.id == user.id && u.has_calendar);
    html(&Page {
        nav: Nav::new(user, "calendar"),
        has_feed,
        url: None,
        notice: "",
    })
}

/// Make a new feed URL (the old one stops working) or revoke it. Any signed-in user may
/// manage their own feed, viewers included: it changes nothing of the casework.
pub async fn change(
    State(state): State<WebState>,
    headers: HeaderMap,
    form: Form<false>,
) -> WebResult {
    match form.get("action") {
        "regenerate" => {
            let token = random_token()?;
            state
                .store
                .set_calendar_token(form.user.id, Some(&token_hash(&token)))
                .await?;
            // The configured public address; without one, what the browser asked for
            // (checked to be a plain host name).
            let base = match &state.settings.web.public_url {
                Some(url) => url.clone(),
                None => {
                    let scheme = if state.secure_cookies {
                        "https"
                    } else {
                        "http"
                    };
                    let host = headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .filter(|h| {
                            h.chars()
                                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
                        })
                        .unwrap_or("localhost");
                    format!("{scheme}://{host}")
                }
            };
            html(&Page {
                url: Some(format!("{base}/feed/{token}/deadlines.ics")),
                has_feed: true,
                nav: Nav::new(form.user, "calendar"),
                notice: "A new feed URL is made; the old one no longer works.",
            })
        }
        "revoke" => {
            state.store.set_calendar_token(form.user.id, None).await?;
            html(&Page {
                url: None,
                has_feed: false,
                nav: Nav::new(form.user, "calendar"),
                notice: "Your calendar feed is revoked.",
            })
        }
        _ => Err(WebError::Invalid("Choose regenerate or revoke.".into())),
    }
}

/// The feed itself: no session (calendar apps have none), the secret token is the key.
pub async fn feed(State(state): State<WebState>, Path(token): Path<String>) -> WebResult {
    let Some(user) = state
        .store
        .user_by_calendar_token(&token_hash(&token))
        .await?
    else {
        return Err(WebError::NotFound(
            "There is no such calendar feed (it may have been revoked): make a new one on the Calendar page.".into(),
        ));
    };
    let events = due_events(&state.store, &state.settings.regimes, None).await?;
    let text = crate::report::ics::calendar(
        &format!("FOI deadlines ({})", user.name),
        &events,
        state.clock.now(),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"deadlines.ics\"",
            ),
        ],
        text,
    )
        .into_response())
}
