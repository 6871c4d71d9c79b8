//! The bodies of the fuzz targets, one function per target.
//!
//! The libFuzzer binaries in `fuzz_targets/` call these, and
//! `core/tests/fuzz_corpus.rs` includes this very file (`#[path]`) to replay
//! the committed corpora in `cargo test`: what CI replays is exactly what
//! the fuzzers ran.
//!
//! Each function takes arbitrary bytes and must return: no panic, no hang,
//! no unbounded allocation, whatever the input. The `assert!`s are
//! invariants of `consentkit` itself (a strict decoder re-encodes to its
//! input, an imported key signs for its own public key, a wallet writes
//! back what it read); a failing one is a bug found like a crash.

use std::sync::OnceLock;

use consentkit::audit::{self, AuditOptions};
use consentkit::cbor;
use consentkit::cose::{Sign, Sign1, Tagging};
use consentkit::log::{
    self as tlog, tiles, Checkpoint, ConsistencyProof, InclusionProof, NoteVerifier, SignedNote,
};
use consentkit::sample::{self, Parties, T0};
use consentkit::wallet::{store, Wallet};
use consentkit::{Artifact, KeyPair, PublicKey, Signer, Timestamp, TrustSet};

/// The key the `wallet` target opens backups with.
pub const BACKUP_KEY: [u8; 32] = [7; 32];

/// The audit time of `consentkit demo` (the demo seeds' artifacts are
/// dated just before it).
pub const DEMO_AT: Timestamp = Timestamp::from_secs(1_788_480_000);

/// The trust set of `consentkit demo --seed 1` (its `trust.cbor`), so that
/// the demo bundles in the corpora verify and reach the lifecycle checks.
const DEMO_TRUST: &[u8] = include_bytes!("../fixtures/demo-trust.cbor");

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target: its name (the `fuzz_targets/` file and the corpus
/// directory) and its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("artifact", artifact),
    ("cose", cose),
    ("bundle", bundle),
    ("wallet", wallet),
    ("log", log),
    ("tcf", tcf),
];

/// Verifier keys the `log` target checks notes against: the test log of
/// `tests/vectors/c2sp` (RFC 8032 test key 1), the demo's log, the
/// golang/mod note test keys and the C2SP signed-note example.
pub const LOG_VKEYS: &[&str] = &[
    "log.consentkit.example/demo+106111ec+ATlmTSSy6zw3parx5g2uPXtfgCFZCZvM9poHrdNyYT23",
    "example.com/consent-receipts-test-log+acaa42d9+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
];

/// Built once per process: the trust set and the sample artifacts.
struct Fixtures {
    /// The sample controller and partner, plus the demo's keys.
    trust: TrustSet,
    /// `sample::all`: offer, grant, refusal, receipt, value record, withdrawal.
    samples: Vec<Vec<u8>>,
    /// [`LOG_VKEYS`], parsed.
    verifiers: Vec<NoteVerifier>,
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let parties = Parties::new().expect("the sample parties");
        let mut trust = parties.trust();
        let demo = TrustSet::from_cose_key_set(DEMO_TRUST).expect("fixtures/demo-trust.cbor");
        for k in demo.iter() {
            trust.insert(k.key.clone(), k.role, k.party.clone());
        }
        let samples = sample::all(&parties)
            .expect("the sample artifacts")
            .iter()
            .map(|a| a.as_bytes().to_vec())
            .collect();
        let verifiers = LOG_VKEYS
            .iter()
            .map(|v| NoteVerifier::from_vkey(v).expect("LOG_VKEYS"))
            .collect();
        Fixtures {
            trust,
            samples,
            verifiers,
        }
    })
}

/// One artifact: strict decoding, then (when it decodes) verification
/// against the trust set and the JSON view.
pub fn artifact(data: &[u8]) {
    let Ok(a) = Artifact::decode(data) else {
        return;
    };
    assert_eq!(a.as_bytes(), data, "an artifact keeps its exact bytes");
    let _ = a.verify(&fixtures().trust);
    let _ = a.verify_subject_signature();
    let _ = a.to_json();
    let _ = (a.id(), a.digest(), a.kind().name(), a.label_str());
    let _ = a.signer_kids();
}

