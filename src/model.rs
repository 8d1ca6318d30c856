//! A compact statistical model of normal English: how often each word and each pair of adjacent
//! content words occurs, and a small vector per content word saying which words it keeps company
//! with (its topic), answered without allocating, from a file that loads in milliseconds.
//!
//! Built by `mtlint train` ([`train`]) from raw text and n-gram tables; the default model
//! (`lexicons/english.model`) is embedded in the binary.
//!
//! # File format (version 3, little-endian)
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | magic `MTLINTLM` |
//! | 4 | version (3) |
//! | 4 | bucket bits of the unigram table (`ub`) and of the bigram table (`bb`), 2 bytes each |
//! | 8 | `total`: tokens the counts are relative to (f64) |
//! | 8 | number of unigrams `nu` |
//! | 8 | number of bigrams `nb` |
//! | 8 | checksum of everything after the header |
//! | 4 | bucket bits of the vector table (`vb`, 2 bytes) and the vector dimension (2 bytes: 0 or [`DIM`]) |
//! | 4 | buckets per line of the unigram, bigram and vector tables, as a shift (0 or 1, a byte each), then 0 |
//! | 8 | number of word vectors `nv` |
//! | … | unigram table, bigram table, vector table, `nv` directions ([`DIM`] bytes each), `nv` usual fits (2 bytes each) |
//!
//! Every table, the directions and the usual fits start at a multiple of 64 bytes (zero
//! padding) and the file ends at one; the model is kept 64-byte aligned in memory, so each
//! table line is one cache line.
//!
//! A key is a 64-bit hash: its top `b` bits (the table's bucket bits) pick its bucket and its
//! low 32 bits are its fingerprint. A table with `b` bucket bits and shift `s` is `2^(b-s)`
//! lines of 64 bytes, line `i` holding buckets `i << s` to `(i << s) + 2^s - 1`, then its
//! spilled entries. A line holds up to 12 (count tables) or 14 (vector table) entries in the
//! order of the keys (by bucket, then fingerprint): their fingerprints (u32 each), then for
//! counts one byte each (`round(8 · log2 count)`, at least 1), for vectors the index of the
//! line's first entry (u32, entries numbered in key order); then at byte 60 the number of
//! entries in the line, at 61 how many of them are in the line's first bucket, at 62 1 if the
//! line's buckets have more entries than fit (spilled), 0 if not, and at 63 a 0. The spilled
//! entries of all lines follow the lines: their keys as u64 (bucket << 32 | fingerprint,
//! ascending), then their values (a count byte, or a vector's entry index as u32). Their number
//! is what the lines leave of the table's key count.
//!
//! A direction is [`DIM`] signed bytes (only angles between vectors mean something); a usual
//! fit is the mean (signed byte, /100) and standard deviation (byte, /200) of the cosine
//! between the word and the text around it in the training corpora: how well the word usually
//! fits its surroundings. A direction scaled to length 1 ([`WordVector::unit`]) is computed for
//! every vector once, on the first vector look-up, and kept beside the loaded model (9.4 MB for
//! the default model's 36,656 vectors): `oddity` reads it rather than computing it for every
//! word of every article. Not stored in the file, so the binary does not carry it and a run
//! without `oddity` never computes it.
//!
//! A lookup hashes the word(s) and reads one line (plus a binary search of the spilled entries
//! if the line spilled), which answers a count; a vector's direction is one more cache line,
//! its unit vector four. No allocation (but the unit vectors' once), no index of bucket starts
//! on the way (version 2 had one: three dependent cache misses per lookup). Entries that share
//! a bucket and a fingerprint are written once: no lookup could find the second.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::sync::OnceLock;

pub mod adverbs;
pub mod train;

const MAGIC: &[u8; 8] = b"MTLINTLM";
const VERSION: u32 = 3;
const HEADER: usize = 64;
/// Dimension of the word vectors.
pub const DIM: usize = 64;
/// Bytes per word-vector record: the direction, then the usual fit (mean, spread).
pub const RECORD: usize = DIM + 2;
/// Most topic vectors a model may hold. `oddity` keeps a 256-byte unit vector of each in memory,
/// so this bounds that to 256 MiB; a file claiming more is refused at load rather than left to
/// fail an allocation (the default model has 36,656, and `mtlint train` keeps the most frequent).
pub const MAX_VECTORS: usize = 1 << 20;

