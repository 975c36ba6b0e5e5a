//! Dashboard users, their sessions and failed sign-ins. Only hashes of secrets are stored:
//! the argon2 PHC string of a password, the SHA-256 of a session cookie or calendar token.

use super::Result;
use super::{parse_time, time_text, Store};
use crate::domain::id::UserId;
use crate::domain::{Role, UserName};
use anyhow::anyhow;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A user as listings show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub has_calendar: bool,
    pub created_at: DateTime<Utc>,
}

/// Sign-in attempts in the limit's window, the one being made included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInAttempts {
    /// For this user name from this client address.
    pub by_user_address: i64,
    /// From this client address, for any user name.
    pub by_address: i64,
    /// For this user name, from any address.
    pub by_user: i64,
}

/// The user behind a live session, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: UserId,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
}

fn role_of(s: &str) -> anyhow::Result<Role> {
    Role::parse(s).ok_or_else(|| anyhow!("unknown role '{s}' in the database"))
}

fn row_to_user(r: &sqlx::sqlite::SqliteRow) -> anyhow::Result<UserRow> {
    let role: String = r.try_get("role")?;
    let created: String = r.try_get("created_at")?;
    let calendar: Option<String> = r.try_get("calendar_token_hash")?;
    Ok(UserRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        role: role_of(&role)?,
        has_calendar: calendar.is_some(),
        created_at: parse_time(&created)?,
    })
}

const USER_COLUMNS: &str = "id, name, role, calendar_token_hash, created_at";

impl Store {
    /// Add a user; an error when the name is taken.
    pub async fn add_user(
        &self,
        name: &UserName,
        role: Role,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = $1")
            .bind(name.as_str())
            .fetch_one(self.pool())
            .await?;
        if taken > 0 {
            return Err(anyhow!("a user named '{name}' exists already: `foi users passwd {name}` changes the password").into());
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name.as_str())
        .bind(role.as_str())
        .bind(password_hash)
        .bind(time_text(now))
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn users(&self) -> Result<Vec<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(row_to_user)
            .collect::<anyhow::Result<_>>()
            .map_err(Into::into)
    }

    /// A user and their password hash, for signing in.
    pub async fn user_with_password(&self, name: &str) -> Result<Option<(UserRow, String)>> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE name = $1");
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((row_to_user(&r)?, r.try_get("password_hash")?)))
    }

    /// Remove a user (their sessions go with them); `false` when there is none.
    pub async fn remove_user(&self, name: &str) -> Result<bool> {
        let n = sqlx::query("DELETE FROM users WHERE name = $1")
            .bind(name)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Set a new password and end the user's sessions; `false` when there is no such user.
    pub async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = $1)")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Start a session (and drop expired ones).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(time_text(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(time_text(now))
        .bind(time_text(expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user of a live (unexpired) session.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionUser>> {
        let Some(r) = sqlx::query(
            "SELECT u.id, u.name, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(time_text(now))
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let role: String = r.try_get("role")?;
        Ok(Some(SessionUser {
            user_id: r.try_get("id")?,
            name: r.try_get("name")?,
            role: role_of(&role)?,
            csrf_token: r.try_get("csrf_token")?,
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Count a sign-in attempt before its password is checked, and how many there have
    /// been since `since`, this one included. The row is written first and counted after,
    /// in one transaction, so a burst of parallel guesses cannot all read a count below the
    /// limit: the n-th writer sees at least n. A successful sign-in takes its rows back
    /// ([`Store::forget_sign_in_attempts`]); the others stay, as failures.
    pub async fn count_sign_in_attempt(
        &self,
        user_name: &str,
        ip: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<SignInAttempts> {
        let mut tx = self.pool().begin().await?;
        // Only the last day matters to the limit: older attempts go.
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(time_text(now - chrono::Duration::days(1)))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO login_failures (user_name, ip, at) VALUES ($1, $2, $3)")
            .bind(user_name)
            .bind(ip)
            .bind(time_text(now))
            .execute(&mut *tx)
            .await?;
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE user_name = $1 AND ip = $2 AND at > $3) AS by_user_address,
                    (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3) AS by_address,
                    (SELECT COUNT(*) FROM login_failures WHERE user_name = $1 AND at > $3) AS by_user",
        )
        .bind(user_name)
        .bind(ip)
        .bind(time_text(since))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SignInAttempts {
            by_user_address: r.try_get("by_user_address")?,
            by_address: r.try_get("by_address")?,
            by_user: r.try_get("by_user")?,
        })
    }

    /// Forget a user's attempts: from one address (a successful sign-in there), or from
    /// every address (`foi users unlock`). Returns how many were forgotten.
    pub async fn forget_sign_in_attempts(&self, user_name: &str, ip: Option<&str>) -> Result<u64> {
        let n = sqlx::query(
            "DELETE FROM login_failures WHERE user_name = $1 AND ($2 IS NULL OR ip = $2)",
        )
        .bind(user_name)
        .bind(ip)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n)
    }

    /// Set (or, with `None`, revoke) a user's calendar feed token hash.
    pub async fn set_calendar_token(
        &self,
        user_id: UserId,
        token_hash: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE users SET calendar_token_hash = $1 WHERE id = $2")
            .bind(token_hash)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The user a calendar feed token belongs to.
    pub async fn user_by_calendar_token(&self, token_hash: &str) -> Result<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE calendar_token_hash = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(row_to_user)
            .transpose()
            .map_err(Into::into)
    }
}
