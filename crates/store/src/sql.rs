//! Helpers for the SQL that varies only in how many rows it carries. Only placeholders are generated,
//! never values: every value is bound.
//!
//! SQLite gets anonymous `?` placeholders: it resolves a numbered or named one (`$7`) by walking a list,
//! so binding thousands of `$N` costs time quadratic in their number (it was 70 % of ingestion). Such
//! statements use no other placeholder, so positions and numbers agree.

use crate::Backend;

fn placeholder(out: &mut String, backend: Backend, number: usize) {
    match backend {
        Backend::Sqlite => out.push('?'),
        Backend::Postgres => {
            out.push('$');
            out.push_str(&number.to_string());
        }
    }
}

/// `(…),(…)` placeholders for `rows` rows of `cols` columns, numbered from 1.
pub fn values(backend: Backend, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ",(" });
        for c in 0..cols {
            if c > 0 {
                out.push(',');
            }
            placeholder(&mut out, backend, 1 + r * cols + c);
        }
        out.push(')');
    }
    out
}

/// Placeholders for an `IN (…)` list of `n` values, numbered from 1.
pub fn list(backend: Backend, n: usize) -> String {
    let mut out = String::with_capacity(n * 6);
    for i in 1..=n {
        if i > 1 {
            out.push(',');
        }
        placeholder(&mut out, backend, i);
    }
    out
}

/// A statement written with `?` placeholders, numbered `$1…` for PostgreSQL (SQLite takes them as
/// they are), for statements that mix fixed values with generated lists. The text must hold no other
/// `?`.
pub fn numbered(backend: Backend, statement: &str) -> String {
    match backend {
        Backend::Sqlite => statement.to_owned(),
        Backend::Postgres => {
            let mut out = String::with_capacity(statement.len() + 64);
            let mut n = 0;
            for ch in statement.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound values.
pub fn rows_per_statement(cols: usize) -> usize {
    (8_000 / cols).max(1)
}

#[cfg(test)]
mod tests;
