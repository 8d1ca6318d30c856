//! Baselines: today's findings recorded by article, rule and a fingerprint of the normalised span
//! and its sentence, so a later run reports only new findings. Positions are not part of the key:
//! text added above a finding does not make it new.

use crate::error::{Error, Result};
use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Version of the file format and of the fingerprint.
const VERSION: u32 = 1;

/// A stable fingerprint of a finding: SHA-256 of its normalised span and sentence (NFKC, quotes
/// folded, lowercase, whitespace collapsed), 32 hex digits. Stable across mtlint and Rust
/// versions, unlike `std`'s hasher.
pub fn fingerprint(f: &Finding) -> String {
    let norm = |s: &str| {
        crate::normalise::normalise(s)
            .folded
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut h = Sha256::new();
    h.update(norm(&f.span));
    h.update([0x1f]);
    h.update(norm(&f.sentence));
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One recorded finding. `span` is there for people reading the file; matching ignores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub article: String,
    pub rule: String,
    pub hash: String,
    pub span: String,
}

impl Entry {
    pub fn of(f: &Finding) -> Entry {
        Entry {
            article: f.article.clone(),
            rule: f.rule.clone(),
            hash: fingerprint(f),
            span: f.span.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// Findings known before: how many times each (article, rule, hash) was recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    known: HashMap<(String, String, String), usize>,
}

impl Baseline {
    /// Reads a baseline written by [`write()`].
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Baseline::parse(path, &text)
    }

    /// Parses the text of a baseline file named `path` (for messages).
    pub fn parse(path: &Path, text: &str) -> Result<Baseline> {
        let file: File = serde_json::from_str(text).map_err(|e| Error::Baseline {
            path: path.to_path_buf(),
            message: format!("line {}: {e}", e.line()),
        })?;
        if file.version != VERSION {
            return Err(Error::Baseline {
                path: path.to_path_buf(),
                message: format!(
                    "version {} is not supported (this mtlint writes {VERSION}); write it again with --write-baseline",
                    file.version
                ),
            });
        }
        let mut known = HashMap::new();
        for e in file.findings {
            *known.entry((e.article, e.rule, e.hash)).or_insert(0) += 1;
        }
        Ok(Baseline { known })
    }

    /// The findings of one article that are not in the baseline. A finding recorded n times
    /// covers its first n occurrences; an (n+1)th is new.
    pub fn new_findings(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut new = self.new_findings_of();
        findings.into_iter().filter(|f| new.is_new(f)).collect()
    }

    /// [`Baseline::new_findings`] one finding at a time, for findings not held all at once.
    pub fn new_findings_of(&self) -> NewFindings<'_> {
        NewFindings {
            baseline: self,
            seen: HashMap::new(),
        }
    }
}

/// Tells the new findings of one article, given in order (see [`Baseline::new_findings`]).
#[derive(Debug)]
pub struct NewFindings<'a> {
    baseline: &'a Baseline,
    /// Occurrences so far of the findings the baseline knows (others are always new): memory
    /// bounded by the baseline, whatever the number of findings.
    seen: HashMap<(String, String, String), usize>,
}

impl NewFindings<'_> {
    pub fn is_new(&mut self, f: &Finding) -> bool {
        let key = (f.article.clone(), f.rule.clone(), fingerprint(f));
        let Some(&known) = self.baseline.known.get(&key) else {
            return true;
        };
        let n = self.seen.entry(key).or_insert(0);
        *n += 1;
        *n > known
    }
}

/// Writes a baseline (sorted, so it diffs well) atomically.
pub fn write(path: &Path, mut findings: Vec<Entry>) -> Result<()> {
    findings.sort();
    let file = File {
        version: VERSION,
        findings,
    };
    let tmp = path.with_file_name(format!(
        ".{}.tmp{}",
        path.file_name()
            .map_or_else(|| "baseline".into(), |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    // Streamed to the file: a run with millions of findings never holds its JSON text too.
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        serde_json::to_writer_pretty(&mut w, &file)?;
        w.write_all(b"\n")?;
        w.into_inner().map(drop).map_err(|e| e.into_error())
    });
    if let Err(source) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_err(source));
    }
    std::fs::rename(&tmp, path).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        write_err(source)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};

    fn finding(span: &str, sentence: &str, line: usize) -> Finding {
        Finding {
            article: "a".into(),
            line,
            column: 1,
            start: line * 10,
            end: line * 10 + span.len(),
            category: Category::Repetition,
            rule: "repetition.doubled-word".into(),
            severity: Severity::Minor,
            confidence: 0.9,
            span: span.into(),
            suggestion: None,
            explanation: "e".into(),
            sentence: sentence.into(),
        }
    }

    #[test]
    fn fingerprints_ignore_position_case_and_spacing_but_not_words() {
        let a = fingerprint(&finding("the the", "The the end.", 1));
        assert_eq!(a, fingerprint(&finding("The  the", "The the\nend.", 40)));
        assert_ne!(a, fingerprint(&finding("the the", "The the start.", 1)));
        assert_eq!(a.len(), 32);
        // Pinned: a baseline written today must match tomorrow.
        assert_eq!(fingerprint(&finding("x", "y", 1)), {
            let mut h = Sha256::new();
            h.update("x\u{1f}y");
            h.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
    }

    #[test]
    fn round_trip_reports_only_new_findings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let old = finding("the the", "The the end.", 1);
        write(&path, vec![Entry::of(&old)]).unwrap();
        let b = Baseline::load(&path).unwrap();
        let moved = finding("the the", "The the end.", 7);
        let repeated = finding("the the", "The the end.", 9);
        let new = finding("a a", "A a day.", 8);
        let got = b.new_findings(vec![moved, new.clone(), repeated.clone()]);
        assert_eq!(got, [new, repeated]);
    }

    #[test]
    fn malformed_baselines_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "{\"version\":1,\"findings\":[{\"rule\":1}]}").unwrap();
        let e = Baseline::load(&path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
    }
}
