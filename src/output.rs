//! Stdout formats, every one written from the same [`Finding`] and [`Summary`]: the human view,
//! CSV, JSON, JSON Lines, SARIF 2.1.0 and GitHub Actions workflow commands. Articles are written
//! as they are checked; formats that need a closing part (JSON, SARIF) get it in
//! [`Emitter::finish`].

use crate::baseline::fingerprint;
use crate::finding::{Finding, Severity};
use crate::report::{write_findings_csv, write_findings_rows, write_human};
use crate::rules::Rule;
use crate::score::Summary;
use crate::window::Findings;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;

/// What goes to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// `path:line:col: severity category: message (suggestion)` and the marked sentence.
    #[default]
    Human,
    /// The per-article CSV columns, one header, all articles.
    Csv,
    /// One JSON document: `{"articles": [{"summary": {…}, "findings": [...]}], "totals": {…}}`.
    Json,
    /// One JSON object per line: `"type": "finding"` rows, then a `"type": "article"` summary.
    JsonLines,
    /// A SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…,line=…,col=…::message`).
    Github,
    /// Nothing on stdout: the review page `index.html` in the report directory.
    Html,
}

/// The records of `--format jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonlRecords {
    /// A `"type": "finding"` line per finding, then a `"type": "article"` line per article.
    #[default]
    Findings,
    /// Exactly one line per article, `{"type": "article", …summary, "id", "findings": [...]}`,
    /// and one `{"type": "error", …}` line per input record that could not be read: a
    /// line-for-line answer to a JSON Lines feed (Spark `RDD.pipe`, Hadoop Streaming).
    Article,
}

impl OutputFormat {
    /// Names as written on the command line and in `mtlint.toml`.
    pub const NAMES: &'static [&'static str] =
        &["human", "csv", "json", "jsonl", "sarif", "github", "html"];

    pub fn parse(s: &str) -> Option<OutputFormat> {
        Some(match s {
            "human" => OutputFormat::Human,
            "csv" => OutputFormat::Csv,
            "json" => OutputFormat::Json,
            "jsonl" => OutputFormat::JsonLines,
            "sarif" => OutputFormat::Sarif,
            "github" => OutputFormat::Github,
            "html" => OutputFormat::Html,
            _ => return None,
        })
    }
}

/// The start of a SARIF log, up to its results.
const SARIF_HEAD: &[u8] = br#"{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"columnKind":"unicodeCodePoints","results":["#;

/// Writes one run's stdout in a format.
pub struct Emitter<'r> {
    format: OutputFormat,
    color: bool,
    rules: &'r [Rule],
    records: JsonlRecords,
    /// Articles written so far (the separators of JSON and SARIF depend on it).
    articles: usize,
    results: usize,
    /// SARIF: rule ids in first-use order, and their index.
    used_rules: Vec<String>,
    rule_index: HashMap<String, usize>,
}

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    item: &'a T,
}

/// One line of [`JsonlRecords::Article`]: the summary's fields, the id as read (`article` is
/// the unique, file-safe id) and the findings. The summary's count of findings is left out, as
/// `findings` is the array here: one key twice is JSON that strict parsers refuse and the others
/// read as the last value.
struct ArticleLine<'a> {
    summary: &'a Summary,
    id: &'a str,
    findings: Findings<'a>,
}

impl Serialize for ArticleLine<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(16))?;
        map.serialize_entry("type", "article")?;
        // Each field under its own name, in `summary.csv`'s order. The pattern names every
        // field, so one added to `Summary` does not compile until it is listed here too.
        macro_rules! entries {
            ($($field:ident),*) => {
                let Summary { $($field,)* findings: _ } = self.summary;
                $(map.serialize_entry(stringify!($field), $field)?;)*
            };
        }
        entries!(
            article,
            path,
            words,
            sentences,
            minor,
            major,
            critical,
            score,
            verdict,
            source_language,
            source_confidence,
            title,
            url
        );
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("findings", &self.findings)?;
        map.end()
    }
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    summary: &'a Summary,
    findings: Findings<'a>,
}

