//! Choosing a pilot: the few cases of a campaign sent first, so that their replies and
//! bounces are read (and the template fixed) before the rest go.
//!
//! A spread across tags: each pick is the case whose body brings the most tags not yet in
//! the pilot (ties go to the earliest case), so a pilot of five from a campaign to councils,
//! schools and trusts holds one of each kind before a second of any. When every tag is in,
//! a new round starts. Bodies without tags count as one kind of their own.

use std::collections::HashSet;

/// The tag that stands for "no tags" in the spread.
const UNTAGGED: &str = "";

/// Pick `n` of `candidates` (each an id and its body's tags, in the campaign's order),
/// spread across tags; all of them when there are `n` or fewer. The result keeps the
/// campaign's order.
pub fn pick_pilot<K: Copy>(candidates: &[(K, &[String])], n: usize) -> Vec<K> {
    if n >= candidates.len() {
        return candidates.iter().map(|(k, _)| *k).collect();
    }
    let tags_of = |tags: &[String]| -> Vec<String> {
        if tags.is_empty() {
            vec![UNTAGGED.to_string()]
        } else {
            tags.iter().map(|t| t.to_lowercase()).collect()
        }
    };
    let tags: Vec<Vec<String>> = candidates.iter().map(|(_, t)| tags_of(t)).collect();
    let mut chosen = vec![false; candidates.len()];
    let mut covered: HashSet<&str> = HashSet::new();
    for _ in 0..n {
        let gain = |i: usize, covered: &HashSet<&str>| {
            tags[i]
                .iter()
                .filter(|t| !covered.contains(t.as_str()))
                .count()
        };
        let best = |covered: &HashSet<&str>| {
            (0..candidates.len())
                .filter(|i| !chosen[*i])
                // max_by_key keeps the last of equals: compare with the index reversed.
                .max_by_key(|i| (gain(*i, covered), std::cmp::Reverse(*i)))
        };
        let mut pick = best(&covered);
        if pick.is_some_and(|i| gain(i, &covered) == 0) {
            covered.clear();
            pick = best(&covered);
        }
        let Some(i) = pick else { break };
        chosen[i] = true;
        covered.extend(tags[i].iter().map(String::as_str));
    }
    candidates
        .iter()
        .zip(chosen)
        .filter_map(|((k, _), c)| c.then_some(*k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|t| t.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_pilot_takes_each_kind_of_body_before_a_second_of_any() {
        // Six councils first, then two schools, a trust and an untagged body.
        let t = tags(&[
            &["council"],
            &["council"],
            &["council"],
            &["council"],
            &["council"],
            &["council"],
            &["school"],
            &["school"],
            &["nhs-trust"],
            &[],
        ]);
        let c: Vec<(usize, &[String])> = t.iter().enumerate().map(|(i, t)| (i, &t[..])).collect();
        assert_eq!(pick_pilot(&c, 4), vec![0, 6, 8, 9], "one of each kind");
        assert_eq!(
            pick_pilot(&c, 6),
            vec![0, 1, 6, 7, 8, 9],
            "then a second round"
        );
        assert_eq!(pick_pilot(&c, 20).len(), 10, "all when fewer than asked");
        assert!(pick_pilot(&c, 0).is_empty());
    }

    #[test]
    fn a_body_with_two_new_tags_goes_first() {
        let t = tags(&[&["council"], &["school", "scotland"], &["council", "wales"]]);
        let c: Vec<(char, &[String])> = t
            .iter()
            .zip(['a', 'b', 'c'])
            .map(|(t, k)| (k, &t[..]))
            .collect();
        // b brings two tags (ties with c, which comes later); then c brings "wales" and
        // "council" both new.
        assert_eq!(pick_pilot(&c, 2), vec!['b', 'c']);
    }
}
