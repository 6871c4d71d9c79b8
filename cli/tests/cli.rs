//! End-to-end tests of the `consentkit` binary: exit codes, formats, and
//! the demo's injected violations found exactly by `audit`.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consentkit-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn demo(dir: &Path, violations: u32, seed: u64) -> Output {
    run(bin()
        .args(["demo", "--people", "25", "--days", "20", "--seed"])
        .arg(seed.to_string())
        .arg("--violations")
        .arg(violations.to_string())
        .arg("--out")
        .arg(dir))
}

/// The audit end of the simulation, as printed by the demo's reproduce line.
fn audit_time(demo_stdout: &[u8]) -> String {
    let s = String::from_utf8_lossy(demo_stdout);
    let line = s.lines().find(|l| l.starts_with("reproduce:")).unwrap();
    line.rsplit(' ').next().unwrap().to_owned()
}

fn findings(json: &serde_json::Value) -> BTreeSet<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["artifact"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

#[test]
fn demo_violations_are_found_exactly_by_audit() {
    let dir = tmp("violations");
    let out = demo(&dir, 14, 7);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let at = audit_time(&out.stdout);
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected-findings.json")).unwrap())
            .unwrap();
    let expected: BTreeSet<(String, String)> = expected
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["artifact"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 14);
    // 14 injected violations cover 14 different kinds.
    assert_eq!(
        expected
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<BTreeSet<_>>()
            .len(),
        14
    );
    let report = dir.join("report.json");
    let a = run(bin()
        .arg("audit")
        .arg(dir.join("bundle.cbors"))
        .arg("--trust")
        .arg(dir.join("trust.cbor"))
        .args(["--at", &at, "--format", "json", "--out"])
        .arg(&report));
    assert_eq!(a.status.code(), Some(1), "findings give exit code 1");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(findings(&json), expected, "none missing, none extra");
    // The same with the transparency log the demo wrote: every valid artifact is in it.
    let logged = dir.join("report-log.json");
    let a = run(bin()
        .arg("audit")
        .arg(dir.join("bundle.cbors"))
        .arg("--trust")
        .arg(dir.join("trust.cbor"))
        .arg("--log")
        .arg(dir.join("log"))
        .args(["--at", &at, "--format", "json", "--out"])
        .arg(&logged));
    assert_eq!(a.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&logged).unwrap()).unwrap();
    assert_eq!(
        findings(&json),
        expected,
        "with the log: none missing, none extra"
    );
}

#[test]
fn clean_demo_audits_clean_and_is_deterministic() {
    let a = tmp("clean-a");
    let b = tmp("clean-b");
    let out = demo(&a, 0, 3);
    assert!(out.status.success());
    assert!(demo(&b, 0, 3).status.success());
    assert_eq!(
        std::fs::read(a.join("bundle.cbors")).unwrap(),
        std::fs::read(b.join("bundle.cbors")).unwrap(),
        "same seed, same bundle"
    );
    let c = tmp("clean-c");
    assert!(demo(&c, 0, 4).status.success());
    assert_ne!(
        std::fs::read(a.join("bundle.cbors")).unwrap(),
        std::fs::read(c.join("bundle.cbors")).unwrap()
    );
    let at = audit_time(&out.stdout);
    let text = run(bin()
        .arg("audit")
        .arg(a.join("bundle.cbors"))
        .arg("--trust")
        .arg(a.join("trust.cbor"))
        .args(["--at", &at]));
    assert_eq!(text.status.code(), Some(0));
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(
        s.contains("no findings") && s.contains("traffic.example") && s.contains("data_receipt"),
        "{s}"
    );
    // HTML: one self-contained file.
    let html = a.join("r.html");
    let h = run(bin()
        .arg("audit")
        .arg(a.join("bundle.cbors"))
        .arg("--trust")
        .arg(a.join("trust.cbor"))
        .args(["--at", &at, "--format", "html", "--out"])
        .arg(&html));
    assert_eq!(h.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<svg")
            && page.contains("Per controller")
            && !page.contains("<script")
            && !page.contains("http://")
    );
    // The demo's people have wallet secrets and keys for reproduction.
    assert!(a.join("keys/people/person-0000.cose").exists());
    assert!(a.join("keys/controllers/traffic.example.cose").exists());
}

