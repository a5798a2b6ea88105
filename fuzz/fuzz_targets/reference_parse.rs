//! Arbitrary bytes through every reference and digest parser: no panic, invariants on every
//! success, the borrowed parser agreeing with the owned one.
//!
//! Seed with corpus lines and use the shared dictionary, from `fuzz/`:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run reference_parse -- -dict=../tests/oracle/reference.dict`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        oracle::checks::exercise(s);
    }
});
