//! Hostile inputs, generated here rather than committed: none may panic, go quadratic or exhaust
//! memory. The time bound is the harness's, not the test's: `.config/nextest.toml` gives these
//! tests a 30 s slow period and terminates them after four (CI runs `cargo nextest run`).

use mtlint::Error;
use mtlint::check::{Checked, Checker, Selection};
use mtlint::detect::{DETECTOR_IDS, Resources};
use mtlint::ingest::{Article, InputFormat, MAX_JSON_LINE_BYTES, from_reader};
use mtlint::score::Thresholds;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::OnceLock;

/// Every detector, the experimental ones included, in memory (the library's `check`).
fn check_article(article: &Article) -> Checked {
    static RES: OnceLock<Resources> = OnceLock::new();
    let res = RES.get_or_init(|| Resources::load(&[]).unwrap());
    let all: Vec<String> = DETECTOR_IDS.iter().map(|s| s.to_string()).collect();
    let checker = Checker::new(
        res,
        Selection::parse(&all, &[]).unwrap(),
        Thresholds::default(),
    );
    checker.check(article, &article.id)
}

/// [`check_article`] of `text`, whose findings must point at their spans.
fn check(text: &str) -> Checked {
    let checked = check_article(&Article {
        id: "a".into(),
        text: text.into(),
        ..Default::default()
    });
    for f in &checked.findings {
        assert_eq!(&text[f.start..f.end], f.span, "{f:?}");
    }
    checked
}

fn rules(c: &Checked) -> Vec<&str> {
    let mut r: Vec<&str> = c.findings.iter().map(|f| f.rule.as_str()).collect();
    r.dedup();
    r
}

#[test]
fn fifty_megabytes_without_punctuation() {
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
    ];
    let mut text = String::with_capacity(50 << 20);
    let mut i = 0;
    while text.len() < 50 << 20 {
        text.push_str(words[i % words.len()]);
        text.push(' ');
        i += 3;
    }
    let c = check(&text);
    assert_eq!(c.summary.sentences, 1);
}

#[test]
fn twenty_megabytes_of_one_word() {
    // One finding for the run, not one per word (which took 18.7 GB for 50 MB).
    let c = check(&"word ".repeat(4 << 20));
    assert_eq!(rules(&c), ["repetition.doubled-word"]);
    assert_eq!(c.findings.len(), 1);
}

#[test]
fn a_million_repeated_sentences() {
    let text = "The minister said the plan would work. ".repeat(1_000_000);
    let c = check(&text);
    assert_eq!(c.summary.sentences, 1_000_000);
    assert!(rules(&c).contains(&"duplicate.sentence"), "{:?}", rules(&c));
}

#[test]
fn a_hundred_thousand_quotation_marks() {
    let mixed: String = (0..100_000)
        .map(|i| ['"', '\u{201C}', '\u{201D}', '\'', '\u{2018}', '\u{00AB}'][i * 7 % 6])
        .collect();
    for text in [
        "\"".repeat(100_000),
        "\u{201C}".repeat(100_000),
        "\u{201D}".repeat(100_000),
        format!("{}{}", "\u{201C}".repeat(50_000), "\u{201D}".repeat(50_000)),
        mixed,
        "He said \"no. ".repeat(100_000),
    ] {
        check(&text);
    }
}

#[test]
fn a_hundred_thousand_nested_brackets() {
    let mixed: String = (0..100_000).map(|i| ['(', '[', '{'][i % 3]).collect();
    let closing: String = mixed
        .chars()
        .rev()
        .map(|c| match c {
            '(' => ')',
            '[' => ']',
            _ => '}',
        })
        .collect();
    for text in [
        format!("{}word{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{mixed} word {closing}"),
        "(".repeat(100_000),
        ")".repeat(100_000),
        "(a) ".repeat(100_000),
    ] {
        check(&text);
    }
}

