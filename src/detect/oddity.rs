//! `oddity`: two common words that normal English almost never puts side by side, judged by the
//! model of normal English ([`crate::model`]): if "huge" and "serving" are each frequent, chance
//! alone would put them together dozens of times in the model's text; seeing the pair never is
//! evidence of a word chosen by a dictionary rather than a writer ("Huge serving" for Dutch
//! *grote dienst*, a big favour).
//!
//! Flags: "Rebuilding the bridge is a big work for the town." ('big work', Dutch *een groot werk*,
//! a big job: seen 0 times; expected 119 if the words were independent).
//! Leaves alone: "Rebuilding the bridge is a big job for the town." (a common pair).
//!
//! The threshold is strict because most unseen pairs of common words in native text straddle a
//! phrase boundary ("what armed forces really need"); see the README for the measured rates.
//!
//! A second rule, `oddity.topic`, flags a word that fits the text around it far worse than it
//! usually fits its surroundings in the model's corpora: "lyricist" in a story about the Kremlin
//! (Dutch *tekstschrijver*, a speechwriter) — a word picked for the wrong sense. Leaves alone:
//! "lyricist" in a story about a band, where the words around it are about music.
//!
//! A third rule, `oddity.reduplication`, flags a content word doubled with "and" that the
//! model's corpora never double: "The economy creaks and creaks." (a source language's doubling
//! for emphasis, rendered word for word). Leaves alone: "Prices rose higher and higher." and
//! "They walked round and round." (doublings the corpora use), and "air quality and quality of
//! life" (two phrases with the same head word).
//!
//! A fourth rule, `oddity.adverb`, flags an adjective where English needs its -ly adverb, as
//! Dutch and German (one form for both: *boos reageren*, *wütend reagieren*) make machine
//! translation write: "The minister reacted angry to the questions." ('reacted angry' seen 0
//! times; after 'reacted' normal English puts -ly adverbs, never adjectives). Leaves alone:
//! "The minister felt angry." (a verb that takes adjectives) and "The lab reported positive
//! results." (an adjective before its noun). The adjectives and their adverbs are
//! `lexicons/adverbs.csv`.

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::model::adverbs::Adverbs;
use crate::model::train::pairable_key;
use crate::model::{DIM, Model, UNSCORED_WORDS, WordKey, WordVector, hash_word_const};
use crate::segment::{Document, Sentence, Token, TokenKind, word_hash};
use multiversion::multiversion;
use std::cell::RefCell;
use std::sync::Arc;

/// A pair is flagged when chance alone would put its words side by side at least this many times
/// in the model's text and the model never saw them together. Measured on held-out native text
/// (Wikinews 2019 and the held-out tail of MASC): 0.93 flags per 1,000 words at 8, 0.05 at 40.
pub const MIN_EXPECTED: f64 = 40.0;

/// Content words on each side that make up a word's surroundings for `oddity.topic` (the model
/// measures each word's usual fit over stretches of 150 content words).
const HALF_WINDOW: usize = 75;
/// Slots of the ring of running sums: more than the `2 * HALF_WINDOW + 2` sums a window
/// reaches, a power of two.
const RING: usize = 256;

/// `oddity.topic` flags a word whose fit (cosine between its vector and the sum of the others
/// around it) is this many standard deviations below its usual fit…
pub const TOPIC_Z: f32 = -2.4;

/// …and below this cosine: a word that fits its surroundings poorly in absolute terms too.
pub const TOPIC_COSINE: f32 = -0.15;

/// [`crate::model::hash_word`] of "and", whose neighbours `oddity.reduplication` compares.
const AND: u64 = hash_word_const(b"and");

/// Fewer content words with vectors than this around a word are too little context to judge.
const MIN_CONTEXT: usize = 40;

/// `oddity.adverb` judges a word + adjective the model never saw together. It flags it when
/// the word is followed by the adjective's -ly adverb at least this many times…
pub const ADVERB_MIN: f64 = 2.0;

/// …and in at least this share of the word's occurrences…
pub const ADVERB_SHARE: f64 = 3e-4;

/// …and the word is followed by the listed adjectives at most this many times as often as by
/// their adverbs (verbs that take an adjective, "remains firm", "fell ill", are left alone).
pub const ADVERB_CLASS_RATIO: f64 = 2.0;

/// Or, without a count of the adverb itself: when the word is followed by the listed adverbs
/// at least this many times and by the listed adjectives never ("reacted").
pub const ADVERB_CLASS_MIN: f64 = 30.0;

pub struct Oddity {
    model: Arc<Model>,
    unscored: UnscoredWords,
}

impl Oddity {
    pub fn new(model: Arc<Model>) -> Oddity {
        Oddity {
            model,
            unscored: UnscoredWords::new(),
        }
    }
}

