//! W3C Data Privacy Vocabulary (DPV) terms: purposes, personal-data
//! categories (the `pd:` extension) and legal bases.
//!
//! A term is either one of a built-in set, encoded on the wire as a small
//! integer code, or any other CURIE or IRI, encoded as text. So that every
//! term has exactly one encoding, a built-in term written as text is
//! rejected when decoding, and a DPV term written as a full IRI
//! (`https://w3id.org/dpv#Marketing`) is read as its CURIE (`dpv:Marketing`).
//!
//! Terms in the `dpv:` and `pd:` namespaces are checked against the terms
//! DPV [`DPV_VERSION`] defines (the list in `core/src/vocab/dpv-2.3-terms.txt`,
//! generated from the published DPV files by `scripts/update-dpv-terms`): a
//! name DPV does not define is refused with the closest defined term
//! suggested. Terms outside those namespaces are not checked.
//!
//! Four early built-in codes named terms that DPV 2.3 does not define; they
//! still decode, so old artifacts stay readable, but are [deprecated](Term::is_deprecated)
//! and cannot be made anew (see [`DEPRECATED`]).

use std::fmt;
use std::sync::OnceLock;

use crate::cbor::Value;

/// Built-in terms: (code, CURIE). Codes are frozen: append only.
pub const BUILT_IN: &[(u64, &str)] = &[
    // Purposes (dpv:)
    (1, "dpv:ServiceProvision"),
    (2, "dpv:ServicePersonalisation"),
    (3, "dpv:ServiceOptimisation"),
    (4, "dpv:Personalisation"),
    (5, "dpv:PersonalisedAdvertising"),
    (6, "dpv:Marketing"),
    (7, "dpv:Advertising"),
    (8, "dpv:ResearchAndDevelopment"),
    (9, "dpv:CommercialResearch"),
    (10, "dpv:AcademicResearch"),
    (11, "dpv:FraudPreventionAndDetection"),
    (12, "dpv:LegalCompliance"),
    (13, "dpv:SellDataToThirdParties"),
    (14, "dpv:CommunicationManagement"),
    (15, "dpv:ServiceUsageAnalytics"),
    // Personal data categories (pd:)
    (32, "pd:Location"),
    (33, "pd:Preference"),
    (34, "pd:Interest"),
    (35, "pd:BrowsingBehavior"), // deprecated: pd:BrowsingBehaviour (47)
    (36, "pd:Professional"),
    (37, "pd:Qualification"), // deprecated: pd:ProfessionalCertification (49)
    (38, "pd:EmailAddress"),
    (39, "pd:Name"),
    (40, "pd:Age"),
    (41, "pd:Behavioral"), // deprecated: pd:Behavioural (48)
    (42, "pd:Identifier"),
    (43, "pd:Communication"),
    (44, "pd:Financial"),
    (45, "pd:Health"),
    (46, "pd:Schedule"), // deprecated: no DPV term
    (47, "pd:BrowsingBehaviour"),
    (48, "pd:Behavioural"),
    (49, "pd:ProfessionalCertification"),
    (50, "pd:ProfessionalExperience"),
    // Legal bases (dpv:)
    (64, "dpv:Consent"),
    (65, "dpv:Contract"),
    (66, "dpv:LegitimateInterest"),
    (67, "dpv:LegalObligation"),
];

/// Deprecated built-in codes: (code, replacement CURIE if DPV has one).
///
/// These codes name terms that DPV 2.3 does not define: `pd:BrowsingBehavior`
/// and `pd:Behavioral` were renamed in DPV 2.2, `pd:Qualification` and
/// `pd:Schedule` never existed. Artifacts that carry them still decode (the
/// terms are flagged by [`Term::is_deprecated`]), but [`Term::new`] refuses
/// their CURIEs, naming the replacement.
pub const DEPRECATED: &[(u64, Option<&str>)] = &[
    (35, Some("pd:BrowsingBehaviour")),
    (37, Some("pd:ProfessionalCertification")),
    (41, Some("pd:Behavioural")),
    (46, None),
];

/// The DPV release whose terms are checked (see [`Term::new`]).
pub const DPV_VERSION: &str = "2.3";

/// The DPV namespaces whose terms are checked: (CURIE prefix, namespace IRI).
pub const DPV_NAMESPACES: &[(&str, &str)] = &[
    ("dpv:", "https://w3id.org/dpv#"),
    ("pd:", "https://w3id.org/dpv/pd#"),
];