#[test]
fn every_line_separator() {
    let seps = [
        "\n", "\r", "\r\n", "\u{2028}", "\u{2029}", "\u{0085}", "\u{000B}", "\u{000C}",
    ];
    let unit: String = seps
        .iter()
        .map(|s| format!("He saw the the end.{s}"))
        .collect();
    let text = unit.repeat(20_000);
    let c = check(&text);
    let doubled = c
        .findings
        .iter()
        .filter(|f| f.rule == "repetition.doubled-word");
    assert_eq!(doubled.clone().count(), seps.len() * 20_000);
    // `\n`, a lone `\r` and `\r\n` end a line for line numbers; U+2028, U+2029, U+0085, VT and
    // FF break lines for segmentation only.
    let (mut line, mut at) = (1, 0);
    let bytes = text.as_bytes();
    for f in doubled {
        for (i, &b) in bytes.iter().enumerate().take(f.start).skip(at) {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
            }
        }
        at = f.start;
        assert_eq!(f.line, line, "{f:?}");
    }
    assert_eq!(line, 3 * 20_000 + 1);
}

#[test]
fn a_file_of_nul_bytes_is_a_clean_binary_error() {
    let bytes = vec![0u8; 10 << 20];
    let reader = Box::new(BufReader::new(std::io::Cursor::new(bytes)));
    let mut articles = from_reader(reader, Path::new("nul.txt"), "nul", InputFormat::Auto)
        .err()
        .into_iter();
    let e = articles.next().expect("an error");
    assert!(matches!(e, Error::Binary { offset: 0, .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "nul.txt: looks like a binary file (NUL byte at offset 0), not text"
    );
}

/// A JSON Lines stream whose first line never ends, then (after `len` bytes) a newline and a
/// valid line: counts what it hands out so the test can see nothing was read ahead unbounded.
struct EndlessLine {
    left: u64,
    tail: &'static [u8],
}

impl Read for EndlessLine {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left > 0 {
            let n = (buf.len() as u64).min(self.left) as usize;
            buf[..n].fill(b'x');
            self.left -= n as u64;
            return Ok(n);
        }
        let n = buf.len().min(self.tail.len());
        buf[..n].copy_from_slice(&self.tail[..n]);
        self.tail = &self.tail[n..];
        Ok(n)
    }
}

#[test]
fn a_json_line_over_the_cap_is_an_error_naming_file_and_line() {
    // Four times the cap: were the line buffered, this would take 256 MiB.
    let reader = EndlessLine {
        left: 4 * MAX_JSON_LINE_BYTES as u64,
        tail: b"\n{\"id\":\"ok\",\"text\":\"Fine.\"}\n",
    };
    let articles = from_reader(
        Box::new(BufReader::new(reader)),
        Path::new("dump.jsonl"),
        "dump",
        InputFormat::Auto,
    )
    .unwrap();
    let got: Vec<Result<Article, String>> =
        articles.map(|r| r.map_err(|e| e.to_string())).collect();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].as_ref().unwrap_err(),
        "dump.jsonl:1: line longer than 64 MiB, skipped"
    );
    assert_eq!(got[1].as_ref().unwrap().id, "ok");
}

#[test]
fn an_endless_json_line_yields_its_error() {
    // The error comes out after reading one byte past the cap, not at the end of the line.
    let reader = EndlessLine {
        left: u64::MAX,
        tail: b"",
    };
    let mut articles = from_reader(
        Box::new(BufReader::new(reader)),
        Path::new("<stdin>"),
        "stdin",
        InputFormat::JsonLines,
    )
    .unwrap();
    let e = articles.next().unwrap().unwrap_err().to_string();
    assert_eq!(e, "<stdin>:1: line longer than 64 MiB, skipped");
}

#[test]
fn a_line_of_exactly_the_cap_is_read() {
    let text = "x".repeat(MAX_JSON_LINE_BYTES - 11);
    let line = format!("{{\"text\":\"{text}\"}}\n");
    assert_eq!(line.len(), MAX_JSON_LINE_BYTES + 1);
    let articles = from_reader(
        Box::new(std::io::Cursor::new(line.into_bytes())),
        Path::new("big.jsonl"),
        "big",
        InputFormat::Auto,
    )
    .unwrap();
    let got: Vec<_> = articles.collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].as_ref().unwrap().text.len(), text.len());
}

