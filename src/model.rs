//! A compact statistical model of normal English: how often each word and each pair of adjacent
//! content words occurs, answered without allocating, from a file that loads in milliseconds.
//!
//! Built by `mtlint train` ([`train`]) from raw text and n-gram tables; the default model
//! (`lexicons/english.model`) is embedded in the binary.
//!
//! # File format (version 1, little-endian)
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | magic `MTLINTLM` |
//! | 4 | version (1) |
//! | 4 | bucket bits of the unigram table (`ub`) and of the bigram table (`bb`), 2 bytes each |
//! | 8 | `total`: tokens the counts are relative to (f64) |
//! | 8 | number of unigrams `nu` |
//! | 8 | number of bigrams `nb` |
//! | 8 | checksum of everything after the header |
//! | … | unigram table, then bigram table |
//!
//! A table of `n` keys with `b` bucket bits is `2^b + 1` bucket starts (u32), then `n` key
//! fingerprints (u32: the low 32 bits of a 64-bit hash whose top `b` bits pick the bucket; sorted
//! within each bucket), then `n` quantized counts (u8: `round(8 · log2 count)`, at least 1).
//! A lookup hashes the word(s), reads one bucket and scans a few u32s: no allocation, two or
//! three cache lines.

use crate::error::{Error, Result};
use std::borrow::Cow;

pub mod train;

const MAGIC: &[u8; 8] = b"MTLINTLM";
const VERSION: u32 = 1;
const HEADER: usize = 48;

/// The default model, trained on the CMU US-English LM and native corpora (see
/// `lexicons/LICENSES.md`).
static EMBEDDED: &[u8] = include_bytes!("../lexicons/english.model");

/// Words that never take part in a scored pair: function words, whose pairs are grammar rather
/// than collocation, and reporting verbs, numbers and time words, which sit beside anything.
pub const UNSCORED_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "else",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "least",
    "less",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "neither",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "rather",
    "same",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "s",
    "t",
    "mr",
    "mrs",
    "ms",
    "dr",
    "said",
    "says",
    "say",
    "according",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "first",
    "second",
    "third",
    "last",
    "next",
    "new",
    "old",
    "year",
    "years",
    "percent",
    "cent",
    "million",
    "billion",
    "thousand",
    "hundred",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "time",
    "times",
    "today",
    "yesterday",
    "tomorrow",
    "ago",
    "am",
    "pm",
    "also",
    "even",
    "still",
    "already",
    "almost",
];

/// Is `w` (lowercase) one of [`UNSCORED_WORDS`]?
pub fn is_unscored_word(w: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| UNSCORED_WORDS.iter().copied().collect())
        .contains(w)
}

/// 64-bit hash of a word (FNV-1a, then a finalising mix).
pub fn hash_word(w: &str) -> u64 {
    mix(fnv(0xcbf2_9ce4_8422_2325, w.as_bytes()))
}

/// 64-bit hash of an adjacent pair `w1 w2`.
pub fn hash_pair(w1: &str, w2: &str) -> u64 {
    let h = fnv(0xcbf2_9ce4_8422_2325, w1.as_bytes());
    let h = fnv(h, b" ");
    mix(fnv(h, w2.as_bytes()))
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Checksum of the body: 8 bytes at a time, so checking a 10 MB model costs about a millisecond.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(a))
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// Count ↔ byte: `round(8 · log2 count)`, at least 1 (0 means absent).
pub fn quantize(count: f64) -> u8 {
    (8.0 * count.max(1.0).log2()).round().clamp(1.0, 255.0) as u8
}

fn dequantize(q: u8) -> f64 {
    (f64::from(q) / 8.0).exp2()
}

/// One hashed table inside the model bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Table {
    bits: u32,
    /// Offsets into the model bytes.
    index: usize,
    keys: usize,
    vals: usize,
    len: usize,
}

impl Table {
    fn byte_len(bits: u32, n: usize) -> usize {
        ((1usize << bits) + 1) * 4 + n * 5
    }

