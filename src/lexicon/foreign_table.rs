//! The compact form of `lexicons/foreign-words.tsv`: an open-addressing hash table in one byte
//! buffer. `build.rs` includes this file to parse and pack the shipped table at build time, so
//! start-up reads it in place (`include_bytes!`) instead of parsing 100,000 lines; the crate
//! uses the same code to look words up and to pack tables it parses at run time.
//!
//! Layout (little-endian): `slots: u32`, `entries: u32`, then a filter of `slots` bytes (one bit
//! per word hash, so most absent words cost no probe), then `slots` × u32 (0 = empty, else
//! entry index + 1), then `entries` × 12 bytes (`pool offset: u32, len: u8, tag: u8,
//! lang: u8, flag: u8, cb: i16, cb_en: i16`), then the word pool.

/// Source languages with a frequency list, in table order.
pub const LANGUAGES: &[&str] = &["nl", "de", "fr", "es"];

const HEADER_BYTES: usize = 8;
const ENTRY_BYTES: usize = 12;

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub word: &'a str,
    pub value: Value,
}

/// What the table says about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    /// Index into [`LANGUAGES`].
    pub lang: u8,
    /// Frequency in its language, centibels.
    pub cb: i16,
    /// Frequency in English, centibels (`i16::MIN` when absent).
    pub cb_en: i16,
    /// Foreign enough to flag as untranslated; otherwise only evidence of the source language.
    pub flag: bool,
}

/// A malformed TSV line: 1-based line and column, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u64,
    pub column: usize,
    pub message: &'static str,
}

/// Parses `word<TAB>lang<TAB>cb<TAB>cb_en<TAB>kind` lines (`kind`: `flag` or `evidence`;
/// `cb_en`: `-` when absent). Comment lines start with `#`.
pub fn parse(text: &str) -> Result<Vec<Row<'_>>, ParseError> {
    let mut rows = Vec::with_capacity(text.len() / 24);
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |column: usize, message: &'static str| ParseError {
            line: i as u64 + 1,
            column,
            message,
        };
        let mut f = line.split('\t');
        let (Some(word), Some(lang), Some(cb), Some(cb_en), Some(kind), None) =
            (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(err(
                1,
                "expected word, lang, cb, cb_en, kind separated by tabs",
            ));
        };
        let flag = match kind {
            "flag" => true,
            "evidence" => false,
            _ => return Err(err(5, "kind must be 'flag' or 'evidence'")),
        };
        let lang = LANGUAGES
            .iter()
            .position(|l| *l == lang)
            .ok_or_else(|| err(2, "unknown language"))? as u8;
        let cb: i16 = cb.parse().map_err(|_| err(3, "cb is not an integer"))?;
        let cb_en: i16 = if cb_en == "-" {
            i16::MIN
        } else {
            cb_en
                .parse()
                .map_err(|_| err(4, "cb_en is not an integer or -"))?
        };
        if !listable(word) || word.len() > usize::from(u8::MAX) {
            return Err(err(
                1,
                "a word must be 4 or more letters (at most 255 bytes), without digits or punctuation",
            ));
        }
        rows.push(Row {
            word,
            value: Value {
                lang,
                cb,
                cb_en,
                flag,
            },
        });
    }
    Ok(rows)
}

/// Words the table can list: at least 4 bytes, no ASCII digit, space or punctuation. Look-ups
/// check it before hashing, because most words of a text fail it.
pub fn listable(word: &str) -> bool {
    word.len() >= 4
        && !word
            .bytes()
            .any(|b| b.is_ascii() && !b.is_ascii_alphabetic())
}

/// A fast, stable hash of a word (the same at build time and run time).
#[inline]
pub fn hash(word: &[u8]) -> u64 {
    hash_in(word, 0, word.len())
}

