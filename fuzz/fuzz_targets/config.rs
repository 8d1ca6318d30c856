//! `mtlint.toml` parsing and validation: a config or an error naming a line in the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::Error;
use mtlint::config::Config;
use std::path::Path;

fuzz_target!(|input: &str| {
    match Config::parse(Path::new("mtlint.toml"), input) {
        Ok(config) => {
            let _ = config.clone().over(Config::default()).settings();
        }
        Err(Error::Config { line, column, .. }) => {
            assert!(line >= 1 && line <= input.split('\n').count().max(1) && column >= 1);
        }
        Err(_) => {}
    }
});
