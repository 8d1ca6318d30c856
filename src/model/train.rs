//! `mtlint train`: counts words and adjacent content-word pairs in raw text (one document or
//! sentence per line, `.xz` read directly) and folds in n-gram tables (`word<TAB>log10 P`,
//! `w1 w2<TAB>log10 P(w2|w1)`), learns a topic vector and usual fit for each content word, then
//! writes a [`Model`].
//!
//! Text is segmented exactly as `mtlint check` segments it, so the model counts the same tokens
//! the detector looks up. N-gram probabilities become pseudo-counts over `lm_tokens` tokens.

use super::adverbs::Adverbs;
use super::{
    DIM, MAX_VECTORS, Model, RECORD, WordKey, hash_pair, hash_word, mix, quantize, quantize_vector,
};
use crate::error::{Error, Result};
use crate::segment::{Document, TokenKind};
use rustc_hash::{FxHashMap, FxHashSet};
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
    /// Content words seen fewer times than this in the corpora get no topic vector.
    pub vector_min_count: f64,
    /// At most this many words get a topic vector, the most frequent (see [`MAX_VECTORS`]).
    pub max_vectors: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            corpora: Vec::new(),
            ngrams: Vec::new(),
            lm_tokens: DEFAULT_LM_TOKENS,
            min_expected: 0.05,
            min_count: 2.0,
            vector_min_count: 3.0,
            max_vectors: MAX_VECTORS,
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
    pub vectors: usize,
    pub bytes: usize,
}

/// Is this a word the model counts pairs of: letters only (an inner apostrophe or hyphen
/// allowed), not a function word?
pub fn pairable(w: &str) -> bool {
    pairable_key(w.as_bytes()).is_some()
}

/// [`pairable`], giving the word's key for the model lookups that follow.
#[inline(always)]
pub fn pairable_key(w: &[u8]) -> Option<WordKey> {
    if w.len() < 2 {
        return None;
    }
    let key = WordKey::of_letters(w)?;
    (!key.is_unscored()).then_some(key)
}

#[derive(Default)]
struct Counts {
    tokens: usize,
    lines: usize,
    words: FxHashMap<u64, f64>,
    pairs: FxHashMap<u64, (u64, u64, f64)>,
    /// Content words of the corpora in order, each line closed by [`END`]: the contexts the
    /// topic vectors are learned from.
    stream: Vec<u64>,
    /// How often each content word is reduplicated ("years and years", "round and round"),
    /// keyed by [`reduplication_key`].
    reduplications: FxHashMap<u64, f64>,
    /// How often each word is followed by a listed adjective and by a listed -ly adverb,
    /// keyed by [`class_key`].
    classes: FxHashMap<u64, f64>,
}

/// The counts of a word followed by any adjective of `lexicons/adverbs.csv`, and by any of
/// their adverbs, are stored under the pair keys of the word and these strings, which no
/// token can be (a token has no space).
pub const ADJECTIVES: &str = " adjectives";
pub const ADVERBS: &str = " adverbs";

impl Counts {
    /// Counts `n` more of the pair `w1 w2` in the class counts if `w2` is a listed adjective
    /// or adverb.
    fn add_class(&mut self, w1: &str, h2: u64, n: f64) {
        let adverbs = Adverbs::embedded();
        let class = if adverbs.adverb_of(h2).is_some() {
            ADJECTIVES
        } else if adverbs.lists(h2) {
            ADVERBS
        } else {
            return;
        };
        *self.classes.entry(hash_pair(w1, class)).or_default() += n;
    }
}

/// The model key under which the count of "w and w" is stored: the pair hash of `w` and "and",
/// which no real pair has, since "and" is a function word and pairs of it are not stored.
pub fn reduplication_key(w: &str) -> u64 {
    hash_pair(w, "and")
}

/// Marks the end of a line (document) in [`Counts::stream`].
const END: u64 = 0;

