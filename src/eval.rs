//! `mtlint eval`: recall against labelled machine translation, and false positives per 1,000
//! words of native English. The numbers every detection change is judged by.
//!
//! Labels are CSV with a `span` column (exact text; `\n` for a newline) and a `category`, plus
//! either `article` (the article id, i.e. file stem: the dev-set format, every occurrence counts)
//! or `occurrence` (1 = first time the span appears: the seed format, the labels file names its
//! article, `xi.labels.csv` → `xi`).

use crate::check::{Checked, Checker};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::ingest::{Article, Articles, InputFormat, expand};
use crate::report::IdAllocator;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One labelled artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The line of the labels file it is on, for messages.
    pub line: u64,
    pub article: Option<String>,
    pub span: String,
    pub occurrence: Option<usize>,
    pub category: String,
}

#[derive(Debug, serde::Deserialize)]
struct LabelRow {
    article: Option<String>,
    span: String,
    occurrence: Option<usize>,
    category: String,
}

/// Reads a labels file.
pub fn load_labels(path: &Path) -> Result<Vec<Label>> {
    let text = crate::ingest::read_text(path)?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| Error::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let mut labels = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let row: LabelRow = record.deserialize(Some(&headers)).map_err(|e| Error::Csv {
            path: path.to_path_buf(),
            line,
            message: e.to_string(),
        })?;
        labels.push(Label {
            line,
            article: row.article.filter(|a| !a.is_empty()),
            span: row.span.replace("\\n", "\n"),
            occurrence: row.occurrence,
            category: row.category,
        });
    }
    Ok(labels)
}

/// Does a finding cover a labelled range? They must overlap by at least half of the shorter one,
/// and the finding must not be far larger than the label (a whole-paragraph duplicate finding
/// does not "find" a calque inside it).
fn covers(f: &Finding, (ls, le): (usize, usize)) -> bool {
    let inter = f.end.min(le).saturating_sub(f.start.max(ls));
    let (flen, llen) = (f.end - f.start, le - ls);
    inter > 0 && 2 * inter >= flen.min(llen) && flen <= 4 * llen + 40
}

/// Recall for one category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recall {
    pub labels: usize,
    pub found: usize,
}

/// Findings of one rule on native text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NativeRule {
    pub count: usize,
    pub examples: Vec<String>,
}

/// Everything `mtlint eval` measured.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub recall: BTreeMap<String, Recall>,
    /// Labels not found: (article, category, span).
    pub missed: Vec<(String, String, String)>,
    /// Labels whose span (or the occurrence of it they name) is not in the article: (line of
    /// the labels file, article, span, occurrence).
    pub unlocated: Vec<(u64, String, String, Option<usize>)>,
    pub labelled_articles: usize,
    pub findings_on_labelled: usize,
    pub findings_matching_labels: usize,
    pub native_articles: usize,
    pub native_words: usize,
    pub native_findings: BTreeMap<String, NativeRule>,
    /// Article scores of the labelled (machine-translated) articles and of the native ones.
    pub labelled_scores: Vec<f64>,
    pub native_scores: Vec<f64>,
    /// Source-language guesses checked against `<article>.src` files (`source_language: nl`):
    /// (article, expected, guessed).
    pub languages: Vec<(String, String, Option<String>)>,
}

impl EvalReport {
    pub fn total_recall(&self) -> Recall {
        self.recall.values().fold(Recall::default(), |a, r| Recall {
            labels: a.labels + r.labels,
            found: a.found + r.found,
        })
    }

    /// Area under the ROC curve of the article score separating labelled (machine-translated)
    /// articles from native ones, when there are both.
    pub fn auc(&self) -> Option<f64> {
        auc(&self.labelled_scores, &self.native_scores)
    }

