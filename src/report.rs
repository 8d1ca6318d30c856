//! Reports: a CSV per article and `summary.csv` under the report directory, written atomically
//! (temporary file, then rename) with spreadsheet-formula cells neutralised; and the human view
//! on stdout.

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::score::Summary;
use crate::window::Findings;
use std::borrow::{Borrow, Cow};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Columns of the per-article report, in order.
pub const FINDING_COLUMNS: &[&str] = &[
    "article",
    "line",
    "column",
    "start",
    "end",
    "category",
    "rule",
    "severity",
    "confidence",
    "span",
    "suggestion",
    "explanation",
    "sentence",
];

/// Columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "article",
    "path",
    "words",
    "sentences",
    "findings",
    "minor",
    "major",
    "critical",
    "score",
    "verdict",
    "source_language",
    "source_confidence",
    "title",
    "url",
];

/// File names the run writes itself; an article cannot take them.
const RESERVED: &[&str] = &["summary", "boilerplate", "sites"];

/// Makes an article id a safe, unique file name: only `[A-Za-z0-9._-]`, no leading dot (so no
/// `..` or hidden files), at most 100 bytes, unique case-insensitively within the run.
///
/// Ids are remembered as 64-bit hashes (a collision only adds a needless `-2`), so a feed of
/// millions of articles costs a few bytes each.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashSet<u64>,
    /// The candidate id lowercased, reused from article to article.
    lower: String,
}

impl IdAllocator {
    pub fn allocate(&mut self, raw: &str) -> String {
        let base = sanitize(raw);
        if self.take(&base) {
            return base;
        }
        let mut n = 2;
        loop {
            let id = format!("{base}-{n}");
            if self.take(&id) {
                return id;
            }
            n += 1;
        }
    }

    /// Whether an id is free (neither reserved nor used), taking it if so.
    fn take(&mut self, id: &str) -> bool {
        use std::hash::{Hash, Hasher};
        self.lower.clear();
        self.lower.push_str(id);
        self.lower.make_ascii_lowercase();
        if RESERVED.contains(&self.lower.as_str()) {
            return false;
        }
        // SipHash with fixed keys: the same ids in every run.
        let mut h = std::hash::DefaultHasher::new();
        self.lower.as_str().hash(&mut h);
        self.used.insert(h.finish())
    }
}

fn sanitize(raw: &str) -> String {
    // Only ASCII is pushed, at most one byte per character of `raw`: allocated once.
    let mut out = String::with_capacity(raw.len().min(100));
    for c in raw.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        let c = if keep { c } else { '_' };
        // Collapse runs of replacement characters.
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
        if out.len() >= 100 {
            break;
        }
    }
    let start = out.len() - out.trim_start_matches(['.', '_']).len();
    let end = out.trim_end_matches('_').len().max(start);
    let trimmed = &out[start..end];
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        "article".into()
    } else if is_device_name(trimmed) {
        let dot = trimmed.find('.').unwrap_or(trimmed.len());
        format!("{}_{}", &trimmed[..dot], &trimmed[dot..])
    } else {
        // Trimmed in place rather than copied.
        out.truncate(end);
        out.drain(..start);
        out
    }
}

/// Names Windows reserves for devices whatever the extension (`CON.csv` is the console), so a
/// report written there would be lost or block.
fn is_device_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).as_bytes();
    let is = |name: &[u8]| stem.eq_ignore_ascii_case(name);
    is(b"CON")
        || is(b"PRN")
        || is(b"AUX")
        || is(b"NUL")
        || (stem.len() == 4
            && (stem[..3].eq_ignore_ascii_case(b"COM") || stem[..3].eq_ignore_ascii_case(b"LPT"))
            && stem[3].is_ascii_digit())
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Writes the CSV rows of findings (header included) to any writer.
pub fn write_findings_csv<W: Write, F: Borrow<Finding>>(
    w: W,
    findings: impl IntoIterator<Item = F>,
) -> csv::Result<()> {
    write_findings_rows(w, findings, true)
}

/// The CSV rows of findings, with the header or without (when appending to a table).
pub fn write_findings_rows<W: Write, F: Borrow<Finding>>(
    w: W,
    findings: impl IntoIterator<Item = F>,
    header: bool,
) -> csv::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    if header {
        wr.write_record(FINDING_COLUMNS)?;
    }
    for f in findings {
        let f = f.borrow();
        wr.write_record([
            safe_cell(&f.article).as_ref(),
            &f.line.to_string(),
            &f.column.to_string(),
            &f.start.to_string(),
            &f.end.to_string(),
            f.category.as_str(),
            &safe_cell(&f.rule),
            f.severity.as_str(),
            &f.confidence.to_string(),
            &safe_cell(&f.span),
            &safe_cell(f.suggestion.as_deref().unwrap_or("")),
            &safe_cell(&f.explanation),
            &safe_cell(&f.sentence),
        ])?;
    }
    wr.flush()?;
    Ok(())
}

