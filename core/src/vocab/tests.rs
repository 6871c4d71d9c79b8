use super::*;

fn t(s: &str) -> Term {
    Term::new(s).unwrap()
}

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
    let loc = t("pd:Location");
    assert_eq!(loc.to_value(), Value::Unsigned(32));
    assert_eq!(Term::from_value(&Value::Unsigned(32)).unwrap(), loc);
    assert_eq!(
        Term::from_value(&Value::text("pd:Location")),
        Err(TermError::NotCanonical("pd:Location".into()))
    );
    assert_eq!(
        Term::from_value(&Value::Unsigned(999)),
        Err(TermError::UnknownCode(999))
    );
    let iri = t("https://city.example/purpose#UrbanPlanning");
    assert_eq!(Term::from_value(&iri.to_value()).unwrap(), iri);
    assert!(Term::new("no colon").is_err());
    assert!(Term::new("").is_err());
    assert_eq!(loc.iri(), "https://w3id.org/dpv/pd#Location");
}

/// The local names of one namespace of the shipped list.
fn names(prefix: &str) -> &'static [&'static str] {
    let i = DPV_NAMESPACES
        .iter()
        .position(|(p, _)| *p == prefix)
        .unwrap();
    dpv_names(i)
}

fn in_dpv(curie: &str) -> bool {
    let (prefix, local) = curie.split_at(curie.find(':').unwrap() + 1);
    names(prefix).binary_search(&local).is_ok()
}

#[test]
fn every_built_in_term_is_in_dpv_2_3_except_the_deprecated() {
    for (code, curie) in BUILT_IN {
        let deprecated = DEPRECATED.iter().any(|(c, _)| c == code);
        assert_eq!(
            in_dpv(curie),
            !deprecated,
            "built-in {code} {curie}: in DPV 2.3 = {}, deprecated = {deprecated}",
            in_dpv(curie)
        );
    }
    for (code, replacement) in DEPRECATED {
        assert!(
            BUILT_IN.iter().any(|(c, _)| c == code),
            "{code} is built in"
        );
        if let Some(r) = replacement {
            assert!(in_dpv(r), "replacement {r} is in DPV 2.3");
            assert!(
                BUILT_IN.iter().any(|(_, n)| n == r),
                "replacement {r} has a code of its own"
            );
        }
    }
}

#[test]
fn the_shipped_list_is_dpv_2_3_as_generated() {
    // The header names the release, the source commit and the digests of
    // the source files; the term lines hash to the recorded digest, so the
    // list cannot be edited without regenerating it.
    let header = |key: &str| -> Vec<&str> {
        DPV_TERMS
            .lines()
            .filter_map(|l| l.strip_prefix("# ")?.strip_prefix(key)?.strip_prefix(' '))
            .collect()
    };
    assert_eq!(header("dpv-version"), [DPV_VERSION]);
    let repo = header("repository");
    assert_eq!(repo.len(), 1);
    let commit = repo[0]
        .strip_prefix("https://github.com/w3c/dpv commit ")
        .unwrap();
    assert_eq!(commit.len(), 40);
    assert!(commit.bytes().all(|b| b.is_ascii_hexdigit()));
    let sources = header("source");
    assert_eq!(
        sources,
        [
            "2.3/dpv/dpv.csv sha256 3b29ffeaf2db11ba1a9bc7742040f7a898b3dcdedcf72c015678364cee5a2c1f",
            "2.3/pd/pd.csv sha256 7f4391700aa88079c9f02526e0164c1c8d251c177c9c45c84cd76d4e4c09b4aa",
        ]
    );
    let body: String = DPV_TERMS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        header("terms-sha256"),
        [hex::encode(crate::artifact::sha256(body.as_bytes())).as_str()]
    );
    // Sections in order, names sorted and distinct, the expected sizes.
    let heads: Vec<&str> = DPV_TERMS.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(
        heads,
        [
            "[dpv] https://w3id.org/dpv#",
            "[pd] https://w3id.org/dpv/pd#"
        ]
    );
    for (prefix, n) in [("dpv:", 1116), ("pd:", 231)] {
        let list = names(prefix);
        assert_eq!(list.len(), n, "{prefix} terms");
        let in_file: Vec<&str> = DPV_TERMS
            .lines()
            .skip_while(|l| !l.starts_with(&format!("[{}]", &prefix[..prefix.len() - 1])))
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .collect();
        assert_eq!(in_file, list, "{prefix} names are sorted in the file");
        assert!(list.windows(2).all(|w| w[0] < w[1]));
    }
}

