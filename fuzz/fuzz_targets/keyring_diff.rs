//! Differential: the indexed keyring against a plain linear scan of the same keys (Go's
//! `BasicDockerKeyring.Lookup`: reverse-sorted keys, `URLsMatchStr` on each, then the Docker
//! Hub fallback), one keyring per source kind.
//!
//! Input: one byte of option bits, then lines; the last line is the image, the others keys
//! (each prefixed by a digit choosing the source kind).
#![no_main]

use kubepull::Secret;
use kubepull::keyring::{CredentialSource, Keyring, KeyringOptions};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/keyring_linear/mod.rs"]
mod keyring_linear;
use keyring_linear::linear_lookup;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let options = KeyringOptions::default()
        .with_path_segment_boundaries(flags & 1 != 0)
        .with_strict_docker_hub_fallback(flags & 2 != 0)
        .with_case_insensitive_hosts(flags & 4 != 0);
    let text = String::from_utf8_lossy(rest);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let image = lines.pop().unwrap_or("");
    let entries: Vec<(usize, &str, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| match line.as_bytes().first() {
            Some(b @ b'0'..=b'2') => ((b - b'0') as usize, &line[1..], format!("u{i}")),
            _ => (0, *line, format!("u{i}")),
        })
        .collect();

    let sources = [
        CredentialSource::secret("ns", "s", "u"),
        CredentialSource::node("/n"),
        CredentialSource::provider("p"),
    ];
    let mut builder = Keyring::builder_with(options);
    for (layer, key, user) in &entries {
        builder.add(&sources[*layer], key, user, Secret::new("pw"));
    }
    let keyring = builder.build().expect("no malformed secrets added");
    let indexed: Vec<String> = keyring
        .lookup_str(image)
        .iter()
        .map(|c| c.username().to_owned())
        .collect();
    assert_eq!(indexed, linear_lookup(&entries, image, &options));
});
