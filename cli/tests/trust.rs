//! The auditor's command line end to end: `trust add|list|inspect` (every
//! role, the log's verifier key included), `inspect` on key and trust files,
//! `verify --format json` and `--failures-only`, and exit codes in every
//! command's `--help`.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use consentkit::audit::to_sequence;
use consentkit::sample::{self, Parties};
use consentkit::{Algorithm, Artifact, KeyPair, Signer, TrustSet};

const ORIGIN: &str = "log.example/trust-cli";
const AT: &str = "2026-12-01T00:00:00Z";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-cli-trust-{}-{name}",
        std::process::id()
    ));
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

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, bytes).unwrap();
    f
}

fn trust_add(trust: &Path, args: &[&str]) -> Output {
    run(bin().args(["trust", "add"]).arg(trust).args(args))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Sample parties with their key files: the controller's public key (as
/// `keygen --public` writes it), the partner's and person's private keys.
struct Keys {
    dir: PathBuf,
    p: Parties,
    controller_pub: PathBuf,
    partner_priv: PathBuf,
    person_priv: PathBuf,
}

fn keys(name: &str) -> Keys {
    let dir = tmp(name);
    let p = Parties::new().unwrap();
    let controller_pub = write(
        &dir,
        "controller.pub",
        &p.controller.public_key().to_cose_key(),
    );
    let partner_priv = write(&dir, "partner.key", &p.partner.to_cose_key());
    let person_priv = write(&dir, "person.key", &p.person.to_cose_key());
    Keys {
        dir,
        p,
        controller_pub,
        partner_priv,
        person_priv,
    }
}

/// The sample trust set's parties (controller, partner), read from it.
fn party_of(p: &Parties, key: &KeyPair) -> String {
    p.trust().get(&key.kid()).unwrap().party.clone()
}

/// Adds the sample controller and partner with `trust add`.
fn add_parties(k: &Keys, trust: &Path) {
    let c = party_of(&k.p, &k.p.controller);
    let pa = party_of(&k.p, &k.p.partner);
    let out = trust_add(
        trust,
        &[
            "--key",
            s(&k.controller_pub),
            "--role",
            "controller",
            "--party",
            &c,
        ],
    );
    assert_eq!(code(&out), 0);
    let out = trust_add(
        trust,
        &[
            "--key",
            s(&k.partner_priv),
            "--role",
            "partner",
            "--party",
            &pa,
        ],
    );
    assert_eq!(code(&out), 0);
}

#[test]
fn audit_with_log_uses_a_trust_file_built_only_with_trust_add() {
    let k = keys("audit-log");
    let trust = k.dir.join("trust.cbor");
    add_parties(&k, &trust);
    // The same keys as the sample trust set, and nothing else.
    let built = TrustSet::from_cose_key_set(&std::fs::read(&trust).unwrap()).unwrap();
    assert_eq!(built.len(), 2);
    for t in k.p.trust().iter() {
        let b = built.get(&t.key.kid()).unwrap();
        assert_eq!((b.role, &b.party), (t.role, &t.party));
    }

    // A log created by `log append`, its key added from its vkey file.
    let offer = sample::signed_offer(&k.p).unwrap();
    let grant = sample::signed_grant(&k.p, &offer).unwrap();
    let receipt = sample::signed_receipt(&k.p, &grant).unwrap();
    let bundle = write(&k.dir, "b.cbors", &to_sequence([&offer, &grant, &receipt]));
    let log_key = write(
        &k.dir,
        "log.key",
        &KeyPair::ed25519_from_seed(&[9; 32]).unwrap().to_cose_key(),
    );
    let logdir = k.dir.join("log");
    let out = run(bin()
        .args(["log", "append"])
        .arg(&logdir)
        .arg(&bundle)
        .arg("--trust")
        .arg(&trust)
        .arg("--key")
        .arg(&log_key)
        .args(["--origin", ORIGIN]));
    assert_eq!(code(&out), 0);

    let audit = |trust: &Path| {
        run(bin()
            .arg("audit")
            .arg(&bundle)
            .arg("--trust")
            .arg(trust)
            .args(["--at", AT, "--format", "json", "--log"])
            .arg(&logdir))
    };
    // Without the log's key the log cannot be used: unusable input.
    let out = audit(&trust);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("role \"log\""), "{}", stderr(&out));

    let out = trust_add(&trust, &["--log-vkey", s(&logdir.join("vkey"))]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains(&format!("as log of {ORIGIN}")));
    // The vkey text is also recognised through --key: already there, unchanged.
    let before = std::fs::read(&trust).unwrap();
    let out = trust_add(&trust, &["--key", s(&logdir.join("vkey"))]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("unchanged"));
    assert_eq!(std::fs::read(&trust).unwrap(), before);

    let out = audit(&trust);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report = json(&out);
    assert_eq!(report["provenance"]["log"]["origin"], ORIGIN, "{report}");
    assert_eq!(report["provenance"]["log"]["size"], 3);

    // `trust list` names the digest the report's provenance names.
    let list = run(bin()
        .args(["trust", "list"])
        .arg(&trust)
        .args(["--format", "json"]));
    assert_eq!(code(&list), 0);
    let list = json(&list);
    assert_eq!(list["sha256"], report["provenance"]["trust"]["sha256"]);
    assert_eq!(list["keys"], report["provenance"]["trust"]["keys"]);
    assert_eq!(list["count"], 3);
}

