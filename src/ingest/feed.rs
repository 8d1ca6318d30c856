//! RSS (0.9x, 1.0, 2.0) and Atom feeds, parsed by feed-rs: one article per item or entry, its
//! content (or, failing that, its description) reduced from HTML to paragraphs.

use super::{Article, html, xml};
use crate::error::{Error, Result};

/// Articles of a feed. `path` names the input in messages and article paths (`feed.xml#item-2`);
/// `stem` gives ids to items with neither guid nor link.
pub fn articles(path: &str, stem: &str, text: &str) -> Result<Vec<Article>> {
    xml::expect_root(path, text, &["rss", "feed", "rdf"], "an RSS or Atom feed")?;
    xml::check_well_formed(path, text)?;
    // An item without a guid is known by its link (feed-rs would otherwise make up a hash).
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|links, _title, _uri| {
            links.first().map(|l| l.href.clone()).unwrap_or_default()
        })
        .build();
    let feed = parser.parse(text.as_bytes()).map_err(|e| Error::Content {
        path: path.to_string(),
        message: format!("not a valid RSS or Atom feed: {e}"),
    })?;
    let mut out = Vec::with_capacity(feed.entries.len());
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let n = i + 1;
        let url = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.trim().to_string())
            .filter(|h| !h.is_empty());
        let body = entry
            .content
            .and_then(|c| c.body)
            .filter(|b| !b.trim().is_empty())
            .or_else(|| entry.summary.map(|s| s.content));
        let text = body.as_deref().map(html::fragment_text).unwrap_or_default();
        let id = Some(entry.id.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| url.clone())
            .unwrap_or_else(|| format!("{stem}-{n}"));
        out.push(Article {
            id,
            path: format!("{path}#item-{n}"),
            text,
            title: entry
                .title
                .map(|t| html::fragment_text(&t.content).trim().to_string())
                .filter(|t| !t.is_empty()),
            url,
            ..Article::default()
        });
    }
    if out.is_empty() {
        return Err(Error::Content {
            path: path.to_string(),
            message: "the feed has no items".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>https://n.example/</link><description>D</description>
<item><title>First &amp; best</title><link>https://n.example/1</link>
<guid isPermaLink="false">n-1</guid>
<description>Short.</description>
<content:encoded><![CDATA[<p>Para one &amp; more.</p><p>Para two.</p>]]></content:encoded></item>
<item><title>Second</title><link>https://n.example/2</link>
<description>&lt;p&gt;Only a description.&lt;/p&gt;</description></item>
</channel></rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>E</title><id>urn:e1</id><updated>2026-01-01T00:00:00Z</updated>
<link rel="alternate" href="https://a.example/e1"/>
<content type="html">&lt;p&gt;Entry text.&lt;/p&gt;</content></entry></feed>"#;

    #[test]
    fn items_become_articles() {
        let got = articles("f.xml", "f", RSS).unwrap();
        let rows: Vec<_> = got
            .iter()
            .map(|a| {
                (
                    a.id.as_str(),
                    a.path.as_str(),
                    a.title.as_deref(),
                    a.url.as_deref(),
                    a.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "n-1",
                    "f.xml#item-1",
                    Some("First & best"),
                    Some("https://n.example/1"),
                    "Para one & more.\n\nPara two.\n"
                ),
                (
                    "https://n.example/2",
                    "f.xml#item-2",
                    Some("Second"),
                    Some("https://n.example/2"),
                    "Only a description.\n"
                ),
            ]
        );
        let atom = articles("a.atom", "a", ATOM).unwrap();
        assert_eq!(
            (
                atom[0].id.as_str(),
                atom[0].url.as_deref(),
                atom[0].text.as_str()
            ),
            ("urn:e1", Some("https://a.example/e1"), "Entry text.\n")
        );
    }

    #[test]
    fn bad_feeds_are_clear_errors() {
        for (text, message) in [
            ("<rss>\n<channel>\n<item></channel></rss>", "f.xml:3:"),
            (
                "<html><body>x</body></html>",
                "f.xml: not an RSS or Atom feed (the root element is <html>, expected <rss>, <feed> or <rdf>)",
            ),
            (
                "hello",
                "f.xml: not an RSS or Atom feed (no XML root element, expected <rss>, <feed> or <rdf>)",
            ),
            (
                "<rss version=\"2.0\"><channel><title>t</title></channel></rss>",
                "f.xml: the feed has no items",
            ),
        ] {
            let e = articles("f.xml", "f", text).unwrap_err().to_string();
            assert!(e.starts_with(message), "{text}: {e}");
        }
    }
}
