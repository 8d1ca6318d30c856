//! The rule catalogue: every rule id a detector can report, with its category, default severity,
//! source language, explanation and examples. `mtlint rules`, `mtlint explain` and the SARIF rule
//! metadata are written from it.

use crate::detect::Resources;
use crate::detect::boilerplate::Boilerplate;
use crate::finding::{Category, Severity};
use crate::lexicon::foreign::{FOREIGN_TSV, LANGUAGES};

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The id findings carry, e.g. `repetition.doubled-word` or `calque.nl.<entry>`.
    pub id: String,
    /// Rules listed together by `mtlint rules` (lexicon entries of one language and category,
    /// boilerplate patterns), e.g. `calque.nl`.
    pub group: Option<String>,
    pub category: Category,
    pub severity: Severity,
    /// The source language the rule is evidence of.
    pub lang: Option<String>,
    /// Words or patterns behind the rule (1 for a hand-written rule).
    pub entries: usize,
    /// One line.
    pub summary: String,
    /// Why it is flagged.
    pub explanation: String,
    /// Text it flags.
    pub example: String,
    /// Native text it leaves alone.
    pub native: String,
    /// Lexicon entries: the source phrase, what it means and what to write.
    pub source: Option<Source>,
}

/// What a lexicon entry renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub phrase: String,
    pub meaning: String,
    pub suggestion: String,
}