    pub fn native_per_1000(&self) -> f64 {
        let n: usize = self.native_findings.values().map(|r| r.count).sum();
        if self.native_words == 0 {
            0.0
        } else {
            n as f64 * 1000.0 / self.native_words as f64
        }
    }
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative (ties count half). `None` without both.
///
/// ```
/// assert_eq!(mtlint::eval::auc(&[3.0, 2.0], &[1.0, 2.0]), Some(0.875));
/// ```
pub fn auc(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut neg = negatives.to_vec();
    neg.sort_by(f64::total_cmp);
    let mut sum = 0.0;
    for &p in positives {
        let below = neg.partition_point(|&n| n < p);
        let ties = neg[below..].partition_point(|&n| n <= p);
        sum += below as f64 + 0.5 * ties as f64;
    }
    Some(sum / (positives.len() * neg.len()) as f64)
}

/// The `source_language:` of a `.src` file beside an article (`nl-BE` counts as `nl`).
fn expected_language(article: &Path) -> Option<String> {
    let text = std::fs::read_to_string(article.with_extension("src")).ok()?;
    text.lines().find_map(|l| {
        let v = l.strip_prefix("source_language:")?.trim();
        Some(v.split(['-', '_']).next().unwrap_or(v).to_ascii_lowercase())
    })
}

/// Reads articles from inputs, reporting unreadable ones.
fn read(inputs: &[String], errors: &mut Vec<Error>) -> Vec<(String, Article)> {
    let (sources, errs) = expand(inputs);
    errors.extend(errs);
    let mut ids = IdAllocator::default();
    let mut out = Vec::new();
    for a in Articles::new(sources, InputFormat::Auto) {
        match a {
            Ok(a) => out.push((ids.allocate(&a.id), a)),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// Runs the evaluation. `labels_file` names the article for labels without an `article` column.
pub fn evaluate(
    checker: &Checker,
    labels: &[Label],
    labels_file: &Path,
    files: &[String],
    native: &[String],
    errors: &mut Vec<Error>,
) -> EvalReport {
    let mut report = EvalReport::default();
    let labelled = read(files, errors);
    let checked: Vec<Checked> = labelled
        .par_iter()
        .map(|(id, a)| checker.check(a, id))
        .collect();
    let default_article = labels_file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('.').next())
        .unwrap_or_default()
        .to_string();
    report.labelled_articles = labelled.len();
    let mut matched = vec![Vec::<bool>::new(); labelled.len()];
    for (i, c) in checked.iter().enumerate() {
        matched[i] = vec![false; c.findings.len()];
        report.findings_on_labelled += c.findings.len();
        report.labelled_scores.push(c.summary.score);
    }
    for label in labels {
        let wanted = label
            .article
            .clone()
            .unwrap_or_else(|| default_article.clone());
        let idx = labelled
            .iter()
            .position(|(_, a)| a.id == wanted)
            .or_else(|| (labelled.len() == 1 && label.article.is_none()).then_some(0));
        let Some(idx) = idx else {
            continue;
        };
        let text = &labelled[idx].1.text;
        let entry = report.recall.entry(label.category.clone()).or_default();
        entry.labels += 1;
        let ranges: Vec<(usize, usize)> = text
            .match_indices(label.span.as_str())
            .map(|(s, m)| (s, s + m.len()))
            .collect();
        let ranges: Vec<(usize, usize)> = match label.occurrence {
            Some(n) => ranges
                .get(n.saturating_sub(1))
                .copied()
                .into_iter()
                .collect(),
            None => ranges,
        };
        if ranges.is_empty() {
            report
                .unlocated
                .push((label.line, wanted, label.span.clone(), label.occurrence));
            continue;
        }
        let mut found = false;
        for (fi, f) in checked[idx].findings.iter().enumerate() {
            if ranges.iter().any(|&r| covers(f, r)) {
                matched[idx][fi] = true;
                found = true;
            }
        }
        if found {
            entry.found += 1;
        } else {
            report
                .missed
                .push((wanted, label.category.clone(), label.span.clone()));
        }
    }
    report.findings_matching_labels = matched.iter().flatten().filter(|&&m| m).count();
    for ((id, article), c) in labelled.iter().zip(&checked) {
        if let Some(expected) = expected_language(Path::new(&article.path)) {
            report
                .languages
                .push((id.clone(), expected, c.summary.source_language.clone()));
        }
    }

    let native_articles = read(native, errors);
    report.native_articles = native_articles.len();
    let native_checked: Vec<Checked> = native_articles
        .par_iter()
        .map(|(id, a)| checker.check(a, id))
        .collect();
    for c in native_checked {
        report.native_words += c.summary.words;
        report.native_scores.push(c.summary.score);
        for f in c.findings {
            let r = report.native_findings.entry(f.rule.clone()).or_default();
            r.count += 1;
            if r.examples.len() < 3 {
                r.examples
                    .push(format!("{}: {}", f.article, f.span.replace('\n', " ")));
            }
        }
    }
    report
}

impl std::fmt::Display for EvalReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        if self.labelled_articles > 0 {
            let _ = writeln!(
                s,
                "Recall on {} labelled article(s)",
                self.labelled_articles
            );
            let _ = writeln!(
                s,
                "  {:<22} {:>6} {:>6} {:>7}",
                "category", "labels", "found", "recall"
            );
            let row = |name: &str, r: &Recall| {
                let recall = if r.labels == 0 {
                    0.0
                } else {
                    r.found as f64 / r.labels as f64
                };
                format!(
                    "  {name:<22} {:>6} {:>6} {:>7.2}\n",
                    r.labels, r.found, recall
                )
            };
            for (cat, r) in &self.recall {
                s.push_str(&row(cat, r));
            }
            s.push_str(&row("all", &self.total_recall()));
            let _ = writeln!(
                s,
                "  findings: {} on labelled articles, {} of them on a label (labels are conservative: the rest are not certified false)",
                self.findings_on_labelled, self.findings_matching_labels
            );
            if !self.missed.is_empty() {
                let _ = writeln!(s, "  missed:");
                for (a, c, span) in &self.missed {
                    let _ = writeln!(s, "    {a} [{c}] {}", span.replace('\n', "\\n"));
                }
            }
            if !self.languages.is_empty() {
                let right = self
                    .languages
                    .iter()
                    .filter(|(_, e, g)| g.as_deref() == Some(e.as_str()))
                    .count();
                let _ = writeln!(
                    s,
                    "  source language guessed right: {right} / {}",
                    self.languages.len()
                );
                for (a, e, g) in self
                    .languages
                    .iter()
                    .filter(|(_, e, g)| g.as_deref() != Some(e.as_str()))
                {
                    let _ = writeln!(
                        s,
                        "    {a}: expected {e}, guessed {}",
                        g.as_deref().unwrap_or("nothing")
                    );
                }
            }
            for (line, a, span, occurrence) in &self.unlocated {
                let which = match occurrence {
                    Some(n) if *n > 1 => format!("occurrence {n} of "),
                    _ => String::new(),
                };
                let _ = writeln!(
                    s,
                    "  warning: label on line {line}: {which}'{}' is not in {a}",
                    span.replace('\n', "\\n")
                );
            }
        }
        if self.native_articles > 0 {
            let n: usize = self.native_findings.values().map(|r| r.count).sum();
            let _ = writeln!(
                s,
                "Native text: {} article(s), {} words, {} finding(s) = {:.3} per 1,000 words",
                self.native_articles,
                self.native_words,
                n,
                self.native_per_1000()
            );
            let mut rules: Vec<_> = self.native_findings.iter().collect();
            rules.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
            for (rule, r) in rules {
                let _ = writeln!(
                    s,
                    "  {:<40} {:>5}  e.g. {}",
                    rule,
                    r.count,
                    r.examples.join(" | ")
                );
            }
        }
        if let Some(auc) = self.auc() {
            let _ = writeln!(
                s,
                "Article score ROC AUC, {} labelled vs {} native article(s): {auc:.3}",
                self.labelled_scores.len(),
                self.native_scores.len()
            );
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Selection;

    #[test]
    fn recall_and_native_rate() {
        let dir = tempfile::tempdir().unwrap();
        let mt = dir.path().join("mt.txt");
        std::fs::write(
            &mt,
            "The economy creaks and creaks.\nHe said the the thing.\nA small beer.",
        )
        .unwrap();
        let labels_path = dir.path().join("mt.labels.csv");
        std::fs::write(
            &labels_path,
            "span,occurrence,category\ncreaks and creaks,1,calque\nsmall beer,1,calque\nthe the,1,repetition\nabsent,1,x\nsmall beer,2,x\n",
        )
        .unwrap();
        let native = dir.path().join("native.txt");
        std::fs::write(&native, "It was a fine day and the the sun shone.").unwrap();
        let labels = load_labels(&labels_path).unwrap();
        let res = crate::detect::Resources::load(&[]).unwrap();
        let checker = Checker::new(&res, Selection::default(), Default::default());
        let mut errors = Vec::new();
        let r = evaluate(
            &checker,
            &labels,
            &labels_path,
            &[mt.display().to_string()],
            &[native.display().to_string()],
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            r.recall["calque"],
            Recall {
                labels: 2,
                found: 1
            }
        );
        assert_eq!(
            r.recall["repetition"],
            Recall {
                labels: 1,
                found: 1
            }
        );
        assert_eq!(r.unlocated.len(), 2);
        assert_eq!(r.native_words, 10);
        assert!((r.native_per_1000() - 100.0).abs() < 1e-9);
        assert_eq!(
            r.auc(),
            Some(1.0),
            "the MT article outscores the native one"
        );
        let text = r.to_string();
        assert!(
            text.contains("missed:\n    mt [calque] small beer"),
            "{text}"
        );
        assert!(
            text.contains("  warning: label on line 5: 'absent' is not in mt\n")
                && text.contains(
                    "  warning: label on line 6: occurrence 2 of 'small beer' is not in mt\n"
                ),
            "{text}"
        );
        // A bad row names its line.
        std::fs::write(
            &labels_path,
            "span,occurrence,category\nx,1,calque\ny,two,calque\n",
        )
        .unwrap();
        let e = load_labels(&labels_path).unwrap_err().to_string();
        assert!(e.contains("mt.labels.csv:3: "), "{e}");
    }

    #[test]
    fn covering_rule() {
        let f = |start, end| Finding {
            article: String::new(),
            line: 1,
            column: 1,
            start,
            end,
            category: crate::finding::Category::Duplicate,
            rule: String::new(),
            severity: crate::finding::Severity::Minor,
            confidence: 1.0,
            span: String::new(),
            suggestion: None,
            explanation: String::new(),
            sentence: String::new(),
        };
        assert!(covers(&f(10, 20), (10, 20)));
        assert!(covers(&f(12, 20), (10, 30)));
        assert!(
            !covers(&f(0, 1000), (10, 20)),
            "a huge finding does not claim a small label"
        );
        assert!(!covers(&f(0, 11), (10, 30)));
    }
}