impl Detector for Oddity {
    fn id(&self) -> &'static str {
        "oddity"
    }

    fn description(&self) -> &'static str {
        "pairs of common words that normal English almost never puts together ('Huge serving')"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Oddity]
    }

    /// Measured 2026-11-28: 2 of the seed's 15 calque and false-friend labels found, 0.55 false
    /// flags per 1,000 held-out native words. Off unless asked for (`--only oddity`) until it earns its place.
    fn experimental(&self) -> bool {
        true
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let m = &*self.model;
        let total = m.total();
        // Parsed on the first article, so runs without `oddity` never parse it.
        let adverbs = Adverbs::embedded();
        let mut hits = Vec::new();
        // Candidates for `oddity.topic`, gathered in the same pass so each word is hashed and
        // looked up once.
        // At most one per token; sized once so it never grows. The allocation is this
        // thread's from the previous article: one of some 25 KB per article made glibc
        // consolidate its free lists every time.
        let mut topic = recycle(SCRATCH.with_borrow_mut(|s| std::mem::take(&mut s.topic)));
        topic.reserve(doc.tokens.len());
        // Words as bytes: slicing a `str` checks both ends for character boundaries.
        let folded = doc.norm.folded.as_bytes();
        let text = doc.norm.text.as_bytes();
        for s in &doc.sentences {
            // The previous token, if it can start a pair: its index, key and count once looked
            // up.
            let mut prev: Option<(usize, &Token, WordKey, Option<f64>)> = None;
            // Tokens are visited through their match words, which carry the hash segmentation
            // computed anyway: punctuation has none (the adjacency test below stands in for
            // it), and an expanded token ("cannot") has two, of which the first is enough.
            let mut last_token = usize::MAX;
            for mw in &doc.words[s.words.clone()] {
                let ti = mw.token as usize;
                if ti == last_token {
                    continue;
                }
                last_token = ti;
                let first = prev.take().filter(|p| p.0 + 1 == ti);
                let Some(t) = doc.tokens.get(ti) else {
                    continue;
                };
                if t.kind != TokenKind::Word {
                    continue;
                }
                let k = ti - s.tokens.start;
                let w = &folded[t.start..t.end];
                // [`pairable_key`], spelt out so that "and" is spotted by the hash in hand.
                if w.len() < 2 {
                    continue;
                }
                // A match word that is the whole token is the token's folded text, so its hash
                // tells a function word without hashing the word again for the model.
                let whole = mw.len as usize == t.end - t.start;
                if whole && self.unscored.contains(mw.hash) {
                    if mw.hash == self.unscored.and {
                        reduplication(doc, s, k, m, &mut hits);
                    }
                    continue;
                }
                // Names are not collocations: in running text, a capitalised word (other than
                // the first of the sentence) is left alone.
                let capitalised = !s.heading
                    && match text[t.start] {
                        b if b.is_ascii() => b.is_ascii_uppercase(),
                        _ => doc
                            .text(t.start, t.end)
                            .chars()
                            .next()
                            .is_some_and(char::is_uppercase),
                    };
                // Such a name takes part in nothing, so it is not hashed either (unless it might
                // be a function word, which only the model's hash can tell here).
                if whole && capitalised && k > 0 {
                    continue;
                }
                let Some(key) = WordKey::of_letters(w) else {
                    continue;
                };
                if !whole && key.is_unscored() {
                    if key.hash == AND {
                        reduplication(doc, s, k, m, &mut hits);
                    }
                    continue;
                }
                // Counts are looked up only for words in a pair: most content words are
                // followed by a function word or punctuation.
                let mut count = None;
                if let Some((_, a, k1, c1)) = first
                    && !capitalised
                    && !is_adverb(w)
                {
                    let c1 = c1.unwrap_or_else(|| m.count_of(&k1));
                    let c2 = m.count_of(&key);
                    count = Some(c2);
                    let expected = c1 * c2 / total;
                    if expected >= MIN_EXPECTED && m.pair_count_of(&k1, w) == 0.0 {
                        hits.push(hit(a, t, doc.word(a), doc.word(t), expected, total));
                    } else if let Some(adverb) = adverbs.adverb_of(key.hash)
                        && ends_phrase(doc, s, ti)
                        && !is_adverb(&folded[a.start..a.end])
                        && let Some(evidence) = adverb_evidence(m, &k1, c1, w, adverb)
                    {
                        hits.push(adverb_hit(
                            a,
                            t,
                            doc.word(a),
                            doc.word(t),
                            adverb,
                            &evidence,
                            total,
                        ));
                    }
                }
                if !(capitalised && k > 0) {
                    prev = Some((ti, t, key, count));
                    // The tail of a hyphenated word ("single-handedly") is not a word of its
                    // own.
                    let after_hyphen = t.start > 0 && text[t.start - 1] == b'-';
                    if !after_hyphen && let Some((entry, vector)) = m.vector_entry_of(&key) {
                        topic.push(TopicWord {
                            token: t,
                            word: w,
                            hash: key.hash,
                            entry,
                            vector,
                        });
                    }
                }
            }
        }
        SCRATCH.with_borrow_mut(|scratch| {
            if topic.len() >= MIN_CONTEXT {
                hits.extend(topic_hits(doc, m, &topic, scratch));
            }
            // A huge article's buffer is given back rather than kept.
            if topic.capacity() <= KEEP_TOPIC_WORDS {
                scratch.topic = recycle(topic);
            }
        });
        hits
    }
}

