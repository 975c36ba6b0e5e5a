//! Counting a spreadsheet's rows for a number question (`count_rows` in `campaign.toml`):
//! the rows whose cells name a keyword, from the cells' text and locators (`Sheet1!B4`) as
//! extraction records them. What is counted is a suggestion a person confirms.
//!
//! Pure: no IO, nothing else of ours.

use super::question::{contains_any_word, Question};

/// What [`Question::count_rows_in`] found: the number of rows and the first matching cell
/// of each (its locator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCount {
    pub rows: usize,
    pub cells: Vec<String>,
}

/// The row of a spreadsheet cell from the end of its locator: `Sheet1!B4` and
/// `a.zip/cams.xlsx Sheet 1!AA12` give (`Sheet1!`, 4) and (`a.zip/cams.xlsx Sheet 1!`, 12);
/// `None` for a locator that names no cell (`page 3`).
pub fn cell_row(locator: &str) -> Option<(&str, u32)> {
    let (sheet, cell) = locator.rsplit_once('!')?;
    let digits = cell.trim_start_matches(|c: char| c.is_ascii_uppercase());
    if digits.len() == cell.len()
        || digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((&locator[..sheet.len() + 1], digits.parse().ok()?))
}

impl Question {
    /// Count the spreadsheet rows (cells given as (locator, text)) that name one of
    /// [`Question::count_rows`]; `None` when the question counts nothing or no row matches.
    pub fn count_rows_in<'a>(
        &self,
        cells: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Option<RowCount> {
        if self.count_rows.is_empty() {
            return None;
        }
        let mut rows = std::collections::BTreeMap::new();
        for (locator, text) in cells {
            let Some(row) = cell_row(locator) else {
                continue;
            };
            if rows.contains_key(&row) {
                continue;
            }
            if contains_any_word(text, &self.count_rows) {
                rows.insert(row, locator.to_string());
            }
        }
        (!rows.is_empty()).then(|| RowCount {
            rows: rows.len(),
            cells: rows.into_values().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Questions;

    #[test]
    fn spreadsheet_rows_naming_a_keyword_are_counted_once() {
        let qs = Questions::parse(
            "[[questions]]\nkey = \"hik\"\ntype = \"number\"\ncount_rows = [\"hikvision\"]\n",
        )
        .unwrap();
        let q = qs.get("hik").unwrap();
        assert!(qs.has_rules());
        let cells = [
            ("Sheet1!A1", "Make"),
            ("Sheet1!A2", "Hikvision"),
            ("Sheet1!B2", "HIKVISION DS-2CD"),
            ("Sheet1!A3", "Dahua"),
            ("Sheet1!A10", "hikvision"),
            ("Sheet 2!C4", "Hikvision-made"),
            ("Sheet1!A11", "Hikvisionary"),
            ("page 1", "Hikvision"),
        ];
        let n = q.count_rows_in(cells.iter().copied()).unwrap();
        assert_eq!(n.rows, 3, "{n:?}");
        assert_eq!(n.cells, ["Sheet 2!C4", "Sheet1!A2", "Sheet1!A10"]);
        assert_eq!(q.count_rows_in([("Sheet1!A3", "Dahua")]), None);
        assert_eq!(
            cell_row("a.zip/c.xlsx Sheet 1!AA12"),
            Some(("a.zip/c.xlsx Sheet 1!", 12))
        );
        assert_eq!(cell_row("Sheet1!12"), None);
        assert_eq!(cell_row("Sheet1!B"), None);
        assert_eq!(cell_row("page 3"), None);
        for bad in [
            "[[questions]]\nkey = \"a\"\ntype = \"yesno\"\ncount_rows = [\"x\"]\n",
            "[[questions]]\nkey = \"a\"\ntype = \"number\"\ncount_rows = [\" \"]\n",
        ] {
            let err = Questions::parse(bad).unwrap_err().to_string();
            assert!(err.contains("only a number question"), "{err}");
        }
    }
}
