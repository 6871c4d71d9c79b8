//! The workspace's `uniffi-bindgen`, for library mode:
//!
//! ```sh
//! cargo run -p consentkit-ffi --features cli --bin uniffi-bindgen -- \
//!     generate --library target/release/libconsentkit_ffi.so --language kotlin --out-dir OUT
//! ```
//!
//! It is built from the same `uniffi` version as the library, so the
//! generated code always matches the scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
