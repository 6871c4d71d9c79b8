use std::path::{Path, PathBuf};

use super::note::{b64_decode, b64_encode};
use super::tiles::{
    bundle_path, decode_bundle, encode_bundle, tile_index_path, tile_path, tile_width, TileHashes,
};
use super::*;
use crate::keys::{KeyPair, Signer};
use crate::sample;

// ---------------------------------------------------------------- helpers

fn sha(parts: &[&[u8]]) -> Hash {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    ctx.finish().as_ref().try_into().unwrap()
}

/// RFC 9162 §2.1.1 MTH, written directly from the text.
fn mth(d: &[Vec<u8>]) -> Hash {
    match d.len() {
        0 => sha(&[]),
        1 => sha(&[&[0], &d[0]]),
        n => {
            let k = largest_pow2_below(n);
            sha(&[&[1], &mth(&d[..k]), &mth(&d[k..])])
        }
    }
}

fn largest_pow2_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.3.1 PATH(m, D[n]).
fn path(m: usize, d: &[Vec<u8>]) -> Vec<Hash> {
    let n = d.len();
    if n == 1 {
        return vec![];
    }
    let k = largest_pow2_below(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = largest_pow2_below(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

fn memory_tree(d: &[Vec<u8>]) -> MemoryTree {
    let mut t = MemoryTree::new();
    for e in d {
        t.push_entry(e);
    }
    t
}

fn tile_hashes(d: &[Vec<u8>]) -> TileHashes {
    let mut t = TileHashes::default();
    for e in d {
        t.push_leaf(leaf_hash(e));
    }
    t
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d =
            std::env::temp_dir().join(format!("consentkit-log-unit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        TempDir(d)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn log_key() -> KeyPair {
    KeyPair::ed25519_from_seed(&[0x42; 32]).unwrap()
}

const ORIGIN: &str = "log.example/test";

/// A log in `dir` with `batches` of raw entries, each published.
fn build_log(dir: &Path, batches: &[usize]) -> (TileLog, Vec<Vec<u8>>) {
    let key = log_key();
    let mut log = TileLog::create(dir, ORIGIN, &key).unwrap();
    let total: usize = batches.iter().sum();
    let all = entries(total);
    let mut at = 0;
    for &b in batches {
        for e in &all[at..at + b] {
            log.append_entry(e).unwrap();
        }
        at += b;
        log.publish(&key).unwrap();
    }
    (log, all)
}

// ---------------------------------------------------------------- hashing

#[test]
fn rfc6962_hash_values() {
    // transparency-dev/merkle rfc6962/rfc6962_test.go
    assert_eq!(
        hex::encode(EMPTY_ROOT),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(EMPTY_ROOT, sha(&[]));
    assert_eq!(
        hex::encode(leaf_hash(b"")),
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    );
    assert_eq!(
        hex::encode(leaf_hash(b"L123456")),
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    );
    let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
    assert_eq!(node_hash(&a, &b), sha(&[&[1], &a, &b]));
    assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
    assert_eq!(MemoryTree::new().root(), EMPTY_ROOT);
}

/// Roots and every proof of the generic code equal the RFC's recursive
/// definitions, for the in-memory tree and for the tile levels.
#[test]
fn proofs_equal_rfc_definitions() {
    let d = entries(70);
    let mem = memory_tree(&d);
    let tiles = tile_hashes(&d);
    for n in 0..=d.len() {
        let want = mth(&d[..n]);
        assert_eq!(root(&mem, n as u64).unwrap(), want, "root {n}");
        assert_eq!(root(&tiles, n as u64).unwrap(), want, "tile root {n}");
        for m in 0..n {
            let p = inclusion_proof(&mem, m as u64, n as u64).unwrap();
            assert_eq!(p, path(m, &d[..n]), "PATH({m}, {n})");
            assert_eq!(p, inclusion_proof(&tiles, m as u64, n as u64).unwrap());
            verify_inclusion(&leaf_hash(&d[m]), m as u64, n as u64, &p, &want).unwrap();
        }
        for m in 1..=n {
            let p = consistency_proof(&mem, m as u64, n as u64).unwrap();
            assert_eq!(p, subproof(m, &d[..n], true), "PROOF({m}, {n})");
            assert_eq!(p, consistency_proof(&tiles, m as u64, n as u64).unwrap());
            verify_consistency(m as u64, n as u64, &mth(&d[..m]), &want, &p).unwrap();
        }
    }
}

#[test]
fn tile_levels_match_memory_tree_across_tile_boundaries() {
    let d = entries(70_000);
    let mem = memory_tree(&d);
    let tiles = tile_hashes(&d);
    for n in [
        1u64, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 69_999, 70_000,
    ] {
        assert_eq!(root(&mem, n).unwrap(), root(&tiles, n).unwrap(), "{n}");
        for m in [0, 1, n / 3, n / 2, n - 1].into_iter().filter(|&m| m < n) {
            assert_eq!(
                inclusion_proof(&mem, m, n).unwrap(),
                inclusion_proof(&tiles, m, n).unwrap()
            );
        }
        for m in [1, 255, 256, 300, 65_536, n / 2, n - 1] {
            if m >= 1 && m <= n {
                assert_eq!(
                    consistency_proof(&mem, m, n).unwrap(),
                    consistency_proof(&tiles, m, n).unwrap()
                );
            }
        }
    }
    // Every complete subtree up to level 16.
    for level in 0..=16u8 {
        for index in 0..(70_000u64 >> level) {
            assert_eq!(
                mem.subtree_hash(level, index).unwrap(),
                tiles.subtree_hash(level, index).unwrap()
            );
        }
    }
    // Incomplete subtrees are refused, not guessed.
    assert!(tiles.subtree_hash(17, 0).is_err());
    assert!(tiles.subtree_hash(0, 70_000).is_err());
    assert!(mem.subtree_hash(0, 70_000).is_err());
    assert!(tiles.subtree_hash(64, 0).is_err());
}

#[test]
fn proof_generation_errors() {
    let mem = memory_tree(&entries(10));
    assert!(matches!(
        inclusion_proof(&mem, 10, 10),
        Err(LogError::Proof(ProofError::IndexOutOfRange {
            index: 10,
            size: 10
        }))
    ));
    assert!(matches!(
        inclusion_proof(&mem, 0, 11),
        Err(LogError::Proof(ProofError::SizeUnavailable {
            size: 11,
            available: 10
        }))
    ));
    assert!(matches!(
        consistency_proof(&mem, 0, 5),
        Err(LogError::Proof(ProofError::EmptyOldTree))
    ));
    assert!(matches!(
        consistency_proof(&mem, 6, 5),
        Err(LogError::Proof(ProofError::SizeOrder { old: 6, new: 5 }))
    ));
    assert_eq!(consistency_proof(&mem, 5, 5).unwrap(), Vec::<Hash>::new());
}

#[test]
fn verification_errors() {
    let d = entries(7);
    let mem = memory_tree(&d);
    let r = mem.root();
    let leaf = leaf_hash(&d[3]);
    let p = inclusion_proof(&mem, 3, 7).unwrap();
    assert_eq!(
        verify_inclusion(&leaf, 7, 7, &p, &r),
        Err(ProofError::IndexOutOfRange { index: 7, size: 7 })
    );
    assert_eq!(
        verify_inclusion(&leaf, 3, 7, &p[..2], &r),
        Err(ProofError::WrongLength {
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        verify_inclusion(&leaf, 3, 7, &vec![[0; 32]; 65], &r),
        Err(ProofError::TooLong { len: 65, max: 64 })
    );
    assert_eq!(
        verify_inclusion(&leaf_hash(b"x"), 3, 7, &p, &r),
        Err(ProofError::RootMismatch)
    );
    let r3 = root(&mem, 3).unwrap();
    let c = consistency_proof(&mem, 3, 7).unwrap();
    assert_eq!(verify_consistency(3, 7, &r3, &r, &c), Ok(()));
    assert_eq!(
        verify_consistency(3, 7, &r, &r, &c),
        Err(ProofError::OldRootMismatch)
    );
    assert_eq!(
        verify_consistency(3, 7, &r3, &r3, &c),
        Err(ProofError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 7, &EMPTY_ROOT, &r, &[]),
        Err(ProofError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(7, 3, &r, &r3, &c),
        Err(ProofError::SizeOrder { old: 7, new: 3 })
    );
    assert_eq!(
        verify_consistency(7, 7, &r, &r, &c),
        Err(ProofError::NonEmptyProof)
    );
    assert_eq!(verify_consistency(7, 7, &r, &r, &[]), Ok(()));
    assert_eq!(
        verify_consistency(7, 7, &r, &r3, &[]),
        Err(ProofError::RootMismatch)
    );
    assert!(matches!(
        verify_consistency(3, 7, &r3, &r, &[]),
        Err(ProofError::WrongLength { found: 0, .. })
    ));
    // Huge sizes: bounded, no overflow.
    assert!(verify_inclusion(&leaf, u64::MAX - 1, u64::MAX, &p, &r).is_err());
    assert!(verify_consistency(u64::MAX - 1, u64::MAX, &r, &r, &c).is_err());
    assert!(verify_consistency(1, u64::MAX, &r, &r, &vec![[0; 32]; 64]).is_err());
}

// ---------------------------------------------------------------- tiles

#[test]
fn tile_paths() {
    assert_eq!(tile_index_path(0), "000");
    assert_eq!(tile_index_path(5), "005");
    assert_eq!(tile_index_path(999), "999");
    assert_eq!(tile_index_path(1000), "x001/000");
    assert_eq!(tile_index_path(1_234_067), "x001/x234/067");
    assert_eq!(
        tile_index_path(u64::MAX),
        "x018/x446/x744/x073/x709/x551/615"
    );
    assert_eq!(tile_path(0, 1_234_067, 256), "tile/0/x001/x234/067");
    assert_eq!(tile_path(1, 1, 17), "tile/1/001.p/17");
    assert_eq!(bundle_path(273, 112), "tile/entries/273.p/112");
    assert_eq!(bundle_path(0, 256), "tile/entries/000");
}

/// The tlog-tiles spec's examples of which tiles a tree has.
#[test]
fn tile_widths_follow_the_spec_examples() {
    // 70,000: 273 full level-0 tiles, a partial one of width 112, one full
    // level-1 tile, a partial level-1 tile of width 17, a partial level-2
    // tile of width 1.
    let s = 70_000;
    assert!((0..273).all(|n| tile_width(s, 0, n) == Some(256)));
    assert_eq!(tile_width(s, 0, 273), Some(112));
    assert_eq!(tile_width(s, 0, 274), None);
    assert_eq!(tile_width(s, 1, 0), Some(256));
    assert_eq!(tile_width(s, 1, 1), Some(17));
    assert_eq!(tile_width(s, 1, 2), None);
    assert_eq!(tile_width(s, 2, 0), Some(1));
    assert_eq!(tile_width(s, 3, 0), None);
    // 256: one full level-0 tile and a partial level-1 tile of width 1.
    assert_eq!(tile_width(256, 0, 0), Some(256));
    assert_eq!(tile_width(256, 0, 1), None);
    assert_eq!(tile_width(256, 1, 0), Some(1));
    assert_eq!(tile_width(0, 0, 0), None);
    assert_eq!(tile_width(u64::MAX, 7, 0), Some(255));
    assert_eq!(tile_width(u64::MAX, 0, u64::MAX), None);
}

#[test]
fn bundles_round_trip_and_reject_malformed() {
    let e: Vec<Vec<u8>> = vec![b"".to_vec(), b"a".to_vec(), vec![7; 300]];
    let b = encode_bundle(&e).unwrap();
    assert_eq!(&b[..5], &[0, 0, 0, 1, b'a']);
    assert_eq!(decode_bundle(&b, 3).unwrap(), e);
    assert!(decode_bundle(&b, 2).is_err());
    assert!(decode_bundle(&b, 4).is_err());
    assert!(decode_bundle(&b[..b.len() - 1], 3).is_err());
    assert!(decode_bundle(&[0], 1).is_err());
    assert!(decode_bundle(&[], 0).unwrap().is_empty());
    assert!(matches!(
        encode_bundle(&[vec![0u8; 65_536]]),
        Err(LogError::EntryTooLarge {
            size: 65_536,
            max: 65_535
        })
    ));
}

// ---------------------------------------------------------------- base64, notes

#[test]
fn base64_is_strict() {
    for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
        let e = b64_encode(data);
        assert_eq!(b64_decode(&e).as_deref(), Some(data));
    }
    assert_eq!(b64_encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(b64_encode(b"fo"), "Zm8=");
    for bad in [
        "Zm8",
        "Zm9=Zm8=",
        "Zm8==",
        "Zm=8",
        "Z===",
        "Zm9v YmFy",
        "Zm9-",
        "Zm9_",
        "Zm9=\n",
        "Zm9=",
        "Zg=a",
        "Zh==",
        "Zm9vYmFy=",
    ] {
        assert_eq!(b64_decode(bad), None, "{bad:?}");
    }
}

fn note_error(note: &str) -> NoteError {
    SignedNote::parse(note.as_bytes()).unwrap_err()
}

#[test]
fn notes_are_parsed_strictly() {
    let sig = "— k AAAAAAE=\n";
    let ok = format!("text\n\n{sig}");
    let n = SignedNote::parse(ok.as_bytes()).unwrap();
    assert_eq!(n.text(), "text\n");
    assert_eq!(n.signatures()[0].key_id, 0);
    assert_eq!(n.signatures()[0].signature, vec![1]);
    assert_eq!(n.to_text(), ok);

    assert!(matches!(
        note_error("text\n— k AAAAAAE=\n"),
        NoteError::MissingBlankLine
    ));
    assert!(matches!(note_error("text\n\n"), NoteError::NoSignatures));
    assert!(matches!(
        note_error("text\n\n— k AAAAAAE="),
        NoteError::MissingFinalNewline
    ));
    assert!(matches!(
        note_error("te\txt\n\n— k AAAAAAE=\n"),
        NoteError::ControlCharacter { byte: 9, offset: 2 }
    ));
    assert!(matches!(
        note_error("te\rxt\n\n— k AAAAAAE=\n"),
        NoteError::ControlCharacter { byte: 13, .. }
    ));
    assert!(matches!(
        SignedNote::parse(b"t\xffext\n\n\xe2\x80\x94 k AAAAAAE=\n").unwrap_err(),
        NoteError::InvalidUtf8 { offset: 1 }
    ));
    for (line, why) in [
        (
            "- k AAAAAAE=\n",
            "does not start with an em dash and a space",
        ),
        (
            "—k AAAAAAE=\n",
            "does not start with an em dash and a space",
        ),
        ("— kAAAAAAE=\n", "no space between key name and signature"),
        (
            "— k+1 AAAAAAE=\n",
            "key name is empty or contains whitespace or '+'",
        ),
        (
            "—  AAAAAAE=\n",
            "key name is empty or contains whitespace or '+'",
        ),
        ("— k \n", "signature is empty"),
        (
            "— k AAAAAA==\n",
            "signature is shorter than a key ID and one byte",
        ),
        ("— k AAAAAAE\n", "signature is not canonical base64"),
        ("— k AAAAAAE= \n", "signature is not canonical base64"),
        ("— k AAAA AAE=\n", "signature is not canonical base64"),
        ("— a b AAAAAAE=\n", "signature is not canonical base64"),
    ] {
        match note_error(&format!("text\n\n{line}")) {
            NoteError::MalformedSignature { line: 1, reason } => {
                assert_eq!(reason, why, "{line:?}")
            }
            other => panic!("{line:?}: {other:?}"),
        }
    }
    // A line after the signatures.
    assert!(matches!(
        note_error(&format!("text\n\n{sig}Unexpected line.\n")),
        NoteError::MalformedSignature { line: 2, .. }
    ));
    // Sizes and counts.
    let many = format!("t\n\n{}", sig.repeat(MAX_NOTE_SIGNATURES + 1));
    assert!(matches!(
        note_error(&many),
        NoteError::TooManySignatures { max: 100 }
    ));
    assert!(
        SignedNote::parse(format!("t\n\n{}", sig.repeat(MAX_NOTE_SIGNATURES)).as_bytes()).is_ok()
    );
    let big = format!("{}\n\n{sig}", "a".repeat(MAX_NOTE_SIZE));
    assert!(matches!(note_error(&big), NoteError::TooLarge { .. }));
    // The last blank line separates: the text may contain blank lines.
    let n = SignedNote::parse(format!("a\n\nb\n\n{sig}").as_bytes()).unwrap();
    assert_eq!(n.text(), "a\n\nb\n");
}

#[test]
fn verifier_keys() {
    let key = log_key();
    let v = NoteVerifier::ed25519("log.example/x", &key.public_key()).unwrap();
    let vkey = v.to_vkey();
    assert_eq!(NoteVerifier::from_vkey(&vkey).unwrap(), v);
    let (name, rest) = vkey.split_once('+').unwrap();
    let (hash, key64) = rest.split_once('+').unwrap();
    assert_eq!(name, "log.example/x");
    assert_eq!(u32::from_str_radix(hash, 16).unwrap(), v.key_id());

    let bad = |s: &str| NoteVerifier::from_vkey(s).unwrap_err();
    assert!(matches!(
        bad("log.example/x"),
        NoteError::MalformedVerifierKey(_)
    ));
    assert!(matches!(
        bad(&format!("{name}+{hash}")),
        NoteError::MalformedVerifierKey(_)
    ));
    if hash.to_uppercase() != hash {
        assert!(matches!(
            bad(&format!("{name}+{}+{key64}", hash.to_uppercase())),
            NoteError::MalformedVerifierKey(_)
        ));
    }
    assert!(matches!(
        bad(&format!("{name}+0{hash}+{key64}")),
        NoteError::MalformedVerifierKey(_)
    ));
    assert!(matches!(
        bad(&format!("+{hash}+{key64}")),
        NoteError::InvalidKeyName(_)
    ));
    assert!(matches!(
        bad(&format!("a b+{hash}+{key64}")),
        NoteError::InvalidKeyName(_)
    ));
    assert!(matches!(
        bad(&format!("other+{hash}+{key64}")),
        NoteError::KeyHashMismatch { .. }
    ));
    assert!(matches!(
        bad(&format!("{name}+{hash}+{}", &key64[..key64.len() - 4])),
        NoteError::MalformedVerifierKey(_)
    ));
    let mut raw = b64_decode(key64).unwrap();
    raw[0] = 0x02;
    assert!(matches!(
        bad(&format!("{name}+{hash}+{}", b64_encode(&raw))),
        NoteError::UnsupportedKeyType(2)
    ));
    let p256 = KeyPair::generate(crate::Algorithm::ES256).unwrap();
    assert!(matches!(
        NoteVerifier::ed25519("x", &p256.public_key()),
        Err(NoteError::NotEd25519(_))
    ));
    assert!(matches!(
        NoteVerifier::ed25519("a+b", &key.public_key()),
        Err(NoteError::InvalidKeyName(_))
    ));
}

#[test]
fn checkpoints_sign_open_and_reject() {
    let key = log_key();
    let v = NoteVerifier::ed25519(ORIGIN, &key.public_key()).unwrap();
    let cp = Checkpoint {
        origin: ORIGIN.into(),
        size: 12345,
        root: leaf_hash(b"r"),
        extensions: vec!["ext one".into()],
    };
    let note = cp.sign(&key).unwrap();
    assert!(note.starts_with(&format!(
        "{ORIGIN}\n12345\n{}\next one\n\n— {ORIGIN} ",
        b64_encode(&cp.root)
    )));
    assert_eq!(
        Checkpoint::open(note.as_bytes(), std::slice::from_ref(&v)).unwrap(),
        cp
    );

    // Signatures by unknown keys are ignored; one known signature suffices.
    let other = KeyPair::ed25519_from_seed(&[7; 32]).unwrap();
    let ov = NoteVerifier::ed25519("other.example", &other.public_key()).unwrap();
    let foreign = SignedNote::parse(
        Checkpoint {
            origin: "other.example".into(),
            ..cp.clone()
        }
        .sign(&other)
        .unwrap()
        .as_bytes(),
    )
    .unwrap()
    .signatures()[0]
        .clone();
    let mut n = SignedNote::parse(note.as_bytes()).unwrap();
    let both = SignedNote::new(n.text(), vec![foreign.clone(), n.signatures()[0].clone()]).unwrap();
    assert_eq!(
        Checkpoint::open(both.to_text().as_bytes(), std::slice::from_ref(&v)).unwrap(),
        cp
    );
    // ...but a known key's bad signature rejects the note.
    assert!(matches!(
        Checkpoint::open(both.to_text().as_bytes(), &[v.clone(), ov.clone()]),
        Err(NoteError::SignatureInvalid { name }) if name == "other.example"
    ));
    // No known key.
    assert!(matches!(
        Checkpoint::open(note.as_bytes(), &[ov]),
        Err(NoteError::NoKnownSignature { .. })
    ));
    // Same name, other key ID: unknown, ignored.
    let mut wrong_id = n.signatures()[0].clone();
    wrong_id.key_id ^= 1;
    let n2 = SignedNote::new(n.text(), vec![wrong_id]).unwrap();
    assert!(matches!(
        n2.verify(std::slice::from_ref(&v)),
        Err(NoteError::NoKnownSignature { .. })
    ));
    // Altered text.
    let altered = note.replacen("12345", "12346", 1);
    assert!(matches!(
        Checkpoint::open(altered.as_bytes(), std::slice::from_ref(&v)),
        Err(NoteError::SignatureInvalid { .. })
    ));
    // Duplicate signature lines by the same key verify once.
    let dup = SignedNote::new(
        n.text(),
        vec![n.signatures()[0].clone(), n.signatures()[0].clone()],
    )
    .unwrap();
    assert_eq!(dup.verify(std::slice::from_ref(&v)).unwrap().len(), 1);
    n = dup;
    assert_eq!(n.signatures().len(), 2);

    // Checkpoint bodies.
    let body = |size: &str, root: &str| format!("o\n{size}\n{root}\n");
    let r = b64_encode(&[1; 32]);
    assert_eq!(Checkpoint::from_text(&body("0", &r)).unwrap().size, 0);
    assert_eq!(
        Checkpoint::from_text(&body("18446744073709551615", &r))
            .unwrap()
            .size,
        u64::MAX
    );
    for s in [
        "",
        "00",
        "01",
        "+1",
        "-1",
        "1 ",
        " 1",
        "1a",
        "0x10",
        "18446744073709551616",
        "１",
    ] {
        assert!(
            matches!(
                Checkpoint::from_text(&body(s, &r)),
                Err(NoteError::CheckpointSize(_)) | Err(NoteError::CheckpointEmptyLine { .. })
            ),
            "{s:?}"
        );
    }
    for root in [
        b64_encode(&[1; 31]),
        b64_encode(&[1; 33]),
        r[..43].to_string(),
        format!("{r} "),
        hex::encode([1u8; 32]),
    ] {
        assert!(
            matches!(
                Checkpoint::from_text(&body("1", &root)),
                Err(NoteError::CheckpointRoot(_))
            ),
            "{root:?}"
        );
    }
    assert!(matches!(
        Checkpoint::from_text("o\n1\n"),
        Err(NoteError::CheckpointTooShort { found: 2 })
    ));
    assert!(matches!(
        Checkpoint::from_text(&format!("\n1\n{r}\n")),
        Err(NoteError::CheckpointEmptyLine { line: 1 })
    ));
    assert!(matches!(
        Checkpoint::from_text(&format!("o\n1\n{r}\n\nx\n")),
        Err(NoteError::CheckpointEmptyLine { line: 4 })
    ));
    assert!(matches!(
        Checkpoint::from_text(&format!("o\n1\n{r}")),
        Err(NoteError::MissingFinalNewline)
    ));
    // What cannot be written as a checkpoint is not signed.
    let multi = Checkpoint {
        origin: "a\nb".into(),
        ..cp.clone()
    };
    assert!(multi.sign(&key).is_err());
    let spaced = Checkpoint {
        origin: "a b".into(),
        ..cp.clone()
    };
    assert!(matches!(
        spaced.sign(&key),
        Err(NoteError::InvalidKeyName(_))
    ));
    let p256 = KeyPair::generate(crate::Algorithm::ES256).unwrap();
    assert!(matches!(cp.sign(&p256), Err(NoteError::NotEd25519(_))));
}

// ---------------------------------------------------------------- proof encoding

#[test]
fn proof_cbor_round_trip_and_strict_decoding() {
    let p = InclusionProof {
        leaf_index: 3,
        tree_size: 70_000,
        path: vec![[1; 32], [2; 32]],
        checkpoint: Some("cp\n".into()),
    };
    let b = p.to_cbor();
    // {1: 1, 2: 3, 3: 70000, 4: [h, h], 5: "cp\n"}
    assert_eq!(hex::encode(&b[..12]), "a501010203031a0001117004");
    assert_eq!(InclusionProof::from_cbor(&b).unwrap(), p);
    let p2 = InclusionProof {
        checkpoint: None,
        ..p.clone()
    };
    assert_eq!(InclusionProof::from_cbor(&p2.to_cbor()).unwrap(), p2);
    let c = ConsistencyProof {
        old_size: 1,
        new_size: 2,
        path: vec![[3; 32]],
    };
    assert_eq!(ConsistencyProof::from_cbor(&c.to_cbor()).unwrap(), c);

    use crate::cbor::Value;
    let enc = |m: Vec<(u64, Value)>| {
        Value::Map(
            m.into_iter()
                .map(|(k, v)| (Value::Unsigned(k), v))
                .collect(),
        )
        .to_vec()
    };
    let h = |n: usize| Value::Array((0..n).map(|_| Value::bytes(vec![0; 32])).collect());
    let base = || {
        vec![
            (1, Value::Unsigned(1)),
            (2, Value::Unsigned(0)),
            (3, Value::Unsigned(1)),
            (4, h(0)),
        ]
    };
    assert!(InclusionProof::from_cbor(&enc(base())).is_ok());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "kind 2",
            enc(vec![
                (1, Value::Unsigned(2)),
                (2, Value::Unsigned(0)),
                (3, Value::Unsigned(1)),
                (4, h(0)),
            ]),
        ),
        ("no kind", enc(base().into_iter().skip(1).collect())),
        ("no path", enc(base().into_iter().take(3).collect())),
        (
            "unknown key",
            enc([base(), vec![(6, Value::Null)]].concat()),
        ),
        (
            "path too long",
            enc([base()[..3].to_vec(), vec![(4, h(65))]].concat()),
        ),
        (
            "short hash",
            enc([
                base()[..3].to_vec(),
                vec![(4, Value::Array(vec![Value::bytes(vec![0; 31])]))],
            ]
            .concat()),
        ),
        (
            "text hash",
            enc([
                base()[..3].to_vec(),
                vec![(4, Value::Array(vec![Value::text("x")]))],
            ]
            .concat()),
        ),
        (
            "negative index",
            enc(vec![
                (1, Value::Unsigned(1)),
                (2, Value::int(-1)),
                (3, Value::Unsigned(1)),
                (4, h(0)),
            ]),
        ),
        (
            "checkpoint bytes",
            enc([base(), vec![(5, Value::bytes(vec![1]))]].concat()),
        ),
        ("not a map", Value::Array(vec![]).to_vec()),
        (
            "text key",
            Value::Map(vec![(Value::text("a"), Value::Null)]).to_vec(),
        ),
        ("trailing", [enc(base()), vec![0]].concat()),
        ("non-canonical int", {
            let mut b = enc(base());
            // 02 00 -> 02 18 00 (index 0 in a 1-byte argument)
            let at = b.windows(2).position(|w| w == [0x02, 0x00]).unwrap();
            b.splice(at + 1..at + 2, [0x18, 0x00]);
            b
        }),
        ("huge", vec![0u8; MAX_PROOF_ENCODING + 1]),
    ];
    for (what, bytes) in cases {
        assert!(InclusionProof::from_cbor(&bytes).is_err(), "{what}");
    }
    assert!(matches!(
        InclusionProof::from_cbor(&enc([base()[..3].to_vec(), vec![(4, h(65))]].concat())),
        Err(LogError::Proof(ProofError::TooLong { len: 65, max: 64 }))
    ));
    assert!(ConsistencyProof::from_cbor(&b).is_err());
    assert!(ConsistencyProof::from_cbor(&enc([
        vec![
            (1, Value::Unsigned(2)),
            (2, Value::Unsigned(0)),
            (3, Value::Unsigned(1)),
            (4, h(0))
        ],
        vec![(5, Value::text("cp\n"))]
    ]
    .concat()))
    .is_err());
}

// ---------------------------------------------------------------- tile logs

/// Proofs computed from the tiles on disk equal the in-memory ones and verify.
fn check_disk_proofs(log: &TileLog, all: &[Vec<u8>], pairs: &[(u64, u64)]) {
    let reader = log.tile_reader();
    let mem = memory_tree(&all[..log.size() as usize]);
    for &(m, n) in pairs {
        let want_root = root(&mem, n).unwrap();
        assert_eq!(root(&reader, n).unwrap(), want_root, "root {n}");
        if m < n {
            let p = inclusion_proof(&reader, m, n).unwrap();
            assert_eq!(p, inclusion_proof(&mem, m, n).unwrap());
            assert_eq!(p, log.inclusion_proof(m, n).unwrap().path);
            verify_inclusion(&leaf_hash(&all[m as usize]), m, n, &p, &want_root).unwrap();
        }
        if m >= 1 && m <= n {
            let p = consistency_proof(&reader, m, n).unwrap();
            assert_eq!(p, consistency_proof(&mem, m, n).unwrap());
            assert_eq!(p, log.consistency_proof(m, n).unwrap().path);
            verify_consistency(m, n, &root(&mem, m).unwrap(), &want_root, &p).unwrap();
        }
    }
}

#[test]
fn tiles_round_trip_1000() {
    let dir = TempDir::new("t1000");
    let (log, all) = build_log(dir.path(), &[1000]);
    assert_eq!(log.size(), 1000);
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.size(), 1000);
    assert_eq!(log.checkpoint().root, mth(&all));
    let pairs: Vec<(u64, u64)> = (0..1000u64)
        .step_by(7)
        .flat_map(|m| [(m, 1000), (m, m + 1), (m, (m + 300).min(1000))])
        .collect();
    check_disk_proofs(&log, &all, &pairs);
    let reader = log.tile_reader();
    for i in [0u64, 255, 256, 999] {
        assert_eq!(reader.entry(i).unwrap(), all[i as usize]);
    }
    assert!(reader.entry(1000).is_err());
    assert_eq!(log.leaf_hashes().len(), 1000);
    assert_eq!(log.leaf_index(&leaf_hash(&all[617])), Some(617));
    assert_eq!(log.leaf_index(&leaf_hash(b"nope")), None);
}

#[test]
fn tiles_round_trip_70000_in_batches() {
    let dir = TempDir::new("t70000");
    let batches = [1, 255, 256, 1000, 30_000, 38_488];
    let (_log, all) = build_log(dir.path(), &batches);
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.size(), 70_000);
    let d = dir.path();
    // The spec's example: 273 full level-0 tiles, one of width 112, ...
    for n in 0..273u64 {
        assert!(d.join(tile_path(0, n, 256)).is_file(), "tile 0/{n}");
        assert!(d.join(bundle_path(n, 256)).is_file(), "bundle {n}");
    }
    for p in [
        "tile/0/273.p/112",
        "tile/entries/273.p/112",
        "tile/1/000",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ] {
        assert!(d.join(p).is_file(), "{p}");
    }
    assert_eq!(
        std::fs::metadata(d.join("tile/0/273.p/112")).unwrap().len(),
        112 * 32
    );
    assert!(!d.join("tile/2/000").exists());
    assert!(!d.join("tile/3").exists());
    // Partial tiles of earlier checkpoints remain: size 1 and 256.
    assert!(d.join("tile/0/000.p/1").is_file());
    assert!(d.join("tile/1/000.p/1").is_file());
    // Every archived checkpoint is consistent with the latest.
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let mut sizes = vec![0u64];
    let mut acc = 0;
    for b in batches {
        acc += b as u64;
        sizes.push(acc);
    }
    assert_eq!(report.consistent, sizes);
    // Old checkpoints stay provable from the tiles of their own size.
    for (size, note) in log.checkpoint_history().unwrap() {
        let cp = Checkpoint::open(note.as_bytes(), std::slice::from_ref(log.verifier())).unwrap();
        assert_eq!(cp.size, size);
        assert_eq!(
            root(&TileReader::new(d, size), size).unwrap(),
            cp.root,
            "{size}"
        );
    }
    let mut pairs = vec![];
    for &n in &[1u64, 256, 257, 512, 1512, 65_536, 69_999, 70_000] {
        for &m in &[0u64, 1, 255, 256, 300, 4095, 65_535, 65_536, 69_998] {
            if m <= n {
                pairs.push((m, n));
            }
        }
    }
    check_disk_proofs(&log, &all, &pairs);
}

#[test]
fn partial_tiles_and_append_after_reopen() {
    let dir = TempDir::new("partial");
    let key = log_key();
    let (_, all) = build_log(dir.path(), &[5]);
    let d = dir.path();
    assert!(d.join("tile/0/000.p/5").is_file());
    assert!(d.join("tile/entries/000.p/5").is_file());
    assert!(!d.join("tile/1").exists());

    let all2 = entries(300);
    assert_eq!(&all2[..5], &all[..]);
    let mut log = TileLog::open(d).unwrap();
    for e in &all2[5..300] {
        log.append_entry(e).unwrap();
    }
    assert_eq!(log.pending(), 295);
    assert_eq!(log.size(), 5);
    // Pending entries are not "in the log" yet.
    assert_eq!(log.leaf_index(&leaf_hash(&all2[10])), None);
    assert!(log.inclusion_proof(10, 11).is_err());
    log.publish(&key).unwrap();
    assert_eq!(log.leaf_index(&leaf_hash(&all2[10])), Some(10));
    for p in [
        "tile/0/000",
        "tile/0/000.p/5",
        "tile/0/001.p/44",
        "tile/1/000.p/1",
        "tile/entries/000",
        "tile/entries/001.p/44",
    ] {
        assert!(d.join(p).is_file(), "{p}");
    }
    // The old partial tile still proves the old checkpoint.
    let old = TileReader::new(d, 5);
    assert_eq!(root(&old, 5).unwrap(), mth(&all2[..5]));

    // Reopen and append again; publishing without entries changes nothing.
    let mut log = TileLog::open(d).unwrap();
    let before = log.checkpoint_note().to_owned();
    log.publish(&key).unwrap();
    assert_eq!(log.checkpoint_note(), before);
    let more = entries(520);
    for e in &more[300..] {
        log.append_entry(e).unwrap();
    }
    log.publish(&key).unwrap();
    let log = TileLog::open(d).unwrap();
    assert_eq!(log.size(), 520);
    assert_eq!(log.checkpoint().root, mth(&more));
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    assert_eq!(report.consistent, vec![0, 5, 300, 520]);
    assert!(report.is_ok());
    check_disk_proofs(
        &log,
        &more,
        &[
            (0, 520),
            (519, 520),
            (4, 5),
            (299, 300),
            (5, 300),
            (300, 520),
        ],
    );
    // Archived notes travel with inclusion proofs.
    let p = log.inclusion_proof(3, 5).unwrap();
    let cp = p.verify_with_checkpoint(&more[3], log.verifier()).unwrap();
    assert_eq!(cp.size, 5);
    assert!(log.inclusion_proof(3, 6).unwrap().checkpoint.is_none());
    assert!(matches!(
        log.inclusion_proof(3, 6)
            .unwrap()
            .verify_with_checkpoint(&more[3], log.verifier()),
        Err(LogError::NoCheckpoint)
    ));
    assert!(matches!(
        p.verify_with_checkpoint(&more[4], log.verifier()),
        Err(LogError::Proof(ProofError::RootMismatch))
    ));
    let c = log.consistency_proof(5, 520).unwrap();
    let old_cp = cp;
    c.verify_checkpoints(&old_cp, log.checkpoint()).unwrap();
    assert!(c.verify_checkpoints(log.checkpoint(), &old_cp).is_err());
    log.verify_older_checkpoint(&old_cp).unwrap();
}

#[test]
fn append_rules() {
    let dir = TempDir::new("rules");
    let key = log_key();
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    assert_eq!(log.append_entry(b"a").unwrap(), 0);
    assert!(matches!(
        log.append_entry(b"a"),
        Err(LogError::Duplicate { index: 0 })
    ));
    log.publish(&key).unwrap();
    assert!(matches!(
        log.append_entry(b"a"),
        Err(LogError::Duplicate { index: 0 })
    ));
    assert!(matches!(
        log.append_entry(&vec![0; MAX_ENTRY_SIZE + 1]),
        Err(LogError::EntryTooLarge {
            size: 65_536,
            max: 65_535
        })
    ));
    assert_eq!(log.append_entry(&vec![0; MAX_ENTRY_SIZE]).unwrap(), 1);
    // Only the log's key publishes.
    let other = KeyPair::ed25519_from_seed(&[1; 32]).unwrap();
    assert!(matches!(
        log.publish(&other),
        Err(LogError::KeyMismatch { .. })
    ));
    log.publish(&key).unwrap();
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.tile_reader().entry(1).unwrap().len(), MAX_ENTRY_SIZE);

    // Creating over an existing log, bad origins, missing logs.
    assert!(matches!(
        TileLog::create(dir.path(), ORIGIN, &key),
        Err(LogError::AlreadyExists { .. })
    ));
    let d2 = TempDir::new("rules2");
    assert!(matches!(
        TileLog::create(d2.path(), "a b", &key),
        Err(LogError::InvalidOrigin(_))
    ));
    assert!(matches!(
        TileLog::open(d2.path()),
        Err(LogError::NotALog { .. })
    ));
    let p256 = KeyPair::generate(crate::Algorithm::ES256).unwrap();
    assert!(matches!(
        TileLog::create(d2.path(), ORIGIN, &p256),
        Err(LogError::Note(NoteError::NotEd25519(_)))
    ));
}

#[test]
fn artifacts_are_verified_before_logging() {
    let dir = TempDir::new("artifacts");
    let key = log_key();
    let parties = sample::Parties::new().unwrap();
    let all = sample::all(&parties).unwrap();
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    // An empty trust set trusts no one.
    assert!(matches!(
        log.append_artifact(&all[0], &crate::TrustSet::new()),
        Err(LogError::Verify(_))
    ));
    assert_eq!(log.pending(), 0);
    for (i, a) in all.iter().enumerate() {
        assert_eq!(log.append_artifact(a, &parties.trust()).unwrap(), i as u64);
    }
    assert!(matches!(
        log.append_artifact(&all[1], &parties.trust()),
        Err(LogError::Duplicate { index: 1 })
    ));
    log.publish(&key).unwrap();
    let log = TileLog::open(dir.path()).unwrap();
    for (i, a) in all.iter().enumerate() {
        assert_eq!(log.artifact_index(a), Some(i as u64));
        let p = log.inclusion_proof(i as u64, log.size()).unwrap();
        let decoded = InclusionProof::from_cbor(&p.to_cbor()).unwrap();
        decoded
            .verify_with_checkpoint(a.as_bytes(), log.verifier())
            .unwrap();
    }
}

#[test]
fn tampering_is_detected() {
    let key = log_key();
    // A tile byte.
    let dir = TempDir::new("tamper-tile");
    build_log(dir.path(), &[300]);
    let t = dir.path().join("tile/0/000");
    let mut b = std::fs::read(&t).unwrap();
    b[100] ^= 1;
    std::fs::write(&t, &b).unwrap();
    assert!(matches!(TileLog::open(dir.path()), Err(LogError::Corrupt { path, .. }) if path == t));
    // A truncated tile.
    std::fs::write(&t, &b[..8000]).unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::Corrupt { .. })
    ));
    // A missing tile.
    std::fs::remove_file(&t).unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::Io { .. })
    ));

    // An entry, with tiles recomputed to match: the checkpoint's root catches it.
    let dir = TempDir::new("tamper-entry");
    build_log(dir.path(), &[3]);
    let forged = entries(3).into_iter().rev().collect::<Vec<_>>();
    std::fs::write(
        dir.path().join("tile/entries/000.p/3"),
        encode_bundle(&forged).unwrap(),
    )
    .unwrap();
    let hashes: Vec<u8> = forged.iter().flat_map(|e| leaf_hash(e)).collect();
    std::fs::write(dir.path().join("tile/0/000.p/3"), &hashes).unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::RootMismatch { size: 3 })
    ));
    // Only the entry: the tiles catch it.
    std::fs::write(
        dir.path().join("tile/0/000.p/3"),
        entries(3)
            .iter()
            .flat_map(|e| leaf_hash(e))
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::Corrupt { .. })
    ));

    // A checkpoint signed by another key.
    let dir = TempDir::new("tamper-cp");
    let (log, _) = build_log(dir.path(), &[3]);
    let other = KeyPair::ed25519_from_seed(&[1; 32]).unwrap();
    let forged = log.checkpoint().sign(&other).unwrap();
    std::fs::write(dir.path().join(CHECKPOINT_FILE), &forged).unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::BadNote {
            source: NoteError::NoKnownSignature { .. },
            ..
        })
    ));

    // A rewritten history: the log key signed a checkpoint of size 2 with
    // another root. The archive check names it.
    let dir = TempDir::new("tamper-history");
    let (log, _) = build_log(dir.path(), &[1, 1, 1]);
    let fork = Checkpoint {
        size: 2,
        root: leaf_hash(b"fork"),
        ..log.checkpoint().clone()
    };
    std::fs::write(dir.path().join("checkpoints/2"), fork.sign(&key).unwrap()).unwrap();
    let log = TileLog::open(dir.path()).unwrap();
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    assert_eq!(report.consistent, vec![0, 1, 3]);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].file, "checkpoints/2");
    assert_eq!(
        report.problems[0].kind,
        HistoryProblemKind::Inconsistent(ProofError::RootMismatch)
    );
    // A forged empty-tree checkpoint, a misnamed one, a larger one, junk.
    let empty_fork = Checkpoint {
        size: 0,
        root: leaf_hash(b"x"),
        ..log.checkpoint().clone()
    };
    std::fs::write(
        dir.path().join("checkpoints/0"),
        empty_fork.sign(&key).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("checkpoints/007"), "x").unwrap();
    std::fs::write(dir.path().join("checkpoints/9"), log.checkpoint_note()).unwrap();
    let bigger = Checkpoint {
        size: 10,
        ..log.checkpoint().clone()
    };
    std::fs::write(
        dir.path().join("checkpoints/10"),
        bigger.sign(&key).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("checkpoints/3")).unwrap();
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    let kinds: Vec<(String, HistoryProblemKind)> = report
        .problems
        .iter()
        .map(|p| (p.file.clone(), p.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                "checkpoints/0".into(),
                HistoryProblemKind::Inconsistent(ProofError::RootMismatch)
            ),
            (
                "checkpoints/2".into(),
                HistoryProblemKind::Inconsistent(ProofError::RootMismatch)
            ),
            (
                "checkpoints/9".into(),
                HistoryProblemKind::SizeMismatch { file: 9, found: 3 }
            ),
            (
                "checkpoints/10".into(),
                HistoryProblemKind::BeyondLatest {
                    size: 10,
                    latest: 3
                }
            ),
            ("checkpoints/007".into(), HistoryProblemKind::BadFileName),
            (
                "checkpoints/3".into(),
                HistoryProblemKind::LatestNotArchived
            ),
        ]
    );
    // Checked with another key, every signature is a problem.
    let ov = NoteVerifier::ed25519(
        ORIGIN,
        &KeyPair::ed25519_from_seed(&[1; 32]).unwrap().public_key(),
    )
    .unwrap();
    let report = log.verify_checkpoint_history(&ov).unwrap();
    assert!(report.consistent.is_empty());
    assert!(report.problems.iter().any(|p| p.file == CHECKPOINT_FILE
        && matches!(
            p.kind,
            HistoryProblemKind::Note(NoteError::NoKnownSignature { .. })
        )));
}

