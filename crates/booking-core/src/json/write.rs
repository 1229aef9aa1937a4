//! A JSON writer for the widget's request bodies, events and draft: the text
//! `serde_json::to_string` writes, from the same `Serialize` derives, without
//! serde_json's serializer in the wasm.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

/// `value` as compact JSON, byte for byte what `serde_json::to_string` writes; `None`
/// for what no request of ours holds and this writer leaves out: floats, map keys
/// that are not strings, enum variants with data, 128-bit integers.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let mut out = Writer(String::new());
    value.serialize(&mut out).ok()?;
    Some(out.0)
}

struct Writer(String);

impl Writer {
    /// A string with serde_json's escapes: `"`, `\` and the control characters only,
    /// the short form where JSON has one.
    fn string(&mut self, text: &str) {
        let out = &mut self.0;
        out.push('"');
        let mut start = 0;
        for (at, byte) in text.bytes().enumerate() {
            let short = match byte {
                b'"' => b'"',
                b'\\' => b'\\',
                b'\x08' => b'b',
                b'\x0c' => b'f',
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                0..=0x1f => b'u',
                _ => continue,
            };
            out.push_str(&text[start..at]);
            out.push('\\');
            out.push(short as char);
            if short == b'u' {
                out.push_str("00");
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xf)] as char);
            }
            start = at + 1;
        }
        out.push_str(&text[start..]);
        out.push('"');
    }

    /// An integer in decimal, as serde_json writes it.
    fn integer(&mut self, negative: bool, magnitude: u64) -> Result<(), Unwritable> {
        push_decimal(&mut self.0, negative, magnitude, 0);
        Ok(())
    }

    fn signed(&mut self, value: i64) -> Result<(), Unwritable> {
        self.integer(value < 0, value.unsigned_abs())
    }
}

/// An integer in decimal, zero-padded to `width` characters with its sign, as
/// `format!("{value:0width$}")` writes it. By hand, for JSON numbers and date-times:
/// the integer types' `Display` is otherwise not in the wasm, and `format!`'s argument
/// tables at each call cost more than this.
pub(crate) fn push_decimal(out: &mut String, negative: bool, mut magnitude: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    let sign = usize::from(negative);
    if negative {
        out.push('-');
    }
    for _ in digits.len() - start + sign..width {
        out.push('0');
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Something [`to_json`] does not write.
#[derive(Debug)]
struct Unwritable;

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not written as JSON here")
    }
}

impl std::error::Error for Unwritable {}

impl ser::Error for Unwritable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Impossible<(), Unwritable>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), Unwritable>;

    fn serialize_bool(self, value: bool) -> Result<(), Unwritable> {
        self.0.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), Unwritable> {
        self.signed(value.into())
    }

    fn serialize_i16(self, value: i16) -> Result<(), Unwritable> {
        self.signed(value.into())
    }

    fn serialize_i32(self, value: i32) -> Result<(), Unwritable> {
        self.signed(value.into())
    }

    fn serialize_i64(self, value: i64) -> Result<(), Unwritable> {
        self.signed(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), Unwritable> {
        self.integer(false, value.into())
    }

    fn serialize_u16(self, value: u16) -> Result<(), Unwritable> {
        self.integer(false, value.into())
    }

    fn serialize_u32(self, value: u32) -> Result<(), Unwritable> {
        self.integer(false, value.into())
    }

    fn serialize_u64(self, value: u64) -> Result<(), Unwritable> {
        self.integer(false, value)
    }

    // serde_json writes floats with its own shortest-digits algorithm, which is not
    // worth carrying for fields that never hold one.
    fn serialize_f32(self, _: f32) -> Result<(), Unwritable> {
        Err(Unwritable)
    }

    fn serialize_f64(self, _: f64) -> Result<(), Unwritable> {
        Err(Unwritable)
    }

    fn serialize_char(self, value: char) -> Result<(), Unwritable> {
        self.string(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Unwritable> {
        self.string(value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Unwritable> {
        use ser::SerializeSeq as _;
        let mut array = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            array.serialize_element(byte)?;
        }
        array.end()
    }

    fn serialize_none(self) -> Result<(), Unwritable> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unwritable> {
        self.0.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unwritable> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unwritable> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unwritable> {
        Err(Unwritable)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, '['))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unwritable> {
        Err(Unwritable)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, '{'))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unwritable> {
        Err(Unwritable)
    }
}

/// An array or object being written.
struct Compound<'a> {
    writer: &'a mut Writer,
    first: bool,
}

impl<'a> Compound<'a> {
    fn open(writer: &'a mut Writer, bracket: char) -> Self {
        writer.0.push(bracket);
        Self { writer, first: true }
    }

    /// An object's `"key":`, after a comma unless it is the first. Kept out of line:
    /// inlined, it repeats for every field of every request.
    #[inline(never)]
    fn key(&mut self, key: &str) {
        self.item().string(key);
        self.writer.0.push(':');
    }

    /// The comma before every item but the first.
    fn item(&mut self) -> &mut Writer {
        if !self.first {
            self.writer.0.push(',');
        }
        self.first = false;
        self.writer
    }

    fn close(self, bracket: char) -> Result<(), Unwritable> {
        self.writer.0.push(bracket);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        value.serialize(self.item())
    }

    fn end(self) -> Result<(), Unwritable> {
        self.close(']')
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unwritable> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unwritable> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unwritable> {
        let writer = self.item();
        let start = writer.0.len();
        key.serialize(&mut *writer)?;
        // serde_json quotes number and boolean keys; ours are all strings, so anything
        // else is refused rather than written as a key JSON does not allow.
        if writer.0[start..].starts_with('"') {
            Ok(())
        } else {
            Err(Unwritable)
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        self.writer.0.push(':');
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Unwritable> {
        self.close('}')
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unwritable> {
        self.key(key);
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Unwritable> {
        self.close('}')
    }
}
