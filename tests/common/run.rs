//! Helpers shared by the command-line tests. Each test crate uses part of them.
#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

/// stdout, stderr and exit code in one text, with the temporary directory made stable.
pub fn transcript(out: &Output, tmp: &Path) -> String {
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&tmp.display().to_string(), "$TMP");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

/// The names of the files in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
