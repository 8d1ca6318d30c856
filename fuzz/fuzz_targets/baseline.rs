//! Baseline file parsing; a baseline that parses then filters findings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::baseline::Baseline;
use mtlint::finding::{Category, Finding, Severity};
use std::path::Path;

fuzz_target!(|input: &str| {
    let Ok(b) = Baseline::parse(Path::new("mtlint-baseline.json"), input) else {
        return;
    };
    let f = Finding {
        article: "a".into(),
        line: 1,
        column: 1,
        start: 0,
        end: 3,
        category: Category::Repetition,
        rule: "repetition.doubled-word".into(),
        severity: Severity::Minor,
        confidence: 0.9,
        span: "the the".into(),
        suggestion: None,
        explanation: String::new(),
        sentence: "the the".into(),
    };
    assert!(b.new_findings(vec![f.clone(), f]).len() <= 2);
});
