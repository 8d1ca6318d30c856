//! Calque and false-friend lexicons (`lexicons/<lang>-en/*.csv`, format in `lexicons/FORMAT.md`):
//! parsed, validated and compiled into one [`PatternSet`].

use super::pattern::{Pattern, PatternHit, PatternSet};
use super::{Classes, read_csv};
use crate::error::{Error, Result};
use crate::finding::{Category, Severity};
use crate::segment::Document;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_lexicons.rs"));

/// An embedded lexicon file, from the table `build.rs` writes.
struct EmbeddedFile {
    lang: &'static str,
    file: &'static str,
    text: &'static str,
    /// `text` split into CSV fields at build time; `None` if it is not regular CSV.
    split: Option<Split>,
}

/// A CSV file split into fields.
struct Split {
    header: &'static [&'static str],
    records: &'static [Record],
}

struct Record {
    /// 1-based line where the record starts, as the CSV reader counts.
    line: u64,
    fields: &'static [&'static str],
}

/// The header of a calque lexicon: [`Row`]'s fields in order.
const HEADER: [&str; 13] = [
    "id",
    "pattern",
    "category",
    "severity",
    "confidence",
    "source",
    "meaning",
    "suggestion",
    "explanation",
    "requires",
    "forbids",
    "example",
    "native",
];

impl Split {
    /// The rows, as [`read_csv`] would deserialise them; `None` if a row would not deserialise
    /// (then the CSV parser reports the error).
    fn rows(&self) -> Option<Vec<(u64, Row)>> {
        if self.header != HEADER {
            return None;
        }
        self.records
            .iter()
            .map(|r| Some((r.line, Row::from_fields(r.fields)?)))
            .collect()
    }
}

/// One lexicon file to build from.
struct Source<'a> {
    lang: &'a str,
    name: &'a str,
    text: &'a str,
    split: Option<&'a Split>,
}

impl Source<'_> {
    fn rows(&self) -> Result<Vec<(u64, Row)>> {
        match self.split.and_then(Split::rows) {
            Some(rows) => Ok(rows),
            None => read_csv::<Row>(self.name, self.text),
        }
    }
}

/// Categories a lexicon entry may have.
pub const LEXICON_CATEGORIES: &[Category] = &[
    Category::Calque,
    Category::FalseFriend,
    Category::LiteralIdiom,
    Category::Grammar,
    Category::Name,
    Category::Terminology,
];

/// A row as written in the CSV. The fields of an embedded lexicon borrow the binary's text (no
/// allocation per field at start-up); those read from files own theirs.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: Cow<'static, str>,
    pub pattern: Cow<'static, str>,
    pub category: Cow<'static, str>,
    pub severity: Cow<'static, str>,
    pub confidence: f32,
    pub source: Cow<'static, str>,
    pub meaning: Cow<'static, str>,
    pub suggestion: Cow<'static, str>,
    pub explanation: Cow<'static, str>,
    pub requires: Cow<'static, str>,
    pub forbids: Cow<'static, str>,
    pub example: Cow<'static, str>,
    pub native: Cow<'static, str>,
}

impl Row {
    /// The row from its fields in [`HEADER`] order; `None` if there are not 13 or the confidence
    /// is not a number.
    fn from_fields(fields: &[&'static str]) -> Option<Row> {
        let [
            id,
            pattern,
            category,
            severity,
            confidence,
            source,
            meaning,
            suggestion,
            explanation,
            requires,
            forbids,
            example,
            native,
        ] = fields
        else {
            return None;
        };
        Some(Row {
            id: Cow::Borrowed(id),
            pattern: Cow::Borrowed(pattern),
            category: Cow::Borrowed(category),
            severity: Cow::Borrowed(severity),
            confidence: confidence.parse().ok()?,
            source: Cow::Borrowed(source),
            meaning: Cow::Borrowed(meaning),
            suggestion: Cow::Borrowed(suggestion),
            explanation: Cow::Borrowed(explanation),
            requires: Cow::Borrowed(requires),
            forbids: Cow::Borrowed(forbids),
            example: Cow::Borrowed(example),
            native: Cow::Borrowed(native),
        })
    }
}

/// A context item of `requires`/`forbids`: a word, a prefix (`song*`) or a phrase
/// (`points table`). A word or prefix is a byte range of the field it was written in (no
/// allocation per item: the shipped lexicons have some 15,000).
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    Word(Range<usize>),
    Prefix(Range<usize>),
    Phrase(Vec<String>),
}

