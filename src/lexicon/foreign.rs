//! The untranslated-word table: words far more frequent in a source language than in English,
//! derived from word-frequency lists (`mtlint lexicon derive-foreign`) and shipped as
//! `lexicons/foreign-words.tsv` (CC BY-SA 4.0, from wordfreq).
//!
//! Frequencies are compared, not membership tested: "gift", "also" and "die" are words in both
//! languages, "polder" is Dutch but established in English.

pub use super::foreign_table::LANGUAGES;
use super::foreign_table::{self, Table, Value};
use crate::error::{Error, Result};
use crate::segment::ForeignLookups;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The embedded table, as shipped.
pub const FOREIGN_TSV: &str = include_str!("../../lexicons/foreign-words.tsv");

/// The embedded table, packed by `build.rs` from [`FOREIGN_TSV`].
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/foreign-words.bin"));

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

impl From<Value> for ForeignWord {
    fn from(v: Value) -> ForeignWord {
        ForeignWord {
            lang: usize::from(v.lang),
            cb: v.cb,
            cb_en: v.cb_en,
            flag: v.flag,
        }
    }
}

/// The table, keyed by lowercase word: a packed hash table read in place (see
/// [`foreign_table`]), so the embedded one costs nothing at start-up.
#[derive(Debug)]
pub struct ForeignWords {
    packed: Cow<'static, [u8]>,
}

impl Default for ForeignWords {
    fn default() -> ForeignWords {
        ForeignWords {
            packed: Cow::Owned(foreign_table::pack(&[]).unwrap_or_default()),
        }
    }
}

impl ForeignWords {
    /// Parses `word<TAB>lang<TAB>cb<TAB>cb_en<TAB>kind` lines (`kind`: `flag` or `evidence`).
    pub fn parse(name: &str, text: &str) -> Result<ForeignWords> {
        let err = |e: foreign_table::ParseError| Error::Lexicon {
            path: name.to_string(),
            line: e.line,
            column: e.column,
            message: e.message.to_string(),
        };
        let rows = foreign_table::parse(text).map_err(err)?;
        let packed = foreign_table::pack(&rows).map_err(|i| Error::Lexicon {
            path: name.to_string(),
            line: line_of(text, rows[i].word),
            column: 1,
            message: "word listed twice".to_string(),
        })?;
        Ok(ForeignWords {
            packed: Cow::Owned(packed),
        })
    }

    /// The table shipped in the binary.
    pub fn embedded() -> ForeignWords {
        ForeignWords {
            packed: Cow::Borrowed(PACKED),
        }
    }

