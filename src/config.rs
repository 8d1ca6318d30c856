//! `mtlint.toml`: found in the current directory or the nearest parent (or given with
//! `--config`). Every key has a command-line twin of the same name and the command line wins
//! ([`Config::over`]). A malformed file, an unknown key or a bad value is an error naming the
//! file, line and key.

use crate::check::{Selection, SourceLang, validate};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::output::OutputFormat;
use crate::score::Thresholds;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for.
pub const FILE_NAME: &str = "mtlint.toml";

/// Every key, as written in the file (and as the command-line flag).
pub const KEYS: &[&str] = &[
    "source-lang",
    "lexicon",
    "model",
    "only",
    "skip",
    "severity",
    "fail-on",
    "min-confidence",
    "max-score",
    "review-at",
    "fail-at",
    "report-dir",
    "no-report",
    "format",
    "accept",
    "include",
    "exclude",
    "baseline",
];

/// Settings from a file or the command line; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `auto` or a two-letter code.
    pub source_lang: Option<String>,
    /// Extra lexicon directories.
    pub lexicon: Option<Vec<PathBuf>>,
    /// Model of normal English for the `oddity` detector (`mtlint train`); default: embedded.
    pub model: Option<PathBuf>,
    /// Detectors, categories or rules to run only.
    pub only: Option<Vec<String>>,
    /// Detectors, categories or rules to skip.
    pub skip: Option<Vec<String>>,
    /// Severity per rule, detector or category.
    pub severity: Option<BTreeMap<String, String>>,
    /// `minor`, `major`, `critical` or `never`.
    pub fail_on: Option<String>,
    pub min_confidence: Option<f32>,
    pub max_score: Option<f64>,
    pub review_at: Option<f64>,
    pub fail_at: Option<f64>,
    pub report_dir: Option<PathBuf>,
    pub no_report: Option<bool>,
    /// One of [`OutputFormat::NAMES`].
    pub format: Option<String>,
    /// House style: phrases never flagged.
    pub accept: Option<Vec<String>>,
    /// Globs of files to check.
    pub include: Option<Vec<String>>,
    /// Globs of files to leave out.
    pub exclude: Option<Vec<String>>,
    /// Report only findings not in this baseline.
    pub baseline: Option<PathBuf>,
}

/// A configuration resolved into the values a run uses.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source_lang: SourceLang,
    pub lexicon: Vec<PathBuf>,
    pub model: Option<PathBuf>,
    pub selection: Selection,
    pub severity: Vec<(String, Severity)>,
    /// `None`: never fail on findings.
    pub fail_on: Option<Severity>,
    pub min_confidence: f32,
    pub max_score: Option<f64>,
    pub thresholds: Thresholds,
    /// `None`: no report files.
    pub report_dir: Option<PathBuf>,
    pub format: OutputFormat,
    pub accept: Vec<String>,
    pub include: Option<globset::GlobSet>,
    pub exclude: Option<globset::GlobSet>,
    pub baseline: Option<PathBuf>,
}

impl Config {
    /// The nearest `mtlint.toml` in `dir` or a parent, loaded.
    pub fn discover(dir: &Path) -> Result<Option<(PathBuf, Config)>> {
        for d in dir.ancestors() {
            let path = d.join(FILE_NAME);
            if path.is_file() {
                let config = Config::load(&path)?;
                return Ok(Some((path, config)));
            }
        }
        Ok(None)
    }

