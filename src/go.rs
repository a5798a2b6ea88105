//! Small ports of Go standard-library behaviour that kubepull must reproduce byte for byte:
//! `strconv.Quote` (what `%q` prints in kubelet and API server messages), the HTML-safe escapes
//! of `encoding/json`, `path.Join`/`path.Clean`, `net/url.PathUnescape`, `unicode.ToLower`,
//! `strconv.Atoi`/`ParseUint` and `sort.SliceStable`.

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

/// `strconv.Quote`: a double-quoted Go string literal.
///
/// Exact for ASCII. For other characters Go keeps what `unicode.IsPrint` accepts; this port
/// escapes control, format, separator, private-use and non-character code points, which covers
/// every character Go escapes in practice (unassigned code points are kept).
pub(crate) fn quote(s: &str) -> String {
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
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_print(c) => out.push(c),
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

/// Go's `unicode.IsPrint` for what matters in practice: ASCII and Latin-1 exactly, and the
/// non-printable ranges beyond (C1 controls, non-ASCII spaces, format characters, private use,
/// noncharacters, tags). Go consults full Unicode tables for unassigned code points; they are
/// treated as printable here, which only changes the quoting of code points no image name,
/// field value or platform may contain.
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
        | 0x890..=0x891
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

/// Rewrites serde_json's compact output into Go's `encoding/json` output: Go additionally
/// escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings. Those characters never occur
/// outside strings in JSON, so a plain substitution is exact. (serde_json and Go agree on every
/// other escape.)
pub(crate) fn escape_json_like_go(serde_json_text: &str) -> Cow<'_, str> {
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

/// Go's `strconv.Quote` over bytes: [`quote`] for the valid UTF-8 runs, `\xNN`
/// for each byte that is not valid UTF-8 (hosts and paths decode `%XX` into any byte).
pub(crate) fn quote_bytes(mut s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    while !s.is_empty() {
        let (valid, rest) = match std::str::from_utf8(s) {
            Ok(text) => (text, &b""[..]),
            Err(e) => {
                let (head, tail) = s.split_at(e.valid_up_to());
                (std::str::from_utf8(head).unwrap_or_default(), tail)
            }
        };
        let quoted = quote(valid);
        out.push_str(&quoted[1..quoted.len() - 1]);
        if let Some((&bad, tail)) = rest.split_first() {
            let _ = write!(out, "\\x{bad:02x}");
            s = tail;
        } else {
            s = rest;
        }
    }
    out.push('"');
    out
}

/// Writes `value` as a JSON string the way Go's `json.Marshal` does: HTML-safe (`<`, `>`, `&`
/// as `\u003c`, `\u003e`, `\u0026`), U+2028/U+2029 escaped, short escapes for `\b \f \n \r \t`.
pub(crate) fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `sha256:<lowercase hex>`, as go-digest and the kubelet write digests.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
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

/// `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// `path.Join`: non-empty elements joined with `/`, then cleaned; `""` if all are empty.
pub(crate) fn join(elements: &[&str]) -> String {
    let mut buf = String::new();
    for element in elements.iter().filter(|e| !e.is_empty()) {
        if !buf.is_empty() {
            buf.push('/');
        }
        buf.push_str(element);
    }
    if buf.is_empty() {
        return buf;
    }
    // Fast path: nothing for Clean to do.
    if !buf.contains("//") && !buf.split('/').any(|s| s == "." || s == "..") && !buf.ends_with('/')
    {
        return buf;
    }
    clean(&buf)
}

/// `url.PathUnescape`, with Go's error text (`invalid URL escape "%zz"`).
///
/// Go strings may hold any bytes; a Rust `String` must be UTF-8, so an escape that decodes to
/// invalid UTF-8 is an error here (`invalid UTF-8 after unescaping`).
pub(crate) fn path_unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if i + 2 >= bytes.len()
                || !bytes[i + 1].is_ascii_hexdigit()
                || !bytes[i + 2].is_ascii_hexdigit()
            {
                let end = (i + 3).min(bytes.len());
                let bad = String::from_utf8_lossy(&bytes[i..end]);
                return Err(format!("invalid URL escape {}", quote(&bad)));
            }
            out.push(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "invalid UTF-8 after unescaping".to_owned())
}

