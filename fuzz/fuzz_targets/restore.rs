#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| getanime_fuzz::restore(data));
