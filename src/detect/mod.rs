//! Detection: one detector per file, each implementing [`Detector`], all listed once in
//! [`registry`].

use crate::error::Result;
use crate::finding::{Category, Severity};
use crate::lexicon::entry::Lexicon;
use crate::lexicon::foreign::ForeignWords;
use crate::segment::Document;
use std::path::PathBuf;
use std::sync::Arc;

pub mod boilerplate;
pub mod duplicate;
pub mod fake_bio;
pub mod fidelity;
pub mod lexicon;
pub mod oddity;
pub mod repetition;
pub mod typography;
pub mod untranslated;

/// A finding as a detector reports it: a range of the **normalised** text. The pipeline maps it
/// back to the original input and adds line, column and sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub category: Category,
    pub rule: String,
    pub severity: Severity,
    pub confidence: f32,
    pub explanation: String,
    pub suggestion: Option<String>,
    /// The source language this hit is evidence of (lexicon and untranslated hits).
    pub lang: Option<String>,
}

/// A target segment of a bilingual article, as a range of the **normalised** text, with the
/// source text it translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aligned<'a> {
    pub start: usize,
    pub end: usize,
    pub source: &'a str,
    /// The source language, when the input states it.
    pub lang: Option<&'a str>,
}

/// A detector: one kind of artifact, checked over a whole document.
pub trait Detector: Send + Sync {
    /// Stable id used by `--only`/`--skip` and as the first part of rule ids.
    fn id(&self) -> &'static str;
    /// One line for `--help` and `mtlint rules`.
    fn description(&self) -> &'static str;
    /// Categories its hits can have.
    fn categories(&self) -> &'static [Category];
    /// Every hit in the document.
    fn check(&self, doc: &Document) -> Vec<Hit>;
    /// Hits that need the source text, for bilingual input: `segments` are the target segments
    /// (ranges of the normalised text) with their source. Most detectors have none.
    fn check_aligned(&self, _doc: &Document, _segments: &[Aligned<'_>]) -> Vec<Hit> {
        Vec::new()
    }
    /// An experimental detector runs only when `--only` (or the config's `only`) names it.
    fn experimental(&self) -> bool {
        false
    }
}

/// Ids of every detector, in the order they run (for validating `--only`/`--skip`).
pub const DETECTOR_IDS: &[&str] = &[
    "duplicate",
    "repetition",
    "typography",
    "boilerplate",
    "fake_bio",
    "lexicon",
    "untranslated",
    "oddity",
    "fidelity",
];

/// Data the detectors share, loaded and compiled once per process.
pub struct Resources {
    pub lexicon: Arc<Lexicon>,
    pub foreign: Arc<ForeignWords>,
    /// Model of normal English for `oddity` (the embedded one unless replaced).
    pub model: Arc<crate::model::Model>,
}

impl Resources {
    /// The embedded lexicons, plus `dirs` (each `DIR/<lang>-en/*.csv`) added or overriding by id.
    pub fn load(dirs: &[PathBuf]) -> Result<Resources> {
        let lexicon = if dirs.is_empty() {
            Lexicon::embedded()?
        } else {
            let mut layers = vec![crate::lexicon::entry::embedded_files()];
            for d in dirs {
                layers.push(Lexicon::read_dir(d)?);
            }
            let layers: Vec<&[(String, String, String)]> =
                layers.iter().map(Vec::as_slice).collect();
            Lexicon::build_layers(&layers, &crate::lexicon::Classes::default_embedded())?
        };
        Ok(Resources {
            lexicon: Arc::new(lexicon),
            foreign: Arc::new(ForeignWords::embedded()),
            model: Arc::new(crate::model::Model::embedded()?),
        })
    }
}

/// Every detector, in the order of [`DETECTOR_IDS`].
pub fn registry(res: &Resources) -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(duplicate::Duplicate),
        Box::new(repetition::Repetition),
        Box::new(typography::Typography),
        Box::new(boilerplate::Boilerplate::default_lexicon()),
        Box::new(fake_bio::FakeBio::default_lexicon()),
        Box::new(lexicon::LexiconDetector::new(res.lexicon.clone())),
        Box::new(untranslated::Untranslated::new(res.foreign.clone())),
        Box::new(oddity::Oddity::new(res.model.clone())),
        Box::new(fidelity::Fidelity::new(
            res.foreign.clone(),
            res.model.clone(),
        )),
    ]
}

/// Runs `detector` on `text` and returns the normalised text of each hit: the shape detector
/// tests assert on.
#[cfg(test)]
pub(crate) fn spans(detector: &dyn Detector, text: &str) -> Vec<String> {
    let doc = Document::new(text);
    detector
        .check(&doc)
        .iter()
        .map(|h| doc.text(h.start, h.end).to_string())
        .collect()
}
