//! Keeps `docs/FORMAT.md` honest: every hex example in it must decode,
//! verify against the sample trust set, and equal, byte for byte, what
//! `consentkit::sample` produces today; every `cbor-diag` annotation must
//! describe exactly those bytes; and the tables of term codes, `typ`
//! values and limits must match the code.
//!
//! To regenerate the example blocks after a deliberate format change, run
//!
//! ```text
//! cargo test -p consentkit --test format_doc -- --ignored --nocapture print_format_examples
//! ```
//!
//! and paste the printed blocks over the ones in FORMAT.md §13.

use std::collections::BTreeMap;

use consentkit::artifact::{MAX_ARTIFACT_SIZE, MAX_LIST_LEN, MAX_TEXT_LEN};
use consentkit::cbor::{self, Value, MAX_DEPTH};
use consentkit::sample::{self, Parties};
use consentkit::vocab::{BUILT_IN, DEPRECATED};
use consentkit::{Artifact, ArtifactKind, Role, Signatory, Term, TrustSet};

const FORMAT_MD: &str = include_str!("../../docs/FORMAT.md");

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fenced code block: its info string (after the backticks) and body.
struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        match current.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    current = Some(Block {
                        info: info.trim().to_owned(),
                        body: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(mut b) => {
                if trimmed.starts_with("```") {
                    out.push(b);
                } else {
                    b.body.push_str(line);
                    b.body.push('\n');
                    current = Some(b);
                }
            }
        }
    }
    assert!(current.is_none(), "FORMAT.md has an unclosed code block");
    out
}

/// The `key=value` attributes of a block whose info string starts with `lang`.
fn attrs<'a>(b: &'a Block, lang: &str) -> Option<BTreeMap<&'a str, &'a str>> {
    let mut words = b.info.split_whitespace();
    if words.next() != Some(lang) {
        return None;
    }
    Some(words.filter_map(|w| w.split_once('=')).collect())
}

/// The `hex example=NAME` blocks: name -> (attributes, bytes).
/// An example's info-string attributes (`id=`, `digest=`) and its bytes.
type Example = (BTreeMap<String, String>, Vec<u8>);

fn hex_examples() -> Result<BTreeMap<String, Example>, String> {
    let mut out = BTreeMap::new();
    for b in blocks(FORMAT_MD) {
        let Some(a) = attrs(&b, "hex") else { continue };
        let Some(name) = a.get("example") else {
            continue;
        };
        let digits: String = b.body.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes =
            hex::decode(&digits).map_err(|e| format!("FORMAT.md line {}: bad hex: {e}", b.line))?;
        let owned = a
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let prev = out.insert(name.to_string(), (owned, bytes));
        assert!(
            prev.is_none(),
            "FORMAT.md line {}: example {name} appears twice",
            b.line
        );
    }
    Ok(out)
}

/// The `cbor-diag example=NAME` blocks: name -> body.
fn diag_examples() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for b in blocks(FORMAT_MD) {
        let Some(a) = attrs(&b, "cbor-diag") else {
            continue;
        };
        if let Some(name) = a.get("example") {
            let prev = out.insert(name.to_string(), b.body.clone());
            assert!(prev.is_none(), "FORMAT.md: diag {name} appears twice");
        }
    }
    out
}

fn samples() -> Result<(Parties, BTreeMap<&'static str, Artifact>), consentkit::Error> {
    let p = Parties::new()?;
    let all = sample::all(&p)?;
    let map = all.into_iter().map(|a| (a.kind().name(), a)).collect();
    Ok((p, map))
}

const ALL_EXAMPLES: [&str; 7] = [
    "offer",
    "grant",
    "refusal",
    "withdrawal",
    "data_receipt",
    "value_record",
    "trust",
];

#[test]
fn every_kind_and_the_trust_set_have_exactly_one_example() -> TestResult {
    let ex = hex_examples()?;
    let names: Vec<&str> = ex.keys().map(String::as_str).collect();
    let mut want = ALL_EXAMPLES.to_vec();
    want.sort_unstable();
    assert_eq!(names, want);
    let diags = diag_examples();
    let names: Vec<&str> = diags.keys().map(String::as_str).collect();
    assert_eq!(names, want, "one cbor-diag block per example");
    Ok(())
}

