//! Huge articles, checked in windows so that memory stays bounded whatever the article's size.
//!
//! A [`Document`] costs about 15 bytes per input byte (normalised and lowercase copies, offset
//! map, tokens, match words, stream), so a 50 MB article would need 750 MB. An article longer
//! than [`HUGE_ARTICLE`] (or one far denser than prose, see [`is_huge`]) is cut into windows of about [`WINDOW`] bytes, at a paragraph boundary
//! when there is one, else after a sentence end, else at a space (preferring places where no
//! quotation is open), and each window is checked on its own. What is article-wide is carried
//! from window to window:
//!
//! - exact repeats of a sentence seen in an earlier window (a compact table of sentence
//!   fingerprints and the line of their first occurrence), merged into runs and paragraph
//!   repeats as `duplicate` does;
//! - one `untranslated` finding per word and article, with the count of all windows;
//! - language evidence (distinct foreign words) and the language gate, applied at the end;
//! - the quotation convention across paragraphs (the window sees the opening mark of the next
//!   paragraph);
//! - line and column numbers, the "from line N" of duplicates, inline suppressions, accepted
//!   phrases, discovered boilerplate, the baseline and the score.
//!
//! Findings are kept compact ([`Lean`]: offsets, interned strings, the sentence as a range of the
//! original text) and rendered one at a time when written, so 300,000 findings do not hold
//! 300,000 sentence copies. Past 65,536 of them (72 bytes each) they go to an anonymous temporary
//! file (`spill`), in runs sorted by start, and the article-wide steps of `check_with` (language
//! gate, dedup, order, discovered boilerplate, policy, baseline, counts) stream over the merged
//! runs start by start, into another such file that the writer reads back: memory does not grow
//! with the number of findings (2,000,039 findings of a 40 MB article: 255 MB held, 117 MB
//! spilled, output byte-identical). The language guess reads the findings with a language once
//! per detector that has some, in `check`'s order, so its sums are the same to the last bit; the
//! baseline tracks only the findings it knows.
//!
//! What still differs from checking the article in one piece happens at window seams only: a run
//! of repeated sentences crossing a seam is two findings; inside a paragraph longer than a window,
//! a quotation or bracket left open across a seam is not paired (cuts avoid open ones when they
//! can) and the sentence a seam cuts is checked as two parts (counted once). Near (not exact)
//! repeats are found within a window only, and `duplicate` skips common words by their frequency
//! in the window, not the article. Measured on 50 MB articles: 72 of 326,920 output lines differ
//! (near repeats) for one of paragraphs, 274 of 23,956 (near repeats, brackets) for one single
//! line; a 12 MB article of exact repeats gives byte-identical output in every format.

use crate::check::{Checker, Columns, Context, Selection, context_range};
use crate::detect::Hit;
use crate::detect::duplicate::repeat_hit;
use crate::error::{Error, Result};
use crate::finding::{Category, Finding, Severity};
use crate::ingest::Article;
use crate::score::{LanguageGuess, MIN_SCORED_WORDS, Summary, Verdict, guess_language, summarise};
use crate::segment::Document;
use crate::spill::{Record, Runs, Seq};
use crate::suppress::{Suppressions, names};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// Articles longer than this are checked in windows.
pub const HUGE_ARTICLE: usize = 4 << 20;
/// Length a window aims at.
pub const WINDOW: usize = 1 << 20;
/// Articles with more tokens than this are checked in windows whatever their length: a
/// whole-article [`Document`] costs some 60 bytes per token, so 4 MB of "a a a …" (2 million
/// tokens) would need over 150 MB. News text has at most about 0.21 tokens per byte, so an
/// article under [`HUGE_ARTICLE`] stays whole unless it is far denser than prose.
const MAX_WHOLE_TOKENS: usize = 1_000_000;
/// Likewise for sentence and line breaks (`.`, `!`, `?`, newline): each sentence costs its own
/// records. News text has at most about 0.035 per byte (140,000 in 4 MB).
const MAX_WHOLE_BREAKS: usize = 250_000;
/// `duplicate`'s shortest exact repeat, in match words ("He denied it." repeats naturally).
const MIN_EXACT_WORDS: usize = 5;
/// No interned string.
const NONE: u32 = u32::MAX;

/// Whether an article is checked in windows: longer than [`HUGE_ARTICLE`], or longer than a
/// window and so dense in tokens or sentences that its whole [`Document`] would not fit the
/// memory bound (counted in one cheap pass over the bytes).
pub fn is_huge(text: &str) -> bool {
    if text.len() > HUGE_ARTICLE {
        return true;
    }
    // A window's worth of the densest text fits: 1 MB holds at most about 700,000 tokens.
    if text.len() <= WINDOW {
        return false;
    }
    let (mut tokens, mut breaks, mut in_word) = (0usize, 0usize, false);
    for &b in text.as_bytes() {
        // Bytes of non-ASCII characters count as word bytes: an estimate, not a tokenizer.
        let word = b.is_ascii_alphanumeric() || b >= 0x80;
        if word {
            tokens += usize::from(!in_word);
        } else if b.is_ascii_punctuation() {
            tokens += 1;
        }
        breaks += usize::from(matches!(b, b'.' | b'!' | b'?' | b'\n'));
        in_word = word;
    }
    tokens > MAX_WHOLE_TOKENS || breaks > MAX_WHOLE_BREAKS
}

/// One window: a range of the article and whether it ends at a paragraph boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub start: usize,
    pub end: usize,
    pub paragraph_end: bool,
    /// Cut inside a sentence (at a space): the sentence is counted once, not in both windows.
    pub mid_sentence: bool,
}

/// Cuts `text` into windows of at most `window` bytes (more only when no space or character
/// boundary allows a cut).
pub fn cut(text: &str, window: usize) -> Vec<Cut> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let limit = start + window;
        if limit >= text.len() {
            out.push(Cut {
                start,
                end: text.len(),
                paragraph_end: true,
                mid_sentence: false,
            });
            break;
        }
        let (end, kind) = best_cut(text, start, limit, window / 4);
        out.push(Cut {
            start,
            end,
            paragraph_end: kind == 0,
            mid_sentence: kind == 2,
        });
        start = end;
    }
    out
}

