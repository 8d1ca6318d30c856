//! `fake_bio`: the generated author bios content farms append to republished articles, a run of
//! verbless fragments that each end in a persona noun: "Infuriatingly humble social media buff.
//! Twitter advocate. Writer. Internet nerd." The nouns live in `lexicons/bio.csv`.
//!
//! Flags: "Devoted music fanatic. Hipster-friendly beer buff. Zombie maven. Internet evangelist."
//! Leaves alone: "The advocate spoke. The writer left. A fan waved." (sentences, not fragments).

use super::{Detector, Hit};
use crate::error::{Error, Result};
use crate::finding::{Category, Severity};
use crate::lexicon::read_csv;
use crate::segment::{Document, MatchWord};
use rustc_hash::FxHashSet;

/// The embedded `lexicons/bio.csv`.
pub const BIO_CSV: &str = include_str!("../../lexicons/bio.csv");

/// A bio fragment has at most this many words.
const MAX_FRAGMENT_WORDS: usize = 6;
/// A bio is at least this many fragments in a row.
const MIN_FRAGMENTS: usize = 3;

/// Words that make a fragment a sentence rather than a persona label.
const SENTENCE_WORDS: &[&str] = &[
    "the", "a", "an", "is", "are", "was", "were", "be", "he", "she", "i", "we", "they", "it",
    "has", "have", "had", "said", "says", "this", "that", "his", "her", "their", "my", "our",
    "not", "will", "would", "to", "in", "on", "at", "by",
];

/// One row of `bio.csv`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A persona noun ("nerd"), or a suffix ("aholic").
    pub word: String,
    /// `noun` or `suffix`.
    pub role: String,
    /// A generated bio using the word, which must be flagged.
    pub example: String,
    /// A native sentence using the word, which must not be.
    pub native: String,
}

pub struct FakeBio {
    entries: Vec<Entry>,
    nouns: FxHashSet<String>,
    suffixes: Vec<String>,
}

impl FakeBio {
    /// Parses a bio vocabulary file.
    pub fn parse(name: &str, text: &str) -> Result<FakeBio> {
        let mut nouns = FxHashSet::default();
        let mut suffixes = Vec::new();
        let mut entries = Vec::new();
        for (line, e) in read_csv::<Entry>(name, text)? {
            let fresh = match e.role.as_str() {
                "noun" => nouns.insert(e.word.clone()),
                "suffix" => {
                    let fresh = !suffixes.contains(&e.word);
                    suffixes.push(e.word.clone());
                    fresh
                }
                other => {
                    return Err(Error::Lexicon {
                        path: name.into(),
                        line,
                        column: 2,
                        message: format!("role must be 'noun' or 'suffix', not '{other}'"),
                    });
                }
            };
            if !fresh || e.word.is_empty() || e.word != e.word.to_lowercase() {
                return Err(Error::Lexicon {
                    path: name.into(),
                    line,
                    column: 1,
                    message: format!("'{}' is empty, not lowercase or listed twice", e.word),
                });
            }
            entries.push(e);
        }
        Ok(FakeBio {
            entries,
            nouns,
            suffixes,
        })
    }

    /// The vocabulary shipped with mtlint.
    pub fn default_lexicon() -> FakeBio {
        FakeBio::parse("lexicons/bio.csv", BIO_CSV).expect("embedded bio.csv is valid (tested)")
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn is_persona(&self, word: &str) -> bool {
        let word = word
            .strip_suffix('s')
            .filter(|w| self.nouns.contains(*w))
            .unwrap_or(word);
        self.nouns.contains(word) || self.suffixes.iter().any(|s| word.ends_with(s.as_str()))
    }

    /// Is this sentence a bio fragment ("Twitter advocate.")? Returns whether it opens with an
    /// "-ly" adverb ("Infuriatingly humble …"), the generator's signature.
    /// Whether a sentence's match words are a persona fragment, and if so whether it opens with
    /// an adverb ("Infuriatingly humble …"). The word count and the last word are checked
    /// first: most sentences fail them and cost no more.
    fn fragment(&self, doc: &Document, words: &[MatchWord]) -> Option<bool> {
        let last = words.last()?;
        if words.len() > MAX_FRAGMENT_WORDS
            || !self.is_persona(doc.match_word(last))
            || words
                .iter()
                .any(|w| SENTENCE_WORDS.contains(&doc.match_word(w)))
        {
            return None;
        }
        Some(words.len() >= 3 && doc.match_word(&words[0]).ends_with("ly"))
    }
}

impl Detector for FakeBio {
    fn id(&self) -> &'static str {
        "fake_bio"
    }