impl Gate {
    /// Does the gate, from `field`, occur in the sentence's words?
    fn occurs(&self, field: &str, words: &[&str]) -> bool {
        match self {
            Gate::Word(r) => words.iter().any(|w| **w == field[r.clone()]),
            Gate::Prefix(r) => words.iter().any(|w| w.starts_with(&field[r.clone()])),
            Gate::Phrase(ph) => words
                .windows(ph.len())
                .any(|win| win.iter().zip(ph).all(|(a, b)| a == b)),
        }
    }
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Source language (`nl`, `de`, …, or `any`).
    pub lang: String,
    /// Where it was defined.
    pub file: String,
    pub line: u64,
    pub row: Row,
    pub category: Category,
    pub severity: Severity,
    pub requires: Vec<Gate>,
    pub forbids: Vec<Gate>,
    /// `<category>.<lang>.<id>`.
    pub rule: String,
}

/// One lexicon match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconHit {
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
    pub sentence: usize,
    /// Word range within the sentence's match words.
    pub words: std::ops::Range<usize>,
}

/// All entries, compiled once.
pub struct Lexicon {
    entries: Vec<Entry>,
    set: PatternSet,
}

impl Lexicon {
    /// The lexicons shipped in the binary, from the fields `build.rs` split them into (the same
    /// entries as parsing their CSV text: tested).
    pub fn embedded() -> Result<Lexicon> {
        let files: Vec<Source> = EMBEDDED
            .iter()
            .map(|f| Source {
                lang: f.lang,
                name: f.file,
                text: f.text,
                split: f.split.as_ref(),
            })
            .collect();
        Lexicon::build_sources(&[files], &Classes::default_embedded())
    }

    /// The embedded lexicons parsed from their CSV text, plus `dirs` (each `DIR/<lang>-en/*.csv`)
    /// added or overriding by id: what `mtlint lexicon check` audits.
    pub fn parsed(dirs: &[std::path::PathBuf]) -> Result<Lexicon> {
        let mut layers = vec![embedded_files()];
        for d in dirs {
            layers.push(Lexicon::read_dir(d)?);
        }
        let layers: Vec<&[(String, String, String)]> = layers.iter().map(Vec::as_slice).collect();
        Lexicon::build_layers(&layers, &Classes::default_embedded())
    }

    /// Reads `DIR/<lang>-en/*.csv` as `(lang, path, contents)`; the embedded word classes apply.
    pub fn read_dir(dir: &Path) -> Result<Vec<(String, String, String)>> {
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        for sub in entries.flatten() {
            let name = sub.file_name().to_string_lossy().into_owned();
            let Some(lang) = name.strip_suffix("-en") else {
                continue;
            };
            let Ok(listing) = std::fs::read_dir(sub.path()) else {
                continue;
            };
            for f in listing.flatten() {
                let path = f.path();
                if path.extension().is_some_and(|e| e == "csv") {
                    let text = crate::ingest::read_text(&path)?;
                    files.push((lang.to_string(), path.display().to_string(), text));
                }
            }
        }
        files.sort();
        Ok(files)
    }

    /// Parses and validates files of `(lang, name, contents)` as one set: an id used twice in a
    /// language is an error.
    pub fn build(files: &[(String, String, String)], classes: &Classes) -> Result<Lexicon> {
        Lexicon::build_layers(&[files], classes)
    }

