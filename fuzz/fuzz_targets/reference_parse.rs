//! Arbitrary bytes through every reference and digest parser: no panic, invariants on every
//! success, the borrowed parser agreeing with the owned one.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        oracle::checks::exercise(s);
    }
});
