//! The invariants each fuzz target checks, shared by the fuzz targets (`fuzz/fuzz_targets/`)
//! and by `tests/fuzz_regressions.rs`, which replays every input a fuzzer ever crashed on.
//! Each function panics when an invariant breaks.

use mtlint::Error;
use mtlint::baseline::Baseline;
use mtlint::check::{Checker, Selection};
use mtlint::config::Config;
use mtlint::detect::{DETECTOR_IDS, Resources};
use mtlint::finding::{Category, Finding, Severity};
use mtlint::ingest::{Article, InputFormat, decode as decode_bytes, from_reader};
use mtlint::lexicon::Classes;
use mtlint::lexicon::entry::Lexicon;
use mtlint::normalise::normalise as normalise_text;
use mtlint::score::Thresholds;
use mtlint::segment::Document;
use mtlint::suppress::Suppressions;
use std::path::Path;
use std::sync::OnceLock;

/// Bytes → text: `decode` accepts exactly UTF-8 without NUL, names the first bad byte or says
/// UTF-16; the same bytes as an `.xz` file give a clean error or articles.
pub fn decode(data: &[u8]) {
    match decode_bytes(Path::new("input.txt"), data.to_vec()) {
        Ok(text) => assert_eq!(text.as_bytes(), data),
        Err(Error::Binary { offset, .. }) => assert_eq!(data[offset], 0),
        Err(e @ Error::Utf16 { .. }) => assert_utf16(&e, data),
        Err(Error::NotUtf8 {
            line,
            column,
            offset,
            ..
        }) => {
            assert!(std::str::from_utf8(data).is_err());
            let before = std::str::from_utf8(&data[..offset]).expect("valid up to the offset");
            assert_eq!(line, before.matches('\n').count() + 1);
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            assert_eq!(column, before[line_start..].chars().count() + 1);
        }
        Err(e) => panic!("unexpected error {e}"),
    }
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    if let Ok(articles) = from_reader(
        reader,
        Path::new("input.txt.xz"),
        "input",
        InputFormat::Auto,
    ) {
        for a in articles {
            let _ = a.map(|a| a.text.len());
        }
    }
}

/// The offset map: in bounds, on character boundaries of the original, monotone, and `to_norm`
/// inverts `start`.
pub fn normalise(input: &str) {
    let n = normalise_text(input);
    assert_eq!(n.text.len(), n.folded.len(), "folded copy is aligned");
    for (p, c) in n.text.char_indices() {
        assert!(n.folded.is_char_boundary(p) && n.folded.is_char_boundary(p + c.len_utf8()));
    }
    let (mut last_start, mut last_end) = (0, 0);
    for p in (0..=n.text.len()).filter(|&p| n.text.is_char_boundary(p)) {
        let (s, e) = (n.map.start(p), n.map.end(p));
        assert!(s <= input.len() && e <= input.len(), "in bounds at {p}");
        assert!(input.is_char_boundary(s), "start {p} -> {s}");
        assert!(input.is_char_boundary(e), "end {p} -> {e}");
        assert!(s >= last_start && e >= last_end, "monotone at {p}");
        (last_start, last_end) = (s, e);
        assert_eq!(n.map.start(n.map.to_norm(s)), s, "round trip at {p}");
        assert!(n.text.is_char_boundary(n.map.to_norm(s)));
    }
    // The end of the text maps to the end of the input, less characters dropped at the end.
    let tail = &input[n.map.end(n.text.len())..];
    assert!(normalise_text(tail).text.is_empty(), "{tail:?}");
    for (o, _) in input.char_indices() {
        let p = n.map.to_norm(o);
        assert!(
            p <= n.text.len() && n.text.is_char_boundary(p),
            "to_norm {o} -> {p}"
        );
    }
}