impl Counts {
    fn add_text(&mut self, line: &str) {
        let doc = Document::new(line);
        for s in &doc.sentences {
            let toks = &doc.tokens[s.tokens.clone()];
            for r in toks.windows(3) {
                if r.iter().all(|t| t.kind == TokenKind::Word)
                    && doc.word(&r[1]) == "and"
                    && doc.word(&r[0]) == doc.word(&r[2])
                    && pairable(doc.word(&r[0]))
                {
                    *self
                        .reduplications
                        .entry(reduplication_key(doc.word(&r[0])))
                        .or_default() += 1.0;
                }
            }
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
                    self.add_class(p, hash_word(w), 1.0);
                    self.pairs
                        .entry(hash_pair(p, w))
                        .or_insert((hash_word(p), hash_word(w), 0.0))
                        .2 += 1.0;
                }
                prev = ok.then_some(w);
                if ok {
                    self.stream.push(hash_word(w));
                }
            }
        }
        self.stream.push(END);
    }
}

/// Content words on either side that make up a word's context.
const WINDOW: usize = 12;

/// The random signature of a context word: a ±1 vector from the bits of its hash (random
/// indexing: nearly orthogonal for different words, so sums keep which words were around).
fn signature(h: u64) -> u64 {
    mix(h ^ 0x5851_f42d_4c95_7f2d)
}

fn add_signature(acc: &mut [f32; DIM], sig: u64, weight: f32) {
    for (i, a) in acc.iter_mut().enumerate() {
        *a += if (sig >> i) & 1 == 1 { weight } else { -weight };
    }
}

