//! Text in the charsets mail really uses, labelled or not.
//!
//! [`decode`] turns a part's bytes into text with `encoding_rs` (GB2312/GBK/GB18030, Big5,
//! Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR, KOI8-R/U, Windows-125x, ISO-8859-x, ...),
//! accepting the labels mail clients write (`cp936`, `euc-cn`, `x-sjis`, `ks_c_5601-1987`,
//! `iso8859-1` ...). A part with no label, or one whose label cannot be right (us-ascii
//! with 8-bit bytes, UTF-8 that is not), is guessed with `chardetng`. Line ends come out
//! as `\n` only. [`decode_encoded_words`] does the same for RFC 2047 header words, which
//! mail-parser leaves as replacement characters in charsets it does not know.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// Text decoded from bytes, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends normalised to `\n`.
    pub text: String,
    /// The encoding used (its WHATWG name, e.g. `GBK`, `Shift_JIS`, `UTF-8`).
    pub encoding: &'static str,
    /// True when the encoding was guessed rather than taken from a label.
    pub guessed: bool,
    /// True when some bytes did not decode (they became U+FFFD).
    pub had_errors: bool,
}

/// Bytes read by the charset guesser: enough for any language, bounded in time.
const GUESS_SAMPLE_BYTES: usize = 64 * 1024;

/// The encoding a MIME charset label names, with the aliases mail uses beside the WHATWG
/// ones. `None` for an unknown label, and for labels `encoding_rs` maps to its
/// "replacement" decoder (ISO-2022-KR/CN, HZ): guessing does better than one U+FFFD.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches(['"', '\'']).trim();
    // RFC 2231 lets a charset carry a language: `utf-8*en`.
    let label = label.split('*').next().unwrap_or("");
    let lower = label.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "cp936" | "ms936" | "windows-936" | "euc-cn" | "x-euc-cn" | "euccn" | "gb_2312"
        | "x-gb2312" => "gbk",
        "gb-18030" | "cp54936" | "windows-54936" => "gb18030",
        "cp932" | "ms932" | "windows-932" | "shift-jis" | "x-shift-jis" | "sjis-open"
        | "sjis-win" | "cp943" => "shift_jis",
        "cp949" | "ms949" | "windows-949" | "ks_c_5601" | "ksc5601" | "ks_c_5601-1989"
        | "x-windows-949" | "uhc" => "euc-kr",
        "cp950" | "ms950" | "windows-950" | "big-5" | "big5hkscs" | "x-x-big5" => "big5",
        "iso-2022-jp-1" | "iso-2022-jp-2" | "iso-2022-jp-3" | "csiso2022jp2" => "iso-2022-jp",
        "cp20866" | "koi8" => "koi8-r",
        "cp21866" => "koi8-u",
        "cp1200" => "utf-16le",
        "cp65001" | "utf-8n" | "x-utf8" => "utf-8",
        "cp28591" | "latin-1" | "iso8859_1" => "iso-8859-1",
        "x-mac-roman" | "mac" | "macroman" => "macintosh",
        "ansi" | "x-ansi" | "default" => "windows-1252",
        _ => {
            if let Some(n) = lower
                .strip_prefix("cp125")
                .or(lower.strip_prefix("win-125"))
            {
                return Encoding::for_label(format!("windows-125{n}").as_bytes())
                    .filter(|e| *e != encoding_rs::REPLACEMENT);
            }
            lower.as_str()
        }
    };
    Encoding::for_label(alias.as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT)
}

/// The encoding of a Windows code page number (TNEF and RTF name charsets this way).
pub fn encoding_for_codepage(codepage: u32) -> Option<&'static Encoding> {
    let label: Cow<'static, str> = match codepage {
        65001 => "utf-8".into(),
        1200 => "utf-16le".into(),
        1201 => "utf-16be".into(),
        20127 => "us-ascii".into(),
        20866 => "koi8-r".into(),
        21866 => "koi8-u".into(),
        20932 | 51932 => "euc-jp".into(),
        50220..=50222 => "iso-2022-jp".into(),
        51949 => "euc-kr".into(),
        52936 => "gbk".into(),
        10000 => "macintosh".into(),
        866 => "ibm866".into(),
        874 => "windows-874".into(),
        28591..=28606 => format!("iso-8859-{}", codepage - 28590).into(),
        n => format!("cp{n}").into(),
    };
    encoding_for_label(&label)
}

