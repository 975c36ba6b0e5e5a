//! TNEF, the `winmail.dat` (`application/ms-tnef`) that Outlook and Exchange send in place
//! of a MIME message (MS-OXTNEF): its attachments and its message body.
//!
//! Hand-written, since the one crate (`tnef` 0.1) reads attachments only, not the body
//! or MAPI properties. [`read`] walks the attribute stream, takes each attachment's name
//! from the long-filename MAPI property over the 8.3 title, its data from the data
//! attribute or the MAPI data property (`PR_ATTACH_DATA_BIN`/`_OBJ`), and follows
//! embedded messages (themselves TNEF) to a bounded depth. The body is the plain-text
//! property, else the compressed RTF decompressed and read as text ([`super::rtf`]), and
//! the HTML property when there is one. Strings in 8-bit code pages are decoded with the
//! stream's own code page ([`super::charset::encoding_for_codepage`]).

use encoding_rs::Encoding;
use serde::Serialize;

use super::charset::encoding_for_codepage;
use super::{bounded_name, rtf, Bounds, Budget, DecodedFile};

/// The first four bytes of every TNEF stream (little-endian `0x223E9F78`).
pub const SIGNATURE: [u8; 4] = [0x78, 0x9f, 0x3e, 0x22];

/// Damage sentences kept per stream.
const MAX_DAMAGE_NOTES: usize = 20;
/// MAPI properties read per property list: far more than Outlook writes.
const MAX_PROPERTIES: usize = 10_000;
/// Values read per multi-valued property.
const MAX_VALUES: usize = 10_000;

/// Why bytes could not be read as TNEF at all (damage inside a stream is reported in
/// [`Tnef::damage`] instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TnefError {
    /// The bytes do not start with the TNEF signature.
    #[error("not a TNEF stream: it does not start with the TNEF signature")]
    NotTnef,
}

/// A TNEF message: its body, its attachments and what was damaged.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Tnef {
    /// `PR_SUBJECT` or `attSubject`.
    pub subject: Option<String>,
    /// `attMessageClass` (`IPM.Note`, `IPM.Microsoft Mail.Note`, `IPM.Appointment`, ...).
    pub message_class: Option<String>,
    /// `PR_INTERNET_MESSAGE_ID`, angle brackets removed.
    pub message_id: Option<String>,
    /// The message body.
    pub body: Body,
    /// The attachments, in stream order.
    pub attachments: Vec<Attachment>,
    /// What was damaged or left out, one sentence each.
    pub damage: Vec<String>,
}

/// A TNEF message body, in the forms the stream carried.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Body {
    /// The text: `PR_BODY` / `attBody`, else the RTF body read as text.
    pub text: Option<String>,
    /// True when [`Body::text`] came from the RTF body.
    pub text_from_rtf: bool,
    /// `PR_BODY_HTML`, else the HTML that the RTF body encapsulates. Unsanitised.
    pub html: Option<String>,
    /// The RTF body, decompressed.
    #[serde(skip)]
    pub rtf: Option<Vec<u8>>,
}

/// One attachment of a TNEF message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The file: name, MIME type, content-ID and bytes. For an embedded message the bytes
    /// are the embedded TNEF stream.
    pub file: DecodedFile,
    /// An embedded message (an Outlook item attached to the message), read.
    pub embedded: Option<Box<Tnef>>,
}

/// True when the bytes start with the TNEF signature.
pub fn is_tnef(data: &[u8]) -> bool {
    data.starts_with(&SIGNATURE)
}

/// Reads a TNEF stream. Fails only when the bytes are not TNEF; a damaged stream gives
/// what could be read, and [`Tnef::damage`] says what could not.
pub fn read(data: &[u8], bounds: &Bounds) -> Result<Tnef, TnefError> {
    if !is_tnef(data) {
        return Err(TnefError::NotTnef);
    }
    let mut budget = Budget::new(bounds);
    let mut files = 0usize;
    Ok(read_stream(data, bounds, &mut budget, &mut files, 0))
}

