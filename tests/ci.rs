//! CI integration: every output format (SARIF validated against the SARIF 2.1.0 schema, GitHub
//! workflow commands against their documented syntax), `mtlint.toml` discovery and precedence,
//! each suppression form, baselines, `rules`, `explain` and `init`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs mtlint in `dir` (the repository root when `None`).
fn run_in(dir: Option<&Path>, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtlint"))
        .current_dir(dir.map_or_else(root, Path::to_path_buf))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("mtlint runs")
}

fn run(args: &[&str]) -> Output {
    run_in(None, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// (line, rule) of every finding in `--format jsonl` output.
fn jsonl_findings(o: &Output) -> Vec<(u64, String)> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("each line is JSON"))
        .filter(|v| v["type"] == "finding")
        .map(|v| {
            (
                v["line"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const SHORT: &str = "tests/fixtures/mt-short.txt";

#[test]
fn json_and_jsonl_carry_every_csv_column_and_the_summary() {
    let json = run(&["check", SHORT, "--no-report", "--format", "json"]);
    assert_eq!(code(&json), 1, "{}", stderr(&json));
    insta::assert_snapshot!("format_json", stdout(&json));
    let doc: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let article = &doc["articles"][0];
    for col in mtlint::report::SUMMARY_COLUMNS {
        assert!(
            article["summary"].get(col).is_some(),
            "summary column {col} missing"
        );
    }
    let findings = article["findings"].as_array().unwrap();
    let n = findings.len();
    assert!(n > 5, "{n} findings");
    assert_eq!(article["summary"]["findings"], n);
    for f in findings {
        for col in mtlint::report::FINDING_COLUMNS {
            assert!(f.get(col).is_some(), "finding column {col} missing");
        }
    }
    assert_eq!(doc["totals"]["findings"], n);

    let jsonl = run(&["check", SHORT, "--no-report", "--format", "jsonl"]);
    insta::assert_snapshot!("format_jsonl", stdout(&jsonl));
    let lines: Vec<Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n + 1);
    assert_eq!(lines[n]["type"], "article");
    for col in mtlint::report::SUMMARY_COLUMNS {
        assert!(lines[n].get(col).is_some(), "summary column {col} missing");
    }
    for (line, f) in lines[..n].iter().zip(findings) {
        assert_eq!(line["type"], "finding");
        for col in mtlint::report::FINDING_COLUMNS {
            assert_eq!(line[col], f[col], "{col}");
        }
    }
}

#[test]
fn empty_runs_are_still_valid_documents() {
    let out = run(&[
        "check",
        "tests/fixtures/native.txt",
        "--no-report",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["articles"][0]["findings"], serde_json::json!([]));
    let out = run(&[
        "check",
        "tests/fixtures/native.txt",
        "--no-report",
        "--format",
        "sarif",
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

/// The official SARIF 2.1.0 schema, committed verbatim. One pattern in it (`language`, RFC 5646
/// tags) has a stray `]` that the validator's regex check rejects when it checks the schema
/// itself; it is replaced here by the intended `xx` or `xx-XX` before compiling. mtlint does not
/// write `language`, so nothing it writes is checked less.
fn sarif_validator() -> jsonschema::Validator {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap();
    let schema: Value = serde_json::from_str(&text.replace(
        &serde_json::to_string(BROKEN).unwrap(),
        "\"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$\"",
    ))
    .unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_schema() {
    let validator = sarif_validator();
    let out = run(&[
        "check",
        SHORT,
        "tests/fixtures/xi-putin-moscow.txt",
        "tests/fixtures/feed.jsonl",
        "--no-report",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_str(&stdout(&out)).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10);
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(rule["help"]["text"].as_str().unwrap().len() > 20);
        assert!(rule["help"]["markdown"].is_string());
        let location = &r["locations"][0]["physicalLocation"];
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        // Records of a JSON Lines file are located by line only.
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(
            region["startColumn"].as_u64().is_some(),
            uri != "tests/fixtures/feed.jsonl",
            "{uri}"
        );
        assert!(r["partialFingerprints"]["mtlint/v1"].is_string());
    }
    // A broken log is caught: the validator is really checking.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let short = run_in(None, &["check", SHORT, "--no-report", "--format", "sarif"]);
    insta::assert_snapshot!("format_sarif", stdout(&short));
}

/// A property value may not hold `,` `:` CR or LF unescaped, a message no CR or LF, and `%` only
/// starts an escape (GitHub's documented workflow-command escaping).
fn check_workflow_command(line: &str) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (command, rest) = rest.split_once(' ').expect("command, then properties");
    assert!(["error", "warning", "notice"].contains(&command), "{line}");
    let (props, message) = rest.split_once("::").expect(":: before the message");
    let escapes_ok = |s: &str, allowed: &[&str]| {
        s.match_indices('%')
            .all(|(i, _)| allowed.iter().any(|a| s[i + 1..].starts_with(a)))
    };
    assert!(!message.contains(['\r', '\n']), "{line}");
    assert!(escapes_ok(message, &["25", "0D", "0A"]), "{line}");
    let mut keys = Vec::new();
    for prop in props.split(',') {
        let (key, value) = prop.split_once('=').expect("key=value");
        assert!(!value.contains([':', '\r', '\n']), "{line}");
        assert!(escapes_ok(value, &["25", "0D", "0A", "3A", "2C"]), "{line}");
        keys.push(key);
    }
    // Records of JSON Lines and CSV files have a line and no columns.
    let full = ["file", "line", "col", "endLine", "endColumn", "title"];
    assert!(keys == full || keys == ["file", "line", "title"], "{line}");
}

#[test]
fn github_commands_follow_the_documented_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("a,b:100%.txt");
    std::fs::write(&odd, "The the economy creaks and creaks.\n").unwrap();
    let out = run(&[
        "check",
        SHORT,
        odd.to_str().unwrap(),
        "tests/fixtures/feed.jsonl",
        "--no-report",
        "--format",
        "github",
    ]);
    let text = stdout(&out);
    let expected = jsonl_findings(&run(&[
        "check",
        SHORT,
        "tests/fixtures/feed.jsonl",
        "--no-report",
        "--format",
        "jsonl",
    ]));
    assert_eq!(text.lines().count(), expected.len() + 2, "{text}");
    assert!(text.contains("::notice file=tests/fixtures/feed.jsonl,line=1,title="));
    for line in text.lines() {
        check_workflow_command(line);
    }
    let odd_line = text
        .lines()
        .find(|l| l.contains("a%2Cb%3A100%25.txt"))
        .unwrap();
    assert!(odd_line.starts_with("::notice file="), "{odd_line}");
    insta::assert_snapshot!(
        "format_github",
        stdout(&run(&["check", SHORT, "--no-report", "--format", "github"]))
    );
}

#[test]
fn quiet_prints_only_the_summary_line() {
    let out = run(&["check", SHORT, "--no-report", "--format", "json", "--quiet"]);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out).lines().count(), 1);
    assert_eq!(code(&out), 1);
}

#[test]
fn thresholds_fail_on_min_confidence_and_max_score() {
    let short = |extra: &[&str]| {
        let mut args = vec!["check", SHORT, "--no-report", "--format", "jsonl"];
        args.extend_from_slice(extra);
        run(&args)
    };
    assert_eq!(code(&short(&["--fail-on", "never"])), 0);
    assert_eq!(code(&short(&["--fail-on", "critical"])), 0);
    assert_eq!(
        code(&short(&["--fail-on", "never", "--max-score", "1000"])),
        0
    );
    assert_eq!(
        code(&short(&["--fail-on", "never", "--max-score", "10"])),
        1
    );
    let confident = short(&["--min-confidence", "0.9"]);
    let all = short(&[]);
    assert!(jsonl_findings(&confident).len() < jsonl_findings(&all).len());
    assert!(
        !jsonl_findings(&confident)
            .iter()
            .any(|(_, r)| r == "repetition.reduplication")
    );
    let bad = short(&["--min-confidence", "1.5"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("min-confidence 1.5 is not between 0 and 1"));
}

#[test]
fn config_is_discovered_in_parents_and_the_command_line_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("articles/nl");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(root().join(SHORT), sub.join("a.txt")).unwrap();
    std::fs::write(
        tmp.path().join("mtlint.toml"),
        "format = \"jsonl\"\nfail-on = \"never\"\nno-report = true\n\
         accept = [\"dragged and dragged\"]\n\n[severity]\nboilerplate = \"minor\"\n",
    )
    .unwrap();
    // From a subdirectory: the parent's file applies.
    let out = run_in(Some(&sub), &["check", "a.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let found = jsonl_findings(&out);
    assert!(!found.iter().any(|(_, r)| r == "repetition.reduplication"));
    let line = stdout(&out)
        .lines()
        .find(|l| l.contains("boilerplate.read-also"))
        .unwrap()
        .to_string();
    assert!(line.contains("\"severity\":\"minor\""), "{line}");
    assert!(!sub.join("reports").exists());
    // The command line wins over the file.
    let out = run_in(
        Some(&sub),
        &["check", "a.txt", "--format", "csv", "--fail-on", "major"],
    );
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("article,line,column,"));
    let out = run_in(
        Some(&sub),
        &[
            "check",
            "a.txt",
            "--severity",
            "boilerplate=critical",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(code(&out), 1);
    // --config names another file; the discovered one is then not read.
    let other = tmp.path().join("other.toml");
    std::fs::write(&other, "format = \"github\"\nno-report = true\n").unwrap();
    let out = run_in(
        Some(&sub),
        &["check", "a.txt", "--config", other.to_str().unwrap()],
    );
    assert!(stdout(&out).starts_with("::"), "{}", stdout(&out));
    assert_eq!(code(&out), 1, "fail-on is back to its default");
}

#[test]
fn malformed_config_names_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("mtlint.toml"),
        "format = \"json\"\nfial-on = \"minor\"\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("a.txt"), "The the end.\n").unwrap();
    let out = run_in(Some(tmp.path()), &["check", "a.txt"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out).replace(&tmp.path().display().to_string(), "$TMP"),
        "mtlint: error: $TMP/mtlint.toml:2:1: unknown key 'fial-on'; did you mean 'fail-on'?\n"
    );
    std::fs::write(
        tmp.path().join("mtlint.toml"),
        "format = \"json\"\n[severity]\n\"repetition\" = 3\n",
    )
    .unwrap();
    let out = run_in(Some(tmp.path()), &["check", "a.txt"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out).replace(&tmp.path().display().to_string(), "$TMP");
    assert!(
        err.starts_with(
            "mtlint: error: $TMP/mtlint.toml:3:16: key 'severity.repetition': invalid type"
        ),
        "{err}"
    );
    let out = run(&[
        "check",
        SHORT,
        "--no-report",
        "--model",
        "/nonexistent/model.bin",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("model file /nonexistent/model.bin does not exist"));
}

#[test]
fn each_suppression_form() {
    let tmp = tempfile::tempdir().unwrap();
    let md = tmp.path().join("a.md");
    std::fs::write(
        &md,
        "# Title\n\nThe the first.\n\n<!-- mtlint-disable repetition.doubled-word -->\n\
         The the second, and it creaks and creaks.\n<!-- mtlint-enable -->\n\
         The the third.\n<!-- mtlint-disable-next-line -->\nThe the fourth.\nThe the fifth.\n",
    )
    .unwrap();
    let out = run(&[
        "check",
        md.to_str().unwrap(),
        "--no-report",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        jsonl_findings(&out),
        [
            (3, "repetition.doubled-word".to_string()),
            (6, "repetition.reduplication".to_string()),
            (8, "repetition.doubled-word".to_string()),
            (11, "repetition.doubled-word".to_string()),
        ]
    );
    let html = tmp.path().join("b.html");
    std::fs::write(
        &html,
        "<p>The the one.</p>\n<!-- mtlint-disable -->\n<p>The the two.</p>\n",
    )
    .unwrap();
    let out = run(&[
        "check",
        html.to_str().unwrap(),
        "--no-report",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        jsonl_findings(&out),
        [(1, "repetition.doubled-word".to_string())]
    );
    let txt = tmp.path().join("c.txt");
    std::fs::write(
        &txt,
        "The the one.\nThe the two. mtlint:ignore\nThe the three.\n",
    )
    .unwrap();
    let out = run(&[
        "check",
        txt.to_str().unwrap(),
        "--no-report",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        jsonl_findings(&out),
        [
            (1, "repetition.doubled-word".to_string()),
            (3, "repetition.doubled-word".to_string())
        ]
    );
}

#[test]
fn baseline_round_trip_fails_only_on_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let article = tmp.path().join("a.txt");
    let baseline = tmp.path().join("mtlint-baseline.json");
    std::fs::write(&article, "The economy creaks and creaks.\n").unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            article.to_str().unwrap(),
            "--no-report",
            "--fail-on",
            "minor",
            "--format",
            "jsonl",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let out = check(&["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(
        code(&out),
        0,
        "writing a baseline records, it does not fail"
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"][0]["rule"], "repetition.reduplication");
    // The old finding moves down two lines: still known.
    std::fs::write(
        &article,
        "A new opening.\n\nThe economy creaks and creaks.\n",
    )
    .unwrap();
    let out = check(&["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(jsonl_findings(&out), []);
    // A new artifact fails, and only it is reported.
    std::fs::write(
        &article,
        "A new opening with the the typo.\n\nThe economy creaks and creaks.\n",
    )
    .unwrap();
    let out = check(&["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        jsonl_findings(&out),
        [(1, "repetition.doubled-word".to_string())]
    );
    // Without the baseline both are reported.
    assert_eq!(jsonl_findings(&check(&[])).len(), 2);
    std::fs::write(&baseline, "{\"version\": 1, \"findings\": 3}").unwrap();
    let out = check(&["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a valid mtlint baseline"));
}

#[test]
fn include_and_exclude_globs() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("feed/drafts")).unwrap();
    std::fs::write(tmp.path().join("feed/a.txt"), "The the a.\n").unwrap();
    std::fs::write(tmp.path().join("feed/b.md"), "The the b.\n").unwrap();
    std::fs::write(tmp.path().join("feed/drafts/c.txt"), "The the c.\n").unwrap();
    let articles = |extra: &[&str]| {
        let mut args = vec!["check", "feed", "--no-report", "--format", "json"];
        args.extend_from_slice(extra);
        let out = run_in(Some(tmp.path()), &args);
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        doc["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["summary"]["path"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(articles(&[]).len(), 3);
    assert_eq!(
        articles(&["--exclude", "**/drafts/**"]),
        ["feed/a.txt", "feed/b.md"]
    );
    assert_eq!(articles(&["--include", "**/*.md"]), ["feed/b.md"]);
}

#[test]
fn rules_lists_and_explain_explains() {
    let out = run(&["rules"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("rule "), "{text}");
    let row = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not listed"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("repetition.doubled-word")[..5],
        ["repetition.doubled-word", "repetition", "minor", "-", "1"]
    );
    let calque = row("calque.nl");
    assert_eq!(calque[1], "calque");
    assert_eq!(calque[3], "nl");
    assert!(calque[4].parse::<usize>().unwrap() > 1);
    let verbose = stdout(&run(&["rules", "--verbose"]));
    assert!(verbose.lines().count() > text.lines().count());
    assert!(verbose.contains("calque.nl.cq-zit-niet-te-wachten-sits"));

    let out = run(&["explain", "repetition.reduplication"]);
    insta::assert_snapshot!("explain_reduplication", stdout(&out));
    let out = run(&["explain", "calque.nl.cq-zit-niet-te-wachten-sits"]);
    let text = stdout(&out);
    for field in [
        "source phrase: zit niet te wachten op",
        "meaning:",
        "suggestion:",
        "flags:",
        "leaves alone:",
    ] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }
    // Users' own lexicon entries are listed and explained too.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("nl-en")).unwrap();
    std::fs::write(
        tmp.path().join("nl-en/house.csv"),
        "id,pattern,category,severity,confidence,source,meaning,suggestion,explanation,requires,forbids,example,native\n\
         house-bridge,come over the bridge,literal_idiom,major,0.9,over de brug komen,to pay up,pay up,Dutch idiom rendered literally.,,,The minister must now come over the bridge.,We will come to the bridge later.\n",
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = run(&["explain", "literal_idiom.nl.house-bridge", "--lexicon", dir]);
    assert!(
        stdout(&out).contains("source phrase: over de brug komen"),
        "{}",
        stderr(&out)
    );
    let out = run(&["rules", "--verbose", "--lexicon", dir]);
    assert!(stdout(&out).contains("literal_idiom.nl.house-bridge"));
    let out = run(&["explain", "repetition.doubled-wrod"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("did you mean 'repetition.doubled-word'"));
}

#[test]
fn init_writes_the_defaults_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(Some(tmp.path()), &["init"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = tmp.path().join("mtlint.toml");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        mtlint::config::TEMPLATE
    );
    std::fs::write(&path, "format = \"json\"\n").unwrap();
    let out = run_in(Some(tmp.path()), &["init"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("an existing file is never replaced"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "format = \"json\"\n"
    );
}
