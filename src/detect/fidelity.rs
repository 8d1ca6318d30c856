//! `fidelity`: for bilingual input (XLIFF, TMX), numbers and names of the source segment that
//! the translated segment leaves out or changes. Runs only on segments that have a source.
//!
//! Flags: "Revenue rose to 5.3 billion euros." aligned with "De omzet steeg tot 3,5 miljard
//! euro." (3,5 became 5.3).
//! Leaves alone: "Revenue rose to 3.5 billion euros." for the same source (a decimal comma is a
//! decimal point; 1.000 is 1,000).
//!
//! Also here: [`SourcePhrases`] and [`confirm`], which raise or lower the confidence of a
//! lexicon finding by whether its source phrase occurs in the aligned source segment.

use super::{Aligned, Detector, Hit};
use crate::finding::{Category, Severity};
use crate::lexicon::entry::Lexicon;
use crate::lexicon::foreign::ForeignWords;
use crate::model::Model;
use crate::segment::Document;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// English number words a translation may use for a small number of the source.
const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// English month names: a numeric month of the source (12-03-2024) may be written out.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A word more frequent than this in normal English (per token) is a common word, not a name.
const COMMON_ENGLISH: f64 = 2e-5;

pub struct Fidelity {
    foreign: Arc<ForeignWords>,
    model: Arc<Model>,
}

impl Fidelity {
    pub fn new(foreign: Arc<ForeignWords>, model: Arc<Model>) -> Fidelity {
        Fidelity { foreign, model }
    }
}

impl Detector for Fidelity {
    fn id(&self) -> &'static str {
        "fidelity"
    }

    fn description(&self) -> &'static str {
        "numbers and names of the source missing or changed in the translation (bilingual input)"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Fidelity]
    }

    fn check(&self, _doc: &Document) -> Vec<Hit> {
        Vec::new()
    }

    fn check_aligned(&self, doc: &Document, segments: &[Aligned<'_>]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for seg in segments.iter().filter(|s| !s.source.trim().is_empty()) {
            let target = doc.text(seg.start, seg.end);
            self.numbers(seg, target, &mut hits);
            self.names(seg, target, &mut hits);
        }
        hits
    }
}

impl Fidelity {
    fn numbers(&self, seg: &Aligned<'_>, target: &str, hits: &mut Vec<Hit>) {
        let src = numbers(seg.source);
        let tgt = numbers(target);
        let words = words(target);
        let in_words = |n: &Number| {
            n.values.iter().any(|v| {
                let Ok(i) = v.parse::<usize>() else {
                    return false;
                };
                let month = i.checked_sub(1).and_then(|m| MONTHS.get(m));
                [NUMBER_WORDS.get(i), month]
                    .into_iter()
                    .flatten()
                    .any(|w| words.iter().any(|(_, t)| t.eq_ignore_ascii_case(w)))
            })
        };
        let matches = |a: &Number, b: &Number| a.values.iter().any(|v| b.values.contains(v));
        let lost: Vec<&Number> = src
            .iter()
            .filter(|s| !tgt.iter().any(|t| matches(s, t)) && !in_words(s))
            .collect();
        let mut added = tgt.iter().filter(|t| !src.iter().any(|s| matches(s, t)));
        let mut missing = Vec::new();
        for s in lost {
            match added.next() {
                Some(t) => hits.push(Hit {
                    start: seg.start + t.start,
                    end: seg.start + t.end,
                    category: Category::Fidelity,
                    rule: "fidelity.number-changed".into(),
                    severity: Severity::Major,
                    confidence: 0.8,
                    explanation: format!(
                        "The source has {} where the translation has {}.",
                        s.raw, t.raw
                    ),
                    suggestion: None,
                    lang: None,
                }),
                None => missing.push(s.raw.clone()),
            }
        }
        if !missing.is_empty() {
            hits.push(Hit {
                start: seg.start,
                end: seg.end,
                category: Category::Fidelity,
                rule: "fidelity.number-missing".into(),
                severity: Severity::Major,
                confidence: 0.7,
                explanation: format!(
                    "The source has {}, which the translation leaves out.",
                    missing.join(", ")
                ),
                suggestion: None,
                lang: None,
            });
        }
    }

