//! Feed-level results, over a whole run: the site of each article, paragraphs that recur across a
//! site's articles (discovered boilerplate), and per-site aggregates (`sites.csv`).
//!
//! Memory stays bounded whatever the feed length: paragraphs are counted by 64-bit hash in a
//! capped map (when it fills, the rarest hashes are dropped, as in lossy counting), a
//! paragraph's text is kept only once it is a candidate (or, in a two-pass run, on the second
//! look), and the number of sites is capped (later sites are counted under [`OTHER_SITES`]).

use crate::finding::{Category, Finding, Severity};
use crate::score::{Summary, Verdict};
use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::{Hash, Hasher};

/// A paragraph shorter than this (in characters, after normalising) is too generic to count.
const MIN_PARAGRAPH_CHARS: usize = 20;
/// …and it needs at least this many words.
const MIN_PARAGRAPH_WORDS: usize = 3;
/// Paragraphs longer than this are article text, not furniture.
const MAX_PARAGRAPH_CHARS: usize = 600;
/// Distinct (site, paragraph) hashes counted before pruning (about 5 MB with the map's
/// overhead): exact counts for feeds of up to ~30,000 articles, the recurring ones after.
const MAX_COUNTED: usize = 1 << 18;
/// Sites tracked by name; the rest are pooled.
const MAX_SITES: usize = 10_000;
/// The site name under which sites beyond the first 10,000 are pooled.
pub const OTHER_SITES: &str = "(other sites)";
/// Paragraph text kept for `boilerplate.csv`, in bytes.
const MAX_KEPT_TEXT: usize = 300;

/// When a recurring paragraph counts as boilerplate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discovery {
    /// Articles of one site that contain it…
    pub min_articles: usize,
    /// …and the share of the site's articles that is at least.
    pub min_share: f64,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery {
            min_articles: 3,
            min_share: 0.2,
        }
    }
}

/// The site of an article: the host of its URL (lowercase, without `www.` and port), else the
/// input it came from.
pub fn site(url: Option<&str>, input: &str) -> String {
    url.and_then(host).unwrap_or_else(|| input.to_string())
}

/// By bytes, without the standard library's substring searcher (costly to set up for a string
/// this short); the one allocation is the answer.
fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .as_bytes()
        .windows(3)
        .position(|w| w == b"://")
        .map_or(url, |i| &url[i + 3..]);
    let before = |s: &str, stop: fn(u8) -> bool| s.bytes().position(stop).unwrap_or(s.len());
    let authority = &rest[..before(rest, |b| matches!(b, b'/' | b'?' | b'#'))];
    let hostport = authority
        .bytes()
        .rposition(|b| b == b'@')
        .map_or(authority, |i| &authority[i + 1..]);
    let host = if hostport.starts_with('[') {
        &hostport[..before(hostport, |b| b == b']')]
    } else {
        &hostport[..before(hostport, |b| b == b':')]
    };
    let host = host.trim_start_matches('[');
    let host = match host.get(..4) {
        Some(www) if www.eq_ignore_ascii_case("www.") => &host[4..],
        _ => host,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A paragraph of an article: a line of its text, trimmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Byte range of the trimmed line in the original text.
    pub start: usize,
    pub end: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of `start`, in characters.
    pub column: usize,
    /// Hash of the normalised text (lowercase, whitespace collapsed) mixed with the site.
    pub hash: u64,
}

/// The paragraphs of a text long enough to count, each once (the first occurrence).
///
/// One pass over the text, a few instructions per byte: each line's normalised form (lowercase,
/// whitespace collapsed) is written into one reused buffer and hashed, no string per paragraph.
pub fn paragraphs(site: &str, text: &str) -> Vec<Paragraph> {
    SCRATCH.with_borrow_mut(|scratch| {
        let out = paragraphs_with(site, text, scratch);
        // A huge article's set is not kept for the next one.
        if scratch.seen.capacity() > KEPT_SEEN {
            scratch.seen = FxHashSet::default();
        }
        scratch.seen.clear();
        out
    })
}

/// [`paragraphs`]' buffers, kept from one article to the next on a thread.
struct Scratch {
    /// The line being hashed, normalised: room for the longest paragraph that counts, so that
    /// it never regrows.
    norm: Vec<u8>,
    /// Hashes of the article's paragraphs so far.
    seen: FxHashSet<u64>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        norm: Vec::with_capacity(4 * MAX_PARAGRAPH_CHARS),
        seen: FxHashSet::default(),
    });
}

