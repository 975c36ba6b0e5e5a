//! `foi answers`: a campaign's coded answers.

mod confirm;
mod import;
mod questions;
mod suggest;
mod suggestions;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AnswersCommand {
    /// Code many cases at once from a CSV file: a `reference` column and one column per
    /// question key (an empty cell leaves that answer as it is; other columns of
    /// `foi export cases` are ignored). All or nothing: every bad cell is reported as
    /// `line N, column K: what is wrong`, and then nothing is changed.
    Import(import::ImportCommand),
    /// Run the questions' keyword rules over the replies (the new part of each inbound
    /// email's text) and store what they suggest. `foi fetch` and `foi import-mail` do this
    /// for the emails they store. A suggestion counts only once confirmed.
    Suggest(suggest::SuggestCommand),
    /// List suggested answers waiting for a person, with the words that matched.
    Suggestions(suggestions::SuggestionsCommand),
    /// Confirm a suggestion: `foi answers confirm REF KEY`, or every suggestion of a
    /// campaign with `--all CAMPAIGN`.
    Confirm(confirm::ConfirmCommand),
    /// A campaign's questions: key, type, label and rules.
    Questions(questions::QuestionsCommand),
}

impl AnswersCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Import(c) => c.execute(app, out).await,
            Self::Suggest(c) => c.execute(app, out).await,
            Self::Suggestions(c) => c.execute(app, out).await,
            Self::Confirm(c) => c.execute(app, out).await,
            Self::Questions(c) => c.execute(app, out).await,
        }
    }
}
