//! The `foi` binary: parse the command line, start logging, hand over to the library.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    return_large_buffers_to_the_kernel();
    keep_created_files_private();
    let cli = foi::cli::Cli::parse();
    foi::cli::init_tracing(cli.verbose);
    match foi::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // `foi cases list | head` closes the pipe early: that is not a failure.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // (each cause once: many errors' own text already holds their cause's)
            let line = foi::text::join_error_chain(e.chain().map(|c| c.to_string()));
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}

/// Large buffers (an email of tens of megabytes, its decoded attachment) go straight to
/// the kernel and back to it when freed. glibc otherwise raises that threshold to the size
/// of the first large buffer freed and keeps later ones in its heap, where the holes they
/// leave add up: `foi fetch` of thirty 12 MB emails peaked at 120-150 MB, and at 76 MB
/// with this (measured with the three-stage IMAP pipeline).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_buffers_to_the_kernel() {
    // SAFETY: mallopt only sets a parameter of the allocator (under its own lock).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_kernel() {}

/// The database, the journal, the packs, the `.eml` files and the exports hold personal
/// data: every file `foi` creates is readable by its owner only (0600, folders 0700),
/// whatever the shell's umask.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_created_files_private() {
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_created_files_private() {}
