//! The `mtlint` command: parses arguments, calls the library, maps the result to an exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage or input error; a closed pipe is 0).

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use mtlint::baseline::Baseline;
use mtlint::check::{Checker, Policy};
use mtlint::config::{Config, Settings};
use mtlint::detect::Resources;
use mtlint::ingest::{FetchOptions, IngestOptions, InputFormat};
use mtlint::run::RunOptions;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mtlint",
    version,
    about = "Find the artifacts of machine translation in English text"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check articles and write a CSV report per article.
    Check(Box<CheckArgs>),
    /// Measure recall against labels and false positives on native text.
    Eval(EvalArgs),
    /// List every rule with its category, severity, source language and entry count.
    Rules {
        /// List every lexicon entry and boilerplate pattern, not one line per group.
        #[arg(short, long)]
        verbose: bool,
        /// Include the entries of these lexicon directories (`DIR/<lang>-en/*.csv`).
        #[arg(long = "lexicon", value_name = "DIR")]
        lexicons: Vec<PathBuf>,
    },
    /// Explain a rule (or every rule of a group, detector or category), with examples.
    Explain {
        /// A rule id (`repetition.reduplication`), group (`calque.nl`), detector or category.
        #[arg(value_name = "RULE")]
        rule: String,
        /// Include the entries of these lexicon directories (`DIR/<lang>-en/*.csv`).
        #[arg(long = "lexicon", value_name = "DIR")]
        lexicons: Vec<PathBuf>,
    },
    /// Write a commented mtlint.toml with the defaults in the current directory.
    Init,
    /// Train a model of normal English (word and pair counts) for the `oddity` detector.
    Train(TrainArgs),
    /// Validate and audit lexicons, or derive data files.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
}

