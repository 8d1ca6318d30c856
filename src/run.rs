//! A whole `mtlint check` run: read inputs, check articles in parallel batches (output stays in
//! input order whatever the thread count), write reports and stdout, count what happened.

use crate::check::Checker;
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::ingest::{Articles, InputFormat, Source, expand};
use crate::report::{IdAllocator, ReportDir, write_findings_csv, write_human};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Articles checked together; bounds memory on endless feeds.
const BATCH: usize = 256;

/// What goes to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// `path:line:col: severity category: message (suggestion)` and the marked sentence.
    #[default]
    Human,
    /// The per-article CSV columns, one header, all articles.
    Csv,
}

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub inputs: Vec<String>,
    pub input_format: InputFormat,
    /// `None`: no report files.
    pub report_dir: Option<PathBuf>,
    pub format: OutputFormat,
    pub color: bool,
    /// Findings at or above this make the run fail; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Only the end-of-run summary line.
    pub quiet: bool,
}

/// What a run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub articles: usize,
    pub findings: usize,
    /// A finding at or above the fail-on severity.
    pub failed: bool,
    /// Inputs that could not be read or parsed (each reported on stderr).
    pub input_errors: usize,
    /// Stdout was closed by the reader (e.g. `| head`).
    pub stdout_closed: bool,
    pub report_dir: Option<PathBuf>,
}

/// Runs `mtlint check`. Input errors are reported on `err` and counted, and the run goes on; only
/// a report that cannot be written stops it.
pub fn run(
    checker: &Checker,
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let (sources, expand_errors) = expand(&opts.inputs);
    let mut outcome = Outcome::default();
    for e in expand_errors {
        report_error(err, &e);
        outcome.input_errors += 1;
    }
    let input_paths: Vec<PathBuf> = sources
        .iter()
        .filter_map(|s| match s {
            Source::File { path, .. } => Some(path.clone()),
            Source::Stdin => None,
        })
        .collect();
    let mut reports = match &opts.report_dir {
        Some(dir) => Some(ReportDir::create(dir, &input_paths)?),
        None => None,
    };
    let mut ids = IdAllocator::default();
    let mut articles = Articles::new(sources, opts.input_format);
    let mut csv_header = opts.format == OutputFormat::Csv;
    let mut totals = [0usize; 3];
    loop {
        let batch: Vec<_> = articles.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let batch: Vec<_> = batch
            .into_iter()
            .map(|a| a.map(|a| (ids.allocate(&a.id), a)))
            .collect();
        let checked: Vec<_> = batch
            .par_iter()
            .map(|item| item.as_ref().ok().map(|(id, a)| checker.check(a, id)))
            .collect();
        for (item, result) in batch.iter().zip(checked) {
            let (article, checked) = match (item, result) {
                (Err(e), _) => {
                    report_error(err, e);
                    outcome.input_errors += 1;
                    continue;
                }
                (Ok((_, a)), Some(c)) => (a, c),
                (Ok(_), None) => continue,
            };
            outcome.articles += 1;
            outcome.findings += checked.findings.len();
            for f in &checked.findings {
                totals[f.severity as usize] += 1;
                if opts.fail_on.is_some_and(|t| f.severity >= t) {
                    outcome.failed = true;
                }
            }
            if let Some(r) = reports.as_mut() {
                r.write_article(&checked.summary, &checked.findings)?;
            }
            if outcome.stdout_closed || opts.quiet {
                continue;
            }
            let written = match opts.format {
                OutputFormat::Human => {
                    write_human(&mut *out, &article.path, &checked.findings, opts.color).and_then(|()| {
                        let s = &checked.summary;
                        if s.findings > 0 {
                            writeln!(
                                out,
                                "{}: {} findings ({} critical, {} major, {} minor), score {:.1} per 1,000 words: {}\n",
                                article.path, s.findings, s.critical, s.major, s.minor, s.score, s.verdict.as_str()
                            )
                        } else {
                            Ok(())
                        }
                    })
                }
                OutputFormat::Csv => {
                    let rows = if std::mem::take(&mut csv_header) {
                        write_findings_csv(&mut *out, &checked.findings)
                    } else {
                        write_rows_only(&mut *out, &checked.findings)
                    };
                    rows.map_err(|e| match e.into_kind() {
                        csv::ErrorKind::Io(io) => io,
                        other => std::io::Error::other(format!("{other:?}")),
                    })
                }
            };
            if let Err(e) = written {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    outcome.stdout_closed = true;
                } else {
                    return Err(Error::Write {
                        path: "<stdout>".into(),
                        source: e,
                    });
                }
            }
        }
    }
    if csv_header && !outcome.stdout_closed {
        // No article at all: still print the header so consumers see the columns.
        let _ = write_findings_csv(&mut *out, &[]);
    }
    if let Some(r) = reports {
        outcome.report_dir = r.finish()?.parent().map(PathBuf::from);
    }
    let _ = out.flush();
    let _ = writeln!(
        err,
        "mtlint: {} article{}, {} finding{} ({} critical, {} major, {} minor){}{}",
        outcome.articles,
        if outcome.articles == 1 { "" } else { "s" },
        outcome.findings,
        if outcome.findings == 1 { "" } else { "s" },
        totals[2],
        totals[1],
        totals[0],
        outcome
            .report_dir
            .as_ref()
            .map(|d| format!("; reports in {}", d.display()))
            .unwrap_or_default(),
        if outcome.input_errors > 0 {
            format!("; {} input error(s)", outcome.input_errors)
        } else {
            String::new()
        },
    );
    Ok(outcome)
}

fn write_rows_only<W: Write>(w: W, findings: &[crate::finding::Finding]) -> csv::Result<()> {
    let mut buf = Vec::new();
    write_findings_csv(&mut buf, findings)?;
    let body = buf
        .iter()
        .position(|&b| b == b'\n')
        .map_or(&buf[..0], |i| &buf[i + 1..]);
    let mut w = w;
    w.write_all(body)?;
    Ok(())
}

fn report_error(err: &mut dyn Write, e: &Error) {
    let _ = writeln!(err, "mtlint: error: {e}");
}
