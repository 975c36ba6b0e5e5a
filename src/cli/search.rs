//! `foi search`: the emails and documents that mention something, best first.

use super::{App, Printer};
use crate::casework::search::{search, SearchError, SearchRequest};
use crate::text::clean_display_text;
use clap::Args;
use std::io::Write;

/// Search the text of every email and of the documents attached to them (ranked by
/// bm25). Words must all be there; "a phrase" (quote it for the shell: '"made by
/// hikvision"'), a prefix cam*, a OR b, NOT word (or 'cctv -word' in one argument) to
/// leave out. Each hit names its case, body and email, and for a document the attachment
/// and where in it (page, Sheet!cell).
#[derive(Debug, Args)]
pub struct SearchCommand {
    /// What to look for (several words are one search).
    #[arg(required_unless_present = "reindex")]
    pub query: Vec<String>,
    /// Only this campaign's cases.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only cases of bodies with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only emails of this class (response, refusal, acknowledgement ...) and their
    /// documents.
    #[arg(long)]
    pub class: Option<String>,
    /// At most this many hits (1 to 1000).
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print JSON (one array) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Rebuild the search index from the emails and documents stored, then exit.
    #[arg(long, conflicts_with_all = ["query", "campaign", "tag", "class"])]
    pub reindex: bool,
}

impl SearchCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        if self.reindex {
            let r = app.store.rebuild_search_index().await?;
            if self.json {
                return Ok(out.json(&r)?);
            }
            writeln!(
                out,
                "search index rebuilt: {} emails, {} document text units",
                r.emails, r.document_units
            )?;
            return Ok(());
        }
        let request = SearchRequest {
            query: self.query.join(" "),
            campaign: self.campaign,
            tag: self.tag,
            class: self.class,
            limit: self.limit,
        };
        let hits = match search(&app.store, &request).await {
            Ok(h) => h,
            Err(SearchError::Input(why)) => anyhow::bail!("{why}"),
            Err(SearchError::Other(e)) => return Err(e),
        };
        if self.json {
            return Ok(out.json(&hits)?);
        }
        if hits.is_empty() {
            writeln!(out, "no email or document matches")?;
            return Ok(());
        }
        for h in &hits {
            let case = match (&h.reference, &h.body) {
                (Some(r), Some(b)) => format!("{r} ({})", clean_display_text(b, 80)),
                (Some(r), None) => r.clone(),
                _ => "(triage)".to_string(),
            };
            writeln!(
                out,
                "{case}  {}  message {}  {}",
                h.at.format("%Y-%m-%d"),
                h.message_id,
                clean_display_text(&h.subject, 100)
            )?;
            if let Some(name) = &h.attachment {
                writeln!(
                    out,
                    "  in {} {}",
                    clean_display_text(name, 100),
                    clean_display_text(h.locator.as_deref().unwrap_or(""), 100)
                )?;
            }
            writeln!(out, "  {}", clean_display_text(&h.snippet, 400))?;
        }
        Ok(())
    }
}
