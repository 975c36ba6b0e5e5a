//! Attachment file names made safe to use on any common file system.

use super::display::is_invisible_format_char;
use super::truncate::truncate_bytes;

/// Longest file name [`sanitize_file_name`] returns, in bytes (most file systems allow 255).
pub const MAX_FILE_NAME_BYTES: usize = 150;

/// Longest file extension kept when a long name is shortened, in bytes (with the dot).
const MAX_EXTENSION_BYTES: usize = 16;

/// Device names Windows reserves whatever the extension (`con.txt` is still the console).
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Makes a declared attachment file name safe to use as the last component of a path on
/// any common file system, or returns `None` when nothing usable is left.
///
/// The rules: keep only the part after the last `/` or `\` (so `../../etc/passwd` becomes
/// `passwd` and `C:\Users\x\report.pdf` becomes `report.pdf`); drop control characters and
/// the invisible bidi/zero-width characters used to disguise extensions; replace the
/// characters Windows forbids (`<>:"|?*`) with `_`; fold white space; strip leading and
/// trailing dots and spaces (no hidden files, no names Windows would silently change);
/// prefix Windows device names (`CON`, `LPT1`, ...) with `_`; and cut the name to
/// [`MAX_FILE_NAME_BYTES`] while keeping a short extension.
pub fn sanitize_file_name(declared: &str) -> Option<String> {
    let base = declared
        .rsplit(['/', '\\'])
        .find(|component| !component.trim().is_empty())
        .unwrap_or("");

    let mut cleaned = String::with_capacity(base.len().min(4 * MAX_FILE_NAME_BYTES));
    let mut pending_space = false;
    for c in base.chars() {
        if c.is_control() || is_invisible_format_char(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !cleaned.is_empty();
            continue;
        }
        if pending_space {
            cleaned.push(' ');
            pending_space = false;
        }
        match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => cleaned.push('_'),
            _ => cleaned.push(c),
        }
        // Far longer than anything we keep; stop reading hostile input early.
        if cleaned.len() > 8 * MAX_FILE_NAME_BYTES {
            break;
        }
    }

    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    if trimmed.is_empty() {
        return None;
    }

    let mut name = shorten_keeping_extension(trimmed, MAX_FILE_NAME_BYTES);

    let stem = name.split('.').next().unwrap_or("").trim_end();
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| stem.eq_ignore_ascii_case(reserved))
    {
        name.insert(0, '_');
        name = shorten_keeping_extension(&name, MAX_FILE_NAME_BYTES);
    }
    Some(name)
}

/// Cuts `name` to `max_bytes`, keeping its extension when the extension is short.
fn shorten_keeping_extension(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_string();
    }
    let extension = name
        .rfind('.')
        .and_then(|dot| name.get(dot..))
        .filter(|ext| ext.len() <= MAX_EXTENSION_BYTES && ext.len() > 1);
    match extension {
        Some(ext) => {
            let stem = name.get(..name.len() - ext.len()).unwrap_or("");
            let stem = truncate_bytes(stem, max_bytes - ext.len());
            let stem = stem.trim_end_matches([' ', '.']);
            format!("{stem}{ext}")
        }
        None => truncate_bytes(name, max_bytes)
            .trim_end_matches([' ', '.'])
            .to_string(),
    }
}

/// The usual file extension (without the dot) for a MIME type, `bin` when unknown.
pub fn extension_for_content_type(content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "pdf",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/rtf" | "text/rtf" => "rtf",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/ms-tnef" | "application/vnd.ms-tnef" => "dat",
        "application/pkcs7-signature" | "application/x-pkcs7-signature" => "p7s",
        "application/pgp-signature" => "asc",
        "text/plain" => "txt",
        "text/csv" => "csv",
        "text/html" => "html",
        "text/calendar" => "ics",
        "text/rfc822-headers" => "txt",
        "message/rfc822" | "message/global" => "eml",
        "message/delivery-status" => "txt",
        "image/png" => "png",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/tiff" => "tif",
        "image/bmp" => "bmp",
        "image/svg+xml" => "svg",
        _ => "bin",
    }
}