    /// Reads and validates a file; relative paths in it are relative to its directory.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(path, &text)?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        config.lexicon.iter_mut().flatten().for_each(rebase);
        config.model.iter_mut().for_each(rebase);
        config.report_dir.iter_mut().for_each(rebase);
        config.baseline.iter_mut().for_each(rebase);
        Ok(config)
    }

    /// Parses and validates the text of a file named `path` (for messages).
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let err = |line: usize, column: usize, message: String| Error::Config {
            path: path.to_path_buf(),
            line,
            column,
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            err(line, column, e.message().trim().to_string())
        })?;
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                let (line, column) = key_position(text, key);
                let closest = KEYS
                    .iter()
                    .map(|k| (strsim::jaro_winkler(k, key), *k))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| format!("; did you mean '{k}'?"))
                    .unwrap_or_default();
                return Err(err(line, column, format!("unknown key '{key}'{closest}")));
            }
        }
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            let key = key_on_line(text, line);
            err(line, column, format!("key '{key}': {}", e.message().trim()))
        })?;
        // Each value is checked alone so its error can name its line.
        for key in table.keys() {
            let one = config.only_key(key);
            if let Err(e) = one.settings() {
                let (line, column) = key_position(text, key);
                return Err(err(line, column, format!("key '{key}': {e}")));
            }
        }
        Ok(config)
    }

    /// A copy with only `key` set.
    fn only_key(&self, key: &str) -> Config {
        let c = self.clone();
        let mut one = Config::default();
        match key {
            "source-lang" => one.source_lang = c.source_lang,
            "lexicon" => one.lexicon = c.lexicon,
            "model" => one.model = c.model,
            "only" => one.only = c.only,
            "skip" => one.skip = c.skip,
            "severity" => one.severity = c.severity,
            "fail-on" => one.fail_on = c.fail_on,
            "min-confidence" => one.min_confidence = c.min_confidence,
            "max-score" => one.max_score = c.max_score,
            "review-at" => one.review_at = c.review_at,
            "fail-at" => one.fail_at = c.fail_at,
            "report-dir" => one.report_dir = c.report_dir,
            "no-report" => one.no_report = c.no_report,
            "format" => one.format = c.format,
            "accept" => one.accept = c.accept,
            "include" => one.include = c.include,
            "exclude" => one.exclude = c.exclude,
            "baseline" => one.baseline = c.baseline,
            _ => {}
        }
        // A model is checked when the run resolves it, not while parsing.
        one.model = None;
        one
    }

    /// `self` (the command line) over `base` (the file): a key given in `self` wins; severity
    /// overrides are merged per rule.
    pub fn over(self, base: Config) -> Config {
        let severity = match (base.severity, self.severity) {
            (Some(mut b), Some(s)) => {
                b.extend(s);
                Some(b)
            }
            (b, s) => s.or(b),
        };
        Config {
            source_lang: self.source_lang.or(base.source_lang),
            lexicon: self.lexicon.or(base.lexicon),
            model: self.model.or(base.model),
            only: self.only.or(base.only),
            skip: self.skip.or(base.skip),
            severity,
            fail_on: self.fail_on.or(base.fail_on),
            min_confidence: self.min_confidence.or(base.min_confidence),
            max_score: self.max_score.or(base.max_score),
            review_at: self.review_at.or(base.review_at),
            fail_at: self.fail_at.or(base.fail_at),
            // A report directory given on the command line turns reports back on.
            no_report: self
                .no_report
                .or(if self.report_dir.is_some() {
                    Some(false)
                } else {
                    None
                })
                .or(base.no_report),
            report_dir: self.report_dir.or(base.report_dir),
            format: self.format.or(base.format),
            accept: self.accept.or(base.accept),
            include: self.include.or(base.include),
            exclude: self.exclude.or(base.exclude),
            baseline: self.baseline.or(base.baseline),
        }
    }

    /// Resolves the values, with the defaults for what is not given.
    pub fn settings(&self) -> Result<Settings> {
        let usage = |m: String| Error::Usage(m);
        let source_lang = match self.source_lang.as_deref().unwrap_or("auto") {
            "auto" => SourceLang::Auto,
            l if l.len() == 2 && l.chars().all(|c| c.is_ascii_lowercase()) => {
                SourceLang::Fixed(l.to_string())
            }
            l => {
                return Err(usage(format!(
                    "'{l}' is not 'auto' or a two-letter language code"
                )));
            }
        };
        if let Some(m) = &self.model
            && !m.is_file()
        {
            return Err(usage(format!(
                "model file {} does not exist (write one with `mtlint train`, or leave `model` out for the embedded one)",
                m.display()
            )));
        }
        let selection = Selection::parse(
            self.only.as_deref().unwrap_or_default(),
            self.skip.as_deref().unwrap_or_default(),
        )?;
        let mut severity = Vec::new();
        for (name, level) in self.severity.iter().flatten() {
            validate(name)?;
            let s = Severity::parse(level).ok_or_else(|| {
                usage(format!(
                    "severity '{level}' for '{name}' is not minor, major or critical"
                ))
            })?;
            severity.push((name.clone(), s));
        }
        // More specific names win over detectors and categories: apply them last.
        severity.sort_by_key(|(n, _)| n.matches('.').count());
        let fail_on = match self.fail_on.as_deref().unwrap_or("major") {
            "never" => None,
            s => Some(Severity::parse(s).ok_or_else(|| {
                usage(format!(
                    "fail-on '{s}' is not minor, major, critical or never"
                ))
            })?),
        };
        let min_confidence = self.min_confidence.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&min_confidence) {
            return Err(usage(format!(
                "min-confidence {min_confidence} is not between 0 and 1"
            )));
        }
        if let Some(m) = self.max_score
            && (m.is_nan() || m < 0.0)
        {
            return Err(usage(format!("max-score {m} is negative")));
        }
        let defaults = Thresholds::default();
        let thresholds = Thresholds {
            review: self.review_at.unwrap_or(defaults.review),
            fail: self.fail_at.unwrap_or(defaults.fail),
        };
        if thresholds.review > thresholds.fail {
            return Err(usage(format!(
                "review-at ({}) must not exceed fail-at ({})",
                thresholds.review, thresholds.fail
            )));
        }
        let format = match &self.format {
            None => OutputFormat::Human,
            Some(f) => OutputFormat::parse(f).ok_or_else(|| {
                usage(format!(
                    "format '{f}' is not one of {}",
                    OutputFormat::NAMES.join(", ")
                ))
            })?,
        };
        Ok(Settings {
            source_lang,
            lexicon: self.lexicon.clone().unwrap_or_default(),
            model: self.model.clone(),
            selection,
            severity,
            fail_on,
            min_confidence,
            max_score: self.max_score,
            thresholds,
            report_dir: match self.no_report {
                Some(true) => None,
                _ => Some(
                    self.report_dir
                        .clone()
                        .unwrap_or_else(|| PathBuf::from("reports")),
                ),
            },
            format,
            accept: self.accept.clone().unwrap_or_default(),
            include: globs(self.include.as_deref())?,
            exclude: globs(self.exclude.as_deref())?,
            baseline: self.baseline.clone(),
        })
    }
}

