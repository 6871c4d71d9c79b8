use proptest::prelude::*;

use super::*;

proptest! {
    /// The wasm32 sort gives exactly the standard library's stable order:
    /// pairs compared by their first half only, so stability shows.
    #[test]
    fn the_index_sort_is_the_standard_stable_sort(keys in proptest::collection::vec(0u8..8, 0..200)) {
        let v: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
        let mut expected = v.clone();
        expected.sort_by_key(|a| a.0);
        let mut got = v.clone();
        by_indices(&mut got, &|a: &(u8, usize), b: &(u8, usize)| a.0.cmp(&b.0));
        prop_assert_eq!(got, expected);
    }

    /// Any permutation is applied exactly, elements moved, not copied.
    #[test]
    fn permute_applies_any_permutation(order in Just((0..60usize).collect::<Vec<_>>()).prop_shuffle()) {
        let mut v: Vec<String> = (0..60).map(|i| i.to_string()).collect();
        let expected: Vec<String> = order.iter().map(|i| i.to_string()).collect();
        let mut o = order.clone();
        permute(&mut v, &mut o);
        prop_assert_eq!(v, expected);
    }
}

#[test]
fn sort_helpers_order_like_the_standard_library() {
    let mut v = vec!["b", "a", "c", "a"];
    sort(&mut v);
    assert_eq!(v, ["a", "a", "b", "c"]);
    let mut v = vec![(2, 'x'), (1, 'y'), (2, 'a'), (1, 'b')];
    sort_by_key(&mut v, |p| p.0);
    assert_eq!(v, [(1, 'y'), (1, 'b'), (2, 'x'), (2, 'a')]);
    let mut v = vec![3, 1, 2];
    by_indices(&mut v, &|a: &i32, b: &i32| b.cmp(a));
    assert_eq!(v, [3, 2, 1]);
    let mut empty: Vec<u8> = Vec::new();
    by_indices(&mut empty, &|a: &u8, b: &u8| a.cmp(b));
    assert!(empty.is_empty());
}
