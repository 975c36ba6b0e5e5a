//! Case: the thread in order (text, or sanitised HTML), attachments to download, events,
//! the deadline with its explanation, the classification override, status, answers, notes
//! and assignee. Plus the attachment download, served so no browser ever renders it.

use super::{words, Nav};
use crate::casework::answers::{campaign_questions, case_answers, CaseAnswers};
use crate::deadlines::{ClockState, Ending};
use crate::domain::{Case, CaseStatus, Question, QuestionType, Reference};
use crate::ingest::classify::Kind;
use crate::standing::{self, standing, Standing};
use crate::store::{EventRow, MessageDisplay, MessageRow, StoreError};
use crate::text::{sanitize_file_name, sanitize_html};
use crate::web::auth::{see_other, EditForm, User};
use crate::web::error::{html, invalid, WebError, WebResult};
use crate::web::extract::CaseRef;
use crate::web::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// HTML bodies are shown up to this size (the rest is cut; the raw email stays whole).
const MAX_HTML_BYTES: usize = 512 * 1024;

pub struct Mail {
    pub m: MessageRow,
    pub outbound: bool,
    /// Sanitised HTML, when the email has an HTML body.
    pub html: Option<String>,
    pub text: String,
}

pub struct DeadlineView {
    pub received: String,
    pub due: String,
    pub latest: Option<String>,
    pub state: String,
    pub standing: Option<Standing>,
    pub steps: Vec<String>,
}

pub struct AnswerField {
    pub q: Question,
    pub value: String,
    pub options: Vec<String>,
    pub suggestion: Option<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct Page {
    nav: Nav,
    case: Case,
    assignee: String,
    mails: Vec<Mail>,
    events: Vec<EventRow>,
    deadline: Option<DeadlineView>,
    deadline_error: Option<String>,
    fields: Vec<AnswerField>,
    questions_error: Option<String>,
    statuses: Vec<CaseStatus>,
    kinds: Vec<&'static str>,
    /// The event kinds a person may record (stored name, name for people).
    event_kinds: Vec<(String, String)>,
    /// Today in the case's regime (the event form's default date).
    today: String,
    /// The replies on this case nobody has read yet.
    to_read: std::collections::HashSet<crate::domain::MessageId>,
    users: Vec<String>,
    notice: &'static str,
    /// Whether the request went (so it can be sent again, or replied to).
    resendable: bool,
    /// The built-in reply templates (name, label).
    replies: Vec<(&'static str, &'static str)>,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

fn notice(code: &str) -> &'static str {
    match code {
        "status" => "Status set.",
        "note" => "Note added.",
        "event" => "Event recorded; the status and the clock follow it.",
        "assigned" => "Assignee saved.",
        "answers" => "Answers saved.",
        "classified" => {
            "Classification saved and the email marked read; the case has the event it implies."
        }
        "resent" => "The request was queued again; the deadline will count from its delivery.",
        "replied" => "The reply was queued; it is recorded on the case when it goes.",
        _ => "",
    }
}

/// The case `reference`, or the dashboard's 404 when there is none.
pub(super) async fn load_case(state: &WebState, reference: &Reference) -> WebResult<Case> {
    state
        .store
        .require_case(reference)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => WebError::NotFound(format!("There is no case {reference}.")),
            e => e.into(),
        })
}

