//! Reports stay inside the report directory whatever the article ids, never replace or open an
//! input for writing, and leave nothing half-written behind.

#[path = "common/run.rs"]
mod helpers;
use helpers::listing;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mtlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("mtlint runs")
}

/// Hostile ids from a JSON Lines feed: every report is a plain file in the report directory.
#[test]
fn hostile_article_ids_stay_in_the_report_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("feed.jsonl");
    let ids = [
        "../../etc/passwd".to_string(),
        "../escape".into(),
        "/abs/path".into(),
        "CON".into(),
        "a/b".into(),
        String::new(),
        "x".repeat(300),
        "nul\0byte".into(),
        "日本語".into(),
        "summary".into(),
        "sites".into(),
        ".hidden".into(),
        "C:\\Windows\\win".into(),
    ];
    let lines: Vec<String> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "text": "The the end."}).to_string())
        .collect();
    std::fs::write(&feed, lines.join("\n")).unwrap();
    let reports = tmp.path().join("reports");
    let out = mtlint(&[
        "check",
        feed.to_str().unwrap(),
        "--report-dir",
        reports.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(listing(tmp.path()), ["feed.jsonl", "reports"]);
    let mut want = vec![
        "etc_passwd.csv".to_string(),
        "escape.csv".into(),
        "abs_path.csv".into(),
        "CON_.csv".into(),
        "a_b.csv".into(),
        "feed-6.csv".into(),
        format!("{}.csv", "x".repeat(100)),
        "nul_byte.csv".into(),
        "article.csv".into(),
        "summary-2.csv".into(),
        "sites-2.csv".into(),
        "hidden.csv".into(),
        "C_Windows_win.csv".into(),
        "summary.csv".into(),
        "boilerplate.csv".into(),
        "sites.csv".into(),
    ];
    want.sort();
    assert_eq!(listing(&reports), want);
}

/// An input whose report name would be its own: refused before anything is written, and the
/// (read-only) input is unchanged.
#[test]
fn a_report_never_replaces_its_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input: PathBuf = tmp.path().join("feed.csv");
    let body = "id,text\nfeed,The the end.\n";
    std::fs::write(&input, body).unwrap();
    let mut perms = std::fs::metadata(&input).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&input, perms).unwrap();
    let before = std::fs::metadata(&input).unwrap().modified().unwrap();
    let out = mtlint(&[
        "check",
        input.to_str().unwrap(),
        "--report-dir",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("feed.csv: refusing to write a report over an input file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&input).unwrap(), body);
    assert_eq!(
        std::fs::metadata(&input).unwrap().modified().unwrap(),
        before
    );
    // No partial summary or temporary file is left behind.
    assert_eq!(listing(tmp.path()), ["feed.csv"]);
}

/// A run that can read none of its inputs keeps the reports of the run before; one that reads
/// some of them reports those.
#[test]
fn a_run_that_reads_nothing_keeps_the_earlier_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    std::fs::write(&input, "The the end.\n").unwrap();
    let reports = tmp.path().join("reports");
    let check = |inputs: &[&str]| {
        let mut args = vec!["check", "--report-dir", reports.to_str().unwrap()];
        args.extend(inputs);
        mtlint(&args)
    };
    let out = check(&[input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let summary = std::fs::read_to_string(reports.join("summary.csv")).unwrap();
    assert!(summary.contains("\na,"), "{summary}");
    let missing = tmp.path().join("missing.txt");
    let out = check(&[missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing.txt: cannot read") && !stderr.contains("reports in"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(reports.join("summary.csv")).unwrap(),
        summary
    );
    assert_eq!(
        listing(&reports),
        ["a.csv", "boilerplate.csv", "sites.csv", "summary.csv"]
    );
    assert!(
        stderr.contains("no report written: no input could be read; the previous ones are kept"),
        "{stderr}"
    );
    // One input read, one missing: the reports are of what was read.
    std::fs::write(&input, "The end of the the story.\n").unwrap();
    let out = check(&[missing.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("reports in"), "{stderr}");
    let now = std::fs::read_to_string(reports.join("summary.csv")).unwrap();
    assert!(now != summary && now.contains("\na,"), "{now}");
}

/// A baseline is written only from a run that read every input: one without an unreadable
/// input's findings would report them all as new next time.
#[test]
fn a_run_with_input_errors_keeps_the_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    std::fs::write(&input, "The the end.\n").unwrap();
    let baseline = tmp.path().join("base.json");
    let write = |inputs: &[&Path]| {
        let mut args = vec!["check", "--no-report", "-q", "--write-baseline"];
        args.push(baseline.to_str().unwrap());
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        mtlint(&args)
    };
    assert_eq!(write(&[&input]).status.code(), Some(0));
    let kept = std::fs::read_to_string(&baseline).unwrap();
    assert!(kept.contains("repetition.doubled-word"), "{kept}");
    let missing = tmp.path().join("mistyped.txt");
    for inputs in [
        vec![missing.as_path()],
        vec![missing.as_path(), input.as_path()],
    ] {
        let out = write(&inputs);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("baseline not written: 1 input error(s); the previous one is kept"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(&baseline).unwrap(), kept);
    }
    assert_eq!(listing(tmp.path()), ["a.txt", "base.json"]);
}

/// Every cell a spreadsheet would evaluate starts with an apostrophe in the report.
#[test]
fn formula_prefixes_are_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("f.jsonl");
    let lines: Vec<String> = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!({"id": format!("a{i}"), "title": p, "text": format!("{p} the the end.")})
                .to_string()
        })
        .collect();
    std::fs::write(&feed, lines.join("\n")).unwrap();
    let reports = tmp.path().join("r");
    let out = mtlint(&[
        "check",
        feed.to_str().unwrap(),
        "--report-dir",
        reports.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0));
    for i in 0..6 {
        let mut rdr = csv::Reader::from_path(reports.join(format!("a{i}.csv"))).unwrap();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for cell in rec.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
        }
    }
    let mut rdr = csv::Reader::from_path(reports.join("summary.csv")).unwrap();
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

/// `--write-baseline` pointed at an input is refused before the run, and the input is kept.
#[test]
fn the_baseline_never_replaces_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    std::fs::write(&input, "The the end.\n").unwrap();
    let out = mtlint(&[
        "check",
        input.to_str().unwrap(),
        "--no-report",
        "--write-baseline",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a.txt: refusing to write the baseline over an input file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "The the end.\n");
    assert_eq!(listing(tmp.path()), ["a.txt"]);
    // Output paths of the wrong kind are refused before the run, not after it.
    for (args, message) in [
        (
            [
                "--no-report",
                "--write-baseline",
                tmp.path().to_str().unwrap(),
            ],
            "is a directory; the baseline is written to a file",
        ),
        (
            ["--quiet", "--report-dir", input.to_str().unwrap()],
            "a.txt: not a directory; --report-dir names the directory reports go to",
        ),
    ] {
        let mut all = vec!["check", input.to_str().unwrap()];
        all.extend(args);
        let out = mtlint(&all);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(message) && !stderr.contains("1 article"),
            "{stderr}"
        );
    }
    assert_eq!(listing(tmp.path()), ["a.txt"]);
}