/// Paragraph hashes [`Scratch::seen`] may keep room for between articles (128 KB).
const KEPT_SEEN: usize = 1 << 13;

/// Paragraphs an article is first given room for: most news articles have fewer.
const USUAL_PARAGRAPHS: usize = 16;

fn paragraphs_with(site: &str, text: &str, scratch: &mut Scratch) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let Scratch { norm, seen } = scratch;
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut line = 0;
    loop {
        // memchr's vector search: the standard library's is several times slower per byte.
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        line += 1;
        // A line shorter than the minimum cannot hold a long enough paragraph.
        if line_end - line_start >= MIN_PARAGRAPH_CHARS
            && let Some((lead, len, column)) = scan(&text[line_start..line_end], norm)
        {
            let hash = hash(site, norm);
            if seen.insert(hash) {
                if out.capacity() == 0 {
                    out.reserve(USUAL_PARAGRAPHS);
                }
                let start = line_start + lead;
                out.push(Paragraph {
                    start,
                    end: start + len,
                    line,
                    column,
                    hash,
                });
            }
        }
        if line_end == bytes.len() {
            return out;
        }
        line_start = line_end + 1;
    }
}

/// The paragraphs of a first pass over files, kept for the second so that it need not find them
/// again: per article (in input order), compactly while the first pass runs (up to a cap: later
/// articles are looked at again), then only those that turned out to be boilerplate.
#[derive(Debug, Default)]
pub struct Remembered {
    /// Per article: the length of its text (a changed input is looked at again) and the end of
    /// its paragraphs in `paragraphs`.
    articles: Vec<(u32, u32)>,
    paragraphs: Vec<Compact>,
    /// An article did not fit: the ones after it are not remembered either.
    full: bool,
}

/// A [`Paragraph`] in 24 bytes rather than 40.
#[derive(Debug, Clone, Copy)]
struct Compact {
    hash: u64,
    start: u32,
    end: u32,
    line: u32,
    column: u32,
}

/// Paragraphs remembered during a first pass (24 bytes each: 6 MB)…
const MAX_REMEMBERED_PARAGRAPHS: usize = 1 << 18;
/// …and articles (8 bytes each: 4 MB).
const MAX_REMEMBERED_ARTICLES: usize = 1 << 19;

impl Remembered {
    /// Remembers the next article's paragraphs (an input error: an empty text, none).
    pub fn push(&mut self, text: &str, paragraphs: &[Paragraph]) {
        let fits = self.articles.len() < MAX_REMEMBERED_ARTICLES
            && self.paragraphs.len() + paragraphs.len() <= MAX_REMEMBERED_PARAGRAPHS;
        // Offsets, lines and columns are at most the text's length (plus one).
        let Ok(len) = u32::try_from(text.len()) else {
            self.full = true;
            return;
        };
        if self.full || !fits || len == u32::MAX {
            self.full = true;
            return;
        }
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.paragraphs.extend(paragraphs.iter().map(|p| Compact {
            hash: p.hash,
            start: small(p.start),
            end: small(p.end),
            line: small(p.line),
            column: small(p.column),
        }));
        self.articles.push((len, small(self.paragraphs.len())));
    }

    /// Keeps only the paragraphs whose hash is kept.
    pub fn retain(&mut self, keep: impl Fn(u64) -> bool) {
        let mut kept = Vec::new();
        let mut from = 0;
        for (_, end) in &mut self.articles {
            let to = *end as usize;
            kept.extend(self.paragraphs[from..to].iter().filter(|p| keep(p.hash)));
            from = to;
            *end = kept.len() as u32;
        }
        self.paragraphs = kept;
    }

    /// The remembered paragraphs of the `seq`th article (those kept), if it was remembered with
    /// this text length.
    pub fn get(&self, seq: usize, text: &str) -> Option<Vec<Paragraph>> {
        let &(len, end) = self.articles.get(seq)?;
        if len as usize != text.len() {
            return None;
        }
        let start = seq.checked_sub(1).map_or(0, |i| self.articles[i].1);
        let found: Vec<Paragraph> = self.paragraphs[start as usize..end as usize]
            .iter()
            .map(|p| Paragraph {
                start: p.start as usize,
                end: p.end as usize,
                line: p.line as usize,
                column: p.column as usize,
                hash: p.hash,
            })
            .collect();
        // The input changed between the passes: its paragraphs are looked for again.
        found
            .iter()
            .all(|p| p.start <= p.end && text.get(p.start..p.end).is_some())
            .then_some(found)
    }
}