/// The default model, trained on the CMU US-English LM and native corpora (see
/// `lexicons/LICENSES.md`), aligned to a cache line like every table line in it.
static EMBEDDED: &Aligned<[u8]> = &Aligned(*include_bytes!("../lexicons/english.model"));

/// Bytes aligned to a cache line.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

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

/// Bytes per table line: one cache line.
const LINE: usize = 64;
/// Fingerprints a line of a count table holds (48 bytes), followed by their one-byte values.
const COUNT_SLOTS: usize = 12;
/// Fingerprints a line of the vector table holds (56 bytes), followed by the index of the
/// line's first entry.
const VECTOR_SLOTS: usize = 14;
/// Where a line's metadata starts: the number of entries in the line, how many of them belong
/// to the line's first bucket, and whether some of the line's entries spilled.
const META: usize = 60;

/// Entries a line of the vector table, or of a count table, holds.
fn slots_per_line(vector: bool) -> usize {
    if vector { VECTOR_SLOTS } else { COUNT_SLOTS }
}

/// Where a key was found: in a line (its bytes and the key's position there), or as entry `i`
/// of the table's spilled entries.
enum Found<'a> {
    Line(&'a [u8; LINE], usize),
    Spilled(usize),
}

/// One hashed table inside the model bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Table {
    /// Bucket bits: the top `bits` bits of a key's hash pick its bucket.
    bits: u32,
    /// Buckets per line: `1 << shift`, `shift` 0 or 1.
    shift: u32,
    /// Offset into the model bytes of the lines…
    lines: usize,
    /// …of the spilled entries' keys (u64 each, sorted), which follow them…
    spilled: usize,
    /// Number of spilled entries.
    spills: usize,
    /// …and of the spilled entries' values, which follow the keys.
    spilled_values: usize,
    /// Number of keys.
    len: usize,
}

impl Table {
    /// The bucket of key `h`: its top `bits` bits (none for 0 bits, where `h >> 64` would
    /// overflow).
    #[inline(always)]
    fn bucket(bits: u32, h: u64) -> usize {
        ((h >> 1) >> (63 - bits)) as usize
    }

    /// Bytes of the lines of a table with `bits` bucket bits and `shift`; `None` if that
    /// overflows.
    fn line_bytes(bits: u32, shift: u32) -> Option<usize> {
        1usize
            .checked_shl(bits.checked_sub(shift)?)?
            .checked_mul(LINE)
    }

