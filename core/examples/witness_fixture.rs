//! Writes the fixture the foreign tests of the wallet's witness check and
//! exported proofs use (Kotlin, Python, JavaScript): a wallet holding a
//! witnessed log's checkpoints and proofs, made by the core at test time.
//!
//! ```text
//! cargo run -q -p consentkit --example witness_fixture -- DIR
//! ```
//!
//! `DIR` receives:
//! - `wallet.ckw`: a wallet (in-process Ed25519 keys) that trusts the
//!   controller, the partner and the log key (role `log`, party = origin),
//!   holding an offer, a grant, and a withdrawal dated day 10 that the log
//!   took in only after its day-30 checkpoint (backdated), the log's two
//!   checkpoints (sizes 2 and 3) each cosigned by witness `W` (on day 30 and
//!   day 31), and the inclusion proofs of the grant and the withdrawal;
//! - `witness-policy.txt`: the C2SP tlog-policy naming the log and `W`
//!   (quorum `W`): the wallet's checkpoints meet it;
//! - `stranger-policy.txt`: the same log with a witness `S` that never
//!   cosigned (quorum `S`): they do not;
//! - `grant.receipt.cose`: an RFC 9942 COSE Receipt of the grant under the
//!   size-2 checkpoint, signed by the log key (a wallet cannot mint one);
//! - `expected.json`: `origin`, `witness` (`W`), `grant` and `withdrawal`
//!   (artifact ids), `tolerance` (one day, in seconds), `witnessed` (the
//!   witnessed tree sizes).
//!
//! Keys come from fixed seeds, so the ids are the same on every run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use consentkit::keys::{KeyPair, Role, Signer};
use consentkit::log::receipt::cose_receipt;
use consentkit::log::witness::{witness_checkpoint, WitnessReply};
use consentkit::log::{Policy, TileLog, Witness};
use consentkit::sample::{self, Parties, CONTROLLER, PARTNER, T0};
use consentkit::wallet::{Choice, Wallet, WalletKey};

const DAY: u64 = 86_400;
const ORIGIN: &str = "log.example/witness-fixture";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Cosigns the log's latest checkpoint with the witness, in process, at `now`.
fn cosign_at(log: &mut TileLog, policy: &Policy, w: &Witness, now: u64) -> Res<()> {
    let mut post =
        |_: &str, body: &[u8]| -> Result<WitnessReply, String> { Ok(w.reply(body, now)) };
    let r = witness_checkpoint(log, policy, &mut HashMap::new(), &mut post)?;
    if r.witnessed.is_none() {
        return Err(format!("the checkpoint was not cosigned: {:?}", r.outcomes).into());
    }
    Ok(())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Res<()> {
    std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}").into())
}

fn main() -> Res<()> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: witness_fixture DIR")?
        .into();
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let p = Parties::new()?;
    let log_key = KeyPair::ed25519_from_seed(&[9; 32])?;
    let mut w = Wallet::new(WalletKey::Ed25519)?;
    w.trust_key(p.controller.public_key(), Role::Controller, CONTROLLER)?;
    w.trust_key(p.partner.public_key(), Role::Partner, PARTNER)?;
    w.trust_key(log_key.public_key(), Role::Log, ORIGIN)?;
    let offer = sample::signed_offer(&p)?;
    w.receive(offer.as_bytes(), T0)?;
    let grant = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)?
        .countersign(&offer, &p.controller)?;
    w.receive(grant.as_bytes(), T0 + 200)?;

    let mut log = TileLog::create(&out.join("log"), ORIGIN, &log_key)?;
    log.append_artifact(&offer, &p.trust())?;
    let gi = log.append_artifact(&grant, &p.trust())?;
    log.publish(&log_key)?;
    let follows =
        Policy::parse(format!("log {}\nquorum none\n", log.verifier().to_vkey()).as_bytes())?;
    let witness = Witness::open(
        &out.join("witness"),
        "witness.example/w1",
        Box::new(KeyPair::ed25519_from_seed(&[7; 32])?),
        &follows,
    )?;
    let stranger = Witness::open(
        &out.join("stranger"),
        "witness.example/stranger",
        Box::new(KeyPair::ed25519_from_seed(&[8; 32])?),
        &follows,
    )?;
    let policy_text = format!(
        "log {}\nwitness W {} http://w.invalid\nquorum W\n",
        log.verifier().to_vkey(),
        witness.verifier().to_vkey()
    );
    let stranger_text = format!(
        "log {}\nwitness S {} http://s.invalid\nquorum S\n",
        log.verifier().to_vkey(),
        stranger.verifier().to_vkey()
    );
    let policy = Policy::parse(policy_text.as_bytes())?;

    // Size 2 (offer, grant), cosigned on day 30.
    cosign_at(&mut log, &policy, &witness, (T0 + 30 * DAY).secs())?;
    w.add_checkpoint(log.checkpoint_note())?;
    let grant_proof = log.inclusion_proof(gi, 2)?;
    w.add_inclusion_proof(grant.id(), &grant_proof)?;
    let receipt = cose_receipt(
        grant.as_bytes(),
        &grant_proof,
        &log.root_at(2)?,
        &log_key,
        Some(&log_key.public_key()),
    )?;
    // A withdrawal dated day 10, logged only after the day-30 checkpoint.
    let wd = w.withdraw(grant.id(), T0 + 10 * DAY)?;
    let wi = log.append_artifact(&wd, &p.trust())?;
    log.publish(&log_key)?;
    cosign_at(&mut log, &policy, &witness, (T0 + 31 * DAY).secs())?;
    w.add_checkpoint(log.checkpoint_note())?;
    w.add_inclusion_proof(wd.id(), &log.inclusion_proof(wi, 3)?)?;

    // The wallet file holds the person's keys: written as a secret (0600),
    // replacing the one an earlier run left.
    let wallet_path = out.join("wallet.ckw");
    match std::fs::remove_file(&wallet_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("wallet.ckw: {e}").into())
        }
        _ => {}
    }
    consentkit::wallet::store::write_secret_file(&wallet_path, &w.to_bytes())
        .map_err(|e| format!("wallet.ckw: {e}"))?;
    write(&out, "witness-policy.txt", policy_text.as_bytes())?;
    write(&out, "stranger-policy.txt", stranger_text.as_bytes())?;
    write(&out, "grant.receipt.cose", &receipt)?;
    let expected = serde_json::json!({
        "origin": ORIGIN,
        "witness": "W",
        "grant": grant.id().to_string(),
        "withdrawal": wd.id().to_string(),
        "tolerance": DAY,
        "witnessed": [2, 3],
    });
    write(
        &out,
        "expected.json",
        serde_json::to_string_pretty(&expected)?.as_bytes(),
    )?;
    println!("witness fixture written to {}", out.display());
    Ok(())
}
