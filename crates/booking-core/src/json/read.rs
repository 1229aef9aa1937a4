//! A JSON reader for the widget: the language `serde_json::from_slice::<Value>` reads,
//! into a value that keeps only what [`super::FromJson`] looks at.
//!
//! serde_json's parser and its `Value` cost the wasm about 4 KB (brotli) more than
//! this. `tests/json_read.rs` compares the two on edge cases, generated text and
//! example replies with bytes changed.

/// A JSON value as the widget reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, with its value when serde_json reads it as an `i64` (a whole number
    /// written without fraction or exponent, in range, not `-0`); `None` for any
    /// other number, which no reply type reads.
    Number(Option<i64>),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members in the order written, a repeated key included (readers
    /// take the last one, as serde_json's map keeps it).
    Object(Vec<(String, Json)>),
}

impl Json {
    /// `body` as one JSON value with nothing but whitespace around it; `None` for
    /// whatever serde_json refuses (RFC 8259, nesting deeper than 127, numbers beyond
    /// `f64`, lone surrogates).
    pub fn parse(body: &[u8]) -> Option<Self> {
        // serde_json checks UTF-8 inside strings only, but outside them JSON allows
        // nothing but ASCII: checking the whole body refuses the same texts.
        let text = std::str::from_utf8(body).ok()?;
        let mut reader = Reader {
            text,
            at: 0,
            depth: DEPTH,
        };
        let value = reader.value()?;
        reader.space().is_none().then_some(value)
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value of a number serde_json reads as an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(number) => *number,
            _ => None,
        }
    }

    /// The value of a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object, as written.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }
}

/// serde_json's recursion limit: a 128th nested array or object is refused.
const DEPTH: u8 = 128;

/// `10^289..=10^308`, as serde_json's table has them. Below `10^289` no `u64`
/// significand reaches infinity; above `10^308` any non-zero one does.
const POW10: [f64; 20] = [
    1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303, 1e304,
    1e305, 1e306, 1e307, 1e308,
];

struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: u8,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// Skips whitespace; the next byte, not consumed.
    fn space(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
        self.peek()
    }

    /// After whitespace, `byte`, consumed.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.space()? == byte).then(|| self.at += 1)
    }

    fn digit(&mut self) -> Option<u8> {
        let digit = self.peek()?.wrapping_sub(b'0');
        (digit < 10).then(|| {
            self.at += 1;
            digit
        })
    }

    fn value(&mut self) -> Option<Json> {
        let first = self.space()?;
        self.at += 1;
        Some(match first {
            b'n' => self.word(b"ull", Json::Null)?,
            b't' => self.word(b"rue", Json::Bool(true))?,
            b'f' => self.word(b"alse", Json::Bool(false))?,
            b'"' => Json::String(self.string()?),
            b'[' | b'{' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return None;
                }
                let value = if first == b'[' { self.array()? } else { self.object()? };
                self.depth += 1;
                value
            }
            b'-' => self.number(false)?,
            b'0'..=b'9' => {
                self.at -= 1;
                self.number(true)?
            }
            _ => return None,
        })
    }

    fn word(&mut self, rest: &[u8], value: Json) -> Option<Json> {
        let end = self.at + rest.len();
        (self.text.as_bytes().get(self.at..end)? == rest).then(|| {
            self.at = end;
            value
        })
    }

    fn array(&mut self) -> Option<Json> {
        let mut items = Vec::new();
        if self.space()? == b']' {
            self.at += 1;
        } else {
            loop {
                items.push(self.value()?);
                match self.space()? {
                    b',' => self.at += 1,
                    b']' => break self.at += 1,
                    _ => return None,
                }
            }
        }
        Some(Json::Array(items))
    }

    fn object(&mut self) -> Option<Json> {
        let mut members = Vec::new();
        if self.space()? == b'}' {
            self.at += 1;
        } else {
            loop {
                self.expect(b'"')?;
                let key = self.string()?;
                self.expect(b':')?;
                members.push((key, self.value()?));
                match self.space()? {
                    b',' => self.at += 1,
                    b'}' => break self.at += 1,
                    _ => return None,
                }
            }
        }
        Some(Json::Object(members))
    }

    /// The rest of a string whose opening quote is read.
    fn string(&mut self) -> Option<String> {
        let mut text = String::new();
        let mut start = self.at;
        loop {
            let byte = self.next()?;
            if byte == b'"' || byte == b'\\' {
                // Both are ASCII, so the run before them ends on a character boundary.
                text.push_str(&self.text[start..self.at - 1]);
            }
            match byte {
                b'"' => return Some(text),
                b'\\' => {
                    text.push(match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\x08',
                        b'f' => '\x0c',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.code_point()?,
                        _ => return None,
                    });
                    start = self.at;
                }
                0..=0x1f => return None,
                _ => {}
            }
        }
    }

    /// The character of a `\u` escape whose `\u` is read; a surrogate must be the
    /// first of a pair written as two escapes.
    fn code_point(&mut self) -> Option<char> {
        let mut code = self.hex()?;
        if (0xD800..0xDC00).contains(&code) {
            if self.next()? != b'\\' || self.next()? != b'u' {
                return None;
            }
            let low = self.hex()?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        // `None` for a lone second half of a pair.
        char::from_u32(code)
    }

    fn hex(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            code = code * 16 + (self.next()? as char).to_digit(16)?;
        }
        Some(code)
    }

    /// A number whose sign (if any) is read, checked the way serde_json reads it:
    /// digits past `u64` shift the exponent instead, and a value that would be
    /// infinite as an `f64` is refused.
    fn number(&mut self, positive: bool) -> Option<Json> {
        let mut significand: u64 = 0;
        let mut exponent: i32 = 0;
        let mut whole = true;
        match self.digit()? {
            0 => {
                if self.digit().is_some() {
                    return None;
                }
            }
            first => {
                significand = u64::from(first);
                let mut overflowed = false;
                while let Some(digit) = self.digit() {
                    // serde_json keeps the first digits that fit and counts the rest as
                    // powers of ten, then reads a float.
                    if overflowed || !push_digit(&mut significand, digit) {
                        overflowed = true;
                        whole = false;
                        exponent += 1;
                    }
                }
            }
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            whole = false;
            let start = self.at;
            let mut full = false;
            while let Some(digit) = self.digit() {
                // As serde_json: once the significand is full, later digits are dropped.
                full = full || !push_digit(&mut significand, digit);
                if !full {
                    exponent -= 1;
                }
            }
            if self.at == start {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            whole = false;
            let positive_exponent = self.peek() != Some(b'-');
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            let mut written = i32::from(self.digit()?);
            let mut overflowed = false;
            while let Some(digit) = self.digit() {
                const TENTH: i32 = i32::MAX / 10;
                overflowed = overflowed || written > TENTH || (written == TENTH && i32::from(digit) > i32::MAX % 10);
                if !overflowed {
                    written = written * 10 + i32::from(digit);
                }
            }
            if overflowed {
                // serde_json: zero for a huge negative exponent or a zero significand,
                // out of range otherwise.
                return (significand == 0 || !positive_exponent).then_some(Json::Number(None));
            }
            exponent = if positive_exponent {
                exponent.saturating_add(written)
            } else {
                exponent.saturating_sub(written)
            };
        }
        if whole {
            return Some(Json::Number(match (positive, significand) {
                (true, _) => i64::try_from(significand).ok(),
                // serde_json reads `-0` as a float.
                (false, 0) => None,
                (false, _) => 0i64.checked_sub_unsigned(significand),
            }));
        }
        let infinite = significand != 0
            && exponent > 288
            && POW10
                .get((exponent - 289) as usize)
                .is_none_or(|power| (significand as f64 * power).is_infinite());
        (!infinite).then_some(Json::Number(None))
    }
}

/// `significand * 10 + digit` when it fits a `u64` (serde_json's test, which keeps
/// `u64::MAX` itself). Compared, not `checked_mul`: that is a 128-bit multiply in wasm.
fn push_digit(significand: &mut u64, digit: u8) -> bool {
    const TENTH: u64 = u64::MAX / 10;
    let fits = *significand < TENTH || (*significand == TENTH && u64::from(digit) <= u64::MAX % 10);
    if fits {
        *significand = *significand * 10 + u64::from(digit);
    }
    fits
}
