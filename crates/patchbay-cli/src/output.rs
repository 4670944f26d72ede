//! Printing: JSON for scripts (`--json`), aligned columns for people.

use serde::Serialize;

/// Streams pretty JSON straight into a buffered stdout: a 10,000-type listing is several
/// megabytes, and building it as one string first costs more than the query.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Prints rows under a header, each column as wide as its widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    use std::io::Write;
    // One buffered writer: stdout is line-buffered, and 10,000 rows would be 10,000 writes.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |sink: &mut dyn Write, cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = writeln!(sink, "{}", out.trim_end());
    };
    line(&mut out, header.to_vec());
    for row in rows {
        line(&mut out, row.iter().map(String::as_str).collect());
    }
    let _ = out.flush();
}