    fn table(&self) -> Option<Table<'_>> {
        Table::new(&self.packed)
    }

    /// Any listed word, flagged or evidence only.
    fn lookup(&self, word: &str) -> Option<ForeignWord> {
        if !foreign_table::listable(word) {
            return None;
        }
        self.table()?.get(word).map(ForeignWord::from)
    }

    /// A word to flag as untranslated.
    pub fn get(&self, word: &str) -> Option<ForeignWord> {
        self.lookup(word).filter(|w| w.flag)
    }

    /// Source-language evidence in a document: distinct words (names included) far more common
    /// in one language than in English, counted per language in [`LANGUAGES`] order.
    pub fn evidence(&self, doc: &crate::segment::Document) -> [usize; 4] {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut counts = [0; 4];
        // Only the tokens with an entry, in order: not a pass over every token of the article.
        let (found, listed) = self.lookups_listed(doc);
        for &t in listed.iter() {
            let t = t as usize;
            if let (Some(tok), Some(Some(f))) = (doc.tokens.get(t), found.get(t))
                && seen.insert(doc.word(tok))
            {
                counts[f.lang] += 1;
            }
        }
        counts
    }

    /// Each token's entry, flagged or evidence only (`None` for punctuation, numbers and words
    /// not listed), looked up once per document: the untranslated detector and the language
    /// evidence share it.
    pub fn lookups<'d>(&self, doc: &'d crate::segment::Document) -> Cow<'d, [Option<ForeignWord>]> {
        self.lookups_listed(doc).0
    }

    /// [`ForeignWords::lookups`], and the tokens whose entry is not `None`, in increasing order
    /// (most tokens have none: a caller after the entries walks these, not every token).
    pub fn lookups_listed<'d>(
        &self,
        doc: &'d crate::segment::Document,
    ) -> (Cow<'d, [Option<ForeignWord>]>, Cow<'d, [u32]>) {
        // The cache is keyed by the table, in case a caller holds another one.
        let key = std::ptr::from_ref(self) as usize;
        let n = doc.tokens.len();
        let compute = || {
            let (mut found, mut set) = crate::segment::foreign_buffer(n);
            let Some(table) = self.table() else {
                return ForeignLookups {
                    table: key,
                    found,
                    set,
                };
            };
            // Through the match words, which carry the hash the table is keyed by: a word token
            // whose one match word is the whole token (not split like "isn't" or "cannot") has
            // the token's lowercase text. Split ones hold an apostrophe or are "cannot", never
            // listed. No `listable` test: the table holds only listable words.
            // The table's filter first: it rejects most words before their token is read.
            for w in &doc.words {
                if w.len < 4 || !table.may_contain(w.hash) {
                    continue;
                }
                let Some(t) = doc.tokens.get(w.token as usize) else {
                    continue;
                };
                if w.len as usize != t.end - t.start || t.kind != crate::segment::TokenKind::Word {
                    continue;
                }
                let f = table
                    .get_hashed(doc.match_word(w), w.hash)
                    .map(ForeignWord::from);
                if f.is_some() {
                    found[w.token as usize] = f;
                    set.push(w.token);
                }
            }
            ForeignLookups {
                table: key,
                found,
                set,
            }
        };
        let cached = doc.foreign.get_or_init(compute);
        if cached.table == key {
            (
                Cow::Borrowed(&cached.found[..n]),
                Cow::Borrowed(&cached.set),
            )
        } else {
            let ForeignLookups { mut found, set, .. } = compute();
            found.truncate(n);
            (Cow::Owned(found), Cow::Owned(set))
        }
    }

    pub fn len(&self) -> usize {
        self.table().map_or(0, |t| t.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// 1-based line of a slice of `text`.
fn line_of(text: &str, part: &str) -> u64 {
    let at = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    text[..at.min(text.len())].matches('\n').count() as u64 + 1
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

/// The wordfreq list of `lang` in `dir`.
fn wordfreq_file(dir: &Path, lang: &str) -> PathBuf {
    dir.join(format!("large_{lang}.tsv.xz"))
}

/// The files [`derive()`] reads from `dir`, and the LM if given.
pub fn derive_inputs(dir: &Path, english_lm: Option<&Path>) -> Vec<PathBuf> {
    std::iter::once("en")
        .chain(LANGUAGES.iter().copied())
        .map(|lang| wordfreq_file(dir, lang))
        .chain(english_lm.map(Path::to_path_buf))
        .collect()
}

/// Derives the table from `DIR/large_{en,nl,de,fr,es}.tsv.xz`: each word goes to the language
/// where it is most frequent, if it passes the thresholds above; `english_lm` (unigram log
/// probabilities) removes loans an English model knows. Output is sorted, so the same input
/// always gives the same file.
pub fn derive(dir: &Path, english_lm: Option<&Path>) -> Result<String> {
    let en = read_wordfreq(&wordfreq_file(dir, "en"))?;
    let lm = english_lm
        .map(read_unigrams)
        .transpose()?
        .unwrap_or_default();
    let mut best: FxHashMap<String, (usize, i32, bool)> = FxHashMap::default();
    for (li, lang) in LANGUAGES.iter().enumerate() {
        for (w, cb) in read_wordfreq(&wordfreq_file(dir, lang))? {
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
    fn lookups_agree_with_lookup_and_are_cached_per_table() {
        use crate::segment::{Document, TokenKind};
        let t = ForeignWords::embedded();
        // Contractions, "cannot", abbreviations and non-ASCII words too: the cache is filled
        // through the match words.
        let doc = Document::new(
            "Bovendien the gemeente said: allerdings, 3 cats. Isn't it? They cannot wait in \
             Zürich's straße, sagte der Bürgermeister. Ook de U.S. gemeente's raadsleden.",
        );
        let found = t.lookups(&doc);
        assert_eq!(found.len(), doc.tokens.len());
        for (tok, f) in doc.tokens.iter().zip(found.iter()) {
            let want = (tok.kind == TokenKind::Word)
                .then(|| t.lookup(doc.word(tok)))
                .flatten();
            assert_eq!(*f, want, "{}", doc.word(tok));
        }
        assert!(found[0].is_some());
        assert!(matches!(t.lookups(&doc), Cow::Borrowed(_)), "cached");
        // Another table is not served the first one's entries.
        let other = ForeignWords::parse("x.tsv", "bovendien\tde\t-300\t-\tflag\n").unwrap();
        assert_eq!(
            other.lookups(&doc)[0].map(|f| LANGUAGES[f.lang]),
            Some("de")
        );
        assert_eq!(other.lookups(&doc)[2], None);
    }

    #[test]
    fn reused_lookup_buffers_hold_no_stale_entries() {
        use crate::segment::{Document, TokenKind};
        let t = ForeignWords::embedded();
        // Documents longer and shorter than the one before, with foreign words where the
        // previous one had English ones and the other way round, on one thread: each buffer is
        // reused from the last document dropped.
        let long =
            "A long English sentence about the weather, the markets and the vote. ".repeat(40);
        let texts = [
            "Bovendien the gemeente said: allerdings, sagte der Bürgermeister gestern.",
            "The council said it would meet again on Monday to discuss the budget.",
            "Ook de gemeente",
            "",
            long.as_str(),
            "Bovendien",
            "The gemeente and the Bürgermeister met. Allerdings it rained; bovendien it snowed.",
        ];
        for round in 0..2 {
            for text in &texts {
                let doc = Document::new(text);
                let found = t.lookups(&doc);
                assert_eq!(found.len(), doc.tokens.len(), "{text:?}");
                for (tok, f) in doc.tokens.iter().zip(found.iter()) {
                    let want = (tok.kind == TokenKind::Word)
                        .then(|| t.lookup(doc.word(tok)))
                        .flatten();
                    assert_eq!(*f, want, "round {round}: {} in {text:?}", doc.word(tok));
                }
                // The tokens listed are exactly those with an entry, in order.
                let listed: Vec<u32> = (0..doc.tokens.len() as u32)
                    .filter(|&i| found[i as usize].is_some())
                    .collect();
                assert_eq!(*t.lookups_listed(&doc).1, listed, "{text:?}");
                // Evidence from the listed tokens: distinct words per language, as over every
                // token.
                let mut seen = std::collections::HashSet::new();
                let mut counts = [0; 4];
                for tok in &doc.tokens {
                    if tok.kind == TokenKind::Word
                        && let Some(f) = t.lookup(doc.word(tok))
                        && seen.insert(doc.word(tok))
                    {
                        counts[f.lang] += 1;
                    }
                }
                assert_eq!(t.evidence(&doc), counts, "{text:?}");
            }
        }
    }

    #[test]
    fn bad_rows_are_errors() {
        let e = ForeignWords::parse("f.tsv", "word\tnl\t-300\t-\tflag\nx\tzz\t1\t1\tflag\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "f.tsv:2:2: unknown language");
        let e = ForeignWords::parse("f.tsv", "word\tnl\t-300\t-\tflag\nword\tde\t1\t1\tflag\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "f.tsv:2:1: word listed twice");
    }

    #[test]
    fn packed_table_agrees_with_the_tsv() {
        // build.rs packs the table; every row of the TSV must read back the same.
        let t = ForeignWords::embedded();
        let rows = foreign_table::parse(FOREIGN_TSV).unwrap();
        assert_eq!(t.len(), rows.len());
        for r in rows {
            assert_eq!(
                t.lookup(r.word),
                Some(ForeignWord::from(r.value)),
                "{}",
                r.word
            );
        }
    }
}
