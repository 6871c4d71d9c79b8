//! Interoperability of consentkit's signed notes, checkpoints,
//! `cosignature/v1` cosignatures and `add-checkpoint` requests with code
//! nobody here wrote, in both directions:
//!
//! - notes and checkpoints: the crates.io `signed_note` 0.2 and
//!   `tlog_tiles` 0.2 crates (Cloudflare's Rust ports of Go's
//!   `golang.org/x/mod/sumdb/note` and `tlog`);
//! - cosignatures: no Rust `cosignature/v1` implementation is published
//!   (crates.io has no `tlog_cosignature` or `tlog_witness`), so the
//!   `signed_note` crate's note layer (parsing, key IDs, signing and
//!   verification through its `Signer` / `Verifier` traits) is driven with
//!   `ed25519-dalek`, and only the spec's two header lines
//!   (`cosignature/v1\ntime <t>\n`) and the 8-byte timestamp prefix are
//!   written here, straight from c2sp.org/tlog-cosignature;
//! - Merkle consistency proofs in `add-checkpoint` requests: `tlog_tiles`'s
//!   `prove_tree` / `check_tree` (RFC 6962).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use consentkit::log::{
    cosign, AddCheckpointRequest, Checkpoint, NoteVerifier, Policy, TileLog, Witness,
};
use consentkit::{sample, KeyPair, Signer, Withdrawal};
use ed25519_dalek::{Signer as _, Verifier as _};
use signed_note::{Note, VerifierList};
use tlog_tiles::tlog::{self, HashReader};

const ORIGIN: &str = "log.example/interop";
const WITNESS: &str = "witness.example/interop";
const SEED_LOG: [u8; 32] = [0x11; 32];
const SEED_WITNESS: [u8; 32] = [0x22; 32];

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-interop-witness-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn b64(data: &[u8]) -> String {
    use base64_free::encode;
    encode(data)
}

/// Standard base64, written out so as not to use consentkit's own.
mod base64_free {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    pub fn encode(d: &[u8]) -> String {
        let mut o = String::new();
        for c in d.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    o.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    o.push('=');
                }
            }
        }
        o
    }
}

/// A log with a few artifacts, published.
fn our_log(name: &str) -> TileLog {
    let key = KeyPair::ed25519_from_seed(&SEED_LOG).unwrap();
    let mut log = TileLog::create(&tmp(name), ORIGIN, &key).unwrap();
    let p = sample::Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    for i in 0..5 {
        let w = Withdrawal::by_person(grant.id(), sample::T0 + i, &p.person).unwrap();
        log.append_artifact(&w, &p.trust()).unwrap();
    }
    log.publish(&key).unwrap();
    log
}

/// Their cosignature/v1 verifier: the `signed_note` crate's `Verifier`
/// trait over ed25519-dalek.
struct TheirCosigVerifier {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl TheirCosigVerifier {
    fn new(name: &str, key: ed25519_dalek::VerifyingKey) -> Self {
        let mut material = vec![0x04];
        material.extend_from_slice(key.as_bytes());
        TheirCosigVerifier {
            name: name.to_owned(),
            id: signed_note::key_id(name, &material),
            key,
        }
    }
}

impl signed_note::Verifier for TheirCosigVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != 72 {
            return false;
        }
        let t = u64::from_be_bytes(sig[..8].try_into().unwrap());
        let mut m = format!("cosignature/v1\ntime {t}\n").into_bytes();
        m.extend_from_slice(msg);
        let s = ed25519_dalek::Signature::from_bytes(sig[8..].try_into().unwrap());
        self.key.verify(&m, &s).is_ok()
    }
}

/// Their cosignature/v1 signer at a fixed time.
struct TheirCosigSigner {
    name: String,
    id: u32,
    key: ed25519_dalek::SigningKey,
    time: u64,
}

impl signed_note::Signer for TheirCosigSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let mut m = format!("cosignature/v1\ntime {}\n", self.time).into_bytes();
        m.extend_from_slice(msg);
        let mut out = self.time.to_be_bytes().to_vec();
        out.extend_from_slice(&self.key.sign(&m).to_bytes());
        Ok(out)
    }
}

