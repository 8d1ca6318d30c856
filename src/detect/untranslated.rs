//! `untranslated`: source-language words left in the English text ("bovendien", "gemeente") and
//! Dutch party-member forms ("CDA'er"), from `lexicons/foreign-words.tsv`: words far more frequent
//! in Dutch, German, French or Spanish than in English. Capitalised words are skipped (names,
//! "Bundestag"), and so are loans English has adopted (their English frequency is too high).
//!
//! Flags: "The gemeente will decide on Tuesday." and "CDA'er Pieter Omtzigt said…".
//! Leaves alone: "Farmers reclaimed the polder in 1953."

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::lexicon::foreign::{ForeignWord, ForeignWords, LANGUAGES};
use crate::segment::{Document, Token, TokenKind};
use std::sync::Arc;

pub struct Untranslated {
    words: Arc<ForeignWords>,
}

impl Untranslated {
    pub fn new(words: Arc<ForeignWords>) -> Untranslated {
        Untranslated { words }
    }
}

/// "CDA'er", "VVD'ers", "D66'er": Dutch for a member of a party. The ending is tested first:
/// most words fail it at once.
fn party_member(word: &str) -> bool {
    let b = word.as_bytes();
    let head = match b.strip_suffix(b"'er").or_else(|| b.strip_suffix(b"'ers")) {
        Some(head) => head,
        None => return false,
    };
    // Only capitals and digits before the ending, so no other apostrophe.
    head.len() >= 2
        && head
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && head.iter().any(u8::is_ascii_uppercase)
}

impl Detector for Untranslated {
    fn id(&self) -> &'static str {
        "untranslated"
    }

    fn description(&self) -> &'static str {
        "source-language words left untranslated ('bovendien', 'gemeente', 'CDA'er')"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Untranslated]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        // Buffers reused across sentences: the sentence's word and number tokens, and each
        // one's table entry (looked up once).
        let mut words: Vec<Token> = Vec::new();
        let mut found: Vec<Option<ForeignWord>> = Vec::new();
        let (lookups, listed) = self.words.lookups_listed(doc);
        // The next of the tokens with an entry (in order) not in an earlier sentence.
        let mut next = 0;
        for s in &doc.sentences {
            let tokens = &doc.tokens[s.tokens.clone()];
            let entries = &lookups[s.tokens.clone()];
            // Entries are only looked up for words; counted from the tokens listed with one, not
            // by a pass over the sentence's tokens.
            while listed
                .get(next)
                .is_some_and(|&t| (t as usize) < s.tokens.start)
            {
                next += 1;
            }
            let mut foreign = 0;
            while let Some(&t) = listed.get(next)
                && (t as usize) < s.tokens.end
            {
                foreign += usize::from(lookups[t as usize].is_some_and(|f| f.flag));
                next += 1;
            }
            // Without foreign words, only a party-member form ("CDA'er") can be flagged, and it
            // needs an apostrophe, which most sentences lack (one SIMD scan says so).
            let party = || {
                memchr::memchr(b'\'', &doc.norm.text.as_bytes()[s.start..s.end]).is_some()
                    && tokens.iter().any(|t| {
                        t.kind == TokenKind::Word && party_member(doc.text(t.start, t.end))
                    })
            };
            // A sentence that is largely foreign is a quotation in that language, not a word
            // the translator left behind.
            if (foreign == 0 && !party())
                || (foreign >= MIN_FOREIGN_QUOTE && foreign * 4 >= s.words.len())
            {
                continue;
            }
            words.clear();
            found.clear();
            for (t, f) in tokens.iter().zip(entries) {
                if t.kind == TokenKind::Punct {
                    continue;
                }
                words.push(*t);
                found.push(f.filter(|f| f.flag));
            }
            self.check_words(doc, &words, &found, &mut hits);
        }
        // One finding per word and article: the first occurrence, with the count.
        let mut seen: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        let mut first: Vec<Hit> = Vec::new();
        for h in hits {
            let w = doc.folded(h.start, h.end);
            match seen.get(w) {
                Some(&i) => bump_count(&mut first[i].explanation),
                None => {
                    seen.insert(w, first.len());
                    first.push(h);
                }
            }
        }
        first
    }
}

/// Foreign words in one sentence from which it counts as a foreign-language quotation.
const MIN_FOREIGN_QUOTE: usize = 3;
/// Words on each side within which three foreign words make a quoted passage.
const QUOTE_WINDOW: usize = 4;

