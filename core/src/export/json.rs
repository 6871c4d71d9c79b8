//! A small strict JSON reader (RFC 8259) for the controller info file.
//!
//! It replaces serde derive there so that the npm module carries no JSON
//! parser and no derived visitors (issue 13 item 5). It is stricter than
//! serde was, never looser: the grammar of RFC 8259 exactly (no trailing
//! commas, no comments, no leading zeros, no unescaped control characters,
//! no lone surrogates), a member name used twice in one object is refused
//! (serde refused it for struct fields and silently kept the last one in
//! maps), and nesting deeper than [`MAX_DEPTH`] is refused rather than
//! overflowing the stack.

/// Deepest nesting of arrays and objects accepted (serde_json's limit).
pub(crate) const MAX_DEPTH: usize = 128;

/// A parsed JSON value. Numbers keep their text; objects keep their members
/// in document order (names are unique, checked while reading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// A number, as written (valid RFC 8259 number grammar).
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// What kind of value this is, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// Parses one JSON text (RFC 8259): a value surrounded by optional
/// whitespace and nothing else. The error says what is wrong and where
/// (line and column, both from 1).
pub(crate) fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0).map_err(|why| p.at(why))?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.at("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    /// `why` with the line and column of the current position.
    fn at(&self, why: &str) -> String {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        // Columns count characters, not bytes.
        let column = before[start..]
            .iter()
            .filter(|&&b| b & 0xc0 != 0x80)
            .count()
            + 1;
        format!("{why} at line {line} column {column}")
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &'static str, v: Json) -> Result<Json, &'static str> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err("expected a JSON value")
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, &'static str> {
        self.ws();
        match self.peek() {
            None => Err("unexpected end of input"),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                let depth = self.nest(depth)?;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err("expected `,` or `]`"),
                    }
                }
            }
            Some(b'{') => {
                let depth = self.nest(depth)?;
                let mut members: Vec<(String, Json)> = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err("expected a member name (a string)");
                    }
                    let name_at = self.i;
                    let name = self.string()?;
                    if members.iter().any(|(n, _)| *n == name) {
                        self.i = name_at;
                        return Err("duplicate member name");
                    }
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err("expected `:`");
                    }
                    self.i += 1;
                    let v = self.value(depth)?;
                    members.push((name, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(members));
                        }
                        _ => return Err("expected `,` or `}`"),
                    }
                }
            }
            Some(_) => Err("expected a JSON value"),
        }
    }

    /// Enters `[` or `{`: one level deeper, refused past [`MAX_DEPTH`].
    fn nest(&mut self, depth: usize) -> Result<usize, &'static str> {
        if depth >= MAX_DEPTH {
            return Err("nested too deeply");
        }
        self.i += 1;
        Ok(depth + 1)
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> Result<Json, &'static str> {
        let from = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err("a number may not have a leading zero");
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        // Only ASCII bytes were consumed since `from`: both ends are
        // character boundaries.
        Ok(Json::Number(
            self.text.get(from..self.i).unwrap_or_default().to_owned(),
        ))
    }

    fn hex4(&mut self) -> Result<u32, &'static str> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err("invalid \\u escape"),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    /// A string starting at `"`; escapes decoded.
    fn string(&mut self) -> Result<String, &'static str> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err("unterminated string");
            };
            match b {
                b'"' => {
                    self.i += 1;
                    // The input is a `&str` and escapes add whole characters.
                    return String::from_utf8(out).map_err(|_| "invalid UTF-8");
                }
                0x00..=0x1f => return Err("control character in a string (escape it)"),
                b'\\' => {
                    self.i += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let code = match hi {
                                0xd800..=0xdbff => {
                                    if !self.s[self.i..].starts_with(b"\\u") {
                                        return Err("lone surrogate in a \\u escape");
                                    }
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..=0xdfff).contains(&lo) {
                                        return Err("lone surrogate in a \\u escape");
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                }
                                0xdc00..=0xdfff => return Err("lone surrogate in a \\u escape"),
                                _ => hi,
                            };
                            let c = char::from_u32(code).ok_or("invalid \\u escape")?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return Err("invalid escape in a string"),
                    };
                    self.i += 1;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => {
                    out.push(b);
                    self.i += 1;
                }
            }
        }
    }
}

