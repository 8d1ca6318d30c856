//! The review page: `index.html` in the report directory, one self-contained file (inline CSS and
//! script, no network, no fonts to fetch). The highest-scoring articles, ranked, each with its
//! text and every finding highlighted; details, filters and keyboard navigation in the page.
//!
//! Article text never becomes markup: the data is embedded as JSON in a
//! `<script type="application/json">` block with `<`, `>` and `&` escaped (so `</script>` and
//! `<!--` cannot end it), and the page's script inserts it as text nodes only.

use crate::check::Checked;
use crate::feed::Discovered;
use crate::finding::Finding;
use crate::output::Totals;
use crate::rules::Rule;
use crate::score::Summary;
use serde::Serialize;
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::io::Write;

/// Article text shown per article, in bytes; findings past it are counted, not shown.
pub const MAX_TEXT_BYTES: usize = 100_000;
/// Findings shown per article; the rest are counted, not shown (the CSV report has them all).
/// Bounds the page's memory: 500 articles dense with findings would otherwise hold millions.
pub const MAX_FINDINGS: usize = 500;
/// Default number of articles on the page.
pub const DEFAULT_ARTICLES: usize = 500;
/// Discovered boilerplate paragraphs listed on the page.
const MAX_BOILERPLATE: usize = 100;

const STYLE: &str = include_str!("html/review.css");
const SCRIPT: &str = include_str!("html/review.js");

/// The page being built: the `cap` highest-scoring articles of a run (ties: the earlier one),
/// so memory stays bounded whatever the feed length.
pub struct ReviewPage {
    cap: usize,
    /// Min-heap on (score in tenths, reversed input position): the top is the first to drop.
    kept: BinaryHeap<Reverse<Kept>>,
    seen: usize,
}

struct Kept {
    key: (i64, Reverse<usize>),
    article: PageArticle,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Kept {}
impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

#[derive(Serialize)]
struct PageArticle {
    id: String,
    title: Option<String>,
    url: Option<String>,
    path: String,
    score: f64,
    verdict: &'static str,
    words: usize,
    minor: usize,
    major: usize,
    critical: usize,
    source_language: Option<String>,
    text: String,
    /// Findings past the shown text.
    hidden: usize,
    findings: Vec<PageFinding>,
}

/// A finding as the page needs it: `s`/`e` are UTF-16 offsets into the shown text (what a
/// script's string indices count).
#[derive(Serialize)]
struct PageFinding {
    s: usize,
    e: usize,
    line: usize,
    column: usize,
    category: &'static str,
    rule: String,
    severity: &'static str,
    confidence: f64,
    span: String,
    suggestion: Option<String>,
    explanation: String,
}

#[derive(Serialize)]
struct RuleInfo<'a> {
    summary: &'a str,
    lang: Option<&'a str>,
    phrase: Option<&'a str>,
    meaning: Option<&'a str>,
}

#[derive(Serialize)]
struct PageBoilerplate<'a> {
    site: &'a str,
    count: usize,
    site_articles: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct PageData<'a> {
    version: &'static str,
    totals: &'a Totals,
    shown: usize,
    articles: Vec<&'a PageArticle>,
    rules: BTreeMap<&'a str, RuleInfo<'a>>,
    boilerplate: Vec<PageBoilerplate<'a>>,
}

impl ReviewPage {
    /// A page of at most `cap` articles.
    pub fn new(cap: usize) -> ReviewPage {
        ReviewPage {
            cap,
            kept: BinaryHeap::new(),
            seen: 0,
        }
    }

    /// Offers one checked article; `seq` is its position in the input.
    pub fn add(&mut self, seq: usize, text: &str, checked: &Checked) {
        self.add_findings(
            seq,
            text,
            &checked.summary,
            checked.findings.len(),
            checked.findings.iter().map(Cow::Borrowed),
        );
    }

