//! The Debian tools the child runs: poppler's `pdftotext` (a PDF's text layer) and
//! `pdftoppm` (page images), `tesseract` (OCR, English), `antiword` and `catdoc` (Word
//! 97-2003). They inherit the child's rlimits and are killed with it (one process group);
//! what they print is read up to a bound. A missing tool is a failure that says what to
//! install.

use crate::domain::{DocumentState, Extraction, TextUnit};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// What a tool printed on stdout, at most `max` bytes, or why it failed.
pub fn run(program: &str, args: &[&std::ffi::OsStr], max: usize) -> Result<Vec<u8>, String> {
    run_noting(program, args, max).map(|(out, _)| out)
}

/// What a tool printed on stdout, at most `max` bytes, and the first line it wrote on
/// stderr (empty if none), or why it failed.
pub fn run_noting(
    program: &str,
    args: &[&std::ffi::OsStr],
    max: usize,
) -> Result<(Vec<u8>, String), String> {
    let mut child = Command::new(program)
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("{program} is not installed: {}", install_hint(program))
            }
            _ => format!("cannot run {program}: {e}"),
        })?;
    let mut out = Vec::new();
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    // (stderr on its own thread, bounded, so a chatty tool never blocks on a full pipe)
    let errors = std::thread::spawn(move || {
        let mut e = Vec::new();
        let _ = (&mut stderr).take(4096).read_to_end(&mut e);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        e
    });
    let read = (&mut stdout).take(max as u64 + 1).read_to_end(&mut out);
    if out.len() > max {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("{program} printed more than {} MB", max >> 20));
    }
    read.map_err(|e| format!("reading {program}'s output failed: {e}"))?;
    let status = child.wait().map_err(|e| format!("{program} failed: {e}"))?;
    let errors = errors.join().unwrap_or_default();
    let said = String::from_utf8_lossy(&errors);
    let said = said
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let said: String = said.chars().filter(|c| !c.is_control()).take(200).collect();
    if !status.success() {
        return Err(match status.code() {
            Some(code) if said.is_empty() => format!("{program} exited with status {code}"),
            Some(code) => format!("{program} exited with status {code}: {said}"),
            None => format!("{program} was killed ({})", signal_text(&status)),
        });
    }
    Ok((out, said))
}

fn install_hint(program: &str) -> &'static str {
    match program {
        "pdftotext" | "pdftoppm" => "apt-get install poppler-utils",
        "tesseract" => "apt-get install tesseract-ocr tesseract-ocr-eng",
        "antiword" => "apt-get install antiword",
        "catdoc" => "apt-get install catdoc",
        _ => "see README \"Documents\"",
    }
}

#[cfg(unix)]
fn signal_text(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(9) => "signal 9: a time or memory limit".into(),
        Some(24) => "signal 24: the CPU time limit".into(),
        Some(s) => format!("signal {s}"),
        None => "no exit status".into(),
    }
}

#[cfg(not(unix))]
fn signal_text(_: &std::process::ExitStatus) -> String {
    "no exit status".into()
}

/// Pages of a tool's output: split at form feeds (poppler, tesseract and antiword mark
/// page ends with one), tidied; the empty piece after the last form feed dropped.
pub fn pages(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    let mut pages: Vec<String> = text.split('\u{c}').map(super::office::tidy).collect();
    if pages.len() > 1 && pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

/// Pages as units `page N` (empty pages left out, their numbers kept).
pub fn page_units(pages: Vec<String>, prefix: &str) -> Vec<TextUnit> {
    pages
        .into_iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(i, text)| TextUnit {
            locator: format!("{prefix}page {}", i + 1),
            text,
        })
        .collect()
}

/// Pages with fewer letters and digits than this have no text layer worth the name.
const SCANNED_BELOW: usize = 16;

fn meaningful(page: &str) -> bool {
    page.chars().filter(|c| c.is_alphanumeric()).count() >= SCANNED_BELOW
}