/// [`UNSCORED_WORDS`] keyed by [`MatchWord::hash`](crate::segment::MatchWord::hash): an
/// open-addressing table (0: an empty slot).
struct UnscoredWords {
    slots: Box<[u64; UNSCORED_SLOTS]>,
    /// The hash of "and", whose neighbours `oddity.reduplication` compares.
    and: u64,
}

/// Slots of [`UnscoredWords`]: a power of two, about four times the number of words, so a miss
/// (a content word) usually ends at the first slot.
const UNSCORED_SLOTS: usize = 1024;

impl UnscoredWords {
    fn new() -> UnscoredWords {
        let mut slots = Box::new([0u64; UNSCORED_SLOTS]);
        for w in UNSCORED_WORDS {
            let h = word_hash(w);
            let mut slot = h as usize % UNSCORED_SLOTS;
            while slots[slot] != 0 && slots[slot] != h {
                slot = (slot + 1) % UNSCORED_SLOTS;
            }
            slots[slot] = h;
        }
        UnscoredWords {
            slots,
            and: word_hash("and"),
        }
    }

    /// Is the word of this hash one of [`UNSCORED_WORDS`]?
    #[inline]
    fn contains(&self, h: u64) -> bool {
        let mut slot = h as usize % UNSCORED_SLOTS;
        loop {
            match self.slots[slot] {
                0 => return false,
                x if x == h => return true,
                _ => slot = (slot + 1) % UNSCORED_SLOTS,
            }
        }
    }
}

/// A content word with a vector, in running text: a candidate for `oddity.topic` and part of
/// the surroundings of the others.
struct TopicWord<'d, 'm> {
    token: &'d Token,
    word: &'d [u8],
    hash: u64,
    /// Index of the word's vector in the model's vector table.
    entry: usize,
    vector: WordVector<'m>,
}

/// `oddity.topic`: words that fit their surroundings far worse than usual. Compiled for AVX2
/// too, chosen at run time: twice the floats per instruction in the vector loops, and the same
/// results, since each float operation rounds the same way at any width.
#[multiversion(targets("x86_64+avx2"))]
fn topic_hits(doc: &Document, m: &Model, words: &[TopicWord], scratch: &mut Scratch) -> Vec<Hit> {
    let Scratch {
        prefix, repeats, ..
    } = scratch;
    let entries = m.sizes().2;
    let repeated = repeats.find(words, entries);
    // Running sums of the unit vectors, so each window's sum costs one subtraction (adding a
    // zero vector changes nothing: no sum is ever -0.0). Kept in a ring that only holds the
    // sums a window can reach, computed in order as the windows move: memory stays the same
    // for any length of article, and every sum is the same float as a full table would hold.
    // Every slot is written before it is read, except the first sum, which is zero.
    let mut running = [0f32; DIM];
    prefix[0] = running;
    // Running sums computed so far: `prefix` holds sums 0..summed (the last RING of them).
    let mut summed = 1;
    let mut hits = Vec::new();
    for (i, TopicWord { token, vector, .. }) in words.iter().enumerate() {
        let lo = i.saturating_sub(HALF_WINDOW);
        let hi = (i + HALF_WINDOW + 1).min(words.len());
        while summed <= hi {
            let k = summed;
            let w = &words[k - 1];
            // The last sum is kept in hand (in registers) rather than read back from the ring.
            for (r, x) in running.iter_mut().zip(w.vector.unit()) {
                *r += x;
            }
            prefix[k % RING] = running;
            summed += 1;
        }
        // A word the article repeats is its topic, not a slip.
        if repeated[i] {
            continue;
        }
        let unit = &vector.unit();
        let (high, low) = (&prefix[hi % RING], &prefix[lo % RING]);
        // Most words fit well enough that a fast, reordered cosine rules them out; the
        // margin is a hundred times its rounding error.
        if rough_fit(unit, high, low) >= TOPIC_COSINE + ROUGH_MARGIN {
            continue;
        }
        let mut around = [0f32; DIM];
        for (((a, h), l), u) in around.iter_mut().zip(high).zip(low).zip(unit) {
            *a = (h - l) - u;
        }
        let fit = vector.cosine(&around);
        let (usual, spread) = vector.usual_fit();
        let z = (fit - usual) / spread.max(0.05);
        if z < TOPIC_Z && fit < TOPIC_COSINE {
            hits.push(Hit {
                start: token.start,
                end: token.end,
                category: Category::Oddity,
                rule: "oddity.topic".into(),
                severity: Severity::Minor,
                confidence: (0.25 + 0.1 * (TOPIC_Z - z)).clamp(0.25, 0.5),
                explanation: format!(
                    "'{}' fits the words around it far worse than it usually does in normal English (fit {fit:.2}; usually {usual:.2} ± {spread:.2}, {:.1} standard deviations below). A word foreign to its story often means a dictionary picked the wrong sense.",
                    doc.word(token),
                    (usual - fit) / spread.max(0.05)
                ),
                suggestion: None,
                lang: None,
            });
        }
    }
    hits
}

