//! The integration test binary: drives the real `foi` binary in temporary working folders.

#[path = "../support/mod.rs"]
mod support;

mod bodies;
mod campaigns;
mod ingest;
mod chasers;
mod deadlines;
mod recovery;
mod sending;
