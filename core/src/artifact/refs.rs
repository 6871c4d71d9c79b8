//! How a data receipt names its purpose, category and recipient: in full,
//! or by their index in the grant it cites (FORMAT.md §4.7.1).
//!
//! A receipt always cites its grant (`-30`), and whoever checks the
//! receipt needs that grant anyway (the use is judged against it). So a
//! term or party the grant already lists is written as its position in the
//! grant's list: one byte instead of up to 512. [`DataReceipt::sign`] does
//! this itself; [`DataReceipt::resolve`] reads the references back against
//! the grant, and an index the grant does not have is a typed error
//! ([`ReferenceError`]), never a guess.

use std::fmt;

use serde::Serialize;

use super::{ArtifactId, DataReceipt, Grant};
use crate::cbor::Value;
use crate::vocab::Term;

/// Largest party index a receipt may write: a grant names its controller
/// and at most [`super::MAX_LIST_LEN`] recipients (and at most that many
/// terms per list, so a term index is at most `MAX_INDEX - 1`).
pub(crate) const MAX_INDEX: u64 = super::MAX_LIST_LEN as u64;

/// A data receipt's purpose or category.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string | { granted: number }"))]
pub enum TermRef {
    /// The term itself (built-in code, CURIE or IRI).
    Term(Term),
    /// Item `i` (from 0) of the grant's purposes (for the receipt's
    /// purpose) or categories (for its category), in the grant's encoded
    /// order. Written as the CBOR negative integer `-1 - i`.
    Granted(u16),
}

/// A data receipt's recipient.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string | { granted: number }"))]
pub enum PartyRef {
    /// The party id itself.
    Party(String),
    /// A party the grant names: 0 is the grant's controller (`aud`), `i`
    /// ≥ 1 is the grant's recipient `i - 1`, in the grant's encoded order.
    /// Written as the CBOR negative integer `-1 - i`.
    Granted(u16),
}

/// A receipt's purpose, category and recipient, read against its grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedReceipt {
    /// The purpose of the use.
    pub purpose: Term,
    /// The data category used.
    pub category: Term,
    /// Who received the data; `None`: the signer's own party.
    pub recipient: Option<String>,
}

/// A receipt's index that its grant does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The index is past the end of the grant's list.
    #[error("the receipt names item {index} of grant {grant}'s {list}, which has only {len}")]
    OutOfRange {
        /// The grant the receipt cites.
        grant: ArtifactId,
        /// Which list: `purposes`, `categories` or `parties` (the
        /// controller, then the recipients).
        list: &'static str,
        /// The index the receipt wrote.
        index: u16,
        /// How many items the list has.
        len: usize,
    },
}

impl From<Term> for TermRef {
    fn from(t: Term) -> TermRef {
        TermRef::Term(t)
    }
}

impl From<String> for PartyRef {
    fn from(p: String) -> PartyRef {
        PartyRef::Party(p)
    }
}

impl From<&str> for PartyRef {
    fn from(p: &str) -> PartyRef {
        PartyRef::Party(p.to_owned())
    }
}

impl fmt::Display for TermRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermRef::Term(t) => t.fmt(f),
            TermRef::Granted(i) => write!(f, "grant item {i}"),
        }
    }
}

impl fmt::Display for PartyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartyRef::Party(p) => f.write_str(p),
            PartyRef::Granted(0) => f.write_str("the grant's controller"),
            PartyRef::Granted(i) => write!(f, "grant recipient {}", i - 1),
        }
    }
}

/// JSON: a term as its text, an index as `{"granted": i}`.
impl Serialize for TermRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TermRef::Term(t) => t.serialize(s),
            TermRef::Granted(i) => Granted { granted: *i }.serialize(s),
        }
    }
}

/// JSON: a party as its id, an index as `{"granted": i}`.
impl Serialize for PartyRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PartyRef::Party(p) => s.serialize_str(p),
            PartyRef::Granted(i) => Granted { granted: *i }.serialize(s),
        }
    }
}

#[derive(Serialize)]
struct Granted {
    granted: u16,
}

fn index_value(i: u16) -> Value {
    Value::Negative(u64::from(i))
}

