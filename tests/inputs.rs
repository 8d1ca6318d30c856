//! Feeds, web pages, CSV column mapping, URLs and bilingual files: what each fixture yields as
//! articles (library) and what `mtlint check` prints for it (binary), as whole-output snapshots.
//! URL tests run their own HTTP server on 127.0.0.1.

use mtlint::ingest::{Articles, IngestOptions, InputFormat, expand};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mtlint(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mtlint"));
    c.current_dir(root()).args(args).env_remove("NO_COLOR");
    // The local test server must be reached directly.
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(var);
    }
    c
}

fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn check(args: &[&str]) -> String {
    let mut all = vec!["check", "--no-report", "--color", "never"];
    all.extend_from_slice(args);
    transcript(&mtlint(&all).output().expect("mtlint runs"))
}

/// Every article (or error) an input yields, written out field by field.
fn extracted(input: &str, format: InputFormat, options: IngestOptions) -> String {
    let (sources, errors) = expand(&[root().join(input).display().to_string()]);
    assert!(errors.is_empty(), "{errors:?}");
    let prefix = format!("{}/", root().display());
    let mut out = String::new();
    for a in Articles::new(sources, format).with_options(options) {
        match a {
            Err(e) => out += &format!("ERROR {}\n", e.to_string().replace(&prefix, "")),
            Ok(a) => {
                out += &format!(
                    "== id: {}\npath: {}\ntitle: {:?}\nurl: {:?}\nsource_lang: {:?}\n{}",
                    a.id,
                    a.path.replace(&prefix, ""),
                    a.title,
                    a.url,
                    a.source_lang,
                    a.text
                );
                if !a.text.ends_with('\n') {
                    out.push('\n');
                }
                for s in &a.segments {
                    out += &format!("-- {:?} <- {}\n", &a.text[s.target.clone()], s.source);
                }
            }
        }
    }
    out
}

fn auto(input: &str) -> String {
    extracted(input, InputFormat::Auto, IngestOptions::default())
}

#[test]
fn rss_feed_items_become_articles() {
    insta::assert_snapshot!("rss_extracted", auto("tests/fixtures/web/nieuws.rss"));
    insta::assert_snapshot!("rss_check", check(&["tests/fixtures/web/nieuws.rss"]));
}

