//! Lexicons: CSV data under `lexicons/`, embedded in the binary, parsed with errors that name the
//! file, line and column.

pub mod audit;
pub mod entry;
pub mod foreign;
pub mod foreign_table;
pub mod pattern;

use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The embedded `lexicons/classes.csv`.
pub const CLASSES_CSV: &str = include_str!("../../lexicons/classes.csv");

/// Word classes usable as `{class}` in patterns.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    classes: FxHashMap<String, Arc<[String]>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassRow {
    class: String,
    words: String,
    /// Documentation for humans; required so the header is checked.
    #[serde(rename = "description")]
    _description: serde::de::IgnoredAny,
}

impl Classes {
    /// Parses a classes file.
    pub fn parse(name: &str, text: &str) -> Result<Classes> {
        let mut classes = FxHashMap::default();
        for (line, row) in read_csv::<ClassRow>(name, text)? {
            let words: Vec<String> = row.words.split('|').map(str::to_string).collect();
            if row.class.is_empty() || words.iter().any(String::is_empty) {
                return Err(Error::Lexicon {
                    path: name.to_string(),
                    line,
                    column: 1,
                    message: "empty class name or word".into(),
                });
            }
            if classes.insert(row.class.clone(), words.into()).is_some() {
                return Err(Error::Lexicon {
                    path: name.to_string(),
                    line,
                    column: 1,
                    message: format!("class '{}' defined twice", row.class),
                });
            }
        }
        Ok(Classes { classes })
    }

    /// The classes shipped with mtlint.
    pub fn default_embedded() -> Classes {
        Classes::parse("lexicons/classes.csv", CLASSES_CSV)
            .expect("embedded classes.csv is valid (tested)")
    }

    pub fn get(&self, name: &str) -> Option<Arc<[String]>> {
        self.classes.get(name).cloned()
    }
}

/// Reads a CSV file with a header into rows, each with its 1-based line number. A malformed row
/// is an error naming the file, line and column (field number).
pub fn read_csv<T: DeserializeOwned>(name: &str, text: &str) -> Result<Vec<(u64, T)>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(name, &e))?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(name, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(name, &e))?;
        rows.push((line, row));
    }
    Ok(rows)
}

fn csv_error(name: &str, e: &csv::Error) -> Error {
    let (line, column) = match e.kind() {
        csv::ErrorKind::Deserialize { pos, err } => (
            pos.as_ref().map_or(0, |p| p.line()),
            err.field().map_or(1, |f| f as usize + 1),
        ),
        csv::ErrorKind::UnequalLengths { pos, .. } => (pos.as_ref().map_or(0, |p| p.line()), 1),
        _ => (e.position().map_or(0, |p| p.line()), 1),
    };
    let message = match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields, the header has {expected_len}"),
        _ => e.to_string(),
    };
    Error::Lexicon {
        path: name.to_string(),
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_classes_parse() {
        let c = Classes::default_embedded();
        assert!(c.get("be").unwrap().iter().any(|w| w == "'s"));
    }

    #[test]
    fn malformed_rows_name_line_and_column() {
        let e = Classes::parse("x.csv", "class,words,description\nbe,is|are,ok\nhave,has\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv:3:1: row has 2 fields, the header has 3"
        );
        let e =
            Classes::parse("x.csv", "class,words,description\nbe,is,a\nbe,are,b\n").unwrap_err();
        assert_eq!(e.to_string(), "x.csv:3:1: class 'be' defined twice");
    }
}
