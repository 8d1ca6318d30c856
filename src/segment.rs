//! Segmentation: paragraphs, sentences and word tokens, all as byte ranges of the normalised text.
//!
//! A paragraph is a line, or several lines when the text is hard-wrapped. Short lines without
//! final punctuation (headlines, sub-headings, datelines) are headings and form one segment.
//! Sentences end at `.`, `!` or `?` followed by a capitalised word, but not after abbreviations
//! ("Mr.", "U.S."), initials or inside numbers ("3.5", "No. 10").
//!
//! ```
//! let doc = mtlint::segment::Document::new("Huge serving\nMr. Xi met Dr. Li in the U.S. Senate. It cost $3.5 million!");
//! let s: Vec<_> = doc.sentences.iter().map(|s| doc.text(s.start, s.end)).collect();
//! assert_eq!(s, ["Huge serving", "Mr. Xi met Dr. Li in the U.S. Senate.", "It cost $3.5 million!"]);
//! assert!(doc.sentences[0].heading);
//! ```

use crate::lexicon::foreign::ForeignWord;
use crate::normalise::{Normalised, normalise_in};
use std::cell::RefCell;

/// A word, number or punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalised text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (possibly with digits, internal apostrophes or abbreviation dots).
    Word,
    /// Starts with a digit.
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// A sentence, or a whole heading.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Indices into [`Document::tokens`].
    pub tokens: std::ops::Range<usize>,
    /// Indices into [`Document::words`]: the sentence's words as patterns see them.
    pub words: std::ops::Range<usize>,
    /// Index into [`Document::paragraphs`].
    pub paragraph: usize,
    /// A headline or sub-heading rather than running text.
    pub heading: bool,
}

/// A word as phrase patterns see it: lowercased, contractions expanded ("isn't" → `is`, `not`),
/// stored in [`Document::stream`].
#[derive(Debug, Clone, Copy)]
pub struct MatchWord {
    /// Byte range of the word in [`Document::stream`].
    pub pos: usize,
    /// Length and token index are 32-bit to keep the table at 24 bytes a word: a `Document` is
    /// built from one article or one window of a huge one (`check` cuts anything over a few MB
    /// into windows), far below 4 G bytes or tokens.
    pub len: u32,
    /// The token it comes from (both halves of "isn't" point at the same token).
    pub token: u32,
    /// [`word_hash`] of the word, computed once here so that look-ups (lexicon anchors, the
    /// foreign-word table) and detectors keying maps by word need not hash it again. Equal words
    /// have equal hashes; a look-up must still compare the text, as distinct words may collide.
    pub hash: u64,
}

/// The 64-bit hash of a (folded) word that [`MatchWord::hash`] holds; the foreign-word table and
/// the lexicon's anchor index are keyed by the same function.
#[inline]
pub fn word_hash(word: &str) -> u64 {
    crate::lexicon::foreign_table::hash(word.as_bytes())
}

/// A paragraph: a line, or hard-wrapped lines joined.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    /// Indices into [`Document::sentences`].
    pub sentences: std::ops::Range<usize>,
    pub heading: bool,
}

/// An article ready for detection: original text, normalised text and its segments.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub original: &'a str,
    pub norm: Normalised,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// Every sentence's match words, space-separated, with a space at both ends of each word and
    /// a newline between sentences, so that `" not waiting for "` can only match whole words of
    /// one sentence.
    pub stream: String,
    pub words: Vec<MatchWord>,
    /// Byte offsets in the original where lines start; built on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Each token's foreign-word entry, looked up once and shared by the detectors and the
    /// language guess (see [`crate::lexicon::foreign::ForeignWords::lookups`]), with the table
    /// it came from.
    pub foreign: std::sync::OnceLock<ForeignLookups>,
}

/// A document's foreign-word look-ups (see [`Document::foreign`]).
#[derive(Debug, Clone)]
pub struct ForeignLookups {
    /// The table they come from (its address).
    pub table: usize,
    /// Per token, its entry; the buffer may run on past the document's tokens (with `None`s).
    pub found: Vec<Option<ForeignWord>>,
    /// The tokens whose entry is not `None`: resetting these empties the buffer for the next
    /// document, rather than rewriting an entry per token.
    pub set: Vec<u32>,
}

/// The buffers of a dropped [`Document`], kept for the next one on the same thread, so that the
/// allocator is not asked for a dozen vectors of tens of KB (and their growth) for every
/// article. A buffer larger than
/// [`KEPT_BYTES`] (a long article's) is freed rather than kept, so what a thread keeps stays
/// small whatever the input.
struct Spare {
    norm: crate::normalise::Buffers,
    paragraphs: Vec<Paragraph>,
    sentences: Vec<Sentence>,
    tokens: Vec<Token>,
    words: Vec<MatchWord>,
    stream: Vec<u8>,
    ends: Vec<usize>,
    lines: Vec<usize>,
    /// Every entry `None` (see [`foreign_buffer`]), whatever its length.
    foreign: Vec<Option<ForeignWord>>,
    foreign_set: Vec<u32>,
}

/// Largest buffer [`Spare`] keeps, in bytes: the token table of an article of some 40 KB.
const KEPT_BYTES: usize = 256 << 10;

thread_local! {
    static SPARE: RefCell<Spare> = const {
        RefCell::new(Spare {
            norm: crate::normalise::Buffers::EMPTY,
            paragraphs: Vec::new(),
            sentences: Vec::new(),
            tokens: Vec::new(),
            words: Vec::new(),
            stream: Vec::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            foreign: Vec::new(),
            foreign_set: Vec::new(),
        })
    };
}

