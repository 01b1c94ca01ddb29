//! The upload as `std::io::Read` for the CSV reader on its blocking thread: the body's chunks arrive
//! through a small channel (so a slow bus slows the upload down), and a row may not grow past a bound.

use axum::body::{Body, Bytes};
use futures::StreamExt;
use std::io;
use tokio::sync::mpsc;

/// The longest row: far more than the largest record (50 attributes, 500 line items) takes, and a
/// bound on what a quote left open makes the reader hold.
pub(super) const MAX_ROW_BYTES: u64 = 4 * 1024 * 1024;

/// Why the body could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReadFailure {
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the upload was cut off: {0}")]
    Interrupted(String),
    #[error("the row from line {line} runs past {limit} bytes: is a quote left open?")]
    RowTooLong { line: u64, limit: u64 },
}

/// Feeds the body's chunks to the parser, up to `limit` bytes.
pub(super) async fn forward(body: Body, chunks: mpsc::Sender<io::Result<Bytes>>, limit: usize) {
    let mut stream = body.into_data_stream();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(bytes) => {
                total += bytes.len();
                if total > limit {
                    Err(io::Error::other(ReadFailure::TooLarge(limit)))
                } else {
                    Ok(bytes)
                }
            }
            Err(e) => Err(io::Error::other(ReadFailure::Interrupted(e.to_string()))),
        };
        let last = chunk.is_err();
        if chunks.send(chunk).await.is_err() || last {
            return;
        }
    }
}

/// The body as `std::io::Read`, for the CSV reader on its blocking thread.
/// It remembers how much it gave and its last three bytes, so the reader of the CSV can tell a last row
/// that ends the file without a newline of its own, and where the row being read began, so that a row
/// cannot grow past `max_row` bytes.
pub(super) struct BodyReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
    given: u64,
    last: [Option<u8>; 3],
    ended: bool,
    started: bool,
    /// The byte and line where the row being read began.
    row: (u64, u64),
    pub(super) max_row: u64,
}

impl BodyReader {
    pub(super) fn new(chunks: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        Self {
            chunks,
            current: Bytes::new(),
            given: 0,
            last: [None; 3],
            ended: false,
            started: false,
            row: (0, 1),
            max_row: MAX_ROW_BYTES,
        }
    }

    /// The next row begins at this byte and line.
    pub(super) fn row_begins(&mut self, position: &csv::Position) {
        self.row = (position.byte(), position.line());
    }

    /// Whether a record whose end is at byte `offset` ended the file without a newline of its own: the
    /// file does not end with one, or that newline is in the record's last cell (a quote left open)
    /// rather than after a closing quote. A cell that ends with a newline and is closed ends the file
    /// with newline, quote, newline; a quote after anything else is the second of an escaped pair.
    pub(super) fn ends_unterminated(&self, offset: u64, last_cell_ends_with_newline: bool) -> bool {
        if !self.ended || offset != self.given {
            return false;
        }
        match self.last {
            [_, _, Some(b'\n')] if !last_cell_ends_with_newline => false,
            [before, Some(b'"'), Some(b'\n')] => before != Some(b'\n'),
            _ => true,
        }
    }
}

impl io::Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            // UTF-8 byte order marks go here, every one (a file saved twice has two): the CSV reader
            // drops one only when it comes whole in its first read, and takes a first read of nothing
            // else for the end of the file.
            self.started = true;
            loop {
                while self.current.len() < 3 {
                    match self.chunks.blocking_recv() {
                        Some(chunk) => {
                            self.current = [&self.current[..], &chunk?[..]].concat().into()
                        }
                        None => break,
                    }
                }
                if !self.current.starts_with(b"\xef\xbb\xbf") {
                    break;
                }
                self.current = self.current.slice(3..);
            }
        }
        // The CSV reader reads ahead no more than its buffer, so this is the row's length, give or take.
        if self.given - self.row.0 > self.max_row {
            return Err(io::Error::other(ReadFailure::RowTooLong {
                line: self.row.1,
                limit: self.max_row,
            }));
        }
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                None => {
                    self.ended = true;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        self.given += n as u64;
        for &b in &buf[n.saturating_sub(3)..n] {
            self.last = [self.last[1], self.last[2], Some(b)];
        }
        Ok(n)
    }
}
