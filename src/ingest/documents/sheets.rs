//! Spreadsheets (XLSX, XLS, XLSB, ODS through calamine) and CSV: one text unit per
//! non-empty cell, located `Sheet!B4` (CSV: `B4`). At most [`super::MAX_CELLS`] cells.

use crate::domain::document::cell_address;
use crate::domain::{Extraction, TextUnit};
use calamine::Reader;

/// Every non-empty cell of every sheet.
pub fn spreadsheet(bytes: &[u8]) -> Extraction {
    let mut book = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => return Extraction::failed(format!("the spreadsheet cannot be read: {e}")),
    };
    let mut units = Vec::new();
    let mut size = 0usize;
    let mut cut = false;
    'sheets: for name in book.sheet_names() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                return Extraction::failed(format!("sheet {name:?} cannot be read: {e}"));
            }
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (r, c, cell) in range.used_cells() {
            let text = cell.to_string();
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            if units.len() >= super::MAX_CELLS || size > super::MAX_TEXT {
                cut = true;
                break 'sheets;
            }
            size += text.len();
            let (r, c) = (row0 as u64 + r as u64, col0 as u64 + c as u64);
            let address = cell_address(
                u32::try_from(r).unwrap_or(u32::MAX),
                u32::try_from(c).unwrap_or(u32::MAX),
            );
            units.push(TextUnit {
                locator: format!("{name}!{address}"),
                text: text.to_string(),
            });
        }
    }
    let mut x = Extraction::read("calamine", units);
    if cut {
        x.reason = Some(format!(
            "only the first {} cells were read",
            super::MAX_CELLS
        ));
    }
    x
}

/// Every non-empty cell of a CSV file (comma, or semicolon when the first line has more
/// of those; the encoding guessed when it is not UTF-8).
pub fn csv(bytes: &[u8]) -> Extraction {
    let text = super::office::decode_text(bytes);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut units = Vec::new();
    let mut cut = false;
    for (r, record) in reader.records().enumerate() {
        let record = match record {
            Ok(rec) => rec,
            Err(e) => return Extraction::failed(format!("the CSV cannot be read: {e}")),
        };
        for (c, field) in record.iter().enumerate() {
            let field = field.trim();
            if field.is_empty() {
                continue;
            }
            if units.len() >= super::MAX_CELLS {
                cut = true;
                break;
            }
            units.push(TextUnit {
                locator: cell_address(
                    u32::try_from(r).unwrap_or(u32::MAX),
                    u32::try_from(c).unwrap_or(u32::MAX),
                ),
                text: field.to_string(),
            });
        }
        if cut {
            break;
        }
    }
    let mut x = Extraction::read("csv", units);
    if cut {
        x.reason = Some(format!(
            "only the first {} cells were read",
            super::MAX_CELLS
        ));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_have_addresses() {
        let x = csv(b"make,count\nHikvision,12\n,\nDahua;x,3\n");
        let cells: Vec<(&str, &str)> = x
            .units
            .iter()
            .map(|u| (u.locator.as_str(), u.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                ("A1", "make"),
                ("B1", "count"),
                ("A2", "Hikvision"),
                ("B2", "12"),
                ("A4", "Dahua;x"),
                ("B4", "3")
            ]
        );
        let semi = csv(b"make;count\nAxis;4\n");
        assert_eq!(semi.units[3].locator, "B2");
        assert_eq!(semi.units[3].text, "4");
    }

    #[test]
    fn a_broken_spreadsheet_fails_with_a_reason() {
        let x = spreadsheet(b"PK\x03\x04 not really");
        assert_eq!(x.state, crate::domain::DocumentState::Failed);
        assert!(x.reason.unwrap().contains("cannot be read"));
    }
}
