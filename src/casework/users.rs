//! Who may sign in to the dashboard: add a user, set a password, remove one, lift a
//! sign-in lock; and the password hashes (argon2id PHC strings) they are kept as.
//!
//! Shared by the CLI (`foi users`) and the dashboard's sign-in. Sees `domain` and `store`;
//! time comes in as an argument. Hashing runs off the async runtime's threads (argon2 is
//! slow on purpose).

use crate::domain::{Role, UserName};
use crate::store::Store;
use anyhow::bail;
use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use chrono::{DateTime, Utc};

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An argon2id PHC string for `password` (random salt).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `phc`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).ok().is_some_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A password a person chose, refused when too short.
pub fn check_password(password: &str) -> anyhow::Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(())
}

async fn hash_off_thread(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// Add a user with `password` (checked, then hashed).
pub async fn add_user(
    store: &Store,
    name: &UserName,
    role: Role,
    password: String,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    require_new(store, name).await?;
    check_password(&password)?;
    let hash = hash_off_thread(password).await?;
    store.add_user(name, role, &hash, now).await?;
    Ok(())
}

/// Give an existing user a new password; their sessions end.
pub async fn set_password(store: &Store, name: &str, password: String) -> anyhow::Result<()> {
    require_user(store, name).await?;
    check_password(&password)?;
    let hash = hash_off_thread(password).await?;
    store.set_password(name, &hash).await?;
    Ok(())
}

/// Forget a user's failed sign-ins from every address, so they may sign in again at
/// once; returns how many were forgotten.
pub async fn unlock(store: &Store, name: &str) -> anyhow::Result<u64> {
    require_user(store, name).await?;
    Ok(store.forget_sign_in_attempts(name, None).await?)
}

/// An error naming the fix when a user `name` exists already.
pub async fn require_new(store: &Store, name: &UserName) -> anyhow::Result<()> {
    if store.user_with_password(name.as_str()).await?.is_some() {
        bail!(
            "a user named '{name}' exists already: `foi users passwd {name}` changes the password"
        );
    }
    Ok(())
}

/// An error naming the fix when there is no user `name`.
pub async fn require_user(store: &Store, name: &str) -> anyhow::Result<()> {
    if store.user_with_password(name).await?.is_none() {
        bail!("no user named '{name}': `foi users list` shows them");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_to_phc_strings_that_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_password("123456789").is_err());
        assert!(check_password("1234567890").is_ok());
    }
}