/// Paragraphs, sentences, tokens and match words are ordered, nested and on boundaries.
pub fn segment(input: &str) {
    let doc = Document::new(input);
    let text = &doc.norm.text;
    let ok = |s: usize, e: usize| {
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let mut prev = 0;
    for t in &doc.tokens {
        assert!(
            ok(t.start, t.end) && t.start < t.end && t.start >= prev,
            "{t:?}"
        );
        prev = t.end;
        let _ = doc.word(t);
    }
    let mut prev = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        assert!(ok(s.start, s.end) && s.start >= prev, "sentence {i}");
        prev = s.end;
        assert!(s.tokens.end <= doc.tokens.len() && s.words.end <= doc.words.len());
        assert!(s.paragraph < doc.paragraphs.len());
        for w in doc.sentence_words(s) {
            assert!((w.token as usize) < doc.tokens.len());
            assert!(!doc.match_word(w).is_empty());
        }
        assert_eq!(doc.sentence_at(s.start), Some(i));
        let (os, oe) = doc.original_span(s.start, s.end);
        assert!(os <= oe && oe <= input.len());
        assert!(input.is_char_boundary(os) && input.is_char_boundary(oe));
    }
    for p in &doc.paragraphs {
        assert!(ok(p.start, p.end) && p.sentences.end <= doc.sentences.len());
    }
    let starts = doc.line_starts();
    assert!(starts.windows(2).all(|w| w[0] < w[1]) && starts.iter().all(|&s| s <= input.len()));
}

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
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut line, mut line_start) = (1, 0);
    for (i, &b) in bytes[..offset].iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, text[line_start..offset].chars().count() + 1)
}

/// The whole checker, every detector on: findings point into the original, line and column
/// agree with the offset, a second run gives the same result.
pub fn check(input: &str) {
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
}

