#!/bin/sh
# Regenerates the seed files (fuzz/corpus/*/seed-*): real artifacts, keys,
# trust sets, demo bundles and wallets. Files the fuzzers added are kept.
#
#   fuzz/seed.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Two small deterministic demos: a clean one and one with injected violations.
cargo run --release -q -p consentkit-cli -- demo --people 3 --days 3 --out "$tmp/demo" >/dev/null
cargo run --release -q -p consentkit-cli -- demo --people 3 --days 3 --violations 3 --out "$tmp/demo-violations" >/dev/null
if ! cmp -s "$tmp/demo/trust.cbor" fuzz/fixtures/demo-trust.cbor; then
    echo "the demo's trust.cbor changed: copy it to fuzz/fixtures/demo-trust.cbor" >&2
    exit 1
fi

CONSENTKIT_FUZZ_DEMO="$tmp/demo:$tmp/demo-violations" \
    cargo test -q -p consentkit --test fuzz_corpus -- --ignored regenerate_seeds --nocapture
