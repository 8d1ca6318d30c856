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
use crate::segment::{Document, FUNCTION_WORDS, MatchWord, is_function_word, word_hash};
use std::cell::RefCell;
use std::sync::LazyLock;

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

/// Buffers reused from one article to the next on the same thread: a dozen vectors and two
/// tables allocated and zeroed per article cost more than the pass itself on short articles.
#[derive(Default)]
struct Scratch {
    /// Distinct words of the near-repeat candidates, with what the passes know of each.
    words: Words,
    /// Distinct sentence keys of the exact-repeat candidates.
    exact: Table,
    /// Content words of every near-repeat candidate, each once per sentence, in sentence order.
    content: Vec<Occurrence>,
    /// Per sentence: its range of `content`.
    ranges: Vec<(u32, u32)>,
    /// Per sentence: the earlier sentence it repeats, and whether exactly.
    original: Vec<Option<(usize, bool)>>,
    /// Per distinct sentence key: the first sentence with it.
    first: Vec<usize>,
    /// Per sentence: content words with short postings it shares with the sentence at hand.
    shared: Vec<u32>,
    /// The sentences whose `shared` count is not zero.
    touched: Vec<u32>,
}

/// One content word of one sentence: a slot of [`Words`], and the word's previous occurrence
/// (so that the sentences containing a word are a chain, walked backwards, with no postings
/// to build).
#[derive(Clone, Copy)]
struct Occurrence {
    slot: u32,
    prev: u32,
    sentence: u32,
}

/// No occurrence.
const NONE: u32 = u32::MAX;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The function words ([`is_function_word`]: they say nothing about which sentences are
/// copies) by the top 10 bits of their hash, so that telling a word is one costs a bit test for
/// most content words and two integer compares for the others.
struct FunctionWords {
    /// One bit per bucket holding a function word.
    bits: [u64; 16],
    /// Per bucket: its index in `keys` (0 for a bucket without function words, whose bit is
    /// clear). An index rather than the keys themselves, so that the tables a look-up reads
    /// take 2 KB, not 16 KB of a cache the model's look-ups keep evicting.
    index: [u8; 1024],
    /// Per bucket holding function words: its words packed by [`pack`] (0: none), or
    /// [`OVERFLOW`] twice when more than two share the bucket.
    keys: [[u64; 2]; FUNCTION_WORDS.len()],
}

/// Bucket too full for [`FunctionWords::keys`]: its words are looked up by [`is_function_word`].
const OVERFLOW: u64 = u64::MAX;

static FUNCTION: LazyLock<FunctionWords> = LazyLock::new(|| {
    let mut f = FunctionWords {
        bits: [0; 16],
        index: [0; 1024],
        keys: [[0; 2]; FUNCTION_WORDS.len()],
    };
    // Buckets numbered in order of first use (at most one per function word, so `u8` fits).
    let mut used = 0;
    for w in FUNCTION_WORDS {
        let b = function_bit(word_hash(w));
        if f.bits[b >> 6] & (1 << (b & 63)) == 0 {
            f.bits[b >> 6] |= 1 << (b & 63);
            f.index[b] = used as u8;
            used += 1;
        }
        let key = pack(w.as_bytes()).unwrap_or(OVERFLOW);
        let slot = &mut f.keys[usize::from(f.index[b])];
        *slot = match *slot {
            [0, _] => [key, 0],
            [k, 0] if k != OVERFLOW => [k, key],
            _ => [OVERFLOW; 2],
        };
    }
    f
});

/// The bucket of [`FunctionWords`] for a word hash: its top 10 bits.
fn function_bit(hash: u64) -> usize {
    (hash >> 54) as usize
}

/// A word of up to 7 bytes as one integer: its bytes little-endian, its length in the top
/// byte (distinct integers for distinct words).
fn pack(word: &[u8]) -> Option<u64> {
    let mut v = [0u8; 8];
    v.get_mut(..word.len())?.copy_from_slice(word);
    v[7] = u8::try_from(word.len()).ok().filter(|&n| n < 8)?;
    Some(u64::from_le_bytes(v))
}

/// [`pack`] of a match word, read as one 8-byte load where the stream has room after it; `None`
/// for a word of 8 bytes or more.
#[inline(always)]
fn packed(stream: &[u8], w: &MatchWord) -> Option<u64> {
    let n = w.len;
    if n >= 8 {
        return None;
    }
    let bytes = match stream.get(w.pos..w.pos + 8) {
        Some(x) => {
            let mut v = [0u8; 8];
            v.copy_from_slice(x);
            u64::from_le_bytes(v) & ((1 << (8 * n)) - 1)
        }
        None => stream
            .get(w.pos..w.pos + n as usize)?
            .iter()
            .rev()
            .fold(0, |v, &b| (v << 8) | u64::from(b)),
    };
    Some(bytes | u64::from(n) << 56)
}

impl FunctionWords {
    /// Whether match word `w` of `doc` is a function word.
    #[inline(always)]
    fn contains(&self, doc: &Document, w: &MatchWord) -> bool {
        let b = function_bit(w.hash);
        if self.bits[b >> 6] & (1 << (b & 63)) == 0 {
            return false;
        }
        match (
            self.keys[usize::from(self.index[b])],
            packed(doc.stream.as_bytes(), w),
        ) {
            // A crowded bucket.
            ([OVERFLOW, _], _) => is_function_word(doc.match_word(w)),
            ([k0, k1], Some(key)) => key == k0 || key == k1,
            // Every function word is shorter than 8 bytes.
            (_, None) => false,
        }
    }
}

/// Scratch buffers holding more than this many words are dropped after use, so that one huge
/// article does not pin its buffers for the rest of the run.
const KEEP_SCRATCH_WORDS: usize = 1 << 16;

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
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let original = repeats(doc, &mut scratch);
                let out = hits(doc, original);
                if scratch.is_large() {
                    *scratch = Scratch::default();
                }
                out
            }
            // Only reachable if a detector ran inside another on this thread.
            Err(_) => hits(doc, repeats(doc, &mut Scratch::default())),
        })
    }
}

