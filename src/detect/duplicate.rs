//! `duplicate`: sentences and paragraphs that appear twice in one article, exactly or nearly. MT
//! pipelines paste a sub-heading back as a paragraph, or render a teaser and then the same text
//! in the body.
//!
//! Flags the second of: "Russian elites doubt that Putin alone can withstand mounting Western
//! Ukrainian pressure and hope that Xi will help him." … "Russian elites doubt that he can
//! single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help
//! him."
//! Leaves alone: two sentences that share a subject but say different things ("Putin met Xi in
//! Moscow on Monday." … "Putin met Modi in Delhi on Friday.").
//!
//! Cost stays linear: exact repeats are found with a hash map; near repeats only compare
//! sentences that share a content word whose posting list is short (a word in every sentence
//! says nothing about which two are copies).

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::segment::{Document, MatchWord, is_function_word, word_hash};

/// Shorter sentences repeat naturally ("He denied it.").
const MIN_EXACT_WORDS: usize = 5;
/// Near repeats need enough words for the similarity to mean something.
const MIN_NEAR_WORDS: usize = 8;
/// Content words occurring in more sentences than this do not generate candidates, so the
/// number of pairs compared stays linear in the number of sentences.
const MAX_POSTINGS: usize = 24;
/// Word-set Dice similarity above which two sentences are near repeats.
const NEAR_DICE: f64 = 0.8;
/// Needed alongside a lower Dice score: similarity of the word sequences.
const NEAR_LEVENSHTEIN: f64 = 0.7;
const LOWER_DICE: f64 = 0.7;

pub struct Duplicate;

struct Info<'d> {
    /// Words joined by spaces (a slice of the document's stream).
    key: &'d str,
    words: &'d [MatchWord],
    /// Distinct content word ids, in order of first occurrence.
    content: &'d [u32],
}