/// The hand-written rules of the structural detectors:
/// (id, category, severity, summary, explanation, example, native).
const STRUCTURAL: &[(&str, Category, Severity, &str, &str, &str, &str)] = &[
    (
        "duplicate.sentence",
        Category::Duplicate,
        Severity::Major,
        "a sentence repeated within an article",
        "MT pipelines paste a sub-heading back as a paragraph or render a teaser and then the same text in the body; the second copy is flagged.",
        "Putin met Xi in Moscow. The talks lasted hours. Putin met Xi in Moscow.",
        "Putin met Xi in Moscow on Monday. Putin met Modi in Delhi on Friday.",
    ),
    (
        "duplicate.paragraph",
        Category::Duplicate,
        Severity::Major,
        "a paragraph repeated within an article",
        "A whole paragraph appears twice, exactly or nearly: a sub-heading or teaser restated in the body.",
        "Russian elites doubt that Putin alone can withstand the pressure. (…) Russian elites doubt that he can single-handedly withstand the pressure.",
        "Two paragraphs that share a subject but say different things.",
    ),
    (
        "repetition.doubled-word",
        Category::Repetition,
        Severity::Minor,
        "a word written twice in a row",
        "A doubled word ('the the') is a typo or an artifact of joining translated fragments.",
        "The the economy is slowing.",
        "He had had enough. That that is true is clear.",
    ),
    (
        "repetition.reduplication",
        Category::Repetition,
        Severity::Minor,
        "one word where the source paired two near-synonyms",
        "'X and X' repeats one word where the source likely paired two near-synonyms (Dutch 'kraakt en piept': creaks and creaks).",
        "The Chinese economy creaks and creaks.",
        "They tried again and again. Prices rose higher and higher.",
    ),
    (
        "typography.unbalanced-quote",
        Category::Typography,
        Severity::Minor,
        "a quotation mark with no partner in its paragraph",
        "A closing quote with no opening one (or the reverse) is left when MT splits or merges quoted sentences.",
        "Xi does not want Putin to fall.”",
        "“Because Xi will have to promise something,” says Galgamov.",
    ),
    (
        "typography.unbalanced-bracket",
        Category::Typography,
        Severity::Minor,
        "a bracket with no partner in its paragraph",
        "An opening bracket with no closing one (or the reverse).",
        "The party (VVD said no.",
        "The options are a) stay and b) go.",
    ),
    (
        "typography.mojibake",
        Category::Typography,
        Severity::Major,
        "UTF-8 decoded with a legacy code page",
        "UTF-8 bytes read as Windows-1252, Latin-1 or Windows-874 turn '“' into 'â€œ' or 'โ€œ' and 'é' into 'Ã©'.",
        "โ€œugly and inappropriateโ€",
        "Café owners in São Paulo agreed.",
    ),
    (
        "typography.replacement-character",
        Category::Typography,
        Severity::Major,
        "characters lost in a conversion",
        "A replacement character or '?' where a letter was: the text went through an encoding that could not hold it.",
        "The caf� was closed.",
        "Was the café closed?",
    ),
    (
        "fake_bio.generated-bio",
        Category::FakeBio,
        Severity::Major,
        "a generated author bio",
        "A run of verbless persona fragments ('Coffee lover. Travel geek.') is a generated bio, not article text.",
        "Devoted music fanatic. Hipster-friendly beer buff. Zombie maven.",
        "The advocate spoke. The writer left.",
    ),
    (
        "untranslated.nl.party-member",
        Category::Untranslated,
        Severity::Minor,
        "a Dutch party-member form ('CDA'er')",
        "Dutch writes a party member as the party plus -'er; English has no such suffix.",
        "CDA'er Pieter Omtzigt voted against.",
        "CDA member Pieter Omtzigt voted against.",
    ),
    (
        "fidelity.number-changed",
        Category::Fidelity,
        Severity::Major,
        "a number of the source changed in the translation (bilingual input)",
        "The aligned source segment has a number the translation does not, and the translation has one the source does not: digits swapped or misread. Decimal commas and thousands points are compared by value (3,5 = 3.5; 1.000 = 1,000).",
        "Revenue rose to 5.3 billion euros. [source: De omzet steeg tot 3,5 miljard euro.]",
        "Revenue rose to 3.5 billion euros. [source: De omzet steeg tot 3,5 miljard euro.]",
    ),
    (
        "fidelity.number-missing",
        Category::Fidelity,
        Severity::Major,
        "a number of the source left out of the translation (bilingual input)",
        "The aligned source segment has a number (amount, date, year) that appears nowhere in the translated segment, in digits or as an English number word.",
        "The talks will resume in the spring. [source: De gesprekken worden in het voorjaar van 2027 hervat.]",
        "The talks will resume in the spring of 2027. [source: De gesprekken worden in het voorjaar van 2027 hervat.]",
    ),
    (
        "fidelity.name-missing",
        Category::Fidelity,
        Severity::Major,
        "a name of the source left out of the translation (bilingual input)",
        "A capitalised word of the source segment, not at the start of a sentence and not a common word in either language, is a name; the translated segment has no word like it.",
        "The minister said so on Tuesday. [source: Minister Jansen zei dat dinsdag.]",
        "Minister Jansen said so on Tuesday. [source: Minister Jansen zei dat dinsdag.]",
    ),
    (
        "oddity.pair",
        Category::Oddity,
        Severity::Minor,
        "two common words that normal English never puts side by side",
        "Chance alone would put the two words together many times in the model of normal English (`mtlint train`, `--model`), yet it never saw them together: often a word chosen by a dictionary rather than a writer. The explanation gives the counts.",
        "Rebuilding the bridge is a big work for the town.",
        "Rebuilding the bridge is a big job for the town.",
    ),
    (
        "oddity.adverb",
        Category::Oddity,
        Severity::Minor,
        "an adjective after a verb where English needs its -ly adverb",
        "Dutch and German have one form for adjective and adverb, so machine translation writes 'reacted angry'. Flagged when the model of normal English never saw the verb with the adjective, but saw it with the adjective's -ly adverb (lexicons/adverbs.csv) often enough, or saw -ly adverbs after the verb and never adjectives. Verbs that take adjectives ('felt angry', 'went wrong') and adjectives before their noun are left alone. The explanation gives the counts.",
        "The minister reacted angry to the questions.",
        "The minister felt angry about the questions.",
    ),
    (
        "oddity.topic",
        Category::Oddity,
        Severity::Minor,
        "a word that fits the text around it far worse than it usually does",
        "Each word's vector in the model of normal English says which words it keeps company with, and how well it usually fits the text around it. A word that fits its story far worse than usual (a 'lyricist' among ministers and budgets) is often a dictionary's wrong sense. Needs about 40 content words of context.",
        "The Kremlin is preparing for a difficult winter. Sanctions have hit the economy hard, and the government has raised taxes to pay for the war. Opposition politicians say the budget hides the real cost of the army, while officials in the regions complain that salaries arrive late. A former Kremlin lyricist told reporters that the president no longer trusts his ministers and that the security services are divided over the next election. Analysts expect protests in several large cities before the spring.",
        "The band is preparing for a long winter tour. The new album has sold well, and the singer has written most of the songs on the piano. Critics say the melodies are stronger than the words, while fans in the front rows complain that the concerts start late. The band's former lyricist told reporters that the guitarist no longer writes music with the drummer and that the group is divided over the next record. Tickets for the autumn concerts in several large cities sold out within minutes.",
    ),
];