async fn deadline_view(state: &WebState, case: &Case) -> anyhow::Result<Option<DeadlineView>> {
    let Some((t, clocks)) =
        crate::casework::overdue::case_timeline(&state.store, &state.settings.regimes, case.id)
            .await?
    else {
        return Ok(None);
    };
    let regime = clocks.regime(&t.regime)?;
    let review = |s: &str| clocks.is_review_step(&t.campaign, s);
    let Some(explanation) = standing::explain(regime, &t.events, &review)? else {
        return Ok(None);
    };
    let d = explanation.deadline();
    let today = state.clock.today_in(regime.time_zone());
    Ok(Some(DeadlineView {
        received: d.received().format("%a %Y-%m-%d").to_string(),
        due: d
            .due()
            .map(|x| x.format("%a %Y-%m-%d").to_string())
            .unwrap_or_else(|| "none while the clock is not running".into()),
        latest: d.latest().map(|x| x.format("%a %Y-%m-%d").to_string()),
        state: clock_text(d.state()),
        standing: case
            .status
            .is_open()
            .then(|| standing(regime, d, today))
            .flatten(),
        steps: explanation.steps().iter().map(|s| s.to_string()).collect(),
    }))
}

/// Where the clock stands, for people.
fn clock_text(s: ClockState) -> String {
    match s {
        ClockState::Running => "running".into(),
        ClockState::AwaitingClarification { since } => {
            format!("stopped: clarification asked for on {since}")
        }
        ClockState::Paused {
            since,
            reason,
            remaining,
        } => format!("paused since {since} ({reason}), {remaining} days to run after"),
        ClockState::Ended { on, how } => format!(
            "ended on {on} ({})",
            match how {
                Ending::Responded => "answered",
                Ending::Withdrawn => "withdrawn",
            }
        ),
    }
}

fn answer_fields(questions: &[Question], a: &CaseAnswers) -> Vec<AnswerField> {
    questions
        .iter()
        .map(|q| AnswerField {
            value: a
                .confirmed
                .get(&q.key)
                .map(|r| r.value.clone())
                .unwrap_or_default(),
            options: match &q.kind {
                QuestionType::YesNo => vec!["yes".into(), "no".into(), "unknown".into()],
                QuestionType::Choice(o) => o.clone(),
                _ => Vec::new(),
            },
            suggestion: a.suggested.get(&q.key).map(|s| {
                format!(
                    "{}{}",
                    s.value,
                    s.evidence
                        .as_deref()
                        .map(|e| format!(" (from the reply: “{e}”)"))
                        .unwrap_or_default()
                )
            }),
            q: q.clone(),
        })
        .collect()
}

