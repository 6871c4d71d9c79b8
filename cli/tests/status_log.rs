//! Status List Tokens in the transparency log, end to end with the binary
//! (issue 14): `consentkit log append --status-list` logs a controller's
//! list (and refuses one no trusted controller signed), and `consentkit
//! audit --log` finds a stale list from the log alone.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use consentkit::artifact::{Artifact, Body};
use consentkit::cbor::seq::{split, Framed};
use consentkit::log::TileLog;
use consentkit::status::StatusRegistry;
use consentkit::KeyPair;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-cli-status-log-{}-{name}",
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

fn stale_count(dir: &Path, at: &str, log: bool) -> usize {
    let mut cmd = bin();
    cmd.arg("audit")
        .arg(dir.join("bundle.cbors"))
        .arg("--trust")
        .arg(dir.join("trust.cbor"))
        .args(["--at", at, "--format", "json"]);
    if log {
        cmd.arg("--log").arg(dir.join("log"));
    }
    let o = run(&mut cmd);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "stale_status")
        .count()
}

#[test]
fn demo_logs_status_lists_and_audit_finds_a_stale_list_from_the_log_alone() {
    let dir = tmp("stale");
    let out = run(bin()
        .args(["demo", "--people", "25", "--days", "20", "--seed", "5"])
        .args(["--violations", "0", "--out"])
        .arg(&dir));
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let at = stdout
        .lines()
        .find(|l| l.starts_with("reproduce:"))
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    // The demo logs each controller's list every week and at the end.
    let logged = TileLog::open(&dir.join("log"))
        .unwrap()
        .status_lists()
        .len();
    assert!(logged >= 3 * 3, "{logged} status lists logged");
    // The demo's own lists are up to date: nothing stale, from files or log.
    assert_eq!(stale_count(&dir, &at, true), 0);

    // A withdrawn grant with a status claim, and its controller's key.
    let bundle = std::fs::read(dir.join("bundle.cbors")).unwrap();
    let arts: Vec<Artifact> = split(&bundle)
        .filter_map(|f| match f {
            Framed::Item { bytes, .. } => Artifact::decode(&bytes).ok(),
            _ => None,
        })
        .collect();
    let (grant, withdrawn_at) = arts
        .iter()
        .filter_map(|a| match a.body() {
            Body::Withdrawal(w) => Some((w.grant, w.effective_at.max(w.issued_at))),
            _ => None,
        })
        .find_map(|(id, t)| {
            arts.iter()
                .filter(|g| g.id() == id)
                .find_map(|g| match g.body() {
                    Body::Grant(g) if g.status.is_some() => Some((g.clone(), t)),
                    _ => None,
                })
        })
        .expect("the demo has a withdrawn grant with a status claim");
    let r = grant.status.clone().unwrap();
    let key = KeyPair::from_cose_key(
        &std::fs::read(
            dir.join("keys")
                .join("controllers")
                .join(format!("{}.cose", grant.controller)),
        )
        .unwrap(),
    )
    .unwrap();
    // The controller publishes a list that still says VALID a day later.
    let registry = StatusRegistry::new(r.uri.clone(), 1, 1 << 14).unwrap();
    let stale = registry
        .token(withdrawn_at + 86_400, 3_600, None)
        .sign(&key)
        .unwrap();
    let token = dir.join("stale.cwt");
    std::fs::write(&token, &stale).unwrap();
    // A list nobody trusted signed is refused, and nothing is appended.
    let stranger = dir.join("stranger.cwt");
    std::fs::write(
        &stranger,
        registry
            .token(withdrawn_at + 86_400, 3_600, None)
            .sign(&KeyPair::ed25519_from_seed(&[3; 32]).unwrap())
            .unwrap(),
    )
    .unwrap();
    let size = TileLog::open(&dir.join("log")).unwrap().size();
    let append = |file: &Path| {
        run(bin()
            .args(["log", "append"])
            .arg(dir.join("log"))
            .arg("--status-list")
            .arg(file)
            .arg("--trust")
            .arg(dir.join("trust.cbor"))
            .arg("--key")
            .arg(dir.join("keys").join("log.cose")))
    };
    let refused = append(&stranger);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(TileLog::open(&dir.join("log")).unwrap().size(), size);
    let appended = append(&token);
    assert_eq!(appended.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&appended.stdout).contains("appended status list"));
    // Logged, the stale list is found by the audit with the log alone; the
    // audit without the log does not see it.
    assert_eq!(stale_count(&dir, &at, true), 1);
    assert_eq!(stale_count(&dir, &at, false), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