    /// [`ReviewPage::add`] with the article's `total` findings given in offset order, of which
    /// only those shown are ever read, or held.
    pub fn add_findings<'f>(
        &mut self,
        seq: usize,
        text: &str,
        summary: &Summary,
        total: usize,
        findings: impl Iterator<Item = Cow<'f, Finding>>,
    ) {
        self.seen += 1;
        if self.cap == 0 {
            return;
        }
        let key = ((summary.score * 10.0).round() as i64, Reverse(seq));
        if self.kept.len() >= self.cap
            && self.kept.peek().is_some_and(|Reverse(min)| min.key >= key)
        {
            return;
        }
        self.kept.push(Reverse(Kept {
            key,
            article: page_article(text, summary, total, findings),
        }));
        if self.kept.len() > self.cap {
            self.kept.pop();
        }
    }

    /// Writes the page. `rules` gives the source phrase of lexicon findings; `boilerplate` is the
    /// run's discovered boilerplate.
    pub fn write(
        &self,
        w: &mut dyn Write,
        totals: &Totals,
        rules: &[Rule],
        boilerplate: &[Discovered],
    ) -> std::io::Result<()> {
        let mut articles: Vec<&Kept> = self.kept.iter().map(|Reverse(k)| k).collect();
        articles.sort_by_key(|k| Reverse(k.key));
        let articles: Vec<&PageArticle> = articles.into_iter().map(|k| &k.article).collect();
        let mut used = BTreeMap::new();
        for f in articles.iter().flat_map(|a| &a.findings) {
            if let Some(r) = rules.iter().find(|r| r.id == f.rule) {
                used.entry(r.id.as_str()).or_insert_with(|| RuleInfo {
                    summary: &r.summary,
                    lang: r.lang.as_deref(),
                    phrase: r.source.as_ref().map(|s| s.phrase.as_str()),
                    meaning: r.source.as_ref().map(|s| s.meaning.as_str()),
                });
            }
        }
        let data = PageData {
            version: env!("CARGO_PKG_VERSION"),
            totals,
            shown: articles.len(),
            articles,
            rules: used,
            boilerplate: boilerplate
                .iter()
                .take(MAX_BOILERPLATE)
                .map(|d| PageBoilerplate {
                    site: &d.site,
                    count: d.count,
                    site_articles: d.site_articles,
                    text: &d.text,
                })
                .collect(),
        };
        let json = serde_json::to_string(&data)?;
        write!(
            w,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
             <title>mtlint review</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
             <noscript><p class=\"noscript\">The review page needs JavaScript; the same \
             findings are in the CSV files next to this page.</p></noscript>\n\
             <script type=\"application/json\" id=\"mtlint-data\">{}</script>\n\
             <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
            script_json(&json)
        )
    }
}

