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
#[derive(Clone)]
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

/// The domain's ids bind as the integers they are.
macro_rules! id_param {
    ($($name:ident),*) => {$(
        impl From<crate::domain::id::$name> for Param<'_> {
            fn from(id: crate::domain::id::$name) -> Self {
                id.get().into()
            }
        }
    )*};
}

id_param!(
    AttachmentId,
    BodyId,
    CampaignId,
    CaseId,
    ChaserId,
    MessageId,
    OutboxId,
    UserId
);

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

    /// A script that writes inside the caller's transaction (which commits it, or rolls
    /// it back when dropped): for writes that more statements join before the commit.
    pub fn within_transaction() -> Self {
        Self::read()
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
        // Numbered parameters (`$n`) are named ones to SQLite, and sqlx looks each one's
        // name up, which SQLite does by scanning the statement's list of names: a batch's
        // thousands of parameters cost a quadratic time. Written as `?`, in the order they
        // occur (a value used twice is bound twice), they are looked up in no time.
        let (sql, order) = positional(&self.sql);
        // (each value is moved in at its last use, copied before)
        let mut last = vec![usize::MAX; self.params.len()];
        for (i, n) in order.iter().enumerate() {
            if let Some(l) = last.get_mut(n.wrapping_sub(1)) {
                *l = i;
            }
        }
        let mut params: Vec<Option<Param>> = self.params.into_iter().map(Some).collect();
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, n) in order.into_iter().enumerate() {
            let unbound = || anyhow::anyhow!("the script uses ${n}, which it never bound");
            let slot = params.get_mut(n.wrapping_sub(1)).ok_or_else(unbound)?;
            let p = if last[n - 1] == i {
                slot.take().ok_or_else(unbound)?
            } else {
                slot.as_ref().ok_or_else(unbound)?.clone()
            };
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

/// `sql` with each `$n` outside quotes and comments written `?`, and the `n`s in the
/// order they occur.
fn positional(sql: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                // a literal or a quoted name, to its closing quote (a doubled quote inside
                // it closes and reopens, which comes to the same)
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek().is_some_and(|(_, d)| *d == '-') => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '$' if chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => {
                let mut n = 0usize;
                while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                    n = n
                        .saturating_mul(10)
                        .saturating_add(d as usize - '0' as usize);
                    chars.next();
                }
                order.push(n);
                out.push('?');
            }
            _ => out.push(c),
        }
    }
    (out, order)
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
    use super::{positional, Script};

    #[test]
    fn numbered_parameters_become_positional_in_the_order_they_occur() {
        let (sql, order) = positional(
            "SELECT $2, '$1 it''s', \"$3\" -- $4 here\nFROM t WHERE a = $2 AND b IN ($10, $1);",
        );
        assert_eq!(
            sql,
            "SELECT ?, '$1 it''s', \"$3\" -- $4 here\nFROM t WHERE a = ? AND b IN (?, ?);"
        );
        assert_eq!(order, vec![2, 2, 10, 1]);
        assert_eq!(positional("a - b $ c $x"), ("a - b $ c $x".into(), vec![]));
    }

    /// A value used in two statements is bound in both.
    #[tokio::test]
    async fn a_value_used_twice_is_bound_twice() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("foi.db")).await.unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        let mut s = Script::read();
        let a = s.param("x");
        let b = s.param(7i64);
        s.sql(&format!("SELECT {b}, {a};\nSELECT {a} || {a}, {b} + 1;\n"));
        let rows = s.run(&mut conn).await.unwrap();
        assert_eq!(rows[0].get::<i64, _>(0), 7);
        assert_eq!(rows[0].get::<String, _>(1), "x");
        assert_eq!(rows[1].get::<String, _>(0), "xx");
        assert_eq!(rows[1].get::<i64, _>(1), 8);
    }
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
