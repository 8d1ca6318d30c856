//! Ingest: turns command-line inputs (files, directories, stdin, URLs; text, JSON Lines, CSV,
//! RSS/Atom feeds, HTML pages, XLIFF and TMX; `.xz`) into [`Article`]s, one at a time, so memory
//! stays bounded whatever the dump size.
//!
//! Every failure is an [`Error`] that names the file (and line): a bad line of a JSON Lines dump
//! is reported and the next line is still read; a URL that cannot be fetched is reported and the
//! next input is still read.

use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub mod bilingual;
mod fast_json;
pub mod feed;
pub mod fetch;
pub mod html;
pub mod xml;

pub use bilingual::Segment;
pub use fetch::FetchOptions;

/// One article to check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// Id as read (file stem, JSON `id`); the report stage makes it a unique, safe file name.
    pub id: String,
    /// Where it came from, for messages: a path, `-`, or `dump.jsonl#<line>`.
    pub path: String,
    /// The text whose byte offsets findings report.
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Other keys of a JSON Lines record, kept for machine-readable output.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Source language stated by the input (XLIFF, TMX): overrides the guess.
    pub source_lang: Option<String>,
    /// Target segments aligned with their source text (bilingual input); empty otherwise.
    pub segments: Vec<Segment>,
}

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// By extension: `.jsonl`/`.ndjson` JSON Lines, `.csv` CSV, `.rss`/`.atom` feeds,
    /// `.html`/`.htm` pages, `.xlf`/`.xliff` XLIFF, `.tmx` TMX, `.xml` by its root element,
    /// anything else text (`.xz` is decompressed first and the inner extension decides). A URL
    /// goes by its content type, then by its content.
    #[default]
    Auto,
    Text,
    JsonLines,
    Csv,
    /// RSS (0.9x, 1.0, 2.0) or Atom.
    Feed,
    Html,
    Xliff,
    Tmx,
}

/// How to read inputs beyond their format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// CSV column holding the text (default `text`).
    pub text_column: Option<String>,
    /// CSV column holding the id (default `id`).
    pub id_column: Option<String>,
    /// Limits of URL downloads.
    pub fetch: FetchOptions,
}

/// Extensions collected when a directory is given.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "text", "html", "htm", "rss", "atom", "xlf", "xliff", "tmx",
];

/// An input named on the command line, after expanding directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    /// An `http://` or `https://` URL.
    Url(String),
    File {
        path: PathBuf,
        /// Id derived from the path (relative to the directory it was found in).
        id: String,
    },
}

/// Expands inputs: `-` is stdin, a directory contributes every text file below it (sorted, so
/// runs are reproducible), a file is itself. Unreadable directories are errors; the rest go on.
pub fn expand(inputs: &[String]) -> (Vec<Source>, Vec<Error>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        if fetch::is_url(input) {
            sources.push(Source::Url(input.clone()));
            continue;
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(&path, &mut found, &mut errors);
            found.sort();
            for f in found {
                let rel = f.strip_prefix(&path).unwrap_or(&f).with_extension("");
                sources.push(Source::File {
                    id: rel.to_string_lossy().into_owned(),
                    path: f,
                });
            }
        } else {
            sources.push(Source::File {
                id: stem(&path),
                path,
            });
        }
    }
    (sources, errors)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            errors.push(Error::Read {
                path: dir.to_path_buf(),
                source,
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Symlinked directories are not followed, so a link loop cannot hang the walk.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, found, errors);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            found.push(path);
        }
    }
}

/// File name without directories and extensions (`a/b.labels.csv.xz` → `b.labels`).
fn stem(path: &Path) -> String {
    let mut p = path.to_path_buf();
    if p.extension().is_some_and(|e| e == "xz") {
        p.set_extension("");
    }
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article".into())
}

/// Articles from sources, read lazily in order.
pub struct Articles {
    sources: VecDeque<Source>,
    format: InputFormat,
    options: IngestOptions,
    current: Option<Box<dyn Iterator<Item = Result<Article>>>>,
}