#[test]
fn examples_decode_verify_and_equal_the_sample_bytes() -> TestResult {
    let (parties, samples) = samples()?;
    let trust = parties.trust();
    let ex = hex_examples()?;
    for kind in ArtifactKind::ALL {
        let name = kind.name();
        let (attrs, bytes) = ex
            .get(name)
            .ok_or_else(|| format!("no hex example={name} in FORMAT.md"))?;
        let a = Artifact::decode(bytes).map_err(|e| format!("example {name}: {e}"))?;
        assert_eq!(a.kind(), kind, "example {name} decodes as a {}", a.kind());

        let signers = a
            .verify(&trust)
            .map_err(|e| format!("example {name}: {e}"))?;
        let who: Vec<String> = signers
            .iter()
            .map(|s| match &s.signatory {
                Signatory::Trusted { role, party } => format!("{role}:{party}"),
                Signatory::Subject => "subject".to_owned(),
            })
            .collect();
        let controller = format!("{}:{}", Role::Controller, sample::CONTROLLER);
        let expected: Vec<String> = match kind {
            ArtifactKind::Grant | ArtifactKind::Refusal => {
                vec!["subject".into(), controller]
            }
            ArtifactKind::Withdrawal => vec!["subject".into()],
            _ => vec![controller],
        };
        assert_eq!(who, expected, "signers of example {name}");

        let fresh = samples
            .get(name)
            .ok_or_else(|| format!("sample::all has no {name}"))?;
        assert_eq!(
            hex::encode(bytes),
            hex::encode(fresh.as_bytes()),
            "FORMAT.md example {name} is stale: regenerate it (see the top of this file)"
        );

        // The id and digest stated in the block's info string.
        assert_eq!(
            attrs.get("id").map(String::as_str),
            Some(a.id().to_string().as_str()),
            "id= of example {name}"
        );
        assert_eq!(
            attrs.get("digest").map(String::as_str),
            Some(hex::encode(a.digest().0).as_str()),
            "digest= of example {name}"
        );
        // The digest rule as FORMAT.md states it, computed independently.
        let mut pre = b"consentkit/".to_vec();
        pre.extend_from_slice(name.as_bytes());
        pre.push(0);
        pre.extend_from_slice(a.payload());
        assert_eq!(consentkit::artifact::sha256(&pre), a.digest().0);
    }
    Ok(())
}

#[test]
fn examples_fail_verification_when_a_signature_bit_flips() -> TestResult {
    // Guards the test above against passing vacuously.
    let (parties, _) = samples()?;
    let trust = parties.trust();
    for (name, (_, bytes)) in hex_examples()? {
        if name == "trust" {
            continue;
        }
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        let a = Artifact::decode(&bad)?;
        assert!(
            a.verify(&trust).is_err(),
            "{name} verified after a bit flip"
        );
    }
    Ok(())
}

#[test]
fn trust_example_is_the_sample_trust_set() -> TestResult {
    let (parties, _) = samples()?;
    let ex = hex_examples()?;
    let (_, bytes) = ex.get("trust").ok_or("no hex example=trust")?;
    assert_eq!(
        hex::encode(bytes),
        hex::encode(parties.trust().to_cose_key_set()),
        "FORMAT.md trust example is stale"
    );
    let t = TrustSet::from_cose_key_set(bytes)?;
    assert_eq!(t.len(), 2);
    assert_eq!(t.to_cose_key_set(), *bytes);
    Ok(())
}

#[test]
fn diagnostic_blocks_describe_exactly_the_example_bytes() -> TestResult {
    let ex = hex_examples()?;
    let diags = diag_examples();
    for (name, (_, bytes)) in &ex {
        let written = diags
            .get(name)
            .ok_or_else(|| format!("no cbor-diag example={name}"))?;
        let generated = diag_of(name, bytes)?;
        assert_eq!(
            normalise_diag(written),
            normalise_diag(&generated),
            "cbor-diag example={name} does not match its hex; regenerated:\n{generated}"
        );
    }
    Ok(())
}

