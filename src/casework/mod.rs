//! The use cases: what a person (or `foi run` on their behalf) does with campaigns and
//! cases, one function per thing done. The command line and the dashboard both call these,
//! so the two faces never differ in what an action means.
//!
//! Sees the workers (`sender`, `ingest`), `report`, `store`, `templates`, `config`,
//! `standing`, `domain`, `deadlines` and `clock`; never `cli`, `web` or `scheduler`.
//! Files may call one another (`chasers` composes with `compose` and builds with `mime`),
//! never in a circle.
//!
//! - Campaigns: [`campaigns`] (create), [`launch`] (launch, pause, resume, cancel),
//!   [`messages`] (a correction or clarification to some of its cases), [`compose`] (each
//!   case's email and the check that all render) and [`mime`] (the exact bytes).
//! - Cases: [`events`] (what the body did), [`staff`] (status, note, assignment),
//!   [`answers`] (questions, coding, suggestions), [`overdue`] (where open cases stand),
//!   [`chasers`] (the escalation ladder, the sweep; [`approval`]), [`consolidate`] (one
//!   chaser email for a body's several due cases), [`resend`] (a new address
//!   and the request sent again), [`reply`] (our reply to a body, with
//!   [`reply_templates`]), [`by_hand`] (requests through a body's web form or by post).
//! - Mail: [`replies`] (read replies, then suggest answers), [`triage`] (attach, dismiss,
//!   reclassify), [`outbox`] (settle an uncertain email), [`search`] (full-text search of
//!   the emails and their documents).
//! - Out: [`report`] (a campaign's figures), [`export`] (cases as CSV, evidence folders),
//!   [`complaints`] (complaint packs for the regulator);
//!   [`bodies`] (the directory import).
//! - People: [`users`] (dashboard accounts, password hashes, lifting a sign-in lock).

pub mod answers;
pub mod approval;
pub mod bodies;
pub mod by_hand;
pub mod campaigns;
pub mod chasers;
pub mod check;
pub mod complaints;
pub mod compose;
pub mod consolidate;
pub mod documents;
pub mod events;
pub mod export;
pub mod finish;
pub mod ladder;
pub mod launch;
pub mod messages;
pub mod mime;
pub mod outbox;
pub mod overdue;
pub mod pilot;
pub mod publish;
pub mod replies;
pub mod reply;
pub mod reply_templates;
pub mod report;
pub mod resend;
pub mod search;
pub mod staff;
pub mod state;
pub mod triage;
pub mod users;