    /// Finds key `h`: one cache line, unless the line's buckets spilled and `h` is not in it.
    #[inline(always)]
    fn find<'a>(&self, bytes: &'a [u8], h: u64) -> Option<Found<'a>> {
        let bucket = Table::bucket(self.bits, h);
        let line = bytes
            .get(self.lines + (bucket >> self.shift) * LINE..)?
            .first_chunk::<LINE>()?;
        let (n, split) = (u32::from(line[META]), u32::from(line[META + 1]));
        // Entries `..split` are the first bucket's, `split..n` the second's (loading checked
        // that split <= n <= VECTOR_SLOTS).
        let (lo, hi) = if bucket & ((1 << self.shift) - 1) == 0 {
            (0, split)
        } else {
            (split, n)
        };
        let fp = h as u32;
        // Every slot compared at once (a count line's values compare too, outside the range).
        let mut hits = 0u32;
        for (i, k) in line[..VECTOR_SLOTS * 4].chunks_exact(4).enumerate() {
            hits |= u32::from(u32::from_le_bytes([k[0], k[1], k[2], k[3]]) == fp) << i;
        }
        let hits = hits & ((1 << hi) - (1 << lo));
        if hits != 0 {
            return Some(Found::Line(line, hits.trailing_zeros() as usize));
        }
        if line[META + 2] == 0 {
            return None;
        }
        self.find_spilled(bytes, ((bucket as u64) << 32) | u64::from(fp))
            .map(Found::Spilled)
    }

    /// The index of `key` (bucket and fingerprint) among the spilled entries.
    #[cold]
    fn find_spilled(&self, bytes: &[u8], key: u64) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.spills);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match read_u64(bytes, self.spilled + mid * 8)?.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The one-byte value of key `h` in a count table.
    #[inline(always)]
    fn count(&self, bytes: &[u8], h: u64) -> Option<u8> {
        match self.find(bytes, h)? {
            Found::Line(line, i) => line.get(COUNT_SLOTS * 4 + i).copied(),
            Found::Spilled(i) => bytes.get(self.spilled_values + i).copied(),
        }
    }

    /// The entry index of key `h` in the vector table.
    #[inline(always)]
    fn entry(&self, bytes: &[u8], h: u64) -> Option<usize> {
        match self.find(bytes, h)? {
            Found::Line(line, i) => Some(read_u32(line, VECTOR_SLOTS * 4)? as usize + i),
            Found::Spilled(i) => Some(read_u32(bytes, self.spilled_values + i * 4)? as usize),
        }
    }

    /// Reads the table at `offset` of a model whose header says `bits`, `shift` and `len` keys,
    /// `width` bytes per spilled value (1 for counts, 4 for the vector table's entry indices):
    /// checks every line, so that no look-up can index out of bounds or loop, and returns the
    /// table and the offset just past it.
    fn read(
        bytes: &[u8],
        offset: usize,
        (bits, shift, len): (u32, u32, usize),
        width: usize,
    ) -> std::result::Result<(Table, usize), String> {
        let vector = width == 4;
        let slots = slots_per_line(vector);
        let lines_end = Table::line_bytes(bits, shift)
            .and_then(|b| offset.checked_add(b))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| format!("truncated or corrupt: {} bytes", bytes.len()))?;
        let mut in_lines = 0usize;
        let mut spilled_lines = false;
        for line in bytes[offset..lines_end].chunks_exact(LINE) {
            let (n, split, spills) = (
                usize::from(line[META]),
                usize::from(line[META + 1]),
                line[META + 2],
            );
            let first = read_u32(line, VECTOR_SLOTS * 4).unwrap_or(0) as usize;
            if n > slots
                || split > n
                || (shift == 0 && split != n)
                || spills > 1
                || line[META + 3] != 0
                || (vector && first.saturating_add(n) > len)
            {
                return Err("corrupt table line".into());
            }
            in_lines += n;
            spilled_lines |= spills == 1;
        }
        let spills = len
            .checked_sub(in_lines)
            .ok_or_else(|| "corrupt table line counts".to_string())?;
        let spilled = lines_end;
        let spilled_values = spills.checked_mul(8).and_then(|k| spilled.checked_add(k));
        let end = spilled_values
            .and_then(|v| v.checked_add(spills.checked_mul(width)?))
            .and_then(|end| end.checked_next_multiple_of(LINE))
            .filter(|&end| end <= bytes.len());
        let (Some(spilled_values), Some(end)) = (spilled_values, end) else {
            return Err(format!("truncated or corrupt: {} bytes", bytes.len()));
        };
        if (spills > 0) != spilled_lines {
            return Err("corrupt table line counts".into());
        }
        let mut prev = None;
        for i in 0..spills {
            let key = read_u64(bytes, spilled + i * 8).unwrap_or(0);
            if prev.is_some_and(|p| p >= key)
                || (vector
                    && read_u32(bytes, spilled_values + i * 4).is_none_or(|e| e as usize >= len))
            {
                return Err("corrupt spilled entries".into());
            }
            prev = Some(key);
        }
        let table = Table {
            bits,
            shift,
            lines: offset,
            spilled,
            spills,
            spilled_values,
            len,
        };
        Ok((table, end))
    }

    /// Serialises entries (`keys`, and `values` in the same order), sorted and without
    /// duplicates (see [`prepare`]), with `bits` bucket bits and `shift`: count tables (`values` one byte each) store the
    /// values in the lines; the vector table (no values) stores each line's first entry index.
    fn write(out: &mut Vec<u8>, bits: u32, shift: u32, keys: &[u64], values: Option<&[u8]>) {
        let slots = slots_per_line(values.is_none());
        let mut spilled: Vec<usize> = Vec::new();
        let mut at = 0;
        for line in 0..1usize << (bits - shift) {
            let start = at;
            while at < keys.len() && Table::bucket(bits, keys[at]) >> shift == line {
                at += 1;
            }
            let n = (at - start).min(slots);
            let mut bytes = [0u8; LINE];
            for (i, &h) in keys[start..start + n].iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&(h as u32).to_le_bytes());
            }
            match values {
                Some(v) => bytes[COUNT_SLOTS * 4..COUNT_SLOTS * 5][..n]
                    .copy_from_slice(&v[start..start + n]),
                None => {
                    bytes[VECTOR_SLOTS * 4..META].copy_from_slice(&(start as u32).to_le_bytes())
                }
            }
            let first_bucket = keys[start..start + n]
                .iter()
                .take_while(|&&h| Table::bucket(bits, h) & ((1 << shift) - 1) == 0)
                .count();
            bytes[META] = n as u8;
            bytes[META + 1] = first_bucket as u8;
            bytes[META + 2] = u8::from(at - start > n);
            out.extend_from_slice(&bytes);
            spilled.extend(start + n..at);
        }
        for &i in &spilled {
            let key = ((Table::bucket(bits, keys[i]) as u64) << 32) | (keys[i] & 0xffff_ffff);
            out.extend_from_slice(&key.to_le_bytes());
        }
        for &i in &spilled {
            match values {
                Some(v) => out.push(v[i]),
                None => out.extend_from_slice(&(i as u32).to_le_bytes()),
            }
        }
        out.resize(out.len().next_multiple_of(LINE), 0);
    }
}