/// `train -o` and `lexicon derive-foreign -o` pointed at one of their inputs are refused before
/// any work, and the input is kept.
#[test]
fn trained_and_derived_files_never_replace_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus.txt");
    std::fs::write(&corpus, "The prime minister spoke.\n").unwrap();
    let wordfreq = tmp.path().join("wordfreq");
    std::fs::create_dir(&wordfreq).unwrap();
    let nl = wordfreq.join("large_nl.tsv.xz");
    std::fs::write(&nl, "not read").unwrap();
    for (args, kept, message) in [
        (
            vec!["train", "--corpus", corpus.to_str().unwrap()],
            &corpus,
            "corpus.txt: refusing to write the model over an input file",
        ),
        (
            vec![
                "lexicon",
                "derive-foreign",
                "--wordfreq",
                wordfreq.to_str().unwrap(),
            ],
            &nl,
            "large_nl.tsv.xz: refusing to write the word table over an input file",
        ),
    ] {
        let before = std::fs::read(kept).unwrap();
        let mut args = args.clone();
        args.extend(["-o", kept.to_str().unwrap()]);
        let out = mtlint(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{stderr}");
        assert_eq!(std::fs::read(kept).unwrap(), before);
    }
    assert_eq!(listing(tmp.path()), ["corpus.txt", "wordfreq"]);
    assert_eq!(listing(&wordfreq), ["large_nl.tsv.xz"]);
    // A directory is refused before the work; an output that cannot be written is named, with
    // the reason said once, and no temporary file is left behind.
    let train_to = |output: &Path| {
        let out = mtlint(&[
            "train",
            "--corpus",
            corpus.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = train_to(&wordfreq);
    assert!(
        stderr.contains("wordfreq: is a directory; the model is written to a file")
            && !stderr.contains("mtlint: train:"),
        "{stderr}"
    );
    let stderr = train_to(&tmp.path().join("no-such-dir").join("m.model"));
    assert!(
        stderr.contains("m.model: no directory ") && stderr.contains(" to write the model in"),
        "{stderr}"
    );
    assert!(!stderr.contains("mtlint: train:"), "{stderr}");
    assert_eq!(listing(tmp.path()), ["corpus.txt", "wordfreq"]);
    // An error's I/O reason is said once, though it is also the error's source.
    let missing = tmp.path().join("missing.toml");
    let out = mtlint(&["check", "--config", missing.to_str().unwrap(), "-"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.toml: cannot read: "), "{stderr}");
    assert_eq!(stderr.matches("(os error").count(), 1, "{stderr}");
}