/// The best place to end a window that starts at `start`, at or before `limit`, at least
/// `min_len` in: a paragraph boundary, else a sentence end outside quotations, else a space
/// outside quotations, else any space, else a character boundary. The kind of cut: 0 paragraph,
/// 1 sentence, 2 inside a sentence.
fn best_cut(text: &str, start: usize, limit: usize, min_len: usize) -> (usize, u8) {
    let bytes = text.as_bytes();
    let floor = start + min_len;
    let mut limit = limit;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let (mut paragraph, mut sentence, mut space_balanced, mut space) = (0, 0, 0, 0);
    // Open quotations (curly marks, straight ones) and brackets, reset at each paragraph
    // boundary.
    let (mut depth, mut straight, mut brackets) = (0usize, 0usize, 0usize);
    let mut line_start = start;
    let mut prev_word_lower = false;
    let mut word_len = 0usize;
    let mut word_lower = true;
    for (i, c) in text[start..limit].char_indices() {
        let i = start + i;
        match c {
            '“' | '„' | '«' => depth += 1,
            '”' | '»' => depth = depth.saturating_sub(1),
            '"' => straight += 1,
            '(' | '[' => brackets += 1,
            ')' | ']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if c.is_alphabetic() {
            if word_len == 0 {
                word_lower = c.is_lowercase();
            }
            word_len += 1;
        } else if c != '.' && c != '!' && c != '?' {
            if word_len > 0 {
                prev_word_lower = word_lower && word_len >= 3;
            }
            word_len = 0;
        }
        if c == '\n' {
            let line = &text[line_start..i];
            let next_line = text[i + 1..].split('\n').next().unwrap_or("");
            let next_first = next_line.trim_start().chars().next();
            // A blank line always ends a paragraph; a line break does when the line ends a
            // sentence and the next line does not continue in lowercase (`segment` joins
            // hard-wrapped lines otherwise).
            let ends = line.trim().is_empty()
                || (line
                    .trim_end()
                    .ends_with(['.', '!', '?', ':', ';', '"', '\'', ')', '”', '’'])
                    && !line.trim_start().starts_with('#')
                    && next_first.is_some_and(|f| !f.is_lowercase() && !f.is_whitespace()));
            if ends && i + 1 >= floor {
                paragraph = i + 1;
            }
            if ends {
                (depth, straight, brackets) = (0, 0, 0);
            }
            line_start = i + 1;
            continue;
        }
        if c == ' ' && i + 1 >= floor && i + 1 < limit {
            let balanced = depth == 0 && straight % 2 == 0 && brackets == 0;
            space = i + 1;
            if balanced {
                space_balanced = i + 1;
                let before = text[..i].trim_end_matches(['"', '\'', ')', '”', '’']);
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if before.ends_with(['.', '!', '?']) && next.is_ascii_uppercase() && prev_word_lower
                {
                    sentence = i + 1;
                }
            }
        }
    }
    if paragraph > 0 {
        return (paragraph, 0);
    }
    if sentence > 0 {
        return (sentence, 1);
    }
    for at in [space_balanced, space] {
        if at > 0 {
            return (at, 2);
        }
    }
    if limit > start {
        return (limit, 2);
    }
    // A window smaller than one character.
    let first = text[start..].chars().next().map_or(1, char::len_utf8);
    (start + first, 2)
}

/// The opening marks a paragraph starts with (what `typography` looks at to decide that a
/// quotation continues into it).
fn leading_marks(rest: &str) -> &str {
    let rest = rest.trim_start();
    let len = rest
        .char_indices()
        .take(8)
        .find(|(_, c)| c.is_alphanumeric() || c.is_whitespace())
        .map_or(rest.len().min(32), |(i, _)| i);
    let mut len = len.min(rest.len());
    while !rest.is_char_boundary(len) {
        len -= 1;
    }
    &rest[..len]
}

/// A finding kept compactly: offsets into the original text, interned strings.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    start: usize,
    end: usize,
    /// The sentence context: a range of the original text (at most a few hundred bytes)…
    context_start: usize,
    context_len: u32,
    /// …or, for findings made outside the windows (discovered boilerplate), interned.
    sentence: u32,
    line: u32,
    column: u32,
    rule: u32,
    explanation: u32,
    suggestion: u32,
    lang: u32,
    confidence: f32,
    category: Category,
    severity: Severity,
    /// Index of the detector, for the language guess's order.
    detector: u8,
    /// The context is cut at its start (bit 0) or end (bit 1): shown with "…".
    cut: u8,
    /// Order of detection: ties keep it, as `check`'s stable sorts do.
    seq: u32,
}

impl Stored {
    fn context(&self) -> Context {
        Context {
            start: self.context_start,
            end: self.context_start + self.context_len as usize,
            cut_start: self.cut & 1 != 0,
            cut_end: self.cut & 2 != 0,
        }
    }
}

impl Record for Stored {
    const SIZE: usize = 68;

    fn encode(&self, out: &mut Vec<u8>) {
        // One record at fixed offsets, then one copy: a push per field cost twice as much.
        let mut b = [0u8; Self::SIZE];
        for (i, n) in [self.start, self.end, self.context_start]
            .into_iter()
            .enumerate()
        {
            b[i * 8..i * 8 + 8].copy_from_slice(&(n as u64).to_le_bytes());
        }
        let halves = [
            self.context_len,
            self.sentence,
            self.line,
            self.column,
            self.rule,
            self.explanation,
            self.suggestion,
            self.lang,
            self.confidence.to_bits(),
            self.seq,
        ];
        for (i, n) in halves.into_iter().enumerate() {
            b[24 + i * 4..28 + i * 4].copy_from_slice(&n.to_le_bytes());
        }
        let category = Category::ALL.iter().position(|&c| c == self.category);
        b[64] = category.map_or(u8::MAX, |c| c as u8);
        b[65] = self.severity as u8;
        b[66] = self.detector;
        b[67] = self.cut;
        out.extend_from_slice(&b);
    }

    fn decode(b: &[u8]) -> std::io::Result<Self> {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            usize::try_from(u64::from_le_bytes(w)).unwrap_or(usize::MAX)
        };
        let half = |i: usize| {
            let mut h = [0; 4];
            h.copy_from_slice(&b[24 + i * 4..28 + i * 4]);
            u32::from_le_bytes(h)
        };
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not a finding record");
        let category = *Category::ALL.get(usize::from(b[64])).ok_or_else(bad)?;
        let severity = match b[65] {
            0 => Severity::Minor,
            1 => Severity::Major,
            2 => Severity::Critical,
            _ => return Err(bad()),
        };
        Ok(Stored {
            start: word(0),
            end: word(1),
            context_start: word(2),
            context_len: half(0),
            sentence: half(1),
            line: half(2),
            column: half(3),
            rule: half(4),
            explanation: half(5),
            suggestion: half(6),
            lang: half(7),
            confidence: f32::from_bits(half(8)),
            seq: half(9),
            category,
            severity,
            detector: b[66],
            cut: b[67],
        })
    }

    fn key(&self) -> (u64, u64) {
        (self.start as u64, u64::from(self.seq))
    }
}

/// A line or column number, stored in 32 bits (a 4-billion-line input is far beyond the
/// input limits; the number saturates rather than wraps).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The findings of a huge article, compact; [`Lean::iter`] renders them one at a time from the
/// article text. Past a cap (65,536) they are in an anonymous temporary file.
#[derive(Debug, Default)]
pub struct Lean {
    article: String,
    items: Seq<Stored>,
    strings: Vec<String>,
    /// The first error of the temporary file: writing it (while checking) or reading it.
    error: Mutex<Option<std::io::Error>>,
}

impl Lean {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every finding, rendered from `text` (the article's text). A read error of the temporary
    /// file ends them early: [`Lean::status`] tells.
    pub fn iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Finding> + 'a {
        let mut reader = self.items.reader();
        std::iter::from_fn(move || match reader.next() {
            Ok(s) => s.map(|s| render(&self.article, &self.strings, &s, text)),
            Err(e) => {
                self.fail(e);
                None
            }
        })
    }