impl Detector for Duplicate {
    fn id(&self) -> &'static str {
        "duplicate"
    }

    fn description(&self) -> &'static str {
        "sentences or paragraphs that repeat within an article, exactly or nearly"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Duplicate]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        // Every word of the near-repeat candidates as an id (one per distinct word), looked up by
        // the hash segmentation computed; content words go in one flat array, each once per
        // sentence, so comparing sentences costs integer compares; sentences hold ranges of it.
        let long = |s: &&crate::segment::Sentence| s.words.len() >= MIN_NEAR_WORDS;
        let long_words: usize = doc
            .sentences
            .iter()
            .filter(long)
            .map(|s| s.words.len())
            .sum();
        let mut ids = Table::with_capacity(long_words);
        // Per id: whether it is a content word, and the last sentence (plus one) listing it.
        let mut word_info: Vec<(bool, u32)> = Vec::with_capacity(long_words);
        let mut content: Vec<u32> = Vec::with_capacity(long_words);
        let mut content_ranges = Vec::with_capacity(doc.sentences.len());
        for (i, s) in doc.sentences.iter().enumerate() {
            let start = content.len();
            // Only near-repeat candidates need their content words.
            if long(&s) {
                let stamp = i as u32 + 1;
                for w in doc.sentence_words(s) {
                    // Bytes: a `str` slice would check char boundaries on every word.
                    let text = &doc.stream.as_bytes()[w.pos..w.pos + w.len as usize];
                    let (id, new) = ids.get_or_insert(w.hash, text);
                    if new {
                        // Once per distinct word, not once per occurrence.
                        word_info.push((!is_function_word(doc.match_word(w)), 0));
                    }
                    let (is_content, last) = &mut word_info[id as usize];
                    if *is_content && *last != stamp {
                        *last = stamp;
                        content.push(id);
                    }
                }
            }
            content_ranges.push(start..content.len());
        }
        let infos: Vec<Info> = doc
            .sentences
            .iter()
            .zip(&content_ranges)
            .map(|(s, c)| {
                let key = match (doc.sentence_words(s).first(), doc.sentence_words(s).last()) {
                    (Some(a), Some(b)) => &doc.stream[a.pos..b.pos + b.len as usize],
                    _ => "",
                };
                Info {
                    key,
                    words: doc.sentence_words(s),
                    content: &content[c.clone()],
                }
            })
            .collect();

        // For each sentence: the earlier sentence it repeats, and whether exactly.
        let mut original: Vec<Option<(usize, bool)>> = vec![None; infos.len()];
        let mut exact = Table::with_capacity(infos.len());
        // Per distinct sentence key: the first sentence with it.
        let mut first: Vec<usize> = Vec::with_capacity(infos.len());
        for (i, info) in infos.iter().enumerate() {
            if info.words.len() >= MIN_EXACT_WORDS {
                match exact.get_or_insert(word_hash(info.key), info.key.as_bytes()) {
                    (_, true) => first.push(i),
                    (id, false) => original[i] = Some((first[id as usize], true)),
                }
            }
        }
        // Near repeats: the sentences of each content word (postings, filled in sentence order
        // by counting, so no sort), then for each sentence the words it shares with each earlier
        // one within short postings; the pairs that share enough are verified.
        let mut starts = vec![0u32; ids.len() + 1];
        for info in infos.iter().filter(|i| i.words.len() >= MIN_NEAR_WORDS) {
            for &w in info.content {
                starts[w as usize + 1] += 1;
            }
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut fill = starts.clone();
        let mut postings = vec![0u32; starts[ids.len()] as usize];
        for (i, info) in infos.iter().enumerate() {
            if info.words.len() >= MIN_NEAR_WORDS {
                for &w in info.content {
                    postings[fill[w as usize] as usize] = i as u32;
                    fill[w as usize] += 1;
                }
            }
        }
        let mut shared = vec![0u32; infos.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut mark = vec![0u32; ids.len()];
        for (i, a) in infos.iter().enumerate() {
            if a.words.len() < MIN_NEAR_WORDS || original[i].is_some() {
                continue;
            }
            for &w in a.content {
                let list = &postings[starts[w as usize] as usize..starts[w as usize + 1] as usize];
                if list.len() > MAX_POSTINGS {
                    continue;
                }
                for &j in list.iter().take_while(|&&j| (j as usize) < i) {
                    if shared[j as usize] == 0 {
                        touched.push(j);
                    }
                    shared[j as usize] += 1;
                }
            }
            touched.sort_unstable();
            // `a`'s content words are marked (once, on its first candidate) so that counting the
            // words a candidate shares with it costs one look-up a word.
            let stamp = i as u32 + 1;
            let mut marked = false;
            original[i] = touched
                .iter()
                .filter_map(|&j| {
                    let j = j as usize;
                    let b = &infos[j];
                    if 2 * (shared[j] as usize) < a.content.len().min(b.content.len()) {
                        return None;
                    }
                    if !marked {
                        for &w in a.content {
                            mark[w as usize] = stamp;
                        }
                        marked = true;
                    }
                    let common = b.content.iter().filter(|&&w| mark[w as usize] == stamp);
                    near(doc, a, b, common.count()).map(|sim| (j, sim))
                })
                // The most similar earlier sentence; the latest on ties.
                .max_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)))
                .map(|(j, _)| (j, false));
            for &j in &touched {
                shared[j as usize] = 0;
            }
            touched.clear();
        }
        hits(doc, &original)
    }
}

/// Similarity of two sentences that share `common` content words, when they are near repeats.
fn near(doc: &Document, a: &Info, b: &Info, common: usize) -> Option<f64> {
    if b.words.len() < MIN_NEAR_WORDS || a.content.is_empty() || b.content.is_empty() {
        return None;
    }
    let dice = 2.0 * common as f64 / (a.content.len() + b.content.len()) as f64;
    if dice >= NEAR_DICE {
        return Some(dice);
    }
    if dice >= LOWER_DICE {
        let words = |i: &Info| -> Vec<&str> { i.words.iter().map(|w| doc.match_word(w)).collect() };
        let lev = strsim::generic_levenshtein(&words(a), &words(b));
        let sim = 1.0 - lev as f64 / a.words.len().max(b.words.len()) as f64;
        if sim >= NEAR_LEVENSHTEIN {
            return Some(dice);
        }
    }
    None
}

