//! Runs the pipeline on one article: segment, detect, map hits back to the original text, score.
//!
//! ```
//! use mtlint::check::{Checker, Selection};
//! use mtlint::detect::Resources;
//! use mtlint::ingest::Article;
//! let resources = Resources::load(&[]).unwrap();
//! let checker = Checker::new(&resources, Selection::default(), Default::default());
//! let article = Article { id: "a".into(), text: "The economy creaks and creaks.".into(), ..Default::default() };
//! let checked = checker.check(&article, "a");
//! assert_eq!(checked.findings[0].span, "creaks and creaks");
//! assert_eq!((checked.findings[0].line, checked.findings[0].column), (1, 13));
//! ```

use crate::baseline::Baseline;
use crate::detect::fidelity::{SourcePhrases, confirm};
use crate::detect::{Aligned, DETECTOR_IDS, Detector, Hit, Resources, registry};
use crate::error::{Error, Result};
use crate::finding::{Category, Finding, Severity};
use crate::ingest::Article;
use crate::score::{LanguageGuess, Summary, Thresholds, guess_language, summarise};
use crate::segment::Document;
use crate::suppress::{Suppressions, names};
use crate::window::{Lean, is_huge};

/// An article with more hits than this keeps its findings compact (see [`Lean`]).
const MANY_FINDINGS: usize = 10_000;

/// A sentence longer than this is shown as a window around the span.
const MAX_SENTENCE_BYTES: usize = 600;

/// Which detectors, categories or rules to run (`--only`) and not to run (`--skip`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    only: Vec<String>,
    skip: Vec<String>,
}

impl Selection {
    /// Validates comma-separated lists of detector ids, categories and rule ids. An unknown name
    /// is an error that suggests the closest known one.
    pub fn parse(only: &[String], skip: &[String]) -> Result<Selection> {
        let split = |items: &[String]| -> Result<Vec<String>> {
            let mut out = Vec::new();
            for item in items.iter().flat_map(|s| s.split(',')) {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                validate(item)?;
                out.push(item.to_string());
            }
            Ok(out)
        };
        Ok(Selection {
            only: split(only)?,
            skip: split(skip)?,
        })
    }

    fn runs(&self, d: &dyn Detector) -> bool {
        let mentions = |item: &str| {
            names_or_under(item, d.id())
                || d.categories()
                    .iter()
                    .any(|c| names_or_under(item, c.as_str()))
        };
        let named = self.only.iter().any(|i| mentions(i));
        !self.skip.iter().any(|s| s == d.id())
            && (named || (self.only.is_empty() && !d.experimental()))
    }

    pub(crate) fn keeps(&self, detector: &str, hit: &Hit) -> bool {
        self.keeps_rule(detector, hit.category, &hit.rule)
    }

    pub(crate) fn keeps_rule(&self, detector: &str, category: Category, rule: &str) -> bool {
        // Called for every hit: no string is built.
        let matches = |item: &String| {
            item == detector || item == category.as_str() || names_or_under(rule, item)
        };
        !self.skip.iter().any(matches) && (self.only.is_empty() || self.only.iter().any(matches))
    }
}

/// Whether `name` is `prefix` or lies under it (`prefix.` followed by more).
fn names_or_under(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Checks that a name is a detector, a category or a rule id under one.
pub fn validate(item: &str) -> Result<()> {
    let mut known: Vec<&str> = DETECTOR_IDS.to_vec();
    known.extend(Category::ALL.iter().map(|c| c.as_str()));
    let mut seen = std::collections::HashSet::new();
    known.retain(|k| seen.insert(*k));
    let head = item.split('.').next().unwrap_or(item);
    if known.contains(&head) {
        return Ok(());
    }
    let closest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(k, head), *k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.7)
        .map(|(_, k)| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "unknown detector, category or rule '{item}'{closest}; known: {}",
        known.join(", ")
    )))
}

