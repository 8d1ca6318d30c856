//! `boilerplate`: site furniture left in the article body: video and newsletter prompts, login
//! and comment forms, share buttons, cookie banners. Patterns live in `lexicons/boilerplate.csv`
//! so the list grows without code.
//!
//! Flags: "Watch our news videos in the playlist below:" and "Unlimited free access to
//! Showbytes? Which can!".
//! Leaves alone: "Watch the videos in order to learn the dance."
//!
//! A hit covers its whole paragraph when the paragraph is short (furniture is a line of its own),
//! otherwise its sentence.

use super::{Detector, Hit};
use crate::error::Result;
use crate::finding::{Category, Severity};
use crate::lexicon::pattern::{Pattern, PatternSet};
use crate::lexicon::{Classes, read_csv};
use crate::segment::Document;

/// The embedded `lexicons/boilerplate.csv`.
pub const BOILERPLATE_CSV: &str = include_str!("../../lexicons/boilerplate.csv");

/// A paragraph up to this many words is furniture as a whole.
const SHORT_PARAGRAPH_WORDS: usize = 40;

/// One row of `boilerplate.csv`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub pattern: String,
    pub severity: String,
    pub confidence: f32,
    pub explanation: String,
    pub example: String,
    pub native: String,
}

/// The boilerplate detector with its compiled patterns.
pub struct Boilerplate {
    entries: Vec<(Entry, Severity)>,
    set: PatternSet,
}

impl Boilerplate {
    /// Parses and compiles a boilerplate lexicon; errors name the file, line and column.
    pub fn parse(name: &str, text: &str, classes: &Classes) -> Result<Boilerplate> {
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (line, e) in read_csv::<Entry>(name, text)? {
            let err = |column: usize, message: String| crate::error::Error::Lexicon {
                path: name.to_string(),
                line,
                column,
                message,
            };
            if !ids.insert(e.id.clone()) {
                return Err(err(1, format!("duplicate id '{}'", e.id)));
            }
            let p = Pattern::parse(&e.pattern, classes)
                .map_err(|pe| err(2, format!("pattern column {}: {}", pe.column, pe.message)))?;
            let severity = Severity::parse(&e.severity)
                .ok_or_else(|| err(3, format!("unknown severity '{}'", e.severity)))?;
            if !(0.0..=1.0).contains(&e.confidence) {
                return Err(err(4, "confidence must be between 0 and 1".into()));
            }
            patterns.push(p);
            entries.push((e, severity));
        }
        Ok(Boilerplate {
            entries,
            set: PatternSet::new(patterns),
        })
    }

    /// The lexicon shipped with mtlint.
    pub fn default_lexicon() -> Boilerplate {
        Boilerplate::parse(
            "lexicons/boilerplate.csv",
            BOILERPLATE_CSV,
            &Classes::default_embedded(),
        )
        .expect("embedded boilerplate.csv is valid (tested)")
    }

    /// The entries, for audits and `mtlint rules`.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().map(|(e, _)| e)
    }
}

impl Detector for Boilerplate {
    fn id(&self) -> &'static str {
        "boilerplate"
    }

    fn description(&self) -> &'static str {
        "site furniture (video, login, newsletter, share and cookie prompts) inside the article body"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Boilerplate]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for h in self.set.find(doc) {
            let (entry, severity) = &self.entries[h.pattern];
            let sentence = &doc.sentences[h.sentence];
            let para = &doc.paragraphs[sentence.paragraph];
            let para_words: usize = doc.sentences[para.sentences.clone()]
                .iter()
                .map(|s| s.words.len())
                .sum();
            let (start, end) = if para_words <= SHORT_PARAGRAPH_WORDS {
                (para.start, para.end)
            } else {
                (sentence.start, sentence.end)
            };
            // Several patterns in one line of furniture make one finding.
            if let Some(last) = hits.last_mut()
                && last.start < end
                && start < last.end
            {
                last.start = last.start.min(start);
                last.end = last.end.max(end);
                continue;
            }
            hits.push(Hit {
                start,
                end,
                category: Category::Boilerplate,
                rule: format!("boilerplate.{}", entry.id),
                severity: *severity,
                confidence: entry.confidence,
                explanation: entry.explanation.clone(),
                suggestion: Some("delete this site furniture from the article".into()),
                lang: None,
            });
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn every_entry_flags_its_example_and_not_its_native_sentence() {
        let b = Boilerplate::default_lexicon();
        for (i, e) in b.entries().enumerate() {
            let doc = Document::new(&e.example);
            assert!(
                b.set.find(&doc).iter().any(|h| h.pattern == i),
                "{} does not flag its example {:?}",
                e.id,
                e.example
            );
            assert!(
                b.check(&Document::new(&e.native)).is_empty(),
                "{} flags the native sentence {:?}",
                e.id,
                e.native
            );
        }
    }

    #[test]
    fn furniture_lines_are_flagged_whole() {
        let b = Boilerplate::default_lexicon();
        let text = "Xi met Putin.\nWatch our news videos in the playlist below:\nUnlimited free access to Showbytes? Which can!\n";
        assert_eq!(
            spans(&b, text),
            [
                "Watch our news videos in the playlist below:",
                "Unlimited free access to Showbytes? Which can!"
            ]
        );
    }

    #[test]
    fn bad_rows_are_errors_with_line_and_column() {
        let header = "id,pattern,severity,confidence,explanation,example,native\n";
        let classes = Classes::default_embedded();
        let cases = [
            (
                "a,x y,huge,0.5,e,x,y\n",
                "b.csv:2:3: unknown severity 'huge'",
            ),
            (
                "a,* x,major,0.5,e,x,y\n",
                "b.csv:2:2: pattern column 1: a pattern cannot start or end with a gap",
            ),
            (
                "a,x,major,0.5,e,x,y\na,y,major,0.5,e,x,y\n",
                "b.csv:3:1: duplicate id 'a'",
            ),
            ("a,x,major,lots,e,x,y\n", "b.csv:2:4: invalid float literal"),
        ];
        for (rows, want) in cases {
            let text = format!("{header}{rows}");
            let e = Boilerplate::parse("b.csv", &text, &classes).err().unwrap();
            assert_eq!(e.to_string(), want);
        }
    }
}