impl Articles {
    pub fn new(sources: Vec<Source>, format: InputFormat) -> Articles {
        Articles {
            sources: sources.into(),
            format,
            options: IngestOptions::default(),
            current: None,
        }
    }

    /// Sets CSV columns and download limits (default: `text`/`id`, [`FetchOptions::default`]).
    pub fn with_options(mut self, options: IngestOptions) -> Articles {
        self.options = options;
        self
    }
}

impl Iterator for Articles {
    type Item = Result<Article>;

    fn next(&mut self) -> Option<Result<Article>> {
        loop {
            if let Some(it) = self.current.as_mut() {
                match it.next() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            let source = self.sources.pop_front()?;
            match open(&source, self.format, &self.options) {
                Ok(it) => self.current = Some(it),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

type ArticleIter = Box<dyn Iterator<Item = Result<Article>>>;

fn open(source: &Source, format: InputFormat, options: &IngestOptions) -> Result<ArticleIter> {
    match source {
        Source::Url(url) => open_url(url, format, options),
        Source::Stdin => {
            let mut reader: Box<dyn BufRead> = Box::new(BufReader::new(std::io::stdin()));
            let mut format = format;
            if format == InputFormat::Auto {
                // Stdin has no extension: a first line that is a JSON object with a "text"
                // string makes it JSON Lines (`producer | mtlint check --format jsonl -`), else
                // it is text. The look is capped like a JSON line, so an endless line cannot
                // exhaust memory.
                let mut first = Vec::new();
                (&mut reader)
                    .take(MAX_JSON_LINE_BYTES as u64 + 1)
                    .read_until(b'\n', &mut first)
                    .map_err(|source| Error::Read {
                        path: PathBuf::from("<stdin>"),
                        source,
                    })?;
                // The fast path first: serde_json would hold a huge line's text twice more.
                let is_record = fast_json::parse(&first).is_some()
                    || serde_json::from_slice::<serde_json::Value>(&first)
                        .is_ok_and(|v| v.get("text").is_some_and(serde_json::Value::is_string))
                    || (first.len() > MAX_JSON_LINE_BYTES && first.starts_with(b"{"));
                if is_record {
                    // The line read is the first record: not read again from a copy, so that a
                    // huge one is not held twice.
                    return Ok(Box::new(JsonLines::new(
                        reader,
                        PathBuf::from("<stdin>"),
                        "stdin".into(),
                        first,
                    )));
                }
                format = InputFormat::Text;
                reader = Box::new(std::io::Cursor::new(first).chain(reader));
            }
            read_articles(reader, Path::new("<stdin>"), "stdin", format, options)
        }
        Source::File { path, id } => {
            let read_err = |source| Error::Read {
                path: path.clone(),
                source,
            };
            let f = std::fs::File::open(path).map_err(read_err)?;
            if f.metadata().map_err(read_err)?.is_dir() {
                return Err(Error::Read {
                    path: path.clone(),
                    source: std::io::Error::other("is a directory"),
                });
            }
            read_articles(Box::new(BufReader::new(f)), path, id, format, options)
        }
    }
}

/// Articles from an open reader: `path` names it in messages and, with [`InputFormat::Auto`],
/// its extension picks the format (`.xz` is decompressed first); `id` is the article id of a
/// plain text input and the prefix of generated JSON Lines and CSV ids.
pub fn from_reader(
    reader: Box<dyn BufRead>,
    path: &Path,
    id: &str,
    format: InputFormat,
) -> Result<ArticleIter> {
    read_articles(reader, path, id, format, &IngestOptions::default())
}

fn read_articles(
    mut reader: Box<dyn BufRead>,
    path: &Path,
    id: &str,
    format: InputFormat,
    options: &IngestOptions,
) -> Result<ArticleIter> {
    let path = path.to_path_buf();
    let id = id.to_string();
    let display = path.display().to_string();
    let read_err = |source| Error::Read {
        path: path.clone(),
        source,
    };
    let mut name = path.clone();
    if name.extension().is_some_and(|e| e == "xz") {
        let out = unxz(&mut reader, &path, MAX_XZ_BYTES)?;
        reader = Box::new(std::io::Cursor::new(out));
        name.set_extension("");
    }
    let ext = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    // JSON Lines and CSV are read as they stream, never through `decode`: UTF-16 is told here.
    let head = reader.fill_buf().map_err(read_err)?;
    if let Some((byte_order, encoding)) = utf16(head) {
        return Err(Error::Utf16 {
            path,
            byte_order,
            encoding,
        });
    }
    let format = match format {
        InputFormat::Auto => match ext.as_deref() {
            Some("jsonl" | "ndjson") => InputFormat::JsonLines,
            Some("csv") => InputFormat::Csv,
            Some("rss" | "atom") => InputFormat::Feed,
            Some("html" | "htm" | "xhtml") => InputFormat::Html,
            Some("xlf" | "xliff") => InputFormat::Xliff,
            Some("tmx") => InputFormat::Tmx,
            // `.xml` is decided by its root element once read.
            Some("xml") => InputFormat::Auto,
            _ => InputFormat::Text,
        },
        f => f,
    };
    match format {
        InputFormat::JsonLines => Ok(Box::new(JsonLines::new(reader, path, id, Vec::new()))),
        InputFormat::Csv => csv_articles(reader, path, id, options),
        _ => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(read_err)?;
            let text = decode(&path, bytes)?;
            let format = match format {
                InputFormat::Auto => sniff_xml(&display, &text)?,
                f => f,
            };
            parse_document(format, &display, &id, text, None)
        }
    }
}

/// Fetches a URL and reads it by `format`, else by content type, else by content.
fn open_url(url: &str, format: InputFormat, options: &IngestOptions) -> Result<ArticleIter> {
    let fetched = fetch::fetch(url, &options.fetch)?;
    let id = url_id(&fetched.url);
    let text = decode(Path::new(url), fetched.body)?;
    let format = match format {
        InputFormat::Auto => sniff(url, fetched.content_type.as_deref(), &text)?,
        f => f,
    };
    match format {
        InputFormat::JsonLines => Ok(Box::new(JsonLines::new(
            Box::new(std::io::Cursor::new(text.into_bytes())),
            PathBuf::from(url),
            id,
            Vec::new(),
        ))),
        InputFormat::Csv => csv_articles(
            Box::new(std::io::Cursor::new(text.into_bytes())),
            PathBuf::from(url),
            id,
            options,
        ),
        f => parse_document(f, url, &id, text, Some(&fetched.url)),
    }
}

/// Reads a whole document of a known format into articles. `url` is where it was fetched from.
fn parse_document(
    format: InputFormat,
    display: &str,
    id: &str,
    text: String,
    url: Option<&str>,
) -> Result<ArticleIter> {
    match format {
        InputFormat::Feed => Ok(Box::new(
            feed::articles(display, id, &text)?.into_iter().map(Ok),
        )),
        InputFormat::Html => {
            let page = html::page(&text);
            if page.text.trim().is_empty() {
                return Err(Error::Content {
                    path: display.to_string(),
                    message: "no article text found in the HTML page (no paragraphs outside \
                              navigation, banners, sidebars and comments)"
                        .into(),
                });
            }
            Ok(Box::new(std::iter::once(Ok(Article {
                id: id.to_string(),
                path: display.to_string(),
                text: page.text,
                title: page.title,
                url: page.url.or_else(|| url.map(str::to_string)),
                ..Article::default()
            }))))
        }
        InputFormat::Xliff => Ok(Box::new(bilingual::xliff(display, id, &text)?.into_iter())),
        InputFormat::Tmx => Ok(Box::new(std::iter::once(Ok(bilingual::tmx(
            display, id, &text,
        )?)))),
        _ => Ok(Box::new(std::iter::once(Ok(Article {
            id: id.to_string(),
            path: display.to_string(),
            text,
            url: url.map(str::to_string),
            ..Article::default()
        })))),
    }
}

/// The format of an `.xml` file, by its root element.
fn sniff_xml(display: &str, text: &str) -> Result<InputFormat> {
    match xml::root_element(display, text)?.as_deref() {
        Some("rss" | "feed" | "rdf") => Ok(InputFormat::Feed),
        Some("xliff") => Ok(InputFormat::Xliff),
        Some("tmx") => Ok(InputFormat::Tmx),
        Some("html") => Ok(InputFormat::Html),
        Some(other) => Err(Error::Content {
            path: display.to_string(),
            message: format!(
                "unknown XML document <{other}>: expected an RSS or Atom feed, XLIFF, TMX or \
                 HTML (or give --input-format)"
            ),
        }),
        None => Ok(InputFormat::Text),
    }
}

/// The format of a download: its content type when that is specific, else its first bytes.
fn sniff(url: &str, content_type: Option<&str>, text: &str) -> Result<InputFormat> {
    let by_type = match content_type.unwrap_or("") {
        t if t.contains("rss") || t.contains("atom") => Some(InputFormat::Feed),
        t if t.contains("xliff") => Some(InputFormat::Xliff),
        "text/html" | "application/xhtml+xml" => Some(InputFormat::Html),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/json" => Some(InputFormat::JsonLines),
        "text/csv" => Some(InputFormat::Csv),
        _ => None,
    };
    if let Some(f) = by_type {
        return Ok(f);
    }
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        return Ok(InputFormat::JsonLines);
    }
    if head.starts_with('<') {
        let lower = head.get(..64).unwrap_or(head).to_ascii_lowercase();
        if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
            return Ok(InputFormat::Html);
        }
        return sniff_xml(url, text);
    }
    Ok(InputFormat::Text)
}

/// An article id from a URL: its last path segment without extension, else its host.
fn url_id(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let host = parts.next().unwrap_or("url").to_string();
    parts
        .next_back()
        .map(|last| last.split('.').next().unwrap_or(last).to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or(host)
}

/// Reads a whole text file, decompressing `.xz`, checked as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(std::fs::File::open(path).map_err(read_err)?);
    let mut bytes = Vec::new();
    if path.extension().is_some_and(|e| e == "xz") {
        bytes = unxz(&mut reader, path, MAX_XZ_BYTES)?;
    } else {
        reader.read_to_end(&mut bytes).map_err(read_err)?;
    }
    decode(path, bytes)
}

/// The most a `.xz` input may expand to: a few kilobytes can claim gigabytes, and the
/// decompressed text is held in memory.
pub const MAX_XZ_BYTES: usize = 256 << 20;

/// Decompresses a `.xz` input, stopping with an error naming it past `cap` bytes.
fn unxz(reader: &mut dyn BufRead, path: &Path, cap: usize) -> Result<Vec<u8>> {
    /// Collects output up to a cap.
    struct Capped {
        out: Vec<u8>,
        cap: usize,
        over: bool,
    }
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.out.len() + buf.len() > self.cap {
                self.over = true;
                return Err(std::io::Error::other("over the size limit"));
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Capped {
        out: Vec::new(),
        cap,
        over: false,
    };
    let mut reader = reader;
    match lzma_rs::xz_decompress(&mut reader, &mut out) {
        Ok(()) => Ok(out.out),
        Err(_) if out.over => Err(Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "decompresses to more than {} MiB, the limit for .xz inputs",
                cap >> 20
            )),
        }),
        Err(e) => Err(Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!("not a valid .xz file: {e}")),
        }),
    }
}

