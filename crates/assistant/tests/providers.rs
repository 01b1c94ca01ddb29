//! The remote providers against wiremock stand-ins for the Gemini and OpenAI APIs: a valid answer is
//! used; invalid JSON, rules that break the schema, a timeout and repeated 429s fall back to the local
//! provider and say why; one 429 or timeout is retried once.

use minicrm_assistant::{AiSettings, Assistant};
use minicrm_domain::Currency;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROMPT: &str = "customers from Pune who spent over 5k";

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-06-15T06:30:00Z".parse().unwrap()
}

fn assistant(provider: &str, server: &MockServer, timeout: Duration) -> Assistant {
    Assistant::new(&AiSettings {
        provider: provider.into(),
        api_key: Some("test-key".into()),
        base_url: Some(server.uri()),
        model: Some("test-model".into()),
        timeout,
    })
    .unwrap()
}

/// The body each vendor wraps a model's text in.
fn wrapped(provider: &str, text: &str) -> Value {
    match provider {
        "gemini" => {
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}}]})
        }
        _ => json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}),
    }
}

fn endpoint(provider: &str) -> &'static str {
    match provider {
        "gemini" => "/models/test-model:generateContent",
        _ => "/chat/completions",
    }
}

fn good_answer() -> String {
    json!({
        "rules_json": json!({"combinator": "and", "rules": [
            {"field": "city", "operator": "=", "value": "Pune"},
            {"field": "total_spend", "operator": ">", "value": 5000}
        ]}).to_string(),
        "explanation": ["city is Pune", "total spend over ₹5,000"],
        "unrecognised": []
    })
    .to_string()
}

async fn mock(server: &MockServer, provider: &str, response: ResponseTemplate, times: u64) {
    let auth = match provider {
        "gemini" => header("x-goog-api-key", "test-key"),
        _ => header("authorization", "Bearer test-key"),
    };
    Mock::given(method("POST"))
        .and(path(endpoint(provider)))
        .and(auth)
        .respond_with(response)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_valid_answer_is_used_and_named() {
    for provider in ["gemini", "openai"] {
        let server = MockServer::start().await;
        mock(
            &server,
            provider,
            ResponseTemplate::new(200).set_body_json(wrapped(provider, &good_answer())),
            1,
        )
        .await;
        let answer = assistant(provider, &server, Duration::from_secs(5))
            .segment_rules(PROMPT, now(), Currency::INR)
            .await;
        assert_eq!(answer.provider, provider);
        assert_eq!(answer.fallback, None);
        assert_eq!(answer.rules.unwrap()["rules"][1]["value"], 5000);
        assert_eq!(answer.explanation.len(), 2);
        // The request carried the JSON schema the vendor expects.
        let request: Value = server.received_requests().await.unwrap()[0]
            .body_json()
            .unwrap();
        match provider {
            "gemini" => {
                assert_eq!(
                    request["generationConfig"]["responseMimeType"],
                    "application/json"
                );
                assert!(
                    request["generationConfig"]["responseSchema"]["properties"]["rules_json"]
                        .is_object()
                );
            }
            _ => {
                assert_eq!(request["model"], "test-model");
                assert_eq!(request["response_format"]["type"], "json_schema");
                assert_eq!(request["response_format"]["json_schema"]["strict"], true);
            }
        }
    }
}

async fn falls_back(
    provider: &str,
    response: ResponseTemplate,
    calls: u64,
    timeout: Duration,
    why: &str,
) {
    let server = MockServer::start().await;
    mock(&server, provider, response, calls).await;
    let answer = assistant(provider, &server, timeout)
        .segment_rules(PROMPT, now(), Currency::INR)
        .await;
    assert_eq!(answer.provider, "local", "{provider}: {why}");
    let reason = answer.fallback.expect("says why");
    assert!(reason.contains(why), "{provider}: {reason}");
    assert!(
        answer.rules.is_some(),
        "{provider}: the local parser answered"
    );
    server.verify().await;
}

#[tokio::test]
async fn invalid_json_falls_back_to_local() {
    for provider in ["gemini", "openai"] {
        let response = ResponseTemplate::new(200)
            .set_body_json(wrapped(provider, "{\"rules_json\": \"{not json"));
        falls_back(
            provider,
            response,
            1,
            Duration::from_secs(5),
            "not the JSON asked for",
        )
        .await;
    }
}

#[tokio::test]
async fn rules_that_break_the_schema_fall_back_to_local() {
    for provider in ["gemini", "openai"] {
        let text = json!({
            "rules_json": json!({"combinator": "and", "rules": [{"field": "password", "operator": "=", "value": "x"}]}).to_string(),
            "explanation": [], "unrecognised": []
        })
        .to_string();
        let response = ResponseTemplate::new(200).set_body_json(wrapped(provider, &text));
        falls_back(
            provider,
            response,
            1,
            Duration::from_secs(5),
            "break the schema",
        )
        .await;
    }
}

#[tokio::test]
async fn timeouts_are_retried_once_then_fall_back() {
    for provider in ["gemini", "openai"] {
        let slow = ResponseTemplate::new(200)
            .set_body_json(wrapped(provider, &good_answer()))
            .set_delay(Duration::from_millis(800));
        falls_back(
            provider,
            slow,
            2,
            Duration::from_millis(200),
            "did not answer within",
        )
        .await;
    }
}

#[tokio::test]
async fn rate_limits_are_retried_once_then_fall_back() {
    for provider in ["gemini", "openai"] {
        let limited = ResponseTemplate::new(429).set_body_string("{\"error\": \"rate limited\"}");
        falls_back(provider, limited, 2, Duration::from_secs(5), "429").await;
    }
}

#[tokio::test]
async fn one_rate_limit_then_an_answer_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(endpoint("openai")))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(endpoint("openai")))
        .respond_with(ResponseTemplate::new(200).set_body_json(wrapped("openai", &good_answer())))
        .mount(&server)
        .await;
    let answer = assistant("openai", &server, Duration::from_secs(5))
        .segment_rules(PROMPT, now(), Currency::INR)
        .await;
    assert_eq!(answer.provider, "openai");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[test]
