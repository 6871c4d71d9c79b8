//! The TypeScript declarations of the data objects, generated from the Rust
//! types they are serialised from (feature `ts`, never in the module).
//!
//! Every data object crosses to JavaScript as the JSON serde writes for a
//! Rust type, its field names then put in camelCase by one rule
//! ([`crate::convert::camel_json`]). So the declarations are made the same
//! way: [`ts_rs`] derives each type's declaration from its Rust definition
//! (reading the serde attributes: tags, flattening, renamed and skipped
//! fields), and [`camel_fields`] renames its field names with the same
//! [`crate::convert::camel`]. Nothing is declared by hand, so the types
//! cannot drift from what the calls return. The audit report's `toJSON()`
//! (docs/AUDIT-REPORT.md) keeps serde's names: its types are declared a
//! second time, unrenamed, in the namespace `AuditReportDocument`.
//!
//! [`generated`] is the text of `wasm/src/types.generated.d.ts`;
//! `wasm/tests/ts_types.rs` checks that the committed file is exactly it
//! (and `scripts/gen-ts-types` rewrites it).

use std::collections::BTreeSet;

use consentkit::artifact::{
    ArtifactId, ArtifactKind, Benefit, BenefitKind, CollectionMethod, DataReceipt, Grant, Limits,
    Notice, Offer, PartyRef, Recipient, Refusal, SignerView, TermRef, ValueEstimate, ValueRecord,
    Withdrawal, WithdrawnBy,
};
use consentkit::audit::{
    ControllerStats, DayActivity, Finding, FindingKind, Outcome, Provenance, Report,
};
use consentkit::keys::{Algorithm, HeaderKid, KeyId, Role};
use consentkit::lifecycle::ConsentState;
use consentkit::status::{Status, StatusAnswer, StatusReference};
use consentkit::tcf::{
    GppString, InAppValue, PublisherRestriction, PublisherTc, TcString, TcfExport,
};
use consentkit::wallet::{
    AddedArtifact, Choice, GrantView, LogCheck, Shared, Summary, WalletEvent, WalletProblem,
    WitnessedLogCheck,
};
use consentkit::Term;
use ts_rs::{Config, TS};

use crate::convert::camel;

/// One declared type: its TypeScript name, its declaration (with its doc
/// comment) and the names of the types it refers to.
pub struct Decl {
    /// The TypeScript name.
    pub name: String,
    /// `/** docs */ export type Name = …;`
    pub text: String,
    /// The declared types it refers to.
    pub deps: Vec<String>,
}

fn decl<T: TS + ?Sized + 'static>(cfg: &Config) -> Decl {
    Decl {
        name: T::ident(cfg),
        text: format!("{}export {}", T::docs().unwrap_or_default(), T::decl(cfg)),
        deps: T::dependencies(cfg)
            .into_iter()
            .map(|d| d.ts_name)
            .collect(),
    }
}

