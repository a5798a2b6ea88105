#![no_main]
//! `CredentialProviderConfig::from_directory`: files are `NAME\nCONTENTS` chunks separated by
//! NUL. Never panics; on success the hash has the kubelet's `sha256:<64 hex>` shape and the
//! provider names are unique.

use kubepull::provider::CredentialProviderConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0)
        .map(|chunk| {
            let (name, contents) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], &chunk[i + 1..]),
                None => (chunk, &b""[..]),
            };
            (
                String::from_utf8_lossy(name).into_owned(),
                contents.to_vec(),
            )
        })
        .collect();
    if let Ok((config, hash)) =
        CredentialProviderConfig::from_directory("/etc/kubernetes/credential-providers", files)
    {
        assert!(hash.starts_with("sha256:") && hash.len() == 71, "{hash}");
        let mut names: Vec<&str> = config.providers.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate provider names passed");
        let _ = config.validate();
    }
});
