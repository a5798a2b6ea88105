//! The grammar scanner: one forward pass over bytes, no allocation, no backtracking.
//!
//! It answers one question, "does this match distribution/reference's `ReferenceRegexp`, and
//! where are the parts?", for the two places that grammar is applied: the raw reference (the
//! first segment may be a domain) and the remainder after normalisation chose a domain (the
//! scan starts at the path).

/// Where the scan may find a domain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Start {
    /// The first segment is a domain if it is a valid one followed by `/` (Go's greedy
    /// optional group), otherwise the first path component.
    DomainOrPath,
    /// The scan starts at the path; a domain was decided elsewhere.
    PathOnly,
}

/// Byte offsets into the scanned input. The path, tag and digest are contiguous: the path runs
/// from `path_start` to `path_end`, a tag (when `tag_end > path_end`) from `path_end + 1` to
/// `tag_end`, and a digest (when `tag_end < len`) from `tag_end + 1` to the end.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Spans {
    /// End of the domain, which starts at the scan's start; `None` when there is none.
    pub domain_end: Option<usize>,
    pub path_start: usize,
    pub path_end: usize,
    pub tag_end: usize,
    /// Index of the `:` between digest algorithm and hex, when there is a digest.
    pub digest_colon: usize,
}

// Character classes, one bit each, looked up in a 256-entry table.
const LOWER_ALNUM: u8 = 1; // [a-z0-9]: path components
const ALNUM: u8 = 2; // [A-Za-z0-9]: domain labels, digest algorithm components
const WORD: u8 = 4; // [A-Za-z0-9_]: first byte of a tag
const TAG: u8 = 8; // [A-Za-z0-9_.-]: rest of a tag
const HEX: u8 = 16; // [0-9A-Fa-f]
const ALPHA: u8 = 32; // [A-Za-z]: first byte of a digest algorithm component
const DIGIT: u8 = 64; // [0-9]: ports

const fn class_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut bits = 0;
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            bits |= LOWER_ALNUM;
        }
        if b.is_ascii_alphanumeric() {
            bits |= ALNUM | WORD | TAG;
        }
        if b == b'_' {
            bits |= WORD | TAG;
        }
        if b == b'.' || b == b'-' {
            bits |= TAG;
        }
        if b.is_ascii_hexdigit() {
            bits |= HEX;
        }
        if b.is_ascii_alphabetic() {
            bits |= ALPHA;
        }
        if b.is_ascii_digit() {
            bits |= DIGIT;
        }
        t[c] = bits;
        c += 1;
    }
    t
}

static CLASS: [u8; 256] = class_table();

#[inline(always)]
fn is(b: &[u8], i: usize, class: u8) -> bool {
    i < b.len() && CLASS[b[i] as usize] & class != 0
}

#[inline(always)]
fn skip(b: &[u8], mut i: usize, class: u8) -> usize {
    while is(b, i, class) {
        i += 1;
    }
    i
}

#[inline(always)]
fn at(b: &[u8], i: usize, byte: u8) -> bool {
    i < b.len() && b[i] == byte
}

/// The longest tag the grammar allows.
pub(crate) const MAX_TAG_LEN: usize = 128;
/// The fewest hex digits the reference grammar allows in a digest ("at least 128 bits").
const MIN_DIGEST_HEX: usize = 32;

/// Scans `b[from..]` as a whole reference. `ipv6` admits bracketed IPv6 domains (current
/// grammar; the legacy one has none).
pub(crate) fn scan(b: &[u8], from: usize, start: Start, ipv6: bool) -> Option<Spans> {
    let mut path_start = from;
    let mut domain_end = None;
    if start == Start::DomainOrPath {
        if let Some(end) = domain_prefix(b, from, ipv6) {
            domain_end = Some(end);
            path_start = end + 1;
        }
    }
    let path_end = path(b, path_start)?;
    let mut i = path_end;
    if at(b, i, b':') {
        i = tag(b, i + 1)?;
    }
    let tag_end = i;
    let mut digest_colon = 0;
    if at(b, i, b'@') {
        digest_colon = digest_algorithm(b, i + 1)?;
        i = digest_hex(b, digest_colon + 1)?;
    }
    (i == b.len()).then_some(Spans {
        domain_end,
        path_start,
        path_end,
        tag_end,
        digest_colon,
    })
}

