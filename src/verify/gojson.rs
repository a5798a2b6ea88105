//! JSON exactly as Go's `encoding/json` writes it, for hashing and for the record files.

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

/// Rewrites serde_json's compact output into Go's: Go additionally escapes `<`, `>`, `&`,
/// U+2028 and U+2029 inside strings. Those characters never occur outside strings in JSON, so
/// a plain substitution is exact. (serde_json and Go ≥ 1.22 agree on every other escape.)
pub(crate) fn go_escape(serde_json_text: &str) -> Cow<'_, str> {
    if !serde_json_text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return Cow::Borrowed(serde_json_text);
    }
    let mut out = String::with_capacity(serde_json_text.len() + 16);
    for c in serde_json_text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}
