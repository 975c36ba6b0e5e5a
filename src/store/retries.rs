//! The emails waiting to be tried again after a temporary failure (for `foi send`'s and
//! `foi run`'s lines: "2 waiting to retry, next at ...").

use super::{parse_time, time_text, Result, Store};
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Store {
    /// How many queued emails of launched campaigns wait to be tried again (attempted
    /// before, not due until after `now`), and when the first falls due; `None` when none.
    pub async fn waiting_retries(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<(u64, DateTime<Utc>)>> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(o.not_before) AS next FROM outbox o
             JOIN cases c ON c.id = o.case_id JOIN campaigns k ON k.id = c.campaign_id
             WHERE o.state = 'queued' AND o.attempts > 0 AND o.not_before > $1
               AND k.state = 'launched'",
        )
        .bind(time_text(now))
        .fetch_one(self.pool())
        .await?;
        let n: i64 = row.try_get("n")?;
        let next: Option<String> = row.try_get("next")?;
        Ok(match next {
            Some(t) if n > 0 => Some((n as u64, parse_time(&t)?)),
            _ => None,
        })
    }
}
