//! The integration test binary: drives the real `foi` binary in temporary working folders.

#[path = "../support/mod.rs"]
mod support;

mod bodies;
mod campaigns;
mod chasers;
mod deadlines;
mod ingest;
mod recovery;
mod sending;
