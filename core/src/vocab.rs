//! W3C Data Privacy Vocabulary (DPV) terms: purposes, personal-data
//! categories (the `pd:` extension) and legal bases.
//!
//! A term is either one of a built-in set, encoded on the wire as a small
//! integer code, or any other CURIE or IRI, encoded as text. So that every
//! term has exactly one encoding, a built-in term written as text is
//! rejected when decoding.

use std::fmt;

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
    (35, "pd:BrowsingBehavior"),
    (36, "pd:Professional"),
    (37, "pd:Qualification"),
    (38, "pd:EmailAddress"),
    (39, "pd:Name"),
    (40, "pd:Age"),
    (41, "pd:Behavioral"),
    (42, "pd:Identifier"),
    (43, "pd:Communication"),
    (44, "pd:Financial"),
    (45, "pd:Health"),
    (46, "pd:Schedule"),
    // Legal bases (dpv:)
    (64, "dpv:Consent"),
    (65, "dpv:Contract"),
    (66, "dpv:LegitimateInterest"),
    (67, "dpv:LegalObligation"),
];

/// A DPV term: built-in (small code on the wire) or any CURIE/IRI.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// A built-in term written as text instead of its code.
    #[error("term {0} is built in and must be encoded as its code")]
    NotCanonical(String),
    /// Empty text, or text with whitespace or control characters.
    #[error("term {0:?} is not a CURIE or IRI")]
    Invalid(String),
    /// Neither an integer nor text.
    #[error("term must be an integer code or text, found {0}")]
    WrongType(&'static str),
}

impl Term {
    /// A term from a CURIE or IRI; built-in terms are recognised.
    pub fn new(s: &str) -> Result<Term, TermError> {
        if let Some((code, _)) = BUILT_IN.iter().find(|(_, n)| *n == s) {
            return Ok(Term(TermRepr::BuiltIn(*code)));
        }
        if s.is_empty()
            || s.len() > 512
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || !s.contains(':')
        {
            return Err(TermError::Invalid(s.to_owned()));
        }
        Ok(Term(TermRepr::Other(s.to_owned())))
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

    /// The full IRI (expanding the `dpv:` and `pd:` prefixes).
    pub fn iri(&self) -> String {
        let s = self.as_str();
        if let Some(rest) = s.strip_prefix("dpv:") {
            format!("https://w3id.org/dpv#{rest}")
        } else if let Some(rest) = s.strip_prefix("pd:") {
            format!("https://w3id.org/dpv/pd#{rest}")
        } else {
            s.to_owned()
        }
    }

    /// The wire value.
    pub fn to_value(&self) -> Value {
        match &self.0 {
            TermRepr::BuiltIn(c) => Value::Unsigned(*c),
            TermRepr::Other(s) => Value::Text(s.clone()),
        }
    }

    /// Reads a wire value, strictly.
    pub fn from_value(v: &Value) -> Result<Term, TermError> {
        match v {
            Value::Unsigned(c) => {
                if BUILT_IN.iter().any(|(code, _)| code == c) {
                    Ok(Term(TermRepr::BuiltIn(*c)))
                } else {
                    Err(TermError::UnknownCode(*c))
                }
            }
            Value::Text(s) => {
                let t = Term::new(s)?;
                if matches!(t.0, TermRepr::BuiltIn(_)) {
                    return Err(TermError::NotCanonical(s.clone()));
                }
                Ok(t)
            }
            other => Err(TermError::WrongType(other.type_name())),
        }
    }
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
mod tests {
    use super::*;

    #[test]
    fn built_in_codes_are_unique() {
        for (i, (c, n)) in BUILT_IN.iter().enumerate() {
            for (c2, n2) in &BUILT_IN[i + 1..] {
                assert_ne!(c, c2);
                assert_ne!(n, n2);
            }
        }
    }

    #[test]
    fn one_encoding_per_term() {
        let t = Term::new("pd:Location").unwrap();
        assert_eq!(t.to_value(), Value::Unsigned(32));
        assert_eq!(Term::from_value(&Value::Unsigned(32)).unwrap(), t);
        assert_eq!(
            Term::from_value(&Value::text("pd:Location")),
            Err(TermError::NotCanonical("pd:Location".into()))
        );
        assert_eq!(
            Term::from_value(&Value::Unsigned(999)),
            Err(TermError::UnknownCode(999))
        );
        let iri = Term::new("https://city.example/purpose#UrbanPlanning").unwrap();
        assert_eq!(Term::from_value(&iri.to_value()).unwrap(), iri);
        assert!(Term::new("no colon").is_err());
        assert!(Term::new("").is_err());
        assert_eq!(t.iri(), "https://w3id.org/dpv/pd#Location");
    }
}
