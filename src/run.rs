//! A whole `mtlint check` run: read inputs, check articles in parallel batches (output stays in
//! input order whatever the thread count), write reports and stdout, count what happened.

use crate::baseline::Entry;
use crate::check::Checker;
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::ingest::{Articles, IngestOptions, InputFormat, Source, expand};
use crate::output::{Emitter, Totals};
use crate::report::{IdAllocator, ReportDir};
use crate::rules::Rule;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

pub use crate::output::OutputFormat;

/// Articles checked together; bounds memory on endless feeds…
const BATCH: usize = 256;
/// …and so does their text: a batch closes once it holds this many bytes, so a feed of large
/// articles does not hold 256 of them at once.
const BATCH_BYTES: usize = 8 << 20;

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub inputs: Vec<String>,
    pub input_format: InputFormat,
    /// CSV columns and download limits.
    pub ingest: IngestOptions,
    /// `None`: no report files.
    pub report_dir: Option<PathBuf>,
    pub format: OutputFormat,
    pub color: bool,
    /// Findings at or above this make the run fail; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Only the end-of-run summary line.
    pub quiet: bool,
    /// An article scoring above this makes the run fail.
    pub max_score: Option<f64>,
    /// Files found in the inputs are checked only if they match (when given)…
    pub include: Option<globset::GlobSet>,
    /// …and do not match this.
    pub exclude: Option<globset::GlobSet>,
    /// Record every finding here as a baseline (the run then does not fail on findings).
    pub write_baseline: Option<PathBuf>,
    /// Rule metadata for SARIF.
    pub rules: Vec<Rule>,
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
    let (mut sources, expand_errors) = expand(&opts.inputs);
    sources.retain(|s| match s {
        Source::File { path, .. } => {
            opts.include.as_ref().is_none_or(|g| g.is_match(path))
                && !opts.exclude.as_ref().is_some_and(|g| g.is_match(path))
        }
        Source::Stdin | Source::Url(_) => true,
    });
    let mut outcome = Outcome::default();
    for e in expand_errors {
        report_error(err, &e);
        outcome.input_errors += 1;
    }
    let input_paths: Vec<PathBuf> = sources
        .iter()
        .filter_map(|s| match s {
            Source::File { path, .. } => Some(path.clone()),
            Source::Stdin | Source::Url(_) => None,
        })
        .collect();
    let mut reports = match &opts.report_dir {
        Some(dir) => Some(ReportDir::create(dir, &input_paths)?),
        None => None,
    };
    let mut ids = IdAllocator::default();
    let mut articles = Articles::new(sources, opts.input_format).with_options(opts.ingest.clone());
    let mut emitter = Emitter::new(opts.format, opts.color, &opts.rules);
    let mut totals = Totals::default();
    let mut recorded: Vec<Entry> = Vec::new();
    loop {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while batch.len() < BATCH && bytes < BATCH_BYTES {
            let Some(item) = articles.next() else {
                break;
            };
            bytes += item.as_ref().map_or(0, |a| a.text.len());
            batch.push(item);
        }
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
            totals.articles += 1;
            totals.findings += checked.findings.len();
            for f in &checked.findings {
                match f.severity {
                    Severity::Minor => totals.minor += 1,
                    Severity::Major => totals.major += 1,
                    Severity::Critical => totals.critical += 1,
                }
                if opts.fail_on.is_some_and(|t| f.severity >= t) {
                    outcome.failed = true;
                }
            }
            if opts.max_score.is_some_and(|m| checked.summary.score > m) {
                outcome.failed = true;
            }
            if opts.write_baseline.is_some() {
                recorded.extend(checked.findings.iter().map(Entry::of));
            }
            if let Some(r) = reports.as_mut() {
                r.write_article(&checked.summary, &checked.findings)?;
            }
            if outcome.stdout_closed || opts.quiet {
                continue;
            }
            let written = emitter.article(
                &mut *out,
                &article.path,
                &checked.summary,
                &checked.findings,
            );
            stdout_result(written, &mut outcome)?;
        }
    }
    if !outcome.stdout_closed && !opts.quiet {
        let written = emitter.finish(&mut *out, &totals);
        stdout_result(written, &mut outcome)?;
    }
    if let Some(path) = &opts.write_baseline {
        crate::baseline::write(path, recorded)?;
        // A baseline records today's findings; writing one is not a failure.
        outcome.failed = false;
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
        totals.critical,
        totals.major,
        totals.minor,
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

/// A closed stdout ends output quietly; any other write error stops the run.
fn stdout_result(written: std::io::Result<()>, outcome: &mut Outcome) -> Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            outcome.stdout_closed = true;
            Ok(())
        }
        Err(e) => Err(Error::Write {
            path: "<stdout>".into(),
            source: e,
        }),
        Ok(()) => Ok(()),
    }
}

fn report_error(err: &mut dyn Write, e: &Error) {
    let _ = writeln!(err, "mtlint: error: {e}");
}
