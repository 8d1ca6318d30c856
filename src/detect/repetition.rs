//! `repetition`: a doubled word ("the the") and a reduplicated verb or noun ("creaks and
//! creaks"), which MT produces when the source pairs two near-synonyms (Dutch "kraakt en piept")
//! and both map to one English word.
//!
//! Flags: "The Chinese economy creaks and creaks and the markets are more important."
//! Leaves alone: "Prices rose again and again, more and more each year." and "He said that that
//! was wrong."

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::segment::{Document, Token, TokenKind};

/// Doubled words that English grammar allows ("had had", "that that") or that speech keeps.
const DOUBLING_ALLOWED: &[&str] = &[
    "had", "that", "is", "do", "bye", "no", "so", "ha", "very", "really", "yeah", "well", "knock",
    "aye", "tut", "go", "now", "there", "hear",
];

/// "X and X" that is idiomatic English: iteration, intensity, duration.
const REDUPLICATION_ALLOWED: &[&str] = &[
    "again",
    "more",
    "less",
    "over",
    "on",
    "round",
    "around",
    "through",
    "by",
    "ever",
    "out",
    "up",
    "down",
    "in",
    "such",
    "so",
    "miles",
    "years",
    "hours",
    "days",
    "weeks",
    "months",
    "decades",
    "centuries",
    "minutes",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "dozens",
    "rows",
    "layers",
    "piles",
    "dollars",
    "pages",
    "one",
    "two",
    "far",
    "forever",
    "often",
    "much",
    "many",
    "few",
    "better",
    "worse",
    "further",
    "farther",
    "deeper",
    "higher",
    "lower",
    "bigger",
    "smaller",
    "louder",
    "faster",
    "slower",
    "stronger",
    "weaker",
    "closer",
    "wider",
    "longer",
    "shorter",
    "larger",
    "greater",
    "nearer",
    "tighter",
    "fewer",
];

pub struct Repetition;

impl Detector for Repetition {
    fn id(&self) -> &'static str {
        "repetition"
    }

    fn description(&self) -> &'static str {
        "doubled words ('the the') and reduplicated verbs or nouns ('creaks and creaks')"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Repetition]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Tokens compared as bytes of the folded text: a `str` slice would check char
        // boundaries at every token, and most tokens are compared with nothing.
        let folded = doc.norm.folded.as_bytes();
        for s in &doc.sentences {
            let toks = &doc.tokens[s.tokens.clone()];
            for (k, t) in toks.iter().enumerate() {
                if t.kind != TokenKind::Word {
                    continue;
                }
                // Both checks need a next token as long as this word (doubled) or of 3 bytes
                // ("and"): most words fail this and cost no more.
                let Some(next) = toks.get(k + 1) else {
                    continue;
                };
                let next_len = next.end - next.start;
                if next_len != t.end - t.start && next_len != 3 {
                    continue;
                }
                let bytes = &folded[t.start..t.end];
                // "the the": next token is the same word, only whitespace between. A run ("the
                // the the") is one finding, at its first pair, so a file of one word repeated
                // gives one finding, not one per word.
                // Lengths first: most neighbours differ, and comparing them costs nothing.
                let same = |o: &Token| {
                    o.kind == TokenKind::Word
                        && o.end - o.start == bytes.len()
                        && &folded[o.start..o.end] == bytes
                };
                if let Some(n) = toks.get(k + 1)
                    && same(n)
                    && !(k > 0 && same(&toks[k - 1]))
                    && let w = doc.word(t)
                    && !DOUBLING_ALLOWED.contains(&w)
                    && !(is_capitalised(doc.text(t.start, t.end))
                        && is_capitalised(doc.text(n.start, n.end)))
                {
                    hits.push(Hit {
                        start: t.start,
                        end: n.end,
                        category: Category::Repetition,
                        rule: "repetition.doubled-word".into(),
                        severity: Severity::Minor,
                        confidence: 0.9,
                        explanation: format!("The word '{w}' is written twice in a row."),
                        suggestion: Some(doc.text(t.start, t.end).to_string()),
                        lang: None,
                    });
                }
                // "creaks and creaks", but not "re-posts and posts" (the first is the tail of a
                // compound) or "air quality and quality of life" (the second heads a new phrase).
                let after_hyphen = || k > 0 && doc.text(toks[k - 1].start, toks[k - 1].end) == "-";
                let heads_phrase = || toks.get(k + 3).is_some_and(|t| doc.word(t) == "of");
                if let (Some(and), Some(n)) = (toks.get(k + 1), toks.get(k + 2))
                    && and.end - and.start == 3
                    && &folded[and.start..and.end] == b"and"
                    && same(n)
                    && let w = doc.word(t)
                    && !after_hyphen()
                    && !heads_phrase()
                    && w.chars().count() >= 4
                    && w.chars().all(char::is_alphabetic)
                    && !REDUPLICATION_ALLOWED.contains(&w)
                    && !is_capitalised(doc.text(n.start, n.end))
                {
                    hits.push(Hit {
                        start: t.start,
                        end: n.end,
                        category: Category::Repetition,
                        rule: "repetition.reduplication".into(),
                        severity: Severity::Minor,
                        confidence: 0.6,
                        explanation: format!(
                            "'{w} and {w}' repeats one word where the source likely paired two near-synonyms (Dutch 'kraakt en piept')."
                        ),
                        suggestion: Some(format!(
                            "use two different words (e.g. 'creaks and groans') or '{w}' once"
                        )),
                        lang: None,
                    });
                }
            }
        }
        hits
    }
}

fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn flags() {
        let cases: &[(&str, &[&str])] = &[
            (
                "The Chinese economy creaks and creaks and the markets matter more.",
                &["creaks and creaks"],
            ),
            ("The the minister spoke.", &["The the"]),
            ("He went to the the station.", &["the the"]),
            ("He went to the the the the station.", &["the the"]),
            (
                "The talks dragged and dragged on.",
                &["dragged and dragged"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(spans(&Repetition, text), *want, "{text}");
        }
    }

    #[test]
    fn leaves_native_english_alone() {
        let cases = [
            "Prices rose again and again, more and more each year.",
            "He said that that was wrong.",
            "She had had enough of it.",
            "They walked for miles and miles.",
            "It got bigger and bigger.",
            "The band Duran Duran played.",
            "Johnson and Johnson reported profits.",
            "He said: the, the and the.",
            "Thousands and thousands",
            "Hosts must remove re-posts and posts with the same content.",
            "It will improve air quality and quality of life.",
            "Over time, fewer and fewer males find mates.",
        ];
        for text in cases {
            assert!(spans(&Repetition, text).is_empty(), "{text}");
        }
    }
}
