//! Phrase patterns over match words (see `lexicons/FORMAT.md`), and a [`PatternSet`] that finds
//! all of them in one pass: each pattern's most selective steps are its anchor, indexed by word
//! (a hash lookup per match word, plus a small table for `word*` prefixes); a hit is then
//! verified around its anchor.
//!
//! ```
//! use mtlint::lexicon::{Classes, pattern::{Pattern, PatternSet}};
//! use mtlint::segment::Document;
//! let classes = Classes::default_embedded();
//! let set = PatternSet::new(vec![Pattern::parse("{be} not waiting for", &classes).unwrap()]);
//! let doc = Document::new("Xi isn't waiting for a democracy. He is waiting for the bus.");
//! let hits = set.find(&doc);
//! assert_eq!(hits.len(), 1);
//! assert_eq!((hits[0].sentence, hits[0].words.clone()), (0, 1..5));
//! ```

use super::Classes;
use super::foreign_table::hash_in;
use crate::segment::{Document, MatchWord, is_function_word};
use std::ops::Range;
use std::sync::Arc;

/// One token of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A literal word.
    Lit(String),
    /// Any of several literal words or prefixes (`a|b|c*`); `$` among them also accepts the end
    /// of the sentence.
    Alt(Alts),
    /// Any word of a `{class}`.
    Class(Arc<[String]>),
    /// Any word starting with this (`creak*`).
    Prefix(String),
    /// Any number (`{number}`: a token starting with a digit).
    Number,
    /// 0 to N arbitrary words.
    Gap(usize),
}

/// Alternatives as written (`a|b|c*`) and where each one is: two allocations, however many
/// alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Alts {
    text: String,
    spans: Box<[(u32, u32)]>,
}

impl Alts {
    fn new(text: &str) -> Alts {
        let mut spans = Vec::with_capacity(text.bytes().filter(|&b| b == b'|').count() + 1);
        let mut start = 0;
        for a in text.split('|') {
            spans.push((start as u32, (start + a.len()) as u32));
            start += a.len() + 1;
        }
        Alts {
            text: text.to_string(),
            spans: spans.into(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(a, b)| &self.text[a as usize..b as usize])
    }

    /// Whether word `w` is one of the alternatives, or starts with one written `stem*`: bytes
    /// compared in place, without slicing the text as `str` per alternative.
    #[inline]
    fn matches(&self, w: &[u8]) -> bool {
        let text = self.text.as_bytes();
        self.spans.iter().any(|&(a, b)| {
            let alt = &text[a as usize..b as usize];
            match alt.split_last() {
                Some((b'*', stem)) => w.starts_with(stem),
                _ => alt.len() == w.len() && alt.first() == w.first() && alt == w,
            }
        })
    }

    /// The alternative starting at byte `at`.
    fn at(&self, at: usize) -> &str {
        self.text[at..].split('|').next().unwrap_or_default()
    }

    /// Each alternative with the byte where it starts.
    fn with_offsets(&self) -> impl Iterator<Item = (usize, &str)> {
        self.spans
            .iter()
            .map(|&(a, b)| (a as usize, &self.text[a as usize..b as usize]))
    }
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    steps: Vec<Step>,
    at_start: bool,
    at_end: bool,
    /// The steps indexed in the [`PatternSet`]: the longest run of literals, else the most
    /// selective alternatives or prefix.
    anchor: Range<usize>,
    /// Minimum and maximum number of words the steps before the anchor consume.
    reach: (usize, usize),
    source: String,
}

/// A pattern syntax error: message and 1-based character column within the pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternError {
    pub column: usize,
    pub message: String,
}

const MAX_GAP: usize = 6;

