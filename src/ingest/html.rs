//! HTML to checkable text: the main text of an article page (headline and body paragraphs, without
//! navigation, banners, sidebars, share buttons or comments), and the text of an HTML fragment
//! such as a feed item's content. Paragraphs come out separated by blank lines; entities are
//! decoded by the parser (html5ever, as browsers parse).

use scraper::{ElementRef, Html, Node};

/// What an article page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The headline (`<h1>`, else `og:title`, else `<title>`).
    pub title: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub url: Option<String>,
    /// Headline and body paragraphs, separated by blank lines; empty when the page has no text.
    pub text: String,
}

/// Elements that never hold article text.
const DROP_TAGS: &[&str] = &[
    "nav", "footer", "aside", "script", "style", "noscript", "template", "form", "button",
    "iframe", "svg", "select", "textarea", "dialog", "object", "embed", "canvas", "head",
];

/// Class or id fragments of site furniture (matched inside lowercase `class`/`id` values).
const DROP_CLASSES: &[&str] = &[
    "nav",
    "menu",
    "comment",
    "footer",
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "cookie",
    "consent",
    "subscribe",
    "newsletter",
    "sidebar",
    "banner",
    "advert",
    "promo",
    "breadcrumb",
    "popup",
    "modal",
    "signup",
    "masthead",
    "toolbar",
    "paywall",
    "tags",
];

/// ARIA roles of site furniture.
const DROP_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "search",
    "alert",
];

/// Elements whose text is a paragraph of the article.
const TEXT_BLOCKS: &[&str] = &["p", "h2", "h3", "h4", "li", "blockquote", "pre", "dd"];

/// Elements that break the text into paragraphs when rendering a fragment.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "hr",
    "address",
];

/// Pages longer than this are read with a streaming pass rather than a DOM: parsing into a DOM
/// takes about 5 bytes of memory per byte of page (40 MB pages peaked at 246-365 MB), the streaming
/// pass memory in proportion to the text.
pub const STREAMED_PAGE_BYTES: usize = 4 << 20;

/// The main text of an article page.
pub fn page(html: &str) -> Page {
    if html.len() > STREAMED_PAGE_BYTES {
        return streamed_page(html);
    }
    let doc = Html::parse_document(html);
    let top = doc.root_element();
    let root = main_element(top);
    let mut paragraphs = Vec::new();
    for child in root.children() {
        collect_blocks(child, &mut paragraphs);
    }
    if paragraphs.is_empty() {
        // Pages that put text straight into <div>s with <br>s: render everything not dropped.
        paragraphs = render_children(root);
    }
    let title = first(root, &|e| e.value().name() == "h1")
        .map(|h| inline_text(h))
        .filter(|t| !t.is_empty())
        .or_else(|| meta(top, "og:title"))
        .or_else(|| {
            first(top, &|e| e.value().name() == "h1")
                .map(inline_text)
                .filter(|t| !t.is_empty())
        })
        .or_else(|| {
            find(top, &|e| e.value().name() == "title", false)
                .map(inline_text)
                .filter(|t| !t.is_empty())
        });
    let url = find(
        top,
        &|e| {
            e.value().name() == "link"
                && e.value().attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
        },
        false,
    )
    .and_then(|e| e.value().attr("href"))
    .map(|h| h.trim().to_string())
    .filter(|h| !h.is_empty())
    .or_else(|| meta(top, "og:url"));
    let mut text = String::new();
    if !paragraphs.is_empty() {
        if let Some(t) = &title {
            text.push_str(t);
            text.push_str("\n\n");
        }
        text.push_str(&paragraphs.join("\n\n"));
        text.push('\n');
    }
    Page { title, url, text }
}

/// The text of an HTML fragment (or plain text): paragraphs separated by blank lines.
pub fn fragment_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let paragraphs = render_children(doc.root_element());
    if paragraphs.is_empty() {
        return String::new();
    }
    let mut text = paragraphs.join("\n\n");
    text.push('\n');
    text
}