fn hex(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

/// `strings.ToLower` (rune by rune, like Go: no context-sensitive final sigma, and `İ` → `i`).
pub(crate) fn to_lower_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(to_lower_owned(s))
}

fn to_lower_owned(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{130}' {
            out.push('i');
            continue;
        }
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => out.push(l),
            _ => out.push(c),
        }
    }
    out
}

/// `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
pub(crate) fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// `strconv.ParseUint(s, 10, bits)`.
pub(crate) fn parse_uint(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|v| *v <= max)
}

/// Go's `sort.SliceStable` (insertion sort on blocks of 20, then SymMerge), ported so that the
/// order is Go's even when a `less` function is not a strict weak order, and so that it can never
/// panic (Rust's `sort_by` may panic on an inconsistent comparator).
pub(crate) fn slice_stable<T>(data: &mut [T], less: &mut impl FnMut(&T, &T) -> bool) {
    let n = data.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, less);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, less);
    while block < n {
        a = 0;
        b = 2 * block;
        while b <= n {
            sym_merge(data, a, a + block, b, less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, less);
        }
        block *= 2;
    }
}

fn insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&data[j], &data[j - 1]) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(
    data: &mut [T],
    a: usize,
    m: usize,
    b: usize,
    less: &mut impl FnMut(&T, &T) -> bool,
) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(&data[h], &data[a]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = a;
        while k < i - 1 {
            data.swap(k, k + 1);
            k += 1;
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(&data[m], &data[h]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(&data[p - c], &data[c]) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less);
    }
}

/// Go's `rotate` on `[a, m)` and `[m, b)`; `slice::rotate_left` gives the same result.
fn rotate<T>(data: &mut [T], a: usize, m: usize, b: usize) {
    data[a..b].rotate_left(m - a);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_bytes_escapes_invalid_utf8() {
        assert_eq!(
            quote_bytes(b"a\"\\\x01\xff\xc3\xa9"),
            "\"a\\\"\\\\\\x01\\xff\u{e9}\""
        );
    }

    #[test]
    fn json_strings_are_html_safe_as_go_writes_them() {
        let mut out = String::new();
        push_json_string(&mut out, "a&<>\"\\\n\u{1}\u{2028}");
        assert_eq!(out, r#""a\u0026\u003c\u003e\"\\\n\u0001\u2028""#);
    }

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

    #[test]
    fn escapes_json_like_go() {
        assert_eq!(
            escape_json_like_go(r#"{"a":"<&>"}"#),
            r#"{"a":"\u003c\u0026\u003e"}"#
        );
        assert!(matches!(escape_json_like_go("{}"), Cow::Borrowed(_)));
    }

    #[test]
    fn quote_matches_go() {
        assert_eq!(quote("linux/&arm"), r#""linux/&arm""#);
        assert_eq!(
            quote("a\"b\\c\n\u{1}\u{7f}é\u{200b}"),
            r#""a\"b\\c\n\x01\x7fé\u200b""#
        );
    }

    #[test]
    fn join_and_clean_match_go() {
        assert_eq!(join(&["linux", "arm64", ""]), "linux/arm64");
        assert_eq!(join(&["linux", "..", "x"]), "x");
        assert_eq!(join(&["", "", ""]), "");
        assert_eq!(join(&["a", ".", "b/"]), "a/b");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../a/.."), "..");
    }

    #[test]
    fn unescape_matches_go() {
        assert_eq!(path_unescape("10.0%2Bx").unwrap(), "10.0+x");
        assert_eq!(
            path_unescape("a%zz").unwrap_err(),
            r#"invalid URL escape "%zz""#
        );
        assert_eq!(
            path_unescape("a%4").unwrap_err(),
            r#"invalid URL escape "%4""#
        );
        assert!(path_unescape("%ff").is_err());
    }

    #[test]
    fn stable_sort_is_stable_and_sorts() {
        let mut v: Vec<(u8, usize)> = (0..200).map(|i| ((i * 7 % 5) as u8, i)).collect();
        slice_stable(&mut v, &mut |a, b| a.0 < b.0);
        for w in v.windows(2) {
            assert!(w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1));
        }
    }
}
