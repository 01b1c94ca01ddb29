use super::*;
use serde_json::json;

#[test]
fn an_envelope_reads_back_as_it_was_written() {
    let payload = json!({"records": [{"name": "Asha \"A\" Rao", "city": "Pune"}], "n": 1});
    let sent = Envelope::with_id("m-1".into(), "ingest.customers", 1, &payload).unwrap();
    assert_eq!(sent.payload::<serde_json::Value>().unwrap(), payload);
    let wire: serde_json::Value = serde_json::from_str(sent.to_json()).unwrap();
    assert_eq!(wire["id"], "m-1");
    assert_eq!(wire["type"], "ingest.customers");
    assert_eq!(wire["version"], 1);
    assert_eq!(wire["payload"], payload);

    let received = Envelope::from_json(sent.to_json().as_bytes()).unwrap();
    assert_eq!(received.id, "m-1");
    assert_eq!(received.kind, "ingest.customers");
    assert_eq!(received.produced_at, sent.produced_at);
    assert_eq!(received.payload::<serde_json::Value>().unwrap(), payload);
}

#[test]
fn an_envelope_written_elsewhere_with_spaces_and_another_order_reads() {
    let text = r#" { "payload" : [1, {"a": "}"}] , "version": 2, "type": "t", "id": "x", "produced_at": 5 } "#;
    let envelope = Envelope::from_json(text.as_bytes()).unwrap();
    assert_eq!(envelope.payload_json(), r#"[1, {"a": "}"}]"#);
    assert_eq!((envelope.version, envelope.produced_at), (2, 5));
    assert!(Envelope::from_json(b"{\"id\": 1}").is_err());
    assert!(Envelope::from_json(b"\xff").is_err());
}