/// Takes one buffer out of this thread's [`Spare`] (an empty one if there is none).
fn take_spare<T: Default>(pick: impl FnOnce(&mut Spare) -> &mut T) -> T {
    SPARE
        .try_with(|s| {
            s.try_borrow_mut()
                .map(|mut s| std::mem::take(pick(&mut s)))
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

/// Keeps `v`, emptied, in `slot` unless it is too large or the slot holds a larger one.
fn keep<T>(slot: &mut Vec<T>, v: &mut Vec<T>) {
    if v.capacity() > slot.capacity() && v.capacity() * size_of::<T>() <= KEPT_BYTES {
        v.clear();
        std::mem::swap(slot, v);
    }
}

fn keep_string(slot: &mut String, s: &mut String) {
    if s.capacity() > slot.capacity() && s.capacity() <= KEPT_BYTES {
        s.clear();
        std::mem::swap(slot, s);
    }
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        // During the thread's exit the spare buffers may be gone: then these are just freed.
        let _ = SPARE.try_with(|spare| {
            let Ok(mut spare) = spare.try_borrow_mut() else {
                return;
            };
            let spare = &mut *spare;
            let mut norm = self.norm.take_buffers();
            keep_string(&mut spare.norm.text, &mut norm.text);
            keep_string(&mut spare.norm.folded, &mut norm.folded);
            keep(&mut spare.norm.anchors, &mut norm.anchors);
            keep(&mut spare.paragraphs, &mut self.paragraphs);
            keep(&mut spare.sentences, &mut self.sentences);
            keep(&mut spare.tokens, &mut self.tokens);
            keep(&mut spare.words, &mut self.words);
            let mut stream = std::mem::take(&mut self.stream).into_bytes();
            keep(&mut spare.stream, &mut stream);
            if let Some(mut lines) = self.line_starts.take() {
                keep(&mut spare.lines, &mut lines);
            }
            if let Some(ForeignLookups {
                mut found, mut set, ..
            }) = self.foreign.take()
            {
                // Emptied by resetting the entries set, and kept at its length, so that the
                // next document rewrites none of it.
                for &t in &set {
                    if let Some(f) = found.get_mut(t as usize) {
                        *f = None;
                    }
                }
                if found.capacity() > spare.foreign.capacity()
                    && found.capacity() * size_of::<Option<ForeignWord>>() <= KEPT_BYTES
                {
                    std::mem::swap(&mut spare.foreign, &mut found);
                }
                keep(&mut spare.foreign_set, &mut set);
            }
        });
    }
}

/// `v` emptied, with room for `n` elements.
fn sized<T>(mut v: Vec<T>, n: usize) -> Vec<T> {
    v.clear();
    v.reserve(n);
    v
}

/// At least `n` empty foreign-word look-ups (every entry `None`), in this thread's spare buffer
/// if it has one (see [`Document::foreign`]), and an empty list for the tokens set. The spare
/// buffer is all `None` already: only its growth is written, not an entry per token of every
/// document.
pub(crate) fn foreign_buffer(n: usize) -> (Vec<Option<ForeignWord>>, Vec<u32>) {
    let mut v = take_spare(|s| &mut s.foreign);
    if v.len() < n {
        v.resize(n, None);
    }
    let mut set = take_spare(|s| &mut s.foreign_set);
    set.clear();
    (v, set)
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col",
    "capt", "sgt", "cpl", "adm", "maj", "insp", "supt", "inc", "ltd", "co", "corp", "bros", "vs",
    "no", "nos", "fig", "vol", "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
    "mt", "ft", "rev", "hon", "dept", "univ", "approx", "est", "e.g", "i.e", "cf", "al", "pp", "p",
];

/// Capitalised words that usually start a sentence, so "U.S. The" is two sentences.
const SENTENCE_STARTERS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "but", "and", "this", "that", "these",
    "in", "on", "at", "however", "there", "his", "her", "their", "its", "as", "for", "after",
];

impl<'a> Document<'a> {
    /// Normalises and segments `original`.
    pub fn new(original: &'a str) -> Self {
        let norm = normalise_in(original, take_spare(|s| &mut s.norm));
        // Sized for news text (about one token per 4 bytes, a sentence per 100 bytes and a
        // paragraph per 300), so the vectors rarely regrow; a spare buffer may be large enough.
        let len = norm.text.len();
        let stream_estimate = len + len / 8 + 2 + STREAM_SLACK;
        let mut b = Builder {
            text: &norm.text,
            folded: &norm.folded,
            paragraphs: sized(take_spare(|s| &mut s.paragraphs), len / 256 + 1),
            sentences: sized(take_spare(|s| &mut s.sentences), len / 96 + 1),
            tokens: sized(take_spare(|s| &mut s.tokens), len / 4),
            words: sized(take_spare(|s| &mut s.words), len / 5),
            stream: sized(take_spare(|s| &mut s.stream), stream_estimate),
            stream_estimate,
            stream_len: 1,
            ends: sized(take_spare(|s| &mut s.ends), 0),
        };
        b.stream.push(b' ');
        paragraph_ranges(&norm.text, |start, end| b.push_paragraph(start, end));
        let Builder {
            paragraphs,
            sentences,
            tokens,
            words,
            mut stream,
            stream_len,
            mut ends,
            ..
        } = b;
        SPARE.with_borrow_mut(|spare| keep(&mut spare.ends, &mut ends));
        stream.truncate(stream_len);
        // Whole words of `folded` and ASCII separators: valid UTF-8, so the lossy branch never
        // runs (it stands in for a panic).
        let stream = String::from_utf8(stream)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Document {
            original,
            norm,
            paragraphs,
            sentences,
            tokens,
            stream,
            words,
            line_starts: std::sync::OnceLock::new(),
            foreign: std::sync::OnceLock::new(),
        }
    }

    /// Normalised text (case kept) of a byte range.
    pub fn text(&self, start: usize, end: usize) -> &str {
        &self.norm.text[start..end]
    }

    /// Lowercased normalised text of a byte range.
    pub fn folded(&self, start: usize, end: usize) -> &str {
        &self.norm.folded[start..end]
    }

    /// Lowercased text of a token.
    pub fn word(&self, t: &Token) -> &str {
        &self.norm.folded[t.start..t.end]
    }

    /// Text of a match word.
    pub fn match_word(&self, w: &MatchWord) -> &str {
        &self.stream[w.pos..w.pos + w.len as usize]
    }

    /// The match words of a sentence.
    pub fn sentence_words(&self, s: &Sentence) -> &[MatchWord] {
        &self.words[s.words.clone()]
    }

    /// The original text behind a normalised range.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.norm.map.start(start);
        (s, self.norm.map.end(end).max(s))
    }

    /// Offsets in the original where lines start. A line ends at `\n`, or at a `\r` that is not
    /// followed by `\n`.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let bytes = self.original.as_bytes();
            let mut starts = take_spare(|s| &mut s.lines);
            starts.clear();
            starts.push(0);
            if !bytes.contains(&b'\r') {
                // The common case: eight bytes at a time, a block without a newline (most of
                // them) skipped after a few operations; newlines are too frequent in news text
                // for a memchr call per line to pay.
                let mut i = 0;
                while let Some(block) = bytes.get(i..i + 8) {
                    let mut v = [0u8; 8];
                    v.copy_from_slice(block);
                    let x = u64::from_le_bytes(v) ^ 0x0a0a_0a0a_0a0a_0a0a;
                    // Non-zero exactly when some byte of `x` is zero, i.e. a newline.
                    if x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080 != 0 {
                        starts.extend((i..i + 8).filter(|&k| block[k - i] == b'\n').map(|k| k + 1));
                    }
                    i += 8;
                }
                starts.extend(
                    (i..bytes.len())
                        .filter(|&k| bytes[k] == b'\n')
                        .map(|k| k + 1),
                );
                return starts;
            }
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            starts
        })
    }

    /// 1-based line of an original byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset)
    }

    /// Number of word and number tokens.
    pub fn word_count(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .count()
    }

    /// Index of the sentence containing normalised offset `pos` (the last one starting at or before it).
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.start <= pos);
        i.checked_sub(1)
    }
}

/// Bytes of zeroed room the stream keeps after its end, so that a word of up to 16 bytes is
/// copied as one fixed-width block (the bytes past the word are overwritten by what follows).
const STREAM_SLACK: usize = 16;

/// A [`Document`]'s segments while they are built.
struct Builder<'t> {
    text: &'t str,
    folded: &'t str,
    paragraphs: Vec<Paragraph>,
    sentences: Vec<Sentence>,
    tokens: Vec<Token>,
    words: Vec<MatchWord>,
    /// [`Document::stream`]'s bytes up to `stream_len`, then zeroed room for the next sentence.
    stream: Vec<u8>,
    /// Bytes the whole stream likely takes: the room first zeroed.
    stream_estimate: usize,
    stream_len: usize,
    /// The current paragraph's tokens that may end a sentence (`.`, `!`, `?`, `。`).
    ends: Vec<usize>,
}

