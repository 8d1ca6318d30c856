//! Baselines: today's findings recorded by article, rule and a fingerprint of the normalised span
//! and its sentence, so a later run reports only new findings. Positions are not part of the key:
//! text added above a finding does not make it new.

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::spill::Disk;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// Reads a baseline written by [`Recorder::finish`].
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

/// Bytes of entries held in memory (strings and their headers) before they are sorted and
/// spilled as a run to an anonymous temporary file: 2,000,039 entries of 40 MB of dense
/// findings took 517 MB when all held.
pub const CAP: usize = 4 << 20;
/// The most read at a time from one run.
const BUFFER: usize = 64 << 10;
/// The least read at a time from one run, however many runs there are.
const MIN_READ: usize = 4 << 10;

/// Collects the entries of a baseline and writes it, sorted (so it diffs well) and atomically,
/// in bounded memory: past [`CAP`] bytes, entries go to a temporary file in sorted runs that
/// are merged into the JSON as it is written.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    cap: usize,
    held: Vec<Entry>,
    held_bytes: usize,
    spill: Option<Spill>,
    entries: usize,
}

/// The temporary file: runs of entries, each sorted, as length-prefixed strings.
#[derive(Debug)]
struct Spill {
    disk: Disk,
    /// Byte ranges of the runs.
    runs: Vec<(u64, u64)>,
}

impl Recorder {
    /// Records a baseline to be written to `path` by [`Recorder::finish`].
    pub fn new(path: &Path) -> Recorder {
        Recorder::with_cap(path, CAP)
    }

    fn with_cap(path: &Path, cap: usize) -> Recorder {
        Recorder {
            path: path.to_path_buf(),
            cap,
            held: Vec::new(),
            held_bytes: 0,
            spill: None,
            entries: 0,
        }
    }

    fn write_err(&self, source: std::io::Error) -> Error {
        Error::Write {
            path: self.path.clone(),
            source,
        }
    }

    pub fn push(&mut self, e: Entry) -> Result<()> {
        self.held_bytes += std::mem::size_of::<Entry>()
            + e.article.len()
            + e.rule.len()
            + e.hash.len()
            + e.span.len();
        self.held.push(e);
        self.entries += 1;
        if self.held_bytes > self.cap {
            self.spill_held().map_err(|e| self.write_err(e))?;
        }
        Ok(())
    }

    fn spill_held(&mut self) -> std::io::Result<()> {
        self.held.sort();
        let spill = match &mut self.spill {
            Some(s) => s,
            None => self.spill.insert(Spill {
                disk: Disk::new()?,
                runs: Vec::new(),
            }),
        };
        let start = spill.disk.len();
        for e in self.held.drain(..) {
            for s in [&e.article, &e.rule, &e.hash, &e.span] {
                spill.disk.append(&(s.len() as u64).to_le_bytes())?;
                spill.disk.append(s.as_bytes())?;
            }
        }
        spill.disk.flush()?;
        spill.runs.push((start, spill.disk.len()));
        self.held_bytes = 0;
        Ok(())
    }

    /// Writes the baseline: the file is renamed into place only once complete.
    pub fn finish(mut self) -> Result<()> {
        if self.spill.is_some() && !self.held.is_empty() {
            self.spill_held().map_err(|e| self.write_err(e))?;
        }
        let path = self.path.clone();
        match self.spill.take() {
            None => {
                let mut findings = std::mem::take(&mut self.held);
                findings.sort();
                let file = File {
                    version: VERSION,
                    findings,
                };
                write_atomically(&path, |w| {
                    serde_json::to_writer_pretty(w, &file).map_err(Into::into)
                })
            }
            Some(spill) => {
                // The read buffers of all runs together take about as much as the entries held.
                let read = (self.cap / spill.runs.len().max(1)).clamp(MIN_READ, BUFFER);
                let merge = Merge::new(&spill, read).map_err(|e| self.write_err(e))?;
                let streamed = Streamed {
                    len: self.entries,
                    merge: RefCell::new(merge),
                    error: RefCell::new(None),
                };
                write_atomically(&path, |w| {
                    let written = serde_json::to_writer_pretty(w, &streamed);
                    match streamed.error.borrow_mut().take() {
                        Some(e) => Err(e),
                        None => written.map_err(Into::into),
                    }
                })
            }
        }
    }
}

/// Writes `path` through a temporary file beside it, renamed into place once complete.
fn write_atomically(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // Streamed to the file: a run with millions of findings never holds its JSON text too.
    crate::report::write_atomic(path, true, |w| {
        body(w)?;
        w.write_all(b"\n")
    })
}

/// Reads one run of a [`Spill`] through a buffer of its own.
struct Run<'a> {
    file: &'a std::fs::File,
    next: u64,
    end: u64,
    buffer: Vec<u8>,
    at: usize,
    read: usize,
}

