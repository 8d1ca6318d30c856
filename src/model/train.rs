//! `mtlint train`: counts words and adjacent content-word pairs in raw text (one document or
//! sentence per line, `.xz` read directly) and folds in n-gram tables (`word<TAB>log10 P`,
//! `w1 w2<TAB>log10 P(w2|w1)`), then writes a [`Model`](super::Model).
//!
//! Text is segmented exactly as `mtlint check` segments it, so the model counts the same tokens
//! the detector looks up. N-gram probabilities become pseudo-counts over `lm_tokens` tokens.

use super::{Model, hash_pair, hash_word, is_unscored_word, quantize};
use crate::error::{Error, Result};
use crate::segment::{Document, TokenKind};
use rustc_hash::FxHashMap;
use std::path::PathBuf;

/// What to train on.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Raw text: one document or sentence per line.
    pub corpora: Vec<PathBuf>,
    /// N-gram tables (uni- and bigram files, in any order).
    pub ngrams: Vec<PathBuf>,
    /// How many tokens the n-gram tables' probabilities stand for.
    pub lm_tokens: f64,
    /// Pairs whose expected count under independence is below this are never judged, so they
    /// are not stored.
    pub min_expected: f64,
    /// Words seen fewer times than this are not stored.
    pub min_count: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            corpora: Vec::new(),
            ngrams: Vec::new(),
            lm_tokens: DEFAULT_LM_TOKENS,
            min_expected: 0.05,
            min_count: 2.0,
        }
    }
}

/// Default size the n-gram tables stand for.
pub const DEFAULT_LM_TOKENS: f64 = 2e8;

/// Statistics of a training run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainStats {
    pub corpus_lines: usize,
    pub corpus_tokens: usize,
    pub ngram_rows: usize,
    pub unigrams: usize,
    pub bigrams: usize,
    pub bytes: usize,
}

/// Is this a word the model counts pairs of: letters only (an inner apostrophe or hyphen
/// allowed), not a function word?
pub fn pairable(w: &str) -> bool {
    w.len() >= 2 && w.chars().all(char::is_alphabetic) && !is_unscored_word(w)
}

#[derive(Default)]
struct Counts {
    tokens: usize,
    lines: usize,
    words: FxHashMap<u64, f64>,
    pairs: FxHashMap<u64, (u64, u64, f64)>,
}

impl Counts {
    fn add_text(&mut self, line: &str) {
        let doc = Document::new(line);
        for s in &doc.sentences {
            let toks = &doc.tokens[s.tokens.clone()];
            let mut prev: Option<&str> = None;
            for t in toks {
                if t.kind != TokenKind::Word {
                    prev = None;
                    continue;
                }
                let w = doc.word(t);
                self.tokens += 1;
                *self.words.entry(hash_word(w)).or_default() += 1.0;
                let ok = pairable(w);
                if let Some(p) = prev
                    && ok
                {
                    self.pairs
                        .entry(hash_pair(p, w))
                        .or_insert((hash_word(p), hash_word(w), 0.0))
                        .2 += 1.0;
                }
                prev = ok.then_some(w);
            }
        }
    }
}

