use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// RFC 8949 Appendix A examples that are in deterministic form: encode, compare, decode back.
#[test]
fn rfc8949_appendix_a_round_trip() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Unsigned(0), "00"),
        (Value::Unsigned(23), "17"),
        (Value::Unsigned(24), "1818"),
        (Value::Unsigned(100), "1864"),
        (Value::Unsigned(1000), "1903e8"),
        (Value::Unsigned(1_000_000), "1a000f4240"),
        (Value::Unsigned(1_000_000_000_000), "1b000000e8d4a51000"),
        (Value::Unsigned(u64::MAX), "1bffffffffffffffff"),
        (Value::int(-1), "20"),
        (Value::int(-10), "29"),
        (Value::int(-100), "3863"),
        (Value::int(-1000), "3903e7"),
        (Value::Bool(false), "f4"),
        (Value::Bool(true), "f5"),
        (Value::Null, "f6"),
        (Value::bytes(vec![]), "40"),
        (Value::bytes(vec![1, 2, 3, 4]), "4401020304"),
        (Value::text(""), "60"),
        (Value::text("IETF"), "6449455446"),
        (Value::text("\u{00fc}"), "62c3bc"),
        (Value::Array(vec![]), "80"),
        (
            Value::Array(vec![
                Value::Unsigned(1),
                Value::Array(vec![Value::Unsigned(2), Value::Unsigned(3)]),
            ]),
            "8201820203",
        ),
        (
            Value::Map(vec![
                (Value::Unsigned(1), Value::Unsigned(2)),
                (Value::Unsigned(3), Value::Unsigned(4)),
            ]),
            "a201020304",
        ),
        (
            Value::Tag(1, Box::new(Value::Unsigned(1_363_896_240))),
            "c11a514b67b0",
        ),
    ];
    for (value, hex_str) in cases {
        let bytes = h(hex_str);
        assert_eq!(value.to_vec(), bytes, "encoding {value:?}");
        assert_eq!(decode(&bytes).unwrap(), value, "decoding {hex_str}");
    }
}

#[test]
fn encoder_sorts_map_keys_by_encoded_bytes() {
    // Bytewise order of the encodings: 0a, 1864, 20, 6161.
    let m = Value::Map(vec![
        (Value::text("a"), Value::Null),
        (Value::int(-1), Value::Null),
        (Value::Unsigned(100), Value::Null),
        (Value::Unsigned(10), Value::Null),
    ]);
    assert_eq!(m.to_vec(), h("a4 0a f6 1864 f6 20 f6 6161 f6"));
}

/// Each non-deterministic or unsupported encoding is rejected with its own kind.
#[test]
fn strict_decoder_failure_table() {
    use CborErrorKind::*;
    let cases: &[(&str, CborErrorKind, usize)] = &[
        ("1817", NonCanonicalHead, 0),               // 23 in two bytes
        ("190017", NonCanonicalHead, 0),             // 23 in three bytes
        ("1a0000ffff", NonCanonicalHead, 0),         // 65535 in five bytes
        ("1b00000000ffffffff", NonCanonicalHead, 0), // u32::MAX in nine bytes
        ("5801ff", NonCanonicalHead, 0),             // 1-byte bstr with long length
        ("5f4101ff", IndefiniteLength, 0),           // indefinite bstr
        ("9fff", IndefiniteLength, 0),               // indefinite array
        ("1c", ReservedHead, 0),
        ("a2 02 00 01 00", UnsortedMapKeys, 3),
        ("a2 01 00 01 00", DuplicateMapKey, 3),
        ("62 c3 28", InvalidUtf8, 0),
        ("f93c00", Float, 0),
        ("fb3ff0000000000000", Float, 0),
        ("f7", UnsupportedSimpleValue, 0), // undefined
        ("f820", UnsupportedSimpleValue, 0),
        ("0000", TrailingBytes, 1),
        ("82 01", LengthTooLarge, 0), // 2 items declared, 1 byte left
        ("a1 01", Truncated, 2),
        ("43 0102", LengthTooLarge, 0),
        ("1a0001", Truncated, 1),
        ("ff", IndefiniteLength, 0), // lone break
    ];
    for (hex_str, kind, offset) in cases {
        let err = decode(&h(hex_str)).unwrap_err();
        assert_eq!(
            (err.kind, err.offset),
            (*kind, *offset),
            "input {hex_str}: got {err}"
        );
    }
}

