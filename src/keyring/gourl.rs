//! The part of Go's `net/url.Parse` the keyring depends on, ported by hand.
//!
//! The kubelet turns every registry key (and every image it looks up) into a URL with
//! `url.Parse("https://" + s)` and then only reads `Host` and `Path`. What matters for
//! fidelity is therefore: which strings fail to parse, where the authority ends, how
//! `%`-escapes decode, and that the query and fragment are dropped. Everything else of
//! `net/url` (opaque URLs, relative references, `RawPath`) is unreachable from here because
//! the scheme is always present and followed by `//`.
//!
//! Hosts and paths are bytes, not `str`: Go decodes `%80`-style escapes into arbitrary bytes.

use std::borrow::Cow;
use std::fmt;

/// Why a registry key or image string is not a URL Go would accept.
///
/// The `Display` text is Go's `url.Error`: `parse "https://…": <reason>`, except that any
/// userinfo (`user:password@`) in the quoted URL is replaced by `[REDACTED]`. `Debug` shows
/// the same redacted URL, never the bytes as written.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlError {
    url: Vec<u8>,
    kind: UrlErrorKind,
}

/// What was wrong with the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlErrorKind {
    /// A byte below 0x20 or 0x7f outside the fragment.
    ControlCharacter,
    /// A `%` not followed by two hex digits, or (in the host) an escape of an ASCII byte.
    InvalidEscape(Vec<u8>),
    /// A bad `%` escape inside the userinfo; the bytes are withheld because they are part of
    /// a password.
    InvalidUserinfoEscape,
    /// A byte that may not appear in a host name.
    InvalidHostCharacter(u8),
    /// `[` without a closing `]`.
    MissingBracket,
    /// The text after the last `:` of the host is not a port.
    InvalidPort(Vec<u8>),
    /// The userinfo holds a character Go rejects.
    InvalidUserinfo,
    /// Longer than [`MAX_PATTERN_LEN`](super::MAX_PATTERN_LEN) bytes (a kubepull limit, not
    /// Go's); the URL in the message is cut short.
    TooLong(usize),
}

impl UrlError {
    /// What was wrong.
    pub fn kind(&self) -> &UrlErrorKind {
        &self.kind
    }

    /// The error for a key or image longer than `MAX_PATTERN_LEN`, as written (with or
    /// without `https://` or `http://`). Any userinfo is redacted before the URL is cut to
    /// its first 64 bytes after the scheme, so no part of a password can survive the cut.
    pub(crate) fn too_long(written: &[u8]) -> UrlError {
        let (scheme, rest) = split_scheme(written);
        let mut whole = Vec::with_capacity(scheme.len() + 3 + rest.len());
        whole.extend_from_slice(scheme.as_bytes());
        whole.extend_from_slice(b"://");
        whole.extend_from_slice(rest);
        let redacted = redact_userinfo(&whole);
        let start = scheme.len() + 3;
        let mut url = redacted[..(start + 64).min(redacted.len())].to_vec();
        url.extend_from_slice("…".as_bytes());
        UrlError {
            url,
            kind: UrlErrorKind::TooLong(written.len()),
        }
    }
}

impl fmt::Debug for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlError")
            .field("url", &String::from_utf8_lossy(&redact_userinfo(&self.url)))
            .field("kind", &self.kind)
            .finish()
    }
}

/// The scheme the kubelet uses for a written key (`https` unless it says `http://`) and the
/// rest after `scheme://`.
fn split_scheme(written: &[u8]) -> (&'static str, &[u8]) {
    if let Some(rest) = written.strip_prefix(b"https://") {
        ("https", rest)
    } else if let Some(rest) = written.strip_prefix(b"http://") {
        ("http", rest)
    } else {
        ("https", written)
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parse {}: {}",
            crate::go::quote_bytes(&redact_userinfo(&self.url)),
            self.kind
        )
    }
}

impl std::error::Error for UrlError {}