    /// Like [`Lexicon::build`] for several layers (the embedded lexicons, then each `--lexicon
    /// DIR`): an entry of a later layer replaces the entry with the same language and id.
    pub fn build_layers(
        layers: &[&[(String, String, String)]],
        classes: &Classes,
    ) -> Result<Lexicon> {
        let layers: Vec<Vec<Source>> = layers
            .iter()
            .map(|files| {
                files
                    .iter()
                    .map(|(lang, name, text)| Source {
                        lang,
                        name,
                        text,
                        split: None,
                    })
                    .collect()
            })
            .collect();
        Lexicon::build_sources(&layers, classes)
    }

    fn build_sources(layers: &[Vec<Source>], classes: &Classes) -> Result<Lexicon> {
        let mut errors = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut layer_of: Vec<usize> = Vec::new();
        let mut by_id: HashMap<(&str, Cow<str>), usize> = HashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        // Where each (language, pattern and gates) was defined: file and line.
        let mut origin: HashMap<(&str, String), (&str, u64)> = HashMap::default();
        let files = layers
            .iter()
            .enumerate()
            .flat_map(|(layer, files)| files.iter().map(move |f| (layer, f)));
        for (layer, file) in files {
            let (lang, name) = (file.lang, file.name);
            if !(lang == "any" || (lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase())))
            {
                return Err(lex_err(
                    name,
                    0,
                    1,
                    format!("directory language '{lang}' must be a two-letter code or 'any'"),
                ));
            }
            let mut ids_in_file = FxHashSet::default();
            let rows = match file.rows() {
                Ok(rows) => rows,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for (line, row) in rows {
                let (entry, pattern) = match validate(lang, name, line, row, classes) {
                    Ok(x) => x,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                let key = (lang, entry.row.id.clone());
                if !ids_in_file.insert(entry.row.id.clone()) {
                    errors.push(lex_err(
                        name,
                        line,
                        1,
                        format!("duplicate id '{}'", entry.row.id),
                    ));
                    continue;
                }
                let pkey = (lang, normalised_key(&entry));
                match by_id.get(&key) {
                    Some(&i) if layer_of[i] < layer => {
                        origin.insert(pkey, (name, line));
                        entries[i] = entry;
                        patterns[i] = pattern;
                        layer_of[i] = layer;
                    }
                    Some(&i) => {
                        errors.push(lex_err(
                            name,
                            line,
                            1,
                            format!(
                                "duplicate id '{}' (also {}:{})",
                                entry.row.id, entries[i].file, entries[i].line
                            ),
                        ));
                    }
                    None => {
                        if let Some((file, at)) = origin.get(&pkey) {
                            errors.push(lex_err(
                                name,
                                line,
                                2,
                                format!("pattern '{}' with the same gates is already defined at {file}:{at}", entry.row.pattern),
                            ));
                            continue;
                        }
                        origin.insert(pkey, (name, line));
                        by_id.insert(key, entries.len());
                        entries.push(entry);
                        patterns.push(pattern);
                        layer_of.push(layer);
                    }
                }
            }
        }
        errors.extend(shadowed(&entries, &patterns));
        match errors.len() {
            0 => Ok(Lexicon {
                entries,
                set: PatternSet::new(patterns),
            }),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Multiple(errors)),
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every match whose context gates pass, by position.
    pub fn find(&self, doc: &Document) -> Vec<LexiconHit> {
        self.set
            .find_where(doc, |pattern, words| {
                gates_pass(&self.entries[pattern], words)
            })
            .into_iter()
            .map(
                |PatternHit {
                     pattern,
                     sentence,
                     words,
                 }| LexiconHit {
                    entry: pattern,
                    sentence,
                    words,
                },
            )
            .collect()
    }

    /// Checks a single entry against a text (for `lexicon check` and tests).
    pub fn entry_fires(&self, entry: usize, text: &str) -> bool {
        let doc = Document::new(text);
        self.find(&doc).iter().any(|h| h.entry == entry)
    }
}

/// The embedded lexicon files as `(lang, name, contents)`.
pub fn embedded_files() -> Vec<(String, String, String)> {
    EMBEDDED
        .iter()
        .map(|f| (f.lang.to_string(), f.file.to_string(), f.text.to_string()))
        .collect()
}

/// An entry is shadowed when an ungated entry of the same language matches a part of every text
/// it matches ("small beer" shadows "a small beer"): it can only add a second finding.
fn shadowed(entries: &[Entry], patterns: &[Pattern]) -> Vec<Error> {
    let mut by_lang: HashMap<&str, Vec<(usize, Vec<&str>)>> = HashMap::default();
    for (i, p) in patterns.iter().enumerate() {
        if let Some(words) = p.literal_words() {
            by_lang
                .entry(entries[i].lang.as_str())
                .or_default()
                .push((i, words));
        }
    }
    let mut errors = Vec::new();
    for list in by_lang.values() {
        // Index the ungated patterns by their first word, so the check is not quadratic.
        let mut short: HashMap<&str, Vec<&(usize, Vec<&str>)>> = HashMap::default();
        for item in list {
            let e = &entries[item.0];
            if e.requires.is_empty() && e.forbids.is_empty() {
                short.entry(item.1[0]).or_default().push(item);
            }
        }
        for (i, words) in list {
            for start in 0..words.len() {
                for (j, sub) in short.get(words[start]).into_iter().flatten() {
                    if j != i && sub.len() < words.len() && words[start..].starts_with(sub) {
                        let (e, by) = (&entries[*i], &entries[*j]);
                        errors.push(lex_err(
                            &e.file,
                            e.line,
                            COL_PATTERN,
                            format!(
                                "pattern '{}' is shadowed by '{}' ({}:{}), which matches wherever it does",
                                e.row.pattern, by.row.pattern, by.file, by.line
                            ),
                        ));
                    }
                }
            }
        }
    }
    errors.sort_by_key(|e| e.to_string());
    errors
}

/// Identical pattern and gates in one language can only be a copy.
fn normalised_key(e: &Entry) -> String {
    // Pushed rather than `format!`ed: built for every entry at start-up.
    let (p, r, f) = (&e.row.pattern, &e.row.requires, &e.row.forbids);
    let mut key = String::with_capacity(p.len() + r.len() + f.len() + 2);
    for (i, part) in [p, r, f].into_iter().enumerate() {
        if i > 0 {
            key.push('|');
        }
        key.push_str(part);
    }
    key
}

fn gates_pass(e: &Entry, words: &[&str]) -> bool {
    let any = |gates: &[Gate], field: &str| gates.iter().any(|g| g.occurs(field, words));
    (e.requires.is_empty() || any(&e.requires, &e.row.requires))
        && (e.forbids.is_empty() || !any(&e.forbids, &e.row.forbids))
}

fn lex_err(path: &str, line: u64, column: usize, message: String) -> Error {
    Error::Lexicon {
        path: path.to_string(),
        line,
        column,
        message,
    }
}

/// Column numbers of the header, for error messages.
const COL_ID: usize = 1;
const COL_PATTERN: usize = 2;
const COL_CATEGORY: usize = 3;
const COL_SEVERITY: usize = 4;
const COL_CONFIDENCE: usize = 5;
const COL_REQUIRES: usize = 10;
const COL_FORBIDS: usize = 11;
const COL_EXAMPLE: usize = 12;

fn validate(
    lang: &str,
    name: &str,
    line: u64,
    row: Row,
    classes: &Classes,
) -> Result<(Entry, Pattern)> {
    let err = |col: usize, msg: String| lex_err(name, line, col, msg);
    if row.id.is_empty()
        || !row
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(
            COL_ID,
            format!("id '{}' must be a lowercase slug [a-z0-9-]+", row.id),
        ));
    }
    let pattern = Pattern::parse(&row.pattern, classes).map_err(|e| {
        err(
            COL_PATTERN,
            format!(
                "pattern '{}', at character {}: {}",
                row.pattern, e.column, e.message
            ),
        )
    })?;
    let category = Category::parse(&row.category)
        .filter(|c| LEXICON_CATEGORIES.contains(c))
        .ok_or_else(|| {
            let names: Vec<&str> = LEXICON_CATEGORIES.iter().map(|c| c.as_str()).collect();
            err(
                COL_CATEGORY,
                format!(
                    "category '{}' is not one of {}",
                    row.category,
                    names.join(", ")
                ),
            )
        })?;
    let severity = Severity::parse(&row.severity).ok_or_else(|| {
        err(
            COL_SEVERITY,
            format!(
                "severity '{}' is not minor, major or critical",
                row.severity
            ),
        )
    })?;
    if !(row.confidence > 0.0 && row.confidence <= 1.0) {
        return Err(err(
            COL_CONFIDENCE,
            format!("confidence {} must be in (0, 1]", row.confidence),
        ));
    }
    for (col, field, value) in [
        (6, "source", &row.source),
        (7, "meaning", &row.meaning),
        (8, "suggestion", &row.suggestion),
        (9, "explanation", &row.explanation),
        (COL_EXAMPLE, "example", &row.example),
        (13, "native", &row.native),
    ] {
        if value.trim().is_empty() {
            return Err(err(col, format!("'{field}' is empty")));
        }
    }
    let requires = gates(&row.requires).map_err(|m| err(COL_REQUIRES, m))?;
    let forbids = gates(&row.forbids).map_err(|m| err(COL_FORBIDS, m))?;
    // Pushed rather than `format!`ed: built for every entry at start-up.
    let mut rule = String::with_capacity(category.as_str().len() + lang.len() + row.id.len() + 2);
    for (i, part) in [category.as_str(), lang, &row.id].into_iter().enumerate() {
        if i > 0 {
            rule.push('.');
        }
        rule.push_str(part);
    }
    Ok((
        Entry {
            lang: lang.to_string(),
            file: name.to_string(),
            line,
            row,
            category,
            severity,
            requires,
            forbids,
            rule,
        },
        pattern,
    ))
}

