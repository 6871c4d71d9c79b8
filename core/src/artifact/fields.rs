//! Strict reading of payload maps: every key an integer, every field of the
//! expected type, no field left unread.

use crate::artifact::refs::{PartyRef, TermRef, MAX_INDEX};
use crate::artifact::{ArtifactError, ArtifactKind};
use crate::cbor::Value;
use crate::keys::{parse_cose_key, PublicKey};
use crate::vocab::Term;

/// Largest text field (party ids, URLs, reasons), in bytes.
pub const MAX_TEXT_LEN: usize = 2048;
/// Most items in a list field (purposes, categories, recipients, benefits).
pub const MAX_LIST_LEN: usize = 256;

pub(crate) struct Fields {
    kind: ArtifactKind,
    entries: Vec<(i64, Value)>,
}

impl Fields {
    pub(crate) fn new(kind: ArtifactKind, v: Value) -> Result<Fields, ArtifactError> {
        Self::new_named(kind, v, "payload")
    }

    pub(crate) fn new_named(
        kind: ArtifactKind,
        v: Value,
        what: &'static str,
    ) -> Result<Fields, ArtifactError> {
        let Value::Map(m) = v else {
            return Err(ArtifactError::WrongType {
                kind,
                field: what,
                expected: "map",
                found: v.type_name(),
            });
        };
        let mut entries = Vec::with_capacity(m.len());
        for (k, v) in m {
            let Some(i) = k.as_i64() else {
                return Err(ArtifactError::InvalidField {
                    kind,
                    field: what,
                    reason: format!("map keys must be integers, found {}", k.type_name()),
                });
            };
            entries.push((i, v));
        }
        Ok(Fields { kind, entries })
    }

    fn take(&mut self, key: i64) -> Option<Value> {
        let pos = self.entries.iter().position(|(k, _)| *k == key)?;
        Some(self.entries.swap_remove(pos).1)
    }

    fn put_back(&mut self, key: i64, v: Value) {
        self.entries.push((key, v));
    }

    fn missing(&self, field: &'static str) -> ArtifactError {
        ArtifactError::MissingField {
            kind: self.kind,
            field,
        }
    }

    fn wrong(&self, field: &'static str, expected: &'static str, v: &Value) -> ArtifactError {
        ArtifactError::WrongType {
            kind: self.kind,
            field,
            expected,
            found: v.type_name(),
        }
    }

    pub(crate) fn invalid(&self, field: &'static str, reason: impl Into<String>) -> ArtifactError {
        ArtifactError::InvalidField {
            kind: self.kind,
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn opt_uint(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<u64>, ArtifactError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Unsigned(u)) => Ok(Some(u)),
            Some(v) => Err(self.wrong(field, "unsigned integer", &v)),
        }
    }

    pub(crate) fn uint(&mut self, key: i64, field: &'static str) -> Result<u64, ArtifactError> {
        self.opt_uint(key, field)?
            .ok_or_else(|| self.missing(field))
    }

