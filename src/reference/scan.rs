//! The grammar scanner: one forward pass over bytes, no allocation, no backtracking.
//!
//! It answers one question, "does this match distribution/reference's `ReferenceRegexp`, and
//! where are the parts?", and on the way notes what the normalising heuristic needs to know
//! about the text before the first `/`.

/// Byte offsets into the scanned input. The path, tag and digest are contiguous: the path runs
/// from `path_start` to `path_end`, a tag (when `tag_end > path_end`) from `path_end + 1` to
/// `tag_end`, and a digest (when `tag_end < len`) from `tag_end + 1` to the end.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Spans {
    /// End of the domain, which starts at 0; `None` when the first segment is a path component.
    pub domain_end: Option<usize>,
    pub path_start: usize,
    pub path_end: usize,
    pub tag_end: usize,
    /// Index of the `:` between digest algorithm and hex, when there is a digest.
    pub digest_colon: usize,
    /// The first `/` inside the path, if any.
    pub first_slash: Option<usize>,
    /// Whether the digest's hex digits are all lowercase (vacuously true without a digest).
    pub hex_lowercase: bool,
    /// Whether the text before the first `/` contains `.` or `:`.
    pub first_has_dot_or_colon: bool,
    /// Whether the text before the first `/` has an ASCII uppercase letter.
    pub first_has_upper: bool,
}

// Character classes, one bit each, looked up in a 256-entry table.
const LOWER_ALNUM: u8 = 1; // [a-z0-9]: path components
const ALNUM: u8 = 2; // [A-Za-z0-9]: domain labels, digest algorithm components
const WORD: u8 = 4; // [A-Za-z0-9_]: first byte of a tag
const TAG: u8 = 8; // [A-Za-z0-9_.-]: rest of a tag
const HEX: u8 = 16; // [0-9A-Fa-f]
const ALPHA: u8 = 32; // [A-Za-z]: first byte of a digest algorithm component
const DIGIT: u8 = 64; // [0-9]: ports
const LOWER_HEX: u8 = 128; // [0-9a-f]

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
        if b.is_ascii_digit() || matches!(b, b'a'..=b'f') {
            bits |= LOWER_HEX;
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

// Runs of one character class are skipped eight bytes at a time (SWAR): a word of input is
// classified with a few additions and masks, and the first byte outside the class found with
// `trailing_zeros`. Every class here is ASCII, so a byte with its high bit set is never in one.
const HIGH: u64 = 0x8080_8080_8080_8080;

const fn splat(byte: u8) -> u64 {
    byte as u64 * 0x0101_0101_0101_0101
}

/// High bit of each byte set where `lo <= byte <= hi`; `x` must have every high bit clear, so
/// the additions cannot carry from one byte into the next.
#[inline(always)]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x + splat(0x80 - lo);
    let above_hi = x + splat(0x80 - hi - 1);
    at_least_lo & !above_hi & HIGH
}

#[inline(always)]
fn lower_alnum_mask(w: u64) -> u64 {
    let x = w & !HIGH;
    (in_range(x, b'a', b'z') | in_range(x, b'0', b'9')) & !w
}

#[inline(always)]
fn alnum_mask(w: u64) -> u64 {
    let x = w & !HIGH;
    (in_range(x, b'a', b'z') | in_range(x, b'A', b'Z') | in_range(x, b'0', b'9')) & !w
}

#[inline(always)]
fn hex_mask(w: u64) -> u64 {
    let x = w & !HIGH;
    (in_range(x, b'a', b'f') | in_range(x, b'A', b'F') | in_range(x, b'0', b'9')) & !w
}

#[inline(always)]
fn lower_hex_mask(w: u64) -> u64 {
    let x = w & !HIGH;
    (in_range(x, b'a', b'f') | in_range(x, b'0', b'9')) & !w
}

#[inline(always)]
fn tag_mask(w: u64) -> u64 {
    let x = w & !HIGH;
    let punct = in_range(x, b'-', b'.') | in_range(x, b'_', b'_');
    (alnum_mask(w) | punct) & !w
}