/// If `b[from..]` starts with `domain "/"`, the index of that `/`.
fn domain_prefix(b: &[u8], from: usize, ipv6: bool) -> Option<usize> {
    let mut i = from;
    if at(b, i, b'[') {
        if !ipv6 {
            return None;
        }
        // Only the characters are checked, as in Go: `[fd00123123123]` is accepted.
        let start = i + 1;
        i = start;
        while is(b, i, HEX) || at(b, i, b':') {
            i += 1;
        }
        if i == start || !at(b, i, b']') {
            return None;
        }
        i += 1;
    } else {
        loop {
            // label := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
            if !is(b, i, ALNUM) {
                return None;
            }
            i += 1;
            while is(b, i, ALNUM) || at(b, i, b'-') {
                i += 1;
            }
            if b[i - 1] == b'-' {
                return None;
            }
            if !at(b, i, b'.') {
                break;
            }
            i += 1;
        }
    }
    if at(b, i, b':') {
        let digits = i + 1;
        i = skip(b, digits, DIGIT);
        if i == digits {
            return None;
        }
    }
    at(b, i, b'/').then_some(i)
}

/// Scans `path-component ("/" path-component)*`, returning the index after it.
fn path(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i = path_component(b, i)?;
        if !at(b, i, b'/') {
            return Some(i);
        }
        i += 1;
    }
}

/// Scans `[a-z0-9]+ (separator [a-z0-9]+)*` with separator `[._]|__|[-]+`.
fn path_component(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        if !is(b, i, LOWER_ALNUM) {
            return None;
        }
        i = skip(b, i + 1, LOWER_ALNUM);
        match b.get(i) {
            Some(b'.') => i += 1,
            Some(b'_') => i += if at(b, i + 1, b'_') { 2 } else { 1 },
            Some(b'-') => {
                i += 1;
                while at(b, i, b'-') {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
}

/// Scans a tag body (after `:`): `[\w][\w.-]{0,127}`.
fn tag(b: &[u8], start: usize) -> Option<usize> {
    if !is(b, start, WORD) {
        return None;
    }
    let end = skip(b, start + 1, TAG);
    (end - start <= MAX_TAG_LEN).then_some(end)
}

/// Scans a digest algorithm (after `@`) and its `:`, returning the index of the `:`.
fn digest_algorithm(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        if !is(b, i, ALPHA) {
            return None;
        }
        i = skip(b, i + 1, ALNUM);
        match b.get(i) {
            Some(b'-' | b'_' | b'+' | b'.') => i += 1,
            Some(b':') => return Some(i),
            _ => return None,
        }
    }
}

/// Scans at least 32 hex digits of either case, returning the index after them.
fn digest_hex(b: &[u8], start: usize) -> Option<usize> {
    let end = skip(b, start, HEX);
    (end - start >= MIN_DIGEST_HEX).then_some(end)
}

/// Whether `s` matches the anchored tag grammar (for `with_tag`).
pub(crate) fn is_tag(s: &str) -> bool {
    tag(s.as_bytes(), 0) == Some(s.len())
}

/// Whether `s` matches the anchored digest grammar of the reference (for `with_digest`).
pub(crate) fn is_reference_digest(s: &str) -> bool {
    let b = s.as_bytes();
    digest_algorithm(b, 0).and_then(|colon| digest_hex(b, colon + 1)) == Some(b.len())
}

/// Whether `s` is 64 lowercase hex digits, the identifier the normalising parser refuses.
pub(crate) fn is_identifier(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(s: &str) -> Option<(Option<&str>, &str)> {
        let sp = scan(s.as_bytes(), 0, Start::DomainOrPath, true)?;
        Some((
            sp.domain_end.map(|e| &s[..e]),
            &s[sp.path_start..sp.path_end],
        ))
    }

    #[test]
    fn splits_like_go_parse() {
        assert_eq!(spans("docker/app"), Some((Some("docker"), "app")));
        assert_eq!(spans("test_com/foo"), Some((None, "test_com/foo")));
        assert_eq!(spans("a:5000/b:c"), Some((Some("a:5000"), "b")));
        assert_eq!(spans("[::1]:5000/b"), Some((Some("[::1]:5000"), "b")));
        assert_eq!(spans("foo:5000"), Some((None, "foo")));
        assert_eq!(spans("foo___bar"), None);
        assert_eq!(spans("a-/b"), None);
        assert_eq!(spans(""), None);
        assert_eq!(spans("[::1]"), None);
    }
}