impl Builder<'_> {
    fn push_paragraph(&mut self, start: usize, end: usize) {
        let first_token = self.tokens.len();
        self.ends.clear();
        let words = tokenize(self.text, start, end, &mut self.tokens, &mut self.ends);
        let tokens_end = self.tokens.len();
        if first_token == tokens_end {
            return;
        }
        let pi = self.paragraphs.len();
        let first_sentence = self.sentences.len();
        let heading = is_heading(&self.text[start..end], words);
        let apostrophes = memchr::memchr(b'\'', &self.folded.as_bytes()[start..end]).is_some();
        if heading {
            self.push_sentence(first_token..tokens_end, pi, true, apostrophes);
        } else {
            // Only tokens that may end a sentence are tried; one that does skips the rest of
            // its run ("?!").
            let mut s = first_token;
            for k in 0..self.ends.len() {
                let i = self.ends[k];
                if i < s {
                    continue;
                }
                if let Some(next) =
                    sentence_end(self.text, self.folded, &self.tokens, i, tokens_end)
                {
                    self.push_sentence(s..next, pi, false, apostrophes);
                    s = next;
                }
            }
            if s < tokens_end {
                self.push_sentence(s..tokens_end, pi, false, apostrophes);
            }
        }
        self.paragraphs.push(Paragraph {
            start: self.tokens[first_token].start,
            end: self.tokens[tokens_end - 1].end,
            sentences: first_sentence..self.sentences.len(),
            heading,
        });
    }

    /// Appends a sentence and its match words. `apostrophes`: whether its paragraph has any
    /// (without, no word is looked at for a contraction but "cannot").
    fn push_sentence(
        &mut self,
        tokens: std::ops::Range<usize>,
        paragraph: usize,
        heading: bool,
        apostrophes: bool,
    ) {
        let first_word = self.words.len();
        let folded = self.folded;
        let (start, end) = (
            self.tokens[tokens.start].start,
            self.tokens[tokens.end - 1].end,
        );
        // Room for every match word at once: the text, plus at most 4 bytes a token ("won't" →
        // "will not "), the closing "\n " and the slack of a fixed-width copy. The room is
        // zeroed up to the estimate of the whole stream at first, then doubled (not up to the
        // capacity: a spare buffer may be much larger than this article needs).
        let room = self.stream_len + (end - start) + 5 * tokens.len() + 2 + STREAM_SLACK;
        if self.stream.len() < room {
            let zeroed = room.max(self.stream_estimate).max(2 * self.stream.len());
            self.stream.resize(zeroed, 0);
        }
        // Moved out while filling, so that its length stays in a register.
        let mut words = std::mem::take(&mut self.words);
        words.reserve(2 * tokens.len());
        let stream = &mut self.stream[..];
        let mut p = self.stream_len;
        for (ti, t) in (tokens.start..).zip(&self.tokens[tokens.clone()]) {
            if t.kind == TokenKind::Punct {
                continue;
            }
            let n = t.end - t.start;
            // The common case, a word of up to 16 bytes that is its own match word: copied and
            // hashed from one 16-byte load.
            if n <= 16
                && let Some(chunk) = folded.as_bytes()[t.start..].first_chunk::<16>()
            {
                let v = u128::from_le_bytes(*chunk);
                let (lo, hi) = if n <= 8 {
                    (v as u64 & low_bytes(n), 0)
                } else {
                    (v as u64, (v >> 64) as u64 & low_bytes(n - 8))
                };
                let expands = (apostrophes && (has_apostrophe(lo) || has_apostrophe(hi)))
                    || (n == 6 && lo == CANNOT);
                if !expands {
                    stream[p..p + 16].copy_from_slice(chunk);
                    stream[p + n] = b' ';
                    words.push(MatchWord {
                        pos: p,
                        len: n as u32,
                        token: ti as u32,
                        hash: hash_chunks(lo, hi, n),
                    });
                    p += n + 1;
                    continue;
                }
            }
            p = push_expanded(stream, &mut words, p, folded, t, ti, apostrophes);
        }
        stream[p..p + 2].copy_from_slice(b"\n ");
        self.stream_len = p + 2;
        self.sentences.push(Sentence {
            start,
            end,
            tokens,
            words: first_word..words.len(),
            paragraph,
            heading,
        });
        self.words = words;
    }
}

/// If token `i` ends a sentence, the index of the first token after it (closing quotes and
/// brackets included in the sentence).
fn sentence_end(text: &str, folded: &str, tokens: &[Token], i: usize, end: usize) -> Option<usize> {
    let t = tokens[i];
    if t.kind != TokenKind::Punct {
        return None;
    }
    let c = text[t.start..t.end].chars().next()?;
    if !matches!(c, '.' | '!' | '?' | '\u{3002}') {
        return None;
    }
    // Runs like "?!" or "..." end together.
    let mut j = i + 1;
    while j < end && is_punct_in(text, &tokens[j], &['.', '!', '?']) {
        j += 1;
    }
    while j < end && is_punct_in(text, &tokens[j], &['"', '\'', ')', ']', '}']) {
        j += 1;
    }
    if j >= end {
        return Some(end);
    }
    let next = tokens[j];
    // No space after the mark: "3.5", "example.com", "U.S".
    if next.start == tokens[j - 1].end {
        return None;
    }
    let next_text = &text[next.start..next.end];
    let next_char = next_text.chars().next()?;
    let starts_sentence = next_char.is_uppercase()
        || next_char.is_ascii_digit()
        || matches!(next_char, '"' | '\'' | '(' | '[' | '-' | '*');
    if !starts_sentence {
        return None;
    }
    if c == '.' && j == i + 1 && i > 0 {
        let prev = tokens[i - 1];
        if prev.end == t.start && prev.kind == TokenKind::Word {
            let word = &folded[prev.start..prev.end];
            let next_lower = &folded[next.start..next.end];
            let starter = SENTENCE_STARTERS.contains(&next_lower);
            if word == "no" {
                // "No. 10" but "The answer was no. Then…"
                if next.kind == TokenKind::Number {
                    return None;
                }
            } else if ABBREVIATIONS.contains(&word) {
                return None;
            } else if word.contains('.') || is_initial(&text[prev.start..prev.end]) {
                // "U.S. Senate", "J. Smith"; but "in the U.S. The …" ends.
                if !starter {
                    return None;
                }
            }
        }
    }
    Some(j)
}

/// "cannot" as [`push_sentence`](Builder::push_sentence) loads it: little-endian, zero-padded.
const CANNOT: u64 = u64::from_le_bytes(*b"cannot\0\0");

/// Ones in the low `n` bytes (`n` in 1..=8).
#[inline]
fn low_bytes(n: usize) -> u64 {
    u64::MAX >> (64 - 8 * n)
}

/// Whether any byte of `x` is an apostrophe.
#[inline]
fn has_apostrophe(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let y = x ^ (ONES * u64::from(b'\''));
    // Non-zero exactly when some byte of `y` is zero.
    y.wrapping_sub(ONES) & !y & (ONES << 7) != 0
}

