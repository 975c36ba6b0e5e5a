//! ZIP archives: their members are read like attachments, located
//! `archive.zip/letter.pdf page 1`. Bounded: members, bytes in all, bytes per member,
//! expansion ratio and depth of archives inside archives. An archive over a bound is
//! refused whole, with the reason recorded (a zip bomb is never expanded).

use crate::domain::{DocumentState, Extraction, TextUnit};
use std::io::Read;

/// Members read at most from one archive.
pub const MAX_MEMBERS: usize = 1000;
/// Bytes of all members together, uncompressed.
pub const MAX_TOTAL: u64 = 200 << 20;
/// Bytes of one member, uncompressed.
pub const MAX_MEMBER: u64 = 100 << 20;
/// A member larger than 1 MB that expands more than this many times is a bomb.
pub const MAX_RATIO: u64 = 100;
/// Archives inside archives, at most this deep.
pub const MAX_DEPTH: usize = 3;

/// Open a ZIP archive.
pub fn open(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("the ZIP archive cannot be read: {e}"))
}

/// The names of an archive's members (for telling DOCX, XLSX, ODT from plain ZIPs) and the
/// ODF `mimetype` member.
pub fn hints(bytes: &[u8]) -> Option<(Vec<String>, Option<String>)> {
    let mut z = open(bytes).ok()?;
    let names: Vec<String> = z
        .file_names()
        .take(MAX_MEMBERS)
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mimetype = member(&mut z, "mimetype", 200).ok();
    Some((
        names,
        mimetype.map(|m| String::from_utf8_lossy(&m).into_owned()),
    ))
}

/// One member's bytes by name, at most `max` (the declared size is not trusted: reading
/// stops past `max`).
pub fn member(
    z: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Result<Vec<u8>, String> {
    let f = z.by_name(name).map_err(|e| format!("{name}: {e}"))?;
    bounded_read(f, max).map_err(|e| format!("{name}: {e}"))
}

fn bounded_read(f: impl Read, max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot be decompressed: {e}"))?;
    if out.len() as u64 > max {
        return Err(format!("expands past {} MB", max >> 20));
    }
    Ok(out)
}

/// Refuse an archive whose directory promises a bomb, before expanding anything.
fn check(z: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Result<(), String> {
    if z.len() > MAX_MEMBERS {
        return Err(format!(
            "zip bomb refused: {} members (at most {MAX_MEMBERS})",
            z.len()
        ));
    }
    let mut total = 0u64;
    for i in 0..z.len() {
        let f = z
            .by_index_raw(i)
            .map_err(|e| format!("the ZIP archive cannot be read: {e}"))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if size > MAX_MEMBER {
            return Err(format!(
                "zip bomb refused: {name} expands to {} MB (at most {} MB)",
                size >> 20,
                MAX_MEMBER >> 20
            ));
        }
        if size > (1 << 20) && size / packed > MAX_RATIO {
            return Err(format!(
                "zip bomb refused: {name} expands {} times (at most {MAX_RATIO})",
                size / packed
            ));
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL {
            return Err(format!(
                "zip bomb refused: the members expand to over {} MB",
                MAX_TOTAL >> 20
            ));
        }
    }
    Ok(())
}

/// Every member read by `read_member(bytes, name, depth)`, its units located under
/// `archive_name/member`. Members that fail or are skipped are named in the reason.
pub fn read(
    bytes: &[u8],
    archive_name: &str,
    depth: usize,
    read_member: &dyn Fn(&[u8], &str, usize) -> Extraction,
) -> Extraction {
    if depth >= MAX_DEPTH {
        return Extraction::skipped(format!("an archive nested more than {MAX_DEPTH} deep"));
    }
    let mut z = match open(bytes) {
        Ok(z) => z,
        Err(e) => return Extraction::failed(e),
    };
    if let Err(e) = check(&mut z) {
        return Extraction::failed(e);
    }
    let mut units = Vec::new();
    let mut left_out = Vec::new();
    let mut ocr = false;
    let mut total = 0u64;
    for i in 0..z.len() {
        let (name, data) = {
            let f = match z.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    return Extraction::failed(format!("the ZIP archive cannot be read: {e}"))
                }
            };
            if f.is_dir() {
                continue;
            }
            let name = f
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("member {i}"));
            if f.encrypted() {
                left_out.push(format!("{name} (encrypted)"));
                continue;
            }
            let declared = f.size();
            match bounded_read(f, declared.min(MAX_MEMBER)) {
                Ok(d) => (name, d),
                // (a member that expands past what its header says is a bomb too)
                Err(e) => return Extraction::failed(format!("zip bomb refused: {name} {e}")),
            }
        };
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Extraction::failed(format!(
                "zip bomb refused: the members expand to over {} MB",
                MAX_TOTAL >> 20
            ));
        }
        let x = read_member(&data, &name, depth + 1);
        match x.state {
            DocumentState::Done | DocumentState::Ocr => {
                ocr |= x.state == DocumentState::Ocr;
                for u in x.units {
                    // (an archive inside locates its units under its own name already)
                    let locator = if u.locator.is_empty() {
                        format!("{archive_name}/{name}")
                    } else if u.locator.starts_with(&format!("{name}/")) {
                        format!("{archive_name}/{}", u.locator)
                    } else {
                        format!("{archive_name}/{name} {}", u.locator)
                    };
                    units.push(TextUnit {
                        locator,
                        text: u.text,
                    });
                }
            }
            _ => left_out.push(format!(
                "{name} ({}: {})",
                x.state,
                x.reason.unwrap_or_default()
            )),
        }
    }
    let mut x = Extraction::read("zip", units);
    if ocr {
        x.state = DocumentState::Ocr;
    }
    if !left_out.is_empty() {
        x.reason = Some(format!("not read: {}", left_out.join("; ")));
    }
    x
}