/// The configuration: 64-bit integers are JavaScript numbers (`JSON.parse`
/// never makes a `bigint`; the core's times and counts stay below 2^53).
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// Every data type the package returns or takes, in the order written.
pub fn decls() -> Vec<Decl> {
    let c = &config();
    vec![
        // Names and values.
        decl::<crate::error::Code>(c),
        decl::<Algorithm>(c),
        decl::<Role>(c),
        decl::<KeyId>(c),
        decl::<HeaderKid>(c),
        decl::<consentkit::Timestamp>(c),
        decl::<ArtifactId>(c),
        decl::<Term>(c),
        decl::<ArtifactKind>(c),
        decl::<ConsentState>(c),
        decl::<BenefitKind>(c),
        decl::<CollectionMethod>(c),
        decl::<WithdrawnBy>(c),
        decl::<FindingKind>(c),
        decl::<Status>(c),
        // The artifacts' bodies.
        decl::<Benefit>(c),
        decl::<Recipient>(c),
        decl::<Limits>(c),
        decl::<Notice>(c),
        decl::<ValueEstimate>(c),
        decl::<StatusReference>(c),
        decl::<TermRef>(c),
        decl::<PartyRef>(c),
        decl::<Offer>(c),
        decl::<Grant>(c),
        decl::<Refusal>(c),
        decl::<Withdrawal>(c),
        decl::<DataReceipt>(c),
        decl::<ValueRecord>(c),
        decl::<SignerView>(c),
        decl::<consentkit::artifact::ArtifactInfo>(c),
        decl::<consentkit::wallet::ReceiveOutcome>(c),
        // Decoding and verifying.
        decl::<crate::verify::ErrorView>(c),
        decl::<crate::verify::InspectItem>(c),
        decl::<consentkit::artifact::Signatory>(c),
        decl::<consentkit::artifact::VerifiedSigner>(c),
        decl::<consentkit::artifact::VerifiedArtifact>(c),
        decl::<crate::verify::BundleItem>(c),
        decl::<consentkit::Commitment>(c),
        // The audit.
        decl::<Finding>(c),
        decl::<ControllerStats>(c),
        decl::<DayActivity>(c),
        decl::<Outcome>(c),
        decl::<consentkit::audit::TrustedKeyInfo>(c),
        decl::<consentkit::audit::TrustProvenance>(c),
        decl::<consentkit::audit::CheckpointCheck>(c),
        decl::<consentkit::audit::CosignerInfo>(c),
        decl::<consentkit::audit::WitnessView>(c),
        decl::<consentkit::audit::LogProvenance>(c),
        decl::<consentkit::audit::SignatureCounts>(c),
        decl::<Provenance>(c),
        decl::<Report>(c),
        // The wallet.
        decl::<Choice>(c),
        decl::<GrantView>(c),
        decl::<Shared>(c),
        decl::<LogCheck>(c),
        decl::<WitnessedLogCheck>(c),
        decl::<WalletProblem>(c),
        decl::<Summary>(c),
        decl::<AddedArtifact>(c),
        decl::<WalletEvent>(c),
        decl::<consentkit::log::receipt::ReceiptClaims>(c),
        // Status lists.
        decl::<StatusAnswer>(c),
        // Exports.
        decl::<crate::export::RefusedView>(c),
        decl::<crate::export::ExportView<'static>>(c),
        // IAB TCF and GPP.
        decl::<PublisherRestriction>(c),
        decl::<PublisherTc>(c),
        decl::<TcString>(c),
        decl::<GppString>(c),
        decl::<InAppValue>(c),
        decl::<crate::tcf::TcfForms<'static>>(c),
        decl::<TcfExport>(c),
    ]
}

/// The declared types the audit report refers to, directly or not, whose
/// fields `toJSON()` keeps in snake_case (name enums and aliases are the
/// same in both forms).
fn report_closure(decls: &[Decl]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // The report's keyed lists are written as objects whose value types are
    // named in a `ts(type = ...)` string, which ts-rs does not follow: they
    // are roots too.
    let mut todo = vec![
        <Report as TS>::ident(&config()),
        <ControllerStats as TS>::ident(&config()),
        <DayActivity as TS>::ident(&config()),
    ];
    while let Some(n) = todo.pop() {
        if let Some(d) = decls.iter().find(|d| d.name == n) {
            if d.text.contains('{') && names.insert(n) {
                todo.extend(d.deps.iter().cloned());
            }
        }
    }
    names
}

