//! A compact statistical model of normal English: how often each word and each pair of adjacent
//! content words occurs, and a small vector per content word saying which words it keeps company
//! with (its topic), answered without allocating, from a file that loads in milliseconds.
//!
//! Built by `mtlint train` ([`train`]) from raw text and n-gram tables; the default model
//! (`lexicons/english.model`) is embedded in the binary.
//!
//! # File format (version 2, little-endian)
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | magic `MTLINTLM` |
//! | 4 | version (2) |
//! | 4 | bucket bits of the unigram table (`ub`) and of the bigram table (`bb`), 2 bytes each |
//! | 8 | `total`: tokens the counts are relative to (f64) |
//! | 8 | number of unigrams `nu` |
//! | 8 | number of bigrams `nb` |
//! | 8 | checksum of everything after the header |
//! | 4 | bucket bits of the vector table (`vb`, 2 bytes) and the vector dimension (2 bytes: 0 or [`DIM`]) |
//! | 4 | reserved (0) |
//! | 8 | number of word vectors `nv` |
//! | … | unigram table, bigram table, vector table |
//!
//! A table of `n` keys with `b` bucket bits is `2^b + 1` bucket starts (u32), then `n` key
//! fingerprints (u32: the low 32 bits of a 64-bit hash whose top `b` bits pick the bucket; sorted
//! within each bucket), then `n` values: for counts one byte each (`round(8 · log2 count)`, at
//! least 1), for vectors [`RECORD`] bytes each: [`DIM`] signed bytes (a direction: only angles
//! between vectors mean something), then the mean (signed byte, /100) and standard deviation
//! (byte, /200) of the cosine between the word and the text around it in the training corpora:
//! how well the word usually fits its surroundings. A lookup hashes the word(s), reads one bucket and scans a few u32s: no allocation,
//! two or three cache lines.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

pub mod train;

const MAGIC: &[u8; 8] = b"MTLINTLM";
const VERSION: u32 = 2;
const HEADER: usize = 64;
/// Dimension of the word vectors.
pub const DIM: usize = 64;
/// Bytes per word-vector record: the direction, then the usual fit (mean, spread).
pub const RECORD: usize = DIM + 2;

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
    WordKey::new(w).is_unscored()
}

/// Slots of the open-addressing table of [`UNSCORED_WORDS`]: a power of two, about four times
/// the number of words, so a miss (the common case: a content word) usually ends at the first
/// slot.
const UNSCORED_SLOTS: usize = 1024;

/// The hashes of [`UNSCORED_WORDS`] by their low bits (0: an empty slot, as no word hashes to
/// 0), looked up with the hash a caller computed anyway for the model's tables. A word is
/// matched by its 64-bit hash, as the model's own tables match words by their hashes. Built at
/// compile time, so a lookup is a load, not a check that a lazy table is ready.
static UNSCORED_TABLE: [u64; UNSCORED_SLOTS] = {
    let mut table = [0u64; UNSCORED_SLOTS];
    let mut i = 0;
    while i < UNSCORED_WORDS.len() {
        let h = mix(fnv_const(UNSCORED_WORDS[i].as_bytes()));
        let mut slot = h as usize % UNSCORED_SLOTS;
        while table[slot] != 0 && table[slot] != h {
            slot = (slot + 1) % UNSCORED_SLOTS;
        }
        table[slot] = h;
        i += 1;
    }
    table
};

/// [`fnv`] from the seed, for constants.
const fn fnv_const(w: &[u8]) -> u64 {
    let mut h = FNV_SEED;
    let mut i = 0;
    while i < w.len() {
        h = fnv_step(h, w[i]);
        i += 1;
    }
    h
}

const FNV_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// 1 for each byte that is not an ASCII letter: one load per byte instead of a range test.
const NOT_ASCII_LETTER: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0;
    while b < 256 {
        if (b as u8).is_ascii_alphabetic() {
            table[b] = 0;
        }
        b += 1;
    }
    table
};

/// A word hashed once for every lookup about it: its count, its vector, whether it is an
/// unscored word, and the pairs it starts.
#[derive(Debug, Clone, Copy)]
pub struct WordKey {
    /// FNV-1a state after the word's bytes, which a pair's hash continues from.
    fnv: u64,
    /// [`hash_word`] of the word.
    pub hash: u64,
}

