//! `ParseNormalizedNamed` and `Parse`: choosing the domain, then the grammar, then the error Go
//! would report, in Go's order.

use super::digest;
use super::error::{ParseError, ParseErrorKind};
use super::scan::{self, Spans};
use super::view::ReferenceView;
use super::{Grammar, MAX_INPUT_LEN, ParseOptions};

pub(crate) const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
pub(crate) const OFFICIAL_PREFIX: &str = "library/";
/// `RepositoryNameTotalLengthMax`.
const NAME_MAX: usize = 255;

/// `ParseNormalizedNamed`.
///
/// Go splits off a domain by a heuristic, then runs the grammar on `domain/remainder`. Whenever
/// that succeeds, the grammar also accepts the input as written, with the same path, tag and
/// digest (a first segment without `.`, `:` or uppercase is a valid domain exactly when it is a
/// valid path component). So one scan of the input decides validity, and the heuristic only
/// picks the domain afterwards. Failures take the slow road that reproduces Go's error choice.
pub(crate) fn normalized(s: &str, options: ParseOptions) -> Result<ReferenceView<'_>, ParseError> {
    if s.len() > MAX_INPUT_LEN {
        return Err(ParseError::new(ParseErrorKind::TooLong));
    }
    if scan::is_identifier(s) {
        return Err(ParseError::hex_identifier(s));
    }
    let legacy = options.grammar == Grammar::Legacy;
    let Some(spans) = scan::scan(s.as_bytes(), !legacy) else {
        return Err(normalized_error(s, legacy));
    };
    let single = spans.first_slash.is_none();
    // (domain, where the normalised path starts, add `library/`, where Go's remainder starts)
    let (domain, path_start, library, remainder_start) = match spans.domain_end {
        Some(end) => {
            let first = &s[..end];
            let (dot_or_colon, upper) = (spans.first_has_dot_or_colon, spans.first_has_upper);
            if first == "localhost" {
                (first, end + 1, false, end + 1)
            } else if first == LEGACY_DEFAULT_DOMAIN {
                (DEFAULT_DOMAIN, end + 1, single, end + 1)
            } else if dot_or_colon || (!legacy && upper) {
                (first, end + 1, first == DEFAULT_DOMAIN && single, end + 1)
            } else if upper || first.starts_with('[') {
                // Go takes `docker.io` for the domain and the segment for a path component,
                // which it cannot be: legacy uppercase (`Foo/bar`) or a bracketed host
                // without `:` (`[fd00123123123]/x`).
                return Err(normalized_error(s, legacy));
            } else {
                (DEFAULT_DOMAIN, 0, false, 0)
            }
        }
        // A first segment with a dot is taken for a domain by the heuristic and given back to
        // the path by the grammar (`foo_bar.com/baz`): no domain at all.
        None => match spans.first_slash {
            Some(slash) if spans.first_has_dot_or_colon => ("", 0, false, slash + 1),
            Some(_) => (DEFAULT_DOMAIN, 0, false, 0),
            None => (DEFAULT_DOMAIN, 0, true, 0),
        },
    };
    let view = ReferenceView::from_spans(s, domain, library, path_start, spans);

    // The lowercase check runs on the remainder cut at its first ':' only, so with a digest and
    // no tag it sees the digest algorithm: `foo@SHA256:…` is reported as a name problem.
    if spans.tag_end == spans.path_end && spans.tag_end < s.len() {
        let algorithm = &s[spans.tag_end + 1..spans.digest_colon];
        if algorithm.bytes().any(|c| c.is_ascii_uppercase()) {
            let cut = &s[remainder_start..spans.digest_colon];
            return Err(uppercase_error(cut, library, legacy));
        }
    }
    check_length_and_digest(s, &view, spans, legacy, options)?;
    Ok(view)
}

/// Whether `s` contains `.` or `:`, and whether it has uppercase (in Go's Unicode sense).
fn classify(s: &str) -> (bool, bool) {
    let (mut dot_or_colon, mut upper, mut non_ascii) = (false, false, false);
    for &c in s.as_bytes() {
        dot_or_colon |= c == b'.' || c == b':';
        upper |= c.is_ascii_uppercase();
        non_ascii |= c >= 0x80;
    }
    (dot_or_colon, if non_ascii { has_upper(s) } else { upper })
}