#[test]
fn diag_normalisation_ignores_comments_and_space_but_not_content() {
    let a = r#"{ 1: "a b/c", / comment / 2: h'00' }"#;
    assert_eq!(normalise_diag(a), r#"{1:"a b/c",2:h'00'}"#);
    assert_ne!(
        normalise_diag(a),
        normalise_diag(r#"{1: "a b/c", 2: h'01'}"#)
    );
}

/// Rows of the markdown table between `<!-- check:NAME -->` and `<!-- /check -->`.
fn table(name: &str) -> Result<Vec<Vec<String>>, String> {
    let start = format!("<!-- check:{name} -->");
    let from = FORMAT_MD
        .find(&start)
        .ok_or_else(|| format!("FORMAT.md has no {start}"))?;
    let rest = &FORMAT_MD[from + start.len()..];
    let to = rest
        .find("<!-- /check -->")
        .ok_or_else(|| format!("{start} is not closed"))?;
    Ok(rest[..to]
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect::<Vec<String>>()
        })
        // Skip the header and the |---| separator.
        .filter(|cells| cells.first().is_some_and(|c| !c.starts_with('-')))
        .skip(1)
        .collect())
}

#[test]
fn term_code_table_is_vocab_built_in() -> TestResult {
    let mut rows: Vec<(u64, String, String)> = Vec::new();
    for r in table("terms")? {
        if r.len() != 3 {
            return Err(format!("terms row {r:?} has {} cells, not 3", r.len()).into());
        }
        rows.push((r[0].parse()?, r[1].clone(), r[2].clone()));
    }
    let want: Vec<(u64, String, String)> = BUILT_IN
        .iter()
        .map(|(c, n)| {
            let status = match DEPRECATED.iter().find(|(d, _)| d == c) {
                None => "current".to_owned(),
                Some((_, None)) => "deprecated: none".to_owned(),
                Some((_, Some(r))) => {
                    let code = BUILT_IN
                        .iter()
                        .find(|(_, n)| n == r)
                        .map(|(c, _)| *c)
                        .unwrap_or(0);
                    format!("deprecated: `{r}` ({code})")
                }
            };
            (*c, (*n).to_owned(), status)
        })
        .collect();
    assert_eq!(rows, want);
    // What the table says is what a Term says.
    for (code, _, status) in &rows {
        let t = Term::from_value(&Value::Unsigned(*code))?;
        assert_eq!(t.is_deprecated(), status != "current", "code {code}");
        if let Some(r) = t.replacement() {
            assert!(status.contains(&format!("`{r}` ({})", r.code().unwrap_or(0))));
        }
    }
    Ok(())
}

#[test]
fn typ_table_matches_artifact_kinds() -> TestResult {
    let rows = table("typ")?;
    assert_eq!(rows.len(), ArtifactKind::ALL.len());
    for (row, kind) in rows.iter().zip(ArtifactKind::ALL) {
        assert_eq!(row[0], kind.name());
        assert_eq!(row[1], kind.typ().to_string(), "typ of {}", kind.name());
        let structure = if kind.is_multi_signed() {
            "COSE_Sign (tag 98)"
        } else {
            "COSE_Sign1 (tag 18)"
        };
        assert_eq!(row[2], structure, "structure of {}", kind.name());
    }
    Ok(())
}

#[test]
fn limits_table_matches_constants() -> TestResult {
    let rows = table("limits")?;
    assert!(rows.len() >= 5);
    for row in rows {
        let n: usize = row[1]
            .split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| format!("limit {:?} has no number", row[1]))?;
        match row[2].as_str() {
            "MAX_ARTIFACT_SIZE" => assert_eq!(n, MAX_ARTIFACT_SIZE),
            "MAX_DEPTH" => assert_eq!(n, MAX_DEPTH),
            "MAX_TEXT_LEN" => assert_eq!(n, MAX_TEXT_LEN),
            "MAX_LIST_LEN" => assert_eq!(n, MAX_LIST_LEN),
            "Term::new" => {
                let ok = format!("x:{}", "a".repeat(n - 2));
                let long = format!("x:{}", "a".repeat(n - 1));
                assert!(Term::new(&ok).is_ok(), "a {n}-byte term is accepted");
                assert!(Term::new(&long).is_err(), "a longer term is refused");
            }
            other => return Err(format!("limits table names unknown constant {other}").into()),
        }
    }
    Ok(())
}