impl Pattern {
    /// Parses the syntax of `lexicons/FORMAT.md`.
    pub fn parse(src: &str, classes: &Classes) -> Result<Pattern, PatternError> {
        // Tokens counted rather than collected (every lexicon entry is parsed at start-up).
        let tokens = src.bytes().filter(|&b| b == b' ').count() + 1;
        let mut steps = Vec::with_capacity(tokens);
        let (mut at_start, mut at_end) = (false, false);
        let mut col = 1;
        for (i, tok) in src.split(' ').enumerate() {
            let err = |message: String| PatternError {
                column: col,
                message,
            };
            if tok.is_empty() {
                return Err(err("empty token: use single spaces between words".into()));
            }
            if !is_lowercase(tok) {
                return Err(err(format!("'{tok}' is not lowercase")));
            }
            match tok {
                "^" if i == 0 => at_start = true,
                "$" if i + 1 == tokens => at_end = true,
                "^" | "$" => return Err(err(format!("'{tok}' only at the start/end"))),
                t if t.starts_with('*') => {
                    let n = if t.len() == 1 {
                        3
                    } else {
                        t[1..]
                            .parse::<usize>()
                            .map_err(|_| err(format!("bad gap '{t}'")))?
                    };
                    if n == 0 || n > MAX_GAP {
                        return Err(err(format!("gap '{t}' must be *1 to *{MAX_GAP}")));
                    }
                    steps.push(Step::Gap(n));
                }
                "{number}" => steps.push(Step::Number),
                t if t.starts_with('{') => {
                    let name = t
                        .strip_prefix('{')
                        .and_then(|t| t.strip_suffix('}'))
                        .ok_or_else(|| err(format!("unclosed class '{t}'")))?;
                    let words = classes
                        .get(name)
                        .ok_or_else(|| err(format!("unknown class '{{{name}}}'")))?;
                    steps.push(Step::Class(words));
                }
                t if t.contains('|') => {
                    if t.split('|')
                        .any(|a| a != "$" && !is_word(a.strip_suffix('*').unwrap_or(a)))
                    {
                        return Err(err(format!("bad alternatives '{t}'")));
                    }
                    steps.push(Step::Alt(Alts::new(t)));
                }
                t if t.ends_with('*') => {
                    let stem = &t[..t.len() - 1];
                    if !is_word(stem) {
                        return Err(err(format!("bad prefix '{t}'")));
                    }
                    steps.push(Step::Prefix(stem.to_string()));
                }
                t if is_word(t) => {
                    if t.ends_with("n't") || t == "cannot" {
                        return Err(err(format!("write '{t}' expanded ('is not', 'can not')")));
                    }
                    steps.push(Step::Lit(t.to_string()));
                }
                t => return Err(err(format!("'{t}' is not a word"))),
            }
            col += tok.chars().count() + 1;
        }
        let err = |message: &str| PatternError {
            column: 1,
            message: message.to_string(),
        };
        if matches!(steps.first(), Some(Step::Gap(_))) || matches!(steps.last(), Some(Step::Gap(_)))
        {
            return Err(err("a pattern cannot start or end with a gap"));
        }
        let anchor = choose_anchor(&steps)
            .ok_or_else(|| err("nothing to index: add a word, alternatives or a prefix"))?;
        let reach = steps[..anchor.start]
            .iter()
            .fold((0, 0), |(lo, hi), s| match s {
                Step::Gap(n) => (lo, hi + n),
                _ => (lo + 1, hi + 1),
            });
        Ok(Pattern {
            steps,
            at_start,
            at_end,
            anchor,
            reach,
            source: src.to_string(),
        })
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The words of a pattern made only of literal words (no classes, gaps, alternatives or
    /// anchors), for the shadowing audit.
    pub fn literal_words(&self) -> Option<Vec<&str>> {
        if self.at_start || self.at_end {
            return None;
        }
        self.steps
            .iter()
            .map(|s| match s {
                Step::Lit(w) => Some(w.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Matches the pattern starting exactly at word `start` of `words`; returns the end.
    pub fn match_at(&self, words: &[&str], start: usize) -> Option<usize> {
        self.match_from(words, start)
    }

    /// [`Pattern::match_at`] over any sequence of words.
    fn match_from(&self, words: &(impl Words + ?Sized), start: usize) -> Option<usize> {
        if self.at_start && start != 0 {
            return None;
        }
        self.match_steps(0, words, start)
    }

    /// Matches the steps from `step` on at word `pos`: a loop over the steps, recursing only
    /// at a gap (to try each length).
    fn match_steps(
        &self,
        mut step: usize,
        words: &(impl Words + ?Sized),
        mut pos: usize,
    ) -> Option<usize> {
        loop {
            let Some(s) = self.steps.get(step) else {
                return (!self.at_end || pos == words.len()).then_some(pos);
            };
            match s {
                Step::Gap(n) => {
                    return (0..=*n)
                        .take_while(|g| pos + g <= words.len())
                        .find_map(|g| self.match_steps(step + 1, words, pos + g));
                }
                // `a|$`: the sentence may also end here.
                Step::Alt(alts) if pos == words.len() => {
                    if alts.iter().any(|a| a == "$") {
                        step += 1;
                        continue;
                    }
                    return None;
                }
                _ => {}
            }
            let w = words.word(pos)?;
            let ok = match s {
                Step::Lit(l) => same_word(l, w),
                Step::Alt(alts) => alts.matches(w),
                Step::Class(words) => words.iter().any(|a| same_word(a, w)),
                Step::Number => w.first().is_some_and(u8::is_ascii_digit),
                Step::Prefix(p) => w.starts_with(p.as_bytes()),
                Step::Gap(_) => false,
            };
            if !ok {
                return None;
            }
            step += 1;
            pos += 1;
        }
    }
}

/// `a == w`, with the length and first byte compared before any `memcmp` call: steps are
/// mostly compared with words they do not match.
#[inline(always)]
fn same_word(a: &str, w: &[u8]) -> bool {
    let a = a.as_bytes();
    a.len() == w.len() && a.first() == w.first() && a == w
}

/// The words a pattern is matched against, as bytes: a slice of strings, or a sentence's match
/// words read in place from the document's stream (no per-sentence vector of strings).
trait Words {
    fn len(&self) -> usize;
    fn word(&self, i: usize) -> Option<&[u8]>;
}

impl Words for [&str] {
    #[inline]
    fn len(&self) -> usize {
        <[&str]>::len(self)
    }
    #[inline]
    fn word(&self, i: usize) -> Option<&[u8]> {
        self.get(i).map(|w| w.as_bytes())
    }
}

/// A sentence's match words, as [`Words`].
struct Sentence<'a> {
    doc: &'a Document<'a>,
    words: &'a [MatchWord],
}

impl Words for Sentence<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.words.len()
    }
    #[inline]
    fn word(&self, i: usize) -> Option<&[u8]> {
        let w = self.words.get(i)?;
        self.doc
            .stream
            .as_bytes()
            .get(w.pos..w.pos + w.len as usize)
    }
}

/// Same verdict as `s == s.to_lowercase()`, without allocating.
pub(crate) fn is_lowercase(s: &str) -> bool {
    s.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            c.to_lowercase().eq([c])
        }
    })
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '.'))
        && s.chars().any(char::is_alphanumeric)
}