fn summary_record(s: &Summary) -> Vec<String> {
    vec![
        safe_cell(&s.article).into_owned(),
        safe_cell(&s.path).into_owned(),
        s.words.to_string(),
        s.sentences.to_string(),
        s.findings.to_string(),
        s.minor.to_string(),
        s.major.to_string(),
        s.critical.to_string(),
        format!("{:.1}", s.score),
        s.verdict.as_str().to_string(),
        s.source_language.clone().unwrap_or_default(),
        format!("{:.2}", s.source_confidence),
        safe_cell(s.title.as_deref().unwrap_or("")).into_owned(),
        safe_cell(s.url.as_deref().unwrap_or("")).into_owned(),
    ]
}

/// Writes reports into a directory. Every file appears complete or not at all.
pub struct ReportDir {
    dir: PathBuf,
    /// Canonical paths of the inputs, which a report must never replace.
    inputs: HashSet<PathBuf>,
    /// Summary rows in input order (a temporary file), ranked into `summary.csv` at the end.
    rows: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    /// (score, byte offset, length) of each row: 24 bytes per article, the only state that
    /// grows with the feed.
    index: Vec<(f64, u64, u32)>,
    offset: u64,
}

impl ReportDir {
    /// Creates the directory if needed and starts the summary rows (as a temporary file).
    pub fn create(dir: &Path, inputs: &[PathBuf]) -> Result<ReportDir> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a directory; --report-dir names the directory reports go to",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let inputs = inputs
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let mut rd = ReportDir {
            dir: dir.to_path_buf(),
            inputs,
            rows: None,
            index: Vec::new(),
            offset: 0,
        };
        let target = rd.target("summary.csv")?;
        // Read back in ranked order by `finish`, and removed by it or by `drop`.
        let (file, tmp) = new_temp(&target, "summary-rows.csv")
            .and_then(|t| t.keep().map_err(|e| e.error))
            .map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        rd.rows = Some((tmp, std::io::BufWriter::new(file)));
        Ok(rd)
    }

    /// The final path of a report file, refused if it is one of the inputs.
    fn target(&self, name: &str) -> Result<PathBuf> {
        let path = self.dir.join(name);
        if let Ok(canon) = std::fs::canonicalize(&path)
            && self.inputs.contains(&canon)
        {
            return Err(Error::WouldOverwriteInput { path });
        }
        Ok(path)
    }

    /// Writes `<id>.csv` atomically and records the summary row.
    pub fn write_article<'f>(
        &mut self,
        summary: &Summary,
        findings: impl Into<Findings<'f>>,
    ) -> Result<PathBuf> {
        let findings = findings.into();
        let path = self.target(&format!("{}.csv", summary.article))?;
        write_atomic(&path, false, |w| {
            write_findings_csv(w, findings.iter())
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            // Findings that could not all be read back make no report.
            findings.status()
        })?;
        if let Some((tmp, w)) = self.rows.as_mut() {
            let mut row = csv::Writer::from_writer(Vec::new());
            row.write_record(summary_record(summary))
                .map_err(|e| write_error(tmp, e))?;
            let row = row.into_inner().map_err(|e| Error::Write {
                path: tmp.clone(),
                source: e.into_error(),
            })?;
            w.write_all(&row).map_err(|source| Error::Write {
                path: tmp.clone(),
                source,
            })?;
            let len = u32::try_from(row.len()).unwrap_or(u32::MAX);
            self.index.push((summary.score, self.offset, len));
            self.offset += row.len() as u64;
        }
        Ok(path)
    }

    /// Writes a report file of the run (`boilerplate.csv`, `index.html`) atomically.
    pub fn write_file(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<PathBuf> {
        let path = self.target(name)?;
        write_atomic(&path, true, write)?;
        Ok(path)
    }

    /// Writes a CSV report file of the run with a header row.
    pub fn write_table(
        &self,
        name: &str,
        columns: &[&str],
        rows: &[Vec<String>],
    ) -> Result<PathBuf> {
        self.write_file(name, |w| {
            let mut wr = csv::Writer::from_writer(w);
            let to_io = |e: csv::Error| std::io::Error::other(e.to_string());
            wr.write_record(columns).map_err(to_io)?;
            for r in rows {
                wr.write_record(r.iter().map(|c| safe_cell(c).into_owned()))
                    .map_err(to_io)?;
            }
            wr.flush()
        })
    }

    /// Completes `summary.csv`: rows ranked by score, highest first; equal scores keep input
    /// order.
    pub fn finish(mut self) -> Result<PathBuf> {
        let target = self.target("summary.csv")?;
        let Some((tmp, w)) = self.rows.take() else {
            return Ok(target);
        };
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let file = w.into_inner().map_err(|e| Error::Write {
            path: tmp.clone(),
            source: e.into_error(),
        });
        let result = file.and_then(|mut file| {
            let mut index = std::mem::take(&mut self.index);
            // A stable sort keeps input order among equal scores.
            index.sort_by(|a, b| b.0.total_cmp(&a.0));
            write_atomic(&target, true, |out| {
                let mut header = csv::Writer::from_writer(&mut *out);
                header
                    .write_record(SUMMARY_COLUMNS)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                header.flush()?;
                drop(header);
                let mut buf = Vec::new();
                for (_, offset, len) in index {
                    use std::io::{Read, Seek};
                    file.seek(std::io::SeekFrom::Start(offset))?;
                    buf.resize(len as usize, 0);
                    file.read_exact(&mut buf)?;
                    out.write_all(&buf)?;
                }
                Ok(())
            })
            .map_err(|e| match e {
                Error::Write { source, .. } => io_err(&target)(source),
                other => other,
            })
        });
        let _ = std::fs::remove_file(&tmp);
        result?;
        Ok(target)
    }
}