/// The COSE and CBOR layers under the artifacts, and key import.
pub fn cose(data: &[u8]) {
    let some_key = fixtures().trust.iter().next().map(|k| &k.key);
    for tagging in [Tagging::Required, Tagging::Optional] {
        if let Ok(m) = Sign1::from_slice(data, tagging) {
            let _ = m.tbs(b"");
            let _ = m.to_vec();
            if let Some(k) = some_key {
                let _ = m.verify(k, b"");
            }
        }
        if let Ok(m) = Sign::from_slice(data, tagging) {
            // One index past the end too: `tbs` must answer `None`, not panic.
            for i in 0..=m.signatures.len() {
                let _ = m.tbs(i, b"");
                if let Some(k) = some_key {
                    let _ = m.verify(i, k, b"");
                }
            }
            let _ = m.to_vec();
        }
    }

    // The decoder accepts exactly the encoder's output.
    if let Ok(v) = cbor::decode(data) {
        assert_eq!(
            v.to_vec(),
            data,
            "cbor::decode accepted a non-canonical encoding"
        );
    }
    let well_formed = cbor::well_formed_len(data);
    if let Ok((v, n)) = cbor::decode_prefix(data) {
        assert_eq!(v.to_vec(), &data[..n], "cbor::decode_prefix: not canonical");
        // A deterministic item is well formed, with the same length.
        assert_eq!(
            well_formed,
            Ok(n),
            "well_formed_len disagrees with decode_prefix"
        );
        assert_eq!(cbor::item_len(data), Ok(n));
    }
    // The sequence reader frames every item the strict splitter frames, at
    // the same length (only it refuses two-byte simple values below 32,
    // which RFC 8949 calls not well-formed); naming an item never panics.
    match (well_formed, cbor::seq::item_len(data)) {
        (Ok(n), Ok(m)) => assert_eq!(n, m, "seq::item_len disagrees with well_formed_len"),
        (Ok(_), Err(e)) => assert_eq!(
            e.kind,
            cbor::seq::SeqErrorKind::BadSimpleValue,
            "seq::item_len refused a well-formed item: {e}"
        ),
        _ => {}
    }
    let _ = consentkit::audit::identify(data);

    if let Ok(t) = TrustSet::from_cose_key_set(data) {
        let _ = t.to_cose_key_set();
    }
    if let Ok(k) = PublicKey::from_cose_key(data) {
        let again = PublicKey::from_cose_key(&k.to_cose_key());
        assert_eq!(
            again.as_ref().ok(),
            Some(&k),
            "a public COSE_Key round trip"
        );
    }
    if let Ok(k) = KeyPair::from_cose_key(data) {
        let msg = b"consentkit fuzz";
        if let Ok(sig) = k.sign(msg) {
            assert!(
                k.public_key().verify(msg, &sig).is_ok(),
                "an imported private key signs for another public key"
            );
        }
        let again = KeyPair::from_cose_key(&k.to_cose_key()).map(|k| k.public_key());
        assert_eq!(
            again.ok(),
            Some(k.public_key()),
            "a private COSE_Key round trip"
        );
    }
}

/// The audit engine over an arbitrary bundle (a CBOR sequence).
///
/// The first byte steers the run: its bits 0 to 5 put the six sample
/// artifacts (in lifecycle order) in front of the rest of the input, so
/// that the fuzzer's items meet real offers and grants, and its bits 6 and
/// 7 pick the audit time. The report is then rendered in every format.
pub fn bundle(data: &[u8]) {
    let f = fixtures();
    let (steer, rest) = data.split_first().map_or((0, data), |(s, r)| (*s, r));
    let mut input = Vec::with_capacity(rest.len() + 2048);
    for (i, a) in f.samples.iter().enumerate() {
        if steer & (1 << i) != 0 {
            input.extend_from_slice(a);
        }
    }
    input.extend_from_slice(rest);
    let at = match steer >> 6 {
        0 => T0 + 86_400,
        1 => DEMO_AT,
        2 => T0 + 400 * 86_400,
        _ => Timestamp::default(),
    };
    // `..default()` keeps working as `AuditOptions` gains fields.
    #[allow(clippy::needless_update)]
    let opts = AuditOptions {
        at: Some(at),
        ..AuditOptions::default()
    };
    let report = audit::audit_bytes(&input, &f.trust, &opts);
    let _ = report.to_json();
    let _ = audit::render_text(&report);
    let _ = audit::render_html(&report);
}

/// The wallet file reader and the backup import.
///
/// Three readings of the input: a wallet file image; an encrypted backup
/// under [`BACKUP_KEY`]; and a CBOR sequence of records that this function
/// frames into a file image itself (the frames carry a SHA-256 check that
/// a fuzzer could not find by mutation).
pub fn wallet(data: &[u8]) {
    if let Ok(w) = Wallet::from_bytes(data, None) {
        assert_eq!(w.to_bytes(), data, "a wallet writes back the file it read");
        use_wallet(&w);
    }
    if let Ok(w) = Wallet::import_backup(data, &BACKUP_KEY, None) {
        use_wallet(&w);
    }
    let mut image = store::MAGIC.to_vec();
    let mut rest = data;
    while !rest.is_empty() {
        let n = cbor::well_formed_len(rest).unwrap_or(rest.len()).max(1);
        let (record, tail) = rest.split_at(n.min(rest.len()));
        image.extend(store::frame(record));
        rest = tail;
    }
    if let Ok(w) = Wallet::from_bytes(&image, None) {
        use_wallet(&w);
    }
}

