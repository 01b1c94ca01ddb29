//! Structured segment rules over a structured audience: a tree valid by construction must parse; it
//! compiles for both backends; on SQLite, loaded with the same customers, it counts what the
//! reference evaluator counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minicrm_domain::rules;
use minicrm_domain::Currency;
use minicrm_fuzz::oracle;
use minicrm_fuzz::sqlite::Fixture;
use minicrm_fuzz::tree::{GroupSpec, PersonSpec};
use std::cell::RefCell;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    people: Vec<PersonSpec>,
    rules: GroupSpec,
}

thread_local! {
    static FIXTURE: RefCell<Fixture> = RefCell::new(Fixture::new());
}

fuzz_target!(|input: Input| {
    let json = input.rules.to_json();
    let group = rules::parse(&json, Currency::INR)
        .unwrap_or_else(|e| panic!("a valid tree is refused: {e:?}\n{json:#}"));
    let people: Vec<_> = input
        .people
        .iter()
        .take(8)
        .map(PersonSpec::customer)
        .collect();
    FIXTURE.with_borrow_mut(|fixture| {
        fixture.load(&people);
        oracle::check(fixture, &group, &people);
    });
});
