//! The integration test binary: drives the real `foi` binary in temporary working folders.

#[path = "../support/mod.rs"]
mod support;

mod answers;
mod bodies;
mod browser;
mod campaigns;
mod cases_page;
mod chaser_threads;
mod chasers;
mod conversation;
mod deadlines;
mod documents;
mod exports;
mod ingest;
mod ladders;
mod launching;
mod oauth;
mod pipes;
mod publish;
mod read_only;
mod recovery;
mod regulator;
mod replies;
mod reply_files;
mod report;
mod search;
mod security;
mod sending;
mod tnef;
mod truth;
mod web;
