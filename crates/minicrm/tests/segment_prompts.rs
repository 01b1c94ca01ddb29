//! The evaluation of the local plain-language parser: every prompt of
//! `crates/assistant/eval/segment_prompts.json` is parsed, and judged right when its rules select
//! exactly the customers its expected rules select on a fixed seeded dataset (audience equality, not
//! string equality). Prints the accuracy and every miss; fails under 90 %.

use minicrm::seed::{self, SeedOptions};
use minicrm_domain::{rules, Currency, Timestamp};
use minicrm_store::{Db, DbOptions};
use serde_json::Value;

const EVAL: &str = include_str!("../../assistant/eval/segment_prompts.json");

async fn audience(db: &Db, json: &Value, now: Timestamp) -> Result<Vec<i64>, String> {
    let group = rules::parse(json, Currency::INR).map_err(|e| format!("invalid rules: {e:?}"))?;
    let mut tx = db.begin().await.unwrap();
    let ids = minicrm_audience::audience(&mut tx, &group, now)
        .await
        .map_err(|e| e.to_string())?;
    tx.rollback().await.unwrap();
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_parser_finds_the_audience_marketers_mean() {
    let eval: Value = serde_json::from_str(EVAL).unwrap();
    let now_text = eval["now"].as_str().unwrap();
    let now = Timestamp::parse(now_text).unwrap();
    let now_utc = chrono::DateTime::parse_from_rfc3339(now_text)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("eval.db").display());
    let db = minicrm::app::open_db(&DbOptions::new(url)).await.unwrap();
    seed::run(
        &db,
        &SeedOptions {
            customers: 4_000,
            orders: 16_000,
            seed: 11,
            now_ms: now.millis(),
        },
    )
    .await
    .unwrap();

    let cases = eval["cases"].as_array().unwrap();
    assert!(cases.len() >= 80, "at least 80 prompts");
    let mut right = 0;
    let mut misses = Vec::new();
    let mut trivial = 0;
    for case in cases {
        let prompt = case["prompt"].as_str().unwrap();
        let expected = audience(&db, &case["rules"], now)
            .await
            .unwrap_or_else(|e| panic!("the expected rules of {prompt:?}: {e}"));
        if expected.is_empty() || expected.len() == 4_000 {
            trivial += 1;
        }
        let parsed = minicrm_assistant::local::rules::parse(prompt, now_utc);
        let verdict = match &parsed.rules {
            None => Err("nothing understood".to_owned()),
            Some(rules) => match audience(&db, rules, now).await {
                Ok(ids) if ids == expected => Ok(()),
                Ok(ids) => Err(format!(
                    "{} customers instead of {}: {rules}",
                    ids.len(),
                    expected.len()
                )),
                Err(e) => Err(e),
            },
        };
        match verdict {
            Ok(()) => right += 1,
            Err(why) => misses.push(format!(
                "  {prompt:?}: {why} (unrecognised: {:?})",
                parsed.unrecognised
            )),
        }
    }
    let accuracy = right as f64 / cases.len() as f64;
    println!(
        "segment prompts: {right}/{} right ({:.1} %)",
        cases.len(),
        accuracy * 100.0
    );
    for miss in &misses {
        println!("{miss}");
    }
    assert!(
        trivial * 10 < cases.len(),
        "{trivial} expected audiences are empty or everyone: the dataset does not tell rules apart"
    );
    assert!(
        accuracy >= 0.9,
        "accuracy {:.1} % is under 90 %:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
