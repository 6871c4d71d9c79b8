//! Framing a CBOR sequence (RFC 8742) item by item, by RFC 8949
//! well-formedness alone.
//!
//! Every reader of sequences in consentkit (the audit's two passes, the
//! command line's `inspect` and `verify`, the uniffi and wasm entry points)
//! splits its input with [`SeqReader`]. The reader does not judge the
//! consentkit profile (deterministic encoding, nesting limit, artifact
//! size): an item that breaks the profile is still framed and handed to the
//! caller, which reports it and reads on. So whoever assembles a bundle
//! cannot end its reading early with a well-formed item.
//!
//! - **Any well-formed item is framed**: indefinite-length strings, arrays
//!   and maps, non-shortest heads, floats, any simple value, any tag, any
//!   nesting depth up to [`MAX_NESTING`] (the parser is iterative: no
//!   recursion, one small stack entry per open array or map).
//! - **Bounded memory**: an item up to the size limit (by default
//!   [`MAX_ARTIFACT_SIZE`], 64 KiB) is yielded with its bytes; a larger
//!   item is streamed past, never buffered, and yielded as
//!   [`Framed::Oversize`] with its offset and length.
//! - **Only bytes that are not CBOR end the read**: a head with a reserved
//!   additional-information value (28 to 30), a misplaced "break", a bad
//!   chunk of an indefinite-length string, an indefinite-length integer or
//!   tag, a two-byte simple value below 32, a last item cut short, or
//!   nesting beyond [`MAX_NESTING`] yield one [`Framed::NotCbor`] naming
//!   the offset, and then the sequence ends.
//! - **Provenance**: the reader hashes every byte it reads (SHA-256);
//!   [`SeqReader::finish`] reads whatever is left and returns the size and
//!   hash of the whole input, so a caller can prove which bytes it read.
//!
//! ```
//! use consentkit::cbor::seq::{split, Framed};
//! // 1, then an indefinite-length array [_ 2], then 0xfc (reserved).
//! let items: Vec<Framed> = split(&[0x01, 0x9f, 0x02, 0xff, 0xfc]).collect();
//! assert!(matches!(&items[0], Framed::Item { offset: 0, bytes } if bytes == &[0x01]));
//! assert!(matches!(&items[1], Framed::Item { offset: 1, .. }));
//! assert!(matches!(&items[2], Framed::NotCbor(e) if e.offset == 4));
//! assert_eq!(items.len(), 3);
//! ```

use std::fmt;
use std::io::{self, Read};

use crate::artifact::MAX_ARTIFACT_SIZE;

/// How deeply arrays and maps may nest inside one item before the reader
/// gives up framing it (1,048,576 levels: far beyond any real encoder, and
/// at most 16 MiB of stack entries). Deeper nesting is reported as
/// [`SeqErrorKind::TooDeep`] and ends the read, since the item's end
/// cannot be found without the stack. Tags do not count: they take no
/// stack entry.
pub const MAX_NESTING: usize = 1 << 20;

/// Most bytes read from the source at a time.
const READ_CHUNK: usize = 256 * 1024;
/// Bytes read by the first read.
const FIRST_CHUNK: usize = 4096;

/// One step of reading a sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Framed {
    /// A well-formed item no larger than the reader's size limit.
    Item {
        /// Byte offset of the item in the input.
        offset: u64,
        /// The item's bytes.
        bytes: Vec<u8>,
    },
    /// A well-formed item larger than the size limit: skipped, not held.
    Oversize {
        /// Byte offset of the item in the input.
        offset: u64,
        /// The item's length in bytes.
        len: u64,
    },
    /// Bytes that are not well-formed CBOR (or a last item cut short): the
    /// sequence cannot be framed past them, and the read ends here.
    NotCbor(SeqError),
}

/// Why a sequence cannot be framed further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeqErrorKind {
    /// The input ends inside an item.
    Truncated,
    /// A head with additional information 28, 29 or 30 (reserved).
    ReservedHead,
    /// A "break" (0xff) outside an indefinite-length item, right after a
    /// tag, or after a map key with no value.
    MisplacedBreak,
    /// An indefinite length on an integer or a tag.
    IndefiniteNotAllowed,
    /// A chunk of an indefinite-length string that is not a definite-length
    /// string of the same major type.
    BadChunk,
    /// A simple value below 32 in the two-byte form (0xf8 0x00 to 0xf8 0x1f).
    BadSimpleValue,
    /// Arrays and maps nested deeper than [`MAX_NESTING`].
    TooDeep,
}

