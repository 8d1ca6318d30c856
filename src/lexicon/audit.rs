//! `mtlint lexicon check`: every lexicon parses, every entry fires on its example and not on its
//! native sentence, and no entry fires on native corpora more than a set number of times.

use super::entry::Lexicon;
use crate::detect::Detector;
use crate::detect::boilerplate::Boilerplate;
use crate::detect::fake_bio::FakeBio;
use crate::error::Result;
use crate::ingest::{Articles, InputFormat, expand};
use crate::segment::Document;
use rayon::prelude::*;
use std::path::PathBuf;

/// What the audit found.
#[derive(Debug, Default)]
pub struct Audit {
    pub entries: usize,
    /// One line per entry that does not behave on its own examples.
    pub failures: Vec<String>,
    /// Entries firing on native text more than allowed: (file:line, rule, count, example).
    pub native: Vec<(String, String, usize, String)>,
    pub corpus_words: usize,
    /// Corpus inputs that could not be read.
    pub corpus_errors: Vec<String>,
}

impl Audit {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.native.is_empty() && self.corpus_errors.is_empty()
    }
}

/// MASC-style pre-tokenised text ("could n't", "Putin 's") back to normal spelling.
fn detokenise(text: &str) -> String {
    text.replace(" n't", "n't")
        .replace(" 's ", "'s ")
        .replace(" 're ", "'re ")
}

/// Audits the embedded lexicons plus `dirs`; counts native hits over `corpus` inputs.
pub fn audit(dirs: &[PathBuf], corpus: &[String], max_native_hits: usize) -> Result<Audit> {
    // From the CSV text, not the fields `build.rs` split it into: the audit checks the source.
    let lex = &Lexicon::parsed(dirs)?;
    let mut a = Audit {
        entries: lex.entries().len(),
        ..Audit::default()
    };
    a.failures = lex
        .entries()
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, e)| {
            let mut out = Vec::new();
            if !lex.entry_fires(i, &e.row.example) {
                out.push(format!(
                    "{}:{}: {}: does not fire on its example: {}",
                    e.file, e.line, e.rule, e.row.example
                ));
            }
            if lex.entry_fires(i, &e.row.native) {
                out.push(format!(
                    "{}:{}: {}: fires on its native sentence: {}",
                    e.file, e.line, e.rule, e.row.native
                ));
            }
            out
        })
        .collect();
    let boilerplate = Boilerplate::default_lexicon();
    for e in boilerplate.entries() {
        if !boilerplate.check(&Document::new(&e.native)).is_empty() {
            a.failures.push(format!(
                "lexicons/boilerplate.csv: {}: fires on its native sentence",
                e.id
            ));
        }
        if boilerplate.check(&Document::new(&e.example)).is_empty() {
            a.failures.push(format!(
                "lexicons/boilerplate.csv: {}: does not fire on its example",
                e.id
            ));
        }
        a.entries += 1;
    }
    let bio = FakeBio::default_lexicon();
    for e in bio.entries() {
        if bio.check(&Document::new(&e.example)).is_empty()
            || !bio.check(&Document::new(&e.native)).is_empty()
        {
            a.failures.push(format!(
                "lexicons/bio.csv: {}: example not flagged or native flagged",
                e.word
            ));
        }
        a.entries += 1;
    }
    if !corpus.is_empty() {
        let (sources, errors) = expand(corpus);
        a.corpus_errors
            .extend(errors.iter().map(ToString::to_string));
        let mut texts = Vec::new();
        for art in Articles::new(sources, InputFormat::Auto) {
            match art {
                Ok(art) => texts.push(detokenise(&art.text)),
                Err(e) => a.corpus_errors.push(e.to_string()),
            }
        }
        let per_doc: Vec<(usize, Vec<(usize, String)>)> = texts
            .par_iter()
            .map(|t| {
                let doc = Document::new(t);
                let hits = lex
                    .find(&doc)
                    .into_iter()
                    .map(|h| {
                        let s = &doc.sentences[h.sentence];
                        (
                            h.entry,
                            doc.text(s.start, s.end).chars().take(160).collect(),
                        )
                    })
                    .collect();
                (doc.word_count(), hits)
            })
            .collect();
        let mut counts: Vec<(usize, String)> = vec![(0, String::new()); lex.entries().len()];
        for (words, hits) in per_doc {
            a.corpus_words += words;
            for (e, sentence) in hits {
                if counts[e].0 == 0 {
                    counts[e].1 = sentence;
                }
                counts[e].0 += 1;
            }
        }
        for (i, (n, example)) in counts.into_iter().enumerate() {
            if n > max_native_hits {
                let e = &lex.entries()[i];
                a.native
                    .push((format!("{}:{}", e.file, e.line), e.rule.clone(), n, example));
            }
        }
        a.native.sort_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(&y.0)));
    }
    Ok(a)
}
