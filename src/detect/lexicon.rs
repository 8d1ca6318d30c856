//! `lexicon`: calques, false friends, literal idioms, source grammar, names translated as words
//! and news vocabulary rendered word for word, from the lexicons under `lexicons/<lang>-en/`
//! (all indexed once by anchor word; one pass per article whatever the number of entries).
//!
//! Flags: "However, China is not waiting for Russia's shameful defeat in Ukraine." (Dutch "zit
//! niet te wachten op": is not keen on).
//! Leaves alone: "She was not waiting for the bus." (a `forbids` gate).

use super::{Detector, Hit};
use crate::finding::Category;
use crate::lexicon::entry::{LEXICON_CATEGORIES, Lexicon};
use crate::segment::Document;
use std::sync::Arc;

pub struct LexiconDetector {
    lexicon: Arc<Lexicon>,
}

impl LexiconDetector {
    pub fn new(lexicon: Arc<Lexicon>) -> LexiconDetector {
        LexiconDetector { lexicon }
    }
}

impl Detector for LexiconDetector {
    fn id(&self) -> &'static str {
        "lexicon"
    }

    fn description(&self) -> &'static str {
        "calques, false friends, literal idioms and word-for-word terminology from the lexicons"
    }

    fn categories(&self) -> &'static [Category] {
        LEXICON_CATEGORIES
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for h in self.lexicon.find(doc) {
            let e = &self.lexicon.entries()[h.entry];
            let words = &doc.sentence_words(&doc.sentences[h.sentence])[h.words.clone()];
            let (Some(first), Some(last)) = (words.first(), words.last()) else {
                continue;
            };
            let (start, end) = (
                doc.tokens[first.token as usize].start,
                doc.tokens[last.token as usize].end,
            );
            let lang = (e.lang != "any").then(|| e.lang.clone());
            let source = match &lang {
                Some(l) => format!(" [{l}: '{}' = {}]", e.row.source, e.row.meaning),
                None => format!(" ['{}' = {}]", e.row.source, e.row.meaning),
            };
            hits.push(Hit {
                start,
                end,
                category: e.category,
                rule: e.rule.clone(),
                severity: e.severity,
                confidence: e.row.confidence,
                explanation: format!("{}{source}", e.row.explanation),
                suggestion: Some(e.row.suggestion.to_string()),
                lang,
            });
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Classes;

    fn detector() -> LexiconDetector {
        let header = "id,pattern,category,severity,confidence,source,meaning,suggestion,explanation,requires,forbids,example,native\n";
        let rows = "not-waiting,{be} not waiting for,calque,major,0.8,zit niet te wachten op,is not keen on,is not keen on,Dutch idiom rendered word for word.,,bus|train|answer,Xi is not waiting for it.,She was not waiting for the bus.\n";
        let lex = Lexicon::build(
            &[("nl".into(), "t.csv".into(), format!("{header}{rows}"))],
            &Classes::default_embedded(),
        )
        .unwrap();
        LexiconDetector::new(Arc::new(lex))
    }

    #[test]
    fn flags_the_calque_with_its_source() {
        let doc = Document::new("However, China isn’t waiting for Russia's shameful defeat.");
        let hits = detector().check(&doc);
        assert_eq!(hits.len(), 1);
        assert_eq!(doc.text(hits[0].start, hits[0].end), "isn't waiting for");
        assert_eq!(hits[0].rule, "calque.nl.not-waiting");
        assert_eq!(hits[0].lang.as_deref(), Some("nl"));
        assert!(
            hits[0]
                .explanation
                .ends_with("[nl: 'zit niet te wachten op' = is not keen on]")
        );
    }

    #[test]
    fn leaves_native_english_alone() {
        assert!(
            detector()
                .check(&Document::new("She was not waiting for the bus."))
                .is_empty()
        );
    }
}