#[test]
fn fifty_thousand_suppression_directives() {
    let next_line =
        "<!-- mtlint-disable-next-line calque -->\nHe saw the the end.\n".repeat(50_000);
    let ignore = "He saw the the end. mtlint:ignore\nHe saw the the end.\n".repeat(50_000);
    let open: String = (0..50_000)
        .map(|i| format!("<!-- mtlint-disable r{i} -->\n"))
        .chain(["He saw the the end.\n".repeat(1_000)])
        .chain((0..50_000).map(|i| format!("<!-- mtlint-enable q{i} -->\n")))
        .collect();
    let doubled = |c: &Checked| {
        c.findings
            .iter()
            .filter(|f| f.rule == "repetition.doubled-word")
            .count()
    };
    assert_eq!(doubled(&check(&next_line)), 50_000);
    assert_eq!(doubled(&check(&ignore)), 50_000);
    assert_eq!(doubled(&check(&open)), 1_000);
}

/// A 12 MB article of repeated paragraphs (100,000 duplicate findings) checked, reported and
/// written under a 300 MB address-space limit: checking it whole took about 15 bytes per input
/// byte plus a kilobyte per finding, and aborts under this limit.
#[test]
fn a_huge_article_is_checked_in_bounded_memory() {
    let para = include_str!("fixtures/xi-putin-moscow.txt");
    let mut text = String::new();
    while text.len() < 12 << 20 {
        text.push_str(para);
        text.push('\n');
    }
    checked_under_300_mb(text, 90_000);
}

#[test]
fn a_hundred_thousand_findings_in_a_small_article_are_kept_compact() {
    // 300 KB whose every mark is a finding with a 600-byte sentence window: rendered whole,
    // the findings took 440 MB.
    checked_under_300_mb("\u{201d}".repeat(100_000), 99_999);
}

/// Just under the length from which articles are checked in windows, text far denser than
/// prose (tokens, sentences, findings) is checked under a 200 MB address-space limit: checked
/// whole, these took 163-206 MB of resident memory (and aborted under this limit), and 50,000
/// suppression directives with their 100,000 findings 152-163 MB.
#[test]
fn four_megabytes_of_dense_text_are_checked_in_bounded_memory() {
    let cases = [
        ("a ".repeat(2_050_000), 1),
        ("a.\n".repeat(1_366_000), 0),
        ("He saw the the end. ".repeat(205_000), 200_000),
        (
            "<!-- mtlint-disable-next-line calque -->\nHe saw the the end.\n".repeat(50_000),
            50_000,
        ),
        (
            "He saw the the end. mtlint:ignore\nHe saw the the end.\n".repeat(50_000),
            50_000,
        ),
    ];
    for (text, min_findings) in cases {
        let found = checked_under(200_000, text);
        assert!(found >= min_findings, "{found} < {min_findings}");
    }
}

/// Checks `text` under a 300 MB address-space limit, with a report, expecting more than
/// `min_findings` findings.
fn checked_under_300_mb(text: String, min_findings: usize) {
    let findings = checked_under(300_000, text);
    assert!(findings > min_findings, "{findings}");
}

/// `mtlint check ARGS INPUT` under an address-space limit of `limit_kb`.
fn check_limited(limit_kb: usize, args: &[&str], input: &std::path::Path) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kb} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_mtlint"))
        // One malloc arena per thread reserves 64 MB of address space each: not memory used.
        .env("MALLOC_ARENA_MAX", "1")
        .arg("check")
        .args(args)
        .arg(input)
        .output()
        .unwrap()
}

