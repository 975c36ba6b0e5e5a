//! The dashboard's Cases page: every case, filtered and a page at a time, in a stable
//! order (campaign, then sequence number), with its assignee and the number of matches.

use super::cases::row_to_case;
use super::{Result, Store};
use crate::domain::id::CampaignId;
use crate::domain::{Case, CaseStatus};
use sqlx::{QueryBuilder, Row, Sqlite};

/// No page holds more cases than this, whatever is asked for.
pub const MAX_CASE_PAGE: u32 = 500;

/// Whose cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Cases assigned to nobody.
    Nobody,
    /// Cases assigned to this user.
    Named(String),
}

/// The Cases page's filters; each one given narrows the list.
#[derive(Debug, Clone, Default)]
pub struct CaseListFilter {
    pub campaign_id: Option<CampaignId>,
    pub status: Option<CaseStatus>,
    /// Only bodies with this tag (tags are stored lower-case).
    pub tag: Option<String>,
    pub assignee: Option<AssigneeFilter>,
    /// Part of the body's name, key or email address (any case).
    pub body: Option<String>,
    /// Part of the case reference (any case).
    pub reference: Option<String>,
}

/// One case on the page.
#[derive(Debug, Clone)]
pub struct CaseListRow {
    pub case: Case,
    pub assignee: Option<String>,
}

/// `%part%` for LIKE, with the pattern characters of `part` escaped (`\` escapes).
fn contains_pattern(part: &str) -> String {
    let mut p = String::with_capacity(part.len() + 2);
    p.push('%');
    for c in part.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn push_filters(q: &mut QueryBuilder<Sqlite>, f: &CaseListFilter) {
    if let Some(id) = f.campaign_id {
        q.push(" AND c.campaign_id = ").push_bind(id);
    }
    if let Some(s) = f.status {
        q.push(" AND c.status = ").push_bind(s.as_str());
    }
    if let Some(tag) = &f.tag {
        q.push(" AND EXISTS (SELECT 1 FROM body_tags t WHERE t.body_id = c.body_id AND t.tag = ")
            .push_bind(tag.trim().to_lowercase())
            .push(")");
    }
    match &f.assignee {
        None => {}
        Some(AssigneeFilter::Nobody) => {
            q.push(" AND c.assignee IS NULL");
        }
        Some(AssigneeFilter::Named(n)) => {
            q.push(" AND c.assignee = ").push_bind(n.trim().to_string());
        }
    }
    if let Some(b) = &f.body {
        let p = contains_pattern(b.trim());
        q.push(" AND (lower(b.name) LIKE ")
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR lower(b.key) LIKE ")
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR lower(b.email) LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(r) = &f.reference {
        q.push(" AND lower(c.reference) LIKE ")
            .push_bind(contains_pattern(r.trim()))
            .push(" ESCAPE '\\'");
    }
}

const FROM: &str = " FROM cases c JOIN campaigns k ON k.id = c.campaign_id
     JOIN bodies b ON b.id = c.body_id WHERE 1 = 1";

impl Store {
    /// The cases matching `f`, `limit` of them (at most [`MAX_CASE_PAGE`]) from the
    /// `offset`th, by campaign then sequence number; and how many match in all.
    pub async fn case_list(
        &self,
        f: &CaseListFilter,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<CaseListRow>, u64)> {
        let mut count: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*)");
        count.push(FROM);
        push_filters(&mut count, f);
        let total: i64 = count.build_query_scalar().fetch_one(self.pool()).await?;
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT c.id, c.reference, c.token, c.body_id, c.regime, c.status, c.created_at,
                    c.assignee, k.name AS campaign, b.key AS body_key, b.name AS body_name,
                    b.email AS body_email",
        );
        q.push(FROM);
        push_filters(&mut q, f);
        q.push(" ORDER BY c.campaign_id, c.seq LIMIT ")
            .push_bind(i64::from(limit.clamp(1, MAX_CASE_PAGE)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = q.build().fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(CaseListRow {
                case: row_to_case(row)?,
                assignee: row.try_get("assignee")?,
            });
        }
        Ok((out, u64::try_from(total).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_patterns_escape_their_wildcards() {
        assert_eq!(contains_pattern("Pol"), "%pol%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