fn page_article<'f>(
    text: &str,
    s: &Summary,
    total: usize,
    findings: impl Iterator<Item = Cow<'f, Finding>>,
) -> PageArticle {
    let mut cut = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let shown = &text[..cut];
    // In offset order: none past the shown text is read.
    let visible: Vec<_> = findings
        .take_while(|f| f.start <= cut)
        .filter(|f| f.end <= cut)
        .take(MAX_FINDINGS)
        .collect();
    // Byte offsets to UTF-16 offsets in one pass over the text, in offset order.
    let mut bounds: Vec<usize> = visible.iter().flat_map(|f| [f.start, f.end]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut utf16 = std::collections::HashMap::with_capacity(bounds.len());
    let (mut pos, mut units) = (0, 0);
    for b in bounds {
        units += shown[pos..b].encode_utf16().count();
        pos = b;
        utf16.insert(b, units);
    }
    PageArticle {
        id: s.article.clone(),
        title: s.title.clone(),
        url: s.url.clone(),
        path: s.path.clone(),
        score: s.score,
        verdict: s.verdict.as_str(),
        words: s.words,
        minor: s.minor,
        major: s.major,
        critical: s.critical,
        source_language: s.source_language.clone(),
        text: shown.to_string(),
        hidden: total.saturating_sub(visible.len()),
        findings: visible
            .into_iter()
            .map(|f| PageFinding {
                s: utf16.get(&f.start).copied().unwrap_or(0),
                e: utf16.get(&f.end).copied().unwrap_or(0),
                line: f.line,
                column: f.column,
                category: f.category.as_str(),
                rule: f.rule.clone(),
                severity: f.severity.as_str(),
                confidence: f64::from((f.confidence * 100.0).round()) / 100.0,
                span: f.span.clone(),
                suggestion: f.suggestion.clone(),
                explanation: f.explanation.clone(),
            })
            .collect(),
    }
}

/// JSON made safe inside a `<script>` element: no `<`, `>` or `&` at all (so no `</script>`,
/// `<!--` or `]]>`), and no U+2028/U+2029 line separators. JSON escapes them as `\uXXXX`, which
/// parse back to the same string.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Finding, Severity};
    use crate::score::{Summary, Verdict};

    fn checked(id: &str, score: f64, findings: Vec<Finding>) -> Checked {
        Checked {
            summary: Summary {
                article: id.into(),
                path: format!("{id}.txt"),
                words: 100,
                sentences: 5,
                findings: findings.len(),
                minor: 0,
                major: findings.len(),
                critical: 0,
                score,
                verdict: Verdict::Review,
                source_language: None,
                source_confidence: 0.0,
                title: Some("<b>T</b>".into()),
                url: None,
            },
            findings,
        }
    }

    fn finding(text: &str, span: &str) -> Finding {
        let start = text.find(span).unwrap();
        Finding {
            article: "a".into(),
            line: 1,
            column: 1,
            start,
            end: start + span.len(),
            category: Category::Typography,
            rule: "typography.unbalanced-quote".into(),
            severity: Severity::Major,
            confidence: 0.7,
            span: span.into(),
            suggestion: None,
            explanation: "x".into(),
            sentence: text.into(),
        }
    }

    #[test]
    fn script_json_cannot_end_the_script_element() {
        let cases = [
            (
                "</script><script>alert(1)</script>",
                "\\u003c/script\\u003e",
            ),
            ("<!-- x -->", "\\u003c!-- x --\\u003e"),
            ("a & b", "a \\u0026 b"),
            ("\u{2028}", "\\u2028"),
        ];
        for (text, want) in cases {
            let json = serde_json::to_string(text).unwrap();
            let safe = script_json(&json);
            assert!(safe.contains(want), "{safe}");
            assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
            assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), text);
        }
    }

    #[test]
    fn page_text_stays_data() {
        let text = "Price “rose” <script>alert(1)</script> \"><img src=x onerror=alert(1)>.";
        let f = finding(text, "<script>alert(1)</script>");
        let mut page = ReviewPage::new(10);
        page.add(0, text, &checked("a", 50.0, vec![f]));
        let mut html = Vec::new();
        page.write(&mut html, &Totals::default(), &[], &[]).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(!html.contains("<script>alert"), "raw markup leaked");
        assert!(!html.contains("<img"), "raw markup leaked");
        assert!(!html.contains("<b>T"), "raw markup leaked");
        assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        // UTF-16 offsets: the curly quotes are 3 bytes but 1 unit each.
        assert!(html.contains("\"s\":13,\"e\":38"), "{html}");
    }

    #[test]
    fn page_keeps_the_highest_scores_in_order() {
        let mut page = ReviewPage::new(2);
        for (i, score) in [3.0, 9.0, 1.0, 9.0, 5.0].into_iter().enumerate() {
            page.add(i, "text", &checked(&format!("a{i}"), score, Vec::new()));
        }
        let mut kept: Vec<&Kept> = page.kept.iter().map(|Reverse(k)| k).collect();
        kept.sort_by_key(|k| Reverse(k.key));
        let ids: Vec<&str> = kept.iter().map(|k| k.article.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a3"], "ties keep the earlier article first");
        assert_eq!(page.seen, 5);
    }

    #[test]
    fn long_texts_are_cut_and_hidden_findings_counted() {
        let text = format!("{} tail the the.", "é".repeat(MAX_TEXT_BYTES / 2 + 1));
        let f = finding(&text, "the the");
        let c = checked("a", 1.0, vec![f]);
        let a = page_article(&text, &c.summary, 1, c.findings.iter().map(Cow::Borrowed));
        assert!(a.text.len() <= MAX_TEXT_BYTES);
        assert_eq!((a.findings.len(), a.hidden), (0, 1));
    }

    #[test]
    fn findings_past_the_shown_ones_are_counted_and_never_read() {
        let text = "He saw the the end. ".repeat(MAX_FINDINGS + 10);
        let mut findings: Vec<Finding> = (0..MAX_FINDINGS + 10)
            .map(|i| {
                let mut f = finding(&text, "the the");
                f.start += i * 20;
                f.end += i * 20;
                f
            })
            .collect();
        let c = checked("a", 1.0, findings.clone());
        let a = page_article(
            &text,
            &c.summary,
            c.findings.len(),
            c.findings.iter().map(Cow::Borrowed),
        );
        assert_eq!((a.findings.len(), a.hidden), (MAX_FINDINGS, 10));
        assert_eq!(a.findings[MAX_FINDINGS - 1].s, (MAX_FINDINGS - 1) * 20 + 7);
        // A huge article's findings: those past the shown text are not even rendered.
        let long = format!("{text}{}", " the the".repeat(MAX_TEXT_BYTES / 8 + 1));
        let past = finding(&long, "the the");
        findings.truncate(3);
        let total = findings.len() + 1_000_000;
        let rendered = std::cell::Cell::new(0);
        let shown = findings.iter().map(Cow::Borrowed).chain(
            std::iter::repeat_with(|| {
                rendered.set(rendered.get() + 1);
                let mut f = past.clone();
                f.start = MAX_TEXT_BYTES + 1;
                f.end = f.start + 7;
                Cow::Owned(f)
            })
            .take(1_000_000),
        );
        let a = page_article(&long, &c.summary, total, shown);
        assert_eq!((a.findings.len(), a.hidden), (3, 1_000_000));
        assert_eq!(
            rendered.get(),
            1,
            "only the first finding past the text is looked at"
        );
    }
}
