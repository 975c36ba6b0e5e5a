//! Line numbers in a CSV file, from a record's byte offset.
//!
//! The `csv` crate counts a record's line from the `\n`s it has seen, and a file saved with
//! CRLF line ends (Excel, Python's csv module) came out one line early; counting the line
//! ends before the record's first byte gives the line an editor shows, whatever the ends
//! are (`\n`, `\r\n`, or a lone `\r`). [`LineTracker`] does the same for a file read as a
//! stream.

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

/// The most lines with invalid UTF-8 kept by a [`LineTracker`] (the rest are counted).
pub const MAX_BAD_LINES_KEPT: usize = 1_000;

/// A reader that passes a CSV file through to the `csv` crate while it (1) drops a UTF-8
/// byte order mark, (2) notes where lines start, so a record's byte offset gives the line
/// an editor shows (as [`LineIndex`] does, for a file that is never held whole), and
/// (3) notes the lines (split on `\n`) that are not valid UTF-8.
///
/// Only the line starts not yet asked about are kept: [`LineTracker::record_line`] must be
/// asked in increasing order of offset (as records come), so what is held is bounded by the
/// `csv` reader's buffer and one record, not by the file.
pub struct LineTracker<R> {
    inner: R,
    /// Bytes passed on (after the byte order mark).
    offset: u64,
    /// The first bytes, read to look for a byte order mark, not yet passed on.
    head: Option<Vec<u8>>,
    /// Starts of lines 2, 3, ... not yet counted, and how many were counted.
    starts: std::collections::VecDeque<u64>,
    counted: u64,
    /// The offset of a `\r` whose next byte is not yet read (a `\r\n` is one line end).
    pending_cr: Option<u64>,
    /// Runs of `\r`/`\n` bytes as (first, end) offsets; the last may be open.
    runs: std::collections::VecDeque<(u64, Option<u64>)>,
    utf8: Utf8Lines,
    head_read: bool,
    done: bool,
}

/// Lines (split on `\n`, 1-based) that are not valid UTF-8, checked as bytes pass.
#[derive(Default)]
struct Utf8Lines {
    line: u64,
    bad: bool,
    /// The start of a character cut by the end of a read.
    carry: Vec<u8>,
    kept: Vec<u64>,
    total: usize,
}

impl Utf8Lines {
    fn mark_bad(&mut self) {
        self.bad = true;
        self.carry.clear();
    }

    /// Check a piece of the current line (no `\n` in it).
    fn piece(&mut self, mut s: &[u8]) {
        if self.bad || s.is_empty() {
            return;
        }
        while !self.carry.is_empty() {
            let Some((&b, rest)) = s.split_first() else {
                return;
            };
            self.carry.push(b);
            s = rest;
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) if e.error_len().is_some() || self.carry.len() >= 4 => {
                    return self.mark_bad()
                }
                Err(_) => {}
            }
        }
        if let Err(e) = std::str::from_utf8(s) {
            match e.error_len() {
                None => self.carry = s[e.valid_up_to()..].to_vec(),
                Some(_) => self.mark_bad(),
            }
        }
    }

    /// The current line ended (at a `\n` or at the end of the file).
    fn end_line(&mut self) {
        self.line += 1;
        if self.bad || !self.carry.is_empty() {
            self.total += 1;
            if self.kept.len() < MAX_BAD_LINES_KEPT {
                self.kept.push(self.line);
            }
        }
        self.bad = false;
        self.carry.clear();
    }

    fn chunk(&mut self, chunk: &[u8]) {
        if !self.bad && self.carry.is_empty() && std::str::from_utf8(chunk).is_ok() {
            self.line += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            return;
        }
        let mut pieces = chunk.split(|b| *b == b'\n').peekable();
        while let Some(p) = pieces.next() {
            self.piece(p);
            if pieces.peek().is_some() {
                self.end_line();
            }
        }
    }
}

