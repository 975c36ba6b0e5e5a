//! The `foi` binary: parse the command line, start logging, hand over to the library.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
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
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