/// Totals of a run, the closing part of the JSON document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub articles: usize,
    pub findings: usize,
    pub critical: usize,
    pub major: usize,
    pub minor: usize,
}

impl<'r> Emitter<'r> {
    /// `rules` supplies SARIF rule metadata.
    pub fn new(format: OutputFormat, color: bool, rules: &'r [Rule]) -> Emitter<'r> {
        Emitter {
            format,
            color,
            rules,
            records: JsonlRecords::Findings,
            articles: 0,
            results: 0,
            used_rules: Vec::new(),
            rule_index: HashMap::new(),
        }
    }

    /// Chooses the records of `--format jsonl`.
    pub fn with_records(mut self, records: JsonlRecords) -> Emitter<'r> {
        self.records = records;
        self
    }

    /// Writes an input that could not be read, where the format answers every record
    /// ([`JsonlRecords::Article`]); other formats leave errors to stderr.
    pub fn error(&mut self, out: &mut dyn Write, e: &crate::Error) -> std::io::Result<()> {
        if self.format != OutputFormat::JsonLines || self.records != JsonlRecords::Article {
            return Ok(());
        }
        let (path, line) = match e {
            crate::Error::JsonLine { path, line, .. } => (path.display().to_string(), Some(*line)),
            crate::Error::Csv { path, line, .. } => {
                (path.display().to_string(), usize::try_from(*line).ok())
            }
            crate::Error::NotUtf8 { path, line, .. } => (path.display().to_string(), Some(*line)),
            crate::Error::Read { path, .. }
            | crate::Error::Utf16 { path, .. }
            | crate::Error::Binary { path, .. } => (path.display().to_string(), None),
            _ => (String::new(), None),
        };
        #[derive(Serialize)]
        struct ErrorLine<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            path: &'a str,
            line: Option<usize>,
            message: String,
        }
        let record = ErrorLine {
            kind: "error",
            path: &path,
            line,
            message: e.to_string(),
        };
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")
    }

    /// Writes one checked article; `id` is its id as read.
    pub fn article<'f>(
        &mut self,
        out: &mut dyn Write,
        path: &str,
        id: &str,
        summary: &Summary,
        findings: impl Into<Findings<'f>>,
    ) -> std::io::Result<()> {
        let findings = findings.into();
        let first = self.articles == 0;
        self.articles += 1;
        match self.format {
            OutputFormat::Human => {
                write_human(&mut *out, path, findings.iter(), self.color)?;
                if summary.findings > 0 {
                    writeln!(
                        out,
                        "{path}: {} findings ({} critical, {} major, {} minor), score {:.1} per 1,000 words: {}\n",
                        summary.findings,
                        summary.critical,
                        summary.major,
                        summary.minor,
                        summary.score,
                        summary.verdict.as_str()
                    )?;
                }
                Ok(())
            }
            OutputFormat::Csv => {
                // The header is written once, with the first article.
                write_findings_rows(&mut *out, findings.iter(), first).map_err(csv_to_io)
            }
            OutputFormat::Json => {
                out.write_all(if first { b"{\"articles\":[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &ArticleJson { summary, findings })?;
                Ok(())
            }
            OutputFormat::JsonLines if self.records == JsonlRecords::Article => {
                serde_json::to_writer(
                    &mut *out,
                    &ArticleLine {
                        summary,
                        id,
                        findings,
                    },
                )?;
                out.write_all(b"\n")
            }
            OutputFormat::JsonLines => {
                for f in findings.iter() {
                    serde_json::to_writer(
                        &mut *out,
                        &Tagged {
                            kind: "finding",
                            item: &*f,
                        },
                    )?;
                    out.write_all(b"\n")?;
                }
                serde_json::to_writer(
                    &mut *out,
                    &Tagged {
                        kind: "article",
                        item: summary,
                    },
                )?;
                out.write_all(b"\n")
            }
            OutputFormat::Sarif => {
                if first {
                    out.write_all(SARIF_HEAD)?;
                }
                for f in findings.iter() {
                    let result = self.sarif_result(path, &f);
                    if self.results > 0 {
                        out.write_all(b",")?;
                    }
                    self.results += 1;
                    out.write_all(b"\n")?;
                    serde_json::to_writer(&mut *out, &result)?;
                }
                Ok(())
            }
            OutputFormat::Github => {
                for f in findings.iter() {
                    writeln!(out, "{}", github_command(path, &f))?;
                }
                Ok(())
            }
            OutputFormat::Html => Ok(()),
        }
    }

    /// Writes what follows the last article (the header alone when there was none).
    pub fn finish(&mut self, out: &mut dyn Write, totals: &Totals) -> std::io::Result<()> {
        match self.format {
            OutputFormat::Csv if self.articles == 0 => {
                // Consumers still see the columns.
                write_findings_csv(&mut *out, std::iter::empty::<&Finding>()).map_err(csv_to_io)
            }
            OutputFormat::Json => {
                out.write_all(if self.articles == 0 {
                    b"{\"articles\":[],\n\"totals\":"
                } else {
                    b"\n],\n\"totals\":"
                })?;
                serde_json::to_writer(&mut *out, totals)?;
                out.write_all(b"}\n")
            }
            OutputFormat::Sarif => {
                if self.articles == 0 {
                    out.write_all(SARIF_HEAD)?;
                }
                let rules: Vec<serde_json::Value> = self
                    .used_rules
                    .iter()
                    .map(|id| sarif_rule(id, self.rules.iter().find(|r| &r.id == id)))
                    .collect();
                let tool = json!({
                    "driver": {
                        "name": "mtlint",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": "https://crates.io/crates/mtlint",
                        "rules": rules,
                    }
                });
                out.write_all(b"\n],\"tool\":")?;
                serde_json::to_writer(&mut *out, &tool)?;
                out.write_all(b"}]}\n")
            }
            _ => Ok(()),
        }
    }

    fn sarif_result(&mut self, path: &str, f: &Finding) -> serde_json::Value {
        let index = match self.rule_index.get(&f.rule) {
            Some(&i) => i,
            None => {
                let i = self.used_rules.len();
                self.used_rules.push(f.rule.clone());
                self.rule_index.insert(f.rule.clone(), i);
                i
            }
        };
        let (file, region) = match record(path) {
            // Positions within a record's `text` field are not positions in the file.
            Some((file, line)) => (file, json!({ "startLine": line })),
            None => {
                let (end_line, end_column) = end_position(f);
                (
                    path,
                    json!({
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": end_line,
                        "endColumn": end_column,
                        "byteOffset": f.start,
                        "byteLength": f.end - f.start,
                        "snippet": { "text": f.span },
                    }),
                )
            }
        };
        json!({
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": sarif_level(f.severity),
            "message": { "text": message(f) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(file) },
                    "region": region,
                    "contextRegion": { "snippet": { "text": f.sentence } },
                }
            }],
            "partialFingerprints": { "mtlint/v1": fingerprint(f) },
            "properties": {
                "article": f.article,
                "category": f.category,
                "severity": f.severity,
                "confidence": confidence(f.confidence),
                "suggestion": f.suggestion,
            },
        })
    }
}

