//! Parsing rule trees: what is accepted, what it becomes, and every refusal with its JSON pointer.

use super::*;
use crate::Currency;
use serde_json::{json, Value};

fn ok(rules: Value) -> Group {
    parse(&rules, Currency::INR).unwrap_or_else(|e| panic!("{rules} was refused: {e:?}"))
}

fn refused(rules: Value) -> Vec<(String, String)> {
    match parse(&rules, Currency::INR) {
        Ok(g) => panic!("{rules} was accepted as {g:?}"),
        Err(errors) => errors.into_iter().map(|e| (e.path, e.reason)).collect(),
    }
}

fn paths(rules: Value) -> Vec<String> {
    refused(rules).into_iter().map(|(p, _)| p).collect()
}

fn condition(subject: Subject, operator: Operator, operand: Operand) -> Rule {
    Rule::Condition(Condition {
        subject,
        operator,
        operand,
    })
}

#[test]
fn the_design_example_parses_into_the_tree() {
    let group = ok(json!({"combinator": "and", "rules": [
        {"field": "total_spend", "operator": ">", "value": 10000},
        {"combinator": "or", "rules": [
            {"field": "order_count", "operator": "<", "value": 3},
            {"field": "last_order_at", "operator": "older_than_days", "value": 90}]}]}));
    let inner = Group {
        combinator: Combinator::Or,
        not: false,
        rules: vec![
            condition(
                Subject::Field(Field::OrderCount),
                Operator::Lt,
                Operand::Number(3),
            ),
            condition(
                Subject::Field(Field::LastOrderAt),
                Operator::OlderThanDays,
                Operand::Days(90),
            ),
        ],
    };
    let expected = Group {
        combinator: Combinator::And,
        not: false,
        rules: vec![
            condition(
                Subject::Field(Field::TotalSpend),
                Operator::Gt,
                Operand::Number(1_000_000),
            ),
            Rule::Group(inner),
        ],
    };
    assert_eq!(group, expected);
}

/// A tree of values serializes to the JSON it is parsed from: `not` only when true, attributes by
/// their full name.
#[test]
fn a_tree_serializes_to_the_json_parse_reads() {
    let written = |subject, operator, value| {
        Rule::Condition(Condition {
            subject,
            operator,
            operand: value,
        })
    };
    let tree: Group<Value> = Group {
        combinator: Combinator::And,
        not: false,
        rules: vec![
            written(
                Subject::Field(Field::TotalSpend),
                Operator::Gt,
                json!(1499.5),
            ),
            Rule::Group(Group {
                combinator: Combinator::Or,
                not: true,
                rules: vec![
                    written(
                        Subject::Attribute("tier".into()),
                        Operator::In,
                        json!(["gold", "silver"]),
                    ),
                    written(Subject::Field(Field::Email), Operator::IsNull, Value::Null),
                ],
            }),
        ],
    };
    let json = serde_json::to_value(&tree).unwrap();
    assert_eq!(
        json,
        json!({"combinator": "and", "rules": [
            {"field": "total_spend", "operator": ">", "value": 1499.5},
            {"combinator": "or", "not": true, "rules": [
                {"field": "attributes.tier", "operator": "in", "value": ["gold", "silver"]},
                {"field": "email", "operator": "is_null", "value": null}]}]})
    );
    let parsed = ok(json);
    assert_eq!(parsed.rules.len(), 2);
}

#[test]
fn reads_what_react_querybuilder_sends() {
    let group = ok(
        json!({"id": "root", "combinator": "OR", "not": true, "rules": [
        {"id": "r1", "field": "city", "operator": "in", "value": "Mumbai, Pune", "valueSource": "value"},
        {"id": "r2", "field": "total_spend", "operator": "between", "value": "1000,2500.50"},
        {"field": "created_at", "operator": "between", "value": ["2025-01-01", "2025-02-01T00:00:00+05:30"]},
        {"field": "attributes.tier", "operator": "=", "value": "Gold"},
        {"field": "email", "operator": "is_null"},
        {"field": "spend_in_last_days", "operator": ">=", "value": {"days": 30, "value": "5000"}},
        {"field": "orders_in_last_days", "operator": "between", "value": {"days": 90, "value": [1, 3]}}]}),
    );
    assert_eq!((group.combinator, group.not), (Combinator::Or, true));
    let operands: Vec<Operand> = group
        .rules
        .into_iter()
        .map(|r| match r {
            Rule::Condition(c) => c.operand,
            Rule::Group(_) => panic!("no groups here"),
        })
        .collect();
    let jan1 = crate::Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
    let feb1 = crate::Timestamp::parse("2025-01-31T18:30:00Z").unwrap();
    assert_eq!(
        operands,
        vec![
            Operand::Texts(vec!["mumbai".into(), "pune".into()]),
            Operand::Range(100_000, 250_050),
            Operand::TimeRange(jan1, feb1),
            Operand::Text("gold".into()),
            Operand::None,
            Operand::Window {
                days: 30,
                operand: Box::new(Operand::Number(500_000))
            },
            Operand::Window {
                days: 90,
                operand: Box::new(Operand::Range(1, 3))
            },
        ]
    );
}