/// The generated term list (see `scripts/update-dpv-terms`).
const DPV_TERMS: &str = include_str!("vocab/dpv-2.3-terms.txt");

/// A DPV term: built-in (small code on the wire) or any CURIE/IRI.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct Term(TermRepr);

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum TermRepr {
    BuiltIn(u64),
    Other(String),
}

/// Why a term could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermError {
    /// An integer that is not a built-in code.
    #[error("unknown built-in term code {0}")]
    UnknownCode(u64),
    /// A built-in term written as text instead of its code, or a DPV term
    /// written as a full IRI instead of its CURIE.
    #[error(
        "term {0} is not in its one encoding: a built-in term must be encoded as its code, \
         another DPV term as its CURIE"
    )]
    NotCanonical(String),
    /// Empty text, or text with whitespace or control characters.
    #[error("term {0:?} is not a CURIE or IRI")]
    Invalid(String),
    /// Neither an integer nor text.
    #[error("term must be an integer code or text, found {0}")]
    WrongType(&'static str),
    /// The CURIE (or IRI) of a deprecated built-in code: DPV does not define
    /// it, so no new term may be made from it (the code still decodes).
    #[error(
        "term {term} is not a DPV {DPV_VERSION} term (deprecated built-in code {code}); {}",
        replacement_hint(.replacement)
    )]
    Deprecated {
        /// The term as written.
        term: String,
        /// The deprecated built-in code that carries it on old artifacts.
        code: u64,
        /// The DPV term to use instead, if DPV has one.
        replacement: Option<String>,
    },
    /// A CURIE or IRI in a DPV namespace (`dpv:`, `pd:`) naming a term that
    /// DPV does not define.
    #[error("term {term} is not defined by DPV {DPV_VERSION}; did you mean {suggestion}?")]
    UnknownDpvTerm {
        /// The term as written.
        term: String,
        /// The closest term DPV defines in the same namespace (a CURIE).
        suggestion: String,
    },
}

fn replacement_hint(r: &Option<String>) -> String {
    match r {
        Some(r) => format!("use {r}"),
        None => "DPV has no replacement; use an IRI of your own".to_owned(),
    }
}

impl Term {
    /// A term from a CURIE or IRI; built-in terms are recognised.
    ///
    /// A term in a DPV namespace, as a CURIE (`dpv:Marketing`, `pd:Location`)
    /// or as a full IRI (`https://w3id.org/dpv#Marketing`), must be one that
    /// DPV [`DPV_VERSION`] defines ([`TermError::UnknownDpvTerm`], with the
    /// closest defined term suggested); a full IRI is read as its CURIE. The
    /// CURIE of a deprecated built-in code is refused
    /// ([`TermError::Deprecated`], naming the replacement). Any other CURIE or
    /// IRI is accepted as it is.
    pub fn new(s: &str) -> Result<Term, TermError> {
        Ok(match parse(s)? {
            Parsed::BuiltIn(code) => Term(TermRepr::BuiltIn(code)),
            Parsed::AsWritten => Term(TermRepr::Other(s.to_owned())),
            Parsed::Curie(prefix, local) => Term(TermRepr::Other(format!("{prefix}{local}"))),
        })
    }

    /// A built-in term from its code.
    pub fn from_code(code: u64) -> Result<Term, TermError> {
        if is_built_in_code(code) {
            Ok(Term(TermRepr::BuiltIn(code)))
        } else {
            Err(TermError::UnknownCode(code))
        }
    }

    /// Reads a term written as text on the wire, strictly: what
    /// [`Term::from_value`] gives for [`Value::Text`], with the same errors,
    /// allocating only the term's own string.
    pub fn from_text(s: &str) -> Result<Term, TermError> {
        match parse(s)? {
            Parsed::AsWritten => Ok(Term(TermRepr::Other(s.to_owned()))),
            Parsed::BuiltIn(_) | Parsed::Curie(..) => Err(TermError::NotCanonical(s.to_owned())),
        }
    }

    /// `dpv:Consent`: the legal basis of a consent offer (an [`crate::Offer`]'s default).
    pub fn consent() -> Term {
        Term(TermRepr::BuiltIn(64))
    }