/// The result of checking one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub summary: Summary,
    /// Sorted by position.
    pub findings: Vec<Finding>,
}

/// Which source language's lexicon entries may fire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SourceLang {
    /// Guess per article; once the evidence is clear, entries of other languages are dropped.
    #[default]
    Auto,
    /// Only entries of this language (and `any`).
    Fixed(String),
}

impl SourceLang {
    /// An error if a fixed language has no entry in `lexicon`: every calque entry would be
    /// silently dropped ("xx", or "pt" without a `pt-en` lexicon directory).
    pub fn check(&self, lexicon: &crate::lexicon::entry::Lexicon) -> Result<()> {
        let SourceLang::Fixed(lang) = self else {
            return Ok(());
        };
        let mut known: Vec<&str> = lexicon
            .entries()
            .iter()
            .map(|e| e.lang.as_str())
            .filter(|l| *l != "any")
            .collect();
        known.sort_unstable();
        known.dedup();
        if known.contains(&lang.as_str()) {
            return Ok(());
        }
        Err(Error::Usage(format!(
            "no lexicon entries for source language '{lang}'; the lexicons have {} (add DIR/{lang}-en/*.csv with --lexicon)",
            known.join(", ")
        )))
    }
}

/// What happens to findings after detection, before scoring: severity overrides, a confidence
/// floor, house-style phrases, inline suppression and the baseline.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// (rule, detector or category, severity); the last match wins.
    pub severity: Vec<(String, Severity)>,
    /// Findings less confident than this are dropped.
    pub min_confidence: f32,
    /// Accepted phrases: a finding whose span lies inside one is dropped (case-insensitive).
    pub accept: Vec<String>,
    /// Only findings not in the baseline are kept.
    pub baseline: Option<Baseline>,
}

impl Policy {
    fn apply(&self, doc: &Document, mut findings: Vec<Finding>) -> Vec<Finding> {
        for f in &mut findings {
            if let Some((_, s)) = self.severity.iter().rev().find(|(n, _)| names(n, f)) {
                f.severity = *s;
            }
        }
        findings.retain(|f| f.confidence >= self.min_confidence);
        if !self.accept.is_empty() {
            let accepted = self.accepted_ranges(doc);
            findings.retain(|f| !accepted.iter().any(|&(s, e)| s <= f.start && f.end <= e));
        }
        let suppressions = Suppressions::scan(doc.original);
        findings.retain(|f| !suppressions.covers(f));
        match &self.baseline {
            Some(b) => b.new_findings(findings),
            None => findings,
        }
    }

    /// Original byte ranges of the accepted phrases, matched on normalised lowercase text.
    pub(crate) fn accepted_ranges(&self, doc: &Document) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for phrase in &self.accept {
            let phrase = crate::normalise::normalise(phrase.trim()).folded;
            if phrase.is_empty() {
                continue;
            }
            for (i, m) in doc.norm.folded.match_indices(&phrase) {
                out.push(doc.original_span(i, i + m.len()));
            }
        }
        out
    }
}

/// The detectors, compiled once and shared by all threads.
pub struct Checker {
    pub(crate) detectors: Vec<Box<dyn Detector>>,
    pub(crate) foreign: std::sync::Arc<crate::lexicon::foreign::ForeignWords>,
    pub(crate) selection: Selection,
    pub(crate) thresholds: Thresholds,
    pub(crate) source_lang: SourceLang,
    pub(crate) policy: Policy,
    /// The lexicon, whose source phrases confirm findings against a bilingual input's source.
    lexicon: std::sync::Arc<crate::lexicon::entry::Lexicon>,
    /// Those phrases, parsed on the first bilingual article so other runs never pay for them.
    phrases: std::sync::OnceLock<SourcePhrases>,
}

