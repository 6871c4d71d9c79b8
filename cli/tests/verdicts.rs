//! Verdicts that cannot be gamed, end to end: exit codes (0 clean, 1
//! findings or failed verification, 2 unusable input, 3 nothing to check),
//! profile breakers that do not stop `inspect`, `verify` or `audit`,
//! provenance in the report, and input errors for bad times and checkpoints.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use consentkit::audit::to_sequence;
use consentkit::cbor::{self, Value};
use consentkit::log::TileLog;
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, KeyPair, Role, Signer, Term};

const ORIGIN: &str = "log.example/cli";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-cli-verdicts-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Setup {
    dir: PathBuf,
    trust: PathBuf,
    items: Vec<Artifact>,
    violation: Artifact,
    p: Parties,
    log_key: KeyPair,
}

/// Sample artifacts, a violation, and a trust file that also trusts a log key.
fn setup(name: &str) -> Setup {
    let dir = tmp(name);
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[5; 32]).unwrap();
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, ORIGIN);
    let t = dir.join("trust.cbor");
    std::fs::write(&t, trust.to_cose_key_set()).unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let mut r = sample::receipt(&grant).unwrap();
    r.purpose = Term::new("dpv:Marketing").unwrap().into();
    let violation = r
        .sign_known_violation(
            &p.controller,
            &consentkit::KnownViolation::new("a violation for the audit to find"),
        )
        .unwrap();
    Setup {
        dir,
        trust: t,
        items: vec![offer, grant, receipt],
        violation,
        p,
        log_key,
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, bytes).unwrap();
    f
}

const AT: &str = "2026-12-01T00:00:00Z";

fn audit(s: &Setup, bundle: &Path, extra: &[&str]) -> Output {
    run(bin()
        .arg("audit")
        .arg(bundle)
        .arg("--trust")
        .arg(&s.trust)
        .args(["--at", AT])
        .args(extra))
}

fn verify(s: &Setup, file: &Path) -> Output {
    run(bin().arg("verify").arg(file).arg("--trust").arg(&s.trust))
}

/// The receipt with its COSE array in indefinite-length form (breaks the profile, is well-formed).
fn indefinite_array(a: &Artifact) -> Vec<u8> {
    let Value::Tag(_, inner) = cbor::decode(a.as_bytes()).unwrap() else {
        panic!()
    };
    let Value::Array(items) = *inner else {
        panic!()
    };
    let mut out = vec![0xd2, 0x9f];
    for x in &items {
        out.extend(x.to_vec());
    }
    out.push(0xff);
    out
}

#[test]
fn an_empty_file_is_nothing_to_check_exit_3() {
    let s = setup("empty");
    let empty = write(&s.dir, "empty.cbors", b"");
    for out in [
        audit(&s, &empty, &[]),
        verify(&s, &empty),
        run(bin().arg("inspect").arg(&empty)),
    ] {
        assert_eq!(out.status.code(), Some(3));
        assert!(
            stderr(&out).contains("nothing to audit: the bundle holds no artifact"),
            "{}",
            stderr(&out)
        );
        assert!(!stdout(&out).contains("no findings"));
    }
    let json = audit(&s, &empty, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(3));
    let j: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(j["outcome"], "empty");
    // A clean bundle is still 0, with outcome "clean".
    let bundle = write(&s.dir, "clean.cbors", &to_sequence(s.items.iter()));
    let out = audit(&s, &bundle, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["outcome"], "clean");
}

#[test]
fn verify_exits_1_on_failed_verification_as_audit_does() {
    let s = setup("verify1");
    // A truncated artifact: a failed verification, not unusable input.
    let mut cut = s.items[1].as_bytes().to_vec();
    cut.truncate(cut.len() - 5);
    let cut = write(&s.dir, "cut.cose", &cut);
    assert_eq!(verify(&s, &cut).status.code(), Some(1));
    assert_eq!(audit(&s, &cut, &[]).status.code(), Some(1));
    assert_eq!(run(bin().arg("inspect").arg(&cut)).status.code(), Some(1));
    // An artifact signed by a key the trust file does not hold.
    let mut only_log = consentkit::TrustSet::new();
    only_log.insert(s.log_key.public_key(), Role::Log, ORIGIN);
    let t = write(&s.dir, "only-log.cbor", &only_log.to_cose_key_set());
    let f = write(&s.dir, "offer.cose", s.items[0].as_bytes());
    let out = run(bin().arg("verify").arg(&f).arg("--trust").arg(&t));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAILED  offer"), "{}", stdout(&out));
    // A missing trust file is unusable input.
    let out = run(bin()
        .arg("verify")
        .arg(&f)
        .arg("--trust")
        .arg(s.dir.join("missing")));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn profile_breakers_do_not_stop_inspect_verify_or_audit() {
    let s = setup("breakers");
    let mut bundle = to_sequence(s.items.iter());
    let breaker_at = bundle.len();
    bundle.extend(indefinite_array(&s.items[2]));
    let mut big = vec![0x5a, 0x00, 0x01, 0x11, 0x70];
    big.resize(5 + 70_000, 0);
    bundle.extend(&big);
    let mut deep = vec![0x81; 17];
    deep.push(0);
    bundle.extend(&deep);
    bundle.extend(s.violation.as_bytes());
    let f = write(&s.dir, "breakers.cbors", &bundle);
    // inspect: every item, the one after the breakers included.
    let out = run(bin().arg("inspect").arg(&f));
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = j.as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(items[3]["offset"], breaker_at);
    assert_eq!(
        items[3]["id"],
        s.items[2].id().to_string(),
        "the id is computed"
    );
    assert_eq!(items[4]["size"], 70_005);
    assert_eq!(items[6]["id"], s.violation.id().to_string());
    // verify: 4 verified (3 + the violation), 3 unreadable.
    let out = verify(&s, &f);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("4 verified, 0 failed, 3 unreadable"),
        "{}",
        stdout(&out)
    );
    // audit: the violation after the breakers is found; malformed findings carry the id.
    let out = audit(&s, &f, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = j["findings"].as_array().unwrap();
    assert!(findings.iter().any(
        |f| f["kind"] == "purpose_not_granted" && f["artifact"] == s.violation.id().to_string()
    ));
    let malformed: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "malformed")
        .collect();
    assert_eq!(malformed.len(), 3);
    assert!(malformed
        .iter()
        .any(|f| f["artifact"] == s.items[2].id().to_string() && f["offset"] == breaker_at));
    assert_eq!(j["outcome"], "findings");
    assert_eq!(
        j["provenance"]["bundle_sha256"],
        hex::encode(consentkit::artifact::sha256(&bundle))
    );
}