fn settings_are_checked() {
    let mut s = AiSettings::default();
    assert!(s.model().unwrap().is_none(), "local by default");
    s.provider = "claude".into();
    assert!(s.model().is_err());
    s.provider = "gemini".into();
    assert!(s.model().is_err(), "gemini needs a key");
    s.provider = "openai".into();
    s.base_url = Some("http://127.0.0.1:11434/v1".into());
    assert!(
        s.model().unwrap().is_some(),
        "a local OpenAI-compatible server needs no key"
    );
}

#[tokio::test]
async fn message_variants_from_a_model_are_checked_like_local_ones() {
    use minicrm_domain::campaign::Channel;
    let variants = |messages: [&str; 3]| {
        json!({"variants": messages.iter().enumerate().map(|(i, m)| json!({"angle": format!("angle {i}"), "subject": "", "message": m})).collect::<Vec<_>>()}).to_string()
    };
    let good = variants([
        "Hi {{first_name | default: \"there\"}}, 10% off today.",
        "New in store for you!",
        "Last day of the sale.",
    ]);
    let too_long = variants([
        "Hi {{name | default: \"there\"}}! ".repeat(12).as_str(),
        "b",
        "c",
    ]);
    let unknown = variants(["Hi {{password}}", "b", "c"]);
    for provider in ["gemini", "openai"] {
        let server = MockServer::start().await;
        mock(
            &server,
            provider,
            ResponseTemplate::new(200).set_body_json(wrapped(provider, &good)),
            1,
        )
        .await;
        let answer = assistant(provider, &server, Duration::from_secs(5))
            .messages("festive sale", Channel::Sms, None, &[])
            .await;
        assert_eq!((answer.provider, answer.variants.len()), (provider, 3));
        for (bad, why) in [(&too_long, "160"), (&unknown, "password")] {
            let server = MockServer::start().await;
            mock(
                &server,
                provider,
                ResponseTemplate::new(200).set_body_json(wrapped(provider, bad)),
                1,
            )
            .await;
            let answer = assistant(provider, &server, Duration::from_secs(5))
                .messages("festive sale", Channel::Sms, None, &[])
                .await;
            assert_eq!(answer.provider, "local");
            assert!(
                answer.fallback.as_deref().unwrap().contains(why),
                "{:?}",
                answer.fallback
            );
            assert_eq!(answer.variants.len(), 3);
        }
    }
}

#[tokio::test]
async fn a_model_summary_may_only_use_numbers_from_the_facts() {
    use minicrm_assistant::local::summary::{facts, Campaign};
    let campaign = Campaign {
        name: "Diwali".into(),
        channel: "sms".into(),
        status: "completed".into(),
        audience: 1000,
        sent: 1000,
        delivered: 900,
        failed: 100,
        pending: 0,
    };
    for provider in ["gemini", "openai"] {
        for (text, used) in [
            (
                "Diwali reached 1,000 people; 900 were delivered (90.0 %).",
                true,
            ),
            (
                "Diwali reached 1,000 people and delivered 95 % of them.",
                false,
            ),
        ] {
            let server = MockServer::start().await;
            let body = json!({"text": text}).to_string();
            mock(
                &server,
                provider,
                ResponseTemplate::new(200).set_body_json(wrapped(provider, &body)),
                1,
            )
            .await;
            let summary = assistant(provider, &server, Duration::from_secs(5))
                .summary(facts(&campaign, &[], &[], &[]))
                .await;
            if used {
                assert_eq!((summary.provider, summary.text.as_str()), (provider, text));
            } else {
                assert_eq!(summary.provider, "local");
                assert!(summary.fallback.unwrap().contains("95"));
                assert!(summary.text.contains("90.0 %"));
            }
        }
    }
}
