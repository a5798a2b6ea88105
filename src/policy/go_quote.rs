//! Go's `strconv.Quote` (what `fmt`'s `%q` prints for a string), needed because the kubelet and
//! the API server quote image names and field values with it in their messages.

use std::fmt::Write as _;

/// Quotes `s` exactly as Go's `strconv.Quote` does for valid UTF-8.
///
/// Printability follows Go's `unicode.IsPrint` for ASCII, Latin-1 and the non-printable ranges
/// that matter in practice (C1 controls, non-ASCII spaces, format characters, private use,
/// noncharacters). Go consults the full Unicode tables for unassigned code points; we treat
/// them as printable, which only changes the quoting of code points no image name may contain.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !matches!(u,
        0x80..=0xa0
        | 0xad
        | 0x600..=0x605
        | 0x61c
        | 0x6dd
        | 0x70f
        | 0x8e2
        | 0x1680
        | 0x180e
        | 0x2000..=0x200f
        | 0x2028..=0x202f
        | 0x205f..=0x2064
        | 0x2066..=0x206f
        | 0x3000
        | 0xd800..=0xf8ff
        | 0xfdd0..=0xfdef
        | 0xfeff
        | 0xfff9..=0xfffb
        | 0x110bd
        | 0x110cd
        | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a
        | 0xe0000..=0xe0fff
        | 0xf0000..=0x10ffff
    ) && (u & 0xfffe) != 0xfffe
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("nginx:1.25"), r#""nginx:1.25""#);
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("a\tb\n\u{0}\u{7f}"), r#""a\tb\n\x00\x7f""#);
        assert_eq!(
            quote("é\u{a0}\u{feff}\u{10ffff}"),
            r#""é\u00a0\ufeff\U0010ffff""#
        );
    }
}