/// TypeScript text with the name of every object field in camelCase
/// ([`camel`]), as [`crate::convert::camel_json`] renames the JSON keys.
/// A field name is an identifier (or a quoted name) directly after `{`,
/// `,` or `;` and before `:` or `?:`; string literals (values such as
/// `"data_receipt"`) and comments are copied unchanged, and so are the keys
/// of maps (`{ [key in ArtifactKind]?: number }`), which are data.
pub fn camel_fields(ts: &str) -> String {
    let chars: Vec<char> = ts.chars().collect();
    let mut out = String::with_capacity(ts.len());
    // The last character that was not blank or in a comment.
    let mut last = ' ';
    let mut i = 0;
    let field_follows = |mut j: usize| {
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if j < chars.len() && chars[j] == '?' {
            j += 1;
        }
        j < chars.len() && chars[j] == ':'
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let end = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            let end = (i..chars.len())
                .find(|&j| chars[j] == '\n')
                .unwrap_or(chars.len());
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            let inner: String = chars[i + 1..j.min(chars.len())].iter().collect();
            if matches!(last, '{' | ',' | ';') && field_follows(end) && !inner.contains('\\') {
                out.push('"');
                out.push_str(&camel(&inner));
                out.push('"');
            } else {
                out.extend(&chars[i..end]);
            }
            last = '"';
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].is_ascii_alphanumeric() || chars[j] == '_'))
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            if matches!(last, '{' | ',' | ';') && field_follows(end) {
                out.push_str(&camel(&word));
            } else {
                out.push_str(&word);
            }
            last = 'a';
            i = end;
            continue;
        }
        if !c.is_whitespace() {
            last = c;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A declaration laid out for reading: each field of an object that
/// ts-rs wrote over several lines (its fields have doc comments) on its own
/// line, indented, and the closing `}` on a line of its own (wasm-bindgen
/// indents the declarations it copies by their braces).
pub fn pretty(ts: &str) -> String {
    let chars: Vec<char> = ts.chars().collect();
    let mut out = String::with_capacity(ts.len() * 2);
    // Open objects: (laid out over lines, the bracket depth at its `{`).
    let mut objects: Vec<(bool, usize)> = Vec::new();
    let mut brackets = 0usize;
    let indent = |objects: &Vec<(bool, usize)>| "  ".repeat(objects.iter().filter(|o| o.0).count());
    let newline = |out: &mut String, objects: &Vec<(bool, usize)>| {
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&indent(objects));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let end = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2);
            let comment: String = chars[i..end].iter().collect();
            for (n, line) in comment.lines().enumerate() {
                if n > 0 {
                    newline(&mut out, &objects);
                    out.push(' ');
                }
                out.push_str(line.trim());
            }
            i = end;
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        match c {
            '{' => {
                let rest = chars[i + 1..].iter().find(|c| **c != ' ');
                let lines = rest == Some(&'\n');
                objects.push((lines, brackets));
                out.push('{');
                if lines {
                    newline(&mut out, &objects);
                }
            }
            '}' => {
                if let Some((true, _)) = objects.last() {
                    let trimmed = out.trim_end().trim_end_matches(',').len();
                    out.truncate(trimmed);
                    objects.pop();
                    newline(&mut out, &objects);
                } else {
                    objects.pop();
                }
                out.push('}');
            }
            '<' | '(' | '[' => {
                brackets += 1;
                out.push(c);
            }
            '>' | ')' | ']' => {
                brackets = brackets.saturating_sub(1);
                out.push(c);
            }
            ',' if objects.last() == Some(&(true, brackets)) => {
                out.push(',');
                newline(&mut out, &objects);
                while chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
            }
            '\n' => {
                newline(&mut out, &objects);
                while chars.get(i + 1) == Some(&' ') {
                    i += 1;
                }
            }
            ' ' if out.ends_with(['\n', ' ']) => {}
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The text of `wasm/src/types.generated.d.ts`.
pub fn generated() -> String {
    let decls = decls();
    let mut out = String::from(
        "// ---- consentkit: data types, GENERATED from the Rust definitions: do not edit ----\n\
         //\n\
         // Made by `scripts/gen-ts-types` (wasm/src/ts.rs: ts-rs declarations of the\n\
         // core's types and of this package's views, field names in camelCase by\n\
         // the rule the JSON is renamed with at runtime, convert::camel).\n\
         // `cargo test -p consentkit-wasm --features ts --test ts_types` fails when\n\
         // this file is not what the generator writes. Hand-written declarations\n\
         // (signers a caller implements, BytesLike, inputs) are in types.d.ts.\n",
    );
    for d in &decls {
        out.push('\n');
        out.push_str(&pretty(&camel_fields(&d.text)));
        out.push('\n');
    }
    let snake = report_closure(&decls);
    out.push_str(
        "\n/**\n * The audit report as `AuditReport.toJSON()` returns it: the document of\n \
         * docs/AUDIT-REPORT.md, whose keys are snake_case (`bundle_bytes`). The\n \
         * same Rust types as {@link AuditReportJson}, field names unchanged.\n */\n\
         export declare namespace AuditReportDocument {\n",
    );
    for d in decls.iter().filter(|d| snake.contains(&d.name)) {
        for line in pretty(&d.text).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("}\n/** The audit report document (`AuditReport.toJSON()`). */\nexport type AuditReportDocument = AuditReportDocument.AuditReportJson;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_camel_cased_and_values_kept() {
        let ts = r#"type A = { issued_at: number, "tree_size"?: number, /** `used_at` */ kind: "data_receipt", m: { [key in ArtifactKind]?: number }, by: { x_y: "a_b" } | null, };"#;
        assert_eq!(
            camel_fields(ts),
            r#"type A = { issuedAt: number, "treeSize"?: number, /** `used_at` */ kind: "data_receipt", m: { [key in ArtifactKind]?: number }, by: { xY: "a_b" } | null, };"#
        );
    }

    #[test]
    fn objects_over_several_lines_get_one_field_a_line() {
        let ts = "type A = { \n/**\n * The id.\n */\nid: string, m: Record<string, number>, b: { x: number }, };";
        assert_eq!(
            pretty(ts),
            "type A = {\n  /**\n   * The id.\n   */\n  id: string,\n  m: Record<string, number>,\n  b: { x: number }\n};"
        );
    }
}