/// The most selective index for a pattern: a literal run with an uncommon word (longest first),
/// else alternatives of uncommon words (fewest first), else a prefix, else whatever literal run
/// or alternatives there are. Classes are never anchors: "is" would be a candidate in every
/// sentence.
fn choose_anchor(steps: &[Step]) -> Option<Range<usize>> {
    let mut best: Option<(u32, Range<usize>)> = None;
    let mut consider = |score: u32, r: Range<usize>| {
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, r));
        }
    };
    let mut i = 0;
    while i < steps.len() {
        match &steps[i] {
            Step::Lit(_) => {
                let start = i;
                while i < steps.len() && matches!(steps[i], Step::Lit(_)) {
                    i += 1;
                }
                let rare = steps[start..i]
                    .iter()
                    .any(|s| matches!(s, Step::Lit(w) if !is_function_word(w)));
                let len = (i - start) as u32;
                consider(if rare { 1000 + len } else { 100 + len }, start..i);
                continue;
            }
            Step::Alt(alts) if !alts.iter().any(|x| x == "$") => {
                let rare = alts.iter().all(|a| {
                    a.ends_with('*') && a.len() > 4 || !a.ends_with('*') && !is_function_word(a)
                });
                let fewer = 99u32.saturating_sub(alts.iter().count() as u32);
                consider(if rare { 500 + fewer } else { fewer }, i..i + 1);
            }
            Step::Prefix(p) if p.len() >= 3 => consider(400 + p.len() as u32, i..i + 1),
            _ => {}
        }
        i += 1;
    }
    best.map(|(_, r)| r)
}

/// Where a pattern matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternHit {
    /// Index of the pattern in the set.
    pub pattern: usize,
    /// Index into [`Document::sentences`].
    pub sentence: usize,
    /// Word range within the sentence's words.
    pub words: Range<usize>,
}

/// One place a pattern can be found from: its anchor, or one alternative of it.
#[derive(Debug, Clone, Copy)]
struct AnchorRef {
    pattern: u32,
    /// For an anchor of alternatives, the byte where the alternative starts in the step; for a
    /// literal run, the position of the word it is indexed by.
    alt: u32,
    /// For a literal run: its number of words and [`run_signature`], so that a run that does
    /// not occur is mostly rejected from the document's word hashes, without reading the
    /// pattern (a cache miss per candidate). 0 for other anchors.
    run: u32,
    /// For a pattern tied to the sentence start (`^`), the last word at which its anchor can
    /// start (the most words the steps before it take); `u32::MAX` otherwise. Rules out, before
    /// the pattern is read, an anchor as common as "the" found deep in a sentence.
    latest: u32,
    signature: u64,
    /// The words the steps right before and right after the anchor accept, so that most
    /// candidates ("as" without "more|fewer|less" before it) are ruled out from the sentence's
    /// word hashes, before the pattern is read.
    before: Neighbour,
    after: Neighbour,
}

/// What the step next to an anchor accepts: a word whose [`word_bit`] is in `bits` (all set when
/// any word will do), or no word at all (the sentence's edge) unless `needs_word`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Neighbour {
    bits: u64,
    needs_word: bool,
}

impl Neighbour {
    /// No step there, or a gap: anything goes, even the sentence's edge.
    const ANY: Neighbour = Neighbour {
        bits: u64::MAX,
        needs_word: false,
    };

    fn of(step: Option<&Step>) -> Neighbour {
        let words = |words: &mut dyn Iterator<Item = &str>| {
            words.fold(0, |bits, w| bits | word_bit(hash(w.as_bytes())))
        };
        match step {
            None | Some(Step::Gap(_)) => Neighbour::ANY,
            Some(Step::Lit(w)) => Neighbour {
                bits: word_bit(hash(w.as_bytes())),
                needs_word: true,
            },
            Some(Step::Class(list)) => Neighbour {
                bits: words(&mut list.iter().map(String::as_str)),
                needs_word: true,
            },
            Some(Step::Alt(alts)) => Neighbour {
                bits: if alts.iter().any(|a| a.ends_with('*')) {
                    u64::MAX
                } else {
                    words(&mut alts.iter().filter(|&a| a != "$"))
                },
                needs_word: !alts.iter().any(|a| a == "$"),
            },
            Some(Step::Prefix(_) | Step::Number) => Neighbour {
                bits: u64::MAX,
                needs_word: true,
            },
        }
    }

    /// Whether the word at this place (`None`: the sentence's edge) may be the step's.
    #[inline]
    fn admits(self, word: Option<&crate::segment::MatchWord>) -> bool {
        match word {
            Some(w) => self.bits & word_bit(w.hash) != 0,
            None => !self.needs_word,
        }
    }
}

/// One of 64 bits for a word hash (its top bits): a one-word Bloom filter.
#[inline]
fn word_bit(h: u64) -> u64 {
    1 << (h >> 58)
}

