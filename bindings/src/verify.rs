//! Decoding, verification and audits: what an auditor (or any party) needs.

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use consentkit::audit::{self as ck_audit, AuditOptions};
use consentkit::{self as ck, Artifact};

use crate::error::Result;
use crate::keys::TrustSet;
use crate::types::{ArtifactInfo, AuditReport, Commitment, Notice, ReportFormat, VerifiedArtifact};
use consentkit::Timestamp;

/// Decodes an artifact strictly (size limit, deterministic CBOR, the
/// consentkit header profile, the payload schema). Signatures are not
/// checked: see `Verifier.verify`.
#[uniffi::export]
pub fn decode_artifact(bytes: Vec<u8>) -> Result<ArtifactInfo> {
    Ok(Artifact::decode(&bytes)?.info())
}

/// An artifact as JSON, as `consentkit inspect` prints it.
#[uniffi::export]
pub fn inspect(bytes: Vec<u8>) -> Result<String> {
    Ok(Artifact::decode(&bytes)?.to_json().to_string())
}

/// A bundle (a CBOR sequence) of the given artifacts, each decoded strictly first.
#[uniffi::export]
pub fn make_bundle(artifacts: Vec<Vec<u8>>) -> Result<Vec<u8>> {
    let decoded = artifacts
        .iter()
        .map(|b| Artifact::decode(b))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ck_audit::to_sequence(&decoded))
}

/// Commits to `data` with a fresh random salt, for a data receipt: the
/// receipt carries the commitment, never the data.
#[uniffi::export]
pub fn commit(data: Vec<u8>) -> Result<Commitment> {
    Ok(ck::commit(&data)?)
}

/// The notice entry for an offer: `url`, and the SHA-256 of the exact bytes shown.
#[uniffi::export]
pub fn notice_for_text(url: String, text: Vec<u8>) -> Notice {
    Notice::for_text(url, &text)
}

/// Verifies artifacts and audits bundles against a trust set.
///
/// The trust set is shared, not copied: keys added to it later count.
#[derive(uniffi::Object)]
pub struct Verifier {
    trust: Arc<TrustSet>,
}

#[uniffi::export]
impl Verifier {
    /// A verifier for the keys in `trust`.
    #[uniffi::constructor]
    pub fn new(trust: Arc<TrustSet>) -> Arc<Self> {
        Arc::new(Verifier { trust })
    }

    /// Decodes an artifact and verifies every signature and who made it
    /// (roles and parties, per artifact kind). Returns the signers.
    pub fn verify(&self, bytes: Vec<u8>) -> Result<VerifiedArtifact> {
        let a = Artifact::decode(&bytes)?;
        let signers = a.verify(&self.trust.get())?;
        Ok(VerifiedArtifact {
            artifact: a.info(),
            signers,
        })
    }

    /// Audits a bundle (a CBOR sequence) held in memory, at time `at`
    /// (seconds since the epoch; `null`: now). Unreadable or invalid items
    /// become findings, never errors.
    #[uniffi::method(default(at = None))]
    pub fn audit(&self, bundle: Vec<u8>, at: Option<Timestamp>) -> AuditReport {
        ck_audit::audit_bytes(&bundle, &self.trust.get(), &AuditOptions { at })
    }

    /// Checks a grant against a (cached) Status List Token at time `at`
    /// (`null`: now): the grant must verify, carry a status claim and not be
    /// expired; the token must be signed by the grant's controller, current,
    /// and for the grant's list. Returns the status and how long the answer
    /// may be cached; anything that prevents a statement is an error.
    #[uniffi::method(default(at = None))]
    pub fn check_grant_status(
        &self,
        grant: Vec<u8>,
        status_list_token: Vec<u8>,
        at: Option<Timestamp>,
    ) -> Result<crate::status::StatusAnswer> {
        let g = Artifact::decode(&grant)?;
        let at = at.unwrap_or_else(ck_audit::now);
        Ok(consentkit::status::check_grant_status(
            &g,
            &status_list_token,
            &self.trust.get(),
            at,
        )?)
    }

    /// Audits a bundle held in memory together with the controllers' Status
    /// List Tokens: a list still VALID for a grant ended more than its `ttl`
    /// before the list was issued is a `StaleStatus` finding.
    #[uniffi::method(default(at = None))]
    pub fn audit_with_status_lists(
        &self,
        bundle: Vec<u8>,
        status_lists: Vec<Vec<u8>>,
        at: Option<Timestamp>,
    ) -> Result<AuditReport> {
        let r = ck_audit::audit_source_with_status(
            || Ok::<_, std::io::Error>(&bundle[..]),
            &self.trust.get(),
            &AuditOptions { at },
            None,
            &status_lists,
            None,
        )?;
        Ok(r)
    }

    /// Audits a bundle file, streaming it (read twice, never held in memory).
    #[uniffi::method(default(at = None))]
    pub fn audit_file(&self, path: String, at: Option<Timestamp>) -> Result<AuditReport> {
        let report = ck_audit::audit_source(
            || File::open(&path).map(BufReader::new),
            &self.trust.get(),
            &AuditOptions { at },
            None,
        )?;
        Ok(report)
    }

    /// Audits a bundle held in memory and renders the report as
    /// `consentkit audit --format text|json|html` does.
    #[uniffi::method(default(at = None))]
    pub fn audit_rendered(
        &self,
        bundle: Vec<u8>,
        format: ReportFormat,
        at: Option<Timestamp>,
    ) -> String {
        let r = ck_audit::audit_bytes(&bundle, &self.trust.get(), &AuditOptions { at });
        match format {
            ReportFormat::Text => ck_audit::render_text(&r),
            ReportFormat::Json => {
                serde_json::to_string_pretty(&r.to_json()).unwrap_or_default() + "\n"
            }
            ReportFormat::Html => ck_audit::render_html(&r),
        }
    }
}
