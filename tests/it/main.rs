//! The integration test binary: drives the real `foi` binary in temporary working folders.

#[path = "../support/mod.rs"]
mod support;

mod answers;
mod bodies;
mod browser;
mod campaigns;
mod chasers;
mod conversation;
mod deadlines;
mod documents;
mod exports;
mod ingest;
mod oauth;
mod pipes;
mod publish;
mod recovery;
mod replies;
mod report;
mod security;
mod sending;
mod truth;
mod web;
