//! CSV ingestion: a header with a `text` column, then one article per row, or clean errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::Error;
use mtlint::ingest::{InputFormat, from_reader};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
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
        Err(e) => panic!("unexpected error {e}"),
    }
});