fn their_log_signer() -> signed_note::StandardSigner {
    // Go's skey format: PRIVATE+KEY+<name>+<id>+base64(0x01 || seed).
    let sk = ed25519_dalek::SigningKey::from_bytes(&SEED_LOG);
    let vkey = signed_note::new_ed25519_verifier_key(ORIGIN, &sk.verifying_key());
    let id = vkey.split('+').nth(1).unwrap();
    let mut material = vec![0x01];
    material.extend_from_slice(&SEED_LOG);
    signed_note::StandardSigner::new(&format!("PRIVATE+KEY+{ORIGIN}+{id}+{}", b64(&material)))
        .unwrap()
}

#[test]
fn our_checkpoint_verifies_with_signed_note_and_parses_with_tlog_tiles() {
    let log = our_log("ours-note");
    let verifier = signed_note::StandardVerifier::new(&log.verifier().to_vkey()).unwrap();
    let note = Note::from_bytes(log.checkpoint_note().as_bytes()).unwrap();
    let (ok, _) = note
        .verify(&VerifierList::new(vec![Box::new(verifier)]))
        .unwrap();
    assert_eq!(ok.len(), 1);
    let cp = tlog_tiles::checkpoint::Checkpoint::from_bytes(note.text()).unwrap();
    assert_eq!(cp.origin(), ORIGIN);
    assert_eq!(cp.size(), 5);
    assert_eq!(cp.hash().0, log.checkpoint().root);
    // Their vkey for the same key is ours, byte for byte.
    let sk = ed25519_dalek::SigningKey::from_bytes(&SEED_LOG);
    assert_eq!(
        signed_note::new_ed25519_verifier_key(ORIGIN, &sk.verifying_key()),
        log.verifier().to_vkey()
    );
}

#[test]
fn their_checkpoint_note_verifies_with_ours_byte_for_byte() {
    let log = our_log("theirs-note");
    let text = tlog_tiles::checkpoint::Checkpoint::new(
        ORIGIN,
        log.size(),
        tlog::Hash(log.checkpoint().root),
        "",
    )
    .unwrap()
    .to_bytes();
    let mut note = Note::new(&text, &[]).unwrap();
    note.add_sigs(&[&their_log_signer()]).unwrap();
    let theirs = note.to_bytes();
    let cp = Checkpoint::open(&theirs, std::slice::from_ref(log.verifier())).unwrap();
    assert_eq!(&cp, log.checkpoint());
    // Ed25519 is deterministic: their signed note is ours.
    assert_eq!(theirs, log.checkpoint_note().as_bytes());
}

#[test]
fn our_cosignature_verifies_with_signed_note_and_dalek() {
    let log = our_log("ours-cosig");
    let wk = KeyPair::ed25519_from_seed(&SEED_WITNESS).unwrap();
    let sig = cosign(log.checkpoint(), WITNESS, &wk, 1_790_000_123).unwrap();
    let cosigned = format!("{}{}", log.checkpoint_note(), sig.to_line());
    let dalek =
        ed25519_dalek::VerifyingKey::from_bytes(wk.public_key().raw().try_into().unwrap()).unwrap();
    let theirs = TheirCosigVerifier::new(WITNESS, dalek);
    assert_eq!(theirs.id, sig.key_id);
    let note = Note::from_bytes(cosigned.as_bytes()).unwrap();
    let (ok, unknown) = note
        .verify(&VerifierList::new(vec![Box::new(theirs)]))
        .unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].name(), WITNESS);
    assert_eq!(unknown.len(), 1); // the log's signature
                                  // A changed timestamp fails their check.
    let mut bad = sig.clone();
    bad.signature[7] ^= 1;
    let forged = format!("{}{}", log.checkpoint_note(), bad.to_line());
    let theirs = TheirCosigVerifier::new(WITNESS, dalek);
    assert!(Note::from_bytes(forged.as_bytes())
        .unwrap()
        .verify(&VerifierList::new(vec![Box::new(theirs)]))
        .is_err());
}

