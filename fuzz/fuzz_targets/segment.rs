//! Segmentation: paragraphs, sentences, tokens and match words on boundaries, in order.
//! The invariants live in `tests/common/fuzz_checks.rs`, shared with the regression tests.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../../tests/common/fuzz_checks.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|input: &str| fuzz_checks::segment(input));
