//! The one way commands write their data: [`Printer`], over a buffered stdout. Tables for
//! people (aligned columns, long or control-character cells cut), JSON and CSV for
//! scripts, raw bytes and lines. Every write returns its error instead of panicking, so a
//! reader that goes away (`foi message show 12 | head`) ends the command quietly: `main`
//! treats a broken pipe as success. Logs and progress go to stderr, never through here.

use clap::Args;
use std::io::Write;

/// `--json` / `--csv` flags shared by listing commands.
#[derive(Debug, Clone, Copy, Args, Default)]
pub struct FormatArgs {
    /// Print JSON (one array) instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row instead of a table.
    #[arg(long)]
    pub csv: bool,
}

/// A table: a header row and string cells. The same rows feed the CSV output.
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: Vec<&'static str>) -> Self {
        Self {
            headers,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
}

/// Where a command's data goes: stdout, through one buffer (flushed when the command
/// ends, and by [`Printer::flush`]).
pub struct Printer {
    out: Box<dyn Write + Send>,
    /// Whether CSV cells that look like formulas are guarded (`--raw-csv` turns it off).
    cells: crate::text::CsvCells,
}

impl Default for Printer {
    fn default() -> Self {
        Self::stdout()
    }
}

impl Printer {
    /// The process's stdout.
    pub fn stdout() -> Self {
        Self::to(std::io::stdout())
    }

    /// Any writer (tests read what a command printed).
    pub fn to(w: impl Write + Send + 'static) -> Self {
        Self {
            out: Box::new(std::io::BufWriter::with_capacity(1 << 16, w)),
            cells: Default::default(),
        }
    }

    /// How CSV cells are written: guarded from spreadsheets (the default) or raw.
    pub fn with_csv_cells(mut self, cells: crate::text::CsvCells) -> Self {
        self.cells = cells;
        self
    }

    /// How this printer writes CSV cells, for commands that write CSV of their own.
    pub fn csv_cells(&self) -> crate::text::CsvCells {
        self.cells
    }

    /// Aligned columns; a cell is cut at 60 characters so rows stay readable.
    pub fn table(&mut self, table: &Table) -> std::io::Result<()> {
        self.aligned(&table.headers, &table.rows)
    }

    /// Rows as [`Printer::table`] prints them, from cells borrowed or owned.
    pub fn aligned<C: AsRef<str>>(
        &mut self,
        headers: &[&str],
        rows: &[impl AsRef<[C]>],
    ) -> std::io::Result<()> {
        // (a buffer of its own, so the many small writes of a table are not each a call
        // through `dyn Write`)
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut self.out);
        write_aligned(&mut out, headers, rows)?;
        out.flush()
    }

    /// CSV with a header row, from cells borrowed or owned; cells that a spreadsheet
    /// would run as a formula are guarded unless `--raw-csv` was given.
    pub fn csv<C: AsRef<str>>(
        &mut self,
        headers: &[&str],
        rows: &[impl AsRef<[C]>],
    ) -> std::io::Result<()> {
        let cells = self.cells;
        let mut w = csv::Writer::from_writer(&mut self.out);
        w.write_record(headers).map_err(csv_io)?;
        let mut guarded = Vec::new();
        for row in rows {
            guarded.clear();
            guarded.extend(row.as_ref().iter().map(|c| cells.cell(c.as_ref())));
            w.write_record(guarded.iter().map(|c| c.as_bytes()))
                .map_err(csv_io)?;
        }
        w.flush()
    }

    /// Pretty JSON and a newline.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> std::io::Result<()> {
        // (a buffer of its own, as for a table: JSON is written in many small pieces)
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut self.out);
        serde_json::to_writer_pretty(&mut out, value).map_err(json_io)?;
        writeln!(out)?;
        out.flush()
    }

    /// Items as JSON, CSV or a table, as the flags ask.
    pub fn emit<T: serde::Serialize>(
        &mut self,
        format: FormatArgs,
        items: &[T],
        table: &Table,
    ) -> std::io::Result<()> {
        if format.json {
            self.json(items)
        } else if format.csv {
            self.csv(&table.headers, &table.rows)
        } else {
            self.table(table)
        }
    }
}

impl Write for Printer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A CSV writer's failure as the IO error it is (a closed pipe stays a closed pipe).
fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A JSON writer's failure as the IO error it is.
fn json_io(e: serde_json::Error) -> std::io::Error {
    match e.io_error_kind() {
        Some(kind) => std::io::Error::new(kind, e),
        None => std::io::Error::other(e),
    }
}