/// Trains a model; `progress` receives a line now and then.
pub fn train(opts: &TrainOptions, progress: &mut dyn FnMut(&str)) -> Result<(Vec<u8>, TrainStats)> {
    let mut c = Counts::default();
    for path in &opts.corpora {
        let text = crate::ingest::read_text(path)?;
        let mut bytes = 0usize;
        let mut next_report = 0usize;
        for line in text.lines() {
            c.lines += 1;
            c.add_text(line);
            bytes += line.len() + 1;
            if bytes >= next_report {
                progress(&format!(
                    "{}: {:.0}% ({} tokens so far)",
                    path.display(),
                    100.0 * bytes as f64 / text.len().max(1) as f64,
                    c.tokens
                ));
                next_report = bytes + (8 << 20);
            }
        }
        progress(&format!(
            "{}: done, {} tokens so far",
            path.display(),
            c.tokens
        ));
    }
    let corpus_tokens = c.tokens;
    let mut total = corpus_tokens as f64;
    let mut stats = TrainStats {
        corpus_lines: c.lines,
        corpus_tokens,
        ..TrainStats::default()
    };
    // N-gram tables: unigrams first (bigram pseudo-counts need P(w1)).
    let mut tables = Vec::new();
    for path in &opts.ngrams {
        let text = crate::ingest::read_text(path)?;
        let bigram = text
            .lines()
            .find(|l| !l.starts_with('#') && !l.trim().is_empty())
            .is_some_and(|l| l.split('\t').next().is_some_and(|k| k.contains(' ')));
        tables.push((bigram, path, text));
    }
    tables.sort_by_key(|(bigram, _, _)| *bigram);
    if !tables.is_empty() {
        total += opts.lm_tokens;
    }
    let mut logp: FxHashMap<u64, f64> = FxHashMap::default();
    for (bigram, path, text) in &tables {
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(key), Some(p)) = (f.next(), f.next()) else {
                continue;
            };
            let p: f64 = p.trim().parse().map_err(|_| Error::Csv {
                path: path.to_path_buf(),
                line: i as u64 + 1,
                message: format!("'{p}' is not a log10 probability"),
            })?;
            stats.ngram_rows += 1;
            if !bigram {
                if key.starts_with('<') {
                    continue;
                }
                let h = hash_word(key);
                logp.insert(h, p);
                *c.words.entry(h).or_default() += 10f64.powf(p) * opts.lm_tokens;
            } else {
                let Some((w1, w2)) = key.split_once(' ') else {
                    continue;
                };
                if !pairable(w1) || !pairable(w2) {
                    continue;
                }
                let h1 = hash_word(w1);
                let Some(p1) = logp.get(&h1) else {
                    continue;
                };
                c.pairs
                    .entry(hash_pair(w1, w2))
                    .or_insert((h1, hash_word(w2), 0.0))
                    .2 += 10f64.powf(p1 + p) * opts.lm_tokens;
            }
            if i % 500_000 == 0 && i > 0 {
                progress(&format!("{}: {i} rows", path.display()));
            }
        }
        progress(&format!("{}: done", path.display()));
    }
    let mut unigrams: Vec<(u64, u8)> = c
        .words
        .iter()
        .filter(|(_, n)| **n >= opts.min_count)
        .map(|(h, n)| (*h, quantize(*n)))
        .collect();
    let mut bigrams: Vec<(u64, u8)> = c
        .pairs
        .iter()
        .filter(|(_, (h1, h2, _))| {
            let (c1, c2) = (
                c.words.get(h1).copied().unwrap_or(0.0),
                c.words.get(h2).copied().unwrap_or(0.0),
            );
            c1 * c2 / total >= opts.min_expected
        })
        .map(|(h, (_, _, n))| (*h, quantize(*n)))
        .collect();
    stats.unigrams = unigrams.len();
    stats.bigrams = bigrams.len();
    let bytes = Model::write(total, &mut unigrams, &mut bigrams);
    stats.bytes = bytes.len();
    Ok((bytes, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn trains_on_text_and_ngrams() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.txt");
        std::fs::write(
            &corpus,
            "The prime minister spoke.\nThe prime minister left, and the prime minister won.\n",
        )
        .unwrap();
        let uni = dir.path().join("u.tsv");
        std::fs::write(&uni, "#word\tlogp\n<s>\t-1\nhuge\t-3\nfavor\t-4\n").unwrap();
        let bi = dir.path().join("b.tsv");
        std::fs::write(&bi, "#w1 w2\tlogp\nhuge favor\t-2\nthe huge\t-1\n").unwrap();
        let opts = TrainOptions {
            corpora: vec![corpus],
            ngrams: vec![bi, uni],
            lm_tokens: 1e8,
            min_expected: 0.0,
            min_count: 1.0,
        };
        let mut lines = Vec::new();
        let (bytes, stats) = train(&opts, &mut |l| lines.push(l.to_string())).unwrap();
        assert!(!lines.is_empty());
        assert_eq!(stats.corpus_tokens, 13);
        let m = Model::from_bytes(Cow::Owned(bytes), "m".into()).unwrap();
        assert!((m.pair_count("prime", "minister") / 3.0 - 1.0).abs() < 0.1);
        assert!((m.count("huge") / 1e5 - 1.0).abs() < 0.1);
        assert!((m.pair_count("huge", "favor") / 1e3 - 1.0).abs() < 0.1);
        assert_eq!(
            m.pair_count("the", "huge"),
            0.0,
            "function-word pairs are not stored"
        );
        assert_eq!(m.pair_count("left", "and"), 0.0);
    }
}