/// How bytes look like UTF-16 text, if they do: a byte-order mark, or (without one) a NUL in
/// every other byte of text that is mostly ASCII, which is how Windows tools often save it.
fn utf16(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        // UTF-32's little-endian mark starts like UTF-16's: left to the binary check.
        [0xff, 0xfe, 0, 0, ..] => return None,
        [0xff, 0xfe, ..] => return Some(("little-endian byte-order mark", "UTF-16")),
        [0xfe, 0xff, ..] => return Some(("big-endian byte-order mark", "UTF-16")),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.chunks_exact(2);
    let nul_odd = pairs.clone().filter(|p| p[1] == 0 && p[0] != 0).count();
    let nul_even = pairs.filter(|p| p[0] == 0 && p[1] != 0).count();
    let n = head.len() / 2;
    // Binary data made of small 16-bit numbers looks the same; the message says how to convert
    // it if it is text, which it then almost always is.
    if nul_odd * 10 >= n * 9 {
        Some(("little-endian, no byte-order mark", "UTF-16LE"))
    } else if nul_even * 10 >= n * 9 {
        Some(("big-endian, no byte-order mark", "UTF-16BE"))
    } else {
        None
    }
}

/// Checks that bytes are UTF-8 text (not binary) and returns them as a `String`.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some((byte_order, encoding)) = utf16(&bytes) {
        return Err(Error::Utf16 {
            path: path.to_path_buf(),
            byte_order,
            encoding,
        });
    }
    if let Some(offset) = bytes.iter().take(8192).position(|&b| b == 0) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        // `before` is valid UTF-8 up to `offset`, so this counts characters.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Error::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
            offset,
        }
    })
}