// Attribute ids (MS-OXTNEF 2.1.3.3), type in the high word.
const ATT_SUBJECT: u32 = 0x0001_8004;
const ATT_MESSAGE_CLASS: u32 = 0x0007_8008;
const ATT_BODY: u32 = 0x0002_800C;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACH_RENDDATA: u32 = 0x0006_9002;
const ATT_MSG_PROPS: u32 = 0x0006_9003;
const ATT_ATTACHMENT: u32 = 0x0006_9005;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;

const LEVEL_MESSAGE: u8 = 1;
const LEVEL_ATTACHMENT: u8 = 2;

// MAPI property ids (the high word of a property tag).
const PR_SUBJECT: u16 = 0x0037;
/// `PR_TNEF_CORRELATION_KEY`: Exchange puts the message's Message-ID here.
const PR_TNEF_CORRELATION_KEY: u16 = 0x007F;
const PR_BODY: u16 = 0x1000;
const PR_RTF_COMPRESSED: u16 = 0x1009;
const PR_BODY_HTML: u16 = 0x1013;
const PR_INTERNET_MESSAGE_ID: u16 = 0x1035;
const PR_DISPLAY_NAME: u16 = 0x3001;
const PR_ATTACH_DATA: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_METHOD: u16 = 0x3705;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_ATTACH_MIME_TAG: u16 = 0x370E;
const PR_ATTACH_CONTENT_ID: u16 = 0x3712;
const PR_INTERNET_CPID: u16 = 0x3FDE;

/// `PR_ATTACH_METHOD` of an attached Outlook item.
const ATTACH_EMBEDDED_MSG: u32 = 5;

// MAPI property types.
const PT_SHORT: u16 = 0x0002;
const PT_LONG: u16 = 0x0003;
const PT_OBJECT: u16 = 0x000D;
const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const MV_FLAG: u16 = 0x1000;

/// An attachment being assembled from its attributes.
#[derive(Default)]
struct Pending<'a> {
    title: Option<String>,
    long_name: Option<String>,
    file_name: Option<String>,
    display_name: Option<String>,
    mime: Option<String>,
    content_id: Option<String>,
    method: Option<u32>,
    /// The file's bytes: `attAttachData` or `PR_ATTACH_DATA_BIN`/`_OBJ`, whichever comes
    /// last in the stream (as Debian's `tnef` decides); an object keeps its interface id.
    data: Option<&'a [u8]>,
    /// `PR_ATTACH_DATA_OBJ` without its 16-byte interface id: an embedded message (TNEF)
    /// or an OLE object.
    object: Option<&'a [u8]>,
}

