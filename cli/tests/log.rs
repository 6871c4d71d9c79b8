//! End-to-end tests of `consentkit log`: append (create, skip duplicates,
//! reject unverifiable artifacts atomically), checkpoint, prove, verify,
//! with the exit codes 0 (ok), 1 (verification failed), 2 (unusable input).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use consentkit::log::{leaf_hash, Checkpoint, InclusionProof, NoteVerifier, TileLog};
use consentkit::{sample, Algorithm, Artifact, KeyPair, Signer, TrustSet};

const ORIGIN: &str = "log.example/consent";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consentkit-cli-log-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    eprintln!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Sample artifacts, one file each plus a bundle of all, a trust file and
/// a log key.
struct Setup {
    dir: PathBuf,
    artifacts: Vec<Artifact>,
    files: Vec<PathBuf>,
    bundle: PathBuf,
    trust: PathBuf,
    key: PathBuf,
    log_key: KeyPair,
    log: PathBuf,
}

fn setup(name: &str) -> Setup {
    let dir = tmp(name);
    let parties = sample::Parties::new().unwrap();
    let artifacts = sample::all(&parties).unwrap();
    let mut files = Vec::new();
    let mut bundle_bytes = Vec::new();
    for (i, a) in artifacts.iter().enumerate() {
        let f = dir.join(format!("{i}-{}.cbor", a.kind()));
        std::fs::write(&f, a.as_bytes()).unwrap();
        bundle_bytes.extend_from_slice(a.as_bytes());
        files.push(f);
    }
    let bundle = dir.join("bundle.cbor");
    std::fs::write(&bundle, &bundle_bytes).unwrap();
    let trust = dir.join("trust.cbor");
    std::fs::write(&trust, parties.trust().to_cose_key_set()).unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[0x4c; 32]).unwrap();
    let key = dir.join("log-key.cose");
    std::fs::write(&key, log_key.to_cose_key()).unwrap();
    let log = dir.join("log");
    Setup {
        dir,
        artifacts,
        files,
        bundle,
        trust,
        key,
        log_key,
        log,
    }
}

impl Setup {
    fn append(&self, files: &[&Path], origin: Option<&str>) -> Output {
        let mut c = bin();
        c.args(["log", "append"]).arg(&self.log).args(files);
        c.arg("--trust")
            .arg(&self.trust)
            .arg("--key")
            .arg(&self.key);
        if let Some(o) = origin {
            c.args(["--origin", o]);
        }
        run(&mut c)
    }

    fn vkey(&self) -> String {
        NoteVerifier::ed25519(ORIGIN, &self.log_key.public_key())
            .unwrap()
            .to_vkey()
    }

    fn verify(&self, vkey: Option<&str>) -> Output {
        let mut c = bin();
        c.args(["log", "verify"]).arg(&self.log);
        if let Some(v) = vkey {
            c.args(["--vkey", v]);
        }
        run(&mut c)
    }
}

#[test]
fn append_creates_then_extends_and_skips_duplicates() {
    let s = setup("append");
    // Creating needs an origin; nothing is created without one.
    let out = s.append(&[&s.files[0]], None);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--origin"));
    assert!(!s.log.exists());

    let out = s.append(&[&s.files[0]], Some(ORIGIN));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("created log log.example/consent"));
    assert!(stdout(&out).contains("appended 1, skipped 0 already logged; tree size 1"));
    for p in [
        "checkpoint",
        "vkey",
        "checkpoints/0",
        "checkpoints/1",
        "tile/0/000.p/1",
        "tile/entries/000.p/1",
    ] {
        assert!(s.log.join(p).is_file(), "{p}");
    }
    assert_eq!(
        std::fs::read_to_string(s.log.join("vkey")).unwrap(),
        format!("{}\n", s.vkey())
    );

    // The whole bundle: the offer is skipped, the rest appended in order.
    let out = s.append(&[&s.bundle], None);
    assert_eq!(code(&out), 0);
    let n = s.artifacts.len() as u64;
    assert!(stdout(&out).contains(&format!(
        "appended {}, skipped 1 already logged; tree size {n}",
        n - 1
    )));
    assert!(stderr(&out).contains("already in the log at index 0"));
    // Again: everything skipped, no new checkpoint.
    let before = std::fs::read(s.log.join("checkpoint")).unwrap();
    let out = s.append(&[&s.bundle], Some(ORIGIN));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains(&format!("appended 0, skipped {n} already logged")));
    assert_eq!(std::fs::read(s.log.join("checkpoint")).unwrap(), before);

    let log = TileLog::open(&s.log).unwrap();
    assert_eq!(log.size(), n);
    for (i, a) in s.artifacts.iter().enumerate() {
        assert_eq!(log.artifact_index(a), Some(i as u64));
    }
    // Another origin for an existing log.
    let out = s.append(&[&s.files[0]], Some("other.example/log"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("its origin is"));
}