/// How far below the exact cosine [`rough_fit`] may be, with room to spare: reordering 64
/// f32 products moves a cosine by less than 1e-5.
const ROUGH_MARGIN: f32 = 1e-3;

/// Cosine between a word's unit vector and the words around it (the window `hi - lo` less the
/// word), summed in eight independent lanes so it vectorises; [`WordVector::cosine`] sums in
/// order and decides. Inlined so that it is compiled for AVX2 inside [`topic_hits`].
#[inline(always)]
fn rough_fit(unit: &[f32; DIM], hi: &[f32; DIM], lo: &[f32; DIM]) -> f32 {
    let mut dot = [0f32; 8];
    let mut square = [0f32; 8];
    for ((u, h), l) in unit
        .chunks_exact(8)
        .zip(hi.chunks_exact(8))
        .zip(lo.chunks_exact(8))
    {
        for j in 0..8 {
            let around = (h[j] - l[j]) - u[j];
            dot[j] += u[j] * around;
            square[j] += around * around;
        }
    }
    dot.iter().sum::<f32>() / square.iter().sum::<f32>().sqrt()
}

/// Buffers [`topic_hits`] reuses from one article to the next on the same thread: the ring
/// is 64 KB, which allocating and zeroing per article would cost more than the pass itself on
/// short articles.
struct Scratch {
    prefix: Box<[[f32; DIM]; RING]>,
    repeats: Repeats,
    /// The allocation of [`Oddity::check`]'s topic words, empty between articles.
    topic: Vec<TopicWord<'static, 'static>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        prefix: Box::new([[0f32; DIM]; RING]),
        repeats: Repeats::default(),
        topic: Vec::new(),
    });
}

/// Capacity of the topic-word buffer [`Scratch`] keeps (256 KB): it is reserved per token,
/// so an article of some 4,000 tokens (20-25 KB of text).
const KEEP_TOPIC_WORDS: usize = (256 << 10) / size_of::<TopicWord>();

/// The allocation of `v`, emptied, for topic words of other lifetimes: collecting an emptied
/// vector's iterator into one of a type of the same size and alignment reuses its allocation
/// (the standard library's in-place collection), so no memory is allocated or freed.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "`filter` cannot change the lifetimes of the element type"
)]
fn recycle<'a, 'b, 'c, 'd>(mut v: Vec<TopicWord<'a, 'b>>) -> Vec<TopicWord<'c, 'd>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// Finds the words an article repeats. Equal words have the same vector-table entry, so a table
/// of the last article each entry was seen in finds them without hashing; two different words
/// on one entry (a fingerprint shared by chance) send the article to an open-addressing table
/// keyed by the words' hashes.
#[derive(Default)]
struct Repeats {
    /// For each vector-table entry: the stamp of the article it was last seen in and the index
    /// of its first word there. Kept from one article to the next, never cleared.
    seen: Vec<(u32, u32)>,
    /// The current article's stamp (0: never used, so a fresh table matches no article).
    stamp: u32,
    /// Index of the first occurrence of the word in each slot, `u32::MAX` if empty.
    table: Vec<u32>,
    /// For each word, whether the same word occurs elsewhere among the words.
    repeated: Vec<bool>,
}

impl Repeats {
    /// For each of `words`, whether the same word occurs elsewhere among them; `entries`: the
    /// number of vector-table entries.
    fn find(&mut self, words: &[TopicWord], entries: usize) -> &[bool] {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 || self.seen.len() != entries {
            self.seen.clear();
            self.seen.resize(entries, (0, 0));
            self.stamp = 1;
        }
        self.repeated.clear();
        self.repeated.resize(words.len(), false);
        for (i, w) in words.iter().enumerate() {
            let Some(seen) = self.seen.get_mut(w.entry) else {
                return self.find_by_hash(words);
            };
            if seen.0 != self.stamp {
                *seen = (self.stamp, i as u32);
                continue;
            }
            let j = seen.1 as usize;
            if words[j].word != w.word {
                return self.find_by_hash(words);
            }
            // A later occurrence: both it and the first are repeats.
            self.repeated[j] = true;
            self.repeated[i] = true;
        }
        &self.repeated
    }

    /// [`Repeats::find`] through a table keyed by the words' hashes.
    fn find_by_hash(&mut self, words: &[TopicWord]) -> &[bool] {
        let slots = (words.len() * 2).next_power_of_two();
        self.table.clear();
        self.table.resize(slots, u32::MAX);
        self.repeated.clear();
        self.repeated.resize(words.len(), false);
        for (i, w) in words.iter().enumerate() {
            let mut slot = w.hash as usize & (slots - 1);
            loop {
                match self.table[slot] {
                    u32::MAX => {
                        self.table[slot] = i as u32;
                        break;
                    }
                    j if words[j as usize].hash == w.hash && words[j as usize].word == w.word => {
                        self.repeated[j as usize] = true;
                        self.repeated[i] = true;
                        break;
                    }
                    _ => slot = (slot + 1) & (slots - 1),
                }
            }
        }
        &self.repeated
    }
}