/// Sorts `(hash, value)` entries as the table stores them (by bucket, then fingerprint) and
/// keeps the first of entries that share both, which is the only one a look-up could find.
fn prepare<V>(bits: u32, entries: &mut Vec<(u64, V)>) {
    entries.sort_unstable_by_key(|(h, _)| (Table::bucket(bits, *h), *h as u32));
    entries.dedup_by_key(|(h, _)| (Table::bucket(bits, *h), *h as u32));
}

/// Buckets per line (as a shift) for `n` keys in `bits` bucket bits and lines of `slots`
/// entries: two when that leaves lines on average at most half full, so few spill.
fn shift_for(bits: u32, n: usize, slots: usize) -> u32 {
    u32::from(bits > 0 && n <= (slots / 2) << (bits - 1))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*bytes.get(at..)?.first_chunk::<4>()?))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(*bytes.get(at..)?.first_chunk::<8>()?))
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
#[derive(Debug)]
pub struct Model {
    /// The file's bytes, from `base` on, which is a multiple of [`LINE`] in memory so that
    /// each table line is one cache line.
    bytes: Cow<'static, [u8]>,
    base: usize,
    total: f64,
    /// The count each stored byte stands for, so a lookup does not call `exp2`.
    levels: [f64; 256],
    unigrams: Table,
    bigrams: Table,
    vectors: Table,
    /// Offsets (from `base`) of the vector directions ([`DIM`] bytes each) and usual fits (2
    /// bytes each).
    directions: usize,
    fits: usize,
    /// The unit vector of each direction, computed on the first vector look-up.
    units: OnceLock<Box<[Unit]>>,
    /// Where it came from, for messages.
    pub name: String,
}

/// A copy of `data` starting at a multiple of [`LINE`] in memory, and where it starts.
fn aligned(data: &[u8]) -> (Cow<'static, [u8]>, usize) {
    let mut buf = Vec::with_capacity(data.len() + LINE);
    let base = (LINE - buf.as_ptr() as usize % LINE) % LINE;
    buf.resize(base, 0);
    buf.extend_from_slice(data);
    (Cow::Owned(buf), base)
}

impl Clone for Model {
    /// A clone of a model read from a file has its own copy of the bytes, aligned again (the
    /// embedded model's are shared); its unit vectors are computed again when first needed.
    fn clone(&self) -> Model {
        let (bytes, base) = match &self.bytes {
            Cow::Borrowed(b) => (Cow::Borrowed(*b), self.base),
            Cow::Owned(_) => aligned(self.data()),
        };
        Model {
            bytes,
            base,
            name: self.name.clone(),
            units: OnceLock::new(),
            ..*self
        }
    }
}

impl Model {
    /// The embedded default model.
    pub fn embedded() -> Result<Model> {
        Model::from_bytes(Cow::Borrowed(&EMBEDDED.0), "embedded model".into())
    }