#[test]
fn append_rejects_atomically_and_refuses_unusable_input() {
    let s = setup("reject");
    assert_eq!(code(&s.append(&[&s.files[0]], Some(ORIGIN))), 0);
    let before = std::fs::read(s.log.join("checkpoint")).unwrap();

    // A trust file that trusts nobody: every artifact is rejected, nothing appended.
    let empty = s.dir.join("empty-trust.cbor");
    std::fs::write(&empty, TrustSet::new().to_cose_key_set()).unwrap();
    let out = run(bin()
        .args(["log", "append"])
        .arg(&s.log)
        .arg(&s.files[1])
        .arg(&s.files[2])
        .arg("--trust")
        .arg(&empty)
        .arg("--key")
        .arg(&s.key));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("rejected"));
    assert!(stderr(&out).contains("nothing appended"));
    assert_eq!(std::fs::read(s.log.join("checkpoint")).unwrap(), before);

    // A rejected artifact does not create a log either.
    let fresh = s.dir.join("fresh");
    let out = run(bin()
        .args(["log", "append"])
        .arg(&fresh)
        .arg(&s.files[1])
        .arg("--trust")
        .arg(&empty)
        .arg("--key")
        .arg(&s.key)
        .args(["--origin", ORIGIN]));
    assert_eq!(code(&out), 1);
    assert!(!fresh.exists());

    // Not an artifact.
    let junk = s.dir.join("junk.cbor");
    std::fs::write(&junk, [0xa1, 0x01]).unwrap();
    assert_eq!(code(&s.append(&[&junk], None)), 2);
    // A missing file.
    assert_eq!(code(&s.append(&[&s.dir.join("missing.cbor")], None)), 2);
    // A P-256 log key.
    let es = KeyPair::generate(Algorithm::ES256).unwrap();
    let es_path = s.dir.join("es256.cose");
    std::fs::write(&es_path, es.to_cose_key()).unwrap();
    let out = run(bin()
        .args(["log", "append"])
        .arg(&s.log)
        .arg(&s.files[1])
        .arg("--trust")
        .arg(&s.trust)
        .arg("--key")
        .arg(&es_path));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("Ed25519"));
    // Another Ed25519 key than the log's.
    let other = s.dir.join("other.cose");
    std::fs::write(
        &other,
        KeyPair::ed25519_from_seed(&[1; 32]).unwrap().to_cose_key(),
    )
    .unwrap();
    let out = run(bin()
        .args(["log", "append"])
        .arg(&s.log)
        .arg(&s.files[1])
        .arg("--trust")
        .arg(&s.trust)
        .arg("--key")
        .arg(&other));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not the log's key"));
    assert_eq!(std::fs::read(s.log.join("checkpoint")).unwrap(), before);
}

