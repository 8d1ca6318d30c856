//! Bilingual files: XLIFF 1.2 and 2.x (`<source>`/`<target>` in `<trans-unit>` or `<segment>`)
//! and TMX (`<tu>` with one English `<tuv>`, the target, and one in the source language).
//!
//! Each XLIFF `<file>` (a TMX file as a whole) is one article whose text is the target segments,
//! one paragraph each; [`Segment`]s keep each target's byte range aligned with its source text so
//! detectors can compare the two.

use super::{Article, xml};
use crate::error::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use std::ops::Range;

/// A target segment of an article's text and the source text it translates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    /// Byte range of the target in [`Article::text`].
    pub target: Range<usize>,
    /// The source text, whitespace collapsed.
    pub source: String,
}

/// Inline elements whose content is markup of the original format, not text.
const CODE_ELEMENTS: &[&str] = &["ph", "bpt", "ept", "it", "ut", "sub", "originaldata"];

/// `nl-NL`, `NL_be` → `nl`.
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next().unwrap_or("").trim();
    (!primary.is_empty() && primary != "*all*" && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

fn is_english(tag: &str) -> bool {
    primary_language(tag).as_deref() == Some("en")
}

fn attr(e: &BytesStart<'_>, names: &[&str]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        names
            .contains(&a.key.as_ref())
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .ok()
            })
            .flatten()
    })
}

/// Collects the text of the element being read, minus inline code.
#[derive(Default)]
struct Capture {
    /// Nesting depth inside the captured element (0: not capturing).
    depth: usize,
    /// Depth at which an inline code element began (its content is skipped).
    skip_from: Option<usize>,
    text: String,
}

impl Capture {
    fn active(&self) -> bool {
        self.depth > 0
    }

    fn start(&mut self) {
        self.depth = 1;
        self.skip_from = None;
        self.text.clear();
    }

    /// An element opened inside the capture.
    fn open(&mut self, name: &str) {
        self.depth += 1;
        if self.skip_from.is_none() && CODE_ELEMENTS.contains(&name) {
            self.skip_from = Some(self.depth);
        }
    }

    /// An element closed; returns the text when the captured element itself closed.
    fn close(&mut self) -> Option<String> {
        if self.skip_from == Some(self.depth) {
            self.skip_from = None;
        }
        self.depth -= 1;
        (self.depth == 0).then(|| collapse(&self.text))
    }

    fn push(&mut self, s: &str) {
        if self.skip_from.is_none() {
            self.text.push_str(s);
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends a text event (text, CDATA or entity reference) to the capture.
fn push_event(cap: &mut Capture, event: &Event<'_>) {
    match event {
        Event::Text(t) => cap.push(&t.xml10_content()),
        Event::CData(t) => cap.push(&t.xml10_content()),
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                cap.push(c.encode_utf8(&mut [0; 4]));
            } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&r.xml10_content()) {
                cap.push(s);
            }
        }
        _ => {}
    }
}

/// Target segments with their sources, built into an article.
#[derive(Default)]
struct Builder {
    text: String,
    segments: Vec<Segment>,
}

impl Builder {
    fn push(&mut self, source: String, target: &str) {
        if target.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let start = self.text.len();
        self.text.push_str(target);
        self.segments.push(Segment {
            target: start..self.text.len(),
            source,
        });
    }

    fn article(mut self, id: String, path: String, source_lang: Option<String>) -> Article {
        self.text.push('\n');
        Article {
            id,
            path,
            text: self.text,
            source_lang,
            segments: self.segments,
            ..Article::default()
        }
    }
}

/// One `<file>` being read.
struct XliffFile {
    name: Option<String>,
    source_lang: Option<String>,
    target_lang: Option<String>,
    offset: usize,
    built: Builder,
}

