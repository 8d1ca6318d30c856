//! JSON Lines ingestion: every line gives an article or an error naming its line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::Error;
use mtlint::ingest::{InputFormat, from_reader};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    let articles = from_reader(reader, Path::new("feed.jsonl"), "feed", InputFormat::Auto)
        .expect("JSON Lines opens lazily");
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
});
