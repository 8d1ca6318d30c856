//! Scoring: severity-weighted points per 1,000 words (MQM weights 1, 5, 10), and a verdict.

use crate::detect::Hit;
use crate::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};

/// Articles shorter than this count as this long, so one flag in a two-line item does not
/// outrank a whole machine-translated article.
pub const MIN_SCORED_WORDS: usize = 200;

/// What an editor should do with an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Fail => "fail",
        }
    }
}

/// Score thresholds for the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Score at or above which an article needs review (or any major finding).
    pub review: f64,
    /// Score at or above which an article fails (or any critical finding).
    pub fail: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            review: 5.0,
            fail: 20.0,
        }
    }
}

/// Per-article totals: a row of `summary.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub article: String,
    pub path: String,
    pub words: usize,
    pub sentences: usize,
    pub findings: usize,
    pub minor: usize,
    pub major: usize,
    pub critical: usize,
    /// Penalty points per 1,000 words.
    pub score: f64,
    pub verdict: Verdict,
    /// Guessed (or given) source language, when there is evidence.
    pub source_language: Option<String>,
    /// 0–1.
    pub source_confidence: f64,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// Scores an article's findings.
pub fn summarise(
    article: &str,
    path: &str,
    words: usize,
    sentences: usize,
    findings: &[Finding],
    thresholds: &Thresholds,
) -> Summary {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (minor, major, critical) = (
        count(Severity::Minor),
        count(Severity::Major),
        count(Severity::Critical),
    );
    let points: u32 = findings.iter().map(|f| f.severity.weight()).sum();
    let score = f64::from(points) * 1000.0 / words.max(MIN_SCORED_WORDS) as f64;
    let score = (score * 10.0).round() / 10.0;
    let verdict = if critical > 0 || score >= thresholds.fail {
        Verdict::Fail
    } else if major > 0 || score >= thresholds.review {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    Summary {
        article: article.to_string(),
        path: path.to_string(),
        words,
        sentences,
        findings: findings.len(),
        minor,
        major,
        critical,
        score,
        verdict,
        source_language: None,
        source_confidence: 0.0,
        title: None,
        url: None,
    }
}

/// The source language an article was most likely translated from.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageGuess {
    pub lang: Option<String>,
    /// 0–1: the winning language's share of the evidence, discounted when evidence is thin.
    pub confidence: f64,
    /// The evidence is strong enough to silence other languages' entries.
    pub clear: bool,
}

/// Weight of one distinct word that is far more common in a language than in English (a name
/// like "Rutte", a word like "Vlaams"): weak evidence alone, decisive in numbers.
const EVIDENCE_WEIGHT: f64 = 0.25;