impl Checker {
    pub fn new(resources: &Resources, selection: Selection, thresholds: Thresholds) -> Checker {
        let detectors = registry(resources)
            .into_iter()
            .filter(|d| selection.runs(d.as_ref()))
            .collect();
        Checker {
            detectors,
            foreign: resources.foreign.clone(),
            selection,
            thresholds,
            source_lang: SourceLang::Auto,
            policy: Policy::default(),
            lexicon: resources.lexicon.clone(),
            phrases: std::sync::OnceLock::new(),
        }
    }

    /// Sets what happens to findings before scoring (default: nothing).
    pub fn with_policy(mut self, policy: Policy) -> Checker {
        self.policy = policy;
        self
    }

    /// Restricts or guesses the source language (default: guess).
    pub fn with_source_lang(mut self, lang: SourceLang) -> Checker {
        self.source_lang = lang;
        self
    }

    /// Ids of the detectors that run.
    pub fn detector_ids(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.id()).collect()
    }

    /// Checks one article; `id` is the (unique) id to report it under.
    pub fn check(&self, article: &Article, id: &str) -> Checked {
        self.check_with(article, id, Vec::new())
    }

    /// Checks one article with findings found outside it (discovered site boilerplate): they go
    /// through the same policy and count in the score. One overlapping a finding of the same
    /// category is dropped.
    ///
    /// A huge article ([`is_huge`]) is checked in windows (see [`crate::window`]).
    pub fn check_with(&self, article: &Article, id: &str, extra: Vec<Finding>) -> Checked {
        // All rendered here anyway: the compact findings stay in memory too (no temporary file,
        // so nothing can fail).
        match self.check_lean_with(article, id, extra, usize::MAX) {
            (checked, None) => checked,
            (Checked { summary, .. }, Some(lean)) => Checked {
                summary,
                findings: lean.iter(&article.text).collect(),
            },
        }
    }

    /// [`Checker::check_with`], with the findings of a huge article kept compact: then
    /// `findings` is empty and the [`Lean`] renders them one at a time from the article text.
    /// Past a cap (65,536) they are kept in a temporary file, whose errors [`Lean::status`]
    /// tells.
    pub fn check_lean(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
    ) -> (Checked, Option<Lean>) {
        self.check_lean_with(article, id, extra, crate::spill::CAP)
    }

    /// [`Checker::check_lean`] with at most `cap` compact findings in memory.
    fn check_lean_with(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
        cap: usize,
    ) -> (Checked, Option<Lean>) {
        // Bilingual input keeps its segments' alignment whole.
        if article.segments.is_empty() && is_huge(&article.text) {
            let (summary, lean) = self.check_windowed(article, id, extra, cap);
            let checked = Checked {
                summary,
                findings: Vec::new(),
            };
            return (checked, Some(lean));
        }
        match self.check_whole(article, id, extra) {
            Ok(checked) => (checked, None),
            // So many findings that their rendered sentences would dwarf the article (100,000
            // stray quotation marks): checked in windows and kept compact, as a huge article.
            Err(extra) => {
                let (summary, lean) = self.check_windowed(article, id, extra, cap);
                let checked = Checked {
                    summary,
                    findings: Vec::new(),
                };
                (checked, Some(lean))
            }
        }
    }

    /// The feed-level findings (`extra`) the selection keeps that no finding of the same
    /// category in `covered` (category, start, end) overlaps.
    pub(crate) fn fresh_extra(
        &self,
        extra: Vec<Finding>,
        covered: impl Iterator<Item = (Category, usize, usize)>,
    ) -> Vec<Finding> {
        let covered = Spans::new(covered);
        extra
            .into_iter()
            .filter(|e| {
                let detector = e.rule.split('.').next().unwrap_or_default();
                self.selection.keeps_rule(detector, e.category, &e.rule)
                    && !covered.overlaps(e.category, e.start, e.end)
            })
            .collect()
    }

    /// The article in one piece; `Err` gives `extra` back when a monolingual article has more
    /// than [`MANY_FINDINGS`] hits.
    fn check_whole(
        &self,
        article: &Article,
        id: &str,
        extra: Vec<Finding>,
    ) -> std::result::Result<Checked, Vec<Finding>> {
        let doc = Document::new(&article.text);
        let aligned: Vec<Aligned<'_>> = article
            .segments
            .iter()
            .map(|s| Aligned {
                start: doc.norm.map.to_norm(s.target.start),
                end: doc.norm.map.to_norm(s.target.end),
                source: &s.source,
                lang: article.source_lang.as_deref(),
            })
            .collect();
        let mut hits: Vec<Hit> = Vec::new();
        for d in &self.detectors {
            let mut found = d.check(&doc);
            if !aligned.is_empty() {
                found.extend(d.check_aligned(&doc, &aligned));
            }
            hits.extend(
                found
                    .into_iter()
                    .filter(|h| self.selection.keeps(d.id(), h)),
            );
            // Decided as soon as it is clear: the hits of the detectors still to run would only
            // add to the peak memory of a check that is thrown away.
            if hits.len() > MANY_FINDINGS && aligned.is_empty() {
                return Err(extra);
            }
        }
        let evidence = self.foreign.evidence(&doc);
        let guess = guess_language(&hits, &evidence);
        // A language the input states (XLIFF, TMX) replaces the guess.
        let source_lang = match (&self.source_lang, &article.source_lang) {
            (SourceLang::Auto, Some(l)) => SourceLang::Fixed(l.clone()),
            (s, _) => s.clone(),
        };
        gate_languages(&mut hits, &source_lang, &guess);
        if !aligned.is_empty() {
            let phrases = self
                .phrases
                .get_or_init(|| SourcePhrases::new(&self.lexicon));
            confirm(&mut hits, &aligned, phrases);
        }
        let mut findings = to_findings(&doc, id, hits);
        if !extra.is_empty() {
            let fresh =
                self.fresh_extra(extra, findings.iter().map(|f| (f.category, f.start, f.end)));
            findings.extend(fresh);
            findings.sort_by(|a, b| {
                (a.start, b.severity, a.end, &a.rule).cmp(&(b.start, a.severity, b.end, &b.rule))
            });
        }
        let findings = self.policy.apply(&doc, findings);
        let mut summary = summarise(
            id,
            &article.path,
            doc.word_count(),
            doc.sentences.len(),
            &findings,
            &self.thresholds,
        );
        summary.title = article.title.clone();
        summary.url = article.url.clone();
        summary.source_language = match &source_lang {
            SourceLang::Fixed(l) => Some(l.clone()),
            SourceLang::Auto => guess.lang.clone(),
        };
        summary.source_confidence = match &source_lang {
            SourceLang::Fixed(_) => 1.0,
            SourceLang::Auto => guess.confidence,
        };
        Ok(Checked { summary, findings })
    }
}