fn unit(v: &mut [f32; DIM]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// The words that may get a topic vector: those seen at least `min_count` times in the corpora,
/// or the `max` most frequent of them (ties by hash, so training stays deterministic).
fn vector_words(corpus_words: &FxHashMap<u64, f64>, min_count: f64, max: usize) -> FxHashSet<u64> {
    let mut words: Vec<(u64, f64)> = corpus_words
        .iter()
        .filter(|(_, k)| **k >= min_count)
        .map(|(h, k)| (*h, *k))
        .collect();
    // Never more than a model may hold, whatever a library caller asks for.
    let max = max.min(MAX_VECTORS);
    if words.len() > max {
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        words.truncate(max);
    }
    words.into_iter().map(|(h, _)| h).collect()
}

/// Topic vectors: for each content word seen at least `min_count` times in the corpora (at most
/// `max` of them, the most frequent), the
/// idf-weighted random signatures of the content words within [`WINDOW`] of it in the same line,
/// plus the PMI-weighted signatures of the words it forms pairs with (from the n-gram tables,
/// which cover far more text), each part made unit length; the mean vector is removed so
/// cosines compare topics, not frequency.
fn topic_vectors(
    c: &Counts,
    corpus_words: &FxHashMap<u64, f64>,
    total: f64,
    min_count: f64,
    max: usize,
) -> Vec<(u64, [u8; RECORD])> {
    let eligible = vector_words(corpus_words, min_count, max);
    let n = corpus_words.values().sum::<f64>().max(1.0);
    let idf = |h: u64| -> f32 {
        corpus_words
            .get(&h)
            .map_or(0.0, |&k| (n / k).ln().max(0.0) as f32)
    };
    let mut ctx: FxHashMap<u64, [f32; DIM]> = FxHashMap::default();
    let mut line_start = 0;
    for (i, &h) in c.stream.iter().enumerate() {
        if h == END {
            line_start = i + 1;
            continue;
        }
        if !eligible.contains(&h) {
            continue;
        }
        let acc = ctx.entry(h).or_insert([0.0; DIM]);
        let lo = i.saturating_sub(WINDOW).max(line_start);
        for &o in &c.stream[lo..i] {
            add_signature(acc, signature(o), idf(o));
        }
        for &o in c.stream[i + 1..]
            .iter()
            .take(WINDOW)
            .take_while(|&&o| o != END)
        {
            add_signature(acc, signature(o), idf(o));
        }
    }
    let mut assoc: FxHashMap<u64, [f32; DIM]> = FxHashMap::default();
    for &(h1, h2, n12) in c.pairs.values() {
        let (Some(&n1), Some(&n2)) = (c.words.get(&h1), c.words.get(&h2)) else {
            continue;
        };
        let pmi = (n12 * total / (n1 * n2)).ln();
        if n12 < 2.0 || pmi <= 0.0 {
            continue;
        }
        add_signature(
            assoc.entry(h1).or_insert([0.0; DIM]),
            signature(h2),
            pmi as f32,
        );
        add_signature(
            assoc.entry(h2).or_insert([0.0; DIM]),
            signature(h1),
            pmi as f32,
        );
    }
    let vecs: Vec<(u64, [f32; DIM])> = ctx
        .into_iter()
        .map(|(h, mut v)| {
            unit(&mut v);
            if let Some(a) = assoc.get(&h) {
                let mut a = *a;
                unit(&mut a);
                v.iter_mut().zip(a).for_each(|(x, y)| *x += y);
            }
            (h, v)
        })
        .collect();
    let mut mean = [0f32; DIM];
    for (_, v) in &vecs {
        let mut u = *v;
        unit(&mut u);
        mean.iter_mut().zip(u).for_each(|(m, x)| *m += x);
    }
    mean.iter_mut().for_each(|m| *m /= vecs.len().max(1) as f32);
    let dirs: FxHashMap<u64, [f32; DIM]> = vecs
        .into_iter()
        .map(|(h, mut v)| {
            unit(&mut v);
            v.iter_mut().zip(mean).for_each(|(x, m)| *x -= m);
            unit(&mut v);
            (h, v)
        })
        .collect();
    let fit = usual_fit(&c.stream, &dirs);
    dirs.iter()
        .map(|(h, v)| {
            let (m, sd) = fit.get(h).copied().unwrap_or((0.0, 0.0));
            (*h, quantize_vector(v, m, sd))
        })
        .collect()
}

/// Content words (with a vector) per stretch of training text that stands in for an article
/// when measuring how well each word usually fits its surroundings.
const STRETCH: usize = 150;

/// For each word, the mean and standard deviation of the cosine between its vector and the sum
/// of the other vectors in its [`STRETCH`] of text, shrunk towards the overall figures for
/// words seen only a few times.
fn usual_fit(stream: &[u64], dirs: &FxHashMap<u64, [f32; DIM]>) -> FxHashMap<u64, (f32, f32)> {
    let mut acc: FxHashMap<u64, (f64, f64, f64)> = FxHashMap::default();
    let mut stretch: Vec<(u64, &[f32; DIM])> = Vec::with_capacity(STRETCH);
    let mut flush = |stretch: &mut Vec<(u64, &[f32; DIM])>| {
        let mut sum = [0f32; DIM];
        for (_, v) in stretch.iter() {
            sum.iter_mut().zip(v.iter()).for_each(|(s, x)| *s += x);
        }
        for (h, v) in stretch.iter() {
            let mut rest = sum;
            rest.iter_mut().zip(v.iter()).for_each(|(s, x)| *s -= x);
            let n = rest.iter().map(|x| x * x).sum::<f32>().sqrt();
            if n > 0.0 {
                let cos = f64::from(v.iter().zip(rest).map(|(a, b)| a * b).sum::<f32>() / n);
                let e = acc.entry(*h).or_default();
                *e = (e.0 + cos, e.1 + cos * cos, e.2 + 1.0);
            }
        }
        stretch.clear();
    };
    for h in stream {
        if let Some(v) = dirs.get(h) {
            stretch.push((*h, v));
            if stretch.len() == STRETCH {
                flush(&mut stretch);
            }
        }
    }
    let (s, s2, n) = acc
        .values()
        .fold((0.0, 0.0, 0.0), |a, e| (a.0 + e.0, a.1 + e.1, a.2 + e.2));
    let n = n.max(1.0);
    let (gm, gv) = (s / n, (s2 / n - (s / n).powi(2)).max(0.0));
    // Pseudo-occurrences at the overall mean and variance.
    const PRIOR: f64 = 5.0;
    acc.into_iter()
        .map(|(h, (s, s2, k))| {
            let m = (s + PRIOR * gm) / (k + PRIOR);
            let var =
                ((s2 - k * (s / k).powi(2)).max(0.0) + PRIOR * gv) / (k - 1.0 + PRIOR).max(1.0);
            (h, (m as f32, var.sqrt() as f32))
        })
        .collect()
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
    let corpus_words = c.words.clone();
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
            // A probability is at most 1: "inf", "NaN" or a positive logarithm would turn into
            // counts that swamp the model.
            let p: f64 = p
                .trim()
                .parse()
                .ok()
                .filter(|p: &f64| p.is_finite() && *p <= 0.0)
                .ok_or_else(|| Error::Csv {
                    path: path.to_path_buf(),
                    line: i as u64 + 1,
                    message: format!("'{p}' is not a log10 probability (a number at most 0)"),
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
                let n = 10f64.powf(p1 + p) * opts.lm_tokens;
                c.add_class(w1, hash_word(w2), n);
                c.pairs
                    .entry(hash_pair(w1, w2))
                    .or_insert((h1, hash_word(w2), 0.0))
                    .2 += n;
            }
            if i % 500_000 == 0 && i > 0 {
                progress(&format!("{}: {i} rows", path.display()));
            }
        }
        progress(&format!("{}: done", path.display()));
    }
    // A model of no words judges nothing (and one of no tokens is refused when loaded): say
    // why here rather than write it.
    if c.words.is_empty() || total <= 0.0 {
        return Err(Error::Usage(
            "nothing to train on: the corpora and n-gram tables hold no words".into(),
        ));
    }
    let unigrams: Vec<(u64, u8)> = c
        .words
        .iter()
        .filter(|(_, n)| **n >= opts.min_count)
        .map(|(h, n)| (*h, quantize(*n)))
        .collect();
    let adverbs = Adverbs::embedded();
    let mut bigrams: Vec<(u64, u8)> = c
        .pairs
        .iter()
        .filter(|(_, (h1, h2, _))| {
            let (c1, c2) = (
                c.words.get(h1).copied().unwrap_or(0.0),
                c.words.get(h2).copied().unwrap_or(0.0),
            );
            // `oddity.adverb` compares a word's pairs with an adjective and with its adverb
            // ("reacted angry", "reacted angrily"), however rare.
            c1 * c2 / total >= opts.min_expected || adverbs.lists(*h2)
        })
        .map(|(h, (_, _, n))| (*h, quantize(*n)))
        .collect();
    bigrams.extend(c.reduplications.iter().map(|(h, n)| (*h, quantize(*n))));
    bigrams.extend(c.classes.iter().map(|(h, n)| (*h, quantize(*n))));
    progress("topic vectors");
    let vectors = topic_vectors(
        &c,
        &corpus_words,
        total,
        opts.vector_min_count,
        opts.max_vectors,
    );
    stats.unigrams = unigrams.len();
    stats.bigrams = bigrams.len();
    stats.vectors = vectors.len();
    let bytes = Model::write(total, &unigrams, &bigrams, &vectors);
    stats.bytes = bytes.len();
    Ok((bytes, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// Writes `text` to `name` in `dir`.
    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn trains_on_text_and_ngrams() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = file(
            &dir,
            "c.txt",
            "The prime minister spoke.\nThe prime minister left, and the prime minister won.\n",
        );
        let uni = file(&dir, "u.tsv", "#word\tlogp\n<s>\t-1\nhuge\t-3\nfavor\t-4\n");
        let bi = file(
            &dir,
            "b.tsv",
            "#w1 w2\tlogp\nhuge favor\t-2\nthe huge\t-1\n",
        );
        let opts = TrainOptions {
            corpora: vec![corpus],
            ngrams: vec![bi, uni],
            lm_tokens: 1e8,
            min_expected: 0.0,
            min_count: 1.0,
            vector_min_count: 1.0,
            max_vectors: MAX_VECTORS,
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
        // Content words of the corpus get a topic vector; function words and n-gram-only words
        // do not.
        let minister = m.vector("minister").unwrap();
        assert!(minister.norm() > 0.0);
        assert!(m.vector("the").is_none() && m.vector("favor").is_none());
        let (usual, spread) = minister.usual_fit();
        assert!((-1.0..=1.0).contains(&usual) && spread >= 0.0);
        assert_eq!(stats.vectors, m.sizes().2);
    }

    #[test]
    fn at_most_max_vectors_most_frequent_first() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = file(
            &dir,
            "c.txt",
            "Ministers met farmers.\nMinisters met farmers.\nMinisters met.\nMinisters spoke.\n",
        );
        let vectors = |max_vectors| {
            let opts = TrainOptions {
                corpora: vec![corpus.clone()],
                min_count: 1.0,
                vector_min_count: 1.0,
                max_vectors,
                ..TrainOptions::default()
            };
            let (bytes, stats) = train(&opts, &mut |_| {}).unwrap();
            let m = Model::from_bytes(Cow::Owned(bytes), "m".into()).unwrap();
            assert_eq!(stats.vectors, m.sizes().2);
            ["ministers", "met", "farmers", "spoke"].map(|w| m.vector(w).is_some())
        };
        assert_eq!(vectors(MAX_VECTORS), [true; 4]);
        // Seen 4, 3, 2 and 1 times: the cap keeps the most frequent.
        assert_eq!(vectors(2), [true, true, false, false]);
        assert_eq!(vectors(0), [false; 4]);
    }

    #[test]
    fn keeps_the_pairs_and_classes_of_listed_adjectives_and_adverbs() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = file(
            &dir,
            "c.txt",
            "The minister reacted angrily.\nThe party reacted positively.\nThe minister felt angry.\nThe minister felt tired and felt happy.\n",
        );
        let opts = TrainOptions {
            corpora: vec![corpus],
            // So high that no pair is expected often enough to be stored for `oddity.pair`.
            min_expected: 1e9,
            min_count: 1.0,
            ..TrainOptions::default()
        };
        let (bytes, _) = train(&opts, &mut |_| {}).unwrap();
        let m = Model::from_bytes(Cow::Owned(bytes), "m".into()).unwrap();
        assert!(m.pair_count("reacted", "angrily") > 0.0);
        assert!(m.pair_count("felt", "angry") > 0.0);
        assert_eq!(m.pair_count("minister", "reacted"), 0.0);
        // (adjectives, adverbs) after a word: "tired" is a participle, not listed.
        let near = |(a, b): (f64, f64), (x, y): (f64, f64)| {
            (a - x).abs() <= 0.1 * x && (b - y).abs() <= 0.1 * y
        };
        assert!(near(m.adverb_classes("reacted"), (0.0, 2.0)));
        assert!(near(m.adverb_classes("felt"), (2.0, 0.0)));
        assert_eq!(m.adverb_classes("minister"), (0.0, 0.0));
    }

    #[test]
    fn no_words_is_an_error_not_an_empty_model() {
        let dir = tempfile::tempdir().unwrap();
        let empty = file(&dir, "e.txt", "");
        let header_only = file(&dir, "u.tsv", "#word\tlogp\n");
        for inputs in [
            (vec![empty.clone()], vec![]),
            (vec![empty], vec![header_only]),
        ] {
            let opts = TrainOptions {
                corpora: inputs.0,
                ngrams: inputs.1,
                ..TrainOptions::default()
            };
            let e = train(&opts, &mut |_| {}).unwrap_err().to_string();
            assert!(e.contains("nothing to train on"), "{e}");
        }
    }

    #[test]
    fn bad_probabilities_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = file(&dir, "c.txt", "The prime minister spoke.\n");
        for bad in ["x", "", "inf", "NaN", "0.5", "1e400"] {
            let table = file(
                &dir,
                "u.tsv",
                &format!("#word\tlogp\nhuge\t-3\nfavor\t{bad}\n"),
            );
            let opts = TrainOptions {
                corpora: vec![corpus.clone()],
                ngrams: vec![table.clone()],
                ..TrainOptions::default()
            };
            let e = train(&opts, &mut |_| {}).unwrap_err();
            match &e {
                Error::Csv { path, line, .. } => assert_eq!((path, *line), (&table, 3), "{bad:?}"),
                other => panic!("{bad:?}: {other}"),
            }
            assert!(e.to_string().contains("log10 probability"), "{e}");
        }
    }

    #[test]
    fn records_reduplications() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = file(
            &dir,
            "c.txt",
            "The car went round and round.\nRound and round it went, and the door creaked and groaned.\nIt said more and more.\n",
        );
        let opts = TrainOptions {
            corpora: vec![corpus],
            min_count: 1.0,
            ..TrainOptions::default()
        };
        let (bytes, _) = train(&opts, &mut |_| {}).unwrap();
        let m = Model::from_bytes(Cow::Owned(bytes), "m".into()).unwrap();
        assert!((m.reduplications("round") / 2.0 - 1.0).abs() < 0.1);
        for w in ["creaked", "door", "more"] {
            assert_eq!(m.reduplications(w), 0.0, "{w}");
        }
    }
}
