//! Who may write about a case: the address of each case's body, to check the sender of an
//! email that names a case only by its reference (which is sequential and often public).

use super::{Result, Store};
use crate::domain::id::CaseId;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

impl Store {
    /// The body's email address of each of these cases (case id -> address).
    pub async fn body_addresses_of_cases(
        &self,
        case_ids: &[CaseId],
    ) -> Result<HashMap<CaseId, String>> {
        let mut out = HashMap::new();
        for chunk in case_ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT c.id, b.email FROM cases c JOIN bodies b ON b.id = c.body_id WHERE c.id IN (",
            );
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            q.push(")");
            for row in q.build().fetch_all(self.pool()).await? {
                out.insert(row.try_get::<CaseId, _>(0)?, row.try_get::<String, _>(1)?);
            }
        }
        Ok(out)
    }
}
