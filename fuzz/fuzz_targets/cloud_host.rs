#![no_main]
//! Cloud registry recognisers and `matchImages` patterns never panic on any host or image.

use kubepull::provider::MatchImage;
use kubepull::provider::cloud;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cloud::recognize(text);
    let _ = cloud::ecr_region(text);
    let _ = cloud::acr_login_server(text, Some(".azurecr.my.cloud"));
    let _ = cloud::parse_host_from_image_reference(text);
    // Split the input into a pattern and an image.
    let (pattern, image) = text.split_once('\n').unwrap_or((text, text));
    if let Ok(pattern) = MatchImage::parse(pattern) {
        let _ = pattern.matches(image);
    }
});