/// [`word_hash`] of a word of `n` bytes (1..=16) given as its first eight bytes `lo` and the
/// rest `hi`, little-endian and zero-padded: the same steps as
/// [`foreign_table::hash_in`](crate::lexicon::foreign_table::hash_in).
#[inline]
fn hash_chunks(lo: u64, hi: u64, n: usize) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (n as u64).rotate_left(5) ^ lo;
    h = h.wrapping_mul(K);
    if n > 8 {
        h = (h.rotate_left(5) ^ hi).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// The most frequent English function words: they say nothing about which sentences are copies
/// and make poor index anchors.
pub fn is_function_word(w: &str) -> bool {
    // A short word as one integer, searched in a sorted table: a few compares instead of one
    // string compare per listed word.
    let b = w.as_bytes();
    if b.len() > 7 {
        return false;
    }
    // `pack`, as one little-endian load.
    let mut key = [0u8; 8];
    key[..b.len()].copy_from_slice(b);
    key[7] = b.len() as u8;
    FUNCTION_KEYS
        .binary_search(&u64::from_le_bytes(key))
        .is_ok()
}

pub(crate) const FUNCTION_WORDS: [&str; 77] = [
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "by", "from", "and", "or",
    "but", "as", "is", "are", "was", "were", "be", "been", "it", "that", "this", "not", "no", "he",
    "she", "they", "we", "i", "you", "his", "her", "their", "its", "our", "my", "your", "have",
    "has", "had", "do", "does", "did", "will", "would", "can", "could", "into", "over", "about",
    "up", "out", "so", "if", "than", "then", "there", "which", "who", "what", "all", "more",
    "also", "since", "after", "before", "under", "'s", "one", "two", "new", "said", "says", "very",
];

/// [`FUNCTION_WORDS`] packed by [`pack`], sorted at compile time.
static FUNCTION_KEYS: [u64; FUNCTION_WORDS.len()] = {
    let mut keys = [0; FUNCTION_WORDS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack(FUNCTION_WORDS[i].as_bytes());
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    keys
};

/// Up to 7 bytes, little-endian, and their number in the top byte, as one integer (distinct for
/// distinct strings of up to 7 bytes).
const fn pack(b: &[u8]) -> u64 {
    let mut k = (b.len() as u64) << 56;
    let mut i = 0;
    while i < b.len() && i < 7 {
        k |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// [`Builder::push_sentence`] for a word that expands ("isn't", "cannot") or is long: kept out
/// of its loop so that the common case keeps its values in registers. Returns the stream's end.
#[inline(never)]
fn push_expanded(
    stream: &mut [u8],
    words: &mut Vec<MatchWord>,
    p: usize,
    folded: &str,
    t: &Token,
    ti: usize,
    apostrophes: bool,
) -> usize {
    let word = &folded[t.start..t.end];
    let (a, b) = if apostrophes {
        expand_contraction(word)
    } else {
        expand_plain(word)
    };
    // A whole word is hashed where it lies in the folded text (no copy of its tail).
    let hash = if a.len() == word.len() {
        crate::lexicon::foreign_table::hash_in(folded.as_bytes(), t.start, t.end)
    } else {
        word_hash(a)
    };
    let p = put_word(stream, words, p, a, ti, hash);
    match b {
        Some(b) => put_word(stream, words, p, b, ti, word_hash(b)),
        None => p,
    }
}

/// Writes a match word and the space after it at `p` in the stream's room; returns the end.
#[inline]
fn put_word(
    stream: &mut [u8],
    words: &mut Vec<MatchWord>,
    p: usize,
    part: &str,
    token: usize,
    hash: u64,
) -> usize {
    let end = p + part.len();
    stream[p..end].copy_from_slice(part.as_bytes());
    stream[end] = b' ';
    words.push(MatchWord {
        pos: p,
        len: part.len() as u32,
        token: token as u32,
        hash,
    });
    end + 1
}

/// Splits a contraction into the words patterns are written with: "isn't" → ("is", "not"),
/// "won't" → ("will", "not"), "cannot" → ("can", "not"), "Russia's" → ("russia", "'s").
#[inline]
pub fn expand_contraction(word: &str) -> (&str, Option<&str>) {
    // Most words have no apostrophe: nothing to expand (checked inline, the rest is not).
    if !word.bytes().any(|b| b == b'\'') {
        return expand_plain(word);
    }
    expand_apostrophe(word)
}

/// [`expand_contraction`] of a word known to have no apostrophe.
#[inline]
fn expand_plain(word: &str) -> (&str, Option<&str>) {
    if word == "cannot" {
        ("can", Some("not"))
    } else {
        (word, None)
    }
}

fn expand_apostrophe(word: &str) -> (&str, Option<&str>) {
    if let Some(base) = word.strip_suffix("n't") {
        let base = match base {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            "" => return (word, None),
            b => b,
        };
        return (base, Some("not"));
    }
    for suffix in ["'s", "'re", "'m", "'ll", "'ve", "'d"] {
        if let Some(base) = word.strip_suffix(suffix)
            && !base.is_empty()
        {
            return (base, Some(suffix));
        }
    }
    (word, None)
}

fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

fn is_punct_in(text: &str, t: &Token, set: &[char]) -> bool {
    t.kind == TokenKind::Punct
        && text[t.start..t.end]
            .chars()
            .next()
            .is_some_and(|c| set.contains(&c))
}

/// A short block with no final punctuation: a headline, sub-heading or dateline. `words`: its
/// number of word and number tokens.
fn is_heading(block: &str, words: usize) -> bool {
    let trimmed = block.trim_end();
    if trimmed.trim_start().starts_with('#') {
        return true;
    }
    let last = trimmed
        .trim_end_matches(['"', '\'', ')', ']', '*'])
        .trim_end();
    words <= 20 && !trimmed.contains('\n') && !last.ends_with(['.', '!', '?', ':', ';', ','])
}

/// Calls `paragraph` with the byte range of each paragraph of normalised text, in order. Lines
/// are joined when the text is hard-wrapped: the next line continues in lowercase, or the line
/// breaks after a comma, or a long line stops without final punctuation.
fn paragraph_ranges(text: &str, mut paragraph: impl FnMut(usize, usize)) {
    let mut current: Option<(usize, usize)> = None;
    let mut start = 0;
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    for end in breaks {
        let content = text[start..end].trim();
        let line_start = start;
        start = end + 1;
        if content.is_empty() {
            if let Some((s, e)) = current.take() {
                paragraph(s, e);
            }
            continue;
        }
        current = match current {
            Some((ps, pe)) if continues(&text[ps..pe], content) => Some((ps, end)),
            Some((ps, pe)) => {
                paragraph(ps, pe);
                Some((line_start, end))
            }
            None => Some((line_start, end)),
        };
    }
    if let Some((s, e)) = current {
        paragraph(s, e);
    }
}

fn continues(prev: &str, next: &str) -> bool {
    let last_line = prev.rsplit('\n').next().unwrap_or(prev).trim_end();
    let first = next.chars().next().unwrap_or(' ');
    if matches!(first, '#' | '>' | '|') || next.starts_with("- ") || next.starts_with("* ") {
        return false;
    }
    if last_line.trim_start().starts_with('#') {
        return false;
    }
    if first.is_lowercase() || last_line.ends_with([',', '-']) {
        return true;
    }
    last_line.chars().count() >= 60
        && !last_line.ends_with(['.', '!', '?', ':', ';', '"', '\'', ')'])
}

/// Byte classes of the tokenizer's ASCII fast path: whitespace as [`char::is_whitespace`] sees
/// it, letters and digits, other ASCII (one punctuation token each; `.`, `!` and `?` may end a
/// sentence), and bytes of non-ASCII characters (decoded and classified by the Unicode tables).
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const PUNCT: u8 = 3;
const STOP: u8 = 4;
const WIDE: u8 = 0;

static CLASS: [u8; 256] = {
    let mut class = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        class[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            b'.' | b'!' | b'?' => STOP,
            _ => PUNCT,
        };
        b += 1;
    }
    class
};

/// [`CLASS`] is [`ALNUM`], as a table of its own so that testing it first stays one test.
static IS_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = CLASS[b] == ALNUM;
        b += 1;
    }
    table
};

/// Does `s` start with a letter or digit?
#[inline]
fn starts_alnum(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&b) if b < 0x80 => CLASS[usize::from(b)] == ALNUM,
        Some(_) => s.chars().next().is_some_and(char::is_alphanumeric),
        None => false,
    }
}

