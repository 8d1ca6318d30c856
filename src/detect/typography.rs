//! `typography`: quotation marks and brackets that do not balance within a paragraph, and
//! mojibake: UTF-8 bytes decoded with a legacy code page (Windows-1252, Latin-1, Windows-874),
//! which turns "“" into "â€œ" or "โ€œ" and "é" into "Ã©".
//!
//! Flags: `Xi does not want Putin to fall.”` (a closing quote with no opening one) and
//! `โ€œugly and inappropriateโ€`.
//! Leaves alone: `“Because Xi will have to promise something,” says Galgamov.` and
//! `Café owners in São Paulo (Brazil) agreed.`
//!
//! Quotes continuing into the next paragraph follow the English convention: a paragraph may
//! leave a quotation open when the next paragraph starts with an opening mark.

use super::{Detector, Hit};
use crate::finding::{Category, Severity};
use crate::segment::Document;

pub struct Typography;

impl Detector for Typography {
    fn id(&self) -> &'static str {
        "typography"
    }

    fn description(&self) -> &'static str {
        "unbalanced quotation marks and brackets within a paragraph; mojibake and lost characters"
    }

    fn categories(&self) -> &'static [Category] {
        &[Category::Typography]
    }

    fn check(&self, doc: &Document) -> Vec<Hit> {
        let mut hits = Vec::new();
        // One set of stacks for all paragraphs, rather than new ones for each.
        let mut marks = Marks::default();
        for (pi, _) in doc.paragraphs.iter().enumerate() {
            quotes(doc, pi, &mut hits, &mut marks);
            brackets(doc, pi, &mut hits, &mut marks.brackets);
        }
        mojibake(doc, &mut hits);
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

/// The open marks of the paragraph being checked.
#[derive(Default)]
struct Marks {
    curly: Vec<usize>,
    straight: Vec<usize>,
    brackets: Vec<(usize, char)>,
}

/// Longest span reported around a mark: a paragraph of 100,000 stray marks must not make each
/// finding carry the whole paragraph (quadratic memory and output).
const MAX_SPAN_BYTES: usize = 600;

/// The sentence around a mark: from the sentence start to the mark for a closing one, from the
/// mark to the sentence end for an opening one; at most [`MAX_SPAN_BYTES`] of it.
fn around(doc: &Document, pos: usize, len: usize, closing: bool) -> (usize, usize) {
    let s = doc.sentence_at(pos).map(|i| &doc.sentences[i]);
    let text = &doc.norm.text;
    match (s, closing) {
        (Some(s), true) => {
            let mut start = s.start.min(pos).max(pos.saturating_sub(MAX_SPAN_BYTES));
            while !text.is_char_boundary(start) {
                start += 1;
            }
            (start, pos + len)
        }
        (Some(s), false) => {
            let mut end = s.end.max(pos + len).min(pos + len + MAX_SPAN_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (pos, end)
        }
        (None, _) => (pos, pos + len),
    }
}

/// The original character behind a normalised position.
fn original_char(doc: &Document, pos: usize) -> char {
    doc.original[doc.norm.map.start(pos)..]
        .chars()
        .next()
        .unwrap_or(' ')
}

fn next_paragraph_opens_quote(doc: &Document, pi: usize) -> bool {
    doc.paragraphs.get(pi + 1).is_some_and(|p| {
        doc.text(p.start, p.end).starts_with('"')
            && matches!(original_char(doc, p.start), '“' | '"' | '„' | '«')
    })
}

fn quotes(doc: &Document, pi: usize, hits: &mut Vec<Hit>, marks: &mut Marks) {
    let p = &doc.paragraphs[pi];
    let text = doc.text(p.start, p.end);
    // Most paragraphs quote nothing: nothing to pair (memchr's vector search, several times
    // faster per byte than the standard library's).
    if memchr::memchr(b'"', text.as_bytes()).is_none() {
        return;
    }
    // Curly (directional) marks are checked as a stack; straight ones by parity.
    let Marks {
        curly: open_curly,
        straight,
        ..
    } = marks;
    open_curly.clear();
    straight.clear();
    // Guillemets are quotes only in pairs; a lone "»" is a breadcrumb separator ("Home » News").
    let original = &doc.original[doc.norm.map.start(p.start)..doc.norm.map.end(p.end)];
    let guillemets = original.contains('«') && original.contains('»');
    // '"' is ASCII: its byte offsets are its character offsets.
    for i in memchr::memchr_iter(b'"', text.as_bytes()) {
        let pos = p.start + i;
        match original_char(doc, pos) {
            '«' | '»' if !guillemets => {}
            '“' if open_curly.is_empty() || !is_low_open(doc, *open_curly.last().unwrap_or(&0)) => {
                open_curly.push(pos)
            }
            '„' | '«' => open_curly.push(pos),
            '”' | '“' | '»' => {
                if open_curly.pop().is_none() {
                    let (start, end) = around(doc, pos, 1, true);
                    hits.push(quote_hit(
                        start,
                        end,
                        "A closing quotation mark with no opening one",
                    ));
                }
            }
            _ => straight.push(pos),
        }
    }
    let continues = next_paragraph_opens_quote(doc, pi);
    if let Some(&pos) = open_curly.first()
        && !continues
    {
        let (start, end) = around(doc, pos, 1, false);
        hits.push(quote_hit(
            start,
            end,
            "An opening quotation mark that is never closed",
        ));
    }
    if straight.len() % 2 == 1 && !continues {
        let pos = straight[straight.len() - 1];
        let closing = pos > p.start && !doc.norm.text[..pos].ends_with(char::is_whitespace);
        let (start, end) = around(doc, pos, 1, closing);
        hits.push(quote_hit(start, end, "A quotation mark without its pair"));
    }
}

fn is_low_open(doc: &Document, pos: usize) -> bool {
    original_char(doc, pos) == '„'
}

fn quote_hit(start: usize, end: usize, what: &str) -> Hit {
    Hit {
        start,
        end,
        category: Category::Typography,
        rule: "typography.unbalanced-quote".into(),
        severity: Severity::Minor,
        confidence: 0.7,
        explanation: [
            what,
            " in this paragraph: the quotation was cut or pasted from elsewhere.",
        ]
        .concat(),
        suggestion: Some("add the missing quotation mark or remove the stray one".into()),
        lang: None,
    }
}

fn brackets(doc: &Document, pi: usize, hits: &mut Vec<Hit>, open: &mut Vec<(usize, char)>) {
    let p = &doc.paragraphs[pi];
    let text = doc.text(p.start, p.end);
    open.clear();
    // Brackets are ASCII: their byte offsets are character offsets. Found with memchr's vector
    // search (most paragraphs have none): the next of `(`, `)` and `[`, and the next `]`, each
    // looked for again once passed.
    let bytes = text.as_bytes();
    let next3 = |from: usize| {
        memchr::memchr3(b'(', b')', b'[', &bytes[from..]).map_or(usize::MAX, |i| from + i)
    };
    let next1 = |from: usize| memchr::memchr(b']', &bytes[from..]).map_or(usize::MAX, |i| from + i);
    let (mut three, mut one) = (next3(0), next1(0));
    while three.min(one) != usize::MAX {
        let i = three.min(one);
        if i == three {
            three = next3(i + 1);
        } else {
            one = next1(i + 1);
        }
        let byte = bytes[i];
        let c = char::from(byte);
        let pos = p.start + i;
        match c {
            '(' | '[' => open.push((pos, c)),
            ')' | ']' => {
                let want = if c == ')' { '(' } else { '[' };
                if open.last().is_some_and(|&(_, o)| o == want) {
                    open.pop();
                } else if !is_list_marker_or_smiley(&text[..i]) {
                    let (start, end) = around(doc, pos, 1, true);
                    hits.push(bracket_hit(
                        start,
                        end,
                        "A closing bracket with no opening one",
                    ));
                }
            }
            _ => {}
        }
    }
    if let Some(&(pos, _)) = open.first() {
        let (start, end) = around(doc, pos, 1, false);
        hits.push(bracket_hit(
            start,
            end,
            "An opening bracket that is never closed",
        ));
    }
}

/// "a) first", "2) second", ":)".
fn is_list_marker_or_smiley(before: &str) -> bool {
    if before.ends_with([':', ';']) {
        return true;
    }
    // The marker's characters and bytes, counted without collecting it.
    let (chars, bytes) = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .fold((0, 0), |(n, len), c| (n + 1, len + c.len_utf8()));
    let rest = &before[..before.len() - bytes];
    (1..=2).contains(&chars) && (rest.is_empty() || rest.ends_with(char::is_whitespace))
}

fn bracket_hit(start: usize, end: usize, what: &str) -> Hit {
    Hit {
        start,
        end,
        category: Category::Typography,
        rule: "typography.unbalanced-bracket".into(),
        severity: Severity::Minor,
        confidence: 0.6,
        explanation: [what, " in this paragraph."].concat(),
        suggestion: Some("add the missing bracket or remove the stray one".into()),
        lang: None,
    }
}

/// The byte a character stands for when UTF-8 was decoded as Windows-1252 / Latin-1 (and its C1
/// controls) or Windows-874 (Thai).
fn legacy_byte(c: char) -> Option<u8> {
    let u = c as u32;
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ if (0x80..=0xFF).contains(&u) => u as u8,
        // Windows-874 maps 0xA1..=0xFB to Thai U+0E01..=U+0E5B.
        _ if (0x0E01..=0x0E5B).contains(&u) => (u - 0x0E01 + 0xA1) as u8,
        _ => return None,
    })
}

