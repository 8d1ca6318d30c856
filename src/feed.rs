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

fn host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if hostport.starts_with('[') {
        hostport.split_once(']').map_or(hostport, |(h, _)| h)
    } else {
        hostport.split(':').next().unwrap_or(hostport)
    };
    let host = host.trim_start_matches('[').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_string())
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
pub fn paragraphs(site: &str, text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut seen = FxHashSet::default();
    let mut offset = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let trimmed = raw.trim();
        if trimmed.len() < MIN_PARAGRAPH_CHARS || trimmed.chars().count() > MAX_PARAGRAPH_CHARS {
            continue;
        }
        let norm = normalise(trimmed);
        if norm.chars().count() < MIN_PARAGRAPH_CHARS
            || norm.split(' ').count() < MIN_PARAGRAPH_WORDS
        {
            continue;
        }
        let hash = hash(site, &norm);
        if !seen.insert(hash) {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let start = line_start + lead;
        out.push(Paragraph {
            start,
            end: start + trimmed.len(),
            line: i + 1,
            column: raw[..lead].chars().count() + 1,
            hash,
        });
    }
    out
}

/// Lowercase, every run of whitespace one space.
fn normalise(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fixed hash (the same in every run and on every machine).
fn hash(site: &str, paragraph: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    site.hash(&mut h);
    paragraph.hash(&mut h);
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
        let row = self.rows.entry(key.to_string()).or_default();
        row.articles += 1;
        row.findings += summary.findings;
        row.score_sum += summary.score;
        if matches!(summary.verdict, Verdict::Review | Verdict::Fail) {
            row.flagged += 1;
        }
        if let Some(l) = &summary.source_language {
            *row.languages.entry(l.clone()).or_default() += summary.source_confidence;
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
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("abc", 5), "abc");
    }
}