impl fmt::Display for UrlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlErrorKind::ControlCharacter => {
                f.write_str("net/url: invalid control character in URL")
            }
            UrlErrorKind::InvalidEscape(s) => {
                write!(f, "invalid URL escape {}", crate::go::quote_bytes(s))
            }
            UrlErrorKind::InvalidUserinfoEscape => f.write_str("invalid URL escape \"[REDACTED]\""),
            UrlErrorKind::InvalidHostCharacter(b) => {
                write!(
                    f,
                    "invalid character {} in host name",
                    crate::go::quote_bytes(&[*b])
                )
            }
            UrlErrorKind::MissingBracket => f.write_str("missing ']' in host"),
            UrlErrorKind::InvalidPort(p) => {
                write!(f, "invalid port {} after host", crate::go::quote_bytes(p))
            }
            UrlErrorKind::InvalidUserinfo => f.write_str("net/url: invalid userinfo"),
            UrlErrorKind::TooLong(len) => write!(
                f,
                "{len} bytes is longer than the {} kubepull accepts",
                super::MAX_PATTERN_LEN
            ),
        }
    }
}

/// The `Host` (with any `:port`) and the decoded `Path` of a parsed `scheme://…` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPath<'a> {
    pub(crate) host: Cow<'a, [u8]>,
    pub(crate) path: Cow<'a, [u8]>,
}

/// Parses what follows `scheme://` exactly as `url.Parse("scheme://" + rest)` would, and
/// returns `Host` and `Path`. `scheme` is only used to build the error text.
pub(crate) fn parse_after_scheme<'a>(
    scheme: &str,
    rest: &'a [u8],
) -> Result<HostPath<'a>, UrlError> {
    let error = |kind: UrlErrorKind, whole: bool| {
        // Go reports the URL without its fragment, except for a bad fragment escape.
        let shown = if whole { rest } else { cut(rest, b'#').0 };
        let mut url = Vec::with_capacity(scheme.len() + 3 + shown.len());
        url.extend_from_slice(scheme.as_bytes());
        url.extend_from_slice(b"://");
        url.extend_from_slice(shown);
        UrlError { url, kind }
    };
    let (before_fragment, fragment) = cut(rest, b'#');
    if before_fragment.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(error(UrlErrorKind::ControlCharacter, false));
    }
    // Go keeps the query; the keyring never reads it.
    let (before_query, _query) = cut(before_fragment, b'?');
    let (authority, path) = match before_query.iter().position(|&b| b == b'/') {
        Some(i) => before_query.split_at(i),
        None => (before_query, &b""[..]),
    };
    let host = parse_authority(authority).map_err(|k| error(k, false))?;
    let path = unescape(path, Mode::Path).map_err(|k| error(k, false))?;
    if let Some(fragment) = fragment {
        if !fragment.is_empty() {
            unescape(fragment, Mode::Fragment).map_err(|k| error(k, true))?;
        }
    }
    Ok(HostPath { host, path })
}

/// `strings.Cut(s, sep)` for one byte.
fn cut(s: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&b| b == sep) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

fn parse_authority(authority: &[u8]) -> Result<Cow<'_, [u8]>, UrlErrorKind> {
    let at = authority.iter().rposition(|&b| b == b'@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    if let Some(i) = at {
        let userinfo = &authority[..i];
        if !userinfo.iter().all(|&b| valid_userinfo_byte(b)) {
            return Err(UrlErrorKind::InvalidUserinfo);
        }
        let parts: [&[u8]; 2] = match cut(userinfo, b':') {
            (user, Some(password)) => [user, password],
            (user, None) => [user, b""],
        };
        for part in parts {
            unescape(part, Mode::UserPassword).map_err(|_| UrlErrorKind::InvalidUserinfoEscape)?;
        }
    }
    Ok(host)
}

fn valid_userinfo_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&b)
}

fn parse_host(host: &[u8]) -> Result<Cow<'_, [u8]>, UrlErrorKind> {
    if host.first() == Some(&b'[') {
        let Some(i) = host.iter().rposition(|&b| b == b']') else {
            return Err(UrlErrorKind::MissingBracket);
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(UrlErrorKind::InvalidPort(colon_port.to_vec()));
        }
        if let Some(zone) = find(&host[..i], b"%25") {
            let mut out = unescape(&host[..zone], Mode::Host)?.into_owned();
            out.extend_from_slice(&unescape(&host[zone..i], Mode::Zone)?);
            out.extend_from_slice(&unescape(&host[i..], Mode::Host)?);
            return Ok(Cow::Owned(out));
        }
    } else if let Some(i) = host.iter().rposition(|&b| b == b':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(UrlErrorKind::InvalidPort(colon_port.to_vec()));
        }
    }
    unescape(host, Mode::Host)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn valid_optional_port(port: &[u8]) -> bool {
    match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Go's `shouldEscape(c, encodeHost)`, the only mode whose answer changes what parses.
fn host_byte_needs_escape(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || b"!$&'()*+,;=:[]<>\"-_.~".contains(&c))
}

