//! Normalisation for matching: NFKC, quotes and dashes folded to ASCII, invisible characters
//! dropped, line breaks unified, plus a lowercase copy. An [`OffsetMap`] takes every position in
//! the normalised text back to a byte offset in the original input, so findings always point at
//! what the user wrote.
//!
//! ```
//! let n = mtlint::normalise::normalise("\u{FEFF}“Huge\u{00AD}serving” — Which can!");
//! assert_eq!(n.text, "\"Hugeserving\" - Which can!");
//! assert_eq!(n.folded, "\"hugeserving\" - which can!");
//! // "Which" starts at normalised byte 16, original byte 27 (BOM, curly quotes, soft hyphen, dash).
//! assert_eq!(n.map.start(16), 27);
//! ```

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Text prepared for matching, with the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// NFKC text with quotes, dashes and line breaks folded; case kept (segmentation needs it).
    pub text: String,
    /// `text` lowercased, byte for byte aligned with it: a character whose lowercase form has a
    /// different UTF-8 length (U+0130 "İ" and a handful of others) is kept as it is.
    pub folded: String,
    /// Normalised offset → original offset.
    pub map: OffsetMap,
}

/// Maps byte offsets in normalised text to byte offsets in the original.
///
/// Stored as anchors where the difference between the two changes, so plain ASCII costs nothing
/// and memory grows with the number of edits, not with the text.
#[derive(Debug, Clone)]
pub struct OffsetMap {
    /// `(normalised, original)` pairs, sorted by normalised offset; from each anchor to the next,
    /// offsets advance together.
    anchors: Vec<(usize, usize)>,
    norm_len: usize,
    orig_len: usize,
}

impl OffsetMap {
    /// Original offset for a normalised offset used as the start of a span: characters dropped
    /// just before it (zero-width, soft hyphen) are skipped.
    pub fn start(&self, norm: usize) -> usize {
        let norm = norm.min(self.norm_len);
        let i = self.anchors.partition_point(|a| a.0 <= norm);
        let (n, o) = self.anchors[i.saturating_sub(1)];
        (o + (norm - n)).min(self.orig_len)
    }

    /// Normalised offset for an original offset (the inverse, for detectors that must read the
    /// original bytes, e.g. mojibake that NFKC would alter). Inside a character that
    /// normalisation replaced, it snaps to the replacement's start.
    pub fn to_norm(&self, orig: usize) -> usize {
        let orig = orig.min(self.orig_len);
        // Several anchors share an original offset where a character was replaced (one per
        // byte of the replacement): the first is the replacement's start, a character boundary
        // (the last could fall inside "é" composed from "e" + U+0301).
        let i = self.anchors.partition_point(|a| a.1 < orig);
        if let Some(&(n, o)) = self.anchors.get(i)
            && o == orig
        {
            return n.min(self.norm_len);
        }
        let (n, o) = self.anchors[i.saturating_sub(1)];
        let next = self.anchors.get(i).map_or(self.norm_len, |a| a.0);
        (n + (orig - o)).min(next).min(self.norm_len)
    }

    /// Original offset for a normalised offset used as the (exclusive) end of a span: characters
    /// dropped just after it are not included.
    pub fn end(&self, norm: usize) -> usize {
        let norm = norm.min(self.norm_len);
        let i = self.anchors.partition_point(|a| a.0 < norm);
        if let Some(&(n, o)) = self.anchors.get(i)
            && n == norm
        {
            return o;
        }
        let (n, o) = self.anchors[i.saturating_sub(1)];
        (o + (norm - n)).min(self.orig_len)
    }
}

/// Characters that carry no content for matching.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{200B}'
            ..='\u{200D}' // zero-width space, non-joiner, joiner
            | '\u{2060}' // word joiner
            | '\u{FEFF}' // BOM / zero-width no-break space
            | '\u{180E}' // Mongolian vowel separator
    )
}

/// Folds punctuation that varies by typesetting to one ASCII form.
fn fold_punct(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => "-",
        '\u{2028}' | '\u{2029}' | '\u{0085}' | '\u{000B}' | '\u{000C}' => "\n",
        _ => return None,
    })
}

struct Builder {
    text: String,
    folded: String,
    anchors: Vec<(usize, usize)>,
}

impl Builder {
    /// Appends the normalised form of the original bytes `orig_start..orig_end`.
    fn emit(&mut self, original: &str, orig_start: usize, orig_end: usize, out: &str) {
        let norm_start = self.text.len();
        for c in out.chars() {
            self.text.push(c);
            push_lower(&mut self.folded, c);
        }
        if out != &original[orig_start..orig_end] {
            // The boundary before the change, so that an end offset there excludes it.
            if self.anchors.last() != Some(&(norm_start, orig_start)) {
                self.anchors.push((norm_start, orig_start));
            }
            // Positions inside an expanded character ("…" → "...") map to its start, so that
            // every mapped offset stays on a character boundary of the original.
            for k in 1..out.len() {
                self.anchors.push((norm_start + k, orig_start));
            }
            self.anchors.push((self.text.len(), orig_end));
        }
    }
}

