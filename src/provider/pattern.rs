//! `matchImages` entries and the kubelet's `URLsMatchStr`.
//!
//! Until the keyring's `RegistryPattern` is available on main this module carries a small
//! private port of the parts of Go's `url.Parse`, `net.SplitHostPort` and `filepath.Match`
//! the matching needs (spec `multiarch-and-providers.md` §2.4, `kubernetes.md` §4.2).

use std::fmt;

use super::gojson::go_quote;

/// One `matchImages` entry of a credential provider: a schemeless URL whose host labels may
/// be globs (`*.dkr.ecr.*.amazonaws.com`, `registry.io:8080/path`).
///
/// An image matches when, both parsed as `https://` URLs, the ports are equal as strings,
/// the host names have the same number of labels, each label matches its glob
/// (`filepath.Match`: `*`, `?`, `[a-z]`, `[^a]`, `\` escapes; a malformed glob matches
/// nothing; case-sensitive) and the image path starts with the pattern path, byte for byte.
///
/// ```
/// use kubepull::provider::MatchImage;
///
/// let pattern = MatchImage::parse("*.registry.io:8080")?;
/// assert!(pattern.matches("test.registry.io:8080/foo"));
/// assert!(!pattern.matches("test.registry.io/foo"));      // port
/// assert!(!pattern.matches("a.test.registry.io:8080/foo")); // label count
/// # Ok::<(), kubepull::provider::ProviderError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MatchImage {
    text: String,
    parsed: Parsed,
}

#[derive(Clone, PartialEq, Eq)]
struct Parsed {
    hostname: Vec<u8>,
    port: Vec<u8>,
    path: Vec<u8>,
}

impl MatchImage {
    /// Parses an entry as the kubelet validates it (`ParseSchemelessURL`: `https://` put in
    /// front, then Go's `url.Parse`).
    ///
    /// # Errors
    ///
    /// Go's `url.Parse` error, e.g. `parse "https://%invalid%": invalid URL escape "%in"`.
    pub fn parse(text: &str) -> Result<MatchImage, super::ProviderError> {
        let parsed = parse_schemeless(text).map_err(|reason| {
            super::ProviderError::new(
                super::ProviderErrorKind::Url,
                format!("parse {}: {reason}", go_quote(&format!("https://{text}"))),
            )
        })?;
        Ok(MatchImage {
            text: text.to_owned(),
            parsed,
        })
    }

    /// The entry as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `URLsMatchStr(self, image)`: whether the kubelet would run the provider for `image`
    /// (the repository without tag or digest, e.g. `docker.io/library/nginx`).
    pub fn matches(&self, image: &str) -> bool {
        let Ok(target) = parse_schemeless(image) else {
            return false;
        };
        let p = &self.parsed;
        p.port == target.port
            && p.hostname.split(|&b| b == b'.').count()
                == target.hostname.split(|&b| b == b'.').count()
            && target.path.starts_with(&p.path)
            && p.hostname
                .split(|&b| b == b'.')
                .zip(target.hostname.split(|&b| b == b'.'))
                .all(|(glob, label)| go_match(glob, label))
    }
}

impl fmt::Debug for MatchImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MatchImage({:?})", self.text)
    }
}

impl fmt::Display for MatchImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether `text` matches the `matchImages` entry `pattern`; an entry that does not parse
/// matches nothing (the kubelet ignores the parse error at match time).
pub(crate) fn urls_match_str(pattern: &str, text: &str) -> bool {
    MatchImage::parse(pattern).is_ok_and(|p| p.matches(text))
}

/// `url.Parse("https://" + s)`, keeping the decoded host name, port and path.
fn parse_schemeless(s: &str) -> Result<Parsed, String> {
    let bytes = s.as_bytes();
    if bytes.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    // Fragment, then query, are cut first.
    let without_fragment = &bytes[..bytes.iter().position(|&b| b == b'#').unwrap_or(bytes.len())];
    let rest = &without_fragment[..without_fragment
        .iter()
        .position(|&b| b == b'?')
        .unwrap_or(without_fragment.len())];
    let authority_end = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    let (authority, raw_path) = rest.split_at(authority_end);
    let host = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = parse_host(host)?;
    let path = unescape(raw_path, false)?;
    let (hostname, port) = split_host_port(&host);
    Ok(Parsed {
        hostname,
        port,
        path,
    })
}

/// Go's `parseHost` + host unescaping: brackets, port syntax, allowed characters.
fn parse_host(host: &[u8]) -> Result<Vec<u8>, String> {
    if host.first() == Some(&b'[') {
        let Some(end) = host.iter().rposition(|&b| b == b']') else {
            return Err("missing ']' in host".to_owned());
        };
        let colon_port = &host[end + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                go_quote(&String::from_utf8_lossy(colon_port))
            ));
        }
    } else if let Some(i) = host.iter().rposition(|&b| b == b':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                go_quote(&String::from_utf8_lossy(colon_port))
            ));
        }
    }
    unescape(host, true)
}