/// Checks `text` under an address-space limit of `limit_kb`, with a report; returns the number
/// of findings, every one of them in the report.
fn checked_under(limit_kb: usize, text: String) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("huge.txt");
    std::fs::write(&input, &text).unwrap();
    drop(text);
    let reports = tmp.path().join("reports");
    let reports_arg = reports.to_str().unwrap();
    let args = [
        "-j1",
        "--fail-on",
        "minor",
        "--format",
        "jsonl",
        "--report-dir",
        reports_arg,
    ];
    let out = check_limited(limit_kb, &args, &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit code 1: findings, 0: none; not a crash.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let findings = stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"finding\""))
        .count();
    assert_eq!(out.status.code() == Some(1), findings > 0, "{stderr}");
    let counted = format!(
        "1 article, {findings} finding{}",
        if findings == 1 { "" } else { "s" }
    );
    assert!(stderr.contains(&counted), "{stderr}");
    let csv = std::fs::read_to_string(reports.join("huge.csv")).unwrap();
    assert_eq!(csv.lines().count(), findings + 1);
    findings
}

/// A 40 MB HTML page is read under a 200 MB address-space limit: parsed into a DOM, it peaked at
/// 246 MB of resident memory (and aborts under this limit); streamed, at 105 MB.
#[test]
fn a_forty_megabyte_html_page_is_read_in_bounded_memory() {
    let para = include_str!("fixtures/xi-putin-moscow.txt").replace('&', "&amp;");
    let mut html = String::from(
        "<!DOCTYPE html><html><head><title>Big</title><style>p{}</style></head><body>\
         <main><article><h1>Huge headline</h1>\n",
    );
    let mut i = 0;
    while html.len() < 40 << 20 {
        html.push_str(&format!(
            "<div class=\"c\"><p>{i}. <b>{para}</b> &amp; <a href=\"/x\">more</a></p>\
             <script>if (a<b) x();</script></div>\n"
        ));
        i += 1;
    }
    html.push_str("</article></main></body></html>\n");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("page.html");
    std::fs::write(&input, &html).unwrap();
    drop(html);
    let out = check_limited(
        200_000,
        &["-j1", "--no-report", "--format", "jsonl"],
        &input,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 article, "), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("\"title\":\"Huge headline\""),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    assert!(!stdout.contains("if (a"), "script text leaked");
}

