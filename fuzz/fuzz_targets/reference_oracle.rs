//! Differential fuzzing against the regex oracle of `tests/oracle/` (Go's
//! `ParseNormalizedNamed`, `Parse` and `ParseAnyReference` transcribed over the grammar's
//! regexes): accept/reject, error text and the domain/path/tag/digest split, in both grammar
//! generations.
//!
//! Seed with corpus lines and use the shared dictionary, from `fuzz/`:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run reference_oracle -- -dict=../tests/oracle/reference.dict`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Err(disagreement) = oracle::compare::all(s) {
            panic!("{disagreement}");
        }
    }
});
