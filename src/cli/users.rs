//! `foi users add|list|remove|passwd`: who may sign in to the dashboard (`foi serve`).

use super::output::{print_json, Table};
use super::App;
use crate::domain::{Role, UserName};
use crate::web::auth::hash_password;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user; the password is asked for (twice), or read from stdin.
    Add {
        /// The user name (letters, digits, '.', '_', '-', '@').
        name: String,
        /// admin (everything, including launching and pausing campaigns), staff (casework)
        /// or viewer (reads every page, changes nothing).
        #[arg(long, value_parser = ["admin", "staff", "viewer"])]
        role: String,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a user (their sessions end).
    Remove { name: String },
    /// Set a new password (the user's sessions end).
    Passwd {
        name: String,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 10;

fn check(password: &str) -> anyhow::Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(())
}

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

pub async fn run(app: &App, cmd: UsersCommand) -> anyhow::Result<()> {
    match cmd {
        UsersCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let name = UserName::parse(&name).map_err(anyhow::Error::msg)?;
            let role = Role::parse(&role).context("the role is admin, staff or viewer")?;
            if app.store.user_with_password(name.as_str()).await?.is_some() {
                bail!("a user named '{name}' exists already: `foi users passwd {name}` changes the password");
            }
            let password = read_password(password_stdin)?;
            let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
            app.store
                .add_user(&name, role, &hash, app.clock.now())
                .await?;
            println!("added {name} ({role}); `foi serve` starts the dashboard");
            Ok(())
        }
        UsersCommand::List { json } => {
            let users = app.store.users().await?;
            if json {
                return print_json(&users);
            }
            if users.is_empty() {
                println!("no users: `foi users add NAME --role admin` adds one");
                return Ok(());
            }
            let mut t = Table::new(vec!["name", "role", "calendar feed", "added"]);
            for u in &users {
                t.push(vec![
                    u.name.clone(),
                    u.role.to_string(),
                    if u.has_calendar { "yes" } else { "no" }.into(),
                    u.created_at.format("%Y-%m-%d").to_string(),
                ]);
            }
            t.print()
        }
        UsersCommand::Remove { name } => {
            if !app.store.remove_user(&name).await? {
                bail!("no user named '{name}': `foi users list` shows them");
            }
            println!("removed {name}");
            Ok(())
        }
        UsersCommand::Passwd {
            name,
            password_stdin,
        } => {
            if app.store.user_with_password(&name).await?.is_none() {
                bail!("no user named '{name}': `foi users list` shows them");
            }
            let password = read_password(password_stdin)?;
            let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
            app.store.set_password(&name, &hash).await?;
            println!("new password set for {name}; their sessions have ended");
            Ok(())
        }
    }
}
