//! Lexicon CSV parsing: arbitrary text as a user lexicon file and as a word-class file; a
//! lexicon that builds is then run on its own text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::lexicon::Classes;
use mtlint::lexicon::entry::Lexicon;
use mtlint::segment::Document;

fuzz_target!(|input: &str| {
    let classes = Classes::default_embedded();
    let files = [(
        "nl".to_string(),
        "nl-en/fuzz.csv".to_string(),
        input.to_string(),
    )];
    match Lexicon::build(&files, &classes) {
        Ok(lexicon) => {
            let doc = Document::new(input);
            for h in lexicon.find(&doc) {
                assert!(h.entry < lexicon.entries().len() && h.sentence < doc.sentences.len());
                let words = doc.sentence_words(&doc.sentences[h.sentence]);
                assert!(h.words.start < h.words.end && h.words.end <= words.len());
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let _ = Classes::parse("classes.csv", input);
});