fn globs(patterns: Option<&[String]>) -> Result<Option<globset::GlobSet>> {
    let Some(patterns) = patterns.filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let mut set = globset::GlobSetBuilder::new();
    for p in patterns {
        set.add(
            globset::Glob::new(p)
                .map_err(|e| Error::Usage(format!("glob '{p}' is not valid: {e}")))?,
        );
    }
    set.build()
        .map(Some)
        .map_err(|e| Error::Usage(format!("globs are not valid: {e}")))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Where a top-level key is written (`key =` or `[key]`); line 1 when it cannot be found.
fn key_position(text: &str, key: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let t = t.strip_prefix('[').unwrap_or(t);
        let t = t.trim_start_matches(['"', '\'']);
        if let Some(rest) = t.strip_prefix(key)
            && rest
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(['=', ']'])
        {
            return (i + 1, line.len() - line.trim_start().len() + 1);
        }
    }
    (1, 1)
}

/// The key written on a line (`key = …`), or the table it is in.
fn key_on_line(text: &str, line: usize) -> String {
    let mut table = String::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            table = t.trim_matches(['[', ']']).trim().to_string();
        }
        if i + 1 == line {
            if let Some((k, _)) = t.split_once('=') {
                let k = k.trim().trim_matches(['"', '\'']);
                return if table.is_empty() {
                    k.to_string()
                } else {
                    format!("{table}.{k}")
                };
            }
            return table;
        }
    }
    table
}

/// The commented file `mtlint init` writes: every key with its default.
pub const TEMPLATE: &str = r#"# mtlint configuration. Every key has a command-line twin of the same name
# (`fail-on` is `--fail-on`) and the command line wins. Relative paths are
# relative to this file. `mtlint check` reads the mtlint.toml in the current
# directory or the nearest parent; `--config FILE` names another one.

# Source language: "auto" guesses it per article; a code (nl, de, fr, es, it)
# allows only that language's lexicon entries.
source-lang = "auto"

# Extra lexicon directories (DIR/<lang>-en/*.csv); an entry with the id of a
# built-in one replaces it.
lexicon = []

# Model of normal English for the oddity detector, written by `mtlint train`
# (default: the embedded one).
# model = "models/house.model"

# Run only these detectors, categories or rules (empty: all); skip these.
only = []
skip = []