    fn names(&self, seg: &Aligned<'_>, target: &str, hits: &mut Vec<Hit>) {
        // German capitalises every noun: capitals do not mark its names.
        if seg.lang == Some("de") {
            return;
        }
        let target_words = words(target);
        let mut missing: Vec<&str> = Vec::new();
        for (at, w) in words(seg.source) {
            if !self.is_name(seg.source, at, w) || missing.contains(&w) {
                continue;
            }
            let present = target_words.iter().any(|(_, t)| similar(w, t));
            if !present {
                missing.push(w);
            }
        }
        if !missing.is_empty() {
            hits.push(Hit {
                start: seg.start,
                end: seg.end,
                category: Category::Fidelity,
                rule: "fidelity.name-missing".into(),
                severity: Severity::Major,
                confidence: 0.6,
                explanation: format!(
                    "The source names {}; the translation does not.",
                    missing
                        .iter()
                        .map(|m| format!("'{m}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                suggestion: None,
                lang: None,
            });
        }
    }

    /// A capitalised word not at the start of a sentence, not an acronym (those are
    /// translated: NAVO, NATO) and common in neither language.
    fn is_name(&self, text: &str, at: usize, w: &str) -> bool {
        let mut chars = w.chars();
        let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
            return false;
        };
        // Three letters or fewer are mostly particles of names ("Den Haag", "Van", "Ter"),
        // which translations drop or change with the name.
        if !first.is_uppercase() || second.is_uppercase() || w.chars().count() < 4 {
            return false;
        }
        if sentence_start(text, at) {
            return false;
        }
        let lower = w.to_lowercase();
        let common_source = self.foreign.get(&lower).is_some_and(|f| f.flag);
        let common_english = self.model.count(&lower) > COMMON_ENGLISH * self.model.total();
        !common_source && !common_english
    }
}

/// Is the word at byte `at` the first of a sentence (after an opening quote or bracket)?
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '“' | '‘' | '„' | '«' | '(' | '[' | '-' | '–'
            )
    });
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '…'])
}

/// The same name, inflected, possessive or transliterated ("Rutte's", "Moskou"/"Moscow").
fn similar(name: &str, word: &str) -> bool {
    if name.eq_ignore_ascii_case(word) {
        return true;
    }
    let (a, b) = (name.to_lowercase(), word.to_lowercase());
    let stem: String = a
        .chars()
        .take(a.chars().count().saturating_sub(2).max(4))
        .collect();
    b.starts_with(&stem) || strsim::jaro_winkler(&a, &b) >= 0.85
}

/// Words (letters, with inner apostrophes or hyphens split off) and their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphabetic() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    out
}

/// A number as written and the values it can stand for.
#[derive(Debug, Clone, PartialEq)]
struct Number {
    start: usize,
    end: usize,
    raw: String,
    /// Canonical decimal strings (`3.5`, `1000`) under the decimal-comma and decimal-point
    /// readings.
    values: Vec<String>,
}

/// Every number: digits with single `.` or `,` between digit groups.
fn numbers(text: &str) -> Vec<Number> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && (bytes[i - 1].is_ascii_alphabetic() || bytes[i - 1].is_ascii_digit()))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() {
            let separator =
                matches!(bytes[i], b'.' | b',') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !bytes[i].is_ascii_digit() && !separator {
                break;
            }
            i += 1;
        }
        let raw = &text[start..i];
        out.push(Number {
            start,
            end: i,
            raw: raw.to_string(),
            values: values(raw),
        });
    }
    out
}

