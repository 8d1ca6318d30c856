//! Replays, without the fuzzer and on stable Rust, every input a fuzz target once failed on
//! (`tests/fixtures/fuzz/<target>/`) and the seed corpora (`fuzz/seeds/`), through the same
//! invariants the targets check (`tests/common/fuzz_checks.rs`).

#[path = "common/fuzz_checks.rs"]
mod fuzz_checks;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files of a directory, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs a target's invariants on its regression inputs and on the given seed directories.
fn replay(target: &str, seeds: &[&str], run: impl Fn(&[u8])) -> usize {
    let mut inputs = files(&root().join("tests/fixtures/fuzz").join(target));
    for s in seeds {
        inputs.extend(files(&root().join("fuzz/seeds").join(s)));
    }
    for p in &inputs {
        let data = std::fs::read(p).unwrap();
        eprintln!("{target}: {}", p.display());
        run(&data);
    }
    inputs.len()
}

/// Text targets see only valid UTF-8, as `fuzz_target!(|input: &str| …)` does.
fn text(f: fn(&str)) -> impl Fn(&[u8]) {
    move |data| {
        if let Ok(s) = std::str::from_utf8(data) {
            f(s);
        }
    }
}

#[test]
fn decode() {
    assert!(replay("decode", &["text"], fuzz_checks::decode) > 0);
}

#[test]
fn normalise() {
    assert!(replay("normalise", &["text"], text(fuzz_checks::normalise)) > 0);
}

#[test]
fn segment() {
    assert!(replay("segment", &["text"], text(fuzz_checks::segment)) > 0);
}

#[test]
fn check() {
    assert!(replay("check", &["text"], text(fuzz_checks::check)) > 0);
}

#[test]
fn jsonl() {
    assert!(replay("jsonl", &["jsonl"], fuzz_checks::jsonl) > 0);
}

#[test]
fn html() {
    // The web fixtures seed the target too (fuzz/run-all.sh copies them in).
    let pages = files(&root().join("tests/fixtures/web"));
    let pages: Vec<_> = pages
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    for p in &pages {
        fuzz_checks::html(&std::fs::read(p).unwrap());
    }
    assert!(replay("html", &["html"], fuzz_checks::html) + pages.len() > 1);
}

#[test]
fn xml() {
    // Seeded from the test suite's feeds, XML, XLIFF and TMX fixtures (fuzz/run-all.sh copies
    // them in), which are replayed here too.
    let mut docs = files(&root().join("tests/fixtures/web"));
    docs.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "rss" || e == "atom" || e == "xml")
    });
    docs.extend(files(&root().join("tests/fixtures/bilingual")));
    for p in &docs {
        fuzz_checks::xml(&std::fs::read(p).unwrap());
    }
    assert!(replay("xml", &[], fuzz_checks::xml) + docs.len() > 5);
}

#[test]
fn csv_input() {
    assert!(replay("csv_input", &["csv_input"], fuzz_checks::csv_input) > 0);
}

#[test]
fn lexicon() {
    assert!(replay("lexicon", &["lexicon"], text(fuzz_checks::lexicon)) > 0);
}

#[test]
fn config() {
    assert!(replay("config", &["config"], text(fuzz_checks::config)) > 0);
}

#[test]
fn baseline() {
    assert!(replay("baseline", &["baseline"], text(fuzz_checks::baseline)) > 0);
}

#[test]
fn suppress() {
    assert!(
        replay(
            "suppress",
            &["suppress", "text"],
            text(fuzz_checks::suppress)
        ) > 0
    );
}

#[test]
fn model() {
    // The seeds are models `mtlint train` wrote from the test fixtures (`--corpus
    // tests/fixtures/{xi-putin-moscow,native,mt-short}.txt`, and the last two alone): they must
    // load, or the fuzzer would start from files rejected at the header. Retrain them when the
    // format changes.
    for p in files(&root().join("fuzz/seeds/model")) {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.display().to_string();
        if let Err(e) = mtlint::model::Model::from_bytes(bytes.into(), name) {
            panic!("{e}");
        }
    }
    assert!(replay("model", &["model"], fuzz_checks::model) > 0);
}

/// The line and column the fuzz targets expect agree with what the checker reports.
#[test]
fn line_col_follows_the_finding_definition() {
    let text = "a\r\nb\rc\u{2028}d\ne\u{0085}é";
    assert_eq!(fuzz_checks::line_col(text, 0), (1, 1));
    assert_eq!(fuzz_checks::line_col(text, 3), (2, 1));
    assert_eq!(fuzz_checks::line_col(text, 5), (3, 1));
    // U+2028 does not start a line for line numbers.
    assert_eq!(fuzz_checks::line_col(text, 9), (3, 3));
    assert_eq!(fuzz_checks::line_col(text, text.len() - 2), (4, 3));
}