    fn description(&self) -> &'static str {
        "generated author bios ('Infuriatingly humble social media buff. Twitter advocate.')"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::FakeBio]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits = Vec::new();
        for p in &doc.paragraphs {
            let mut run: Option<(usize, usize, bool)> = None; // first, last sentence, opener seen
            for si in p.sentences.clone() {
                let words = doc.sentence_words(&doc.sentences[si]);
                match (self.fragment(doc, words), run.as_mut()) {
                    (Some(opener), Some(r)) => {
                        r.1 = si;
                        r.2 |= opener;
                    }
                    (Some(opener), None) => run = Some((si, si, opener)),
                    (None, _) => {
                        if let Some(r) = run.take() {
                            self.push(doc, p, r, &mut hits);
                        }
                    }
                }
            }
            if let Some(r) = run {
                self.push(doc, p, r, &mut hits);
            }
        }
        hits
    }
}

impl FakeBio {
    fn push(
        &self,
        doc: &Document,
        p: &crate::segment::Paragraph,
        (first, last, opener): (usize, usize, bool),
        hits: &mut Vec<Hit>,
    ) {
        let n = last - first + 1;
        if n < MIN_FRAGMENTS {
            return;
        }
        let whole = p.sentences.start == first && p.sentences.end == last + 1;
        let (start, end) = if whole {
            (p.start, p.end)
        } else {
            (doc.sentences[first].start, doc.sentences[last].end)
        };
        hits.push(Hit {
            start,
            end,
            category: Category::FakeBio,
            rule: "fake_bio.generated-bio".into(),
            severity: Severity::Major,
            confidence: if opener || n >= 4 { 0.9 } else { 0.75 },
            explanation: format!(
                "A generated author bio: {n} verbless persona fragments in a row, a content-farm signature."
            ),
            suggestion: Some("delete the bio, or replace it with the real author's byline".into()),
            lang: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn every_entry_flags_its_example_and_not_its_native_sentence() {
        let bio = FakeBio::default_lexicon();
        for e in bio.entries() {
            assert_eq!(
                spans(&bio, &e.example).len(),
                1,
                "example of {}: {}",
                e.word,
                e.example
            );
            assert!(
                spans(&bio, &e.native).is_empty(),
                "native of {}: {}",
                e.word,
                e.native
            );
        }
    }

    #[test]
    fn flags_generated_bios() {
        let bio = FakeBio::default_lexicon();
        let cases: &[(&str, &[&str])] = &[
            (
                "Xi met Putin.\n“Infuriatingly humble social media buff. Twitter advocate. Writer. Internet nerd.”",
                &[
                    "\"Infuriatingly humble social media buff. Twitter advocate. Writer. Internet nerd.\"",
                ],
            ),
            (
                "Devoted music fanatic. Hipster-friendly beer buff. Zombie maven. Internet evangelist.",
                &[
                    "Devoted music fanatic. Hipster-friendly beer buff. Zombie maven. Internet evangelist.",
                ],
            ),
            (
                "By Jan Smit. Coffeeaholic. Bacon scholars. Web guru.",
                &["Coffeeaholic. Bacon scholars. Web guru."],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(spans(&bio, text), *want, "{text}");
        }
    }

    #[test]
    fn leaves_sentences_and_short_runs_alone() {
        let bio = FakeBio::default_lexicon();
        for text in [
            "The advocate spoke. The writer left. A fan waved.",
            "Writer. Mother.",
            "He is a writer. She is a reader. They are fans.",
            "Police questioned a football fan, a student and a writer about the riot.",
        ] {
            assert!(spans(&bio, text).is_empty(), "{text}");
        }
    }
}
