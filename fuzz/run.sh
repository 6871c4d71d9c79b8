#!/bin/sh
# Runs one fuzz target for a while, installing cargo-fuzz first if needed.
#
#   fuzz/run.sh TARGET [SECONDS] [-- extra libFuzzer flags]
#
# TARGET is a file name in fuzz/fuzz_targets/ (artifact, cose, bundle,
# wallet, ...); SECONDS defaults to 600. One process, one core: libFuzzer's
# default without -jobs/-workers. New inputs go to fuzz/corpus/TARGET/
# (minimise before committing: cargo +nightly fuzz cmin TARGET), crashes
# to fuzz/artifacts/TARGET/. Needs the nightly toolchain.
set -eu
cd "$(dirname "$0")"

target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [-- libFuzzer flags]}
seconds=${2:-600}
shift
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

mkdir -p "corpus/$target"
exec cargo +nightly fuzz run "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 "$@"