/// The high bit of each byte of `x` that is an ASCII letter or digit, all eight bytes at once
/// (byte-wise range checks that cannot borrow across bytes, as every operand byte is 7-bit or
/// has its high bit set).
#[inline]
const fn ascii_alnum(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES << 7;
    let x7 = x & !HIGH;
    let digit = (x7 | HIGH).wrapping_sub(ONES * 0x30) & ((ONES * 0x39) | HIGH).wrapping_sub(x7);
    // Setting 0x20 folds `A`..=`Z` onto `a`..=`z` and nothing else into that range.
    let l = x7 | (ONES * 0x20);
    let letter = (l | HIGH).wrapping_sub(ONES * 0x61) & ((ONES * 0x7a) | HIGH).wrapping_sub(l);
    (digit | letter) & !x & HIGH
}

/// The end of the run of ASCII letters and digits from `i`, at most `end`: eight bytes at a
/// time, as most words end within the first eight.
#[inline]
fn alnum_run(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end
        && let Some(block) = bytes[i..].first_chunk::<8>()
    {
        let other = !ascii_alnum(u64::from_le_bytes(*block)) & 0x8080_8080_8080_8080;
        if other != 0 {
            return (i + (other.trailing_zeros() / 8) as usize).min(end);
        }
        i += 8;
    }
    while i < end && CLASS[usize::from(bytes[i])] == ALNUM {
        i += 1;
    }
    i.min(end)
}

/// Appends the tokens of `text[start..end]` to `out` and the indices of those that may end a
/// sentence to `ends`; returns the number of word and number tokens. Walks 64-byte blocks by
/// their bit masks ([`tokenize_block`]); the last bytes of the text, too few for a block, go a
/// token at a time, ASCII classified by [`CLASS`], other characters decoded and classified as
/// `char`s (`tests::fast_path_agrees` checks both against the character-by-character
/// definition). Not inlined, so that profiles show it apart (inlined, it costs the same).
#[inline(never)]
fn tokenize(
    text: &str,
    start: usize,
    end: usize,
    out: &mut Vec<Token>,
    ends: &mut Vec<usize>,
) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut i = start;
    while i < end {
        // Blocks may reach past `end`: [`tokenize_block`] ignores those bytes.
        if let Some(block) = bytes[i..].first_chunk::<64>() {
            i = tokenize_block(text, i, block, end, out, ends, &mut words);
            continue;
        }
        let b = bytes[i];
        // Tested in order of frequency, letters and spaces before the class table (one switch
        // on it costs more than these two tests); the rarer cases are out of line.
        if IS_ALNUM[usize::from(b)] {
            let tok_end = ascii_word_end(text, i, i + 1, end);
            push_word(out, i, tok_end, b);
            words += 1;
            i = tok_end;
            continue;
        }
        if b == b' ' {
            i += 1;
            continue;
        }
        let class = CLASS[usize::from(b)];
        if class == SPACE {
            i += 1;
        } else if class != WIDE {
            push_punct(out, ends, i, class);
            i += 1;
        } else {
            i = wide_token(text, i, end, out, ends, &mut words);
        }
    }
    words
}

/// [`tokenize`] over the 64 bytes from `base` (those from `end` on ignored): the tokens start at
/// the set bits of one mask (word starts and non-space, non-alphanumeric bytes) and ASCII words
/// end at the next clear bit of another, so spaces and the bytes inside words cost nothing.
/// Words that may go on past the block or past a joiner or non-ASCII byte, and non-ASCII
/// characters, take the per-token path. Returns where the next token may start.
#[inline(always)]
fn tokenize_block(
    text: &str,
    base: usize,
    block: &[u8; 64],
    end: usize,
    out: &mut Vec<Token>,
    ends: &mut Vec<usize>,
    words: &mut usize,
) -> usize {
    let (mut alnum, mut other) = classify(block);
    let lim = end - base;
    if lim < 64 {
        let valid = (1u64 << lim) - 1;
        alnum &= valid;
        other &= valid;
    }
    let mut events = (alnum & !(alnum << 1)) | other;
    while events != 0 {
        let k = events.trailing_zeros() as usize;
        let b = block[k];
        let p = base + k;
        let next = if alnum >> k & 1 != 0 {
            // The first byte from `k` on that is not a letter or digit (64 if none).
            let e = (!alnum & (u64::MAX << k)).trailing_zeros() as usize;
            let tok_end = if e < 64 && (e >= lim || !may_join(block[e])) {
                base + e
            } else {
                ascii_word_end(text, p, base + e, end)
            };
            push_word(out, p, tok_end, b);
            *words += 1;
            tok_end
        } else if b < 0x80 {
            push_punct(out, ends, p, CLASS[usize::from(b)]);
            p + 1
        } else {
            wide_token(text, p, end, out, ends, words)
        };
        let n = next - base;
        if n >= 64 {
            return next;
        }
        events &= u64::MAX << n;
    }
    base + lim.min(64)
}

/// May byte `d`, right after a run of ASCII letters and digits, extend the word ("isn't", "U.S",
/// "3.5", "1,000", "café")?
#[inline(always)]
fn may_join(d: u8) -> bool {
    d >= 0x80 || matches!(d, b'\'' | b'.' | b',')
}

/// The end of the ASCII-started word at `start` whose letters and digits run at least to `from`.
#[inline]
fn ascii_word_end(text: &str, start: usize, from: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let tok_end = alnum_run(bytes, from, end);
    // Most words end at a space or at punctuation that cannot join.
    match bytes[..end].get(tok_end) {
        Some(&d) if may_join(d) => {
            word_end(text, start, tok_end, end, bytes[start].is_ascii_digit())
        }
        _ => tok_end,
    }
}

#[inline(always)]
fn push_word(out: &mut Vec<Token>, start: usize, end: usize, first: u8) {
    out.push(Token {
        start,
        end,
        kind: if first.is_ascii_digit() {
            TokenKind::Number
        } else {
            TokenKind::Word
        },
    });
}

/// Appends the one-byte punctuation token at `i`, of class [`PUNCT`] or [`STOP`].
#[inline(always)]
fn push_punct(out: &mut Vec<Token>, ends: &mut Vec<usize>, i: usize, class: u8) {
    if class == STOP {
        ends.push(out.len());
    }
    out.push(Token {
        start: i,
        end: i + 1,
        kind: TokenKind::Punct,
    });
}

/// The masks of [`tokenize_block`]: bit `k` of the first is set when `block[k]` is an ASCII
/// letter or digit ([`ALNUM`]), of the second when it is neither that nor [`SPACE`].
#[inline(always)]
fn classify(block: &[u8; 64]) -> (u64, u64) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the cfg above checks that SSE2 is enabled for the whole build.
        unsafe { classify_sse2(block) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        classify_bytes(block)
    }
}

