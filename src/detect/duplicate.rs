//! `duplicate`: sentences and paragraphs that appear twice in one article, exactly or nearly. MT
//! pipelines paste a sub-heading back as a paragraph, or render a teaser and then the same text
//! in the body.
//!
//! Flags the second of: "Russian elites doubt that Putin alone can withstand mounting Western
//! Ukrainian pressure and hope that Xi will help him." … "Russian elites doubt that he can
//! single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help
//! him."
//! Leaves alone: two sentences that share a subject but say different things ("Putin met Xi in
//! Moscow on Monday." … "Putin met Modi in Delhi on Friday.").
//!
//! Cost stays linear: exact repeats are found with a hash map; near repeats only compare
//! sentences that share a content word whose posting list is short (a word in every sentence
//! says nothing about which two are copies).

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::segment::Document;
use std::collections::{HashMap, HashSet};

/// Shorter sentences repeat naturally ("He denied it.").
const MIN_EXACT_WORDS: usize = 5;
/// Near repeats need enough words for the similarity to mean something.
const MIN_NEAR_WORDS: usize = 8;
/// Content words occurring in more sentences than this do not generate candidates.
const MAX_POSTINGS: usize = 24;
/// Word-set Dice similarity above which two sentences are near repeats.
const NEAR_DICE: f64 = 0.8;
/// Needed alongside a lower Dice score: similarity of the word sequences.
const NEAR_LEVENSHTEIN: f64 = 0.7;
const LOWER_DICE: f64 = 0.7;

const STOPWORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "that", "this", "is", "are", "was", "were", "be", "been", "it", "he", "she", "they",
    "we", "his", "her", "their", "its", "as", "not", "has", "have", "had", "will", "would", "can",
    "said", "says", "'s",
];

pub struct Duplicate;

struct Info<'d> {
    /// Words joined by spaces (a slice of the document's stream).
    key: &'d str,
    words: Vec<&'d str>,
    content: HashSet<&'d str>,
}

impl Detector for Duplicate {
    fn id(&self) -> &'static str {
        "duplicate"
    }

    fn description(&self) -> &'static str {
        "sentences or paragraphs that repeat within an article, exactly or nearly"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Duplicate]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let infos: Vec<Info> = doc
            .sentences
            .iter()
            .map(|s| {
                let words: Vec<&str> = doc
                    .sentence_words(s)
                    .iter()
                    .map(|w| doc.match_word(w))
                    .collect();
                let key = match (doc.sentence_words(s).first(), doc.sentence_words(s).last()) {
                    (Some(a), Some(b)) => &doc.stream[a.pos..b.pos + b.len],
                    _ => "",
                };
                let content = words
                    .iter()
                    .copied()
                    .filter(|w| !STOPWORDS.contains(w))
                    .collect();
                Info {
                    key,
                    words,
                    content,
                }
            })
            .collect();

        // For each sentence: the earlier sentence it repeats, and whether exactly.
        let mut original: Vec<Option<(usize, bool)>> = vec![None; infos.len()];
        let mut exact: HashMap<&str, usize> = HashMap::new();
        let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for (i, info) in infos.iter().enumerate() {
            let n = info.words.len();
            if n >= MIN_EXACT_WORDS {
                match exact.get(info.key) {
                    Some(&j) => original[i] = Some((j, true)),
                    None => {
                        exact.insert(info.key, i);
                    }
                }
            }
            if n < MIN_NEAR_WORDS {
                continue;
            }
            if original[i].is_none() {
                shared.clear();
                for w in &info.content {
                    if let Some(list) = postings.get(w).filter(|l| l.len() <= MAX_POSTINGS) {
                        for &j in list {
                            *shared.entry(j).or_default() += 1;
                        }
                    }
                }
                let best = shared
                    .iter()
                    .filter(|&(&j, &k)| 2 * k >= info.content.len().min(infos[j].content.len()))
                    .filter_map(|(&j, _)| near(info, &infos[j]).map(|sim| (j, sim)))
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                if let Some((j, _)) = best {
                    original[i] = Some((j, false));
                }
            }
            for w in &info.content {
                postings.entry(w).or_default().push(i);
            }
        }
        hits(doc, &original)
    }
}