fn push_lower(folded: &mut String, c: char) {
    if c.is_ascii() {
        folded.push(c.to_ascii_lowercase());
        return;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => folded.push(l),
        _ => folded.push(c),
    }
}

/// ASCII that normalisation leaves alone: tab, line feed and printable characters but the
/// backtick.
fn is_plain_ascii(b: u8) -> bool {
    // Bitwise, not short-circuiting: see its use on blocks in `normalise`.
    ((b' '..=b'~').contains(&b) & (b != b'`')) | (b == b'\t') | (b == b'\n')
}

/// The buffers a [`Normalised`] is built in, emptied: those of a dropped one spare the next its
/// allocations (see [`crate::segment::Document`]).
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    pub text: String,
    pub folded: String,
    pub anchors: Vec<(usize, usize)>,
}

impl Buffers {
    pub(crate) const EMPTY: Buffers = Buffers {
        text: String::new(),
        folded: String::new(),
        anchors: Vec::new(),
    };
}

impl Normalised {
    /// Moves the buffers out, leaving empty ones.
    pub(crate) fn take_buffers(&mut self) -> Buffers {
        Buffers {
            text: std::mem::take(&mut self.text),
            folded: std::mem::take(&mut self.folded),
            anchors: std::mem::take(&mut self.map.anchors),
        }
    }
}

/// Normalises `input` for matching. Never fails: any `&str` has a normal form.
pub fn normalise(input: &str) -> Normalised {
    normalise_in(input, Buffers::default())
}

