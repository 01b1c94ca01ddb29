use super::*;
use crate::Currency;

fn parse(body: Value) -> Result<NewCampaign, Vec<Problem>> {
    let now = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
    NewCampaign::parse(body.to_string().as_bytes(), now, Currency::INR)
}

fn fields(result: Result<NewCampaign, Vec<Problem>>) -> Vec<String> {
    result.unwrap_err().into_iter().map(|p| p.field).collect()
}

#[test]
fn reads_a_campaign() {
    let c = parse(
        serde_json::json!({"name": " Diwali ", "segment_id": "s1", "channel": "sms",
        "message": "Hi {{first_name | default: \"there\"}}", "tags": ["festive", "Festive"],
        "send_at": "2026-01-02T10:00:00+05:30"}),
    )
    .unwrap();
    assert_eq!(c.name, "Diwali");
    assert!(matches!(c.audience, Audience::Segment(ref s) if s == "s1"));
    assert_eq!(c.tags, vec!["festive"]);
    assert_eq!(c.send_at.unwrap().to_rfc3339(), "2026-01-02T04:30:00.000Z");
}

#[test]
fn names_every_bad_field() {
    let got = fields(parse(
        serde_json::json!({"name": "", "channel": "fax", "message": "Hi {{coupon}}",
        "segment_id": "s", "rules": {"combinator": "and", "rules": []}, "send_at": "2020-01-01T00:00:00Z"}),
    ));
    assert_eq!(
        got,
        vec!["name", "channel", "segment_id", "message", "send_at"]
    );
    let got = fields(parse(
        serde_json::json!({"name": "x", "channel": "email", "message": "Hi",
        "rules": {"combinator": "and", "rules": [{"field": "nope", "operator": "=", "value": 1}]}}),
    ));
    assert_eq!(got, vec!["rules/rules/0/field", "subject"]);
}

#[test]
fn unknown_variables_are_named() {
    let problems = parse(
        serde_json::json!({"name": "x", "channel": "sms", "segment_id": "s",
        "message": "Hi {{frist_name}}"}),
    )
    .unwrap_err();
    assert!(problems[0].reason.contains("'frist_name'"), "{problems:?}");
}
