//! Privacy primitives: pairwise pseudonyms and salted data commitments.
//!
//! - A person's subject id at a controller is
//!   `HMAC-SHA256(wallet_secret, "consentkit pseudonym v1" || 0x00 || controller)[..16]`:
//!   stable for one controller, unlinkable across controllers without the secret.
//! - A person's Ed25519 key at a controller (in-process wallets) has the seed
//!   `HKDF-SHA256(salt = "consentkit person key v1", ikm = wallet_secret,
//!   info = "consentkit person key v1 ed25519" || 0x00 || controller, L = 32)`
//!   (RFC 5869): one key per controller, unlinkable across controllers without the secret.
//! - A data receipt commits to the data as `SHA-256(salt || data)` with a fresh
//!   16-byte salt that the data holder keeps; the data never appears in a receipt.

use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use zeroize::Zeroizing;

use crate::artifact::Pseudonym;
use crate::keys::KeyError;

/// Length of a wallet secret in bytes.
pub const WALLET_SECRET_LEN: usize = 32;
/// Length of a commitment salt in bytes.
pub const SALT_LEN: usize = 16;

/// The person's pairwise pseudonym at `controller`.
pub fn pseudonym(wallet_secret: &[u8; WALLET_SECRET_LEN], controller: &str) -> Pseudonym {
    let key = hmac::Key::new(hmac::HMAC_SHA256, wallet_secret);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(b"consentkit pseudonym v1");
    ctx.update(&[0]);
    ctx.update(controller.as_bytes());
    let tag = ctx.sign();
    let mut out = [0u8; 16];
    out.copy_from_slice(&tag.as_ref()[..16]);
    out
}

/// The HKDF salt and info prefix of a person key seed (see the module docs).
pub const PERSON_KEY_LABEL: &[u8] = b"consentkit person key v1";

/// The 32-byte Ed25519 seed of the person's key at `controller`, derived
/// from the wallet secret (see the module docs). Zeroized on drop.
pub fn person_key_seed(
    wallet_secret: &[u8; WALLET_SECRET_LEN],
    controller: &str,
) -> Zeroizing<[u8; 32]> {
    struct Len32;
    impl hkdf::KeyType for Len32 {
        fn len(&self) -> usize {
            32
        }
    }
    let mut seed = Zeroizing::new([0u8; 32]);
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, PERSON_KEY_LABEL).extract(wallet_secret);
    let info: [&[u8]; 4] = [PERSON_KEY_LABEL, b" ed25519", &[0], controller.as_bytes()];
    // ring refuses only an output longer than 255 hash lengths; 32 bytes is always allowed.
    if let Ok(okm) = prk.expand(&info, Len32) {
        let _ = okm.fill(seed.as_mut_slice());
    }
    seed
}

/// A fresh random wallet secret.
pub fn new_wallet_secret() -> Result<[u8; WALLET_SECRET_LEN], KeyError> {
    let mut s = [0u8; WALLET_SECRET_LEN];
    SystemRandom::new()
        .fill(&mut s)
        .map_err(|_| KeyError::Rng)?;
    Ok(s)
}

/// A salted commitment to some data: keep `salt` (and the data) to open it later.
///
/// The same record in every skin: bytes in Kotlin, Swift and Python, hex
/// in JSON and JavaScript (`{ value, salt }`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Commitment {
    /// `SHA-256(salt || data)`, what goes in a receipt (JSON: 64 hex digits).
    #[serde(with = "crate::artifact::hex32")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub value: [u8; 32],
    /// The salt (JSON: 32 hex digits).
    #[serde(with = "crate::artifact::hex16")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub salt: [u8; SALT_LEN],
}

/// Commits to `data` with a fresh random salt.
pub fn commit(data: &[u8]) -> Result<Commitment, KeyError> {
    let mut salt = [0u8; SALT_LEN];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| KeyError::Rng)?;
    Ok(commit_with_salt(data, salt))
}

/// Commits to `data` with a given salt (deterministic; for simulations and tests).
pub fn commit_with_salt(data: &[u8], salt: [u8; SALT_LEN]) -> Commitment {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(&salt);
    ctx.update(data);
    let mut value = [0u8; 32];
    value.copy_from_slice(ctx.finish().as_ref());
    Commitment { value, salt }
}

/// Whether `commitment` opens to `data` with `salt`. (The commitment is
/// public, so the comparison need not be constant-time.)
pub fn verify_commitment(commitment: &[u8; 32], salt: &[u8; SALT_LEN], data: &[u8]) -> bool {
    commit_with_salt(data, *salt).value == *commitment
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One shape in every language (issue 12 item 1): JSON and JavaScript
    /// show the core's `Commitment` with its own field names, `value` and
    /// `salt`, in hex (the uniffi skins show the same fields as bytes).
    #[test]
    fn a_commitment_as_json_is_its_value_and_salt_in_hex() {
        let c = commit_with_salt(b"52.37,4.89", [0xab; SALT_LEN]);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "value": hex::encode(c.value), "salt": "ab".repeat(16) })
        );
    }

    #[test]
    fn pseudonyms_are_stable_per_controller_and_differ_across() {
        let s = [7u8; 32];
        assert_eq!(pseudonym(&s, "a.example"), pseudonym(&s, "a.example"));
        assert_ne!(pseudonym(&s, "a.example"), pseudonym(&s, "b.example"));
        assert_ne!(
            pseudonym(&s, "a.example"),
            pseudonym(&[8u8; 32], "a.example")
        );
    }

    #[test]
    fn person_key_seeds_differ_per_controller_and_secret() {
        let s = [7u8; 32];
        assert_eq!(
            *person_key_seed(&s, "a.example"),
            *person_key_seed(&s, "a.example")
        );
        assert_ne!(
            *person_key_seed(&s, "a.example"),
            *person_key_seed(&s, "b.example")
        );
        assert_ne!(
            *person_key_seed(&s, "a.example"),
            *person_key_seed(&[8; 32], "a.example")
        );
        // Not the pseudonym's HMAC: the two derivations are separated.
        assert_ne!(
            person_key_seed(&s, "a.example")[..16],
            pseudonym(&s, "a.example")
        );
    }

    const PERSON_SEED_VECTOR: &str =
        "91eb1b21d4040b697c269379dc4fa7f20d589d64d431494a8d5698cf24069502";

    #[test]
    fn person_key_seed_vector() {
        // HKDF-SHA256 (RFC 5869) with the documented salt and info, computed independently
        // (Python: hmac/hashlib) for secret 0x07 x 32 and controller "a.example".
        assert_eq!(
            hex::encode(*person_key_seed(&[7u8; 32], "a.example")),
            PERSON_SEED_VECTOR
        );
    }

    #[test]
    fn commitments_open_only_to_their_data_and_salt() {
        let c = commit(b"52.52,13.40").unwrap();
        assert!(verify_commitment(&c.value, &c.salt, b"52.52,13.40"));
        assert!(!verify_commitment(&c.value, &c.salt, b"52.52,13.41"));
        assert!(!verify_commitment(&c.value, &[0; 16], b"52.52,13.40"));
        // Fresh salts: the same data gives unlinkable commitments.
        assert_ne!(commit(b"x").unwrap().value, commit(b"x").unwrap().value);
    }
}
