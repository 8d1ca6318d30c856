//! Inline suppression. In any input (naturally in Markdown and HTML):
//! `<!-- mtlint-disable [rules] -->` … `<!-- mtlint-enable [rules] -->` and
//! `<!-- mtlint-disable-next-line [rules] -->`; in plain text, a line ending in `mtlint:ignore`.
//! Rules are rule ids, detector ids or categories separated by commas or spaces; none means all.

use crate::finding::Finding;

/// Byte ranges of the original text where findings of some rules are suppressed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suppressions {
    /// (start, end, rules), sorted by start; empty rules: every rule.
    ranges: Vec<(usize, usize, Vec<String>)>,
    /// `reach[i]`: the furthest end of `ranges[..=i]`, so a lookup stops at the first range
    /// that cannot reach the offset instead of testing them all (a file of 50,000 directives
    /// made checking quadratic).
    reach: Vec<usize>,
}

impl Suppressions {
    /// Finds the directives in a text.
    pub fn scan(text: &str) -> Suppressions {
        let mut ranges = Vec::new();
        // Cheap exit for the common case.
        if !text.contains("mtlint") {
            return Suppressions::default();
        }
        let mut open = OpenRegions::default();
        let mut at = 0;
        while let Some(i) = text[at..].find("<!--") {
            let start = at + i;
            // Searched after the opener, so `<!-->` cannot overlap it.
            let Some(j) = text[start + 4..].find("-->") else {
                break;
            };
            let end = start + 4 + j + 3;
            let body = text[start + 4..end - 3].trim();
            let (directive, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
            let rules: Vec<String> = rest
                .split([',', ' ', '\t', '\n'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            match directive {
                "mtlint-disable-next-line" => {
                    let next = line_end(text, end).map_or(text.len(), |e| e + 1);
                    let next_end = line_end(text, next).unwrap_or(text.len());
                    ranges.push((next, next_end, rules));
                }
                "mtlint-disable" => open.push(end, rules),
                "mtlint-enable" => {
                    for (from, r) in open.close(&rules) {
                        ranges.push((from, start, r));
                    }
                }
                _ => {}
            }
            at = end;
        }
        ranges.extend(
            open.close(&[])
                .into_iter()
                .map(|(from, r)| (from, text.len(), r)),
        );
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_end().ends_with("mtlint:ignore") {
                ranges.push((line_start, line_start + line.len(), Vec::new()));
            }
            line_start += line.len();
        }
        ranges.sort_by_key(|r| r.0);
        let reach = ranges
            .iter()
            .scan(0, |max, r| {
                *max = r.1.max(*max);
                Some(*max)
            })
            .collect();
        Suppressions { ranges, reach }
    }

    /// Whether a finding starts in a range that suppresses its rule.
    pub fn covers(&self, f: &Finding) -> bool {
        let at = f.start;
        let before = self.ranges.partition_point(|r| r.0 <= at);
        (0..before)
            .rev()
            .take_while(|&i| self.reach[i] > at)
            .any(|i| {
                let (_, e, rules) = &self.ranges[i];
                at < *e && (rules.is_empty() || rules.iter().any(|r| names(r, f)))
            })
    }
}

/// Whether a rule, detector or category name refers to a finding.
pub fn names(name: &str, f: &Finding) -> bool {
    name == f.rule
        || name == f.category.as_str()
        || f.rule
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `mtlint-disable` regions not yet closed, indexed by rule so that each `mtlint-enable` costs
/// the regions it closes, not all open ones (50,000 of each made scanning quadratic).
#[derive(Default)]
struct OpenRegions {
    /// (start, rules) of each region; `None` once closed.
    slots: Vec<Option<(usize, Vec<String>)>>,
    open: std::collections::BTreeSet<usize>,
    by_rule: std::collections::HashMap<String, Vec<usize>>,
}

impl OpenRegions {
    fn push(&mut self, from: usize, rules: Vec<String>) {
        let i = self.slots.len();
        for r in &rules {
            self.by_rule.entry(r.clone()).or_default().push(i);
        }
        self.slots.push(Some((from, rules)));
        self.open.insert(i);
    }

    /// Closes every region (no rules) or those naming one of `rules`, in opening order.
    fn close(&mut self, rules: &[String]) -> Vec<(usize, Vec<String>)> {
        let mut closing: Vec<usize> = if rules.is_empty() {
            self.by_rule.clear();
            std::mem::take(&mut self.open).into_iter().collect()
        } else {
            let mut v: Vec<usize> = rules
                .iter()
                .filter_map(|r| self.by_rule.remove(r))
                .flatten()
                .filter(|i| self.open.remove(i))
                .collect();
            v.sort_unstable();
            v
        };
        closing.dedup();
        closing
            .into_iter()
            .filter_map(|i| self.slots[i].take())
            .collect()
    }
}

/// Offset of the `\n` ending the line that contains `at`.
fn line_end(text: &str, at: usize) -> Option<usize> {
    text[at..].find('\n').map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};

    fn at(text: &str, needle: &str, rule: &str) -> Finding {
        let start = text.find(needle).unwrap();
        Finding {
            article: "a".into(),
            line: 1,
            column: 1,
            start,
            end: start + needle.len(),
            category: Category::parse(rule.split('.').next().unwrap())
                .unwrap_or(Category::Repetition),
            rule: rule.into(),
            severity: Severity::Minor,
            confidence: 0.9,
            span: needle.into(),
            suggestion: None,
            explanation: "e".into(),
            sentence: needle.into(),
        }
    }

    #[test]
    fn regions_next_line_and_ignore_comments() {
        let text = "A a one.\n<!-- mtlint-disable repetition -->\nB b two.\nC “c.\n\
                    <!-- mtlint-enable -->\nD d three.\n<!-- mtlint-disable-next-line -->\n\
                    E e four.\nF f five.\nG g six. mtlint:ignore\nH h seven.\n";
        let s = Suppressions::scan(text);
        let rep = "repetition.doubled-word";
        assert!(!s.covers(&at(text, "A a", rep)));
        assert!(s.covers(&at(text, "B b", rep)));
        assert!(!s.covers(&at(text, "“c", "typography.unbalanced-quote")));
        assert!(!s.covers(&at(text, "D d", rep)));
        assert!(s.covers(&at(text, "E e", rep)));
        assert!(!s.covers(&at(text, "F f", rep)));
        assert!(s.covers(&at(text, "G g", rep)));
        assert!(!s.covers(&at(text, "H h", rep)));
    }

    #[test]
    fn enable_with_rules_closes_only_their_regions_and_odd_comments_are_safe() {
        let text = "<!-- mtlint-disable typography -->\n<!-- mtlint-disable repetition -->\n\
                    A a.\n<!-- mtlint-enable repetition -->\nB b “c.\n<!-->\n<!-- x";
        let s = Suppressions::scan(text);
        assert!(s.covers(&at(text, "A a", "repetition.doubled-word")));
        assert!(!s.covers(&at(text, "B b", "repetition.doubled-word")));
        assert!(s.covers(&at(text, "“c", "typography.unbalanced-quote")));
    }

    #[test]
    fn an_unclosed_region_runs_to_the_end() {
        let text = "<!-- mtlint-disable repetition.doubled-word, typography -->\nA a.\n";
        let s = Suppressions::scan(text);
        assert!(s.covers(&at(text, "A a", "repetition.doubled-word")));
        assert!(!s.covers(&at(text, "A a", "repetition.reduplication")));
    }
}