/// Longest JSON Lines line read; a longer one is an error and is skipped without being buffered.
pub const MAX_JSON_LINE_BYTES: usize = 64 << 20;

/// Consumes the rest of a line (through `\n` or to the end) without keeping it.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// `take(limit).read_until(b'\n', buf)`, searching with memchr's vector search (several times
/// faster per byte than the standard library's): the line through its `\n`, at most `limit`
/// bytes of it; the bytes read.
fn read_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<usize> {
    let mut read = 0;
    while read < limit {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let available = &available[..available.len().min(limit - read)];
        let (used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), available.is_empty()),
        };
        buf.extend_from_slice(&available[..used]);
        reader.consume(used);
        read += used;
        if done {
            break;
        }
    }
    Ok(read)
}

/// Read buffers larger than this are freed after use rather than kept for the next record.
const KEPT_BUFFER_BYTES: usize = 1 << 20;

/// One article per line: `{"id", "title", "text", "url", …}`.
struct JsonLines {
    reader: Box<dyn BufRead>,
    path: PathBuf,
    /// `path` for articles' `path`, rendered once rather than per line.
    display: String,
    stem: String,
    line: usize,
    buf: Vec<u8>,
    /// `buf` holds the next line, read with the cap (the first line of stdin, read to sniff).
    pending: bool,
    /// The previous line was over the cap and its rest is still to be skipped.
    skipping: bool,
    done: bool,
}