impl fmt::Display for SeqErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeqErrorKind::Truncated => f.write_str("input ends inside an item"),
            SeqErrorKind::ReservedHead => f.write_str("reserved additional information value"),
            SeqErrorKind::MisplacedBreak => f.write_str("misplaced break (0xff)"),
            SeqErrorKind::IndefiniteNotAllowed => {
                f.write_str("indefinite length on an integer or a tag")
            }
            SeqErrorKind::BadChunk => f.write_str(
                "chunk of an indefinite-length string is not a definite string of its type",
            ),
            SeqErrorKind::BadSimpleValue => f.write_str("two-byte simple value below 32"),
            SeqErrorKind::TooDeep => write!(f, "nesting deeper than {MAX_NESTING} levels"),
        }
    }
}

/// Where and why a sequence cannot be framed further.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not well-formed CBOR at byte {offset} (item starting at byte {item_offset}): {kind}")]
pub struct SeqError {
    /// Offset of the item that could not be framed.
    pub item_offset: u64,
    /// Offset of the byte at fault (for [`SeqErrorKind::Truncated`]: the end of the input).
    pub offset: u64,
    /// What was wrong.
    pub kind: SeqErrorKind,
}

/// What [`SeqReader::finish`] read in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqSummary {
    /// Bytes in the input, including any after the point where framing stopped.
    pub bytes: u64,
    /// SHA-256 of the whole input.
    pub sha256: [u8; 32],
}

/// An open container on the parser's stack.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// A definite-length array (`pairs == false`) or map: items (or
    /// key/value pairs) still to come; `half`: a map key was read.
    Definite { left: u64, map: bool, half: bool },
    /// An indefinite-length array or map; `half`: a map key was read.
    Indefinite { map: bool, half: bool },
    /// An indefinite-length byte (2) or text (3) string.
    Chunks { major: u8 },
}

/// Frames a CBOR sequence read from `R`, one item at a time, in bounded
/// memory: the current item (up to the size limit), a read buffer of
/// 256 KiB and the nesting stack. See the [module documentation](self).
pub struct SeqReader<R: Read> {
    r: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    done: bool,
    /// Absolute offset of `buf[pos]`.
    at: u64,
    /// Bytes read from `r` so far (all hashed).
    read: u64,
    hash: ring::digest::Context,
    max_item: usize,
    item: Vec<u8>,
    collecting: bool,
    /// Where in `buf` the current item's bytes not yet copied to `item`
    /// start: they are copied once, when the buffer is refilled or the
    /// item ends, not byte by byte.
    span: usize,
    stack: Vec<Frame>,
}

impl<R: Read> fmt::Debug for SeqReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeqReader")
            .field("offset", &self.at)
            .field("max_item", &self.max_item)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

type Step<T> = io::Result<Result<T, (u64, SeqErrorKind)>>;

impl<R: Read> SeqReader<R> {
    /// A reader whose size limit is [`MAX_ARTIFACT_SIZE`].
    pub fn new(r: R) -> Self {
        Self::with_max_item(r, MAX_ARTIFACT_SIZE)
    }

    /// A reader that yields items of up to `max_item` bytes and reports
    /// larger ones as [`Framed::Oversize`].
    pub fn with_max_item(r: R, max_item: usize) -> Self {
        SeqReader {
            r,
            buf: Vec::new(),
            pos: 0,
            len: 0,
            eof: false,
            done: false,
            at: 0,
            read: 0,
            hash: ring::digest::Context::new(&ring::digest::SHA256),
            max_item,
            item: Vec::new(),
            collecting: true,
            span: 0,
            stack: Vec::new(),
        }
    }

    /// Bytes framed so far (the offset of the next item).
    pub fn offset(&self) -> u64 {
        self.at
    }