impl WordKey {
    pub fn new(w: &str) -> WordKey {
        let fnv = fnv(FNV_SEED, w.as_bytes());
        WordKey {
            fnv,
            hash: mix(fnv),
        }
    }

    /// The key of `w` if it is letters only: one pass over an ASCII word checks and hashes.
    #[inline(always)]
    pub fn of_letters(w: &[u8]) -> Option<WordKey> {
        let mut fnv = FNV_SEED;
        let mut not_letters = 0;
        for &b in w {
            not_letters |= NOT_ASCII_LETTER[usize::from(b)];
            fnv = fnv_step(fnv, b);
        }
        if not_letters != 0
            && (w.is_ascii()
                || !std::str::from_utf8(w).is_ok_and(|w| w.chars().all(char::is_alphabetic)))
        {
            return None;
        }
        Some(WordKey {
            fnv,
            hash: mix(fnv),
        })
    }

    /// [`hash_pair`] of this word (`w1`) and `w2`.
    pub fn pair_hash(&self, w2: &[u8]) -> u64 {
        mix(fnv(fnv(self.fnv, b" "), w2))
    }

    /// Is the word this key was made from one of [`UNSCORED_WORDS`]?
    #[inline]
    pub fn is_unscored(&self) -> bool {
        let mut slot = self.hash as usize % UNSCORED_SLOTS;
        loop {
            match UNSCORED_TABLE[slot] {
                0 => return false,
                h if h == self.hash => return true,
                _ => slot = (slot + 1) % UNSCORED_SLOTS,
            }
        }
    }
}

/// 64-bit hash of a word (FNV-1a, then a finalising mix).
pub fn hash_word(w: &str) -> u64 {
    WordKey::new(w).hash
}

/// [`hash_word`], for constants.
pub const fn hash_word_const(w: &[u8]) -> u64 {
    mix(fnv_const(w))
}

/// 64-bit hash of an adjacent pair `w1 w2`.
pub fn hash_pair(w1: &str, w2: &str) -> u64 {
    WordKey::new(w1).pair_hash(w2.as_bytes())
}

fn fnv(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| fnv_step(h, b))
}

const fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
}

pub(crate) const fn mix(mut x: u64) -> u64 {
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
    /// Bytes per value.
    width: usize,
}

impl Table {
    /// Bytes of a table of `n` keys; `None` if that overflows (a corrupt header's counts).
    fn byte_len(bits: u32, n: usize, width: usize) -> Option<usize> {
        ((1usize << bits) + 1)
            .checked_mul(4)?
            .checked_add(n.checked_mul(4 + width)?)
    }

    fn at(offset: usize, bits: u32, len: usize, width: usize) -> Table {
        let index = offset;
        let keys = index + ((1usize << bits) + 1) * 4;
        let vals = keys + len * 4;
        Table {
            bits,
            index,
            keys,
            vals,
            len,
            width,
        }
    }

    /// The index of key `h` among the table's entries.
    #[inline]
    fn find(&self, bytes: &[u8], h: u64) -> Option<usize> {
        // The top `bits` bits of `h` (none for 0 bits, where `h >> 64` would overflow).
        let bucket = ((h >> 1) >> (63 - self.bits)) as usize;
        let fp = (h as u32).to_le_bytes();
        // This bucket's start and the next one's, with one bounds check.
        let (starts, _) = bytes
            .get(self.index + bucket * 4..)?
            .split_first_chunk::<8>()?;
        let starts = u64::from_le_bytes(*starts);
        let lo = starts as u32 as usize;
        let hi = ((starts >> 32) as usize).min(self.len);
        // The bucket's fingerprints as one slice, so the scan has no bounds check per key.
        let keys = bytes.get(self.keys + lo * 4..self.keys + hi * 4)?;
        Some(lo + keys.chunks_exact(4).position(|k| k == fp)?)
    }

