//! What a page's path names, parsed at the edge into the library's types: a case
//! reference (`/cases/{reference}/...`) that is not one is a 404 like an unknown case,
//! before anything is looked up.

use crate::domain::Reference;
use crate::web::error::WebError;
use crate::web::state::WebState;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

/// The case reference in the path.
pub struct CaseRef(pub Reference);

impl FromRequestParts<WebState> for CaseRef {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound("There is no such page.".into()))?;
        Reference::parse(&raw)
            .map(CaseRef)
            .ok_or_else(|| WebError::NotFound(format!("There is no case {raw}.")))
    }
}