#[test]
fn keygen_key_and_checkpoint() {
    let s = setup("keygen");
    let key = s.dir.join("gen.cose");
    let out = run(bin().args(["keygen", "--out"]).arg(&key));
    assert_eq!(code(&out), 0);
    let out = run(bin()
        .args(["log", "append"])
        .arg(&s.log)
        .arg(&s.bundle)
        .arg("--trust")
        .arg(&s.trust)
        .arg("--key")
        .arg(&key)
        .args(["--origin", ORIGIN]));
    assert_eq!(code(&out), 0);

    let out = run(bin().args(["log", "checkpoint"]).arg(&s.log));
    assert_eq!(code(&out), 0);
    let note = stdout(&out);
    assert_eq!(
        note,
        std::fs::read_to_string(s.log.join("checkpoint")).unwrap()
    );
    let kp = KeyPair::from_cose_key(&std::fs::read(&key).unwrap()).unwrap();
    let v = NoteVerifier::ed25519(ORIGIN, &kp.public_key()).unwrap();
    let cp = Checkpoint::open(note.as_bytes(), &[v]).unwrap();
    assert_eq!(cp.size, s.artifacts.len() as u64);
    assert!(note.starts_with(&format!("{ORIGIN}\n{}\n", cp.size)));

    let out = run(bin().args(["log", "checkpoint"]).arg(s.dir.join("nolog")));
    assert_eq!(code(&out), 2);
}