/// Go's `unescape`: validates every `%XX`, applies the host rules, then decodes.
fn unescape(s: &[u8], mode: Mode) -> Result<Cow<'_, [u8]>, UrlErrorKind> {
    let mut escapes = 0;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                escapes += 1;
                if i + 2 >= s.len()
                    || !s[i + 1].is_ascii_hexdigit()
                    || !s[i + 2].is_ascii_hexdigit()
                {
                    let end = (i + 3).min(s.len());
                    return Err(UrlErrorKind::InvalidEscape(s[i..end].to_vec()));
                }
                let escape = &s[i..i + 3];
                if mode == Mode::Host && unhex(s[i + 1]) < 8 && escape != b"%25" {
                    return Err(UrlErrorKind::InvalidEscape(escape.to_vec()));
                }
                if mode == Mode::Zone {
                    let v = (unhex(s[i + 1]) << 4) | unhex(s[i + 2]);
                    if escape != b"%25" && v != b' ' && host_byte_needs_escape(v) {
                        return Err(UrlErrorKind::InvalidEscape(escape.to_vec()));
                    }
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && host_byte_needs_escape(c)
                {
                    return Err(UrlErrorKind::InvalidHostCharacter(c));
                }
                i += 1;
            }
        }
    }
    if escapes == 0 {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len() - 2 * escapes);
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            out.push((unhex(s[i + 1]) << 4) | unhex(s[i + 2]));
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(Cow::Owned(out))
}

/// Go's `net.SplitHostPort`, as byte ranges of (host, port). On error the whole input is the
/// host name and the port is empty, which is what the keyring's `SplitURL` does with the error.
pub(crate) fn split_host_port(hostport: &[u8]) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let fail = (0..hostport.len(), hostport.len()..hostport.len());
    let Some(i) = hostport.iter().rposition(|&b| b == b':') else {
        return fail;
    };
    let (host, j, k) = if hostport[0] == b'[' {
        let Some(end) = hostport.iter().position(|&b| b == b']') else {
            return fail;
        };
        if end + 1 != i {
            return fail;
        }
        (1..end, 1, end + 1)
    } else {
        if hostport[..i].contains(&b':') {
            return fail;
        }
        (0..i, 0, 0)
    };
    if hostport[j..].contains(&b'[') || hostport[k..].contains(&b']') {
        return fail;
    }
    (host, i + 1..hostport.len())
}

/// Go's `utf8.DecodeRune`: an invalid or truncated sequence decodes as U+FFFD, width 1.
pub(crate) fn decode_rune(s: &[u8]) -> (char, usize) {
    let prefix = &s[..s.len().min(4)];
    let valid = match std::str::from_utf8(prefix) {
        Ok(text) => text,
        // `valid_up_to` is at a character boundary, so the slice is valid UTF-8.
        Err(e) => std::str::from_utf8(&prefix[..e.valid_up_to()]).unwrap_or(""),
    };
    match valid.chars().next() {
        Some(c) => (c, c.len_utf8()),
        None => (char::REPLACEMENT_CHARACTER, 1.min(s.len())),
    }
}