/// Drops language-specific hits of other languages (all of them for a fixed language; for a
/// guess, only once it is clear), and keeps one hit where entries of several languages matched
/// the same words.
fn gate_languages(hits: &mut Vec<Hit>, source: &SourceLang, guess: &LanguageGuess) {
    let keep: Option<&str> = match source {
        SourceLang::Fixed(l) => Some(l),
        SourceLang::Auto if guess.clear => guess.lang.as_deref(),
        SourceLang::Auto => None,
    };
    if let Some(keep) = keep {
        hits.retain(|h| h.lang.as_deref().is_none_or(|l| l == keep));
    }
    let preferred = guess.lang.as_deref();
    hits.sort_by(|a, b| {
        (
            a.start,
            a.end,
            a.lang.is_none(),
            a.lang.as_deref() != preferred,
        )
            .cmp(&(
                b.start,
                b.end,
                b.lang.is_none(),
                b.lang.as_deref() != preferred,
            ))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    hits.dedup_by(|later, kept| {
        later.lang.is_some()
            && kept.lang.is_some()
            && later.start == kept.start
            && later.end == kept.end
    });
}

/// Maps hits back to the original text, adds line, column and sentence; sorted, deduplicated.
fn to_findings(doc: &Document, article: &str, mut hits: Vec<Hit>) -> Vec<Finding> {
    hits.sort_by(|a, b| {
        (a.start, b.severity, a.end, &a.rule).cmp(&(b.start, a.severity, b.end, &b.rule))
    });
    hits.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.rule == b.rule);
    let original = doc.original;
    let mut columns = Columns::new(doc);
    let mut out = Vec::with_capacity(hits.len());
    for h in hits {
        let (start, end) = doc.original_span(h.start, h.end);
        let (line_idx, col) = columns.at(start);
        out.push(Finding {
            article: article.to_string(),
            line: line_idx + 1,
            column: col,
            start,
            end,
            category: h.category,
            rule: h.rule,
            severity: h.severity,
            confidence: (h.confidence * 100.0).round() / 100.0,
            span: original[start..end].to_string(),
            suggestion: h.suggestion,
            explanation: h.explanation,
            sentence: context_range(doc, h.start, h.end).render(original),
        });
    }
    out
}

/// Where a finding's sentence context lies in the original text, rendered when written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Context {
    pub start: usize,
    pub end: usize,
    /// Cut at the start or end: shown with "…".
    pub cut_start: bool,
    pub cut_end: bool,
}

