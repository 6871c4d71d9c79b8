//! Deterministic CBOR (RFC 8949 §4.2.1): a small value model, a canonical
//! encoder and a strict decoder, and a streaming [`reader`] that checks
//! the same rules without building values.
//!
//! The decoder accepts exactly one encoding of each value: the one the
//! encoder produces. It rejects, each with its own [`CborErrorKind`]:
//! integers, lengths and tags not in their shortest form; indefinite lengths;
//! map keys out of bytewise-lexicographic order or repeated; floating-point
//! numbers and simple values other than `false`, `true` and `null`; invalid
//! UTF-8 in text strings; nesting deeper than [`MAX_DEPTH`]; and, through
//! [`decode`], anything after the first item.
//!
//! Floats are not part of the consentkit format, so rejecting them removes
//! the hardest part of deterministic encoding (preferred float width) rather
//! than implementing it.

use std::fmt;

pub mod reader;
pub mod seq;

/// How deeply arrays, maps and tags may nest. The consentkit format needs 5;
/// the margin allows extensions while bounding stack use on hostile input.
pub const MAX_DEPTH: usize = 16;

/// A CBOR data item in the subset that consentkit uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Major type 0: an unsigned integer.
    Unsigned(u64),
    /// Major type 1: the negative integer `-1 - n`, stored as `n`.
    Negative(u64),
    /// Major type 2: a byte string.
    Bytes(Vec<u8>),
    /// Major type 3: a UTF-8 text string.
    Text(String),
    /// Major type 4: an array.
    Array(Vec<Value>),
    /// Major type 5: a map, kept in canonical key order once encoded.
    Map(Vec<(Value, Value)>),
    /// Major type 6: a tagged item.
    Tag(u64, Box<Value>),
    /// Simple values 20 and 21.
    Bool(bool),
    /// Simple value 22.
    Null,
}

impl Value {
    /// An integer value from an `i64`.
    pub fn int(i: i64) -> Value {
        if i >= 0 {
            Value::Unsigned(i as u64)
        } else {
            // -1 - n = i  =>  n = -1 - i, which cannot overflow for i < 0.
            Value::Negative((-1 - i) as u64)
        }
    }

    /// A text value.
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// A byte-string value.
    pub fn bytes(b: impl Into<Vec<u8>>) -> Value {
        Value::Bytes(b.into())
    }

    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Unsigned(u) => i64::try_from(u).ok(),
            Value::Negative(n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => None,
        }
    }

    /// The value as a `u64`, if it is an unsigned integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Unsigned(u) => Some(u),
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Unsigned(_) | Value::Negative(_) => "integer",
            Value::Bytes(_) => "byte string",
            Value::Text(_) => "text string",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Tag(..) => "tag",
            Value::Bool(_) => "boolean",
            Value::Null => "null",
        }
    }

    /// Encodes the value deterministically (RFC 8949 §4.2.1).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// An integer's (major type, argument): the order of its deterministic
    /// encodings (RFC 8949 §4.2.1, bytewise lexicographic), for map keys.
    fn int_key(&self) -> Option<(u8, u64)> {
        match self {
            Value::Unsigned(u) => Some((0, *u)),
            Value::Negative(n) => Some((1, *n)),
            _ => None,
        }
    }

    /// Appends the deterministic encoding of the value to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Value::Unsigned(u) => head(out, 0, *u),
            Value::Negative(n) => head(out, 1, *n),
            Value::Bytes(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            Value::Text(s) => {
                head(out, 3, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
            Value::Array(items) => {
                head(out, 4, items.len() as u64);
                for item in items {
                    item.encode_into(out);
                }
            }
            Value::Map(entries) if entries.iter().all(|(k, _)| k.int_key().is_some()) => {
                // Integer keys (every consentkit payload and header): their
                // encodings sort bytewise exactly as (major type, argument),
                // so no key is encoded twice.
                let mut order: Vec<&(Value, Value)> = entries.iter().collect();
                crate::sort::sort_by_key(&mut order, |(k, _)| k.int_key());
                head(out, 5, order.len() as u64);
                for (k, v) in order {
                    k.encode_into(out);
                    v.encode_into(out);
                }
            }
            Value::Map(entries) => {
                let mut encoded: Vec<(Vec<u8>, &Value)> =
                    entries.iter().map(|(k, v)| (k.to_vec(), v)).collect();
                crate::sort::sort_by(&mut encoded, |a, b| a.0.cmp(&b.0));
                head(out, 5, encoded.len() as u64);
                for (k, v) in encoded {
                    out.extend_from_slice(&k);
                    v.encode_into(out);
                }
            }
            Value::Tag(tag, inner) => {
                head(out, 6, *tag);
                inner.encode_into(out);
            }
            Value::Bool(false) => out.push(0xf4),
            Value::Bool(true) => out.push(0xf5),
            Value::Null => out.push(0xf6),
        }
    }
}

