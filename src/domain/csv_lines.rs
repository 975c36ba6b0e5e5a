//! Line numbers in a CSV file, from a record's byte offset.
//!
//! The `csv` crate counts a record's line from the `\n`s it has seen, and a file saved with
//! CRLF line ends (Excel, Python's csv module) came out one line early; counting the line
//! ends before the record's first byte gives the line an editor shows, whatever the ends
//! are (`\n`, `\r\n`, or a lone `\r`).

/// Where each line of a file starts.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    bytes: &'a [u8],
    /// Byte offset of the start of line 2, 3, ... (line 1 starts at 0).
    starts: Vec<u64>,
}

impl<'a> LineIndex<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        let mut starts = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i as u64 + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i as u64 + 2);
                    i += 1;
                }
                b'\r' => starts.push(i as u64 + 1),
                _ => {}
            }
            i += 1;
        }
        Self { bytes, starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: u64) -> u64 {
        self.starts.partition_point(|&s| s <= offset) as u64 + 1
    }

    /// The line a record starting at `offset` is on: the csv crate ends a record at a `\r`
    /// and gives the next one the offset of the `\n` after it, so line ends at the offset
    /// are skipped first.
    pub fn record_line_of(&self, offset: u64) -> u64 {
        let mut at = offset as usize;
        while matches!(self.bytes.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.line_of(at as u64)
    }
}

/// The line a CSV record (or a record's error) starts on, `fallback` without a position.
pub fn record_line(index: &LineIndex, position: Option<&csv::Position>, fallback: u64) -> u64 {
    position.map_or(fallback, |p| index.record_line_of(p.byte()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_line_end_counts_once() {
        let lf = LineIndex::new(b"a\nb\nc");
        let crlf = LineIndex::new(b"a\r\nb\r\nc");
        let cr = LineIndex::new(b"a\rb\rc");
        assert_eq!((lf.line_of(0), lf.line_of(2), lf.line_of(4)), (1, 2, 3));
        assert_eq!(
            (crlf.line_of(0), crlf.line_of(3), crlf.line_of(6)),
            (1, 2, 3)
        );
        assert_eq!((cr.line_of(0), cr.line_of(2), cr.line_of(4)), (1, 2, 3));
        assert_eq!(LineIndex::new(b"").line_of(0), 1);
    }

    #[test]
    fn crlf_records_are_on_the_line_an_editor_shows() {
        let bytes =
            b"name,email\r\nA,a@x.example\r\n\"Two\r\nlines\",b@x.example\r\nC,c@x.example\r\n";
        let index = LineIndex::new(bytes);
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let lines: Vec<u64> = reader
            .records()
            .map(|r| record_line(&index, r.unwrap().position(), 0))
            .collect();
        assert_eq!(lines, vec![2, 3, 5]);
    }
}
