//! Several SQL statements in ONE round trip to SQLite. sqlx runs each SQLite connection on
//! a worker thread, and every statement, BEGIN and COMMIT is a round trip to it (two
//! thread wake-ups): on the hot paths (the sender's records, each inbound email) those
//! round trips cost far more than SQLite's own work. A [`Script`] is one multi-statement
//! query whose statements share numbered parameters (`$n`), run with one `fetch_all`; a
//! script that writes starts with `BEGIN IMMEDIATE` and ends with `COMMIT`, and is rolled
//! back if any statement fails.

use anyhow::Context;
use sqlx::sqlite::SqliteRow;
use sqlx::SqliteConnection;

/// One parameter of a script.
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Text(std::borrow::Cow<'a, str>),
    Blob(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(v as i64)
    }
}

impl From<String> for Param<'_> {
    fn from(v: String) -> Self {
        Param::Text(v.into())
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v.into())
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v.as_str().into())
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Blob(v)
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// A multi-statement query being built.
pub(crate) struct Script<'a> {
    sql: String,
    params: Vec<Param<'a>>,
    writes: bool,
}

impl<'a> Script<'a> {
    /// A script of reads (no transaction).
    pub fn read() -> Self {
        Self {
            sql: String::new(),
            params: Vec::new(),
            writes: false,
        }
    }

    /// A script that writes: one transaction, taken for writing at once.
    pub fn write() -> Self {
        Self {
            sql: String::from("BEGIN IMMEDIATE;\n"),
            params: Vec::new(),
            writes: true,
        }
    }

    /// Bind a value; returns its placeholder (`$n`) to write into the SQL, any number of
    /// times.
    pub fn param(&mut self, p: impl Into<Param<'a>>) -> String {
        self.params.push(p.into());
        format!("${}", self.params.len())
    }

    /// Append SQL (a statement ends with `;`).
    pub fn sql(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    /// `(p1, p2, ...)`: the values bound, for `IN` lists.
    pub fn list<T: Into<Param<'a>>>(&mut self, values: impl IntoIterator<Item = T>) -> String {
        let names: Vec<String> = values.into_iter().map(|v| self.param(v)).collect();
        format!("({})", names.join(", "))
    }

    /// `(p1, p2), (p3, p4), ...`: rows of values bound, for `VALUES` lists.
    pub fn values<T: Tuple<'a>>(&mut self, rows: impl IntoIterator<Item = T>) -> String {
        let rows: Vec<String> = rows.into_iter().map(|r| r.bind(self)).collect();
        rows.join(", ")
    }

    /// Nothing to run.
    pub fn is_empty(&self) -> bool {
        self.sql.trim().is_empty() || self.sql == "BEGIN IMMEDIATE;\n"
    }

    /// Run every statement; the rows of all of them, in order.
    pub async fn run(mut self, conn: &mut SqliteConnection) -> anyhow::Result<Vec<SqliteRow>> {
        if self.writes {
            self.sql.push_str("COMMIT;\n");
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.sql));
        for p in self.params {
            q = match p {
                Param::Null => q.bind(None::<i64>),
                Param::Int(v) => q.bind(v),
                Param::Text(v) => q.bind(v.into_owned()),
                Param::Blob(v) => q.bind(v),
            };
        }
        match q.fetch_all(&mut *conn).await {
            Ok(rows) => Ok(rows),
            Err(e) => {
                if self.writes {
                    // The statements stopped at the failing one, inside the transaction.
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                }
                Err(e).context("a database write failed; nothing of it was kept")
            }
        }
    }
}

/// A row of values for [`Script::values`].
pub(crate) trait Tuple<'a> {
    fn bind(self, s: &mut Script<'a>) -> String;
}

impl<'a, A: Into<Param<'a>>, B: Into<Param<'a>>> Tuple<'a> for (A, B) {
    fn bind(self, s: &mut Script<'a>) -> String {
        format!("({}, {})", s.param(self.0), s.param(self.1))
    }
}

impl<'a, A: Into<Param<'a>>, B: Into<Param<'a>>, C: Into<Param<'a>>> Tuple<'a> for (A, B, C) {
    fn bind(self, s: &mut Script<'a>) -> String {
        format!(
            "({}, {}, {})",
            s.param(self.0),
            s.param(self.1),
            s.param(self.2)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Script;
    use crate::store::Store;
    use sqlx::Row;

    /// A write script is all or nothing: a failing statement undoes the ones before it,
    /// and the connection is left with no transaction open.
    #[tokio::test]
    async fn a_failing_statement_rolls_the_whole_script_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("foi.db")).await.unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        let mut s = Script::write();
        let blob = s.param("aa");
        let size = s.param(2i64);
        let data = s.param(&b"xx"[..]);
        s.sql(&format!(
            "INSERT INTO blobs (sha256, size, data) VALUES ({blob}, {size}, {data});
             INSERT INTO blobs (sha256, size, data) VALUES ({blob}, {size}, {data});\n"
        ));
        let err = s.run(&mut conn).await.unwrap_err();
        assert!(
            format!("{err:#}").contains("nothing of it was kept"),
            "{err:#}"
        );

        let mut s = Script::read();
        s.sql("SELECT count(*) FROM blobs;\n");
        let rows = s.run(&mut conn).await.unwrap();
        assert_eq!(rows[0].get::<i64, _>(0), 0, "the first insert was undone");

        // The connection takes a new transaction: nothing was left open.
        let mut s = Script::write();
        let blob = s.param("bb");
        let size = s.param(2i64);
        let data = s.param(&b"yy"[..]);
        s.sql(&format!(
            "INSERT INTO blobs (sha256, size, data) VALUES ({blob}, {size}, {data});\n"
        ));
        s.run(&mut conn).await.unwrap();
        let mut s = Script::read();
        s.sql("SELECT count(*) FROM blobs;\n");
        assert_eq!(s.run(&mut conn).await.unwrap()[0].get::<i64, _>(0), 1);
    }
}