/// The aligned table. Cells are measured, then written, in two passes over the rows; only
/// a cell that needs cutting or has a control character is copied.
fn write_aligned<C: AsRef<str>>(
    out: &mut impl Write,
    headers: &[&str],
    rows: &[impl AsRef<[C]>],
) -> std::io::Result<()> {
    const CUT: usize = 60;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    // Whether every cell is short printable ASCII (then a cell's width is its length).
    let mut plain = headers
        .iter()
        .all(|h| scan(h) == (h.len(), false) && h.len() <= CUT);
    for row in rows {
        for (i, c) in row.as_ref().iter().enumerate() {
            let (chars, control) = scan(c.as_ref());
            plain &= !control && chars == c.as_ref().len() && chars <= CUT;
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(chars.min(CUT));
            }
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| -> std::io::Result<()> {
        let mut cells = cells.enumerate().peekable();
        while let Some((i, c)) = cells.next() {
            let (chars, control) = if plain { (c.len(), false) } else { scan(c) };
            let cut: std::borrow::Cow<str> = if control || chars > CUT {
                let one_line = c.chars().map(|c| if c.is_control() { ' ' } else { c });
                if chars > CUT {
                    one_line.take(CUT - 1).chain(std::iter::once('…')).collect()
                } else {
                    one_line.collect()
                }
            } else {
                c.into()
            };
            out.write_all(cut.as_bytes())?;
            if cells.peek().is_none() {
                out.write_all(b"\n")?;
            } else {
                // Padding to the column's width, then the two spaces between columns.
                let pad = widths
                    .get(i)
                    .map_or(0, |w| w.saturating_sub(chars.min(CUT)));
                write_spaces(out, pad + 2)?;
            }
        }
        Ok(())
    };
    line(&mut headers.iter().copied())?;
    for row in rows {
        line(&mut row.as_ref().iter().map(AsRef::as_ref))?;
    }
    Ok(())
}

/// How many characters `s` has, and whether one of them is a control character.
fn scan(s: &str) -> (usize, bool) {
    // Most cells are printable ASCII (one pass, no early exit, so it vectorises).
    if s.bytes()
        .fold(true, |ok, b| ok & (b' '..=b'~').contains(&b))
    {
        (s.len(), false)
    } else {
        s.chars()
            .fold((0, false), |(n, ctl), c| (n + 1, ctl || c.is_control()))
    }
}

fn write_spaces(out: &mut impl Write, mut n: usize) -> std::io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    while n > 0 {
        let k = n.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_reader_is_a_broken_pipe_error_in_every_format() {
        // By the time the output is flushed, whether it filled the buffer or not.
        for n in [1, 100_000] {
            let rows = vec![vec!["a".to_string()]; n];
            let broken = |print: &dyn Fn(&mut Printer) -> std::io::Result<()>| {
                let mut p = Printer::to(Closed);
                let r = print(&mut p).and_then(|()| p.flush());
                assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
            };
            broken(&|p| p.aligned(&["h"], &rows));
            broken(&|p| p.csv(&["h"], &rows));
            broken(&|p| p.json(&rows));
            broken(&|p| writeln!(p, "one line"));
        }
    }

    fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
        let mut out = Vec::new();
        write_aligned(&mut out, headers, rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn columns_are_padded_in_characters_and_long_or_control_cells_are_cut() {
        let rows = vec![
            vec!["Bárking".to_string(), "1".into(), "a\tb\nc".into()],
            vec!["x".repeat(61), "22".into(), String::new()],
            vec!["y".repeat(60), "3".into(), "last".into()],
        ];
        // Widths by hand: the first column is 60 (61 x's cut to 59 and an ellipsis),
        // the second 2; two spaces between columns; the last column is never padded.
        let sp = |n: usize| " ".repeat(n);
        let expected = [
            format!("name{}n{}note\n", sp(56 + 2), sp(1 + 2)),
            format!("Bárking{}1{}a b c\n", sp(53 + 2), sp(1 + 2)),
            format!("{}…{}22{}\n", "x".repeat(59), sp(2), sp(2)),
            format!("{}{}3{}last\n", "y".repeat(60), sp(2), sp(1 + 2)),
        ]
        .concat();
        assert_eq!(aligned(&["name", "n", "note"], &rows), expected);
    }

    #[test]
    fn plain_cells_are_padded_to_the_widest() {
        let rows = vec![
            vec!["BENCH-0001".to_string(), "7".into(), "".into()],
            vec!["B-1".to_string(), "41".into(), "long overdue".into()],
        ];
        let expected = "reference   overdue  flag\n\
                        BENCH-0001  7        \n\
                        B-1         41       long overdue\n";
        assert_eq!(aligned(&["reference", "overdue", "flag"], &rows), expected);
    }

    #[test]
    fn a_table_without_rows_prints_its_header() {
        assert_eq!(aligned(&["reference", "due"], &[]), "reference  due\n");
    }
}
