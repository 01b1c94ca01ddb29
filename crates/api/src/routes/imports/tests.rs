//! The CSV reader's tests: rows, columns, batches and the body as it arrives in chunks.

use super::columns::{Columns, Target};
use super::reader::{BodyReader, ReadFailure, MAX_ROW_BYTES};
use super::rows::{parse, parse_row, Event};
use super::upload::{clean_file_name, disposition_file_name};
use crate::ApiError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use minicrm_domain::ingest::Context;
use minicrm_domain::{Currency, NewCustomer, NewOrder, RecordKind, Timestamp};
use minicrm_store::imports::Tally;
use tokio::sync::mpsc;

fn ctx() -> Context {
    Context {
        now: Timestamp::parse("2025-06-01T00:00:00Z").unwrap(),
        currency: Currency::INR,
    }
}

fn header(names: &[&str]) -> csv::ByteRecord {
    csv::ByteRecord::from(names.to_vec())
}

fn fields(e: ApiError) -> Vec<String> {
    match e {
        ApiError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[test]
fn headers_match_trimmed_and_case_insensitively() {
    let h = header(&[
        " External_ID ",
        "NAME",
        "Email",
        "attributes.tier",
        "segment",
    ]);
    let c = Columns::new(RecordKind::Customers, &h, &ctx()).unwrap();
    assert_eq!(
        c.targets,
        vec![
            Target::Field("external_id"),
            Target::Field("name"),
            Target::Field("email"),
            Target::Attribute("tier".into()),
            Target::Attribute("segment".into()),
        ]
    );
    let object = c.object(&["C1", "Asha", "", " gold ", "vip"]);
    assert_eq!(
        object,
        serde_json::json!({"external_id": "C1", "name": "Asha", "attributes": {"tier": "gold", "segment": "vip"}})
    );
}

#[test]
fn bad_headers_are_named() {
    let e = Columns::new(
        RecordKind::Customers,
        &header(&["external_id", "email"]),
        &ctx(),
    );
    assert_eq!(fields(e.unwrap_err()), vec!["name"]);
    let e = Columns::new(
        RecordKind::Customers,
        &header(&["external_id", "name", "Name"]),
        &ctx(),
    );
    assert_eq!(fields(e.unwrap_err()), vec!["Name"]);
    let e = Columns::new(
        RecordKind::Customers,
        &header(&["external_id", "name", "loyalty tier"]),
        &ctx(),
    );
    assert_eq!(fields(e.unwrap_err()), vec!["loyalty tier"]);
    let e = Columns::new(
        RecordKind::Orders,
        &header(&["external_id", "amount", "colour"]),
        &ctx(),
    );
    assert_eq!(
        fields(e.unwrap_err()),
        vec!["colour", "customer_external_id", "ordered_at"]
    );
    let many: Vec<String> = (0..51).map(|i| format!("a{i}")).collect();
    let mut names = vec!["external_id", "name"];
    names.extend(many.iter().map(String::as_str));
    let e = Columns::new(RecordKind::Customers, &header(&names), &ctx());
    assert_eq!(fields(e.unwrap_err()), vec!["attributes"]);
}

#[test]
fn rows_go_through_the_record_parser() {
    let c = Columns::new(
        RecordKind::Orders,
        &header(&[
            "external_id",
            "customer_external_id",
            "amount",
            "ordered_at",
            "items",
        ]),
        &ctx(),
    )
    .unwrap();
    let items = r#"[{"sku":"K1","name":"Kurta","quantity":2,"price":100}]"#;
    let order: NewOrder = parse_row(
        &c.object(&["O1", "C1", "200", "2025-01-01T00:00:00Z", items]),
        &ctx(),
    )
    .unwrap();
    assert_eq!(order.items.len(), 1);
    let errors = parse_row::<NewOrder>(
        &c.object(&["O1", "C1", "1.234", "yesterday", "nope"]),
        &ctx(),
    )
    .unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["amount", "ordered_at", "items"]);
}

/// Runs the reader over `file` in chunks of `chunk` bytes and gives its events.
fn read(file: &[u8], chunk: usize) -> Vec<Event> {
    read_with(file, chunk, MAX_ROW_BYTES)
}

fn read_with(file: &[u8], chunk: usize, max_row: u64) -> Vec<Event> {
    let (chunks_tx, chunks_rx) = mpsc::channel(file.len() / chunk + 2);
    for c in file.chunks(chunk) {
        chunks_tx.try_send(Ok(Bytes::copy_from_slice(c))).unwrap();
    }
    drop(chunks_tx);
    let (events_tx, mut events_rx) = mpsc::channel(1);
    let mut reader = BodyReader::new(chunks_rx);
    reader.max_row = max_row;
    let parser = std::thread::spawn(move || {
        parse::<NewCustomer>(
            reader,
            RecordKind::Customers,
            ctx(),
            "q",
            "key".into(),
            events_tx,
        )
    });
    let mut events = Vec::new();
    while let Some(event) = events_rx.blocking_recv() {
        events.push(event);
    }
    parser.join().unwrap();
    events
}

fn done(events: &[Event]) -> (Tally, Vec<(i64, Option<String>, String)>) {
    let mut all = Vec::new();
    for event in events {
        match event {
            Event::Batch(b) => all.extend(b.errors.iter().cloned()),
            Event::Done { tally, errors } => {
                all.extend(errors.iter().cloned());
                let list = all
                    .into_iter()
                    .map(|e| (e.line, e.field, e.reason))
                    .collect();
                return (*tally, list);
            }
            Event::Refused(e) => panic!("refused: {e}"),
            Event::Unreadable(e) => panic!("unreadable: {e}"),
        }
    }
    panic!("no end")
}

#[test]
fn rows_are_counted_by_line_whatever_the_chunks() {
    let file = b"\xef\xbb\xbfexternal_id,name\r\nC1,A\r\n\r\n\"C2\",\"B\nwith a newline\"\nC3,C,extra\nC4,\n\"C5,E\nC6,F\nC7,G\n";
    for chunk in [1, 3, 64, 4096] {
        let events = read(file, chunk);
        let (tally, errors) = done(&events);
        assert_eq!(
            (tally.rows_total, tally.rows_valid, tally.rows_rejected),
            (5, 2, 3),
            "chunks of {chunk}"
        );
        assert_eq!(
            errors,
            vec![
                (6, None, "the row has 3 fields; the header has 2".to_owned()),
                (7, Some("name".to_owned()), "is required".to_owned()),
                (
                    8,
                    None,
                    "the row has 1 field; the header has 2 (it runs to the end of the file: is a quote left open?)".to_owned()
                ),
            ],
            "chunks of {chunk}"
        );
        let Event::Batch(batch) = &events[0] else {
            panic!("a batch first")
        };
        assert_eq!((batch.rows, batch.first_line, batch.last_line), (2, 2, 4));
    }
}

/// Found by fuzzing: a quote left open whose last cell ends with an escaped quote and a newline
/// (`""` then `\n` at the end of the file) was taken for a closed cell and its row put on the
/// header's line.
#[test]
fn an_escaped_quote_before_the_last_newline_leaves_the_quote_open() {
    let open = b"external_id,name\nC1,x,\"a\n\"\"\n";
    let closed = b"external_id,name\nC1,\"a\n\"\nC2,x,\"b\n\"\n";
    for chunk in [1, 2, 4096] {
        let (_, errors) = done(&read(open, chunk));
        let expected = "the row has 3 fields; the header has 2 (it runs to the end of the file: is a quote left open?)";
        assert_eq!(
            errors,
            vec![(2, None, expected.to_owned())],
            "chunks of {chunk}"
        );
        let (_, errors) = done(&read(closed, chunk));
        let expected = "the row has 3 fields; the header has 2 (it runs over lines 4–5: is a quote left open?)";
        assert_eq!(
            errors,
            vec![(4, None, expected.to_owned())],
            "chunks of {chunk}"
        );
    }
}

/// Found by fuzzing: with a second byte order mark in a chunk of its own, the CSV reader took the
/// file for empty; whole, the same file was read.
#[test]
fn every_leading_byte_order_mark_is_dropped_whatever_the_chunks() {
    let file = b"\xef\xbb\xbf\xef\xbb\xbfexternal_id,name\nC1,A\n";
    for chunk in [1, 3, 6, 4096] {
        let (tally, errors) = done(&read(file, chunk));
        assert_eq!(
            (tally.rows_valid, errors.len()),
            (1, 0),
            "chunks of {chunk}"
        );
    }
}

#[test]
fn a_quote_left_open_in_a_large_file_stops_it_at_the_row_limit() {
    let mut file = String::from("external_id,name\nC1,A\n\"C2,B\n");
    for i in 0..2000 {
        file.push_str(&format!("C{i},Name {i}\n"));
    }
    let events = read_with(file.as_bytes(), 512, 4096);
    match events.last() {
        Some(Event::Unreadable(ReadFailure::RowTooLong {
            line: 3,
            limit: 4096,
        })) => {}
        Some(Event::Unreadable(other)) => panic!("unexpected: {other}"),
        _ => panic!("the reader went on"),
    }
}

#[test]
fn valid_rows_go_out_in_batches_of_a_thousand() {
    let mut file = String::from("external_id,name\n");
    for i in 0..2500 {
        file.push_str(&format!("C{i},Name {i}\n"));
    }
    // The row limit is per row, whatever the file's size.
    let events = read_with(file.as_bytes(), 8192, 4096);
    let batches: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Batch(b) => Some((b.rows, b.first_line, b.last_line, b.tally.rows_total)),
            _ => None,
        })
        .collect();
    assert_eq!(
        batches,
        vec![
            (1000, 2, 1001, 1000),
            (1000, 1002, 2001, 2000),
            (500, 2002, 2501, 2500)
        ]
    );
    assert_eq!(done(&events).0.rows_valid, 2500);
}

#[test]
fn file_names_come_from_the_query_or_content_disposition() {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_DISPOSITION,
        "attachment; filename=\"a b.csv\"".parse().unwrap(),
    );
    assert_eq!(disposition_file_name(&headers).as_deref(), Some("a b.csv"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        "attachment; filename=x.csv; filename*=UTF-8''%E0%A4%95.csv"
            .parse()
            .unwrap(),
    );
    assert_eq!(disposition_file_name(&headers).as_deref(), Some("क.csv"));
    assert_eq!(
        clean_file_name("C:\\Users\\me\\shop.csv").as_deref(),
        Some("shop.csv")
    );
    assert_eq!(clean_file_name(" \u{7} ").as_deref(), None);
}
