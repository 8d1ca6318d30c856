//! The JSON Lines record read without building a `serde_json::Value` for the whole line: an
//! object with a string `text`. `text` and string `id`, `title` and `url` values are copied a
//! run at a time between quotes and backslashes, found with memchr's vector search (a few times
//! faster per byte than serde_json's general parser, and without its scratch buffer, which held
//! a huge line's text a second time); any other value is read by serde_json on its own. What
//! this path cannot take exactly as serde_json would (a syntax error, a lone surrogate, a
//! non-string `text`, deep nesting) is left to serde_json, so results and error messages stay
//! serde_json's.

use serde_json::{Map, Value};

/// Nesting depth of a value of another key beyond which the line goes the general way: the
/// line's own object counts against serde_json's limit of 127 levels.
const MAX_VALUE_DEPTH: usize = 100;

/// The fields of a record, as serde_json gives them.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Record {
    pub text: String,
    pub id: Option<Value>,
    pub title: Option<Value>,
    pub url: Option<Value>,
    /// The other keys.
    pub extra: Map<String, Value>,
}

impl Record {
    /// The record of an object serde_json read, or what is wrong with it.
    pub(super) fn from_map(mut map: Map<String, Value>) -> Result<Record, &'static str> {
        let text = match map.remove("text") {
            Some(Value::String(t)) => t,
            Some(_) => return Err("\"text\" must be a string"),
            None => return Err("missing \"text\" field"),
        };
        Ok(Record {
            text,
            id: map.remove("id"),
            title: map.remove("title"),
            url: map.remove("url"),
            extra: map,
        })
    }
}

/// The record on a line, or `None` when serde_json must decide.
pub(super) fn parse(line: &[u8]) -> Option<Record> {
    // Raw control characters are errors inside strings, whitespace between tokens: when the
    // line has any (but its end), strings are checked for them run by run. Tested in blocks,
    // without branching, so that it vectorises.
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let controls = body
        .chunks(32)
        .any(|c| c.iter().fold(false, |bad, &b| bad | (b < b' ')));
    let mut p = Parser {
        s: std::str::from_utf8(body).ok()?,
        at: 0,
        controls,
    };
    let mut record = Record::default();
    let mut text = None;
    p.space();
    p.byte(b'{')?;
    p.space();
    if p.peek()? == b'}' {
        return None;
    }
    loop {
        let key = p.key()?;
        p.space();
        p.byte(b':')?;
        p.space();
        // A repeated key keeps its last value, as in serde_json's map.
        match key.as_ref() {
            // Not a string: serde_json's error.
            "text" => text = Some(p.string()?),
            "id" => record.id = Some(p.value()?),
            "title" => record.title = Some(p.value()?),
            "url" => record.url = Some(p.value()?),
            _ => {
                let value = p.value()?;
                record.extra.insert(key.into_owned(), value);
            }
        }
        p.space();
        match p.next()? {
            b',' => p.space(),
            b'}' => break,
            _ => return None,
        }
    }
    p.space();
    if p.at != p.s.len() {
        return None;
    }
    record.text = text?;
    Some(record)
}

/// Containers nested in a value, itself included.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
    /// The line has control characters: strings must be checked for them.
    controls: bool,
}

impl<'a> Parser<'a> {
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

