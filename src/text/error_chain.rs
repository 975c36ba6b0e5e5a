//! An error and its causes as one line, each text said once: many errors (lettre's SMTP
//! errors among them) already include their cause's text in their own, so joining the
//! chain as it is repeats the server's words ("permanent error (550): 5.1.1 rejected:
//! 5.1.1 rejected").

/// Join `texts` (an error first, then its causes) with ": ", leaving out a cause whose text
/// the line already ends with (as an error that writes "its words: its cause's" has it).
pub fn join_error_chain<I, S>(texts: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut line = String::new();
    for t in texts {
        let t = t.as_ref().trim();
        if t.is_empty() || line == t || line.ends_with(&format!(": {t}")) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(t);
    }
    line
}

/// [`join_error_chain`] of an error and its `source()`s (at most 32 deep).
pub fn error_chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut texts = Vec::new();
    let mut cur = Some(e);
    while let Some(c) = cur {
        if texts.len() >= 32 {
            break;
        }
        texts.push(c.to_string());
        cur = c.source();
    }
    join_error_chain(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_said_is_not_said_again() {
        assert_eq!(
            join_error_chain([
                "permanent error (550): 5.1.1 <x@y>: Recipient address rejected",
                "5.1.1 <x@y>: Recipient address rejected",
            ]),
            "permanent error (550): 5.1.1 <x@y>: Recipient address rejected"
        );
        assert_eq!(
            join_error_chain(["sending failed", "connection refused", "", "os error 111"]),
            "sending failed: connection refused: os error 111"
        );
        assert_eq!(join_error_chain(Vec::<String>::new()), "");
        // (a cause that only appears inside the words before is still said)
        assert_eq!(
            join_error_chain(["reading config.toml failed", "config"]),
            "reading config.toml failed: config"
        );
    }

    #[test]
    fn an_error_and_its_sources() {
        let io = std::io::Error::other("disk full");
        let e = anyhow::Error::new(io).context("writing the journal");
        let std: &(dyn std::error::Error + 'static) = e.as_ref();
        assert_eq!(error_chain_text(std), "writing the journal: disk full");
    }
}