#[test]
fn atom_feed_and_stdin_with_input_format() {
    insta::assert_snapshot!(
        "atom_extracted",
        auto("tests/fixtures/web/persbericht.atom")
    );
    let feed = std::fs::read(root().join("tests/fixtures/web/persbericht.atom")).unwrap();
    let mut child = mtlint(&[
        "check",
        "--no-report",
        "--color",
        "never",
        "--input-format",
        "atom",
        "-",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child.stdin.take().unwrap().write_all(&feed).unwrap();
    insta::assert_snapshot!("atom_stdin", transcript(&child.wait_with_output().unwrap()));
}

#[test]
fn html_page_keeps_only_the_article() {
    let text = auto("tests/fixtures/web/artikel.html");
    for furniture in [
        "cookies",
        "Politics",
        "Share on",
        "Advertisement",
        "Related articles",
        "Putin visits Beijing",
        "comments",
        "the the best",
        "Leave a Reply",
        "email address",
        "Most read",
        "newsletter",
        "All rights reserved",
        "dataLayer",
    ] {
        assert!(
            !text.contains(furniture),
            "{furniture} leaked into:\n{text}"
        );
    }
    insta::assert_snapshot!("html_extracted", text);
    let out = check(&["tests/fixtures/web/artikel.html", "--format", "jsonl"]);
    for furniture in ["the the", "Leave a Reply", "cookies", "newsletter"] {
        assert!(!out.contains(furniture), "{furniture} in findings:\n{out}");
    }
    insta::assert_snapshot!("html_check", check(&["tests/fixtures/web/artikel.html"]));
}

#[test]
fn csv_columns_are_chosen_by_name() {
    let columns = |text: &str, id: &str| IngestOptions {
        text_column: Some(text.into()),
        id_column: Some(id.into()),
        ..IngestOptions::default()
    };
    insta::assert_snapshot!(
        "csv_columns_extracted",
        extracted(
            "tests/fixtures/web/articles.csv",
            InputFormat::Auto,
            columns("body", "slug")
        )
    );
    insta::assert_snapshot!(
        "csv_columns_check",
        check(&[
            "tests/fixtures/web/articles.csv",
            "--text-column",
            "body",
            "--id-column",
            "slug"
        ])
    );
    insta::assert_snapshot!(
        "csv_missing_column",
        check(&[
            "tests/fixtures/web/articles.csv",
            "--text-column",
            "content"
        ])
    );
}

#[test]
fn bilingual_files_keep_sources_aligned() {
    let all = [
        "tests/fixtures/bilingual/stikstof.xlf",
        "tests/fixtures/bilingual/haven.xlf",
        "tests/fixtures/bilingual/schiphol.tmx",
    ]
    .map(auto)
    .join("\n");
    insta::assert_snapshot!("bilingual_extracted", all);
}

#[test]
fn bilingual_findings_are_confirmed_by_the_source() {
    let out = check(&[
        "tests/fixtures/bilingual/stikstof.xlf",
        "tests/fixtures/bilingual/haven.xlf",
        "tests/fixtures/bilingual/schiphol.tmx",
    ]);
    for expected in [
        "Confirmed by the source: 'zit niet te wachten op'",
        "The source has 3,5 where the translation has 5.3",
        "The source names 'Boudewijn', 'Siemons'",
    ] {
        assert!(out.contains(expected), "{expected} missing:\n{out}");
    }
    insta::assert_snapshot!("bilingual_check", out);
}

#[test]
fn bad_inputs_are_clear_errors() {
    insta::assert_snapshot!(
        "bad_inputs",
        check(&[
            "tests/fixtures/web/broken.rss",
            "tests/fixtures/web/not-a-feed.xml",
            "tests/fixtures/web/leeg.html",
            "tests/fixtures/bilingual/kapot.xlf",
            "tests/fixtures/bilingual/onvertaald.xlf",
            "tests/fixtures/web/persbericht.atom",
        ])
    );
    // A file that is not a feed, read as one.
    insta::assert_snapshot!(
        "not_a_feed_forced",
        check(&["--input-format", "rss", "tests/fixtures/web/artikel.html"])
    );
}

/// A server on 127.0.0.1 answering a few paths; each connection gets its own thread, so a slow
/// answer does not hold up the others. It runs until the test process ends.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    addr
}

fn answer(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Headers are read and ignored.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let fixture = |name: &str| std::fs::read(root().join("tests/fixtures/web").join(name)).unwrap();
    let (status, kind, body): (&str, &str, Vec<u8>) = match path.as_str() {
        "/feed" => (
            "200 OK",
            "application/rss+xml; charset=utf-8",
            fixture("nieuws.rss"),
        ),
        "/story" => (
            "200 OK",
            "text/html; charset=utf-8",
            fixture("artikel.html"),
        ),
        // Served as XML: sniffed by its root element.
        "/press" => ("200 OK", "application/xml", fixture("persbericht.atom")),
        "/plain" => (
            "200 OK",
            "text/plain",
            b"The minister is not waiting for a debate.\n".to_vec(),
        ),
        "/loop" => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
        "/big" => ("200 OK", "text/plain", vec![b'a'; 200_000]),
        "/slow" => {
            // Longer than the client's timeout; the client gives up first.
            std::thread::sleep(std::time::Duration::from_secs(5));
            ("200 OK", "text/plain", b"late\n".to_vec())
        }
        _ => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

#[test]
fn urls_are_fetched_with_limits() {
    let base = serve();
    let url = |p: &str| format!("{base}{p}");
    let (feed, story, press, plain, missing, looping, big, slow) = (
        url("/feed"),
        url("/story"),
        url("/press"),
        url("/plain"),
        url("/missing"),
        url("/loop"),
        url("/big"),
        url("/slow"),
    );
    let out = check(&[
        "--quiet",
        "--timeout",
        "1",
        "--max-download",
        "100K",
        &feed,
        &missing,
        &story,
        &looping,
        &press,
        &big,
        &slow,
        &plain,
    ])
    .replace(&base, "http://127.0.0.1:PORT");
    insta::assert_snapshot!("urls_quiet", out);
    let out = check(&["--format", "jsonl", &story]).replace(&base, "http://127.0.0.1:PORT");
    assert!(
        out.contains("https://lowlands-daily.example/2026/11/23/xi-long-war/"),
        "canonical url:\n{out}"
    );
}