impl Scratch {
    /// Whether the buffers grew past [`KEEP_SCRATCH_WORDS`] (words or sentences).
    fn is_large(&self) -> bool {
        [
            self.words.slots.len() / 2,
            self.exact.slots.len() / 2,
            self.content.capacity(),
            self.original.capacity(),
        ]
        .iter()
        .any(|&n| n > KEEP_SCRATCH_WORDS)
    }
}

/// For each sentence: the earlier sentence it repeats, and whether exactly.
///
/// Exact repeats: sentences of at least [`MIN_EXACT_WORDS`] words with the same words, found
/// with a table keyed by a hash of their word hashes. Near repeats, among sentences of at least
/// [`MIN_NEAR_WORDS`] words that repeat nothing exactly: the candidates of a sentence are the
/// earlier ones sharing content words (not function words) that occur in at most
/// [`MAX_POSTINGS`] sentences, enough of them for [`near`] to have a chance; [`near`] decides.
fn repeats<'s>(doc: &Document, sc: &'s mut Scratch) -> &'s [Option<(usize, bool)>] {
    let Scratch {
        words,
        exact,
        content,
        ranges,
        original,
        first,
        shared,
        touched,
    } = sc;
    let stream = doc.stream.as_bytes();
    let sentences = &doc.sentences;
    original.clear();
    original.resize(sentences.len(), None);
    exact.reset(sentences.len());
    first.clear();
    for (i, s) in sentences.iter().enumerate() {
        let ws = doc.sentence_words(s);
        if ws.len() >= MIN_EXACT_WORDS
            && let (Some(a), Some(b)) = (ws.first(), ws.last())
        {
            // The key: the words joined by spaces, a slice of the stream. Words hold no space,
            // so equal keys are equal word sequences and have equal hashes.
            let (start, end) = (a.pos, b.pos + b.len as usize);
            match exact.get_or_insert(stream, sentence_hash(ws), start, end) {
                (_, true) => first.push(i),
                (id, false) => original[i] = Some((first[id as usize], true)),
            }
        }
    }
    words.collect(doc, content, ranges);
    // Near repeats: for each sentence, the earlier sentences sharing each of its content words
    // that occur in few sentences (a word in every sentence says nothing about which two are
    // copies), found by walking the word's chain of occurrences; the pairs that share enough
    // are verified.
    shared.clear();
    shared.resize(sentences.len(), 0);
    touched.clear();
    for (i, (s, &(a, b))) in sentences.iter().zip(ranges.iter()).enumerate() {
        if a == b || original[i].is_some() {
            continue;
        }
        let a_content = &content[a as usize..b as usize];
        for o in a_content {
            // The first occurrence of a word shares it with no earlier sentence; the count is
            // looked at only for the others.
            if o.prev == NONE || words.slots[o.slot as usize].count > MAX_POSTINGS as u32 {
                continue;
            }
            let mut p = o.prev;
            while let Some(q) = content.get(p as usize) {
                let j = q.sentence as usize;
                if shared[j] == 0 {
                    touched.push(q.sentence);
                }
                shared[j] += 1;
                p = q.prev;
            }
        }
        if touched.is_empty() {
            continue;
        }
        // `a`'s content words are marked (once, on its first candidate) so that counting the
        // words a candidate shares with it costs one look-up a word.
        let mark = words.mark(i);
        let mut marked = false;
        // The most similar earlier sentence; the latest on ties.
        let mut best: Option<(usize, f64)> = None;
        for &j in touched.iter() {
            let j = j as usize;
            let (c, d) = ranges[j];
            let b_content = &content[c as usize..d as usize];
            if 2 * (shared[j] as usize) < a_content.len().min(b_content.len()) {
                continue;
            }
            if !marked {
                for o in a_content {
                    words.slots[o.slot as usize].stamp = mark;
                }
                marked = true;
            }
            let common = b_content
                .iter()
                .filter(|o| words.slots[o.slot as usize].stamp == mark)
                .count();
            let a = (doc.sentence_words(s), a_content.len());
            let b = (doc.sentence_words(&sentences[j]), b_content.len());
            if let Some(sim) = near(doc, a, b, common)
                && best.is_none_or(|(k, best)| sim.total_cmp(&best).then(j.cmp(&k)).is_gt())
            {
                best = Some((j, sim));
            }
        }
        original[i] = best.map(|(j, _)| (j, false));
        for &j in touched.iter() {
            shared[j as usize] = 0;
        }
        touched.clear();
    }
    original
}

