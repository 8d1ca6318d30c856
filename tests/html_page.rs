//! The review page (`--format html`) in a real browser: headless Chromium runs the page's script,
//! and the test reads the resulting DOM (`--dump-dom`) and takes a screenshot at 1366×768.
//!
//! Without Chromium the browser checks are skipped with a message, unless
//! `MTLINT_REQUIRE_BROWSER=1` (CI), which makes a missing browser a failure. `MTLINT_CHROMIUM`
//! names the browser binary when it is not `chromium` on the PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FEED: &str = "tests/fixtures/sites-feed.jsonl";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MTLINT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
    .find(|p| p.is_file())
}

/// Runs the browser with a time limit, so a stuck browser fails the test instead of hanging it.
fn chromium(bin: &Path, profile: &Path, args: &[String]) -> String {
    let out_path = profile.join("stdout.html");
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("profile").display()
        ))
        .args(args)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{} failed: {status}", bin.display());
            break;
        }
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("{} did not finish in 180 s", bin.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read_to_string(out_path).unwrap()
}

fn attr(dom: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = dom.find(&key)? + key.len();
    Some(dom[i..i + dom[i..].find('"')?].to_string())
}

#[test]
fn review_page_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_mtlint"))
        .current_dir(root())
        .args(["check", FEED, "--format", "html", "--report-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "html writes nothing on stdout");
    let page = dir.join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is fetched.
    for needle in ["http://", "https://"] {
        let outside_data = html
            .split("<script type=\"application/json\"")
            .next()
            .unwrap()
            .contains(needle);
        assert!(!outside_data, "the page head references {needle}");
    }
    assert!(!html.contains("<script src") && !html.contains("<link"));
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let findings: usize = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<usize>().unwrap())
        .sum();
    let boilerplate = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .filter(|p| {
            !["summary", "sites", "boilerplate"]
                .iter()
                .any(|n| p.ends_with(format!("{n}.csv")))
        })
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| l.contains(",boilerplate,"))
                .count()
        })
        .sum::<usize>();
    assert!(findings > 10 && boilerplate > 0);

    let Some(bin) = browser() else {
        if std::env::var("MTLINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("MTLINT_REQUIRE_BROWSER=1 but no chromium found (set MTLINT_CHROMIUM)");
        }
        eprintln!("SKIPPED browser checks: no chromium on the PATH (apt-get install chromium)");
        return;
    };
    let url = format!("file://{}", page.display());
    let dump = |fragment: &str| {
        chromium(
            &bin,
            tmp.path(),
            &[
                "--virtual-time-budget=10000".into(),
                "--dump-dom".into(),
                format!("{url}{fragment}"),
            ],
        )
    };
    let dom = dump("");
    assert_eq!(
        attr(&dom, "data-ready").as_deref(),
        Some("1"),
        "the script ran"
    );
    let marks = dom.matches("<mark class=\"hl ").count();
    assert_eq!(marks, findings, "one highlight per finding");
    assert_eq!(attr(&dom, "data-highlights"), Some(findings.to_string()));
    assert_eq!(attr(&dom, "data-hidden").as_deref(), Some("0"));
    // The markup in the XSS fixture is shown as text and never ran.
    assert!(attr(&dom, "data-xss").is_none(), "injected script ran");
    assert!(!dom.contains("<img"), "injected markup became an element");
    assert!(dom.contains("&lt;script&gt;document.documentElement.dataset.xss='1'&lt;/script&gt;"));
    assert!(dom.contains("\"&gt;&lt;img src=x onerror="));

    // A filter from the URL: only boilerplate stays highlighted.
    let filtered = dump("#cat=boilerplate");
    let hidden = findings - boilerplate;
    assert_eq!(attr(&filtered, "data-hidden"), Some(hidden.to_string()));
    assert_eq!(filtered.matches(" off\"").count(), hidden);
    let by_severity = dump("#sev=critical,major&conf=0.8");
    assert!(attr(&by_severity, "data-hidden").is_some_and(|h| h != "0"));

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("review-page.png");
    chromium(
        &bin,
        tmp.path(),
        &[
            "--virtual-time-budget=10000".into(),
            "--window-size=1366,768".into(),
            format!("--screenshot={}", shot.display()),
            url,
        ],
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "screenshot written"
    );
    eprintln!("screenshot: {}", shot.display());
}
