//! Allowlist patterns: parsing never panics, `Display` inverts `FromStr`, and matching any
//! image against a parsed list never panics.
#![no_main]

use kubepull::verify::{Allowlist, AllowlistPattern, CredentialPolicy, VerificationPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let image = lines.next().unwrap_or("");
    let patterns: Vec<&str> = lines.collect();
    for pattern in &patterns {
        match pattern.parse::<AllowlistPattern>() {
            Ok(parsed) => {
                assert_eq!(parsed.to_string(), *pattern);
                assert_eq!(
                    parsed.to_string().parse::<AllowlistPattern>().as_ref(),
                    Ok(&parsed)
                );
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    if let Ok(list) = Allowlist::parse(patterns.iter().copied()) {
        let first = list.matches(image);
        assert_eq!(first, list.matches(image));
        let policy = CredentialPolicy::new(
            VerificationPolicy::NeverVerifyAllowlistedImages,
            patterns.iter().copied(),
        )
        .expect("the same list parses again");
        assert_eq!(policy.requires_verification(image, false), !first);
    }
});