#[test]
fn unusable_input_exits_2_with_a_message() {
    let dir = tmp("bad");
    std::fs::write(dir.join("garbage"), b"not cbor at all").unwrap();
    let out = run(bin()
        .arg("audit")
        .arg(dir.join("garbage"))
        .arg("--trust")
        .arg(dir.join("garbage")));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage"));
    let out = run(bin()
        .arg("audit")
        .arg(dir.join("missing.cbors"))
        .arg("--trust")
        .arg(dir.join("garbage")));
    assert_eq!(out.status.code(), Some(2));
    let d = tmp("bad-at");
    assert!(demo(&d, 0, 1).status.success());
    let out = run(bin()
        .arg("audit")
        .arg(d.join("bundle.cbors"))
        .arg("--trust")
        .arg(d.join("trust.cbor"))
        .args(["--at", "yesterday"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at"));
}

#[test]
fn keygen_inspect_verify() {
    let dir = tmp("tools");
    for alg in ["ed25519", "es256"] {
        let key = dir.join(format!("{alg}.cose"));
        let public = dir.join(format!("{alg}.pub.cose"));
        let out = run(bin()
            .args(["keygen", "--alg", alg, "--out"])
            .arg(&key)
            .arg("--public")
            .arg(&public));
        assert!(out.status.success());
        let kid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert_eq!(kid.len(), 64, "the kid is a SHA-256 thumbprint");
        let k = consentkit::KeyPair::from_cose_key(&std::fs::read(&key).unwrap()).unwrap();
        assert_eq!(k.kid().to_string(), kid);
        assert_eq!(
            consentkit::PublicKey::from_cose_key(&std::fs::read(&public).unwrap())
                .unwrap()
                .kid()
                .to_string(),
            kid
        );
    }
    // inspect and verify the sample artifacts
    let p = consentkit::sample::Parties::new().unwrap();
    let all = consentkit::sample::all(&p).unwrap();
    let bundle = dir.join("sample.cbors");
    std::fs::write(&bundle, consentkit::audit::to_sequence(all.iter())).unwrap();
    std::fs::write(dir.join("trust.cbor"), p.trust().to_cose_key_set()).unwrap();
    let out = run(bin().arg("inspect").arg(&bundle));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);
    assert_eq!(json[0]["type"], "offer");
    let single = dir.join("offer.cose");
    std::fs::write(&single, all[0].as_bytes()).unwrap();
    let out = run(bin().arg("inspect").arg(&single));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["body"]["controller"], "traffic.example");
    let out = run(bin()
        .arg("verify")
        .arg(&bundle)
        .arg("--trust")
        .arg(dir.join("trust.cbor")));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("6 verified, 0 failed, 0 unreadable"));
    // An empty trust set: nothing verifies.
    std::fs::write(
        dir.join("empty.cbor"),
        consentkit::TrustSet::new().to_cose_key_set(),
    )
    .unwrap();
    let out = run(bin()
        .arg("verify")
        .arg(&bundle)
        .arg("--trust")
        .arg(dir.join("empty.cbor")));
    assert_eq!(out.status.code(), Some(1));
    // A corrupted file: a failed verification, exit 1 as in `audit` (issue 10).
    let mut b = all[3].as_bytes().to_vec();
    b.truncate(b.len() - 5);
    std::fs::write(dir.join("cut.cose"), b).unwrap();
    let out = run(bin()
        .arg("verify")
        .arg(dir.join("cut.cose"))
        .arg("--trust")
        .arg(dir.join("trust.cbor")));
    assert_eq!(out.status.code(), Some(1));
    let out = run(bin().arg("inspect").arg(dir.join("cut.cose")));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn demo_writes_one_wallet_per_person_and_wallets_flag_violations() {
    let dir = tmp("wallets");
    let out = demo(&dir, 14, 11);
    assert!(out.status.success());
    let at = audit_time(&out.stdout);
    let wallets: Vec<_> = std::fs::read_dir(dir.join("wallets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(wallets.len(), 25, "one wallet per person");
    let (mut clean, mut flagged) = (0, 0);
    for w in &wallets {
        let out = run(bin()
            .args(["wallet", "summary"])
            .arg(w)
            .args(["--at", &at, "--format", "json"]));
        let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let violations = s["violations"].as_array().unwrap().len();
        match out.status.code() {
            Some(0) => {
                assert_eq!(violations, 0);
                clean += 1
            }
            Some(1) => {
                assert!(violations > 0);
                flagged += 1
            }
            other => panic!("{}: exit {other:?}", w.display()),
        }
    }
    // Injected consent violations land in their person's wallet; forged ones are refused by it.
    assert!(
        flagged >= 1 && clean >= 1,
        "flagged {flagged}, clean {clean}"
    );
    let text = run(bin()
        .args(["wallet", "summary"])
        .arg(&wallets[0])
        .args(["--at", &at]));
    let t = String::from_utf8_lossy(&text.stdout);
    assert!(
        t.contains("What I shared") && t.contains("What I received"),
        "{t}"
    );
    let bad = run(bin()
        .args(["wallet", "summary"])
        .arg(dir.join("bundle.cbors")));
    assert_eq!(bad.status.code(), Some(2));
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Issue 10: `keygen` silently overwrote a private key.
#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let dir = tmp("keygen-force");
    let key = dir.join("k.cose");
    let public = dir.join("k.pub.cose");
    let gen = |force: bool| {
        let mut c = bin();
        c.args(["keygen", "--out"])
            .arg(&key)
            .arg("--public")
            .arg(&public);
        if force {
            c.arg("--force");
        }
        run(&mut c)
    };
    assert!(gen(false).status.success());
    let first = std::fs::read(&key).unwrap();
    let again = gen(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read(&key).unwrap(), first, "the key is untouched");
    // Only the public file existing is refused too (nothing is written).
    std::fs::remove_file(&key).unwrap();
    assert_eq!(gen(false).status.code(), Some(2));
    assert!(!key.exists());
    std::fs::write(&key, &first).unwrap();
    assert!(gen(true).status.success());
    assert_ne!(std::fs::read(&key).unwrap(), first, "--force replaces it");
    #[cfg(unix)]
    assert_eq!(mode(&key), 0o600, "a replaced key is 0600 as well");
}

/// Issue 10: private keys, the demo's `keys/` and wallets were created 0644.
#[cfg(unix)]
#[test]
fn secret_files_are_created_0600() {
    let dir = tmp("modes");
    let key = dir.join("k.cose");
    assert!(
        run(bin().args(["keygen", "--alg", "es256", "--out"]).arg(&key))
            .status
            .success()
    );
    assert_eq!(mode(&key), 0o600);
    let d = dir.join("demo");
    assert!(demo(&d, 0, 3).status.success());
    let mut secrets = 0;
    for sub in [
        "keys",
        "keys/people",
        "keys/controllers",
        "keys/partners",
        "wallets",
    ] {
        for e in std::fs::read_dir(d.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                assert_eq!(mode(&p), 0o600, "{}", p.display());
                secrets += 1;
            }
        }
    }
    assert!(secrets > 50, "{secrets}");
}

/// Issue 10: `wallet summary` truncated a damaged wallet it was only asked
/// to read. Now it reads, reports, exits 1 and leaves the file; `wallet
/// repair` is the explicit rewrite and says what it drops.
#[test]
fn wallet_summary_never_writes_and_repair_says_what_it_drops() {
    let d = tmp("wallet-repair");
    let out = demo(&d, 0, 5);
    assert!(out.status.success());
    let at = audit_time(&out.stdout);
    let mut wallets: Vec<_> = std::fs::read_dir(d.join("wallets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    wallets.sort();
    let w = &wallets[0];
    let summary = |fmt: &str| {
        run(bin()
            .args(["wallet", "summary"])
            .arg(w)
            .args(["--at", &at, "--format", fmt]))
    };
    let clean = summary("json");
    let clean_code = clean.status.code();
    let clean_json: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(clean_json["problems"].as_array().unwrap().len(), 0);
    let good = std::fs::read(w).unwrap();
    // A torn last record.
    let mut torn = good.clone();
    torn.extend_from_slice(&[0, 0, 2, 0, 1, 2, 3, 4, 5, 6, 7]);
    std::fs::write(w, &torn).unwrap();
    let out = summary("json");
    assert_eq!(out.status.code(), Some(1));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["problems"].as_array().unwrap().len(), 1);
    assert_eq!(
        s["grants"], clean_json["grants"],
        "everything before is read"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("torn"));
    assert!(String::from_utf8_lossy(&summary("text").stdout).contains("damaged record"));
    assert_eq!(std::fs::read(w).unwrap(), torn, "summary never writes");
    let rep = run(bin().args(["wallet", "repair"]).arg(w));
    assert_eq!(rep.status.code(), Some(0));
    let msg = String::from_utf8_lossy(&rep.stdout);
    assert!(msg.contains("dropped 11 bytes"), "{msg}");
    assert_eq!(std::fs::read(w).unwrap(), good);
    assert_eq!(summary("json").status.code(), clean_code);
    let again = run(bin().args(["wallet", "repair"]).arg(w));
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to repair"));
    // Not a wallet: exit 2, file untouched.
    let bundle = std::fs::read(d.join("bundle.cbors")).unwrap();
    let r = run(bin().args(["wallet", "repair"]).arg(d.join("bundle.cbors")));
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(std::fs::read(d.join("bundle.cbors")).unwrap(), bundle);
}

/// A wallet with no artifact is "nothing to check" (exit 3), not clean; a
/// wallet whose keys are held elsewhere is still readable.
#[test]
fn wallet_summary_of_an_empty_or_external_wallet() {
    use consentkit::wallet::{Wallet, WalletKey};
    let d = tmp("wallet-empty");
    let path = d.join("empty.ckw");
    Wallet::create(&path, WalletKey::Ed25519).unwrap();
    let out = run(bin().args(["wallet", "summary"]).arg(&path));
    assert_eq!(out.status.code(), Some(3));
    let ext = d.join("external.ckw");
    let mut w = Wallet::create(&ext, WalletKey::PublicOnly).unwrap();
    let p = consentkit::sample::Parties::new().unwrap();
    w.trust_key(
        consentkit::Signer::public_key(&p.controller),
        consentkit::Role::Controller,
        consentkit::sample::CONTROLLER,
    )
    .unwrap();
    let offer = consentkit::sample::signed_offer(&p).unwrap();
    w.receive(offer.as_bytes(), consentkit::sample::T0).unwrap();
    drop(w);
    let out = run(bin()
        .args(["wallet", "summary"])
        .arg(&ext)
        .args(["--at", &consentkit::sample::T0.to_string()]));
    assert_eq!(out.status.code(), Some(0));
}

/// `consentkit export`: the exit codes its --help documents.
#[test]
fn export_writes_both_formats_with_documented_exit_codes() {
    let dir = tmp("export");
    let d = demo(&dir, 0, 1);
    assert!(d.status.success());
    let at = audit_time(&d.stdout);
    let bundle = dir.join("bundle.cbors");
    let controllers = dir.join("controllers.json");
    let export = |fmt: &str, extra: &[&str]| {
        run(bin()
            .args(["export", "--format", fmt])
            .arg(&bundle)
            .arg("--controllers")
            .arg(&controllers)
            .args(extra))
    };

    // 0: every grant (Kantara) / grant and refusal (ISO), as a JSON array.
    let k = export("kantara", &["--at", &at]);
    assert_eq!(k.status.code(), Some(0));
    let receipts: Vec<serde_json::Value> = serde_json::from_slice(&k.stdout).unwrap();
    assert!(!receipts.is_empty());
    assert!(receipts.iter().all(|r| r["version"] == "KI-CR-v1.1.0"));
    let iso = export("iso27560", &["--at", &at]);
    assert_eq!(iso.status.code(), Some(0));
    let records: Vec<serde_json::Value> = serde_json::from_slice(&iso.stdout).unwrap();
    assert!(records.len() > receipts.len(), "refusals are records too");

    // One grant by id, written to --out.
    let id = receipts[0]["consentReceiptID"].as_str().unwrap();
    let out = dir.join("one.json");
    let one = export(
        "kantara",
        &["--at", &at, id, "--out", out.to_str().unwrap()],
    );
    assert_eq!(one.status.code(), Some(0));
    let written: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written, vec![receipts[0].clone()]);

    // 3: nothing given yet.
    let none = export("kantara", &["--at", "2000-01-01T00:00:00Z"]);
    assert_eq!(none.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&none.stderr).contains("nothing to export"));

    // 2: an id not in the bundle, a bad id, incomplete controller info.
    for bad in [
        export(
            "kantara",
            &["--at", &at, "00000000000000000000000000000000"],
        ),
        export("kantara", &["--at", &at, "xyz"]),
    ] {
        assert_eq!(bad.status.code(), Some(2));
        assert!(!bad.stderr.is_empty());
    }
    std::fs::write(&controllers, r#"{"controllers": []}"#).unwrap();
    let bad = export("iso27560", &["--at", &at]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no controller info given"));

    let help = run(bin().args(["export", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout);
    for code in [
        "0  exported",
        "1  some grants",
        "2  unusable",
        "3  nothing to export",
    ] {
        assert!(help.contains(code), "--help lacks {code:?}");
    }
}

/// Exit 1: a grant taking more than its offer is named, the rest exported.
#[test]
fn export_names_what_it_cannot_export_and_exits_1() {
    let dir = tmp("export-violations");
    let d = demo(&dir, 14, 1);
    assert!(d.status.code().is_some());
    let at = audit_time(&d.stdout);
    let out = run(bin()
        .args(["export", "--format", "kantara"])
        .arg(dir.join("bundle.cbors"))
        .arg("--controllers")
        .arg(dir.join("controllers.json"))
        .args(["--at", &at]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not exported") && stderr.contains("is not in the offer"),
        "{stderr}"
    );
    let docs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!docs.is_empty());
}

/// The demo publishes a witnessed log: every checkpoint is cosigned by the
/// demo's witness, an audit under its policy (`witness-policy.txt`) finds
/// the quorum met with the same findings as without it, and `log verify
/// --policy` accepts the log; a policy naming another witness does not.
#[test]
fn demo_publishes_a_witnessed_log_that_audits_under_its_policy() {
    let dir = tmp("witnessed");
    let out = demo(&dir, 14, 7);
    assert!(out.status.success());
    let at = audit_time(&out.stdout);
    let audit = |policy: Option<&Path>| {
        let mut cmd = bin();
        cmd.arg("audit")
            .arg(dir.join("bundle.cbors"))
            .arg("--trust")
            .arg(dir.join("trust.cbor"))
            .arg("--log")
            .arg(dir.join("log"))
            .args(["--at", &at, "--format", "json"]);
        if let Some(p) = policy {
            cmd.arg("--policy").arg(p);
        }
        let o = run(&mut cmd);
        assert_eq!(o.status.code(), Some(1), "the demo has findings");
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let policy = dir.join("witness-policy.txt");
    let plain = audit(None);
    let witnessed = audit(Some(&policy));
    assert_eq!(findings(&plain), findings(&witnessed));
    let w = &witnessed["provenance"]["log"]["witnesses"];
    assert_eq!(w["quorum_met"], true, "{w}");
    assert_eq!(w["cosigners"][0]["key_name"], "witness.demo.example/w1");
    // One cosigned checkpoint per simulated week and the last one: 20 days.
    assert_eq!(w["witnessed_checkpoints"], 4, "{w}");
    let verify = run(bin()
        .args(["log", "verify"])
        .arg(dir.join("log"))
        .arg("--vkey")
        .arg(dir.join("log").join("vkey"))
        .arg("--policy")
        .arg(&policy));
    assert_eq!(verify.status.code(), Some(0));
    // Another witness's policy: the same log is not witnessed.
    let text = std::fs::read_to_string(&policy).unwrap();
    let other = dir.join("other-policy.txt");
    let key = dir.join("stranger.cose");
    assert!(run(bin().arg("keygen").arg("--out").arg(&key))
        .status
        .success());
    let vkey = run(bin()
        .args(["witness", "vkey", "--key"])
        .arg(&key)
        .args(["--name", "other.example/w9"]));
    assert!(vkey.status.success());
    let stranger = format!(
        "witness demo {}",
        String::from_utf8(vkey.stdout).unwrap().trim()
    );
    let stranger = stranger.as_str();
    std::fs::write(
        &other,
        text.lines()
            .map(|l| {
                if l.starts_with("witness ") {
                    stranger
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n",
    )
    .unwrap();
    let unwitnessed = audit(Some(&other));
    assert!(findings(&unwitnessed).contains(&("not_witnessed".to_owned(), "-".to_owned())));
    assert_eq!(
        unwitnessed["provenance"]["log"]["witnesses"]["quorum_met"],
        false
    );
    // The wallets accept the log's checkpoint only under the policy's quorum:
    // the demo's witness cosigned it, a stranger's policy leaves it unaccepted.
    let summary = |wallet: &Path, policy: Option<&Path>| {
        let mut cmd = bin();
        cmd.args(["wallet", "summary"])
            .arg(wallet)
            .args(["--at", &at, "--format", "json"]);
        if let Some(p) = policy {
            cmd.arg("--policy").arg(p);
        }
        let o = run(&mut cmd);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), v)
    };
    let mut wallets: Vec<_> = std::fs::read_dir(dir.join("wallets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    wallets.sort();
    let clean = wallets
        .iter()
        .find(|w| summary(w, None).0 == Some(0))
        .expect("a wallet without violations");
    let (code, v) = summary(clean, Some(&policy));
    assert_eq!(code, Some(0), "{v}");
    let check = &v["witnessed"][0];
    assert_eq!(check["origin"], "log.consentkit.example/demo", "{v}");
    assert!(!check["witnessed"].as_array().unwrap().is_empty(), "{v}");
    assert!(check["not_witnessed"].as_array().unwrap().is_empty(), "{v}");
    assert!(!check["proven"].as_array().unwrap().is_empty(), "{v}");
    assert!(check["backdated"].as_array().unwrap().is_empty(), "{v}");
    let (code, v) = summary(clean, Some(&other));
    assert_eq!(
        code,
        Some(1),
        "not witnessed under a stranger's policy: {v}"
    );
    let check = &v["witnessed"][0];
    assert!(check["witnessed"].as_array().unwrap().is_empty(), "{v}");
    assert!(
        !check["not_witnessed"].as_array().unwrap().is_empty(),
        "{v}"
    );
    assert!(check["proven"].as_array().unwrap().is_empty(), "{v}");
    // The demo regenerates its output in place: a second run into the same
    // directory succeeds, and the witness key is still private (0600).
    let again = demo(&dir, 14, 7);
    assert!(again.status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("keys").join("witness.cose"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