impl TermRef {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            TermRef::Term(t) => t.to_value(),
            TermRef::Granted(i) => index_value(*i),
        }
    }

    fn resolve<'a>(
        &'a self,
        list: &'a [Term],
        name: &'static str,
        grant: ArtifactId,
    ) -> Result<&'a Term, ReferenceError> {
        match self {
            TermRef::Term(t) => Ok(t),
            TermRef::Granted(i) => list.get(usize::from(*i)).ok_or(ReferenceError::OutOfRange {
                grant,
                list: name,
                index: *i,
                len: list.len(),
            }),
        }
    }

    fn compact(&self, list: &[Term]) -> TermRef {
        match self {
            TermRef::Term(t) => index_of(list.iter().position(|x| x == t))
                .map(TermRef::Granted)
                .unwrap_or_else(|| self.clone()),
            TermRef::Granted(_) => self.clone(),
        }
    }
}

fn index_of(p: Option<usize>) -> Option<u16> {
    p.and_then(|i| u16::try_from(i).ok())
}

impl PartyRef {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            PartyRef::Party(p) => Value::Text(p.clone()),
            PartyRef::Granted(i) => index_value(*i),
        }
    }

    fn resolve<'a>(&'a self, g: &'a Grant, grant: ArtifactId) -> Result<&'a str, ReferenceError> {
        match self {
            PartyRef::Party(p) => Ok(p),
            PartyRef::Granted(0) => Ok(&g.controller),
            PartyRef::Granted(i) => g
                .recipients
                .get(usize::from(*i) - 1)
                .map(String::as_str)
                .ok_or(ReferenceError::OutOfRange {
                    grant,
                    list: "parties",
                    index: *i,
                    len: g.recipients.len() + 1,
                }),
        }
    }

    fn compact(&self, g: &Grant) -> PartyRef {
        match self {
            PartyRef::Party(p) if *p == g.controller => PartyRef::Granted(0),
            PartyRef::Party(p) => index_of(g.recipients.iter().position(|x| x == p).map(|i| i + 1))
                .map(PartyRef::Granted)
                .unwrap_or_else(|| self.clone()),
            PartyRef::Granted(_) => self.clone(),
        }
    }
}

/// A [`ResolvedReceipt`] borrowed from the receipt and its grant.
pub(crate) struct ResolvedBorrowed<'a> {
    pub(crate) purpose: &'a Term,
    pub(crate) category: &'a Term,
    pub(crate) recipient: Option<&'a str>,
}

impl DataReceipt {
    /// The receipt's purpose, category and recipient read against `grant`,
    /// the grant it cites: each index is replaced by the item it names.
    /// An index the grant's list does not have is an error. (Whether the
    /// grant covers the use is a separate question: see the audit.)
    pub fn resolve(&self, grant: &Grant) -> Result<ResolvedReceipt, ReferenceError> {
        let r = self.resolve_borrowed(grant)?;
        Ok(ResolvedReceipt {
            purpose: r.purpose.clone(),
            category: r.category.clone(),
            recipient: r.recipient.map(str::to_owned),
        })
    }

    /// [`DataReceipt::resolve`] without copying: the terms and the party
    /// borrowed from the receipt or the grant (the audit judges every
    /// receipt this way).
    pub(crate) fn resolve_borrowed<'a>(
        &'a self,
        grant: &'a Grant,
    ) -> Result<ResolvedBorrowed<'a>, ReferenceError> {
        Ok(ResolvedBorrowed {
            purpose: self
                .purpose
                .resolve(&grant.purposes, "purposes", self.grant)?,
            category: self
                .category
                .resolve(&grant.categories, "categories", self.grant)?,
            recipient: self
                .recipient
                .as_ref()
                .map(|r| r.resolve(grant, self.grant))
                .transpose()?,
        })
    }

    /// The same receipt in its compact form for `grant`: a purpose,
    /// category or recipient that `grant` lists is written as its index
    /// there; anything else stays as it is. [`DataReceipt::sign`] signs
    /// this form; a caller signing with
    /// [`DataReceipt::sign_known_violation`] may call it first.
    pub fn compact(&self, grant: &Grant) -> DataReceipt {
        DataReceipt {
            purpose: self.purpose.compact(&grant.purposes),
            category: self.category.compact(&grant.categories),
            recipient: self.recipient.as_ref().map(|r| r.compact(grant)),
            ..self.clone()
        }
    }
}