#[test]
fn prove_writes_verifiable_proofs() {
    let s = setup("prove");
    assert_eq!(code(&s.append(&[&s.files[0]], Some(ORIGIN))), 0);
    assert_eq!(code(&s.append(&[&s.bundle], None)), 0);
    let n = s.artifacts.len();
    let v = NoteVerifier::from_vkey(&s.vkey()).unwrap();

    for (i, (a, f)) in s.artifacts.iter().zip(&s.files).enumerate() {
        let proof_path = s.dir.join(format!("proof-{i}.cbor"));
        let out = run(bin()
            .args(["log", "prove"])
            .arg(&s.log)
            .arg(f)
            .arg("--out")
            .arg(&proof_path));
        assert_eq!(code(&out), 0);
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(json["leaf_index"], i as u64);
        assert_eq!(json["tree_size"], n as u64);
        let proof = InclusionProof::from_cbor(&std::fs::read(&proof_path).unwrap()).unwrap();
        assert_eq!(proof.leaf_index, i as u64);
        assert_eq!(json["checkpoint"].as_str(), proof.checkpoint.as_deref());
        let cp = proof.verify_with_checkpoint(a.as_bytes(), &v).unwrap();
        assert_eq!(json["root"], hex::encode(cp.root));
        // The proof does not fit another artifact.
        let other = &s.artifacts[(i + 1) % n];
        assert!(proof.verify_with_checkpoint(other.as_bytes(), &v).is_err());
    }

    // Against the first checkpoint (size 1): the offer is in it...
    let p1 = s.dir.join("proof-size1.cbor");
    let out = run(bin()
        .args(["log", "prove"])
        .arg(&s.log)
        .arg(&s.files[0])
        .args(["--size", "1", "--out"])
        .arg(&p1));
    assert_eq!(code(&out), 0);
    let proof = InclusionProof::from_cbor(&std::fs::read(&p1).unwrap()).unwrap();
    assert_eq!((proof.leaf_index, proof.tree_size), (0, 1));
    assert_eq!(
        proof
            .verify_with_checkpoint(s.artifacts[0].as_bytes(), &v)
            .unwrap()
            .size,
        1
    );
    // ...the others are not.
    let out = run(bin()
        .args(["log", "prove"])
        .arg(&s.log)
        .arg(&s.files[2])
        .args(["--size", "1"]));
    assert_eq!(code(&out), 1);
    // No checkpoint was published at size 2; the log has no size 99.
    let out = run(bin()
        .args(["log", "prove"])
        .arg(&s.log)
        .arg(&s.files[0])
        .args(["--size", "2"]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no checkpoint was published at that size (published: 0, 1, "));
    let out = run(bin()
        .args(["log", "prove"])
        .arg(&s.log)
        .arg(&s.files[0])
        .args(["--size", "99"]));
    assert_eq!(code(&out), 2);
    // An artifact that is not in the log.
    let parties = sample::Parties::new().unwrap();
    let offer = sample::offer().unwrap();
    let unlogged = consentkit::Offer {
        name: "not-logged".into(),
        ..offer
    }
    .sign(&parties.controller)
    .unwrap();
    let f = s.dir.join("unlogged.cbor");
    std::fs::write(&f, unlogged.as_bytes()).unwrap();
    let out = run(bin().args(["log", "prove"]).arg(&s.log).arg(&f));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("is not in the log"));
    // A bundle is not one artifact.
    let out = run(bin().args(["log", "prove"]).arg(&s.log).arg(&s.bundle));
    assert_eq!(code(&out), 2);
}

#[test]
fn verify_checks_signatures_and_history() {
    let s = setup("verify");
    assert_eq!(code(&s.append(&[&s.files[0]], Some(ORIGIN))), 0);
    assert_eq!(code(&s.append(&[&s.files[1], &s.files[2]], None)), 0);
    assert_eq!(code(&s.append(&[&s.bundle], None)), 0);
    let n = s.artifacts.len();

    let out = s.verify(Some(&s.vkey()));
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains(&format!("tree size {n}")));
    assert!(text.contains(&format!(
        "4 archived checkpoint(s) consistent with the latest: 0, 1, 3, {n}"
    )));
    assert!(text.ends_with("ok\n"));
    // The key from a file; the directory's own key with a warning.
    let vkey_file = s.dir.join("log.vkey");
    std::fs::write(&vkey_file, format!("{}\n", s.vkey())).unwrap();
    assert_eq!(code(&s.verify(Some(vkey_file.to_str().unwrap()))), 0);
    let out = s.verify(None);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("warning"));

    // Another key under the log's name: every signature fails.
    let other = NoteVerifier::ed25519(
        ORIGIN,
        &KeyPair::ed25519_from_seed(&[1; 32]).unwrap().public_key(),
    )
    .unwrap()
    .to_vkey();
    let out = s.verify(Some(&other));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("FAILED checkpoint: note has no signature by a known key"));
    // Unusable: a malformed key, no log.
    assert_eq!(code(&s.verify(Some("not a key"))), 2);
    let out = run(bin()
        .args(["log", "verify"])
        .arg(s.dir.join("nolog"))
        .args(["--vkey", &s.vkey()]));
    assert_eq!(code(&out), 2);

    // The log's key signed a checkpoint of size 1 with another root: a
    // split view. verify names the archived checkpoint.
    let fork = Checkpoint {
        origin: ORIGIN.into(),
        size: 1,
        root: leaf_hash(b"a different first entry"),
        extensions: vec![],
    };
    let genuine = std::fs::read(s.log.join("checkpoints/1")).unwrap();
    std::fs::write(s.log.join("checkpoints/1"), fork.sign(&s.log_key).unwrap()).unwrap();
    let out = s.verify(Some(&s.vkey()));
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("FAILED checkpoints/1: not consistent with the latest checkpoint")
    );
    assert!(stdout(&out).contains("1 problem(s)"));
    std::fs::write(s.log.join("checkpoints/1"), genuine).unwrap();
    assert_eq!(code(&s.verify(Some(&s.vkey()))), 0);

    // A flipped bit in a tile.
    let tile = s.log.join(format!("tile/0/000.p/{n}"));
    let mut b = std::fs::read(&tile).unwrap();
    b[0] ^= 1;
    std::fs::write(&tile, &b).unwrap();
    let out = s.verify(Some(&s.vkey()));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("FAILED"));
    b[0] ^= 1;
    std::fs::write(&tile, &b).unwrap();

    // An entry replaced in its bundle (and its leaf hash in the tile): the
    // checkpoint's root no longer matches.
    let bundle = s.log.join(format!("tile/entries/000.p/{n}"));
    let bytes = std::fs::read(&bundle).unwrap();
    let first = &s.artifacts[0];
    let len = first.as_bytes().len();
    let mut forged = bytes.clone();
    forged[2 + len - 1] ^= 1;
    std::fs::write(&bundle, &forged).unwrap();
    let mut tile_bytes = std::fs::read(&tile).unwrap();
    let mut changed = first.as_bytes().to_vec();
    changed[len - 1] ^= 1;
    tile_bytes[..32].copy_from_slice(&leaf_hash(&changed));
    std::fs::write(&tile, &tile_bytes).unwrap();
    let out = s.verify(Some(&s.vkey()));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("is not the checkpoint's root"));
}