/// Checks an output file before the work that makes it: an error if `path` is one of `inputs`
/// (compared as canonical paths, so `./a` is `a`), so that it never replaces what it was made
/// from, or if it is a directory. `what` names the output in the message.
pub fn check_output(path: &Path, inputs: &[PathBuf], what: &'static str) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "{}: is a directory; {what} is written to a file",
            path.display()
        )));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent
        && !dir.is_dir()
    {
        return Err(Error::Usage(format!(
            "{}: no directory {} to write {what} in",
            path.display(),
            dir.display()
        )));
    }
    if let Ok(canon) = std::fs::canonicalize(path)
        && inputs
            .iter()
            .any(|p| std::fs::canonicalize(p).is_ok_and(|c| c == canon))
    {
        return Err(Error::OutputIsInput {
            path: path.to_path_buf(),
            what,
        });
    }
    Ok(())
}

/// Writes a file atomically: a temporary file beside it, then renamed over it, so an interrupted
/// run never leaves a half-written file. `sync` also flushes it to disk first (for the run's own
/// files, not every article's: one fsync per article made a 100 MB feed take 3 minutes instead
/// of seconds).
pub fn write_atomic(
    path: &Path,
    sync: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    // Removed if anything fails.
    let mut tmp = new_temp(path, &name).map_err(err)?;
    let mut bw = std::io::BufWriter::new(tmp.as_file_mut());
    write(&mut bw).map_err(err)?;
    bw.flush().map_err(err)?;
    drop(bw);
    if sync {
        tmp.as_file().sync_all().map_err(err)?;
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

impl Drop for ReportDir {
    /// An unfinished run leaves no partial summary behind.
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.rows.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// A new temporary file beside `target`, named after `name` under a name no other run uses (a
/// stale one left by a killed run cannot block a write), never an existing file opened for
/// writing (an input least of all).
fn new_temp(target: &Path, name: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Readable as any file the user writes (tempfile's own default is owner-only).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

fn write_error(path: &Path, e: csv::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes summary rows (header included) to any writer: `--format csv --summary` and tests.
pub fn write_summary_csv<W: Write>(w: W, rows: &[Summary]) -> csv::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(SUMMARY_COLUMNS)?;
    for s in rows {
        wr.write_record(summary_record(s))?;
    }
    wr.flush()?;
    Ok(())
}

/// The human view: `path:line:col: severity category: message (suggestion)` and the sentence with
/// the span underlined (in colour on a terminal).
pub fn write_human<W: Write, F: Borrow<Finding>>(
    mut w: W,
    path: &str,
    findings: impl IntoIterator<Item = F>,
    color: bool,
) -> std::io::Result<()> {
    let (bold, red, dim, reset) = if color {
        ("\x1b[1m", "\x1b[31m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    for f in findings {
        let f = f.borrow();
        let suggestion = f
            .suggestion
            .as_deref()
            .map(|s| format!(" (suggestion: {s})"))
            .unwrap_or_default();
        writeln!(
            w,
            "{bold}{path}:{}:{}:{reset} {red}{}{reset} {}: {}{suggestion}",
            f.line, f.column, f.severity, f.category, f.explanation
        )?;
        let (before, span, after) = split_sentence(&f.sentence, &f.span);
        let before = one_line(before);
        let span_line = one_line(span);
        let after = one_line(after);
        if color {
            writeln!(
                w,
                "    {dim}|{reset} {before}{bold}{red}{span_line}{reset}{after}"
            )?;
        } else {
            writeln!(w, "    | {before}{span_line}{after}")?;
            let pad = before.chars().count();
            let len = span_line.chars().count().max(1);
            writeln!(w, "    | {}{}", " ".repeat(pad), "^".repeat(len))?;
        }
    }
    Ok(())
}

/// Splits the sentence around the span's first occurrence (the whole sentence is the span when it
/// does not occur).
fn split_sentence<'a>(sentence: &'a str, span: &'a str) -> (&'a str, &'a str, &'a str) {
    match sentence.find(span) {
        Some(i) if !span.is_empty() => (&sentence[..i], span, &sentence[i + span.len()..]),
        _ => ("", sentence, ""),
    }
}

fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains(['\n', '\r', '\t']) {
        Cow::Owned(
            s.replace("\r\n", " ⏎ ")
                .replace(['\n', '\r'], " ⏎ ")
                .replace('\t', " "),
        )
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_safe_unique_file_names() {
        let mut ids = IdAllocator::default();
        let cases = [
            ("xi-putin-moscow", "xi-putin-moscow"),
            ("../../etc/passwd", "etc_passwd"),
            ("..", "article"),
            ("nl/b", "nl_b"),
            ("a b:c*?", "a_b_c"),
            ("Xi-Putin-Moscow", "Xi-Putin-Moscow-2"),
            ("summary", "summary-2"),
            ("", "article-2"),
            ("C:\\Windows\\x", "C_Windows_x"),
            ("/abs", "abs"),
            ("a/b", "a_b"),
            ("CON", "CON_"),
            ("con.txt", "con_.txt"),
            ("lpt1", "lpt1_"),
            ("COM10", "COM10"),
            ("nul\0byte", "nul_byte"),
            ("\0", "article-3"),
            ("café/日本", "caf"),
            ("日本", "article-4"),
            ("..\\..\\x", "x"),
            (".hidden", "hidden"),
            ("a\u{202E}b", "a_b-2"),
            ("._.yz__", "yz"),
            ("__p__q__", "p_q"),
            ("-m-", "-m-"),
            ("aux.x.y", "aux_.x.y"),
            ("Com3", "Com3_"),
        ];
        for (raw, want) in cases {
            assert_eq!(ids.allocate(raw), want, "{raw}");
        }
        assert_eq!(ids.allocate(&"x".repeat(300)).len(), 100);
        assert_eq!(ids.allocate(&"é".repeat(300)), "article-5");
        // Whatever the id, the report is a plain file name inside the report directory.
        for raw in [
            "../../etc/passwd",
            "/abs",
            "a/b",
            "",
            "..",
            "\0",
            "C:\\x",
            "~",
            "-",
        ] {
            let id = ids.allocate(raw);
            let p = Path::new("reports").join(format!("{id}.csv"));
            assert_eq!(p.parent(), Some(Path::new("reports")), "{raw:?} -> {id}");
            assert!(!id.starts_with('.') && !id.contains(['/', '\\', '\0']));
        }
    }

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut rd = ReportDir::create(dir.path(), &[]).unwrap();
        // A directory where the report goes makes the final rename fail.
        std::fs::create_dir(dir.path().join("a.csv")).unwrap();
        let summary = crate::score::summarise("a", "a.txt", 0, 0, &[], &Default::default());
        let e = rd.write_article(&summary, &Vec::new()).unwrap_err();
        assert!(matches!(e, Error::Write { .. }), "{e}");
        drop(rd);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["a.csv"], "only the directory that was there");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for (cell, want) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-x", "'-x"),
            ("@a", "'@a"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("", ""),
            ("ok", "ok"),
        ] {
            assert_eq!(safe_cell(cell), want);
        }
    }

    #[test]
    fn reports_are_complete_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let rd = ReportDir::create(dir.path(), &[]).unwrap();
        drop(rd);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no partial summary"
        );
    }

    #[test]
    fn inputs_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("summary.csv");
        std::fs::write(&input, "precious").unwrap();
        let e = ReportDir::create(dir.path(), std::slice::from_ref(&input))
            .err()
            .unwrap();
        assert!(matches!(e, Error::WouldOverwriteInput { .. }));
        assert_eq!(std::fs::read_to_string(input).unwrap(), "precious");
    }
}