#[test]
fn misspelled_dpv_terms_are_refused_with_the_closest_term() {
    for (typo, want) in [
        ("pd:Preferences", "pd:Preference"),
        ("dpv:commercialResearch", "dpv:CommercialResearch"),
        ("dpv:Marketting", "dpv:Marketing"),
        ("pd:BrowsingBehaviours", "pd:BrowsingBehaviour"),
        ("https://w3id.org/dpv/pd#Preferences", "pd:Preference"),
        (
            "https://w3id.org/dpv#commercialResearch",
            "dpv:CommercialResearch",
        ),
    ] {
        assert_eq!(
            Term::new(typo),
            Err(TermError::UnknownDpvTerm {
                term: typo.into(),
                suggestion: want.into()
            }),
            "{typo}"
        );
    }
    // An empty local name is not a term either.
    assert!(matches!(
        Term::new("dpv:"),
        Err(TermError::UnknownDpvTerm { .. })
    ));
    let msg = Term::new("pd:Preferences").unwrap_err().to_string();
    assert_eq!(
        msg,
        "term pd:Preferences is not defined by DPV 2.3; did you mean pd:Preference?"
    );
    // A text term DPV does not define is malformed on the wire too.
    assert!(matches!(
        Term::from_value(&Value::text("pd:Preferences")),
        Err(TermError::UnknownDpvTerm { .. })
    ));
}

#[test]
fn defined_dpv_terms_outside_the_built_ins_are_text() {
    let t1 = t("pd:TravelHistory");
    assert_eq!(t1.to_value(), Value::text("pd:TravelHistory"));
    assert_eq!(Term::from_value(&t1.to_value()).unwrap(), t1);
    // Properties are defined terms too.
    assert!(Term::new("dpv:hasPurpose").is_ok());
    assert_eq!(t1.iri(), "https://w3id.org/dpv/pd#TravelHistory");
}

#[test]
fn full_dpv_iris_are_the_same_terms_as_their_curies() {
    assert_eq!(t("https://w3id.org/dpv#Marketing"), t("dpv:Marketing"));
    assert_eq!(t("https://w3id.org/dpv/pd#Location"), t("pd:Location"));
    let travel = t("https://w3id.org/dpv/pd#TravelHistory");
    assert_eq!(travel.as_str(), "pd:TravelHistory");
    // On the wire a DPV term has one form: its code, or else its CURIE.
    for iri in [
        "https://w3id.org/dpv/pd#TravelHistory",
        "https://w3id.org/dpv#Marketing",
    ] {
        assert_eq!(
            Term::from_value(&Value::text(iri)),
            Err(TermError::NotCanonical(iri.into()))
        );
    }
}

#[test]
fn iris_and_curies_outside_dpv_stay_allowed() {
    for s in [
        "https://city.example/purpose#UrbanPlanning",
        "eu-gdpr:A6-1-a",
        "https://w3id.org/dpv/legal/eu/gdpr#A6-1-a",
        "https://w3id.org/dpvx#Foo",
        "dpvx:Foo",
        "http://example.org/pd#Preferences",
    ] {
        let term = t(s);
        assert_eq!(term.as_str(), s);
        assert_eq!(Term::from_value(&term.to_value()).unwrap(), term);
    }
}

#[test]
fn deprecated_codes_still_decode_and_are_flagged() {
    for (code, old, new) in [
        (35, "pd:BrowsingBehavior", Some("pd:BrowsingBehaviour")),
        (37, "pd:Qualification", Some("pd:ProfessionalCertification")),
        (41, "pd:Behavioral", Some("pd:Behavioural")),
        (46, "pd:Schedule", None),
    ] {
        let term = Term::from_value(&Value::Unsigned(code)).unwrap();
        assert_eq!(term.as_str(), old);
        assert_eq!(term.code(), Some(code));
        assert!(term.is_deprecated(), "{old}");
        assert_eq!(term.replacement(), new.map(t), "{old}");
        assert_eq!(
            term.to_value(),
            Value::Unsigned(code),
            "re-encodes as itself"
        );
        if let Some(new) = new {
            assert!(!t(new).is_deprecated());
            assert_eq!(t(new).replacement(), None);
        }
    }
    assert!(!t("pd:Location").is_deprecated());
    assert!(!t("https://city.example/p").is_deprecated());
}