    /// Whether every finding was written and, so far, read.
    pub fn status(&self) -> Result<()> {
        match self.io_status() {
            Ok(()) => Ok(()),
            Err(source) => Err(Error::Spill {
                article: self.article.clone(),
                source,
            }),
        }
    }

    /// [`Lean::status`] as an I/O result (a copy of the error).
    pub(crate) fn io_status(&self) -> std::io::Result<()> {
        match &*self.error.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
            None => Ok(()),
        }
    }

    /// Records the first error.
    fn fail(&self, e: std::io::Error) {
        self.error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(e);
    }
}

/// A stored finding, rendered from the article's `text`.
fn render(article: &str, strings: &[String], s: &Stored, text: &str) -> Finding {
    let string = |k: u32| strings[k as usize].clone();
    Finding {
        article: article.to_string(),
        line: s.line as usize,
        column: s.column as usize,
        start: s.start,
        end: s.end,
        category: s.category,
        rule: string(s.rule),
        severity: s.severity,
        confidence: s.confidence,
        span: text[s.start..s.end].to_string(),
        suggestion: (s.suggestion != NONE).then(|| string(s.suggestion)),
        explanation: string(s.explanation),
        sentence: if s.sentence != NONE {
            string(s.sentence)
        } else {
            s.context().render(text)
        },
    }
}

/// A finding with what policies look at (rule, category, offsets), without the texts.
fn light(strings: &[String], s: &Stored) -> Finding {
    Finding {
        article: String::new(),
        line: s.line as usize,
        column: s.column as usize,
        start: s.start,
        end: s.end,
        category: s.category,
        rule: strings[s.rule as usize].clone(),
        severity: s.severity,
        confidence: s.confidence,
        span: String::new(),
        suggestion: None,
        explanation: String::new(),
        sentence: String::new(),
    }
}

/// An article's findings as they are written: all in memory (the normal case), or a huge
/// article's, rendered one at a time from its text.
#[derive(Debug, Clone, Copy)]
pub enum Findings<'a> {
    All(&'a [Finding]),
    Lean(&'a Lean, &'a str),
}

impl<'a> Findings<'a> {
    pub fn len(&self) -> usize {
        match self {
            Findings::All(f) => f.len(),
            Findings::Lean(l, _) => l.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// After [`Findings::iter`]: whether every finding was read (see [`Lean::status`]).
    pub fn status(&self) -> std::io::Result<()> {
        match self {
            Findings::All(_) => Ok(()),
            Findings::Lean(l, _) => l.io_status(),
        }
    }

    pub fn iter(self) -> impl Iterator<Item = Cow<'a, Finding>> + 'a {
        let (all, lean): (&[Finding], _) = match self {
            Findings::All(f) => (f, None),
            Findings::Lean(l, t) => (&[], Some((l, t))),
        };
        all.iter().map(Cow::Borrowed).chain(
            lean.into_iter()
                .flat_map(|(l, t)| l.iter(t).map(Cow::Owned)),
        )
    }
}

impl<'a> From<&'a [Finding]> for Findings<'a> {
    fn from(f: &'a [Finding]) -> Self {
        Findings::All(f)
    }
}

impl<'a> From<&'a Vec<Finding>> for Findings<'a> {
    fn from(f: &'a Vec<Finding>) -> Self {
        Findings::All(f)
    }
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Interned strings: rule ids, explanations and suggestions repeat across findings.
#[derive(Default)]
struct Strings {
    ids: FxHashMap<String, u32>,
    list: Vec<String>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.ids.get(s) {
            return k;
        }
        let k = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), k);
        k
    }
}

/// State carried from window to window.
#[derive(Default)]
struct Carry {
    items: Runs<Stored>,
    /// Findings stored so far (the next one's `seq`).
    stored: usize,
    /// Detectors that gave findings with a language, ascending.
    lang_detectors: Vec<u8>,
    /// The first error of the temporary file of `items`: nothing more is stored after it.
    error: Option<std::io::Error>,
    strings: Strings,
    /// Sentence fingerprint → line of its first occurrence.
    sentences: FxHashMap<u64, usize>,
    /// Untranslated word → (`seq` of its finding, its explanation, occurrences so far).
    untranslated: FxHashMap<String, (u32, u32, usize)>,
    /// Words already looked up for language evidence.
    words: FxHashSet<Box<str>>,
    evidence: [usize; 4],
    accepted: Vec<(usize, usize)>,
    /// Where the window's text starts when the seam before it cut a sentence.
    continues: Option<usize>,
    /// The previous window's last word, lowercase.
    last_word: String,
    word_count: usize,
    sentence_count: usize,
    /// Line breaks before the window, and characters since the last one.
    line_base: usize,
    column_base: usize,
}

impl Checker {
    /// Checks a huge article window by window (see the module documentation), keeping up to
    /// `cap` findings in memory (the rest in a temporary file).
    pub(crate) fn check_windowed(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
        cap: usize,
    ) -> (Summary, Lean) {
        self.check_windowed_with(article, id, extra, WINDOW, cap)
    }

    /// [`Checker::check_windowed`] with windows of about `window` bytes.
    pub(crate) fn check_windowed_with(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
        window: usize,
        cap: usize,
    ) -> (Summary, Lean) {
        map_large_allocations();
        let text = article.text.as_str();
        let mut carry = Carry {
            items: Runs::new(cap),
            ..Carry::default()
        };
        let dup = self.detectors.iter().position(|d| d.id() == "duplicate");
        let untranslated = self.detectors.iter().position(|d| d.id() == "untranslated");
        let cuts = cut(text, window);
        for (k, c) in cuts.iter().enumerate() {
            let core = &text[c.start..c.end];
            let lead = if c.paragraph_end {
                leading_marks(&text[c.end..])
            } else {
                ""
            };
            // The next paragraph's opening marks, as a paragraph of their own: `typography`
            // leaves a quotation open when the next paragraph continues it.
            let owned;
            let window = if lead.is_empty() {
                core
            } else {
                owned = format!("{core}\n\n{lead}");
                owned.as_str()
            };
            let doc = Document::new(window);
            let core_end = doc.norm.map.to_norm(core.len());
            let mut hits: Vec<(u8, Hit)> = Vec::new();
            for (di, d) in self.detectors.iter().enumerate() {
                let found = d.check(&doc);
                hits.extend(
                    found
                        .into_iter()
                        .filter(|h| h.start < core_end && self.selection.keeps(d.id(), h))
                        .map(|h| (di as u8, h)),
                );
            }
            let partial_start = k > 0 && !cuts[k - 1].paragraph_end;
            let partial_end = !c.paragraph_end;
            // A sentence cut by a seam is not a sentence: it repeats nothing.
            let cut_first = k > 0 && cuts[k - 1].mid_sentence;
            if let Some(dup) = dup {
                let seams = (partial_start, partial_end, cut_first, c.mid_sentence);
                carry.duplicates(&doc, core_end, dup as u8, &mut hits, seams, &self.selection);
            }
            // A run of doubled words across a seam continues the previous window's finding.
            carry.continues = cut_first.then_some(c.start + (core.len() - core.trim_start().len()));
            carry.evidence(self, &doc, core_end);
            if !self.policy.accept.is_empty() {
                carry.accepted.extend(
                    self.policy
                        .accepted_ranges(&doc)
                        .into_iter()
                        .filter(|&(s, _)| s < core.len())
                        .map(|(s, e)| (s + c.start, e + c.start)),
                );
            }
            carry.word_count += doc
                .tokens
                .iter()
                .filter(|t| t.start < core_end && t.kind != crate::segment::TokenKind::Punct)
                .count();
            carry.sentence_count += doc.sentences.iter().filter(|s| s.start < core_end).count();
            if k > 0 && cuts[k - 1].mid_sentence {
                // The sentence the seam cuts was counted in the previous window.
                carry.sentence_count = carry.sentence_count.saturating_sub(1);
            }
            carry.store(&doc, c.start, hits, untranslated.map(|u| u as u8));
            carry.advance(core);
        }
        self.finish_windowed(article, id, extra, carry, cap)
    }

