//! The library's error type: every variant names the file (and line, where there is one).

use std::path::PathBuf;

/// Errors the library reports. Each names the input it concerns so a user can act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input is not valid UTF-8.
    #[error(
        "{path}:{line}:{column}: not valid UTF-8 (byte offset {offset}); convert it to UTF-8 first"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
        offset: usize,
    },
    /// The input is UTF-16 text, which mtlint does not read.
    #[error(
        "{path}: UTF-16 text ({byte_order}); convert it to UTF-8 first (iconv -f {encoding} -t UTF-8)"
    )]
    Utf16 {
        path: PathBuf,
        byte_order: &'static str,
        /// The name `iconv` knows it by.
        encoding: &'static str,
    },
    /// The input looks like a binary file (NUL bytes).
    #[error("{path}: looks like a binary file (NUL byte at offset {offset}), not text")]
    Binary { path: PathBuf, offset: usize },
    /// A line of a JSON Lines file is not a JSON object with a string `text`.
    #[error("{path}:{line}: {message}")]
    JsonLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A CSV file (input, labels or lexicon) has a malformed row.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// A lexicon entry is invalid.
    #[error("{path}:{line}:{column}: {message}")]
    Lexicon {
        path: String,
        line: u64,
        column: usize,
        message: String,
    },
    /// An output (a report, a baseline, a model) could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing a report would overwrite one of the inputs.
    #[error("{path}: refusing to write a report over an input file; choose another --report-dir")]
    WouldOverwriteInput { path: PathBuf },
    /// An output file (a baseline, a model) would replace one of the inputs.
    #[error("{path}: refusing to write {what} over an input file")]
    OutputIsInput { path: PathBuf, what: &'static str },
    /// Several errors, one per line (every bad row of a lexicon, not only the first).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Multiple(Vec<Error>),
    /// A baseline file is malformed.
    #[error("{path}: not a valid mtlint baseline: {message}")]
    Baseline { path: PathBuf, message: String },
    /// A configuration file is malformed or has an unknown or invalid key.
    #[error("{path}:{line}:{column}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A model file is not valid.
    #[error("{name}: {message}")]
    Model { name: String, message: String },
    /// An input (XML, feed, XLIFF, TMX) is malformed at a known place.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// An input parsed but is not what its format says, or holds no text to check.
    #[error("{path}: {message}")]
    Content { path: String, message: String },
    /// A URL could not be fetched (status, timeout, size limit, network).
    #[error("{url}: cannot fetch: {message}")]
    Fetch { url: String, message: String },
    /// The temporary file that holds the findings of an article with very many of them could
    /// not be written or read (a full disk, say).
    #[error("article {article}: cannot keep its findings in a temporary file: {source}")]
    Spill {
        article: String,
        #[source]
        source: std::io::Error,
    },
    /// A command-line value is not valid.
    #[error("{0}")]
    Usage(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
