//! Composing each case's email from the campaign's templates: the render context, the
//! headers a body will see, and the check that every case renders before anything is sent.
//!
//! Sees `domain`, `store`, `templates` and the settings (who sends, the reply address);
//! used by preview, launch, chasers and campaign messages.

use crate::config::{SenderIdentity, Settings};
use crate::domain::BodyId;
use crate::domain::{Body, Campaign, Case};
use crate::store::{CaseFilter, Store};
use crate::templates::{context, ContextParts, RenderFailure, Rendered, Renderer, TemplateSet};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One composed email, before it gets a Message-ID.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Draft {
    pub from_name: String,
    pub from_addr: String,
    pub to_name: String,
    pub to_addr: String,
    pub reply_to: String,
    pub rendered: Rendered,
}

impl Draft {
    /// The headers and text, as the preview shows them.
    pub fn preview_text(&self) -> String {
        let mut s = format!(
            "From: {}\nTo: {}\nReply-To: {}\nSubject: {}\n\n{}",
            mailbox(&self.from_name, &self.from_addr),
            mailbox(&self.to_name, &self.to_addr),
            self.reply_to,
            self.rendered.subject,
            self.rendered.text
        );
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    }
}

/// `Name <address>`, quoting the name when it holds specials.
pub fn mailbox(name: &str, address: &str) -> String {
    let name = name.replace(['"', '\\', '\r', '\n'], " ");
    if name.trim().is_empty() {
        address.to_string()
    } else if name.chars().any(|c| "()<>[]:;@,.".contains(c)) {
        format!("\"{}\" <{address}>", name.trim())
    } else {
        format!("{} <{address}>", name.trim())
    }
}

/// The sender's template variables: every `[sender]` key.
pub fn sender_vars(sender: &SenderIdentity) -> BTreeMap<String, String> {
    let mut m = sender.extra.clone();
    m.insert("name".into(), sender.name.clone());
    m.insert("email".into(), sender.email.clone());
    m
}

/// A campaign's compiled templates plus what every case shares.
pub struct Composer<'a> {
    pub set: TemplateSet,
    renderer: Renderer,
    settings: &'a Settings,
    campaign: &'a Campaign,
    sender: BTreeMap<String, String>,
    today: chrono::NaiveDate,
}

impl<'a> Composer<'a> {
    /// Load and compile the templates of `dir` (a syntax error stops here).
    pub fn new(
        settings: &'a Settings,
        campaign: &'a Campaign,
        dir: &Path,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<Self> {
        let set = TemplateSet::load(dir)?;
        let renderer = Renderer::new(&set)?;
        Ok(Self {
            set,
            renderer,
            settings,
            campaign,
            sender: sender_vars(&settings.sender),
            today,
        })
    }

    /// Compose one case's email.
    pub fn compose(&self, case: &Case, body: &Body) -> Result<Draft, RenderFailure> {
        let reply = self.settings.reply.address(&case.token);
        let ctx = context(&ContextParts {
            body,
            campaign: self.campaign,
            campaign_fields: &self.set.campaign_fields,
            reference: &case.reference,
            reply_address: &reply,
            sender: &self.sender,
            today: self.today,
        });
        let rendered = self.renderer.render(&ctx, &case.reference)?;
        Ok(Draft {
            from_name: self.settings.sender.name.clone(),
            from_addr: self.settings.sender.email.clone(),
            to_name: body.name.clone(),
            to_addr: body.email.to_string(),
            reply_to: reply,
            rendered,
        })
    }
}

/// The result of checking every case of a campaign: how many rendered, and each failure.
pub struct CheckReport {
    pub digest: String,
    pub checked: usize,
    pub failures: Vec<(Case, String, RenderFailure)>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Render every case of a campaign (or only `only`), handing each draft to `visit` as it
/// is made (so 10,000 drafts are never held at once), and record whether all passed.
pub async fn check_campaign(
    store: &Store,
    settings: &Settings,
    campaign: &Campaign,
    today: chrono::NaiveDate,
    only: Option<&crate::domain::Reference>,
    visit: &mut (dyn FnMut(&Case, &Body, &Draft) -> anyhow::Result<()> + Send),
) -> anyhow::Result<CheckReport> {
    let composer = Composer::new(settings, campaign, Path::new(&campaign.template_dir), today)?;
    let filter = CaseFilter {
        campaign_id: Some(campaign.id),
        reference: only.cloned(),
        ..Default::default()
    };
    let cases = store.cases(&filter).await?;
    let bodies: HashMap<BodyId, Body> = store.bodies_by_id().await?;
    let mut report = CheckReport {
        digest: composer.set.digest(),
        checked: 0,
        failures: Vec::new(),
    };
    for case in cases {
        let Some(body) = bodies.get(&case.body_id) else {
            anyhow::bail!("case {} has no body in the database", case.reference);
        };
        report.checked += 1;
        match composer.compose(&case, body) {
            Ok(draft) => visit(&case, body, &draft)?,
            Err(f) => report.failures.push((case, body.name.clone(), f)),
        }
    }
    if only.is_none() {
        let digest = report.passed().then_some(report.digest.as_str());
        store.set_checked_digest(campaign.id, digest).await?;
    }
    Ok(report)
}