/// `oddity.reduplication`: "X and X", where "and" is token `k` of sentence `s` and X is a
/// content word the model's corpora never reduplicate. Names (capitalised inside running text),
/// tails of hyphenated words ("re-posts and posts") and "X and X of …" (two phrases sharing a
/// head: "air quality and quality of life") are left alone.
fn reduplication(doc: &Document, s: &Sentence, k: usize, m: &Model, hits: &mut Vec<Hit>) {
    let toks = &doc.tokens[s.tokens.clone()];
    let (Some(a), Some(b)) = (k.checked_sub(1).and_then(|j| toks.get(j)), toks.get(k + 1)) else {
        return;
    };
    let w = doc.word(a);
    if a.kind != TokenKind::Word || b.kind != TokenKind::Word || w != doc.word(b) {
        return;
    }
    let Some(key) = pairable_key(w.as_bytes()) else {
        return;
    };
    let capitalised = |t: &Token| {
        !s.heading
            && doc
                .text(t.start, t.end)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    };
    let after_hyphen = a.start > 0 && doc.norm.text.as_bytes()[a.start - 1] == b'-';
    let of_follows = toks
        .get(k + 2)
        .is_some_and(|t| t.kind == TokenKind::Word && doc.word(t) == "of");
    if (k > 1 && capitalised(a))
        || capitalised(b)
        || after_hyphen
        || of_follows
        || m.reduplications_of(&key) > 0.0
    {
        return;
    }
    hits.push(Hit {
        start: a.start,
        end: b.end,
        category: Category::Oddity,
        rule: "oddity.reduplication".into(),
        severity: Severity::Minor,
        confidence: 0.4,
        explanation: format!(
            "'{w} and {w}': a word doubled for emphasis that normal English does not double (never seen doubled in {}, unlike 'more and more' or 'round and round'). Often a source language's doubling rendered word for word.",
            words(m.total())
        ),
        suggestion: None,
        lang: None,
    });
}

/// Is token `ti` of sentence `s` the last word of its phrase: followed by punctuation, a
/// function word or nothing? An adjective followed by a content word usually modifies it
/// ("reported strong profits"), and is then no adverb slot.
fn ends_phrase(doc: &Document, s: &Sentence, ti: usize) -> bool {
    if ti + 1 >= s.tokens.end {
        return true;
    }
    doc.tokens.get(ti + 1).is_none_or(|t| {
        t.kind == TokenKind::Punct
            || (t.kind == TokenKind::Word
                && WordKey::of_letters(&doc.norm.folded.as_bytes()[t.start..t.end])
                    .is_some_and(|k| k.is_unscored()))
    })
}

/// What the model says about a word followed by an adjective where English would put the
/// adverb: how often the word is followed by the adverb, and by any listed adverb and any
/// listed adjective.
struct AdverbEvidence {
    /// Flagged by the adverb's own count after the word (else by the classes alone), which
    /// the confidence and the explanation follow.
    specific: bool,
    with_adverb: f64,
    adverbs: f64,
    adjectives: f64,
}

/// `oddity.adverb`'s test of `w1` (with its count `c1`) + `adjective`: never
/// seen together, while `w1` is followed by the adjective's `adverb` often enough (in count and
/// in share of `w1`'s occurrences) and is no word that takes adjectives, or, the adverb
/// itself unseen after `w1`, while `w1` takes listed adverbs often and listed adjectives
/// never.
fn adverb_evidence(
    m: &Model,
    k1: &WordKey,
    c1: f64,
    adjective: &[u8],
    adverb: &str,
) -> Option<AdverbEvidence> {
    if m.pair_count_of(k1, adjective) > 0.0 {
        return None;
    }
    let with_adverb = m.pair_count_of(k1, adverb.as_bytes());
    let (adjectives, adverbs) = m.adverb_classes_of(k1);
    // A model trained before the class counts has none (nor the rare pairs): it cannot judge.
    let specific = with_adverb >= ADVERB_MIN
        && with_adverb >= ADVERB_SHARE * c1
        && adverbs > 0.0
        && adjectives <= ADVERB_CLASS_RATIO * adverbs;
    let by_class = adverbs >= ADVERB_CLASS_MIN && adjectives == 0.0;
    (specific || by_class).then_some(AdverbEvidence {
        specific,
        with_adverb,
        adverbs,
        adjectives,
    })
}