/// ASCII bytes that are not whitespace.
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !is_ascii_space(b as u8);
        b += 1;
    }
    t
};

/// `char::is_whitespace` for an ASCII byte.
const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// A line that counts as a paragraph: the byte offset and length of the trimmed line and the
/// 1-based column of its start; its normalised form (lowercase, whitespace collapsed) is left in
/// `norm`.
fn scan(raw: &str, norm: &mut Vec<u8>) -> Option<(usize, usize, usize)> {
    let bytes = raw.as_bytes();
    if bytes.len() <= MAX_PARAGRAPH_CHARS && lower_plain(bytes, norm) {
        // Most lines: ASCII words separated by single spaces, their own normal form but for case.
        let words = memchr::memchr_iter(b' ', bytes)
            .take(MIN_PARAGRAPH_WORDS - 1)
            .count()
            + 1;
        return (words >= MIN_PARAGRAPH_WORDS && bytes.len() >= MIN_PARAGRAPH_CHARS).then_some((
            0,
            bytes.len(),
            1,
        ));
    }
    norm.clear();
    // A line too long to count whatever its words: rejected without the word-by-word walk.
    let trimmed = raw.trim();
    if trimmed.len() > MAX_PARAGRAPH_CHARS
        && trimmed.len() - cont_in(trimmed.as_bytes()) > MAX_PARAGRAPH_CHARS
    {
        return None;
    }
    // Continuation bytes (of multi-byte characters) seen in the line, and in `norm`, so that
    // character counts are byte counts minus these.
    let (mut cont, mut norm_cont) = (0usize, 0usize);
    // Start of the trimmed line, continuation bytes before it, end of its last word.
    let (mut first, mut cont_before, mut last_end) = (usize::MAX, 0, 0);
    let (mut words, mut in_word) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if is_ascii_space(b) {
                in_word = false;
                i += 1;
                continue;
            }
            if !in_word {
                start_word(norm, &mut words, &mut in_word);
                if first == usize::MAX {
                    (first, cont_before) = (i, cont);
                } else if (i - cont) - (first - cont_before) >= MAX_PARAGRAPH_CHARS {
                    return None;
                }
            }
            // The rest of the ASCII run of the word, copied and lowercased in one go.
            let mut j = i + 1;
            while j < bytes.len() && ASCII_WORD[usize::from(bytes[j])] {
                j += 1;
            }
            let at = norm.len();
            norm.extend_from_slice(&bytes[i..j]);
            norm[at..].make_ascii_lowercase();
            i = j;
            last_end = j;
            continue;
        }
        let c = raw[i..].chars().next()?;
        let width = c.len_utf8();
        if c.is_whitespace() {
            in_word = false;
        } else if c == '\u{03A3}' {
            // Capital sigma lowercases by context (final "ς"): the rare slow way.
            return scan_slow(raw, norm);
        } else {
            if !in_word {
                start_word(norm, &mut words, &mut in_word);
                if first == usize::MAX {
                    (first, cont_before) = (i, cont);
                }
            }
            for l in c.to_lowercase() {
                let at = norm.len();
                norm.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
                norm_cont += norm.len() - at - 1;
            }
            last_end = i + width;
        }
        cont += width - 1;
        i += width;
    }
    if first == usize::MAX {
        return None;
    }
    let trimmed = last_end - first;
    // Continuation bytes inside the trimmed line (trailing whitespace holds none that count).
    let trimmed_cont = if cont == 0 {
        0
    } else {
        cont_in(&bytes[first..last_end])
    };
    (trimmed >= MIN_PARAGRAPH_CHARS
        && trimmed - trimmed_cont <= MAX_PARAGRAPH_CHARS
        && norm.len() - norm_cont >= MIN_PARAGRAPH_CHARS
        && words >= MIN_PARAGRAPH_WORDS)
        .then_some((first, trimmed, first - cont_before + 1))
}