/// A 45 MB JSON Lines line under a 200 MB address-space limit, read with its article text.
fn forty_five_megabyte_json_line(head: &str) {
    let para = serde_json::to_string(include_str!("fixtures/xi-putin-moscow.txt")).unwrap();
    let para = &para[1..para.len() - 1];
    let mut line = String::from(head);
    while line.len() < 45 << 20 {
        line.push_str(para);
        line.push_str(" \\ud83d\\ude00\\n");
    }
    line.push_str("\"}\n");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.jsonl");
    std::fs::write(&input, &line).unwrap();
    drop(line);
    let out = check_limited(200_000, &["-j1", "--no-report", "-q"], &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(stderr.contains("1 article, "), "{stderr}");
}

/// With emoji (`\ud83d\ude00` surrogate pairs): handed to serde_json, the line, its scratch
/// buffer and the text were held at once (163 MB resident, aborts under this limit); read by
/// the fast path, 123 MB.
#[test]
fn a_forty_five_megabyte_json_line_with_emoji_is_read_in_bounded_memory() {
    forty_five_megabyte_json_line("{\"id\":\"big\",\"text\":\"");
}

/// With keys whose values are not strings (a numeric id, numbers, booleans, null, nesting):
/// such records went to serde_json whole (159 MB resident); now the fast path reads them.
#[test]
fn a_forty_five_megabyte_json_line_with_other_keys_is_read_in_bounded_memory() {
    forty_five_megabyte_json_line(
        "{\"id\":7,\"n\":-1.5e3,\"ok\":true,\"z\":null,\
         \"meta\":{\"tags\":[\"a\",1,{\"b\":[]}]},\"title\":[1],\"text\":\"",
    );
}

/// `n` doubled-word sentences, with a paragraph of other findings after every `every`-th, written
/// to `dense.txt` in `dir`: the file and the article as the CLI reads it.
fn dense_article(dir: &Path, n: usize, every: usize) -> (std::path::PathBuf, Article) {
    let mut text = String::new();
    for i in 0..n {
        text.push_str("He saw the the end. ");
        if i % every == 0 {
            text.push_str("It is a “quote. The economy creaks and creaks.\n\n");
        }
    }
    let input = dir.join("dense.txt");
    std::fs::write(&input, &text).unwrap();
    let article = Article {
        id: "dense".into(),
        path: input.display().to_string(),
        text,
        ..Default::default()
    };
    (input, article)
}

/// An article with more findings than are held in memory (65,536: the rest go to a temporary
/// file, in sorted runs merged at the end) is written, to stdout and to its report, exactly as
/// when every finding is held (the library's `check_with`), under a 200 MB address-space limit.
/// Held, the 2,000,039 findings of 40 MB of "He saw the the end." peaked at 255 MB; spilled, at
/// 117 MB.
#[test]
fn findings_past_the_memory_cap_spill_and_come_back_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, article) = dense_article(tmp.path(), 100_000, 9_999);
    let reports = tmp.path().join("reports");
    let all = DETECTOR_IDS.join(",");
    let args = [
        "-j1",
        "--only",
        &all,
        "--format",
        "jsonl",
        "--report-dir",
        reports.to_str().unwrap(),
    ];
    let out = check_limited(200_000, &args, &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = check_article(&article);
    assert!(
        expected.findings.len() > 100_000,
        "{}",
        expected.findings.len()
    );
    let tagged = |kind: &str, json: String| format!("{{\"type\":\"{kind}\",{}\n", &json[1..]);
    let mut stdout = String::new();
    for f in &expected.findings {
        stdout.push_str(&tagged("finding", serde_json::to_string(f).unwrap()));
    }
    stdout.push_str(&tagged(
        "article",
        serde_json::to_string(&expected.summary).unwrap(),
    ));
    let got = String::from_utf8(out.stdout).unwrap();
    assert_eq!(got.len(), stdout.len(), "{stderr}");
    assert!(
        got == stdout,
        "stdout differs from the findings held in memory"
    );
    let mut csv = Vec::new();
    mtlint::report::write_findings_csv(&mut csv, &expected.findings).unwrap();
    let report = std::fs::read(reports.join("dense.csv")).unwrap();
    assert!(
        report == csv,
        "the report differs from the findings held in memory"
    );
    let counted = format!("1 article, {} findings", expected.findings.len());
    assert!(stderr.contains(&counted), "{stderr}");
}

/// A baseline of more findings than are held in memory ([`mtlint::baseline::CAP`] bytes of
/// entries: the rest go to a temporary file in sorted runs, merged as the JSON is written) is
/// byte for byte the baseline of every entry held and sorted. All held, the 2,000,039 findings
/// of 40 MB of "He saw the the end." peaked at 634 MB.
#[test]
fn a_baseline_past_the_memory_cap_spills_and_comes_back_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, article) = dense_article(tmp.path(), 60_000, 7_001);
    let baseline = tmp.path().join("baseline.json");
    let all = DETECTOR_IDS.join(",");
    let args = [
        "-j1",
        "-q",
        "--no-report",
        "--only",
        &all,
        "--write-baseline",
        baseline.to_str().unwrap(),
    ];
    let out = check_limited(200_000, &args, &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let checked = check_article(&article);
    let mut findings: Vec<mtlint::baseline::Entry> = checked
        .findings
        .iter()
        .map(mtlint::baseline::Entry::of)
        .collect();
    let held: usize = findings
        .iter()
        .map(|e| {
            std::mem::size_of::<mtlint::baseline::Entry>()
                + e.article.len()
                + e.rule.len()
                + e.hash.len()
                + e.span.len()
        })
        .sum();
    assert!(held > 2 * mtlint::baseline::CAP, "{held}");
    findings.sort();
    #[derive(serde::Serialize)]
    struct File {
        version: u32,
        findings: Vec<mtlint::baseline::Entry>,
    }
    let mut expected = serde_json::to_vec_pretty(&File {
        version: 1,
        findings,
    })
    .unwrap();
    expected.push(b'\n');
    let got = std::fs::read(&baseline).unwrap();
    assert_eq!(got.len(), expected.len());
    assert!(
        got == expected,
        "the baseline differs from the one held in memory"
    );
}
