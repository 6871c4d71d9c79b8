//! Naming an item that is not a valid artifact: its type and id, read
//! leniently (any well-formed CBOR, indefinite lengths included) from the
//! COSE structure, so that a `malformed` finding says which artifact it is
//! about whenever that can be computed.

use crate::artifact::{ArtifactId, ArtifactKind, Digest};
use crate::cbor::seq;

/// The `typ` header label.
const TYP: u64 = 16;

struct Cur<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Cur<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.b.get(self.p)?;
        self.p += 1;
        Some(b)
    }

    /// A head: (major type, argument, or `None` for an indefinite length).
    fn head(&mut self) -> Option<(u8, Option<u64>)> {
        let ib = self.byte()?;
        let (major, info) = (ib >> 5, ib & 0x1f);
        let arg = match info {
            0..=23 => Some(u64::from(info)),
            24..=27 => {
                let mut v = 0u64;
                for _ in 0..(1u32 << (info - 24)) {
                    v = (v << 8) | u64::from(self.byte()?);
                }
                Some(v)
            }
            31 => None,
            _ => return None,
        };
        Some((major, arg))
    }

    fn at_break(&self) -> bool {
        self.b.get(self.p) == Some(&0xff)
    }

    fn skip(&mut self) -> Option<()> {
        let n = seq::item_len(self.b.get(self.p..)?).ok()?;
        self.p += n;
        Some(())
    }

    fn take(&mut self, n: u64) -> Option<&'a [u8]> {
        let end = self.p.checked_add(usize::try_from(n).ok()?)?;
        let s = self.b.get(self.p..end)?;
        self.p = end;
        Some(s)
    }

    /// A byte string, definite or in chunks.
    fn bstr(&mut self) -> Option<Vec<u8>> {
        match self.head()? {
            (2, Some(n)) => Some(self.take(n)?.to_vec()),
            (2, None) => {
                let mut out = Vec::new();
                while !self.at_break() {
                    match self.head()? {
                        (2, Some(n)) => out.extend_from_slice(self.take(n)?),
                        _ => return None,
                    }
                }
                self.p += 1;
                Some(out)
            }
            _ => None,
        }
    }

    /// The `typ` (label 16) of a header map, if it is an unsigned integer.
    fn typ_in_map(&mut self) -> Option<u64> {
        let (major, n) = self.head()?;
        if major != 5 {
            return None;
        }
        let mut left = n;
        loop {
            match left {
                Some(0) => return None,
                None if self.at_break() => return None,
                _ => {}
            }
            let key_at = self.p;
            if let (0, Some(TYP)) = self.head()? {
                return match self.head()? {
                    (0, Some(t)) => Some(t),
                    _ => None,
                };
            }
            self.p = key_at;
            self.skip()?;
            self.skip()?;
            left = left.map(|l| l - 1);
        }
    }
}

/// The type and (when the payload can be read too) the id of an item laid
/// out as a COSE_Sign1 or COSE_Sign: optional tags, an array whose first
/// element is the protected header (a byte string holding a map with
/// `typ`) and whose third is the payload. `None`s where it cannot tell.
/// The id is `Digest::of(kind, payload).id()`, the id the item would have
/// as a valid artifact; nothing is verified.
///
/// ```
/// use consentkit::audit::identify;
/// assert_eq!(identify(&[0x00]), (None, None));
/// ```
pub fn identify(bytes: &[u8]) -> (Option<ArtifactKind>, Option<ArtifactId>) {
    let mut c = Cur { b: bytes, p: 0 };
    let Some(protected) = (|| {
        let mut h = c.head()?;
        while h.0 == 6 {
            h = c.head()?;
        }
        (h.0 == 4).then_some(())?;
        c.bstr()
    })() else {
        return (None, None);
    };
    let kind = Cur {
        b: &protected,
        p: 0,
    }
    .typ_in_map()
    .and_then(ArtifactKind::from_typ);
    let Some(kind) = kind else {
        return (None, None);
    };
    let payload = (|| {
        c.skip()?;
        c.bstr()
    })();
    (Some(kind), payload.map(|p| Digest::of(kind, &p).id()))
}