#[test]
fn names_the_node_of_each_mistake() {
    let got = paths(json!({"combinator": "and", "rules": [
        {"field": "shoe_size", "operator": "=", "value": 9},
        {"field": "city", "operator": ">", "value": "Pune"},
        {"field": "order_count", "operator": ">", "value": "many"},
        {"combinator": "or", "rules": []},
        {"field": "total_spend", "operator": "between", "value": [500, 100]},
        {"field": "last_order_at", "operator": "within_last_days", "value": 0},
        {"field": "spend_in_last_days", "operator": ">", "value": 100},
        {"field": "name", "operator": "=", "value": "x", "colour": "red"},
        {"field": "name", "operator": "=", "value": "x", "valueSource": "field"},
        {"combinator": "xor", "rules": [{"field": "name", "operator": "contains", "value": "a"}]}]}));
    assert_eq!(
        got,
        vec![
            "/rules/0/field",
            "/rules/1/operator",
            "/rules/2/value",
            "/rules/3/rules",
            "/rules/4/value",
            "/rules/5/value",
            "/rules/6/value",
            "/rules/7/colour",
            "/rules/8/valueSource",
            "/rules/9/combinator",
        ]
    );
}

/// Found by fuzzing: a key holding `/` or `~` is escaped in the pointer (RFC 6901, `~1` and `~0`),
/// so that the pointer names the key rather than a path that is not in the rule.
#[test]
fn an_unknown_key_is_escaped_in_its_pointer() {
    let rules = json!({"combinator": "and", "rules": [
        {"field": "order_count", "oper/tor": "=", "value": 0, "a~b": 1}]});
    let got = paths(rules.clone());
    assert_eq!(
        got,
        vec!["/rules/0/a~0b", "/rules/0/oper~1tor", "/rules/0/operator"]
    );
    assert!(got.iter().take(2).all(|p| rules.pointer(p).is_some()));
}

/// Seen with the rules_json fuzz target: a NUL in a text value ended SQLite's LIKE pattern early (`ends_with "i\0x"`
/// matched names ending in "i") and is an error on PostgreSQL. Records never hold control
/// characters but tabs and newlines, so neither do rule values.
#[test]
fn text_values_refuse_control_characters() {
    for value in [json!("i\u{0}x"), json!(["gold", "\u{7}"])] {
        let got = refused(json!({"combinator": "and", "rules": [
            {"field": "name", "operator": "in", "value": value}]}));
        assert_eq!(
            got,
            vec![(
                "/rules/0/value".to_owned(),
                "must not contain control characters".to_owned()
            )]
        );
    }
    ok(json!({"combinator": "and", "rules": [
        {"field": "name", "operator": "contains", "value": "a\tb\nc"}]}));
}

#[test]
fn explains_which_operators_a_field_takes() {
    let errors =
        refused(json!({"rules": [{"field": "city", "operator": "older_than_days", "value": 3}]}));
    assert!(
        errors[0].1.contains("contains") && errors[0].1.contains("in"),
        "{errors:?}"
    );
}

#[test]
fn limits_depth_and_size() {
    let mut deep = json!({"field": "name", "operator": "contains", "value": "a"});
    for _ in 0..MAX_DEPTH {
        deep = json!({"combinator": "and", "rules": [deep]});
    }
    ok(deep.clone());
    let deeper = json!({"combinator": "and", "rules": [deep]});
    assert!(refused(deeper)[0].1.contains("deeper"));

    let many: Vec<Value> = (0..=MAX_CONDITIONS)
        .map(|i| json!({"field": "order_count", "operator": "=", "value": i}))
        .collect();
    let errors = refused(json!({"combinator": "or", "rules": many}));
    assert_eq!(
        errors,
        vec![(
            "/".to_owned(),
            format!(
                "{} conditions; at most {MAX_CONDITIONS} are allowed",
                MAX_CONDITIONS + 1
            )
        )]
    );
}

#[test]
fn refuses_what_is_not_a_group() {
    assert_eq!(paths(json!([])), vec!["/"]);
    assert_eq!(paths(json!({"combinator": "and"})), vec!["/rules"]);
    assert_eq!(paths(json!({"rules": [1]})), vec!["/rules/0"]);
}

#[test]
fn the_catalogue_is_closed_and_complete() {
    let specs = catalogue();
    assert_eq!(specs.len(), Field::ALL.len());
    let names: std::collections::HashSet<&str> = specs.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), specs.len(), "every field has its own name");
    for spec in &specs {
        assert_eq!(
            Field::parse(spec.name).map(Field::spec).map(|s| s.name),
            Some(spec.name)
        );
        assert!(!spec.operators.is_empty());
    }
    let json = serde_json::to_value(Field::LastOrderAt.spec()).unwrap();
    assert_eq!(json["type"], "date");
    assert!(json["operators"]
        .as_array()
        .unwrap()
        .contains(&json!("older_than_days")));
    assert!(json["note"].as_str().unwrap().contains("never ordered"));
}

#[test]
fn a_combinator_is_and_or_or_in_any_case() {
    assert_eq!(
        ok(json!({"combinator": "Or", "rules": [{"field": "email", "operator": "is_null"}]}))
            .combinator,
        Combinator::Or
    );
    assert_eq!(
        ok(json!({"combinator": null, "rules": [{"field": "email", "operator": "is_null"}]}))
            .combinator,
        Combinator::And
    );
    for bad in [json!(-58800), json!(true), json!(["and"]), json!("xor")] {
        let tree = json!({"rules": [{"combinator": bad, "rules": [{"field": "email", "operator": "is_null"}]}]});
        let errors = parse(&tree, Currency::INR).unwrap_err();
        assert_eq!(errors[0].path, "/rules/0/combinator", "{bad}");
    }
}