/// `<article>` with the most paragraph text, else `<main>` / `role=main`, else `<body>`.
fn main_element(top: ElementRef<'_>) -> ElementRef<'_> {
    let mut articles = Vec::new();
    all(top, &|e| e.value().name() == "article", &mut articles);
    let best = articles
        .into_iter()
        .map(|a| {
            let mut ps = Vec::new();
            collect_blocks(*a, &mut ps);
            (ps.iter().map(String::len).sum::<usize>(), a)
        })
        .filter(|(len, _)| *len > 0)
        .max_by_key(|(len, _)| *len)
        .map(|(_, a)| a);
    best.or_else(|| {
        first(top, &|e| {
            e.value().name() == "main" || e.value().attr("role") == Some("main")
        })
    })
    .or_else(|| find(top, &|e| e.value().name() == "body", false))
    .unwrap_or(top)
}

/// Is this element site furniture rather than article text?
fn dropped(e: ElementRef<'_>) -> bool {
    let v = e.value();
    if DROP_TAGS.contains(&v.name())
        || v.attr("hidden").is_some()
        || v.attr("aria-hidden") == Some("true")
        || v.attr("role").is_some_and(|r| DROP_ROLES.contains(&r))
    {
        return true;
    }
    // The page header holds the logo and menu; a header inside <article> holds the headline,
    // which is taken separately.
    if v.name() == "header" && !e.ancestors().any(|a| is_named(a, "article")) {
        return true;
    }
    let names = [v.attr("class"), v.attr("id")];
    names.iter().flatten().any(|n| {
        let n = n.to_ascii_lowercase();
        DROP_CLASSES.iter().any(|d| n.contains(d))
            || n.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| t == "ad" || t == "ads")
    })
}

fn is_named(node: ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
    matches!(node.value(), Node::Element(e) if e.name() == name)
}

/// Paragraphs of text blocks below `node`, skipping furniture and the headline.
fn collect_blocks(node: ego_tree::NodeRef<'_, Node>, out: &mut Vec<String>) {
    if let Some(directive) = suppression(node) {
        out.push(directive);
        return;
    }
    let Some(e) = ElementRef::wrap(node) else {
        return;
    };
    if dropped(e) || e.value().name() == "h1" {
        return;
    }
    let nested = e
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|d| TEXT_BLOCKS.contains(&d.value().name()));
    if TEXT_BLOCKS.contains(&e.value().name()) && !nested {
        out.extend(render_children(e));
        return;
    }
    for child in node.children() {
        collect_blocks(child, out);
    }
}

/// An `<!-- mtlint-… -->` suppression comment, kept as a paragraph of its own so that it still
/// applies to the text after it.
fn suppression(node: ego_tree::NodeRef<'_, Node>) -> Option<String> {
    match node.value() {
        Node::Comment(c) if c.trim().starts_with("mtlint-") => {
            Some(format!("<!-- {} -->", c.trim()))
        }
        _ => None,
    }
}

/// Renders the children of an element to paragraphs: blocks and blank lines separate them,
/// two `<br>`s in a row too; whitespace inside a paragraph collapses to one space.
fn render_children(e: ElementRef<'_>) -> Vec<String> {
    let mut r = Renderer::default();
    for child in e.children() {
        r.node(child);
    }
    r.flush();
    r.out
}

/// Where a [`Renderer`]'s paragraphs go: a list (the DOM path) or one text (the streaming pass).
trait Paragraphs {
    fn push(&mut self, p: &str);
}

impl Paragraphs for Vec<String> {
    fn push(&mut self, p: &str) {
        Vec::push(self, p.to_string());
    }
}

/// Paragraphs written straight into one text, separated by blank lines.
#[derive(Default)]
struct Joined(String);

impl Paragraphs for Joined {
    fn push(&mut self, p: &str) {
        if !self.0.is_empty() {
            self.0.push_str("\n\n");
        }
        self.0.push_str(p);
    }
}

#[derive(Default)]
struct Renderer<P = Vec<String>> {
    buf: String,
    out: P,
    breaks: usize,
}

impl Renderer {
    fn node(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if let Some(directive) = suppression(node) {
            self.flush();
            self.out.push(directive);
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(node) else {
                    return;
                };
                if dropped(e) {
                    return;
                }
                let name = e.value().name();
                if name == "br" {
                    self.br();
                    return;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    self.flush();
                }
                for child in node.children() {
                    self.node(child);
                }
                if block {
                    self.flush();
                } else if name == "img" {
                    self.space();
                }
            }
            _ => {}
        }
    }
}

