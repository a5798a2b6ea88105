//! Go's `path/filepath.Match` (Unix flavour: `/` is the separator, `\` escapes), ported by
//! hand. It is the engine the kubelet uses on each host label of a registry key.
//!
//! Semantics kept exactly: `*` matches any run of non-`/` bytes, `?` one character (one
//! UTF-8 sequence, or one invalid byte), `[a-z]`, `[^a]` and `\x` escapes; a malformed
//! pattern is an error however the name looks (Go checks the rest of the pattern before it
//! answers "no"), so a malformed pattern never matches.

use super::gourl::decode_rune;

/// The pattern is malformed (`ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// `filepath.Match(pattern, name)`.
pub(crate) fn go_match(pattern: &[u8], name: &[u8]) -> Result<bool, BadPattern> {
    go_match_with(pattern, name, true)
}

/// `filepath.Match(pattern, name) == (true, nil)` for a pattern already known to be well
/// formed ([`is_valid_pattern`]): the answer is the same, but a chunk stops at its first
/// mismatch instead of walking on to look for malformed syntax, so one attempt to place a
/// chunk costs at most the length of `name`, not the length of the chunk.
pub(crate) fn go_match_valid(pattern: &[u8], name: &[u8]) -> bool {
    debug_assert!(is_valid_pattern(pattern));
    go_match_with(pattern, name, false) == Ok(true)
}

fn go_match_with(mut pattern: &[u8], mut name: &[u8], check: bool) -> Result<bool, BadPattern> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it holds a separator.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name, check);
        // The last chunk must consume the whole name, or the star may still help.
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return Err(BadPattern);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..], check);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if err {
                    return Err(BadPattern);
                }
                i += 1;
            }
        }
        // Before answering "no", make sure the rest of the pattern is well formed.
        while check && !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if match_chunk(chunk, b"", true).2 {
                return Err(BadPattern);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Whether `pattern` is well formed (`filepath.Match` never errors for it).
pub(crate) fn is_valid_pattern(pattern: &[u8]) -> bool {
    go_match(pattern, b"").is_ok()
}

/// Whether `label` contains a byte with meaning to `filepath.Match`; a label without one
/// matches exactly itself.
pub(crate) fn has_meta(label: &[u8]) -> bool {
    label
        .iter()
        .any(|b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
}

/// The next chunk: leading stars, then bytes up to the next star outside a class.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some((b'*', rest)) = pattern.split_first() {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // A trailing backslash stays in the chunk; match_chunk reports it.
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

/// Matches `chunk` (no stars) against the start of `s`: (rest of s, matched, bad pattern).
/// After a mismatch it keeps walking the chunk so that a malformed chunk is always reported,
/// unless `check` is false (the caller knows the chunk is well formed).
fn match_chunk<'s>(mut chunk: &[u8], mut s: &'s [u8], check: bool) -> (&'s [u8], bool, bool) {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        if failed && !check {
            return (b"", false, false);
        }
        match c {
            b'[' => {
                let mut r = '\0';
                if !failed {
                    let (rune, n) = decode_rune(s);
                    r = rune;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Some((lo, rest)) = get_esc(chunk) else {
                        return (b"", false, true);
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let Some((h, rest)) = get_esc(&chunk[1..]) else {
                            return (b"", false, true);
                        };
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
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (b"", false, true);
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (b"", false, false)
    } else {
        (s, true, false)
    }
}

/// One possibly escaped character of a class; `None` is `ErrBadPattern`. On success the
/// remaining chunk is never empty (a class must still be closed).
fn get_esc(mut chunk: &[u8]) -> Option<(char, &[u8])> {
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return None,
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return None;
            }
        }
        Some(_) => {}
    }
    let (r, n) = decode_rune(chunk);
    if r == char::REPLACEMENT_CHARACTER && n == 1 {
        return None;
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return None;
    }
    Some((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_table() {
        // From Go's path/filepath match tests.
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", Err(BadPattern)),
            ("[-]", "-", Err(BadPattern)),
            ("[x-]", "x", Err(BadPattern)),
            ("[x-]", "-", Err(BadPattern)),
            ("[x-]", "z", Err(BadPattern)),
            ("[-x]", "x", Err(BadPattern)),
            ("[-x]", "-", Err(BadPattern)),
            ("[-x]", "a", Err(BadPattern)),
            ("\\", "a", Err(BadPattern)),
            ("[a-b-c]", "a", Err(BadPattern)),
            ("[", "a", Err(BadPattern)),
            ("[^", "a", Err(BadPattern)),
            ("[^bc", "a", Err(BadPattern)),
            ("a[", "a", Err(BadPattern)),
            ("a[", "ab", Err(BadPattern)),
            ("a[", "x", Err(BadPattern)),
            ("a/b[", "x", Err(BadPattern)),
            ("*x", "xxx", Ok(true)),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(
                go_match(pattern.as_bytes(), name.as_bytes()),
                *want,
                "{pattern} {name}"
            );
        }
        for (pattern, name, want) in cases {
            if is_valid_pattern(pattern.as_bytes()) {
                assert_eq!(
                    go_match_valid(pattern.as_bytes(), name.as_bytes()),
                    *want == Ok(true),
                    "unchecked {pattern} {name}"
                );
            }
        }
        assert!(!is_valid_pattern(b"a["));
        assert!(is_valid_pattern(b"*.io"));
        assert!(has_meta(b"a\\b") && !has_meta(b"a]b"));
    }
}