    fn at(offset: usize, bits: u32, len: usize) -> Table {
        let index = offset;
        let keys = index + ((1usize << bits) + 1) * 4;
        let vals = keys + len * 4;
        Table {
            bits,
            index,
            keys,
            vals,
            len,
        }
    }

    fn get(&self, bytes: &[u8], h: u64) -> Option<u8> {
        let bucket = if self.bits == 0 {
            0
        } else {
            (h >> (64 - self.bits)) as usize
        };
        let fp = h as u32;
        let lo = read_u32(bytes, self.index + bucket * 4) as usize;
        let hi = read_u32(bytes, self.index + bucket * 4 + 4) as usize;
        (lo..hi.min(self.len))
            .find(|&i| read_u32(bytes, self.keys + i * 4) == fp)
            .map(|i| bytes[self.vals + i])
    }

    /// Serialises `(hash, quantized count)` entries with `bits` bucket bits.
    fn write(out: &mut Vec<u8>, bits: u32, entries: &mut [(u64, u8)]) {
        let bucket = |h: u64| {
            if bits == 0 {
                0
            } else {
                (h >> (64 - bits)) as usize
            }
        };
        entries.sort_unstable_by_key(|&(h, _)| (bucket(h), h as u32));
        let n = 1usize << bits;
        let mut starts = vec![0u32; n + 1];
        for &(h, _) in entries.iter() {
            starts[bucket(h) + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        for s in starts {
            out.extend_from_slice(&s.to_le_bytes());
        }
        for &(h, _) in entries.iter() {
            out.extend_from_slice(&(h as u32).to_le_bytes());
        }
        for &(_, q) in entries.iter() {
            out.push(q);
        }
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(a)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Bucket bits for `n` keys: about four keys per bucket.
fn bits_for(n: usize) -> u32 {
    let mut b = 0;
    while (1usize << b) * 4 < n && b < 24 {
        b += 1;
    }
    b
}

/// A loaded model: word and pair counts.
#[derive(Debug, Clone)]
pub struct Model {
    bytes: Cow<'static, [u8]>,
    total: f64,
    unigrams: Table,
    bigrams: Table,
    /// Where it came from, for messages.
    pub name: String,
}

impl Model {
    /// The embedded default model.
    pub fn embedded() -> Result<Model> {
        Model::from_bytes(Cow::Borrowed(EMBEDDED), "embedded model".into())
    }

    /// Reads a model file written by `mtlint train`.
    pub fn read(path: &std::path::Path) -> Result<Model> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Model::from_bytes(Cow::Owned(bytes), path.display().to_string())
    }

    /// Checks header, sizes and checksum.
    pub fn from_bytes(bytes: Cow<'static, [u8]>, name: String) -> Result<Model> {
        let bad = |m: String| Error::Model {
            name: name.clone(),
            message: m,
        };
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(bad("not an mtlint model (bad magic)".into()));
        }
        let version = read_u32(&bytes, 8);
        if version != VERSION {
            return Err(bad(format!(
                "model version {version}, this mtlint reads version {VERSION}; retrain it with `mtlint train`"
            )));
        }
        let bits = read_u32(&bytes, 12);
        let (ub, bb) = (bits & 0xffff, bits >> 16);
        let total = f64::from_bits(read_u64(&bytes, 16));
        let nu = usize::try_from(read_u64(&bytes, 24)).map_err(|_| bad("too large".into()))?;
        let nb = usize::try_from(read_u64(&bytes, 32)).map_err(|_| bad("too large".into()))?;
        let sum = read_u64(&bytes, 40);
        if ub > 30 || bb > 30 {
            return Err(bad("corrupt header".into()));
        }
        let want = HEADER
            .checked_add(Table::byte_len(ub, nu))
            .and_then(|n| n.checked_add(Table::byte_len(bb, nb)));
        if want != Some(bytes.len()) {
            return Err(bad(format!(
                "truncated or corrupt: {} bytes, header says {}",
                bytes.len(),
                want.map_or("overflow".into(), |w| w.to_string())
            )));
        }
        if checksum(&bytes[HEADER..]) != sum {
            return Err(bad("checksum mismatch: the file is corrupt".into()));
        }
        if !(total.is_finite() && total > 0.0) {
            return Err(bad("corrupt header (total)".into()));
        }
        let unigrams = Table::at(HEADER, ub, nu);
        let bigrams = Table::at(HEADER + Table::byte_len(ub, nu), bb, nb);
        // Bucket starts must be monotone and within the table, so lookups cannot index out of
        // bounds on a file that passed the checksum by accident.
        for t in [&unigrams, &bigrams] {
            let mut prev = 0;
            for i in 0..=(1usize << t.bits) {
                let s = read_u32(&bytes, t.index + i * 4) as usize;
                if s < prev || s > t.len {
                    return Err(bad("corrupt bucket index".into()));
                }
                prev = s;
            }
        }
        Ok(Model {
            bytes,
            total,
            unigrams,
            bigrams,
            name,
        })
    }

    /// Tokens the counts are relative to.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Number of distinct words and pairs.
    pub fn sizes(&self) -> (usize, usize) {
        (self.unigrams.len, self.bigrams.len)
    }

    /// Size in bytes.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Count of a lowercase word (0 if unseen), within about 5 %.
    pub fn count(&self, w: &str) -> f64 {
        self.unigrams
            .get(&self.bytes, hash_word(w))
            .map_or(0.0, dequantize)
    }

    /// Count of the adjacent pair `w1 w2` (0 if unseen). Pairs of function words, and pairs
    /// too rare to be judged, are not stored.
    pub fn pair_count(&self, w1: &str, w2: &str) -> f64 {
        self.bigrams
            .get(&self.bytes, hash_pair(w1, w2))
            .map_or(0.0, dequantize)
    }

    /// Serialises counts into a model file.
    pub fn write(total: f64, unigrams: &mut [(u64, u8)], bigrams: &mut [(u64, u8)]) -> Vec<u8> {
        let (ub, bb) = (bits_for(unigrams.len()), bits_for(bigrams.len()));
        let mut body = Vec::with_capacity(
            Table::byte_len(ub, unigrams.len()) + Table::byte_len(bb, bigrams.len()),
        );
        Table::write(&mut body, ub, unigrams);
        Table::write(&mut body, bb, bigrams);
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(ub | (bb << 16)).to_le_bytes());
        out.extend_from_slice(&total.to_bits().to_le_bytes());
        out.extend_from_slice(&(unigrams.len() as u64).to_le_bytes());
        out.extend_from_slice(&(bigrams.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<u8> {
        let mut u = vec![
            (hash_word("huge"), quantize(1000.0)),
            (hash_word("favor"), quantize(500.0)),
        ];
        let mut b = vec![(hash_pair("huge", "favor"), quantize(30.0))];
        Model::write(1e6, &mut u, &mut b)
    }

    #[test]
    fn round_trip() {
        let m = Model::from_bytes(Cow::Owned(tiny()), "t".into()).unwrap();
        assert!((m.count("huge") / 1000.0 - 1.0).abs() < 0.05);
        assert_eq!(m.count("serving"), 0.0);
        assert!((m.pair_count("huge", "favor") / 30.0 - 1.0).abs() < 0.05);
        assert_eq!(m.pair_count("favor", "huge"), 0.0);
        assert_eq!(m.total(), 1e6);
    }

    #[test]
    fn corrupt_files_are_errors() {
        let good = tiny();
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let e = Model::from_bytes(Cow::Owned(flipped), "m".into()).unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
        let e =
            Model::from_bytes(Cow::Owned(good[..good.len() - 3].to_vec()), "m".into()).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = Model::from_bytes(Cow::Owned(b"hello".to_vec()), "m".into()).unwrap_err();
        assert!(e.to_string().contains("magic"), "{e}");
    }

    #[test]
    fn embedded_model_loads_fast_and_knows_english() {
        let t = std::time::Instant::now();
        let m = Model::embedded().unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(ms < 100.0, "loaded in {ms} ms");
        assert!(m.count("government") > m.count("lyricist"));
        assert!(m.pair_count("prime", "minister") > 0.0);
    }
}
