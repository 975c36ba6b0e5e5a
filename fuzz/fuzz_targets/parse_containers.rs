//! Arbitrary bytes through the container step of parse on its own (behind `parse` a
//! panic in it would be caught): a saved `winmail.dat` read as the email, a
//! `winmail.dat` attachment unpacked beside the attachments already listed, uuencode
//! blocks taken out of a text body. No panic, and the parsed message keeps its promises:
//! attachments within the limit, each with a safe name, its size and its digest; the text
//! body bounded with `\n` line ends only; notes bounded.

#![no_main]

use foi::domain::to_hex;
use foi::ingest::formats::tnef;
use foi::ingest::parse::fuzzing::{bare_tnef, push_files, take_uuencode, unpack_tnef};
use foi::ingest::parse::{Attachment, Limits, ParsedMessage};
use foi::text::MAX_FILE_NAME_BYTES;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

/// Notes at most: five damage notes per container and two of its own.
const MAX_NOTES: usize = 5 + 2;

/// `listed_before`: attachments the email listed before the step (not counted in the
/// bytes the step may unpack).
fn check(parsed: &ParsedMessage, limits: &Limits, listed_before: usize) {
    assert!(parsed.attachments.len() <= limits.max_attachments.max(listed_before));
    let unpacked = parsed.attachments.iter().skip(listed_before);
    let bytes: usize = unpacked.map(|a| a.bytes.len()).sum();
    assert!(bytes <= limits.max_message_bytes);
    for attachment in &parsed.attachments {
        let name = &attachment.file_name;
        assert!(!name.is_empty());
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{name:?}");
        assert!(!name.contains(['/', '\\']), "{name:?}");
        assert!(!name.starts_with(['.', ' ']), "{name:?}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(!name.contains('\u{202E}'), "{name:?}");
        assert!(
            attachment.content_type.contains('/'),
            "{}",
            attachment.content_type
        );
        assert_eq!(attachment.size, attachment.bytes.len());
        assert_eq!(
            attachment.sha256,
            to_hex(&Sha256::digest(&attachment.bytes))
        );
    }
    assert!(parsed.text_body.chars().count() <= limits.max_text_chars);
    assert!(!parsed.text_body.contains('\r'), "{:?}", parsed.text_body);
}

fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Attachment {
    Attachment {
        file_name: name.into(),
        content_type: content_type.into(),
        size: bytes.len(),
        sha256: to_hex(&Sha256::digest(&bytes)),
        bytes,
        content_id: None,
        inline: false,
    }
}

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = data.split_first().unwrap_or((&0, &[]));
    // An odd selector selects tiny limits, so the truncation paths get fuzzed too.
    let limits = if selector & 1 == 1 {
        Limits {
            max_attachments: 2,
            max_text_chars: 64,
            max_message_bytes: 4096,
            ..Limits::default()
        }
    } else {
        Limits::default()
    };
    let mut stream = tnef::SIGNATURE.to_vec();
    stream.extend_from_slice(rest);
    match (selector >> 1) % 3 {
        0 => {
            let parsed = bare_tnef(&stream, &limits);
            check(&parsed, &limits, 0);
            assert!(parsed.notes.len() <= MAX_NOTES + 1, "{:?}", parsed.notes);
        }
        1 => {
            // A letter, then the winmail.dat: the letter stays first, the winmail.dat
            // second, and its files after it. The selector's second bit gives the email a
            // body of its own, which the winmail.dat's body must not replace.
            let mut parsed = ParsedMessage::default();
            if selector & 2 == 2 {
                parsed.text_body = "Please find our response attached.".into();
            }
            let letter = attachment("letter.pdf", "application/pdf", b"%PDF-1.4".to_vec());
            let winmail = attachment("winmail.dat", "application/ms-tnef", stream);
            parsed.attachments = vec![letter.clone(), winmail.clone()];
            unpack_tnef(&mut parsed, &limits);
            check(&parsed, &limits, 2);
            assert_eq!(parsed.attachments[0], letter);
            assert_eq!(parsed.attachments[1], winmail);
            if selector & 2 == 2 {
                assert_eq!(parsed.text_body, "Please find our response attached.");
            }
            assert!(parsed.notes.len() <= MAX_NOTES, "{:?}", parsed.notes);
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let mut parsed = ParsedMessage::default();
            if let Some((kept, files)) = take_uuencode(&text, &mut parsed.notes, &limits) {
                assert!(kept.len() <= text.len());
                push_files(&mut parsed, files, &limits);
                check(&parsed, &limits, 0);
            } else {
                assert!(parsed.notes.is_empty());
            }
            assert!(parsed.notes.len() <= MAX_NOTES, "{:?}", parsed.notes);
        }
    }
});