/// Writes a CBOR head (major type and argument) in its shortest form.
pub(crate) fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let mt = major << 5;
    if arg < 24 {
        out.push(mt | arg as u8);
    } else if arg <= u8::MAX as u64 {
        out.push(mt | 24);
        out.push(arg as u8);
    } else if arg <= u16::MAX as u64 {
        out.push(mt | 25);
        out.extend_from_slice(&(arg as u16).to_be_bytes());
    } else if arg <= u32::MAX as u64 {
        out.push(mt | 26);
        out.extend_from_slice(&(arg as u32).to_be_bytes());
    } else {
        out.push(mt | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

/// The head [`head`] writes, in a fixed array: the bytes and their number.
pub(crate) fn head_bytes(major: u8, arg: u64) -> ([u8; 9], usize) {
    let mut out = [0u8; 9];
    let mt = major << 5;
    let n = if arg < 24 {
        out[0] = mt | arg as u8;
        1
    } else if arg <= u8::MAX as u64 {
        out[0] = mt | 24;
        out[1] = arg as u8;
        2
    } else if arg <= u16::MAX as u64 {
        out[0] = mt | 25;
        out[1..3].copy_from_slice(&(arg as u16).to_be_bytes());
        3
    } else if arg <= u32::MAX as u64 {
        out[0] = mt | 26;
        out[1..5].copy_from_slice(&(arg as u32).to_be_bytes());
        5
    } else {
        out[0] = mt | 27;
        out[1..9].copy_from_slice(&arg.to_be_bytes());
        9
    };
    (out, n)
}

/// What was wrong with a CBOR encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborErrorKind {
    /// The input ended inside an item.
    Truncated,
    /// An integer, length or tag was not encoded in its shortest form.
    NonCanonicalHead,
    /// An indefinite-length string, array or map.
    IndefiniteLength,
    /// A reserved additional-information value (28 to 30).
    ReservedHead,
    /// Map keys not in bytewise-lexicographic order of their encodings.
    UnsortedMapKeys,
    /// The same map key twice.
    DuplicateMapKey,
    /// A text string that is not valid UTF-8.
    InvalidUtf8,
    /// A floating-point number (not part of the format).
    Float,
    /// A simple value other than false, true and null.
    UnsupportedSimpleValue,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Bytes left over after the single expected item.
    TrailingBytes,
    /// A declared length larger than the remaining input.
    LengthTooLarge,
}

impl fmt::Display for CborErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CborErrorKind::Truncated => "input ends inside an item",
            CborErrorKind::NonCanonicalHead => {
                "integer, length or tag not in shortest form (not deterministic CBOR)"
            }
            CborErrorKind::IndefiniteLength => "indefinite length (not deterministic CBOR)",
            CborErrorKind::ReservedHead => "reserved additional information value",
            CborErrorKind::UnsortedMapKeys => {
                "map keys not in canonical order (not deterministic CBOR)"
            }
            CborErrorKind::DuplicateMapKey => "duplicate map key",
            CborErrorKind::InvalidUtf8 => "text string is not valid UTF-8",
            CborErrorKind::Float => "floating-point number (not allowed)",
            CborErrorKind::UnsupportedSimpleValue => "simple value other than false/true/null",
            CborErrorKind::TooDeep => "nesting deeper than the limit",
            CborErrorKind::TrailingBytes => "trailing bytes after the item",
            CborErrorKind::LengthTooLarge => "declared length exceeds the input",
        })
    }
}

/// A CBOR decoding error: what was wrong and at which byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("CBOR at byte {offset}: {kind}")]
pub struct CborError {
    /// Offset of the item (or byte) at fault, from the start of the input.
    pub offset: usize,
    /// What was wrong.
    pub kind: CborErrorKind,
}

