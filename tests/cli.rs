//! Runs the `mtlint` binary on fixture articles and compares whole outputs with snapshots
//! (`tests/snapshots/`, update with `INSTA_UPDATE=always cargo test`).

#[path = "common/run.rs"]
mod helpers;
use helpers::transcript;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mtlint(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mtlint"));
    c.current_dir(root()).args(args).env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    mtlint(args).output().expect("mtlint runs")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn seed_article_human_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    let out = run(&[
        "check",
        "tests/fixtures/xi-putin-moscow.txt",
        "--report-dir",
        dir.to_str().unwrap(),
    ]);
    insta::assert_snapshot!("seed_human", transcript(&out, tmp.path()));
}

/// The golden reports in `reports/` are what `mtlint check tests/fixtures/xi-putin-moscow.txt`
/// writes; `UPDATE_GOLDEN=1 cargo test` refreshes them after an intended change.
#[test]
fn seed_golden_reports_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&[
        "check",
        "tests/fixtures/xi-putin-moscow.txt",
        "--report-dir",
        tmp.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(1));
    for name in [
        "xi-putin-moscow.csv",
        "summary.csv",
        "boilerplate.csv",
        "sites.csv",
    ] {
        let got = read(&tmp.path().join(name));
        let golden = root().join("reports").join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).unwrap();
        }
        assert_eq!(
            got,
            read(&golden),
            "{name} differs from the golden report; rerun with UPDATE_GOLDEN=1 if intended"
        );
    }
}

#[test]
fn short_mt_article_as_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&[
        "check",
        "tests/fixtures/mt-short.txt",
        "--format",
        "csv",
        "--report-dir",
        tmp.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!("mt_short_csv", transcript(&out, tmp.path()));
    assert_eq!(
        read(&tmp.path().join("mt-short.csv")),
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn native_article_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&[
        "check",
        "tests/fixtures/native.txt",
        "--report-dir",
        tmp.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!("native", transcript(&out, tmp.path()));
    assert_eq!(
        read(&tmp.path().join("native.csv")).lines().count(),
        1,
        "header only"
    );
}

#[test]
fn stdin_is_article_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = mtlint(&[
        "check",
        "-",
        "--report-dir",
        tmp.path().to_str().unwrap(),
        "--fail-on",
        "minor",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"The the economy creaks and creaks.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    insta::assert_snapshot!("stdin", transcript(&out, tmp.path()));
    assert!(read(&tmp.path().join("stdin.csv")).contains("creaks and creaks"));
}

#[test]
fn directory_json_lines_and_bad_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("feed");
    std::fs::create_dir_all(feed.join("nl")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/mt-short.txt"),
        feed.join("nl/mt-short.txt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/native.txt"),
        feed.join("native.md"),
    )
    .unwrap();
    std::fs::write(feed.join("empty.txt"), "").unwrap();
    std::fs::write(feed.join("latin1.txt"), b"Caf\xe9 owners\nsaid \xe9").unwrap();
    std::fs::write(feed.join("binary.txt"), b"\x7fELF\x00\x00\x01").unwrap();
    let reports = tmp.path().join("out");
    let out = run(&[
        "check",
        feed.to_str().unwrap(),
        "tests/fixtures/feed.jsonl",
        "--report-dir",
        reports.to_str().unwrap(),
        "--quiet",
    ]);
    insta::assert_snapshot!("directory_and_bad_inputs", transcript(&out, tmp.path()));
    let summary =
        read(&reports.join("summary.csv")).replace(&tmp.path().display().to_string(), "$TMP");
    insta::assert_snapshot!("directory_summary", summary);
    let mut files: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "boilerplate.csv",
            "empty.csv",
            "native.csv",
            "nl-001.csv",
            "nl-003.csv",
            "nl_mt-short.csv",
            "sites.csv",
            "summary.csv"
        ]
    );
}