    /// The article-wide steps of `check_with` over the windows' findings, streamed in order of
    /// their start (see [`Checker::settle`]).
    fn finish_windowed(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
        carry: Carry,
        cap: usize,
    ) -> (Summary, Lean) {
        let Carry {
            items,
            strings,
            lang_detectors,
            error,
            evidence,
            accepted,
            word_count,
            sentence_count,
            untranslated,
            ..
        } = carry;
        // One untranslated finding per word, counting every window.
        let mut strings = strings;
        let renamed: FxHashMap<u32, u32> = untranslated
            .into_values()
            .filter(|&(_, _, n)| n > 1)
            .map(|(seq, e, n)| {
                let e = with_count(&strings.list[e as usize], n);
                (seq, strings.intern(&e))
            })
            .collect();
        let mut lean = Lean {
            article: id.to_string(),
            items: Seq::new(cap),
            strings: Vec::new(),
            error: Mutex::new(None),
        };
        let end = Ended {
            evidence,
            accepted,
            renamed,
            lang_detectors,
        };
        let settled = match error {
            Some(e) => Err(e),
            None => self.settle(article, extra, items, end, &mut strings, &mut lean),
        };
        lean.strings = strings.list;
        let (counts, guess, source_lang) = match settled {
            Ok(x) => x,
            Err(e) => {
                // The writer reports it before writing anything of the article.
                lean.fail(e);
                lean.items = Seq::new(cap);
                let guess = LanguageGuess {
                    lang: None,
                    confidence: 0.0,
                    clear: false,
                };
                (Counts::default(), guess, self.source_lang.clone())
            }
        };
        let mut summary = summarise(
            id,
            &article.path,
            word_count,
            sentence_count,
            &[],
            &self.thresholds,
        );
        summary.findings = lean.len();
        [summary.minor, summary.major, summary.critical] = counts.severities;
        // `summarise`'s score and verdict, from the counts.
        let score = counts.points as f64 * 1000.0 / word_count.max(MIN_SCORED_WORDS) as f64;
        summary.score = (score * 10.0).round() / 10.0;
        summary.verdict = if summary.critical > 0 || summary.score >= self.thresholds.fail {
            Verdict::Fail
        } else if summary.major > 0 || summary.score >= self.thresholds.review {
            Verdict::Review
        } else {
            Verdict::Pass
        };
        summary.title = article.title.clone();
        summary.url = article.url.clone();
        summary.source_language = match &source_lang {
            crate::check::SourceLang::Fixed(l) => Some(l.clone()),
            crate::check::SourceLang::Auto => guess.lang.clone(),
        };
        summary.source_confidence = match &source_lang {
            crate::check::SourceLang::Fixed(_) => 1.0,
            crate::check::SourceLang::Auto => guess.confidence,
        };
        (summary, lean)
    }

