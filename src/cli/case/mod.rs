//! `foi case`: one case, named by its reference.

mod answer;
mod answers;
mod assign;
mod channel;
mod deadline;
mod event;
mod note;
mod reply;
mod resend;
mod show;
mod status;

use super::{App, Printer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Show a case: its body, reply address, status and events.
    Show(show::ShowCommand),
    /// Record a dated event on a case (a reply's gist, a phone call, a letter) and set the
    /// status it implies. Kinds: acknowledged, clarification_requested, clarification_sent,
    /// fees_notice, fee_paid, extension (--note +20 or the new due date), response,
    /// refusal, partial_response, not_held, internal_review_requested,
    /// internal_review_response, complaint_to_regulator (--regulator-ref IC-...),
    /// regulator_acknowledged, decision_notice (--ref FS50... --outcome
    /// upheld|partly|not_upheld --comply-by DATE), complied, tribunal_appeal (--appellant
    /// requester|body), withdrawn.
    Event(event::EventCommand),
    /// A case's due date and where its clock stands; --explain counts it day by day.
    Deadline(deadline::DeadlineCommand),
    /// Set a case's status by hand (recorded as a `status_set` event with your note).
    /// Statuses: awaiting_response, acknowledged, clarification_requested, successful,
    /// partially_successful, not_held, refused, internal_review, complaint_to_regulator,
    /// withdrawn, delivery_failed. Overdue is computed, not set (`foi overdue`). To record
    /// what the body did, and move its deadline, use `foi case event` instead.
    Status(status::StatusCommand),
    /// Add a note to a case (a `note` event: it changes no status and no deadline).
    Note(note::NoteCommand),
    /// Assign a case to a person (or --clear); `foi cases list --assignee NAME` lists theirs.
    Assign(assign::AssignCommand),
    /// Code a case's answers: `foi case answer CCTV24-0042 camera_count=12 supplier="Acme"`.
    /// Each value is checked against its question's type (yes/no/unknown, number, text,
    /// choice); if any is wrong, none is saved. `key=` clears an answer.
    Answer(answer::AnswerCommand),
    /// A case's answers: each question's confirmed answer and any pending suggestion.
    Answers(answers::AnswersCommand),
    /// Send a case's request again as a new delivery (same reference and reply token, a new
    /// Message-ID), e.g. after a bounce: --to records the body's correct address (the old
    /// one is kept). Its deadline counts from the new delivery.
    Resend(resend::ResendCommand),
    /// Reply to the body from its case: your text (--text FILE) or a reply template with
    /// your words in it, files attached, threaded to the body's last email and queued in
    /// the outbox. When it goes it is recorded on the case (as the clarification, or the
    /// request for internal review, when it is one: the clock follows).
    Reply(reply::ReplyCommand),
    /// Mark how a case's request must reach its body: email, portal (its web form) or post.
    /// A portal or post case is listed by `foi cases by-hand` until it is submitted.
    Channel(channel::ChannelCommand),
    /// Record a request submitted by hand (via portal or post) on a date: its deadline
    /// counts from that day.
    Submitted(channel::SubmittedCommand),
}

impl CaseCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Show(c) => c.execute(app, out).await,
            Self::Event(c) => c.execute(app, out).await,
            Self::Deadline(c) => c.execute(app, out).await,
            Self::Status(c) => c.execute(app, out).await,
            Self::Note(c) => c.execute(app, out).await,
            Self::Assign(c) => c.execute(app, out).await,
            Self::Answer(c) => c.execute(app, out).await,
            Self::Answers(c) => c.execute(app, out).await,
            Self::Resend(c) => c.execute(app, out).await,
            Self::Reply(c) => c.execute(app, out).await,
            Self::Channel(c) => c.execute(app, out).await,
            Self::Submitted(c) => c.execute(app, out).await,
        }
    }
}
