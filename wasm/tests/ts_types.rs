//! The committed TypeScript declarations of the data types
//! (`wasm/src/types.generated.d.ts`) are exactly what the generator writes
//! from the Rust definitions now (`consentkit_wasm::ts`). Run with
//! `--features ts`; `scripts/gen-ts-types` rewrites the file
//! (`CONSENTKIT_WRITE_TS=1`).

use std::path::PathBuf;

use consentkit_wasm::ts::{decls, generated};

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/types.generated.d.ts")
}

#[test]
fn committed_declarations_are_what_the_generator_writes() {
    let now = generated();
    let path = committed_path();
    if std::env::var_os("CONSENTKIT_WRITE_TS").is_some() {
        std::fs::write(&path, &now).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let line = committed
            .lines()
            .zip(now.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(now.lines().count()));
        panic!(
            "{} is not what the generator writes from the Rust types (first difference at line {}: \
             committed {:?}, generated {:?}): run scripts/gen-ts-types and commit the file",
            path.display(),
            line + 1,
            committed.lines().nth(line).unwrap_or("<end>"),
            now.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn every_type_a_declaration_refers_to_is_declared() {
    let all = decls();
    let names: Vec<&str> = all.iter().map(|d| d.name.as_str()).collect();
    for d in &all {
        for dep in &d.deps {
            assert!(
                names.contains(&dep.as_str()),
                "{} refers to {dep}, which is not declared: add it to wasm/src/ts.rs",
                d.name
            );
        }
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "a type is declared twice");
}

#[test]
fn error_codes_are_the_codes_thrown() {
    // The generated ErrorCode union names exactly the codes `Code::as_str` gives.
    use consentkit_wasm::Code;
    let text = generated();
    let decl = text
        .lines()
        .find(|l| l.starts_with("export type ErrorCode ="))
        .unwrap();
    for c in [
        Code::InvalidInput,
        Code::VerificationFailed,
        Code::UntrustedKey,
        Code::NotFound,
        Code::Corrupt,
        Code::Backup,
        Code::Signer,
        Code::Usage,
        Code::Io,
    ] {
        assert!(decl.contains(&format!("\"{}\"", c.as_str())), "{decl}");
    }
    assert_eq!(decl.matches('"').count(), 18, "{decl}");
}