    /// Reads a model file written by `mtlint train`.
    pub fn read(path: &std::path::Path) -> Result<Model> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Model::from_bytes(Cow::Owned(bytes), path.display().to_string())
    }

    /// The model file's bytes.
    #[inline(always)]
    fn data(&self) -> &[u8] {
        self.bytes.get(self.base..).unwrap_or_default()
    }

    /// Checks header, sizes, checksum and every table line.
    pub fn from_bytes(bytes: Cow<'static, [u8]>, name: String) -> Result<Model> {
        let bad = |m: String| Error::Model {
            name: name.clone(),
            message: m,
        };
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(bad("not an mtlint model (bad magic)".into()));
        }
        let u32_at = |at| read_u32(&bytes, at).unwrap_or(0);
        let u64_at = |at| read_u64(&bytes, at).unwrap_or(0);
        let version = u32_at(8);
        if version != VERSION {
            return Err(bad(format!(
                "model version {version}, this mtlint reads version {VERSION}; retrain it with `mtlint train`"
            )));
        }
        let bits = u32_at(12);
        let (ub, bb) = (bits & 0xffff, bits >> 16);
        let total = f64::from_bits(u64_at(16));
        let nu = usize::try_from(u64_at(24)).map_err(|_| bad("too large".into()))?;
        let nb = usize::try_from(u64_at(32)).map_err(|_| bad("too large".into()))?;
        let sum = u64_at(40);
        let vbits = u32_at(48);
        let (vb, dim) = (vbits & 0xffff, (vbits >> 16) as usize);
        let (us, bs, vs) = (
            u32::from(bytes[52]),
            u32::from(bytes[53]),
            u32::from(bytes[54]),
        );
        let nv = usize::try_from(u64_at(56)).map_err(|_| bad("too large".into()))?;
        if ub > 30
            || bb > 30
            || vb > 30
            || us > ub.min(1)
            || bs > bb.min(1)
            || vs > vb.min(1)
            || bytes[55] != 0
            || !(dim == DIM || (dim == 0 && nv == 0))
        {
            return Err(bad("corrupt header".into()));
        }
        if nv > MAX_VECTORS {
            return Err(bad(format!(
                "{nv} topic vectors; mtlint holds at most {MAX_VECTORS}: retrain it with `mtlint train`, which keeps the most frequent words"
            )));
        }
        let (unigrams, at) = Table::read(&bytes, HEADER, (ub, us, nu), 1).map_err(&bad)?;
        let (bigrams, at) = Table::read(&bytes, at, (bb, bs, nb), 1).map_err(&bad)?;
        let (vectors, directions) = Table::read(&bytes, at, (vb, vs, nv), 4).map_err(&bad)?;
        let fits = nv.checked_mul(DIM).and_then(|d| directions.checked_add(d));
        let end = fits
            .and_then(|f| f.checked_add(nv.checked_mul(2)?))
            .and_then(|end| end.checked_next_multiple_of(LINE));
        let (Some(fits), Some(end)) = (fits, end) else {
            return Err(bad("truncated or corrupt: too many vectors".into()));
        };
        if end != bytes.len() {
            return Err(bad(format!(
                "truncated or corrupt: {} bytes, header says {end}",
                bytes.len()
            )));
        }
        if checksum(&bytes[HEADER..]) != sum {
            return Err(bad("checksum mismatch: the file is corrupt".into()));
        }
        if !(total.is_finite() && total > 0.0) {
            return Err(bad("corrupt header (total)".into()));
        }
        // Each table line should be one cache line: copy the bytes if they start elsewhere.
        let (bytes, base) = if (bytes.as_ptr() as usize).is_multiple_of(LINE) {
            (bytes, 0)
        } else {
            aligned(&bytes)
        };
        Ok(Model {
            bytes,
            base,
            total,
            levels: std::array::from_fn(|q| dequantize(q as u8)),
            unigrams,
            bigrams,
            vectors,
            directions,
            fits,
            units: OnceLock::new(),
            name,
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
        self.data().len()
    }

    /// The count a stored byte stands for.
    #[inline(always)]
    fn level(&self, q: u8) -> f64 {
        self.levels[usize::from(q)]
    }

    /// Count of a lowercase word (0 if unseen), within about 5 %.
    pub fn count(&self, w: &str) -> f64 {
        self.count_of(&WordKey::new(w))
    }

    /// [`Model::count`] of an already hashed word.
    #[inline]
    pub fn count_of(&self, key: &WordKey) -> f64 {
        self.unigrams
            .count(self.data(), key.hash)
            .map_or(0.0, |q| self.level(q))
    }

    /// The topic vector of a lowercase content word, if the model has one.
    pub fn vector(&self, w: &str) -> Option<WordVector<'_>> {
        self.vector_of(&WordKey::new(w))
    }

    /// [`Model::vector`] of an already hashed word.
    #[inline]
    pub fn vector_of(&self, key: &WordKey) -> Option<WordVector<'_>> {
        self.vector_entry_of(key).map(|(_, v)| v)
    }

    /// [`Model::vector_of`], with the vector's index in the vector table (below the third of
    /// [`Model::sizes`]), by which a caller can cache what it derives from the vector.
    #[inline]
    pub fn vector_entry_of(&self, key: &WordKey) -> Option<(usize, WordVector<'_>)> {
        let bytes = self.data();
        let i = self.vectors.entry(bytes, key.hash)?;
        // Only addresses: the direction is read when it is used, and the usual fit (another
        // cache line) only for the rare word that fits its surroundings badly.
        let direction = bytes
            .get(self.directions + i * DIM..)?
            .first_chunk::<DIM>()?;
        let fit = bytes.get(self.fits + i * 2..)?.first_chunk::<2>()?;
        let unit = &self.units().get(i)?.0;
        Some((
            i,
            WordVector {
                direction,
                fit,
                unit,
            },
        ))
    }

    /// Every vector's unit vector, by entry, computed on the first call.
    fn units(&self) -> &[Unit] {
        self.units.get_or_init(|| {
            let directions = self.data().get(self.directions..).unwrap_or_default();
            directions
                .as_chunks::<DIM>()
                .0
                .iter()
                .take(self.vectors.len)
                .map(|d| Unit(unit_of(d)))
                .collect()
        })
    }

    /// Count of the adjacent pair `w1 w2` (0 if unseen). Pairs of function words, and pairs
    /// too rare to be judged, are not stored.
    pub fn pair_count(&self, w1: &str, w2: &str) -> f64 {
        self.pair_count_of(&WordKey::new(w1), w2.as_bytes())
    }

    /// [`Model::pair_count`] with `w1` already hashed.
    pub fn pair_count_of(&self, w1: &WordKey, w2: &[u8]) -> f64 {
        self.bigrams
            .count(self.data(), w1.pair_hash(w2))
            .map_or(0.0, |q| self.level(q))
    }

    /// How often the corpora reduplicate the lowercase content word `w` ("years and years"), 0
    /// if never: stored in the pair table (see [`train::reduplication_key`]).
    pub fn reduplications(&self, w: &str) -> f64 {
        self.reduplications_of(&WordKey::new(w))
    }

    /// [`Model::reduplications`] of an already hashed word.
    pub fn reduplications_of(&self, key: &WordKey) -> f64 {
        self.bigrams
            .count(self.data(), key.pair_hash(b"and"))
            .map_or(0.0, |q| self.level(q))
    }

    /// How often the lowercase content word `w` is followed by any adjective of
    /// `lexicons/adverbs.csv`, and by any of their -ly adverbs: (adjectives, adverbs).
    pub fn adverb_classes(&self, w: &str) -> (f64, f64) {
        self.adverb_classes_of(&WordKey::new(w))
    }

    /// [`Model::adverb_classes`] of an already hashed word.
    pub fn adverb_classes_of(&self, key: &WordKey) -> (f64, f64) {
        let count = |class: &str| {
            self.bigrams
                .count(self.data(), key.pair_hash(class.as_bytes()))
                .map_or(0.0, |q| self.level(q))
        };
        (count(train::ADJECTIVES), count(train::ADVERBS))
    }

    /// Serialises counts and vectors into a model file. Entries that share a bucket and a
    /// fingerprint with an earlier one (after sorting) are dropped: no look-up could reach them.
    pub fn write(
        total: f64,
        unigrams: &[(u64, u8)],
        bigrams: &[(u64, u8)],
        vectors: &[(u64, [u8; RECORD])],
    ) -> Vec<u8> {
        let (ub, bb, vb) = (
            bits_for(unigrams.len()),
            bits_for(bigrams.len()),
            bits_for(vectors.len()),
        );
        let (mut u, mut b, mut v) = (unigrams.to_vec(), bigrams.to_vec(), vectors.to_vec());
        prepare(ub, &mut u);
        prepare(bb, &mut b);
        prepare(vb, &mut v);
        let (us, bs, vs) = (
            shift_for(ub, u.len(), slots_per_line(false)),
            shift_for(bb, b.len(), slots_per_line(false)),
            shift_for(vb, v.len(), slots_per_line(true)),
        );
        let mut body = Vec::new();
        for (bits, shift, table) in [(ub, us, &u), (bb, bs, &b)] {
            let (keys, values): (Vec<u64>, Vec<u8>) = table.iter().copied().unzip();
            Table::write(&mut body, bits, shift, &keys, Some(&values));
        }
        let keys: Vec<u64> = v.iter().map(|(h, _)| *h).collect();
        Table::write(&mut body, vb, vs, &keys, None);
        for (_, record) in &v {
            body.extend_from_slice(&record[..DIM]);
        }
        for (_, record) in &v {
            body.extend_from_slice(&record[DIM..]);
        }
        body.resize(body.len().next_multiple_of(LINE), 0);
        let dim = if v.is_empty() { 0 } else { DIM as u32 };
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(ub | (bb << 16)).to_le_bytes());
        out.extend_from_slice(&total.to_bits().to_le_bytes());
        out.extend_from_slice(&(u.len() as u64).to_le_bytes());
        out.extend_from_slice(&(b.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&(vb | (dim << 16)).to_le_bytes());
        out.extend_from_slice(&[us as u8, bs as u8, vs as u8, 0]);
        out.extend_from_slice(&(v.len() as u64).to_le_bytes());
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
pub struct WordVector<'a> {
    direction: &'a [u8; DIM],
    fit: &'a [u8; 2],
    /// [`unit_of`] the direction.
    unit: &'a [f32; DIM],
}

