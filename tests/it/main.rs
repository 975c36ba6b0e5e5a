//! The integration test binary: drives the real `foi` binary in temporary working folders.

#[path = "../support/mod.rs"]
mod support;

mod answers;
mod bodies;
mod browser;
mod campaigns;
mod chasers;
mod deadlines;
mod exports;
mod ingest;
mod pipes;
mod publish;
mod recovery;
mod report;
mod sending;
mod web;