impl Run<'_> {
    /// The next `n` bytes of the run.
    fn take(&mut self, n: usize) -> std::io::Result<&[u8]> {
        if self.buffer.len() - self.at < n {
            self.buffer.drain(..self.at);
            self.at = 0;
            let have = self.buffer.len();
            let want = (n - have).max(self.read) as u64;
            let get = want.min(self.end - self.next) as usize;
            if have + get < n {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.buffer.resize(have + get, 0);
            crate::spill::read_at(self.file, &mut self.buffer[have..], self.next)?;
            self.next += get as u64;
        }
        let bytes = &self.buffer[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    fn string(&mut self) -> std::io::Result<String> {
        let mut len = [0; 8];
        len.copy_from_slice(self.take(8)?);
        let len = usize::try_from(u64::from_le_bytes(len))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
        String::from_utf8(self.take(len)?.to_vec())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    fn next(&mut self) -> std::io::Result<Option<Entry>> {
        if self.at == self.buffer.len() && self.next == self.end {
            return Ok(None);
        }
        Ok(Some(Entry {
            article: self.string()?,
            rule: self.string()?,
            hash: self.string()?,
            span: self.string()?,
        }))
    }
}

/// The runs of a [`Spill`] merged in order.
struct Merge<'a> {
    runs: Vec<Run<'a>>,
    heads: BinaryHeap<Reverse<(Entry, usize)>>,
}

impl<'a> Merge<'a> {
    fn new(spill: &'a Spill, read: usize) -> std::io::Result<Merge<'a>> {
        let mut runs: Vec<Run<'a>> = spill
            .runs
            .iter()
            .map(|&(next, end)| Run {
                file: spill.disk.file(),
                next,
                end,
                buffer: Vec::new(),
                at: 0,
                read,
            })
            .collect();
        let mut heads = BinaryHeap::with_capacity(runs.len());
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some(e) = run.next()? {
                heads.push(Reverse((e, i)));
            }
        }
        Ok(Merge { runs, heads })
    }

    fn next(&mut self) -> std::io::Result<Option<Entry>> {
        let Some(Reverse((e, i))) = self.heads.pop() else {
            return Ok(None);
        };
        if let Some(n) = self.runs[i].next()? {
            self.heads.push(Reverse((n, i)));
        }
        Ok(Some(e))
    }
}

/// Serialises as [`File`] would, with its findings drawn from a [`Merge`]; a read error of the
/// temporary file is kept in `error`.
struct Streamed<'a> {
    len: usize,
    merge: RefCell<Merge<'a>>,
    error: RefCell<Option<std::io::Error>>,
}

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut file = s.serialize_struct("File", 2)?;
        file.serialize_field("version", &VERSION)?;
        file.serialize_field("findings", &Findings(self))?;
        file.end()
    }
}

struct Findings<'a, 'b>(&'b Streamed<'a>);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len))?;
        loop {
            match self.0.merge.borrow_mut().next() {
                Ok(Some(e)) => seq.serialize_element(&e)?,
                Ok(None) => break,
                Err(e) => {
                    *self.0.error.borrow_mut() = Some(e);
                    return Err(serde::ser::Error::custom("cannot read the temporary file"));
                }
            }
        }
        seq.end()
    }
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
        let mut r = Recorder::new(&path);
        r.push(Entry::of(&old)).unwrap();
        r.finish().unwrap();
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

    fn entry(article: &str, rule: &str, hash: &str, span: &str) -> Entry {
        Entry {
            article: article.into(),
            rule: rule.into(),
            hash: hash.into(),
            span: span.into(),
        }
    }

    /// What a baseline of `entries` held all in memory is.
    fn in_memory(entries: &[Entry]) -> Vec<u8> {
        let mut findings = entries.to_vec();
        findings.sort();
        let mut out = serde_json::to_vec_pretty(&File {
            version: VERSION,
            findings,
        })
        .unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn spilled_runs_merge_into_the_in_memory_baseline_whatever_the_cap() {
        let mut entries = Vec::new();
        for i in 0..300usize {
            entries.push(entry(
                &format!("art{}", i % 7),
                ["dup", "dup.x", "", "réplique"][i % 4],
                &format!("{:x}", (i * 7919) % 97),
                ["", "the the", "the", "“quote", "\u{1F600}"][i % 5],
            ));
        }
        // Equal entries, some far apart.
        entries.push(entries[3].clone());
        entries.push(entries[3].clone());
        entries.insert(100, entries[250].clone());
        entries.push(entry("", "", "", ""));
        let one = std::mem::size_of::<Entry>();
        let cases: [(&[Entry], usize); 7] = [
            (&entries, 1),
            (&entries, one * 2 + 20),
            (&entries, one * 7 + 60),
            (&entries, CAP),
            (&entries[..1], 1),
            (&entries[..0], 1),
            (&entries[..0], CAP),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (i, (entries, cap)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("b{i}.json"));
            let mut r = Recorder::with_cap(&path, cap);
            for e in entries {
                r.push(e.clone()).unwrap();
            }
            let spilled = r.spill.as_ref().map_or(0, |s| s.runs.len());
            r.finish().unwrap();
            let got = std::fs::read(&path).unwrap();
            assert!(
                got == in_memory(entries),
                "case {i}: {}",
                String::from_utf8_lossy(&got)
            );
            // Caps of one entry make a run per entry; a large cap, none.
            let expected_runs = match cap {
                1 => entries.len(),
                CAP => 0,
                _ => spilled.max(1),
            };
            assert_eq!(spilled, expected_runs, "case {i}");
            assert_eq!(
                Baseline::load(&path).unwrap(),
                Baseline::parse(&path, &String::from_utf8(in_memory(entries)).unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn a_failed_read_of_the_runs_is_an_error_naming_the_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let mut r = Recorder::with_cap(&path, 1);
        for s in ["b", "a", "c"] {
            r.push(entry("x", "r", "h", s)).unwrap();
        }
        // A run claims bytes past the end of the file.
        if let Some(s) = r.spill.as_mut() {
            let end = s.disk.len();
            s.runs.push((end, end + 40));
        }
        let e = r.finish().unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