/// Hash of a sentence's words in order (the key of exact repeats), from their hashes.
#[inline]
fn sentence_hash(words: &[MatchWord]) -> u64 {
    words.iter().fold(words.len() as u64, |h, w| {
        (h.rotate_left(5) ^ w.hash).wrapping_mul(0x517c_c1b7_2722_0a95)
    })
}

/// The distinct content words of one article's near-repeat candidates, each with what the
/// near-repeat pass needs: open addressing over the word hash segmentation computed, words
/// compared byte for byte when (the low halves of) hashes are equal, so distinct words that
/// share a hash stay distinct. The slots are not cleared between articles: a slot is in use
/// when its stamp is at least the article's first stamp, and stamps only grow (the article's,
/// then one per sentence, then one per sentence for marks) until they would wrap.
#[derive(Default)]
struct Words {
    slots: Vec<Slot>,
    /// The article's first stamp: that of its slots, before any sentence lists them.
    base: u32,
    /// Number of sentences of the article.
    sentences: u32,
}

/// A distinct content word of the article (24 bytes: the table has one to three slots per
/// word of the long sentences).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Low half of the word's hash (the slot's place comes from the high bits).
    hash: u32,
    /// The last sentence (stamp) listing the word, or a mark of the near-repeat pass; below
    /// the article's first stamp, the slot is free.
    stamp: u32,
    /// Where the word is in the stream (32 bits, like [`MatchWord::len`]: a document is far
    /// below 4 G bytes).
    pos: u32,
    len: u32,
    /// Number of sentences listing the word.
    count: u32,
    /// Index in the content list of the word's latest occurrence, or [`NONE`].
    last: u32,
}