/// Prints the example blocks for FORMAT.md §13 (see the top of this file).
#[test]
#[ignore = "prints the FORMAT.md example blocks; run with --ignored --nocapture"]
fn print_format_examples() -> TestResult {
    let (parties, samples) = samples()?;
    let mut all: Vec<(&str, Vec<u8>, Option<&Artifact>)> = ArtifactKind::ALL
        .iter()
        .filter_map(|k| samples.get(k.name()))
        .map(|a| (a.kind().name(), a.as_bytes().to_vec(), Some(a)))
        .collect();
    all.push(("trust", parties.trust().to_cose_key_set(), None));
    for (name, bytes, artifact) in all {
        println!("### `{name}` ({} bytes)\n", bytes.len());
        match artifact {
            Some(a) => println!(
                "```hex example={name} id={} digest={}",
                a.id(),
                hex::encode(a.digest().0)
            ),
            None => println!("```hex example={name}"),
        }
        for chunk in hex::encode(&bytes).as_bytes().chunks(64) {
            println!("{}", String::from_utf8_lossy(chunk));
        }
        println!("```\n\n```cbor-diag example={name}");
        print!("{}", diag_of(name, &bytes)?);
        println!("```\n");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// CBOR diagnostic notation (RFC 8949 §8, RFC 8610 appendix G) with comments.

/// Drops `/ comments /` and whitespace outside strings.
fn normalise_diag(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '/' => {
                    for n in chars.by_ref() {
                        if n == '/' {
                            break;
                        }
                    }
                }
                c if c.is_whitespace() => {}
                '"' | '\'' => {
                    quote = Some(c);
                    out.push(c);
                }
                c => out.push(c),
            },
        }
    }
    out
}

/// What a map describes, for naming its keys in comments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Plain,
    Header,
    Payload(ArtifactKind),
    CoseKey,
    Recipient,
    Limits,
    Notice,
    Benefit,
    Estimate,
}

fn key_name(ctx: Ctx, key: &Value) -> Option<String> {
    if let Value::Text(t) = key {
        return (ctx == Ctx::CoseKey).then(|| format!("consentkit trust-set {t}"));
    }
    let k = key.as_i64()?;
    let receipt = ctx == Ctx::Payload(ArtifactKind::DataReceipt);
    let name = match (ctx, k) {
        (Ctx::Header, 1) => "alg",
        (Ctx::Header, 4) => "kid",
        (Ctx::Header, 16) => "typ",
        (Ctx::CoseKey, 1) => "kty",
        (Ctx::CoseKey, 2) => "kid",
        (Ctx::CoseKey, 3) => "alg",
        (Ctx::CoseKey, -1) => "crv",
        (Ctx::CoseKey, -2) => "x",
        (Ctx::CoseKey, -3) => "y",
        (Ctx::Recipient, 1) => "party",
        (Ctx::Recipient, 2) => "purposes",
        (Ctx::Recipient, 3) => "categories",
        (Ctx::Limits, 1) => "uses_per_day",
        (Ctx::Limits, 2) => "finest_precision",
        (Ctx::Limits, 3) => "use_by",
        (Ctx::Notice, 1) => "url",
        (Ctx::Notice, 2) => "sha256",
        (Ctx::Benefit, 1) => "kind",
        (Ctx::Benefit, 2) => "amount",
        (Ctx::Benefit, 3) => "unit",
        (Ctx::Benefit, 4) => "condition",
        (Ctx::Benefit, 5) => "description",
        (Ctx::Estimate, 1) => "amount",
        (Ctx::Estimate, 2) => "currency",
        (Ctx::Estimate, 3) => "method",
        (Ctx::Payload(_), 1) => "iss: controller",
        (Ctx::Payload(_), 2) => "sub: pseudonym",
        (Ctx::Payload(_), 3) => "aud: controller",
        (Ctx::Payload(ArtifactKind::Offer), 4) => "exp: valid_until",
        (Ctx::Payload(_), 4) => "exp: expires_at",
        (Ctx::Payload(_), 5) => "nbf: valid_from",
        (Ctx::Payload(_), 6) if receipt => "iat: used_at",
        (Ctx::Payload(_), 6) => "iat: issued_at",
        (Ctx::Payload(_), -1) if receipt => "purpose",
        (Ctx::Payload(_), -1) => "purposes",
        (Ctx::Payload(_), -2) if receipt => "category",
        (Ctx::Payload(_), -2) => "categories",
        (Ctx::Payload(_), -3) if receipt => "recipient",
        (Ctx::Payload(_), -3) => "recipients",
        (Ctx::Payload(_), -4) => "retention (seconds)",
        (Ctx::Payload(_), -5) => "limits",
        (Ctx::Payload(_), -6) => "legal_basis",
        (Ctx::Payload(_), -7) => "jurisdiction",
        (Ctx::Payload(_), -8) => "language",
        (Ctx::Payload(_), -9) => "notice",
        (Ctx::Payload(_), -10) => "value_offered",
        (Ctx::Payload(_), -11) => "value_estimate",
        (Ctx::Payload(_), -12) => "service_without_consent",
        (Ctx::Payload(_), -13) => "name",
        (Ctx::Payload(_), -20) => "offer digest",
        (Ctx::Payload(_), -21) => "method",
        (Ctx::Payload(_), -22) => "supersedes",
        (Ctx::Payload(_), -23) => "subject_key",
        (Ctx::Payload(_), -24) => "imported",
        (Ctx::Payload(_), -30) => "grant id",
        (Ctx::Payload(_), -31) => "effective_at",
        (Ctx::Payload(_), -32) => "by",
        (Ctx::Payload(_), -33) => "reason",
        (Ctx::Payload(_), -40) => "quantity",
        (Ctx::Payload(_), -41) => "precision",
        (Ctx::Payload(_), -42) => "commitment",
        (Ctx::Payload(_), -50) => "benefit",
        _ => return None,
    };
    Some(name.to_owned())
}