fn gates(s: &str) -> std::result::Result<Vec<Gate>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(s.bytes().filter(|&b| b == b'|').count() + 1);
    let mut at = 0;
    for item in s.split('|') {
        let w = item.trim();
        // Where `w` starts in `s`.
        let start = at + (item.len() - item.trim_start().len());
        at += item.len() + 1;
        if w.is_empty() {
            continue;
        }
        out.push({
            let (word, prefix) = match w.strip_suffix('*') {
                Some(p) => (p, true),
                None => (w, false),
            };
            if word.is_empty() || !super::pattern::is_lowercase(word) {
                return Err(format!(
                    "context word '{w}' must be lowercase words (or a prefix*)"
                ));
            }
            if word.split_whitespace().nth(1).is_some() {
                if prefix {
                    return Err(format!("context phrase '{w}' cannot end in a prefix*"));
                }
                // Contractions and hyphens are split in the sentence, so split them here too.
                let mut phrase = Vec::new();
                for p in word.split_whitespace() {
                    for piece in p.split('-').filter(|x| !x.is_empty()) {
                        let (a, b) = crate::segment::expand_contraction(piece);
                        phrase.push(a.to_string());
                        phrase.extend(b.map(str::to_string));
                    }
                }
                Gate::Phrase(phrase)
            } else if prefix {
                Gate::Prefix(start..start + word.len())
            } else {
                Gate::Word(start..start + word.len())
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,pattern,category,severity,confidence,source,meaning,suggestion,explanation,requires,forbids,example,native\n";

    fn build(rows: &str) -> Result<Lexicon> {
        Lexicon::build(
            &[("nl".into(), "t.csv".into(), format!("{HEADER}{rows}"))],
            &Classes::default_embedded(),
        )
    }

    /// The audit every shipped entry passes: it fires on its example and not on its native
    /// sentence. (Duplicates and malformed rows fail parsing the CSV itself.)
    #[test]
    fn every_embedded_entry_fires_on_its_example_and_not_its_native_sentence() {
        let lex = Lexicon::parsed(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            lex.entries().len() > 1000,
            "only {} embedded entries",
            lex.entries().len()
        );
        let mut failures = Vec::new();
        for (i, e) in lex.entries().iter().enumerate() {
            if !lex.entry_fires(i, &e.row.example) {
                failures.push(format!(
                    "{}:{}: {} does not fire on its example: {}",
                    e.file, e.line, e.row.id, e.row.example
                ));
            }
            if lex.entry_fires(i, &e.row.native) {
                failures.push(format!(
                    "{}:{}: {} fires on its native sentence: {}",
                    e.file, e.line, e.row.id, e.row.native
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// The fields `build.rs` split the embedded files into make the same lexicon as the CSV
    /// text.
    #[test]
    fn build_time_split_equals_parsing_the_csv() {
        assert!(EMBEDDED.iter().all(|f| f.split.is_some()));
        let fast = Lexicon::embedded().unwrap_or_else(|e| panic!("{e}"));
        let parsed = Lexicon::parsed(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fast.entries(), parsed.entries());
        assert_eq!(fast.set.patterns(), parsed.set.patterns());
    }

    /// A split row that would not deserialise (here a confidence that is not a number) is read
    /// by the CSV parser instead, which names the file, line and column.
    #[test]
    fn split_rows_fall_back_to_the_csv_parser() {
        static BAD: Split = Split {
            header: &super::HEADER,
            records: &[Record {
                line: 2,
                fields: &[
                    "a",
                    "small beer",
                    "calque",
                    "minor",
                    "x",
                    "s",
                    "m",
                    "x",
                    "e",
                    "",
                    "",
                    "ex",
                    "nat",
                ],
            }],
        };
        let text = format!("{HEADER}a,small beer,calque,minor,x,s,m,x,e,,,ex,nat\n");
        let source = |split| Source {
            lang: "nl",
            name: "t.csv",
            text: &text,
            split,
        };
        assert_eq!(BAD.rows(), None);
        assert_eq!(
            source(Some(&BAD)).rows().unwrap_err().to_string(),
            "t.csv:2:5: invalid float literal"
        );
        let good = source(None).rows().err().map(|e| e.to_string());
        assert_eq!(good.as_deref(), Some("t.csv:2:5: invalid float literal"));
    }

    #[test]
    fn gates() {
        let lex = build("lyricist,kremlin|former lyricist,false_friend,major,0.8,tekstschrijver,speechwriter,speechwriter,x,kremlin|minister|speech*,song*|album,A former Kremlin lyricist.,The former lyricist of the band.\n").unwrap();
        assert!(lex.entry_fires(0, "Galgamov, a former Kremlin lyricist, agreed."));
        assert!(lex.entry_fires(0, "The former lyricist wrote speeches for the minister."));
        assert!(!lex.entry_fires(0, "The former lyricist wrote songs for the minister."));
        assert!(!lex.entry_fires(0, "The former lyricist of the band."));
        let lex = build("t,top table,calque,major,0.8,s,m,x,e,points table,,Top table of the points table.,Top table.\n").unwrap();
        assert!(lex.entry_fires(0, "He sits at the top table of the points table."));
        assert!(!lex.entry_fires(0, "He sits at the top table, with points and a table."));
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let ok = "a,small beer,calque,minor,0.5,s,m,x,e,,,A small beer.,Beer.\n";
        let cases = [
            (
                "A,small beer,calque,minor,0.5,s,m,x,e,,,ex,nat\n",
                "t.csv:2:1: id 'A' must be a lowercase slug [a-z0-9-]+",
            ),
            (
                "a,small  beer,calque,minor,0.5,s,m,x,e,,,ex,nat\n",
                "t.csv:2:2: pattern 'small  beer', at character 7: empty token: use single spaces between words",
            ),
            (
                "a,small beer,oddness,minor,0.5,s,m,x,e,,,ex,nat\n",
                "t.csv:2:3: category 'oddness' is not one of calque, false_friend, literal_idiom, grammar, name, terminology",
            ),
            (
                "a,small beer,calque,huge,0.5,s,m,x,e,,,ex,nat\n",
                "t.csv:2:4: severity 'huge' is not minor, major or critical",
            ),
            (
                "a,small beer,calque,minor,1.5,s,m,x,e,,,ex,nat\n",
                "t.csv:2:5: confidence 1.5 must be in (0, 1]",
            ),
            (
                "a,small beer,calque,minor,0.5,s,m,x,e,Big Word,,ex,nat\n",
                "t.csv:2:10: context word 'Big Word' must be lowercase words (or a prefix*)",
            ),
            (
                "a,small beer,calque,minor,0.5,s,m,x,e,,,,nat\n",
                "t.csv:2:12: 'example' is empty",
            ),
            (
                "a,small beer,calque,minor,0.5,s,m,x,e,,,ex\n",
                "t.csv:2:1: row has 12 fields, the header has 13",
            ),
        ];
        for (row, want) in cases {
            assert_eq!(
                build(row).err().map(|e| e.to_string()).as_deref(),
                Some(want),
                "{row}"
            );
        }
        let dup = format!("{ok}{}", ok.replacen("a,", "b,", 1));
        assert_eq!(
            build(&dup).err().unwrap().to_string(),
            "t.csv:3:2: pattern 'small beer' with the same gates is already defined at t.csv:2"
        );
        let dup_id = format!("{ok}{}", ok.replacen("small beer", "tiny beer", 1));
        assert_eq!(
            build(&dup_id).err().unwrap().to_string(),
            "t.csv:3:1: duplicate id 'a'"
        );
    }

    #[test]
    fn shadowed_patterns_are_rejected() {
        let rows = "a,small beer,calque,minor,0.5,s,m,x,e,,,A small beer.,Beer.\nb,a small beer,calque,minor,0.5,s,m,x,e,,,A small beer.,Beer.\n";
        assert_eq!(
            build(rows).err().unwrap().to_string(),
            "t.csv:3:2: pattern 'a small beer' is shadowed by 'small beer' (t.csv:2), which matches wherever it does"
        );
        let gated = "a,small beer,calque,minor,0.5,s,m,x,e,,pint,A small beer.,Beer.\nb,a small beer,calque,minor,0.5,s,m,x,e,,,A small beer.,Beer.\n";
        assert!(build(gated).is_ok());
    }

    #[test]
    fn later_sources_override_by_id() {
        let base =
            format!("{HEADER}a,small beer,calque,minor,0.5,s,m,old,e,,,A small beer.,Beer.\n");
        let user =
            format!("{HEADER}a,small beer,calque,major,0.9,s,m,new,e,,,A small beer.,Beer.\n");
        let lex = Lexicon::build_layers(
            &[
                &[("nl".into(), "base.csv".into(), base.clone())],
                &[("nl".into(), "user.csv".into(), user.clone())],
            ],
            &Classes::default_embedded(),
        )
        .unwrap();
        assert_eq!(lex.entries().len(), 1);
        assert_eq!(lex.entries()[0].row.suggestion, "new");
        // Within one layer, the same id in two files is an error, not an override.
        let same_layer = Lexicon::build(
            &[
                ("nl".into(), "base.csv".into(), base),
                ("nl".into(), "user.csv".into(), user),
            ],
            &Classes::default_embedded(),
        );
        assert!(
            same_layer
                .err()
                .unwrap()
                .to_string()
                .contains("duplicate id 'a'")
        );
    }
}
