//! A streaming reader of deterministic CBOR: it reads heads, integers and
//! borrowed strings straight from the input, checking the canonical form as
//! it goes, without building a [`Value`](super::Value) tree.
//!
//! Every rule of [`decode`](super::decode) holds, with the same
//! [`CborErrorKind`]s: integers, lengths and tags in their shortest form, no
//! indefinite lengths, no floats and no simple values other than `false`,
//! `true` and `null`, valid UTF-8 in text strings, map keys in
//! bytewise-lexicographic order of their encodings and never repeated
//! ([`Reader::skip`], [`MapKeys`]), nesting bounded by [`MAX_DEPTH`], and
//! nothing after the item ([`Reader::end`]).
//!
//! [`crate::artifact`] decodes payloads with it directly into the typed
//! artifact: an artifact in its one canonical form is read without being
//! re-encoded.

use super::{CborError, CborErrorKind, MAX_DEPTH};

/// A cursor over deterministic CBOR bytes.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

/// A head: major type, additional information and argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// The major type (0 to 7).
    pub major: u8,
    /// The additional information (low 5 bits of the first byte).
    pub info: u8,
    /// The argument (the value, length, tag or simple value).
    pub arg: u64,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader { input, pos: 0 }
    }

    /// The offset of the next byte to read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes between `start` and the current position.
    pub fn since(&self, start: usize) -> &'a [u8] {
        self.input.get(start..self.pos).unwrap_or_default()
    }

    fn err(at: usize, kind: CborErrorKind) -> CborError {
        CborError { offset: at, kind }
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let start = self.pos;
        let bytes = start
            .checked_add(n)
            .and_then(|end| self.input.get(start..end))
            .ok_or(Reader::err(start, CborErrorKind::Truncated))?;
        self.pos = start + n;
        Ok(bytes)
    }

    /// Reads a head in its shortest form (no indefinite length, no float,
    /// no reserved value).
    #[inline]
    pub fn head(&mut self) -> Result<Head, CborError> {
        let at = self.pos;
        let b = *self
            .input
            .get(at)
            .ok_or(Reader::err(at, CborErrorKind::Truncated))?;
        self.pos = at + 1;
        let (major, info) = (b >> 5, b & 0x1f);
        // The argument in the first byte: always the shortest form.
        if info < 24 {
            return Ok(Head {
                major,
                info,
                arg: u64::from(info),
            });
        }
        self.long_head(at, major, info)
    }

    /// The rest of [`Reader::head`]: an argument in the following bytes.
    #[inline]
    fn long_head(&mut self, at: usize, major: u8, info: u8) -> Result<Head, CborError> {
        if major == 7 && (25..=27).contains(&info) {
            return Err(Reader::err(at, CborErrorKind::Float));
        }
        let (arg, min) = match info {
            0..=23 => (u64::from(info), 0),
            24 => (u64::from(self.take(1)?[0]), 24),
            25 => {
                let s = self.take(2)?;
                (u64::from(u16::from_be_bytes([s[0], s[1]])), 0x100)
            }
            26 => {
                let s = self.take(4)?;
                (
                    u64::from(u32::from_be_bytes([s[0], s[1], s[2], s[3]])),
                    0x1_0000,
                )
            }
            27 => {
                let s = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                (u64::from_be_bytes(a), 0x1_0000_0000)
            }
            28..=30 => return Err(Reader::err(at, CborErrorKind::ReservedHead)),
            _ => return Err(Reader::err(at, CborErrorKind::IndefiniteLength)),
        };
        if arg < min {
            return Err(Reader::err(at, CborErrorKind::NonCanonicalHead));
        }
        Ok(Head { major, info, arg })
    }

    /// Reads a head of major type `major` and returns its argument; `None`
    /// (nothing consumed) for another major type.
    #[inline]
    pub fn head_of(&mut self, major: u8) -> Result<Option<u64>, CborError> {
        let at = self.pos;
        let h = self.head()?;
        if h.major == major {
            Ok(Some(h.arg))
        } else {
            self.pos = at;
            Ok(None)
        }
    }

    /// Consumes `expected` if the input continues with exactly those bytes.
    /// With the encoding of a map key, this asks whether the next key is
    /// that one: deterministic encoding gives each key one encoding.
    #[inline]
    pub fn eat(&mut self, expected: &[u8]) -> bool {
        let end = self.pos + expected.len();
        if self.input.get(self.pos..end) == Some(expected) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// The next head without consuming it.
    pub fn peek(&self) -> Result<Head, CborError> {
        self.clone().head()
    }

    #[inline]
    fn len(&self, at: usize, arg: u64) -> Result<usize, CborError> {
        usize::try_from(arg)
            .ok()
            .filter(|&n| n <= self.input.len() - self.pos)
            .ok_or(Reader::err(at, CborErrorKind::LengthTooLarge))
    }

    /// The contents of a string (byte or text) whose head was just read.
    #[inline]
    fn string(&mut self, at: usize, arg: u64) -> Result<&'a [u8], CborError> {
        let n = self.len(at, arg)?;
        self.take(n)
    }

    /// Reads a byte string, borrowed from the input; `None` (nothing
    /// consumed) for another type.
    #[inline]
    pub fn bytes(&mut self) -> Result<Option<&'a [u8]>, CborError> {
        let at = self.pos;
        match self.head_of(2)? {
            Some(n) => self.string(at, n).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a text string, borrowed from the input and checked to be
    /// UTF-8; `None` (nothing consumed) for another type.
    #[inline]
    pub fn text(&mut self) -> Result<Option<&'a str>, CborError> {
        let at = self.pos;
        match self.head_of(3)? {
            Some(n) => {
                let raw = self.string(at, n)?;
                std::str::from_utf8(raw)
                    .map(Some)
                    .map_err(|_| Reader::err(at, CborErrorKind::InvalidUtf8))
            }
            None => Ok(None),
        }
    }

    /// Reads an array head and returns its length (checked against the
    /// input left: every item takes at least one byte).
    #[inline]
    pub fn array(&mut self) -> Result<Option<usize>, CborError> {
        let at = self.pos;
        match self.head_of(4)? {
            Some(n) => self.len(at, n).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a map head and returns its number of entries (checked against
    /// the input left).
    #[inline]
    pub fn map(&mut self) -> Result<Option<usize>, CborError> {
        let at = self.pos;
        match self.head_of(5)? {
            Some(n) => self.len(at, n).map(Some),
            None => Ok(None),
        }
    }

    /// Reads an integer (major type 0 or 1) as an `i64`; `None` (nothing
    /// consumed) for another type or an integer outside `i64`.
    pub fn int(&mut self) -> Result<Option<i64>, CborError> {
        let at = self.pos;
        let h = self.head()?;
        let v = match h.major {
            0 => i64::try_from(h.arg).ok(),
            1 => i64::try_from(h.arg).ok().map(|n| -1 - n),
            _ => None,
        };
        if v.is_none() {
            self.pos = at;
        }
        Ok(v)
    }

    /// Reads one whole item of any type, checking every rule of
    /// deterministic encoding (map keys sorted and unique included), and
    /// returns its bytes.
    pub fn skip(&mut self) -> Result<&'a [u8], CborError> {
        let start = self.pos;
        self.skip_at(0)?;
        Ok(self.since(start))
    }

    fn skip_at(&mut self, depth: usize) -> Result<(), CborError> {
        let at = self.pos;
        if depth > MAX_DEPTH {
            return Err(Reader::err(at, CborErrorKind::TooDeep));
        }
        let h = self.head()?;
        match h.major {
            2 => {
                self.string(at, h.arg)?;
            }
            3 => {
                let raw = self.string(at, h.arg)?;
                std::str::from_utf8(raw)
                    .map_err(|_| Reader::err(at, CborErrorKind::InvalidUtf8))?;
            }
            4 => {
                for _ in 0..self.len(at, h.arg)? {
                    self.skip_at(depth + 1)?;
                }
            }
            5 => {
                let mut keys = MapKeys::new();
                for _ in 0..self.len(at, h.arg)? {
                    let key_at = self.pos;
                    self.skip_at(depth + 1)?;
                    keys.check(key_at, self.since(key_at))?;
                    self.skip_at(depth + 1)?;
                }
            }
            6 => self.skip_at(depth + 1)?,
            7 if !(20..=22).contains(&h.info) => {
                return Err(Reader::err(at, CborErrorKind::UnsupportedSimpleValue))
            }
            _ => {}
        }
        Ok(())
    }

    /// Fails with [`CborErrorKind::TrailingBytes`] unless the whole input
    /// has been read.
    pub fn end(&self) -> Result<(), CborError> {
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(Reader::err(self.pos, CborErrorKind::TrailingBytes))
        }
    }
}

/// The order check of a map's keys: each key's encoding must come after
/// the previous one's, bytewise (RFC 8949 §4.2.1).
#[derive(Clone, Debug, Default)]
pub struct MapKeys<'a> {
    prev: Option<&'a [u8]>,
}

impl<'a> MapKeys<'a> {
    /// Before a map's first key.
    pub fn new() -> MapKeys<'a> {
        MapKeys { prev: None }
    }

    /// Checks the next key's encoding, `key`, read at offset `at`:
    /// [`CborErrorKind::DuplicateMapKey`] if it equals the previous key,
    /// [`CborErrorKind::UnsortedMapKeys`] if it sorts before it.
    pub fn check(&mut self, at: usize, key: &'a [u8]) -> Result<(), CborError> {
        if let Some(p) = self.prev {
            match p.cmp(key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    return Err(Reader::err(at, CborErrorKind::DuplicateMapKey))
                }
                std::cmp::Ordering::Greater => {
                    return Err(Reader::err(at, CborErrorKind::UnsortedMapKeys))
                }
            }
        }
        self.prev = Some(key);
        Ok(())
    }
}
