//! The tally on small hand-made campaigns.

use super::*;

#[test]
fn exemptions_in_notes_and_replies() {
    assert_eq!(exemptions_cited("refused under section 43"), ["section 43"]);
    assert_eq!(exemptions_cited("s.31(1)(a) applies"), ["section 31"]);
    assert_eq!(exemptions_cited("withheld: s 40(2)"), ["section 40"]);
    assert_eq!(
        exemptions_cited("S 40(2) and s43"),
        ["section 40", "section 43"]
    );
    assert_eq!(
        exemptions_cited("Sections 40, 41 and 43 of the Act; also Section 43 again"),
        ["section 40", "section 41", "section 43"]
    );
    assert_eq!(
        exemptions_cited("refused, citing s12, s40 (their ref FOI-1)"),
        ["section 12", "section 40"]
    );
    assert_eq!(
        exemptions_cited("Regulation 12(4)(b) of the EIR"),
        ["regulation 12(4)(b)"]
    );
}

#[test]
fn no_exemption_is_found_where_none_is_cited() {
    assert!(exemptions_cited("refused, citing no section").is_empty());
    assert!(exemptions_cited("we are unable to help, sorry").is_empty());
    // Not an exemption: section 1 is the right of access, 99 does not exist.
    assert!(exemptions_cited("section 1(1)(a) and section 99").is_empty());
    // Letters before the s: not a citation.
    assert!(exemptions_cited("items 43 and bus 40").is_empty());
    assert!(exemptions_cited("").is_empty());
}

#[test]
fn medians_and_percentages() {
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [3.0]), Some(3.0));
    assert_eq!(median(&mut [9.0, 1.0, 4.0]), Some(4.0));
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 10.0]), Some(3.5));
    assert_eq!(percent(292, 400), Some(73.0));
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(0, 0), None);
}

#[test]
fn escaping_covers_markup_and_quotes() {
    assert_eq!(
        escape(r#"<script>"a" & 'b'</script>"#),
        "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
    );
    assert_eq!(escape("a\u{1}b"), "a\u{fffd}b");
    assert_eq!(number_text(12.0), "12");
    assert_eq!(number_text(12.5), "12.5");
    assert_eq!(number_text(1.0 / 3.0), "0.33");
}
