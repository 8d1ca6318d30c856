//! Segmentation: paragraphs, sentences, tokens and match words are ordered, nested and on
//! character boundaries of the normalised text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::segment::Document;

fuzz_target!(|input: &str| {
    let doc = Document::new(input);
    let text = &doc.norm.text;
    let ok = |s: usize, e: usize| {
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let mut prev = 0;
    for t in &doc.tokens {
        assert!(
            ok(t.start, t.end) && t.start < t.end && t.start >= prev,
            "{t:?}"
        );
        prev = t.end;
        let _ = doc.word(t);
    }
    let mut prev = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        assert!(ok(s.start, s.end) && s.start >= prev, "sentence {i}");
        prev = s.end;
        assert!(s.tokens.end <= doc.tokens.len() && s.words.end <= doc.words.len());
        assert!(s.paragraph < doc.paragraphs.len());
        for w in doc.sentence_words(s) {
            assert!(w.token < doc.tokens.len());
            assert!(!doc.match_word(w).is_empty());
        }
        assert_eq!(doc.sentence_at(s.start), Some(i));
        let (os, oe) = doc.original_span(s.start, s.end);
        assert!(os <= oe && oe <= input.len());
        assert!(input.is_char_boundary(os) && input.is_char_boundary(oe));
    }
    for p in &doc.paragraphs {
        assert!(ok(p.start, p.end) && p.sentences.end <= doc.sentences.len());
    }
    let starts = doc.line_starts();
    assert!(starts.windows(2).all(|w| w[0] < w[1]) && starts.iter().all(|&s| s <= input.len()));
});