/// Decodes exactly one deterministic-CBOR item, rejecting trailing bytes.
pub fn decode(input: &[u8]) -> Result<Value, CborError> {
    let mut d = Decoder {
        input,
        pos: 0,
        any_key_order: false,
    };
    let v = d.item(0)?;
    if d.pos != input.len() {
        return Err(CborError {
            offset: d.pos,
            kind: CborErrorKind::TrailingBytes,
        });
    }
    Ok(v)
}

/// Decodes one item from the front of `input` and returns it with the
/// number of bytes it used. For reading CBOR sequences (RFC 8742).
pub fn decode_prefix(input: &[u8]) -> Result<(Value, usize), CborError> {
    let mut d = Decoder {
        input,
        pos: 0,
        any_key_order: false,
    };
    let v = d.item(0)?;
    Ok((v, d.pos))
}

/// Decodes exactly one item like [`decode`], except that map keys may come
/// in any order (repeated keys are still rejected). Every other rule of
/// deterministic encoding still holds. For foreign formats whose published
/// examples do not sort their map keys (the IETF Token Status List's CWT
/// claims, [`crate::status`]); consentkit's own artifacts never use it.
pub fn decode_any_key_order(input: &[u8]) -> Result<Value, CborError> {
    let mut d = Decoder {
        input,
        pos: 0,
        any_key_order: true,
    };
    let v = d.item(0)?;
    if d.pos != input.len() {
        return Err(CborError {
            offset: d.pos,
            kind: CborErrorKind::TrailingBytes,
        });
    }
    Ok(v)
}

/// Returns the length in bytes of the well-formed, deterministic item at
/// the front of `input` without building it. Used to split CBOR sequences.
pub fn item_len(input: &[u8]) -> Result<usize, CborError> {
    decode_prefix(input).map(|(_, n)| n)
}

/// Returns the length of the definite-length item at the front of `input`
/// without checking deterministic encoding. Indefinite lengths are not
/// supported and reported as such; nesting is bounded by [`MAX_DEPTH`].
/// Sequences are not split with it: [`seq::SeqReader`] frames every
/// well-formed item (indefinite lengths and any nesting included).
pub fn well_formed_len(input: &[u8]) -> Result<usize, CborError> {
    fn skip(input: &[u8], pos: &mut usize, depth: usize) -> Result<(), CborError> {
        let at = *pos;
        let err = |kind| CborError { offset: at, kind };
        if depth > MAX_DEPTH {
            return Err(err(CborErrorKind::TooDeep));
        }
        let b = *input.get(at).ok_or(err(CborErrorKind::Truncated))?;
        let (major, info) = (b >> 5, b & 0x1f);
        let extra = match info {
            0..=23 => 0,
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            28..=30 => return Err(err(CborErrorKind::ReservedHead)),
            _ => return Err(err(CborErrorKind::IndefiniteLength)),
        };
        let arg_bytes = input
            .get(at + 1..at + 1 + extra)
            .ok_or(err(CborErrorKind::Truncated))?;
        let arg = if extra == 0 {
            info as u64
        } else {
            arg_bytes.iter().fold(0u64, |a, &x| (a << 8) | x as u64)
        };
        *pos = at + 1 + extra;
        let remaining = (input.len() - *pos) as u64;
        match major {
            2 | 3 => {
                if arg > remaining {
                    return Err(err(CborErrorKind::LengthTooLarge));
                }
                *pos += arg as usize;
            }
            4 | 5 => {
                let per = if major == 5 { 2 } else { 1 };
                if arg > remaining {
                    return Err(err(CborErrorKind::LengthTooLarge));
                }
                for _ in 0..arg * per {
                    skip(input, pos, depth + 1)?;
                }
            }
            6 => skip(input, pos, depth + 1)?,
            _ => {}
        }
        Ok(())
    }
    let mut pos = 0;
    skip(input, &mut pos, 0)?;
    Ok(pos)
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    /// Accept map keys in any order (still no repeats).
    any_key_order: bool,
}