#[test]
fn writers_exclude_each_other() {
    let dir = TempDir::new("writers");
    let key = log_key();
    let mut a = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    let mut b = TileLog::open(dir.path()).unwrap();
    a.append_entry(b"a").unwrap();
    b.append_entry(b"b").unwrap();
    // A held lock.
    std::fs::write(dir.path().join(LOCK_FILE), "").unwrap();
    assert!(matches!(a.publish(&key), Err(LogError::Locked { .. })));
    std::fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
    a.publish(&key).unwrap();
    assert!(!dir.path().join(LOCK_FILE).exists());
    // b opened before a published.
    assert!(matches!(b.publish(&key), Err(LogError::Changed)));
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.size(), 1);
    assert_eq!(log.leaf_index(&leaf_hash(b"a")), Some(0));
}

#[test]
fn interrupted_publish_leaves_the_last_state() {
    let dir = TempDir::new("crash");
    let key = log_key();
    let (_, _) = build_log(dir.path(), &[10]);
    // Files a crashed publish might leave beyond the checkpoint: ignored on
    // open, replaced by the next publish.
    std::fs::create_dir_all(dir.path().join("tile/0/000.p")).unwrap();
    std::fs::write(dir.path().join("tile/0/000.p/20"), [0u8; 7]).unwrap();
    std::fs::write(dir.path().join("tile/entries/000.p/20"), [1u8; 3]).unwrap();
    std::fs::write(dir.path().join("checkpoint.tmp"), "junk").unwrap();
    std::fs::write(dir.path().join("checkpoints/20.tmp"), "junk").unwrap();
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.size(), 10);
    let all = entries(20);
    for e in &all[10..] {
        log.append_entry(e).unwrap();
    }
    log.publish(&key).unwrap();
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.checkpoint().root, mth(&all));
    assert!(log
        .verify_checkpoint_history(log.verifier())
        .unwrap()
        .is_ok());
}