impl Context {
    pub fn render(&self, text: &str) -> String {
        // Pushed into one exact allocation (rendered for every finding).
        let (before, after) = (
            if self.cut_start { "…" } else { "" },
            if self.cut_end { "…" } else { "" },
        );
        let sentence = &text[self.start..self.end];
        let mut out = String::with_capacity(before.len() + sentence.len() + after.len());
        out.push_str(before);
        out.push_str(sentence);
        out.push_str(after);
        out
    }
}

/// The original text of the sentences a normalised range touches, or a window around the range
/// when that is very long.
pub(crate) fn context_range(doc: &Document, start: usize, end: usize) -> Context {
    let first = doc
        .sentence_at(start)
        .map_or(start, |i| doc.sentences[i].start);
    let last = doc
        .sentence_at(end.saturating_sub(1).max(start))
        .map_or(end, |i| doc.sentences[i].end.max(end));
    let (s, e) = doc.original_span(first.min(start), last.max(end));
    let (span_s, span_e) = doc.original_span(start, end);
    let text = doc.original;
    if e - s <= MAX_SENTENCE_BYTES {
        return Context {
            start: s,
            end: e,
            cut_start: false,
            cut_end: false,
        };
    }
    let margin = MAX_SENTENCE_BYTES / 2;
    let mut ws = span_s.saturating_sub(margin).max(s);
    while !text.is_char_boundary(ws) {
        ws -= 1;
    }
    let mut we = (span_e.min(span_s + margin) + margin).min(e);
    while !text.is_char_boundary(we) {
        we += 1;
    }
    Context {
        start: ws,
        end: we,
        cut_start: ws > s,
        cut_end: we < e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_source_language_needs_lexicon_entries() {
        let lexicon = crate::lexicon::entry::Lexicon::embedded().unwrap();
        for (lang, ok) in [
            (SourceLang::Auto, true),
            (SourceLang::Fixed("nl".into()), true),
            (SourceLang::Fixed("it".into()), true),
            (SourceLang::Fixed("xx".into()), false),
            (SourceLang::Fixed("any".into()), false),
        ] {
            let got = lang.check(&lexicon);
            assert_eq!(got.is_ok(), ok, "{lang:?}: {got:?}");
            if let Err(e) = got {
                assert!(
                    e.to_string()
                        .contains("; the lexicons have de, es, fr, it, nl (add DIR/"),
                    "{e}"
                );
            }
        }
    }

    fn check(text: &str, only: &[&str], skip: &[&str]) -> Vec<Finding> {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let sel = Selection::parse(&own(only), &own(skip)).unwrap();
        let article = Article {
            text: text.into(),
            ..Default::default()
        };
        static RES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        let res = RES.get_or_init(|| Resources::load(&[]).unwrap());
        Checker::new(res, sel, Thresholds::default())
            .check(&article, "a")
            .findings
    }

    #[test]
    fn offsets_lines_and_columns_point_into_the_original() {
        let text = "\u{FEFF}Title line\r\n“Quoted” café—and the the end.\r\nIt creaks and creaks.";
        let f = check(text, &[], &[]);
        let got: Vec<(usize, usize, &str)> = f
            .iter()
            .map(|f| (f.line, f.column, f.span.as_str()))
            .collect();
        assert_eq!(got, [(2, 19, "the the"), (3, 4, "creaks and creaks")]);
        for x in &f {
            assert_eq!(&text[x.start..x.end], x.span);
        }
    }

    #[test]
    fn only_and_skip_filter_by_detector_category_and_rule() {
        let text = "The the economy creaks and creaks.\nHe said “no.";
        let rules = |f: Vec<Finding>| f.into_iter().map(|f| f.rule).collect::<Vec<_>>();
        assert_eq!(
            rules(check(text, &["typography"], &[])),
            ["typography.unbalanced-quote"]
        );
        assert_eq!(
            rules(check(text, &["repetition.doubled-word"], &[])),
            ["repetition.doubled-word"]
        );
        assert_eq!(
            rules(check(text, &[], &["repetition,typography"])),
            Vec::<String>::new()
        );
        assert_eq!(
            rules(check(text, &["repetition"], &["repetition.reduplication"])),
            ["repetition.doubled-word"]
        );
    }

    #[test]
    fn names_lie_under_whole_dotted_prefixes() {
        for (name, prefix, want) in [
            ("typography", "typography", true),
            ("typography.unbalanced-quote", "typography", true),
            ("typography.", "typography", true),
            ("typographyx", "typography", false),
            ("typo", "typography", false),
            ("calque.nl.x", "calque.nl", true),
            ("calque.nlx", "calque.nl", false),
            ("", "typography", false),
        ] {
            assert_eq!(names_or_under(name, prefix), want, "{name} under {prefix}");
        }
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let e = Selection::parse(&["typograhpy".into()], &[]).unwrap_err();
        assert!(e.to_string().contains("did you mean 'typography'"), "{e}");
    }

    #[test]
    fn long_sentences_are_windowed() {
        let filler = |n: usize| (0..n).map(|i| format!("w{i} ")).collect::<String>();
        let text = format!("{} the the {}.", filler(500), filler(500));
        let f = check(&text, &["repetition"], &[]);
        assert!(f[0].sentence.len() < 700 && f[0].sentence.contains("the the"));
        assert!(f[0].sentence.starts_with('…') && f[0].sentence.ends_with('…'));
    }

    #[test]
    fn policy_overrides_filters_and_accepts_before_scoring() {
        static RES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        let res = RES.get_or_init(|| Resources::load(&[]).unwrap());
        let article = Article {
            text: "The the economy “Creaks and creaks”.\n".into(),
            ..Default::default()
        };
        let checked = |policy: Policy| {
            let c = Checker::new(res, Selection::default(), Thresholds::default())
                .with_policy(policy)
                .check(&article, "a");
            let rules = c
                .findings
                .iter()
                .map(|f| (f.rule.clone(), f.severity))
                .collect::<Vec<_>>();
            (rules, c.summary.major)
        };
        let (all, _) = checked(Policy::default());
        assert_eq!(all.len(), 2, "{all:?}");
        let (raised, major) = checked(Policy {
            severity: vec![
                ("repetition".into(), Severity::Major),
                ("repetition.doubled-word".into(), Severity::Critical),
            ],
            ..Policy::default()
        });
        assert_eq!(raised[0].1, Severity::Critical);
        assert_eq!((raised[1].1, major), (Severity::Major, 1));
        let (confident, _) = checked(Policy {
            min_confidence: 0.8,
            ..Policy::default()
        });
        assert_eq!(
            confident,
            [("repetition.doubled-word".into(), Severity::Minor)]
        );
        // Case and curly quotes do not matter to accepted phrases.
        let (accepted, _) = checked(Policy {
            accept: vec!["CREAKS AND CREAKS".into()],
            ..Policy::default()
        });
        assert_eq!(
            accepted,
            [("repetition.doubled-word".into(), Severity::Minor)]
        );
    }
}

/// Line index and column (characters from 1) of offsets of the original text, asked in
/// increasing order: many findings on one huge line cost one pass over it, not one pass each.
pub(crate) struct Columns<'a> {
    original: &'a str,
    lines: &'a [usize],
    line: usize,
    pos: usize,
    col: usize,
}