pub async fn page(
    State(state): State<WebState>,
    user: User,
    CaseRef(reference): CaseRef,
    Query(d): Query<Done>,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let mut mails = Vec::new();
    for m in state.store.case_messages(case.id).await? {
        // The HTML kept of a reply is sanitised again, with today's sanitiser.
        let display = display_of(&state, &m).await?;
        let html = display
            .html
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .map(|h| sanitize_html(h, MAX_HTML_BYTES));
        let text = m.text_body.clone().or(display.text).unwrap_or_default();
        mails.push(Mail {
            outbound: m.direction == "outbound",
            text,
            html,
            m,
        });
    }
    let (deadline, deadline_error) = match deadline_view(&state, &case).await {
        Ok(d) => (d, None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let campaign = state.store.require_campaign(&case.campaign).await?;
    let (fields, questions_error) = match campaign_questions(&campaign) {
        Ok(q) => {
            let qs: Vec<Question> = q.iter().cloned().collect();
            let a = case_answers(&state.store, case.id).await?;
            (answer_fields(&qs, &a), None)
        }
        Err(e) => (Vec::new(), Some(format!("{e:#}"))),
    };
    html(&Page {
        nav: Nav::new(user, "overdue"),
        assignee: state
            .store
            .case_assignee(case.id)
            .await?
            .unwrap_or_default(),
        events: state.store.events(case.id).await?,
        mails,
        deadline,
        deadline_error,
        fields,
        questions_error,
        statuses: crate::casework::staff::settable_statuses(),
        kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
        event_kinds: event_kinds(),
        today: state
            .clock
            .today_in(state.settings.case_time_zone(&case.regime))
            .to_string(),
        to_read: state.store.case_replies_to_read(case.id).await?,
        users: super::user_names(&state.store).await?,
        notice: notice(&d.ok),
        resendable: !CaseStatus::NOT_SENT.contains(&case.status),
        replies: reply_templates(),
        case,
    })
}

/// What the page shows of a message besides its stored text: kept at ingestion, or made
/// once from its raw email (an email we sent, or one stored before the HTML was kept).
/// One email is made at a time in this process, so that many views at once parse it once
/// and hold one parsed email, not one each.
async fn display_of(state: &WebState, m: &MessageRow) -> anyhow::Result<MessageDisplay> {
    static MAKING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    if let Some(kept) = state.store.message_display(m.id).await? {
        return Ok(kept);
    }
    let _one = MAKING.lock().await;
    // (another view may have made it meanwhile)
    if let Some(kept) = state.store.message_display(m.id).await? {
        return Ok(kept);
    }
    let Some(raw) = state.store.blob(&m.raw_sha256).await? else {
        return Ok(MessageDisplay::default());
    };
    // (parsed with the configured bounds, off the server's thread: a reply may be tens of
    // megabytes)
    let limits = crate::ingest::pipeline::limits(&state.settings.fetch);
    let parsed = tokio::task::spawn_blocking(move || crate::ingest::parse::parse(&raw, &limits))
        .await
        .map_err(|e| anyhow::anyhow!("parsing an email failed: {e}"))?;
    let display = MessageDisplay {
        html: parsed.html_body,
        text: m.text_body.is_none().then_some(parsed.text_body),
    };
    state.store.keep_message_display(m.id, &display).await?;
    Ok(display)
}

/// A refused change says why; a store failure is the server's.
fn staff_error(e: crate::casework::staff::StaffError) -> WebError {
    match e {
        crate::casework::staff::StaffError::Store(e) => e.into(),
        e => WebError::Invalid(e.to_string()),
    }
}

fn back(case: &Case, ok: &str) -> Response {
    see_other(&format!("/cases/{}?ok={ok}", case.reference))
}

pub async fn set_status(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let to =
        crate::casework::staff::parse_settable(form.get("status")).map_err(WebError::Invalid)?;
    let note = Some(form.get("note")).filter(|n| !n.is_empty());
    let tz = state.settings.case_time_zone(&case.regime);
    crate::casework::staff::set_status(
        &state.store,
        &case,
        to,
        note,
        &form.user.name,
        state.clock.today_in(tz),
        state.clock.now(),
    )
    .await
    .map_err(staff_error)?;
    Ok(back(&case, "status"))
}

pub async fn add_note(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    crate::casework::staff::add_note(
        &state.store,
        &case,
        form.get("note"),
        &form.user.name,
        state
            .clock
            .today_in(state.settings.case_time_zone(&case.regime)),
        state.clock.now(),
    )
    .await
    .map_err(staff_error)?;
    Ok(back(&case, "note"))
}

pub async fn assign(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let who = form.get("assignee");
    // (a name that is not a user is the request's mistake, said on the page)
    crate::casework::staff::assign(&state.store, &case, Some(who).filter(|w| *w != "-"))
        .await
        .map_err(invalid)?;
    Ok(back(&case, "assigned"))
}

pub async fn answers(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    // Only the questions whose field changed: an untouched empty field clears nothing.
    let current = case_answers(&state.store, case.id).await?;
    let pairs: Vec<(String, String)> = form
        .with_prefix("answer.")
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .filter(|(k, v)| {
            current
                .confirmed
                .get(k)
                .map(|a| a.value.as_str())
                .unwrap_or("")
                != v
        })
        .collect();
    // Validated all together first (the library's rules), then saved together.
    let saved = crate::casework::answers::answer_case(
        &state.store,
        &case,
        &pairs,
        Vec::new(),
        &form.user.name,
        state.clock.now(),
    )
    .await
    .map_err(invalid)?;
    if let Err(errors) = saved {
        return Err(WebError::Invalid(format!(
            "Nothing was saved: {}. Go back and correct it.",
            errors.join("; ")
        )));
    }
    Ok(back(&case, "answers"))
}

/// Confirm a keyword rule's suggestion: from then on it counts as a person's answer.
pub async fn confirm(
    State(state): State<WebState>,
    CaseRef(reference): CaseRef,
    form: EditForm,
) -> WebResult {
    let case = load_case(&state, &reference).await?;
    let key = form.get("question");
    use crate::casework::answers::{confirm_suggestion, ConfirmError};
    match confirm_suggestion(&state.store, &case, key, &form.user.name, state.clock.now()).await {
        Err(ConfirmError::NoSuggestion { .. }) => {
            return Err(WebError::Invalid(format!(
                "Case {} has no suggestion for '{key}' (any more): reload the page.",
                case.reference
            )))
        }
        r => r.map_err(|e| match e {
            ConfirmError::Store(e) => WebError::from(e),
            e => WebError::Invalid(e.to_string()),
        })?,
    };
    Ok(back(&case, "answers"))
}

pub async fn classify(
    State(state): State<WebState>,
    Path(id): Path<crate::domain::MessageId>,
    form: EditForm,
) -> WebResult {
    let kind: Kind = form
        .get("kind")
        .parse()
        .map_err(|e| WebError::Invalid(format!("{e}")))?;
    crate::casework::triage::reclassify(
        &state.store,
        &state.settings.regimes,
        id,
        kind,
        &form.user.name,
        state.clock.now(),
    )
    .await
    .map_err(invalid)?;
    let back_to = form.get("back");
    if back_to == "to-read" {
        return Ok(see_other("/to-read?ok=classified"));
    }
    match crate::domain::Reference::parse(back_to) {
        Some(r) => Ok(see_other(&format!("/cases/{}?ok=classified", r.as_str()))),
        None => Ok(see_other("/triage")),
    }
}

/// Content types a browser may be told as they are (still as a download); anything else
/// (HTML, SVG, scripts, unknown) goes out as `application/octet-stream`.
const SAFE_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` from a sanitised name.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn attachment(
    State(state): State<WebState>,
    _user: User,
    Path(id): Path<crate::domain::AttachmentId>,
) -> WebResult {
    let Some((a, bytes)) = state.store.attachment(id).await? else {
        return Err(WebError::NotFound(format!("There is no attachment {id}.")));
    };
    let name = sanitize_file_name(&a.file_name).unwrap_or_else(|| format!("attachment-{}", a.id));
    let declared = a
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content_type = if SAFE_TYPES.contains(&declared.as_str()) {
        declared
    } else {
        "application/octet-stream".to_string()
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(&name))
            .map_err(|e| anyhow::anyhow!("bad file name header: {e}"))?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// For templates: an event kind or status for people.
pub fn human(s: &str) -> String {
    words(s)
}

/// The event kinds the case page's form offers: the shared list `foi case event` takes,
/// as (stored name, name for people).
pub fn event_kinds() -> Vec<(String, String)> {
    crate::domain::event::RECORDABLE
        .iter()
        .map(|k| (k.as_str().into_owned(), words(&k.as_str())))
        .collect()
}

/// The built-in reply templates, for the case page's picker.
pub fn reply_templates() -> Vec<(&'static str, &'static str)> {
    crate::casework::reply_templates::BUILTIN
        .iter()
        .map(|t| (t.name, t.label))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_in_the_header_are_plain_and_encoded() {
        assert_eq!(
            content_disposition("reply.pdf"),
            "attachment; filename=\"reply.pdf\"; filename*=UTF-8''reply.pdf"
        );
        let cd = content_disposition("Réponse \"final\".pdf");
        assert!(
            cd.starts_with("attachment; filename=\"R_ponse _final_.pdf\";"),
            "{cd}"
        );
        assert!(
            cd.ends_with("filename*=UTF-8''R%C3%A9ponse%20%22final%22.pdf"),
            "{cd}"
        );
    }
}
