//! Registry pattern matching and keyring lookup never panic and are deterministic.
//!
//! Input: one byte of option bits, then lines; the last line is the image, the others keys
//! (each prefixed by a digit choosing the source kind).
#![no_main]

use kubepull::keyring::{CredentialSource, Keyring, KeyringOptions, RegistryKey, RegistryPattern};
use kubepull::{Reference, Secret};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let options = KeyringOptions::default()
        .with_path_segment_boundaries(flags & 1 != 0)
        .with_strict_docker_hub_fallback(flags & 2 != 0)
        .with_case_insensitive_hosts(flags & 4 != 0)
        .with_skip_malformed_secrets(flags & 8 != 0);
    let text = String::from_utf8_lossy(rest);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let image = lines.pop().unwrap_or("");
    let sources = [
        CredentialSource::secret("ns", "s", "u"),
        CredentialSource::node("/n"),
        CredentialSource::provider("p"),
    ];

    let mut builder = Keyring::builder_with(options);
    for (i, line) in lines.iter().enumerate() {
        let (kind, key) = match line.as_bytes().first() {
            Some(b @ b'0'..=b'2') => ((b - b'0') as usize, &line[1..]),
            _ => (0, *line),
        };
        if let Ok(pattern) = RegistryPattern::parse_with(key, &options) {
            let once = pattern.matches_with(image, &options);
            assert_eq!(once, pattern.matches_with(image, &options));
            let _ = pattern.to_string();
        }
        match RegistryKey::normalize(key) {
            Ok(normalized) => {
                let _ = normalized.to_string();
            }
            Err(error) => {
                let _ = error.to_string();
            }
        }
        if i % 7 == 6 {
            builder.add_malformed_secret(&sources[0], ".dockerconfigjson", "bad");
        }
        builder.add(&sources[kind], key, "user", Secret::new("pw"));
    }
    let Ok(keyring) = builder.build() else { return };
    for warning in keyring.warnings() {
        let _ = warning.to_string();
    }
    let first: Vec<String> = keyring
        .lookup_str(image)
        .iter()
        .map(|c| c.key().to_string())
        .collect();
    let second: Vec<String> = keyring
        .lookup_str(image)
        .iter()
        .map(|c| c.key().to_string())
        .collect();
    assert_eq!(first, second);
    if let Ok(reference) = Reference::parse(image) {
        let by_reference = keyring.lookup(&reference).len();
        assert_eq!(by_reference, keyring.lookup_str(reference.name()).len());
    }
});