/// Readings of a written number: the last separator as the decimal mark (the other one as
/// thousands), or every separator as thousands when each group after the first has 3 digits.
fn values(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let groups: Vec<&str> = raw.split(['.', ',']).collect();
    if groups.len() == 1 || groups[1..].iter().all(|g| g.len() == 3) {
        out.push(canonical(&groups.concat(), ""));
    }
    if let Some(pos) = raw.rfind(['.', ',']) {
        let mark = raw.as_bytes()[pos];
        let int = &raw[..pos];
        // The integer part may only use the other separator.
        if !int.bytes().any(|b| b == mark) {
            let int: String = int.chars().filter(char::is_ascii_digit).collect();
            out.push(canonical(&int, &raw[pos + 1..]));
        }
    }
    out.dedup();
    out
}

fn canonical(int: &str, frac: &str) -> String {
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Lexicon source phrases by rule id, as alternatives of lowercase words (`/` separates
/// alternatives, `(…)` is optional and left out).
pub struct SourcePhrases {
    by_rule: FxHashMap<String, Vec<Vec<String>>>,
}

impl SourcePhrases {
    pub fn new(lexicon: &Lexicon) -> SourcePhrases {
        let by_rule = lexicon
            .entries()
            .iter()
            .map(|e| (e.rule.clone(), phrase_alternatives(&e.row.source)))
            .filter(|(_, alts)| !alts.is_empty())
            .collect();
        SourcePhrases { by_rule }
    }
}

fn phrase_alternatives(source: &str) -> Vec<Vec<String>> {
    let mut without = String::new();
    let mut depth = 0usize;
    for c in source.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => without.push(c),
            _ => {}
        }
    }
    without
        .split('/')
        .map(|alt| {
            words(alt)
                .into_iter()
                .map(|(_, w)| w.to_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A word of a lexicon phrase found among source words: equal, or sharing a stem (`wachten`,
/// `wacht`; `ambtgenoot`, `ambtgenoten`).
fn stem_match(word: &str, token: &str) -> bool {
    if word == token {
        return true;
    }
    let n = word.chars().count();
    if n < 4 {
        return false;
    }
    let stem: String = word.chars().take((n - 2).max(4)).collect();
    token.starts_with(&stem)
}

/// Raises the confidence of lexicon hits whose source phrase occurs in the aligned source
/// segment (all its words, in any order: Dutch moves verbs) and lowers it for those whose
/// phrase is not there (fewer than half its words); partial evidence leaves a hit as it is.
pub fn confirm(hits: &mut [Hit], segments: &[Aligned<'_>], phrases: &SourcePhrases) {
    for h in hits.iter_mut() {
        let Some(alts) = phrases.by_rule.get(&h.rule) else {
            continue;
        };
        let Some(seg) = segments
            .iter()
            .find(|s| s.start <= h.start && h.start < s.end.max(s.start + 1))
        else {
            continue;
        };
        if seg.source.trim().is_empty() {
            continue;
        }
        let source: Vec<String> = words(seg.source)
            .into_iter()
            .map(|(_, w)| w.to_lowercase())
            .collect();
        let found = |alt: &Vec<String>| {
            alt.iter()
                .filter(|w| source.iter().any(|t| stem_match(w, t)))
                .count()
        };
        if let Some(alt) = alts.iter().find(|a| found(a) == a.len()) {
            h.confidence = (h.confidence + (1.0 - h.confidence) / 2.0).min(0.99);
            h.explanation
                .push_str(&format!(" Confirmed by the source: '{}'.", alt.join(" ")));
        } else if alts.iter().all(|a| found(a) * 2 < a.len()) {
            h.confidence *= 0.5;
            h.explanation.push_str(" Not in the source: the aligned source segment has no such phrase, so this may be native English.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Resources;

    fn resources() -> &'static Resources {
        static RES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        RES.get_or_init(|| Resources::load(&[]).unwrap())
    }

    fn check(target: &str, source: &str) -> Vec<(String, String)> {
        let lang = source.starts_with("Das ").then_some("de");
        let res = resources();
        let d = Fidelity::new(res.foreign.clone(), res.model.clone());
        let doc = Document::new(target);
        let seg = Aligned {
            start: 0,
            end: doc.norm.text.len(),
            source,
            lang,
        };
        d.check_aligned(&doc, &[seg])
            .into_iter()
            .map(|h| (h.rule, doc.text(h.start, h.end).to_string()))
            .collect()
    }

    #[test]
    fn numbers_are_compared_by_value() {
        for (target, source, want) in [
            (
                "It rose to 3.5 billion.",
                "Het steeg tot 3,5 miljard.",
                vec![],
            ),
            ("It cost 1,000 euros.", "Het kostte 1.000 euro.", vec![]),
            ("It cost 1,234.5 euros.", "Het kostte 1.234,5 euro.", vec![]),
            (
                "Three ministers resigned.",
                "Drie ministers, 3 in totaal.",
                vec![],
            ),
            (
                "It rose to 5.3 billion.",
                "Het steeg tot 3,5 miljard.",
                vec![("fidelity.number-changed", "5.3")],
            ),
            (
                "The talks resume in spring.",
                "De gesprekken worden in het voorjaar van 2027 hervat.",
                vec![("fidelity.number-missing", "The talks resume in spring.")],
            ),
            ("On 12 March 2024.", "Op 12-03-2024.", vec![]),
        ] {
            let want: Vec<(String, String)> = want
                .into_iter()
                .map(|(r, s)| (r.to_string(), s.to_string()))
                .collect();
            assert_eq!(check(target, source), want, "{target} / {source}");
        }
    }

    #[test]
    fn dropped_names_are_flagged() {
        for (target, source, flagged) in [
            (
                "The minister said so on Tuesday.",
                "Minister Jansen zei dat dinsdag.",
                true,
            ),
            (
                "Minister Jansen said so on Tuesday.",
                "Minister Jansen zei dat dinsdag.",
                false,
            ),
            (
                "Rutte's plan failed.",
                "Het plan van Rutte mislukte.",
                false,
            ),
            ("He flew to Moscow.", "Hij vloog naar Moskou.", false),
            ("The NATO summit.", "De top van de NAVO.", false),
            (
                "The climate plan.",
                "Das Klimaschutzprogramm der Regierung.",
                false,
            ),
        ] {
            let got = check(target, source);
            assert_eq!(
                got.iter().any(|(r, _)| r == "fidelity.name-missing"),
                flagged,
                "{target} / {source}: {got:?}"
            );
        }
    }

    #[test]
    fn number_readings() {
        for (raw, want) in [
            ("3,5", vec!["3.5"]),
            ("1.000", vec!["1000", "1"]),
            ("2024", vec!["2024"]),
            ("1,234.50", vec!["1234.5"]),
            ("03", vec!["3"]),
        ] {
            assert_eq!(values(raw), want, "{raw}");
        }
    }

    #[test]
    fn lexicon_hits_are_confirmed_or_doubted_by_the_source() {
        let phrases = SourcePhrases {
            by_rule: [(
                "calque.nl.x".to_string(),
                phrase_alternatives("zit niet te wachten op / heeft geen zin in (echt)"),
            )]
            .into_iter()
            .collect(),
        };
        let hit = |confidence| Hit {
            start: 0,
            end: 5,
            category: Category::Calque,
            rule: "calque.nl.x".into(),
            severity: Severity::Major,
            confidence,
            explanation: "E.".into(),
            suggestion: None,
            lang: Some("nl".into()),
        };
        for (source, confidence, says) in [
            (
                "Niemand zit er niet op te wachten.",
                0.9,
                "Confirmed by the source",
            ),
            ("Hij heeft er geen zin in.", 0.9, "Confirmed by the source"),
            ("Zij wacht op de bus.", 0.4, "Not in the source"),
            ("Hij zit niet stil, hij wacht.", 0.8, "E."),
        ] {
            let mut hits = [hit(0.8)];
            let seg = Aligned {
                start: 0,
                end: 10,
                source,
                lang: None,
            };
            confirm(&mut hits, &[seg], &phrases);
            assert!((hits[0].confidence - confidence).abs() < 1e-6, "{source}");
            assert!(hits[0].explanation.contains(says), "{source}");
        }
    }
}
