//! `foi case reply REF (--text FILE | --template NAME|DIR [--text FILE]) [--attach FILE]...
//! [--as KIND] [--dry-run]`.

use crate::casework::reply::{reply, GivenFile, ReplyAsked, ReplyBy};
use crate::casework::reply_templates::ReplyKind;
use crate::cli::{App, Printer};
use crate::domain::Reference;
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReplyCommand {
    /// The case reference, e.g. CCTV24-0042.
    #[arg(value_parser = crate::cli::args::reference)]
    pub reference: Reference,
    /// A file with your words: the whole reply, or, with --template, the part it asks for
    /// (the clarification, the grounds). `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub text: Option<PathBuf>,
    /// A reply template: clarification, fee-accept, fee-contest, refine-cost-limit,
    /// internal-review, email-is-valid; or a folder with subject.hbs and body.txt.hbs.
    #[arg(long, value_name = "NAME|DIR")]
    pub template: Option<String>,
    /// A file to attach (PDF, text, CSV, images, Word, Excel, OpenDocument; at most 10 MB
    /// each, 20 MB in all). Repeat for several.
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// What the reply is: reply, clarification (restarts the clock when it is received) or
    /// internal-review. Default: the template's; else clarification when the body asked
    /// for one, else reply.
    #[arg(long = "as", value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<ReplyKind>,
    /// Who replies (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
    /// Print the email that would be queued, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_kind(s: &str) -> Result<ReplyKind, String> {
    ReplyKind::parse(s).ok_or_else(|| {
        format!("'{s}' is not a kind of reply: use reply, clarification or internal-review")
    })
}

fn read(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

impl ReplyCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        let case = app.store.require_case(&self.reference).await?;
        let text = match &self.text {
            Some(p) => Some(String::from_utf8(read(p)?).map_err(|_| {
                anyhow::anyhow!("{} is not UTF-8 text: save it as UTF-8", p.display())
            })?),
            None => None,
        };
        let mut attachments = Vec::new();
        for p in &self.attach {
            if std::fs::metadata(p)
                .is_ok_and(|m| m.len() > crate::casework::reply::MAX_ATTACHMENT_BYTES)
            {
                anyhow::bail!("{} is larger than 10 MB: a file may be at most 10 MB (send a link, or split it)", p.display());
            }
            attachments.push(GivenFile {
                name: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes: read(p)?,
            });
        }
        let actor = crate::cli::args::actor(self.by);
        let by = ReplyBy {
            actor: &actor,
            now: app.clock.now(),
            today: app.today(),
            dry_run: self.dry_run,
        };
        let asked = ReplyAsked {
            text,
            template: self.template,
            kind: self.kind,
            attachments,
        };
        let r = reply(&app.store, &app.settings, &case, asked, &by).await?;
        if !r.queued {
            writeln!(
                out,
                "dry run: would queue this {} (nothing was changed):",
                r.kind.outbox_kind()
            )?;
            writeln!(out, "To: {}\nSubject: {}", r.to, r.subject)?;
            if let Some(irt) = &r.in_reply_to {
                writeln!(out, "In-Reply-To: <{irt}>")?;
            }
            for a in &r.attachments {
                writeln!(out, "Attached: {a}")?;
            }
            writeln!(out, "\n{}", r.text)?;
            return Ok(());
        }
        writeln!(
            out,
            "queued a {} to {} on {} (Message-ID <{}>{}); `foi send` or `foi run` sends it",
            r.kind.outbox_kind(),
            r.to,
            r.reference,
            r.message_id,
            if r.attachments.is_empty() {
                String::new()
            } else {
                format!(", {} attached", r.attachments.join(", "))
            }
        )?;
        Ok(())
    }
}