# Exit 1 when a finding at or above this severity is found: minor, major,
# critical or never.
fail-on = "major"

# Drop findings less confident than this (0.0-1.0).
min-confidence = 0.0

# Exit 1 when an article scores above this (points per 1,000 words).
# max-score = 20.0

# Score thresholds of the verdict (points per 1,000 words).
review-at = 5.0
fail-at = 20.0

# Where the per-article CSVs and summary.csv go; no-report = true writes none.
report-dir = "reports"
no-report = false

# What to print: human, csv, json, jsonl, sarif or github.
format = "human"

# House style: phrases never flagged (a finding inside one is dropped).
accept = []

# Files to check when walking directories (globs; empty: all) and to leave out.
include = []
exclude = []

# Report only findings that are not in this baseline (see --write-baseline).
# baseline = "mtlint-baseline.json"

# Severity per rule, detector or category: minor, major or critical.
[severity]
# "repetition.reduplication" = "major"
# typography = "minor"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("mtlint.toml"), text)
    }

    #[test]
    fn unknown_keys_name_line_and_closest_key() {
        let e = parse("format = \"json\"\nfial-on = \"minor\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mtlint.toml:2:1: unknown key 'fial-on'; did you mean 'fail-on'?"
        );
    }

    #[test]
    fn bad_values_name_line_and_key() {
        let e = parse("format = \"json\"\n\nmin-confidence = \"high\"\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("mtlint.toml:3:18: key 'min-confidence': invalid type"),
            "{e}"
        );
        let e = parse("fail-on = \"sometimes\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mtlint.toml:1:1: key 'fail-on': fail-on 'sometimes' is not minor, major, critical or never"
        );
        let e = parse("[severity]\n\"repetition.doubled-word\" = \"huge\"\n").unwrap_err();
        assert!(
            e.to_string().starts_with("mtlint.toml:1:1: key 'severity'"),
            "{e}"
        );
        let e = parse("only = [\"typograhpy\"]\n").unwrap_err();
        assert!(e.to_string().contains("did you mean 'typography'"), "{e}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("format = \"json\"\nfail-on = \n").unwrap_err();
        assert!(e.to_string().starts_with("mtlint.toml:2:"), "{e}");
    }

    #[test]
    fn the_command_line_wins() {
        let file = parse(
            "fail-on = \"minor\"\nformat = \"json\"\nno-report = true\n[severity]\ntypography = \"major\"\nrepetition = \"major\"\n",
        )
        .unwrap();
        let cli = Config {
            fail_on: Some("critical".into()),
            report_dir: Some("out".into()),
            severity: Some(BTreeMap::from([("typography".into(), "minor".into())])),
            ..Config::default()
        };
        let s = cli.over(file).settings().unwrap();
        assert_eq!(s.fail_on, Some(Severity::Critical));
        assert_eq!(s.format, OutputFormat::Json);
        assert_eq!(s.report_dir, Some(PathBuf::from("out")));
        assert_eq!(
            s.severity,
            [
                ("repetition".to_string(), Severity::Major),
                ("typography".to_string(), Severity::Minor)
            ]
        );
    }

    #[test]
    fn the_template_parses_to_the_defaults() {
        let c = parse(TEMPLATE).unwrap();
        let s = c.settings().unwrap();
        let d = Config::default().settings().unwrap();
        assert_eq!(
            (
                s.fail_on,
                s.format,
                s.report_dir,
                s.thresholds,
                s.min_confidence
            ),
            (
                d.fail_on,
                d.format,
                d.report_dir,
                d.thresholds,
                d.min_confidence
            )
        );
    }

    #[test]
    fn discovery_finds_the_nearest_parent_and_rebases_paths() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "report-dir = \"out\"\n").unwrap();
        let (path, c) = Config::discover(&sub).unwrap().unwrap();
        assert_eq!(path, dir.path().join(FILE_NAME));
        assert_eq!(c.report_dir, Some(dir.path().join("out")));
        assert!(Config::discover(Path::new("/")).unwrap().is_none());
    }

    #[test]
    fn a_missing_model_is_a_clear_error() {
        let e = parse("model = \"/nonexistent/oddity.bin\"\n")
            .unwrap()
            .settings()
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("model file /nonexistent/oddity.bin does not exist"),
            "{e}"
        );
    }
}