/// One pass over the stream's attributes, in order: the message's own and then each
/// attachment's, which TNEF tells apart only by where they stand in the stream.
///
/// (One function on purpose: a match over attribute ids that all write the same pending
/// attachment and message state; splitting it per level would pass that state around.)
fn read_stream(
    data: &[u8],
    bounds: &Bounds,
    budget: &mut Budget,
    files: &mut usize,
    depth: usize,
) -> Tnef {
    let mut tnef = Tnef::default();
    let mut encoding: &'static Encoding = encoding_rs::WINDOWS_1252;
    let mut attachments: Vec<Pending<'_>> = Vec::new();
    let mut html_bytes: Option<&[u8]> = None;
    let mut html_codepage: Option<u32> = None;
    let mut reader = Reader { data, at: 6 };
    let mut checksum_errors = 0usize;
    while reader.at < data.len() {
        let Some((level, id, value, checksum_ok)) = reader.attribute() else {
            note(
                &mut tnef,
                format!(
                    "the TNEF stream is cut short at byte {} of {}: what follows was not read",
                    reader.at,
                    data.len()
                ),
            );
            break;
        };
        if !checksum_ok {
            checksum_errors += 1;
        }
        match (level, id) {
            (_, ATT_OEM_CODEPAGE) => {
                if let Some(e) = le32(value, 0).and_then(encoding_for_codepage) {
                    encoding = e;
                }
            }
            (LEVEL_MESSAGE, ATT_SUBJECT) => {
                tnef.subject.get_or_insert_with(|| string8(value, encoding));
            }
            (LEVEL_MESSAGE, ATT_MESSAGE_CLASS) => {
                tnef.message_class = Some(string8(value, encoding))
            }
            (LEVEL_MESSAGE, ATT_BODY) => {
                tnef.body
                    .text
                    .get_or_insert_with(|| string8(value, encoding));
            }
            (LEVEL_MESSAGE, ATT_MSG_PROPS) => {
                let props = properties(value, encoding, &mut tnef);
                for (id, value) in props {
                    match (id, value) {
                        (PR_SUBJECT, Value::Text(s)) => tnef.subject = Some(s),
                        (PR_BODY, Value::Text(s)) => tnef.body.text = Some(s),
                        (PR_INTERNET_MESSAGE_ID, Value::Text(s)) => {
                            tnef.message_id = message_id(&s)
                        }
                        (PR_TNEF_CORRELATION_KEY, Value::Bytes(b)) if tnef.message_id.is_none() => {
                            tnef.message_id = message_id(&string8(b, encoding_rs::WINDOWS_1252));
                        }
                        (PR_RTF_COMPRESSED, Value::Bytes(b)) => {
                            match rtf::decompress(b, budget.left) {
                                Ok(rtf) => {
                                    budget.take(rtf.len());
                                    tnef.body.rtf = Some(rtf);
                                }
                                Err(e) => {
                                    note(&mut tnef, format!("the RTF body was not read: {e}"))
                                }
                            }
                        }
                        (PR_BODY_HTML, Value::Bytes(b)) => html_bytes = Some(b),
                        (PR_BODY_HTML, Value::Text(s)) => tnef.body.html = Some(s),
                        (PR_INTERNET_CPID, Value::Int(cp)) => html_codepage = Some(cp),
                        _ => {}
                    }
                }
            }
            (LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA) => attachments.push(Pending::default()),
            (LEVEL_ATTACHMENT, ATT_ATTACH_TITLE) => {
                current(&mut attachments).title = Some(string8(value, encoding));
            }
            (LEVEL_ATTACHMENT, ATT_ATTACH_DATA) => current(&mut attachments).data = Some(value),
            (LEVEL_ATTACHMENT, ATT_ATTACHMENT) => {
                let props = properties(value, encoding, &mut tnef);
                let pending = current(&mut attachments);
                for (id, value) in props {
                    match (id, value) {
                        (PR_ATTACH_LONG_FILENAME, Value::Text(s)) => pending.long_name = Some(s),
                        (PR_ATTACH_FILENAME, Value::Text(s)) => pending.file_name = Some(s),
                        (PR_DISPLAY_NAME, Value::Text(s)) => pending.display_name = Some(s),
                        (PR_ATTACH_MIME_TAG, Value::Text(s)) => pending.mime = Some(s),
                        (PR_ATTACH_CONTENT_ID, Value::Text(s)) => pending.content_id = Some(s),
                        (PR_ATTACH_METHOD, Value::Int(m)) => pending.method = Some(m),
                        (PR_ATTACH_DATA, Value::Bytes(b)) => pending.data = Some(b),
                        // An object starts with the interface id it implements.
                        (PR_ATTACH_DATA, Value::Object(b)) => {
                            pending.data = Some(b);
                            pending.object = Some(b.get(16..).unwrap_or(&[]));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if checksum_errors > 0 {
        note(
            &mut tnef,
            format!("{checksum_errors} TNEF attribute(s) fail their checksum (read anyway)"),
        );
    }

    // The body: HTML in its own code page; RTF read as text when there is no plain text.
    if let Some(bytes) = html_bytes {
        let e = html_codepage
            .and_then(encoding_for_codepage)
            .unwrap_or(encoding);
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        tnef.body.html = Some(e.decode_without_bom_handling(bytes).0.into_owned());
    }
    if let Some(rtf) = &tnef.body.rtf {
        let read = rtf::to_text(rtf, budget.left);
        budget.take(read.text.len());
        if tnef
            .body
            .text
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
            && !read.text.trim().is_empty()
        {
            tnef.body.text = Some(read.text);
            tnef.body.text_from_rtf = true;
        }
        if tnef.body.html.is_none() {
            tnef.body.html = read.html;
        }
    }

    for pending in attachments {
        if *files >= bounds.max_files {
            note(
                &mut tnef,
                format!(
                    "attachments over the limit of {} were not kept",
                    bounds.max_files
                ),
            );
            break;
        }
        *files += 1;
        tnef.attachments.push(finish_attachment(
            pending,
            bounds,
            budget,
            files,
            depth,
            &mut tnef.damage,
        ));
    }
    tnef
}

fn finish_attachment(
    pending: Pending<'_>,
    bounds: &Bounds,
    budget: &mut Budget,
    files: &mut usize,
    depth: usize,
    damage: &mut Vec<String>,
) -> Attachment {
    let name = pending
        .long_name
        .or(pending.title)
        .or(pending.file_name)
        .or(pending.display_name)
        .map(|n| bounded_name(n.trim_end_matches('\0')))
        .unwrap_or_default();
    let data = pending.data.unwrap_or(&[]);
    let mut embedded = None;
    // The embedded message: the object, or the data attribute (interface id first).
    let message = pending
        .object
        .or_else(|| pending.data.and_then(|d| d.get(16..)))
        .filter(|m| is_tnef(m));
    if let Some(message) = message.filter(|_| pending.method == Some(ATTACH_EMBEDDED_MSG)) {
        if depth < bounds.max_depth {
            embedded = Some(Box::new(read_stream(
                message,
                bounds,
                budget,
                files,
                depth + 1,
            )));
        } else if damage.len() < MAX_DAMAGE_NOTES {
            damage.push(format!(
                "an embedded message nested deeper than {} levels was kept unread",
                bounds.max_depth
            ));
        }
    }
    // An attached Outlook item is better named by its subject than "Untitled Attachment".
    let name = match embedded.as_deref().and_then(|e| e.subject.as_deref()) {
        Some(subject) if name.is_empty() || name == "Untitled Attachment" => bounded_name(subject),
        _ => name,
    };
    let granted = budget.take(data.len());
    let damaged = granted < data.len();
    if damaged && damage.len() < MAX_DAMAGE_NOTES {
        damage.push(format!(
            "attachment \"{name}\" was cut at the decoding limit of {} bytes",
            bounds.max_output_bytes
        ));
    }
    Attachment {
        file: DecodedFile {
            name,
            content_type: pending.mime.map(|m| bounded_name(m.trim_end_matches('\0'))),
            content_id: pending
                .content_id
                .map(|c| bounded_name(c.trim_end_matches('\0'))),
            bytes: data.get(..granted).unwrap_or(&[]).to_vec(),
            damaged,
        },
        embedded,
    }
}

/// A Message-ID as the stream writes it (`<id@host>`), without brackets; `None` when it
/// does not look like one.
fn message_id(text: &str) -> Option<String> {
    let id = text
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (id.contains('@') && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

fn current<'p, 'a>(attachments: &'p mut Vec<Pending<'a>>) -> &'p mut Pending<'a> {
    if attachments.is_empty() {
        // An attachment attribute before any attRenddata: start one anyway.
        attachments.push(Pending::default());
    }
    let last = attachments.len() - 1;
    &mut attachments[last]
}

fn note(tnef: &mut Tnef, sentence: String) {
    if tnef.damage.len() < MAX_DAMAGE_NOTES {
        tnef.damage.push(sentence);
    }
}

fn le16(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at.checked_add(2)?)
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes)
}

fn le32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at.checked_add(4)?)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
}

/// An 8-bit string attribute: NUL-terminated, in the stream's code page.
fn string8(bytes: &[u8], encoding: &'static Encoding) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or(bytes);
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// Reads attributes one at a time.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Level, id, value, checksum agreement; `None` when the stream ends mid-attribute.
    fn attribute(&mut self) -> Option<(u8, u32, &'a [u8], bool)> {
        let level = *self.data.get(self.at)?;
        let id = le32(self.data, self.at + 1)?;
        let length = le32(self.data, self.at + 5)? as usize;
        let start = self.at + 9;
        let end = start.checked_add(length)?;
        let value = self.data.get(start..end)?;
        let checksum = le16(self.data, end)?;
        let sum = value
            .iter()
            .fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        self.at = end + 2;
        Some((level, id, value, sum == checksum))
    }
}

/// A MAPI property value, as far as this reader needs it.
enum Value<'a> {
    Int(u32),
    Text(String),
    Bytes(&'a [u8]),
    Object(&'a [u8]),
    Other,
}

/// Reads a MAPI property list (MS-OXTNEF 2.1.3.4): the ids and values of the properties
/// this reader uses. Stops, with a note, at the first property it cannot read.
fn properties<'a>(
    data: &'a [u8],
    encoding: &'static Encoding,
    tnef: &mut Tnef,
) -> Vec<(u16, Value<'a>)> {
    let mut out = Vec::new();
    let Some(count) = le32(data, 0) else {
        return out;
    };
    let mut at = 4usize;
    for _ in 0..(count as usize).min(MAX_PROPERTIES) {
        match property(data, at, encoding) {
            Some((id, value, next)) => {
                at = next;
                if !matches!(value, Value::Other) {
                    out.push((id, value));
                }
            }
            None => {
                note(
                    tnef,
                    "a MAPI property list is damaged: the properties after the damage were not read"
                        .to_string(),
                );
                break;
            }
        }
    }
    out
}

fn padded(length: usize) -> Option<usize> {
    length.checked_add(3).map(|l| l & !3)
}

/// One property at `at`: its id, its value and where the next one starts.
fn property<'a>(
    data: &'a [u8],
    at: usize,
    encoding: &'static Encoding,
) -> Option<(u16, Value<'a>, usize)> {
    let kind = le16(data, at)?;
    let id = le16(data, at + 2)?;
    let mut at = at + 4;
    if id >= 0x8000 {
        // A named property: GUID, then a number or a name.
        at += 16;
        let named_kind = le32(data, at)?;
        at += 4;
        if named_kind == 0 {
            at += 4;
        } else {
            let length = le32(data, at)? as usize;
            at = at.checked_add(4)?.checked_add(padded(length)?)?;
        }
    }
    let base = kind & !MV_FLAG;
    let multi = kind & MV_FLAG != 0;
    let variable = matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT);
    let values = if multi || variable {
        let n = le32(data, at)? as usize;
        at += 4;
        n
    } else {
        1
    };
    if values > MAX_VALUES {
        return None;
    }
    let mut value = Value::Other;
    for index in 0..values {
        if variable {
            let length = le32(data, at)? as usize;
            let start = at + 4;
            let bytes = data.get(start..start.checked_add(length)?)?;
            at = start.checked_add(padded(length)?)?;
            if index == 0 && !multi {
                value = match base {
                    PT_STRING8 => Value::Text(string8(bytes, encoding)),
                    PT_UNICODE => Value::Text(utf16(bytes)),
                    PT_BINARY => Value::Bytes(bytes),
                    _ => Value::Object(bytes),
                };
            }
        } else {
            let size = match base {
                0x0000 | 0x0001 | PT_SHORT | PT_LONG | 0x0004 | 0x000A | 0x000B => 4,
                0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
                0x0048 => 16,
                _ => return None,
            };
            if index == 0 && !multi && matches!(base, PT_SHORT | PT_LONG) {
                value = Value::Int(le32(data, at)?);
            }
            at = at.checked_add(size)?;
            if at > data.len() {
                return None;
            }
        }
    }
    Some((id, value, at))
}

/// UTF-16LE, NUL-terminated.
fn utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes one attribute as MS-OXTNEF 2.1.3.1 lays it out.
    fn attribute(level: u8, id: u32, value: &[u8]) -> Vec<u8> {
        let mut out = vec![level];
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
        let sum = value
            .iter()
            .fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    fn stream(attributes: &[Vec<u8>]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0x1234u16.to_le_bytes());
        for a in attributes {
            out.extend_from_slice(a);
        }
        out
    }

    /// A property list of one Unicode string property.
    fn unicode_property(id: u16, text: &str) -> Vec<u8> {
        let mut value: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        value.extend_from_slice(&[0, 0]);
        let mut out = 1u32.to_le_bytes().to_vec();
        out.extend_from_slice(&PT_UNICODE.to_le_bytes());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        let padding = padded(value.len()).unwrap() - value.len();
        out.extend_from_slice(&value);
        out.extend(std::iter::repeat_n(0, padding));
        out
    }

    #[test]
    fn the_long_file_name_wins_over_the_title_and_code_pages_apply() {
        let tnef = stream(&[
            attribute(
                LEVEL_MESSAGE,
                ATT_OEM_CODEPAGE,
                &[0xe4, 0x04, 0, 0, 0, 0, 0, 0],
            ), // 1252
            attribute(
                LEVEL_MESSAGE,
                ATT_BODY,
                b"We do not hold the information.\0",
            ),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, b"R\xc9PONS~1.DOC\0"),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, b"DOCBYTES"),
            attribute(
                LEVEL_ATTACHMENT,
                ATT_ATTACHMENT,
                &unicode_property(PR_ATTACH_LONG_FILENAME, "Réponse complète.doc"),
            ),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, b"\xc9T\xc9.TXT\0"),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, b"x"),
        ]);
        let read = read(&tnef, &Bounds::default()).unwrap();
        assert_eq!(
            read.body.text.as_deref(),
            Some("We do not hold the information.")
        );
        assert!(!read.body.text_from_rtf);
        let names: Vec<&str> = read
            .attachments
            .iter()
            .map(|a| a.file.name.as_str())
            .collect();
        assert_eq!(names, ["Réponse complète.doc", "ÉTÉ.TXT"]);
        assert_eq!(read.attachments[0].file.bytes, b"DOCBYTES");
        assert!(read.damage.is_empty(), "{:?}", read.damage);
    }

    #[test]
    fn damage_is_said_and_what_came_before_is_kept() {
        let mut tnef = stream(&[
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, b"A.TXT\0"),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, b"first"),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, b"second file"),
        ]);
        let len = tnef.len();
        tnef.truncate(len - 5);
        // A wrong checksum on the first data attribute.
        let read = read(&tnef, &Bounds::default()).unwrap();
        assert_eq!(read.attachments.len(), 2);
        assert_eq!(read.attachments[0].file.bytes, b"first");
        assert!(read.attachments[1].file.bytes.is_empty());
        assert!(read.damage[0].contains("cut short"), "{:?}", read.damage);
        assert_eq!(
            super::read(b"not tnef", &Bounds::default()),
            Err(TnefError::NotTnef)
        );
    }

    #[test]
    fn output_is_bounded() {
        let tnef = stream(&[
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, &[7; 100]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_RENDDATA, &[0; 14]),
            attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, &[8; 100]),
        ]);
        let bounds = Bounds {
            max_files: 1,
            max_output_bytes: 10,
            ..Bounds::default()
        };
        let read = read(&tnef, &bounds).unwrap();
        assert_eq!(read.attachments.len(), 1);
        assert_eq!(read.attachments[0].file.bytes.len(), 10);
        assert!(read.attachments[0].file.damaged);
        assert_eq!(read.damage.len(), 2, "{:?}", read.damage);
    }
}