    pub(crate) fn opt_u32(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<u32>, ArtifactError> {
        match self.opt_uint(key, field)? {
            None => Ok(None),
            Some(u) => u32::try_from(u)
                .map(Some)
                .map_err(|_| self.invalid(field, format!("{u} is larger than {}", u32::MAX))),
        }
    }

    pub(crate) fn opt_text(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<String>, ArtifactError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Text(s)) => {
                if s.is_empty() {
                    return Err(self.invalid(field, "empty text"));
                }
                if s.len() > MAX_TEXT_LEN {
                    return Err(self.invalid(field, format!("longer than {MAX_TEXT_LEN} bytes")));
                }
                Ok(Some(s))
            }
            Some(v) => Err(self.wrong(field, "text string", &v)),
        }
    }

    pub(crate) fn text(&mut self, key: i64, field: &'static str) -> Result<String, ArtifactError> {
        self.opt_text(key, field)?
            .ok_or_else(|| self.missing(field))
    }

    pub(crate) fn opt_bytes_n<const N: usize>(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<[u8; N]>, ArtifactError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bytes(b)) => <[u8; N]>::try_from(b.as_slice())
                .map(Some)
                .map_err(|_| self.invalid(field, format!("must be {N} bytes, found {}", b.len()))),
            Some(v) => Err(self.wrong(field, "byte string", &v)),
        }
    }

    pub(crate) fn bytes_n<const N: usize>(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<[u8; N], ArtifactError> {
        self.opt_bytes_n::<N>(key, field)?
            .ok_or_else(|| self.missing(field))
    }

    /// A boolean that is present only when true (absent means false).
    pub(crate) fn flag(&mut self, key: i64, field: &'static str) -> Result<bool, ArtifactError> {
        match self.take(key) {
            None => Ok(false),
            Some(Value::Bool(true)) => Ok(true),
            Some(Value::Bool(false)) => {
                Err(self.invalid(field, "false must be encoded by omitting the field"))
            }
            Some(v) => Err(self.wrong(field, "boolean", &v)),
        }
    }

    pub(crate) fn bool(&mut self, key: i64, field: &'static str) -> Result<bool, ArtifactError> {
        match self.take(key) {
            None => Err(self.missing(field)),
            Some(Value::Bool(b)) => Ok(b),
            Some(v) => Err(self.wrong(field, "boolean", &v)),
        }
    }

    pub(crate) fn opt_value(&mut self, key: i64) -> Option<Value> {
        self.take(key)
    }

    pub(crate) fn value(&mut self, key: i64, field: &'static str) -> Result<Value, ArtifactError> {
        self.take(key).ok_or_else(|| self.missing(field))
    }

    pub(crate) fn list(
        &mut self,
        key: i64,
        field: &'static str,
        allow_empty: bool,
    ) -> Result<Vec<Value>, ArtifactError> {
        match self.take(key) {
            None if allow_empty => Ok(Vec::new()),
            None => Err(self.missing(field)),
            Some(Value::Array(a)) => {
                if a.is_empty() {
                    return Err(self.invalid(field, "empty list (omit the field instead)"));
                }
                if a.len() > MAX_LIST_LEN {
                    return Err(self.invalid(field, format!("more than {MAX_LIST_LEN} items")));
                }
                Ok(a)
            }
            Some(v) => Err(self.wrong(field, "array", &v)),
        }
    }

    pub(crate) fn term(&mut self, key: i64, field: &'static str) -> Result<Term, ArtifactError> {
        let v = self.value(key, field)?;
        self.term_of(&v, field)
    }

    /// A data receipt's purpose or category: a term, or (a negative
    /// integer `-1 - i`) item `i` of the grant's list.
    pub(crate) fn term_ref(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<TermRef, ArtifactError> {
        match self.value(key, field)? {
            Value::Negative(n) => Ok(TermRef::Granted(self.index(n, MAX_INDEX - 1, field)?)),
            v => Ok(TermRef::Term(self.term_of(&v, field)?)),
        }
    }

    /// A data receipt's recipient: a party id, or (a negative integer
    /// `-1 - i`) party `i` of the grant (0: its controller).
    pub(crate) fn opt_party_ref(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<PartyRef>, ArtifactError> {
        match self.opt_value(key) {
            Some(Value::Negative(n)) => {
                Ok(Some(PartyRef::Granted(self.index(n, MAX_INDEX, field)?)))
            }
            Some(v) => {
                self.put_back(key, v);
                Ok(self.opt_text(key, field)?.map(PartyRef::Party))
            }
            None => Ok(None),
        }
    }

    /// An index `n` (written `-1 - n`) of at most `max`.
    fn index(&self, n: u64, max: u64, field: &'static str) -> Result<u16, ArtifactError> {
        u16::try_from(n).ok().filter(|_| n <= max).ok_or_else(|| {
            self.invalid(
                field,
                format!("index {n} is past the end of any grant's list (at most {max})"),
            )
        })
    }

    pub(crate) fn term_of(&self, v: &Value, field: &'static str) -> Result<Term, ArtifactError> {
        Term::from_value(v).map_err(|e| self.invalid(field, e.to_string()))
    }

    /// A non-empty list of distinct terms, in canonical (sorted) order.
    pub(crate) fn terms(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Vec<Term>, ArtifactError> {
        let items = self.list(key, field, false)?;
        let mut out = Vec::with_capacity(items.len());
        for v in &items {
            out.push(self.term_of(v, field)?);
        }
        check_sorted_unique(&items, field).map_err(|r| self.invalid(field, r))?;
        Ok(out)
    }

    /// A list of distinct texts, sorted by encoding; may be absent (empty).
    pub(crate) fn texts(
        &mut self,
        key: i64,
        field: &'static str,
        allow_empty: bool,
    ) -> Result<Vec<String>, ArtifactError> {
        let items = self.list(key, field, allow_empty)?;
        let mut out = Vec::with_capacity(items.len());
        for v in &items {
            match v {
                Value::Text(s) if !s.is_empty() && s.len() <= MAX_TEXT_LEN => out.push(s.clone()),
                Value::Text(_) => return Err(self.invalid(field, "empty or over-long text item")),
                other => return Err(self.wrong(field, "array of text", other)),
            }
        }
        check_sorted_unique(&items, field).map_err(|r| self.invalid(field, r))?;
        Ok(out)
    }

    pub(crate) fn key(
        &mut self,
        key: i64,
        field: &'static str,
    ) -> Result<Option<PublicKey>, ArtifactError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => {
                let parsed = parse_cose_key(&v).map_err(|e| self.invalid(field, e.to_string()))?;
                if parsed.private.is_some() {
                    return Err(self.invalid(field, "contains a private key"));
                }
                if !parsed.extra.is_empty() {
                    return Err(self.invalid(field, "unexpected COSE_Key parameters"));
                }
                // Exactly the encoding consentkit writes, so the payload stays canonical.
                if parsed.public.to_cose_key_value(Vec::new()).to_vec() != v.to_vec() {
                    return Err(self.invalid(
                        field,
                        "COSE_Key must carry kty, kid, alg, crv, x (and y) only",
                    ));
                }
                Ok(Some(parsed.public))
            }
        }
    }

    /// Fails if any field was not read.
    pub(crate) fn finish(self) -> Result<(), ArtifactError> {
        match self.entries.first() {
            None => Ok(()),
            Some((k, _)) => Err(ArtifactError::UnknownField {
                kind: self.kind,
                key: *k,
            }),
        }
    }
}

/// Lists of set semantics are written sorted by encoding, without repeats,
/// so each set has one encoding.
pub(crate) fn check_sorted_unique(items: &[Value], _field: &str) -> Result<(), String> {
    let enc: Vec<Vec<u8>> = items.iter().map(Value::to_vec).collect();
    for w in enc.windows(2) {
        match w[0].cmp(&w[1]) {
            std::cmp::Ordering::Less => {}
            std::cmp::Ordering::Equal => return Err("repeated item".into()),
            std::cmp::Ordering::Greater => {
                return Err("items not in canonical (encoded byte) order".into())
            }
        }
    }
    Ok(())
}

/// Encodes a set of values sorted by encoding, without repeats.
pub(crate) fn canonical_set(mut items: Vec<Value>) -> Value {
    crate::sort::sort_by_key(&mut items, Value::to_vec);
    items.dedup();
    Value::Array(items)
}

/// A map from (integer key, value) pairs, skipping `None`s.
pub(crate) fn map(entries: Vec<(i64, Option<Value>)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (Value::int(k), v)))
            .collect(),
    )
}
