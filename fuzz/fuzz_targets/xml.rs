//! XML inputs: the same bytes as an RSS/Atom feed, XLIFF, TMX and an `.xml` file told by its root.
//! The invariants live in `tests/common/fuzz_checks.rs`, shared with the regression tests.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../../tests/common/fuzz_checks.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::xml(data));