/// Decoded characters that real mojibake produces: Latin, punctuation, currency, Greek and
/// Cyrillic, the BOM. Other decodings are coincidences ("ß”" is not NKo).
fn plausible(c: char) -> bool {
    matches!(c as u32, 0xA0..=0x24F | 0x370..=0x4FF | 0x2000..=0x20CF | 0x2100..=0x218F | 0x2190..=0x21FF | 0xFEFF)
}

/// The offset of the first non-ASCII byte: whole blocks are tested at once (the test
/// vectorises), only the block that holds it byte by byte.
fn non_ascii(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut at = 0;
    while at + BLOCK <= bytes.len() && bytes[at..at + BLOCK].is_ascii() {
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(|&b| !b.is_ascii())
        .map(|i| at + i)
}

/// Bytes between two mojibake sequences that still make one finding (a quoted phrase).
const MOJIBAKE_MERGE_GAP: usize = 80;

fn mojibake(doc: &Document, hits: &mut Vec<Hit>) {
    let text = doc.original;
    // Mojibake and U+FFFD are non-ASCII; plain ASCII is checked at memory speed.
    if text.is_ascii() {
        return;
    }
    // ASCII bytes skipped a byte at a time, only the rest decoded.
    let bytes = text.as_bytes();
    let mut chars: Vec<(usize, char)> = Vec::new();
    let mut at = 0;
    while let Some(skip) = non_ascii(&bytes[at..]) {
        at += skip;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        chars.push((at, c));
        at += c.len_utf8();
    }
    // Work only on runs of adjacent non-ASCII characters; ASCII text costs one filter pass.
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (off, c) = chars[i];
        if c == '\u{FFFD}' {
            found.push((off, off + c.len_utf8(), "?".into()));
            i += 1;
            continue;
        }
        let Some(lead) = legacy_byte(c).filter(|b| (0xC2..=0xF4).contains(b)) else {
            i += 1;
            continue;
        };
        let need = match lead {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            _ => 3,
        };
        let mut bytes = vec![lead];
        let mut end = off + c.len_utf8();
        let mut k = i + 1;
        while bytes.len() <= need && k < chars.len() && chars[k].0 == end {
            match legacy_byte(chars[k].1).filter(|b| (0x80..=0xBF).contains(b)) {
                Some(b) => {
                    bytes.push(b);
                    end += chars[k].1.len_utf8();
                    k += 1;
                }
                None => break,
            }
        }
        let decoded = if bytes.len() == need + 1 {
            std::str::from_utf8(&bytes).ok().map(str::to_string)
        } else if bytes == [0xE2, 0x80] {
            // "â€" + a byte Windows-1252 leaves undefined (0x9D) that the decoder dropped:
            // almost always a right double quotation mark.
            Some("”".to_string())
        } else {
            None
        };
        match decoded.filter(|d| d.chars().all(plausible)) {
            Some(d) => {
                match found.last_mut() {
                    Some(last) if last.1 == off => {
                        last.1 = end;
                        last.2.push_str(&d);
                    }
                    _ => found.push((off, end, d)),
                }
                i = k;
            }
            None => i += 1,
        }
    }
    // Nearby sequences in one sentence make one finding ("โ€œugly and inappropriateโ€"), the fix
    // being the stretch with every sequence decoded.
    let mut merged: Vec<(usize, usize, String)> = Vec::new();
    for (start, end, fix) in found {
        let sentence = doc.sentence_at(doc.norm.map.to_norm(start));
        match merged.last_mut() {
            Some(last)
                if fix != "?"
                    && !last.2.is_empty()
                    && start - last.1 <= MOJIBAKE_MERGE_GAP
                    && doc.sentence_at(doc.norm.map.to_norm(last.0)) == sentence
                    && !last.2.contains('?') =>
            {
                last.2.push_str(&text[last.1..start]);
                last.2.push_str(&fix);
                last.1 = end;
            }
            _ => merged.push((start, end, fix)),
        }
    }
    for (start, end, fix) in merged {
        let lost = fix == "?";
        hits.push(Hit {
            start: doc.norm.map.to_norm(start),
            end: doc.norm.map.to_norm(end),
            category: Category::Typography,
            rule: if lost {
                "typography.replacement-character"
            } else {
                "typography.mojibake"
            }
            .into(),
            severity: Severity::Major,
            confidence: 0.95,
            explanation: if lost {
                "A replacement character (U+FFFD): a character was lost when the text was decoded."
                    .into()
            } else {
                format!("Mojibake: UTF-8 bytes decoded with a legacy code page; this should read '{fix}'.")
            },
            suggestion: (!lost).then_some(fix),
            lang: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::spans;

    fn rules(text: &str) -> Vec<(String, String, Option<String>)> {
        let doc = Document::new(text);
        Typography
            .check(&doc)
            .into_iter()
            .map(|h| {
                let (s, e) = doc.original_span(h.start, h.end);
                (h.rule, text[s..e].to_string(), h.suggestion)
            })
            .collect()
    }

    #[test]
    fn unbalanced_quotes() {
        let cases: &[(&str, &[&str])] = &[
            (
                "“Because Xi must promise,” says Galgamov. It cannot be. Xi does not want Putin to fall.”",
                &["Xi does not want Putin to fall.\""],
            ),
            (
                "He said “no and left. Then he came back.",
                &["\"no and left."],
            ),
            ("He said \"no and left.", &["\"no and left."]),
            ("They called it a “personal friend”.", &[]),
            ("He said: „Wir schaffen das“ and left.", &[]),
            ("\"Straight quotes\" are fine.", &[]),
            (
                "“The first paragraph of a long quote.\n“The second one.”",
                &[],
            ),
            ("«Bonjour», dit-il.", &[]),
            ("Home » News » Politics", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(spans(&Typography, text), *want, "{text}");
        }
    }

    #[test]
    fn unbalanced_brackets() {
        let cases: &[(&str, &[&str])] = &[
            (
                "The court (ICC issued a warrant.",
                &["(ICC issued a warrant."],
            ),
            ("The court ICC) issued a warrant.", &["The court ICC)"]),
            ("The court (ICC) issued [a] warrant.", &[]),
            ("Options: a) stay b) go.", &[]),
            ("Nice :)", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(spans(&Typography, text), *want, "{text}");
        }
        // In a very long sentence the span is the mark and at most 600 bytes before it.
        let long = format!("{} ICC) issued.", "word ".repeat(300));
        let got = spans(&Typography, &long);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].len() <= MAX_SPAN_BYTES + 1 && got[0].ends_with("ICC)"),
            "{got:?}"
        );
    }

    #[test]
    fn mojibake_is_decoded() {
        let r = rules("The party called it โ€œugly and inappropriateโ€. CafÃ© owners said â€™no.");
        let got: Vec<(&str, Option<&str>)> = r
            .iter()
            .filter(|x| x.0 == "typography.mojibake")
            .map(|x| (x.1.as_str(), x.2.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "โ€œugly and inappropriateโ€",
                    Some("“ugly and inappropriate”")
                ),
                ("Ã© owners said â€™", Some("é owners said ’")),
            ]
        );
    }

    #[test]
    fn native_accents_and_symbols_are_not_mojibake() {
        for text in [
            "Café owners in São Paulo (Brazil) agreed.",
            "It cost £5 — or €6 — at 20°C, said Müller.",
            "„Gruß” from Zürich; naïve façade; Ægir; ½ price.",
            "Thai script: ภาษาไทย is fine.",
        ] {
            assert!(rules(text).is_empty(), "{text}: {:?}", rules(text));
        }
    }

    #[test]
    fn replacement_characters_are_flagged() {
        let r = rules("Caf\u{FFFD} owners");
        assert_eq!(r[0].0, "typography.replacement-character");
    }

    #[test]
    fn block_skip_finds_the_first_non_ascii_byte() {
        let a = "a".repeat(100);
        let cases = [
            String::new(),
            "é".into(),
            a.clone(),
            format!("{}é", &a[..31]),
            format!("{}é", &a[..32]),
            format!("{}é", &a[..33]),
            format!("{}é{}", &a[..64], a),
            format!("{a}{a}\u{FFFD}"),
        ];
        for text in &cases {
            let b = text.as_bytes();
            assert_eq!(
                non_ascii(b),
                b.iter().position(|&c| !c.is_ascii()),
                "{text:?}"
            );
        }
    }
}