impl<'a> Columns<'a> {
    pub(crate) fn new(doc: &'a Document) -> Columns<'a> {
        Columns {
            original: doc.original,
            lines: doc.line_starts(),
            line: 0,
            pos: 0,
            col: 1,
        }
    }

    /// The 0-based line and 1-based column of `start` (not before the previous one asked).
    pub(crate) fn at(&mut self, start: usize) -> (usize, usize) {
        while self.line + 1 < self.lines.len() && self.lines[self.line + 1] <= start {
            self.line += 1;
            (self.pos, self.col) = (self.lines[self.line], 1);
        }
        if self.pos < self.lines[self.line] {
            (self.pos, self.col) = (self.lines[self.line], 1);
        }
        self.col += self.original[self.pos..start].chars().count();
        self.pos = start;
        (self.line, self.col)
    }
}

/// The spans of an article's findings by category, for asking in O(log n) whether a new span
/// overlaps one of them (a feed's boilerplate findings can number in the tens of thousands).
struct Spans {
    /// Per category: spans sorted by start, with the largest end so far.
    by_category: Vec<(Category, Vec<(usize, usize)>)>,
}

impl Spans {
    fn new(spans: impl Iterator<Item = (Category, usize, usize)>) -> Spans {
        let mut by_category: Vec<(Category, Vec<(usize, usize)>)> = Vec::new();
        for (c, start, end) in spans {
            match by_category.iter_mut().find(|(k, _)| *k == c) {
                Some((_, v)) => v.push((start, end)),
                None => by_category.push((c, vec![(start, end)])),
            }
        }
        for (_, v) in &mut by_category {
            v.sort_unstable();
            let mut max_end = 0;
            for span in v.iter_mut() {
                max_end = max_end.max(span.1);
                span.1 = max_end;
            }
        }
        Spans { by_category }
    }

    /// Whether a span of `category` overlaps `start..end`.
    fn overlaps(&self, category: Category, start: usize, end: usize) -> bool {
        let Some((_, v)) = self.by_category.iter().find(|(k, _)| *k == category) else {
            return false;
        };
        let before = v.partition_point(|&(s, _)| s < end);
        before > 0 && v[before - 1].1 > start
    }
}

#[cfg(test)]
mod spans_tests {
    use super::*;

    #[test]
    fn overlap_agrees_with_a_scan() {
        let spans = [
            (Category::Duplicate, 10, 20),
            (Category::Duplicate, 12, 14),
            (Category::Boilerplate, 30, 40),
            (Category::Duplicate, 50, 90),
        ];
        let index = Spans::new(spans.iter().copied());
        for c in [
            Category::Duplicate,
            Category::Boilerplate,
            Category::Typography,
        ] {
            for start in 0..100 {
                for end in start + 1..101 {
                    let scan = spans
                        .iter()
                        .any(|&(k, s, e)| k == c && s < end && start < e);
                    assert_eq!(index.overlaps(c, start, end), scan, "{c:?} {start}..{end}");
                }
            }
        }
    }
}
