//! Model files (`mtlint check --model FILE`): header, checksum, tables and look-ups.
//! The invariants live in `tests/common/fuzz_checks.rs`, shared with the regression tests.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../../tests/common/fuzz_checks.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::model(data));
