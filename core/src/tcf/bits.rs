//! Bit-level reading and writing, base64url (RFC 4648 §5, no padding) and
//! the Fibonacci integer coding of GPP, as the TCF and GPP strings use them.

use super::TcfError;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Decodes base64url text (no `=` padding) into a vector of bits.
pub(crate) fn base64url_bits(segment: &str, what: &'static str) -> Result<Vec<bool>, TcfError> {
    let mut bits = Vec::with_capacity(segment.len() * 6);
    for (i, c) in segment.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => {
                return Err(TcfError::Base64 {
                    segment: what,
                    offset: i,
                    found: char::from(c),
                })
            }
        };
        for k in (0..6).rev() {
            bits.push(v >> k & 1 == 1);
        }
    }
    Ok(bits)
}

/// Encodes bits as base64url, padding with zero bits to `multiple` bits
/// first (a multiple of 6).
pub(crate) fn bits_base64url(bits: &[bool], multiple: usize) -> String {
    let mut padded = bits.to_vec();
    while padded.len() % multiple != 0 {
        padded.push(false);
    }
    padded
        .chunks(6)
        .map(|c| {
            let v = c.iter().fold(0usize, |a, &b| a << 1 | usize::from(b));
            char::from(ALPHABET[v])
        })
        .collect()
}

/// Reads fields from a bit vector; running out is [`TcfError::Truncated`].
pub(crate) struct BitReader<'a> {
    bits: &'a [bool],
    pos: usize,
    segment: &'static str,
}

impl<'a> BitReader<'a> {
    pub(crate) fn new(bits: &'a [bool], segment: &'static str) -> BitReader<'a> {
        BitReader {
            bits,
            pos: 0,
            segment,
        }
    }

    pub(crate) fn int(&mut self, n: usize, field: &'static str) -> Result<u64, TcfError> {
        let end = self.pos + n;
        let Some(slice) = self.bits.get(self.pos..end) else {
            return Err(TcfError::Truncated {
                segment: self.segment,
                field,
                bit: self.pos,
            });
        };
        self.pos = end;
        Ok(slice.iter().fold(0u64, |a, &b| a << 1 | u64::from(b)))
    }

    pub(crate) fn bool(&mut self, field: &'static str) -> Result<bool, TcfError> {
        Ok(self.int(1, field)? == 1)
    }

    /// A bitfield of `n` bits: the 1-based ids whose bit is set.
    pub(crate) fn id_set(&mut self, n: usize, field: &'static str) -> Result<Vec<u16>, TcfError> {
        let mut out = Vec::new();
        for id in 1..=n {
            if self.bool(field)? {
                // safe: n is at most 65535 (a 16-bit max id) or a field width
                out.push(u16::try_from(id).unwrap_or(u16::MAX));
            }
        }
        Ok(out)
    }

    /// A Fibonacci-coded positive integer (GPP): bits for 1, 2, 3, 5, ...,
    /// least significant first, ended by a second consecutive 1.
    pub(crate) fn fibonacci(&mut self, field: &'static str) -> Result<u64, TcfError> {
        let (mut a, mut b) = (1u64, 2u64);
        let mut value = 0u64;
        let mut last = false;
        loop {
            let bit = self.bool(field)?;
            if bit && last {
                return Ok(value);
            }
            if bit {
                value = value.checked_add(a).ok_or(TcfError::Invalid {
                    field,
                    reason: "Fibonacci integer too large".into(),
                })?;
            }
            last = bit;
            let next = a.checked_add(b).ok_or(TcfError::Invalid {
                field,
                reason: "Fibonacci integer too large".into(),
            })?;
            a = b;
            b = next;
        }
    }

    /// Checks what is left: only zero padding, fewer than `max_padding` bits.
    pub(crate) fn finish(&self, max_padding: usize) -> Result<(), TcfError> {
        let rest = self.bits.get(self.pos..).unwrap_or(&[]);
        if rest.len() >= max_padding || rest.iter().any(|&b| b) {
            return Err(TcfError::TrailingBits {
                segment: self.segment,
                bit: self.pos,
            });
        }
        Ok(())
    }
}

/// Appends fields to a bit vector.
#[derive(Default)]
pub(crate) struct BitWriter {
    pub(crate) bits: Vec<bool>,
}

impl BitWriter {
    pub(crate) fn int(&mut self, value: u64, n: usize) {
        for k in (0..n).rev() {
            self.bits.push(value >> k & 1 == 1);
        }
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.bits.push(b);
    }

    /// A bitfield of `n` bits with the given 1-based ids set.
    pub(crate) fn id_set(&mut self, ids: &[u16], n: usize) {
        let start = self.bits.len();
        self.bits.resize(start + n, false);
        for &i in ids {
            let i = usize::from(i);
            if (1..=n).contains(&i) {
                self.bits[start + i - 1] = true;
            }
        }
    }

    /// A Fibonacci-coded positive integer (GPP).
    pub(crate) fn fibonacci(&mut self, value: u64) {
        let mut fib = vec![1u64, 2];
        while let Some(&next) = fib.last() {
            let prev = fib[fib.len() - 2];
            if prev + next > value {
                break;
            }
            fib.push(prev + next);
        }
        let mut rest = value;
        let mut code = vec![false; fib.len()];
        for (i, &f) in fib.iter().enumerate().rev() {
            if f <= rest {
                code[i] = true;
                rest -= f;
            }
        }
        while code.len() > 1 && code.last() == Some(&false) {
            code.pop();
        }
        self.bits.extend(code);
        self.bits.push(true);
    }
}
