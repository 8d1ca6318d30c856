//! The `mtlint` command: parses arguments, calls the library, maps the result to an exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage or input error; a closed pipe is 0).

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use mtlint::check::{Checker, Selection, SourceLang};
use mtlint::detect::Resources;
use mtlint::finding::Severity;
use mtlint::ingest::InputFormat;
use mtlint::run::{OutputFormat, RunOptions};
use mtlint::score::Thresholds;
use std::io::IsTerminal;
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
    Check(CheckArgs),
    /// Measure recall against labels and false positives on native text.
    Eval(EvalArgs),
    /// List the detectors.
    Rules,
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
    /// Source language: `auto` guesses per article; a code (nl, de, fr, es, it) allows only that
    /// language's entries.
    #[arg(long, default_value = "auto", value_name = "LANG")]
    source_lang: String,
}

impl Lexicons {
    fn checker(&self, selection: Selection, thresholds: Thresholds) -> anyhow::Result<Checker> {
        let resources = Resources::load(&self.dirs)?;
        let lang = match self.source_lang.as_str() {
            "auto" => SourceLang::Auto,
            l if l.len() == 2 && l.chars().all(|c| c.is_ascii_lowercase()) => {
                SourceLang::Fixed(l.to_string())
            }
            l => anyhow::bail!("--source-lang '{l}' is not 'auto' or a two-letter language code"),
        };
        Ok(Checker::new(&resources, selection, thresholds).with_source_lang(lang))
    }
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
    /// Files, directories (every .txt/.md below) or `-` for stdin. `.jsonl` is one article per
    /// line ({"id","title","text","url"}); `.csv` needs a `text` column; `.xz` is decompressed.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Where the per-article CSVs and summary.csv go.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    report_dir: PathBuf,
    /// Write no report files.
    #[arg(long)]
    no_report: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value_t = FailOn::Major)]
    fail_on: FailOn,
    /// How to read inputs (default: by extension).
    #[arg(long, value_enum, default_value_t = InFormat::Auto)]
    input_format: InFormat,
    /// Print only the summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Score per 1,000 words at which an article needs review.
    #[arg(long, default_value_t = Thresholds::default().review, value_name = "SCORE")]
    review_at: f64,
    /// Score per 1,000 words at which an article fails.
    #[arg(long, default_value_t = Thresholds::default().fail, value_name = "SCORE")]
    fail_at: f64,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
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
    #[command(flatten)]
    select: Selecting,
    #[command(flatten)]
    lexicons: Lexicons,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Csv,
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
            eprintln!("mtlint: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Eval(args) => eval(args),
        Command::Lexicon(cmd) => lexicon(cmd),
        Command::Rules => {
            let resources = Resources::load(&[])?;
            for d in mtlint::detect::registry(&resources) {
                let cats: Vec<&str> = d.categories().iter().map(|c| c.as_str()).collect();
                println!("{:<12} [{}] {}", d.id(), cats.join(","), d.description());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start worker threads")?;
    }
    let selection = Selection::parse(&args.select.only, &args.select.skip)?;
    anyhow::ensure!(
        args.review_at <= args.fail_at,
        "--review-at ({}) must not exceed --fail-at ({})",
        args.review_at,
        args.fail_at
    );
    let thresholds = Thresholds {
        review: args.review_at,
        fail: args.fail_at,
    };
    let checker = args.lexicons.checker(selection, thresholds)?;
    let opts = RunOptions {
        inputs: args.inputs,
        input_format: match args.input_format {
            InFormat::Auto => InputFormat::Auto,
            InFormat::Text => InputFormat::Text,
            InFormat::Jsonl => InputFormat::JsonLines,
            InFormat::Csv => InputFormat::Csv,
        },
        report_dir: (!args.no_report).then_some(args.report_dir),
        format: match args.format {
            Format::Human => OutputFormat::Human,
            Format::Csv => OutputFormat::Csv,
        },
        color: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        },
        fail_on: match args.fail_on {
            FailOn::Minor => Some(Severity::Minor),
            FailOn::Major => Some(Severity::Major),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        },
        quiet: args.quiet,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let outcome = mtlint::run::run(&checker, &opts, &mut out, &mut err)?;
    Ok(if outcome.input_errors > 0 {
        ExitCode::from(2)
    } else if outcome.stdout_closed || !outcome.failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.labels.is_some() || !args.native.is_empty(),
        "give --labels with labelled FILEs, or --native inputs, or both"
    );
    let selection = Selection::parse(&args.select.only, &args.select.skip)?;
    let checker = args.lexicons.checker(selection, Thresholds::default())?;
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
            let table = mtlint::lexicon::foreign::derive(&wordfreq, english_lm.as_deref())?;
            let tmp = output.with_extension("tmp");
            std::fs::write(&tmp, &table)
                .with_context(|| format!("{}: cannot write", tmp.display()))?;
            std::fs::rename(&tmp, &output)
                .with_context(|| format!("{}: cannot write", output.display()))?;
            eprintln!(
                "mtlint: wrote {} words to {}",
                table.lines().count() - 1,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
