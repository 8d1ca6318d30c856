//! A whole `mtlint check` run, as a pipeline: a reader thread parses articles into a bounded
//! window, worker threads check them in parallel, and this thread writes results in input order
//! (whatever the thread count) as soon as the next one is ready, flushing stdout whenever it
//! would otherwise wait. A single JSON line on stdin gets its answer at once, and memory is
//! bounded by the window whatever the feed length.
//!
//! Feed-level results come from the whole run: `summary.csv` ranked by score, `sites.csv`, and
//! paragraphs that recur across a site's articles (`boilerplate.csv`). When every input is a file
//! (re-readable), a first, cheap pass counts paragraphs, so the discovered boilerplate is also a
//! `boilerplate.discovered` finding in each article it appears in; from stdin it can only be
//! reported at the end, in `boilerplate.csv`.

use crate::baseline::{Entry, Recorder};
use crate::check::{Checked, Checker};
use crate::error::{Error, Result};
use crate::feed::{self, Counter, Discovered, Discovery, Paragraph, Remembered, Sites};
use crate::finding::Severity;
use crate::html::ReviewPage;
use crate::ingest::{Article, Articles, IngestOptions, InputFormat, Source, expand};
use crate::output::{Emitter, JsonlRecords, Totals};
use crate::report::{IdAllocator, ReportDir};
use crate::rules::Rule;
use crate::window::{Findings, Lean, release_freed_memory};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};

pub use crate::output::OutputFormat;

/// Articles read but not yet written, per worker thread: bounds memory on endless feeds while
/// keeping every worker busy when article sizes vary.
const WINDOW_PER_THREAD: usize = 64;
/// Articles handed from thread to thread at a time when reading files: each hand-over may wake
/// a thread, which costs more than a short article. Stdin and URLs hand over one at a time, so
/// that every article is answered as soon as it is read.
const BATCH: usize = 32;
/// Text in flight that fills the window: an article holds a share of the window's tokens in
/// proportion to its length (all of them from this size up), so a few long articles fill the
/// window as many short ones do, and two huge articles are never in memory at once.
const IN_FLIGHT_BYTES: usize = 16 << 20;
/// How often idle workers look whether the run was stopped.
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

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
    /// The records of `--format jsonl`; `None`: one line per article when reading stdin,
    /// finding lines otherwise.
    pub jsonl_records: Option<JsonlRecords>,
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
    /// When a recurring paragraph is site boilerplate.
    pub discovery: Discovery,
    /// Articles shown on the review page (the highest scores).
    pub html_articles: usize,
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

/// An article (or an input error) on its way to the workers.
struct Job {
    seq: usize,
    site: String,
    item: Result<(String, Article)>,
    /// Tokens the article holds until it is written (more for a long one).
    tokens: usize,
}

/// The window's tokens: the reader takes them, the writer gives them back. A waiting reader is
/// woken only once enough are free for a batch of articles: waking it for every article written
/// cost a futex call and a context switch per article, about 15 % of the CPU time of a feed of
/// short articles.
struct Tokens {
    state: Mutex<TokenState>,
    freed: Condvar,
}

struct TokenState {
    free: usize,
    /// What the waiting reader waits for (0: it is not waiting).
    wanted: usize,
    /// The writer is done: no token will come back.
    closed: bool,
}

impl Tokens {
    fn new(free: usize) -> Self {
        Tokens {
            state: Mutex::new(TokenState {
                free,
                wanted: 0,
                closed: false,
            }),
            freed: Condvar::new(),
        }
    }

    /// Takes `n` tokens if they are free, without waiting.
    fn try_take(&self, n: usize) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        if state.free >= n {
            state.free -= n;
            true
        } else {
            false
        }
    }

    /// Takes `n` tokens, waiting until `wanted` (at least `n`, at most the window) are free;
    /// false once the writer is done.
    fn take(&self, n: usize, wanted: usize) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        let wanted = wanted.max(n);
        while state.free < wanted && !state.closed {
            state.wanted = wanted;
            state = match self.freed.wait(state) {
                Ok(s) => s,
                Err(_) => return false,
            };
        }
        state.wanted = 0;
        if state.closed {
            return false;
        }
        state.free -= n;
        true
    }

    fn give(&self, n: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.free += n;
            if state.wanted > 0 && state.free >= state.wanted {
                self.freed.notify_one();
            }
        }
    }

    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
        }
        self.freed.notify_one();
    }
}