/// The file name used when a part declares none (or only an unusable one): the Content-ID
/// when there is one (that is how HTML refers to the part), otherwise
/// `attachment-<number>.<extension>`. TNEF parts are called `winmail.dat` as mail clients do.
pub fn fallback_file_name(content_type: &str, content_id: Option<&str>, number: usize) -> String {
    let extension = extension_for_content_type(content_type);
    if extension == "dat" {
        return "winmail.dat".to_string();
    }
    let from_cid = content_id
        .map(|cid| cid.trim().trim_start_matches('<').trim_end_matches('>'))
        .map(|cid| cid.split('@').next().unwrap_or(cid))
        .and_then(sanitize_file_name)
        .map(|stem| truncate_bytes(&stem, MAX_FILE_NAME_BYTES - 8).to_string());
    match from_cid {
        Some(stem) if !stem.is_empty() => format!("{stem}.{extension}"),
        _ => format!("attachment-{number}.{extension}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_are_dropped() {
        assert_eq!(
            sanitize_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            sanitize_file_name(r"C:\Users\clerk\Desktop\report.pdf").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(sanitize_file_name("reply/").as_deref(), Some("reply"));
        assert_eq!(sanitize_file_name("../.."), None);
        assert_eq!(sanitize_file_name("/"), None);
    }

    #[test]
    fn hidden_and_reserved_names_are_defused() {
        assert_eq!(sanitize_file_name(".bashrc").as_deref(), Some("bashrc"));
        assert_eq!(sanitize_file_name("...").as_deref(), None);
        assert_eq!(
            sanitize_file_name("report.pdf. . ").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(sanitize_file_name("CON").as_deref(), Some("_CON"));
        assert_eq!(sanitize_file_name("con.txt").as_deref(), Some("_con.txt"));
        assert_eq!(
            sanitize_file_name("lpt9.tar.gz").as_deref(),
            Some("_lpt9.tar.gz")
        );
        assert_eq!(
            sanitize_file_name("console.txt").as_deref(),
            Some("console.txt")
        );
        assert_eq!(
            sanitize_file_name("what? <now>: \"a|b\"*.doc").as_deref(),
            Some("what_ _now__ _a_b__.doc")
        );
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe").as_deref(),
            Some("invoicefdp.exe")
        );
        assert_eq!(
            sanitize_file_name("a\u{0}b\u{7}c\r\n.txt").as_deref(),
            Some("abc.txt")
        );
        assert_eq!(
            sanitize_file_name("zero\u{200B}width\u{FEFF}.pdf").as_deref(),
            Some("zerowidth.pdf")
        );
    }

    #[test]
    fn long_names_keep_their_extension_and_stay_whole_characters() {
        let long = format!("{}\u{202E}{}.pdf", "ä".repeat(150), "x".repeat(150));
        let name = sanitize_file_name(&long).unwrap();
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(".pdf"));
        assert!(name.starts_with("ää"));
        assert!(!name.contains('\u{202E}'));
    }

    #[test]
    fn unicode_names_survive() {
        assert_eq!(
            sanitize_file_name("Bescheid Fäker.pdf").as_deref(),
            Some("Bescheid Fäker.pdf")
        );
        assert_eq!(
            sanitize_file_name("  180328 Schreiben;  Vg. 069-2018.pdf ").as_deref(),
            Some("180328 Schreiben; Vg. 069-2018.pdf")
        );
    }

    #[test]
    fn fallback_names_use_content_id_then_a_number() {
        assert_eq!(
            fallback_file_name("image/gif", Some("<_1_0CCE8CEC@example>"), 1),
            "_1_0CCE8CEC.gif"
        );
        assert_eq!(
            fallback_file_name("application/pdf", None, 3),
            "attachment-3.pdf"
        );
        assert_eq!(
            fallback_file_name("application/x-unknown", Some("<../..>"), 2),
            "attachment-2.bin"
        );
        assert_eq!(
            fallback_file_name("application/ms-tnef", None, 1),
            "winmail.dat"
        );
    }
}
