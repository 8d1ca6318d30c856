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

use crate::normalise::{Normalised, normalise};

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
    pub foreign: std::sync::OnceLock<(usize, Vec<Option<crate::lexicon::foreign::ForeignWord>>)>,
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
        let norm = normalise(original);
        // Sized for news text (about one token per 4 bytes, a sentence per 100 bytes and a
        // paragraph per 300), so the vectors rarely regrow.
        let len = norm.text.len();
        let mut stream = String::with_capacity(len + len / 8 + 2);
        stream.push(' ');
        let mut doc = Document {
            original,
            norm,
            paragraphs: Vec::with_capacity(len / 256 + 1),
            sentences: Vec::with_capacity(len / 96 + 1),
            tokens: Vec::with_capacity(len / 4),
            stream,
            words: Vec::with_capacity(len / 5),
            line_starts: std::sync::OnceLock::new(),
            foreign: std::sync::OnceLock::new(),
        };
        for (start, end) in paragraph_ranges(&doc.norm.text) {
            doc.push_paragraph(start, end);
        }
        doc
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
            let mut starts = vec![0];
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

    fn push_paragraph(&mut self, start: usize, end: usize) {
        let first_token = self.tokens.len();
        tokenize(&self.norm.text, start, end, &mut self.tokens);
        let tokens_end = self.tokens.len();
        if first_token == tokens_end {
            return;
        }
        let pi = self.paragraphs.len();
        let first_sentence = self.sentences.len();
        let heading = is_heading(&self.norm.text[start..end], &self.tokens[first_token..]);
        let apostrophes = self.norm.folded.as_bytes()[start..end].contains(&b'\'');
        if heading {
            self.push_sentence(first_token..tokens_end, pi, true, apostrophes);
        } else {
            let mut s = first_token;
            let mut i = first_token;
            while i < tokens_end {
                if let Some(next) = self.sentence_end(i, tokens_end) {
                    self.push_sentence(s..next, pi, false, apostrophes);
                    s = next;
                    i = next;
                } else {
                    i += 1;
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
        let folded = &self.norm.folded;
        let (start, end) = (
            self.tokens[tokens.start].start,
            self.tokens[tokens.end - 1].end,
        );
        // Room for every match word at once: the text, plus at most 5 bytes a token ("won't" →
        // "will not "), and at most two words a token.
        self.stream.reserve(end - start + 5 * tokens.len() + 2);
        self.words.reserve(2 * tokens.len());
        for (ti, t) in (tokens.start..).zip(&self.tokens[tokens.clone()]) {
            if t.kind == TokenKind::Punct {
                continue;
            }
            let word = &folded[t.start..t.end];
            let (a, b) = if apostrophes {
                expand_contraction(word)
            } else {
                expand_plain(word)
            };
            // A whole word is hashed where it lies in the folded text (no copy of its tail).
            let hash = if a.len() == t.end - t.start {
                crate::lexicon::foreign_table::hash_in(folded.as_bytes(), t.start, t.end)
            } else {
                word_hash(a)
            };
            push_word(&mut self.stream, &mut self.words, a, ti, hash);
            if let Some(b) = b {
                push_word(&mut self.stream, &mut self.words, b, ti, word_hash(b));
            }
        }
        self.stream.push_str("\n ");
        self.sentences.push(Sentence {
            start,
            end,
            tokens,
            words: first_word..self.words.len(),
            paragraph,
            heading,
        });
    }

    /// If token `i` ends a sentence, the index of the first token after it (closing quotes and
    /// brackets included in the sentence).
    fn sentence_end(&self, i: usize, end: usize) -> Option<usize> {
        let text = &self.norm.text;
        let t = self.tokens[i];
        if t.kind != TokenKind::Punct {
            return None;
        }
        let c = text[t.start..t.end].chars().next()?;
        if !matches!(c, '.' | '!' | '?' | '\u{3002}') {
            return None;
        }
        // Runs like "?!" or "..." end together.
        let mut j = i + 1;
        while j < end && is_punct_in(text, &self.tokens[j], &['.', '!', '?']) {
            j += 1;
        }
        while j < end && is_punct_in(text, &self.tokens[j], &['"', '\'', ')', ']', '}']) {
            j += 1;
        }
        if j >= end {
            return Some(end);
        }
        let next = self.tokens[j];
        // No space after the mark: "3.5", "example.com", "U.S".
        if next.start == self.tokens[j - 1].end {
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
            let prev = self.tokens[i - 1];
            if prev.end == t.start && prev.kind == TokenKind::Word {
                let word = &self.norm.folded[prev.start..prev.end];
                let next_lower = &self.norm.folded[next.start..next.end];
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

/// Appends a match word and the space after it to the stream.
#[inline]
fn push_word(stream: &mut String, words: &mut Vec<MatchWord>, part: &str, token: usize, hash: u64) {
    let pos = stream.len();
    stream.push_str(part);
    stream.push(' ');
    words.push(MatchWord {
        pos,
        len: part.len() as u32,
        token: token as u32,
        hash,
    });
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

/// A short block with no final punctuation: a headline, sub-heading or dateline.
fn is_heading(block: &str, tokens: &[Token]) -> bool {
    let trimmed = block.trim_end();
    if trimmed.trim_start().starts_with('#') {
        return true;
    }
    let words = tokens.iter().filter(|t| t.kind != TokenKind::Punct).count();
    let last = trimmed
        .trim_end_matches(['"', '\'', ')', ']', '*'])
        .trim_end();
    words <= 20 && !trimmed.contains('\n') && !last.ends_with(['.', '!', '?', ':', ';', ','])
}

/// Byte ranges of paragraphs in normalised text. Lines are joined when the text is hard-wrapped:
/// the next line continues in lowercase, or the line breaks after a comma, or a long line stops
/// without final punctuation.
fn paragraph_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut pos = 0;
    for line in text.split('\n') {
        let (start, end) = (pos, pos + line.len());
        pos = end + 1;
        let content = line.trim();
        if content.is_empty() {
            out.extend(current.take());
            continue;
        }
        current = match current {
            Some((ps, pe)) if continues(&text[ps..pe], content) => Some((ps, end)),
            Some(prev) => {
                out.push(prev);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    out.extend(current);
    out
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
/// it, letters and digits, other ASCII (one punctuation token each), and bytes of non-ASCII
/// characters (decoded and classified by the Unicode tables).
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const PUNCT: u8 = 3;
const WIDE: u8 = 0;

static CLASS: [u8; 256] = {
    let mut class = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        class[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            _ => PUNCT,
        };
        b += 1;
    }
    class
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

/// Appends the tokens of `text[start..end]`. ASCII is classified a byte at a time by [`CLASS`];
/// other characters are decoded and classified as `char`s (`tests::fast_path_agrees` checks
/// both against the character-by-character definition).
fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let slice = &text[start..end];
    let bytes = slice.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (first_len, numeric) = match CLASS[usize::from(b)] {
            SPACE => {
                i += 1;
                continue;
            }
            PUNCT => {
                out.push(Token {
                    start: start + i,
                    end: start + i + 1,
                    kind: TokenKind::Punct,
                });
                i += 1;
                continue;
            }
            ALNUM => (1, b.is_ascii_digit()),
            _ => {
                let Some(c) = slice[i..].chars().next() else {
                    break;
                };
                let n = c.len_utf8();
                if c.is_whitespace() {
                    i += n;
                    continue;
                }
                if !c.is_alphanumeric() {
                    out.push(Token {
                        start: start + i,
                        end: start + i + n,
                        kind: TokenKind::Punct,
                    });
                    i += n;
                    continue;
                }
                (n, false)
            }
        };
        let mut tok_end = i + first_len;
        loop {
            // ASCII letters and digits, most of a token, a byte at a time.
            while tok_end < bytes.len() && CLASS[usize::from(bytes[tok_end])] == ALNUM {
                tok_end += 1;
            }
            let j = tok_end;
            let Some(&d) = bytes.get(j) else {
                break;
            };
            if d >= 0x80 {
                match slice[j..].chars().next() {
                    Some(d)
                        if d.is_alphanumeric()
                            || unicode_normalization::char::is_combining_mark(d) =>
                    {
                        tok_end = j + d.len_utf8();
                        continue;
                    }
                    _ => break,
                }
            }
            // Joiners stay inside a token only between two alphanumerics: "isn't", "U.S",
            // "3.5", "1,000".
            if matches!(d, b'\'' | b'.' | b',')
                && starts_alnum(&slice[j + 1..])
                && match d {
                    b'\'' => !numeric,
                    b'.' => numeric || is_abbrev_dot(&slice[i..j]),
                    _ => numeric,
                }
            {
                tok_end = j + 1;
                continue;
            }
            break;
        }
        out.push(Token {
            start: start + i,
            end: start + tok_end,
            kind: if numeric {
                TokenKind::Number
            } else {
                TokenKind::Word
            },
        });
        i = tok_end;
    }
}

/// "U.S", "e.g": single letters joined by dots.
fn is_abbrev_dot(word_so_far: &str) -> bool {
    word_so_far.split('.').all(|part| part.chars().count() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut out = Vec::new();
        tokenize(text, 0, text.len(), &mut out);
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