// ---------------------------------------------------------------- properties

mod props {
    use super::*;
    use proptest::prelude::*;

    fn flip(h: &mut Hash, bit: usize) {
        h[bit / 8 % 32] ^= 1 << (bit % 8);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random inclusion proofs verify; flipping any single bit of the
        /// proof, the leaf or the root, or dropping or adding a hash, fails.
        #[test]
        fn inclusion_proofs_verify_and_mutations_fail(
            size in 1u64..1500,
            index_seed in any::<u64>(),
            bit in any::<usize>(),
        ) {
            let d = entries(size as usize);
            let t = tile_hashes(&d);
            let index = index_seed % size;
            let r = root(&t, size).unwrap();
            let leaf = leaf_hash(&d[index as usize]);
            let p = inclusion_proof(&t, index, size).unwrap();
            prop_assert_eq!(verify_inclusion(&leaf, index, size, &p, &r), Ok(()));

            let total_bits = (p.len() + 2) * 256;
            let b = bit % total_bits;
            let (mut p2, mut leaf2, mut r2) = (p.clone(), leaf, r);
            match b / 256 {
                0 => flip(&mut leaf2, b % 256),
                1 => flip(&mut r2, b % 256),
                i => flip(&mut p2[i - 2], b % 256),
            }
            prop_assert!(verify_inclusion(&leaf2, index, size, &p2, &r2).is_err());

            let mut longer = p.clone();
            longer.push(r);
            prop_assert!(verify_inclusion(&leaf, index, size, &longer, &r).is_err());
            if !p.is_empty() {
                prop_assert!(verify_inclusion(&leaf, index, size, &p[1..], &r).is_err());
            }
        }

        /// Random consistency proofs verify; any single-bit flip of the
        /// proof or either root fails.
        #[test]
        fn consistency_proofs_verify_and_mutations_fail(
            new in 1u64..1500,
            old_seed in any::<u64>(),
            bit in any::<usize>(),
        ) {
            let d = entries(new as usize);
            let t = tile_hashes(&d);
            let old = old_seed % new + 1;
            let (r1, r2) = (root(&t, old).unwrap(), root(&t, new).unwrap());
            let p = consistency_proof(&t, old, new).unwrap();
            prop_assert_eq!(verify_consistency(old, new, &r1, &r2, &p), Ok(()));
            let encoded = ConsistencyProof { old_size: old, new_size: new, path: p.clone() };
            prop_assert_eq!(ConsistencyProof::from_cbor(&encoded.to_cbor()).unwrap(), encoded);

            let total_bits = (p.len() + 2) * 256;
            let b = bit % total_bits;
            let (mut p2, mut a, mut c) = (p.clone(), r1, r2);
            match b / 256 {
                0 => flip(&mut a, b % 256),
                1 => flip(&mut c, b % 256),
                i => flip(&mut p2[i - 2], b % 256),
            }
            prop_assert!(verify_consistency(old, new, &a, &c, &p2).is_err());
            if !p.is_empty() {
                prop_assert!(verify_consistency(old, new, &r1, &r2, &p[1..]).is_err());
                let mut longer = p.clone();
                longer.push(r1);
                prop_assert!(verify_consistency(old, new, &r1, &r2, &longer).is_err());
            }
        }
    }
}

