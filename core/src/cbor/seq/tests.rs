use super::*;
use crate::cbor::{well_formed_len, Value};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn all(bytes: &[u8]) -> Vec<Framed> {
    split(bytes).collect()
}

fn item(offset: u64, bytes: &[u8]) -> Framed {
    Framed::Item {
        offset,
        bytes: bytes.to_vec(),
    }
}

/// A source that hands out at most `n` bytes per read (as a pipe or socket may).
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.0.len().min(self.1).min(out.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn rfc8949_indefinite_and_non_canonical_items_are_framed() {
    // RFC 8949 Appendix A: indefinite-length strings, arrays and maps,
    // floats, simple values, non-shortest heads; then a deterministic item.
    let items = [
        "5f42010243030405ff",
        "7f657374726561646d696e67ff",
        "9fff",
        "9f018202039f0405ffff",
        "83018202039f0405ff",
        "bf61610161629f0203ffff",
        "bf6346756ef563416d7421ff",
        "f93c00",
        "fb7e37e43c8800759c",
        "f8ff",
        "1817",
        "d8180a",
        "c11a514b67b0",
        "a201020304",
    ];
    let mut seq = Vec::new();
    let mut offsets = Vec::new();
    for i in items {
        offsets.push(seq.len() as u64);
        seq.extend(h(i));
    }
    let got = all(&seq);
    let want: Vec<Framed> = items
        .iter()
        .zip(&offsets)
        .map(|(i, o)| item(*o, &h(i)))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn what_is_not_cbor_ends_the_read_with_its_offset() {
    let cases: &[(&str, u64, SeqErrorKind)] = &[
        ("01 1c", 1, SeqErrorKind::ReservedHead),
        ("01 fe", 1, SeqErrorKind::ReservedHead),
        ("01 ff", 1, SeqErrorKind::MisplacedBreak),
        ("01 82 01 ff", 3, SeqErrorKind::MisplacedBreak),
        ("01 9f c1 ff", 3, SeqErrorKind::MisplacedBreak),
        ("01 bf 01 ff", 3, SeqErrorKind::MisplacedBreak),
        ("01 1f", 1, SeqErrorKind::IndefiniteNotAllowed),
        ("01 3f", 1, SeqErrorKind::IndefiniteNotAllowed),
        ("01 df 01", 1, SeqErrorKind::IndefiniteNotAllowed),
        ("01 5f 61 61 ff", 2, SeqErrorKind::BadChunk),
        ("01 5f 5f ff ff", 2, SeqErrorKind::BadChunk),
        ("01 5f 01 ff", 2, SeqErrorKind::BadChunk),
        ("01 f8 1f", 1, SeqErrorKind::BadSimpleValue),
        ("01 43 01 02", 4, SeqErrorKind::Truncated),
        ("01 19 01", 3, SeqErrorKind::Truncated),
        ("01 9f 01", 3, SeqErrorKind::Truncated),
        ("01 82 01", 3, SeqErrorKind::Truncated),
        ("01 c1", 2, SeqErrorKind::Truncated),
    ];
    for (hex, offset, kind) in cases {
        let got = all(&h(hex));
        assert_eq!(got[0], item(0, &[1]), "{hex}");
        assert_eq!(
            got[1..],
            [Framed::NotCbor(SeqError {
                item_offset: 1,
                offset: *offset,
                kind: *kind
            })],
            "{hex}"
        );
    }
}

#[test]
fn an_item_over_the_limit_is_skipped_in_bounded_memory_and_the_rest_is_read() {
    // A 200,000-byte byte string, inside an indefinite array, between two items.
    let mut big = vec![0x9f, 0x5a, 0, 3, 0x0d, 0x40];
    big.extend(std::iter::repeat_n(7u8, 200_000));
    big.push(0xff);
    let mut seq = vec![0x01];
    seq.extend(&big);
    seq.push(0x02);
    for chunk in [1, 7, 4096, usize::MAX] {
        let mut r = SeqReader::new(Trickle(&seq, chunk));
        assert_eq!(r.next_item().unwrap(), Some(item(0, &[1])));
        assert_eq!(
            r.next_item().unwrap(),
            Some(Framed::Oversize {
                offset: 1,
                len: big.len() as u64
            })
        );
        assert!(r.item.capacity() <= MAX_ARTIFACT_SIZE, "never buffered");
        assert_eq!(
            r.next_item().unwrap(),
            Some(item(1 + big.len() as u64, &[2]))
        );
        assert_eq!(r.next_item().unwrap(), None);
        let sum = r.finish().unwrap();
        assert_eq!(sum.bytes, seq.len() as u64);
        assert_eq!(sum.sha256, crate::artifact::sha256(&seq));
    }
    // Exactly at the limit: an item.
    let mut at_limit = vec![0x5a, 0, 0, 0xff, 0xfb];
    at_limit.resize(MAX_ARTIFACT_SIZE, 0);
    assert!(
        matches!(&all(&at_limit)[..], [Framed::Item { bytes, .. }] if bytes.len() == MAX_ARTIFACT_SIZE)
    );
}

fn nested(depth: usize, indefinite: bool) -> Vec<u8> {
    let mut v = vec![if indefinite { 0x9f } else { 0x81 }; depth];
    v.push(0x00);
    if indefinite {
        v.extend(std::iter::repeat_n(0xff, depth));
    }
    v
}

#[test]
fn nesting_1000_and_100000_deep_is_framed_without_recursion() {
    for depth in [17, 1_000, 100_000] {
        for indefinite in [false, true] {
            let n = nested(depth, indefinite);
            let mut seq = n.clone();
            seq.push(0x07);
            let first = if n.len() <= MAX_ARTIFACT_SIZE {
                item(0, &n)
            } else {
                Framed::Oversize {
                    offset: 0,
                    len: n.len() as u64,
                }
            };
            assert_eq!(
                all(&seq),
                vec![first, item(n.len() as u64, &[7])],
                "depth {depth}, indefinite {indefinite}"
            );
        }
    }
    // Maps, and tags (which take no stack entry) a million deep.
    let mut m = [0xa1, 0x00].repeat(100_000);
    m.push(0x00);
    assert_eq!(item_len(&m), Ok(m.len()));
    let mut t = vec![0xc1; 2_000_000];
    t.push(0x00);
    assert_eq!(item_len(&t), Ok(t.len()));
}

#[test]
fn nesting_beyond_the_cap_is_reported_not_followed() {
    let n = nested(MAX_NESTING + 1, false);
    assert_eq!(
        item_len(&n),
        Err(SeqError {
            item_offset: 0,
            offset: MAX_NESTING as u64,
            kind: SeqErrorKind::TooDeep
        })
    );
    assert_eq!(item_len(&nested(MAX_NESTING, false)), Ok(MAX_NESTING + 1));
}

#[test]
fn the_hash_covers_bytes_after_the_point_framing_stopped() {
    let seq = h("01 1c 02 03 04");
    let mut r = SeqReader::new(seq.as_slice());
    assert_eq!(r.next_item().unwrap(), Some(item(0, &[1])));
    assert!(matches!(r.next_item().unwrap(), Some(Framed::NotCbor(_))));
    assert_eq!(r.next_item().unwrap(), None);
    let sum = r.finish().unwrap();
    assert_eq!((sum.bytes, sum.sha256), (5, crate::artifact::sha256(&seq)));
    let empty = SeqReader::new(&[][..]).finish().unwrap();
    assert_eq!(empty.bytes, 0);
    assert_eq!(empty.sha256, crate::artifact::sha256(b""));
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    /// A head for `major` and `arg` in any width that holds it (not only the shortest).
    fn head(major: u8, arg: u64, width: u8) -> Vec<u8> {
        let mt = major << 5;
        let min = match arg {
            0..=23 => 0,
            24..=0xff => 1,
            0x100..=0xffff => 2,
            0x1_0000..=0xffff_ffff => 3,
            _ => 4,
        };
        match width.max(min) % 5 {
            0 => vec![mt | arg as u8],
            1 => vec![mt | 24, arg as u8],
            2 => [&[mt | 25][..], &(arg as u16).to_be_bytes()].concat(),
            3 => [&[mt | 26][..], &(arg as u32).to_be_bytes()].concat(),
            _ => [&[mt | 27][..], &arg.to_be_bytes()].concat(),
        }
    }

    fn leaf() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            (0u8..2, any::<u64>(), 0u8..5).prop_map(|(m, a, w)| head(m, a, w)),
            (
                2u8..4,
                proptest::collection::vec(any::<u8>(), 0..40),
                0u8..5
            )
                .prop_map(|(m, b, w)| [head(m, b.len() as u64, w), b].concat()),
            // Indefinite-length strings of definite chunks.
            (
                2u8..4,
                proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..9), 0..4)
            )
                .prop_map(|(m, chunks)| {
                    let mut v = vec![(m << 5) | 31];
                    for c in chunks {
                        v.extend(head(m, c.len() as u64, 0));
                        v.extend(c);
                    }
                    v.push(0xff);
                    v
                }),
            // Simple values (any encodable one) and floats.
            (0u8..20).prop_map(|s| vec![0xe0 | s]),
            (32u8..=255).prop_map(|s| vec![0xf8, s]),
            Just(vec![0xf4]),
            Just(vec![0xf6]),
            any::<u16>().prop_map(|f| [&[0xf9][..], &f.to_be_bytes()].concat()),
            any::<u64>().prop_map(|f| [&[0xfb][..], &f.to_be_bytes()].concat()),
        ]
    }

    /// Random well-formed CBOR: any of the above nested in arrays, maps
    /// (definite or indefinite) and tags.
    fn item() -> impl Strategy<Value = Vec<u8>> {
        leaf().prop_recursive(8, 256, 6, |inner| {
            prop_oneof![
                (
                    proptest::collection::vec(inner.clone(), 0..6),
                    any::<bool>(),
                    0u8..5
                )
                    .prop_map(|(xs, indef, w)| {
                        let mut v = if indef {
                            vec![0x9f]
                        } else {
                            head(4, xs.len() as u64, w)
                        };
                        v.extend(xs.concat());
                        if indef {
                            v.push(0xff);
                        }
                        v
                    }),
                (
                    proptest::collection::vec((inner.clone(), inner.clone()), 0..4),
                    any::<bool>(),
                    0u8..5
                )
                    .prop_map(|(kv, indef, w)| {
                        let mut v = if indef {
                            vec![0xbf]
                        } else {
                            head(5, kv.len() as u64, w)
                        };
                        for (k, x) in kv {
                            v.extend(k);
                            v.extend(x);
                        }
                        if indef {
                            v.push(0xff);
                        }
                        v
                    }),
                (any::<u64>(), inner, 0u8..5).prop_map(|(t, x, w)| [head(6, t, w), x].concat()),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Random well-formed CBOR never stops the reader: every item is
        /// framed at its exact boundaries, whatever the read sizes.
        #[test]
        fn random_well_formed_cbor_never_stops_the_reader(
            items in proptest::collection::vec(item(), 1..12),
            chunk in 1usize..64,
            limit in 0usize..200,
        ) {
            let seq = items.concat();
            let mut r = SeqReader::with_max_item(Trickle(&seq, chunk), limit);
            let mut off = 0u64;
            for it in &items {
                let want = if it.len() <= limit {
                    Framed::Item { offset: off, bytes: it.clone() }
                } else {
                    Framed::Oversize { offset: off, len: it.len() as u64 }
                };
                prop_assert_eq!(r.next_item().unwrap(), Some(want));
                off += it.len() as u64;
            }
            prop_assert_eq!(r.next_item().unwrap(), None);
            let sum = r.finish().unwrap();
            prop_assert_eq!(sum.bytes, seq.len() as u64);
        }

        /// Deterministic items are framed exactly where the strict splitter says.
        #[test]
        fn agrees_with_the_strict_splitter_on_deterministic_items(
            vals in proptest::collection::vec(any::<i64>(), 1..8),
        ) {
            let v = Value::Array(vals.iter().map(|i| Value::int(*i)).collect()).to_vec();
            prop_assert_eq!(item_len(&v), Ok(well_formed_len(&v).unwrap()));
        }

        /// Arbitrary bytes never panic and never yield an item past the input.
        #[test]
        fn arbitrary_bytes_are_framed_or_reported(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut end = 0u64;
            for f in split(&bytes) {
                match f {
                    Framed::Item { offset, bytes: b } => { prop_assert_eq!(offset, end); end += b.len() as u64; }
                    Framed::Oversize { offset, len } => { prop_assert_eq!(offset, end); end += len; }
                    Framed::NotCbor(e) => { prop_assert_eq!(e.item_offset, end); prop_assert!(e.offset <= bytes.len() as u64); }
                }
            }
            prop_assert!(end <= bytes.len() as u64);
        }
    }
}