/// Every rule: the structural ones, each boilerplate pattern, one per untranslated language, and
/// every lexicon entry.
pub fn catalogue(res: &Resources) -> Vec<Rule> {
    let mut rules: Vec<Rule> = STRUCTURAL
        .iter()
        .map(
            |&(id, category, severity, summary, explanation, example, native)| Rule {
                id: id.to_string(),
                group: None,
                category,
                severity,
                lang: id.starts_with("untranslated.nl.").then(|| "nl".to_string()),
                entries: 1,
                summary: summary.to_string(),
                explanation: explanation.to_string(),
                example: example.to_string(),
                native: native.to_string(),
                source: None,
            },
        )
        .collect();
    let boilerplate = Boilerplate::default_lexicon();
    for e in boilerplate.entries() {
        rules.push(Rule {
            id: format!("boilerplate.{}", e.id),
            group: Some("boilerplate".into()),
            category: Category::Boilerplate,
            severity: Severity::parse(&e.severity).unwrap_or(Severity::Major),
            lang: None,
            entries: 1,
            summary: format!("site furniture: '{}'", e.pattern),
            explanation: e.explanation.clone(),
            example: e.example.clone(),
            native: e.native.clone(),
            source: None,
        });
    }
    let mut flagged = [0usize; 4];
    for line in FOREIGN_TSV.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let (Some(lang), Some(&"flag")) = (cols.get(1), cols.get(4))
            && let Some(i) = LANGUAGES.iter().position(|l| l == lang)
        {
            flagged[i] += 1;
        }
    }
    for (lang, n) in LANGUAGES.iter().zip(flagged) {
        rules.push(Rule {
            id: format!("untranslated.{lang}"),
            group: None,
            category: Category::Untranslated,
            severity: Severity::Major,
            lang: Some(lang.to_string()),
            entries: n,
            summary: "a source-language word left untranslated".into(),
            explanation: "A lowercase word common in the source language, far rarer in English and unknown to an English language model, standing alone (a cluster of them is a quotation).".into(),
            example: match *lang {
                "nl" => "The gemeente will decide on Monday.",
                "de" => "The gemeinde will decide on Monday.",
                "fr" => "The mairie will decide on Monday.",
                _ => "The ayuntamiento will decide on Monday.",
            }
            .into(),
            native: "The Bundestag will decide on Monday; the polder is flooded.".into(),
            source: None,
        });
    }
    for e in res.lexicon.entries() {
        rules.push(Rule {
            id: e.rule.clone(),
            group: Some(format!("{}.{}", e.category, e.lang)),
            category: e.category,
            severity: e.severity,
            lang: (e.lang != "any").then(|| e.lang.clone()),
            entries: 1,
            summary: format!("'{}' ({})", e.row.source, e.row.meaning),
            explanation: e.row.explanation.to_string(),
            example: e.row.example.to_string(),
            native: e.row.native.to_string(),
            source: Some(Source {
                phrase: e.row.source.to_string(),
                meaning: e.row.meaning.to_string(),
                suggestion: e.row.suggestion.to_string(),
            }),
        });
    }
    rules
}

/// A line of `mtlint rules`: one rule, or a group of lexicon entries or patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub id: String,
    pub category: Category,
    /// Lowest and highest severity in the group.
    pub severity: (Severity, Severity),
    pub lang: Option<String>,
    pub entries: usize,
    pub summary: String,
}

/// Groups lexicon entries per language and category (and boilerplate patterns) unless
/// `verbose`, which lists every rule.
pub fn listing(rules: &[Rule], verbose: bool) -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    for r in rules {
        let key = if verbose { None } else { r.group.as_ref() };
        if let Some(g) = key
            && let Some(l) = out.iter_mut().find(|l| &l.id == g)
        {
            l.entries += r.entries;
            l.severity = (l.severity.0.min(r.severity), l.severity.1.max(r.severity));
            continue;
        }
        out.push(Listed {
            id: key.cloned().unwrap_or_else(|| r.id.clone()),
            category: r.category,
            severity: (r.severity, r.severity),
            lang: r.lang.clone(),
            entries: r.entries,
            summary: match key {
                Some(_) if r.category == Category::Boilerplate => "site furniture".into(),
                Some(_) => format!("{} entries of the {} lexicon", r.category, lang_of(r)),
                None => r.summary.clone(),
            },
        });
    }
    out
}

fn lang_of(r: &Rule) -> &str {
    r.lang.as_deref().unwrap_or("shared")
}

