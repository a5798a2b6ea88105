//! Legacy `.dockercfg` bytes: parsing and the lint never panic, and a parsed config written
//! back parses to the same credentials.
#![no_main]

use kubepull::config::{DockerConfig, lint_dockercfg};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
