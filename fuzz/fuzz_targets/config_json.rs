//! `config.json` bytes: parsing never panics, the lint never panics, and a parsed document
//! written back in the kubelet's shape parses to the same credentials.
#![no_main]

use kubepull::config::{DockerConfig, DockerConfigJson, KubeSecret, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