/// Decodes a part's bytes by its charset label, or by a guess when the label is missing,
/// unknown or cannot be right. Line ends become `\n`.
pub fn decode(bytes: &[u8], label: Option<&str>) -> Decoded {
    let labelled = label.and_then(encoding_for_label);
    let encoding = match labelled {
        // A 7-bit label on 8-bit text, or UTF-8 that is not: the label is wrong.
        Some(e) if is_7bit_label(e, label) && !bytes.is_ascii() => None,
        Some(e) if e == encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() => None,
        // ISO-2022-JP announces itself; anything else in 7 bits decodes the same either way.
        Some(e) => Some(e),
        None => None,
    };
    let (encoding, guessed) = match encoding {
        Some(e) => (e, false),
        None => (guess(bytes), true),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    // A byte-order mark at the start says more than any label.
    let (text, had_errors) = match Encoding::for_bom(bytes) {
        Some((bom, _)) if bom != encoding => {
            let (t, _, e) = bom.decode(bytes);
            (t, e)
        }
        _ => (text, had_errors),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Decoded {
        text: normalize_line_ends(text).into_owned(),
        encoding: encoding.name(),
        guessed,
        had_errors,
    }
}

/// True for labels that promise 7-bit text (us-ascii), which `encoding_rs` maps to
/// windows-1252.
fn is_7bit_label(encoding: &'static Encoding, label: Option<&str>) -> bool {
    encoding == encoding_rs::WINDOWS_1252
        && label.is_some_and(|l| {
            let l = l.trim().trim_matches('"').to_ascii_lowercase();
            matches!(
                l.as_str(),
                "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "us" | "csascii"
            )
        })
}

/// The likeliest encoding of unlabelled bytes: UTF-8 when they are valid UTF-8, else
/// chardetng's guess over the first 64 KiB.
pub fn guess(bytes: &[u8]) -> &'static Encoding {
    // ISO-2022-JP is 7-bit, so valid UTF-8 too: its escape sequences tell it apart.
    if std::str::from_utf8(bytes).is_ok() && !(bytes.is_ascii() && bytes.contains(&0x1b)) {
        return encoding_rs::UTF_8;
    }
    let sample = bytes.get(..GUESS_SAMPLE_BYTES).unwrap_or(bytes);
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// `\r\n` and lone `\r` become `\n`.
pub fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Longest header value decoded; the rest is dropped (a header longer than this is an
/// attack, not a subject).
const MAX_HEADER_INPUT_BYTES: usize = 64 * 1024;

/// Decodes the RFC 2047 encoded words (`=?GB2312?B?...?=`) of a header value in any
/// charset [`encoding_for_label`] knows. White space between adjacent encoded words is
/// dropped, and adjacent words in one charset are decoded together, since mailers split a
/// multi-byte character across two words. Text that is not an encoded word, and encoded
/// words that do not decode (unknown charset, bad base64), are kept as written.
pub fn decode_encoded_words(value: &str) -> String {
    let value = match value.char_indices().nth(MAX_HEADER_INPUT_BYTES) {
        Some((cut, _)) => value.get(..cut).unwrap_or(value),
        None => value,
    };
    let mut out = String::with_capacity(value.len());
    // Bytes of adjacent encoded words in one charset, waiting to be decoded together.
    let mut pending: Option<(&'static Encoding, Vec<u8>)> = None;
    // White space seen after an encoded word: dropped if another word follows.
    let mut gap = "";
    let mut rest = value;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            flush(&mut out, &mut pending);
            out.push_str(gap);
            out.push_str(rest);
            gap = "";
            break;
        };
        let (before, from_start) = rest.split_at(start);
        match encoded_word(from_start) {
            Some((encoding, bytes, used)) => {
                let only_space = before.chars().all(char::is_whitespace);
                let joined = pending.is_some() && only_space;
                if !joined {
                    flush(&mut out, &mut pending);
                    out.push_str(gap);
                    out.push_str(before);
                }
                match &mut pending {
                    Some((pending_encoding, buffer)) if *pending_encoding == encoding => {
                        buffer.extend_from_slice(&bytes);
                    }
                    _ => {
                        flush(&mut out, &mut pending);
                        pending = Some((encoding, bytes));
                    }
                }
                rest = from_start.get(used..).unwrap_or("");
                // Remember trailing white space in case no word follows.
                let spaces = rest.len() - rest.trim_start().len();
                gap = rest.get(..spaces).unwrap_or("");
                rest = rest.get(spaces..).unwrap_or("");
            }
            None => {
                flush(&mut out, &mut pending);
                out.push_str(gap);
                gap = "";
                out.push_str(before);
                out.push_str("=?");
                rest = from_start.get(2..).unwrap_or("");
            }
        }
    }
    flush(&mut out, &mut pending);
    out.push_str(gap);
    out
}

fn flush(out: &mut String, pending: &mut Option<(&'static Encoding, Vec<u8>)>) {
    if let Some((encoding, bytes)) = pending.take() {
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        out.extend(text.chars().filter(|c| !matches!(c, '\r' | '\n')));
    }
}

/// One encoded word at the start of `s`: its encoding, decoded bytes, and length.
fn encoded_word(s: &str) -> Option<(&'static Encoding, Vec<u8>, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, rest) = inner.split_once('?')?;
    let (scheme, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let payload = rest.get(..end)?;
    if payload.contains([' ', '\t', '\n', '\r']) || charset.is_empty() || charset.len() > 64 {
        return None;
    }
    let encoding = encoding_for_label(charset)?;
    let bytes = match scheme {
        "B" | "b" => base64(payload)?,
        "Q" | "q" => quoted_printable_word(payload),
        _ => return None,
    };
    let used = 2 + charset.len() + 1 + scheme.len() + 1 + end + 2;
    Some((encoding, bytes, used))
}

/// Base64 with or without padding; `None` on a character outside the alphabet.
pub(super) fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in text.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The `Q` encoding: `_` is a space, `=XX` a byte; a malformed escape is kept as written.
fn quoted_printable_word(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|h| (*h as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'=', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b'_', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_labels_find_their_encodings() {
        for (label, name) in [
            ("GB2312", "GBK"),
            ("\"gb2312\"", "GBK"),
            ("euc-cn", "GBK"),
            ("cp936", "GBK"),
            ("GB18030", "gb18030"),
            ("big5", "Big5"),
            ("cp950", "Big5"),
            ("Shift_JIS", "Shift_JIS"),
            ("x-sjis", "Shift_JIS"),
            ("cp932", "Shift_JIS"),
            ("ISO-2022-JP", "ISO-2022-JP"),
            ("iso-2022-jp-2", "ISO-2022-JP"),
            ("ks_c_5601-1987", "EUC-KR"),
            ("KOI8-R", "KOI8-R"),
            ("koi8-u", "KOI8-U"),
            ("windows-1251", "windows-1251"),
            ("cp1250", "windows-1250"),
            ("ISO-8859-2", "ISO-8859-2"),
            ("iso8859-15", "ISO-8859-15"),
            ("utf-8*en", "UTF-8"),
        ] {
            assert_eq!(
                encoding_for_label(label).map(Encoding::name),
                Some(name),
                "{label}"
            );
        }
        assert_eq!(encoding_for_label("x-unknown"), None);
        assert_eq!(encoding_for_label("iso-2022-kr"), None, "replacement");
        assert_eq!(
            encoding_for_codepage(20866).map(Encoding::name),
            Some("KOI8-R")
        );
        assert_eq!(
            encoding_for_codepage(1252).map(Encoding::name),
            Some("windows-1252")
        );
        assert_eq!(
            encoding_for_codepage(28592).map(Encoding::name),
            Some("ISO-8859-2")
        );
        assert_eq!(encoding_for_codepage(936).map(Encoding::name), Some("GBK"));
    }

    #[test]
    fn labelled_text_decodes_and_line_ends_become_newlines() {
        // "Привет\r\nмир" in KOI8-R (iconv -t KOI8-R).
        let koi8 = b"\xf0\xd2\xc9\xd7\xc5\xd4\r\n\xcd\xc9\xd2\r";
        let d = decode(koi8, Some("koi8-r"));
        assert_eq!(d.text, "Привет\nмир\n");
        assert!(!d.guessed && !d.had_errors);
    }

    #[test]
    fn a_wrong_or_missing_label_is_guessed() {
        // "信息自由请求。我们没有这些信息。" in GB18030 (iconv -t GB18030), labelled us-ascii.
        let gb = b"\xd0\xc5\xcf\xa2\xd7\xd4\xd3\xc9\xc7\xeb\xc7\xf3\xa1\xa3\xce\xd2\xc3\xc7\xc3\xbb\xd3\xd0\xd5\xe2\xd0\xa9\xd0\xc5\xcf\xa2\xa1\xa3";
        for label in [None, Some("us-ascii"), Some("utf-8"), Some("x-unknown")] {
            let d = decode(gb, label);
            assert_eq!(d.text, "信息自由请求。我们没有这些信息。", "{label:?}");
            assert!(d.guessed, "{label:?}");
        }
        let d = decode("plain ascii".as_bytes(), Some("us-ascii"));
        assert!(!d.guessed);
    }

    #[test]
    fn encoded_words_in_any_known_charset() {
        // "信息公开申请" in GB2312, base64 (iconv -t GB2312 | base64).
        assert_eq!(
            decode_encoded_words("Re: =?GB2312?B?0MXPormrv6rJ6sfr?="),
            "Re: 信息公开申请"
        );
        // A character split across two words, and the space between words dropped.
        assert_eq!(
            decode_encoded_words("=?utf-8?Q?Fr=C3?= =?utf-8?Q?=B6hlich_Ja?= now"),
            "Fröhlich Ja now"
        );
        assert_eq!(
            decode_encoded_words("=?koi8-r?B?8NLJ18XU?= world"),
            "Привет world"
        );
        // Not encoded words: kept as written.
        assert_eq!(
            decode_encoded_words("a =?x-none?B?AAA?= b"),
            "a =?x-none?B?AAA?= b"
        );
        assert_eq!(decode_encoded_words("2 =? 3"), "2 =? 3");
        assert_eq!(decode_encoded_words("=?utf-8?B?!!?="), "=?utf-8?B?!!?=");
    }
}
