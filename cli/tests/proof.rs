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
