//! Embeds every calque lexicon (`lexicons/<lang>-en/*.csv`) in the binary: writes a table of
//! `EmbeddedFile { lang, file, text: include_str!(…), split }` that `src/lexicon/entry.rs`
//! includes, where `split` is the file already split into CSV fields (by the same `csv` crate the
//! run-time parser uses), so start-up does not run the CSV parser. A file the splitter rejects
//! gets `split: None`: the run-time parser then reports the error with its file and line. Packs
//! `lexicons/foreign-words.tsv` into the hash table `src/lexicon/foreign.rs` reads in place, so
//! start-up does not parse it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The package root, read when the script runs (not when it was compiled): a build script kept
/// in a shared target directory may be run for a checkout elsewhere.
fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

// Only the parser and packer are used here; the crate uses the rest.
#[allow(dead_code)]
#[path = "src/lexicon/foreign_table.rs"]
mod foreign_table;

fn pack_foreign_words(out_dir: &Path) {
    let tsv = manifest_dir().join("lexicons/foreign-words.tsv");
    println!("cargo:rerun-if-changed={}", tsv.display());
    // The layout is defined there: a change must repack the table.
    println!("cargo:rerun-if-changed=src/lexicon/foreign_table.rs");
    let text = std::fs::read_to_string(&tsv)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", tsv.display()));
    let rows = foreign_table::parse(&text)
        .unwrap_or_else(|e| panic!("{}:{}:{}: {}", tsv.display(), e.line, e.column, e.message));
    let packed = foreign_table::pack(&rows)
        .unwrap_or_else(|i| panic!("{}: '{}' listed twice", tsv.display(), rows[i].word));
    std::fs::write(out_dir.join("foreign-words.bin"), packed).expect("OUT_DIR is writable");
}

/// The file as `Some(Split { header, records: &[Record { line, fields }, …] })` in Rust syntax
/// (types defined in `src/lexicon/entry.rs`), or `None` if it does
/// not read as a regular CSV file (unreadable, unbalanced quotes, rows of unequal length).
fn split_csv(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().ok()?.clone();
    let mut out = format!(
        "Some(Split {{ header: &{:?}, records: &[",
        header.iter().collect::<Vec<_>>()
    );
    for record in reader.records() {
        let record = record.ok()?;
        let line = record.position().map_or(0, |p| p.line());
        let _ = write!(
            out,
            "Record {{ line: {line}, fields: &{:?} }}, ",
            record.iter().collect::<Vec<_>>()
        );
    }
    out.push_str("] })");
    Some(out)
}

fn main() {
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    pack_foreign_words(&out_dir);
    let root = manifest_dir().join("lexicons");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(&root) {
        for dir in dirs.flatten() {
            let name = dir.file_name().to_string_lossy().into_owned();
            let Some(lang) = name.strip_suffix("-en") else {
                continue;
            };
            println!("cargo:rerun-if-changed={}", dir.path().display());
            for f in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = f.path();
                if path.extension().is_some_and(|e| e == "csv") {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let file = format!("lexicons/{name}/{}", f.file_name().to_string_lossy());
                    files.push((lang.to_string(), file, path));
                }
            }
        }
    }
    // An empty table would make every check silently lexicon-free.
    assert!(
        !files.is_empty(),
        "no lexicons found under {}: the build needs lexicons/<lang>-en/*.csv",
        root.display()
    );
    // Sorted, so the embedded order (and rule order) never depends on the file system.
    files.sort();
    let mut out = String::from(
        "/// Every embedded lexicon, sorted by path.\nconst EMBEDDED: &[EmbeddedFile] = &[\n",
    );
    for (lang, file, path) in files {
        let _ = writeln!(
            out,
            "    EmbeddedFile {{ lang: {lang:?}, file: {file:?}, text: include_str!({:?}), split: {} }},",
            path.display().to_string(),
            split_csv(&path).unwrap_or_else(|| "None".into()),
        );
    }
    out.push_str("];\n");
    let dest = out_dir.join("embedded_lexicons.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