impl<P: Paragraphs> Renderer<P> {
    /// Two `<br>`s in a row end a paragraph; one is a space.
    fn br(&mut self) {
        self.breaks += 1;
        if self.breaks >= 2 {
            self.flush();
        } else {
            self.space();
        }
    }

    fn text(&mut self, t: &str) {
        let mut newlines = 0;
        for c in t.chars() {
            if c == '\n' {
                newlines += 1;
                if newlines >= 2 {
                    self.flush();
                }
                self.space();
            } else if c.is_whitespace() {
                self.space();
            } else {
                newlines = 0;
                self.breaks = 0;
                self.buf.push(c);
            }
        }
    }

    fn space(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with(' ') {
            self.buf.push(' ');
        }
    }

    fn flush(&mut self) {
        let p = self.buf.trim();
        if !p.is_empty() {
            self.out.push(p);
        }
        self.buf.clear();
        self.breaks = 0;
    }
}

/// The text of an element on one line.
fn inline_text(e: ElementRef<'_>) -> String {
    render_children(e).join(" ")
}

/// `<meta property=NAME content=…>` (or `name=NAME`).
fn meta(top: ElementRef<'_>, name: &str) -> Option<String> {
    find(
        top,
        &|e| {
            e.value().name() == "meta"
                && (e.value().attr("property") == Some(name)
                    || e.value().attr("name") == Some(name))
        },
        false,
    )
    .and_then(|e| e.value().attr("content"))
    .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
    .filter(|c| !c.is_empty())
}

/// First element below `e` (itself excluded) matching `pred`, not inside furniture.
fn first<'a>(e: ElementRef<'a>, pred: &dyn Fn(ElementRef<'a>) -> bool) -> Option<ElementRef<'a>> {
    find(e, pred, true)
}

/// First element below `e` matching `pred`; with `skip_dropped`, furniture is not searched.
fn find<'a>(
    e: ElementRef<'a>,
    pred: &dyn Fn(ElementRef<'a>) -> bool,
    skip_dropped: bool,
) -> Option<ElementRef<'a>> {
    for child in e.children().filter_map(ElementRef::wrap) {
        if skip_dropped && dropped(child) {
            continue;
        }
        if pred(child) {
            return Some(child);
        }
        if let Some(found) = find(child, pred, skip_dropped) {
            return Some(found);
        }
    }
    None
}

/// Every element below `e` matching `pred`, not inside furniture.
fn all<'a>(
    e: ElementRef<'a>,
    pred: &dyn Fn(ElementRef<'a>) -> bool,
    out: &mut Vec<ElementRef<'a>>,
) {
    for child in e.children().filter_map(ElementRef::wrap) {
        if dropped(child) {
            continue;
        }
        if pred(child) {
            out.push(child);
        }
        all(child, pred, out);
    }
}

