//! Output helpers: aligned tables for people, JSON and CSV for scripts.

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

    /// Print aligned columns; a cell is cut at 60 characters so rows stay readable.
    pub fn print(&self) -> anyhow::Result<()> {
        let cut = |s: &str| -> String {
            let one_line: String = s
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if one_line.chars().count() > 60 {
                one_line
                    .chars()
                    .take(59)
                    .chain(std::iter::once('…'))
                    .collect()
            } else {
                one_line
            }
        };
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| cut(c)).collect())
            .collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.len()).collect();
        for row in &cells {
            for (i, c) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(c.chars().count());
                }
            }
        }
        let mut out = std::io::stdout().lock();
        let line = |out: &mut dyn Write, row: Vec<&str>| -> std::io::Result<()> {
            let last = row.len().saturating_sub(1);
            for (i, c) in row.iter().enumerate() {
                if i == last {
                    writeln!(out, "{c}")?;
                } else {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    write!(out, "{c}{}  ", " ".repeat(pad))?;
                }
            }
            Ok(())
        };
        line(&mut out, self.headers.clone())?;
        for row in &cells {
            line(&mut out, row.iter().map(String::as_str).collect())?;
        }
        Ok(())
    }

    pub fn print_csv(&self) -> anyhow::Result<()> {
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        w.write_record(&self.headers)?;
        for row in &self.rows {
            w.write_record(row)?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Print items as JSON, CSV or a table, as the flags ask.
pub fn emit<T: serde::Serialize>(
    format: FormatArgs,
    items: &[T],
    table: Table,
) -> anyhow::Result<()> {
    if format.json {
        print_json(items)
    } else if format.csv {
        table.print_csv()
    } else {
        table.print()
    }
}

pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