    /// The term's CURIE or IRI.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TermRepr::BuiltIn(c) => BUILT_IN
                .iter()
                .find(|(code, _)| code == c)
                .map(|(_, n)| *n)
                .unwrap_or("?"),
            TermRepr::Other(s) => s,
        }
    }

    /// The built-in code, if the term is built in.
    pub fn code(&self) -> Option<u64> {
        match &self.0 {
            TermRepr::BuiltIn(c) => Some(*c),
            TermRepr::Other(_) => None,
        }
    }

    /// Whether the term is a deprecated built-in code (see [`DEPRECATED`]):
    /// one that DPV does not define, read from an old artifact.
    pub fn is_deprecated(&self) -> bool {
        self.deprecation().is_some()
    }

    /// The term that replaces a deprecated one, if DPV has one; `None` for a
    /// term that is not deprecated.
    pub fn replacement(&self) -> Option<Term> {
        let r = self.deprecation()??;
        BUILT_IN
            .iter()
            .find(|(_, n)| *n == r)
            .map(|(c, _)| Term(TermRepr::BuiltIn(*c)))
    }

    fn deprecation(&self) -> Option<Option<&'static str>> {
        let code = self.code()?;
        DEPRECATED.iter().find(|(c, _)| *c == code).map(|(_, r)| *r)
    }

    /// The full IRI (expanding the `dpv:` and `pd:` prefixes).
    pub fn iri(&self) -> String {
        let s = self.as_str();
        for (prefix, ns) in DPV_NAMESPACES {
            if let Some(rest) = s.strip_prefix(prefix) {
                return format!("{ns}{rest}");
            }
        }
        s.to_owned()
    }

    /// The wire value.
    pub fn to_value(&self) -> Value {
        match &self.0 {
            TermRepr::BuiltIn(c) => Value::Unsigned(*c),
            TermRepr::Other(s) => Value::Text(s.clone()),
        }
    }

    /// Reads a wire value, strictly: a text term must be read by
    /// [`Term::new`] unchanged (not built in, not a DPV term as a full IRI,
    /// not a term DPV does not define).
    pub fn from_value(v: &Value) -> Result<Term, TermError> {
        match v {
            Value::Unsigned(c) => Term::from_code(*c),
            Value::Text(s) => Term::from_text(s),
            other => Err(TermError::WrongType(other.type_name())),
        }
    }
}

/// What [`Term::new`] reads a CURIE or IRI as.
enum Parsed<'a> {
    /// A built-in term (code).
    BuiltIn(u64),
    /// The text as written: a CURIE or IRI outside the DPV namespaces, or
    /// the CURIE of a term DPV defines.
    AsWritten,
    /// The full IRI of a term DPV defines, read as its CURIE (prefix, local name).
    Curie(&'static str, &'a str),
}

/// The rules of [`Term::new`], without allocating for them: the syntax
/// (not empty, at most 512 bytes, a colon, no whitespace or control
/// character), then, in a DPV namespace, the built-in codes (a deprecated
/// one refused) and the names DPV defines. Every built-in term is in a DPV
/// namespace (tested), so a term outside them is taken as written.
fn parse(s: &str) -> Result<Parsed<'_>, TermError> {
    if !is_term_syntax(s) {
        return Err(TermError::Invalid(s.to_owned()));
    }
    let Some(split) = dpv_split(s) else {
        return Ok(Parsed::AsWritten);
    };
    if let Some(code) = built_in_code(split.prefix, split.local, s)? {
        return Ok(Parsed::BuiltIn(code));
    }
    let names = dpv_names(split.section);
    if names.binary_search(&split.local).is_err() {
        return Err(TermError::UnknownDpvTerm {
            term: s.to_owned(),
            suggestion: format!("{}{}", split.prefix, closest(split.local, names)),
        });
    }
    Ok(if split.is_curie {
        Parsed::AsWritten
    } else {
        Parsed::Curie(split.prefix, split.local)
    })
}