/// A hash of a sequence of word hashes; equal words give equal signatures.
#[inline]
fn run_signature(hashes: impl Iterator<Item = u64>) -> u64 {
    hashes.fold(0, |sig, h| sig.rotate_left(7) ^ h)
}

/// Anchors by the hash of a key word (or prefix), as ranges of one flat list: a hash lookup finds
/// the candidates, which are then compared word for word. Keys are hashed by [`hash`], the
/// function segmentation hashes match words with ([`crate::segment::MatchWord::hash`]), so that
/// looking up a document's word costs no hashing.
#[derive(Debug, Clone)]
struct Index {
    /// One bit per value of a key hash's top bits: most words of a text are no key, and this
    /// says so before the table is probed. Sized to the keys (about 32 bits a key), so that a
    /// small set's filter (the boilerplate prompts') is a few cache lines, not 8 KB.
    filter: Box<[u64]>,
    /// 64 minus the number of bits the filter is indexed by.
    filter_shift: u32,
    /// Open addressing over the hash's top bits, at most half full: a key's hash and its range
    /// of `refs` (an empty range marks a free slot). A probe is a load and a compare or two,
    /// where a general hash map costs some fifty instructions.
    slots: Box<[(u64, u32, u32)]>,
    /// 64 minus the number of bits the slots are indexed by.
    slot_shift: u32,
    refs: Vec<AnchorRef>,
}

/// Bits of a key's hash [`Index::filter`] gives each key, at least…
const FILTER_BITS_PER_KEY: usize = 32;
/// …within these bounds (64 bytes to 8 KB).
const FILTER_BITS: (usize, usize) = (1 << 9, 1 << 16);

impl Index {
    fn new(keyed: Vec<(&[u8], AnchorRef)>) -> Index {
        let mut keyed: Vec<(u64, AnchorRef)> =
            keyed.into_iter().map(|(k, r)| (hash(k), r)).collect();
        let filter_bits = (keyed.len() * FILTER_BITS_PER_KEY)
            .next_power_of_two()
            .clamp(FILTER_BITS.0, FILTER_BITS.1);
        let filter_shift = 64 - filter_bits.trailing_zeros();
        let mut filter = vec![0u64; filter_bits / 64].into_boxed_slice();
        for (h, _) in &keyed {
            let f = (h >> filter_shift) as usize;
            filter[f >> 6] |= 1 << (f & 63);
        }
        keyed.sort_by_key(|(h, r)| (*h, r.pattern, r.alt));
        let slot_bits = (2 * keyed.len())
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let slot_shift = 64 - slot_bits;
        let mut slots = vec![(0u64, 0u32, 0u32); 1 << slot_bits].into_boxed_slice();
        let mask = slots.len() - 1;
        let mut start = 0;
        while start < keyed.len() {
            let h = keyed[start].0;
            let end = start + keyed[start..].iter().take_while(|(k, _)| *k == h).count();
            let mut at = (h >> slot_shift) as usize;
            while slots[at].2 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (h, start as u32, end as u32);
            start = end;
        }
        Index {
            filter,
            filter_shift,
            slots,
            slot_shift,
            refs: keyed.into_iter().map(|(_, r)| r).collect(),
        }
    }

    /// Candidates for a key, by its [`hash`] (they may belong to another key with that hash).
    /// The filter test is inlined: most words are no key and cost no call.
    #[inline(always)]
    fn get(&self, h: u64) -> &[AnchorRef] {
        if !self.may_have(h) {
            return &[];
        }
        self.probe(h)
    }

    /// Whether the filter lets a key with hash `h` through (every key's does).
    #[inline(always)]
    fn may_have(&self, h: u64) -> bool {
        let f = (h >> self.filter_shift) as usize;
        self.filter[f >> 6] & (1 << (f & 63)) != 0
    }

    /// The table look-up of [`Index::get`], once the filter has passed.
    #[inline]
    fn probe(&self, h: u64) -> &[AnchorRef] {
        let mask = self.slots.len() - 1;
        let mut at = (h >> self.slot_shift) as usize;
        loop {
            let (k, start, end) = self.slots[at];
            if end == 0 {
                return &[];
            }
            if k == h {
                return &self.refs[start as usize..end as usize];
            }
            at = (at + 1) & mask;
        }
    }
}

/// The hash of index keys: the one match words carry.
fn hash(key: &[u8]) -> u64 {
    crate::lexicon::foreign_table::hash(key)
}

/// Many patterns, indexed once, found in one pass.
#[derive(Debug, Clone)]
pub struct PatternSet {
    patterns: Vec<Pattern>,
    /// Word anchors (literal runs, literal alternatives) by their first word: one hash lookup per
    /// match word.
    by_word: Index,
    /// Prefix anchors by their first `prefix_key` bytes (the shortest prefix's length).
    by_prefix: Index,
    prefix_key: usize,
}

/// Whether the words next to an anchor found at words `start..end` of a sentence may be those of
/// the steps next to it (a run's position is unchecked here when it does not fit).
#[inline]
fn neighbours_admit(
    r: AnchorRef,
    words: &[crate::segment::MatchWord],
    start: usize,
    end: usize,
) -> bool {
    if start > words.len() {
        return true;
    }
    let before = start.checked_sub(1).and_then(|i| words.get(i));
    r.before.admits(before) && r.after.admits(words.get(end))
}