/// A PDF: its text layer page by page (`pdftotext`); pages without one (scans) by OCR
/// (`pdftoppm` then `tesseract`), at most [`super::MAX_OCR_PAGES`] of them.
pub fn pdf(file: &Path, work: &Path) -> Extraction {
    let (out, complaint) = match run_noting(
        "pdftotext",
        &[
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            "-eol".as_ref(),
            "unix".as_ref(),
            file.as_os_str(),
            "-".as_ref(),
        ],
        super::MAX_TEXT,
    ) {
        Ok(o) => o,
        Err(e) => return Extraction::failed(e),
    };
    // (poppler reads what it can of a damaged PDF and says so on stderr: with no text
    // at all, that complaint is the failure)
    let damaged = |x: Extraction| {
        if x.units.is_empty() && !complaint.is_empty() {
            Extraction::failed(format!("the PDF is damaged: {complaint}"))
        } else {
            x
        }
    };
    let mut pages = pages(&out);
    let scanned: Vec<usize> = (0..pages.len())
        .filter(|&i| !meaningful(&pages[i]))
        .collect();
    if scanned.is_empty() {
        return damaged(Extraction::read("pdftotext", page_units(pages, "")));
    }
    let mut reason = None;
    let mut ocr_pages = 0;
    for &i in &scanned {
        if ocr_pages >= super::MAX_OCR_PAGES {
            reason = Some(format!(
                "{} pages without text were not read by OCR (at most {} are)",
                scanned.len() as u32 - super::MAX_OCR_PAGES,
                super::MAX_OCR_PAGES
            ));
            break;
        }
        match ocr_pdf_page(file, work, i as u32 + 1) {
            Ok(text) => {
                ocr_pages += 1;
                if meaningful(&text) || pages[i].trim().is_empty() {
                    pages[i] = text;
                }
            }
            Err(e) => return Extraction::failed(e),
        }
    }
    let mut x = Extraction::read("pdftotext+tesseract", page_units(pages, ""));
    x.state = DocumentState::Ocr;
    x.reason = reason;
    damaged(x)
}

/// One page of a PDF rendered to a greyscale image and read by tesseract.
fn ocr_pdf_page(file: &Path, work: &Path, page: u32) -> Result<String, String> {
    let n = page.to_string();
    let dpi = super::OCR_DPI.to_string();
    let stem = work.join(format!("page-{page}"));
    run(
        "pdftoppm",
        &[
            "-f".as_ref(),
            n.as_ref(),
            "-l".as_ref(),
            n.as_ref(),
            "-r".as_ref(),
            dpi.as_ref(),
            "-gray".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            file.as_os_str(),
            stem.as_os_str(),
        ],
        1 << 20,
    )?;
    let image = stem.with_extension("png");
    let text = ocr(&image);
    let _ = std::fs::remove_file(&image);
    Ok(pages(&text?).join("\n\n"))
}

/// An image's text by tesseract (English).
pub fn ocr(image: &Path) -> Result<Vec<u8>, String> {
    run(
        "tesseract",
        &[
            image.as_os_str(),
            "stdout".as_ref(),
            "-l".as_ref(),
            "eng".as_ref(),
        ],
        super::MAX_TEXT,
    )
}

/// An image (a photographed or scanned page): OCR, `page N` when it has several pages
/// (TIFF), no locator when one.
pub fn image(file: &Path) -> Extraction {
    let out = match ocr(file) {
        Ok(o) => o,
        Err(e) => return Extraction::failed(e),
    };
    let pages = pages(&out);
    let units = if pages.len() == 1 {
        pages
            .into_iter()
            .filter(|t| !t.is_empty())
            .map(|text| TextUnit {
                locator: String::new(),
                text,
            })
            .collect()
    } else {
        page_units(pages, "")
    };
    let mut x = Extraction::read("tesseract", units);
    x.state = DocumentState::Ocr;
    x
}

/// A Word 97-2003 document: `antiword` (pages at its form feeds), else `catdoc` (Word 6/95
/// files antiword does not read).
pub fn doc(file: &Path) -> Extraction {
    let antiword = run(
        "antiword",
        &["-w".as_ref(), "0".as_ref(), file.as_os_str()],
        super::MAX_TEXT,
    );
    match antiword {
        Ok(out) => Extraction::read("antiword", doc_units(pages(&out))),
        Err(first) => match run(
            "catdoc",
            &["-d".as_ref(), "utf-8".as_ref(), file.as_os_str()],
            super::MAX_TEXT,
        ) {
            Ok(out) => Extraction::read("catdoc", doc_units(pages(&out))),
            Err(second) => Extraction::failed(format!("{first}; {second}")),
        },
    }
}

/// A Word 97-2003 file's text: pages where the tool marked them, else one unit without
/// a locator (antiword marks no page breaks for most files).
fn doc_units(pages: Vec<String>) -> Vec<TextUnit> {
    if pages.len() > 1 {
        return page_units(pages, "");
    }
    pages
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(|text| TextUnit {
            locator: String::new(),
            text,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_feeds_make_pages() {
        assert_eq!(
            pages(b"one\n\x0ctwo  \n\n\n x\n\x0c"),
            vec!["one", "two\n\n x"]
        );
        let units = page_units(vec!["a".into(), " ".into(), "c".into()], "");
        assert_eq!(units[1].locator, "page 3");
    }

    #[test]
    fn a_missing_tool_says_what_to_install() {
        let e = run("foi-no-such-tool", &[], 10).unwrap_err();
        assert!(e.contains("not installed"), "{e}");
    }
}