/// Whether a line is plain: ASCII without control characters, not starting or ending with a
/// space, without two spaces in a row. Its lowercase is left in `norm` (whatever the answer).
///
/// Branch-free passes over the line, so that each vectorises.
fn lower_plain(bytes: &[u8], norm: &mut Vec<u8>) -> bool {
    if bytes.first().is_none_or(|&b| b == b' ') || bytes.last().is_none_or(|&b| b == b' ') {
        return false;
    }
    norm.clear();
    norm.extend(
        bytes
            .iter()
            .map(|&b| b | (u8::from(b.is_ascii_uppercase()) << 5)),
    );
    // Below space or above DEL…
    let odd = bytes
        .iter()
        .fold(false, |bad, &b| bad | (b.wrapping_sub(b' ') >= 0x60));
    // …or a second space in a row.
    let doubled = bytes
        .iter()
        .zip(&bytes[1..])
        .fold(false, |bad, (&a, &b)| bad | ((a == b' ') & (b == b' ')));
    !(odd | doubled)
}

/// Continuation bytes of a UTF-8 string.
fn cont_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 == 0x80).count()
}

fn start_word(norm: &mut Vec<u8>, words: &mut usize, in_word: &mut bool) {
    if *words > 0 {
        norm.push(b' ');
    }
    *words += 1;
    *in_word = true;
}

/// [`scan`] by building the normalised string, for the lines whose lowercase depends on context.
fn scan_slow(raw: &str, norm: &mut Vec<u8>) -> Option<(usize, usize, usize)> {
    norm.clear();
    let trimmed = raw.trim();
    if trimmed.len() < MIN_PARAGRAPH_CHARS || trimmed.chars().count() > MAX_PARAGRAPH_CHARS {
        return None;
    }
    let n = normalise(trimmed);
    if n.chars().count() < MIN_PARAGRAPH_CHARS || n.split(' ').count() < MIN_PARAGRAPH_WORDS {
        return None;
    }
    norm.extend_from_slice(n.as_bytes());
    let lead = raw.len() - raw.trim_start().len();
    Some((lead, trimmed.len(), raw[..lead].chars().count() + 1))
}

/// Lowercase, every run of whitespace one space.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fixed hash (the same in every run and on every machine) of a site and a normalised
/// paragraph: the same as hashing the two as `str`s.
fn hash(site: &str, paragraph: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    site.hash(&mut h);
    h.write(paragraph);
    h.write_u8(0xff);
    h.finish()
}

/// Counts paragraphs per site over a run, in bounded memory: at most 262,144 hashes
/// (24 bytes each) and 50,000 paragraph texts.
#[derive(Debug)]
pub struct Counter {
    /// Hashes counted before pruning.
    cap: usize,
    /// (articles containing it, site index), by hash (the site is mixed into the hash).
    counts: FxHashMap<u64, (u32, u32)>,
    /// Times the map was pruned: counts are exact until then; after, a paragraph may be
    /// undercounted (never overcounted, so nothing is reported as boilerplate wrongly).
    prunes: u32,
    /// The text of paragraphs that may be boilerplate, by hash.
    texts: FxHashMap<u64, String>,
    /// Site names and their article counts.
    sites: Vec<(String, u32)>,
    site_index: FxHashMap<String, u32>,
}

/// Paragraph texts kept (at most 300 bytes each).
const MAX_TEXTS: usize = 50_000;

impl Default for Counter {
    fn default() -> Self {
        Counter {
            cap: MAX_COUNTED,
            counts: FxHashMap::default(),
            prunes: 0,
            texts: FxHashMap::default(),
            sites: Vec::new(),
            site_index: FxHashMap::default(),
        }
    }
}

impl Counter {
    /// Counts one article's paragraphs (from [`paragraphs`]) under its site; keeps the text of
    /// those seen in `keep_text_at` articles.
    pub fn add(&mut self, site: &str, text: &str, paragraphs: &[Paragraph], keep_text_at: usize) {
        let s = self.site_id(site);
        self.sites[s as usize].1 += 1;
        for p in paragraphs {
            if self.counts.len() >= self.cap && !self.counts.contains_key(&p.hash) {
                self.prune();
            }
            let entry = self.counts.entry(p.hash).or_insert((0, s));
            entry.0 += 1;
            if entry.0 as usize >= keep_text_at {
                self.keep_text(p.hash, &text[p.start..p.end]);
            }
        }
    }

