//! Legacy `.dockercfg` bytes: parsing and the lint never panic, and a parsed config written
//! back parses to the same credentials.
#![no_main]

use kubepull::config::{DockerConfig, lint_dockercfg};
use libfuzzer_sys::fuzz_target;

/// The password planted into a document built from the input.
const CANARY: &str = "CANARY-pw-7f3a";

fuzz_target!(|data: &[u8]| {
    leaks_nothing(data);
    let _ = lint_dockercfg(data);
    let Ok(config) = DockerConfig::from_dockercfg(data) else {
        return;
    };
    let written = config.to_dockercfg();
    let again = DockerConfig::from_dockercfg(written.expose_secret().as_bytes())
        .expect("kubepull's own output parses");
    assert_eq!(config.len(), again.len());
    for ((ka, ea), (kb, eb)) in config.iter().zip(again.iter()) {
        assert_eq!(ka, kb);
        assert_eq!(ea.email, eb.email);
        // The encoder's `auth` splits on the first `:`, as the kubelet's does.
        if !ea.username.contains(':') {
            assert_eq!(ea.username, eb.username);
            assert_eq!(ea.password, eb.password);
        }
    }
});

/// A `.dockercfg` whose keys, `auth` and `email` values come from the input (NUL-separated
/// triples) and whose passwords are all the canary: no error, lint finding or `Debug` output
/// may hold the canary, as written or as base64 (`auth` of `u:CANARY`).
fn leaks_nothing(data: &[u8]) {
    let text = defused(&String::from_utf8_lossy(data));
    let mut fields = text.split('\0');
    let mut entries = serde_json::Map::new();
    while let Some(key) = fields.next() {
        let mut entry = serde_json::json!({"username": "u", "password": CANARY});
        if let Some(auth) = fields.next().filter(|a| !a.is_empty()) {
            entry["auth"] = auth.into();
        }
        if let Some(email) = fields.next() {
            entry["email"] = email.into();
        }
        entries.insert(key.to_owned(), entry);
    }
    let doc = serde_json::Value::Object(entries).to_string();
    let basic = "dTpDQU5BUlktcHctN2YzYQ"; // base64("u:CANARY-pw-7f3a") without padding
    let check = |shown: String| {
        assert!(!shown.contains(CANARY) && !shown.contains(basic), "{shown}");
    };
    match DockerConfig::from_dockercfg(doc.as_bytes()) {
        Ok(config) => check(format!("{config:?}")),
        Err(error) => check(format!("{error} {error:?} {}", error.detail())),
    }
    for finding in lint_dockercfg(doc.as_bytes()) {
        check(format!("{finding} {finding:?}"));
    }
}

/// The input with every spelling of the canary (and of its base64 form) lowered, so that a
/// key the fuzzer writes cannot hold the planted password: keys may be shown, passwords not.
fn defused(text: &str) -> String {
    text.replace("CANARY", "canary").replace("dTpD", "dtpd")
}
