//! Suppression comments: scanning arbitrary text never panics, and a finding at any character
//! boundary can be asked about.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::finding::{Category, Finding, Severity};
use mtlint::suppress::Suppressions;

fuzz_target!(|input: &str| {
    let s = Suppressions::scan(input);
    let mut f = Finding {
        article: "a".into(),
        line: 1,
        column: 1,
        start: 0,
        end: 0,
        category: Category::Typography,
        rule: "typography.unbalanced-quote".into(),
        severity: Severity::Minor,
        confidence: 0.9,
        span: String::new(),
        suggestion: None,
        explanation: String::new(),
        sentence: String::new(),
    };
    for (i, _) in input.char_indices().step_by(7) {
        (f.start, f.end) = (i, i);
        let _ = s.covers(&f);
    }
});