fn valid_optional_port(port: &[u8]) -> bool {
    match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// Go's `unescape` in host or path mode.
fn unescape(s: &[u8], host: bool) -> Result<Vec<u8>, String> {
    let escape_error = |i: usize| {
        let end = (i + 3).min(s.len());
        format!(
            "invalid URL escape {}",
            go_quote(&String::from_utf8_lossy(&s[i..end]))
        )
    };
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                if i + 2 >= s.len()
                    || !s[i + 1].is_ascii_hexdigit()
                    || !s[i + 2].is_ascii_hexdigit()
                {
                    return Err(escape_error(i));
                }
                let value = hex(s[i + 1]) << 4 | hex(s[i + 2]);
                if host && value < 0x80 && &s[i..i + 3] != b"%25" {
                    return Err(escape_error(i));
                }
                out.push(value);
                i += 3;
            }
            c if host && c < 0x80 && !host_char_ok(c) => {
                return Err(format!(
                    "invalid character {} in host name",
                    go_quote(&(c as char).to_string())
                ));
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// ASCII bytes Go leaves unescaped in a host.
fn host_char_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
}

/// `net.SplitHostPort`, falling back (as the kubelet does on error) to the whole host and
/// an empty port.
fn split_host_port(host: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let whole = || (host.to_vec(), Vec::new());
    let Some(i) = host.iter().rposition(|&b| b == b':') else {
        return whole();
    };
    let (name, port) = (&host[..i], &host[i + 1..]);
    if let Some(inner) = name.strip_prefix(b"[") {
        let Some(inner) = inner.strip_suffix(b"]") else {
            return whole();
        };
        if inner.contains(&b'[') || inner.contains(&b']') {
            return whole();
        }
        return (inner.to_vec(), port.to_vec());
    }
    if name.contains(&b':')
        || name.contains(&b'[')
        || name.contains(&b']')
        || port.contains(&b'[')
        || port.contains(&b']')
    {
        return whole();
    }
    (name.to_vec(), port.to_vec())
}

/// Go's `filepath.Match` on Unix for one host label; a malformed pattern never matches.
pub(crate) fn go_match(pattern: &[u8], name: &[u8]) -> bool {
    go_match_result(pattern, name).unwrap_or(false)
}

fn go_match_result(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, ()> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..])?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while pattern.first() == Some(&b'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Decodes one rune as Go does (an invalid byte is U+FFFD of width 1).
fn decode_rune(s: &[u8]) -> (u32, usize) {
    let width = match s.first() {
        None => return (0xFFFD, 0),
        Some(&b) if b < 0x80 => return (u32::from(b), 1),
        Some(&b) if b >= 0xF0 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(_) => 2,
    };
    match s.get(..width).and_then(|w| std::str::from_utf8(w).ok()) {
        Some(text) => text
            .chars()
            .next()
            .map_or((0xFFFD, 1), |c| (c as u32, width)),
        None => (0xFFFD, 1),
    }
}

fn get_esc(mut chunk: &[u8]) -> Result<(u32, &[u8]), ()> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(());
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(());
        }
    }
    let (r, n) = decode_rune(chunk);
    if r == 0xFFFD && n == 1 {
        return Err(());
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(());
    }
    Ok((r, rest))
}

fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<(&'a [u8], bool), ()> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (rune, n) = decode_rune(s);
                    r = rune;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let literal = if c == b'\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&l) => l,
                        None => return Err(()),
                    }
                } else {
                    c
                };
                if !failed {
                    if literal != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        Ok((b"", false))
    } else {
        Ok((s, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (p, n, want) in [
            ("*", "abc", true),
            ("a*c", "abc", true),
            ("a*c", "abd", false),
            ("*-good", "prefix-good", true),
            ("[a-c]x", "bx", true),
            ("[^a-c]x", "bx", false),
            ("a?c", "abc", true),
            ("[", "a", false),
            ("a[", "b", false),
            ("\\*", "*", true),
            ("k*", "quay", false),
        ] {
            assert_eq!(go_match(p.as_bytes(), n.as_bytes()), want, "{p} {n}");
        }
    }

    #[test]
    fn url_errors() {
        assert_eq!(
            MatchImage::parse("%invalid%").unwrap_err().to_string(),
            r#"parse "https://%invalid%": invalid URL escape "%in""#
        );
        assert_eq!(
            MatchImage::parse("foobar  ").unwrap_err().to_string(),
            r#"parse "https://foobar  ": invalid character " " in host name"#
        );
        assert!(MatchImage::parse("registry.io:8080/path").is_ok());
        assert!(MatchImage::parse("a:b").is_err());
    }
}