    /// The steps of `check_with` after detection, streamed: the language gate (its guess needs
    /// only the findings with a language, read once per detector that has some), then, start
    /// by start (the findings of one start are few), the multi-language dedup, the order and
    /// dedup of `check_with`; discovered boilerplate; the policy and the baseline, one finding
    /// at a time, into `lean`. Findings are read from the runs of `items` merged, which holds
    /// no more than its cap in memory, as does `lean`; a second pass over them (through a
    /// temporary file when many) is made only when there is discovered boilerplate, whose
    /// freshness depends on every finding.
    fn settle(
        &self,
        article: &Article,
        extra: Vec<Finding>,
        items: Runs<Stored>,
        end: Ended,
        strings: &mut Strings,
        lean: &mut Lean,
    ) -> std::io::Result<(Counts, LanguageGuess, crate::check::SourceLang)> {
        let sorted = items.sorted()?;
        // The language gate of `check`, over the whole article: findings with a language in
        // the order of `check` (by detector, then start).
        let failed = std::cell::RefCell::new(None);
        let list = &strings.list;
        let lang_hits = end.lang_detectors.iter().flat_map(|&d| {
            let mut merge = sorted.merge();
            let failed = &failed;
            std::iter::from_fn(move || {
                loop {
                    match merge.next() {
                        Ok(Some(s)) if s.detector == d && s.lang != NONE => {
                            return Some(Hit {
                                start: s.start,
                                end: s.end,
                                category: s.category,
                                rule: String::new(),
                                severity: s.severity,
                                confidence: s.confidence,
                                explanation: String::new(),
                                suggestion: None,
                                lang: Some(list[s.lang as usize].clone()),
                            });
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => return None,
                        Err(e) => {
                            *failed.borrow_mut() = Some(e);
                            return None;
                        }
                    }
                }
            })
        });
        let guess = guess_language(lang_hits, &end.evidence);
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
        let source_lang = match (&self.source_lang, &article.source_lang) {
            (crate::check::SourceLang::Auto, Some(l)) => crate::check::SourceLang::Fixed(l.clone()),
            (s, _) => s.clone(),
        };
        let keep: Option<&str> = match &source_lang {
            crate::check::SourceLang::Fixed(l) => Some(l),
            crate::check::SourceLang::Auto if guess.clear => guess.lang.as_deref(),
            crate::check::SourceLang::Auto => None,
        };
        let preferred = guess.lang.as_deref();
        let suppressions = Suppressions::scan(&article.text);
        let mut counts = Counts::default();
        // Discovered boilerplate: which of it a finding of its category overlaps.
        let mut near = Near::new(&extra);
        let mut stage: Seq<Stored> = Seq::new(lean.items.cap());
        {
            let list = &strings.list;
            let mut policy = Policy::new(self, article, &end.accepted, &suppressions, list, lean);
            let mut group: Vec<Stored> = Vec::new();
            let mut merge = sorted.merge();
            loop {
                let next = merge.next()?;
                if let Some(s) = &next
                    && group.first().is_some_and(|g| g.start == s.start)
                {
                    group.extend(next);
                    continue;
                }
                for mut s in dedup_start(&mut group, keep, preferred, list) {
                    if let Some(&e) = end.renamed.get(&s.seq) {
                        s.explanation = e;
                    }
                    if extra.is_empty() {
                        policy.take(s, &mut counts)?;
                    } else {
                        near.mark(&s);
                        stage.push(s)?;
                    }
                }
                match next {
                    Some(s) => group.push(s),
                    None => break,
                }
            }
        }
        drop(sorted);
        if extra.is_empty() {
            lean.items.finish()?;
            return Ok((counts, guess, source_lang));
        }
        stage.finish()?;
        // As in `check_with`: after the findings, in their order.
        let uncovered: Vec<Finding> = extra
            .into_iter()
            .zip(&near.covered)
            .filter(|(_, c)| !**c)
            .map(|(e, _)| e)
            .collect();
        let mut fresh: Vec<Stored> = self
            .fresh_extra(uncovered, std::iter::empty())
            .into_iter()
            .enumerate()
            .map(|(i, f)| Stored {
                start: f.start,
                end: f.end,
                line: small(f.line),
                column: small(f.column),
                context_start: 0,
                context_len: 0,
                cut: 0,
                sentence: strings.intern(&f.sentence),
                rule: strings.intern(&f.rule),
                explanation: strings.intern(&f.explanation),
                suggestion: f.suggestion.as_deref().map_or(NONE, |s| strings.intern(s)),
                lang: NONE,
                confidence: f.confidence,
                category: f.category,
                severity: f.severity,
                detector: u8::MAX,
                seq: small(stage.len() + i),
            })
            .collect();
        let list = &strings.list;
        fresh.sort_unstable_by(|a, b| order(a, b, list));
        let mut policy = Policy::new(self, article, &end.accepted, &suppressions, list, lean);
        let mut fresh = fresh.into_iter().peekable();
        let mut reader = stage.reader();
        let mut next = reader.next()?;
        loop {
            let take_fresh = match (&next, fresh.peek()) {
                (Some(s), Some(f)) => order(f, s, list).is_lt(),
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if take_fresh {
                if let Some(f) = fresh.next() {
                    policy.take(f, &mut counts)?;
                }
                continue;
            }
            let Some(s) = next.take() else { break };
            policy.take(s, &mut counts)?;
            next = reader.next()?;
        }
        drop(policy);
        lean.items.finish()?;
        Ok((counts, guess, source_lang))
    }
}

/// What [`Checker::settle`] needs of the windows besides their findings.
struct Ended {
    evidence: [usize; 4],
    accepted: Vec<(usize, usize)>,
    /// `seq` → the explanation of an untranslated finding with the article's count.
    renamed: FxHashMap<u32, u32>,
    lang_detectors: Vec<u8>,
}

/// What the findings kept count for the score.
#[derive(Debug, Default)]
struct Counts {
    /// Minor, major, critical.
    severities: [usize; 3],
    points: u64,
}

/// The order of `check_with`'s findings: start, severity (highest first), end, rule; ties in
/// order of detection.
fn order(a: &Stored, b: &Stored, strings: &[String]) -> std::cmp::Ordering {
    let rule = |s: &Stored| strings[s.rule as usize].as_str();
    (a.start, b.severity, a.end, rule(a))
        .cmp(&(b.start, a.severity, b.end, rule(b)))
        .then(a.seq.cmp(&b.seq))
}

/// The findings of one start (`group`, emptied), as `check_with` keeps and orders them: the
/// language gate (`keep`); one of the entries of several languages that matched the same words
/// (the `preferred` language's, else the most confident); then in [`order`], one per rule and
/// span.
fn dedup_start<'g>(
    group: &'g mut Vec<Stored>,
    keep: Option<&str>,
    preferred: Option<&str>,
    strings: &[String],
) -> std::vec::Drain<'g, Stored> {
    let lang_of = |s: &Stored| (s.lang != NONE).then(|| strings[s.lang as usize].as_str());
    if let Some(keep) = keep {
        group.retain(|s| lang_of(s).is_none_or(|l| l == keep));
    }
    if group.len() > 1 {
        group.sort_unstable_by(|a, b| {
            (
                a.start,
                a.end,
                lang_of(a).is_none(),
                lang_of(a) != preferred,
            )
                .cmp(&(
                    b.start,
                    b.end,
                    lang_of(b).is_none(),
                    lang_of(b) != preferred,
                ))
                .then(b.confidence.total_cmp(&a.confidence))
                .then(a.seq.cmp(&b.seq))
        });
        group.dedup_by(|later, kept| {
            later.lang != NONE
                && kept.lang != NONE
                && later.start == kept.start
                && later.end == kept.end
        });
        group.sort_unstable_by(|a, b| order(a, b, strings));
        group.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.rule == b.rule);
    }
    group.drain(..)
}

/// Discovered boilerplate findings by start, to find those a finding of their category overlaps
/// (what `fresh_extra` looks for) as findings stream by.
struct Near {
    /// (start, end, category, index in the list given), by start…
    spans: Vec<(usize, usize, Category, usize)>,
    /// …the largest end up to each…
    reach: Vec<usize>,
    /// …and, by index, whether a finding overlaps it.
    covered: Vec<bool>,
}

impl Near {
    fn new(extra: &[Finding]) -> Near {
        let mut spans: Vec<_> = extra
            .iter()
            .enumerate()
            .map(|(i, e)| (e.start, e.end, e.category, i))
            .collect();
        spans.sort_unstable_by_key(|&(s, e, _, i)| (s, e, i));
        let reach = spans
            .iter()
            .scan(0, |max, s| {
                *max = s.1.max(*max);
                Some(*max)
            })
            .collect();
        Near {
            spans,
            reach,
            covered: vec![false; extra.len()],
        }
    }

    fn mark(&mut self, s: &Stored) {
        let mut k = self.spans.partition_point(|e| e.0 < s.end);
        while k > 0 && self.reach[k - 1] > s.start {
            k -= 1;
            let (_, end, category, i) = self.spans[k];
            if end > s.start && category == s.category {
                self.covered[i] = true;
            }
        }
    }
}

/// The policy of `check_with` (severity overrides, minimum confidence, accepted phrases, inline
/// suppressions) and the baseline, finding by finding, into a [`Lean`].
struct Policy<'a> {
    checker: &'a Checker,
    article: &'a Article,
    accepted: &'a [(usize, usize)],
    suppressions: &'a Suppressions,
    strings: &'a [String],
    baseline: Option<crate::baseline::NewFindings<'a>>,
    out: &'a mut Lean,
}

