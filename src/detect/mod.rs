//! Detection: one detector per file, each implementing [`Detector`], all listed once in
//! [`registry`].

use crate::finding::{Category, Severity};
use crate::segment::Document;

pub mod boilerplate;
pub mod duplicate;
pub mod fake_bio;
pub mod repetition;
pub mod typography;

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
}

/// Every built-in detector, in the order they run.
pub fn registry() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(duplicate::Duplicate),
        Box::new(repetition::Repetition),
        Box::new(typography::Typography),
        Box::new(boilerplate::Boilerplate::default_lexicon()),
        Box::new(fake_bio::FakeBio::default_lexicon()),
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
