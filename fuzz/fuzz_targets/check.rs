//! The whole checker on arbitrary text, every detector on: findings point into the original,
//! line and column agree with the offset, and a second run gives the same result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::check::{Checker, Selection};
use mtlint::detect::{DETECTOR_IDS, Resources};
use mtlint::ingest::Article;
use mtlint::score::Thresholds;
use std::sync::OnceLock;

fn checker() -> &'static Checker {
    static RES: OnceLock<Resources> = OnceLock::new();
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let res = RES.get_or_init(|| Resources::load(&[]).expect("embedded resources"));
        let all: Vec<String> = DETECTOR_IDS.iter().map(|s| s.to_string()).collect();
        let sel = Selection::parse(&all, &[]).expect("known detectors");
        Checker::new(res, sel, Thresholds::default())
    })
}

/// Line and column as `Finding` defines them: lines end at `\n` or a lone `\r`; the column
/// counts characters from the line start, 1-based.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut line, mut line_start) = (1, 0);
    for i in 0..offset {
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, text[line_start..offset].chars().count() + 1)
}

fuzz_target!(|input: &str| {
    let article = Article {
        id: "fuzz".into(),
        text: input.into(),
        ..Default::default()
    };
    let checked = checker().check(&article, "fuzz");
    for f in &checked.findings {
        assert!(f.start <= f.end && f.end <= input.len(), "{f:?}");
        assert!(
            input.is_char_boundary(f.start) && input.is_char_boundary(f.end),
            "{f:?}"
        );
        assert_eq!(&input[f.start..f.end], f.span);
        assert_eq!(line_col(input, f.start), (f.line, f.column), "{f:?}");
        assert!(f.confidence.is_finite());
    }
    assert!(
        checked
            .findings
            .windows(2)
            .all(|w| w[0].start <= w[1].start)
    );
    assert!(checked.summary.score.is_finite());
    let mut csv = Vec::new();
    mtlint::report::write_findings_csv(&mut csv, &checked.findings).expect("CSV to memory");
    assert_eq!(checker().check(&article, "fuzz"), checked, "deterministic");
});