impl<'a> Policy<'a> {
    fn new(
        checker: &'a Checker,
        article: &'a Article,
        accepted: &'a [(usize, usize)],
        suppressions: &'a Suppressions,
        strings: &'a [String],
        out: &'a mut Lean,
    ) -> Policy<'a> {
        Policy {
            checker,
            article,
            accepted,
            suppressions,
            strings,
            baseline: checker
                .policy
                .baseline
                .as_ref()
                .map(|b| b.new_findings_of()),
            out,
        }
    }

    fn take(&mut self, mut s: Stored, counts: &mut Counts) -> std::io::Result<()> {
        let policy = &self.checker.policy;
        let light = light(self.strings, &s);
        if let Some((_, sev)) = policy.severity.iter().rev().find(|(n, _)| names(n, &light)) {
            s.severity = *sev;
        }
        let kept = s.confidence >= policy.min_confidence
            && !self
                .accepted
                .iter()
                .any(|&(a, e)| a <= s.start && s.end <= e)
            && !self.suppressions.covers(&light);
        if !kept {
            return Ok(());
        }
        if let Some(baseline) = &mut self.baseline {
            // The baseline counts findings by their text.
            let f = render(&self.out.article, self.strings, &s, &self.article.text);
            if !baseline.is_new(&f) {
                return Ok(());
            }
        }
        counts.severities[s.severity as usize] += 1;
        counts.points += u64::from(s.severity.weight());
        self.out.items.push(s)
    }
}

impl Carry {
    /// Adds a window's hits, mapped to the whole article's offsets, lines and columns.
    fn store(
        &mut self,
        doc: &Document,
        base: usize,
        mut hits: Vec<(u8, Hit)>,
        untranslated: Option<u8>,
    ) {
        hits.sort_by_key(|(_, h)| h.start);
        let original = doc.original;
        let mut columns = Columns::new(doc);
        for (di, h) in hits {
            let (start, end) = doc.original_span(h.start, h.end);
            let (line_idx, col) = columns.at(start);
            let column = if line_idx == 0 {
                col + self.column_base
            } else {
                col
            };
            // A run of doubled words is one finding, at its first pair: the seam did not start
            // a new run when the word before it is the same.
            if h.rule == "repetition.doubled-word"
                && self.continues == Some(start + base)
                && original[start..end]
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.to_lowercase() == self.last_word)
            {
                continue;
            }
            if Some(di) == untranslated {
                let word = doc.folded(h.start, h.end).to_string();
                let n = occurrences(&h.explanation);
                if let Some((_, _, total)) = self.untranslated.get_mut(&word) {
                    *total += n;
                    continue;
                }
                let e = self.strings.intern(&h.explanation);
                self.untranslated.insert(word, (small(self.stored), e, n));
            }
            let context = context_range(doc, h.start, h.end);
            let s = &mut self.strings;
            let stored = Stored {
                start: start + base,
                end: end + base,
                line: small(self.line_base + line_idx + 1),
                column: small(column),
                context_start: context.start + base,
                context_len: small(context.end - context.start),
                cut: u8::from(context.cut_start) | (u8::from(context.cut_end) << 1),
                sentence: NONE,
                rule: s.intern(&h.rule),
                explanation: s.intern(&h.explanation),
                suggestion: h.suggestion.as_deref().map_or(NONE, |x| s.intern(x)),
                lang: h.lang.as_deref().map_or(NONE, |x| s.intern(x)),
                confidence: (h.confidence * 100.0).round() / 100.0,
                category: h.category,
                severity: h.severity,
                detector: di,
                seq: small(self.stored),
            };
            self.stored += 1;
            if stored.lang != NONE && !self.lang_detectors.contains(&di) {
                self.lang_detectors.push(di);
                self.lang_detectors.sort_unstable();
            }
            if self.error.is_none()
                && let Err(e) = self.items.push(stored)
            {
                self.error = Some(e);
            }
        }
    }

    /// Moves the line and column bases past a window.
    fn advance(&mut self, core: &str) {
        self.last_word = core
            .split_whitespace()
            .next_back()
            .unwrap_or_default()
            .to_lowercase();
        let bytes = core.as_bytes();
        let mut last = None;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                self.line_base += 1;
                last = Some(i + 1);
            }
        }
        match last {
            Some(i) => self.column_base = core[i..].chars().count(),
            None => self.column_base += core.chars().count(),
        }
    }

    /// Distinct foreign words of the window not seen in an earlier one, counted per language.
    fn evidence(&mut self, checker: &Checker, doc: &Document, core_end: usize) {
        let mut fresh = String::new();
        for t in &doc.tokens {
            if t.kind != crate::segment::TokenKind::Word || t.start >= core_end {
                continue;
            }
            let w = doc.word(t);
            if !self.words.contains(w) {
                self.words.insert(w.into());
                fresh.push_str(w);
                fresh.push('\n');
            }
        }
        if fresh.is_empty() {
            return;
        }
        let counts = checker.foreign.evidence(&Document::new(&fresh));
        for (total, n) in self.evidence.iter_mut().zip(counts) {
            *total += n;
        }
    }

    /// Gives the window's `duplicate` hits the article's line numbers, and replaces them when a sentence repeats one of an earlier window
    /// or the window cuts a paragraph, and records the window's sentences.
    #[allow(clippy::too_many_arguments)]
    fn duplicates(
        &mut self,
        doc: &Document,
        core_end: usize,
        dup: u8,
        hits: &mut Vec<(u8, Hit)>,
        (partial_start, partial_end, cut_first, cut_last): (bool, bool, bool, bool),
        selection: &Selection,
    ) {
        let n = doc.sentences.iter().filter(|s| s.start < core_end).count();
        let whole_sentence = |i: usize| !((cut_first && i == 0) || (cut_last && i + 1 == n));
        let line_of = |i: usize| doc.line_of(doc.norm.map.start(doc.sentences[i].start));
        // For each sentence: the line it repeats (of the whole article) and whether exactly.
        let mut original: Vec<Option<(usize, bool)>> = vec![None; n];
        let mut earlier = false;
        let mut fingerprints = Vec::with_capacity(n);
        for (i, s) in doc.sentences[..n].iter().enumerate() {
            let words = doc.sentence_words(s);
            let fp = match (words.first(), words.last()) {
                (Some(a), Some(b)) if words.len() >= MIN_EXACT_WORDS && whole_sentence(i) => {
                    let mut h = std::hash::DefaultHasher::new();
                    doc.stream[a.pos..b.pos + b.len as usize].hash(&mut h);
                    Some(h.finish())
                }
                _ => None,
            };
            if let Some(&line) = fp.and_then(|fp| self.sentences.get(&fp)) {
                original[i] = Some((line, true));
                earlier = true;
            }
            fingerprints.push(fp);
        }
        for (i, fp) in fingerprints.into_iter().enumerate() {
            if let Some(fp) = fp {
                let line = self.line_base + line_of(i);
                self.sentences.entry(fp).or_insert(line);
            }
        }
        if !earlier && !partial_start && !partial_end {
            for (_, h) in hits.iter_mut().filter(|(d, _)| *d == dup) {
                h.explanation = shift_line(&h.explanation, self.line_base);
            }
            return;
        }
        // The window's own repeats, from `duplicate`'s hits: each covers a run of sentences.
        for (_, h) in hits.iter().filter(|(d, _)| *d == dup) {
            let exact = h.confidence >= 0.95;
            let line = first_line(&h.explanation).map(|l| l + self.line_base);
            let first = doc.sentences.partition_point(|s| s.start < h.start);
            for (k, slot) in original
                .iter_mut()
                .enumerate()
                .skip(first)
                .take_while(|(k, _)| doc.sentences[*k].end <= h.end)
            {
                if slot.is_none() {
                    *slot = Some((if k == first { line.unwrap_or(0) } else { 0 }, exact));
                }
            }
        }
        hits.retain(|(d, _)| *d != dup);
        let last_para = doc.sentences[..n].last().map(|s| s.paragraph);
        let mut i = 0;
        while i < n {
            let Some((first_line, mut all_exact)) = original[i] else {
                i += 1;
                continue;
            };
            let para = doc.sentences[i].paragraph;
            let mut j = i + 1;
            while j < n && doc.sentences[j].paragraph == para {
                match original[j] {
                    Some((_, exact)) => all_exact &= exact,
                    None => break,
                }
                j += 1;
            }
            let p = &doc.paragraphs[para];
            let cut_here = (partial_start && para == 0) || (partial_end && Some(para) == last_para);
            let whole = p.sentences.start == i && p.sentences.end == j && !cut_here;
            let hit = repeat_hit(
                doc.sentences[i].start,
                doc.sentences[j - 1].end,
                whole,
                j - i,
                all_exact,
                first_line,
            );
            if selection.keeps("duplicate", &hit) {
                hits.push((dup, hit));
            }
            i = j;
        }
    }
}

