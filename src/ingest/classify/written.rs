//! What the body wrote: the new part of a reply without what is not its author's words
//! for this reply. Classification and the exemptions it reports read only this text.
//!
//! Left out, in order: the quoted earlier message (`text::fresh_text`), attachment
//! payloads left in the text undecoded (uuencode blocks, damaged ones too; base64 lines),
//! the signature (from the `-- ` delimiter, a closing such as "Kind regards", or a
//! confidentiality disclaimer to the end), and our own request pasted back unquoted (its
//! sentences, [`own_sentences`], cut from the folded text by `evidence`).
//!
//! Pure and total: any input, no panic, a result no longer than `fresh_text`'s.

use crate::text::fresh_text;

/// The new part of `body`, with the payloads left out but the signature kept: a body's
/// reference number ("Our ref: FOI-123") is often signed under the name.
pub(super) fn without_payloads(body: &str) -> String {
    let fresh = fresh_text(body);
    let lines: Vec<&str> = fresh.lines().collect();
    let payload = payload_lines(&lines);
    let mut out = String::with_capacity(fresh.len());
    for (line, drop) in lines.iter().zip(payload) {
        if drop {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What [`without_payloads`] kept, up to the signature.
pub(super) fn before_signature(text: &str) -> &str {
    let mut at = 0;
    let mut seen_words = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if seen_words && starts_signature(trimmed) {
            return &text[..at];
        }
        if is_disclaimer(trimmed) {
            return &text[..at];
        }
        seen_words |= !trimmed.is_empty();
        at += line.len();
    }
    text
}

/// The shortest sentence of our request that counts as ours when a reply repeats it:
/// shorter ones ("please tell me") anyone might write.
pub const MIN_OWN_SENTENCE: usize = 30;

/// The sentences of our request's text template (`body.txt.hbs`), placeholders cut out:
/// what a reply that pastes our request back repeats, whatever its line breaks. Each at
/// least [`MIN_OWN_SENTENCE`] bytes; at most 200 of them.
pub fn own_sentences(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut literal = String::new();
    // Placeholders (`{{body.name}}`) end a fragment, as do sentence ends and blank lines.
    while !rest.is_empty() {
        let (text, after) = match rest.find("{{") {
            Some(at) => {
                let close = rest[at..].find("}}").map_or(rest.len(), |e| at + e + 2);
                (&rest[..at], &rest[close..])
            }
            None => (rest, ""),
        };
        literal.push_str(text);
        literal.push('\u{0}');
        rest = after;
    }
    let mut sentence = String::new();
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        let next_space = chars.peek().is_none_or(|n| n.is_whitespace());
        let ends = c == '\u{0}'
            || (matches!(c, '.' | '?' | '!' | ':' | ';') && next_space)
            || (c == '\n' && chars.peek() == Some(&'\n'));
        if !ends {
            sentence.push(c);
            continue;
        }
        let s = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.len() >= MIN_OWN_SENTENCE && out.len() < 200 && !out.contains(&s) {
            out.push(s);
        }
        sentence.clear();
    }
    out
}

/// The lines that belong to an undecoded attachment: a uuencode block from `begin NNN
/// name` to `end` (or to where its lines stop), three or more uuencode-shaped lines in a
/// row, and base64-shaped lines.
fn payload_lines(lines: &[&str]) -> Vec<bool> {
    let mut drop = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if is_uuencode_begin(line) {
            drop[i] = true;
            i += 1;
            // The block runs while its lines look encoded; a damaged line inside it
            // (mangled by a mail system) goes with them.
            while i < lines.len() {
                let l = lines[i].trim_end();
                let inside = is_uuencode_line(l) || l == "`" || l.is_empty() || !has_words(l);
                if l == "end" {
                    drop[i] = true;
                    i += 1;
                    break;
                }
                if !inside {
                    break;
                }
                drop[i] = true;
                i += 1;
            }
            continue;
        }
        if is_base64_line(line) {
            drop[i] = true;
        }
        i += 1;
    }
    // Runs of encoded lines without their `begin` (a damaged block).
    let mut run = 0;
    for i in 0..=lines.len() {
        if i < lines.len() && is_uuencode_line(lines[i].trim_end()) && !drop[i] {
            run += 1;
            continue;
        }
        if run >= 3 {
            drop[i - run..i].iter_mut().for_each(|d| *d = true);
        }
        run = 0;
    }
    drop
}

/// `begin 644 name.doc` (the mode is octal digits).
fn is_uuencode_begin(line: &str) -> bool {
    let mut parts = line.splitn(3, ' ');
    parts.next() == Some("begin")
        && parts.next().is_some_and(|m| {
            (3..=4).contains(&m.len()) && m.bytes().all(|b| (b'0'..=b'7').contains(&b))
        })
        && parts.next().is_some_and(|n| !n.trim().is_empty())
}

/// A line of uuencoded data: its first character gives the byte count, and the line has
/// the length that count needs (a padding character or two allowed), all characters in
/// uuencode's range (which has no lower-case letters, so a sentence is never one).
fn is_uuencode_line(line: &str) -> bool {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(b'!'..=b'`').contains(&first) || bytes.len() < 2 {
        return false;
    }
    let count = usize::from((first - b' ') & 0x3f);
    let needed = 1 + count.div_ceil(3) * 4;
    (needed..=needed + 2).contains(&bytes.len()) && bytes.iter().all(|b| (b' '..=b'`').contains(b))
}

/// A long line with no spaces, all in base64's alphabet, mixing upper case, lower case
/// and digits: text no person writes.
fn is_base64_line(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 40
        && line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && line.bytes().any(|b| b.is_ascii_digit())
        && line.bytes().any(|b| b.is_ascii_uppercase())
        && line.bytes().any(|b| b.is_ascii_lowercase())
}