/// The audit's reading of a log (core/src/log/view.rs) gives the tree,
/// history and checkpoints that opening the whole log gives, from the hash
/// tiles alone; a changed hash at any tile level is caught.
#[test]
fn published_log_reads_the_tree_tile_log_reads_from_the_tiles_alone() {
    let dir = TempDir::new("published");
    let (_log, _) = build_log(dir.path(), &[1, 300, 65_400, 17]);
    let d = dir.path();
    let full = TileLog::open(d).unwrap();
    let view = PublishedLog::open(d).unwrap();
    assert_eq!(view.leaf_hashes(), full.leaf_hashes());
    assert_eq!(view.origin(), full.origin());
    assert_eq!(view.checkpoint_note(), full.checkpoint_note());
    assert_eq!(view.status_lists(), full.status_lists());
    let key = log_key();
    let v = NoteVerifier::ed25519(ORIGIN, &key.public_key()).unwrap();
    assert_eq!(
        view.verify_checkpoint_history(&v).unwrap(),
        full.verify_checkpoint_history(&v).unwrap()
    );
    assert!(view.verify_checkpoint_history(&v).unwrap().is_ok());
    assert_eq!(
        view.checkpoint_history().unwrap(),
        full.checkpoint_history().unwrap()
    );
    for (size, note) in full.checkpoint_history().unwrap() {
        let cp = Checkpoint::open(note.as_bytes(), std::slice::from_ref(&v)).unwrap();
        assert_eq!(cp.size, size);
        assert!(view.verify_older_checkpoint(&cp).is_ok());
    }
    // A hash changed at level 0, 1 or 2: the level-1 or level-2 tile then
    // differs from the one computed from below, or (the last, partial
    // leaf tile, under no full tile) the checkpoint's root does not match.
    for (tile, caught) in [
        ("tile/0/017", Some("tile/1/000")),
        ("tile/1/000", Some("tile/1/000")),
        ("tile/2/000.p/1", Some("tile/2/000.p/1")),
        ("tile/0/256.p/182", None),
    ] {
        let p = d.join(tile);
        let mut b = std::fs::read(&p).unwrap();
        *b.last_mut().unwrap() ^= 1;
        std::fs::write(&p, &b).unwrap();
        match (PublishedLog::open(d), caught) {
            (Err(LogError::Corrupt { path, .. }), Some(a)) => assert_eq!(path, d.join(a)),
            (Err(LogError::RootMismatch { size: 65_718 }), None) => {}
            (other, _) => panic!("{tile}: {other:?}"),
        }
        *b.last_mut().unwrap() ^= 1;
        std::fs::write(&p, &b).unwrap();
    }
    assert!(PublishedLog::open(d).is_ok());
}
