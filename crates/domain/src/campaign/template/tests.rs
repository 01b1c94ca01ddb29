use super::*;

fn asha() -> Recipient<'static> {
    Recipient {
        name: "Asha Verma",
        city: Some("Pune"),
        email: None,
        total_spend_minor: 12_450_050,
        currency: Some(Currency::INR),
        order_count: 3,
        last_order_at: Some(1_741_000_000_000),
    }
}

#[test]
fn renders_variables_and_fallbacks() {
    let t = MessageTemplate::parse(
        "Hi {{first_name | default: \"there\"}} from {{ city }}! You spent {{total_spend}} over {{order_count}} orders, last {{last_order_date}}.",
    )
    .unwrap();
    assert_eq!(
        t.render(&asha()).unwrap(),
        "Hi Asha from Pune! You spent ₹1,24,500.50 over 3 orders, last 3 Mar 2025."
    );
    let nobody = Recipient {
        name: "  ",
        ..Recipient::default()
    };
    let t = MessageTemplate::parse("Hi {{first_name | default: \"there\"}}{{city}}!").unwrap();
    assert_eq!(t.render(&nobody).unwrap(), "Hi there!");
}

#[test]
fn an_unknown_variable_is_named_wherever_it_hides() {
    for source in [
        "Hi {{frist_name}}",
        "{% if city %}{{coupon}}{% endif %}",
        "{% if city == nil %}{{coupon | default: \"x\"}}{% endif %}",
    ] {
        let error = MessageTemplate::parse(source).unwrap_err();
        assert!(
            matches!(&error, TemplateError::UnknownVariable(v) if v == "frist_name" || v == "coupon"),
            "{source}: {error:?}"
        );
    }
}

#[test]
fn refuses_empty_long_and_broken_templates() {
    assert_eq!(
        MessageTemplate::parse(" ").unwrap_err(),
        TemplateError::Empty
    );
    assert_eq!(
        MessageTemplate::parse(&"x".repeat(MAX_TEMPLATE_CHARS + 1)).unwrap_err(),
        TemplateError::TooLong
    );
    assert!(matches!(
        MessageTemplate::parse("Hi {{ first_name ").unwrap_err(),
        TemplateError::Syntax(_)
    ));
    assert!(matches!(
        MessageTemplate::parse("{% bogus %}").unwrap_err(),
        TemplateError::Syntax(_)
    ));
}

/// Found by fuzzing: each of these ran for minutes, filled memory or panicked (overflow) when the
/// campaign was created; the message language leaves out what they need.
#[test]
fn refuses_loops_state_arithmetic_and_repeating_filters() {
    let doubling = "{% assign a = name | append: name %}".to_owned()
        + &"{% assign a = a | append: a %}".repeat(60);
    for source in [
        "{% for i in (1..3000000) %}{% endfor %}",
        "{% tablerow i in (1..9) %}{{ i }}{% endtablerow %}",
        doubling.as_str(),
        "{% capture a %}{{ name }}{% endcapture %}",
        "{% increment n %}",
        "{{ name | replace: \"a\", \"aa\" | replace: \"a\", \"aa\" }}",
        "{{ name | split: \"\" | join: \"xx\" }}",
        "{{ order_count | times: 9223372036854775807 }}",
        "{{ -9223372036854775808 | divided_by: -1 }}",
    ] {
        assert!(
            matches!(
                MessageTemplate::parse(source),
                Err(TemplateError::Syntax(_))
            ),
            "{source}"
        );
    }
    let t = MessageTemplate::parse(
        "{% unless city %}Hi{% endunless %}{% case city %}{% when \"Pune\" %}P{% else %}{{ city | upcase | truncate: 3 }}{% endcase %}{% comment %}x{% endcomment %}{% raw %}{{{% endraw %} {{ name | replace_first: \"Asha\", \"A.\" | url_encode }}",
    )
    .unwrap();
    assert_eq!(t.render(&asha()).unwrap(), "P{{ A.%20Verma");
}

#[test]
fn parse_errors_read_as_sentences() {
    let error = |source: &str| match MessageTemplate::parse(source) {
        Err(TemplateError::Syntax(e)) => e,
        other => panic!("{source}: {other:?}"),
    };
    let e = error("{% for i in (1..2) %}{{ i }}{% endfor %}");
    assert!(
        e.starts_with("the tag 'for' is not available in messages")
            && e.ends_with("available: case, comment, if, raw, unless"),
        "{e}"
    );
    let e = error("{{ name | replace: \"a\", \"b\" }}");
    assert!(
        e.starts_with("the filter 'replace' is not available in messages")
            && e.contains("available: append, at_least,"),
        "{e}"
    );
    assert_eq!(
        error("Hi {% if city %}there"),
        "line 1, column 22: Unclosed block. {% endif %} tag expected."
    );
}

/// Found by fuzzing: liquid-core panicked on an integer literal beyond i64.
#[test]
fn refuses_an_integer_too_large_for_liquid() {
    for source in [
        "{{66666666666666666666666666666-}}",
        "{% for i in (1..99999999999999999999) %}x{% endfor %}",
        "{{ order_count | plus: -9223372036854775809 }}",
    ] {
        assert!(
            matches!(
                MessageTemplate::parse(source),
                Err(TemplateError::Syntax(_))
            ),
            "{source}"
        );
    }
    for source in [
        "Call 99999999999999999999 today, {{ first_name }}",
        "{{ \"99999999999999999999\" }} {{ order_count | at_least: -9223372036854775808 }}",
        "{{ 1.99999999999999999999 | round }}{% if order_count > 3 %}{% endif %}",
    ] {
        assert!(MessageTemplate::parse(source).is_ok(), "{source}");
    }
}

#[test]
fn formats_amounts_for_their_readers() {
    assert_eq!(format_amount(12_450_000, Currency::INR), "₹1,24,500");
    assert_eq!(format_amount(49_950, Currency::INR), "₹499.50");
    assert_eq!(format_amount(0, Currency::INR), "₹0");
    assert_eq!(format_amount(1_234_567_800, Currency::INR), "₹1,23,45,678");
    let usd = Currency::parse("USD").unwrap();
    assert_eq!(format_amount(120_000, usd), "USD 1,200");
    assert_eq!(format_amount(123_456_789, usd), "USD 1,234,567.89");
}
