//! Adjectives and their -ly adverbs (angry → angrily), from `lexicons/adverbs.csv`: the pairs
//! `oddity.adverb` compares ("reacted angry" against "reacted angrily"), and so the pairs
//! `mtlint train` stores whatever their expected count.

use crate::error::{Error, Result};
use crate::lexicon::read_csv;
use crate::model::WordKey;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// The embedded `lexicons/adverbs.csv`.
pub const ADVERBS_CSV: &str = include_str!("../../lexicons/adverbs.csv");

/// One row of `adverbs.csv`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    adjective: String,
    adverb: String,
}

/// Bits of [`Adverbs::adjective_bits`]: about 16 per adjective, so a word that is none (nearly
/// every word `oddity` asks about) is told by one load and a test, rarely by the map.
const BITS: usize = 1 << 14;

/// Adjectives and their -ly adverbs, keyed by [`crate::model::hash_word`].
pub struct Adverbs {
    /// Bit `hash % BITS` set for each adjective's hash.
    adjective_bits: Box<[u64; BITS / 64]>,
    by_adjective: FxHashMap<u64, Box<str>>,
    /// The adverbs' hashes.
    adverbs: FxHashSet<u64>,
}

impl Adverbs {
    /// The embedded list, parsed once.
    pub fn embedded() -> &'static Adverbs {
        static ADVERBS: OnceLock<Adverbs> = OnceLock::new();
        ADVERBS.get_or_init(|| {
            Adverbs::parse("lexicons/adverbs.csv", ADVERBS_CSV)
                .expect("embedded adverbs.csv is valid (tested)")
        })
    }

    /// Parses an `adjective,adverb` file: lowercase letters, the adverb ending in -ly, each
    /// adjective once.
    pub fn parse(name: &str, text: &str) -> Result<Adverbs> {
        let mut adjective_bits = Box::new([0u64; BITS / 64]);
        let mut by_adjective = FxHashMap::default();
        let mut adverbs = FxHashSet::default();
        for (line, row) in read_csv::<Row>(name, text)? {
            let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
            let error = |column, message: String| Error::Lexicon {
                path: name.into(),
                line,
                column,
                message,
            };
            if !word(&row.adjective) {
                return Err(error(
                    1,
                    format!("'{}' is not a lowercase word", row.adjective),
                ));
            }
            if !word(&row.adverb) || !row.adverb.ends_with("ly") {
                return Err(error(
                    2,
                    format!("'{}' is not a lowercase word ending in -ly", row.adverb),
                ));
            }
            adverbs.insert(WordKey::new(&row.adverb).hash);
            let key = WordKey::new(&row.adjective).hash;
            let bit = key as usize % BITS;
            adjective_bits[bit / 64] |= 1 << (bit % 64);
            if by_adjective.insert(key, row.adverb.into()).is_some() {
                return Err(error(1, format!("'{}' is listed twice", row.adjective)));
            }
        }
        Ok(Adverbs {
            adjective_bits,
            by_adjective,
            adverbs,
        })
    }

    /// The -ly adverb of the adjective of this hash, if it is listed.
    #[inline]
    pub fn adverb_of(&self, hash: u64) -> Option<&str> {
        let bit = hash as usize % BITS;
        if self.adjective_bits[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.by_adjective.get(&hash).map(|a| &**a)
    }

    /// Is the word of this hash a listed adjective or adverb?
    pub fn lists(&self, hash: u64) -> bool {
        self.by_adjective.contains_key(&hash) || self.adverbs.contains(&hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::hash_word;

    #[test]
    fn embedded_list_parses() {
        let a = Adverbs::embedded();
        for (adjective, adverb) in [
            ("angry", "angrily"),
            ("possible", "possibly"),
            ("basic", "basically"),
            ("true", "truly"),
            ("full", "fully"),
            ("public", "publicly"),
            ("positive", "positively"),
        ] {
            assert_eq!(a.adverb_of(hash_word(adjective)), Some(adverb));
            assert!(a.lists(hash_word(adjective)) && a.lists(hash_word(adverb)));
        }
        // Participles and adjectives in -ly are not listed.
        for w in ["concerned", "according", "friendly", "minister"] {
            assert!(!a.lists(hash_word(w)), "{w}");
        }
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        for (text, line, column) in [
            ("adjective,adverb\nangry,angrily\nAngry,angrily\n", 3, 1),
            ("adjective,adverb\nangry,angrily\nquick,quick\n", 3, 2),
            ("adjective,adverb\nangry,angrily\nangry,angrily\n", 3, 1),
            ("adjective,adverb\nangry,angrily,x\n", 2, 1),
        ] {
            match Adverbs::parse("a.csv", text) {
                Err(Error::Lexicon {
                    line: l, column: c, ..
                }) => assert_eq!((l, c), (line, column), "{text}"),
                Err(e) => panic!("{text}: {e}"),
                Ok(_) => panic!("{text}: accepted"),
            }
        }
        assert!(Adverbs::parse("a.csv", "adjective,adverb\n").is_ok());
    }
}
