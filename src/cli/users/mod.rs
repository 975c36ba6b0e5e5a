//! `foi users`: who may sign in to the dashboard (`foi serve`); and how a password is
//! read (asked twice on a terminal, or one line of stdin).

mod add;
mod list;
mod passwd;
mod remove;
mod unlock;

use super::{App, Printer};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user; the password is asked for (twice), or read from stdin.
    Add(add::AddCommand),
    /// List the users.
    List(list::ListCommand),
    /// Remove a user (their sessions end).
    Remove(remove::RemoveCommand),
    /// Set a new password (the user's sessions end).
    Passwd(passwd::PasswdCommand),
    /// Lift a user's sign-in lock (after too many failed sign-ins) at once.
    Unlock(unlock::UnlockCommand),
}

impl UsersCommand {
    pub async fn execute(self, app: &App, out: &mut Printer) -> anyhow::Result<()> {
        match self {
            Self::Add(c) => c.execute(app, out).await,
            Self::List(c) => c.execute(app, out).await,
            Self::Remove(c) => c.execute(app, out).await,
            Self::Passwd(c) => c.execute(app, out).await,
            Self::Unlock(c) => c.execute(app, out).await,
        }
    }
}

use crate::casework::users::check_password as check;

/// Read a line from the terminal without echoing it (`stty -echo`).
fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let _ = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    let _ = stty("echo");
    eprintln!();
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The new password: the first line of stdin, or asked twice on the terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        check(&p)?;
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: give --password-stdin and pipe it in");
    }
    let p = prompt_hidden("password: ")?;
    check(&p)?;
    if prompt_hidden("again: ")? != p {
        bail!("the two passwords differ: nothing was changed; try again");
    }
    Ok(p)
}
