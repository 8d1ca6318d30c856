//! Properties over arbitrary and deliberately tricky Unicode text: findings point into the
//! original input with line and column as `Finding` defines them, checking is deterministic, and
//! the normalisation offset map is monotone, in bounds and on character boundaries.

use mtlint::check::{Checker, Selection};
use mtlint::detect::{DETECTOR_IDS, Resources};
use mtlint::ingest::Article;
use mtlint::normalise::normalise;
use mtlint::score::Thresholds;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Pieces that stress normalisation, segmentation and the detectors.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\u{201C}",
    "\u{201D}",
    "\u{2018}",
    "\u{2019}",
    "\u{00AB}",
    "\u{00BB}",
    "\u{201E}",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "\u{2013}",
    "\u{2014}",
    "\u{2212}",
    "\u{2026}",
    ".",
    "!",
    "?",
    ",",
    " ",
    "  ",
    "\u{00A0}",
    "e\u{0301}",
    "\u{0301}",
    "\u{0308}\u{0323}",
    "\u{FB01}",
    "\u{FF21}\u{FF22}",
    "\u{00B2}",
    "\u{00BD}",
    "\u{1100}\u{1161}\u{11A8}",
    "\u{1100}",
    "\u{2126}",
    "\u{0130}",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\u{2028}",
    "\u{2029}",
    "\u{0085}",
    "\u{000B}",
    "\u{000C}",
    "\u{0000}",
    "\u{0007}",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{2060}",
    "\u{FEFF}",
    "\u{00AD}",
    "\u{200F}",
    "\u{200E}",
    "\u{202E}",
    "\u{061C}",
    "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
    "\u{1F44D}\u{1F3FD}",
    "\u{1F1F3}\u{1F1F1}",
    "The",
    "the",
    "the the",
    "Mr.",
    "U.S.",
    "3.5",
    "No. 10",
    "Huge serving",
    "creaks and creaks",
    "is not waiting for",
    "He is not waiting for it.",
    "zit niet te wachten",
    "gezellig",
    "natuurlijk",
    "echter",
    "bovendien",
    "het",
    "een",
    "Doorgaans",
    "The minister said the plan would work. ",
    "isn't",
    "can't",
    "<!-- mtlint-disable -->",
    "<!-- mtlint-enable -->",
    "<!-- mtlint-disable-next-line typography -->",
    "mtlint:ignore",
    "Ã©",
    "â€™",
    "é",
    "ß",
    "ﬀ",
    "日本",
    "\u{0627}\u{0644}",
    "\u{05D0}",
];

/// Text built from tricky pieces and arbitrary characters.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z]{1,8}",
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

/// Tricky text, sometimes with one sentence repeated (the duplicate detector's input).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => tricky(),
        1 => any::<String>(),
        1 => (tricky(), 2..5usize).prop_map(|(s, n)| format!("{s}. ").repeat(n)),
    ]
}

fn checker() -> &'static Checker {
    static RES: OnceLock<Resources> = OnceLock::new();
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let res = RES.get_or_init(|| Resources::load(&[]).unwrap());
        let all: Vec<String> = DETECTOR_IDS.iter().map(|s| s.to_string()).collect();
        Checker::new(
            res,
            Selection::parse(&all, &[]).unwrap(),
            Thresholds::default(),
        )
    })
}

/// Line and column of a byte offset as `Finding` documents them: a line ends at `\n` or at a
/// `\r` not followed by `\n` (U+2028, U+0085 and the like do not start a line); the column is
/// 1-based and counts characters (Unicode scalar values) from the line start.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut line, mut line_start) = (1, 0);
    for i in 0..offset {
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, text[line_start..offset].chars().count() + 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn findings_point_into_the_original(input in text()) {
        let article = Article { id: "a".into(), text: input.clone(), ..Default::default() };
        let checked = checker().check(&article, "a");
        for f in &checked.findings {
            prop_assert!(f.start <= f.end && f.end <= input.len(), "{:?}", f);
            prop_assert!(input.is_char_boundary(f.start) && input.is_char_boundary(f.end));
            prop_assert_eq!(&input[f.start..f.end], f.span.as_str());
            prop_assert_eq!(line_col(&input, f.start), (f.line, f.column), "{:?}", f);
        }
        prop_assert!(checked.findings.windows(2).all(|w| w[0].start <= w[1].start));
        prop_assert_eq!(checker().check(&article, "a"), checked);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn offset_map_is_monotone_in_bounds_and_on_boundaries(input in text()) {
        let n = normalise(&input);
        prop_assert_eq!(n.text.len(), n.folded.len());
        let (mut last_start, mut last_end) = (0, 0);
        for p in (0..=n.text.len()).filter(|&p| n.text.is_char_boundary(p)) {
            let (s, e) = (n.map.start(p), n.map.end(p));
            prop_assert!(s <= input.len() && e <= input.len());
            prop_assert!(input.is_char_boundary(s) && input.is_char_boundary(e), "{} -> {}..{}", p, s, e);
            prop_assert!(s >= last_start && e >= last_end, "not monotone at {}", p);
            (last_start, last_end) = (s, e);
            // Round trip: an original offset the map produces comes back to itself.
            let back = n.map.to_norm(s);
            prop_assert!(n.text.is_char_boundary(back));
            prop_assert_eq!(n.map.start(back), s, "round trip at {}", p);
        }
        // The end of the text maps to the end of the input, less characters dropped at the end.
        let tail = &input[n.map.end(n.text.len())..];
        prop_assert!(normalise(tail).text.is_empty(), "{:?}", tail);
    }

    #[test]
    fn unchanged_text_maps_to_itself(input in "[ -_a-~\n]{0,200}") {
        // Printable ASCII but the backtick (folded to an apostrophe) is left alone, and so is
        // `\n`: the map is the identity.
        let n = normalise(&input);
        prop_assert_eq!(&n.text, &input);
        for p in 0..=input.len() {
            prop_assert_eq!((n.map.start(p), n.map.end(p), n.map.to_norm(p)), (p, p, p));
        }
    }
}