#[test]
fn their_cosignature_verifies_with_ours_and_meets_the_quorum() {
    let log = our_log("theirs-cosig");
    let sk = ed25519_dalek::SigningKey::from_bytes(&SEED_WITNESS);
    let mut material = vec![0x04];
    material.extend_from_slice(sk.verifying_key().as_bytes());
    let signer = TheirCosigSigner {
        name: WITNESS.into(),
        id: signed_note::key_id(WITNESS, &material),
        key: sk.clone(),
        time: 1_790_000_456,
    };
    let mut note = Note::from_bytes(log.checkpoint_note().as_bytes()).unwrap();
    note.add_sigs(&[&signer]).unwrap();
    let theirs = note.to_bytes();
    // Their vkey text for the cosigner key (type 0x04), built by hand.
    let vkey = format!("{WITNESS}+{:08x}+{}", signer.id, b64(&material));
    let policy = Policy::parse(
        format!(
            "log {}\nwitness W {vkey}\nquorum W\n",
            log.verifier().to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let w = policy.verify_checkpoint(&theirs).unwrap();
    assert_eq!(w.cosignatures.len(), 1);
    assert_eq!(w.cosignatures[0].1.timestamp, 1_790_000_456);
    // And our cosignature at the same time is theirs, byte for byte.
    let ours = cosign(
        log.checkpoint(),
        WITNESS,
        &KeyPair::ed25519_from_seed(&SEED_WITNESS).unwrap(),
        1_790_000_456,
    )
    .unwrap();
    assert!(String::from_utf8(theirs)
        .unwrap()
        .ends_with(&ours.to_line()));
}

/// tlog_tiles' hash storage, filled with its own `stored_hashes`.
struct Storage(Vec<tlog::Hash>);

impl HashReader for Storage {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog::Error> {
        Ok(indexes.iter().map(|&i| self.0[i as usize]).collect())
    }
}

#[test]
fn witness_accepts_a_tlog_tiles_consistency_proof_and_ours_checks_with_it() {
    // Their tree of 13 records.
    let mut st = Storage(Vec::new());
    for i in 0..13u64 {
        let rec = format!("record {i}");
        let h = tlog::stored_hashes(i, rec.as_bytes(), &st).unwrap();
        st.0.extend(h);
    }
    let key = KeyPair::ed25519_from_seed(&SEED_LOG).unwrap();
    let signed = |n: u64| {
        Checkpoint {
            origin: ORIGIN.into(),
            size: n,
            root: tlog::tree_hash(n, &st).unwrap().0,
            extensions: vec![],
        }
        .sign(&key)
        .unwrap()
    };
    let logv = NoteVerifier::ed25519(ORIGIN, &key.public_key()).unwrap();
    let policy =
        Policy::parse(format!("log {}\nquorum none\n", logv.to_vkey()).as_bytes()).unwrap();
    let dir = tmp("tiles-proof");
    let w = Witness::open(
        &dir,
        WITNESS,
        Box::new(KeyPair::ed25519_from_seed(&SEED_WITNESS).unwrap()),
        &policy,
    )
    .unwrap();
    let body = |old: u64, proof: Vec<[u8; 32]>, note: String| {
        AddCheckpointRequest {
            old_size: old,
            proof,
            checkpoint: note,
        }
        .to_body()
        .into_bytes()
    };
    w.add_checkpoint(&body(0, vec![], signed(5)), 1_790_000_000)
        .unwrap();
    let proof: Vec<[u8; 32]> = tlog::prove_tree(13, 5, &st)
        .unwrap()
        .into_iter()
        .map(|h| h.0)
        .collect();
    // A proof one hash short is refused (422), theirs is accepted.
    let short = proof[..proof.len() - 1].to_vec();
    assert_eq!(
        w.add_checkpoint(&body(5, short, signed(13)), 1_790_000_001)
            .unwrap_err()
            .status(),
        422
    );
    w.add_checkpoint(&body(5, proof, signed(13)), 1_790_000_001)
        .unwrap();

    // Our log's consistency proof checks with theirs.
    let log = our_log("tiles-ours");
    let key = KeyPair::ed25519_from_seed(&SEED_LOG).unwrap();
    let mut log = log;
    let p = sample::Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    log.append_artifact(&offer, &p.trust()).unwrap();
    log.publish(&key).unwrap();
    let ours = log.consistency_proof(2, 6).unwrap();
    let theirs: tlog::TreeProof = ours.path.iter().map(|h| tlog::Hash(*h)).collect();
    tlog::check_tree(
        &theirs,
        6,
        tlog::Hash(log.root_at(6).unwrap()),
        2,
        tlog::Hash(log.root_at(2).unwrap()),
    )
    .unwrap();
    // And the request body we send parses back to the same proof.
    let req = AddCheckpointRequest {
        old_size: 2,
        proof: ours.path.clone(),
        checkpoint: log.checkpoint_note().to_owned(),
    };
    assert_eq!(
        AddCheckpointRequest::parse(req.to_body().as_bytes()).unwrap(),
        req
    );
    let _ = std::fs::remove_dir_all(&dir);
}