/// Closes the tokens when the writer is done, however it ends.
struct CloseOnDrop<'a>(&'a Tokens);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A checked article (or an input error) on its way to the writer.
struct Done {
    site: String,
    item: Result<(Article, Checked, Option<Lean>, Vec<Paragraph>)>,
    tokens: usize,
}

/// Runs `mtlint check`. Input errors are reported on `err` and counted, and the run goes on; only
/// a report that cannot be written stops it.
pub fn run(
    checker: &Checker,
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    // Each source with the input it came from: the site of articles without a URL.
    let mut sources: Vec<(Source, String)> = Vec::new();
    for input in &opts.inputs {
        let (found, errors) = expand(std::slice::from_ref(input));
        for e in errors {
            report_error(err, &e);
            outcome.input_errors += 1;
        }
        let label = if input == "-" {
            "stdin"
        } else {
            input.as_str()
        };
        sources.extend(found.into_iter().map(|s| (s, label.to_string())));
    }
    sources.retain(|(s, _)| match s {
        Source::File { path, .. } => {
            opts.include.as_ref().is_none_or(|g| g.is_match(path))
                && !opts.exclude.as_ref().is_some_and(|g| g.is_match(path))
        }
        Source::Stdin | Source::Url(_) => true,
    });
    let input_paths: Vec<PathBuf> = sources
        .iter()
        .filter_map(|(s, _)| match s {
            Source::File { path, .. } => Some(path.clone()),
            Source::Stdin | Source::Url(_) => None,
        })
        .collect();
    if opts.format == OutputFormat::Html && opts.report_dir.is_none() {
        return Err(Error::Usage(
            "--format html writes index.html into the report directory: drop --no-report".into(),
        ));
    }
    // Checked before anything is written: the baseline must not replace an input either.
    if let Some(b) = &opts.write_baseline {
        crate::report::check_output(b, &input_paths, "the baseline")?;
    }
    let mut reports = match &opts.report_dir {
        Some(dir) => Some(ReportDir::create(dir, &input_paths)?),
        None => None,
    };
    // Stdin and URLs are read once: their discovered boilerplate is reported at the end.
    let streaming = sources
        .iter()
        .any(|(s, _)| matches!(s, Source::Stdin | Source::Url(_)));
    // Files can be read twice: count paragraphs first, so discovered boilerplate becomes a
    // finding in every article it appears in.
    let mut counter = Counter::default();
    // The first pass's paragraphs, for the second.
    let mut remembered = Remembered::default();
    let discovered: FxHashMap<u64, Discovered> = if streaming {
        FxHashMap::default()
    } else {
        for (source, input) in &sources {
            // Input errors too, so that articles are numbered as in the second pass.
            for item in Articles::new(vec![source.clone()], opts.input_format)
                .with_options(opts.ingest.clone())
            {
                let Ok(a) = item else {
                    remembered.push("", &[]);
                    continue;
                };
                let site = feed::site(a.url.as_deref(), input);
                let paragraphs = feed::paragraphs(&site, &a.text);
                // No texts yet: the second look keeps those of the paragraphs found.
                counter.add(&site, &a.text, &paragraphs, usize::MAX);
                remembered.push(&a.text, &paragraphs);
            }
        }
        counter
            .discovered(opts.discovery)
            .into_iter()
            .map(|d| (d.hash, d))
            .collect()
    };
    // The second pass only needs the paragraphs that are boilerplate.
    remembered.retain(|h| discovered.contains_key(&h));
    let records = opts.jsonl_records.unwrap_or(if streaming {
        JsonlRecords::Article
    } else {
        JsonlRecords::Findings
    });
    let mut writer = Writer {
        opts,
        outcome,
        emitter: Emitter::new(opts.format, opts.color, &opts.rules).with_records(records),
        totals: Totals::default(),
        recorded: opts.write_baseline.as_deref().map(Recorder::new),
        reports: reports.as_mut(),
        counter: &mut counter,
        streaming,
        discovered: &discovered,
        sites: Sites::default(),
        page: (opts.format == OutputFormat::Html).then(|| ReviewPage::new(opts.html_articles)),
        seq: 0,
    };
    pipeline(
        checker,
        opts,
        sources,
        &discovered,
        &remembered,
        streaming,
        &mut writer,
        out,
        err,
    )?;
    let Writer {
        mut outcome,
        mut emitter,
        totals,
        recorded,
        sites,
        page,
        ..
    } = writer;
    if !outcome.stdout_closed && !opts.quiet {
        let written = emitter.finish(&mut *out, &totals);
        stdout_result(written, &mut outcome)?;
    }
    // A baseline records every finding of every input: one written without the findings of an
    // input that could not be read would report them all as new next time.
    if let Some(recorded) = recorded {
        if outcome.input_errors == 0 {
            recorded.finish()?;
            // A baseline records today's findings; writing one is not a failure.
            outcome.failed = false;
        } else {
            let _ = writeln!(
                err,
                "mtlint: baseline not written: {} input error(s); the previous one is kept",
                outcome.input_errors
            );
        }
    }
    // A run that could read none of its inputs has nothing to report: the reports of an earlier
    // run stay as they were rather than being replaced by empty ones.
    let nothing_read = outcome.articles == 0 && outcome.input_errors > 0;
    if nothing_read && reports.is_some() {
        let _ = writeln!(
            err,
            "mtlint: no report written: no input could be read; the previous ones are kept"
        );
    }
    if let Some(r) = reports.filter(|_| !nothing_read) {
        let found = if streaming {
            counter.discovered(opts.discovery)
        } else {
            counter.with_texts(discovered.into_values().collect())
        };
        r.write_table(
            "boilerplate.csv",
            feed::BOILERPLATE_COLUMNS,
            &feed::boilerplate_rows(&found),
        )?;
        r.write_table("sites.csv", feed::SITE_COLUMNS, &sites.rows())?;
        if let Some(page) = &page {
            let path = r.write_file("index.html", |w| {
                page.write(w, &totals, &opts.rules, &found)
            })?;
            let _ = writeln!(err, "mtlint: review page: {}", path.display());
        }
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

/// Reader thread → workers → the writer (this thread), in order, with at most a window of
/// articles in flight.
#[allow(clippy::too_many_arguments)]
fn pipeline(
    checker: &Checker,
    opts: &RunOptions,
    sources: Vec<(Source, String)>,
    discovered: &FxHashMap<u64, Discovered>,
    remembered: &Remembered,
    streaming: bool,
    writer: &mut Writer<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let threads = rayon::current_num_threads().max(1);
    let window = threads * WINDOW_PER_THREAD;
    // Tokens: the reader takes one per article, the writer gives it back once it is written.
    let tokens = Arc::new(Tokens::new(window));
    let _close = CloseOnDrop(&tokens);
    let (job_tx, job_rx) = mpsc::channel::<Vec<Job>>();
    let format = opts.input_format;
    let ingest = opts.ingest.clone();
    // The reader owns its inputs and is not joined: blocked on a silent stdin, it must not hold
    // up the end of a run that failed.
    let batch = if streaming { 1 } else { BATCH };
    let reader_tokens = Arc::clone(&tokens);
    std::thread::spawn(move || {
        read(
            sources,
            format,
            ingest,
            batch,
            window,
            &reader_tokens,
            &job_tx,
        )
    });
    let stop = AtomicBool::new(false);
    let need_paragraphs = streaming || !discovered.is_empty();
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<Vec<(usize, Done)>>();
        let jobs = Arc::new(Mutex::new(job_rx));
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let jobs = Arc::clone(&jobs);
            let stop = &stop;
            scope.spawn(move || {
                loop {
                    let batch = {
                        let Ok(rx) = jobs.lock() else { return };
                        match rx.recv_timeout(POLL) {
                            Ok(job) => job,
                            Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => {
                                continue;
                            }
                            Err(_) => return,
                        }
                    };
                    let done = batch
                        .into_iter()
                        .map(|job| {
                            let seq = job.seq;
                            (
                                seq,
                                work(checker, job, discovered, remembered, need_paragraphs),
                            )
                        })
                        .collect();
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let result = write_in_order(&done_rx, &tokens, writer, out, err);
        stop.store(true, Ordering::Relaxed);
        result
    })
}

/// The reader thread: articles in input order, each waiting for a token.
fn read(
    sources: Vec<(Source, String)>,
    format: InputFormat,
    ingest: IngestOptions,
    batch: usize,
    window: usize,
    tokens: &Tokens,
    jobs: &mpsc::Sender<Vec<Job>>,
) {
    let mut ids = IdAllocator::default();
    let mut seq = 0;
    let mut held: Vec<Job> = Vec::with_capacity(batch);
    // Hands over the articles held before waiting for tokens: the writer may need them to give
    // tokens back. Once it waits, it waits for a batch's worth, so that it is not woken per
    // article.
    let refill = batch.min(window);
    let take = |held: &mut Vec<Job>, n: usize| -> bool {
        if tokens.try_take(n) {
            return true;
        }
        if !held.is_empty() && jobs.send(std::mem::take(held)).is_err() {
            return false;
        }
        tokens.take(n, refill)
    };
    // A token taken for an article that turned out not to be there (the end of an input).
    let mut spare = false;
    for (source, input) in sources {
        let mut articles = Articles::new(vec![source], format).with_options(ingest.clone());
        loop {
            // The token is taken before the article is read, so a long article waiting for its
            // extra tokens never has another one read behind it.
            if !std::mem::take(&mut spare) && !take(&mut held, 1) {
                return;
            }
            let Some(item) = articles.next() else {
                spare = true;
                break;
            };
            let len = item.as_ref().map_or(0, |a| a.text.len());
            let needed = (1 + len.saturating_mul(window) / IN_FLIGHT_BYTES).min(window);
            if needed > 1 && !take(&mut held, needed - 1) {
                return;
            }
            let site = match &item {
                Ok(a) => feed::site(a.url.as_deref(), &input),
                Err(_) => input.clone(),
            };
            let item = item.map(|a| (ids.allocate(&a.id), a));
            held.push(Job {
                seq,
                site,
                item,
                tokens: needed,
            });
            seq += 1;
            if held.len() >= batch && jobs.send(std::mem::take(&mut held)).is_err() {
                return;
            }
        }
    }
    if !held.is_empty() {
        let _ = jobs.send(held);
    }
}

fn work(
    checker: &Checker,
    job: Job,
    discovered: &FxHashMap<u64, Discovered>,
    remembered: &Remembered,
    need_paragraphs: bool,
) -> Done {
    let Job {
        seq,
        site,
        item,
        tokens,
    } = job;
    let item = item.map(|(id, article)| {
        let paragraphs = if need_paragraphs {
            remembered
                .get(seq, &article.text)
                .unwrap_or_else(|| feed::paragraphs(&site, &article.text))
        } else {
            Vec::new()
        };
        let extra = if discovered.is_empty() {
            Vec::new()
        } else {
            feed::findings(&id, &article.text, &paragraphs, discovered)
        };
        let (checked, lean) = checker.check_lean(&article, &id, extra);
        (article, checked, lean, paragraphs)
    });
    Done { site, item, tokens }
}

/// Writes results in input order as they arrive; flushes stdout before waiting.
fn write_in_order(
    done: &mpsc::Receiver<Vec<(usize, Done)>>,
    tokens: &Tokens,
    writer: &mut Writer<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
    loop {
        let batch = match done.try_recv() {
            Ok(m) => m,
            Err(TryRecvError::Empty) => {
                if !writer.outcome.stdout_closed {
                    let flushed = out.flush();
                    stdout_result(flushed, &mut writer.outcome)?;
                }
                match done.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            }
            Err(TryRecvError::Disconnected) => return Ok(()),
        };
        pending.extend(batch);
        while let Some(d) = pending.remove(&writer.seq) {
            writer.seq += 1;
            let held = d.tokens;
            let huge = matches!(&d.item, Ok((_, _, Some(_), _)));
            writer.write(d, out, err)?;
            if huge {
                release_freed_memory();
            }
            tokens.give(held);
        }
    }
}

/// The ordered end of the pipeline: stdout, reports, totals and feed-level counts.
struct Writer<'a> {
    opts: &'a RunOptions,
    outcome: Outcome,
    emitter: Emitter<'a>,
    totals: Totals,
    /// The baseline being recorded (`--write-baseline`).
    recorded: Option<Recorder>,
    reports: Option<&'a mut ReportDir>,
    /// Paragraph counts: gathered during a streaming run; in a two-pass run, the texts of the
    /// paragraphs found.
    counter: &'a mut Counter,
    streaming: bool,
    discovered: &'a FxHashMap<u64, Discovered>,
    sites: Sites,
    page: Option<ReviewPage>,
    /// The next article to write.
    seq: usize,
}

impl Writer<'_> {
    fn write(&mut self, d: Done, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let opts = self.opts;
        let (article, checked, lean, paragraphs) = match d.item {
            Err(e) => {
                report_error(err, &e);
                self.outcome.input_errors += 1;
                if !self.outcome.stdout_closed && !opts.quiet {
                    let written = self.emitter.error(&mut *out, &e);
                    stdout_result(written, &mut self.outcome)?;
                }
                return Ok(());
            }
            Ok(x) => x,
        };
        // The temporary file of a huge article's findings failed while it was checked: nothing
        // of the article is written.
        if let Some(lean) = &lean {
            lean.status()?;
        }
        // A huge article's findings are rendered one at a time, never all held.
        let findings = match &lean {
            Some(lean) => Findings::Lean(lean, &article.text),
            None => Findings::All(&checked.findings),
        };
        let outcome = &mut self.outcome;
        let totals = &mut self.totals;
        outcome.articles += 1;
        outcome.findings += findings.len();
        totals.articles += 1;
        totals.findings += findings.len();
        for f in findings.iter() {
            match f.severity {
                Severity::Minor => totals.minor += 1,
                Severity::Major => totals.major += 1,
                Severity::Critical => totals.critical += 1,
            }
            if opts.fail_on.is_some_and(|t| f.severity >= t) {
                outcome.failed = true;
            }
        }
        // A read error of that file, before any output: no finding is missed silently.
        if let Some(lean) = &lean {
            lean.status()?;
        }
        if opts.max_score.is_some_and(|m| checked.summary.score > m) {
            outcome.failed = true;
        }
        if let Some(recorded) = &mut self.recorded {
            for f in findings.iter() {
                recorded.push(Entry::of(&f))?;
            }
        }
        if let Some(r) = self.reports.as_mut() {
            let written = r.write_article(&checked.summary, findings);
            // The report is not written when the findings could not all be read: the error is
            // the temporary file's.
            if let Some(lean) = &lean {
                lean.status()?;
            }
            written?;
        }
        if self.streaming {
            let keep_text_at = opts.discovery.min_articles;
            self.counter
                .add(&d.site, &article.text, &paragraphs, keep_text_at);
        } else {
            for p in paragraphs
                .iter()
                .filter(|p| self.discovered.contains_key(&p.hash))
            {
                self.counter
                    .keep_text(p.hash, &article.text[p.start..p.end]);
            }
        }
        self.sites.add(&d.site, &checked.summary);
        if let Some(page) = self.page.as_mut() {
            page.add_findings(
                self.seq,
                &article.text,
                &checked.summary,
                findings.len(),
                findings.iter(),
            );
        }
        if let Some(lean) = &lean {
            lean.status()?;
        }
        if outcome.stdout_closed || opts.quiet {
            return Ok(());
        }
        let written = self.emitter.article(
            &mut *out,
            &article.path,
            &article.id,
            &checked.summary,
            findings,
        );
        if let Some(lean) = &lean {
            lean.status()?;
        }
        stdout_result(written, outcome)
    }
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

#[cfg(test)]
mod tests {
    use super::Tokens;
    use std::sync::Arc;
    use std::thread::JoinHandle;

    /// A reader thread waiting to take `n` tokens once `wanted` are free.
    fn reader(tokens: &Arc<Tokens>, n: usize, wanted: usize) -> JoinHandle<bool> {
        let tokens = Arc::clone(tokens);
        std::thread::spawn(move || tokens.take(n, wanted))
    }

    #[test]
    fn tokens_are_taken_only_when_free() {
        let tokens = Tokens::new(3);
        assert!(tokens.try_take(2));
        assert!(!tokens.try_take(2));
        assert!(tokens.try_take(1));
        assert!(!tokens.try_take(1));
        tokens.give(2);
        assert!(tokens.take(2, 2));
        assert!(!tokens.try_take(1));
    }

    #[test]
    fn a_waiting_reader_takes_once_enough_are_free_and_leaves_the_rest() {
        let tokens = Arc::new(Tokens::new(0));
        let reader = reader(&tokens, 1, 3);
        for _ in 0..3 {
            tokens.give(1);
        }
        assert_eq!(reader.join().ok(), Some(true));
        assert!(tokens.try_take(2));
        assert!(!tokens.try_take(1));
    }

    #[test]
    fn closing_wakes_a_waiting_reader_empty_handed() {
        let tokens = Arc::new(Tokens::new(1));
        let reader = reader(&tokens, 2, 2);
        tokens.close();
        assert_eq!(reader.join().ok(), Some(false));
        assert!(!tokens.take(1, 1));
    }
}