impl Words {
    /// Fills `content` with the content words of each near-repeat candidate (each once per
    /// sentence, with the previous occurrence of the same word) and `ranges` with each
    /// sentence's range of it, numbering the article's distinct content words in the table.
    fn collect(
        &mut self,
        doc: &Document,
        content: &mut Vec<Occurrence>,
        ranges: &mut Vec<(u32, u32)>,
    ) {
        let sentences = &doc.sentences;
        let long_words: usize = sentences
            .iter()
            .map(|s| s.words.len())
            .filter(|&n| n >= MIN_NEAR_WORDS)
            .sum();
        // At most two thirds full (when every word is a distinct content word), so probes stay
        // short.
        let bits = (long_words + long_words / 2)
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        let (len, shift) = (1usize << bits, 64 - bits);
        if self.slots.len() < len {
            self.slots.resize(len, Slot::default());
        }
        // After the previous article's last mark; when this article's stamps would wrap, every
        // slot is freed and stamps start again.
        let next = u64::from(self.base) + 2 * u64::from(self.sentences) + 1;
        let stamps = 2 * sentences.len() as u64 + 2;
        match u32::try_from(next + stamps) {
            Ok(_) => self.base = next as u32,
            Err(_) => {
                self.slots.fill(Slot::default());
                self.base = 1;
            }
        }
        self.sentences = sentences.len() as u32;
        let base = self.base;
        let mask = len - 1;
        let slots = &mut self.slots[..len];
        let stream = doc.stream.as_bytes();
        let function = &*FUNCTION;
        // Filled locally, so that its length stays in a register.
        let mut list = std::mem::take(content);
        list.clear();
        list.reserve(long_words);
        ranges.clear();
        for (i, s) in sentences.iter().enumerate() {
            let start = list.len() as u32;
            let ws = doc.sentence_words(s);
            if ws.len() >= MIN_NEAR_WORDS {
                let stamp = base + 1 + i as u32;
                for w in ws {
                    if function.contains(doc, w) {
                        continue;
                    }
                    let mut at = (w.hash >> shift) as usize & mask;
                    loop {
                        let s = &slots[at];
                        if s.stamp < base {
                            slots[at] = Slot {
                                hash: w.hash as u32,
                                stamp: base,
                                pos: w.pos as u32,
                                len: w.len,
                                count: 0,
                                last: NONE,
                            };
                            break;
                        }
                        if s.hash == w.hash as u32
                            && same_bytes(
                                stream,
                                s.pos as usize,
                                s.pos as usize + s.len as usize,
                                w.pos,
                                w.pos + w.len as usize,
                            )
                        {
                            break;
                        }
                        at = (at + 1) & mask;
                    }
                    let slot = &mut slots[at];
                    if slot.stamp != stamp {
                        slot.stamp = stamp;
                        slot.count += 1;
                        list.push(Occurrence {
                            slot: at as u32,
                            prev: slot.last,
                            sentence: i as u32,
                        });
                        slot.last = list.len() as u32 - 1;
                    }
                }
            }
            ranges.push((start, list.len() as u32));
        }
        *content = list;
    }

    /// The mark of sentence `i`, once every sentence's words are in the table: after the
    /// sentence stamps.
    fn mark(&self, i: usize) -> u32 {
        self.base + 1 + self.sentences + i as u32
    }
}

