//! A map from text keys kept as a list sorted by key.
//!
//! Every `BTreeMap` / `BTreeSet` with new key and value types is a new copy
//! of the standard library's B-tree code (insert, search, drop, iteration:
//! 2 to 4 KB of wasm each) in the npm module (issue 13 item 5). The few
//! small maps of the core that are looked up by text use this list
//! instead: a binary search over a `Vec`, the same order as the `BTreeMap`
//! (keys compared as `str`, byte-wise), so iteration gives the same
//! results on every target.

/// Entries `(key, value)` sorted by key, each key once.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> TextMap<V> {
    /// An empty map.
    pub(crate) const fn new() -> Self {
        TextMap {
            entries: Vec::new(),
        }
    }

    /// `Ok(i)` if `key` is at `i`, else `Err(i)`: where it would go.
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        let i = self.position(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Whether `key` is in the map.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Puts `value` under `key`, returning the value it replaces (as
    /// `BTreeMap::insert`).
    pub(crate) fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The entries in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The values in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::TextMap;
    use std::collections::BTreeMap;

    #[test]
    fn a_text_map_keeps_the_order_and_values_of_a_btreemap() {
        let ops = [
            ("b", 1),
            ("a", 2),
            ("é", 3),
            ("B", 4),
            ("a", 5),
            ("", 6),
            ("ab", 7),
            ("b", 8),
        ];
        let mut list = TextMap::new();
        let mut tree = BTreeMap::new();
        for (k, v) in ops {
            assert_eq!(list.insert(k.to_owned(), v), tree.insert(k.to_owned(), v));
            assert_eq!(
                list.iter().collect::<Vec<_>>(),
                tree.iter()
                    .map(|(k, v)| (k.as_str(), v))
                    .collect::<Vec<_>>()
            );
        }
        for k in ["a", "b", "B", "é", "", "ab", "c", "aa"] {
            assert_eq!(list.get(k), tree.get(k), "{k}");
            assert_eq!(list.contains_key(k), tree.contains_key(k), "{k}");
        }
        assert_eq!(
            list.values().collect::<Vec<_>>(),
            tree.values().collect::<Vec<_>>()
        );
    }
}