/// [`classify`] a byte at a time: the definition, and the code where SSE2 is missing.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn classify_bytes(block: &[u8; 64]) -> (u64, u64) {
    let (mut alnum, mut other) = (0, 0);
    for (k, &b) in block.iter().enumerate() {
        let class = CLASS[usize::from(b)];
        alnum |= u64::from(class == ALNUM) << k;
        other |= u64::from(class != ALNUM && class != SPACE) << k;
    }
    (alnum, other)
}

/// [`classify`] sixteen bytes at a time. A byte lies in `lo..lo + n` when, shifted by
/// `0x80 - lo`, it is below `n - 128` as a signed byte (SSE2 compares only signed bytes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn classify_sse2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    #[target_feature(enable = "sse2")]
    #[inline]
    fn in_range(v: __m128i, lo: u8, n: u8) -> __m128i {
        let shifted = _mm_add_epi8(v, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
        _mm_cmplt_epi8(shifted, _mm_set1_epi8(n.wrapping_sub(128) as i8))
    }
    let (mut alnum, mut other) = (0u64, 0u64);
    for (n, chunk) in block.chunks_exact(16).enumerate() {
        // SAFETY: `chunk` is 16 readable bytes, and the load needs no alignment.
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
        // Setting 0x20 folds `A`..=`Z` onto `a`..=`z` and nothing else into that range.
        let letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let an = _mm_or_si128(letter, in_range(v, b'0', 10));
        let space = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0x20)),
            in_range(v, b'\t', 5),
        );
        // Each mask is 16 bits wide.
        let a = _mm_movemask_epi8(an) as u16;
        let s = _mm_movemask_epi8(_mm_or_si128(an, space)) as u16;
        alnum |= u64::from(a) << (16 * n);
        other |= u64::from(!s) << (16 * n);
    }
    (alnum, other)
}

/// The end of the word that starts at `start` and whose ASCII letters and digits run to `j`:
/// further letters (non-ASCII ones, combining marks) and joiners between two alphanumerics
/// ("isn't", "U.S", "3.5", "1,000") extend it.
#[inline(never)]
fn word_end(text: &str, start: usize, mut j: usize, end: usize, numeric: bool) -> usize {
    let bytes = text.as_bytes();
    loop {
        j = alnum_run(bytes, j, end);
        let Some(&d) = bytes[..end].get(j) else {
            return j;
        };
        if d >= 0x80 {
            match text[j..end].chars().next() {
                Some(c)
                    if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) =>
                {
                    j += c.len_utf8();
                    continue;
                }
                _ => return j,
            }
        }
        if matches!(d, b'\'' | b'.' | b',')
            && starts_alnum(&text[j + 1..end])
            && match d {
                b'\'' => !numeric,
                b'.' => numeric || is_abbrev_dot(&text[start..j]),
                _ => numeric,
            }
        {
            j += 1;
            continue;
        }
        return j;
    }
}

/// [`tokenize`] at a non-ASCII character: skips it if it is whitespace, else appends its token
/// (a letter starts a word). Returns where the next token may start.
#[inline(never)]
fn wide_token(
    text: &str,
    i: usize,
    end: usize,
    out: &mut Vec<Token>,
    ends: &mut Vec<usize>,
    words: &mut usize,
) -> usize {
    let Some(c) = text[i..end].chars().next() else {
        return end;
    };
    let n = c.len_utf8();
    if c.is_whitespace() {
        return i + n;
    }
    if !c.is_alphanumeric() {
        if c == '\u{3002}' {
            ends.push(out.len());
        }
        out.push(Token {
            start: i,
            end: i + n,
            kind: TokenKind::Punct,
        });
        return i + n;
    }
    let tok_end = word_end(text, i, i + n, end, false);
    out.push(Token {
        start: i,
        end: tok_end,
        kind: TokenKind::Word,
    });
    *words += 1;
    tok_end
}