impl PatternSet {
    pub fn new(patterns: Vec<Pattern>) -> PatternSet {
        let mut words = Vec::new();
        let mut prefixes = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let pattern = i as u32;
            let latest = if p.at_start {
                u32::try_from(p.reach.1).unwrap_or(u32::MAX)
            } else {
                u32::MAX
            };
            let before = match p.anchor.start {
                0 => Neighbour::ANY,
                k => Neighbour::of(p.steps.get(k - 1)),
            };
            let after = Neighbour::of(p.steps.get(p.anchor.end));
            match &p.steps[p.anchor.clone()] {
                [Step::Alt(alts)] => {
                    for (alt, a) in alts.with_offsets() {
                        let r = AnchorRef {
                            pattern,
                            alt: alt as u32,
                            run: 0,
                            latest,
                            signature: 0,
                            before,
                            after,
                        };
                        match a.strip_suffix('*') {
                            _ if a == "$" => {}
                            Some(stem) => prefixes.push((stem, r)),
                            None => words.push((a.as_bytes(), r)),
                        }
                    }
                }
                [Step::Prefix(stem), ..] => prefixes.push((
                    stem,
                    AnchorRef {
                        pattern,
                        alt: 0,
                        run: 0,
                        latest,
                        signature: 0,
                        before,
                        after,
                    },
                )),
                run @ [Step::Lit(_), ..] => {
                    // The run's most selective word: "the frame of" is looked up at "frame" only,
                    // not at every "the".
                    let key = run
                        .iter()
                        .enumerate()
                        .filter_map(|(k, s)| match s {
                            Step::Lit(w) => Some((!is_function_word(w), w.len(), k, w)),
                            _ => None,
                        })
                        .max_by_key(|&(rare, len, k, _)| (rare, len, std::cmp::Reverse(k)));
                    if let Some((_, _, k, w)) = key {
                        words.push((
                            w.as_bytes(),
                            AnchorRef {
                                pattern,
                                alt: k as u32,
                                run: run.len() as u32,
                                latest,
                                signature: run_signature(run.iter().map(|s| match s {
                                    Step::Lit(w) => hash(w.as_bytes()),
                                    _ => 0,
                                })),
                                before,
                                after,
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
        let prefix_key = prefixes
            .iter()
            .map(|(stem, _)| stem.len())
            .min()
            .unwrap_or(0);
        let prefixes = prefixes
            .into_iter()
            .map(|(stem, r)| (&stem.as_bytes()[..prefix_key], r))
            .collect();
        PatternSet {
            by_word: Index::new(words),
            by_prefix: Index::new(prefixes),
            prefix_key,
            patterns,
        }
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Every match in the document, by sentence order then position. One hit per pattern and
    /// anchor occurrence.
    pub fn find(&self, doc: &Document) -> Vec<PatternHit> {
        self.find_inner(doc, None::<fn(usize, &[&str]) -> bool>)
    }

    /// Like [`PatternSet::find`], keeping only the hits for which `keep(pattern, sentence's
    /// match words)` holds.
    pub fn find_where(
        &self,
        doc: &Document,
        keep: impl FnMut(usize, &[&str]) -> bool,
    ) -> Vec<PatternHit> {
        self.find_inner(doc, Some(keep))
    }

    /// [`PatternSet::find_where`]; without `keep`, every hit is kept. Words are read in place
    /// from the stream while matching; the sentence's words as strings are only collected for
    /// `keep`, once a pattern has matched (rare), and without `keep` never.
    ///
    /// Most words are no anchor: a tight loop over the document's words tests the indexes'
    /// filters alone (a few instructions a word, everything in registers), and only a word that
    /// passes is placed in its sentence and looked at by [`PatternSet::anchors_at`].
    fn find_inner(
        &self,
        doc: &Document,
        mut keep: Option<impl FnMut(usize, &[&str]) -> bool>,
    ) -> Vec<PatternHit> {
        let mut hits = Vec::new();
        let mut strs = Kept {
            words: Vec::new(),
            sentence: usize::MAX,
        };
        let stream = doc.stream.as_bytes();
        let prefixes = !self.by_prefix.refs.is_empty();
        let words = &doc.words;
        // The sentence of the word at hand: sentences list the words in order, each a range.
        let mut si = 0;
        let mut at = 0;
        loop {
            let next = if prefixes {
                words[at..].iter().position(|mw| {
                    self.by_word.may_have(mw.hash)
                        || (mw.len as usize >= self.prefix_key
                            && self.by_prefix.may_have(hash_in(
                                stream,
                                mw.pos,
                                mw.pos + self.prefix_key,
                            )))
                })
            } else {
                words[at..]
                    .iter()
                    .position(|mw| self.by_word.may_have(mw.hash))
            };
            let Some(k) = next else {
                break;
            };
            let wi = at + k;
            at = wi + 1;
            while doc.sentences.get(si).is_some_and(|s| s.words.end <= wi) {
                si += 1;
            }
            let Some(local) = doc
                .sentences
                .get(si)
                .and_then(|s| wi.checked_sub(s.words.start))
            else {
                continue;
            };
            self.anchors_at(doc, si, local, &mut keep, &mut strs, &mut hits);
        }
        hits.sort_by_key(|h| (h.sentence, h.words.start, h.pattern));
        hits.dedup();
        hits
    }

    /// The patterns anchored at word `local` of sentence `si`, verified: the candidates of the
    /// word and of its prefix, ruled out by their neighbours where possible.
    #[inline]
    fn anchors_at<'d>(
        &self,
        doc: &'d Document,
        si: usize,
        local: usize,
        keep: &mut Option<impl FnMut(usize, &[&str]) -> bool>,
        strs: &mut Kept<'d>,
        hits: &mut Vec<PatternHit>,
    ) {
        let stream = doc.stream.as_bytes();
        let sentence_words = doc.sentence_words(&doc.sentences[si]);
        let words = Sentence {
            doc,
            words: sentence_words,
        };
        let mw = &sentence_words[local];
        let by_word = self.by_word.get(mw.hash);
        // The prefix key of the word, hashed where it lies in the stream.
        let by_prefix = if !self.by_prefix.refs.is_empty() && mw.len as usize >= self.prefix_key {
            self.by_prefix
                .get(hash_in(stream, mw.pos, mw.pos + self.prefix_key))
        } else {
            &[]
        };
        let w = &stream[mw.pos..mw.pos + mw.len as usize];
        for &r in by_word {
            let anchored_at = if r.run > 0 {
                local.wrapping_sub(r.alt as usize)
            } else {
                local
            };
            if anchored_at > r.latest as usize
                || !neighbours_admit(
                    r,
                    sentence_words,
                    anchored_at,
                    anchored_at.wrapping_add((r.run as usize).max(1)),
                )
            {
                continue;
            }
            // A run whose words' hashes differ from the text's cannot occur here.
            if r.run > 0 {
                let fits = local
                    .checked_sub(r.alt as usize)
                    .and_then(|start| sentence_words.get(start..start + r.run as usize));
                if fits.is_none_or(|ws| run_signature(ws.iter().map(|w| w.hash)) != r.signature) {
                    continue;
                }
            }
            let p = &self.patterns[r.pattern as usize];
            // Where the anchor starts, if it occurs here.
            let start = match &p.steps[p.anchor.clone()] {
                [Step::Alt(alts)] => (alts.at(r.alt as usize).as_bytes() == w).then_some(local),
                run => local.checked_sub(r.alt as usize).filter(|&start| {
                    run.len() <= words.len() - start
                        && run.iter().enumerate().all(|(k, s)| {
                            matches!((s, words.word(start + k)),
                                (Step::Lit(l), Some(w)) if same_word(l, w))
                        })
                }),
            };
            if let Some(start) = start {
                self.verify(r, &words, si, start, keep, strs, hits);
            }
        }
        for &r in by_prefix {
            if local > r.latest as usize || !neighbours_admit(r, sentence_words, local, local + 1) {
                continue;
            }
            let p = &self.patterns[r.pattern as usize];
            let stem = match &p.steps[p.anchor.start] {
                Step::Alt(alts) => alts.at(r.alt as usize).strip_suffix('*'),
                Step::Prefix(stem) => Some(stem.as_str()),
                _ => None,
            };
            if stem.is_some_and(|stem| w.starts_with(stem.as_bytes())) {
                self.verify(r, &words, si, local, keep, strs, hits);
            }
        }
    }

    /// Tries the pattern of an anchor found at word `local` of sentence `si`: the first start,
    /// within the reach of the steps before the anchor, from which the pattern matches.
    #[allow(clippy::too_many_arguments)]
    fn verify<'d>(
        &self,
        r: AnchorRef,
        words: &Sentence<'d>,
        si: usize,
        local: usize,
        keep: &mut Option<impl FnMut(usize, &[&str]) -> bool>,
        strs: &mut Kept<'d>,
        hits: &mut Vec<PatternHit>,
    ) {
        let pi = r.pattern as usize;
        let p = &self.patterns[pi];
        let (lo, hi) = p.reach;
        let first = local.saturating_sub(hi);
        let Some(last) = local.checked_sub(lo) else {
            return;
        };
        let Some((start, end)) =
            (first..=last).find_map(|s| p.match_from(words, s).map(|e| (s, e)))
        else {
            return;
        };
        if let Some(keep) = keep {
            if strs.sentence != si {
                strs.words.clear();
                strs.words
                    .extend(words.words.iter().map(|w| words.doc.match_word(w)));
                strs.sentence = si;
            }
            if !keep(pi, &strs.words) {
                return;
            }
        }
        hits.push(PatternHit {
            pattern: pi,
            sentence: si,
            words: start..end,
        });
    }
}

/// The words of the sentence last passed to `keep`, as strings.
struct Kept<'d> {
    words: Vec<&'d str>,
    sentence: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The match words of sentence `s` as strings, as [`Pattern::match_at`] takes them.
    fn sentence_strs<'d>(doc: &'d Document, s: &crate::segment::Sentence) -> Vec<&'d str> {
        doc.sentence_words(s)
            .iter()
            .map(|w| doc.match_word(w))
            .collect()
    }

    fn find(pattern: &str, text: &str) -> Vec<String> {
        let classes = Classes::default_embedded();
        let set = PatternSet::new(vec![Pattern::parse(pattern, &classes).unwrap()]);
        let doc = Document::new(text);
        let hits = set.find(&doc);
        // The in-place path (words read from the stream, no `keep`) agrees with `find_where`
        // (words collected for `keep`, which sees the whole sentence) and with `match_at` over
        // the sentence's words as strings, tried at every start.
        let mut kept = Vec::new();
        assert_eq!(
            set.find_where(&doc, |p, words| {
                kept.push((p, words.join(" ")));
                true
            }),
            hits
        );
        let mut by_strings = Vec::new();
        for (si, s) in doc.sentences.iter().enumerate() {
            let words = sentence_strs(&doc, s);
            for start in 0..words.len() {
                if let Some(end) = set.patterns()[0].match_at(&words, start) {
                    by_strings.push((si, start..end));
                }
            }
            // `keep` saw the whole sentence of each hit.
            if hits.iter().any(|h| h.sentence == si) {
                assert!(kept.contains(&(0, words.join(" "))), "{words:?}");
            }
        }
        // A gap lets `match_at` match at several starts around one anchor; `find` keeps the
        // first start per anchor occurrence.
        for h in &hits {
            assert!(by_strings.contains(&(h.sentence, h.words.clone())), "{h:?}");
        }
        hits.iter()
            .map(|h| {
                let s = &doc.sentences[h.sentence];
                let w = &doc.sentence_words(s)[h.words.clone()];
                let (a, b) = (
                    &doc.tokens[w[0].token as usize],
                    &doc.tokens[w[w.len() - 1].token as usize],
                );
                doc.text(a.start, b.end).to_string()
            })
            .collect()
    }

    #[test]
    fn match_table() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "{be} not waiting for",
                "Xi isn't waiting for it.",
                &["isn't waiting for"],
            ),
            (
                "{be} not waiting for",
                "Xi is NOT waiting for it.",
                &["is NOT waiting for"],
            ),
            ("{be} not waiting for", "Xi is waiting for it.", &[]),
            (
                "is * not waiting for",
                "He is really not waiting for it.",
                &["is really not waiting for"],
            ),
            (
                "is * not waiting for",
                "He is not waiting for it.",
                &["is not waiting for"],
            ),
            (
                "creak* and creak*",
                "It creaks and creaks.",
                &["creaks and creaks"],
            ),
            ("huge|big serving", "Big serving", &["Big serving"]),
            ("^ which can $", "Free access? Which can!", &["Which can"]),
            ("^ which can $", "Which can help.", &[]),
            // Tied to the start: the anchor "the" is skipped deeper in a sentence (a run anchor
            // after two steps, and a prefix anchor right at the start).
            (
                "^ now|today has|wants the",
                "Today wants the vote.",
                &["Today wants the"],
            ),
            (
                "^ now|today has|wants the",
                "And today wants the vote.",
                &[],
            ),
            (
                "^ now|today has|wants the",
                "Today wants the vote. Now has the say.",
                &["Today wants the", "Now has the"],
            ),
            // The steps next to the anchor ("as") rule candidates out before the pattern is
            // read: a literal or alternatives before it, a number after it, the sentence's edges.
            (
                "more|fewer|less as {number} people",
                "Fewer as 5 people came, as 6 people left.",
                &["Fewer as 5 people"],
            ),
            (
                "more|fewer|less as {number} people",
                "As 5 people came.",
                &[],
            ),
            ("more|fewer|less as {number} people", "Fewer as", &[]),
            (
                "{det} frame of",
                "The frame of it; a frame of.",
                &["The frame of", "a frame of"],
            ),
            ("{det} frame of", "Frame of mind.", &[]),
            (
                "go|goes on rooms $|in",
                "She goes on rooms.",
                &["goes on rooms"],
            ),
            (
                "go|goes on rooms $|in",
                "She goes on rooms in Delft.",
                &["goes on rooms in"],
            ),
            (
                "go|goes on rooms $|in",
                "She goes on rooms near Delft.",
                &[],
            ),
            (
                "the creak* creak*",
                "The creaking creaks.",
                &["The creaking creaks"],
            ),
            ("the creak* creak*", "The creaking.", &[]),
            ("^ creak* now", "Creaking now.", &["Creaking now"]),
            ("^ creak* now", "It is creaking now.", &[]),
            ("small beer", "It's a small. Beer is fine.", &[]),
            ("think group", "Think-group chairman", &["Think-group"]),
            ("russia 's defeat", "Russia’s defeat", &["Russia's defeat"]),
            (
                "{be} fabricant|fabricants",
                "They are fabricants.",
                &["are fabricants"],
            ),
            ("{det} curator*", "The curators met.", &["The curators"]),
            (
                "creak|creaks and squeak|piep*",
                "It creaks and piepst.",
                &["creaks and piepst"],
            ),
            (
                "main concurrent $|in",
                "He is our main concurrent.",
                &["main concurrent"],
            ),
            (
                "main concurrent $|in",
                "Our main concurrent in Spain.",
                &["main concurrent in"],
            ),
            ("main concurrent $|in", "Our main concurrent process.", &[]),
            (
                "since {number} years",
                "He has lived here since 3 years.",
                &["since 3 years"],
            ),
            (
                "since {number} years",
                "He has lived here since many years.",
                &[],
            ),
            // The run "the frame of" is looked up at "frame", then checked around it.
            (
                "in|within the frame of",
                "Arrested in the frame of the inquiry.",
                &["in the frame of"],
            ),
            ("in|within the frame of", "In the frame for the bed.", &[]),
            ("in|within the frame of", "Frame of mind.", &[]),
            (
                "in|within the frame of",
                "Within the frame of. In the frame of",
                &["Within the frame of", "In the frame of"],
            ),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(find(pattern, text), *want, "{pattern:?} on {text:?}");
        }
    }

    #[test]
    fn index_agrees_with_a_map_whatever_its_size() {
        // Keys from a few to more than the largest filter holds sparsely; looked up with every
        // key and as many words that are none (some sharing a key's filter bit or slot).
        let r = |pattern: u32| AnchorRef {
            pattern,
            alt: 0,
            run: 0,
            latest: u32::MAX,
            signature: 0,
            before: Neighbour::ANY,
            after: Neighbour::ANY,
        };
        for n in [0usize, 1, 2, 33, 700, 2500] {
            let keys: Vec<String> = (0..n).map(|i| format!("k{}", i % (n / 2 + 1))).collect();
            let index = Index::new(
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| (k.as_bytes(), r(i as u32)))
                    .collect(),
            );
            let mut reference: std::collections::HashMap<u64, Vec<u32>> = Default::default();
            for (i, k) in keys.iter().enumerate() {
                reference
                    .entry(hash(k.as_bytes()))
                    .or_default()
                    .push(i as u32);
            }
            let probes = (0..2 * n + 50).map(|i| format!("k{i}"));
            let mut found = 0;
            for w in probes.chain(["", "the", "of"].map(String::from)) {
                let h = hash(w.as_bytes());
                let mut got: Vec<u32> = index.get(h).iter().map(|r| r.pattern).collect();
                got.sort();
                let want = reference.get(&h).cloned().unwrap_or_default();
                assert_eq!(got, want, "{n} keys, {w:?}");
                found += usize::from(!got.is_empty());
                // The table alone agrees too (the filter only short-cuts it).
                let mut probed: Vec<u32> = index.probe(h).iter().map(|r| r.pattern).collect();
                probed.sort();
                assert_eq!(probed, want, "{n} keys, {w:?}");
            }
            assert_eq!(found, reference.len(), "{n} keys");
        }
    }

    #[test]
    fn a_set_finds_each_pattern_wherever_it_matches() {
        // Patterns sharing anchor words, with different words around them (the keys' neighbour
        // unions pass over most occurrences), runs (whose neighbours lie elsewhere), edges and
        // gaps; a pattern has a hit in a sentence exactly when it matches there at some start.
        let classes = Classes::default_embedded();
        let sources = [
            "more|fewer than",
            "the end of",
            "at the end",
            "^ the end",
            "the end $",
            "a|the big one",
            "big one|two",
            "as well as",
            "well then",
            "in|within the frame of",
            "{be} not waiting for",
            "the * of the",
            "end",
        ];
        let patterns: Vec<Pattern> = sources
            .iter()
            .map(|p| Pattern::parse(p, &classes).unwrap())
            .collect();
        let set = PatternSet::new(patterns.clone());
        let doc = Document::new(
            "The end of the talks came at the end. More than a big one, fewer than two. \
             The big two were here as well as the end. Well then, the end. In the frame of the \
             end of it. Within the frame. It isn't waiting for the end of the big one. End. \
             The end. At the end of the day the big one won, as well.",
        );
        let found: std::collections::BTreeSet<(usize, usize)> = set
            .find(&doc)
            .iter()
            .map(|h| (h.sentence, h.pattern))
            .collect();
        let mut expected = std::collections::BTreeSet::new();
        for (si, s) in doc.sentences.iter().enumerate() {
            let words = sentence_strs(&doc, s);
            for (pi, p) in patterns.iter().enumerate() {
                if (0..words.len()).any(|start| p.match_at(&words, start).is_some()) {
                    expected.insert((si, pi));
                }
            }
        }
        assert_eq!(found, expected);
        assert!(expected.len() > 15, "{expected:?}");
    }

    #[test]
    fn alternatives_match_as_written() {
        let alts = Alts::new("creak|creaks|piep*|$|é*|a");
        // The definition `matches` replaces.
        let reference = |w: &str| {
            alts.iter().any(|a| match a.strip_suffix('*') {
                Some(stem) => w.starts_with(stem),
                None => a == w,
            })
        };
        for w in [
            "creak", "creaks", "creaked", "piep", "piepst", "pie", "", "$", "éé", "e", "a", "ab",
        ] {
            assert_eq!(alts.matches(w.as_bytes()), reference(w), "{w:?}");
        }
    }

    #[test]
    fn syntax_errors_name_the_column() {
        let classes = Classes::default_embedded();
        let cases: &[(&str, usize)] = &[
            ("is  not", 4),
            ("{nope} here", 1),
            ("* lead", 1),
            ("isn't it", 1),
            ("ok Upper", 4),
            ("{be} *", 1),
            ("a *9 b", 3),
            ("{be} {have}", 1),
            ("{be} * {have}", 1),
        ];
        for (src, col) in cases {
            let e = Pattern::parse(src, &classes).unwrap_err();
            assert_eq!(e.column, *col, "{src:?}: {}", e.message);
        }
    }
}