    /// The next item, `None` at the end of the sequence (after a
    /// [`Framed::NotCbor`], always `None`). Errors are the source's only.
    pub fn next_item(&mut self) -> io::Result<Option<Framed>> {
        if self.done {
            return Ok(None);
        }
        let start = self.at;
        self.item.clear();
        self.collecting = true;
        self.span = self.pos;
        self.stack.clear();
        match self.frame(start)? {
            Ok(false) => {
                self.done = true;
                Ok(None)
            }
            Ok(true) => {
                self.keep(self.pos);
                let len = self.at - start;
                Ok(Some(if self.collecting {
                    Framed::Item {
                        offset: start,
                        // The next item is likely as long: one allocation, not a doubling series.
                        bytes: std::mem::replace(&mut self.item, Vec::with_capacity(len as usize)),
                    }
                } else {
                    Framed::Oversize { offset: start, len }
                }))
            }
            Err((offset, kind)) => {
                self.done = true;
                self.stack = Vec::new();
                self.item = Vec::new();
                Ok(Some(Framed::NotCbor(SeqError {
                    item_offset: start,
                    offset,
                    kind,
                })))
            }
        }
    }

    /// Reads the rest of the input (whatever framing made of it) and
    /// returns the size and SHA-256 of everything the source yielded.
    pub fn finish(mut self) -> io::Result<SeqSummary> {
        loop {
            self.pos = self.len;
            self.fill()?;
            if self.len == 0 {
                break;
            }
        }
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(self.hash.finish().as_ref());
        Ok(SeqSummary {
            bytes: self.read,
            sha256,
        })
    }

