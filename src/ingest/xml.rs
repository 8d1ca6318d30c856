//! XML helpers shared by the feed and bilingual readers: the root element (to tell a feed from an
//! XLIFF or TMX file) and well-formedness errors with line and column.

use crate::error::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::Event;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// An error at a byte offset of `text`.
pub fn error_at(path: &str, text: &str, offset: usize, message: String) -> Error {
    let (line, column) = line_col(text, offset);
    Error::Syntax {
        path: path.to_string(),
        line,
        column,
        message,
    }
}

/// A new reader over `text` that checks end tags.
pub fn reader(text: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_str(text);
    r.config_mut().check_end_names = true;
    r
}

/// The error quick-xml reported, located.
pub fn read_error(path: &str, text: &str, r: &Reader<&[u8]>, e: &quick_xml::Error) -> Error {
    error_at(
        path,
        text,
        usize::try_from(r.error_position()).unwrap_or(text.len()),
        format!("malformed XML: {e}"),
    )
}

/// Lowercase local name of the root element, or `None` when there is none (not XML at all).
/// Malformed XML before the root is an error.
pub fn root_element(path: &str, text: &str) -> Result<Option<String>> {
    let mut r = reader(text);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Ok(Some(e.local_name().as_ref().to_ascii_lowercase()));
            }
            Ok(Event::Eof) => return Ok(None),
            Ok(Event::Text(t)) if !t.trim().is_empty() => return Ok(None),
            Ok(_) => {}
            Err(e) => return Err(read_error(path, text, &r, &e)),
        }
    }
}

/// Checks that the root element is one of `roots`, else an error saying the input is not
/// `what` ("an XLIFF file") and naming the root element found and the one expected.
pub fn expect_root(path: &str, text: &str, roots: &[&str], what: &str) -> Result<()> {
    let found = root_element(path, text)?;
    if found.as_deref().is_some_and(|r| roots.contains(&r)) {
        return Ok(());
    }
    let mut expected = String::new();
    for (i, r) in roots.iter().enumerate() {
        let sep = match i {
            0 => "",
            _ if i + 1 == roots.len() => " or ",
            _ => ", ",
        };
        expected.push_str(&format!("{sep}<{r}>"));
    }
    let found = found.map_or("no XML root element".to_string(), |r| {
        format!("the root element is <{r}>")
    });
    Err(Error::Content {
        path: path.to_string(),
        message: format!("not {what} ({found}, expected {expected})"),
    })
}

/// Reads the whole document, so that a malformed file is reported with its line before a parser
/// that does not say where (feed-rs) sees it.
pub fn check_well_formed(path: &str, text: &str) -> Result<()> {
    let mut r = reader(text);
    let mut depth = 0usize;
    loop {
        match r.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth > 0 => {
                return Err(error_at(
                    path,
                    text,
                    text.len(),
                    "malformed XML: the document ends inside an element".into(),
                ));
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(read_error(path, text, &r, &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_errors() {
        for (text, root) in [
            (
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\"/>",
                Some("rss"),
            ),
            (
                "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
                Some("feed"),
            ),
            ("<rdf:RDF></rdf:RDF>", Some("rdf")),
            ("<!DOCTYPE html><HTML><body></body></HTML>", Some("html")),
            ("just text", None),
            ("", None),
        ] {
            assert_eq!(root_element("f", text).unwrap().as_deref(), root, "{text}");
        }
        let e = check_well_formed("f.xml", "<rss>\n<item>\n</rss>").unwrap_err();
        assert!(e.to_string().starts_with("f.xml:3:"), "{e}");
        let e = check_well_formed("f.xml", "<rss>\n<item>").unwrap_err();
        assert!(e.to_string().starts_with("f.xml:2:7:"), "{e}");
        assert_eq!(line_col("ab\ncé\nx", 6), (2, 3));
    }
}
