//! The "to read" queue: replies on cases that fit no specific class (`reply`), oldest
//! first. Their cases are not chased until a person has read them; confirming a class
//! here (or on the case page) records the event it implies and marks the email read.

use super::Nav;
use crate::ingest::classify::Kind;
use crate::store::ReplyToRead;
use crate::web::auth::User;
use crate::web::error::{html, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Query, State};

#[derive(Template)]
#[template(path = "to_read.html")]
struct Page {
    nav: Nav,
    items: Vec<ReplyToRead>,
    kinds: Vec<&'static str>,
    notice: &'static str,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

pub async fn page(State(state): State<WebState>, user: User, Query(d): Query<Done>) -> WebResult {
    html(&Page {
        nav: Nav::new(user, "to-read"),
        items: state.store.replies_to_read().await?,
        kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
        notice: match d.ok.as_str() {
            "classified" => {
                "Classification saved and the email marked read; its case has the event it \
                 implies."
            }
            _ => "",
        },
    })
}