/// JSON Lines: every line gives an article or an error naming its line.
pub fn jsonl(data: &[u8]) {
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    let articles = match from_reader(reader, Path::new("feed.jsonl"), "feed", InputFormat::Auto) {
        Ok(articles) => articles,
        // Told from the first bytes; otherwise JSON Lines opens lazily.
        Err(e) => return assert_utf16(&e, data),
    };
    let lines = data.split(|&b| b == b'\n').count();
    let mut n = 0;
    for a in articles {
        n += 1;
        match a {
            Ok(a) => assert!(!a.id.is_empty() && a.path.starts_with("feed.jsonl#")),
            Err(Error::JsonLine { line, .. }) => assert!(line >= 1 && line <= lines),
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert!(n <= lines);
}

/// HTML pages, through the DOM and through the streaming pass used for huge pages: no panic, a
/// one-line title, and text without a leading newline or a trailing blank line.
pub fn html(data: &[u8]) {
    let Ok(page) = std::str::from_utf8(data) else {
        return;
    };
    for p in [
        mtlint::ingest::html::page(page),
        mtlint::ingest::html::streamed_page(page),
    ] {
        assert!(p.title.as_deref().is_none_or(|t| !t.contains('\n')));
        assert!(!p.text.starts_with("\n") && !p.text.ends_with("\n\n"));
    }
}

/// XML inputs: the same bytes as an RSS/Atom feed, an XLIFF file, a TMX file and an `.xml` file
/// told by its root element give articles with an id, or errors that name the file (and, for a
/// malformed document, a line and column inside it).
pub fn xml(data: &[u8]) {
    for name in ["feed.rss", "doc.xlf", "doc.tmx", "doc.xml"] {
        let reader = Box::new(std::io::Cursor::new(data.to_vec()));
        let named = |path: &str| path == name;
        let lines = data.split(|&b| b == b'\n').count();
        let expected = |e: &Error| match e {
            Error::Syntax {
                path, line, column, ..
            } => named(path) && (1..=lines).contains(line) && *column >= 1,
            Error::Content { path, .. } => named(path),
            Error::Binary { path, .. } | Error::NotUtf8 { path, .. } => path == Path::new(name),
            _ => false,
        };
        match from_reader(reader, Path::new(name), "doc", InputFormat::Auto) {
            Ok(articles) => {
                for a in articles {
                    match a {
                        Ok(a) => assert!(!a.id.is_empty(), "{name}: an article without an id"),
                        Err(e) => assert!(expected(&e), "{name}: unexpected error {e}"),
                    }
                }
            }
            Err(e) => assert!(expected(&e), "{name}: unexpected error {e}"),
        }
    }
}

/// CSV: a header with a `text` column, then one article per row, or clean errors.
pub fn csv_input(data: &[u8]) {
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    match from_reader(reader, Path::new("feed.csv"), "feed", InputFormat::Auto) {
        Ok(articles) => {
            for a in articles {
                match a {
                    Ok(a) => assert!(!a.id.is_empty()),
                    Err(Error::Csv { .. }) => {}
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
        }
        Err(Error::Csv { line, .. }) => assert_eq!(line, 1),
        Err(e) => assert_utf16(&e, data),
    }
}

/// `e` is the UTF-16 error, said only of bytes that cannot be UTF-8 text: a byte-order mark
/// (invalid UTF-8) or NULs.
fn assert_utf16(e: &Error, data: &[u8]) {
    assert!(matches!(e, Error::Utf16 { .. }), "unexpected error {e}");
    assert!(std::str::from_utf8(data).is_err() || data.contains(&0));
}

/// Arbitrary text as a user lexicon file and as a word-class file; a lexicon that builds is run
/// on its own text.
pub fn lexicon(input: &str) {
    let classes = Classes::default_embedded();
    let files = [(
        "nl".to_string(),
        "nl-en/fuzz.csv".to_string(),
        input.to_string(),
    )];
    match Lexicon::build(&files, &classes) {
        Ok(lexicon) => {
            let doc = Document::new(input);
            for h in lexicon.find(&doc) {
                assert!(h.entry < lexicon.entries().len() && h.sentence < doc.sentences.len());
                let words = doc.sentence_words(&doc.sentences[h.sentence]);
                assert!(h.words.start < h.words.end && h.words.end <= words.len());
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let _ = Classes::parse("classes.csv", input);
}

/// `mtlint.toml`: a config, or an error naming a line of the file.
pub fn config(input: &str) {
    match Config::parse(Path::new("mtlint.toml"), input) {
        Ok(config) => {
            let _ = config.clone().over(Config::default()).settings();
        }
        Err(Error::Config { line, column, .. }) => {
            assert!(line >= 1 && line <= input.split('\n').count().max(1) && column >= 1);
        }
        Err(_) => {}
    }
}

fn finding(start: usize, rule: &str, category: Category) -> Finding {
    Finding {
        article: "a".into(),
        line: 1,
        column: 1,
        start,
        end: start,
        category,
        rule: rule.into(),
        severity: Severity::Minor,
        confidence: 0.9,
        span: String::new(),
        suggestion: None,
        explanation: String::new(),
        sentence: String::new(),
    }
}

/// Baseline files; one that parses then filters findings.
pub fn baseline(input: &str) {
    let Ok(b) = Baseline::parse(Path::new("mtlint-baseline.json"), input) else {
        return;
    };
    let f = finding(0, "repetition.doubled-word", Category::Repetition);
    assert!(b.new_findings(vec![f.clone(), f]).len() <= 2);
}

/// Suppression comments: scanning never panics and a finding anywhere can be asked about.
pub fn suppress(input: &str) {
    let s = Suppressions::scan(input);
    let mut f = finding(0, "typography.unbalanced-quote", Category::Typography);
    for (i, _) in input.char_indices().step_by(7) {
        (f.start, f.end) = (i, i);
        let _ = s.covers(&f);
    }
}

/// Model files (`--model FILE`): a clean error or a model whose look-ups and `oddity` pass run
/// without a panic. Each input is tried as it is and sealed (magic, version and checksum
/// rewritten to match), which reaches the structural checks behind the checksum.
pub fn model(data: &[u8]) {
    use mtlint::detect::Detector;
    use mtlint::model::{Model, seal};
    let mut sealed = data.to_vec();
    seal(&mut sealed);
    for bytes in [data.to_vec(), sealed] {
        let m = match Model::from_bytes(bytes.into(), "fuzz.model".into()) {
            Ok(m) => m,
            Err(e) => {
                assert!(e.to_string().contains("fuzz.model"), "{e}");
                continue;
            }
        };
        // A clone (its bytes copied and aligned again) answers the look-ups below.
        let m = m.clone();
        // Words of the input too, so that look-ups reach buckets the fuzzer chooses.
        let lossy = String::from_utf8_lossy(data).to_lowercase();
        let words = ["the", "minister", "huge", "serving", "creaks"]
            .into_iter()
            .chain(lossy.split_whitespace().take(16));
        for w in words {
            let _ = (m.count(w), m.reduplications(w), m.pair_count(w, "minister"));
            if let Some(v) = m.vector(w) {
                let _ = (v.usual_fit(), v.norm(), v.cosine(&v.unit()));
            }
        }
        let text =
            "Huge serving for the minister. The economy creaks and creaks, the minister said. "
                .repeat(30);
        let doc = Document::new(&text);
        let oddity = mtlint::detect::oddity::Oddity::new(std::sync::Arc::new(m));
        for h in oddity.check(&doc) {
            assert!(h.start < h.end && h.end <= text.len());
        }
    }
}
