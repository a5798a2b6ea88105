#![no_main]
//! YAML credential provider configs: decoding never panics, flow nesting is refused before
//! the parser sees it, and a config that decodes can be validated and matched.

use kubepull::provider::CredentialProviderConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let started = std::time::Instant::now();
    let result = CredentialProviderConfig::from_yaml(data);
    // Linear in the input (4 MiB at most): a generous bound that quadratic nesting breaks.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "from_yaml took {:?} on {} bytes",
        started.elapsed(),
        data.len()
    );
    if let Ok(config) = result {
        let _ = config.validate();
        for provider in config.matching("123456789012.dkr.ecr.us-east-1.amazonaws.com/app") {
            let _ = provider.request("123456789012.dkr.ecr.us-east-1.amazonaws.com/app");
        }
    }
});
