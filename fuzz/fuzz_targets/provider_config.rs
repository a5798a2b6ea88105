#![no_main]
//! Credential provider configs: decoding and validation never panic, and every provider
//! that validates can be matched against arbitrary images.

use kubepull::provider::CredentialProviderConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(config) = CredentialProviderConfig::from_slice(data) {
        let _ = config.validate();
        let _ = config.validate_with_gate(false);
        let image = std::str::from_utf8(data).unwrap_or("registry.io/app");
        for provider in config.matching(image) {
            let _ = provider.request(image).to_json();
            let _ = provider.match_image_patterns();
        }
    }
});
