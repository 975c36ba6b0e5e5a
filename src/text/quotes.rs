//! The new part of a reply: what comes before the quoted earlier message.

use super::truncate::truncate_chars;

/// How much of the new text of a message is kept, in characters (all that the
/// classification rules read).
pub const MAX_FRESH_CHARS: usize = 20_000;

/// The new part of a reply: everything before the quoted earlier message, without
/// `>`-quoted lines, at most [`MAX_FRESH_CHARS`] characters.
pub fn fresh_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        if starts_quote(&lower, &lines, i) {
            break;
        }
        if trimmed.starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if out.len() > MAX_FRESH_CHARS * 4 {
            break;
        }
    }
    truncate_chars(&out, MAX_FRESH_CHARS).0.to_string()
}

/// True when line `i` starts the quoted earlier message of a reply.
fn starts_quote(lower: &str, lines: &[&str], i: usize) -> bool {
    let separator = lower.trim_matches(|c: char| c == '-' || c == '_' || c == ' ');
    if [
        "original message",
        "ursprüngliche nachricht",
        "urspr. nachricht",
        "reply message",
    ]
    .contains(&separator)
    {
        return true;
    }
    if lower.starts_with("on ") && lower.ends_with("wrote:") {
        return true;
    }
    if lower.starts_with("am ") && (lower.ends_with("schrieb:") || lower.contains(" schrieb ")) {
        return true;
    }
    // Outlook's header block: From:/Von: followed within a few lines by Sent:/Gesendet:.
    let starts_from = ["from:", "von:", "de :", "de:"]
        .iter()
        .any(|p| lower.starts_with(p));
    let underline = lower.len() >= 10 && lower.chars().all(|c| c == '_' || c == '-');
    if starts_from || underline {
        let next = lines.get(i + 1..(i + 6).min(lines.len())).unwrap_or(&[]);
        return next.iter().any(|l| {
            let l = l.trim().to_lowercase();
            ["sent:", "gesendet:", "date:", "datum:", "envoyé :"]
                .iter()
                .any(|p| l.starts_with(p))
                || (underline && (l.starts_with("from:") || l.starts_with("von:")))
        });
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quoted_earlier_message_is_cut_off() {
        let outlook = "Please find our answer attached.\n\nKind regards\n\nFrom: Campaign <foi@campaign.example>\nSent: 3 March 2026\nTo: FOI\nSection 43 applies.\n";
        assert_eq!(
            fresh_text(outlook),
            "Please find our answer attached.\n\nKind regards\n\n"
        );
        let gmail =
            "We do not hold it.\nOn Tue, 3 Mar 2026 at 10:00, Campaign wrote:\n> please provide\n";
        assert_eq!(fresh_text(gmail), "We do not hold it.\n");
        let german = "Anbei die Antwort.\n-----Ursprüngliche Nachricht-----\nVon: x\n";
        assert_eq!(fresh_text(german), "Anbei die Antwort.\n");
    }

    #[test]
    fn quoted_lines_are_dropped_and_the_rest_kept() {
        assert_eq!(
            fresh_text("> your question\nour answer\n>> older\nmore\n"),
            "our answer\nmore\n"
        );
        // "From:" alone, with no date line after it, starts no quote.
        assert_eq!(
            fresh_text("From: the records team\nYes.\n"),
            "From: the records team\nYes.\n"
        );
        let long = "x".repeat(MAX_FRESH_CHARS + 10);
        assert_eq!(fresh_text(&long).chars().count(), MAX_FRESH_CHARS);
    }
}
