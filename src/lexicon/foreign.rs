//! The untranslated-word table: words far more frequent in a source language than in English,
//! derived from word-frequency lists (`mtlint lexicon derive-foreign`) and shipped as
//! `lexicons/foreign-words.tsv` (CC BY-SA 4.0, from wordfreq).
//!
//! Frequencies are compared, not membership tested: "gift", "also" and "die" are words in both
//! languages, "polder" is Dutch but established in English.

use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use std::path::Path;

/// The embedded table.
pub const FOREIGN_TSV: &str = include_str!("../../lexicons/foreign-words.tsv");

/// Source languages with a frequency list.
pub const LANGUAGES: &[&str] = &["nl", "de", "fr", "es"];

/// A word is listed when it is at least this common in its language (centibels: −500 = once in
/// 100,000 words)…
const MIN_SOURCE_CB: i32 = -550;
/// …at least this much more common there than in English (250 cB = 316 times)…
const MIN_RATIO_CB: i32 = 250;
/// …and rare in English (below once in a million words).
const MAX_ENGLISH_CB: i32 = -600;
/// Shorter words collide too easily with abbreviations and names.
const MIN_CHARS: usize = 4;
/// Looser thresholds for words that only count as evidence of the source language (names like
/// "Rutte" or "Jambon", words too close to English to flag): common in the language, 10 times
/// rarer in English.
const EVIDENCE_MIN_SOURCE_CB: i32 = -600;
const EVIDENCE_MIN_RATIO_CB: i32 = 100;
const EVIDENCE_MAX_ENGLISH_CB: i32 = -450;
/// A word an English language model knows at least this well (log10 P) is an established loan
/// ("jour" of "du jour", "parti" of "parti pris").
const MAX_ENGLISH_LM_LOGP: f64 = -6.6;

/// One listed word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignWord {
    /// Index into [`LANGUAGES`].
    pub lang: usize,
    /// Frequency in its language, centibels.
    pub cb: i16,
    /// Frequency in English, centibels (`i16::MIN` when absent).
    pub cb_en: i16,
    /// Foreign enough to flag as untranslated; otherwise only evidence of the source language.
    pub flag: bool,
}

/// The table, keyed by lowercase word.
#[derive(Debug, Default)]
pub struct ForeignWords {
    /// Keys borrow the embedded table: no allocation per word at start-up.
    words: FxHashMap<&'static str, ForeignWord>,
}

impl ForeignWords {
    /// Parses `word<TAB>lang<TAB>cb<TAB>cb_en<TAB>kind` lines (`kind`: `flag` or `evidence`).
    pub fn parse(name: &str, text: &'static str) -> Result<ForeignWords> {
        let mut words = FxHashMap::default();
        words.reserve(text.len() / 24);
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |column: usize, message: &str| Error::Lexicon {
                path: name.to_string(),
                line: i as u64 + 1,
                column,
                message: message.to_string(),
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
                .ok_or_else(|| err(2, "unknown language"))?;
            let cb: i16 = cb.parse().map_err(|_| err(3, "cb is not an integer"))?;
            let cb_en: i16 = if cb_en == "-" {
                i16::MIN
            } else {
                cb_en
                    .parse()
                    .map_err(|_| err(4, "cb_en is not an integer or -"))?
            };
            if words
                .insert(
                    word,
                    ForeignWord {
                        lang,
                        cb,
                        cb_en,
                        flag,
                    },
                )
                .is_some()
            {
                return Err(err(1, "word listed twice"));
            }
        }
        Ok(ForeignWords { words })
    }

    /// The table shipped in the binary.
    pub fn embedded() -> ForeignWords {
        ForeignWords::parse("lexicons/foreign-words.tsv", FOREIGN_TSV)
            .expect("embedded foreign-words.tsv is valid (tested)")
    }

    /// A word to flag as untranslated.
    pub fn get(&self, word: &str) -> Option<ForeignWord> {
        self.words.get(word).copied().filter(|w| w.flag)
    }

