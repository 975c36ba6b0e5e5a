//! Triage: received emails that matched no case, newest first, with the cases the matcher
//! suggested; attach one to one or more cases, or dismiss it.

use super::Nav;
use crate::casework::triage;
use crate::domain::Reference;
use crate::store::MessageRow;
use crate::text::truncate_chars;
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, invalid, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};

pub struct Item {
    pub m: MessageRow,
    pub excerpt: String,
    pub suggested: Vec<String>,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct Page {
    nav: Nav,
    items: Vec<Item>,
    notice: &'static str,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

/// The references the matcher named in its reason ("...; perhaps CCTV24-0001, CCTV24-0002").
pub fn suggested_references(reason: &str) -> Vec<String> {
    reason
        .rsplit_once("perhaps ")
        .map(|(_, list)| {
            list.split([',', ' '])
                .filter_map(Reference::parse)
                .map(|r| r.as_str().to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub async fn page(State(state): State<WebState>, user: User, Query(d): Query<Done>) -> WebResult {
    let items = state
        .store
        .inbound_messages(true)
        .await?
        .into_iter()
        .map(|m| {
            let text = m.text_body.as_deref().unwrap_or("");
            let (cut, more) = truncate_chars(text.trim(), 600);
            Item {
                excerpt: format!("{cut}{}", if more { " …" } else { "" }),
                suggested: suggested_references(m.reason.as_deref().unwrap_or("")),
                m,
            }
        })
        .collect();
    html(&Page {
        nav: Nav::new(user, "triage"),
        items,
        notice: match d.ok.as_str() {
            "attached" => "The email is attached to its case(s).",
            "dismissed" => "The email is dismissed.",
            _ => "",
        },
    })
}

pub async fn attach(
    State(state): State<WebState>,
    Path(id): Path<crate::domain::MessageId>,
    form: EditForm,
) -> WebResult {
    let mut refs: Vec<String> = form.all("case").into_iter().map(String::from).collect();
    refs.extend(
        form.get("references")
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from),
    );
    refs.dedup();
    if refs.is_empty() {
        return Err(WebError::Invalid(
            "Name a case: tick a suggested one or type its reference (e.g. CCTV24-0042).".into(),
        ));
    }
    let refs = refs
        .iter()
        .map(|r| {
            Reference::parse(r).ok_or_else(|| {
                WebError::Invalid(format!(
                    "'{r}' is not a case reference (e.g. CCTV24-0042): nothing was attached."
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    triage::attach(
        &state.store,
        &state.settings.regimes,
        id,
        &refs,
        &form.user.name,
        state.clock.now(),
    )
    .await
    .map_err(invalid)?;
    Ok(see_other("/triage?ok=attached"))
}

pub async fn dismiss(
    State(state): State<WebState>,
    Path(id): Path<crate::domain::MessageId>,
    form: EditForm,
) -> WebResult {
    let reason = format!("{} (dismissed by {})", form.get("reason"), form.user.name);
    if form.get("reason").is_empty() {
        return Err(WebError::Invalid(
            "Say why the email is dismissed (e.g. spam, newsletter).".into(),
        ));
    }
    triage::dismiss(&state.store, id, &reason)
        .await
        .map_err(invalid)?;
    Ok(see_other("/triage?ok=dismissed"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestions_come_from_the_reason() {
        assert_eq!(
            super::suggested_references(
                "no token; the sender x has 2 open cases; perhaps CCTV24-0001, CCTV24-0002"
            ),
            vec!["CCTV24-0001", "CCTV24-0002"]
        );
        assert!(super::suggested_references("no token").is_empty());
    }
}