#[test]
fn trust_add_refuses_a_conflicting_key() {
    let k = keys("conflict");
    let trust = k.dir.join("trust.cbor");
    add_parties(&k, &trust);
    let before = std::fs::read(&trust).unwrap();
    let c = party_of(&k.p, &k.p.controller);
    // The same key (here from its private file) with another role.
    let out = trust_add(
        &trust,
        &[
            "--key",
            s(&k.partner_priv),
            "--role",
            "controller",
            "--party",
            &c,
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("already trusted as partner"),
        "{}",
        stderr(&out)
    );
    // Another party.
    let out = trust_add(
        &trust,
        &[
            "--key",
            s(&k.controller_pub),
            "--role",
            "controller",
            "--party",
            "other.example",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    // The same role and party: accepted, nothing written.
    let out = trust_add(
        &trust,
        &[
            "--key",
            s(&k.controller_pub),
            "--role",
            "controller",
            "--party",
            &c,
        ],
    );
    assert_eq!(code(&out), 0);
    assert_eq!(std::fs::read(&trust).unwrap(), before, "file untouched");

    // A second log key for one origin: an audit would use only one.
    let l1 = write(
        &k.dir,
        "l1.key",
        &KeyPair::ed25519_from_seed(&[21; 32]).unwrap().to_cose_key(),
    );
    let l2 = write(
        &k.dir,
        "l2.key",
        &KeyPair::ed25519_from_seed(&[22; 32]).unwrap().to_cose_key(),
    );
    let out = trust_add(
        &trust,
        &["--key", s(&l1), "--role", "log", "--party", ORIGIN],
    );
    assert_eq!(code(&out), 0);
    let after_log = std::fs::read(&trust).unwrap();
    let out = trust_add(
        &trust,
        &["--key", s(&l2), "--role", "log", "--party", ORIGIN],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("a log key for origin"),
        "{}",
        stderr(&out)
    );
    // A log key must be Ed25519.
    let p256 = write(
        &k.dir,
        "p256.key",
        &KeyPair::generate(Algorithm::ES256).unwrap().to_cose_key(),
    );
    let out = trust_add(
        &trust,
        &[
            "--key",
            s(&p256),
            "--role",
            "log",
            "--party",
            "x.example/log",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("Ed25519"), "{}", stderr(&out));
    // A vkey names its origin: another party is refused.
    let logdir = k.dir.join("log");
    let lk = KeyPair::ed25519_from_seed(&[23; 32]).unwrap();
    consentkit::log::TileLog::create(&logdir, "other.example/log", &lk).unwrap();
    let out = trust_add(
        &trust,
        &[
            "--log-vkey",
            s(&logdir.join("vkey")),
            "--party",
            "not-the-origin",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("origin"), "{}", stderr(&out));
    // --log-vkey with a COSE_Key, and no role for a COSE_Key: usage errors.
    let out = trust_add(&trust, &["--log-vkey", s(&l2)]);
    assert_eq!(code(&out), 2);
    let out = trust_add(&trust, &["--key", s(&p256), "--party", "x.example"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--role"), "{}", stderr(&out));
    // A trust file is not a key.
    let out = trust_add(
        &trust,
        &["--key", s(&trust), "--role", "partner", "--party", "x"],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        std::fs::read(&trust).unwrap(),
        after_log,
        "refusals write nothing"
    );
}

#[test]
fn trust_add_writes_public_keys_only_and_leaves_no_temp_file() {
    let k = keys("public-only");
    let trust = k.dir.join("trust.cbor");
    let out = trust_add(
        &trust,
        &[
            "--key",
            s(&k.person_priv),
            "--role",
            "person",
            "--party",
            "driver",
        ],
    );
    assert_eq!(code(&out), 0);
    let bytes = std::fs::read(&trust).unwrap();
    // The reader refuses private keys; the seed is nowhere in the file.
    let set = TrustSet::from_cose_key_set(&bytes).unwrap();
    assert_eq!(set.len(), 1);
    assert!(
        !bytes.windows(32).any(|w| w == [3u8; 32]),
        "private key written"
    );
    let names: Vec<_> = std::fs::read_dir(&k.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    // An unreadable trust file is unusable input and is not replaced.
    let junk = write(&k.dir, "junk.cbor", b"\x01");
    let out = trust_add(
        &junk,
        &[
            "--key",
            s(&k.person_priv),
            "--role",
            "person",
            "--party",
            "driver",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(std::fs::read(&junk).unwrap(), b"\x01");
}

#[test]
fn trust_list_shows_every_key_and_the_digest() {
    let k = keys("list");
    let trust = k.dir.join("trust.cbor");
    add_parties(&k, &trust);
    let out = run(bin().args(["trust", "list"]).arg(&trust));
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let j = json(&run(bin()
        .args(["trust", "list"])
        .arg(&trust)
        .args(["--format", "json"])));
    let digest = j["sha256"].as_str().unwrap();
    assert_eq!(digest.len(), 64);
    assert!(text.contains(digest), "{text}");
    for t in k.p.trust().iter() {
        let line = text
            .lines()
            .find(|l| l.starts_with(&t.key.kid().to_string()))
            .unwrap_or_else(|| panic!("no line for {}: {text}", t.key.kid()));
        assert!(
            line.contains(t.role.as_str()) && line.contains(&t.party),
            "{line}"
        );
        // The algorithm's one name (issue 12): `Ed25519`, never `EdDSA`.
        assert!(
            line.contains(" Ed25519 ") && !line.contains("EdDSA"),
            "{line}"
        );
    }
    for key in j["keys"].as_array().unwrap() {
        assert_eq!(key["algorithm"], "Ed25519", "{key}");
        assert!(key.get("alg").is_none(), "{key}");
    }
    let roles: Vec<_> = j["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["role"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roles.len(), 2);
    assert!(roles.contains(&"controller".into()) && roles.contains(&"partner".into()));
    // The digest does not depend on the order keys were added in.
    let other = k.dir.join("other.cbor");
    let c = party_of(&k.p, &k.p.controller);
    let pa = party_of(&k.p, &k.p.partner);
    trust_add(
        &other,
        &[
            "--key",
            s(&k.partner_priv),
            "--role",
            "partner",
            "--party",
            &pa,
        ],
    );
    trust_add(
        &other,
        &[
            "--key",
            s(&k.controller_pub),
            "--role",
            "controller",
            "--party",
            &c,
        ],
    );
    assert_ne!(
        std::fs::read(&other).unwrap(),
        std::fs::read(&trust).unwrap()
    );
    let j2 = json(&run(bin()
        .args(["trust", "list"])
        .arg(&other)
        .args(["--format", "json"])));
    assert_eq!(j2["sha256"], j["sha256"]);
    // A file that is no trust set: exit 2.
    let out = run(bin().args(["trust", "list"]).arg(&k.controller_pub));
    assert_eq!(code(&out), 2);
}

#[test]
fn trust_inspect_and_inspect_recognise_keys_trust_files_and_vkeys() {
    let k = keys("inspect");
    let trust = k.dir.join("trust.cbor");
    add_parties(&k, &trust);
    let logdir = k.dir.join("log");
    let lk = KeyPair::ed25519_from_seed(&[24; 32]).unwrap();
    consentkit::log::TileLog::create(&logdir, ORIGIN, &lk).unwrap();
    for cmd in [&["trust", "inspect"][..], &["inspect"][..]] {
        let show = |f: &Path| {
            let out = run(bin().args(cmd).arg(f));
            assert_eq!(code(&out), 0, "{cmd:?} {}", f.display());
            json(&out)
        };
        let j = show(&trust);
        assert_eq!(j["type"], "trust_set");
        assert_eq!(j["count"], 2);
        let j = show(&k.controller_pub);
        assert_eq!(j["type"], "cose_key");
        assert_eq!(j["private"], false);
        assert_eq!(j["kid"], k.p.controller.kid().to_string());
        assert_eq!(j["algorithm"], "Ed25519");
        assert!(j.get("alg").is_none());
        let j = show(&k.partner_priv);
        assert_eq!(j["type"], "cose_key");
        assert_eq!(j["private"], true);
        assert!(j.get("d").is_none());
        assert_eq!(j["kid"], k.p.partner.kid().to_string());
        let j = show(&logdir.join("vkey"));
        assert_eq!(j["type"], "log_vkey");
        assert_eq!(j["name"], ORIGIN);
        assert_eq!(j["kid"], lk.kid().to_string());
        assert_eq!(j["trust_as"]["role"], "log");
        assert_eq!(j["algorithm"], "Ed25519");
        let j = show(&trust);
        assert_eq!(j["keys"][0]["algorithm"], "Ed25519");
    }
    // `trust inspect` on something else: exit 2, naming the file.
    let junk = write(&k.dir, "junk", b"hello+world");
    let out = run(bin().args(["trust", "inspect"]).arg(&junk));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("junk"), "{}", stderr(&out));
    // `inspect` on an untagged array that is no trust set: not an artifact
    // either (exit 1), and it says why it is no trust file.
    let not_trust = write(&k.dir, "not-trust.cbor", &[0x81, 0x01]);
    let out = run(bin().arg("inspect").arg(&not_trust));
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("no key or trust file either"),
        "{}",
        stderr(&out)
    );
    // `inspect` still shows artifacts.
    let offer = sample::signed_offer(&k.p).unwrap();
    let f = write(&k.dir, "offer.cose", offer.as_bytes());
    let out = run(bin().arg("inspect").arg(&f));
    assert_eq!(code(&out), 0);
    assert_ne!(json(&out)["type"], "cose_key");
}

/// A bundle of three good artifacts and one whose signature is broken.
fn bundle_with_one_bad(k: &Keys) -> (PathBuf, Artifact) {
    let offer = sample::signed_offer(&k.p).unwrap();
    let grant = sample::signed_grant(&k.p, &offer).unwrap();
    let receipt = sample::signed_receipt(&k.p, &grant).unwrap();
    let mut bad = receipt.as_bytes().to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let mut bytes = to_sequence([&offer, &grant]);
    bytes.extend_from_slice(&bad);
    bytes.extend_from_slice(receipt.as_bytes());
    (write(&k.dir, "bundle.cbors", &bytes), receipt)
}

#[test]
fn verify_json_failures_only_lists_just_the_bad_item() {
    let k = keys("verify-json");
    let trust = write(&k.dir, "trust.cbor", &k.p.trust().to_cose_key_set());
    let (bundle, receipt) = bundle_with_one_bad(&k);
    let verify = |extra: &[&str]| {
        run(bin()
            .arg("verify")
            .arg(&bundle)
            .arg("--trust")
            .arg(&trust)
            .args(extra))
    };
    let out = verify(&["--format", "json", "--failures-only"]);
    assert_eq!(code(&out), 1);
    let j = json(&out);
    assert_eq!(j["outcome"], "failed");
    assert_eq!(j["counts"]["items"], 4);
    assert_eq!(j["counts"]["verified"], 3);
    assert_eq!(j["counts"]["failed"], 1);
    assert_eq!(j["counts"]["unreadable"], 0);
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{j}");
    assert_eq!(items[0]["status"], "failed");
    assert_eq!(items[0]["kind"], receipt.kind().to_string());
    assert_eq!(items[0]["id"], receipt.id().to_string());
    assert!(items[0]["error"].as_str().unwrap().contains("signature"));
    assert!(items[0]["offset"].as_u64().unwrap() > 0);

    // Every item without --failures-only, signers with role and party.
    let j = json(&verify(&["--format", "json"]));
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let ok: Vec<_> = items.iter().filter(|i| i["status"] == "verified").collect();
    assert_eq!(ok.len(), 3);
    let c = party_of(&k.p, &k.p.controller);
    assert!(ok.iter().any(|i| i["signers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["role"] == "controller" && s["party"] == c.as_str())));

    // Text: only the failing line and the summary.
    let out = verify(&["--failures-only"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("FAILED"), "{text}");
    assert_eq!(lines[1], "3 verified, 1 failed, 0 unreadable");
}

#[test]
fn verify_json_outcomes_for_clean_unreadable_and_empty_input() {
    let k = keys("verify-outcomes");
    let trust = write(&k.dir, "trust.cbor", &k.p.trust().to_cose_key_set());
    let offer = sample::signed_offer(&k.p).unwrap();
    let good = write(&k.dir, "good.cbors", offer.as_bytes());
    let verify = |f: &Path, extra: &[&str]| {
        run(bin()
            .arg("verify")
            .arg(f)
            .arg("--trust")
            .arg(&trust)
            .args(["--format", "json"])
            .args(extra))
    };
    let out = verify(&good, &["--failures-only"]);
    assert_eq!(code(&out), 0);
    let j = json(&out);
    assert_eq!(j["outcome"], "verified");
    assert_eq!(j["items"].as_array().unwrap().len(), 0);
    assert_eq!(j["counts"]["verified"], 1);
    // An item that is no artifact: unreadable, exit 1.
    let mut bytes = offer.as_bytes().to_vec();
    bytes.push(0x01);
    let junk = write(&k.dir, "junk.cbors", &bytes);
    let out = verify(&junk, &["--failures-only"]);
    assert_eq!(code(&out), 1);
    let j = json(&out);
    assert_eq!(j["outcome"], "failed");
    assert_eq!(j["counts"]["unreadable"], 1);
    assert_eq!(j["items"][0]["status"], "unreadable");
    // Nothing to check: exit 3, still one JSON object.
    let empty = write(&k.dir, "empty.cbors", b"");
    let out = verify(&empty, &[]);
    assert_eq!(code(&out), 3);
    assert_eq!(json(&out)["outcome"], "nothing_to_check");
    // An unusable trust file: exit 2.
    let out = run(bin()
        .arg("verify")
        .arg(&good)
        .arg("--trust")
        .arg(&good)
        .args(["--format", "json"]));
    assert_eq!(code(&out), 2);
}

#[test]
fn every_command_help_states_its_exit_codes() {
    let commands: &[&[&str]] = &[
        &[],
        &["keygen"],
        &["inspect"],
        &["verify"],
        &["audit"],
        &["log"],
        &["log", "append"],
        &["log", "checkpoint"],
        &["log", "prove"],
        &["log", "verify"],
        &["trust"],
        &["trust", "add"],
        &["trust", "list"],
        &["trust", "inspect"],
        &["wallet"],
        &["wallet", "summary"],
        &["wallet", "repair"],
        &["demo"],
    ];
    for c in commands {
        let out = run(bin().args(*c).arg("--help"));
        assert_eq!(code(&out), 0, "{c:?}");
        let help = stdout(&out);
        assert!(help.contains("Exit codes"), "{c:?} --help:\n{help}");
        // The same numbers mean the same thing everywhere.
        for line in help.lines().map(str::trim) {
            if line.starts_with("2  ") {
                assert!(
                    line.contains("unusable") || line.contains("usage"),
                    "{c:?}: {line}"
                );
            }
            if line.starts_with("3  ") {
                assert!(line.contains("nothing to check"), "{c:?}: {line}");
            }
        }
    }
}

/// `wallet summary --format html` used to print text; the option is gone
/// (a usage error naming the accepted values) rather than lying.
#[test]
fn wallet_summary_offers_no_html_format() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_consentkit"))
        .args(["wallet", "summary", "no-such.ckw", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("html") && err.contains("text") && err.contains("json"),
        "{err}"
    );
}