/// Guesses the source language from which language-specific entries fired, which foreign words
/// remain, and `evidence` (distinct source-language words per language of
/// [`crate::lexicon::foreign::LANGUAGES`]): each hit counts its confidence, a repeated
/// untranslated word counts once.
pub fn guess_language<H: std::borrow::Borrow<Hit>>(
    hits: impl IntoIterator<Item = H>,
    evidence: &[usize],
) -> LanguageGuess {
    // Owned names: a hit given by value lives for one turn of the loop.
    let mut scores: Vec<(String, f64)> = crate::lexicon::foreign::LANGUAGES
        .iter()
        .zip(evidence)
        .filter(|(_, n)| **n > 0)
        .map(|(l, n)| (l.to_string(), *n as f64 * EVIDENCE_WEIGHT))
        .collect();
    let mut seen_words: Vec<(String, usize, usize)> = Vec::new();
    for h in hits {
        let h = h.borrow();
        let Some(lang) = h.lang.as_deref() else {
            continue;
        };
        if h.category == crate::finding::Category::Untranslated {
            if seen_words
                .iter()
                .any(|(l, s, e)| l == lang && *s == h.start && *e == h.end)
            {
                continue;
            }
            seen_words.push((lang.to_string(), h.start, h.end));
        }
        match scores.iter_mut().find(|(l, _)| l == lang) {
            Some((_, s)) => *s += f64::from(h.confidence),
            None => scores.push((lang.to_string(), f64::from(h.confidence))),
        }
    }
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: f64 = scores.iter().map(|(_, s)| s).sum();
    match scores.first() {
        Some((lang, top)) => {
            let (lang, top) = (lang.clone(), *top);
            let second = scores.get(1).map_or(0.0, |s| s.1);
            LanguageGuess {
                lang: Some(lang),
                confidence: ((top / (total + 1.0)) * 100.0).round() / 100.0,
                clear: top >= 1.5 && top >= 2.0 * second,
            }
        }
        None => LanguageGuess {
            lang: None,
            confidence: 0.0,
            clear: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;

    fn finding(severity: Severity) -> Finding {
        Finding {
            article: "a".into(),
            line: 1,
            column: 1,
            start: 0,
            end: 1,
            category: Category::Typography,
            rule: "r".into(),
            severity,
            confidence: 0.5,
            span: "x".into(),
            suggestion: None,
            explanation: "e".into(),
            sentence: "x".into(),
        }
    }

    fn hit(lang: &str, category: Category, confidence: f32, start: usize) -> Hit {
        Hit {
            start,
            end: start + 3,
            category,
            rule: "r".into(),
            severity: Severity::Minor,
            confidence,
            explanation: String::new(),
            suggestion: None,
            lang: Some(lang.into()),
        }
    }

    #[test]
    fn language_guess() {
        let none = guess_language(&[], &[0, 0, 0, 0]);
        assert_eq!((none.lang, none.clear), (None, false));
        // One Dutch calque against one German one: a lead, not enough to silence German entries.
        let hits = [
            hit("nl", Category::Calque, 0.8, 0),
            hit("de", Category::Calque, 0.6, 20),
        ];
        let g = guess_language(&hits, &[0, 0, 0, 0]);
        assert_eq!((g.lang.as_deref(), g.clear), (Some("nl"), false));
        // Four Dutch names settle it.
        let g = guess_language(&hits, &[4, 0, 0, 0]);
        assert_eq!((g.lang.as_deref(), g.clear), (Some("nl"), true));
        // Names and words alone can decide: six distinct German words.
        let g = guess_language(&[], &[0, 6, 0, 0]);
        assert_eq!(
            (g.lang.as_deref(), g.clear, g.confidence),
            (Some("de"), true, 0.6)
        );
        // One untranslated word repeated counts once.
        let same = [
            hit("fr", Category::Untranslated, 0.85, 5),
            hit("fr", Category::Untranslated, 0.85, 5),
        ];
        assert_eq!(guess_language(&same, &[0, 0, 0, 0]).confidence, 0.46);
    }

    #[test]
    fn score_and_verdict() {
        let t = Thresholds::default();
        let cases: &[(&[Severity], usize, f64, Verdict)] = &[
            (&[], 500, 0.0, Verdict::Pass),
            (&[Severity::Minor], 500, 2.0, Verdict::Pass),
            (&[Severity::Minor; 3], 500, 6.0, Verdict::Review),
            (&[Severity::Major], 1000, 5.0, Verdict::Review),
            (
                &[Severity::Major, Severity::Major, Severity::Minor],
                500,
                22.0,
                Verdict::Fail,
            ),
            (&[Severity::Critical], 5000, 2.0, Verdict::Fail),
            (&[Severity::Minor], 10, 5.0, Verdict::Review),
            (&[], 0, 0.0, Verdict::Pass),
        ];
        for (sevs, words, score, verdict) in cases {
            let f: Vec<Finding> = sevs.iter().map(|&s| finding(s)).collect();
            let s = summarise("a", "a.txt", *words, 1, &f, &t);
            assert_eq!(
                (s.score, s.verdict),
                (*score, *verdict),
                "{sevs:?} in {words} words"
            );
        }
    }
}