/// What an app does with a wallet it has just opened.
fn use_wallet(w: &Wallet) {
    for now in [DEMO_AT, T0 + 40 * 86_400] {
        let _ = w.summary(now);
        let _ = w.grants(now);
        let _ = w.violations(now);
    }
    let _ = (w.artifacts().len(), w.checkpoints().len(), w.trust().len());
    let _ = w.export_bundle();
    let _ = w.check_logs();
    let again = Wallet::from_bytes(&w.to_bytes(), None);
    assert!(again.is_ok(), "a wallet cannot read back its own bytes");
}

/// The transparency log's parsers: signed notes, checkpoints, verifier
/// keys, inclusion and consistency proofs (CBOR), entry bundles and tiles;
/// and the RFC 9162 proof verification over fuzzer-chosen sizes and paths.
pub fn log(data: &[u8]) {
    let verifiers = &fixtures().verifiers;
    let entry = b"consentkit fuzz";

    if let Ok(n) = SignedNote::parse(data) {
        let again = SignedNote::parse(n.to_text().as_bytes());
        assert_eq!(
            again.as_ref().ok(),
            Some(&n),
            "a signed note re-parses to itself"
        );
        let _ = n.verify(verifiers);
        if let Ok(cp) = Checkpoint::from_text(n.text()) {
            let again = Checkpoint::from_text(&cp.to_text());
            assert_eq!(again.ok(), Some(cp), "a checkpoint re-parses to itself");
        }
    }
    let _ = Checkpoint::open(data, verifiers);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Checkpoint::from_text(text);
        if let Ok(v) = NoteVerifier::from_vkey(text) {
            let again = NoteVerifier::from_vkey(&v.to_vkey()).map(|v| v.to_vkey());
            assert_eq!(again.ok(), Some(v.to_vkey()), "a verifier key round trip");
        }
    }

    if let Ok(p) = InclusionProof::from_cbor(data) {
        assert_eq!(
            p.to_cbor(),
            data,
            "an inclusion proof decoder accepted another encoding"
        );
        let _ = p.verify(entry, &tlog::EMPTY_ROOT);
        for v in verifiers {
            let _ = p.verify_with_checkpoint(entry, v);
        }
    }
    if let Ok(p) = ConsistencyProof::from_cbor(data) {
        assert_eq!(
            p.to_cbor(),
            data,
            "a consistency proof decoder accepted another encoding"
        );
        let _ = p.verify(&tlog::EMPTY_ROOT, &tlog::EMPTY_ROOT);
    }

    // Raw proof verification: index (or old size) and size from the first
    // 16 bytes, then the path in 32-byte hashes; the root is the last hash.
    if let Some((head, rest)) = data.split_first_chunk::<16>() {
        let (a, b) = head.split_at(8);
        let a = u64::from_be_bytes(a.try_into().unwrap_or_default());
        let b = u64::from_be_bytes(b.try_into().unwrap_or_default());
        let mut path: Vec<tlog::Hash> = rest
            .chunks_exact(32)
            .filter_map(|c| c.try_into().ok())
            .collect();
        let root = path.pop().unwrap_or(tlog::EMPTY_ROOT);
        let leaf = tlog::leaf_hash(entry);
        let _ = tlog::verify_inclusion(&leaf, a, b, &path, &root);
        let _ = tlog::verify_consistency(a, b, &leaf, &root, &path);
    }

    // Entry bundles and tiles, with the count from the first byte.
    if let Some((&count, rest)) = data.split_first() {
        let count = u64::from(count) + 1;
        if let Ok(entries) = tiles::decode_bundle(rest, count) {
            assert_eq!(entries.len() as u64, count);
            let again = tiles::encode_bundle(&entries).ok();
            assert_eq!(again.as_deref(), Some(rest), "an entry bundle round trip");
        }
        let _ = tiles::decode_tile(rest, count);
    }
}

/// IAB TCF v2.3 TC strings and GPP strings (`consentkit::tcf`): the input
/// as text. What decodes re-encodes to a string that decodes to the same
/// value, and its in-app values and GPP string are made without panic.
pub fn tcf(data: &[u8]) {
    use consentkit::tcf::{decode_gpp, gpp_string, TcString};
    let text = String::from_utf8_lossy(data);
    if let Ok(tc) = TcString::decode(&text) {
        let again = tc.encode().map(|s| TcString::decode(&s));
        assert_eq!(again, Ok(Ok(tc.clone())), "a decoded TC string re-encodes");
        let _ = tc.in_app_values(true);
        let _ = gpp_string(&tc);
    }
    if let Ok(g) = decode_gpp(&text) {
        if let Some(tc) = g.tcf_eu_v2 {
            assert!(tc.encode().is_ok(), "a decoded GPP TCF section re-encodes");
        }
    }
}