/// "U.S", "e.g": single letters joined by dots.
fn is_abbrev_dot(word_so_far: &str) -> bool {
    word_so_far.split('.').all(|part| part.chars().count() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a detector can read of a document, as text.
    fn dump(doc: &Document) -> String {
        let map: Vec<(usize, usize)> = (0..=doc.norm.text.len())
            .map(|p| (doc.norm.map.start(p), doc.norm.map.end(p)))
            .collect();
        let foreign = crate::lexicon::foreign::ForeignWords::embedded()
            .lookups(doc)
            .into_owned();
        format!(
            "{:?}\n{:?}\n{map:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{foreign:?}",
            doc.norm.text,
            doc.norm.folded,
            doc.paragraphs,
            doc.sentences,
            doc.tokens,
            doc.stream,
            doc.words,
            doc.line_starts()
        )
    }

    #[test]
    fn reused_buffers_change_nothing() {
        // Each document is built on a fresh thread (no spare buffers), then on this one after
        // documents longer, shorter and odder than it were dropped.
        let texts = [
            "Huge serving\nMr. Xi met Dr. Li in the U.S. Senate. It cost $3.5 million!",
            "\u{FEFF}“Quoted” café—and the the end.\r\nIt isn’t waiting; Russia's won't.",
            "",
            "Een gemeente. Die Bürgermeister sagte «non».\n\nE\u{301}te\u{301} ﬁne…\n",
        ];
        let long = texts.concat().repeat(200);
        let fresh: Vec<String> = texts
            .iter()
            .map(|t| std::thread::scope(|s| s.spawn(|| dump(&Document::new(t))).join().unwrap()))
            .collect();
        for before in [long.as_str(), texts[0], texts[3], ""] {
            for (t, want) in texts.iter().zip(&fresh) {
                dump(&Document::new(before));
                assert_eq!(&dump(&Document::new(t)), want, "{t:?} after {before:?}");
            }
        }
        // A kept buffer is never larger than the bound, whatever was dropped.
        drop(Document::new(&"word ".repeat(100_000)));
        SPARE.with_borrow(|s| {
            assert!(s.tokens.capacity() * size_of::<Token>() <= KEPT_BYTES);
            assert!(s.norm.text.capacity() <= KEPT_BYTES);
        });
    }

    fn sentences(text: &str) -> Vec<String> {
        let doc = Document::new(text);
        doc.sentences
            .iter()
            .map(|s| doc.text(s.start, s.end).to_string())
            .collect()
    }

    fn words(text: &str) -> Vec<String> {
        let doc = Document::new(text);
        doc.tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| doc.text(t.start, t.end).to_string())
            .collect()
    }

    #[test]
    fn sentence_table() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two! Three?", &["One.", "Two!", "Three?"]),
            ("Mr. Smith met Dr. Jones.", &["Mr. Smith met Dr. Jones."]),
            (
                "He lives in the U.S. The weather is fine.",
                &["He lives in the U.S.", "The weather is fine."],
            ),
            ("The U.S. Senate voted.", &["The U.S. Senate voted."]),
            (
                "J. R. R. Tolkien wrote it.",
                &["J. R. R. Tolkien wrote it."],
            ),
            (
                "It rose 3.5 percent. Then fell.",
                &["It rose 3.5 percent.", "Then fell."],
            ),
            (
                "He lives at No. 10 Downing Street.",
                &["He lives at No. 10 Downing Street."],
            ),
            (
                "The answer was no. Then he left.",
                &["The answer was no.", "Then he left."],
            ),
            ("\"Go home.\" She left.", &["\"Go home.\"", "She left."]),
            ("Really?! Yes.", &["Really?!", "Yes."]),
            ("Wait... What?", &["Wait...", "What?"]),
            (
                "Visit example.com today. Now.",
                &["Visit example.com today.", "Now."],
            ),
            ("e.g. this one.", &["e.g. this one."]),
            (
                "It ended (finally.) Next.",
                &["It ended (finally.)", "Next."],
            ),
            (
                "Huge serving\nBut Xi is here.",
                &["Huge serving", "But Xi is here."],
            ),
            ("Which can! Log in.", &["Which can!", "Log in."]),
            (
                "東京は晴れ。 Tokyo is sunny. Yes.",
                &["東京は晴れ。", "Tokyo is sunny.", "Yes."],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(sentences(input), *want, "{input:?}");
        }
    }

    #[test]
    fn token_table() {
        let cases: &[(&str, &[&str])] = &[
            ("isn't it", &["isn't", "it"]),
            ("Putin’s war", &["Putin's", "war"]),
            ("Think-group chairman", &["Think", "group", "chairman"]),
            ("1,000 people, 3.5%", &["1,000", "people", "3.5"]),
            ("the U.S. and U.K.", &["the", "U.S", "and", "U.K"]),
            ("D66 minister", &["D66", "minister"]),
            ("'quoted'", &["quoted"]),
            ("café naïve", &["café", "naïve"]),
        ];
        for (input, want) in cases {
            assert_eq!(words(input), *want, "{input:?}");
        }
    }

    #[test]
    fn paragraph_table() {
        let cases: &[(&str, usize)] = &[
            ("One line.\nAnother line.", 2),
            (
                "A long hard-wrapped line of running text that goes on and on until\nit wraps here.",
                1,
            ),
            ("Ends with a comma,\nand continues.", 1),
            ("Para one.\n\nPara two.", 2),
            ("# Heading\nBody text.", 2),
            ("\n\n\n", 0),
            ("Line one.\r\nLine two.\r\n", 2),
        ];
        for (input, want) in cases {
            assert_eq!(Document::new(input).paragraphs.len(), *want, "{input:?}");
        }
    }

    #[test]
    fn headings() {
        let doc = Document::new(
            "Guns and drones\nUS-British news site Politico reported it.\nWatch our videos below:",
        );
        let h: Vec<bool> = doc.sentences.iter().map(|s| s.heading).collect();
        assert_eq!(h, [true, false, false]);
    }

    #[test]
    fn match_words_expand_contractions() {
        let doc = Document::new("Xi isn’t waiting. Russia's can't-do won't.");
        let w: Vec<&str> = doc.words.iter().map(|w| doc.match_word(w)).collect();
        assert_eq!(
            w,
            [
                "xi", "is", "not", "waiting", "russia", "'s", "can", "not", "do", "will", "not"
            ]
        );
        assert_eq!(
            doc.stream,
            " xi is not waiting \n russia 's can not do will not \n "
        );
        assert_eq!(doc.sentence_words(&doc.sentences[1]).len(), 7);
    }

    #[test]
    fn match_word_table() {
        // Paragraphs with and without apostrophes (only the first are scanned for contractions).
        let cases: &[(&str, &str)] = &[
            ("They cannot go.", " they can not go \n "),
            (
                "They cannot go.\nWe won't. Isn't it?",
                " they can not go \n we will not \n is not it \n ",
            ),
            ("CANNOT stop", " can not stop \n "),
            ("'quoted' rock'n'roll", " quoted rock'n'roll \n "),
            // Apostrophes past the first eight bytes, words over 16 bytes, words in the last
            // 16 bytes of the text (each taken off the 16-byte fast path).
            (
                "The government's counter-revolutionaries' internationalisations can't",
                " the government 's counter revolutionaries internationalisations can not \n ",
            ),
            (
                "Wouldn't it? Shan't. Cannot.",
                " would not it \n shall not \n can not \n ",
            ),
            ("x", " x \n "),
        ];
        for (input, want) in cases {
            assert_eq!(Document::new(input).stream, *want, "{input:?}");
        }
    }

    #[test]
    fn match_word_hashes_are_word_hash() {
        // Hashed in place (near the end of the text too) or, for expansions, apart.
        for text in [
            "Xi isn’t waiting. Russia's can't-do won't, cannot.",
            "A bovendien-gemeente of Zürich's straße extraordinarily x",
            "éé",
        ] {
            let doc = Document::new(text);
            for w in &doc.words {
                assert_eq!(
                    w.hash,
                    word_hash(doc.match_word(w)),
                    "{}",
                    doc.match_word(w)
                );
            }
        }
    }

    #[test]
    fn chunk_helpers_agree_with_their_definitions() {
        // Every byte in every lane of the eight-byte letter test.
        for b in 0..=255u8 {
            for lane in 0..8 {
                let x =
                    (u64::from(b) << (8 * lane)) | (0x2020_2020_2020_2020 & !(0xff << (8 * lane)));
                let got = (ascii_alnum(x) >> (8 * lane + 7)) & 1 == 1;
                assert_eq!(got, CLASS[usize::from(b)] == ALNUM, "{b:#x} in lane {lane}");
                assert_eq!(
                    IS_ALNUM[usize::from(b)],
                    b.is_ascii_alphanumeric(),
                    "{b:#x}"
                );
                let y = u64::from(b) << (8 * lane);
                assert_eq!(has_apostrophe(y), b == b'\'', "{b:#x} in lane {lane}");
            }
        }
        // The hash of a word from its two halves, for every length the fast path takes.
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        for n in 1..=16 {
            let w = &text[3..3 + n];
            let mut padded = [0u8; 16];
            padded[..n].copy_from_slice(w.as_bytes());
            let v = u128::from_le_bytes(padded);
            assert_eq!(
                hash_chunks(v as u64, (v >> 64) as u64, n),
                word_hash(w),
                "{w}"
            );
        }
        // Runs of letters and digits stop at the first other byte, and at `end`.
        for (text, from, end, want) in [
            ("abcdefghijklmnopq rest", 0, 22, 17),
            ("abc def", 1, 7, 3),
            ("abcdefghij", 0, 5, 5),
            ("abcdefgh\u{e9}", 0, 10, 8),
            ("D66-minister", 0, 12, 3),
            ("", 0, 0, 0),
        ] {
            assert_eq!(alnum_run(text.as_bytes(), from, end), want, "{text:?}");
        }
    }

    #[test]
    fn function_words_are_exactly_the_listed_ones() {
        for w in FUNCTION_WORDS {
            assert!(is_function_word(w), "{w}");
        }
        for w in [
            "", "th", "thee", "the\0", "said ", "before1", "xi", "'", "s", "thereby",
        ] {
            assert!(!is_function_word(w), "{w:?}");
        }
    }

    /// The tokenizer a character at a time, as first written: the definition that the
    /// byte-class fast path of [`tokenize`] must agree with.
    fn tokenize_by_chars(slice: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let bytes = slice.as_bytes();
        let mut i = 0;
        while let Some(c) = slice[i..].chars().next() {
            if c.is_whitespace() {
                i += c.len_utf8();
                continue;
            }
            if !c.is_alphanumeric() {
                out.push(Token {
                    start: i,
                    end: i + c.len_utf8(),
                    kind: TokenKind::Punct,
                });
                i += c.len_utf8();
                continue;
            }
            let numeric = c.is_ascii_digit();
            let mut tok_end = i + c.len_utf8();
            loop {
                while tok_end < bytes.len() && bytes[tok_end].is_ascii_alphanumeric() {
                    tok_end += 1;
                }
                let j = tok_end;
                let Some(d) = slice[j..].chars().next() else {
                    break;
                };
                if d.is_alphanumeric()
                    || (!d.is_ascii() && unicode_normalization::char::is_combining_mark(d))
                {
                    tok_end = j + d.len_utf8();
                    continue;
                }
                let joins = match d {
                    '\'' => !numeric,
                    '.' => numeric || is_abbrev_dot(&slice[i..j]),
                    ',' => numeric,
                    _ => false,
                };
                if joins
                    && slice[j + d.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
                {
                    tok_end = j + d.len_utf8();
                    continue;
                }
                break;
            }
            out.push(Token {
                start: i,
                end: tok_end,
                kind: if numeric {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                },
            });
            i = tok_end;
        }
        out
    }

    fn fast_tokens(text: &str) -> Vec<Token> {
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        let words = tokenize(text, 0, text.len(), &mut out, &mut ends);
        assert_eq!(
            words,
            out.iter().filter(|t| t.kind != TokenKind::Punct).count()
        );
        let stops = out.iter().enumerate().filter(|(_, t)| {
            t.kind == TokenKind::Punct
                && matches!(&text[t.start..t.end], "." | "!" | "?" | "\u{3002}")
        });
        assert_eq!(ends, stops.map(|(i, _)| i).collect::<Vec<_>>(), "{text:?}");
        out
    }

    #[test]
    fn fast_path_agrees_with_char_by_char() {
        let cases = [
            "",
            "plain ascii words, 1,000 and 3.5 and U.S. and isn't",
            "café naïve Zürich straße İstanbul ΣΊΣΥΦΟΣ",
            "e\u{301}te\u{301} cafe\u{301}s \u{301}lone mark",
            "a\u{a0}b\u{2003}c\u{3000}d\u{85}e",
            "\x00\x01\x1c\x1f\x7f controls\x0b\x0c\r\n\t",
            "x's 3's '90s ends' 'quoted' U.S.A. e.g. i.e., a.b.c.d ab.cd",
            "1,000,000 1,a a,1 3.5.6 3. .5 ,5 5,",
            "٣٤ ١,٢ 二〇二六年 東京。 日本語の文",
            "D66'er CDA'ers é'é é.é é,é 5'6",
            "U.é.S é.S. É.U. Ω.Ω",
            "dash-word em—dash «quote» „quote“ ‘single’ …",
            "emoji 👍🏽 flags 🇳🇱 and ZWJ 👩‍👩‍👧",
            "   leading and trailing   ",
        ];
        for input in cases {
            assert_eq!(fast_tokens(input), tokenize_by_chars(input), "{input:?}");
        }
    }

    #[test]
    fn block_masks_agree_with_the_class_table() {
        // Every byte in every position of a block, among letters, spaces and non-ASCII bytes.
        for background in [b'a', b' ', b'.', 0xc3, b'Z', b'\t'] {
            for b in 0..=255u8 {
                for k in 0..64 {
                    let mut block = [background; 64];
                    block[k] = b;
                    assert_eq!(
                        classify(&block),
                        classify_bytes(&block),
                        "{b:#x} at {k} among {background:#x}"
                    );
                }
            }
        }
    }

    /// [`tokenize`] of `text[start..end]`, checked against [`tokenize_by_chars`] of the slice
    /// alone (blocks read past `end`, which must not matter).
    fn assert_slice_agrees(text: &str, start: usize, end: usize) {
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        tokenize(text, start, end, &mut out, &mut ends);
        let want: Vec<Token> = tokenize_by_chars(&text[start..end])
            .into_iter()
            .map(|t| Token {
                start: t.start + start,
                end: t.end + start,
                ..t
            })
            .collect();
        assert_eq!(out, want, "{:?} in {text:?}", start..end);
    }

    #[test]
    fn block_walk_agrees_at_every_block_position() {
        // Tricky tokens at every offset, so that each straddles the 64-byte block edge (and the
        // 16-byte lanes) in every way; the text is long enough for several blocks.
        let tricky = [
            "isn't",
            "U.S.",
            "3.5",
            "1,000",
            "e.g.",
            "café",
            "e\u{301}",
            "naïve",
            "x\u{a0}y",
            "a—b",
            "ab.",
            "1.a",
            "Ω.Ω",
            "word",
            "9",
            "'s",
            "🇳🇱",
            "東京。",
            "a,b",
            "\u{3000}",
        ];
        for t in tricky {
            for pad in 0..70 {
                let text = format!("{}{t} {t}{}", "ab ".repeat(pad / 3 + 1), " x".repeat(40));
                let text = &text[(3 - pad % 3) % 3..];
                assert_eq!(fast_tokens(text), tokenize_by_chars(text), "{text:?}");
            }
        }
        // Every ASCII byte and some non-ASCII characters at every position, between letters.
        let mut chars: Vec<char> = (0..128u8).map(char::from).collect();
        chars.extend([
            'é', '\u{85}', '\u{2003}', '\u{301}', '٣', '二', '\u{3002}', '👍',
        ]);
        for c in chars {
            for pad in 0..66 {
                let text = format!("{}{c}b{c}{}", "a".repeat(pad), "c".repeat(70));
                assert_eq!(fast_tokens(&text), tokenize_by_chars(&text), "{text:?}");
            }
        }
        // Slices that end inside a block, a word, or before a joiner.
        let text = "It isn't U.S. policy, 1,000.5 cafés e.g. \u{201c}quoted\u{201d} words run on. "
            .repeat(4);
        for start in (0..40).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_slice_agrees(&text, start, end);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn fast_path_agrees_on_any_mix(
            input in "[a-zA-Z0-9 .,'\"!?()\t\n\x00\x1f\x7f\u{a0}\u{301}\u{2003}éİß٣二Σ👍-]{0,40}"
        ) {
            proptest::prop_assert_eq!(fast_tokens(&input), tokenize_by_chars(&input));
        }
    }

    #[test]
    fn line_starts_table() {
        let cases: &[(&str, &[usize])] = &[
            ("", &[0]),
            ("one line", &[0]),
            ("a\nb", &[0, 2]),
            ("\n\n", &[0, 1, 2]),
            ("seven b\neight by\nnine byte\n", &[0, 8, 17, 27]),
            ("sixteen bytes ab\n", &[0, 17]),
            (
                "é\n\u{2028}\nend\n\n\n\n\n\n\n\nlast",
                &[0, 3, 7, 11, 12, 13, 14, 15, 16, 17, 18],
            ),
            ("a\r\nb\rc\n", &[0, 3, 5, 7]),
        ];
        for (text, want) in cases {
            assert_eq!(Document::new(text).line_starts(), *want, "{text:?}");
        }
    }

    #[test]
    fn word_count_ignores_punctuation() {
        assert_eq!(
            Document::new("Hello, world! It's 3.5 — ok.").word_count(),
            5
        );
    }
}