/// `oddity.adverb`: "reacted angry", where English says "reacted angrily".
fn adverb_hit(
    a: &Token,
    b: &Token,
    verb: &str,
    adjective: &str,
    adverb: &str,
    e: &AdverbEvidence,
    total: f64,
) -> Hit {
    Hit {
        start: a.start,
        end: b.end,
        category: Category::Oddity,
        rule: "oddity.adverb".into(),
        severity: Severity::Minor,
        confidence: if e.specific { 0.5 } else { 0.4 },
        explanation: format!(
            "'{verb} {adjective}' seen 0 times in {} of normal English; {}. An adjective where English needs an adverb: a source language with one form for both (Dutch 'boos reageren', German 'wütend reagieren').",
            words(total),
            if e.specific {
                format!(
                    "'{verb} {adverb}' {:.0} times (after '{verb}': -ly adverbs {:.0} times, adjectives {:.0})",
                    e.with_adverb, e.adverbs, e.adjectives
                )
            } else {
                format!(
                    "after '{verb}' normal English puts -ly adverbs ({:.0} times), never adjectives: '{verb} {adverb}'",
                    e.adverbs
                )
            },
        ),
        suggestion: Some(format!("{verb} {adverb}")),
        lang: None,
    }
}

fn hit(a: &Token, b: &Token, w1: &str, w2: &str, expected: f64, total: f64) -> Hit {
    Hit {
        start: a.start,
        end: b.end,
        category: Category::Oddity,
        rule: "oddity.pair".into(),
        severity: Severity::Minor,
        confidence: confidence(expected),
        explanation: format!(
            "'{w1} {w2}' seen 0 times in {} of normal English; expected {expected:.0} if the words were independent. Two common words that English does not put together often mean a word chosen by a dictionary rather than a writer.",
            words(total)
        ),
        suggestion: None,
        lang: None,
    }
}

/// Nouns ending in -ly. Other words in -ly are adverbs, which usually start a new phrase ("what
/// armed forces really need"), so a noun–adverb pair says nothing about collocation.
const LY_NOUNS: &[&str] = &[
    "family", "supply", "assembly", "reply", "ally", "rally", "anomaly", "monopoly", "italy",
    "july", "jelly", "belly", "bully", "fly", "lily", "holly", "homily", "folly", "tally",
];

fn is_adverb(w: &[u8]) -> bool {
    w.len() > 4 && w.ends_with(b"ly") && !LY_NOUNS.iter().any(|n| n.as_bytes() == w)
}

/// "204 million words", "1000 words".
fn words(total: f64) -> String {
    if total >= 1e6 {
        format!("{:.0} million words", total / 1e6)
    } else {
        format!("{total:.0} words")
    }
}