    /// Keeps a paragraph's text (the first time, while there is room).
    pub fn keep_text(&mut self, hash: u64, text: &str) {
        if self.texts.len() < MAX_TEXTS && !self.texts.contains_key(&hash) {
            self.texts
                .insert(hash, clip(text, MAX_KEPT_TEXT).to_string());
        }
    }

    /// The site's index, pooling sites beyond the cap.
    fn site_id(&mut self, site: &str) -> u32 {
        if let Some(&i) = self.site_index.get(site) {
            return i;
        }
        let name = if self.sites.len() >= MAX_SITES {
            OTHER_SITES
        } else {
            site
        };
        if let Some(&i) = self.site_index.get(name) {
            return i;
        }
        let i = self.sites.len() as u32;
        self.sites.push((name.to_string(), 0));
        self.site_index.insert(name.to_string(), i);
        i
    }

    /// Drops the rarest hashes until the map is at most three quarters full: first those seen
    /// once, then twice, and so on.
    fn prune(&mut self) {
        self.prunes += 1;
        let mut floor = 0;
        while self.counts.len() > self.cap * 3 / 4 {
            floor += 1;
            self.counts.retain(|_, (n, _)| *n > floor);
        }
        let counts = &self.counts;
        self.texts.retain(|h, _| counts.contains_key(h));
    }

    /// The paragraphs that recur in enough of their site's articles, by site, then count
    /// (descending), then text.
    pub fn discovered(&self, rule: Discovery) -> Vec<Discovered> {
        let mut out: Vec<Discovered> = self
            .counts
            .iter()
            .filter_map(|(h, &(n, s))| {
                let (site, articles) = &self.sites[s as usize];
                let n = n as usize;
                let share = n as f64 / f64::from((*articles).max(1));
                (n >= rule.min_articles && share >= rule.min_share).then(|| Discovered {
                    hash: *h,
                    site: site.clone(),
                    count: n,
                    site_articles: *articles as usize,
                    text: self.texts.get(h).cloned().unwrap_or_default(),
                })
            })
            .collect();
        sort(&mut out);
        out
    }

    /// Fills in the texts of discovered paragraphs kept since [`Counter::discovered`] (the
    /// second look of a two-pass run), and sorts them.
    pub fn with_texts(&self, mut found: Vec<Discovered>) -> Vec<Discovered> {
        for d in &mut found {
            if d.text.is_empty()
                && let Some(t) = self.texts.get(&d.hash)
            {
                d.text = t.clone();
            }
        }
        sort(&mut found);
        found
    }
}

/// By site, then count (descending), then text.
fn sort(found: &mut [Discovered]) {
    found.sort_by(|a, b| {
        (&a.site, std::cmp::Reverse(a.count), &a.text).cmp(&(
            &b.site,
            std::cmp::Reverse(b.count),
            &b.text,
        ))
    });
}

/// A paragraph found to be boilerplate on a site.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovered {
    pub hash: u64,
    pub site: String,
    /// Articles of the site that contain it.
    pub count: usize,
    /// Articles of the site in the run.
    pub site_articles: usize,
    /// The paragraph as first repeated (at most 300 bytes).
    pub text: String,
}

/// Columns of `boilerplate.csv`.
pub const BOILERPLATE_COLUMNS: &[&str] = &["site", "count", "site_articles", "share", "paragraph"];

/// Rows of `boilerplate.csv`.
pub fn boilerplate_rows(found: &[Discovered]) -> Vec<Vec<String>> {
    found
        .iter()
        .map(|d| {
            vec![
                d.site.clone(),
                d.count.to_string(),
                d.site_articles.to_string(),
                format!("{:.2}", d.count as f64 / d.site_articles.max(1) as f64),
                d.text.clone(),
            ]
        })
        .collect()
}

/// Findings for an article's paragraphs that are discovered boilerplate.
pub fn findings(
    article: &str,
    text: &str,
    paragraphs: &[Paragraph],
    found: &FxHashMap<u64, Discovered>,
) -> Vec<Finding> {
    paragraphs
        .iter()
        .filter_map(|p| {
            let d = found.get(&p.hash)?;
            let span = &text[p.start..p.end];
            Some(Finding {
                article: article.to_string(),
                line: p.line,
                column: p.column,
                start: p.start,
                end: p.end,
                category: Category::Boilerplate,
                rule: "boilerplate.discovered".into(),
                // Curated furniture patterns are major; a paragraph that merely recurs may be a
                // legitimate standing note, so it weighs less until an editor raises it.
                severity: Severity::Minor,
                confidence: 0.7,
                span: span.to_string(),
                suggestion: Some("delete this site furniture from the article".into()),
                explanation: format!(
                    "Site furniture: this paragraph recurs in {} of the {} articles from {} in this run.",
                    d.count, d.site_articles, d.site
                ),
                sentence: clip(span, 600).to_string(),
            })
        })
        .collect()
}