/// Articles of an XLIFF 1.2 or 2.x document, one per `<file>`; a `<file>` without any target
/// text is an error naming its line, and the other files still count.
pub fn xliff(path: &str, stem: &str, text: &str) -> Result<Vec<Result<Article>>> {
    xml::expect_root(path, text, &["xliff"], "an XLIFF file")?;
    let mut r = xml::reader(text);
    let mut files: Vec<XliffFile> = Vec::new();
    let mut current: Option<XliffFile> = None;
    let (mut doc_src, mut doc_trg) = (None, None);
    let mut cap = Capture::default();
    let mut capturing_target = false;
    let (mut source, mut target): (Option<String>, Option<String>) = (None, None);
    // Inside <alt-trans> (1.2) the source and target are alternatives, not the translation.
    let mut alt_depth = 0usize;
    loop {
        let before = usize::try_from(r.buffer_position()).unwrap_or(0);
        let event = r
            .read_event()
            .map_err(|e| xml::read_error(path, text, &r, &e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if cap.active() {
                    if !empty {
                        cap.open(&name);
                    }
                    continue;
                }
                if alt_depth > 0 {
                    alt_depth += usize::from(!empty);
                    continue;
                }
                match name.as_str() {
                    "xliff" => {
                        doc_src = attr(e, &["srcLang"]);
                        doc_trg = attr(e, &["trgLang"]);
                    }
                    "file" => {
                        current = Some(XliffFile {
                            name: attr(e, &["original", "id"]),
                            source_lang: attr(e, &["source-language"]).or(doc_src.clone()),
                            target_lang: attr(e, &["target-language"]).or(doc_trg.clone()),
                            offset: before,
                            built: Builder::default(),
                        });
                    }
                    "alt-trans" if !empty => alt_depth = 1,
                    "trans-unit" | "segment" => (source, target) = (None, None),
                    "source" | "target" if !empty => {
                        cap.start();
                        capturing_target = name == "target";
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if cap.active() {
                    if let Some(t) = cap.close() {
                        if capturing_target {
                            target = Some(t);
                        } else {
                            source = Some(t);
                        }
                    }
                    continue;
                }
                if alt_depth > 0 {
                    alt_depth -= 1;
                    continue;
                }
                match e.local_name().as_ref().to_ascii_lowercase().as_str() {
                    "trans-unit" | "segment" => {
                        if let (Some(f), Some(t)) = (current.as_mut(), target.take()) {
                            f.built.push(source.take().unwrap_or_default(), &t);
                        }
                    }
                    "file" => files.extend(current.take()),
                    _ => {}
                }
            }
            Event::Eof => break,
            other if cap.active() => push_event(&mut cap, other),
            _ => {}
        }
    }
    let many = files.len() > 1;
    let mut out = Vec::new();
    for (i, f) in files.into_iter().enumerate() {
        let (line, _) = xml::line_col(text, f.offset);
        if let Some(t) = f.target_lang.as_deref().filter(|t| !is_english(t)) {
            out.push(Err(xml::error_at(
                path,
                text,
                f.offset,
                format!("the target language is '{t}'; mtlint checks English translations"),
            )));
            continue;
        }
        if f.built.segments.is_empty() {
            out.push(Err(xml::error_at(
                path,
                text,
                f.offset,
                "this <file> has no <target> text to check (not translated yet?)".into(),
            )));
            continue;
        }
        let id = if many {
            format!(
                "{stem}-{}",
                f.name.clone().unwrap_or_else(|| (i + 1).to_string())
            )
        } else {
            stem.to_string()
        };
        let apath = if many {
            format!("{path}#{line}")
        } else {
            path.to_string()
        };
        let lang = f.source_lang.as_deref().and_then(primary_language);
        out.push(Ok(f.built.article(id, apath, lang)));
    }
    if out.is_empty() {
        return Err(Error::Content {
            path: path.to_string(),
            message: "this XLIFF file has no <file> element".into(),
        });
    }
    Ok(out)
}

/// The article of a TMX file: the English `<tuv>` of each `<tu>` is the target, the other one
/// the source.
pub fn tmx(path: &str, stem: &str, text: &str) -> Result<Article> {
    xml::expect_root(path, text, &["tmx"], "a TMX file")?;
    let mut r = xml::reader(text);
    let mut built = Builder::default();
    let mut header_lang = None;
    let mut langs: Vec<String> = Vec::new();
    let mut tuvs: Vec<(String, String)> = Vec::new();
    let mut tuv_lang = String::new();
    let mut cap = Capture::default();
    loop {
        let event = r
            .read_event()
            .map_err(|e| xml::read_error(path, text, &r, &e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if cap.active() {
                    if !empty {
                        cap.open(&name);
                    }
                    continue;
                }
                match name.as_str() {
                    "header" => header_lang = attr(e, &["srclang"]),
                    "tu" => tuvs.clear(),
                    "tuv" => tuv_lang = attr(e, &["xml:lang", "lang"]).unwrap_or_default(),
                    "seg" if !empty => cap.start(),
                    _ => {}
                }
            }
            Event::End(e) => {
                if cap.active() {
                    if let Some(t) = cap.close() {
                        tuvs.push((tuv_lang.clone(), t));
                    }
                    continue;
                }
                if e.local_name().as_ref().eq_ignore_ascii_case("tu") {
                    let target = tuvs.iter().find(|(l, _)| is_english(l));
                    let source = tuvs.iter().find(|(l, _)| !is_english(l));
                    if let Some((_, t)) = target {
                        if let Some((l, _)) = source {
                            langs.push(l.clone());
                        }
                        built.push(source.map(|s| s.1.clone()).unwrap_or_default(), t);
                    }
                }
            }
            Event::Eof => break,
            other if cap.active() => push_event(&mut cap, other),
            _ => {}
        }
    }
    if built.segments.is_empty() {
        return Err(Error::Content {
            path: path.to_string(),
            message: "no English <tuv> (xml:lang=\"en…\") with text to check".into(),
        });
    }
    let lang = langs.first().and_then(|l| primary_language(l)).or_else(|| {
        header_lang
            .as_deref()
            .and_then(primary_language)
            .filter(|l| l != "en")
    });
    Ok(built.article(stem.to_string(), path.to_string(), lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aligned(a: &Article) -> Vec<(&str, &str)> {
        a.segments
            .iter()
            .map(|s| (&a.text[s.target.clone()], s.source.as_str()))
            .collect()
    }

    #[test]
    fn xliff_1_2_and_2_0_align_targets_with_sources() {
        let v12 = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a.txt" source-language="nl-NL" target-language="en-GB" datatype="plaintext"><body>
<trans-unit id="1"><source>Het <g id="1">kabinet</g> zit er niet op te wachten.</source>
<target>The <g id="1">cabinet</g> is not waiting for it.</target>
<alt-trans><source>x</source><target>Alternative.</target></alt-trans></trans-unit>
<trans-unit id="2"><source>Geen vertaling.</source></trans-unit>
<trans-unit id="3"><source>3 &amp; 4<ph id="p">{b}</ph></source><target>3 &amp;
 4<ph id="p">{b}</ph></target></trans-unit>
</body></file></xliff>"#;
        let got = xliff("a.xlf", "a", v12).unwrap();
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            aligned(a),
            [
                (
                    "The cabinet is not waiting for it.",
                    "Het kabinet zit er niet op te wachten."
                ),
                ("3 & 4", "3 & 4")
            ]
        );
        assert_eq!((a.id.as_str(), a.source_lang.as_deref()), ("a", Some("nl")));
        let v20 = r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="de" trgLang="en">
<file id="f1"><unit id="u1"><segment><source>Eins.</source><target>One.</target></segment>
<segment><source>Zwei.</source><target>Two.</target></segment></unit></file>
<file id="f2"><unit id="u2"><segment><source>Drei.</source></segment></unit></file></xliff>"#;
        let got = xliff("b.xlf", "b", v20).unwrap();
        let a = got[0].as_ref().unwrap();
        assert_eq!(aligned(a), [("One.", "Eins."), ("Two.", "Zwei.")]);
        assert_eq!((a.id.as_str(), a.path.as_str()), ("b-f1", "b.xlf#2"));
        assert_eq!(a.text, "One.\n\nTwo.\n");
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("b.xlf:4:1: this <file> has no <target> text"),
        );
    }

    #[test]
    fn tmx_takes_english_as_the_target() {
        let t = r#"<tmx version="1.4"><header srclang="nl" datatype="plaintext" segtype="sentence" adminlang="en" creationtool="x" creationtoolversion="1" o-tmf="x"/>
<body><tu><tuv xml:lang="nl-BE"><seg>Goedemorgen <bpt i="1">&lt;b&gt;</bpt>allemaal<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
<tuv xml:lang="en-US"><seg>Good morning, everyone.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Only English.</seg></tuv></tu></body></tmx>"#;
        let a = tmx("m.tmx", "m", t).unwrap();
        assert_eq!(
            aligned(&a),
            [
                ("Good morning, everyone.", "Goedemorgen allemaal."),
                ("Only English.", "")
            ]
        );
        assert_eq!(a.source_lang.as_deref(), Some("nl"));
    }

    fn xliff_error(text: &str) -> String {
        xliff("x.xlf", "x", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    fn tmx_error(text: &str) -> String {
        tmx("m.tmx", "m", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn bad_bilingual_files_are_clear_errors() {
        type Run = fn(&str) -> String;
        let cases: [(&str, Run, &str); 7] = [
            (
                "<xliff><file><body>\n<trans-unit><source>x</target>",
                xliff_error,
                "x.xlf:2:",
            ),
            (
                "<html/>",
                xliff_error,
                "x.xlf: not an XLIFF file (the root element is <html>, expected <xliff>)",
            ),
            (
                "just text",
                tmx_error,
                "m.tmx: not a TMX file (no XML root element, expected <tmx>)",
            ),
            (
                "<xliff/>",
                tmx_error,
                "m.tmx: not a TMX file (the root element is <xliff>, expected <tmx>)",
            ),
            (
                "<xliff version=\"1.2\"></xliff>",
                xliff_error,
                "x.xlf: this XLIFF file has no <file> element",
            ),
            (
                "<tmx><body><tu><tuv xml:lang=\"nl\"><seg>Hallo</seg></tuv></tu></body></tmx>",
                tmx_error,
                "m.tmx: no English <tuv>",
            ),
            (
                "<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"nl\"><file id=\"f\"><unit id=\"u\"><segment><source>A</source><target>B</target></segment></unit></file></xliff>",
                |t| {
                    xliff("x.xlf", "x", t)
                        .unwrap()
                        .remove(0)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default()
                },
                "x.xlf:1:48: the target language is 'nl'",
            ),
        ];
        for (text, run, message) in cases {
            let e = run(text);
            assert!(e.starts_with(message), "{text}: {e}");
        }
    }
}
