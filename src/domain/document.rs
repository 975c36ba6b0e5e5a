//! The text of an attachment (issue 21): where its extraction stands, and its text in
//! units (a page, a spreadsheet cell) each with a locator saying where it was found.

use serde::{Deserialize, Serialize};

/// Where an attachment's text extraction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentState {
    /// Not read yet (or queued again for a retry).
    Pending,
    /// Read from the file's own text.
    Done,
    /// Read (at least in part) by OCR from page images.
    Ocr,
    /// Reading it failed; the reason says why. It can be retried.
    Failed,
    /// Not read on purpose (type not supported, too large ...); the reason says why.
    Skipped,
}

impl DocumentState {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Done,
        Self::Ocr,
        Self::Failed,
        Self::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Ocr => "ocr",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for DocumentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DocumentState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown state {s:?}: use pending, done, ocr, failed or skipped")
            })
    }
}

/// One piece of a document's text: a page, or a spreadsheet cell. `locator` says where:
/// `page 3`, `Sheet1!B4`, `archive.zip/letter.pdf page 1`, or empty when the format has
/// no pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextUnit {
    pub locator: String,
    pub text: String,
}

/// What reading one attachment gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// Done, Ocr, Failed or Skipped (never Pending).
    pub state: DocumentState,
    /// Why it failed or was skipped, or what was left out of a document read.
    pub reason: Option<String>,
    /// What read it (`pdftotext`, `calamine`, `tesseract` ...).
    pub extractor: Option<String>,
    pub units: Vec<TextUnit>,
}

impl Extraction {
    pub fn failed(reason: impl Into<String>) -> Self {
        Self {
            state: DocumentState::Failed,
            reason: Some(reason.into()),
            extractor: None,
            units: Vec::new(),
        }
    }

    pub fn skipped(reason: impl Into<String>) -> Self {
        Self {
            state: DocumentState::Skipped,
            reason: Some(reason.into()),
            extractor: None,
            units: Vec::new(),
        }
    }

    pub fn read(extractor: &str, units: Vec<TextUnit>) -> Self {
        Self {
            state: DocumentState::Done,
            reason: None,
            extractor: Some(extractor.into()),
            units,
        }
    }
}

/// `A`, `B`, ... `Z`, `AA` ...: a spreadsheet column's letters (0-based).
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell's address: `B4` for row 3, column 1 (both 0-based).
pub fn cell_address(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_spreadsheet_letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_address(3, 1), "B4");
        assert_eq!(column_letters(u32::MAX).len(), 7);
    }

    #[test]
    fn states_round_trip() {
        for s in DocumentState::ALL {
            assert_eq!(s.as_str().parse::<DocumentState>().unwrap(), s);
        }
        assert!("unknown".parse::<DocumentState>().is_err());
    }
}
