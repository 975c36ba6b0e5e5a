//! Report: a campaign's figures and charts exactly as `foi report --format html` gives
//! them (`report::html`), framed in the dashboard. The report document is self-contained
//! (one inline stylesheet, inline SVG, no script); it is served with its own policy that
//! allows that one stylesheet by hash and lets only this site frame it.

use super::{enc, enc_segment, Nav};
use crate::casework::report::campaign_report;
use crate::report::GroupBy;
use crate::web::auth::User;
use crate::web::error::{html, WebError, WebResult};
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse};
use sha2::{Digest, Sha256};

#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    pub by: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    nav: Nav,
    campaigns: Vec<String>,
    current: String,
    by: String,
    document: String,
}

async fn render_page(state: &WebState, user: User, current: String, by: String) -> WebResult {
    let campaigns = super::campaign_names(&state.store).await?;
    let document = if current.is_empty() {
        String::new()
    } else {
        format!("/report/{}/document?by={}", enc_segment(&current), enc(&by))
    };
    html(&Page {
        nav: Nav::new(user, "report"),
        campaigns,
        current,
        by,
        document,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Pick {
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub by: String,
}

/// The report page; `?campaign=` picks one (the first campaign otherwise).
pub async fn index(State(state): State<WebState>, user: User, Query(p): Query<Pick>) -> WebResult {
    let current = if p.campaign.is_empty() {
        super::campaign_names(&state.store)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default()
    } else {
        p.campaign
    };
    render_page(&state, user, current, p.by).await
}

pub async fn page(
    State(state): State<WebState>,
    user: User,
    Path(campaign): Path<String>,
    Query(p): Query<Params>,
) -> WebResult {
    render_page(&state, user, campaign, p.by).await
}

/// A `'sha256-...'` CSP source for each inline `<style>` of `doc`.
fn style_hashes(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find("<style>") {
        let after = &rest[i + "<style>".len()..];
        let Some(j) = after.find("</style>") else {
            break;
        };
        out.push(format!(
            "'sha256-{}'",
            base64(&Sha256::digest(&after.as_bytes()[..j]))
        ));
        rest = &after[j..];
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The report document itself (what `foi report NAME --format html` writes).
pub async fn document(
    State(state): State<WebState>,
    _user: User,
    Path(campaign): Path<String>,
    Query(p): Query<Params>,
) -> WebResult {
    let c = state
        .store
        .campaign_by_name(&campaign)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no campaign named '{campaign}'.")))?;
    let by = match p.by.as_str() {
        "" => None,
        s => Some(GroupBy::parse(s).ok_or_else(|| {
            WebError::Invalid(format!("Group by tag, region or regime, not '{s}'."))
        })?),
    };
    let r = campaign_report(
        &state.store,
        &state.settings.regimes,
        &c,
        by,
        state.clock.now(),
    )
    .await?;
    let doc = crate::report::html::render(&r);
    let csp = format!(
        "default-src 'none'; style-src {}; img-src data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'",
        style_hashes(&doc).join(" ")
    );
    let mut res = Html(doc).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).map_err(|e| anyhow::anyhow!("bad policy: {e}"))?,
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_of_known_values() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn each_style_block_is_hashed() {
        let h = super::style_hashes("<style>a{}</style><p><style>b{}</style>");
        assert_eq!(h.len(), 2);
        assert!(h[0].starts_with("'sha256-") && h[0] != h[1]);
    }
}