/// The members of one JSON object, taken one by one by name; whatever is
/// left at the end is an unknown member ([`Members::finish`]).
pub(crate) struct Members<'p> {
    /// Where this object is (`controllers[0].address`), for messages.
    path: &'p str,
    members: Vec<(String, Json)>,
}

impl<'p> Members<'p> {
    /// The members of `v`, which must be an object.
    pub(crate) fn of(path: &'p str, v: Json) -> Result<Members<'p>, String> {
        match v {
            Json::Object(members) => Ok(Members { path, members }),
            other => Err(format!(
                "{path}: expected an object, found {}",
                other.kind()
            )),
        }
    }

    /// Member `name`, if present.
    pub(crate) fn take(&mut self, name: &str) -> Option<Json> {
        let i = self.members.iter().position(|(n, _)| n == name)?;
        Some(self.members.remove(i).1)
    }

    /// Member `name`, which must be present.
    pub(crate) fn required(&mut self, name: &str) -> Result<Json, String> {
        self.take(name)
            .ok_or_else(|| format!("missing field `{}`", self.name(name)))
    }

    fn name(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn expected(&self, name: &str, what: &str, found: &Json) -> String {
        format!(
            "{}: expected {what}, found {}",
            self.name(name),
            found.kind()
        )
    }

    /// A required string member.
    pub(crate) fn string(&mut self, name: &str) -> Result<String, String> {
        match self.take(name) {
            Some(Json::String(s)) => Ok(s),
            Some(other) => Err(self.expected(name, "a string", &other)),
            None => Err(format!("missing field `{}`", self.name(name))),
        }
    }

    /// An optional string member: absent or `null` is `None`.
    pub(crate) fn opt_string(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.take(name) {
            Some(Json::String(s)) => Ok(Some(s)),
            None | Some(Json::Null) => Ok(None),
            Some(other) => Err(self.expected(name, "a string or null", &other)),
        }
    }

    /// An optional boolean member, `false` when absent.
    pub(crate) fn bool_or_false(&mut self, name: &str) -> Result<bool, String> {
        match self.take(name) {
            Some(Json::Bool(b)) => Ok(b),
            None => Ok(false),
            Some(other) => Err(self.expected(name, "a boolean", &other)),
        }
    }

    /// An optional array member, empty when absent.
    pub(crate) fn array(&mut self, name: &str) -> Result<Vec<Json>, String> {
        match self.take(name) {
            Some(Json::Array(a)) => Ok(a),
            None => Ok(Vec::new()),
            Some(other) => Err(self.expected(name, "an array", &other)),
        }
    }

    /// An optional array of strings, empty when absent.
    pub(crate) fn strings(&mut self, name: &str) -> Result<Vec<String>, String> {
        let items = self.array(name)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.into_iter().enumerate() {
            match v {
                Json::String(s) => out.push(s),
                other => {
                    return Err(format!(
                        "{}[{i}]: expected a string, found {}",
                        self.name(name),
                        other.kind()
                    ))
                }
            }
        }
        Ok(out)
    }

    /// An optional object whose values are integers 0..=255, sorted by
    /// name (as the `BTreeMap` serde read it into did); empty when absent.
    pub(crate) fn byte_map(&mut self, name: &str) -> Result<Vec<(String, u8)>, String> {
        let members = match self.take(name) {
            Some(Json::Object(m)) => m,
            None => return Ok(Vec::new()),
            Some(other) => return Err(self.expected(name, "an object", &other)),
        };
        let mut out = Vec::with_capacity(members.len());
        for (k, v) in members {
            let n = match &v {
                Json::Number(t) if t.bytes().all(|b| b.is_ascii_digit()) => t.parse::<u8>().ok(),
                _ => None,
            };
            match n {
                Some(n) => {
                    // Names are unique (checked by the parser).
                    let at = out
                        .binary_search_by(|(o, _): &(String, u8)| o.as_str().cmp(k.as_str()))
                        .unwrap_or_else(|at| at);
                    out.insert(at, (k, n));
                }
                None => {
                    return Err(format!(
                        "{}.{k}: expected an integer from 0 to 255, found {}",
                        self.name(name),
                        match &v {
                            Json::Number(t) => t.as_str(),
                            other => other.kind(),
                        }
                    ))
                }
            }
        }
        Ok(out)
    }

    /// Refuses any member not taken.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self.members.first() {
            None => Ok(()),
            Some((n, _)) => Err(format!("unknown field `{}`", self.name(n))),
        }
    }
}
