//! End-to-end tests of `consentkit witness serve` (a real C2SP tlog-witness
//! over HTTP on loopback, port picked by the system, started and stopped
//! here) and `consentkit log publish` / `log verify --policy`.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use consentkit::log::{AddCheckpointRequest, Checkpoint, Policy, TileLog};
use consentkit::KeyPair;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consentkit"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-cli-witness-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    eprintln!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A running `consentkit witness serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    vkey: String,
}

impl Server {
    fn start(key: &Path, logs: &Path, state: &Path) -> Server {
        let mut child = bin()
            .args(["witness", "serve", "--name", "witness.example/w1"])
            .arg("--key")
            .arg(key)
            .arg("--logs")
            .arg(logs)
            .arg("--state")
            .arg(state)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let vkey = line.trim().strip_prefix("witness ").unwrap().to_owned();
        line.clear();
        out.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap()
            .to_owned();
        Server { child, addr, vkey }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP exchange: (status, content type, body).
fn http(addr: &str, raw: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(raw).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let ct = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap_or("")
        .to_owned();
    (status, ct, body.to_owned())
}

fn post(addr: &str, body: &str) -> (u16, String, String) {
    http(
        addr,
        format!(
            "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

/// The README's "a log with one witness" sequence, with the port the
/// system picked instead of a fixed one.
#[test]
fn readme_log_with_one_witness_end_to_end() {
    let d = tmp("readme");
    let demo = d.join("demo-out");
    let out = run(bin()
        .args(["demo", "--people", "3", "--days", "3", "--out"])
        .arg(&demo));
    assert_eq!(out.status.code(), Some(0));
    let wkey = d.join("witness.cose");
    assert!(run(bin().args(["keygen", "--out"]).arg(&wkey))
        .status
        .success());
    let log_vkey = std::fs::read_to_string(demo.join("log/vkey")).unwrap();
    let logs = d.join("witness-logs.txt");
    std::fs::write(&logs, format!("log {}\nquorum none\n", log_vkey.trim())).unwrap();
    let server = Server::start(&wkey, &logs, &d.join("witness-state"));
    let out = run(bin()
        .args(["witness", "vkey", "--name", "witness.example/w1", "--key"])
        .arg(&wkey));
    let wvkey = stdout(&out).trim().to_owned();
    assert_eq!(wvkey, server.vkey);
    let policy = d.join("policy.txt");
    std::fs::write(
        &policy,
        format!(
            "log {}\nwitness w1 {wvkey} http://{}\nquorum w1\n",
            log_vkey.trim(),
            server.addr
        ),
    )
    .unwrap();
    // Before publishing, the log's checkpoint has no quorum.
    let verify = |policy: &Path| {
        run(bin()
            .args(["log", "verify"])
            .arg(demo.join("log"))
            .arg("--vkey")
            .arg(demo.join("log/vkey"))
            .arg("--policy")
            .arg(policy))
    };
    let out = verify(&policy);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAILED witness policy"));
    let audit = || {
        run(bin()
            .arg("audit")
            .arg(demo.join("bundle.cbors"))
            .arg("--trust")
            .arg(demo.join("trust.cbor"))
            .arg("--log")
            .arg(demo.join("log"))
            .arg("--policy")
            .arg(&policy))
    };
    let out = audit();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("not_witnessed"), "{}", stdout(&out));
    let out = run(bin()
        .args(["log", "publish"])
        .arg(demo.join("log"))
        .arg("--policy")
        .arg(&policy));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("witness w1: cosigned at"));
    assert!(stdout(&out).contains("quorum w1 met"));
    let out = verify(&policy);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("cosigned by: w1 at"),
        "{}",
        stdout(&out)
    );
    let out = audit();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("witness quorum w1: met; cosigned by: w1 (witness.example/w1) at"),
        "{}",
        stdout(&out)
    );
    // Publishing again: the witness is at this size already (409 -> resync,
    // same size, same root): still cosigned.
    let out = run(bin()
        .args(["log", "publish"])
        .arg(demo.join("log"))
        .arg("--policy")
        .arg(&policy));
    assert_eq!(out.status.code(), Some(0));
    // The monitoring endpoint serves the cosigned checkpoint.
    let origin_hash = consentkit::log::witness::origin_hash("log.consentkit.example/demo");
    let (status, _, body) = http(
        &server.addr,
        format!("GET /{origin_hash}/checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status, 200);
    assert!(Policy::parse(std::fs::read(&policy).unwrap().as_slice())
        .unwrap()
        .verify_checkpoint(body.as_bytes())
        .is_ok());
}

/// The witness over HTTP: every status of add-checkpoint, state kept
/// across a restart, and a second view of the same log refused.
#[test]
fn witness_serve_answers_add_checkpoint_over_http() {
    let d = tmp("http");
    let key = KeyPair::ed25519_from_seed(&[0x4c; 32]).unwrap();
    let origin = "log.example/http";
    let mut a = TileLog::create(&d.join("a"), origin, &key).unwrap();
    let mut b = TileLog::create(&d.join("b"), origin, &key).unwrap();
    let wkey = d.join("w.cose");
    std::fs::write(
        &wkey,
        KeyPair::ed25519_from_seed(&[7; 32]).unwrap().to_cose_key(),
    )
    .unwrap();
    let logs = d.join("logs.txt");
    std::fs::write(
        &logs,
        format!(
            "# followed logs\nlog {}\nquorum none\n",
            a.verifier().to_vkey()
        ),
    )
    .unwrap();
    let state = d.join("state");
    let server = Server::start(&wkey, &logs, &state);
    let addr = server.addr.clone();

    let req = |old: u64, proof: Vec<[u8; 32]>, note: &str| {
        AddCheckpointRequest {
            old_size: old,
            proof,
            checkpoint: note.to_owned(),
        }
        .to_body()
    };
    // 200 for the empty tree, with a cosignature line.
    let (s, _, body) = post(&addr, &req(0, vec![], a.checkpoint_note()));
    assert_eq!(s, 200, "{body}");
    assert!(body.starts_with("\u{2014} witness.example/w1 "));
    assert!(body.ends_with('\n'));
    // Both logs grow differently from there.
    for i in 0..5u8 {
        consentkit_append(&mut a, &[b'a', i]);
        consentkit_append(&mut b, &[b'b', i]);
    }
    a.publish(&key).unwrap();
    b.publish(&key).unwrap();
    // 200: 0 -> 5 with no proof needed from size 0.
    let (s, _, body) = post(&addr, &req(0, vec![], a.checkpoint_note()));
    assert_eq!(s, 200, "{body}");
    // 409 with the witness's size, text/x.tlog.size.
    let (s, ct, body) = post(&addr, &req(0, vec![], b.checkpoint_note()));
    assert_eq!(
        (s, ct.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "5\n")
    );
    // 422: the other view at the same size has another root.
    let (s, _, _) = post(&addr, &req(5, vec![], b.checkpoint_note()));
    assert_eq!(s, 422);
    // The witness restarts from its state file and still refuses it.
    drop(server);
    let server = Server::start(&wkey, &logs, &state);
    let addr = server.addr.clone();
    let (s, ct, body) = post(&addr, &req(0, vec![], b.checkpoint_note()));
    assert_eq!(
        (s, ct.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "5\n")
    );
    // 422: a bad proof 5 -> 6.
    consentkit_append(&mut b, b"b6");
    b.publish(&key).unwrap();
    let (s, _, _) = post(&addr, &req(5, vec![[1; 32]; 3], b.checkpoint_note()));
    assert_eq!(s, 422);
    // 404, 403, 400.
    let stranger = Checkpoint {
        origin: "other.example/log".into(),
        ..a.checkpoint().clone()
    }
    .sign(&key)
    .unwrap();
    assert_eq!(post(&addr, &req(0, vec![], &stranger)).0, 404);
    let forged = a
        .checkpoint()
        .sign(&KeyPair::ed25519_from_seed(&[1; 32]).unwrap())
        .unwrap();
    assert_eq!(post(&addr, &req(5, vec![], &forged)).0, 403);
    assert_eq!(post(&addr, &req(9, vec![], a.checkpoint_note())).0, 400);
    assert_eq!(post(&addr, "old 5\n").0, 400);
    // HTTP-level errors: no length, wrong method, unknown path.
    let (s, _, _) = http(&addr, b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(s, 411);
    let (s, _, _) = http(
        &addr,
        b"GET /add-checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(s, 405);
    let (s, _, _) = http(
        &addr,
        b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(s, 404);
    // Keep-alive: two requests on one connection.
    let mut conn = TcpStream::connect(&addr).unwrap();
    let body = req(5, vec![], a.checkpoint_note());
    let one = format!(
        "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(one.as_bytes()).unwrap();
    conn.write_all(
        one.replace("Host: x", "Host: x\r\nConnection: close")
            .as_bytes(),
    )
    .unwrap();
    let mut all = String::new();
    conn.read_to_string(&mut all).unwrap();
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2, "{all}");
}

/// Appends a distinct artifact: a withdrawal of the sample grant at a
/// time made from `entry`.
fn consentkit_append(log: &mut TileLog, entry: &[u8]) {
    let parties = consentkit::sample::Parties::new().unwrap();
    let offer = consentkit::sample::signed_offer(&parties).unwrap();
    let grant = consentkit::sample::signed_grant(&parties, &offer).unwrap();
    let at = consentkit::sample::T0 + entry.iter().fold(0u64, |acc, &b| acc * 256 + u64::from(b));
    let w = consentkit::Withdrawal::by_person(grant.id(), at, &parties.person).unwrap();
    log.append_artifact(&w, &parties.trust()).unwrap();
}