/// Replaces a `userinfo@` in the authority of `scheme://authority/…` with `[REDACTED]@`, so
/// that no password written into a registry key reaches a message. Every `://` starts an
/// authority here, not only the first: Go parses `https://https://u:p@h` with the host
/// `https:` and the password in the path, and quotes it whole.
pub(crate) fn redact_userinfo(url: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(start) = find(&url[from..], b"://").map(|i| from + i + 3) {
        let end = url[start..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .map_or(url.len(), |i| start + i);
        if let Some(at) = url[start..end].iter().rposition(|&b| b == b'@') {
            let buffer = out.get_or_insert_with(Vec::new);
            buffer.extend_from_slice(&url[copied..start]);
            buffer.extend_from_slice(b"[REDACTED]");
            copied = start + at;
        }
        from = start;
    }
    match out {
        Some(mut buffer) => {
            buffer.extend_from_slice(&url[copied..]);
            Cow::Owned(buffer)
        }
        None => Cow::Borrowed(url),
    }
}

/// A registry key as written (with or without a scheme), with any `userinfo@` in its
/// authority replaced by `[REDACTED]@`: the one form in which a key may appear in an error,
/// a warning or a lint finding. Redact first, cut afterwards.
pub(crate) fn redact_key(key: &str) -> String {
    // As `RegistryKey::normalize`: a key is a URL only if it starts with a scheme; anything
    // else gets `https://` in front (a `://` further on is part of the authority or path).
    if key.starts_with("https://") || key.starts_with("http://") {
        String::from_utf8_lossy(&redact_userinfo(key.as_bytes())).into_owned()
    } else {
        let prefixed = format!("https://{key}");
        let redacted = redact_userinfo(prefixed.as_bytes());
        String::from_utf8_lossy(&redacted["https://".len()..]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<(String, String), String> {
        parse_after_scheme("https", s.as_bytes())
            .map(|hp| {
                (
                    String::from_utf8_lossy(&hp.host).into_owned(),
                    String::from_utf8_lossy(&hp.path).into_owned(),
                )
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn go_url_cases() {
        let ok = |s: &str, h: &str, p: &str| assert_eq!(parse(s), Ok((h.into(), p.into())), "{s}");
        ok("quay.io", "quay.io", "");
        ok("quay.io/v1/", "quay.io", "/v1/");
        ok(
            "user:pw@quay.io:5000/a%2Fb?x=/y#frag",
            "quay.io:5000",
            "/a/b",
        );
        ok("[::1]:5000/x", "[::1]:5000", "/x");
        ok("[fe80::1%25en0]:80", "[fe80::1%en0]:80", "");
        ok("a%C3%A9.io", "a\u{e9}.io", "");
        ok("host:", "host:", "");
        ok("", "", "");
        let err = |s: &str, e: &str| assert_eq!(parse(s), Err(e.into()), "{s}");
        err(
            "%invalid%",
            r#"parse "https://%invalid%": invalid URL escape "%in""#,
        );
        err(
            "a b",
            r#"parse "https://a b": invalid character " " in host name"#,
        );
        err(
            "host:x1",
            r#"parse "https://host:x1": invalid port ":x1" after host"#,
        );
        err("[::1", r#"parse "https://[::1": missing ']' in host"#);
        err(
            "a\nb",
            r#"parse "https://a\nb": net/url: invalid control character in URL"#,
        );
        err("a%41", r#"parse "https://a%41": invalid URL escape "%41""#);
        err("h/p%", r#"parse "https://h/p%": invalid URL escape "%""#);
        err(
            "h#%zz",
            r#"parse "https://h#%zz": invalid URL escape "%zz""#,
        );
        err(
            "u\"@h",
            r#"parse "https://[REDACTED]@h": net/url: invalid userinfo"#,
        );
        err(
            "u:p%zz@h",
            r#"parse "https://[REDACTED]@h": invalid URL escape "[REDACTED]""#,
        );
    }

    #[test]
    fn split_host_port_cases() {
        let s = |h: &str| {
            let (a, b) = split_host_port(h.as_bytes());
            (h[a].to_string(), h[b].to_string())
        };
        assert_eq!(s("a.io:80"), ("a.io".into(), "80".into()));
        assert_eq!(s("a.io"), ("a.io".into(), "".into()));
        assert_eq!(s("[::1]:80"), ("::1".into(), "80".into()));
        assert_eq!(s("[::1]"), ("[::1]".into(), "".into()));
        assert_eq!(s("a:b:1"), ("a:b:1".into(), "".into()));
        assert_eq!(s("host:"), ("host".into(), "".into()));
        assert_eq!(s(""), ("".into(), "".into()));
    }

    #[test]
    fn quote_and_runes() {
        assert_eq!(
            crate::go::quote_bytes(b"a\"\\\x01\xff\xc3\xa9"),
            "\"a\\\"\\\\\\x01\\xff\u{e9}\""
        );
        assert_eq!(decode_rune(b"\xe2\x82"), ('\u{fffd}', 1));
        assert_eq!(decode_rune("é".as_bytes()), ('é', 2));
    }
}