/// A unit vector, on a cache line of its own (four, in fact: 256 bytes).
#[derive(Debug)]
#[repr(C, align(64))]
struct Unit([f32; DIM]);

/// Euclidean length of a direction.
#[inline(always)]
fn norm_of(direction: &[u8; DIM]) -> f32 {
    // The squares are integers whose sum stays below 2^24, so an integer sum is exactly the f32
    // sum, in any order.
    let sum: i32 = direction
        .iter()
        .map(|&b| i32::from(b as i8) * i32::from(b as i8))
        .sum();
    (sum as f32).sqrt()
}

/// A direction scaled to unit length (zero if it is zero): what [`WordVector::unit`] gives.
/// Each component is one correctly rounded division, so any build computes the same floats.
fn unit_of(direction: &[u8; DIM]) -> [f32; DIM] {
    let norm = norm_of(direction);
    // A zero vector's direction is zero: 0/0 would be NaN. Dividing by one keeps it zero.
    let norm = if norm > 0.0 { norm } else { 1.0 };
    std::array::from_fn(|i| f32::from(direction[i] as i8) / norm)
}

impl WordVector<'_> {
    /// Mean and standard deviation of the cosine between this word and the text around it in
    /// the training corpora.
    pub fn usual_fit(&self) -> (f32, f32) {
        (
            f32::from(self.fit[0] as i8) / 100.0,
            f32::from(self.fit[1]) / 200.0,
        )
    }

    /// Component `i`.
    pub fn get(&self, i: usize) -> f32 {
        f32::from(self.direction[i] as i8)
    }

    /// Euclidean length.
    #[inline(always)]
    pub fn norm(&self) -> f32 {
        norm_of(self.direction)
    }

    /// This vector scaled to unit length (zero if it is zero).
    #[inline(always)]
    pub fn unit(&self) -> [f32; DIM] {
        *self.unit
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
        let u = vec![
            (hash_word("huge"), quantize(1000.0)),
            (hash_word("favor"), quantize(500.0)),
        ];
        let b = vec![(hash_pair("huge", "favor"), quantize(30.0))];
        let mut unit = [0f32; DIM];
        unit[0] = 1.0;
        let v = vec![(hash_word("huge"), quantize_vector(&unit, 0.3, 0.1))];
        Model::write(1e6, &u, &b, &v)
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
            assert_eq!(unit, unit_of(v.direction), "{w}");
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
        // A clone answers the same.
        let clone = m.clone();
        assert_eq!(
            clone.vector_entry_of(&WordKey::new("bridge")).unwrap().0,
            entries[2]
        );
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
        // A line claiming more entries than it holds, or a first bucket larger than the line.
        let e = sealed(HEADER + META, &[200]);
        assert!(e.contains("corrupt table line"), "{e}");
        let e = sealed(HEADER + META + 1, &[13]);
        assert!(e.contains("corrupt table line"), "{e}");
        let e = sealed(52, &[2]);
        assert!(e.contains("corrupt header"), "{e}");
        // A version 2 file is named as such.
        let mut old = good.clone();
        old[8..12].copy_from_slice(&2u32.to_le_bytes());
        let e = Model::from_bytes(Cow::Owned(old), "m".into())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("model version 2, this mtlint reads version 3; retrain it"),
            "{e}"
        );
        let e = sealed(16, &f64::NAN.to_bits().to_le_bytes());
        assert!(e.contains("total"), "{e}");
        let e = sealed(24, &u64::MAX.to_le_bytes());
        assert!(e.contains("truncated or corrupt"), "{e}");
        // More topic vectors than their unit vectors may take memory for: refused at load, with
        // what to do, before their size is checked against the file's.
        let e = sealed(56, &(MAX_VECTORS as u64 + 1).to_le_bytes());
        assert!(
            e.contains("1048577 topic vectors; mtlint holds at most 1048576: retrain it"),
            "{e}"
        );
        let e = sealed(56, &(MAX_VECTORS as u64).to_le_bytes());
        assert!(e.contains("truncated or corrupt"), "{e}");
        let mut resealed = good.clone();
        seal(&mut resealed);
        assert_eq!(resealed, good);
    }

    /// Keys crowded into one bucket spill out of their line; every key is still found, with its
    /// value, and a look-up answers by bucket and fingerprint alone, as version 2 did: a key
    /// that differs from a stored one only in the bits between them is found too.
    #[test]
    fn lookups_match_buckets_and_fingerprints_through_spills() {
        // 2,040 keys: one bucket per line, 40 keys crowded into bucket 0 (top bits zero).
        // 1,240 keys: two buckets per line, 20 keys crowded into each of line 0's buckets.
        let one_per_line: Vec<u64> = (0..40u64)
            .map(|i| mix(i) >> 12)
            .chain((0..2000u64).map(|i| mix(i + 1000)))
            .collect();
        let two_per_line: Vec<u64> = (0..20u64)
            .map(|i| mix(i) >> 12)
            .chain((20..40u64).map(|i| (mix(i) >> 9) | 1 << 55))
            .chain((0..1200u64).map(|i| mix(i + 1000)))
            .collect();
        for (keys, shift) in [(one_per_line, 0), (two_per_line, 1)] {
            let u: Vec<(u64, u8)> = keys.iter().map(|&h| (h, (h >> 40) as u8 | 1)).collect();
            let b = u.clone();
            let v: Vec<(u64, [u8; RECORD])> = keys
                .iter()
                .map(|&h| (h, std::array::from_fn(|i| (h >> (i % 56)) as u8)))
                .collect();
            let bytes = Model::write(1e6, &u, &b, &v);
            let m = Model::from_bytes(Cow::Owned(bytes), "t".into()).unwrap();
            // A clone is its own aligned copy of the bytes, and answers the same.
            let m = m.clone();
            assert_eq!(m.data().as_ptr() as usize % LINE, 0);
            assert_eq!((m.unigrams.shift, m.vectors.shift), (shift, shift));
            assert!(m.unigrams.spills > 0 && m.vectors.spills > 0, "{shift}");
            assert_eq!(m.sizes(), (keys.len(), keys.len(), keys.len()));
            let data = m.data();
            for (&h, &(_, value)) in keys.iter().zip(&u) {
                // Same bucket and fingerprint, other bits in between.
                let twin = h ^ (1 << 35);
                for probe in [h, twin] {
                    assert_eq!(m.unigrams.count(data, probe), Some(value), "{h:x}");
                    assert_eq!(m.bigrams.count(data, probe), Some(value), "{h:x}");
                    let i = m.vectors.entry(data, probe).unwrap();
                    let (_, v) = m
                        .vector_entry_of(&WordKey {
                            fnv: 0,
                            hash: probe,
                        })
                        .unwrap();
                    let record: [u8; RECORD] = std::array::from_fn(|j| (h >> (j % 56)) as u8);
                    assert_eq!(v.direction[..], record[..DIM], "{h:x} {i}");
                    assert_eq!(v.fit[..], record[DIM..], "{h:x} {i}");
                }
                // Another fingerprint, or another bucket, is absent.
                assert_eq!(m.unigrams.count(data, h ^ 1), None, "{h:x}");
                assert_eq!(m.vectors.entry(data, h ^ (1 << 63)), None, "{h:x}");
            }
        }
    }

    #[test]
    // Load time is measured by the `start_up/model_load_embedded` bench, not asserted here.
    fn embedded_model_knows_english() {
        let m = Model::embedded().unwrap();
        assert!(m.count("government") > m.count("lyricist"));
        assert!(m.pair_count("prime", "minister") > 0.0);
    }
}