/// Similarity of two sentences (their words and number of distinct content words) that share
/// `common` content words, when they are near repeats.
fn near(
    doc: &Document,
    (a_words, a_content): (&[MatchWord], usize),
    (b_words, b_content): (&[MatchWord], usize),
    common: usize,
) -> Option<f64> {
    if b_words.len() < MIN_NEAR_WORDS || a_content == 0 || b_content == 0 {
        return None;
    }
    let dice = 2.0 * common as f64 / (a_content + b_content) as f64;
    if dice >= NEAR_DICE {
        return Some(dice);
    }
    if dice >= LOWER_DICE {
        let words =
            |ws: &[MatchWord]| -> Vec<&str> { ws.iter().map(|w| doc.match_word(w)).collect() };
        let lev = strsim::generic_levenshtein(&words(a_words), &words(b_words));
        let sim = 1.0 - lev as f64 / a_words.len().max(b_words.len()) as f64;
        if sim >= NEAR_LEVENSHTEIN {
            return Some(dice);
        }
    }
    None
}

/// Distinct byte strings of one text, numbered in order of first insertion, looked up by a hash
/// the caller already has (segmentation hashes every word once): open addressing over the
/// hash's top bits, the bytes compared only when hashes are equal, so distinct strings that
/// share a hash still get distinct ids. Strings are ranges of the text every call passes (the
/// document's stream), so the table keeps no borrow and is reused across documents.
#[derive(Default)]
struct Table {
    /// Id plus one of the string in each slot; 0 is empty.
    slots: Vec<u32>,
    shift: u32,
    /// Hash, start and end of each string.
    entries: Vec<(u64, usize, usize)>,
}

impl Table {
    /// Empties the table and sizes it to hold `n` strings at most half full, so probes stay
    /// short.
    fn reset(&mut self, n: usize) {
        let bits = (2 * n).max(16).next_power_of_two().trailing_zeros();
        self.slots.clear();
        self.slots.resize(1 << bits, 0);
        self.shift = 64 - bits;
        self.entries.clear();
        self.entries.reserve(n);
    }