/// Not empty, at most 512 bytes, with a colon and no whitespace or control
/// character. Printable ASCII (0x21 to 0x7e: no whitespace, no control
/// character) is checked over all bytes at once, without a branch per byte;
/// other text char by char.
fn is_term_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 512 {
        return false;
    }
    // One pass for both: the colon and printable ASCII.
    let (printable, colon) = b.iter().fold((true, false), |(ok, colon), &c| {
        (ok & (c.wrapping_sub(0x21) < 0x5e), colon | (c == b':'))
    });
    colon && (printable || !s.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// Whether `code` is a built-in code: one bit test for a code below 128
/// (every built-in code is, [`BUILT_IN_MASK`]), a search of [`BUILT_IN`]
/// (sorted by code, tested) for any other.
#[inline]
fn is_built_in_code(code: u64) -> bool {
    match u32::try_from(code) {
        Ok(c) if c < 128 => BUILT_IN_MASK >> c & 1 == 1,
        _ => BUILT_IN.binary_search_by_key(&code, |(c, _)| *c).is_ok(),
    }
}

/// Bit `c` set for each built-in code `c` below 128 (all of them today).
const BUILT_IN_MASK: u128 = {
    let mut mask = 0u128;
    let mut i = 0;
    while i < BUILT_IN.len() {
        let c = BUILT_IN[i].0;
        if c < 128 {
            mask |= 1 << c;
        }
        i += 1;
    }
    mask
};

/// The built-in code of the CURIE `prefix` + `local`, if it has one;
/// refuses a deprecated one, naming the term as written (`written`).
fn built_in_code(prefix: &str, local: &str, written: &str) -> Result<Option<u64>, TermError> {
    let Some((code, _)) = BUILT_IN
        .iter()
        .find(|(_, n)| n.strip_prefix(prefix) == Some(local))
    else {
        return Ok(None);
    };
    if let Some((_, replacement)) = DEPRECATED.iter().find(|(c, _)| c == code) {
        return Err(TermError::Deprecated {
            term: written.to_owned(),
            code: *code,
            replacement: replacement.map(str::to_owned),
        });
    }
    Ok(Some(*code))
}

/// A term in a DPV namespace, split.
struct DpvSplit<'a> {
    /// Its index in [`DPV_NAMESPACES`].
    section: usize,
    /// The namespace's CURIE prefix (`dpv:`, `pd:`).
    prefix: &'static str,
    /// The local name.
    local: &'a str,
    /// Whether the term was written as the CURIE (not as the full IRI).
    is_curie: bool,
}

/// Splits a term in a DPV namespace, written as a CURIE or a full IRI.
fn dpv_split(s: &str) -> Option<DpvSplit<'_>> {
    DPV_NAMESPACES
        .iter()
        .enumerate()
        .find_map(|(section, (prefix, ns))| {
            let (local, is_curie) = match s.strip_prefix(prefix) {
                Some(local) => (local, true),
                None => (s.strip_prefix(ns)?, false),
            };
            Some(DpvSplit {
                section,
                prefix,
                local,
                is_curie,
            })
        })
}

/// The sorted local names DPV defines in namespace `section` of
/// [`DPV_NAMESPACES`].
fn dpv_names(section: usize) -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let all = NAMES.get_or_init(|| {
        let mut out: Vec<Vec<&'static str>> = vec![Vec::new(); DPV_NAMESPACES.len()];
        let mut current: Option<usize> = None;
        for line in DPV_TERMS.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(head) = line.strip_prefix('[') {
                current = DPV_NAMESPACES
                    .iter()
                    .position(|(p, _)| head.split(']').next() == p.strip_suffix(':'));
                continue;
            }
            if let Some(list) = current.and_then(|i| out.get_mut(i)) {
                list.push(line);
            }
        }
        // The generator sorts each section by byte order (checked by the
        // tests), so lookups can binary-search.
        out
    });
    all.get(section).map(Vec::as_slice).unwrap_or(&[])
}

/// The defined name closest to `local`: least edit distance ignoring ASCII
/// case (DPV names are ASCII), then least edit distance with case, then
/// first in byte order.
fn closest<'a>(local: &str, names: &[&'a str]) -> &'a str {
    // Long input gets no better suggestion from its tail; bound the work.
    let local: String = local.chars().take(96).collect();
    let lower = local.to_ascii_lowercase();
    let mut best: Option<((usize, usize), &'a str)> = None;
    for name in names {
        let key = (
            edit_distance(&lower, &name.to_ascii_lowercase()),
            edit_distance(&local, name),
        );
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, name));
        }
    }
    best.map(|(_, n)| n).unwrap_or("")
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // safe: `row` has b.len() + 1 entries and j + 1 <= b.len().
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diag + usize::from(ca != *cb));
            diag = above;
        }
    }
    row[b.len()]
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Term({})", self.as_str())
    }
}

impl serde::Serialize for Term {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
