//! The case page's conversation actions: reply to the body (previewed, then queued), and
//! send the request again to a corrected address; and the By hand page (requests to submit
//! through a body's web form or by post, and their submission recorded).
//! Each is a POST through [`EditForm`] (CSRF checked, viewers refused) that calls the same
//! use case as the command line, then goes back to the case page.

use super::case::load_case;
use super::Nav;
use crate::casework::by_hand::{record_submitted, to_submit, Channel, ToSubmit};
use crate::casework::reply::{GivenFile, Replied, ReplyAsked, ReplyBy};
use crate::casework::reply_templates::{ReplyKind, BUILTIN};
use crate::casework::resend::{resend_case, ResendBy};
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, invalid, WebError, WebResult};
use crate::web::extract::CaseRef;
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Query, State};

/// Resend the request (`foi case resend REF --to ADDRESS --note TEXT`).
pub async fn resend(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let to = Some(form.get("to").trim()).filter(|t| !t.is_empty());
    let note = Some(form.get("note").trim()).filter(|n| !n.is_empty());
    let tz = state.settings.case_time_zone(&case.regime);
    let by = ResendBy {
        actor: &form.user.name,
        note,
        now: state.clock.now(),
        today: state.clock.today_in(tz),
        dry_run: false,
    };
    resend_case(&state.store, &state.settings, &case, to, &by)
        .await
        .map_err(invalid)?;
    Ok(see_other(&format!("/cases/{}?ok=resent", case.reference)))
}

#[derive(Template)]
#[template(path = "reply_preview.html")]
struct Preview {
    nav: Nav,
    reference: String,
    r: Replied,
    /// The fields to post again to send it.
    text: String,
    template: String,
    kind: String,
    /// The files, carried to the queue form (`name:data`, each in base64).
    carried: Vec<String>,
}

/// Reply to the body (`foi case reply`): `go=preview` shows the email; `go=send` queues it.
/// Files come as `attach` uploads of a multipart form, checked as `--attach` files are
/// (type, size, name) before anything is queued; the preview carries them to its queue
/// form (`carried`).
pub async fn reply(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let text = form.get("text").to_string();
    let template = form.get("template").trim().to_string();
    let kind_field = form.get("as").trim().to_string();
    let kind = match kind_field.as_str() {
        "" => None,
        k => Some(ReplyKind::parse(k).ok_or_else(|| {
            WebError::Invalid(format!("'{k}' is not a kind of reply: reload the page."))
        })?),
    };
    if !template.is_empty() && !BUILTIN.iter().any(|t| t.name == template) {
        // (the dashboard offers the built-ins only: a folder on the server is the CLI's)
        return Err(WebError::Invalid(format!(
            "There is no reply template '{template}': reload the page."
        )));
    }
    let preview = form.get("go") != "send";
    let tz = state.settings.case_time_zone(&case.regime);
    let by = ReplyBy {
        actor: &form.user.name,
        now: state.clock.now(),
        today: state.clock.today_in(tz),
        dry_run: preview,
    };
    let attachments = files_of(&form)?;
    let carried = attachments.iter().map(carry).collect();
    let asked = ReplyAsked {
        text: Some(text.clone()),
        template: Some(template.clone()).filter(|t| !t.is_empty()),
        kind,
        attachments,
    };
    let r = crate::casework::reply::reply(&state.store, &state.settings, &case, asked, &by)
        .await
        .map_err(invalid)?;
    if !preview {
        return Ok(see_other(&format!("/cases/{}?ok=replied", case.reference)));
    }
    html(&Preview {
        nav: Nav::new(form.user.clone(), "overdue"),
        reference: case.reference.to_string(),
        r,
        text,
        template,
        kind: kind_field,
        carried,
    })
}

/// The reply's files: uploaded (`attach`), or carried from the preview (`carried`).
fn files_of(form: &EditForm) -> Result<Vec<GivenFile>, WebError> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut files: Vec<GivenFile> = form
        .files
        .iter()
        .filter(|f| f.field == "attach")
        .map(|f| GivenFile {
            name: f.file_name.clone(),
            bytes: f.bytes.clone(),
        })
        .collect();
    for c in form.all("carried") {
        let bad =
            || WebError::Invalid("A file of the preview was damaged: attach it again.".into());
        let (name, data) = c.split_once(':').ok_or_else(bad)?;
        let name = b64.decode(name).map_err(|_| bad())?;
        files.push(GivenFile {
            name: String::from_utf8(name).map_err(|_| bad())?,
            bytes: b64.decode(data).map_err(|_| bad())?,
        });
    }
    Ok(files)
}

/// A file as the preview's queue form carries it.
fn carry(f: &GivenFile) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    format!("{}:{}", b64.encode(f.name.as_bytes()), b64.encode(&f.bytes))
}

#[derive(Template)]
#[template(path = "by_hand.html")]
struct ByHandPage {
    nav: Nav,
    list: Vec<ToSubmit>,
    today: String,
    notice: &'static str,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

/// The cases to submit by hand, each with its text and a form to record the submission.
pub async fn by_hand(
    State(state): State<WebState>,
    user: User,
    Query(d): Query<Done>,
) -> WebResult {
    let today = state.clock.today_in(state.settings.case_time_zone(""));
    let list = to_submit(&state.store, &state.settings, today).await?;
    html(&ByHandPage {
        nav: Nav::new(user, "by-hand"),
        list,
        today: today.to_string(),
        notice: if d.ok == "submitted" {
            "Submission recorded: the deadline counts from its date."
        } else {
            ""
        },
    })
}

/// Record a submission by hand (`foi case submitted REF --via V --date D --ref R`).
pub async fn submitted(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let via = Channel::parse(form.get("via"))
        .ok_or_else(|| WebError::Invalid("Choose portal or post.".into()))?;
    let on: chrono::NaiveDate = form.get("date").parse().map_err(|_| {
        WebError::Invalid(format!(
            "'{}' is not a date: use YYYY-MM-DD.",
            form.get("date")
        ))
    })?;
    let tz = state.settings.case_time_zone(&case.regime);
    record_submitted(
        &state.store,
        &case,
        via,
        on,
        Some(form.get("their_ref")),
        &form.user.name,
        state.clock.today_in(tz),
        state.clock.now(),
    )
    .await
    .map_err(invalid)?;
    Ok(see_other("/by-hand?ok=submitted"))
}
