//! Replays the fuzz corpora in `cargo test`: every file under
//! `fuzz/corpus/<target>/` goes through the same function the fuzzer for
//! that target runs (`fuzz/src/lib.rs`, included below as a module), which
//! must return without panicking and with its invariants holding. So every
//! input a fuzzer kept, and every crash once fixed, is checked on stable
//! Rust in CI without cargo-fuzz. Model: vodozemac's `run_corpus`.
//!
//! Each corpus must hold at least [`MIN_FILES`] files, so a missing or
//! emptied directory fails instead of passing on nothing.
//!
//! The seed files (`seed-*`, real artifacts, keys, bundles and wallets) are
//! written by the ignored [`regenerate_seeds`] test; `fuzz/seed.sh` runs it
//! with the demo bundles it needs. See SECURITY.md, "Fuzzing".

// clippy.toml relaxes these lints inside `#[test]` functions only; the
// helpers below and the included targets are test code too, where a panic
// is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use consentkit::keys::{Algorithm, KeyPair, Signer};
use consentkit::sample::{self, Parties, T0};
use consentkit::wallet::{store, Choice, Wallet, WalletKey};
use consentkit::{cbor, log, Role};

#[path = "../../fuzz/src/lib.rs"]
mod targets;

/// The fewest files each target's corpus must hold (about 40% of what is
/// committed, so that a later `cargo fuzz cmin` still passes while a
/// missing or emptied corpus fails).
const MIN_FILES: &[(&str, usize)] = &[
    ("artifact", 200),
    ("cose", 200),
    ("bundle", 100),
    ("wallet", 120),
    ("log", 250),
    ("tcf", 40),
];

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

/// Runs every file of `fuzz/corpus/<name>/` through the target `name`.
fn replay(name: &str) {
    let run = targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target named {name}"));
    let min = MIN_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| *m)
        .unwrap_or_else(|| panic!("no MIN_FILES entry for {name}"));
    let dir = corpus_root().join(name);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= min,
        "corpus {} holds {} files, expected at least {min}",
        dir.display(),
        files.len()
    );
    let mut failed = Vec::new();
    for f in &files {
        let data = fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{name}: {} of {} corpus inputs panicked (messages above): {failed:#?}",
        failed.len(),
        files.len()
    );
}

#[test]
fn artifact_corpus() {
    replay("artifact");
}

#[test]
fn cose_corpus() {
    replay("cose");
}

#[test]
fn bundle_corpus() {
    replay("bundle");
}

#[test]
fn wallet_corpus() {
    replay("wallet");
}

#[test]
fn log_corpus() {
    replay("log");
}

#[test]
fn tcf_corpus() {
    replay("tcf");
}