#[derive(Subcommand)]
enum LexiconCommand {
    /// Validate every lexicon, prove every entry fires on its example and not on its native
    /// sentence, and count entries firing on native corpora.
    Check {
        /// Extra lexicon directories (`DIR/<lang>-en/*.csv`) checked with the embedded ones.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Native English text (files, directories, .csv/.jsonl, .xz) to count hits on.
        #[arg(long, value_name = "PATH")]
        corpus: Vec<String>,
        /// Entries firing more often than this on the corpus fail the check.
        #[arg(long, default_value_t = 1, value_name = "N")]
        max_native_hits: usize,
    },
    /// Derive lexicons/foreign-words.tsv from wordfreq lists (large_{en,nl,de,fr,es}.tsv.xz).
    DeriveForeign {
        /// Directory with the word-frequency lists.
        #[arg(long, value_name = "DIR")]
        wordfreq: PathBuf,
        /// English LM unigrams (`word<TAB>log10 P`, e.g. en-us-lm-unigrams.tsv.xz): words it knows
        /// well are established loans and are left out.
        #[arg(long, value_name = "FILE")]
        english_lm: Option<PathBuf>,
        /// Output file.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Args)]
struct Lexicons {
    /// Add lexicon directories (`DIR/<lang>-en/*.csv`); an entry with the id of an embedded one
    /// replaces it.
    #[arg(long = "lexicon", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Source language: `auto` (default) guesses per article; a code (nl, de, fr, es, it) allows
    /// only that language's entries.
    #[arg(long, value_name = "LANG")]
    source_lang: Option<String>,
}

/// The lexicons, and the model of normal English (`--model`, or the embedded one).
fn resources(dirs: &[PathBuf], model: Option<&std::path::Path>) -> anyhow::Result<Resources> {
    let mut resources = Resources::load(dirs)?;
    if let Some(m) = model {
        resources.model = std::sync::Arc::new(mtlint::model::Model::read(m)?);
    }
    Ok(resources)
}

#[derive(Args)]
struct TrainArgs {
    /// Raw English text, one document or sentence per line (`.xz` read directly).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    corpus: Vec<PathBuf>,
    /// N-gram tables: `word<TAB>log10 P` and `w1 w2<TAB>log10 P(w2|w1)` (`.xz` read directly).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    ngrams: Vec<PathBuf>,
    /// How many tokens the n-gram tables' probabilities stand for.
    #[arg(long, default_value_t = mtlint::model::train::DEFAULT_LM_TOKENS, value_name = "N")]
    lm_tokens: f64,
    /// Output model file.
    #[arg(short, long, value_name = "MODEL")]
    output: PathBuf,
}

#[derive(Args)]
struct Selecting {
    /// Run only these detectors, categories or rules (comma-separated).
    #[arg(long, value_name = "LIST")]
    only: Vec<String>,
    /// Skip these detectors, categories or rules (comma-separated).
    #[arg(long, value_name = "LIST")]
    skip: Vec<String>,
}

#[derive(Args)]
struct CheckArgs {
    /// Files, directories (every .txt/.md/.html/.rss/.atom/.xlf/.tmx below), `http(s)://` URLs
    /// or `-` for stdin. `.jsonl` is one article per line ({"id","title","text","url"}); `.csv`
    /// needs a `text` column; a feed is one article per item; `.xz` is decompressed.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Configuration file (default: mtlint.toml in the current directory or the nearest parent).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the per-article CSVs and summary.csv go (default `reports`).
    #[arg(long, value_name = "DIR")]
    report_dir: Option<PathBuf>,
    /// Write no report files.
    #[arg(long)]
    no_report: bool,
    /// What to print on stdout (default human).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Exit 1 when a finding at or above this severity is found (default major).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Drop findings less confident than this (0.0–1.0, default 0).
    #[arg(long, value_name = "X")]
    min_confidence: Option<f32>,
    /// Exit 1 when an article scores above this (points per 1,000 words).
    #[arg(long, value_name = "SCORE")]
    max_score: Option<f64>,
    /// How to read inputs (default: by extension).
    #[arg(long, value_enum, default_value_t = InFormat::Auto)]
    input_format: InFormat,
    /// CSV column holding the article text (default `text`).
    #[arg(long, value_name = "NAME")]
    text_column: Option<String>,
    /// CSV column holding the article id (default `id`, else `<file>-<row>`).
    #[arg(long, value_name = "NAME")]
    id_column: Option<String>,
    /// Seconds to wait for a URL's response, and then for its body (connecting: at most 10).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    timeout: f64,
    /// Largest download accepted per URL: bytes, or with K, M or G (default 20M).
    #[arg(long, value_name = "SIZE", default_value = "20M", value_parser = parse_size)]
    max_download: u64,
    /// Print only the summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Score per 1,000 words at which an article needs review (default 5).
    #[arg(long, value_name = "SCORE")]
    review_at: Option<f64>,
    /// Score per 1,000 words at which an article fails (default 20).
    #[arg(long, value_name = "SCORE")]
    fail_at: Option<f64>,
    /// Override a severity: RULE=minor|major|critical (rule, detector or category; repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    severity: Vec<String>,
    /// House style: never flag inside this phrase (repeatable).
    #[arg(long, value_name = "PHRASE")]
    accept: Vec<String>,
    /// Check only files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Leave out files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Report and fail only on findings not recorded in this baseline.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record today's findings as a baseline (the run then exits 0 on findings).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Model of normal English for the `oddity` detector, written by `mtlint train` (default:
    /// the embedded one).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    /// `--format jsonl` records: `article` (one line per article, findings inside; the default
    /// when reading stdin) or `findings` (a line per finding, then the article's line).
    #[arg(long, value_enum, value_name = "RECORDS")]
    jsonl_records: Option<JsonlRecords>,
    /// Articles on the review page of `--format html` (the highest scores).
    #[arg(long, value_name = "N", default_value_t = mtlint::html::DEFAULT_ARTICLES)]
    html_articles: usize,
    #[command(flatten)]
    select: Selecting,
    #[command(flatten)]
    lexicons: Lexicons,
}

#[derive(Args)]
struct EvalArgs {
    /// Labels CSV (`span`, `category`, and `article` or `occurrence`).
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Native English inputs (files, directories, .csv/.jsonl, .xz) to count false positives on.
    #[arg(long, value_name = "PATH")]
    native: Vec<String>,
    /// Labelled machine-translated articles.
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// Model of normal English for the `oddity` detector (default: the embedded one).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    #[command(flatten)]
    select: Selecting,
    #[command(flatten)]
    lexicons: Lexicons,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Csv,
    Json,
    Jsonl,
    Sarif,
    Github,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum JsonlRecords {
    Article,
    Findings,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Minor,
    Major,
    Critical,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum InFormat {
    Auto,
    Text,
    Jsonl,
    Csv,
    /// RSS or Atom (`rss`, `atom` and `feed` read the same way).
    Rss,
    /// Same as `rss`.
    Atom,
    /// Same as `rss`.
    Feed,
    /// An article page: headline and body text, without site furniture.
    Html,
    /// XLIFF 1.2 or 2.x: the targets, aligned with their sources.
    Xliff,
    /// TMX: the English segments, aligned with the other language's.
    Tmx,
}

/// Most worker threads `-j` takes: each holds a window of articles and its buffers, so an
/// absurd count (`-j 100000`) would spend minutes and gigabytes starting threads.
const MAX_THREADS: usize = 1024;

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n @ 1..=MAX_THREADS) => Ok(n),
        _ => Err(format!(
            "'{s}' is not a number of worker threads from 1 to {MAX_THREADS}"
        )),
    }
}

/// `20M`, `512K`, `1G` or plain bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (digits, unit) = match t.char_indices().last() {
        Some((i, 'K')) => (&t[..i], 1u64 << 10),
        Some((i, 'M')) => (&t[..i], 1 << 20),
        Some((i, 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("'{s}' is not a size (e.g. 20M, 512K, 1000000)"))
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mtlint: error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: the library's messages already end with the I/O
/// error they carry, which is also their source.
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Eval(args) => eval(args),
        Command::Lexicon(cmd) => lexicon(cmd),
        Command::Rules { verbose, lexicons } => rules(verbose, &lexicons),
        Command::Train(args) => train(args),
        Command::Explain { rule, lexicons } => {
            let rules = mtlint::rules::catalogue(&Resources::load(&lexicons)?);
            let text: Vec<String> = mtlint::rules::lookup(&rules, &rule)?
                .into_iter()
                .map(mtlint::rules::explain)
                .collect();
            print_out(&text.join("\n"))
        }
        Command::Init => {
            let path = PathBuf::from(mtlint::config::FILE_NAME);
            let mut f = std::fs::File::create_new(&path).with_context(|| {
                format!(
                    "{}: cannot create (an existing file is never replaced)",
                    path.display()
                )
            })?;
            f.write_all(mtlint::config::TEMPLATE.as_bytes())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            eprintln!("mtlint: wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let opts = mtlint::model::train::TrainOptions {
        corpora: args.corpus,
        ngrams: args.ngrams,
        lm_tokens: args.lm_tokens,
        ..Default::default()
    };
    let inputs = [opts.corpora.as_slice(), &opts.ngrams].concat();
    mtlint::report::check_output(&args.output, &inputs, "the model")?;
    let (bytes, stats) =
        mtlint::model::train::train(&opts, &mut |line| eprintln!("mtlint: train: {line}"))?;
    mtlint::report::write_atomic(&args.output, true, |w| w.write_all(&bytes))?;
    eprintln!(
        "mtlint: wrote {} ({} bytes): {} words, {} pairs, {} topic vectors from {} corpus tokens and {} n-gram rows",
        args.output.display(),
        stats.bytes,
        stats.unigrams,
        stats.bigrams,
        stats.vectors,
        stats.corpus_tokens,
        stats.ngram_rows
    );
    Ok(ExitCode::SUCCESS)
}

fn rules(verbose: bool, lexicons: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let rules = mtlint::rules::catalogue(&Resources::load(lexicons)?);
    let listed = mtlint::rules::listing(&rules, verbose);
    let width = listed.iter().map(|l| l.id.len()).max().unwrap_or(4);
    let mut text = format!(
        "{:<width$}  {:<13}  {:<14}  {:<4}  {:>7}  summary\n",
        "rule", "category", "severity", "lang", "entries"
    );
    for l in listed {
        let severity = if l.severity.0 == l.severity.1 {
            l.severity.0.to_string()
        } else {
            format!("{}-{}", l.severity.0, l.severity.1)
        };
        text += &format!(
            "{:<width$}  {:<13}  {:<14}  {:<4}  {:>7}  {}\n",
            l.id,
            l.category.as_str(),
            severity,
            l.lang.as_deref().unwrap_or("-"),
            l.entries,
            l.summary
        );
    }
    print_out(&text)
}

/// Prints to stdout; a reader that closed the pipe (`| head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<ExitCode> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to stdout")
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The command line as a configuration layer: only what was given is `Some`.
fn cli_config(args: &CheckArgs) -> anyhow::Result<Config> {
    let list = |v: &[String]| (!v.is_empty()).then(|| v.to_vec());
    let mut severity = BTreeMap::new();
    for s in &args.severity {
        let (rule, level) = s
            .split_once('=')
            .with_context(|| format!("--severity '{s}' is not RULE=LEVEL"))?;
        severity.insert(rule.trim().to_string(), level.trim().to_string());
    }
    Ok(Config {
        source_lang: args.lexicons.source_lang.clone(),
        lexicon: (!args.lexicons.dirs.is_empty()).then(|| args.lexicons.dirs.clone()),
        model: args.model.clone(),
        only: list(&args.select.only),
        skip: list(&args.select.skip),
        severity: (!severity.is_empty()).then_some(severity),
        fail_on: args.fail_on.map(|f| {
            match f {
                FailOn::Minor => "minor",
                FailOn::Major => "major",
                FailOn::Critical => "critical",
                FailOn::Never => "never",
            }
            .to_string()
        }),
        min_confidence: args.min_confidence,
        max_score: args.max_score,
        review_at: args.review_at,
        fail_at: args.fail_at,
        report_dir: args.report_dir.clone(),
        no_report: args.no_report.then_some(true),
        format: args.format.map(|f| {
            match f {
                Format::Human => "human",
                Format::Csv => "csv",
                Format::Json => "json",
                Format::Jsonl => "jsonl",
                Format::Sarif => "sarif",
                Format::Github => "github",
                Format::Html => "html",
            }
            .to_string()
        }),
        accept: list(&args.accept),
        include: list(&args.include),
        exclude: list(&args.exclude),
        baseline: args.baseline.clone(),
    })
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start worker threads")?;
    }
    let file = match &args.config {
        Some(p) => Config::load(p)?,
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            Config::discover(&cwd)?.map(|(_, c)| c).unwrap_or_default()
        }
    };
    let settings = cli_config(&args)?.over(file).settings()?;
    let resources = resources(&settings.lexicon, settings.model.as_deref())?;
    // Writing a baseline records every finding, so an existing baseline is not applied.
    let baseline = match (&settings.baseline, &args.write_baseline) {
        (Some(p), None) => Some(Baseline::load(p)?),
        _ => None,
    };
    let checker = checker(&resources, &settings)?.with_policy(Policy {
        severity: settings.severity.clone(),
        min_confidence: settings.min_confidence,
        accept: settings.accept.clone(),
        baseline,
    });
    anyhow::ensure!(
        args.timeout.is_finite() && args.timeout > 0.0,
        "--timeout must be a positive number of seconds"
    );
    let timeout = std::time::Duration::from_secs_f64(args.timeout);
    let opts = RunOptions {
        inputs: args.inputs,
        input_format: match args.input_format {
            InFormat::Auto => InputFormat::Auto,
            InFormat::Text => InputFormat::Text,
            InFormat::Jsonl => InputFormat::JsonLines,
            InFormat::Csv => InputFormat::Csv,
            InFormat::Rss | InFormat::Atom | InFormat::Feed => InputFormat::Feed,
            InFormat::Html => InputFormat::Html,
            InFormat::Xliff => InputFormat::Xliff,
            InFormat::Tmx => InputFormat::Tmx,
        },
        ingest: IngestOptions {
            text_column: args.text_column,
            id_column: args.id_column,
            fetch: FetchOptions {
                timeout,
                connect_timeout: timeout.min(std::time::Duration::from_secs(10)),
                max_bytes: args.max_download,
                ..FetchOptions::default()
            },
        },
        report_dir: settings.report_dir,
        format: settings.format,
        jsonl_records: args.jsonl_records.map(|r| match r {
            JsonlRecords::Article => mtlint::output::JsonlRecords::Article,
            JsonlRecords::Findings => mtlint::output::JsonlRecords::Findings,
        }),
        discovery: Default::default(),
        html_articles: args.html_articles,
        color: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        },
        fail_on: settings.fail_on,
        quiet: args.quiet,
        max_score: settings.max_score,
        include: settings.include,
        exclude: settings.exclude,
        write_baseline: args.write_baseline,
        // Rule metadata is part of SARIF and the review page only; building it costs start-up
        // time elsewhere.
        rules: if matches!(
            settings.format,
            mtlint::output::OutputFormat::Sarif | mtlint::output::OutputFormat::Html
        ) {
            mtlint::rules::catalogue(&resources)
        } else {
            Vec::new()
        },
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let outcome = mtlint::run::run(&checker, &opts, &mut out, &mut err)?;
    // Left to the exit to free: dropping the compiled lexicons entry by entry costs more than
    // 10% of a short run's start-up. Nothing in them is flushed or closed.
    std::mem::forget(checker);
    std::mem::forget(resources);
    Ok(if outcome.input_errors > 0 {
        ExitCode::from(2)
    } else if outcome.stdout_closed || !outcome.failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn checker(resources: &Resources, s: &Settings) -> anyhow::Result<Checker> {
    s.source_lang.check(&resources.lexicon)?;
    Ok(Checker::new(resources, s.selection.clone(), s.thresholds)
        .with_source_lang(s.source_lang.clone()))
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.labels.is_some() || !args.native.is_empty(),
        "give --labels with labelled FILEs, or --native inputs, or both"
    );
    let settings = Config {
        source_lang: args.lexicons.source_lang.clone(),
        lexicon: Some(args.lexicons.dirs.clone()),
        only: Some(args.select.only.clone()),
        skip: Some(args.select.skip.clone()),
        ..Config::default()
    }
    .settings()?;
    let checker = checker(
        &resources(&settings.lexicon, args.model.as_deref())?,
        &settings,
    )?;
    let labels = match &args.labels {
        Some(p) => mtlint::eval::load_labels(p)?,
        None => Vec::new(),
    };
    let mut errors = Vec::new();
    let report = mtlint::eval::evaluate(
        &checker,
        &labels,
        args.labels.as_deref().unwrap_or(std::path::Path::new("")),
        &args.files,
        &args.native,
        &mut errors,
    );
    for e in &errors {
        eprintln!("mtlint: error: {e}");
    }
    print!("{report}");
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn lexicon(cmd: LexiconCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        LexiconCommand::Check {
            dirs,
            corpus,
            max_native_hits,
        } => {
            let audit = mtlint::lexicon::audit::audit(&dirs, &corpus, max_native_hits)?;
            for f in &audit.failures {
                println!("{f}");
            }
            for e in &audit.corpus_errors {
                eprintln!("mtlint: error: {e}");
            }
            for (place, rule, n, example) in &audit.native {
                println!("{place}: {rule}: fires {n} times on native text, e.g. {example}");
            }
            println!(
                "{} entries checked; {} failing their own examples; {} over {max_native_hits} native hit(s){}",
                audit.entries,
                audit.failures.len(),
                audit.native.len(),
                if corpus.is_empty() {
                    String::new()
                } else {
                    format!(" in {} native words", audit.corpus_words)
                }
            );
            Ok(if audit.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        LexiconCommand::DeriveForeign {
            wordfreq,
            english_lm,
            output,
        } => {
            let inputs = mtlint::lexicon::foreign::derive_inputs(&wordfreq, english_lm.as_deref());
            mtlint::report::check_output(&output, &inputs, "the word table")?;
            let table = mtlint::lexicon::foreign::derive(&wordfreq, english_lm.as_deref())?;
            mtlint::report::write_atomic(&output, true, |w| w.write_all(table.as_bytes()))?;
            eprintln!(
                "mtlint: wrote {} words to {}",
                table.lines().count() - 1,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