/// The line number in a `duplicate` explanation ("… text from line 12; …").
fn first_line(explanation: &str) -> Option<usize> {
    let rest = &explanation[explanation.find("from line ")? + "from line ".len()..];
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

/// A `duplicate` explanation with its window line made an article line.
fn shift_line(explanation: &str, by: usize) -> String {
    match (explanation.find("from line "), first_line(explanation)) {
        (Some(at), Some(line)) => {
            let head = &explanation[..at + "from line ".len()];
            let tail = &explanation[head.len() + line.to_string().len()..];
            format!("{head}{}{tail}", line + by)
        }
        _ => explanation.to_string(),
    }
}

const TIMES: &str = " times in the article.";

/// Occurrences an `untranslated` explanation counts ("…; 3 times in the article.").
fn occurrences(explanation: &str) -> usize {
    explanation
        .strip_suffix(TIMES)
        .and_then(|b| b.rsplit_once("; "))
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(1)
}

/// An `untranslated` explanation with the count `n` (> 1), as `untranslated` writes it.
fn with_count(explanation: &str, n: usize) -> String {
    let body = match explanation
        .strip_suffix(TIMES)
        .and_then(|b| b.rsplit_once("; "))
    {
        Some((head, _)) => head,
        None => explanation.strip_suffix('.').unwrap_or(explanation),
    };
    format!("{body}; {n}{TIMES}")
}

/// From the first huge article on, allocations of 4 MiB and more get pages of their own, given
/// back when freed: glibc otherwise raises that threshold as large blocks are freed (up to 32 MiB)
/// and serves the article text, window buffers and findings from its heaps, whose holes added
/// 30 MB to the peak of a second 50 MB article. Runs without a huge article keep the default.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn map_large_allocations() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `mallopt` only changes glibc's allocation policy; it is thread-safe.
    ONCE.call_once(|| unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    });
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn map_large_allocations() {}

