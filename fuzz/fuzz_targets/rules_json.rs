//! Any bytes as a segment rule tree: the parser never panics, every error it reports points into the
//! input, and a tree it accepts compiles for both backends and counts on SQLite what the reference
//! evaluator counts on a fixed audience.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minicrm_domain::rules::{self, RuleError};
use minicrm_domain::Currency;
use minicrm_fuzz::{oracle, sqlite::Fixture};
use serde_json::Value;
use std::sync::OnceLock;

struct Audience {
    fixture: Fixture,
    people: Vec<minicrm_fuzz::evaluator::Customer>,
}

fn audience() -> &'static std::sync::Mutex<Audience> {
    static AUDIENCE: OnceLock<std::sync::Mutex<Audience>> = OnceLock::new();
    AUDIENCE.get_or_init(|| {
        let people = oracle::sample_people();
        let mut fixture = Fixture::new();
        fixture.load(&people);
        std::sync::Mutex::new(Audience { fixture, people })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    // Amounts read differently in a currency without a minor unit.
    let currency = match data.len() % 2 {
        0 => Currency::INR,
        _ => Currency::parse("JPY").expect("JPY is a currency"),
    };
    match rules::parse(&json, currency) {
        Ok(group) => {
            if currency == Currency::INR {
                let a = audience().lock().expect("one thread");
                oracle::check(&a.fixture, &group, &a.people);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without a reason");
            for e in &errors {
                points_into(&json, e);
            }
        }
    }
});

/// The error's JSON pointer names a place in the input: its parent exists, and an unknown key exists.
fn points_into(json: &Value, e: &RuleError) {
    if e.path == "/" {
        return;
    }
    assert!(e.path.starts_with('/'), "not a JSON pointer: {e:?}");
    let parent = &e.path[..e.path.rfind('/').expect("a slash")];
    assert!(
        json.pointer(parent).is_some(),
        "the parent of {e:?} is not in {json}"
    );
    if e.reason.starts_with("unknown key") && !e.path.ends_with("/value") {
        assert!(json.pointer(&e.path).is_some(), "{e:?} is not in {json}");
    }
}
