//! Go text conventions the kubelet's messages and encodings follow, on top of the crate's
//! shared Go ports (`crate::go`).

/// Go's `strconv.Quote` (what `%q` prints).
pub(crate) fn go_quote(s: &str) -> String {
    crate::go::quote(s)
}

/// Appends `s` as a JSON string the way Go's `encoding/json` writes it (`<`, `>`, `&`,
/// U+2028 and U+2029 escaped as `\u003c`…).
pub(crate) fn push_go_json_string(out: &mut String, s: &str) {
    let plain = serde_json::to_string(s).unwrap_or_default();
    out.push_str(&crate::go::escape_json_like_go(&plain));
}

/// `sha256:<lowercase hex>`, as the kubelet writes digests in keys and metrics.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", crate::go::sha256_hex(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(go_quote("foo bar"), r#""foo bar""#);
        assert_eq!(go_quote("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\x01""#);
        let mut s = String::new();
        push_go_json_string(&mut s, "<a&b>\u{2028}\u{1}é");
        assert_eq!(s, r#""\u003ca\u0026b\u003e\u2028\u0001é""#);
        assert_eq!(sha256_digest(b"").len(), 71);
    }
}
