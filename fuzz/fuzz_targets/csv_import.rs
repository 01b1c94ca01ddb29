//! The CSV importer's reader and row handling on any file: it never panics; whatever the chunks the
//! body arrives in, the outcome is the same; every row is accepted or refused with its line
//! (accepted + refused = rows, refused rows on distinct lines after the header, batches in order and
//! on lines no error names); and for a file without quotes, where a row is a line, the lines are
//! exactly the file's non-blank lines after the header. A refused header takes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minicrm_api::import_fuzzing::{import, End, Outcome};
use minicrm_domain::ingest::Context;
use minicrm_domain::{Currency, RecordKind, Timestamp};
use minicrm_fuzz::NOW;
use std::collections::BTreeSet;

const MAX_ERRORS: usize = 1000;

fuzz_target!(|data: &[u8]| {
    let Some((&control, file)) = data.split_first() else {
        return;
    };
    let kind = match control & 1 {
        0 => RecordKind::Customers,
        _ => RecordKind::Orders,
    };
    let ctx = || Context {
        now: Timestamp::from_millis(NOW),
        currency: Currency::INR,
    };
    let whole = import(kind, &[file], ctx());
    let size = usize::from(control >> 1).max(1);
    let chunks: Vec<&[u8]> = file.chunks(size).collect();
    let chunked = import(kind, &chunks, ctx());
    assert_eq!(whole, chunked, "chunks of {size} read differently");
    match &whole.end {
        End::Done => {
            accounts_for_every_row(&whole, file);
            if !file.contains(&b'"') {
                rows_are_lines(&whole, file);
            }
        }
        // A refused header takes nothing.
        End::Refused(_) => assert!(whole.batches.is_empty(), "{whole:?}"),
        // A file in memory, far below the row limit, is always read to its end.
        End::Unreadable(why) => panic!("unreadable: {why}"),
    }
});

fn accounts_for_every_row(o: &Outcome, file: &[u8]) {
    let t = o.tally;
    assert_eq!(t.rows_total, t.rows_valid + t.rows_rejected, "{o:?}");
    let accepted: usize = o.batches.iter().map(|b| b.rows).sum();
    assert_eq!(accepted as i64, t.rows_valid, "{o:?}");
    assert!(t.errors_total >= t.rows_rejected, "{o:?}");
    let lines = file.iter().filter(|b| **b == b'\n').count() as i64 + 1;
    assert!(o.errors.windows(2).all(|w| w[0].line <= w[1].line), "{o:?}");
    assert!(
        o.errors.iter().all(|e| (2..=lines).contains(&e.line)),
        "{o:?}"
    );
    let refused: BTreeSet<i64> = o.errors.iter().map(|e| e.line).collect();
    if o.errors.len() < MAX_ERRORS {
        assert_eq!(o.errors.len() as i64, t.errors_total, "{o:?}");
        assert_eq!(refused.len() as i64, t.rows_rejected, "{o:?}");
    }
    let mut previous = 1;
    for b in &o.batches {
        assert!(
            b.rows > 0 && previous < b.first_line && b.first_line <= b.last_line,
            "{o:?}"
        );
        assert!(b.last_line - b.first_line + 1 >= b.rows as i64, "{o:?}");
        assert!(
            !refused.contains(&b.first_line) && !refused.contains(&b.last_line),
            "{o:?}"
        );
        previous = b.last_line;
    }
}

/// Without quotes a record is a line: the header is the first non-empty line, and every later line
/// that holds more than separators and blanks is a row, on its own line.
fn rows_are_lines(o: &Outcome, file: &[u8]) {
    let file = file.strip_prefix(b"\xef\xbb\xbf").unwrap_or(file);
    let mut lines = file
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty());
    lines.next().expect("a header, since the import ended");
    let rows: BTreeSet<i64> = lines
        .filter(|(_, l)| !l.iter().all(|b| *b == b',' || b.is_ascii_whitespace()))
        .map(|(i, _)| i as i64 + 1)
        .collect();
    assert_eq!(o.tally.rows_total, rows.len() as i64, "{o:?}");
    let refused: BTreeSet<i64> = o.errors.iter().map(|e| e.line).collect();
    assert!(
        refused.is_subset(&rows),
        "refused {refused:?}, rows {rows:?}"
    );
    if o.errors.len() < MAX_ERRORS {
        let accepted: Vec<i64> = rows.difference(&refused).copied().collect();
        assert_eq!(
            accepted.first().copied(),
            o.batches.first().map(|b| b.first_line),
            "{o:?}"
        );
        assert_eq!(
            accepted.last().copied(),
            o.batches.last().map(|b| b.last_line),
            "{o:?}"
        );
    }
}
