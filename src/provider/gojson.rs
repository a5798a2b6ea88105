//! Go text conventions the kubelet's messages and encodings follow.

/// Go's `strconv.Quote` (what `%q` prints) for the characters that occur in practice:
/// printable text kept, `"` and `\` escaped, control characters as `\n`, `\x00`, `\u0085`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_unprintable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of `!unicode.IsPrint` for non-ASCII characters: controls, format
/// characters and separators other than the ASCII space.
fn is_go_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb)
        || (c.is_whitespace() && c != ' ')
}

/// Appends `s` as a JSON string the way Go's `encoding/json` writes it: `<`, `>`, `&`,
/// U+2028 and U+2029 escaped as `\u003c`…, control characters as `\n`, `\u0001`.
pub(crate) fn push_go_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(go_quote("foo bar"), r#""foo bar""#);
        assert_eq!(go_quote("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\x01""#);
        assert_eq!(go_quote("é\u{200b}"), "\"é\\u200b\"");
        let mut s = String::new();
        push_go_json_string(&mut s, "<a&b>\u{2028}\u{1}é");
        assert_eq!(s, r#""\u003ca\u0026b\u003e\u2028\u0001é""#);
    }
}