/// [`hash`] of `buf[start..end]`, reading a short tail as one 8-byte load (masked) when `buf`
/// extends far enough past it: a word hashed where it lies in a document's text costs no copy.
#[inline]
pub fn hash_in(buf: &[u8], start: usize, end: usize) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let load = |at: usize| {
        let mut v = [0u8; 8];
        v.copy_from_slice(&buf[at..at + 8]);
        u64::from_le_bytes(v)
    };
    let mut h: u64 = (end - start) as u64;
    // Eight bytes at a time, little-endian; a short tail zero-padded.
    let mut at = start;
    while at + 8 <= end {
        h = (h.rotate_left(5) ^ load(at)).wrapping_mul(K);
        at += 8;
    }
    if at < end {
        let v = if at + 8 <= buf.len() {
            load(at) & (u64::MAX >> (8 * (8 - (end - at))))
        } else {
            buf[at..end]
                .iter()
                .rev()
                .fold(0u64, |v, &b| (v << 8) | u64::from(b))
        };
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Packs rows into the table layout. Returns the index of a word listed twice as an error.
pub fn pack(rows: &[Row]) -> Result<Vec<u8>, usize> {
    let slots = (rows.len() * 2 + 1).next_power_of_two().max(2);
    let pool_len: usize = rows.iter().map(|r| r.word.len()).sum();
    let slots_at = HEADER_BYTES + slots;
    let entries_at = slots_at + slots * 4;
    let pool_at = entries_at + rows.len() * ENTRY_BYTES;
    let mut out = vec![0u8; pool_at + pool_len];
    out[0..4].copy_from_slice(&(slots as u32).to_le_bytes());
    out[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
    let mut pool = pool_at;
    for (i, r) in rows.iter().enumerate() {
        let h = hash(r.word.as_bytes());
        let tag = (h >> 56) as u8;
        let bit = filter_bit(h, slots);
        out[HEADER_BYTES + bit / 8] |= 1 << (bit % 8);
        let mut s = (h as usize) & (slots - 1);
        loop {
            let at = slots_at + s * 4;
            let idx = u32::from_le_bytes([out[at], out[at + 1], out[at + 2], out[at + 3]]);
            if idx == 0 {
                out[at..at + 4].copy_from_slice(&(i as u32 + 1).to_le_bytes());
                break;
            }
            let other = &rows[idx as usize - 1];
            if other.word == r.word {
                return Err(i);
            }
            s = (s + 1) & (slots - 1);
        }
        let e = entries_at + i * ENTRY_BYTES;
        out[e..e + 4].copy_from_slice(&((pool - pool_at) as u32).to_le_bytes());
        out[e + 4] = r.word.len() as u8;
        out[e + 5] = tag;
        out[e + 6] = r.value.lang;
        out[e + 7] = u8::from(r.value.flag);
        out[e + 8..e + 10].copy_from_slice(&r.value.cb.to_le_bytes());
        out[e + 10..e + 12].copy_from_slice(&r.value.cb_en.to_le_bytes());
        out[pool..pool + r.word.len()].copy_from_slice(r.word.as_bytes());
        pool += r.word.len();
    }
    Ok(out)
}

/// The filter bit of a hash: from bits the slot index and tag do not use.
fn filter_bit(h: u64, slots: usize) -> usize {
    ((h >> 32) as usize) & (slots * 8 - 1)
}

/// A packed table, read in place.
#[derive(Debug, Clone, Copy)]
pub struct Table<'a> {
    bytes: &'a [u8],
    slots: usize,
    entries: usize,
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

impl<'a> Table<'a> {
    /// Reads the header of a buffer written by [`pack`]; `None` when it is not one.
    pub fn new(bytes: &'a [u8]) -> Option<Table<'a>> {
        if bytes.len() < HEADER_BYTES {
            return None;
        }
        let slots = u32_at(bytes, 0);
        let entries = u32_at(bytes, 4);
        let pool_at = HEADER_BYTES + slots * 5 + entries * ENTRY_BYTES;
        (slots.is_power_of_two() && bytes.len() >= pool_at).then_some(Table {
            bytes,
            slots,
            entries,
        })
    }

    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// What the table says about `word`, if listed.
    pub fn get(&self, word: &str) -> Option<Value> {
        self.get_hashed(word, hash(word.as_bytes()))
    }

    /// [`Table::get`] with the word's [`hash`] already known (a document's words are hashed
    /// once, by segmentation).
    #[inline]
    pub fn get_hashed(&self, word: &str, h: u64) -> Option<Value> {
        if !self.may_contain(h) {
            return None;
        }
        self.probe(word.as_bytes(), h)
    }

    /// Whether a word with hash `h` may be listed: `false` for most words of a text, at the
    /// cost of one bit test (inlined, unlike the probe).
    #[inline]
    pub fn may_contain(&self, h: u64) -> bool {
        let bit = filter_bit(h, self.slots);
        self.bytes
            .get(HEADER_BYTES + bit / 8)
            .is_some_and(|b| b & (1 << (bit % 8)) != 0)
    }

    /// The probe of [`Table::get_hashed`], once the filter has passed.
    #[inline(never)]
    fn probe(&self, w: &[u8], h: u64) -> Option<Value> {
        if w.is_empty() || w.len() > usize::from(u8::MAX) {
            return None;
        }
        let tag = (h >> 56) as u8;
        let b = self.bytes;
        let slots_at = HEADER_BYTES + self.slots;
        let entries_at = slots_at + self.slots * 4;
        let pool_at = entries_at + self.entries * ENTRY_BYTES;
        let mut s = (h as usize) & (self.slots - 1);
        loop {
            let idx = u32_at(b, slots_at + s * 4);
            if idx == 0 {
                return None;
            }
            let e = entries_at + (idx - 1) * ENTRY_BYTES;
            if b[e + 5] == tag && usize::from(b[e + 4]) == w.len() {
                let off = pool_at + u32_at(b, e);
                if b.get(off..off + w.len())? == w {
                    return Some(Value {
                        lang: b[e + 6],
                        flag: b[e + 7] != 0,
                        cb: i16::from_le_bytes([b[e + 8], b[e + 9]]),
                        cb_en: i16::from_le_bytes([b[e + 10], b[e + 11]]),
                    });
                }
            }
            s = (s + 1) & (self.slots - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_are_found_and_others_are_not() {
        let rows =
            parse("# comment\nbovendien\tnl\t-300\t-\tflag\ngemeente\tnl\t-250\t-700\tevidence\n")
                .unwrap();
        let packed = pack(&rows).unwrap();
        let t = Table::new(&packed).unwrap();
        assert_eq!(t.len(), 2);
        let v = t.get("bovendien").unwrap();
        assert_eq!((v.lang, v.cb, v.cb_en, v.flag), (0, -300, i16::MIN, true));
        assert_eq!(t.get("gemeente").unwrap().cb_en, -700);
        for absent in ["", "bovendie", "bovendienx", "the", "gemeentes"] {
            assert_eq!(t.get(absent), None, "{absent}");
        }
        assert_eq!(
            t.get_hashed("gemeente", hash(b"gemeente")),
            t.get("gemeente")
        );
    }

    #[test]
    fn hash_reads_chunks_little_endian() {
        // The packed table shipped in the binary depends on these values: 8-byte chunks and the
        // tail read little-endian.
        let bytewise = |w: &[u8]| {
            const K: u64 = 0x517c_c1b7_2722_0a95;
            let mut h = w.len() as u64;
            for c in w.chunks(8) {
                let v = c.iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b));
                h = (h.rotate_left(5) ^ v).wrapping_mul(K);
            }
            h ^ (h >> 29)
        };
        for w in [
            "",
            "a",
            "gemeente",
            "bovendien",
            "aéroport",
            "sixteen-bytes-xy",
            "x".repeat(23).as_str(),
        ] {
            assert_eq!(hash(w.as_bytes()), bytewise(w.as_bytes()), "{w}");
        }
        // In place, whatever follows the word and however close to the end it lies.
        let text = b"the gemeente bovendien sixteen-bytes-xy zz";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let w = &text[start..end];
                assert_eq!(hash_in(text, start, end), bytewise(w), "{start}..{end}");
            }
        }
    }

    #[test]
    fn bad_tables_are_errors() {
        let table: &[(&str, (u64, usize))] = &[
            ("ab\tnl\t1\t1\tflag\n", (1, 1)),
            ("word1\tnl\t1\t1\tflag\n", (1, 1)),
            ("word\tnl\t1\n", (1, 1)),
            ("word\tzz\t1\t1\tflag\n", (1, 2)),
            ("word\tnl\tx\t1\tflag\n", (1, 3)),
            ("word\tnl\t1\tx\tflag\n", (1, 4)),
            ("#\nword\tnl\t1\t1\tmaybe\n", (2, 5)),
        ];
        for (text, (line, column)) in table {
            let e = parse(text).unwrap_err();
            assert_eq!((e.line, e.column), (*line, *column), "{text:?}");
        }
        let rows = parse("word\tnl\t1\t1\tflag\nword\tde\t1\t1\tflag\n").unwrap();
        assert_eq!(pack(&rows), Err(1));
        assert!(Table::new(&[1, 0]).is_none());
    }
}
