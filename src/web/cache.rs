//! What the dashboard keeps between requests: the Overdue page's lists.

use crate::casework::overdue::OverdueRow;
use std::collections::HashMap;
use std::sync::Arc;

/// The overdue list of a filter is costly (every case's deadline); it is kept while the
/// database has no new commit (`store::ChangeWatch`) and for at most the minute it was
/// computed in (the day turns at some minute). A few filters at a time.
#[derive(Default)]
pub struct OverdueCache(std::sync::Mutex<HashMap<CacheKey, Kept>>);

/// A list with the change number it was computed at.
type Kept = (i64, Arc<Vec<OverdueRow>>);

/// (campaign, tag, minute of the clock).
type CacheKey = (Option<crate::domain::CampaignId>, Option<String>, i64);

impl OverdueCache {
    pub fn get(&self, key: &CacheKey, version: i64) -> Option<Arc<Vec<OverdueRow>>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, rows)| rows.clone())
    }

    pub fn put(&self, key: CacheKey, version: i64, rows: Arc<Vec<OverdueRow>>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|k, (v, _)| *v == version && k.2 == key.2);
        if map.len() >= 16 {
            map.clear();
        }
        map.insert(key, (version, rows));
    }
}
