//! Parse → display → parse is stable, the familiar form parses back where it is unambiguous,
//! and `with_tag` / `with_digest` / `docker_ref` give references that re-parse or fail only as
//! documented. The input is `reference[\ntag[\ndigest]]`.
//!
//! Seed with corpus lines and use the shared dictionary, from `fuzz/`:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run reference_roundtrip -- -dict=../tests/oracle/reference.dict`.

#![no_main]

use kubepull::Reference;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = s.splitn(3, '\n');
    let input = parts.next().unwrap_or_default();
    let new_tag = parts.next().unwrap_or("latest");
    let new_digest = parts.next().unwrap_or_default();
    oracle::checks::assert_round_trips(input);
    if let Ok(r) = Reference::parse(input) {
        oracle::checks::assert_with_tag_and_digest(&r, new_tag, new_digest);
    }
});