impl<R: std::io::Read> LineTracker<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            head: None,
            starts: Default::default(),
            counted: 0,
            pending_cr: None,
            runs: Default::default(),
            utf8: Utf8Lines::default(),
            head_read: false,
            done: false,
        }
    }

    /// The lines (split on `\n`) that are not valid UTF-8 (the first
    /// [`MAX_BAD_LINES_KEPT`]) and how many there are; complete once the file was read.
    pub fn bad_utf8_lines(&self) -> (&[u64], usize) {
        (&self.utf8.kept, self.utf8.total)
    }

    /// The line a record (or a record's error) starting at byte `offset` is on; see
    /// [`LineIndex::record_line_of`]. Offsets must not decrease from one call to the next.
    pub fn record_line(&mut self, offset: u64) -> u64 {
        while matches!(self.runs.front(), Some((_, Some(end))) if *end <= offset) {
            self.runs.pop_front();
        }
        let at = match self.runs.front() {
            Some((first, end)) if *first <= offset => end.unwrap_or(self.offset),
            _ => offset,
        };
        while matches!(self.starts.front(), Some(s) if *s <= at) {
            self.starts.pop_front();
            self.counted += 1;
        }
        self.counted + 1
    }

    fn note(&mut self, chunk: &[u8]) {
        self.utf8.chunk(chunk);
        for (i, b) in chunk.iter().enumerate() {
            let at = self.offset + i as u64;
            if let Some(cr) = self.pending_cr.take() {
                // (`\r\n`: the line starts after the `\n`; a lone `\r`: right after it)
                self.starts
                    .push_back(if *b == b'\n' { at + 1 } else { cr + 1 });
                if *b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.starts.push_back(at + 1),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
            let is_end = matches!(b, b'\r' | b'\n');
            match self.runs.back_mut() {
                Some((_, end @ None)) if !is_end => *end = Some(at),
                Some((_, None)) => {}
                _ if is_end => self.runs.push_back((at, None)),
                _ => {}
            }
        }
        self.offset += chunk.len() as u64;
    }

    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            if let Some(cr) = self.pending_cr.take() {
                self.starts.push_back(cr + 1);
            }
            self.utf8.end_line();
        }
    }

    /// The first three bytes, unless they are a byte order mark.
    fn read_head(&mut self) -> std::io::Result<Vec<u8>> {
        let mut head = vec![0; 3];
        let mut got = 0;
        while got < 3 {
            match self.inner.read(&mut head[got..])? {
                0 => break,
                n => got += n,
            }
        }
        head.truncate(got);
        if head == b"\xEF\xBB\xBF" {
            head.clear();
        }
        Ok(head)
    }
}

impl<R: std::io::Read> std::io::Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.head_read {
            self.head_read = true;
            self.head = Some(self.read_head()?);
        }
        let head = self.head.take().unwrap_or_default();
        let n = if head.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = head.len().min(buf.len());
            buf[..n].copy_from_slice(&head[..n]);
            if n < head.len() {
                self.head = Some(head[n..].to_vec());
            }
            n
        };
        if n == 0 && !buf.is_empty() {
            self.finish();
        }
        self.note(&buf[..n]);
        Ok(n)
    }
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

    /// A reader that hands out `n` bytes at a time, so that line ends, `\r\n` pairs and
    /// characters are cut between reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// The lines (split on `\n`) that are not UTF-8, counted from the whole file.
    fn bad_lines_whole(bytes: &[u8]) -> Vec<u64> {
        bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, l)| std::str::from_utf8(l).is_err())
            .map(|(i, _)| i as u64 + 1)
            .collect()
    }

    #[test]
    fn a_stream_gives_the_lines_the_whole_file_gives() {
        let files: &[&[u8]] = &[
            b"name,email\r\nA,a@x.example\r\n\"Two\r\nlines\",b@x.example\r\nC,c@x.example\r\n",
            b"name,email\nA,a@x.example\n\n\nB,b@x.example",
            b"name,email\rA,a@x.example\rB,b@x.example\r",
            "\u{feff}name,email\r\nCaf\u{e9},c@x.example\r\n\"\u{1F600}\r\n\",d@x.example\r\n"
                .as_bytes(),
        ];
        for bytes in files {
            for step in [1, 2, 3, 7, 64 * 1024] {
                let plain = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                let index = LineIndex::new(plain);
                let whole: Vec<u64> = csv::Reader::from_reader(plain)
                    .records()
                    .map(|r| record_line(&index, r.unwrap().position(), 0))
                    .collect();
                let mut reader = csv::Reader::from_reader(LineTracker::new(Trickle(bytes, step)));
                let mut record = csv::StringRecord::new();
                let mut streamed = Vec::new();
                while reader.read_record(&mut record).unwrap() {
                    let offset = record.position().unwrap().byte();
                    streamed.push(reader.get_mut().record_line(offset));
                }
                assert_eq!(streamed, whole, "{:?} read {step} bytes at a time", bytes);
                assert_eq!(reader.get_ref().bad_utf8_lines().1, 0);
            }
        }
    }

    #[test]
    fn a_stream_names_the_lines_that_are_not_utf8() {
        let mut bytes = "name,email\nCaf\u{e9},a@x.example\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"Caf\xe9,b@x.example\nok,c@x.example\n\xF0\x9F\x98\n");
        bytes.extend_from_slice("\u{1F600},d@x.example\nend".as_bytes());
        bytes.push(0xC3);
        assert_eq!(bad_lines_whole(&bytes), vec![3, 5, 7]);
        for step in [1, 2, 3, 5, 64 * 1024] {
            let mut tracker = LineTracker::new(Trickle(&bytes, step));
            std::io::copy(&mut tracker, &mut std::io::sink()).unwrap();
            assert_eq!(tracker.bad_utf8_lines(), (&[3, 5, 7][..], 3), "{step}");
        }
    }
}