impl Untranslated {
    fn check_words(
        &self,
        doc: &Document,
        words: &[Token],
        found: &[Option<ForeignWord>],
        hits: &mut Vec<Hit>,
    ) {
        for (k, t) in words.iter().enumerate() {
            if t.kind != TokenKind::Word {
                continue;
            }
            // Foreign words in a cluster are a quoted passage ("seré gobernador hasta el
            // próximo miércoles"); a word the translator left behind stands alone.
            let lo = k.saturating_sub(QUOTE_WINDOW);
            let hi = (k + QUOTE_WINDOW + 1).min(words.len());
            if found[lo..hi].iter().filter(|f| f.is_some()).count() > 2 {
                continue;
            }
            let text = doc.text(t.start, t.end);
            if party_member(text) {
                hits.push(Hit {
                    start: t.start,
                    end: t.end,
                    category: Category::Untranslated,
                    rule: "untranslated.nl.party-member".into(),
                    severity: Severity::Minor,
                    confidence: 0.85,
                    explanation: format!(
                        "'{text}' is Dutch for a member of a party; English has no such suffix."
                    ),
                    suggestion: Some(format!(
                        "{} member / {} politician",
                        &text[..text.find('\'').unwrap_or(text.len())],
                        &text[..text.find('\'').unwrap_or(text.len())]
                    )),
                    lang: Some("nl".into()),
                });
                continue;
            }
            if text.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let Some(f) = found[k] else {
                continue;
            };
            let lang = LANGUAGES[f.lang];
            let how = if f.cb_en == i16::MIN {
                "never seen in English".to_string()
            } else {
                format!(
                    "{}× rarer in English",
                    10f64.powf(f64::from(f.cb - f.cb_en) / 100.0).round()
                )
            };
            hits.push(Hit {
                start: t.start,
                end: t.end,
                category: Category::Untranslated,
                rule: format!("untranslated.{lang}"),
                severity: Severity::Major,
                confidence: if f.cb_en == i16::MIN { 0.85 } else { 0.7 },
                explanation: format!(
                    "'{text}' looks like an untranslated {} word ({how}).",
                    language_name(lang)
                ),
                suggestion: Some("translate it".into()),
                lang: Some(lang.into()),
            });
        }
    }
}

/// "…word (…)." → "…word (…); 2 times in the article." → "…; 3 times…".
fn bump_count(explanation: &mut String) {
    const TAIL: &str = " times in the article.";
    if let Some(body) = explanation.strip_suffix(TAIL)
        && let Some((head, n)) = body.rsplit_once("; ")
        && let Ok(n) = n.parse::<usize>()
    {
        *explanation = format!("{head}; {}{TAIL}", n + 1);
    } else if let Some(body) = explanation.strip_suffix('.') {
        *explanation = format!("{body}; 2{TAIL}");
    }
}

fn language_name(code: &str) -> &'static str {
    match code {
        "nl" => "Dutch",
        "de" => "German",
        "fr" => "French",
        "es" => "Spanish",
        _ => "foreign",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    #[test]
    fn flags_untranslated_words() {
        let d = Untranslated::new(Arc::new(ForeignWords::embedded()));
        assert_eq!(
            spans(&d, "The gemeente will decide. Bovendien, it is late."),
            ["gemeente"]
        );
        assert_eq!(spans(&d, "CDA‘er Pieter Omtzigt said it."), ["CDA'er"]);
        assert_eq!(spans(&d, "It was, bovendien, too late."), ["bovendien"]);
        let doc = Document::new("The gemeente met. Later the gemeente and the gemeente agreed.");
        let hits = d.check(&doc);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].explanation.ends_with("; 3 times in the article."),
            "{}",
            hits[0].explanation
        );
    }

    #[test]
    fn party_member_agrees_with_splitting_at_the_apostrophe() {
        // The definition the fast test replaces.
        let reference = |word: &str| {
            let Some((head, tail)) = word.split_once('\'') else {
                return false;
            };
            matches!(tail, "er" | "ers")
                && head.len() >= 2
                && head
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && head.chars().any(|c| c.is_ascii_uppercase())
        };
        for w in [
            "CDA'er", "VVD'ers", "D66'er", "66'er", "C'er", "CD'A'er", "CDA'ers'", "cda'er",
            "CDA'erss", "CDA'", "'er", "CDA", "É'er", "ÉÉ'er", "PvdA'er", "CDA''er", "GL'ers",
        ] {
            assert_eq!(party_member(w), reference(w), "{w}");
        }
    }

    #[test]
    fn leaves_english_and_names_alone() {
        let d = Untranslated::new(Arc::new(ForeignWords::embedded()));
        for text in [
            "Farmers reclaimed the polder in 1953.",
            "The Bundestag voted. Gemeente Amsterdam is a name.",
            "The kindergarten and the zeitgeist.",
            "He gave a gift, and it will also die.",
            "O'Brien's men",
            "He said: \"No creo que vaya a pesar, hay que contar con el mandato del pueblo.\"",
        ] {
            assert!(spans(&d, text).is_empty(), "{text}: {:?}", spans(&d, text));
        }
    }
}
