//! Sorting with one copy of the sort in the WebAssembly module.
//!
//! Every `sort_by` / `sort_unstable` on a new element type or with a new
//! comparator is a new copy of the standard library's sort (1.5 to 4 KB of
//! wasm each; about 25 of them made 51 KB of the npm module, issue 13
//! item 5). On wasm32 the functions here sort a list of indices with one
//! `dyn` comparator, so the module holds the sort once, and then move the
//! elements into place; elsewhere they are the standard library's stable
//! sort, unchanged. Both orders are stable: equal elements keep their
//! order, so the result is the same on every target.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp` (as `v.sort_by(cmp)`).
#[inline]
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    by_indices(v, &cmp);
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
}

/// Sorts `v` stably by `key` (as `v.sort_by_key(key)`).
#[inline]
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` (as `v.sort()`; stable, so also as `v.sort_unstable()` for
/// every type whose equal values are indistinguishable).
#[inline]
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The wasm32 sort: the permutation that sorts `v`, found by the one
/// shared index sort, then applied in place.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn by_indices<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        sort_indices(&mut order, &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            // safe: `order` holds indices of `items` only.
            _ => Ordering::Equal,
        });
    }
    permute(v, &mut order);
}

/// The one copy of the sort: indices, compared through `cmp`.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Puts `v[order[k]]` at position `k` for every `k`, by following the
/// permutation's cycles with swaps; `order` is used up (each position
/// done is marked by pointing at itself).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            // Position `at` takes the element now at `from`: `from` still
            // holds its original element, as no swap of this cycle has
            // reached it yet.
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests;