/// Skips bytes from `i` while `mask` (eight at a time) and `class` (for the tail) accept them.
#[inline(always)]
fn skip_words(b: &[u8], mut i: usize, mask: fn(u64) -> u64, class: u8) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let accepted = mask(u64::from_le_bytes(word));
        if accepted != HIGH {
            return i + ((!accepted & HIGH).trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    skip(b, i, class)
}

fn skip_lower_alnum(b: &[u8], i: usize) -> usize {
    skip_words(b, i, lower_alnum_mask, LOWER_ALNUM)
}

fn skip_alnum(b: &[u8], i: usize) -> usize {
    skip_words(b, i, alnum_mask, ALNUM)
}

fn skip_hex(b: &[u8], i: usize) -> usize {
    skip_words(b, i, hex_mask, HEX)
}

fn skip_tag(b: &[u8], i: usize) -> usize {
    skip_words(b, i, tag_mask, TAG)
}

#[inline(always)]
fn at(b: &[u8], i: usize, byte: u8) -> bool {
    i < b.len() && b[i] == byte
}

/// The longest tag the grammar allows.
pub(crate) const MAX_TAG_LEN: usize = 128;
/// The fewest hex digits the reference grammar allows in a digest ("at least 128 bits").
const MIN_DIGEST_HEX: usize = 32;

/// Scans `b` as a whole reference (`ReferenceRegexp`). The first segment is a domain if it is
/// a valid one followed by `/` (Go's greedy optional group), else the first path component.
/// `ipv6` admits bracketed IPv6 domains (the legacy grammar has none).
pub(crate) fn scan(b: &[u8], ipv6: bool) -> Option<Spans> {
    let mut domain_end = None;
    let mut first_slash = None;
    let mut colon = false;
    let (path_start, path_end, seen);
    if at(b, 0, b'[') {
        // A bracketed host can only be a domain. Only the characters are checked, as in Go:
        // `[fd00123123123]` is accepted.
        // Uppercase hex counts for the normalising heuristic: `[A]/x` is a domain to Go because
        // it has uppercase, even without a `:`.
        let (mut i, mut upper) = (1, false);
        while is(b, i, HEX) || at(b, i, b':') {
            colon |= b[i] == b':';
            upper |= b[i].is_ascii_uppercase();
            i += 1;
        }
        if !ipv6 || i == 1 || !at(b, i, b']') {
            return None;
        }
        let end = port(b, i + 1, &mut colon)?;
        if !at(b, end, b'/') {
            return None;
        }
        domain_end = Some(end);
        seen = Seen {
            upper,
            ..Seen::default()
        };
        path_start = end + 1;
        path_end = path(b, path_start, &mut first_slash)?;
    } else {
        let mut first = Seen::default();
        let end = first_segment(b, &mut first)?;
        seen = first;
        let (is_path, is_domain) = (!first.upper, !first.underscore);
        match b.get(end) {
            Some(b'/') if is_domain => {
                domain_end = Some(end);
                path_start = end + 1;
                path_end = path(b, path_start, &mut first_slash)?;
            }
            Some(b'/') if is_path => {
                first_slash = Some(end);
                path_start = 0;
                path_end = path(b, end + 1, &mut None)?;
            }
            // `name:5000/…` is a port; `name:5000` and `name:tag` are tags.
            Some(b':') => match port(b, end, &mut colon) {
                Some(after) if at(b, after, b'/') && is_domain => {
                    domain_end = Some(after);
                    path_start = after + 1;
                    path_end = path(b, path_start, &mut first_slash)?;
                }
                Some(after) if at(b, after, b'/') => return None,
                _ if is_path => {
                    colon = false;
                    (path_start, path_end) = (0, end);
                }
                _ => return None,
            },
            Some(b'@') | None if is_path => (path_start, path_end) = (0, end),
            _ => return None,
        }
    }
    let mut i = path_end;
    if at(b, i, b':') {
        i = tag(b, i + 1)?;
    }
    let tag_end = i;
    let mut digest_colon = 0;
    let mut hex_lowercase = true;
    if at(b, i, b'@') {
        digest_colon = digest_algorithm(b, i + 1)?;
        (i, hex_lowercase) = digest_hex(b, digest_colon + 1)?;
    }
    (i == b.len()).then_some(Spans {
        domain_end,
        path_start,
        path_end,
        tag_end,
        digest_colon,
        first_slash,
        hex_lowercase,
        first_has_dot_or_colon: colon || seen.dot,
        first_has_upper: seen.upper,
    })
}

/// An optional `:port` (one or more digits) at `i`; returns the index after it.
fn port(b: &[u8], i: usize, colon: &mut bool) -> Option<usize> {
    if !at(b, i, b':') {
        return Some(i);
    }
    *colon = true;
    let end = skip(b, i + 1, DIGIT);
    (end > i + 1).then_some(end)
}

/// What a first segment contained, beyond `[a-z0-9]` and single separators.
#[derive(Clone, Copy, Default)]
struct Seen {
    upper: bool,
    underscore: bool,
    dot: bool,
}

/// Scans the first segment as `[A-Za-z0-9]+ (separator [A-Za-z0-9]+)*` with the path
/// separators `.`, `_`, `__`, `-+`. That one shape covers both readings: without uppercase it
/// is a path component, without `_` it is a domain name (labels of alphanumerics and inner
/// hyphens, joined by dots). Returns where it ends, or `None` if it fits neither.
fn first_segment(b: &[u8], seen: &mut Seen) -> Option<usize> {
    let mut i = 0;
    loop {
        if !is(b, i, ALNUM) {
            return None;
        }
        // Lowercase runs are the common case; an uppercase letter switches to the wider class.
        seen.upper |= b[i].is_ascii_uppercase();
        i = skip_lower_alnum(b, i + 1);
        if is(b, i, ALNUM) {
            seen.upper = true;
            i = skip_alnum(b, i);
        }
        match b.get(i) {
            Some(b'.') => {
                seen.dot = true;
                i += 1;
            }
            Some(b'_') => {
                seen.underscore = true;
                i += if at(b, i + 1, b'_') { 2 } else { 1 };
            }
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

/// Scans `path-component ("/" path-component)*` from `i`, returning the index after it and
/// recording the first `/` between components.
fn path(b: &[u8], mut i: usize, first_slash: &mut Option<usize>) -> Option<usize> {
    loop {
        i = path_component(b, i)?;
        if !at(b, i, b'/') {
            return Some(i);
        }
        first_slash.get_or_insert(i);
        i += 1;
    }
}

/// Scans `[a-z0-9]+ (separator [a-z0-9]+)*` with separator `[._]|__|[-]+`.
fn path_component(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        if !is(b, i, LOWER_ALNUM) {
            return None;
        }
        i = skip_lower_alnum(b, i + 1);
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
    let end = skip_tag(b, start + 1);
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

/// Scans at least 32 hex digits of either case, returning the index after them and whether
/// they were all lowercase.
fn digest_hex(b: &[u8], start: usize) -> Option<(usize, bool)> {
    let lower_end = skip_words(b, start, lower_hex_mask, LOWER_HEX);
    let end = skip_hex(b, lower_end);
    (end - start >= MIN_DIGEST_HEX).then_some((end, end == lower_end))
}

/// Whether `s` matches the anchored tag grammar (for `with_tag`).
pub(crate) fn is_tag(s: &str) -> bool {
    tag(s.as_bytes(), 0) == Some(s.len())
}

/// Whether `s` matches the anchored digest grammar of the reference (for `with_digest`).
pub(crate) fn is_reference_digest(s: &str) -> bool {
    let b = s.as_bytes();
    digest_algorithm(b, 0)
        .and_then(|colon| digest_hex(b, colon + 1))
        .map(|(end, _)| end)
        == Some(b.len())
}

/// Whether `s` is 64 lowercase hex digits, the identifier the normalising parser refuses.
pub(crate) fn is_identifier(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(s: &str) -> Option<(Option<&str>, &str)> {
        let sp = scan(s.as_bytes(), true)?;
        Some((
            sp.domain_end.map(|e| &s[..e]),
            &s[sp.path_start..sp.path_end],
        ))
    }

    #[test]
    fn word_skips_agree_with_byte_skips() {
        let samples: [&[u8]; 6] = [
            b"abcdefghijklmnopqrstuvwxyz0123456789/",
            b"ABCdef012-._x:y",
            b"0123456789abcdefABCDEF0123456789abcdefg",
            b"v1.2.3-rc_1@sha",
            b"\xffabc\x80defghijk",
            b"",
        ];
        for sample in samples {
            for start in 0..=sample.len() {
                assert_eq!(
                    skip_lower_alnum(sample, start),
                    skip(sample, start, LOWER_ALNUM)
                );
                assert_eq!(skip_alnum(sample, start), skip(sample, start, ALNUM));
                assert_eq!(skip_hex(sample, start), skip(sample, start, HEX));
                assert_eq!(skip_tag(sample, start), skip(sample, start, TAG));
                assert_eq!(
                    skip_words(sample, start, lower_hex_mask, LOWER_HEX),
                    skip(sample, start, LOWER_HEX)
                );
            }
        }
        for byte in 0..=255u8 {
            let word = [byte; 9];
            assert_eq!(skip_tag(&word, 0) == 9, is(&word, 0, TAG), "{byte}");
            assert_eq!(skip_alnum(&word, 0) == 9, is(&word, 0, ALNUM), "{byte}");
            assert_eq!(
                skip_lower_alnum(&word, 0) == 9,
                is(&word, 0, LOWER_ALNUM),
                "{byte}"
            );
            assert_eq!(skip_hex(&word, 0) == 9, is(&word, 0, HEX), "{byte}");
        }
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
