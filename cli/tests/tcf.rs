//! `consentkit tcf`: decode, encode, import and export through the binary,
//! with their exit codes, and the fixtures the IAB interop run
//! (`tests/interop/tcf/`) signs its imported grant with.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use consentkit::sample;

/// Made by `@iabtechlabtcf/core` 1.5.21 (see core/src/tcf/tests.rs):
/// purposes 1, 2, 3, 4, 7, 9, 10, special feature 1, vendors 1, 3, 755.
const IAB_VECTOR: &str =
    "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consentkit-tcf-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The sample controller's offer and private key (fixed seeds: never for
/// real use), as the interop run reads them.
fn fixtures() -> (Vec<u8>, Vec<u8>) {
    let p = sample::Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    (offer.as_bytes().to_vec(), p.controller.to_cose_key())
}

fn write_fixtures(dir: &Path) {
    let (offer, key) = fixtures();
    std::fs::write(dir.join("offer.cose"), offer).unwrap();
    std::fs::write(dir.join("controller.key"), key).unwrap();
}

/// The committed fixtures are exactly what the sample parties produce
/// (set CONSENTKIT_WRITE_TCF_FIXTURES=1 to rewrite them).
#[test]
fn tcf_interop_fixtures_are_the_sample_offer_and_key() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/tcf/fixtures");
    if std::env::var_os("CONSENTKIT_WRITE_TCF_FIXTURES").is_some() {
        write_fixtures(&dir);
    }
    let (offer, key) = fixtures();
    assert_eq!(std::fs::read(dir.join("offer.cose")).unwrap(), offer);
    assert_eq!(std::fs::read(dir.join("controller.key")).unwrap(), key);
}

#[test]
fn tcf_decode_prints_the_fields_and_refuses_bad_strings_with_exit_2() {
    let out = run(bin().args(["tcf", "decode", IAB_VECTOR]));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["purpose_consents"],
        serde_json::json!([1, 2, 3, 4, 7, 9, 10])
    );
    assert_eq!(v["vendor_consents"], serde_json::json!([1, 3, 755]));
    assert_eq!(v["policy_version"], 5);

    let core = IAB_VECTOR.split('.').next().unwrap();
    for (bad, says) in [
        (core, "Disclosed Vendors"),
        ("CQuf10A", "ends inside field"),
        ("CQuf10AQ=", "not base64url"),
    ] {
        let out = run(bin().args(["tcf", "decode", bad]));
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{bad}");
        assert!(out.stdout.is_empty());
    }
    let gpp = run(bin().args(["tcf", "decode", "--gpp", &format!("DBABMA~{IAB_VECTOR}")]));
    assert_eq!(gpp.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&gpp.stdout).unwrap();
    assert_eq!(v["section_ids"], serde_json::json!([2]));
    assert_eq!(v["tcf_eu_v2"]["cmp_id"], 300);
}

#[test]
fn tcf_import_then_export_gives_back_the_same_choices() {
    let dir = tmp("loop");
    write_fixtures(&dir);
    let grant = dir.join("grant.cose");
    let out = run(bin()
        .args(["tcf", "import", IAB_VECTOR, "--subject"])
        .arg("0102030405060708090a0b0c0d0e0f10")
        .arg("--offer")
        .arg(dir.join("offer.cose"))
        .arg("--key")
        .arg(dir.join("controller.key"))
        .arg("--out")
        .arg(&grant));
    assert_eq!(out.status.code(), Some(0));
    // The grant is a valid imported grant.
    let inspect = run(bin().arg("inspect").arg(&grant));
    let v: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("dpv:TargetedAdvertising"), "{text}");
    assert!(text.contains("tcf-vendor:755"), "{text}");

    let out = run(bin().args(["tcf", "export"]).arg(&grant).args([
        "--vendors",
        "755,1,3",
        "--cmp-id",
        "300",
        "--vendor-list-version",
        "120",
    ]));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tc = v["tc_string"].as_str().unwrap();
    assert_eq!(v["gpp_string"], format!("DBABMA~{tc}"));
    assert_eq!(v["in_app"]["IABTCF_TCString"], tc);
    assert_eq!(v["in_app"]["IABTCF_PurposeConsents"], "11110010110");
    assert_eq!(v["in_app"]["IABTCF_gdprApplies"], 1);
    let back = run(bin().args(["tcf", "decode", tc]));
    let b: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(
        b["purpose_consents"],
        serde_json::json!([1, 2, 3, 4, 7, 9, 10])
    );
    assert_eq!(b["special_feature_optins"], serde_json::json!([1]));
    assert_eq!(b["vendor_consents"], serde_json::json!([1, 3, 755]));

    // Exporting something that is not a grant: exit 2.
    let out = run(bin()
        .args(["tcf", "export"])
        .arg(dir.join("offer.cose"))
        .args([
            "--vendors",
            "1",
            "--cmp-id",
            "300",
            "--vendor-list-version",
            "120",
        ]));
    assert_eq!(out.status.code(), Some(2));
    // Encoding JSON with an unknown field: exit 2.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version": 2, "colour": "red"}"#).unwrap();
    let out = run(bin().args(["tcf", "encode"]).arg(&bad));
    assert_eq!(out.status.code(), Some(2));
}