#[test]
fn deprecated_curies_are_refused_naming_the_replacement() {
    assert_eq!(
        Term::new("pd:BrowsingBehavior"),
        Err(TermError::Deprecated {
            term: "pd:BrowsingBehavior".into(),
            code: 35,
            replacement: Some("pd:BrowsingBehaviour".into())
        })
    );
    assert_eq!(
        Term::new("pd:Qualification").unwrap_err().to_string(),
        "term pd:Qualification is not a DPV 2.3 term (deprecated built-in code 37); \
         use pd:ProfessionalCertification"
    );
    assert_eq!(
        Term::new("https://w3id.org/dpv/pd#Behavioral"),
        Err(TermError::Deprecated {
            term: "https://w3id.org/dpv/pd#Behavioral".into(),
            code: 41,
            replacement: Some("pd:Behavioural".into())
        })
    );
    assert_eq!(
        Term::new("pd:Schedule").unwrap_err().to_string(),
        "term pd:Schedule is not a DPV 2.3 term (deprecated built-in code 46); \
         DPV has no replacement; use an IRI of your own"
    );
    // As text on the wire, too.
    assert!(matches!(
        Term::from_value(&Value::text("pd:Schedule")),
        Err(TermError::Deprecated { code: 46, .. })
    ));
}

#[test]
fn replacements_have_new_codes() {
    for (curie, code) in [
        ("pd:BrowsingBehaviour", 47),
        ("pd:Behavioural", 48),
        ("pd:ProfessionalCertification", 49),
        ("pd:ProfessionalExperience", 50),
    ] {
        assert_eq!(t(curie).to_value(), Value::Unsigned(code), "{curie}");
    }
}

#[test]
fn artifact_term_refuses_with_the_typed_error() {
    assert_eq!(
        crate::artifact::term("pd:Preferences"),
        Err(crate::Error::Term(TermError::UnknownDpvTerm {
            term: "pd:Preferences".into(),
            suggestion: "pd:Preference".into()
        }))
    );
    assert!(matches!(
        crate::artifact::term("pd:Schedule"),
        Err(crate::Error::Term(TermError::Deprecated {
            code: 46,
            replacement: None,
            ..
        }))
    ));
    assert_eq!(
        crate::artifact::term("pd:Location").unwrap(),
        t("pd:Location")
    );
}

#[test]
fn built_in_codes_are_sorted_and_every_built_in_is_in_a_dpv_namespace() {
    // `is_built_in_code` binary-searches, and `parse` takes a term outside
    // the DPV namespaces as written without looking at the built-ins.
    assert!(BUILT_IN.windows(2).all(|w| w[0].0 < w[1].0));
    for (code, curie) in BUILT_IN {
        assert!(
            DPV_NAMESPACES.iter().any(|(p, _)| curie.starts_with(p)),
            "built-in {code} {curie} is outside the DPV namespaces"
        );
        assert!(is_built_in_code(*code));
    }
    for code in [0, 16, 31, 51, 63, 68, 999, u64::MAX] {
        assert!(!is_built_in_code(code), "{code}");
    }
}

#[test]
fn built_in_code_bit_test_agrees_with_the_table() {
    // `is_built_in_code` tests a bit of `BUILT_IN_MASK` below 128: the
    // same answer as a search of `BUILT_IN` for every code, in range or not.
    let in_table = |c: u64| BUILT_IN.iter().any(|(b, _)| *b == c);
    for code in (0..=300).chain([127, 128, 129, u64::from(u32::MAX), 1 << 32, u64::MAX]) {
        assert_eq!(is_built_in_code(code), in_table(code), "{code}");
    }
    assert_eq!(BUILT_IN_MASK.count_ones() as usize, BUILT_IN.len());
}

/// `Term::new` and `Term::from_value` as they were written before `parse`
/// (allocating the CURIE, scanning the built-ins by text): the reference
/// the single-pass reading must agree with, result and error alike.
mod reference {
    use super::super::*;

    fn built_in(s: &str) -> Result<Option<Term>, TermError> {
        let Some((code, _)) = BUILT_IN.iter().find(|(_, n)| *n == s) else {
            return Ok(None);
        };
        if let Some((_, replacement)) = DEPRECATED.iter().find(|(c, _)| c == code) {
            return Err(TermError::Deprecated {
                term: s.to_owned(),
                code: *code,
                replacement: replacement.map(str::to_owned),
            });
        }
        Ok(Some(Term(TermRepr::BuiltIn(*code))))
    }

    fn dpv_split(s: &str) -> Option<(usize, &'static str, &str)> {
        DPV_NAMESPACES
            .iter()
            .enumerate()
            .find_map(|(i, (prefix, ns))| {
                s.strip_prefix(prefix)
                    .or_else(|| s.strip_prefix(ns))
                    .map(|local| (i, *prefix, local))
            })
    }

