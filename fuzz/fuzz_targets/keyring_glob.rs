#![no_main]
//! Keyring lookup on glob-heavy keyrings stays fast: the input's first line is a glob label
//! (any bytes; `*` and classes welcome), the second a host label. 180 keys `<glob><i>.io`
//! share one index bucket, as in issue 14's attack, and the image is `<label><i>.io/app`.
//! One lookup must finish within a second; warnings never hold the planted password, which
//! is also written into some keys as userinfo.

use std::time::{Duration, Instant};

use kubepull::Secret;
use kubepull::keyring::{CredentialSource, Keyring};
use libfuzzer_sys::fuzz_target;

const CANARY: &str = "CANARY-pw-7f3a";

fuzz_target!(|data: &[u8]| {
    let text = defused(&String::from_utf8_lossy(data));
    let (glob, label) = text.split_once('\n').unwrap_or((&text, "a"));
    let label = label.split('\n').next().unwrap_or("a");
    let source = CredentialSource::secret("ns", "hostile", "uid");
    let mut builder = Keyring::builder();
    for i in 0..180 {
        let key = if i % 7 == 0 {
            format!("ci:{CANARY}@{glob}{i}.io")
        } else {
            format!("{glob}{i}.io")
        };
        builder.add(&source, &key, "user", Secret::new(CANARY));
    }
    let keyring = builder.build().expect("no secret, nothing malformed");
    for warning in keyring.warnings() {
        let shown = format!("{warning} {warning:?}");
        assert!(!shown.contains(CANARY), "{shown}");
    }
    let image = format!("{label}17.io/app");
    let started = Instant::now();
    let found = keyring.lookup_str(&image);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "lookup took {:?} (glob {} bytes, label {} bytes)",
        started.elapsed(),
        glob.len(),
        label.len()
    );
    let _ = found.len();
});

/// The input with every spelling of the canary (and of its base64 form) lowered, so that a
/// key the fuzzer writes cannot hold the planted password: keys may be shown, passwords not.
fn defused(text: &str) -> String {
    text.replace("CANARY", "canary").replace("dTpD", "dtpd")
}