#[test]
fn a_50_mb_single_line_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("long.txt");
    let words: Vec<String> = (0..997).map(|i| format!("w{i}x")).collect();
    let mut text = String::with_capacity(50 << 20);
    let mut i = 0;
    while text.len() < 50 << 20 {
        text.push_str(&words[i % words.len()]);
        text.push(' ');
        i += 7;
    }
    std::fs::write(&path, &text).unwrap();
    let out = run(&["check", path.to_str().unwrap(), "--no-report"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 article, 0 findings"));
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&[
        "check",
        "tests/fixtures/native.txt",
        "--only",
        "typograhpy",
        "--no-report",
    ]);
    insta::assert_snapshot!(
        "unknown_detector",
        transcript(&out, Path::new("/nonexistent"))
    );
    let out = run(&["check", "tests/fixtures/does-not-exist.txt", "--no-report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("tests/fixtures/does-not-exist.txt: cannot read")
    );
}

#[test]
fn reports_never_overwrite_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("summary.csv");
    std::fs::write(&input, "url,text\nhttps://a,The the end.\n").unwrap();
    let out = run(&[
        "check",
        input.to_str().unwrap(),
        "--report-dir",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("refusing to write a report over an input file")
    );
    assert_eq!(read(&input), "url,text\nhttps://a,The the end.\n");
}

#[test]
fn formula_cells_are_neutralised_in_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("f.txt");
    std::fs::write(&input, "=HYPERLINK(\"http://x\") the the end.\n").unwrap();
    let out = run(&[
        "check",
        input.to_str().unwrap(),
        "--report-dir",
        tmp.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let csv = read(&tmp.path().join("f.csv"));
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://x\"\") the the end.\""),
        "{csv}"
    );
}

#[test]
fn closed_stdout_exits_0() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/xi-putin-moscow.txt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.txt");
    std::fs::write(&big, text.repeat(400)).unwrap();
    let mut child = mtlint(&["check", big.to_str().unwrap(), "--no-report"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn eval_on_the_seed() {
    let out = run(&[
        "eval",
        "--labels",
        "tests/fixtures/xi-putin-moscow.labels.csv",
        "tests/fixtures/xi-putin-moscow.txt",
        "--native",
        "tests/fixtures/native.txt",
    ]);
    insta::assert_snapshot!("eval_seed", transcript(&out, Path::new("/nonexistent")));
}

fn write_lexicon(dir: &Path, lang: &str, rows: &str) {
    let d = dir.join(format!("{lang}-en"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("house.csv"),
        format!("id,pattern,category,severity,confidence,source,meaning,suggestion,explanation,requires,forbids,example,native\n{rows}"),
    )
    .unwrap();
}

#[test]
fn user_lexicons_add_entries_and_bad_rows_name_file_line_column() {
    let tmp = tempfile::tempdir().unwrap();
    write_lexicon(
        tmp.path(),
        "nl",
        "house-bridge,come over the bridge,literal_idiom,major,0.9,over de brug komen,to pay up,pay up / deliver,Dutch idiom rendered literally.,,,The minister must now come over the bridge.,We will come to the bridge later.\n",
    );
    let text = tmp.path().join("a.txt");
    std::fs::write(
        &text,
        "The cabinet must now come over the bridge with money.\n",
    )
    .unwrap();
    let out = run(&[
        "check",
        text.to_str().unwrap(),
        "--lexicon",
        tmp.path().to_str().unwrap(),
        "--no-report",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("literal_idiom.nl.house-bridge"));
    let out = run(&["lexicon", "check", tmp.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let bad = tempfile::tempdir().unwrap();
    write_lexicon(
        bad.path(),
        "nl",
        "x,come  over,calque,major,0.9,s,m,x,e,,,ex,nat\ny,small beer,oddness,major,0.9,s,m,x,e,,,ex,nat\n",
    );
    let out = run(&["lexicon", "check", bad.path().to_str().unwrap()]);
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&bad.path().display().to_string(), "$TMP");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("bad_user_lexicon", stderr);
}

#[test]
fn source_lang_restricts_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("a.txt");
    std::fs::write(
        &text,
        "However, China is not waiting for Russia's defeat in Ukraine.\n",
    )
    .unwrap();
    let count = |lang: &str| {
        let out = run(&[
            "check",
            text.to_str().unwrap(),
            "--source-lang",
            lang,
            "--no-report",
            "--format",
            "csv",
        ]);
        String::from_utf8_lossy(&out.stdout)
            .matches("calque.nl.")
            .count()
    };
    assert_eq!(count("nl"), 1);
    assert_eq!(count("de"), 0);
    assert_eq!(count("auto"), 1);
    let out = run(&[
        "check",
        text.to_str().unwrap(),
        "--source-lang",
        "dutch",
        "--no-report",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn worker_threads_are_bounded() {
    let article = "tests/fixtures/xi-putin-moscow.txt";
    for bad in ["0", "1025", "100000", "two"] {
        let out = run(&["check", article, "--no-report", "-q", "-j", bad]);
        assert_eq!(out.status.code(), Some(2), "-j {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "'{bad}' is not a number of worker threads from 1 to 1024"
            )),
            "{err}"
        );
    }
    let out = run(&["check", article, "--no-report", "-q", "-j", "3"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn train_writes_a_model_that_check_can_use() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus.txt");
    let mut text = String::new();
    for _ in 0..500 {
        text.push_str("The great research team found a small result.\n");
        text.push_str("The careful study found a great result.\n");
        text.push_str("Research team members study results.\n");
    }
    std::fs::write(&corpus, text).unwrap();
    let model = tmp.path().join("house.model");
    let out = run(&[
        "train",
        "--corpus",
        corpus.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("mtlint: train: ") && err.contains("wrote"),
        "{err}"
    );
    let article = tmp.path().join("a.txt");
    std::fs::write(
        &article,
        "The careful team found a great research result. It was a big work.\n",
    )
    .unwrap();
    let check = |model: Option<&Path>| {
        let mut args = vec![
            "check",
            article.to_str().unwrap(),
            "--no-report",
            "--only",
            "oddity",
            "--format",
            "csv",
        ];
        if let Some(m) = model {
            args.extend(["--model", m.to_str().unwrap()]);
        }
        String::from_utf8_lossy(&run(&args).stdout).into_owned()
    };
    // The house model often sees 'research' and 'result' but never side by side, and does not
    // know 'big' or 'work'; the embedded model of general English judges the other way round.
    let house = check(Some(&model));
    assert!(
        house.contains(",research result,") && !house.contains(",big work,"),
        "{house}"
    );
    assert!(
        house.contains("in 10000 words of normal English"),
        "{house}"
    );
    let general = check(None);
    assert!(
        general.contains(",big work,") && !general.contains(",research result,"),
        "{general}"
    );
    // A corrupt model is a usage error that names the file.
    std::fs::write(&model, b"MTLINTLM garbage").unwrap();
    let out = run(&[
        "check",
        article.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("house.model"));
}
