//! A `kid` as a protected header carries it: the key's whole RFC 9679
//! thumbprint, or (data receipts, FORMAT.md §3.2) its first 8 bytes.
//!
//! RFC 9052 §3.1 makes `kid` a hint: "applications MUST NOT assume that
//! 'kid' values are unique". A verifier looks the hint up in its trust set
//! and tries every key it matches ([`TrustSet::matching`]); the key whose
//! signature verifies is the signer, named by its whole thumbprint.

use std::fmt;

use super::{KeyId, TrustSet, TrustedKey};

/// Bytes in a short `kid`: the thumbprint's first 8 (64 bits).
pub const SHORT_KID_LEN: usize = 8;

/// A `kid` header value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub enum HeaderKid {
    /// The whole 32-byte thumbprint.
    Full(KeyId),
    /// The thumbprint's first [`SHORT_KID_LEN`] bytes.
    Short([u8; SHORT_KID_LEN]),
}

impl HeaderKid {
    /// The header value for `kid`: short or full.
    pub fn of(kid: &KeyId, short: bool) -> HeaderKid {
        if short {
            HeaderKid::Short(prefix(kid))
        } else {
            HeaderKid::Full(*kid)
        }
    }

    /// The `kid` from header bytes: 32 bytes, or 8 if `short_ok`.
    pub fn from_slice(b: &[u8], short_ok: bool) -> Option<HeaderKid> {
        if let Some(k) = KeyId::from_slice(b) {
            return Some(HeaderKid::Full(k));
        }
        if !short_ok {
            return None;
        }
        <[u8; SHORT_KID_LEN]>::try_from(b)
            .ok()
            .map(HeaderKid::Short)
    }

    /// The bytes as written in the header.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            HeaderKid::Full(k) => k.as_bytes(),
            HeaderKid::Short(s) => s,
        }
    }

    /// Whether `kid` is (or, for a short kid, begins with) this.
    pub fn matches(&self, kid: &KeyId) -> bool {
        match self {
            HeaderKid::Full(k) => k == kid,
            HeaderKid::Short(s) => prefix(kid) == *s,
        }
    }

    /// The whole thumbprint, if the header carries it.
    pub fn full(&self) -> Option<KeyId> {
        match self {
            HeaderKid::Full(k) => Some(*k),
            HeaderKid::Short(_) => None,
        }
    }

    /// The first 8 bytes in hex, for messages (as [`KeyId::short`]).
    pub fn short(&self) -> String {
        hex::encode(&self.as_bytes()[..SHORT_KID_LEN])
    }
}

pub(crate) fn prefix(kid: &KeyId) -> [u8; SHORT_KID_LEN] {
    let mut p = [0u8; SHORT_KID_LEN];
    p.copy_from_slice(&kid.0[..SHORT_KID_LEN]);
    p
}

impl fmt::Debug for HeaderKid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HeaderKid({})", hex::encode(self.as_bytes()))
    }
}

/// Hex of the bytes as written (64 digits, or 16 for a short kid).
impl fmt::Display for HeaderKid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.as_bytes()))
    }
}

impl serde::Serialize for HeaderKid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.as_bytes()))
    }
}

impl From<KeyId> for HeaderKid {
    fn from(k: KeyId) -> HeaderKid {
        HeaderKid::Full(k)
    }
}

impl TrustSet {
    /// The trusted keys a header `kid` names, in insertion order: the key
    /// with that thumbprint, or every key whose thumbprint begins with a
    /// short kid (almost always one).
    pub fn matching(&self, kid: &HeaderKid) -> Vec<&TrustedKey> {
        self.matching_ids(kid).map(|(_, t)| t).collect()
    }

    /// [`TrustSet::matching`] with each key's id (its thumbprint, as the
    /// set holds it: not recomputed), allocating nothing.
    pub(crate) fn matching_ids<'a>(
        &'a self,
        kid: &HeaderKid,
    ) -> impl Iterator<Item = (&'a KeyId, &'a TrustedKey)> + 'a {
        let ids: &'a [KeyId] = match kid {
            HeaderKid::Full(k) => self
                .keys
                .get_key_value(k)
                .map_or(&[], |(k, _)| std::slice::from_ref(k)),
            HeaderKid::Short(s) => self.by_prefix.get(s).map_or(&[], Vec::as_slice),
        };
        ids.iter().filter_map(|k| self.keys.get_key_value(k))
    }

    /// The first trusted key a header `kid` names (for labels; to know who
    /// signed, verify: [`crate::Artifact::verify`]).
    pub fn find(&self, kid: &HeaderKid) -> Option<&TrustedKey> {
        self.matching(kid).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    // Tests abort on setup failure by design.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::keys::{Role, Signer};
    use crate::sample::{self, Parties, CONTROLLER, PARTNER};
    use crate::VerifyError;

    /// A trust set where the partner's key is made to share the
    /// controller's short kid (a real 64-bit collision cannot be searched
    /// for in a test): both are tried, the partner's first.
    fn colliding(p: &Parties) -> TrustSet {
        let mut t = TrustSet::new();
        t.insert(p.partner.public_key(), Role::Partner, PARTNER);
        t.insert(p.controller.public_key(), Role::Controller, CONTROLLER);
        let c = p.controller.public_key().kid();
        t.by_prefix
            .insert(prefix(&c), vec![p.partner.public_key().kid(), c]);
        t
    }

    #[test]
    fn several_matching_keys_the_one_that_verifies_signs() {
        let p = Parties::new().unwrap();
        let offer = sample::signed_offer(&p).unwrap();
        let grant = sample::signed_grant(&p, &offer).unwrap();
        let r = sample::signed_receipt(&p, &grant).unwrap();
        let trust = colliding(&p);
        assert_eq!(trust.matching(&r.signer_kids()[0]).len(), 2);
        for signers in [
            r.verify(&trust).unwrap(),
            r.verify_admitted(&trust).unwrap(),
        ] {
            assert_eq!(signers[0].kid, p.controller.public_key().kid());
        }
        // A signature neither key made: signature invalid, not a guess.
        let mut bad = r.as_bytes().to_vec();
        let n = bad.len();
        bad[n - 1] ^= 1;
        let bad = crate::Artifact::decode(&bad).unwrap();
        assert!(matches!(
            bad.verify(&trust),
            Err(VerifyError::SignatureInvalid { .. })
        ));
    }

    #[test]
    fn short_and_full_kids_match_their_thumbprint_only() {
        let p = Parties::new().unwrap();
        let c = p.controller.public_key().kid();
        let other = p.partner.public_key().kid();
        for h in [HeaderKid::of(&c, true), HeaderKid::of(&c, false)] {
            assert!(h.matches(&c));
            assert!(!h.matches(&other));
        }
        assert_eq!(HeaderKid::of(&c, true).as_bytes().len(), SHORT_KID_LEN);
        assert_eq!(HeaderKid::from_slice(&c.0[..8], false), None);
        assert_eq!(
            HeaderKid::from_slice(&c.0[..8], true),
            Some(HeaderKid::of(&c, true))
        );
        assert_eq!(HeaderKid::from_slice(&c.0[..9], true), None);
    }
}