/// Confidence grows with how often chance alone would have produced the pair: at the threshold
/// about one flag in four is an artifact on machine-translated news (the rest are phrase
/// boundaries such as "what armed forces really need"), and a pair expected 100 times and never
/// seen is rarely native.
fn confidence(expected: f64) -> f32 {
    (0.25 + 0.1 * (expected / MIN_EXPECTED).log2()).clamp(0.25, 0.6) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;
    use crate::model::hash_word;

    fn detector() -> Oddity {
        Oddity::new(Arc::new(Model::embedded().unwrap()))
    }

    const KREMLIN: &str = "The Kremlin is preparing for a difficult winter. Sanctions have hit the economy hard, and the government has raised taxes to pay for the war. Opposition politicians say the budget hides the real cost of the army, while officials in the regions complain that salaries arrive late. A former Kremlin lyricist told reporters that the president no longer trusts his ministers and that the security services are divided over the next election. Analysts expect protests in several large cities before the spring.";

    const BAND: &str = "The band is preparing for a long winter tour. The new album has sold well, and the singer has written most of the songs on the piano. Critics say the melodies are stronger than the words, while fans in the front rows complain that the concerts start late. The band's former lyricist told reporters that the guitarist no longer writes music with the drummer and that the group is divided over the next record. Tickets for the autumn concerts in several large cities sold out within minutes.";

    #[test]
    fn flags() {
        let d = detector();
        let cases: &[(&str, &[&str])] = &[
            (
                "Rebuilding the bridge is a big work for the town.",
                &["big work"],
            ),
            ("It was a big work.", &["big work"]),
            (KREMLIN, &["lyricist"]),
            ("The economy creaks and creaks.", &["creaks and creaks"]),
            (
                "Creaks and creaks, said the old door.",
                &["Creaks and creaks"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(spans(&d, text), *want, "{text}");
        }
    }

    #[test]
    fn leaves_native_english_alone() {
        let d = detector();
        let cases = [
            "Rebuilding the bridge is a big job for the town.",
            "The prime minister asked for a huge favour.",
            BAND,
            // Too little context to judge a word's fit; a hyphenated tail is not a word.
            "A former Kremlin lyricist spoke.",
            "He acted single-handedly, said the €5 lyricist.",
            "Great Research Labs opened in Boston.",
            "But that is nothing compared to what the armed forces really need.",
            "The former Kremlin speechwriter said the economy was in serious trouble.",
            "President Xi visited Moscow for talks with his Russian counterpart.",
            // Doublings the corpora use, names, a hyphenated tail, phrases sharing a head.
            "Prices rose higher and higher.",
            "They walked round and round the square.",
            "It took years and years.",
            "Smith and Smith won the case.",
            "Sites must remove re-posts and posts that repeat it.",
            "It will improve air quality and quality of life.",
        ];
        for text in cases {
            assert!(spans(&d, text).is_empty(), "{text}");
        }
    }

    /// Invented machine translation (adjective for adverb), each with the span flagged, or none
    /// where the model lacks the evidence: 21 of the 40 are found.
    const ADVERB_MT: &[(&str, Option<&str>)] = &[
        (
            "The minister reacted angry to the questions of the journalists.",
            Some("reacted angry"),
        ),
        (
            "The opposition reacted furious when the plan was presented.",
            Some("reacted furious"),
        ),
        (
            "The party responded positive to the proposal of the government.",
            Some("responded positive"),
        ),
        (
            "The unions responded critical to the new pension plan.",
            Some("responded critical"),
        ),
        ("Prices rose strong in the first quarter of the year.", None),
        (
            "The price of gas rose sharp after the announcement.",
            Some("rose sharp"),
        ),
        ("Shares fell sharp on Monday after the results.", None),
        ("Oil prices fell dramatic in March.", None),
        ("He spoke enthusiastic about the plan.", None),
        ("The mayor spoke positive about the new stadium.", None),
        (
            "The economy grew rapid in the past decade.",
            Some("grew rapid"),
        ),
        (
            "The number of infections grew steady during the summer.",
            Some("grew steady"),
        ),
        (
            "The city developed rapid after the war.",
            Some("developed rapid"),
        ),
        ("The company reported wrong about its profits.", None),
        (
            "The police reacted calm when the protesters arrived.",
            Some("reacted calm"),
        ),
        (
            "The ministry reacted cautious to the report.",
            Some("reacted cautious"),
        ),
        (
            "Unemployment increased significant last year.",
            Some("increased significant"),
        ),
        (
            "Exports increased sharp in the autumn.",
            Some("increased sharp"),
        ),
        (
            "The number of tourists declined sharp during the pandemic.",
            Some("declined sharp"),
        ),
        (
            "The population decreased significant in the north.",
            Some("decreased significant"),
        ),
        (
            "The government acted quick to stop the spread of the virus.",
            Some("acted quick"),
        ),
        (
            "The president acted decisive during the crisis.",
            Some("acted decisive"),
        ),
        ("The committee criticized the decision sharp.", None),
        ("The European Union condemned the attack strong.", None),
        (
            "The children reacted happy when they saw the presents.",
            Some("reacted happy"),
        ),
        (
            "The market reacted nervous to the news.",
            Some("reacted nervous"),
        ),
        (
            "Investors reacted negative to the figures.",
            Some("reacted negative"),
        ),
        (
            "The prime minister responded evasive to the question.",
            None,
        ),
        (
            "The spokesman responded brief to the criticism.",
            Some("responded brief"),
        ),
        ("The company grew explosive in the last year.", None),
        ("Inflation rose considerable in the spring.", None),
        ("The stock market fell significant on Friday.", None),
        ("The situation developed positive in the past weeks.", None),
        ("The team played excellent in the second half.", None),
        (
            "The ambassador spoke open about the problems.",
            Some("spoke open"),
        ),
        ("The newspaper reported extensive on the scandal.", None),
        ("The ministry reported late about the incident.", None),
        ("The pope spoke clear about the war.", None),
        (
            "The director explained detailed how the system works.",
            None,
        ),
        ("The president reacted surprised to the question.", None),
    ];

    #[test]
    fn adverb_flags_adjectives_for_adverbs() {
        let d = detector();
        for (text, want) in ADVERB_MT {
            let want: Vec<&str> = want.iter().copied().collect();
            assert_eq!(spans(&d, text), want, "{text}");
        }
    }

    #[test]
    fn adverb_leaves_native_english_alone() {
        let d = detector();
        let cases = [
            // The adverb itself.
            "The minister reacted angrily to the questions of the journalists.",
            "Prices rose sharply after the announcement.",
            "The government acted quickly to stop the spread of the virus.",
            // Verbs that take adjectives (copular and resultative).
            "The minister felt angry.",
            "Things went wrong.",
            "He came clean about the affair.",
            "Both teams must play fair.",
            "Stay calm and wait for the police.",
            "The sky turned red.",
            "The economy grew strong.",
            "A huge tentacle rises high over the ship.",
            "It does not come easy.",
            "The talks remain firm.",
            "He tested positive for the virus.",
            // An adjective before its noun, or the verb's object between.
            "The lab reported positive results.",
            "The company reported strong profits in the first quarter.",
            "The union responded critical questions with silence.",
            "They live and work close to the border.",
            "She spoke fluent French.",
            "Keep the users anonymous.",
            // Adverbs before the adjective, and "due to".
            "The results were extremely positive.",
            "Electricity consumption fell due to the crisis.",
        ];
        for text in cases {
            assert!(spans(&d, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn adverb_explanation_has_the_statistics() {
        let d = detector();
        for (text, counts) in [
            (
                "The price of gas rose sharp after the announcement.",
                "'rose sharply' 9 times",
            ),
            (
                "The minister reacted angry to the questions.",
                "puts -ly adverbs (59 times), never adjectives: 'reacted angrily'",
            ),
        ] {
            let hits = d.check(&Document::new(text));
            assert_eq!(hits.len(), 1, "{text}");
            let h = &hits[0];
            assert_eq!(h.rule, "oddity.adverb");
            assert!(
                h.explanation.contains("seen 0 times in 204 million words")
                    && h.explanation.contains(counts),
                "{}",
                h.explanation
            );
            assert!(h.suggestion.as_deref().is_some_and(|s| s.ends_with("ly")));
        }
    }

    #[test]
    fn rough_fit_is_within_its_margin_of_the_exact_cosine() {
        let m = Model::embedded().unwrap();
        let words = [
            "minister", "lyricist", "bridge", "economy", "guitar", "winter",
        ];
        let units: Vec<[f32; DIM]> = words.iter().map(|w| m.vector(w).unwrap().unit()).collect();
        let mut lo = [0f32; DIM];
        for (d, x) in lo.iter_mut().enumerate() {
            *x = d as f32 * 0.37 - 5.0;
        }
        for (i, w) in words.iter().enumerate() {
            let mut hi = lo;
            for u in &units {
                for (h, x) in hi.iter_mut().zip(u) {
                    *h += x;
                }
            }
            let mut around = [0f32; DIM];
            for (((a, h), l), u) in around.iter_mut().zip(&hi).zip(&lo).zip(&units[i]) {
                *a = (h - l) - u;
            }
            let exact = m.vector(w).unwrap().cosine(&around);
            let rough = rough_fit(&units[i], &hi, &lo);
            assert!(
                (exact - rough).abs() < ROUGH_MARGIN / 100.0,
                "{w}: {exact} {rough}"
            );
        }
    }

    #[test]
    fn repeated_words_are_found() {
        let m = Model::embedded().unwrap();
        let doc = Document::new("bridge economy bridge winter");
        let words: Vec<TopicWord> = doc
            .tokens
            .iter()
            .map(|t| {
                let w = doc.word(t);
                let (entry, vector) = m.vector_entry_of(&WordKey::new(w)).unwrap();
                TopicWord {
                    token: t,
                    word: w.as_bytes(),
                    hash: hash_word(w),
                    entry,
                    vector,
                }
            })
            .collect();
        let entries = m.sizes().2;
        let mut repeats = Repeats::default();
        assert_eq!(repeats.find(&words, entries), [true, false, true, false]);
        // Reused for a shorter article, nothing of the first one is left.
        assert_eq!(repeats.find(&words[1..3], entries), [false, false]);
        assert_eq!(repeats.find(&words[..3], entries), [true, false, true]);
        // Two different words on one entry (a shared fingerprint) are told apart by their
        // text, and an entry outside the table is no error.
        let mut odd = Vec::new();
        for (w, entry) in words.iter().zip([0, 0, 7, entries + 5]) {
            odd.push(TopicWord { entry, ..*w });
        }
        assert_eq!(repeats.find(&odd, entries), [true, false, true, false]);
        let by_hash = repeats.find_by_hash(&words).to_vec();
        assert_eq!(repeats.find(&words, entries), by_hash);
    }

    #[test]
    fn explanation_has_the_statistics() {
        let d = detector();
        let doc = Document::new("It was a big work.");
        let hits = d.check(&doc);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].explanation.starts_with("'big work' seen 0 times")
                && hits[0].explanation.contains("expected 119 if"),
            "{}",
            hits[0].explanation
        );
        assert!((0.25..=0.6).contains(&hits[0].confidence));
        let doc = Document::new(KREMLIN);
        let hits = d.check(&doc);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0]
                .explanation
                .starts_with("'lyricist' fits the words around it far worse")
                && hits[0].explanation.contains("standard deviations below"),
            "{}",
            hits[0].explanation
        );
        assert!((0.25..=0.5).contains(&hits[0].confidence));
    }

    #[test]
    fn topic_words_reuse_one_allocation() {
        let v: Vec<TopicWord> = Vec::with_capacity(100);
        let at = v.as_ptr() as usize;
        let w: Vec<TopicWord> = recycle(v);
        assert_eq!((w.as_ptr() as usize, w.capacity(), w.len()), (at, 100, 0));
        // Articles on one thread, each after a longer one: the same findings as alone.
        let d = detector();
        let alone: Vec<usize> = [KREMLIN, BAND, KREMLIN]
            .iter()
            .map(|t| d.check(&Document::new(t)).len())
            .collect();
        let long = KREMLIN.repeat(20);
        let mut after = Vec::new();
        for t in [KREMLIN, BAND, KREMLIN] {
            d.check(&Document::new(&long));
            after.push(d.check(&Document::new(t)).len());
        }
        assert_eq!(alone, after);
        assert_eq!(alone, [1, 0, 1]);
    }
}