    /// The value of entry `i`, of a table whose values are `W` bytes wide.
    #[inline]
    fn value<'a, const W: usize>(&self, bytes: &'a [u8], i: usize) -> Option<&'a [u8; W]> {
        bytes.get(self.vals + i * W..)?.first_chunk::<W>()
    }

    /// The value of key `h`.
    #[inline]
    fn get<'a>(&self, bytes: &'a [u8], h: u64) -> Option<&'a [u8]> {
        let i = self.find(bytes, h)?;
        bytes.get(self.vals + i * self.width..self.vals + (i + 1) * self.width)
    }

    /// Serialises `(hash, value)` entries with `bits` bucket bits.
    fn write<V: AsRef<[u8]>>(out: &mut Vec<u8>, bits: u32, entries: &mut [(u64, V)]) {
        let bucket = |h: u64| {
            if bits == 0 {
                0
            } else {
                (h >> (64 - bits)) as usize
            }
        };
        entries.sort_unstable_by_key(|(h, _)| (bucket(*h), *h as u32));
        let n = 1usize << bits;
        let mut starts = vec![0u32; n + 1];
        for (h, _) in entries.iter() {
            starts[bucket(*h) + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        for s in starts {
            out.extend_from_slice(&s.to_le_bytes());
        }
        for (h, _) in entries.iter() {
            out.extend_from_slice(&(*h as u32).to_le_bytes());
        }
        for (_, v) in entries.iter() {
            out.extend_from_slice(v.as_ref());
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

/// Source of [`Model::id`].
static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(0);

/// A loaded model: word and pair counts.
#[derive(Debug, Clone)]
pub struct Model {
    bytes: Cow<'static, [u8]>,
    total: f64,
    /// The count each stored byte stands for, so a lookup does not call `exp2`.
    levels: [f64; 256],
    unigrams: Table,
    bigrams: Table,
    vectors: Table,
    /// Where it came from, for messages.
    pub name: String,
    /// See [`Model::id`].
    id: u64,
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
        let vbits = read_u32(&bytes, 48);
        let (vb, dim) = (vbits & 0xffff, (vbits >> 16) as usize);
        let nv = usize::try_from(read_u64(&bytes, 56)).map_err(|_| bad("too large".into()))?;
        if ub > 30 || bb > 30 || vb > 30 || !(dim == DIM || (dim == 0 && nv == 0)) {
            return Err(bad("corrupt header".into()));
        }
        let width = if dim == DIM { RECORD } else { 0 };
        let sizes = Table::byte_len(ub, nu, 1)
            .zip(Table::byte_len(bb, nb, 1))
            .zip(Table::byte_len(vb, nv, width));
        let want =
            sizes.and_then(|((u, b), v)| HEADER.checked_add(u)?.checked_add(b)?.checked_add(v));
        let Some(((us, bs), _)) = sizes.filter(|_| want == Some(bytes.len())) else {
            return Err(bad(format!(
                "truncated or corrupt: {} bytes, header says {}",
                bytes.len(),
                want.map_or("overflow".into(), |w| w.to_string())
            )));
        };
        if checksum(&bytes[HEADER..]) != sum {
            return Err(bad("checksum mismatch: the file is corrupt".into()));
        }
        if !(total.is_finite() && total > 0.0) {
            return Err(bad("corrupt header (total)".into()));
        }
        let unigrams = Table::at(HEADER, ub, nu, 1);
        let bigrams = Table::at(HEADER + us, bb, nb, 1);
        let vectors = Table::at(HEADER + us + bs, vb, nv, width);
        // Bucket starts must be monotone and within the table, so lookups cannot index out of
        // bounds on a file that passed the checksum by accident.
        for t in [&unigrams, &bigrams, &vectors] {
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
            levels: std::array::from_fn(|q| dequantize(q as u8)),
            unigrams,
            bigrams,
            vectors,
            name,
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Tokens the counts are relative to.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Number of distinct words, pairs and word vectors.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.unigrams.len, self.bigrams.len, self.vectors.len)
    }

    /// Size in bytes.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Count of a lowercase word (0 if unseen), within about 5 %.
    pub fn count(&self, w: &str) -> f64 {
        self.count_of(&WordKey::new(w))
    }

    /// [`Model::count`] of an already hashed word.
    #[inline]
    pub fn count_of(&self, key: &WordKey) -> f64 {
        self.unigrams
            .find(&self.bytes, key.hash)
            .and_then(|i| self.unigrams.value::<1>(&self.bytes, i))
            .map_or(0.0, |v| self.levels[usize::from(v[0])])
    }

    /// The topic vector of a lowercase content word, if the model has one.
    pub fn vector(&self, w: &str) -> Option<WordVector<'_>> {
        self.vector_of(&WordKey::new(w))
    }

    /// [`Model::vector`] of an already hashed word.
    #[inline]
    pub fn vector_of(&self, key: &WordKey) -> Option<WordVector<'_>> {
        let record = self.vectors.get(&self.bytes, key.hash)?;
        record.try_into().ok().map(WordVector)
    }

    /// [`Model::vector_of`], with the vector's index in the vector table (below the third of
    /// [`Model::sizes`]), by which a caller can cache what it derives from the vector.
    #[inline]
    pub fn vector_entry_of(&self, key: &WordKey) -> Option<(usize, WordVector<'_>)> {
        let i = self.vectors.find(&self.bytes, key.hash)?;
        let record = self.vectors.value::<RECORD>(&self.bytes, i)?;
        Some((i, WordVector(record)))
    }

    /// Unique to this model among those loaded in the process (a clone shares it: same
    /// content), so that a cache keyed by vector-table entries can tell which model filled it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Count of the adjacent pair `w1 w2` (0 if unseen). Pairs of function words, and pairs
    /// too rare to be judged, are not stored.
    pub fn pair_count(&self, w1: &str, w2: &str) -> f64 {
        self.pair_count_of(&WordKey::new(w1), w2.as_bytes())
    }

    /// [`Model::pair_count`] with `w1` already hashed.
    pub fn pair_count_of(&self, w1: &WordKey, w2: &[u8]) -> f64 {
        self.bigrams
            .find(&self.bytes, w1.pair_hash(w2))
            .and_then(|i| self.bigrams.value::<1>(&self.bytes, i))
            .map_or(0.0, |v| self.levels[usize::from(v[0])])
    }

    /// How often the corpora reduplicate the lowercase content word `w` ("years and years"), 0
    /// if never: stored in the pair table (see [`train::reduplication_key`]).
    pub fn reduplications(&self, w: &str) -> f64 {
        self.reduplications_of(&WordKey::new(w))
    }

    /// [`Model::reduplications`] of an already hashed word.
    pub fn reduplications_of(&self, key: &WordKey) -> f64 {
        self.bigrams
            .get(&self.bytes, key.pair_hash(b"and"))
            .map_or(0.0, |v| self.levels[usize::from(v[0])])
    }

    /// Serialises counts and vectors into a model file.
    pub fn write(
        total: f64,
        unigrams: &mut [(u64, u8)],
        bigrams: &mut [(u64, u8)],
        vectors: &mut [(u64, [u8; RECORD])],
    ) -> Vec<u8> {
        let (ub, bb, vb) = (
            bits_for(unigrams.len()),
            bits_for(bigrams.len()),
            bits_for(vectors.len()),
        );
        // Only a capacity hint: tables that fit in memory cannot overflow it.
        let mut body = Vec::with_capacity(
            [
                Table::byte_len(ub, unigrams.len(), 1),
                Table::byte_len(bb, bigrams.len(), 1),
                Table::byte_len(vb, vectors.len(), RECORD),
            ]
            .into_iter()
            .flatten()
            .sum(),
        );
        let mut u: Vec<(u64, [u8; 1])> = unigrams.iter().map(|&(h, q)| (h, [q])).collect();
        let mut b: Vec<(u64, [u8; 1])> = bigrams.iter().map(|&(h, q)| (h, [q])).collect();
        Table::write(&mut body, ub, &mut u);
        Table::write(&mut body, bb, &mut b);
        Table::write(&mut body, vb, vectors);
        let dim = if vectors.is_empty() { 0 } else { DIM as u32 };
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(ub | (bb << 16)).to_le_bytes());
        out.extend_from_slice(&total.to_bits().to_le_bytes());
        out.extend_from_slice(&(unigrams.len() as u64).to_le_bytes());
        out.extend_from_slice(&(bigrams.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&(vb | (dim << 16)).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(vectors.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }
}

/// Rewrites the magic, version and checksum in the header of `bytes` (if it is long enough to
/// have one) to match the rest: lets the fuzzer and tests reach the checks that lie behind the
/// checksum, which random bytes would almost never pass.
#[doc(hidden)]
pub fn seal(bytes: &mut [u8]) {
    if bytes.len() < HEADER {
        return;
    }
    let sum = checksum(&bytes[HEADER..]);
    bytes[..8].copy_from_slice(MAGIC);
    bytes[8..12].copy_from_slice(&VERSION.to_le_bytes());
    bytes[40..48].copy_from_slice(&sum.to_le_bytes());
}

/// A word's topic vector: [`DIM`] signed bytes, stored as `u8` (two's complement), and how well
/// the word usually fits the text around it.
#[derive(Debug, Clone, Copy)]
pub struct WordVector<'a>(&'a [u8; RECORD]);

impl WordVector<'_> {
    /// Mean and standard deviation of the cosine between this word and the text around it in
    /// the training corpora.
    pub fn usual_fit(&self) -> (f32, f32) {
        (
            f32::from(self.0[DIM] as i8) / 100.0,
            f32::from(self.0[DIM + 1]) / 200.0,
        )
    }

    /// Component `i`.
    pub fn get(&self, i: usize) -> f32 {
        f32::from(self.0[i] as i8)
    }

    /// Euclidean length.
    #[inline(always)]
    pub fn norm(&self) -> f32 {
        // The squares are integers whose sum stays below 2^24, so an integer sum is exactly the
        // f32 sum, in any order.
        let sum: i32 = self.0[..DIM]
            .iter()
            .map(|&b| i32::from(b as i8) * i32::from(b as i8))
            .sum();
        (sum as f32).sqrt()
    }

    /// This vector scaled to unit length (zero if it is zero).
    #[inline(always)]
    pub fn unit(&self) -> [f32; DIM] {
        let mut unit = [0f32; DIM];
        self.unit_into(&mut unit);
        unit
    }

    /// [`WordVector::unit`] written into `out`, so a caller filling a buffer copies nothing.
    #[inline(always)]
    pub fn unit_into(&self, out: &mut [f32; DIM]) {
        let norm = self.norm();
        // A zero vector's direction is zero: 0/0 would be NaN. Dividing by one keeps it zero
        // without a second loop.
        let norm = if norm > 0.0 { norm } else { 1.0 };
        for (u, &b) in out.iter_mut().zip(&self.0[..DIM]) {
            *u = f32::from(b as i8) / norm;
        }
    }

    /// Cosine between this vector and `other`.
    pub fn cosine(&self, other: &[f32; DIM]) -> f32 {
        let dot: f32 = (0..DIM).map(|i| self.get(i) * other[i]).sum();
        let n2: f32 = other.iter().map(|x| x * x).sum::<f32>().sqrt();
        let n = self.norm() * n2;
        if n > 0.0 { dot / n } else { 0.0 }
    }
}

/// A direction and its usual fit (mean and standard deviation of a cosine) as a stored record:
/// each component scaled so the largest is ±127.
pub fn quantize_vector(v: &[f32; DIM], mean: f32, sd: f32) -> [u8; RECORD] {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let mut out = [0u8; RECORD];
    if max > 0.0 {
        for (o, x) in out.iter_mut().zip(v) {
            *o = ((x / max * 127.0).round() as i8) as u8;
        }
    }
    out[DIM] = ((mean * 100.0).round().clamp(-127.0, 127.0) as i8) as u8;
    out[DIM + 1] = (sd * 200.0).round().clamp(0.0, 255.0) as u8;
    out
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
        let mut unit = [0f32; DIM];
        unit[0] = 1.0;
        let mut v = vec![(hash_word("huge"), quantize_vector(&unit, 0.3, 0.1))];
        Model::write(1e6, &mut u, &mut b, &mut v)
    }

    #[test]
    fn round_trip() {
        let m = Model::from_bytes(Cow::Owned(tiny()), "t".into()).unwrap();
        assert!((m.count("huge") / 1000.0 - 1.0).abs() < 0.05);
        assert_eq!(m.count("serving"), 0.0);
        assert!((m.pair_count("huge", "favor") / 30.0 - 1.0).abs() < 0.05);
        assert_eq!(m.pair_count("favor", "huge"), 0.0);
        assert_eq!(m.total(), 1e6);
        let v = m.vector("huge").unwrap();
        let mut other = [0f32; DIM];
        other[0] = 2.0;
        assert!((v.cosine(&other) - 1.0).abs() < 1e-6);
        assert_eq!(v.usual_fit(), (0.3, 0.1));
        assert!(m.vector("favor").is_none());
    }

    #[test]
    fn word_keys_check_letters_and_unscored_words() {
        let cases: &[(&str, bool)] = &[
            ("minister", true),
            ("café", true),
            ("e.g", false),
            ("don't", false),
            ("x2", false),
            ("€5", false),
        ];
        for &(w, letters) in cases {
            let key = WordKey::of_letters(w.as_bytes());
            assert_eq!(key.is_some(), letters, "{w}");
            if let Some(key) = key {
                assert_eq!(key.hash, hash_word(w), "{w}");
            }
        }
        assert_eq!(
            WordKey::new("prime").pair_hash(b"minister"),
            hash_pair("prime", "minister")
        );
        assert_eq!(hash_word_const(b"and"), hash_word("and"));
        for w in UNSCORED_WORDS {
            assert!(is_unscored_word(w), "{w}");
        }
        for w in ["minister", "lyricist", "", "thee", "abouts"] {
            assert!(!is_unscored_word(w), "{w}");
        }
    }

    #[test]
    fn unit_vectors_match_the_norm() {
        let m = Model::embedded().unwrap();
        for w in ["minister", "lyricist", "bridge"] {
            let v = m.vector(w).unwrap();
            let norm = (0..DIM).map(|i| v.get(i).powi(2)).sum::<f32>().sqrt();
            assert_eq!(v.norm(), norm, "{w}");
            let unit = v.unit();
            for (i, u) in unit.iter().enumerate() {
                assert_eq!(*u, v.get(i) / norm, "{w} {i}");
            }
        }
    }

    #[test]
    fn vectors_are_found_with_their_entry() {
        let m = Model::embedded().unwrap();
        let mut entries = Vec::new();
        for w in ["minister", "lyricist", "bridge", "economy"] {
            let (i, v) = m.vector_entry_of(&WordKey::new(w)).unwrap();
            assert!(i < m.sizes().2, "{w}");
            assert_eq!(v.unit(), m.vector(w).unwrap().unit(), "{w}");
            entries.push(i);
        }
        entries.dedup();
        assert_eq!(entries.len(), 4);
        assert!(m.vector_entry_of(&WordKey::new("the")).is_none());
        // Each loaded model has its own id; a clone is the same model.
        let other = Model::embedded().unwrap();
        assert_ne!(m.id(), other.id());
        assert_eq!(m.id(), m.clone().id());
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
        // Damage behind a checksum that matches: the structural checks still catch it.
        let sealed = |at: usize, with: &[u8]| {
            let mut bytes = good.clone();
            bytes[at..at + with.len()].copy_from_slice(with);
            seal(&mut bytes);
            Model::from_bytes(Cow::Owned(bytes), "m".into())
                .unwrap_err()
                .to_string()
        };
        let e = sealed(HEADER + 4, &u32::MAX.to_le_bytes());
        assert!(e.contains("corrupt bucket index"), "{e}");
        let e = sealed(16, &f64::NAN.to_bits().to_le_bytes());
        assert!(e.contains("total"), "{e}");
        let e = sealed(24, &u64::MAX.to_le_bytes());
        assert!(e.contains("truncated or corrupt"), "{e}");
        let mut resealed = good.clone();
        seal(&mut resealed);
        assert_eq!(resealed, good);
    }

    #[test]
    // Load time is measured by the `start_up/model_load_embedded` bench, not asserted here.
    fn embedded_model_knows_english() {
        let m = Model::embedded().unwrap();
        assert!(m.count("government") > m.count("lyricist"));
        assert!(m.pair_count("prime", "minister") > 0.0);
    }
}
