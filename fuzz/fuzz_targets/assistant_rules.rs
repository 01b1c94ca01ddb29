//! The assistant's plain-language rule parser on any prompt and any day: it never panics; what it
//! understood is a rule tree the API's validator accepts, which compiles and counts like the
//! reference; what it did not understand is reported verbatim, taken from the prompt.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use minicrm_assistant::local::rules::parse;
use minicrm_domain::{rules, Currency};
use minicrm_fuzz::{oracle, sqlite::Fixture, NOW};
use std::cell::RefCell;

thread_local! {
    static AUDIENCE: RefCell<(Fixture, Vec<minicrm_fuzz::evaluator::Customer>)> = RefCell::new({
        let people = oracle::sample_people();
        let mut fixture = Fixture::new();
        fixture.load(&people);
        (fixture, people)
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((day, text)) = data.split_first() else {
        return;
    };
    let prompt = String::from_utf8_lossy(text);
    // The API refuses longer prompts.
    if prompt.chars().count() > 1_000 {
        return;
    }
    // Any day from 1990 to 2060, hour by hour: calendar words land on month and year ends.
    let hours = i64::from(*day) * 2_437 + i64::from(text.len() as u8) * 11;
    let now =
        DateTime::<Utc>::from_timestamp_millis(NOW - 36 * 365 * 86_400_000 + hours * 3_600_000)
            .expect("in range");
    let parsed = parse(&prompt, now);
    for phrase in &parsed.unrecognised {
        assert!(
            !phrase.trim().is_empty(),
            "a blank unrecognised phrase: {parsed:?}"
        );
        assert!(
            prompt.contains(phrase.as_str()),
            "'{phrase}' is not in the prompt: {parsed:?}"
        );
    }
    let Some(json) = &parsed.rules else {
        assert!(
            parsed.explanation.is_empty(),
            "explained nothing: {parsed:?}"
        );
        return;
    };
    assert!(
        !parsed.explanation.is_empty(),
        "rules without an explanation: {parsed:?}"
    );
    let group = rules::parse(json, Currency::INR)
        .unwrap_or_else(|e| panic!("the API would refuse {json}: {e:?}"));
    AUDIENCE.with_borrow(|(fixture, people)| oracle::check(fixture, &group, people));
});