/// [`normalise`] into the given buffers (their contents are dropped).
pub(crate) fn normalise_in(input: &str, buffers: Buffers) -> Normalised {
    let Buffers {
        mut text,
        mut folded,
        mut anchors,
    } = buffers;
    text.clear();
    text.reserve(input.len());
    folded.clear();
    folded.reserve(input.len());
    anchors.clear();
    anchors.push((0, 0));
    let mut b = Builder {
        text,
        folded,
        anchors,
    };
    let bytes = input.as_bytes();
    let mut i = 0;
    let mut scratch = String::new();
    while i < bytes.len() {
        let byte = bytes[i];
        // Fast path: a run of ASCII that normalisation keeps as it is, copied in one go.
        if is_plain_ascii(byte) {
            let mut end = i + 1;
            // Sixteen bytes at a time while all are plain (tested without branches, so that it
            // vectorises), then a byte at a time.
            while let Some(block) = bytes.get(end..end + 16)
                && block
                    .iter()
                    .fold(true, |plain, &b| plain & is_plain_ascii(b))
            {
                end += 16;
            }
            while end < bytes.len() && is_plain_ascii(bytes[end]) {
                end += 1;
            }
            // The run's last letter composes with a combining mark that follows it.
            if end < bytes.len()
                && !bytes[end].is_ascii()
                && input[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| canonical_combining_class(c) != 0)
            {
                end -= 1;
            }
            if end > i {
                b.text.push_str(&input[i..end]);
                let at = b.folded.len();
                b.folded.push_str(&input[i..end]);
                b.folded[at..].make_ascii_lowercase();
                i = end;
                continue;
            }
        }
        // An ASCII letter followed by a combining mark composes with it ("e" + U+0301 = "é").
        let combining_next = || {
            bytes.get(i + 1).is_some_and(|b| !b.is_ascii())
                && input[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|c| canonical_combining_class(c) != 0)
        };
        if byte.is_ascii() && !combining_next() {
            match byte {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => b.emit(input, i, i + 1, ""),
                b'\r' | b'\x0B' | b'\x0C' => b.emit(input, i, i + 1, "\n"),
                b'`' => b.emit(input, i, i + 1, "'"),
                // Other control characters become spaces so they cannot glue words together.
                0..=8 | 14..=31 | 127 => b.emit(input, i, i + 1, " "),
                _ => {
                    b.text.push(byte as char);
                    b.folded.push(byte.to_ascii_lowercase() as char);
                }
            }
            i += 1;
            continue;
        }
        // A character and the combining marks that follow it form one cluster, because
        // NFKC composes across them.
        let start = i;
        let mut chars = input[i..].char_indices();
        let Some((_, first)) = chars.next() else {
            break;
        };
        let mut end = i + first.len_utf8();
        for (off, c) in chars {
            if canonical_combining_class(c) == 0 {
                break;
            }
            end = i + off + c.len_utf8();
        }
        let cluster = &input[start..end];
        if is_invisible(first) && end == start + first.len_utf8() {
            b.emit(input, start, end, "");
        } else if let Some(folded) = fold_punct(first).filter(|_| cluster.len() == first.len_utf8())
        {
            b.emit(input, start, end, folded);
        } else if is_nfkc_quick(cluster.chars()) == IsNormalized::Yes {
            b.emit(input, start, end, cluster);
        } else {
            scratch.clear();
            for c in cluster.nfkc() {
                match fold_punct(c) {
                    Some(f) => scratch.push_str(f),
                    None if is_invisible(c) => {}
                    None => scratch.push(c),
                }
            }
            let out = std::mem::take(&mut scratch);
            b.emit(input, start, end, &out);
            scratch = out;
        }
        i = end;
    }
    let norm_len = b.text.len();
    Normalised {
        map: OffsetMap {
            anchors: b.anchors,
            norm_len,
            orig_len: input.len(),
        },
        text: b.text,
        folded: b.folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, normalised text, folded text)
    const CASES: &[(&str, &str, &str)] = &[
        ("plain ASCII", "plain ASCII", "plain ascii"),
        (
            "“quoted” ‘single’",
            "\"quoted\" 'single'",
            "\"quoted\" 'single'",
        ),
        ("isn’t", "isn't", "isn't"),
        ("a – b — c − d", "a - b - c - d", "a - b - c - d"),
        ("soft\u{00AD}hyphen", "softhyphen", "softhyphen"),
        ("zero\u{200B}width", "zerowidth", "zerowidth"),
        ("\u{FEFF}bom", "bom", "bom"),
        ("line\r\nbreak", "line\nbreak", "line\nbreak"),
        ("old\rmac", "old\nmac", "old\nmac"),
        ("para\u{2029}sep", "para\nsep", "para\nsep"),
        ("ﬁne", "fine", "fine"),
        ("wait…", "wait...", "wait..."),
        ("e\u{0301}té", "été", "été"),
        ("ÉTÉ", "ÉTÉ", "été"),
        ("non\u{00A0}breaking", "non breaking", "non breaking"),
        ("ＦＵＬＬ", "FULL", "full"),
        ("nul\0byte", "nul byte", "nul byte"),
        ("İstanbul", "İstanbul", "İstanbul"),
        ("«guillemets»", "\"guillemets\"", "\"guillemets\""),
    ];

    #[test]
    fn table() {
        for (input, text, folded) in CASES {
            let n = normalise(input);
            assert_eq!(&n.text, text, "text of {input:?}");
            assert_eq!(&n.folded, folded, "folded of {input:?}");
            assert_eq!(n.text.len(), n.folded.len(), "alignment of {input:?}");
        }
    }

    #[test]
    fn offsets_map_back_to_the_same_words() {
        let input = "\u{FEFF}“Huge\u{00AD} serving” — ﬁne… “Which can!”\r\nNext";
        let n = normalise(input);
        for word in ["Huge", "serving", "Which can!", "Next"] {
            let ns = n.text.find(word).unwrap();
            let (s, e) = (n.map.start(ns), n.map.end(ns + word.len()));
            assert_eq!(&input[s..e], word);
        }
        let ns = n.text.find("fine").unwrap();
        assert_eq!(&input[n.map.start(ns)..n.map.end(ns + 4)], "ﬁne");
    }

    #[test]
    fn every_offset_is_a_char_boundary() {
        let input = "a…b\u{200B}\u{200B}c“d”ﬁ\r\n½é\u{0301}x";
        let n = normalise(input);
        for p in (0..=n.text.len()).filter(|&p| n.text.is_char_boundary(p)) {
            assert!(input.is_char_boundary(n.map.start(p)), "start {p}");
            assert!(input.is_char_boundary(n.map.end(p)), "end {p}");
        }
        assert_eq!(n.map.end(n.text.len()), input.len());
    }

    #[test]
    fn to_norm_inverts_start() {
        // "e" + U+0301 composes to a two-byte "é": to_norm must not land inside it (fuzzing).
        let input = "“Ã©” a\u{200B}b…c\r\nde\u{0301}ﬁ";
        let n = normalise(input);
        for (p, _) in n.text.char_indices() {
            let o = n.map.start(p);
            assert_eq!(n.map.start(n.map.to_norm(o)), o, "at {p}");
            assert!(n.text.is_char_boundary(n.map.to_norm(o)), "at {p}");
        }
    }

    #[test]
    fn dropped_characters_stay_outside_spans() {
        let input = "ab\u{200B}cd";
        let n = normalise(input);
        assert_eq!(n.text, "abcd");
        assert_eq!(n.map.end(2), 2);
        assert_eq!(n.map.start(2), 5);
    }
}