impl Iterator for JsonLines {
    type Item = Result<Article>;

    fn next(&mut self) -> Option<Result<Article>> {
        loop {
            if self.done {
                return None;
            }
            // Reads at most one byte past the cap, so an endless line cannot exhaust memory; the
            // rest of an overlong line is skipped on the next call, after its error is out.
            let read = if std::mem::take(&mut self.pending) {
                Ok(self.buf.len())
            } else if std::mem::take(&mut self.skipping) {
                self.buf.clear();
                skip_line(&mut self.reader).map(|()| 1)
            } else {
                self.buf.clear();
                read_line(&mut self.reader, &mut self.buf, MAX_JSON_LINE_BYTES + 1)
            };
            match read {
                Ok(0) => return None,
                Ok(_) => {}
                Err(source) => {
                    // A failing reader fails again: stop rather than repeat the error forever.
                    self.done = true;
                    return Some(Err(Error::Read {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
            if self.buf.len() > MAX_JSON_LINE_BYTES && !self.buf.ends_with(b"\n") {
                self.line += 1;
                self.buf = Vec::new();
                self.skipping = true;
                return Some(Err(Error::JsonLine {
                    path: self.path.clone(),
                    line: self.line,
                    message: format!(
                        "line longer than {} MiB, skipped",
                        MAX_JSON_LINE_BYTES >> 20
                    ),
                }));
            }
            if self.buf.is_empty() {
                // The end of a skipped line.
                continue;
            }
            self.line += 1;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let article = self.parse_line();
            // A huge line's buffer is not kept while its article is checked.
            if self.buf.capacity() > KEPT_BUFFER_BYTES {
                self.buf = Vec::new();
            }
            return Some(article);
        }
    }
}

impl JsonLines {
    /// Articles of the JSON lines `reader` yields; a non-empty `first` is the first line,
    /// already read (from stdin, to sniff the format).
    fn new(reader: Box<dyn BufRead>, path: PathBuf, stem: String, first: Vec<u8>) -> JsonLines {
        JsonLines {
            reader,
            display: path.display().to_string(),
            path,
            stem,
            line: 0,
            pending: !first.is_empty(),
            buf: first,
            skipping: false,
            done: false,
        }
    }

    fn parse_line(&self) -> Result<Article> {
        let err = |message: String| Error::JsonLine {
            path: self.path.clone(),
            line: self.line,
            message,
        };
        let mut path = String::with_capacity(self.display.len() + 21);
        path.push_str(&self.display);
        path.push('#');
        push_decimal(&mut path, self.line);
        let record = match fast_json::parse(&self.buf) {
            Some(record) => record,
            None => {
                let value: serde_json::Value = serde_json::from_slice(&self.buf)
                    .map_err(|e| err(format!("invalid JSON: {e}")))?;
                let serde_json::Value::Object(map) = value else {
                    return Err(err("expected a JSON object with a \"text\" field".into()));
                };
                fast_json::Record::from_map(map).map_err(|m| err(m.into()))?
            }
        };
        let fast_json::Record {
            text,
            id,
            title,
            url,
            mut extra,
        } = record;
        let id = match id {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{}-{}", self.stem, self.line),
        };
        // A title or url that is not a string is kept with the other keys.
        let mut string_field = |key: &str, value| match value {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => {
                extra.insert(key.to_string(), other);
                None
            }
            None => None,
        };
        let title = string_field("title", title);
        let url = string_field("url", url);
        Ok(Article {
            path,
            id,
            text,
            title,
            url,
            extra,
            ..Article::default()
        })
    }
}

/// `n` in decimal, without the formatting machinery (once per JSON line).
fn push_decimal(s: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// CSV with a header that has a text column (`text`, or `--text-column`) and optionally id
/// (`id`, or `--id-column`), `title` and `url` columns.
fn csv_articles(
    reader: Box<dyn BufRead>,
    path: PathBuf,
    stem: String,
    options: &IngestOptions,
) -> Result<ArticleIter> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| Error::Csv {
            path: path.clone(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let missing = |name: &str| Error::Csv {
        path: path.clone(),
        line: 1,
        message: format!(
            "no \"{name}\" column in the header; columns: {}",
            headers.iter().collect::<Vec<_>>().join(", ")
        ),
    };
    let text_name = options.text_column.as_deref().unwrap_or("text");
    let text_col = col(text_name).ok_or_else(|| missing(text_name))?;
    let id_col = match options.id_column.as_deref() {
        Some(name) => Some(col(name).ok_or_else(|| missing(name))?),
        None => col("id"),
    };
    let (title_col, url_col) = (col("title"), col("url"));
    let mut row = 0;
    // Its own record rather than `into_records`, which keeps a buffer as large as the largest
    // record and hands out a copy of it: a 40 MB cell held 120 MB.
    let mut rec = csv::StringRecord::new();
    Ok(Box::new(std::iter::from_fn(move || {
        match rdr.read_record(&mut rec) {
            Ok(true) => row += 1,
            Ok(false) => return None,
            Err(e) => {
                row += 1;
                return Some(Err(Error::Csv {
                    path: path.clone(),
                    line: e.position().map_or(0, |p| p.line()),
                    message: e.to_string(),
                }));
            }
        }
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::to_string);
        let line = rec.position().map_or(0, |p| p.line());
        let article = Article {
            id: get(id_col)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("{stem}-{row}")),
            path: format!("{}#{}", path.display(), line),
            text: get(Some(text_col)).unwrap_or_default(),
            title: get(title_col),
            url: get(url_col),
            ..Article::default()
        };
        // Not kept while the article is checked.
        if rec.as_slice().len() > KEPT_BUFFER_BYTES {
            rec = csv::StringRecord::new();
        }
        Some(Ok(article))
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_by_format() {
        for n in [0, 7, 10, 99, 100, 1_234_567, usize::MAX] {
            let mut s = String::from("x#");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x#{n}"));
        }
    }

    #[test]
    fn read_line_reads_as_take_and_read_until() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"\n",
            b"one\ntwo\n\nthree",
            b"no newline at all",
            b"exactly8\nlonger than eight bytes\nx",
            b"\n\n\nabcdefghij\n",
        ];
        for input in inputs {
            for limit in [1, 3, 8, 9, 100] {
                // A small buffer, so that lines span several fills.
                let mut a = std::io::BufReader::with_capacity(4, input);
                let mut b = std::io::BufReader::with_capacity(4, input);
                loop {
                    let (mut got, mut want) = (Vec::new(), Vec::new());
                    let n = read_line(&mut a, &mut got, limit).unwrap();
                    let m = (&mut b)
                        .take(limit as u64)
                        .read_until(b'\n', &mut want)
                        .unwrap();
                    assert_eq!((n, &got), (m, &want), "{input:?} limit {limit}");
                    if n == 0 {
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn xz_expanding_past_the_cap_is_an_error_naming_the_file() {
        // 3 MiB of one repeated line: a small .xz that expands past a 2 MiB cap.
        let text = "The minister spoke on Monday.\n".repeat(3 << 20 >> 5);
        let mut xz = Vec::new();
        lzma_rs::xz_compress(&mut text.as_bytes(), &mut xz).unwrap();
        let path = Path::new("bomb.txt.xz");
        let e = unxz(&mut &xz[..], path, 2 << 20).unwrap_err().to_string();
        assert!(
            e.contains("bomb.txt.xz") && e.contains("more than 2 MiB"),
            "{e}"
        );
        assert_eq!(unxz(&mut &xz[..], path, 4 << 20).unwrap(), text.as_bytes());
        let e = unxz(&mut &b"not xz"[..], path, 4 << 20)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a valid .xz file"), "{e}");
    }
    use std::io::Write;

    fn read_all(path: &Path) -> Vec<Result<Article>> {
        let (sources, errors) = expand(&[path.display().to_string()]);
        assert!(errors.is_empty());
        Articles::new(sources, InputFormat::Auto).collect()
    }

    #[test]
    fn text_file_and_utf8_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "Hello\nwor\u{e9}ld").unwrap();
        let got = read_all(&p);
        assert_eq!(got[0].as_ref().unwrap().id, "a");
        std::fs::write(&p, b"ok\nab\xff").unwrap();
        let e = read_all(&p).remove(0).unwrap_err().to_string();
        assert!(
            e.ends_with("a.txt:2:3: not valid UTF-8 (byte offset 5); convert it to UTF-8 first"),
            "{e}"
        );
        std::fs::write(&p, b"\0\0\0").unwrap();
        let e = read_all(&p).remove(0).unwrap_err().to_string();
        assert!(e.contains("binary"), "{e}");
    }

    #[test]
    fn utf16_is_named_as_such() {
        let le: Vec<u8> = "The minister said."
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "The minister said."
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        // (bytes, (byte order, iconv's name) if UTF-16)
        type Case<'a> = (Vec<u8>, Option<(&'a str, &'a str)>);
        let cases: [Case; 8] = [
            (
                [&[0xff, 0xfe][..], &le].concat(),
                Some(("little-endian byte-order mark", "UTF-16")),
            ),
            (
                [&[0xfe, 0xff][..], &be].concat(),
                Some(("big-endian byte-order mark", "UTF-16")),
            ),
            (
                le.clone(),
                Some(("little-endian, no byte-order mark", "UTF-16LE")),
            ),
            (be, Some(("big-endian, no byte-order mark", "UTF-16BE"))),
            // Too short to tell, text, binary data with NULs here and there, and UTF-32.
            (le[..6].to_vec(), None),
            (b"The minister said.".to_vec(), None),
            (vec![1, 0, 0, 7, 9, 0, 0, 0, 3, 4, 0, 0], None),
            (vec![0xff, 0xfe, 0, 0, b'T', 0, 0, 0, b'h', 0, 0, 0], None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(utf16(&bytes), expected, "{bytes:?}");
        }
        let e = decode(Path::new("w.txt"), [&[0xff, 0xfe][..], &le].concat())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "w.txt: UTF-16 text (little-endian byte-order mark); convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)"
        );
        // JSON Lines and CSV, which are read as they stream, are told too.
        let dir = tempfile::tempdir().unwrap();
        for name in ["u.jsonl", "u.csv"] {
            let p = dir.path().join(name);
            std::fs::write(&p, &le).unwrap();
            let e = read_all(&p).remove(0).unwrap_err().to_string();
            assert!(
                e.ends_with(&format!(
                    "{name}: UTF-16 text (little-endian, no byte-order mark); convert it to UTF-8 first (iconv -f UTF-16LE -t UTF-8)"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn json_lines_keep_going_after_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        let mut f = std::fs::File::create(&p).unwrap();
        writeln!(
            f,
            r#"{{"id":"one","text":"First.","url":"https://x.nl/1","lang":"nl"}}"#
        )
        .unwrap();
        writeln!(f, "{{not json").unwrap();
        writeln!(f).unwrap();
        writeln!(f, r#"{{"text":"Third."}}"#).unwrap();
        writeln!(f, r#"{{"id":"x"}}"#).unwrap();
        drop(f);
        let got = read_all(&p);
        assert_eq!(got.len(), 4);
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.url.as_deref()),
            ("one", Some("https://x.nl/1"))
        );
        assert_eq!(a.extra["lang"], "nl");
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("d.jsonl:2: invalid JSON")
        );
        assert_eq!(got[2].as_ref().unwrap().id, "d-4");
        assert!(
            got[3]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("d.jsonl:5: missing \"text\"")
        );
    }

    #[test]
    fn directories_are_walked_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("nl")).unwrap();
        std::fs::write(dir.path().join("nl/b.md"), "B").unwrap();
        std::fs::write(dir.path().join("a.txt"), "A").unwrap();
        std::fs::write(dir.path().join("skip.png"), "x").unwrap();
        let (sources, _) = expand(&[dir.path().display().to_string()]);
        let ids: Vec<String> = sources
            .iter()
            .map(|s| match s {
                Source::File { id, .. } => id.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(ids, ["a", "nl/b"]);
    }

    #[test]
    fn csv_needs_a_text_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.csv");
        std::fs::write(&p, "url,title,text\nhttps://a,T,\"Body, with comma.\"\n").unwrap();
        let a = read_all(&p).remove(0).unwrap();
        assert_eq!(
            (a.id.as_str(), a.text.as_str()),
            ("c-1", "Body, with comma.")
        );
        std::fs::write(&p, "url,body\nx,y\n").unwrap();
        assert!(
            read_all(&p)
                .remove(0)
                .unwrap_err()
                .to_string()
                .contains("no \"text\" column")
        );
    }
}
