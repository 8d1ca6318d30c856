//! The one [`Finding`] type every output format is written from, and its vocabulary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How much an artifact hurts, with MQM-style weights (1, 5, 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

impl Severity {
    /// Penalty points per finding.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Minor => 1,
            Severity::Major => 5,
            Severity::Critical => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }

    /// Parses `minor`, `major` or `critical`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "minor" => Some(Severity::Minor),
            "major" => Some(Severity::Major),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of artifact a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A sentence or paragraph that appears twice.
    Duplicate,
    /// A doubled word or reduplicated verb.
    Repetition,
    /// Unbalanced quotes or brackets, mojibake.
    Typography,
    /// Site furniture left in the article body.
    Boilerplate,
    /// A generated author bio.
    FakeBio,
    /// A construction rendered word for word.
    Calque,
    /// A source word rendered by its English look-alike.
    FalseFriend,
    /// A source idiom rendered literally.
    LiteralIdiom,
    /// Source grammar kept in English.
    Grammar,
    /// A proper name translated as words.
    Name,
    /// Institutional or news vocabulary rendered word for word.
    Terminology,
    /// A source-language word left untranslated.
    Untranslated,
    /// A phrase normal English does not use.
    Oddity,
    /// A number or name of the source missing or changed in the translation (bilingual input).
    Fidelity,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: &'static [Category] = &[
        Category::Duplicate,
        Category::Repetition,
        Category::Typography,
        Category::Boilerplate,
        Category::FakeBio,
        Category::Calque,
        Category::FalseFriend,
        Category::LiteralIdiom,
        Category::Grammar,
        Category::Name,
        Category::Terminology,
        Category::Untranslated,
        Category::Oddity,
        Category::Fidelity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Duplicate => "duplicate",
            Category::Repetition => "repetition",
            Category::Typography => "typography",
            Category::Boilerplate => "boilerplate",
            Category::FakeBio => "fake_bio",
            Category::Calque => "calque",
            Category::FalseFriend => "false_friend",
            Category::LiteralIdiom => "literal_idiom",
            Category::Grammar => "grammar",
            Category::Name => "name",
            Category::Terminology => "terminology",
            Category::Untranslated => "untranslated",
            Category::Oddity => "oddity",
            Category::Fidelity => "fidelity",
        }
    }

    /// Parses a category name as written in reports and lexicons.
    pub fn parse(s: &str) -> Option<Self> {
        Category::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One likely artifact, located in the original input.
///
/// Field order is the column order of the per-article CSV report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Article id.
    pub article: String,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, in characters.
    pub column: usize,
    /// Byte offset of the span in the input (the `text` field for JSON Lines).
    pub start: usize,
    /// Byte offset just past the span.
    pub end: usize,
    pub category: Category,
    /// Rule id, `<detector>.<rule>` or `<category>.<lang>.<entry>`.
    pub rule: String,
    pub severity: Severity,
    /// 0–1: how sure the rule is that this is a translation artifact.
    pub confidence: f32,
    /// The original text of the span.
    pub span: String,
    /// What to write instead, when there is one.
    pub suggestion: Option<String>,
    /// Why this is flagged, for the editor.
    pub explanation: String,
    /// The original text of the sentence containing the span.
    pub sentence: String,
}
