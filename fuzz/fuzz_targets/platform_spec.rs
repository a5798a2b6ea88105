//! Platform specifiers: parsing never panics, and parse → display → parse is stable.
#![no_main]

use kubepull::platform::{Matcher, Platform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let host = Platform::new("linux", "arm").with_variant("v6");
    let Ok(parsed) = Platform::parse(text, &host) else {
        let _ = text.parse::<Platform>();
        return;
    };
    assert!(!parsed.os.is_empty());
    let shown = parsed.to_string();
    // Components that path.Clean rewrites ("." and "..") legitimately change the form.
    if text.split('/').any(|c| c == "." || c == "..") {
        return;
    }
    let again = Platform::parse(&shown, &host).expect("formatted platform parses back");
    assert_eq!(again.to_string(), shown);
    assert_eq!(again.normalize(), parsed.normalize());
    assert!(Matcher::only_strict(&parsed).matches(&again));
    let _ = parsed.format();
    let _ = Matcher::only(&parsed).platforms();
});