/// Distinct strings of one document, numbered in order of first insertion, looked up by a
/// hash the caller already has (segmentation hashes every word once): open addressing over the
/// hash's top bits, the text compared only when hashes are equal, so distinct strings that share
/// a hash still get distinct ids.
struct Table<'d> {
    /// Id plus one of the string in each slot; 0 is empty.
    slots: Vec<u32>,
    shift: u32,
    entries: Vec<(u64, &'d [u8])>,
}

impl<'d> Table<'d> {
    /// A table that holds `n` strings at most half full, so probes stay short.
    fn with_capacity(n: usize) -> Self {
        let bits = (2 * n).max(16).next_power_of_two().trailing_zeros();
        Table {
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
            entries: Vec::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    /// The id of `text` (whose hash is `hash`), and whether it was just added.
    #[inline]
    fn get_or_insert(&mut self, hash: u64, text: &'d [u8]) -> (u32, bool) {
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = (hash >> self.shift) as usize;
        loop {
            match self.slots[at] {
                0 => {
                    let id = self.entries.len() as u32;
                    self.entries.push((hash, text));
                    self.slots[at] = id + 1;
                    return (id, true);
                }
                s => {
                    let (h, t) = self.entries[s as usize - 1];
                    if h == hash && t == text {
                        return (s - 1, false);
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the slots (only when the caller's capacity was too small).
    #[cold]
    fn grow(&mut self) {
        let bits = 64 - self.shift + 1;
        self.slots = vec![0; 1 << bits];
        self.shift = 64 - bits;
        let mask = self.slots.len() - 1;
        for (id, &(hash, _)) in self.entries.iter().enumerate() {
            let mut at = (hash >> self.shift) as usize;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = id as u32 + 1;
        }
    }
}

/// Turns repeated sentences into hits: a run of repeated sentences in one paragraph is one hit,
/// a fully repeated paragraph is a paragraph hit.
fn hits(doc: &Document, original: &[Option<(usize, bool)>]) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < original.len() {
        let Some((first, mut all_exact)) = original[i] else {
            i += 1;
            continue;
        };
        let para = doc.sentences[i].paragraph;
        let mut j = i + 1;
        while j < original.len() && doc.sentences[j].paragraph == para {
            match original[j] {
                Some((_, exact)) => all_exact &= exact,
                None => break,
            }
            j += 1;
        }
        let p = &doc.paragraphs[para];
        let whole = p.sentences.start == i && p.sentences.end == j;
        let (start, end) = (doc.sentences[i].start, doc.sentences[j - 1].end);
        let first_line = doc.line_of(doc.norm.map.start(doc.sentences[first].start));
        out.push(repeat_hit(start, end, whole, j - i, all_exact, first_line));
        i = j;
    }
    out
}

/// The finding for `sentences` repeated sentences at `start..end` (normalised text), first seen
/// at `first_line`; `whole`: they are their whole paragraph.
pub(crate) fn repeat_hit(
    start: usize,
    end: usize,
    whole: bool,
    sentences: usize,
    all_exact: bool,
    first_line: usize,
) -> Hit {
    let paragraph = whole && sentences > 1;
    let what = match (paragraph, sentences > 1) {
        (true, _) => "This paragraph",
        (false, true) => "These sentences",
        _ => "This sentence",
    };
    let how = match (all_exact, sentences > 1 && !paragraph) {
        (true, false) => "repeats",
        (true, true) => "repeat",
        (false, false) => "nearly repeats",
        (false, true) => "nearly repeat",
    };
    Hit {
        start,
        end,
        category: Category::Duplicate,
        rule: format!(
            "duplicate.{}",
            if paragraph { "paragraph" } else { "sentence" }
        ),
        severity: Severity::Major,
        confidence: if all_exact { 0.95 } else { 0.8 },
        explanation: format!(
            "{what} {how} text from line {first_line}; MT pipelines often paste a teaser or sub-heading back into the body."
        ),
        suggestion: Some("delete the repetition".into()),
        lang: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn seed_near_duplicate_of_the_subheading() {
        let text = "Russian elites doubt that Putin alone can withstand mounting Western Ukrainian pressure and hope that Xi will help him.\n\
            This is confirmed by political scientist Abbas Galgamov. This visit is very important for Putin. Russian elites doubt that he can single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help him.";
        assert_eq!(
            spans(&Duplicate, text),
            [
                "Russian elites doubt that he can single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help him."
            ]
        );
    }

    #[test]
    fn consecutive_exact_repeats_are_one_hit() {
        let text = "It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\n\
            \"Because Xi must promise something,\" he says. It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\"";
        assert_eq!(
            spans(&Duplicate, text),
            ["It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\""]
        );
    }

    #[test]
    fn repeated_headline_is_a_paragraph_duplicate() {
        let text = "Ministers regarding formation: It will really be a different cabinet\n\nMinisters regarding formation: It will really be a different cabinet\n\nThe ministers spoke.";
        let doc = Document::new(text);
        let hits = Duplicate.check(&doc);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].rule, "duplicate.sentence");
        assert!(hits[0].explanation.contains("line 1"));
    }

    #[test]
    fn different_sentences_are_left_alone() {
        let cases = [
            "Putin met Xi in Moscow on Monday for talks on trade. Putin met Modi in Delhi on Friday for talks on defence.",
            "The team won the first match of the season on Saturday. The team lost the second match of the season on Sunday.",
            "He denied it. He denied it.",
        ];
        for text in cases {
            assert!(spans(&Duplicate, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn many_repeats_stay_linear_and_merge() {
        let text = "The same sentence is written here again and again.\n".repeat(2000);
        let doc = Document::new(&text);
        assert_eq!(Duplicate.check(&doc).len(), 1999);
    }

    #[test]
    fn table_ids_agree_with_a_map_even_when_hashes_collide() {
        let words = [
            "the", "vote", "count", "the", "", "vote", "vöte", "a", "b", "count", "a", "é", "é",
        ];
        type Hash = fn(&str) -> u64;
        let hashes: [(&str, Hash); 3] = [
            ("word_hash", |w: &str| word_hash(w)),
            ("one hash for all", |_: &str| 42),
            ("two hashes", |w: &str| (w.len() as u64 % 2) << 63),
        ];
        for (name, hash) in hashes {
            // From 0, the table grows; from 16, it does not.
            for capacity in [0, 16] {
                let mut table = Table::with_capacity(capacity);
                let mut reference = std::collections::HashMap::new();
                for w in words {
                    let next = reference.len() as u32;
                    let expected = match reference.get(w) {
                        Some(&id) => (id, false),
                        None => {
                            reference.insert(w, next);
                            (next, true)
                        }
                    };
                    assert_eq!(
                        table.get_or_insert(hash(w), w.as_bytes()),
                        expected,
                        "{name}, {w:?}"
                    );
                }
                assert_eq!(table.len(), reference.len());
            }
        }
    }

    #[test]
    fn many_distinct_words_grow_the_table() {
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        let mut table = Table::with_capacity(3);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(
                table.get_or_insert(word_hash(w), w.as_bytes()),
                (i as u32, true)
            );
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(
                table.get_or_insert(word_hash(w), w.as_bytes()),
                (i as u32, false)
            );
        }
    }

    #[test]
    fn repeated_content_words_count_once() {
        // Words repeated inside a sentence must not inflate the shared count or the Dice score.
        let cases: &[(&str, usize)] = &[
            (
                "The vote count and the vote tally and the vote total were all wrong today. The vote count and the vote tally and the vote total were all very wrong today.",
                1,
            ),
            (
                "Prices rose and prices rose and prices rose in Paris on Monday morning. Prices fell and wages fell and rents fell in Berlin on Friday evening.",
                0,
            ),
        ];
        for &(text, n) in cases {
            assert_eq!(spans(&Duplicate, text).len(), n, "{text}");
        }
    }
}