/// The context of the value under `key` in a map of context `ctx`.
fn child_ctx(ctx: Ctx, key: &Value) -> Ctx {
    match (ctx, key.as_i64()) {
        (Ctx::Payload(_), Some(-3)) => Ctx::Recipient,
        (Ctx::Payload(_), Some(-5)) => Ctx::Limits,
        (Ctx::Payload(_), Some(-9)) => Ctx::Notice,
        (Ctx::Payload(_), Some(-10) | Some(-50)) => Ctx::Benefit,
        (Ctx::Payload(_), Some(-11)) => Ctx::Estimate,
        (Ctx::Payload(_), Some(-23)) => Ctx::CoseKey,
        _ => Ctx::Plain,
    }
}

fn term_name(v: &Value) -> Option<String> {
    let code = v.as_u64()?;
    BUILT_IN
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| (*n).to_owned())
}

/// A UTC date for a NumericDate (days-from-civil, inverted).
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A comment for a scalar value under `key` in context `ctx`.
fn value_note(ctx: Ctx, key: Option<&Value>, v: &Value) -> Option<String> {
    let k = key.and_then(Value::as_i64);
    let u = v.as_u64();
    match (ctx, k) {
        (Ctx::Header, Some(1)) | (Ctx::CoseKey, Some(3)) => match v.as_i64() {
            Some(-8) => Some("EdDSA".into()),
            Some(-7) => Some("ES256".into()),
            _ => None,
        },
        (Ctx::Header, Some(16)) => u
            .and_then(ArtifactKind::from_typ)
            .map(|k| k.name().to_owned()),
        (Ctx::CoseKey, Some(1)) => match u {
            Some(1) => Some("OKP".into()),
            Some(2) => Some("EC2".into()),
            _ => None,
        },
        (Ctx::CoseKey, Some(-1)) => match u {
            Some(6) => Some("Ed25519".into()),
            Some(1) => Some("P-256".into()),
            _ => None,
        },
        (Ctx::Payload(_), Some(4 | 5 | 6 | -31)) | (Ctx::Limits, Some(3)) => u.map(utc),
        (Ctx::Payload(_), Some(-4)) => u.map(|s| format!("{} days", s / 86_400)),
        // A data receipt's index into its grant's lists (FORMAT.md §4.7.1).
        (Ctx::Payload(_), Some(-1)) if matches!(v, Value::Negative(_)) => {
            Some(format!("the grant's purposes[{}]", -1 - v.as_i64()?))
        }
        (Ctx::Payload(_), Some(-2)) if matches!(v, Value::Negative(_)) => {
            Some(format!("the grant's categories[{}]", -1 - v.as_i64()?))
        }
        (Ctx::Payload(_), Some(-3)) => match -1 - v.as_i64()? {
            0 => Some("the grant's controller (aud)".into()),
            i => Some(format!("the grant's recipients[{}]", i - 1)),
        },
        (Ctx::Payload(_), Some(-1 | -2 | -6)) => term_name(v),
        (Ctx::Payload(_), Some(-21)) => u.and_then(|c| {
            ["app_ui", "web_form", "voice", "api", "imported"]
                .get(usize::try_from(c).ok()?)
                .map(|s| (*s).to_owned())
        }),
        (Ctx::Payload(_), Some(-32)) => match u {
            Some(0) => Some("person".into()),
            Some(1) => Some("controller".into()),
            _ => None,
        },
        (Ctx::Benefit, Some(1)) => u.and_then(|c| {
            [
                "service",
                "feature",
                "money",
                "points",
                "discount",
                "data_dividend",
                "other",
            ]
            .get(usize::try_from(c).ok()?)
            .map(|s| (*s).to_owned())
        }),
        // Items of a term set.
        (Ctx::Recipient, None) | (Ctx::Payload(_), None) => term_name(v),
        _ => None,
    }
}