    pub fn new(s: &str) -> Result<Term, TermError> {
        if let Some(t) = built_in(s)? {
            return Ok(t);
        }
        if s.is_empty()
            || s.len() > 512
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || !s.contains(':')
        {
            return Err(TermError::Invalid(s.to_owned()));
        }
        let Some((section, prefix, local)) = dpv_split(s) else {
            return Ok(Term(TermRepr::Other(s.to_owned())));
        };
        let curie = format!("{prefix}{local}");
        if let Some(t) = built_in(&curie).map_err(|e| match e {
            TermError::Deprecated {
                code, replacement, ..
            } => TermError::Deprecated {
                term: s.to_owned(),
                code,
                replacement,
            },
            other => other,
        })? {
            return Ok(t);
        }
        let names = dpv_names(section);
        if names.binary_search(&local).is_ok() {
            Ok(Term(TermRepr::Other(curie)))
        } else {
            Err(TermError::UnknownDpvTerm {
                term: s.to_owned(),
                suggestion: format!("{prefix}{}", closest(local, names)),
            })
        }
    }

    pub fn from_text(s: &str) -> Result<Term, TermError> {
        let t = new(s)?;
        match &t.0 {
            TermRepr::Other(o) if o == s => Ok(t),
            _ => Err(TermError::NotCanonical(s.to_owned())),
        }
    }
}

/// Terms that reach every branch of `parse`: built-in, deprecated and
/// defined CURIEs and their IRIs, unknown DPV names, other CURIEs and IRIs,
/// and text that is not a term (ASCII and non-ASCII whitespace and control
/// characters, no colon, empty, too long).
fn parse_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        "pd:Location",
        "https://w3id.org/dpv/pd#Location",
        "dpv:Consent",
        "https://w3id.org/dpv#Consent",
        "pd:BrowsingBehavior",
        "https://w3id.org/dpv/pd#BrowsingBehavior",
        "pd:Schedule",
        "https://w3id.org/dpv/pd#Schedule",
        "dpv:hasPurpose",
        "https://w3id.org/dpv#hasPurpose",
        "pd:Preferences",
        "https://w3id.org/dpv/pd#Preferences",
        "dpv:",
        "pd:",
        "https://w3id.org/dpv#",
        "https://city.example/purpose#UrbanPlanning",
        "urn:x:y",
        "x:",
        ":",
        "dpv:Marketing ",
        "dpv:Mark\teting",
        "https://a.example/\u{7f}",
        "https://a.example/\u{1c}",
        "https://a.example/\u{85}",
        "https://a.example/\u{a0}x",
        "https://a.example/\u{2003}x",
        "https://a.example/caf\u{e9}",
        "https://a.example/\u{1F600}",
        "\u{e9}:x",
        "no colon",
        "nocolon",
        "caf\u{e9}",
        "",
        "DPV:Consent",
        "pd:location",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cases.push(format!("urn:{}", "a".repeat(508)));
    cases.push(format!("urn:{}", "a".repeat(509)));
    cases.push(format!("urn:{}\u{e9}", "a".repeat(506)));
    cases.push(format!("urn:{}\u{e9}", "a".repeat(507)));
    for (_, curie) in BUILT_IN {
        cases.push(curie.to_string());
        for (prefix, ns) in DPV_NAMESPACES {
            if let Some(local) = curie.strip_prefix(prefix) {
                cases.push(format!("{ns}{local}"));
            }
        }
    }
    cases
}

#[test]
fn single_pass_term_reading_agrees_with_the_reference() {
    for s in parse_cases() {
        assert_eq!(Term::new(&s), reference::new(&s), "Term::new({s:?})");
        assert_eq!(
            Term::from_text(&s),
            reference::from_text(&s),
            "Term::from_text({s:?})"
        );
        assert_eq!(
            Term::from_value(&Value::text(s.as_str())),
            reference::from_text(&s),
            "Term::from_value({s:?})"
        );
    }
}

proptest::proptest! {
    #[test]
    fn single_pass_term_reading_agrees_with_the_reference_on_any_text(
        s in "(dpv:|pd:|https://w3id.org/dpv#|https://w3id.org/dpv/pd#|urn:)?[A-Za-z:#/ \\t\\x7f\\u{85}\\u{a0}\\u{e9}]{0,12}"
    ) {
        proptest::prop_assert_eq!(Term::new(&s), reference::new(&s));
        proptest::prop_assert_eq!(Term::from_text(&s), reference::from_text(&s));
    }
}
