//! AI assistance over HTTP with the local provider, on seeded data: plain language to rules that the
//! preview accepts, message variants that campaigns accept, the send-time peak `minicrm seed` planted,
//! and a summary whose every number matches the database.

use crate::helpers::{spawn_app, Backend, TestApp};
use minicrm::seed::{self, SeedOptions};
use minicrm_domain::Timestamp;
use minicrm_store::on_read;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

crate::on_every_backend!(assistance_works_on_seeded_data);

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let response = app.post_json(path, key, &body).await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn assistance_works_on_seeded_data(backend: Backend) {
    let app = spawn_app(&backend).await;
    seed::run(
        &app.db,
        &SeedOptions {
            customers: 3_000,
            orders: 15_000,
            seed: 5,
            now_ms: Timestamp::now().millis(),
        },
    )
    .await
    .unwrap();
    let key = app.admin_key.clone();

    // Which provider answers.
    let provider = app.get_json("/api/v1/ai/provider").await;
    assert_eq!(provider["provider"], "local");

    // Plain language → rules the preview takes as they are.
    let (status, answer) = post(
        &app,
        "/api/v1/ai/segment-rules",
        &key,
        json!({"prompt": "customers from Mumbai who spent over ₹5K and pineapple"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["provider"], "local");
    assert!(
        !answer["explanation"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    assert!(
        answer["unrecognised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u.as_str().unwrap().contains("pineapple")),
        "an unknown phrase is reported, not dropped: {answer}"
    );
    let (status, preview) = post(
        &app,
        "/api/v1/segments/preview",
        &key,
        json!({"rules": answer["rules"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview["count"].as_i64().unwrap() > 0, "{preview}");
    let (status, problem) = post(
        &app,
        "/api/v1/ai/segment-rules",
        &key,
        json!({"prompt": "  "}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "prompt");
    let (status, _) = post(
        &app,
        "/api/v1/ai/segment-rules",
        &app.read_key,
        json!({"prompt": "gold members"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "composing needs the write scope"
    );

    // Message variants that a campaign accepts as they are.
    let rules = json!({"combinator": "and", "rules": [{"field": "city", "operator": "=", "value": "Mumbai"}]});
    for channel in ["sms", "email", "whatsapp"] {
        let (status, answer) = post(&app, "/api/v1/ai/messages", &key, json!({"objective": "win back lapsed buyers", "channel": channel, "tone": "friendly", "rules": rules})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let variants = answer["variants"].as_array().unwrap();
        assert_eq!(variants.len(), 3);
        for v in variants {
            if channel == "sms" {
                assert!(v["max_chars"].as_u64().unwrap() <= 160, "{v}");
            }
            let mut campaign = json!({"name": format!("draft {channel}"), "rules": rules, "channel": channel, "message": v["message"],
                "send_at": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()});
            if channel == "email" {
                campaign["subject"] = v["subject"].clone();
            }
            let (status, made) = post(&app, "/api/v1/campaigns", &key, campaign).await;
            assert_eq!(status, StatusCode::CREATED, "{made}");
            assert!(
                made["tags"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("city-targeted")),
                "auto-tags: {made}"
            );
            let id = made["id"].as_str().unwrap();
            let (status, _) = post(
                &app,
                &format!("/api/v1/campaigns/{id}/cancel"),
                &key,
                json!({}),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
    }
    let (status, problem) = post(
        &app,
        "/api/v1/ai/messages",
        &key,
        json!({"objective": "sale", "channel": "fax"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "channel");

    // Send time: Mumbai's planted evening peak (19:00–22:59 IST), with confidence; a tiny audience
    // borrows the whole base's week.
    let (status, mumbai) = post(&app, "/api/v1/ai/send-time", &key, json!({"rules": rules})).await;
    assert_eq!(status, StatusCode::OK, "{mumbai}");
    assert_eq!(mumbai["basis"], "audience");
    let best = &mumbai["recommended"][0];
    let hour = best["hour"].as_u64().unwrap();
    assert!(
        (19..=22).contains(&hour),
        "the planted evening peak: {mumbai}"
    );
    assert!(mumbai["confidence"].as_f64().unwrap() > 0.4, "{mumbai}");
    let histogram = mumbai["histogram"].as_array().unwrap();
    assert_eq!(
        (histogram.len(), histogram[0].as_array().unwrap().len()),
        (7, 24)
    );
    let tiny = json!({"combinator": "and", "rules": [{"field": "name", "operator": "=", "value": "nobody at all"}]});
    let (_, fallback) = post(&app, "/api/v1/ai/send-time", &key, json!({"rules": tiny})).await;
    assert_eq!(fallback["basis"], "all_customers");
    assert!(fallback["confidence"].as_f64().unwrap() < mumbai["confidence"].as_f64().unwrap());
    // … and a campaign scheduled at the recommended time.
    let (status, scheduled) = post(
        &app,
        "/api/v1/campaigns",
        &key,
        json!({"name": "At the best time", "rules": rules, "channel": "sms",
        "message": "Hi {{first_name | default: \"there\"}}", "send_at": best["next_at"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{scheduled}");
    assert_eq!(scheduled["status"], "scheduled");
    let id = scheduled["id"].as_str().unwrap();
    post(
        &app,
        &format!("/api/v1/campaigns/{id}/cancel"),
        &key,
        json!({}),
    )
    .await;

    // A campaign run to the end, and its summary: every number matches the database.
    let (status, campaign) = post(&app, "/api/v1/campaigns", &key, json!({"name": "Festive 2026", "rules": json!({"combinator": "and", "rules": [{"field": "order_count", "operator": ">=", "value": 1}]}),
        "channel": "sms", "objective": "festive sale", "message": "Hi {{first_name | default: \"there\"}}, our festive sale is on!"})).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert!(campaign["tags"]
        .as_array()
        .unwrap()
        .contains(&json!("festive")));
    let id = campaign["id"].as_str().unwrap().to_owned();
    let mut done = Value::Null;
    for _ in 0..600 {
        done = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
        let s = &done["stats"];
        if done["status"] == "completed" && s["queued"] == 0 && s["sent"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["status"], "completed", "{done}");
    let summary = app
        .get_json(&format!("/api/v1/campaigns/{id}/summary"))
        .await;
    assert_eq!(summary["provider"], "local");
    let facts = &summary["facts"];
    let db_count = |status: &'static str| {
        let id = id.clone();
        let db = app.db.clone();
        async move {
            let n: i64 = on_read!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM communication_log WHERE campaign_id = $1 AND status = $2")
                .bind(&id).bind(status).fetch_one(p).await).unwrap();
            n
        }
    };
    let delivered = db_count("delivered").await;
    let failed = db_count("failed").await;
    assert_eq!(facts["delivered"], delivered);
    assert_eq!(facts["failed"], failed);
    let rate = (delivered as f64 * 1000.0 / (delivered + failed) as f64).round() / 10.0;
    assert_eq!(facts["delivery_rate"].as_f64().unwrap(), rate);
    let reasons: Vec<(Option<String>, i64)> = on_read!(&app.db, p => sqlx::query_as(
        "SELECT failure_reason, COUNT(*) FROM communication_log WHERE campaign_id = $1 AND status = 'failed' GROUP BY failure_reason ORDER BY 2 DESC, 1")
        .bind(&id).fetch_all(p).await).unwrap();
    let listed: Vec<(String, i64)> = facts["failure_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap().to_owned(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        reasons
            .into_iter()
            .map(|(r, n)| (r.unwrap_or_else(|| "unknown".into()), n))
            .collect::<Vec<_>>()
    );
    for slice in facts["better"]
        .as_array()
        .unwrap()
        .iter()
        .chain(facts["worse"].as_array().unwrap())
    {
        if slice["dimension"] == "city" {
            let city = slice["key"].as_str().unwrap().to_owned();
            let n: i64 = on_read!(&app.db, p => sqlx::query_scalar(
                "SELECT COUNT(*) FROM communication_log l JOIN customers c ON c.id = l.customer_id WHERE l.campaign_id = $1 AND COALESCE(c.city, '') = $2 AND l.status = 'delivered'")
                .bind(&id).bind(&city).fetch_one(p).await).unwrap();
            assert_eq!(slice["delivered"], n, "{slice}");
        }
    }
    let text = summary["text"].as_str().unwrap();
    println!("summary: {text}");
    let parsed: minicrm_assistant::local::summary::Facts =
        serde_json::from_value(facts.clone()).unwrap();
    let unfounded = minicrm_assistant::local::summary::unfounded(text, &parsed);
    assert!(
        unfounded.is_empty(),
        "numbers in the text that are not facts {unfounded:?}: {text}"
    );
    assert!(text.contains(&format!("{rate:.1} %")), "{text}");

    // Its delivery over time: running totals that end at the database's counts.
    let timeline = app
        .get_json(&format!("/api/v1/campaigns/{id}/timeline"))
        .await;
    let points = timeline["points"].as_array().unwrap();
    assert!(!points.is_empty() && points.len() <= 61, "{timeline}");
    let last = points.last().unwrap();
    assert_eq!(
        (
            last["delivered"].as_i64().unwrap(),
            last["failed"].as_i64().unwrap()
        ),
        (delivered, failed)
    );
    assert!(
        points
            .windows(2)
            .all(|w| w[0]["sent"].as_i64() <= w[1]["sent"].as_i64()),
        "running totals"
    );
    app.stop().await;
}