/// An `f32` confidence as the `f64` it prints as (0.9, not 0.8999999761581421).
fn confidence(c: f32) -> f64 {
    c.to_string().parse().unwrap_or(f64::from(c))
}

fn csv_to_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The explanation, and the suggestion when there is one.
fn message(f: &Finding) -> String {
    match &f.suggestion {
        Some(s) => format!("{} (suggestion: {s})", f.explanation),
        None => f.explanation.clone(),
    }
}

/// Line and column just past the span (SARIF's and GitHub's `endColumn` are exclusive).
fn end_position(f: &Finding) -> (usize, usize) {
    match f.span.rfind('\n') {
        Some(i) => (
            f.line + f.span.matches('\n').count(),
            f.span[i + 1..].chars().count() + 1,
        ),
        None => (f.line, f.column + f.span.chars().count()),
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Major => "warning",
        Severity::Minor => "note",
    }
}

/// A relative URI reference for a path: `/` separators, everything but unreserved characters
/// percent-encoded.
fn uri(path: &str) -> String {
    if path == "<stdin>" {
        return "stdin".into();
    }
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_rule(id: &str, rule: Option<&Rule>) -> serde_json::Value {
    let Some(r) = rule else {
        return json!({ "id": id, "shortDescription": { "text": id } });
    };
    let mut help = format!(
        "{}\n\nFlags: {}\nLeaves alone: {}",
        r.explanation, r.example, r.native
    );
    let mut markdown = format!(
        "{}\n\n- flags: `{}`\n- leaves alone: `{}`",
        r.explanation, r.example, r.native
    );
    if let Some(s) = &r.source {
        help += &format!(
            "\nSource phrase: {} ({})\nSuggestion: {}",
            s.phrase, s.meaning, s.suggestion
        );
        markdown += &format!(
            "\n- source phrase: *{}* ({})\n- write instead: {}",
            s.phrase, s.meaning, s.suggestion
        );
    }
    json!({
        "id": r.id,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.explanation },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": sarif_level(r.severity) },
        "properties": {
            "category": r.category,
            "severity": r.severity,
            "sourceLanguage": r.lang,
            "tags": ["machine-translation", r.category.as_str()],
        },
    })
}