/// The text of a huge page without building its DOM: the tokenizer's events in order, skipping
/// the contents of `script`, `style`, `noscript`, `template` and `head`-only elements; blocks and
/// double `<br>`s end paragraphs, the first `<h1>` is the headline (else `<title>`), entities are
/// decoded by the tokenizer. No furniture removal by class or role: that needs the tree.
/// [`page`] uses it above [`STREAMED_PAGE_BYTES`]; public so that small pages can be fuzzed
/// through it too.
pub fn streamed_page(html: &str) -> Page {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    let tokenizer = Tokenizer::new(Streamer::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    // Fed in slices so the tokenizer never holds a copy of the whole page.
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(64 << 10);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        queue.push_back(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
        let _ = tokenizer.feed(&queue);
    }
    tokenizer.end();
    let s = tokenizer.sink.state.into_inner();
    let mut r = s.render;
    if let Some((_, h)) = s.heading {
        r.text(&h);
    }
    r.flush();
    let title = s.h1.or(s.title);
    let mut text = r.out.0;
    if !text.is_empty() {
        text.push('\n');
        if let Some(t) = &title {
            text.insert_str(0, &format!("{t}\n\n"));
        }
    }
    Page {
        title,
        url: s.url,
        text,
    }
}

/// Longest headline the streaming pass takes.
const MAX_STREAMED_HEADING_BYTES: usize = 2_000;

/// Elements whose contents never hold text, skipped by the streaming pass.
const STREAM_SKIPPED: &[&str] = &["script", "style", "noscript", "template", "textarea"];

#[derive(Default)]
struct Streamer {
    state: std::cell::RefCell<StreamState>,
}

#[derive(Default)]
struct StreamState {
    render: Renderer<Joined>,
    /// Depth inside skipped elements.
    skip: usize,
    /// Inside the first `<h1>` or `<title>`: its text so far.
    heading: Option<(&'static str, String)>,
    h1: Option<String>,
    title: Option<String>,
    url: Option<String>,
}

impl html5ever::tokenizer::TokenSink for Streamer {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        _line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{TagKind, Token, TokenSinkResult};
        let mut s = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(t) => {
                if s.skip > 0 {
                } else if let Some((_, h)) = &mut s.heading {
                    h.push_str(&t);
                    // An unclosed heading is text, not a headline swallowing the page.
                    if h.len() > MAX_STREAMED_HEADING_BYTES
                        && let Some((_, h)) = s.heading.take()
                    {
                        s.render.text(&h);
                    }
                } else {
                    s.render.text(&t);
                }
            }
            Token::CommentToken(c) if s.skip == 0 && c.trim().starts_with("mtlint-") => {
                s.render.flush();
                let directive = format!("<!-- {} -->", c.trim());
                s.render.out.push(&directive);
            }
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let start = tag.kind == TagKind::StartTag;
                if let Some(skipped) = STREAM_SKIPPED.iter().find(|n| **n == name) {
                    if start && !tag.self_closing {
                        s.skip += 1;
                        // The tokenizer reads these as raw text up to their end tag, as browsers do.
                        return match *skipped {
                            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                            "style" | "noscript" => TokenSinkResult::RawData(RawKind::Rawtext),
                            "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                            _ => TokenSinkResult::Continue,
                        };
                    }
                    if !start {
                        s.skip = s.skip.saturating_sub(1);
                    }
                    return TokenSinkResult::Continue;
                }
                if s.skip > 0 {
                    return TokenSinkResult::Continue;
                }
                let attr = |n: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| &*a.name.local == n)
                        .map(|a| a.value.to_string())
                };
                match (name, start) {
                    ("h1", true) if s.h1.is_none() && s.heading.is_none() => {
                        s.heading = Some(("h1", String::new()));
                        return TokenSinkResult::Continue;
                    }
                    ("title", true) if s.title.is_none() && s.heading.is_none() => {
                        s.heading = Some(("title", String::new()));
                        return TokenSinkResult::RawData(RawKind::Rcdata);
                    }
                    ("h1" | "title", false) => {
                        if s.heading.as_ref().is_some_and(|(n, _)| *n == name)
                            && let Some((_, h)) = s.heading.take()
                        {
                            let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
                            if !h.is_empty() {
                                *(if name == "h1" {
                                    &mut s.h1
                                } else {
                                    &mut s.title
                                }) = Some(h);
                            }
                        }
                        return TokenSinkResult::Continue;
                    }
                    ("link", true) if s.url.is_none() => {
                        let canonical = attr("rel").is_some_and(|r| {
                            r.split_whitespace()
                                .any(|r| r.eq_ignore_ascii_case("canonical"))
                        });
                        if canonical {
                            s.url = attr("href")
                                .map(|h| h.trim().to_string())
                                .filter(|h| !h.is_empty());
                        }
                    }
                    _ => {}
                }
                if s.heading.is_some() {
                    return TokenSinkResult::Continue;
                }
                if name == "br" {
                    s.render.br();
                } else if BLOCKS.contains(&name) {
                    s.render.flush();
                } else if name == "img" {
                    s.render.space();
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_become_paragraphs() {
        for (html, text) in [
            (
                "<p>One &amp; two.</p><p>Three&nbsp;four.</p>",
                "One & two.\n\nThree four.\n",
            ),
            (
                "Plain line one.\n\nPlain line two.",
                "Plain line one.\n\nPlain line two.\n",
            ),
            (
                "First<br>still first<br><br>Second",
                "First still first\n\nSecond\n",
            ),
            (
                "<div>A <b>bold</b>\n  claim.</div><script>x()</script>",
                "A bold claim.\n",
            ),
            ("<ul><li>One</li><li>Two</li></ul>", "One\n\nTwo\n"),
            (
                "<p>A</p><!-- other --><!-- mtlint-disable typography --><p>B</p>",
                "A\n\n<!-- mtlint-disable typography -->\n\nB\n",
            ),
            ("", ""),
        ] {
            assert_eq!(fragment_text(html), text, "{html}");
        }
    }

    #[test]
    fn pages_keep_the_article_and_drop_furniture() {
        let html = r#"<html><head><title>Site | Headline</title>
            <link rel="canonical" href="https://news.example/a/1"><style>p{}</style></head>
            <body><header><h1>Site name</h1><nav><a>Home</a></nav></header>
            <div class="cookie-banner"><p>We use cookies.</p></div>
            <main><article><h1>The real headline</h1>
              <p>First paragraph.</p><div class="share-buttons"><p>Share on X</p></div>
              <h2>Sub</h2><blockquote><p>A quote.</p></blockquote>
              <ul><li>Point</li></ul></article>
              <aside><p>Most read</p></aside>
              <section id="comments"><p>Nice article!</p><form><p>Leave a reply</p></form></section>
            </main><footer><p>Copyright</p></footer></body></html>"#;
        let p = page(html);
        assert_eq!(p.title.as_deref(), Some("The real headline"));
        assert_eq!(p.url.as_deref(), Some("https://news.example/a/1"));
        assert_eq!(
            p.text,
            "The real headline\n\nFirst paragraph.\n\nSub\n\nA quote.\n\nPoint\n"
        );
    }

    #[test]
    fn pages_fall_back_to_og_tags_and_divs() {
        let html = r#"<html><head><meta property="og:title" content="OG title">
            <meta property="og:url" content="https://x.example/b"></head>
            <body><div>Text in a div.<br><br>Next part.</div></body></html>"#;
        let p = page(html);
        assert_eq!(p.title.as_deref(), Some("OG title"));
        assert_eq!(p.url.as_deref(), Some("https://x.example/b"));
        assert_eq!(p.text, "OG title\n\nText in a div.\n\nNext part.\n");
        assert_eq!(page("<html><body><nav>Menu</nav></body></html>").text, "");
    }

    #[test]
    fn huge_pages_are_streamed_to_the_same_text() {
        let body = r#"<p>First &amp; <b>bold</b> one.</p><script>if (a<b) { x("</p>"); }</script>
            <style>p { color: red }</style><noscript><p>Enable JS</p></noscript>
            <template><p>Hidden</p></template><p>Line<br>same<br><br>next</p>
            <!-- mtlint-disable typography --><ul><li>Item</li></ul>"#;
        let html = format!(
            "<html><head><title>T  x</title><link rel=\"canonical\" href=\" https://e.x/1 \">\
             </head><body><article><h1>Head <i>line</i></h1>{}</article></body></html>",
            body.repeat(2)
        );
        let dom = page(&html);
        assert_eq!(dom.title.as_deref(), Some("Head line"));
        assert!(
            dom.text.contains("First & bold one.\n\nLine same\n\nnext"),
            "{}",
            dom.text
        );
        assert_eq!(streamed_page(&html), dom);
        let huge = format!(
            "<html><body><h1>H</h1>{}</body></html>",
            "<p>A paragraph of text.</p>".repeat(STREAMED_PAGE_BYTES / 20)
        );
        let p = page(&huge);
        assert_eq!(p.title.as_deref(), Some("H"));
        assert!(
            p.text
                .starts_with("H\n\nA paragraph of text.\n\nA paragraph")
        );
        assert_eq!(
            p.text.matches("paragraph").count(),
            STREAMED_PAGE_BYTES / 20
        );
        let unclosed = streamed_page("<title>T</title><h1>Never closed <p>text</p>");
        assert_eq!(unclosed.title.as_deref(), Some("T"));
        assert_eq!(unclosed.text, "T\n\nNever closed text\n");
    }
}