    /// JSON whitespace.
    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Any value: a string the fast way, anything else by serde_json, which also finds where it
    /// ends.
    fn value(&mut self) -> Option<Value> {
        if self.peek()? == b'"' {
            return self.string().map(Value::String);
        }
        let mut values = serde_json::Deserializer::from_str(&self.s[self.at..]).into_iter();
        let value: Value = values.next()?.ok()?;
        self.at += values.byte_offset();
        (depth(&value) <= MAX_VALUE_DEPTH).then_some(value)
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

    /// A key: borrowed from the line unless it has escapes (keys are short and mostly the four
    /// known ones, compared and dropped at once).
    fn key(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let s = self.s;
        let rest = s.get(self.at + 1..)?;
        if let Some(i) = memchr::memchr2(b'"', b'\\', rest.as_bytes())
            && rest.as_bytes()[i] == b'"'
            && self.peek() == Some(b'"')
            && !(self.controls && rest.as_bytes()[..i].iter().any(|&b| b < b' '))
        {
            self.at += i + 2;
            return Some(std::borrow::Cow::Borrowed(&rest[..i]));
        }
        self.string().map(std::borrow::Cow::Owned)
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
            if self.controls && rest.as_bytes()[..i].iter().any(|&b| b < b' ') {
                return None;
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

    /// What serde_json reads.
    fn by_serde(line: &str) -> Option<Record> {
        let Value::Object(map) = serde_json::from_str(line).ok()? else {
            return None;
        };
        Record::from_map(map).ok()
    }

    fn nested(levels: usize) -> String {
        format!(
            r#"{{"text":"a","deep":{}{}}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    }

    #[test]
    fn agrees_with_serde_json_or_declines() {
        let fast = [
            r#"{"id": "a-1", "title": "T", "url": "https://x.nl/1", "text": "One.\n\nTwo \"q\" \\ \/ \t end"}"#,
            r#"{"text":"caf\u00e9 \u201cquoted\u201d \u0041"}"#,
            r#"  {"text" : "spaces around" , "id":"x"}  "#,
            "{\"text\":\"Zürich — naïve\"}\n",
            "{\"text\":\"crlf\"}\r\n",
            r#"{"text":""}"#,
            r#"{"text":"emoji \ud83d\ude00 \uDBFF\uDFFF"}"#,
            // Repeated keys keep the last value.
            r#"{"text":"a","text":"b"}"#,
            r#"{"text":"a","id":"x","id":7,"lang":"nl","lang":null}"#,
            // Other keys and values of every kind.
            r#"{"text":"a","lang":"nl"}"#,
            r#"{"text":"a","id":7}"#,
            r#"{"id":-0.5e-3,"text":"a"}"#,
            r#"{"id":12345678901234567890123,"text":"a"}"#,
            r#"{"id":true,"title":false,"url":null,"text":"a"}"#,
            r#"{"title":["x",1],"url":{"a":"b"},"text":"a"}"#,
            r#"{"n":0,"f":1.5,"e":1E+2,"neg":-7,"big":18446744073709551616,"text":"a"}"#,
            r#"{"meta":{"a":[1,2.5e3,{"b":"c","b":"d"}],"s":"\u00e9\n"},"text":"a","z":[]}"#,
            r#"{"meta":{ "a" : [ 1 , { } ] } ,"text":"a"}"#,
            "{\"text\":\t\"tab between\",\r\"n\":\t[1,\t2]}",
            "{\"text\":\"a\",\"x\":[1,2]}\n",
            r#"{"te\u0078t":"escaped key","\u00e9":1}"#,
            r#"{"":"empty key","text":"a"}"#,
        ];
        let declined = [
            r#"{"id":"only id"}"#,
            r#"{}"#,
            r#"{"text":7}"#,
            r#"{"text":null}"#,
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
            "{\"text\":\"a\",\"k\":\"raw\u{1}\"}",
            "{\"text\":\"a\",\"k\":[\"raw\u{1}\"]}",
            // Malformed numbers and literals.
            r#"{"text":"a","n":01}"#,
            r#"{"text":"a","n":-}"#,
            r#"{"text":"a","n":1.}"#,
            r#"{"text":"a","n":.5}"#,
            r#"{"text":"a","n":1e}"#,
            r#"{"text":"a","n":+1}"#,
            r#"{"text":"a","n":1e400}"#,
            r#"{"text":"a","n":NaN}"#,
            r#"{"text":"a","n":0x10}"#,
            r#"{"text":"a","n":1x}"#,
            r#"{"text":"a","b":tru}"#,
            r#"{"text":"a","b":truex}"#,
            r#"{"text":"a","b":nul}"#,
            r#"{"text":"a","b":True}"#,
            // Malformed nesting.
            r#"{"text":"a","x":[1,]}"#,
            r#"{"text":"a","x":[1 2]}"#,
            r#"{"text":"a","x":{"k" 1}}"#,
            r#"{"text":"a","x":{1:2}}"#,
            r#"{"text":"a","x":[}"#,
            r#"{"text":"a","x":{"k":1]}"#,
            r#"{"text":"a","x":[1]]}"#,
            r#"{"text":"a","x":"lone \ud83d"}"#,
            r#"{"text":"a","x"}"#,
            r#"{"text":"a","x":}"#,
            r#"{"text":"a" "x":1}"#,
            "",
            "   ",
        ];
        let deep = [
            nested(1),
            nested(100),
            nested(126),
            nested(127),
            nested(200),
        ];
        let all = fast
            .iter()
            .chain(&declined)
            .copied()
            .chain(deep.iter().map(String::as_str));
        for line in all {
            if let Some(record) = parse(line.as_bytes()) {
                assert_eq!(Some(record), by_serde(line), "{line:?}");
            }
        }
        for line in fast.iter().copied().chain([deep[0].as_str(), &deep[1]]) {
            assert!(by_serde(line).is_some(), "{line:?}");
            assert!(parse(line.as_bytes()).is_some(), "{line:?}");
        }
        for line in declined.iter().copied().chain([deep[3].as_str(), &deep[4]]) {
            assert!(parse(line.as_bytes()).is_none(), "{line:?}");
        }
        assert!(by_serde(&deep[3]).is_none(), "serde_json's depth limit");
        assert!(parse(b"{\"text\":\"\xff\"}").is_none(), "invalid UTF-8");
    }
}