impl Decoder<'_> {
    fn err(&self, offset: usize, kind: CborErrorKind) -> CborError {
        CborError { offset, kind }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let start = self.pos;
        let end = start
            .checked_add(n)
            .filter(|&e| e <= self.input.len())
            .ok_or(CborError {
                offset: start,
                kind: CborErrorKind::Truncated,
            })?;
        self.pos = end;
        Ok(&self.input[start..end])
    }

    /// Reads a head; returns (major type, additional info, argument).
    fn head(&mut self) -> Result<(u8, u8, u64), CborError> {
        let at = self.pos;
        let b = *self.take(1)?.first().ok_or(CborError {
            offset: at,
            kind: CborErrorKind::Truncated,
        })?;
        let major = b >> 5;
        let info = b & 0x1f;
        if major == 7 && (25..=27).contains(&info) {
            return Err(self.err(at, CborErrorKind::Float));
        }
        let arg = match info {
            0..=23 => info as u64,
            24 => {
                let v = self.take(1)?[0] as u64;
                if v < 24 {
                    return Err(self.err(at, CborErrorKind::NonCanonicalHead));
                }
                v
            }
            25 => {
                let s = self.take(2)?;
                let v = u16::from_be_bytes([s[0], s[1]]) as u64;
                if v <= u8::MAX as u64 {
                    return Err(self.err(at, CborErrorKind::NonCanonicalHead));
                }
                v
            }
            26 => {
                let s = self.take(4)?;
                let v = u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64;
                if v <= u16::MAX as u64 {
                    return Err(self.err(at, CborErrorKind::NonCanonicalHead));
                }
                v
            }
            27 => {
                let s = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                let v = u64::from_be_bytes(a);
                if v <= u32::MAX as u64 {
                    return Err(self.err(at, CborErrorKind::NonCanonicalHead));
                }
                v
            }
            28..=30 => return Err(self.err(at, CborErrorKind::ReservedHead)),
            _ => return Err(self.err(at, CborErrorKind::IndefiniteLength)),
        };
        Ok((major, info, arg))
    }

    fn len(&self, at: usize, arg: u64) -> Result<usize, CborError> {
        let remaining = self.input.len() - self.pos;
        usize::try_from(arg)
            .ok()
            .filter(|&n| n <= remaining)
            .ok_or(self.err(at, CborErrorKind::LengthTooLarge))
    }

    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        let at = self.pos;
        if depth > MAX_DEPTH {
            return Err(self.err(at, CborErrorKind::TooDeep));
        }
        let (major, info, arg) = self.head()?;
        Ok(match major {
            0 => Value::Unsigned(arg),
            1 => Value::Negative(arg),
            2 => {
                let n = self.len(at, arg)?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            3 => {
                let n = self.len(at, arg)?;
                let raw = self.take(n)?;
                match std::str::from_utf8(raw) {
                    Ok(s) => Value::Text(s.to_owned()),
                    Err(_) => {
                        return Err(CborError {
                            offset: at,
                            kind: CborErrorKind::InvalidUtf8,
                        })
                    }
                }
            }
            4 => {
                // Every item takes at least one byte: bound the allocation by the input.
                let n = self.len(at, arg)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Value::Array(items)
            }
            5 => {
                let n = self.len(at, arg)?;
                let mut entries = Vec::with_capacity(n);
                let input = self.input;
                let mut prev: Option<&[u8]> = None;
                let mut seen: Vec<&[u8]> = Vec::new();
                for _ in 0..n {
                    let key_at = self.pos;
                    let key = self.item(depth + 1)?;
                    let key_bytes = &input[key_at..self.pos];
                    if self.any_key_order {
                        if seen.contains(&key_bytes) {
                            return Err(self.err(key_at, CborErrorKind::DuplicateMapKey));
                        }
                        seen.push(key_bytes);
                    } else if let Some(p) = prev {
                        match p.cmp(key_bytes) {
                            std::cmp::Ordering::Less => {}
                            std::cmp::Ordering::Equal => {
                                return Err(self.err(key_at, CborErrorKind::DuplicateMapKey))
                            }
                            std::cmp::Ordering::Greater => {
                                return Err(self.err(key_at, CborErrorKind::UnsortedMapKeys))
                            }
                        }
                    }
                    prev = Some(key_bytes);
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Value::Map(entries)
            }
            6 => Value::Tag(arg, Box::new(self.item(depth + 1)?)),
            _ => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 => Value::Null,
                _ => return Err(self.err(at, CborErrorKind::UnsupportedSimpleValue)),
            },
        })
    }
}

#[cfg(test)]
mod tests;
