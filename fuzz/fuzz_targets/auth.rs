//! `auth` values: decoding never panics; decode → encode → decode is stable; and
//! encode → decode returns the original username and password.
#![no_main]

use kubepull::config::{decode_auth, encode_auth};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok((username, password)) = decode_auth(&text) {
        let encoded = encode_auth(&username, password.expose_secret());
        let (again_user, again_password) =
            decode_auth(encoded.expose_secret()).expect("our own encoding decodes");
        assert_eq!(again_user, username);
        assert_eq!(again_password, password);
    }
    // Arbitrary credentials: split the input at its first NUL into username and password.
    let (username, password) = text.split_once('\0').unwrap_or((&text, ""));
    let encoded = encode_auth(username, password);
    let (user, pass) = decode_auth(encoded.expose_secret()).expect("our own encoding decodes");
    match username.split_once(':') {
        // A `:` in the username moves the rest into the password, as in the kubelet.
        Some((head, tail)) => {
            assert_eq!(user, head);
            assert_eq!(pass.expose_secret(), format!("{tail}:{password}"));
        }
        None => {
            assert_eq!(user, username);
            assert_eq!(pass.expose_secret(), password);
        }
    }
});
