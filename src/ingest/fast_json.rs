//! The common JSON Lines record read without building a `serde_json::Value`: an object whose
//! keys are among `id`, `title`, `url` and `text`, each once, every value a string. Anything
//! else (other keys, numbers, nesting, lone surrogates, control characters, invalid UTF-8, a
//! syntax error) is left to serde_json, so results and error messages stay serde_json's.
//!
//! Strings are copied a run at a time between quotes and backslashes, found with memchr's
//! vector search: a few times faster per byte than serde_json's general parser.

/// The fields of a record.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Record {
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub text: Option<String>,
}

/// The record on a line, or `None` when serde_json must decide.
pub(super) fn parse(line: &[u8]) -> Option<Record> {
    // Raw control characters are errors inside strings; tabs and newlines between tokens are
    // rare: any of them (but the line's end) goes the general way. Tested in blocks, without
    // branching, so that it vectorises.
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if body
        .chunks(32)
        .any(|c| c.iter().fold(false, |bad, &b| bad | (b < b' ')))
    {
        return None;
    }
    let mut p = Parser {
        s: std::str::from_utf8(body).ok()?,
        at: 0,
    };
    let mut record = Record::default();
    p.space();
    p.byte(b'{')?;
    p.space();
    if p.peek()? == b'}' {
        return None;
    }
    loop {
        let key = p.string()?;
        p.space();
        p.byte(b':')?;
        p.space();
        let value = p.string()?;
        let slot = match key.as_str() {
            "id" => &mut record.id,
            "title" => &mut record.title,
            "url" => &mut record.url,
            "text" => &mut record.text,
            _ => return None,
        };
        if slot.replace(value).is_some() {
            return None;
        }
        p.space();
        match p.next()? {
            b',' => p.space(),
            b'}' => break,
            _ => return None,
        }
    }
    p.space();
    (p.at == p.s.len() && record.text.is_some()).then_some(record)
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn byte(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// JSON whitespace (tabs and newlines were ruled out before).
    fn space(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// Four hex digits of a `\\u` escape.
    fn hex4(&mut self) -> Option<u32> {
        let hex = self.s.get(self.at..self.at + 4)?;
        self.at += 4;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()
    }

    /// A string, unescaped.
    fn string(&mut self) -> Option<String> {
        self.byte(b'"')?;
        let mut out = String::new();
        loop {
            let rest = &self.s[self.at..];
            let i = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
            if out.capacity() == 0 {
                // Unescaped, the string is at most the rest of the line: one allocation, never
                // regrown (exact for a string without escapes).
                let escaped = rest.as_bytes()[i] == b'\\';
                out.reserve(if escaped { rest.len() } else { i });
            }
            // Quotes and backslashes are ASCII: the run ends on a character boundary.
            out.push_str(&rest[..i]);
            self.at += i + 1;
            if rest.as_bytes()[i] == b'"' {
                return Some(out);
            }
            let c = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let code = self.hex4()?;
                    if (0xD800..0xDC00).contains(&code) {
                        // A surrogate pair (emoji): taken here so that such lines are not
                        // copied once more through serde_json's scratch buffer; a lone
                        // surrogate goes the general way.
                        self.byte(b'\\')?;
                        self.byte(b'u')?;
                        let low = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?
                    } else {
                        char::from_u32(code)?
                    }
                }
                _ => return None,
            };
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json reads, by the same rules: `None` where it keeps other keys or values.
    fn by_serde(line: &str) -> Option<Record> {
        let serde_json::Value::Object(map) = serde_json::from_str(line).ok()? else {
            return None;
        };
        let mut r = Record::default();
        for (k, v) in map {
            let serde_json::Value::String(s) = v else {
                return None;
            };
            match k.as_str() {
                "id" => r.id = Some(s),
                "title" => r.title = Some(s),
                "url" => r.url = Some(s),
                "text" => r.text = Some(s),
                _ => return None,
            }
        }
        r.text.is_some().then_some(r)
    }

    #[test]
    fn agrees_with_serde_json_or_declines() {
        let lines = [
            r#"{"id": "a-1", "title": "T", "url": "https://x.nl/1", "text": "One.\n\nTwo \"q\" \\ \/ \t end"}"#,
            r#"{"text":"caf\u00e9 \u201cquoted\u201d \u0041"}"#,
            r#"  {"text" : "spaces around" , "id":"x"}  "#,
            "{\"text\":\"Zürich — naïve\"}\n",
            "{\"text\":\"crlf\"}\r\n",
            r#"{"text":""}"#,
            r#"{"id":"only id"}"#,
            r#"{}"#,
            r#"{"text":"a","text":"b"}"#,
            r#"{"text":"a","lang":"nl"}"#,
            r#"{"text":"a","id":7}"#,
            r#"{"text":"emoji \ud83d\ude00 \uDBFF\uDFFF"}"#,
            r#"{"text":"lone \ud83d"}"#,
            r#"{"text":"lone \ud83d\u0041"}"#,
            r#"{"text":"low first \ude00\ud83d"}"#,
            r#"{"text":"lone \ude00"}"#,
            r#"{"text":"bad \x escape"}"#,
            r#"{"text":"short \u12"}"#,
            r#"{"text":"unterminated}"#,
            r#"{"text":"a"} trailing"#,
            r#"{"text":"a",}"#,
            r#"["text","a"]"#,
            "{\"text\":\"raw\ttab\"}",
            "{\"text\":\t\"tab between\"}",
            r#"{"te\u0078t":"escaped key"}"#,
            "",
            "   ",
        ];
        for line in lines {
            let fast = parse(line.as_bytes());
            if fast.is_some() {
                assert_eq!(fast, by_serde(line), "{line:?}");
            }
        }
        // The common shapes take the fast way.
        for line in lines[..6].iter().chain(&lines[11..12]) {
            assert!(parse(line.as_bytes()).is_some(), "{line:?}");
        }
        assert!(parse(b"{\"text\":\"\xff\"}").is_none(), "invalid UTF-8");
    }
}