    /// The id of `text[start..end]` (whose hash is `hash`), and whether it was just added.
    /// Inlined: it runs once per word of every long sentence, and a call costs as much as the
    /// look-up.
    #[inline(always)]
    fn get_or_insert(&mut self, text: &[u8], hash: u64, start: usize, end: usize) -> (u32, bool) {
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = (hash >> self.shift) as usize;
        loop {
            match self.slots[at] {
                0 => {
                    let id = self.entries.len() as u32;
                    self.entries.push((hash, start, end));
                    self.slots[at] = id + 1;
                    return (id, true);
                }
                s => {
                    let (h, a, b) = self.entries[s as usize - 1];
                    if h == hash && same_bytes(text, a, b, start, end) {
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
        let bits = if self.slots.is_empty() {
            4
        } else {
            64 - self.shift + 1
        };
        self.slots.clear();
        self.slots.resize(1 << bits, 0);
        self.shift = 64 - bits;
        let mask = self.slots.len() - 1;
        for (id, &(hash, _, _)) in self.entries.iter().enumerate() {
            let mut at = (hash >> self.shift) as usize;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = id as u32 + 1;
        }
    }
}

/// Whether `text[a..b]` and `text[c..d]` are equal: a word of up to 8 bytes with room after it
/// (the stream always has some) is compared as one masked 8-byte load, not a `memcmp` call.
#[inline(always)]
fn same_bytes(text: &[u8], a: usize, b: usize, c: usize, d: usize) -> bool {
    let len = b - a;
    if len != d - c {
        return false;
    }
    if len == 0 {
        return true;
    }
    if len <= 8
        && let (Some(x), Some(y)) = (text.get(a..a + 8), text.get(c..c + 8))
    {
        let load = |s: &[u8]| {
            let mut v = [0u8; 8];
            v.copy_from_slice(s);
            u64::from_le_bytes(v)
        };
        let keep = u64::MAX >> (8 * (8 - len));
        return (load(x) ^ load(y)) & keep == 0;
    }
    text[a..b] == text[c..d]
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

    /// `words` joined by spaces, and where each one is in it.
    fn joined<S: AsRef<str>>(words: &[S]) -> (String, Vec<(usize, usize)>) {
        let mut text = String::new();
        let mut at = Vec::new();
        for w in words {
            if !text.is_empty() {
                text.push(' ');
            }
            at.push((text.len(), text.len() + w.as_ref().len()));
            text.push_str(w.as_ref());
        }
        (text, at)
    }

    #[test]
    fn table_ids_agree_with_a_map_even_when_hashes_collide() {
        let words = [
            "the",
            "vote",
            "count",
            "the",
            "",
            "vote",
            "vöte",
            "a",
            "b",
            "count",
            "a",
            "é",
            "é",
            "eightchr",
            "eightchx",
            "eightchr",
            "longer-than-eight",
            "longer-than-eighx",
            "longer-than-eight",
        ];
        let (text, at) = joined(&words);
        type Hash = fn(&str) -> u64;
        let hashes: [(&str, Hash); 3] = [
            ("word_hash", |w: &str| word_hash(w)),
            ("one hash for all", |_: &str| 42),
            ("two hashes", |w: &str| (w.len() as u64 % 2) << 63),
        ];
        for (name, hash) in hashes {
            // From 0, the table grows; from 16, it does not; a fresh table grows from nothing.
            for capacity in [None, Some(0), Some(16)] {
                let mut table = Table::default();
                if let Some(n) = capacity {
                    table.reset(n);
                }
                let mut reference = std::collections::HashMap::new();
                for (w, &(start, end)) in words.iter().zip(&at) {
                    let next = reference.len() as u32;
                    let expected = match reference.get(w) {
                        Some(&id) => (id, false),
                        None => {
                            reference.insert(w, next);
                            (next, true)
                        }
                    };
                    assert_eq!(
                        table.get_or_insert(text.as_bytes(), hash(w), start, end),
                        expected,
                        "{name}, {w:?}"
                    );
                }
                assert_eq!(table.entries.len(), reference.len());
            }
        }
    }

    #[test]
    fn many_distinct_words_grow_the_table() {
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        let (text, at) = joined(&words);
        let mut table = Table::default();
        table.reset(3);
        for round in [true, false] {
            for (i, (w, &(start, end))) in words.iter().zip(&at).enumerate() {
                let hash = word_hash(w);
                assert_eq!(
                    table.get_or_insert(text.as_bytes(), hash, start, end),
                    (i as u32, round)
                );
            }
        }
    }

    #[test]
    fn function_words_agree_with_is_function_word() {
        // Function words, words sharing their bucket or their first bytes, words of 7 and 8
        // bytes, and one at the very end of the stream (no room for an 8-byte load).
        let function_words = FUNCTION_WORDS.join(" ");
        let texts = [
            "The cat and the dog were not in it, but his new one said so. Also: since, after, \
             before, under, which, who, what, all, more, very, says, Russia's, isn't, cannot, \
             theatre, andes, butter, wasp, ones, ia, a1, thens, the2, becomes, because, \
             abcdefg, abcdefgh, café, naïve.",
            function_words.as_str(),
            "It is what it is, and so",
            "the",
            "x",
        ];
        let mut function = 0;
        for text in texts {
            let doc = Document::new(text);
            for w in &doc.words {
                let word = doc.match_word(w);
                let fast = FUNCTION.contains(&doc, w);
                assert_eq!(fast, is_function_word(word), "{word:?} in {text:?}");
                function += usize::from(fast);
                assert_eq!(
                    packed(doc.stream.as_bytes(), w),
                    pack(word.as_bytes()),
                    "{word:?}"
                );
            }
        }
        assert!(function > 20 + FUNCTION_WORDS.len());
        for w in FUNCTION_WORDS {
            let b = function_bit(word_hash(w));
            assert!(FUNCTION.bits[b >> 6] & (1 << (b & 63)) != 0, "{w}");
            assert!(
                FUNCTION.keys[usize::from(FUNCTION.index[b])]
                    .contains(&pack(w.as_bytes()).unwrap_or(0)),
                "{w}"
            );
        }
    }

    /// Deterministic pseudo-random numbers (xorshift) for generated articles.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// [`repeats`] written from its definition, pair by pair: for each sentence of at least
    /// [`MIN_EXACT_WORDS`] words, the first earlier one with the same words; else, for one of
    /// at least [`MIN_NEAR_WORDS`], the earlier one [`near`] finds most similar (the latest on
    /// ties) among those sharing content words listed by at most [`MAX_POSTINGS`] sentences,
    /// at least half as many as the smaller of the two has.
    fn reference(doc: &Document) -> Vec<Option<(usize, bool)>> {
        use std::collections::{HashMap, HashSet};
        let words = |i: usize| doc.sentence_words(&doc.sentences[i]);
        let n = doc.sentences.len();
        let content: Vec<HashSet<&str>> = (0..n)
            .map(|i| {
                let ws = words(i);
                ws.iter()
                    .map(|w| doc.match_word(w))
                    .filter(|w| ws.len() >= MIN_NEAR_WORDS && !is_function_word(w))
                    .collect()
            })
            .collect();
        let mut listed: HashMap<&str, usize> = HashMap::new();
        for set in &content {
            for w in set {
                *listed.entry(w).or_default() += 1;
            }
        }
        let mut first: HashMap<Vec<&str>, usize> = HashMap::new();
        let mut out = vec![None; n];
        for i in 0..n {
            let key: Vec<&str> = words(i).iter().map(|w| doc.match_word(w)).collect();
            if key.len() >= MIN_EXACT_WORDS {
                match first.get(&key) {
                    Some(&j) => out[i] = Some((j, true)),
                    None => {
                        first.insert(key, i);
                    }
                }
            }
            if out[i].is_some() || words(i).len() < MIN_NEAR_WORDS {
                continue;
            }
            let mut best: Option<(usize, f64)> = None;
            for j in 0..i {
                let (a, b) = (&content[i], &content[j]);
                let shared = a
                    .intersection(b)
                    .filter(|w| listed[*w] <= MAX_POSTINGS)
                    .count();
                if shared == 0 || 2 * shared < a.len().min(b.len()) {
                    continue;
                }
                let common = a.intersection(b).count();
                if let Some(sim) = near(doc, (words(i), a.len()), (words(j), b.len()), common)
                    && best.is_none_or(|(_, s)| sim >= s)
                {
                    best = Some((j, sim));
                }
            }
            out[i] = best.map(|(j, _)| (j, false));
        }
        out
    }

    /// An article of `sentences` sentences from a small vocabulary: function words, words of
    /// 7, 8 and more bytes, contractions, accented words, a word in nearly every sentence and
    /// one in about 24; a third of the sentences copy an earlier one, exactly or with a few
    /// words dropped, swapped or replaced.
    fn generated(rng: &mut Rng, sentences: usize) -> String {
        const VOCABULARY: &[&str] = &[
            "the",
            "a",
            "of",
            "and",
            "in",
            "said",
            "is",
            "not",
            "then",
            "so",
            "more",
            "since",
            "minister",
            "ministers",
            "talks",
            "trade",
            "defence",
            "Moscow",
            "Delhi",
            "Xi",
            "Putin",
            "Modi",
            "pressure",
            "Western",
            "Ukrainian",
            "withstand",
            "mounting",
            "hope",
            "help",
            "elites",
            "doubt",
            "alone",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "isn't",
            "Russia's",
            "cannot",
            "café",
            "naïve",
            "Zürich",
            "vote",
            "count",
            "tally",
            "again",
            "today",
            "Monday",
            "Friday",
            "cabinet",
            "formation",
            "different",
        ];
        let mut out: Vec<Vec<&str>> = Vec::new();
        for _ in 0..sentences {
            let s: Vec<&str> = if !out.is_empty() && rng.below(3) == 0 {
                let mut s = out[rng.below(out.len())].clone();
                for _ in 0..rng.below(4) {
                    let k = rng.below(s.len());
                    match rng.below(3) {
                        0 if s.len() > 1 => {
                            s.remove(k);
                        }
                        1 => {
                            let l = rng.below(s.len());
                            s.swap(k, l);
                        }
                        _ => s[k] = VOCABULARY[rng.below(VOCABULARY.len())],
                    }
                }
                s
            } else {
                let mut s: Vec<&str> = (0..3 + rng.below(12))
                    .map(|_| VOCABULARY[rng.below(VOCABULARY.len())])
                    .collect();
                if rng.below(8) != 0 {
                    s.push("everywhere");
                }
                if rng.below(sentences / 24 + 1) == 0 {
                    s.push("sometimes");
                }
                s
            };
            out.push(s);
        }
        // Capitalised, so that each is a sentence of its own.
        out.iter()
            .map(|s| {
                let s = s.join(" ");
                let mut c = s.chars();
                let first = c.next().map(|c| c.to_uppercase().to_string());
                format!("{}{}.", first.unwrap_or_default(), c.as_str())
            })
            .collect::<Vec<_>>()
            .join(if rng.below(2) == 0 { " " } else { "\n" })
    }

    #[test]
    fn repeats_agree_with_a_brute_force_reference() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        // One scratch for every article, long and short in turn: stale slots must not leak.
        let mut scratch = Scratch::default();
        let (mut exact, mut near_repeats) = (0, 0);
        for round in 0..300 {
            let sentences = [1, 5, 20, 60, 150][round % 5] + rng.below(10);
            let text = generated(&mut rng, sentences);
            let doc = Document::new(&text);
            let expected = reference(&doc);
            assert_eq!(repeats(&doc, &mut scratch), expected.as_slice(), "{text}");
            exact += expected
                .iter()
                .filter(|r| matches!(r, Some((_, true))))
                .count();
            near_repeats += expected
                .iter()
                .filter(|r| matches!(r, Some((_, false))))
                .count();
        }
        // The articles exercise both kinds, so the comparison means something.
        assert!(exact > 500 && near_repeats > 500, "{exact} {near_repeats}");
    }

    #[test]
    fn same_bytes_agrees_with_slices_near_the_end_too() {
        let text = b"abc abd abc abcdefgh abcdefgh abcdefgi x abcdefghij abcdefghij";
        for a in 0..text.len() {
            for b in a..=text.len().min(a + 12) {
                for c in 0..text.len() {
                    let d = c + (b - a);
                    if d <= text.len() {
                        assert_eq!(
                            same_bytes(text, a, b, c, d),
                            text[a..b] == text[c..d],
                            "{a}..{b} {c}..{d}"
                        );
                    }
                }
            }
        }
        assert!(!same_bytes(text, 0, 3, 0, 4));
    }

    #[test]
    fn reused_buffers_give_the_same_findings() {
        // A long article, then short ones, on one thread: stale buffers must not leak through.
        let long = format!(
            "{}The same sentence is written here again and again.\n",
            "Another sentence of the long article comes here with words.\n".repeat(300)
        );
        let texts = [
            long.as_str(),
            "Putin met Xi in Moscow on Monday for talks on trade. Putin met Modi in Delhi on Friday for talks on defence.",
            "Russian elites doubt that Putin alone can withstand mounting Western Ukrainian pressure and hope that Xi will help him.\nRussian elites doubt that he can single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help him.",
            "",
            long.as_str(),
        ];
        assert!(!Scratch::default().is_large());
        let mut big = Scratch::default();
        let huge = "Ten different words make one long sentence here, again and again.\n"
            .repeat(KEEP_SCRATCH_WORDS / 8);
        repeats(&Document::new(&huge), &mut big);
        assert!(big.is_large(), "a huge article's buffers are not kept");
        for text in texts {
            let doc = Document::new(text);
            let again = Duplicate.check(&doc);
            let fresh = hits(&doc, repeats(&doc, &mut Scratch::default()));
            let key = |h: &[Hit]| -> Vec<(usize, usize, String)> {
                h.iter()
                    .map(|h| (h.start, h.end, h.explanation.clone()))
                    .collect()
            };
            assert_eq!(key(&again), key(&fresh));
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
