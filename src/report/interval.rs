//! Uncertainty of the published shares: the 95% Wilson score interval of a proportion, and
//! the difference of two independent proportions with Newcombe's hybrid score interval
//! (his method 10, built from the two Wilson intervals). Pure arithmetic.
//!
//! Wilson rather than the textbook normal interval because campaign bases are small (a
//! group of 12 schools) and shares often near 0% or 100%, where the normal interval leaves
//! [0, 1] or collapses to a point.

use serde::Serialize;

/// The normal quantile of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// An interval of a share, as fractions (0.0 to 1.0; a difference from -1.0 to 1.0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// Whether the interval holds `x`.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The 95% Wilson score interval of `k` successes in `n` trials; `None` with no trials.
pub fn wilson(k: usize, n: usize) -> Option<Interval> {
    wilson_z(k, n, Z95)
}

/// [`wilson`] at the normal quantile `z`.
pub fn wilson_z(k: usize, n: usize, z: f64) -> Option<Interval> {
    if n == 0 || k > n {
        return None;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The difference between two groups' shares, `k1/n1 - k2/n2`, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// The difference as a fraction (-1.0 to 1.0).
    pub difference: f64,
    pub interval: Interval,
    /// The interval holds zero: the data do not show the groups differ.
    pub within_noise: bool,
}

/// The difference of two independent proportions with Newcombe's hybrid score interval;
/// `None` when either group has no base.
pub fn difference(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<Difference> {
    let (w1, w2) = (wilson(k1, n1)?, wilson(k2, n2)?);
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p1 - p2;
    let low = d - ((p1 - w1.low).powi(2) + (w2.high - p2).powi(2)).sqrt();
    let high = d + ((w1.high - p1).powi(2) + (p2 - w2.low).powi(2)).sqrt();
    let interval = Interval {
        low: low.max(-1.0),
        high: high.min(1.0),
    };
    Some(Difference {
        difference: d,
        interval,
        within_noise: interval.contains(0.0),
    })
}

/// A fraction as a percentage for people, to one decimal: "39.7%".
pub fn percent1(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// An interval as percentages: "39.7%–89.2%".
pub fn interval_text(i: &Interval) -> String {
    format!("{}\u{2013}{}", percent1(i.low), percent1(i.high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    // Hand-computed: 7 of 10, p = 0.7, z² = 3.841459; denominator 1 + 0.3841459;
    // centre (0.7 + 0.1920729) / 1.3841459 = 0.644488; half-width
    // 1.959964 / 1.3841459 * sqrt(0.021 + 0.0096036) = 0.247717.
    #[test]
    fn wilson_of_seven_in_ten() {
        let i = wilson(7, 10).unwrap();
        assert!(close(i.low, 0.396771), "{i:?}");
        assert!(close(i.high, 0.892206), "{i:?}");
    }

    // None of 10: centre = half-width = 0.1920729 / 1.3841459 * ... = 0.138753, so
    // the interval is [0, 0.277506]; all of 10 is its mirror.
    #[test]
    fn wilson_at_the_edges_stays_in_range() {
        let none = wilson(0, 10).unwrap();
        assert!(
            close(none.low, 0.0) && close(none.high, 0.277506),
            "{none:?}"
        );
        let all = wilson(10, 10).unwrap();
        assert!(close(all.low, 0.722494) && close(all.high, 1.0), "{all:?}");
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    // Newcombe (1998), Statistics in Medicine 17, table II, example (a): 56/70 against
    // 48/80, difference 0.2000, method 10 interval 0.0524 to 0.3339.
    #[test]
    fn newcombe_difference_matches_the_published_example() {
        let d = difference(56, 70, 48, 80).unwrap();
        assert!(close(d.difference, 0.2));
        assert!((d.interval.low - 0.0524).abs() < 1e-4, "{d:?}");
        assert!((d.interval.high - 0.3339).abs() < 1e-4, "{d:?}");
        assert!(!d.within_noise);
    }

    // 3 of 5 against 2 of 5: a difference of 20 points that five cases a side cannot show.
    #[test]
    fn small_groups_differ_within_noise() {
        let d = difference(3, 5, 2, 5).unwrap();
        assert!(close(d.difference, 0.2));
        assert!(d.within_noise, "{d:?}");
        assert!(d.interval.low > -1.0 && d.interval.high < 1.0);
        assert_eq!(difference(1, 0, 1, 2), None);
    }

    #[test]
    fn texts() {
        let i = wilson(7, 10).unwrap();
        assert_eq!(interval_text(&i), "39.7%\u{2013}89.2%");
    }
}
