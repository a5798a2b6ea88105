//! `config.json` bytes: parsing never panics, the lint never panics, and a parsed document
//! written back in the kubelet's shape parses to the same credentials.
#![no_main]

use kubepull::config::{DockerConfig, DockerConfigJson, KubeSecret, lint};
use libfuzzer_sys::fuzz_target;

/// The password planted into a document built from the input.
const CANARY: &str = "CANARY-pw-7f3a";

fuzz_target!(|data: &[u8]| {
    leaks_nothing(data);
    let _ = lint(data);
    let _ = KubeSecret::from_json(data);
    let Ok(document) = DockerConfigJson::from_slice(data) else {
        return;
    };
    let written = document.to_json();
    let again = DockerConfigJson::from_slice(written.expose_secret().as_bytes())
        .expect("kubepull's own output parses");
    assert_same(&document.auths, &again.auths);
    assert_eq!(document.http_headers, again.http_headers);
});

/// Same keys, usernames, passwords and emails; usernames with `:` cannot survive the `auth`
/// the kubelet's encoder writes (it splits on the first `:`), so those are skipped.
fn assert_same(a: &DockerConfig, b: &DockerConfig) {
    assert_eq!(a.len(), b.len());
    for ((ka, ea), (kb, eb)) in a.iter().zip(b.iter()) {
        assert_eq!(ka, kb);
        assert_eq!(ea.email, eb.email);
        if !ea.username.contains(':') {
            assert_eq!(ea.username, eb.username);
            assert_eq!(ea.password, eb.password);
        }
    }
}

/// A `config.json` whose entry keys and `auth` values come from the input (NUL-separated
/// pairs: key, auth) and whose passwords are all the canary: no error, lint finding or Debug
/// output may hold the canary, as written or as base64 (`auth` of `u:CANARY`).
fn leaks_nothing(data: &[u8]) {
    let text = defused(&String::from_utf8_lossy(data));
    let mut fields = text.split('\0');
    let mut auths = serde_json::Map::new();
    while let Some(key) = fields.next() {
        let auth = fields.next().unwrap_or("");
        let mut entry = serde_json::json!({"username": "u", "password": CANARY});
        if !auth.is_empty() {
            entry["auth"] = auth.into();
        }
        auths.insert(key.to_owned(), entry);
    }
    let doc = serde_json::json!({"auths": auths}).to_string();
    let basic = "dTpDQU5BUlktcHctN2YzYQ"; // base64("u:CANARY-pw-7f3a") without padding
    let check = |shown: String| {
        assert!(!shown.contains(CANARY) && !shown.contains(basic), "{shown}");
    };
    match DockerConfigJson::from_slice(doc.as_bytes()) {
        Ok(parsed) => check(format!("{parsed:?}")),
        Err(error) => check(format!("{error} {error:?} {}", error.detail())),
    }
    for finding in lint(doc.as_bytes()) {
        check(format!("{finding} {finding:?}"));
    }
}

/// The input with every spelling of the canary (and of its base64 form) lowered, so that a
/// key the fuzzer writes cannot hold the planted password: keys may be shown, passwords not.
fn defused(text: &str) -> String {
    text.replace("CANARY", "canary").replace("dTpD", "dtpd")
}
