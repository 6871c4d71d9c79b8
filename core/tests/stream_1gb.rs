//! A bundle of 1 GB is audited streaming, without being read whole: peak
//! memory stays far below the bundle's size. Its own test binary, so that
//! the process's peak memory is this test's alone.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use consentkit::audit::{audit_source, AuditOptions, FindingKind};
use consentkit::sample::{self, Parties, T0};

const GIB: u64 = 1 << 30;
/// Each filler item: a 60,000-byte byte string (well-formed CBOR, no artifact).
const FILLER: usize = 60_000;

/// Generates the bundle on the fly: real artifacts, then filler up to 1 GiB, then one more receipt.
struct Bundle {
    head: Vec<u8>,
    tail: Vec<u8>,
    filler_items: u64,
    pos: u64,
    item: Vec<u8>,
}

impl Bundle {
    fn new(head: Vec<u8>, tail: Vec<u8>) -> Bundle {
        let mut item = vec![0x59, (FILLER >> 8) as u8, FILLER as u8];
        item.extend(std::iter::repeat_n(0xab, FILLER));
        let filler_items = GIB / item.len() as u64 + 1;
        Bundle {
            head,
            tail,
            filler_items,
            pos: 0,
            item,
        }
    }

    fn len(&self) -> u64 {
        self.head.len() as u64 + self.filler_items * self.item.len() as u64 + self.tail.len() as u64
    }

    fn byte_source(&self, pos: u64) -> (&[u8], u64) {
        let h = self.head.len() as u64;
        let f = self.filler_items * self.item.len() as u64;
        if pos < h {
            (&self.head, pos)
        } else if pos < h + f {
            (&self.item, (pos - h) % self.item.len() as u64)
        } else {
            (&self.tail, pos - h - f)
        }
    }
}

impl Read for Bundle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.len() {
            return Ok(0);
        }
        let (src, off) = self.byte_source(self.pos);
        let n = (src.len() - off as usize).min(buf.len());
        buf[..n].copy_from_slice(&src[off as usize..off as usize + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_1_gb_bundle_is_streamed_without_reading_it_whole() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let mut late = sample::receipt(&grant).unwrap();
    late.used_at += 60;
    let late = late.sign(&grant, &p.controller).unwrap();
    let head = [offer.as_bytes(), grant.as_bytes(), receipt.as_bytes()].concat();
    let tail = late.as_bytes().to_vec();
    let total = Bundle::new(head.clone(), tail.clone()).len();
    assert!(total > GIB);
    let report = audit_source(
        || Ok::<_, std::io::Error>(Bundle::new(head.clone(), tail.clone())),
        &p.trust(),
        &AuditOptions {
            at: Some(T0 + 90 * 86_400),
        },
        None,
    )
    .unwrap();
    assert_eq!(report.bundle_bytes, total);
    // The receipt after 1 GiB of filler was read and checked against the grant read before it.
    assert_eq!(report.count(consentkit::ArtifactKind::DataReceipt), 2);
    assert_eq!(
        report
            .finding_counts
            .iter()
            .map(|c| c.kind)
            .collect::<Vec<_>>(),
        vec![FindingKind::Malformed]
    );
    let filler = Bundle::new(head, tail).filler_items;
    assert_eq!(report.finding_count(FindingKind::Malformed), filler);
    if let Some(peak) = peak_rss_kib() {
        // Peak memory of the whole test process: far below the 1 GiB read (twice).
        assert!(peak < 64 * 1024, "peak RSS {peak} KiB");
        eprintln!("1 GiB bundle audited; peak RSS {} MiB", peak / 1024);
    }
}