/// The longest prefix of at most `max` bytes that ends on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Per-site aggregates for `sites.csv`.
#[derive(Debug, Default)]
pub struct Sites {
    rows: FxHashMap<String, SiteRow>,
}

#[derive(Debug, Default, Clone)]
struct SiteRow {
    articles: usize,
    findings: usize,
    score_sum: f64,
    flagged: usize,
    /// Summed guess confidence per source language.
    languages: FxHashMap<String, f64>,
}

/// Columns of `sites.csv`; `source_language` is the language with the most guess confidence
/// summed over the site's articles.
pub const SITE_COLUMNS: &[&str] = &[
    "site",
    "articles",
    "findings",
    "mean_score",
    "flagged",
    "flagged_share",
    "source_language",
];

impl Sites {
    /// Adds one checked article.
    pub fn add(&mut self, site: &str, summary: &Summary) {
        let key = if self.rows.len() >= MAX_SITES && !self.rows.contains_key(site) {
            OTHER_SITES
        } else {
            site
        };
        // A new key only for a new site: most articles come from one already seen.
        if !self.rows.contains_key(key) {
            self.rows.insert(key.to_string(), SiteRow::default());
        }
        let Some(row) = self.rows.get_mut(key) else {
            return;
        };
        row.articles += 1;
        row.findings += summary.findings;
        row.score_sum += summary.score;
        if matches!(summary.verdict, Verdict::Review | Verdict::Fail) {
            row.flagged += 1;
        }
        if let Some(l) = &summary.source_language {
            if !row.languages.contains_key(l) {
                row.languages.insert(l.clone(), 0.0);
            }
            if let Some(sum) = row.languages.get_mut(l) {
                *sum += summary.source_confidence;
            }
        }
    }