struct Diag {
    out: String,
}

impl Diag {
    fn line(&mut self, indent: usize, text: &str, comma: bool, note: Option<String>) {
        self.out.push_str(&"  ".repeat(indent));
        self.out.push_str(text);
        if comma {
            self.out.push(',');
        }
        if let Some(n) = note {
            assert!(!n.contains('/'), "a diag comment may not contain '/'");
            self.out.push_str("  / ");
            self.out.push_str(&n);
            self.out.push_str(" /");
        }
        self.out.push('\n');
    }

    fn scalar(v: &Value) -> String {
        match v {
            Value::Unsigned(u) => u.to_string(),
            Value::Negative(n) => format!("-{}", u128::from(*n) + 1),
            Value::Bytes(b) => format!("h'{}'", hex::encode(b)),
            Value::Text(t) => serde_json::to_string(t).unwrap_or_default(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            _ => unreachable!("containers are not scalars"),
        }
    }

    /// Writes `prefix` + `v` at `indent`. Maps inside `v` are read in
    /// context `ctx`; scalar array items are annotated in context `parent`.
    #[allow(clippy::too_many_arguments)]
    fn value(
        &mut self,
        indent: usize,
        prefix: &str,
        v: &Value,
        ctx: Ctx,
        parent: Ctx,
        comma: bool,
        note: Option<String>,
    ) {
        match v {
            Value::Map(entries) if entries.is_empty() => {
                self.line(indent, &format!("{prefix}{{}}"), comma, note);
            }
            Value::Map(entries) => {
                self.line(indent, &format!("{prefix}{{"), false, note);
                self.entries(indent + 1, entries, ctx);
                self.line(indent, "}", comma, None);
            }
            Value::Array(items) => {
                self.line(indent, &format!("{prefix}["), false, note);
                let n = items.len();
                for (i, item) in items.iter().enumerate() {
                    let item_note = value_note(parent, None, item);
                    self.value(indent + 1, "", item, ctx, parent, i + 1 < n, item_note);
                }
                self.line(indent, "]", comma, None);
            }
            Value::Tag(t, inner) => {
                self.line(indent, &format!("{prefix}{t}("), false, note);
                self.value(indent + 1, "", inner, ctx, parent, false, None);
                self.line(indent, ")", comma, None);
            }
            scalar => self.line(
                indent,
                &format!("{prefix}{}", Diag::scalar(scalar)),
                comma,
                note,
            ),
        }
    }

    fn entries(&mut self, indent: usize, entries: &[(Value, Value)], ctx: Ctx) {
        let n = entries.len();
        for (i, (k, v)) in entries.iter().enumerate() {
            let prefix = format!("{}: ", Diag::scalar(k));
            let scalar = !matches!(v, Value::Map(_) | Value::Array(_) | Value::Tag(..));
            let value_note = scalar.then(|| value_note(ctx, Some(k), v)).flatten();
            let note = match (key_name(ctx, k), value_note) {
                (Some(a), Some(b)) => Some(format!("{a}: {b}")),
                (a, b) => a.or(b),
            };
            // Maps under this key are read in the child context; scalar
            // items of an array under it (terms) in this map's context.
            self.value(indent, &prefix, v, child_ctx(ctx, k), ctx, i + 1 < n, note);
        }
    }

    /// An embedded CBOR byte string, shown as `<< item >>`.
    fn embedded(
        &mut self,
        indent: usize,
        bytes: &[u8],
        ctx: Ctx,
        comma: bool,
        note: &str,
    ) -> Result<(), cbor::CborError> {
        if bytes.is_empty() {
            self.line(indent, "h''", comma, Some(note.to_owned()));
            return Ok(());
        }
        let Value::Map(entries) = cbor::decode(bytes)? else {
            self.line(indent, &format!("h'{}'", hex::encode(bytes)), comma, None);
            return Ok(());
        };
        self.line(indent, "<< {", false, Some(note.to_owned()));
        self.entries(indent + 1, &entries, ctx);
        self.line(indent, "} >>", comma, None);
        Ok(())
    }
}

fn kind_of_protected(p: &Value) -> Option<ArtifactKind> {
    let Value::Bytes(b) = p else { return None };
    let Value::Map(m) = cbor::decode(b).ok()? else {
        return None;
    };
    m.iter()
        .find(|(k, _)| k.as_i64() == Some(16))
        .and_then(|(_, v)| v.as_u64())
        .and_then(ArtifactKind::from_typ)
}

fn bytes_of(v: &Value) -> &[u8] {
    match v {
        Value::Bytes(b) => b,
        _ => &[],
    }
}

/// Annotated diagnostic notation for an example (an artifact or the trust set).
fn diag_of(name: &str, bytes: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
    let mut d = Diag { out: String::new() };
    let v = cbor::decode(bytes)?;
    if name == "trust" {
        let Value::Array(keys) = &v else {
            return Err("trust set is not an array".into());
        };
        d.line(0, "[", false, Some("COSE_KeySet".into()));
        for (i, k) in keys.iter().enumerate() {
            let Value::Map(entries) = k else {
                return Err("trust key is not a map".into());
            };
            d.line(1, "{", false, Some("COSE_Key".into()));
            d.entries(2, entries, Ctx::CoseKey);
            d.line(1, "}", i + 1 < keys.len(), None);
        }
        d.line(0, "]", false, None);
        return Ok(d.out);
    }
    let Value::Tag(tag, inner) = &v else {
        return Err("not tagged".into());
    };
    let Value::Array(items) = inner.as_ref() else {
        return Err("not an array".into());
    };
    let [protected, unprotected, payload, last] = items.as_slice() else {
        return Err("not 4 items".into());
    };
    let kind = kind_of_protected(protected).ok_or("no typ")?;
    let structure = if *tag == 18 {
        "COSE_Sign1"
    } else {
        "COSE_Sign"
    };
    d.line(0, &format!("{tag}(["), false, Some(structure.into()));
    let body_note = if *tag == 18 {
        "protected"
    } else {
        "body protected"
    };
    d.embedded(1, bytes_of(protected), Ctx::Header, true, body_note)?;
    d.value(
        1,
        "",
        unprotected,
        Ctx::Plain,
        Ctx::Plain,
        true,
        Some("unprotected".into()),
    );
    d.embedded(
        1,
        bytes_of(payload),
        Ctx::Payload(kind),
        true,
        &format!("payload: {}", kind.name()),
    )?;
    match last {
        Value::Array(signatures) => {
            d.line(1, "[", false, Some("signatures".into()));
            let who = ["person (subject_key)", "controller"];
            for (i, s) in signatures.iter().enumerate() {
                let Value::Array(parts) = s else {
                    return Err("signature is not an array".into());
                };
                let [p, u, sig] = parts.as_slice() else {
                    return Err("signature is not 3 items".into());
                };
                let note = who.get(i).copied().unwrap_or("signer");
                d.line(2, "[", false, Some(format!("COSE_Signature: {note}")));
                d.embedded(3, bytes_of(p), Ctx::Header, true, "protected")?;
                d.value(
                    3,
                    "",
                    u,
                    Ctx::Plain,
                    Ctx::Plain,
                    true,
                    Some("unprotected".into()),
                );
                d.value(
                    3,
                    "",
                    sig,
                    Ctx::Plain,
                    Ctx::Plain,
                    false,
                    Some("signature".into()),
                );
                d.line(2, "]", i + 1 < signatures.len(), None);
            }
            d.line(1, "]", false, None);
        }
        sig => d.value(
            1,
            "",
            sig,
            Ctx::Plain,
            Ctx::Plain,
            false,
            Some("signature".into()),
        ),
    }
    d.line(0, "])", false, None);
    Ok(d.out)
}