#[test]
fn at_refuses_milliseconds_and_times_outside_2000_to_2099() {
    let s = setup("at");
    let bundle = write(&s.dir, "b.cbors", &to_sequence(s.items.iter()));
    for bad in [
        "1790812800000",
        "1790812800000000",
        "99999999999999999999999",
        "946684799",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
        "4102444800",
        "0",
    ] {
        let out = run(bin()
            .arg("audit")
            .arg(&bundle)
            .arg("--trust")
            .arg(&s.trust)
            .args(["--at", bad]));
        assert_eq!(out.status.code(), Some(2), "--at {bad}");
        assert!(stderr(&out).contains("--at"), "{}", stderr(&out));
    }
    let out = run(bin()
        .arg("audit")
        .arg(&bundle)
        .arg("--trust")
        .arg(&s.trust)
        .args(["--at", "1790812800000"]));
    assert!(stderr(&out).contains("milliseconds"), "{}", stderr(&out));
    for good in [
        "946684800",
        "2000-01-01T00:00:00Z",
        "4102444799",
        &(T0 + 86_400).to_string(),
    ] {
        let out = run(bin()
            .arg("audit")
            .arg(&bundle)
            .arg("--trust")
            .arg(&s.trust)
            .args(["--at", good]));
        assert_ne!(out.status.code(), Some(2), "--at {good}");
    }
}

#[test]
fn a_garbage_checkpoint_is_unusable_input_and_the_report_names_the_log() {
    let s = setup("checkpoint");
    let logdir = s.dir.join("log");
    let mut log = TileLog::create(&logdir, ORIGIN, &s.log_key).unwrap();
    for a in &s.items {
        log.append_artifact(a, &s.p.trust()).unwrap();
    }
    log.publish(&s.log_key).unwrap();
    let kept = write(
        &s.dir,
        "kept.note",
        TileLog::open(&logdir).unwrap().checkpoint_note().as_bytes(),
    );
    let bundle = write(&s.dir, "b.cbors", &to_sequence(s.items.iter()));
    let garbage = write(&s.dir, "garbage.note", b"this is no checkpoint\n");
    let out = audit(
        &s,
        &bundle,
        &[
            "--log",
            logdir.to_str().unwrap(),
            "--checkpoint",
            garbage.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--checkpoint"), "{}", stderr(&out));
    assert!(stderr(&out).contains("garbage.note"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("log_inconsistent"));
    // A real checkpoint: held against the log and named in the report.
    let with_log = audit(
        &s,
        &bundle,
        &[
            "--log",
            logdir.to_str().unwrap(),
            "--checkpoint",
            kept.to_str().unwrap(),
        ],
    );
    assert_eq!(with_log.status.code(), Some(0), "{}", stdout(&with_log));
    let without = audit(&s, &bundle, &[]);
    assert_eq!(without.status.code(), Some(0));
    let (t_log, t_plain) = (stdout(&with_log), stdout(&without));
    assert_ne!(t_log, t_plain, "text with and without --log differ");
    assert!(
        t_log.contains(&format!("log: {ORIGIN} at size 3")),
        "{t_log}"
    );
    assert!(t_log.contains("checkpoint given by the auditor: size 3"));
    assert!(t_log.contains("0 signature(s) checked against the trust set, 4 admitted"));
    assert!(t_plain.contains("log: none"));
    assert!(t_plain.contains("4 signature(s) checked against the trust set"));
    // --verify-logged: checked anyway, and the HTML footer says so.
    let html = s.dir.join("r.html");
    let out = audit(
        &s,
        &bundle,
        &[
            "--log",
            logdir.to_str().unwrap(),
            "--verify-logged",
            "--format",
            "html",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("4 signature(s) checked against the trust set."));
    assert!(!page.contains("admitted without"));
    assert!(!page.contains("Every signature was checked"));
}

#[test]
fn help_documents_the_exit_codes() {
    for cmd in ["audit", "verify", "inspect"] {
        let out = run(bin().args([cmd, "--help"]));
        let h = stdout(&out);
        for line in [
            "0  checked, no findings",
            "1  findings or failed verification",
            "2  unusable input",
            "3  nothing to check",
        ] {
            assert!(h.contains(line), "{cmd} --help lacks {line:?}:\n{h}");
        }
    }
}