    /// Refills the buffer once `pos == len`; `len == 0` afterwards means end of input.
    fn fill(&mut self) -> io::Result<()> {
        if self.eof {
            self.pos = 0;
            self.len = 0;
            return Ok(());
        }
        // Start small (framing one short item from a slice stays cheap) and
        // grow to READ_CHUNK while the source fills the buffer.
        if self.buf.is_empty() {
            self.buf.resize(FIRST_CHUNK, 0);
        } else if self.len == self.buf.len() && self.buf.len() < READ_CHUNK {
            self.buf.resize((self.buf.len() * 4).min(READ_CHUNK), 0);
        }
        let n = loop {
            match self.r.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.hash.update(&self.buf[..n]);
        self.read += n as u64;
        self.pos = 0;
        self.len = n;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Copies the current item's bytes `buf[span..end]` to `item` (while
    /// it is within the size limit; beyond it, the item is no longer held).
    fn keep(&mut self, end: usize) {
        if self.collecting {
            let part = self.buf.get(self.span..end).unwrap_or_default();
            if self.item.len() + part.len() > self.max_item {
                self.collecting = false;
                self.item = Vec::new();
            } else {
                self.item.extend_from_slice(part);
            }
        }
        self.span = end;
    }

    /// Refills the buffer during an item, keeping its bytes read so far.
    fn refill(&mut self) -> io::Result<()> {
        self.keep(self.len);
        self.fill()?;
        self.span = 0;
        Ok(())
    }

    /// One byte, or `None` at the end of the input.
    fn byte(&mut self) -> io::Result<Option<u8>> {
        if self.pos == self.len {
            self.refill()?;
            if self.len == 0 {
                return Ok(None);
            }
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        self.at += 1;
        Ok(Some(b))
    }

    /// Skips `n` bytes of string content; false if the input ends first.
    fn skip(&mut self, mut n: u64) -> io::Result<bool> {
        while n > 0 {
            if self.pos == self.len {
                self.refill()?;
                if self.len == 0 {
                    return Ok(false);
                }
            }
            let k = ((self.len - self.pos) as u64).min(n) as usize;
            self.pos += k;
            self.at += k as u64;
            n -= k as u64;
        }
        Ok(true)
    }

    fn push(&mut self, f: Frame) -> Result<(), SeqErrorKind> {
        if self.stack.len() >= MAX_NESTING {
            return Err(SeqErrorKind::TooDeep);
        }
        self.stack.push(f);
        Ok(())
    }

    /// Frames one item starting at `start`: `Ok(false)` at a clean end of
    /// input, `Ok(true)` once the item is complete.
    fn frame(&mut self, start: u64) -> Step<bool> {
        // A tag head was read and its item has not begun.
        let mut tagged = false;
        loop {
            let at = self.at;
            let Some(ib) = self.byte()? else {
                return Ok(if at == start {
                    Ok(false)
                } else {
                    Err((at, SeqErrorKind::Truncated))
                });
            };
            let (major, info) = (ib >> 5, ib & 0x1f);
            if ib == 0xff {
                let ok = match self.stack.last() {
                    Some(Frame::Indefinite { map, half }) => !(tagged || *map && *half),
                    Some(Frame::Chunks { .. }) => true,
                    _ => false,
                };
                if !ok {
                    return Ok(Err((at, SeqErrorKind::MisplacedBreak)));
                }
                self.stack.pop();
                if self.complete() {
                    return Ok(Ok(true));
                }
                continue;
            }
            if let Some(Frame::Chunks { major: m }) = self.stack.last() {
                if major != *m || info == 31 {
                    return Ok(Err((at, SeqErrorKind::BadChunk)));
                }
            }
            let arg = match info {
                0..=23 => Some(u64::from(info)),
                24..=27 => {
                    let mut v = 0u64;
                    for _ in 0..(1u32 << (info - 24)) {
                        match self.byte()? {
                            Some(b) => v = (v << 8) | u64::from(b),
                            None => return Ok(Err((self.at, SeqErrorKind::Truncated))),
                        }
                    }
                    Some(v)
                }
                28..=30 => return Ok(Err((at, SeqErrorKind::ReservedHead))),
                _ => None,
            };
            tagged = false;
            let pushed = match (major, arg) {
                (0 | 1 | 6, None) => return Ok(Err((at, SeqErrorKind::IndefiniteNotAllowed))),
                (0 | 1, Some(_)) => None,
                (2 | 3, Some(n)) => {
                    if !self.skip(n)? {
                        return Ok(Err((self.at, SeqErrorKind::Truncated)));
                    }
                    None
                }
                (2 | 3, None) => Some(Frame::Chunks { major }),
                (4 | 5, Some(0)) => None,
                (4 | 5, Some(n)) => Some(Frame::Definite {
                    left: n,
                    map: major == 5,
                    half: false,
                }),
                (4 | 5, None) => Some(Frame::Indefinite {
                    map: major == 5,
                    half: false,
                }),
                (6, Some(_)) => {
                    tagged = true;
                    continue;
                }
                (_, Some(v)) => {
                    // Major type 7: simple values and floats.
                    if info == 24 && v < 32 {
                        return Ok(Err((at, SeqErrorKind::BadSimpleValue)));
                    }
                    None
                }
                // Major type 7 with info 31 is the break, handled above.
                (_, None) => return Ok(Err((at, SeqErrorKind::MisplacedBreak))),
            };
            match pushed {
                Some(f) => {
                    if let Err(k) = self.push(f) {
                        return Ok(Err((at, k)));
                    }
                }
                None => {
                    if self.complete() {
                        return Ok(Ok(true));
                    }
                }
            }
        }
    }

    /// An item ended: counts it in its container, closing every definite
    /// container it completes. True when the top-level item is complete.
    fn complete(&mut self) -> bool {
        loop {
            match self.stack.last_mut() {
                None => return true,
                Some(Frame::Definite { left, map, half }) => {
                    if *map && !*half {
                        *half = true;
                        return false;
                    }
                    *half = false;
                    *left -= 1;
                    if *left > 0 {
                        return false;
                    }
                    self.stack.pop();
                }
                Some(Frame::Indefinite { map, half }) => {
                    if *map {
                        *half = !*half;
                    }
                    return false;
                }
                Some(Frame::Chunks { .. }) => return false,
            }
        }
    }
}

impl<R: Read> Iterator for SeqReader<R> {
    type Item = io::Result<Framed>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}

/// Frames a sequence held in memory (reading a slice cannot fail).
pub fn split(bytes: &[u8]) -> impl Iterator<Item = Framed> + '_ {
    SeqReader::new(bytes).map_while(Result::ok)
}

/// The length of the well-formed item at the front of `input` (any size,
/// any nesting up to [`MAX_NESTING`]), or why there is none.
pub fn item_len(input: &[u8]) -> Result<usize, SeqError> {
    let mut r = SeqReader::with_max_item(input, 0);
    match r.next_item() {
        Ok(Some(Framed::Item { bytes, .. })) => Ok(bytes.len()),
        Ok(Some(Framed::Oversize { len, .. })) => Ok(len as usize),
        Ok(Some(Framed::NotCbor(e))) => Err(e),
        // An empty input (reading a slice cannot fail).
        Ok(None) | Err(_) => Err(SeqError {
            item_offset: 0,
            offset: 0,
            kind: SeqErrorKind::Truncated,
        }),
    }
}

#[cfg(test)]
mod tests;