/// The rules `name` explains: one rule by id, or every rule of a group, detector or category.
/// An unknown name is an error suggesting the closest rule id.
pub fn lookup<'a>(rules: &'a [Rule], name: &str) -> crate::Result<Vec<&'a Rule>> {
    let name = name.trim_end_matches(".*");
    if let Some(r) = rules.iter().find(|r| r.id == name) {
        return Ok(vec![r]);
    }
    let found: Vec<&Rule> = rules
        .iter()
        .filter(|r| {
            r.group.as_deref() == Some(name)
                || r.category.as_str() == name
                || r.id.starts_with(&format!("{name}."))
        })
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    let closest = rules
        .iter()
        .map(|r| (strsim::jaro_winkler(&r.id, name), r.id.as_str()))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.7)
        .map(|(_, id)| format!(" (did you mean '{id}'?)"))
        .unwrap_or_default();
    Err(crate::Error::Usage(format!(
        "unknown rule '{name}'{closest}; `mtlint rules --verbose` lists them all"
    )))
}

/// The text `mtlint explain` prints for one rule.
pub fn explain(r: &Rule) -> String {
    let mut s = format!(
        "{}\n  category: {}\n  severity: {}\n  source language: {}\n",
        r.id,
        r.category,
        r.severity,
        r.lang.as_deref().unwrap_or("any")
    );
    if r.entries > 1 {
        s += &format!("  entries: {}\n", r.entries);
    }
    if let Some(src) = &r.source {
        s += &format!(
            "  source phrase: {}\n  meaning: {}\n  suggestion: {}\n",
            src.phrase, src.meaning, src.suggestion
        );
    }
    s += &format!(
        "  explanation: {}\n  flags: {}\n  leaves alone: {}\n",
        r.explanation, r.example, r.native
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Checker, Selection};
    use crate::ingest::Article;

    fn resources() -> &'static Resources {
        static RES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        RES.get_or_init(|| Resources::load(&[]).expect("embedded resources load"))
    }

    #[test]
    fn every_rule_a_fixture_fires_is_in_the_catalogue() {
        let rules = catalogue(resources());
        let checker = Checker::new(resources(), Selection::default(), Default::default());
        for name in ["xi-putin-moscow.txt", "mt-short.txt"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name);
            let text = std::fs::read_to_string(path).expect("fixture reads");
            let article = Article {
                text,
                ..Default::default()
            };
            for f in checker.check(&article, "a").findings {
                assert!(rules.iter().any(|r| r.id == f.rule), "{} missing", f.rule);
            }
        }
    }

    #[test]
    fn rule_examples_fire_and_ids_are_unique() {
        let rules = catalogue(resources());
        let mut ids = std::collections::HashSet::new();
        for r in &rules {
            assert!(ids.insert(&r.id), "duplicate rule id {}", r.id);
        }
        // Every detector, the experimental ones included.
        let all = Selection::parse(&[crate::detect::DETECTOR_IDS.join(",")], &[]).unwrap();
        let checker = Checker::new(resources(), all, Default::default());
        for r in rules.iter().filter(|r| r.group.is_none()) {
            // Bilingual examples read "target [source: source]".
            let article = match r.example.split_once(" [source: ") {
                Some((target, source)) => Article {
                    text: target.to_string(),
                    segments: vec![crate::ingest::Segment {
                        target: 0..target.len(),
                        source: source.trim_end_matches(']').to_string(),
                    }],
                    ..Default::default()
                },
                None => Article {
                    text: r.example.clone(),
                    ..Default::default()
                },
            };
            let fired = checker.check(&article, "a").findings;
            assert!(
                fired.iter().any(|f| f.rule == r.id) || r.id.starts_with("duplicate."),
                "{} does not fire on its example: {fired:?}",
                r.id
            );
        }
    }

    #[test]
    fn listing_groups_lexicon_entries() {
        let rules = catalogue(resources());
        let short = listing(&rules, false);
        let long = listing(&rules, true);
        assert_eq!(long.len(), rules.len());
        assert!(short.len() < long.len());
        let total = |l: &[Listed]| l.iter().map(|l| l.entries).sum::<usize>();
        assert_eq!(total(&short), total(&long));
        assert!(short.iter().any(|l| l.id == "boilerplate"));
    }

    #[test]
    fn lookup_suggests_the_closest_rule() {
        let rules = catalogue(resources());
        assert_eq!(lookup(&rules, "repetition").unwrap().len(), 2);
        let e = lookup(&rules, "repetition.doubled-wrod").unwrap_err();
        assert!(
            e.to_string()
                .contains("did you mean 'repetition.doubled-word'"),
            "{e}"
        );
    }
}
