//! What the fuzz targets share: the segment-rule oracle (compile for both backends, count on an
//! in-memory SQLite database built from the real migrations, compare with the reference evaluator of
//! the segment property tests) and the structured rule trees that reach deep into valid rules.

pub mod oracle;
pub mod sqlite;
pub mod tree;

/// The reference evaluator of `crates/audience/tests/reference`, shared rather than copied, so that the
/// fuzzer and the property tests hold the compiler to the same meaning.
#[path = "../../crates/audience/tests/reference/evaluator.rs"]
pub mod evaluator;

/// The moment every case is evaluated at: 2026-06-01T00:00:00Z, as in the property tests.
pub const NOW: i64 = 1_780_272_000_000;