/// Two letters in a row: what a line of writing has and a line of payload may lack.
fn has_words(line: &str) -> bool {
    line.as_bytes()
        .windows(3)
        .any(|w| w[0] == b' ' && w[1].is_ascii_lowercase() && w[2].is_ascii_lowercase())
}

/// The line that starts a signature: the `-- ` delimiter, a closing ("Kind regards,"),
/// or a mobile client's footer.
fn starts_signature(line: &str) -> bool {
    if line == "--" || line == "-- " {
        return true;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_end_matches([',', '.', '!']).trim();
    const CLOSINGS: [&str; 20] = [
        "kind regards",
        "best regards",
        "warm regards",
        "regards",
        "many thanks",
        "thanks and regards",
        "with thanks",
        "yours sincerely",
        "yours faithfully",
        "yours truly",
        "best wishes",
        "with best wishes",
        "kindest regards",
        "mit freundlichen grüßen",
        "mit freundlichen grüssen",
        "freundliche grüße",
        "viele grüße",
        "sent from my iphone",
        "sent from my ipad",
        "get outlook for ios",
    ];
    CLOSINGS.contains(&lower)
}

/// The start of a confidentiality notice: everything from it on is boiler-plate, and
/// often names exemptions or refusals that say nothing about this reply.
fn is_disclaimer(line: &str) -> bool {
    let lower = line.to_lowercase();
    const STARTS: [&str; 9] = [
        "disclaimer",
        "this email and any",
        "this e-mail and any",
        "this message and any",
        "this email is intended",
        "this e-mail is intended",
        "this email may contain",
        "the information contained in this",
        "if you are not the intended recipient",
    ];
    STARTS.iter().any(|s| lower.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three lines of one uuencoded block (Python's `binascii.b2a_uu`).
    const UU: [&str; 3] = [
        r"MY^[G85[S7S#DFT@N%<KG4`<@'A)A>P_MI^%D=Y;_`BOJCM`J@J%UDP\C-\TW",
        r"M<I0MY&1^K6'K(KJH'B]R&;4K`()-ED^S36:BM7S'(I3&*MKHG8)6+4,LR$5)",
        r"996YD(&]F('1H92!S8V%N;F5D(&QE='1E<@``",
    ];

    #[test]
    fn uuencoded_payload_is_left_out_damaged_or_not() {
        let body = format!(
            "Please see the letter attached.\n\nbegin 644 letter.doc\n{}\n`\nend\nThank you.\n",
            UU.join("\n")
        );
        assert_eq!(
            without_payloads(&body),
            "Please see the letter attached.\n\nThank you.\n"
        );
        // Without its `begin` and `end` lines, a run of encoded lines is still a payload.
        let damaged = format!("Reply below.\n{}\nDone.\n", UU.join("\n"));
        assert_eq!(without_payloads(&damaged), "Reply below.\nDone.\n");
        // One line in uuencode's shape alone is writing.
        assert_eq!(without_payloads("M\nok\n"), "M\nok\n");
    }

    #[test]
    fn base64_left_in_text_is_left_out_and_words_are_kept() {
        let body = "Our answer is attached.\n\
                    JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVy\n\
                    An ordinary sentence that happens to be rather long indeed.\n\
                    SECTION 36 APPLIES TO NONE OF THIS, NOR DOES ANYTHING ELSE.\n";
        let kept = without_payloads(body);
        assert!(!kept.contains("JVBER"), "{kept}");
        assert!(kept.contains("ordinary sentence"), "{kept}");
        assert!(kept.contains("SECTION 36"), "capitals are writing: {kept}");
    }

    #[test]
    fn our_request_is_cut_into_its_sentences() {
        let template = "Dear {{body.name}},\n\nPlease treat this email as a request for \
                        information under the Act.\n\n1. Whether any of the cameras were made \
                        by Hikvision?\n2. How many?\nQuote {{case.reference}} in your reply, please.\n";
        assert_eq!(
            own_sentences(template),
            [
                "Please treat this email as a request for information under the Act",
                "Whether any of the cameras were made by Hikvision",
            ]
        );
        assert!(own_sentences("{{unclosed").is_empty());
    }

    #[test]
    fn signature_and_disclaimer_are_cut() {
        let text = "We hold 4 contracts.\n\nKind regards,\nJo Bloggs\nFOI Officer\n";
        assert_eq!(before_signature(text), "We hold 4 contracts.\n\n");
        let text = "The answer is 7.\n--\nJo\n";
        assert_eq!(before_signature(text), "The answer is 7.\n");
        let text = "Thanks.\nThis email and any attachments may be exempt under s.43.\n";
        assert_eq!(before_signature(text), "Thanks.\n");
        // A closing with nothing above it is no signature.
        assert_eq!(
            before_signature("Regards\nthe answer\n"),
            "Regards\nthe answer\n"
        );
    }

    proptest::proptest! {
        /// Any text, payload-shaped or not, is read without a panic, and what is kept is
        /// no longer than the new text it came from.
        #[test]
        fn any_text_is_read_without_panicking(
            text in "(begin 644 x\n|end\n|M[!-`]{0,62}\n|[A-Za-z0-9+/=]{0,80}\n|-- \n|Kind regards\n|[ -~äß€\t]{0,40}\n|\\{\\{|\\}\\}){0,40}",
        ) {
            let kept = without_payloads(&text);
            proptest::prop_assert!(kept.len() <= fresh_text(&text).len() + 1);
            let signed = before_signature(&kept);
            proptest::prop_assert!(kept.starts_with(signed));
            for s in own_sentences(&text) {
                proptest::prop_assert!(s.len() >= MIN_OWN_SENTENCE);
            }
        }
    }
}
