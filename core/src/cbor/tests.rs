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

/// What the streaming reader says of one whole item: `Ok` or the error
/// kind, reading with [`reader::Reader::skip`] then [`reader::Reader::end`].
fn read_whole(input: &[u8]) -> Result<(), CborErrorKind> {
    let mut r = reader::Reader::new(input);
    r.skip().map_err(|e| e.kind)?;
    r.end().map_err(|e| e.kind)
}

#[test]
fn reader_refuses_non_canonical_heads() {
    for (input, at) in [
        ("1817", 0),               // 23 in a 1-byte argument
        ("1900ff", 0),             // 255 in a 2-byte argument
        ("1a0000ffff", 0),         // 65535 in a 4-byte argument
        ("1b00000000ffffffff", 0), // 2^32 - 1 in an 8-byte argument
        ("820058020102", 2),       // a byte string's length, inside an array
        ("a1017800", 2),           // an empty text's length, as a map value
    ] {
        let bytes = h(input);
        let mut r = reader::Reader::new(&bytes);
        let e = r.skip().unwrap_err();
        assert_eq!(e.kind, CborErrorKind::NonCanonicalHead, "{input}");
        assert_eq!(e.offset, at, "{input}");
        assert_eq!(
            decode(&h(input)).unwrap_err().kind,
            CborErrorKind::NonCanonicalHead
        );
    }
    // The head alone, as the typed readers use it.
    assert_eq!(
        reader::Reader::new(&h("1817")).head().unwrap_err().kind,
        CborErrorKind::NonCanonicalHead
    );
    assert_eq!(read_whole(&h("1818")), Ok(()));
}

#[test]
fn reader_refuses_unsorted_map_keys() {
    // {2: 0, 1: 0}; {-1: 0, 1: 0} (0x20 sorts after 0x01); {"b": 0, "a": 0}
    for input in ["a202000100", "a2200001 00", "a2616200616100"] {
        assert_eq!(
            read_whole(&h(input)),
            Err(CborErrorKind::UnsortedMapKeys),
            "{input}"
        );
        assert_eq!(
            decode(&h(input)).unwrap_err().kind,
            CborErrorKind::UnsortedMapKeys
        );
    }
    // Shorter encodings first: 10 (0a) before 100 (1864).
    assert_eq!(read_whole(&h("a20a001864 00")), Ok(()));
}

#[test]
fn reader_refuses_duplicate_map_keys() {
    for input in ["a201000100", "a2616100616101", "a1 01 a2 0000 0000"] {
        assert_eq!(
            read_whole(&h(input)),
            Err(CborErrorKind::DuplicateMapKey),
            "{input}"
        );
        assert_eq!(
            decode(&h(input)).unwrap_err().kind,
            CborErrorKind::DuplicateMapKey
        );
    }
    let mut keys = reader::MapKeys::new();
    keys.check(0, &[0x01]).unwrap();
    assert_eq!(keys.check(3, &[0x01]).unwrap_err().offset, 3);
}

#[test]
fn reader_refuses_indefinite_lengths() {
    // Byte string, text, array, map; and an indefinite array nested in a map.
    for input in ["5f4101ff", "7f6161ff", "9f01ff", "bf0101ff", "a1019fff"] {
        assert_eq!(
            read_whole(&h(input)),
            Err(CborErrorKind::IndefiniteLength),
            "{input}"
        );
        assert_eq!(
            decode(&h(input)).unwrap_err().kind,
            CborErrorKind::IndefiniteLength
        );
        // The typed reads refuse an indefinite head as well.
        if input.starts_with("a1") {
            continue;
        }
        let bytes = h(input);
        let r = || reader::Reader::new(&bytes);
        assert!(r().bytes().is_err() && r().text().is_err());
        assert!(r().array().is_err() && r().map().is_err() && r().int().is_err());
    }
}

#[test]
fn reader_refuses_trailing_bytes() {
    for input in ["0000", "a10101f6", "4101 01"] {
        let bytes = h(input);
        let mut r = reader::Reader::new(&bytes);
        let item = r.skip().unwrap();
        let e = r.end().unwrap_err();
        assert_eq!(e.kind, CborErrorKind::TrailingBytes, "{input}");
        assert_eq!(e.offset, item.len());
        assert_eq!(decode(&bytes).unwrap_err(), e);
    }
}

/// The reader refuses what [`decode`] refuses, with the same kind, and
/// reads to the same end what it accepts: truncations, floats, reserved and
/// simple values, bad UTF-8, lengths past the input, nesting too deep.
#[test]
fn reader_and_decode_agree_on_every_rule() {
    let deep = "81".repeat(MAX_DEPTH + 1) + "00";
    let inputs = [
        "",
        "18",
        "1901",
        "43 0102",
        "f93c00",
        "fa3f800000",
        "fb3ff0000000000000",
        "fc",
        "f0",
        "f818",
        "f7",
        "62c328",
        "5a ffffffff",
        "9a ffffffff",
        "c1 00",
        "c1",
        "a1 00",
        "d8 12 80",
        "f4",
        "f5",
        "f6",
        &deep,
        "83 01 a1 6161 f5 c2 4101",
    ];
    for input in inputs {
        let bytes = h(input);
        let expected = decode(&bytes).map(|_| ()).map_err(|e| e.kind);
        assert_eq!(read_whole(&bytes), expected, "{input}");
    }
}