/// Similarity of two sentences when they are near repeats.
fn near(a: &Info, b: &Info) -> Option<f64> {
    if b.words.len() < MIN_NEAR_WORDS || a.content.is_empty() || b.content.is_empty() {
        return None;
    }
    let common = a.content.intersection(&b.content).count();
    let dice = 2.0 * common as f64 / (a.content.len() + b.content.len()) as f64;
    if dice >= NEAR_DICE {
        return Some(dice);
    }
    if dice >= LOWER_DICE {
        let lev = strsim::generic_levenshtein(&a.words, &b.words);
        let sim = 1.0 - lev as f64 / a.words.len().max(b.words.len()) as f64;
        if sim >= NEAR_LEVENSHTEIN {
            return Some(dice);
        }
    }
    None
}

/// Turns repeated sentences into hits: a run of repeated sentences in one paragraph is one hit,
/// a fully repeated paragraph is a paragraph hit.
fn hits(doc: &Document, original: &[Option<(usize, bool)>]) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < original.len() {
        let Some((first, mut all_exact)) = original[i] else {
            i += 1;
            continue;
        };
        let para = doc.sentences[i].paragraph;
        let mut j = i + 1;
        while j < original.len() && doc.sentences[j].paragraph == para {
            match original[j] {
                Some((_, exact)) => all_exact &= exact,
                None => break,
            }
            j += 1;
        }
        let p = &doc.paragraphs[para];
        let whole = p.sentences.start == i && p.sentences.end == j;
        let (start, end) = (doc.sentences[i].start, doc.sentences[j - 1].end);
        let first_line = doc.line_of(doc.norm.map.start(doc.sentences[first].start));
        let paragraph = whole && j - i > 1;
        let what = match (paragraph, j - i > 1) {
            (true, _) => "This paragraph",
            (false, true) => "These sentences",
            _ => "This sentence",
        };
        let how = match (all_exact, j - i > 1 && !paragraph) {
            (true, false) => "repeats",
            (true, true) => "repeat",
            (false, false) => "nearly repeats",
            (false, true) => "nearly repeat",
        };
        out.push(Hit {
            start,
            end,
            category: Category::Duplicate,
            rule: format!("duplicate.{}", if paragraph { "paragraph" } else { "sentence" }),
            severity: Severity::Major,
            confidence: if all_exact { 0.95 } else { 0.8 },
            explanation: format!("{what} {how} text from line {first_line}; MT pipelines often paste a teaser or sub-heading back into the body."),
            suggestion: Some("delete the repetition".into()),
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn seed_near_duplicate_of_the_subheading() {
        let text = "Russian elites doubt that Putin alone can withstand mounting Western Ukrainian pressure and hope that Xi will help him.\n\
            This is confirmed by political scientist Abbas Galgamov. This visit is very important for Putin. Russian elites doubt that he can single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help him.";
        assert_eq!(
            spans(&Duplicate, text),
            [
                "Russian elites doubt that he can single-handedly withstand mounting Ukrainian and Western pressure, and hope that Xi will help him."
            ]
        );
    }

    #[test]
    fn consecutive_exact_repeats_are_one_hit() {
        let text = "It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\n\
            \"Because Xi must promise something,\" he says. It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\"";
        assert_eq!(
            spans(&Duplicate, text),
            ["It cannot be that he openly rejects Putin. Xi does not want Putin to fall.\""]
        );
    }

    #[test]
    fn repeated_headline_is_a_paragraph_duplicate() {
        let text = "Ministers regarding formation: It will really be a different cabinet\n\nMinisters regarding formation: It will really be a different cabinet\n\nThe ministers spoke.";
        let doc = Document::new(text);
        let hits = Duplicate.check(&doc);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].rule, "duplicate.sentence");
        assert!(hits[0].explanation.contains("line 1"));
    }

    #[test]
    fn different_sentences_are_left_alone() {
        let cases = [
            "Putin met Xi in Moscow on Monday for talks on trade. Putin met Modi in Delhi on Friday for talks on defence.",
            "The team won the first match of the season on Saturday. The team lost the second match of the season on Sunday.",
            "He denied it. He denied it.",
        ];
        for text in cases {
            assert!(spans(&Duplicate, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn many_repeats_stay_linear_and_merge() {
        let text = "The same sentence is written here again and again.\n".repeat(2000);
        let doc = Document::new(&text);
        assert_eq!(Duplicate.check(&doc).len(), 1999);
    }
}