    /// Source-language evidence in a document: distinct words (names included) far more common
    /// in one language than in English, counted per language in [`LANGUAGES`] order.
    pub fn evidence(&self, doc: &crate::segment::Document) -> [usize; 4] {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut counts = [0; 4];
        for t in &doc.tokens {
            if t.kind != crate::segment::TokenKind::Word {
                continue;
            }
            let w = doc.word(t);
            if let Some(f) = self.words.get(w)
                && seen.insert(w)
            {
                counts[f.lang] += 1;
            }
        }
        counts
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn read_wordfreq(path: &Path) -> Result<FxHashMap<String, i32>> {
    let text = crate::ingest::read_text(path)?;
    let mut out = FxHashMap::default();
    for (i, line) in text.lines().enumerate() {
        let mut f = line.split('\t');
        let (Some(w), Some(cb)) = (f.next(), f.next()) else {
            continue;
        };
        let cb: i32 = cb.trim().parse().map_err(|_| Error::Csv {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            message: format!("'{cb}' is not a centibel value"),
        })?;
        out.insert(w.to_string(), cb);
    }
    Ok(out)
}

/// Reads an LM unigram table (`word<TAB>log10 P…`) into word → log10 P.
fn read_unigrams(path: &Path) -> Result<FxHashMap<String, f64>> {
    let text = crate::ingest::read_text(path)?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.parse().ok()?))
        })
        .collect())
}

/// Derives the table from `DIR/large_{en,nl,de,fr,es}.tsv.xz`: each word goes to the language
/// where it is most frequent, if it passes the thresholds above; `english_lm` (unigram log
/// probabilities) removes loans an English model knows. Output is sorted, so the same input
/// always gives the same file.
pub fn derive(dir: &Path, english_lm: Option<&Path>) -> Result<String> {
    let en = read_wordfreq(&dir.join("large_en.tsv.xz"))?;
    let lm = english_lm
        .map(read_unigrams)
        .transpose()?
        .unwrap_or_default();
    let mut best: FxHashMap<String, (usize, i32, bool)> = FxHashMap::default();
    for (li, lang) in LANGUAGES.iter().enumerate() {
        for (w, cb) in read_wordfreq(&dir.join(format!("large_{lang}.tsv.xz")))? {
            if cb < EVIDENCE_MIN_SOURCE_CB
                || w.chars().count() < MIN_CHARS
                || !w.chars().all(char::is_alphabetic)
            {
                continue;
            }
            let cb_en = en.get(&w).copied();
            if cb_en.is_some_and(|e| e > EVIDENCE_MAX_ENGLISH_CB || cb - e < EVIDENCE_MIN_RATIO_CB)
            {
                continue;
            }
            let flag = cb >= MIN_SOURCE_CB
                && !cb_en.is_some_and(|e| e > MAX_ENGLISH_CB || cb - e < MIN_RATIO_CB)
                && !lm.get(&w).is_some_and(|&p| p >= MAX_ENGLISH_LM_LOGP);
            let e = best.entry(w).or_insert((li, cb, flag));
            if cb > e.1 {
                *e = (li, cb, flag);
            }
        }
    }
    let mut rows: Vec<(String, (usize, i32, bool))> = best.into_iter().collect();
    rows.sort();
    let mut out = String::from(
        "# word\tlang\tcb\tcb_en\tkind — derived by `mtlint lexicon derive-foreign` from wordfreq (CC BY-SA 4.0)\n",
    );
    for (w, (l, cb, flag)) in rows {
        let cb_en = en.get(&w).map_or("-".to_string(), |e| e.to_string());
        let kind = if flag { "flag" } else { "evidence" };
        out.push_str(&format!("{w}\t{}\t{cb}\t{cb_en}\t{kind}\n", LANGUAGES[l]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_tells_source_words_from_english() {
        let t = ForeignWords::embedded();
        assert!(t.len() > 1000);
        for (w, lang) in [
            ("bovendien", "nl"),
            ("gemeente", "nl"),
            ("allerdings", "de"),
            ("cependant", "fr"),
            ("además", "es"),
        ] {
            let f = t.get(w).unwrap_or_else(|| panic!("{w} missing"));
            assert_eq!(LANGUAGES[f.lang], lang, "{w}");
        }
        for w in [
            "polder",
            "gift",
            "also",
            "die",
            "kindergarten",
            "president",
            "minister",
            "jour",
            "parti",
        ] {
            assert!(t.get(w).is_none(), "{w} is English");
        }
    }

    #[test]
    fn bad_rows_are_errors() {
        let e = ForeignWords::parse("f.tsv", "word\tnl\t-300\t-\tflag\nx\tzz\t1\t1\tflag\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "f.tsv:2:2: unknown language");
    }
}
