//! `consentkit proof export|verify` and the demo's status lists and receipts.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn demo(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-proof-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    let out = bin()
        .args([
            "demo",
            "--people",
            "6",
            "--days",
            "12",
            "--violations",
            "2",
            "--out",
        ])
        .arg(&d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    d
}

fn code(out: &Output) -> i32 {
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out.status.code().unwrap()
}

fn verify(d: &Path, file: &str, artifact: &str, format: &str) -> Output {
    bin()
        .args(["proof", "verify"])
        .arg(d.join(file))
        .arg("--artifact")
        .arg(d.join(artifact))
        .args(["--format", format, "--log"])
        .arg(d.join("log"))
        .output()
        .unwrap()
}

#[test]
fn demo_publishes_status_lists_and_one_receipt_per_wallet() {
    let d = demo("layout");
    for c in ["traffic.example", "music.example", "experts.example"] {
        let token = std::fs::read(d.join(format!("status/{c}.cwt"))).unwrap();
        let t = consentkit::status::StatusListToken::decode(&token).unwrap();
        assert_eq!(t.token.subject, format!("https://{c}/status/1"));
    }
    let wallets = std::fs::read_dir(d.join("wallets")).unwrap().count();
    let receipts = std::fs::read_dir(d.join("receipts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "cose")
        })
        .count();
    // One per wallet, plus the log's public key (log-key.cose).
    assert_eq!(receipts, wallets + 1);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn proof_verify_checks_cose_receipts_and_tlog_proofs() {
    let d = demo("verify");
    for format in ["cose", "tlog-proof"] {
        let file = format!("receipts/person-0000.{format}");
        assert_eq!(
            code(&verify(&d, &file, "receipts/person-0000.artifact", format)),
            0
        );
        // Another person's artifact: exit 1.
        assert_eq!(
            code(&verify(&d, &file, "receipts/person-0001.artifact", format)),
            1
        );
    }
    // Unusable input: exit 2.
    assert_eq!(
        code(&verify(
            &d,
            "receipts/person-0000.cose",
            "trust.cbor",
            "cose"
        )),
        2
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn proof_export_writes_both_formats_and_needs_the_log_key_for_cose() {
    let d = demo("export");
    let export = |format: &str, key: Option<&str>, out: &str| {
        let mut c = bin();
        c.args(["proof", "export", "--log"])
            .arg(d.join("log"))
            .arg("--artifact")
            .arg(d.join("receipts/person-0002.artifact"))
            .args(["--format", format, "--out"])
            .arg(d.join(out));
        if let Some(k) = key {
            c.arg("--key").arg(d.join(k));
        }
        c.output().unwrap()
    };
    assert_eq!(code(&export("cose", None, "x.cose")), 2);
    // A key that is not the log's: refused.
    assert_eq!(
        code(&export(
            "cose",
            Some("keys/controllers/traffic.example.cose"),
            "x.cose"
        )),
        2
    );
    assert_eq!(code(&export("cose", Some("keys/log.cose"), "x.cose")), 0);
    assert_eq!(code(&export("tlog-proof", None, "x.tlog-proof")), 0);
    std::fs::copy(
        d.join("receipts/person-0002.artifact"),
        d.join("x.artifact"),
    )
    .unwrap();
    assert_eq!(code(&verify(&d, "x.cose", "x.artifact", "cose")), 0);
    assert_eq!(
        code(&verify(&d, "x.tlog-proof", "x.artifact", "tlog-proof")),
        0
    );
    // An artifact that is not in the log: exit 1.
    let mut c = bin();
    c.args(["proof", "export", "--log"])
        .arg(d.join("log"))
        .arg("--artifact")
        .arg(d.join("status/traffic.example.cwt"));
    let out = c
        .args(["--format", "tlog-proof", "--out"])
        .arg(d.join("y"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "a status list token is not an artifact");
    let p = consentkit::sample::Parties::new().unwrap();
    let stranger = consentkit::sample::signed_offer(&p).unwrap();
    std::fs::write(d.join("stranger.cose"), stranger.as_bytes()).unwrap();
    let out = bin()
        .args(["proof", "export", "--log"])
        .arg(d.join("log"))
        .arg("--artifact")
        .arg(d.join("stranger.cose"))
        .args(["--format", "tlog-proof", "--out"])
        .arg(d.join("z"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "not in the log");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn audit_status_list_flags_a_stale_list_and_not_the_demos() {
    use consentkit::status::StatusRegistry;
    use consentkit::{Artifact, Body, KeyPair};
    let d = std::env::temp_dir().join(format!(
        "consentkit-proof-test-{}-stale",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    let out = bin()
        .args(["demo", "--people", "25", "--days", "20", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let at: consentkit::Timestamp = stdout
        .lines()
        .find(|l| l.starts_with("reproduce:"))
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse::<u64>()
        .unwrap()
        .into();
    let audit = |lists: &[PathBuf]| {
        let mut c = bin();
        c.arg("audit")
            .arg(d.join("bundle.cbors"))
            .arg("--trust")
            .arg(d.join("trust.cbor"))
            .args(["--at", &at.to_string(), "--format", "json"]);
        for l in lists {
            c.arg("--status-list").arg(l);
        }
        let out = c.output().unwrap();
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            code(&out),
            j["finding_counts"]["stale_status"].as_u64().unwrap_or(0),
        )
    };
    let demo_lists: Vec<PathBuf> = ["traffic.example", "music.example", "experts.example"]
        .iter()
        .map(|c| d.join(format!("status/{c}.cwt")))
        .collect();
    assert_eq!(audit(&demo_lists), (0, 0), "the demo's lists are current");
    // The withdrawn traffic.example grants, more than an hour before `at`.
    let bundle = std::fs::read(d.join("bundle.cbors")).unwrap();
    let arts: Vec<Artifact> = consentkit::cbor::seq::split(&bundle)
        .filter_map(|f| match f {
            consentkit::cbor::seq::Framed::Item { bytes, .. } => Artifact::decode(&bytes).ok(),
            _ => None,
        })
        .collect();
    let mut withdrawn = std::collections::BTreeSet::new();
    for a in &arts {
        if let Body::Withdrawal(w) = a.body() {
            let g = arts.iter().find(|g| g.id() == w.grant).unwrap();
            if let Body::Grant(g) = g.body() {
                if g.controller == "traffic.example" && w.takes_effect() + 3_600 < at {
                    withdrawn.insert(w.grant);
                }
            }
        }
    }
    assert!(
        !withdrawn.is_empty(),
        "the demo withdraws some traffic.example grants"
    );
    // A list that never caught up: all VALID, signed by the controller.
    let key = KeyPair::from_cose_key(
        &std::fs::read(d.join("keys/controllers/traffic.example.cose")).unwrap(),
    )
    .unwrap();
    let stale = StatusRegistry::new("https://traffic.example/status/1", 1, 1 << 14)
        .unwrap()
        .token(at, 3_600, Some(at + 86_400))
        .sign(&key)
        .unwrap();
    std::fs::write(d.join("stale.cwt"), stale).unwrap();
    assert_eq!(audit(&[d.join("stale.cwt")]), (1, withdrawn.len() as u64));
    let _ = std::fs::remove_dir_all(&d);
}