    /// Rows of `sites.csv`: by mean score (descending), then site.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let mut rows: Vec<(&String, &SiteRow)> = self.rows.iter().collect();
        let mean = |r: &SiteRow| r.score_sum / r.articles.max(1) as f64;
        rows.sort_by(|a, b| mean(b.1).total_cmp(&mean(a.1)).then(a.0.cmp(b.0)));
        rows.into_iter()
            .map(|(site, r)| {
                // Ties go to the alphabetically first language, so the column is stable.
                let lang = r
                    .languages
                    .iter()
                    .filter(|(_, w)| **w > 0.0)
                    .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(l, _)| l.clone())
                    .unwrap_or_default();
                vec![
                    site.clone(),
                    r.articles.to_string(),
                    r.findings.to_string(),
                    format!("{:.1}", mean(r)),
                    r.flagged.to_string(),
                    format!("{:.2}", r.flagged as f64 / r.articles.max(1) as f64),
                    lang,
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_hosts_or_inputs() {
        let cases = [
            (
                Some("https://www.Example.nl/a/b?c"),
                "feed.jsonl",
                "example.nl",
            ),
            (
                Some("http://user@news.example.de:8080/x"),
                "f",
                "news.example.de",
            ),
            (Some("example.fr/page"), "f", "example.fr"),
            (Some("https://[::1]:80/"), "f", "::1"),
            (Some("  HTTPS://WWW.X.NL#top "), "f", "x.nl"),
            (Some("http://a@b@Www.Zürich.ch?q=1"), "f", "zürich.ch"),
            (Some("www."), "feed", "feed"),
            (Some("x://www.ü"), "f", "ü"),
            (Some("://"), "feed", "feed"),
            (Some(""), "feed/", "feed/"),
            (None, "dump.jsonl", "dump.jsonl"),
        ];
        for (url, input, want) in cases {
            assert_eq!(site(url, input), want, "{url:?}");
        }
    }

    #[test]
    fn paragraphs_are_lines_with_positions() {
        let text = "Short.\n  Follow us on Twitter for more news.\nThe council met on Tuesday evening.\n\tFollow us  on twitter for more news.";
        let ps = paragraphs("s", text);
        assert_eq!(ps.len(), 2, "the repeat in one article counts once");
        assert_eq!((ps[0].line, ps[0].column), (2, 3));
        assert_eq!(
            &text[ps[0].start..ps[0].end],
            "Follow us on Twitter for more news."
        );
        assert_ne!(
            paragraphs("other", text)[0].hash,
            ps[0].hash,
            "sites do not share counts"
        );
        // The scratch set kept between articles forgets the last one's paragraphs, and one
        // grown by a huge article is not kept.
        let huge: String = (0..20_000)
            .map(|i| format!("Paragraph number {i} of a very long article.\n"))
            .collect();
        assert_eq!(paragraphs("s", &huge).len(), 20_000);
        SCRATCH.with_borrow(|s| assert!(s.seen.capacity() <= KEPT_SEEN && s.seen.is_empty()));
        assert_eq!(paragraphs("s", text), ps);
    }

    #[test]
    fn fused_plain_test_agrees_with_the_plain_one() {
        // The tests one by one, as they read in the definition.
        fn is_plain(line: &str) -> bool {
            line.is_ascii()
                && !line.bytes().any(|b| b < b' ')
                && !line.starts_with(' ')
                && !line.ends_with(' ')
                && !line.is_empty()
                && !line.contains("  ")
        }
        let long = "Word ".repeat(40) + "end";
        let lines = [
            "",
            " ",
            "a",
            "Plain ASCII line, as most are: Twitter.",
            " Leading space here",
            "Trailing space here ",
            "Double  space inside",
            "Tab\tinside",
            "Control\u{7f}char (DEL is printable here)",
            "Caf\u{e9} au lait",
            "Bell\u{7}here",
            "ALL CAPS [AND] @SYMBOLS ~`^_{}",
            long.as_str(),
            &long.replace("Word W", "Word  W"),
            "Fifteen bytes..  two spaces across 16 bytes",
            "Thirty-two bytes in this line.\u{1} control late",
            "A control character\u{1} early",
        ];
        let mut norm = Vec::new();
        for line in lines {
            let got = lower_plain(line.as_bytes(), &mut norm);
            assert_eq!(got, is_plain(line), "{line:?}");
            if got {
                assert_eq!(norm, line.to_ascii_lowercase().as_bytes(), "{line:?}");
            }
        }
    }

    #[test]
    fn fast_scan_agrees_with_the_normalised_string() {
        let lines: [&str; 21] = [
            "  Follow us on Twitter for more news.  ",
            "\tFollow\u{a0}us  on TWITTER for more news.\r",
            "İstanbul’s “mayor” said the ÉTÉ plan is fine.",
            "ΟΔΥΣΣΕΥΣ ΚΑΙ ΣΙΣΥΦΟΣ: a Greek headline here",
            "\u{3000}Ideographic space leads this paragraph line.",
            "\u{3000}\u{3000} é ü two leading ideographic spaces  ",
            "tiny words a b c d e f g h i j k",
            "two words onlyyyyyyyyyyyyyyyyyyyy",
            "nineteen chars here",
            "Plain ASCII line, as most are: Twitter.",
            "Double  space inside this plain line.",
            "Two words.........................",
            "Control\u{7f}char inside a line of text",
            "               spaces then short",
            "ééééééééééé ééé",
            &"Plain words ".repeat(60),
            &("Plain words ".repeat(50) + "é"),
            &("  é ".to_string() + &"ab ".repeat(199) + "  "),
            &("  é ".to_string() + &"ab ".repeat(200) + "  "),
            &("é".repeat(601) + " a b c"),
            &("ab ".repeat(199) + "abcd"),
        ];
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        for line in lines {
            let got = scan(line, &mut fast);
            assert_eq!(got, scan_slow(line, &mut slow), "{line:?}");
            if got.is_some() {
                assert_eq!(fast, slow, "{line:?}");
            }
        }
        let long = "word ".repeat(121);
        assert!(scan(long.trim(), &mut fast).is_none());
        assert!(scan(&long[..599], &mut fast).is_some());
        let long = "éé ".repeat(201);
        assert_eq!(scan(&long, &mut fast), None);
        assert!(scan(&long[5..], &mut fast).is_some());
    }

    fn count(articles: &[(&str, &str)]) -> Counter {
        let mut c = Counter::default();
        for (site, text) in articles {
            c.add(site, text, &paragraphs(site, text), 2);
        }
        c
    }

    #[test]
    fn recurring_paragraphs_are_discovered_per_site() {
        let footer = "Subscribe to the Morning Brief for the day's news.";
        let mut feed = Vec::new();
        for i in 0..5 {
            feed.push((
                "a.nl",
                format!("Article {i} about the harbour expansion.\n{footer}"),
            ));
        }
        // Another site repeats it only twice: under the threshold of 3.
        for i in 0..2 {
            feed.push((
                "b.de",
                format!("Story {i} about the rail strike today.\n{footer}"),
            ));
        }
        let borrowed: Vec<(&str, &str)> = feed.iter().map(|(s, t)| (*s, t.as_str())).collect();
        let found = count(&borrowed).discovered(Discovery::default());
        assert_eq!(found.len(), 1);
        assert_eq!(
            (
                found[0].site.as_str(),
                found[0].count,
                found[0].site_articles
            ),
            ("a.nl", 5, 5)
        );
        assert_eq!(found[0].text, footer);
    }

    #[test]
    fn share_threshold_applies() {
        let footer = "Read more stories like this on our website.";
        let mut feed: Vec<String> = (0..3)
            .map(|i| format!("Item {i} here.\n{footer}"))
            .collect();
        feed.extend((0..20).map(|i| format!("Plain article number {i} without furniture.")));
        let borrowed: Vec<(&str, &str)> = feed.iter().map(|t| ("s", t.as_str())).collect();
        // 3 of 23 articles is 13%: under 20%.
        assert!(count(&borrowed).discovered(Discovery::default()).is_empty());
    }

    #[test]
    fn memory_stays_capped_and_keeps_what_recurs() {
        let mut c = Counter {
            cap: 8,
            ..Counter::default()
        };
        let footer = "A paragraph that repeats across the site.";
        for i in 0..200 {
            let text = format!("Paragraph number {i} is only in this article.\n{footer}");
            c.add("s", &text, &paragraphs("s", &text), 3);
            assert!(c.counts.len() <= 8);
        }
        let found = c.discovered(Discovery {
            min_articles: 3,
            min_share: 0.2,
        });
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].count, found[0].text.as_str()), (200, footer));
        assert!(c.prunes > 0, "pruned");
    }

    #[test]
    fn remembered_paragraphs_are_those_found_again() {
        let texts = [
            "Subscribe to our newsletter for more news.\nA first article about the harbour.",
            "",
            "Subscribe to our newsletter for more news.\n  Ein zweiter Artikel über Zürich hier.",
            "Too short.",
        ];
        let mut remembered = Remembered::default();
        for text in texts {
            remembered.push(text, &paragraphs("s", text));
        }
        for (seq, text) in texts.iter().enumerate() {
            assert_eq!(remembered.get(seq, text), Some(paragraphs("s", text)));
        }
        // A changed text, or one past those remembered, is looked at again.
        assert_eq!(remembered.get(0, "Other."), None);
        assert_eq!(remembered.get(texts.len(), ""), None);
        let furniture = paragraphs("s", texts[0])[0].hash;
        remembered.retain(|h| h == furniture);
        let kept = |seq: usize| remembered.get(seq, texts[seq]).map(|p| p.len());
        assert_eq!(
            [kept(0), kept(1), kept(2), kept(3)],
            [Some(1), Some(0), Some(1), Some(0)]
        );
        assert_eq!(
            remembered.get(2, texts[2]).unwrap()[0],
            paragraphs("s", texts[2])[0]
        );
    }

    #[test]
    fn remembering_stops_at_the_cap() {
        let mut remembered = Remembered::default();
        let text = "A paragraph long enough to be counted here.";
        let one = paragraphs("s", text);
        let many = vec![one[0].clone(); MAX_REMEMBERED_PARAGRAPHS];
        remembered.push(text, &many);
        assert_eq!(remembered.get(0, text).map(|p| p.len()), Some(many.len()));
        remembered.push(text, &one);
        remembered.push("", &[]);
        assert_eq!(remembered.get(1, text), None);
        assert_eq!(
            remembered.get(2, ""),
            None,
            "nothing after an article that did not fit"
        );
    }

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("abc", 5), "abc");
    }
}
