#!/usr/bin/env bash
# Builds ConsentKitFFI.xcframework (iOS devices, iOS simulators, macOS) from
# the Rust library, for the Swift package in this directory.
#
# Needs macOS with Xcode and rustup. It cannot run on Linux (no Apple SDKs,
# lipo or xcodebuild): CI only regenerates and checks the Swift sources and
# the C header (scripts/test-bindings).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)

[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh: needs macOS with Xcode" >&2; exit 1; }
command -v xcodebuild >/dev/null || { echo "build-xcframework.sh: xcodebuild not found (install Xcode)" >&2; exit 1; }

profile=release-ffi
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
  # A static library for each target; the workspace build stays cdylib + rlib.
  cargo rustc --manifest-path "$root/bindings/Cargo.toml" --lib --profile "$profile" \
    --target "$t" --crate-type staticlib
done

lib() { echo "$root/target/$1/$profile/libconsentkit_ffi.a"; }
work="$root/target/xcframework"
rm -rf "$work" ConsentKitFFI.xcframework
mkdir -p "$work/ios-sim" "$work/macos" "$work/headers"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libconsentkit_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libconsentkit_ffi.a"
cp Sources/ConsentKitFFI/include/ConsentKitFFI.h Sources/ConsentKitFFI/include/ConsentKitCoreFFI.h Sources/ConsentKitFFI/include/module.modulemap "$work/headers/"

xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
  -library "$work/ios-sim/libconsentkit_ffi.a" -headers "$work/headers" \
  -library "$work/macos/libconsentkit_ffi.a" -headers "$work/headers" \
  -output "$here/ConsentKitFFI.xcframework"
echo "built $here/ConsentKitFFI.xcframework"
