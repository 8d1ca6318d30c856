//! Bytes → text: `ingest::decode` and `ingest::from_reader` for plain and `.xz` text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::Error;
use mtlint::ingest::{InputFormat, decode, from_reader};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("input.txt");
    match decode(path, data.to_vec()) {
        Ok(text) => assert_eq!(text.as_bytes(), data),
        Err(Error::Binary { offset, .. }) => assert_eq!(data[offset], 0),
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
    // The same bytes as an `.xz` file: a clean error or a decoded article, never a panic.
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
});