/// Hands the pages a huge article used back to the system: glibc keeps freed memory in each
/// thread's arena, so the next huge article, checked on another thread, would add to the peak.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn release_freed_memory() {
    // SAFETY: `malloc_trim` only returns unused pages of glibc's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed_memory() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Resources;
    use crate::score::Thresholds;

    fn resources() -> &'static Resources {
        static RES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        RES.get_or_init(|| Resources::load(&[]).unwrap())
    }

    #[test]
    fn cuts_prefer_paragraphs_then_sentences_then_spaces() {
        let text = "One two three. Four five six.\n\nSeven eight nine. Ten eleven twelve.";
        let cuts = cut(text, 40);
        assert_eq!(
            &text[cuts[0].start..cuts[0].end],
            "One two three. Four five six.\n\n"
        );
        assert!(cuts[0].paragraph_end);
        let text = "alpha beta gamma. Delta epsilon zeta eta theta iota kappa";
        let cuts = cut(text, 30);
        assert_eq!(&text[..cuts[0].end], "alpha beta gamma. ");
        assert!(!cuts[0].paragraph_end);
        // Not inside a quotation when avoidable.
        let text = "aaa bbb “ccc ddd eee fff” ggg";
        let cuts = cut(text, 20);
        assert_eq!(&text[..cuts[0].end], "aaa bbb ");
        for (text, w) in [
            ("x".repeat(100), 7),
            ("é".repeat(50), 7),
            ("a b ".repeat(40), 9),
        ] {
            let cuts = cut(&text, w);
            assert_eq!(cuts[0].start, 0);
            assert_eq!(cuts.last().unwrap().end, text.len());
            assert!(cuts.windows(2).all(|p| p[0].end == p[1].start));
        }
    }

    #[test]
    fn explanations_keep_article_counts_and_lines() {
        assert_eq!(occurrences("'x' looks like a word (never seen)."), 1);
        assert_eq!(occurrences("'x' looks (a); 4 times in the article."), 4);
        assert_eq!(
            with_count("'x' looks (a).", 3),
            "'x' looks (a); 3 times in the article."
        );
        assert_eq!(
            with_count("'x' (a); 2 times in the article.", 5),
            "'x' (a); 5 times in the article."
        );
        assert_eq!(
            shift_line("This repeats text from line 9; MT", 10),
            "This repeats text from line 19; MT"
        );
        assert_eq!(first_line("from line 12; x"), Some(12));
    }

    /// Small windows on an ordinary article give what checking it whole gives: here the seams
    /// fall between paragraphs and nothing nearly repeats.
    #[test]
    fn windows_match_the_whole_article() {
        let xi = include_str!("../tests/fixtures/xi-putin-moscow.txt");
        let short = include_str!("../tests/fixtures/mt-short.txt");
        let native = include_str!("../tests/fixtures/native.txt");
        // Exact repeats within a window and across windows, untranslated words in several.
        let text = format!("{xi}\n\n{short}\n\n{native}\n\n{xi}\n\n{short}\n\n{xi}\n");
        let article = Article {
            text: text.clone(),
            ..Default::default()
        };
        let checker = Checker::new(resources(), Selection::default(), Thresholds::default());
        let whole = checker.check(&article, "a");
        for window in [1500, 3000, 6000] {
            let (summary, lean) =
                checker.check_windowed_with(&article, "a", Vec::new(), window, usize::MAX);
            let windowed: Vec<Finding> = lean.iter(&text).collect();
            assert!(whole.findings.len() > 10);
            for (w, f) in windowed.iter().zip(&whole.findings) {
                assert_eq!(w, f, "window {window}");
            }
            assert_eq!(windowed.len(), whole.findings.len(), "window {window}");
            assert_eq!(summary, whole.summary, "window {window}");
        }
    }

    /// An article with something for every step of the end: exact repeats, doubled words,
    /// foreign words in several windows, an accepted phrase, an inline suppression and two
    /// paragraphs of discovered boilerplate (one a finding of its category overlaps).
    fn busy_article() -> (String, Vec<Finding>) {
        let xi = include_str!("../tests/fixtures/xi-putin-moscow.txt");
        let short = include_str!("../tests/fixtures/mt-short.txt");
        let furniture = "Subscribe to our newsletter to get the latest news delivered daily.";
        let note = "The agency contributed reporting from the capital on the day.";
        let foreign = "The gemeente will decide. Bovendien, it is late.";
        let mut text = String::new();
        for i in 0..4 {
            text.push_str(&format!(
                "{xi}\n\n{furniture}\n\n{short}\n\nHe saw the the end. He saw the the end.\n\n\
                 {foreign} Line {i}.\n\n\
                 They raise the the question. mtlint:ignore\n\n{note}\n\n"
            ));
        }
        let extra = |start: usize, len: usize| Finding {
            article: "a".into(),
            line: text[..start].lines().count() + 1,
            column: 1,
            start,
            end: start + len,
            category: Category::Boilerplate,
            rule: "boilerplate.discovered".into(),
            severity: Severity::Minor,
            confidence: 0.7,
            span: text[start..start + len].to_string(),
            suggestion: Some("delete this site furniture from the article".into()),
            explanation: "Site furniture: this paragraph recurs.".into(),
            sentence: text[start..start + len].to_string(),
        };
        let mut extras = Vec::new();
        for p in [furniture, note] {
            extras.extend(text.match_indices(p).map(|(i, _)| extra(i, p.len())));
        }
        (text, extras)
    }

    /// Checked in windows of `window` bytes with at most `cap` findings in memory; whether they
    /// spilled.
    fn checked(
        checker: &Checker,
        text: &str,
        extra: &[Finding],
        (window, cap): (usize, usize),
    ) -> (Summary, Vec<Finding>, bool) {
        let article = Article {
            text: text.to_string(),
            ..Default::default()
        };
        let (summary, lean) =
            checker.check_windowed_with(&article, "a", extra.to_vec(), window, cap);
        let findings: Vec<Finding> = lean.iter(text).collect();
        lean.status().unwrap();
        (summary, findings, lean.items.file().is_some())
    }

    /// The same article with every finding in memory and with caps that make them spill (one
    /// finding per chunk, a few, many): the same findings and summary, with and without a
    /// policy and a baseline; and, in one window, what `check_with` gives for the whole.
    #[test]
    fn spilling_changes_nothing() {
        let (text, extra) = busy_article();
        let every: Vec<String> = crate::detect::DETECTOR_IDS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let selection = Selection::parse(&every, &[]).unwrap();
        let plain = Checker::new(resources(), selection.clone(), Thresholds::default());
        let (_, all, _) = checked(&plain, &text, &extra, (3000, usize::MAX));
        let rules: FxHashSet<&str> = all.iter().map(|f| f.rule.as_str()).collect();
        for rule in [
            "boilerplate.discovered",
            "repetition.doubled-word",
            "duplicate.paragraph",
            "boilerplate.subscribe-newsletter",
        ] {
            assert!(rules.contains(rule), "{rule} missing: {rules:?}");
        }
        assert!(all.iter().any(|f| f.category == Category::Untranslated));
        assert!(all.iter().any(|f| f.explanation.ends_with(TIMES)));
        // The baseline knows every other finding of the first half.
        let entries: Vec<serde_json::Value> = all[..all.len() / 2]
            .iter()
            .step_by(2)
            .map(|f| {
                serde_json::json!({
                    "article": f.article, "rule": f.rule,
                    "hash": crate::baseline::fingerprint(f), "span": f.span,
                })
            })
            .collect();
        let baseline = serde_json::json!({"version": 1, "findings": entries}).to_string();
        let baseline = crate::baseline::Baseline::parse("b.json".as_ref(), &baseline).unwrap();
        let policies = [
            crate::check::Policy::default(),
            crate::check::Policy {
                severity: vec![
                    ("repetition".into(), Severity::Critical),
                    ("boilerplate.discovered".into(), Severity::Major),
                ],
                min_confidence: 0.5,
                accept: vec!["gemeente".into()],
                baseline: None,
            },
            crate::check::Policy {
                baseline: Some(baseline),
                ..Default::default()
            },
        ];
        for (k, policy) in policies.into_iter().enumerate() {
            let checker = Checker::new(resources(), selection.clone(), Thresholds::default())
                .with_policy(policy);
            let (summary, findings, spilled) = checked(&checker, &text, &extra, (3000, usize::MAX));
            assert!(!spilled);
            // In one window, spilled, as `check_with` gives for the article whole.
            let article = Article {
                text: text.clone(),
                ..Default::default()
            };
            let whole = checker.check_with(&article, "a", extra.clone());
            let (s, f, spilled) = checked(&checker, &text, &extra, (text.len() + 1, 3));
            assert!(spilled);
            assert_eq!(f, whole.findings, "policy {k}, whole");
            assert_eq!(s, whole.summary, "policy {k}, whole");
            assert!(findings.len() > 20, "policy {k}: {}", findings.len());
            if k > 0 {
                assert_ne!(findings, all, "policy {k} changes nothing");
            }
            for cap in [1, 2, 5, 64] {
                let (s, f, spilled) = checked(&checker, &text, &extra, (3000, cap));
                assert!(spilled, "policy {k} cap {cap}");
                assert_eq!(f, findings, "policy {k} cap {cap}");
                assert_eq!(s, summary, "policy {k} cap {cap}");
            }
        }
    }

    /// A temporary file that cannot be read back is an error naming the article, not findings
    /// silently missing.
    #[test]
    fn a_broken_temporary_file_is_an_error_naming_the_article() {
        let (text, _) = busy_article();
        let checker = Checker::new(resources(), Selection::default(), Thresholds::default());
        let article = Article {
            text: text.clone(),
            ..Default::default()
        };
        let (_, lean) = checker.check_windowed_with(&article, "big-one", Vec::new(), 3000, 4);
        assert!(lean.len() > 4);
        lean.status().unwrap();
        lean.items.file().unwrap().set_len(100).unwrap();
        let read = lean.iter(&text).count();
        assert!(read < lean.len(), "{read}");
        let err = lean.status().unwrap_err();
        assert!(matches!(&err, Error::Spill { article, .. } if article == "big-one"));
        assert!(err.to_string().starts_with("article big-one: "), "{err}");
        let findings = Findings::Lean(&lean, &text);
        assert!(findings.status().is_err());
    }

    #[test]
    fn only_long_or_far_denser_than_prose_is_huge() {
        let prose =
            "The minister said on Monday that the plan, which was agreed in May, would work. ";
        let cases = [
            ("short", "a ".repeat(1000), false),
            (
                "window of the densest text",
                "a.\n".repeat(WINDOW / 3),
                false,
            ),
            (
                "4 MB of prose",
                prose.repeat((HUGE_ARTICLE - 1) / prose.len()),
                false,
            ),
            (
                "over the length",
                prose.repeat(HUGE_ARTICLE / prose.len() + 1),
                true,
            ),
            ("2 million words", "a ".repeat(2_050_000), true),
            ("a million sentences", "It.\n".repeat(1_000_000), true),
        ];
        for (name, text, huge) in cases {
            assert_eq!(is_huge(&text), huge, "{name}");
        }
    }
}