/// Every target has a minimum, a corpus directory and a test above; every
/// corpus directory belongs to a target.
#[test]
fn every_target_has_a_corpus() {
    let targets: BTreeSet<&str> = targets::TARGETS.iter().map(|(n, _)| *n).collect();
    let mins: BTreeSet<&str> = MIN_FILES.iter().map(|(n, _)| *n).collect();
    assert_eq!(targets, mins);
    let dirs: BTreeSet<String> = fs::read_dir(corpus_root())
        .expect("fuzz/corpus")
        .map(|e| e.expect("a directory entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dirs, targets.iter().map(|s| s.to_string()).collect());
    let bins: BTreeSet<String> = fs::read_dir(corpus_root().join("../fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| e.expect("a directory entry").path())
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    assert_eq!(bins, dirs);
    // This file replays each target in a test of its own.
    let this = include_str!("fuzz_corpus.rs");
    for t in &targets {
        assert!(
            this.contains(&format!("replay(\"{t}\");")),
            "no replay test for {t}"
        );
    }
}

// ------------------------------------------------------------------ seeds

/// Writes the seed files of every corpus (`seed-*`, replacing the old
/// ones): real artifacts, keys, trust sets, bundles and wallets. Run it
/// through `fuzz/seed.sh`, which first makes the demo bundles and passes
/// their directories in `CONSENTKIT_FUZZ_DEMO` (separated like `PATH`).
#[test]
#[ignore = "writes fuzz/corpus/*/seed-*; run by fuzz/seed.sh"]
fn regenerate_seeds() {
    let demo_dirs: Vec<PathBuf> = std::env::var_os("CONSENTKIT_FUZZ_DEMO")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    assert!(
        !demo_dirs.is_empty(),
        "set CONSENTKIT_FUZZ_DEMO to the output directories of `consentkit demo` (fuzz/seed.sh does)"
    );
    let mut seeds = Seeds::default();
    let p = Parties::new().unwrap();
    let samples = sample::all(&p).unwrap();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");

    // Artifacts: the samples, the FORMAT.md examples, one ES256-signed
    // artifact, the COSE WG messages, and every item of the demo bundles.
    for a in &samples {
        seeds.add(
            &["artifact", "cose"],
            &format!("sample-{}", a.kind().name()),
            a.as_bytes(),
        );
    }
    let format_md =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/FORMAT.md"))
            .unwrap();
    for (name, bytes) in format_examples(&format_md) {
        let to: &[&str] = if name == "trust" {
            &["cose"]
        } else {
            &["artifact", "cose"]
        };
        seeds.add(to, &format!("format-{name}"), &bytes);
    }
    let p256 = p256_key(&vectors);
    let es256_offer = sample::offer().unwrap().sign(&p256).unwrap();
    seeds.add(&["artifact", "cose"], "es256-offer", es256_offer.as_bytes());
    let mut wg: Vec<PathBuf> = fs::read_dir(vectors.join("cose-wg"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .flat_map(|d| fs::read_dir(d).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    wg.sort();
    for f in &wg {
        let j: serde_json::Value = serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
        if let Some(h) = j.pointer("/output/cbor").and_then(|v| v.as_str()) {
            let stem = f.file_stem().unwrap().to_string_lossy();
            seeds.add(
                &["artifact", "cose"],
                &format!("cose-wg-{stem}"),
                &hex::decode(h).unwrap(),
            );
        }
    }
    for (d, dir) in demo_dirs.iter().enumerate() {
        let bundle = fs::read(dir.join("bundle.cbors")).unwrap();
        let mut rest = bundle.as_slice();
        let mut i = 0;
        while !rest.is_empty() {
            let n = cbor::well_formed_len(rest).unwrap();
            seeds.add(&["artifact"], &format!("demo{d}-item{i:03}"), &rest[..n]);
            rest = &rest[n..];
            i += 1;
        }
    }

    // Keys and trust sets.
    let keys = [
        ("controller", &p.controller),
        ("partner", &p.partner),
        ("person", &p.person),
        ("p256", &p256),
    ];
    for (name, k) in keys {
        seeds.add(
            &["cose"],
            &format!("cose-key-{name}-private"),
            &k.to_cose_key(),
        );
        seeds.add(
            &["cose"],
            &format!("cose-key-{name}-public"),
            &k.public_key().to_cose_key(),
        );
    }
    seeds.add(&["cose"], "trust-sample", &p.trust().to_cose_key_set());
    for (d, dir) in demo_dirs.iter().enumerate() {
        seeds.add(
            &["cose"],
            &format!("trust-demo{d}"),
            &fs::read(dir.join("trust.cbor")).unwrap(),
        );
    }

    // Bundles: the steering byte (see `targets::bundle`), then the items.
    let seq = |arts: &[&consentkit::Artifact]| -> Vec<u8> {
        arts.iter().flat_map(|a| a.as_bytes().to_vec()).collect()
    };
    seeds.add(&["bundle"], "samples", &[0x3f]);
    seeds.add(&["bundle"], "samples-late", &[0xbf]);
    seeds.add(&["bundle"], "samples-epoch", &[0xff]);
    let reversed: Vec<&consentkit::Artifact> = samples.iter().rev().collect();
    seeds.add(
        &["bundle"],
        "samples-reversed",
        &[[0x00].as_slice(), &seq(&reversed)].concat(),
    );
    // The offer and grant from the steering byte; receipts under the grant.
    let mut receipts = vec![0x03];
    for i in 0..3u64 {
        let mut r = sample::receipt(&samples[1]).unwrap();
        r.used_at = T0 + 60 * i;
        // Before the grant was given: a finding for the audit.
        receipts.extend_from_slice(
            r.sign_known_violation(
                &p.controller,
                &consentkit::KnownViolation::new("a violation for the audit to find"),
            )
            .unwrap()
            .as_bytes(),
        );
    }
    seeds.add(&["bundle"], "grant-receipts", &receipts);
    for (d, dir) in demo_dirs.iter().enumerate() {
        let bundle = fs::read(dir.join("bundle.cbors")).unwrap();
        seeds.add(
            &["bundle"],
            &format!("demo{d}"),
            &[[0x40].as_slice(), &bundle].concat(),
        );
        seeds.add(
            &["bundle"],
            &format!("demo{d}-epoch"),
            &[[0xc0].as_slice(), &bundle].concat(),
        );
    }

    // Wallets: the sample driver's whole flow, as a file image, as an
    // encrypted backup and as the bare record sequence; the demo's wallets.
    let w = sample_wallet(&p);
    let bytes = w.to_bytes();
    seeds.add(&["wallet"], "sample-wallet", &bytes);
    seeds.add(
        &["wallet"],
        "sample-backup",
        &w.export_backup(&targets::BACKUP_KEY).unwrap(),
    );
    let (records, _) = store::parse(&bytes).unwrap();
    seeds.add(&["wallet"], "sample-records", &records.concat());
    for (d, dir) in demo_dirs.iter().enumerate() {
        let mut files: Vec<PathBuf> = fs::read_dir(dir.join("wallets"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes = fs::read(&f).unwrap();
            seeds.add(&["wallet"], &format!("demo{d}-{stem}"), &bytes);
            let (records, _) = store::parse(&bytes).unwrap();
            seeds.add(
                &["wallet"],
                &format!("demo{d}-{stem}-records"),
                &records.concat(),
            );
        }
    }

    log_seeds(&mut seeds, &vectors, &samples);
    // The demo's transparency log: verifier key, checkpoints, the entry
    // bundle and the level-0 tile (the first byte is the count minus one).
    for (d, dir) in demo_dirs.iter().enumerate() {
        let log_dir = dir.join("log");
        seeds.add(
            &["log"],
            &format!("demo{d}-vkey"),
            &fs::read(log_dir.join("vkey")).unwrap(),
        );
        let mut files: Vec<PathBuf> = fs::read_dir(log_dir.join("checkpoints"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(log_dir.join("checkpoint"));
        files.sort();
        for (i, f) in files.iter().enumerate() {
            seeds.add(
                &["log"],
                &format!("demo{d}-checkpoint{i}"),
                &fs::read(f).unwrap(),
            );
        }
        for (kind, sub) in [("entries", "tile/entries/000.p"), ("tile0", "tile/0/000.p")] {
            for e in fs::read_dir(log_dir.join(sub)).unwrap() {
                let f = e.unwrap().path();
                let width: u8 = f.file_name().unwrap().to_string_lossy().parse().unwrap();
                let bytes = [vec![width - 1], fs::read(&f).unwrap()].concat();
                seeds.add(&["log"], &format!("demo{d}-{kind}-{width}"), &bytes);
            }
        }
    }
    seeds.write(&corpus_root());
}

/// The transparency log: the C2SP signed notes, checkpoints and verifier
/// keys of `tests/vectors/c2sp`, and proofs made here under the test log's
/// key (so that they verify against `targets::LOG_VKEYS`).
fn log_seeds(seeds: &mut Seeds, vectors: &Path, samples: &[consentkit::Artifact]) {
    fn walk(j: &serde_json::Value, parent: &str, out: &mut Vec<(String, String)>) {
        match j {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match v.as_str() {
                        Some(s)
                            if k.starts_with("signed_note")
                                || k == "note_text"
                                || k.ends_with("vkey")
                                || (parent == "negative_cases" && k != "expected") =>
                        {
                            out.push((k.clone(), s.to_owned()))
                        }
                        _ => walk(v, k, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, parent, out)),
            _ => {}
        }
    }
    let f = vectors.join("c2sp/signed-note.json");
    let j: serde_json::Value = serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
    let mut notes = Vec::new();
    walk(&j, "", &mut notes);
    assert!(notes.len() >= 10, "c2sp: {} notes and keys", notes.len());
    for (i, (k, s)) in notes.iter().enumerate() {
        seeds.add(&["log"], &format!("c2sp-{i:02}-{k}"), s.as_bytes());
    }

    // A tree of 17 entries (the target's probe entry at index 5), signed
    // checkpoints, and proofs.
    let origin = "example.com/consent-receipts-test-log";
    let seed = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let key = KeyPair::ed25519_from_seed(&seed.unwrap()).unwrap();
    let probe = b"consentkit fuzz".as_slice();
    let entries: Vec<&[u8]> = (0..17)
        .map(|i| {
            if i == 5 {
                probe
            } else {
                samples[i % samples.len()].as_bytes()
            }
        })
        .collect();
    let mut tree = log::MemoryTree::new();
    for e in &entries {
        tree.push_entry(e);
    }
    let checkpoint = |size: u64| {
        let cp = log::Checkpoint {
            origin: origin.to_owned(),
            size,
            root: log::root(&tree, size).unwrap(),
            extensions: vec![],
        };
        (cp.to_text(), cp.sign(&key).unwrap())
    };
    let (text17, note17) = checkpoint(17);
    let (_, note7) = checkpoint(7);
    seeds.add(&["log"], "checkpoint-17-text", text17.as_bytes());
    seeds.add(&["log"], "checkpoint-17", note17.as_bytes());
    seeds.add(&["log"], "checkpoint-7", note7.as_bytes());
    let path = log::inclusion_proof(&tree, 5, 17).unwrap();
    let proof = |checkpoint| log::InclusionProof {
        leaf_index: 5,
        tree_size: 17,
        path: path.clone(),
        checkpoint,
    };
    seeds.add(&["log"], "inclusion-5-17", &proof(None).to_cbor());
    seeds.add(
        &["log"],
        "inclusion-5-17-checkpoint",
        &proof(Some(note17)).to_cbor(),
    );
    let consistency = log::ConsistencyProof {
        old_size: 7,
        new_size: 17,
        path: log::consistency_proof(&tree, 7, 17).unwrap(),
    };
    seeds.add(&["log"], "consistency-7-17", &consistency.to_cbor());
    // The raw form: index, size, path, root.
    let mut raw = [5u64.to_be_bytes(), 17u64.to_be_bytes()].concat();
    path.iter().for_each(|h| raw.extend_from_slice(h));
    raw.extend_from_slice(&tree.root());
    seeds.add(&["log"], "raw-inclusion-5-17", &raw);
    let mut raw = [7u64.to_be_bytes(), 17u64.to_be_bytes()].concat();
    consistency
        .path
        .iter()
        .for_each(|h| raw.extend_from_slice(h));
    raw.extend_from_slice(&tree.root());
    seeds.add(&["log"], "raw-consistency-7-17", &raw);
    // An entry bundle of 17 entries (the first byte is the count minus one).
    let bundle = log::tiles::encode_bundle(&entries).unwrap();
    seeds.add(
        &["log"],
        "bundle-17",
        &[[16u8].as_slice(), &bundle].concat(),
    );
}

/// Seed files by corpus, without duplicate contents.
#[derive(Default)]
struct Seeds {
    files: Vec<(String, String, Vec<u8>)>,
}

impl Seeds {
    fn add(&mut self, targets: &[&str], name: &str, bytes: &[u8]) {
        for t in targets {
            if !self.files.iter().any(|(t2, _, b)| t2 == t && b == bytes) {
                self.files
                    .push(((*t).to_owned(), format!("seed-{name}"), bytes.to_vec()));
            }
        }
    }

    fn write(&self, root: &Path) {
        for (t, _) in MIN_FILES {
            let dir = root.join(t);
            fs::create_dir_all(&dir).unwrap();
            for e in fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))
                {
                    fs::remove_file(path).unwrap();
                }
            }
        }
        for (t, name, bytes) in &self.files {
            fs::write(root.join(t).join(name), bytes).unwrap();
        }
        eprintln!(
            "wrote {} seed files under {}",
            self.files.len(),
            root.display()
        );
    }
}

/// The ```` ```hex example=NAME ```` blocks of FORMAT.md.
fn format_examples(doc: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        let line = line.trim();
        match current.take() {
            None => {
                if let Some(info) = line.strip_prefix("```hex") {
                    let name = info
                        .split_whitespace()
                        .find_map(|w| w.strip_prefix("example="))
                        .expect("a hex block names its example");
                    current = Some((name.to_owned(), String::new()));
                }
            }
            Some((name, body)) if line.starts_with("```") => {
                out.push((name, hex::decode(body).expect("hex")));
            }
            Some((name, mut body)) => {
                body.push_str(line);
                current = Some((name, body));
            }
        }
    }
    assert!(out.len() >= 7, "FORMAT.md: {} hex examples", out.len());
    out
}

/// The P-256 key of the COSE WG example `sign-pass-01` (a JWK).
fn p256_key(vectors: &Path) -> KeyPair {
    let f = vectors.join("cose-wg/sign1-tests/sign-pass-01.json");
    let j: serde_json::Value = serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
    let jwk = |c: &str| b64url(j["input"]["sign0"]["key"][c].as_str().unwrap());
    let point = [vec![4], jwk("x"), jwk("y")].concat();
    let k = KeyPair::p256_from_parts(&jwk("d"), &point).unwrap();
    assert_eq!(k.algorithm(), Algorithm::ES256);
    k
}

/// Base64url without padding (JWK coordinates).
fn b64url(s: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url: {s}"),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The sample driver's wallet after the whole flow: trust, offer, grant
/// (countersigned), receipts, a value record, a withdrawal and a checkpoint.
fn sample_wallet(p: &Parties) -> Wallet {
    let mut w = Wallet::with_secret(p.wallet_secret, WalletKey::Ed25519);
    w.trust_key(
        p.controller.public_key(),
        Role::Controller,
        sample::CONTROLLER,
    )
    .unwrap();
    w.trust_key(p.partner.public_key(), Role::Partner, sample::PARTNER)
        .unwrap();
    let offer = sample::signed_offer(p).unwrap();
    w.receive(offer.as_bytes(), T0).unwrap();
    let pending = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let grant = pending.countersign(&offer, &p.controller).unwrap();
    w.receive(grant.as_bytes(), T0 + 200).unwrap();
    for i in 0..2u64 {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = T0 + 1_000 + i;
        w.receive(
            r.sign(&grant, &p.controller).unwrap().as_bytes(),
            T0 + 2_000,
        )
        .unwrap();
    }
    w.receive(
        sample::signed_value_record(p, &grant).unwrap().as_bytes(),
        T0 + 3_000,
    )
    .unwrap();
    w.withdraw(grant.id(), T0 + 5_000).unwrap();
    w.add_checkpoint("log.example/consent\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
        .unwrap();
    w
}
