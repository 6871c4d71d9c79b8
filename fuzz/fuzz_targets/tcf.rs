#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentkit_fuzz::tcf(data));
