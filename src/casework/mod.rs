//! The use cases: what a person (or `foi run` on their behalf) does with campaigns and
//! cases, one function per thing done. The command line and the dashboard both call these,
//! so the two faces never differ in what an action means.
//!
//! Sees the workers' parts it needs, `store`, `templates`, `report`, `standing`, `text`,
//! `domain`, `deadlines`, `config` and `clock`; never `cli`, `web` or `scheduler`.

pub mod answers;
pub mod bodies;
pub mod campaigns;
pub mod chasers;
pub mod compose;
pub mod events;
pub mod export;
pub mod launch;
pub mod messages;
pub mod mime;
pub mod outbox;
pub mod overdue;
pub mod replies;
pub mod report;
pub mod staff;
pub mod triage;
