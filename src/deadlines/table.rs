//! The precomputed working-day table behind every count: one bit per day over the
//! supported years, plus the number of working days before each 64-day word, so that
//! "the Nth working day after D" and "working days between A and B" cost a few word
//! operations instead of a walk with a holiday lookup per day.

use chrono::{Datelike, NaiveDate};

/// First date the engine counts (inclusive).
pub const FIRST_DATE: NaiveDate = ymd(1900, 1, 1);
/// Last date the engine counts (inclusive).
pub const LAST_DATE: NaiveDate = ymd(2199, 12, 31);

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        // Evaluated at compile time only: a typo above fails the build, never a run.
        None => panic!("invalid constant date"),
    }
}

/// Whether `date` lies in the years the engine counts.
pub(crate) fn in_range(date: NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&date)
}

fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// Working days as bits; bit set = working day.
#[derive(Debug, Clone)]
pub(crate) struct WorkTable {
    bits: Vec<u64>,
    /// `before[w]` = working days in all words before `w`.
    before: Vec<u32>,
}

impl WorkTable {
    /// Builds the table from a predicate over every supported date.
    pub(crate) fn build(mut is_working: impl FnMut(NaiveDate) -> bool) -> WorkTable {
        let days = (day_number(LAST_DATE) - day_number(FIRST_DATE) + 1) as usize;
        let mut bits = vec![0u64; days.div_ceil(64)];
        for (i, date) in FIRST_DATE.iter_days().take(days).enumerate() {
            if is_working(date) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        let mut before = Vec::with_capacity(bits.len());
        let mut total = 0u32;
        for word in &bits {
            before.push(total);
            total += word.count_ones();
        }
        WorkTable { bits, before }
    }

    fn index(date: NaiveDate) -> Option<usize> {
        in_range(date).then(|| (day_number(date) - day_number(FIRST_DATE)) as usize)
    }

    fn date_at(index: usize) -> Option<NaiveDate> {
        let n = day_number(FIRST_DATE).checked_add(i32::try_from(index).ok()?)?;
        NaiveDate::from_num_days_from_ce_opt(n).filter(|d| in_range(*d))
    }

    /// Whether `date` is a working day; `None` outside the supported years.
    pub(crate) fn is_working(&self, date: NaiveDate) -> Option<bool> {
        let i = Self::index(date)?;
        Some(self.bits[i / 64] & (1 << (i % 64)) != 0)
    }

    /// Working days from the first supported date up to and including index `i`.
    fn rank(&self, i: usize) -> u32 {
        let word = self.bits[i / 64];
        let upto = if i % 64 == 63 {
            word
        } else {
            word & ((1u64 << (i % 64 + 1)) - 1)
        };
        self.before[i / 64] + upto.count_ones()
    }

    /// The `n`th working day after `date` (`n = 0` gives `date` itself).
    /// `None` when the count leaves the supported years.
    pub(crate) fn add_working(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let i = Self::index(date)?;
        if n == 0 {
            return Some(date);
        }
        let target = self.rank(i).checked_add(n)?;
        // The answer is the working day whose rank is `target`: find its word, then its bit.
        let mut w = i / 64;
        while w < self.bits.len() {
            let here = self.bits[w].count_ones();
            if self.before[w] + here >= target {
                let bit = nth_set_bit(self.bits[w], target - self.before[w] - 1);
                return Self::date_at(w * 64 + bit as usize);
            }
            w += 1;
        }
        None
    }

    /// Working days in `(from, to]`, negative when `to` is before `from`.
    pub(crate) fn between(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        let a = Self::index(from)?;
        let b = Self::index(to)?;
        Some(i64::from(self.rank(b)) - i64::from(self.rank(a)))
    }
}

/// Position of the `k`th (0-based) set bit of `word`; `word` has more than `k` set bits.
fn nth_set_bit(mut word: u64, k: u32) -> u32 {
    for _ in 0..k {
        word &= word - 1;
    }
    word.trailing_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn weekdays_only() -> WorkTable {
        WorkTable::build(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    }

    #[test]
    fn adding_and_counting_agree_with_a_day_by_day_walk() {
        let t = weekdays_only();
        // Fri 2026-03-27 + 1 working day = Mon 2026-03-30.
        assert_eq!(t.add_working(d("2026-03-27"), 1), Some(d("2026-03-30")));
        // From a Saturday, the first working day after it is Monday.
        assert_eq!(t.add_working(d("2026-03-28"), 1), Some(d("2026-03-30")));
        assert_eq!(t.between(d("2026-03-27"), d("2026-03-30")), Some(1));
        assert_eq!(t.between(d("2026-03-30"), d("2026-03-27")), Some(-1));
        for n in 0..200 {
            let start = d("2026-01-01");
            let mut walk = start;
            let mut left = n;
            while left > 0 {
                walk = walk.succ_opt().expect("in range");
                if t.is_working(walk) == Some(true) {
                    left -= 1;
                }
            }
            assert_eq!(t.add_working(start, n), Some(walk), "n = {n}");
            assert_eq!(t.between(start, walk), Some(i64::from(n)));
        }
    }

    #[test]
    fn the_edges_of_the_supported_years_give_none_not_a_panic() {
        let t = weekdays_only();
        assert_eq!(t.add_working(LAST_DATE, 1), None);
        assert_eq!(t.add_working(d("2199-12-30"), 5), None);
        assert_eq!(t.add_working(d("1899-12-31"), 1), None);
        assert_eq!(t.add_working(d("2026-01-01"), u32::MAX), None);
        assert_eq!(t.is_working(d("2200-01-01")), None);
        assert_eq!(t.between(FIRST_DATE, LAST_DATE).map(|n| n > 0), Some(true));
        assert_eq!(t.add_working(FIRST_DATE, 1), Some(d("1900-01-02")));
    }
}
