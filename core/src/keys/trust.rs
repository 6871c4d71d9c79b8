//! The trust set: the public keys an auditor or a wallet accepts, each with
//! the role it may sign in and the party it belongs to.
//!
//! On the wire a trust set is a COSE_KeySet (an array of COSE_Key) whose
//! keys carry two extra text-labelled parameters: `"role"` (one of
//! `"controller"`, `"partner"`, `"person"`, `"log"`) and `"party"` (the
//! party's identifier, e.g. `"traffic.example"`).

use std::collections::HashMap;
use std::fmt;

use super::kid_hash::KidHashing;
use super::{parse_cose_key, zeroize_value, KeyError, KeyId, PublicKey};
use crate::cbor::{self, Value};

/// The role a trusted key signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    /// A data controller: signs offers, countersigns grants, revokes,
    /// issues receipts and value records.
    Controller,
    /// A partner (recipient) that receives data and issues receipts for its use.
    Partner,
    /// An empowered person (for wallets that know a person's key).
    Person,
    /// A transparency log that signs checkpoints.
    Log,
}

impl Role {
    /// The role's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Controller => "controller",
            Role::Partner => "partner",
            Role::Person => "person",
            Role::Log => "log",
        }
    }

    /// The role for a wire name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "controller" => Role::Controller,
            "partner" => Role::Partner,
            "person" => Role::Person,
            "log" => Role::Log,
            _ => return None,
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One trusted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    /// The public key.
    pub key: PublicKey,
    /// The role it signs in.
    pub role: Role,
    /// The party it belongs to.
    pub party: String,
}

/// A set of trusted keys, looked up by key id.
#[derive(Clone, Debug, Default)]
pub struct TrustSet {
    /// By id, hashed with [`KidHashing`] (ids are thumbprints: uniformly random).
    pub(super) keys: HashMap<KeyId, TrustedKey, KidHashing>,
    order: Vec<KeyId>,
    /// The keys by the first 8 bytes of their id (short `kid` headers).
    pub(super) by_prefix: HashMap<[u8; super::hint::SHORT_KID_LEN], Vec<KeyId>, KidHashing>,
}

const ROLE_LABEL: &str = "role";
const PARTY_LABEL: &str = "party";

impl TrustSet {
    /// An empty trust set.
    pub fn new() -> TrustSet {
        TrustSet::default()
    }

    /// Adds a key. A key already present is replaced.
    pub fn insert(&mut self, key: PublicKey, role: Role, party: impl Into<String>) {
        let kid = key.kid();
        if !self.keys.contains_key(&kid) {
            self.order.push(kid);
            self.by_prefix
                .entry(super::hint::prefix(&kid))
                .or_default()
                .push(kid);
        }
        self.keys.insert(
            kid,
            TrustedKey {
                key,
                role,
                party: party.into(),
            },
        );
    }

    /// The trusted key with this id.
    pub fn get(&self, kid: &KeyId) -> Option<&TrustedKey> {
        self.keys.get(kid)
    }

    /// The keys in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedKey> {
        self.order.iter().filter_map(|k| self.keys.get(k))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Encodes the set as a COSE_KeySet with role and party parameters.
    pub fn to_cose_key_set(&self) -> Vec<u8> {
        Value::Array(
            self.iter()
                .map(|t| {
                    t.key.to_cose_key_value(vec![
                        (Value::text(ROLE_LABEL), Value::text(t.role.as_str())),
                        (Value::text(PARTY_LABEL), Value::text(t.party.clone())),
                    ])
                })
                .collect(),
        )
        .to_vec()
    }

    /// Reads a COSE_KeySet whose keys carry role and party. Private keys
    /// are refused: a trust file must hold public keys only.
    pub fn from_cose_key_set(bytes: &[u8]) -> Result<TrustSet, KeyError> {
        let v = cbor::decode(bytes)?;
        let Value::Array(items) = v else {
            return Err(KeyError::Malformed(format!(
                "trust set: expected a COSE_KeySet (array), found {}",
                v.type_name()
            )));
        };
        let mut set = TrustSet::new();
        for (i, item) in items.iter().enumerate() {
            let parsed =
                parse_cose_key(item).map_err(|e| KeyError::Malformed(format!("key {i}: {e}")))?;
            if parsed.private.is_some() {
                return Err(KeyError::Malformed(format!(
                    "key {i}: a trust set must not contain private keys"
                )));
            }
            let text = |label: &str| {
                parsed.extra.iter().find_map(|(k, v)| match (k, v) {
                    (Value::Text(k), Value::Text(v)) if k == label => Some(v.clone()),
                    _ => None,
                })
            };
            let role_name = text(ROLE_LABEL)
                .ok_or_else(|| KeyError::Malformed(format!("key {i}: no \"role\" parameter")))?;
            let role = Role::parse(&role_name).ok_or_else(|| {
                KeyError::Malformed(format!("key {i}: unknown role \"{role_name}\""))
            })?;
            let party = text(PARTY_LABEL).filter(|p| !p.is_empty()).ok_or_else(|| {
                KeyError::Malformed(format!("key {i}: no (or an empty) \"party\" parameter"))
            })?;
            if set.keys.contains_key(&parsed.public.kid()) {
                return Err(KeyError::Malformed(format!(
                    "key {i}: listed twice (kid {})",
                    parsed.public.kid()
                )));
            }
            set.insert(parsed.public, role, party);
        }
        Ok(set)
    }
}

/// What a key file or a trust file holds, as [`KeyMaterial::decode`] finds it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum KeyMaterial {
    /// A single COSE_Key (as `consentkit keygen` writes it), possibly with
    /// the `"role"` and `"party"` parameters of a trust set entry.
    Key {
        /// The public key (the public part of a private key).
        key: PublicKey,
        /// Whether the file carries the private key `d` (read, then zeroed; not kept).
        private: bool,
        /// The `"role"` parameter, if present.
        role: Option<Role>,
        /// The `"party"` parameter, if present.
        party: Option<String>,
    },
    /// A COSE_KeySet with roles and parties: a trust set.
    TrustSet(TrustSet),
}

impl KeyMaterial {
    /// Reads a single COSE_Key (a CBOR map, public or private) or a trust
    /// set (a COSE_KeySet, a CBOR array, read by
    /// [`TrustSet::from_cose_key_set`]). A private key's `d` is zeroed
    /// after reading. Anything else is an error naming what was found.
    pub fn decode(bytes: &[u8]) -> Result<KeyMaterial, KeyError> {
        let mut v = crate::cbor::decode(bytes)?;
        let out = match &v {
            Value::Array(_) => TrustSet::from_cose_key_set(bytes).map(KeyMaterial::TrustSet),
            Value::Map(_) => parse_cose_key(&v).and_then(|parsed| {
                let text = |label: &str| {
                    parsed.extra.iter().find_map(|(k, v)| match (k, v) {
                        (Value::Text(k), Value::Text(v)) if k == label => Some(v.clone()),
                        _ => None,
                    })
                };
                let role = match text(ROLE_LABEL) {
                    None => None,
                    Some(r) => Some(
                        Role::parse(&r)
                            .ok_or_else(|| KeyError::Malformed(format!("unknown role \"{r}\"")))?,
                    ),
                };
                Ok(KeyMaterial::Key {
                    key: parsed.public.clone(),
                    private: parsed.private.is_some(),
                    role,
                    party: text(PARTY_LABEL),
                })
            }),
            other => Err(KeyError::Malformed(format!(
                "neither a COSE_Key (map) nor a COSE_KeySet (array): found {}",
                other.type_name()
            ))),
        };
        zeroize_value(&mut v);
        out
    }
}
