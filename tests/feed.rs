//! Feed-level behaviour of `mtlint check`: streaming JSON Lines through a real pipe, ranked
//! `summary.csv`, discovered boilerplate, `sites.csv`, and output that does not depend on the
//! thread count. Fixture: `tests/fixtures/sites-feed.jsonl`, articles from two sites that share a
//! footer paragraph (and one article carrying markup, for the review page).

#[path = "common/run.rs"]
mod helpers;
use helpers::{listing, transcript};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const FEED: &str = "tests/fixtures/sites-feed.jsonl";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mtlint(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mtlint"));
    c.current_dir(root()).args(args).env_remove("NO_COLOR");
    c
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn feed_lines() -> Vec<String> {
    read(&root().join(FEED)).lines().map(String::from).collect()
}

/// Writes one line at a time and reads its answer before writing the next: passes only if each
/// result leaves the process while its stdin is still open.
#[test]
fn stdin_json_lines_are_answered_one_line_per_article_as_they_arrive() {
    let mut child = mtlint(&["check", "--format", "jsonl", "--no-report", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    // Reading on a thread gives the test a timeout: a pipeline that buffers fails, never hangs.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut inputs = feed_lines();
    inputs.insert(2, "{\"id\": \"broken\", \"text\": ".into());
    for (i, line) in inputs.iter().enumerate() {
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let answer = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no answer to input line {} while stdin is open", i + 1));
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        if i == 2 {
            assert_eq!(v["type"], "error", "{answer}");
            assert_eq!(v["line"], 3, "{answer}");
        } else {
            let want: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["type"], "article", "{answer}");
            assert_eq!(v["id"], want["id"], "{answer}");
            assert!(v["findings"].is_array(), "{answer}");
            assert_eq!(v["path"], format!("<stdin>#{}", i + 1));
            // Every summary column, each key once: `findings` is the array (last), not also
            // the count.
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            let (top, _) = answer.split_once("\"findings\":[").unwrap();
            for column in mtlint::report::SUMMARY_COLUMNS {
                assert!(keys.contains(column), "{column}: {answer}");
                let key = format!("\"{column}\":");
                let once = usize::from(*column != "findings");
                assert_eq!(top.matches(&key).count(), once, "{key}: {answer}");
            }
        }
    }
    drop(stdin);
    assert!(
        rx.recv_timeout(Duration::from_secs(120)).is_err(),
        "one line per input line"
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a bad line is an input error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:3: invalid JSON"), "{stderr}");
}

/// Every report file of a run, concatenated with headers, temporary paths made stable.
fn reports(dir: &Path) -> String {
    listing(dir)
        .iter()
        .map(|n| format!("=== {n}\n{}", read(&dir.join(n))))
        .collect()
}

#[test]
fn feed_level_reports_from_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let out = mtlint(&[
        "check",
        FEED,
        "--report-dir",
        dir.to_str().unwrap(),
        "--format",
        "jsonl",
    ])
    .output()
    .unwrap();
    insta::assert_snapshot!("feed_files_stdout", transcript(&out, tmp.path()));
    let files = reports(&dir);
    insta::assert_snapshot!("feed_files_reports", files);
    let summary = read(&dir.join("summary.csv"));
    let scores: Vec<f64> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(8).unwrap().parse().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
    let boilerplate = read(&dir.join("boilerplate.csv"));
    assert!(boilerplate.contains("noordnieuws.example.nl,5,5,1.00,Do you have a tip"));
    assert!(boilerplate.contains("rheinblick.example.de,3,4,0.75,Do you have a tip"));
    assert_eq!(files.matches("boilerplate.discovered").count(), 8);
}

#[test]
fn feed_level_reports_from_stdin_report_boilerplate_only_at_the_end() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let out = mtlint(&["check", "-", "--report-dir", dir.to_str().unwrap(), "-q"])
        .stdin(std::fs::File::open(root().join(FEED)).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        transcript(&out, tmp.path())
    );
    let files = reports(&dir);
    assert_eq!(files.matches("boilerplate.discovered").count(), 0);
    insta::assert_snapshot!("feed_stdin_boilerplate", read(&dir.join("boilerplate.csv")));
    insta::assert_snapshot!("feed_stdin_sites", read(&dir.join("sites.csv")));
}

/// The same run with one and two worker threads: every byte of stdout and of the reports agrees.
#[test]
fn output_does_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    // A feed long enough to keep two workers busy and out of step: the fixture feed many times,
    // with the long seed article in between.
    let seed = read(&root().join("tests/fixtures/xi-putin-moscow.txt"));
    let mut feed = String::new();
    for round in 0..12 {
        for line in feed_lines() {
            let mut v: serde_json::Value = serde_json::from_str(&line).unwrap();
            v["id"] = format!("{}-{round}", v["id"].as_str().unwrap()).into();
            feed += &format!("{v}\n");
        }
        let long =
            serde_json::json!({"id": format!("seed-{round}"), "text": seed.repeat(round % 3 + 1)});
        feed += &format!("{long}\n");
    }
    let input = tmp.path().join("feed.jsonl");
    std::fs::write(&input, feed).unwrap();
    for (format, stdin) in [
        ("jsonl", false),
        ("human", false),
        ("jsonl", true),
        ("csv", true),
    ] {
        let run = |threads: &str| {
            let dir = tmp.path().join(format!("r{threads}"));
            let _ = std::fs::remove_dir_all(&dir);
            let mut cmd = mtlint(&[
                "check",
                "-j",
                threads,
                "--format",
                format,
                "--report-dir",
                dir.to_str().unwrap(),
                "--color",
                "never",
            ]);
            if stdin {
                cmd.arg("-").stdin(std::fs::File::open(&input).unwrap());
            } else {
                cmd.arg(&input);
            }
            let out = cmd.output().unwrap();
            let stderr =
                String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "DIR");
            (out.stdout, stderr, out.status.code(), reports(&dir))
        };
        let one = run("1");
        let two = run("2");
        assert!(
            one.0 == two.0,
            "{format} stdout differs between -j1 and -j2"
        );
        assert_eq!(one.1, two.1, "{format}: stderr");
        assert_eq!(one.2, two.2, "{format}: exit code");
        assert!(
            one.3 == two.3,
            "{format}: reports differ between -j1 and -j2"
        );
        assert!(one.0.len() > 1000, "{format}: output was written");
    }
}