#[test]
fn depth_limit_is_enforced_at_the_limit_and_one_past() {
    // MAX_DEPTH nested arrays around an integer decode; one more does not.
    let mut ok = vec![0x81u8; MAX_DEPTH];
    ok.push(0x00);
    assert!(decode(&ok).is_ok());
    let mut deep = vec![0x81u8; MAX_DEPTH + 1];
    deep.push(0x00);
    assert_eq!(decode(&deep).unwrap_err().kind, CborErrorKind::TooDeep);
}

#[test]
fn huge_declared_lengths_fail_fast_without_allocating() {
    // An array claiming 2^64-1 items in a 9-byte input.
    let e = decode(&h("9bffffffffffffffff")).unwrap_err();
    assert_eq!(e.kind, CborErrorKind::LengthTooLarge);
    let e = decode(&h("bbffffffffffffffff")).unwrap_err();
    assert_eq!(e.kind, CborErrorKind::LengthTooLarge);
}

#[test]
fn decode_prefix_reads_a_sequence() {
    let seq = h("01 6161 820203");
    let (a, n) = decode_prefix(&seq).unwrap();
    assert_eq!((a, n), (Value::Unsigned(1), 1));
    let (b, m) = decode_prefix(&seq[n..]).unwrap();
    assert_eq!((b, m), (Value::text("a"), 2));
    assert_eq!(item_len(&seq[n + m..]).unwrap(), 3);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<u64>().prop_map(Value::Unsigned),
            any::<u64>().prop_map(Value::Negative),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,20}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(any::<i32>(), inner.clone(), 0..8).prop_map(|m| {
                    Value::Map(
                        m.into_iter()
                            .map(|(k, v)| (Value::int(k as i64), v))
                            .collect(),
                    )
                }),
                (0u64..100_000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    fn canonical(v: Value) -> Value {
        // Decoding returns maps in canonical key order.
        decode(&v.to_vec()).unwrap()
    }

    proptest! {
        #[test]
        fn encode_decode_encode_is_identity(v in value()) {
            let bytes = v.to_vec();
            let back = decode(&bytes).unwrap();
            prop_assert_eq!(back.to_vec(), bytes);
            prop_assert_eq!(canonical(v), back);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = decode(&bytes) {
                // Whatever decodes is deterministic: it re-encodes to the same bytes.
                prop_assert_eq!(v.to_vec(), bytes);
            }
        }
    }
}

/// Maps with integer keys take a path that sorts by (major type, argument)
/// instead of encoding each key: it must give the RFC 8949 §4.2.1 order
/// (bytewise lexicographic encodings) for every mix of key sizes and signs.
#[test]
fn integer_keyed_maps_sort_as_their_encodings() {
    let keys: Vec<Value> = [
        0i128,
        1,
        23,
        24,
        255,
        256,
        65_535,
        65_536,
        4_294_967_295,
        4_294_967_296,
        -1,
        -24,
        -25,
        -256,
        -257,
        -65_536,
        -65_537,
        10,
        -10,
        100,
        -100,
    ]
    .iter()
    .map(|&k| {
        if k >= 0 {
            Value::Unsigned(k as u64)
        } else {
            Value::Negative((-1 - k) as u64)
        }
    })
    .chain([Value::Unsigned(u64::MAX), Value::Negative(u64::MAX)])
    .collect();
    // Several orders of the same entries, each encoded by the integer path,
    // against the order of the keys' own encodings.
    for rot in 0..keys.len() {
        let mut entries: Vec<(Value, Value)> =
            keys.iter().cloned().map(|k| (k, Value::Null)).collect();
        entries.rotate_left(rot);
        if rot % 2 == 1 {
            entries.reverse();
        }
        let mut want: Vec<Vec<u8>> = entries.iter().map(|(k, _)| k.to_vec()).collect();
        want.sort();
        let mut expected = Vec::new();
        head(&mut expected, 5, want.len() as u64);
        for k in want {
            expected.extend_from_slice(&k);
            expected.push(0xf6);
        }
        assert_eq!(Value::Map(entries).to_vec(), expected, "rotation {rot}");
    }
    // A text key among integers takes the general path and still sorts.
    let mixed = Value::Map(vec![
        (Value::Text("a".into()), Value::Null),
        (Value::Unsigned(1), Value::Null),
    ]);
    assert_eq!(mixed.to_vec(), h("a2 01 f6 61 61 f6"));
}