/// The error `ParseNormalizedNamed` returns for an input it rejects in the grammar.
#[cold]
fn normalized_error(s: &str, legacy: bool) -> ParseError {
    // Both case checks below look for uppercase the input does not have: the common
    // "invalid reference format" needs no more work.
    if !has_upper(s) {
        return ParseError::new(ParseErrorKind::InvalidFormat);
    }
    // splitDockerDomain, literally.
    let (domain, remainder) = match s.split_once('/') {
        None => (DEFAULT_DOMAIN, s),
        Some((first, rest)) => {
            let (dot_or_colon, upper) = classify(first);
            if first == "localhost" {
                (first, rest)
            } else if first == LEGACY_DEFAULT_DOMAIN {
                (DEFAULT_DOMAIN, rest)
            } else if dot_or_colon || (!legacy && upper) {
                (first, rest)
            } else {
                (DEFAULT_DOMAIN, s)
            }
        }
    };
    let library = domain == DEFAULT_DOMAIN && !remainder.contains('/');
    let cut = remainder.find(':').map_or(remainder, |i| &remainder[..i]);
    if has_upper(cut) {
        return uppercase_error(cut, library, legacy);
    }
    // Parse(domain + "/" + remainder) failed; it says "must be lowercase" if the lowercased
    // string would have matched.
    let prefix = if library { OFFICIAL_PREFIX } else { "" };
    raw_grammar_error(&format!("{domain}/{prefix}{remainder}"), legacy)
}

/// `Parse`: the grammar alone, with its own domain rule (any valid first segment before `/`).
pub(crate) fn unnormalized(
    s: &str,
    options: ParseOptions,
) -> Result<ReferenceView<'_>, ParseError> {
    if s.len() > MAX_INPUT_LEN {
        return Err(ParseError::new(ParseErrorKind::TooLong));
    }
    let legacy = options.grammar == Grammar::Legacy;
    let Some(spans) = scan::scan(s.as_bytes(), !legacy) else {
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::NameEmpty));
        }
        return Err(raw_grammar_error(s, legacy));
    };
    let domain = spans.domain_end.map_or("", |end| &s[..end]);
    let view = ReferenceView::from_spans(s, domain, false, spans.path_start, spans);
    check_length_and_digest(s, &view, spans, legacy, options)?;
    Ok(view)
}

fn check_length_and_digest(
    s: &str,
    view: &ReferenceView<'_>,
    spans: Spans,
    legacy: bool,
    options: ParseOptions,
) -> Result<(), ParseError> {
    // v0.6 counts the path only; docker/distribution 2.8 counted the whole name.
    let counted = if legacy {
        view.name_len()
    } else {
        view.path_len()
    };
    if counted > NAME_MAX {
        return Err(ParseError::new(ParseErrorKind::NameTooLong));
    }
    if spans.tag_end < s.len() {
        let algorithm = &s[spans.tag_end + 1..spans.digest_colon];
        let hex_len = s.len() - spans.digest_colon - 1;
        digest::validate_scanned(algorithm, hex_len, spans.hex_lowercase, options.algorithms)
            .map_err(ParseError::new)?;
    }
    Ok(())
}

#[cold]
fn uppercase_error(cut: &str, library: bool, legacy: bool) -> ParseError {
    if legacy {
        ParseError::uppercase_name(None)
    } else if library {
        ParseError::uppercase_name(Some(&format!("{OFFICIAL_PREFIX}{cut}")))
    } else {
        ParseError::uppercase_name(Some(cut))
    }
}

/// `Parse`'s error when the grammar does not match.
#[cold]
fn raw_grammar_error(s: &str, legacy: bool) -> ParseError {
    if has_upper(s) {
        let lowered = go_to_lower(s);
        if scan::scan(lowered.as_bytes(), !legacy).is_some() {
            return ParseError::new(ParseErrorKind::NameContainsUppercase);
        }
    }
    ParseError::new(ParseErrorKind::InvalidFormat)
}

/// Whether Go's `strings.ToLower(s) != s`.
fn has_upper(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|c| c.is_ascii_uppercase())
    } else {
        s.chars().any(|c| go_lower(c) != c)
    }
}

/// Go's `strings.ToLower`: simple, one-to-one case mapping per character.
fn go_to_lower(s: &str) -> String {
    s.chars().map(go_lower).collect()
}

fn go_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // Rust applies the special (one-to-many) mapping to U+0130; Go maps it to 'i'.
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}
