#![no_main]
//! Plugin responses and docker credential helper output: parsing never panics, and a
//! rejected response never quotes the bytes it was given.

use std::time::Instant;

use kubepull::provider::helper::{HelperCredentials, parse_list_output};
use kubepull::provider::{CredentialProviderResponse, ProviderCache};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = Instant::now();
    for version in [
        "credentialprovider.kubelet.k8s.io/v1",
        "credentialprovider.kubelet.k8s.io/v1alpha1",
    ] {
        match CredentialProviderResponse::parse(data, version) {
            Ok(response) => {
                let mut cache = ProviderCache::new(std::time::Duration::from_secs(60), now);
                let _ = cache.store("registry.io/app", b"", &response, now);
                let _ = cache.lookup("registry.io/other", b"", now);
                let _ = response.credentials("fuzz");
            }
            Err(e) => {
                // The kubelet hides the body; so must we. Only JSON-looking bodies are
                // checked: a plain string can coincide with fixed message text (the fuzzer
                // found `error reading GVK from response: …` as an input), and no fixed
                // message has a `{`.
                if data.len() >= 24 && data.contains(&b'{') {
                    if let Ok(text) = std::str::from_utf8(data) {
                        assert!(!e.to_string().contains(text));
                    }
                }
            }
        }
    }
    let _ = HelperCredentials::parse_get_output(data);
    let _ = parse_list_output(data);
});