/// A GitHub Actions workflow command: `::warning file=…,line=…,col=…,endLine=…,endColumn=…,
/// title=…::message`, escaped as the runner expects.
pub fn github_command(path: &str, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Critical => "error",
        Severity::Major => "warning",
        Severity::Minor => "notice",
    };
    let position = match record(path) {
        Some((file, line)) => format!("file={},line={line}", escape_property(file)),
        None => {
            let (end_line, end_column) = end_position(f);
            format!(
                "file={},line={},col={},endLine={end_line},endColumn={end_column}",
                escape_property(path),
                f.line,
                f.column
            )
        }
    };
    let title = format!("mtlint {} ({} {})", f.rule, f.severity, f.category);
    format!(
        "::{level} {position},title={}::{}",
        escape_property(&title),
        escape_data(&message(f))
    )
}

/// An article that is one record of a JSON Lines or CSV file (`dump.jsonl#12`): the file and the
/// record's line.
fn record(path: &str) -> Option<(&str, usize)> {
    let (file, line) = path.rsplit_once('#')?;
    let container = [
        ".jsonl",
        ".ndjson",
        ".csv",
        ".jsonl.xz",
        ".ndjson.xz",
        ".csv.xz",
    ]
    .iter()
    .any(|e| file.to_ascii_lowercase().ends_with(e));
    container.then_some(())?;
    Some((file, line.parse().ok()?))
}

/// Escapes a workflow command's message: `%`, CR and LF.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property: as data, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;

    fn finding(span: &str, explanation: &str) -> Finding {
        Finding {
            article: "a".into(),
            line: 3,
            column: 5,
            start: 10,
            end: 10 + span.len(),
            category: Category::Repetition,
            rule: "repetition.doubled-word".into(),
            severity: Severity::Minor,
            confidence: 0.9,
            span: span.into(),
            suggestion: Some("one 'the'".into()),
            explanation: explanation.into(),
            sentence: span.into(),
        }
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        let f = finding("the the", "100% sure:\r\nreally, yes");
        assert_eq!(
            github_command("dir/a,b:c.txt", &f),
            "::notice file=dir/a%2Cb%3Ac.txt,line=3,col=5,endLine=3,endColumn=12,\
             title=mtlint repetition.doubled-word (minor repetition)::\
             100%25 sure:%0D%0Areally, yes (suggestion: one 'the')"
        );
    }

    #[test]
    fn end_positions_follow_line_breaks() {
        assert_eq!(end_position(&finding("ab\ncdé", "x")), (4, 4));
        assert_eq!(end_position(&finding("café", "x")), (3, 9));
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri("feed/nl/a b.txt"), "feed/nl/a%20b.txt");
        assert_eq!(uri("a#3.txt"), "a%233.txt");
        assert_eq!(record("dump.jsonl#3"), Some(("dump.jsonl", 3)));
        assert_eq!(record("a#3.txt"), None);
        assert_eq!(uri("<stdin>"), "stdin");
        assert_eq!(uri("dir\\x.md"), "dir/x.md");
    }
}
