//! `ParseNormalizedNamed` and `Parse`: choosing the domain, then the grammar, then the error Go
//! would report, in Go's order.

use super::digest;
use super::error::{ErrorKind, ParseError};
use super::scan::{self, Start};
use super::view::ReferenceView;
use super::{Grammar, MAX_INPUT_LEN, ParseOptions};

pub(crate) const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
pub(crate) const OFFICIAL_PREFIX: &str = "library/";
/// `RepositoryNameTotalLengthMax`.
const NAME_MAX: usize = 255;

/// Where the normalised domain comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DomainSource {
    /// `docker.io`, not written in the input; the remainder starts at the given index.
    Implied(usize),
    /// The input's first segment (which the grammar may still turn into a path component).
    Written,
}

/// `ParseNormalizedNamed`.
pub(crate) fn normalized(s: &str, options: ParseOptions) -> Result<ReferenceView<'_>, ParseError> {
    if s.len() > MAX_INPUT_LEN {
        return Err(ParseError::new(ErrorKind::TooLong));
    }
    if scan::is_identifier(s) {
        return Err(ParseError::hex_identifier(s));
    }
    let legacy = options.grammar == Grammar::Legacy;

    // splitDockerDomain: decide the domain from the text before the first '/'.
    let (source, library) = match s.find('/') {
        None => (DomainSource::Implied(0), true),
        Some(slash) => {
            let first = &s[..slash];
            let rest_is_single = || !s[slash + 1..].contains('/');
            if first == "localhost" {
                (DomainSource::Written, false)
            } else if first == LEGACY_DEFAULT_DOMAIN {
                (DomainSource::Implied(slash + 1), rest_is_single())
            } else if first.contains(['.', ':']) || (!legacy && has_upper(first)) {
                (
                    DomainSource::Written,
                    first == DEFAULT_DOMAIN && rest_is_single(),
                )
            } else {
                (DomainSource::Implied(0), false)
            }
        }
    };

    let b = s.as_bytes();
    let spans = match source {
        DomainSource::Implied(from) => scan::scan(b, from, Start::PathOnly, !legacy),
        DomainSource::Written => scan::scan(b, 0, Start::DomainOrPath, !legacy),
    };
    let remainder_start = match source {
        DomainSource::Implied(from) => from,
        DomainSource::Written => s.find('/').map_or(0, |i| i + 1),
    };

    let Some(spans) = spans else {
        return Err(normalized_grammar_error(
            s,
            source,
            remainder_start,
            library,
            legacy,
        ));
    };

    let domain = match source {
        DomainSource::Implied(_) => DEFAULT_DOMAIN,
        DomainSource::Written => spans.domain_end.map_or("", |end| &s[..end]),
    };
    let view = ReferenceView::from_spans(s, domain, library, spans);

    // The lowercase check runs on the remainder cut at its first ':' only, so with a digest and
    // no tag it sees the digest algorithm: `foo@SHA256:…` is reported as a name problem.
    if view.tag().is_none() {
        if let Some(digest) = view.digest() {
            let algorithm = &digest[..spans.digest_colon - (spans.tag_end + 1)];
            if has_upper(algorithm) {
                let cut = &s[remainder_start..spans.digest_colon];
                return Err(uppercase_error(cut, library, legacy));
            }
        }
    }
    check_length_and_digest(&view, legacy, options)?;
    Ok(view)
}

/// `Parse`: the grammar alone, with its own domain rule (any valid first segment before `/`).
pub(crate) fn unnormalized(
    s: &str,
    options: ParseOptions,
) -> Result<ReferenceView<'_>, ParseError> {
    if s.len() > MAX_INPUT_LEN {
        return Err(ParseError::new(ErrorKind::TooLong));
    }
    let legacy = options.grammar == Grammar::Legacy;
    let Some(spans) = scan::scan(s.as_bytes(), 0, Start::DomainOrPath, !legacy) else {
        if s.is_empty() {
            return Err(ParseError::new(ErrorKind::NameEmpty));
        }
        return Err(raw_grammar_error(s, legacy));
    };
    let domain = spans.domain_end.map_or("", |end| &s[..end]);
    let view = ReferenceView::from_spans(s, domain, false, spans);
    check_length_and_digest(&view, legacy, options)?;
    Ok(view)
}

fn check_length_and_digest(
    view: &ReferenceView<'_>,
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
        return Err(ParseError::new(ErrorKind::NameTooLong));
    }
    if let Some(d) = view.digest() {
        digest::validate(d, options.algorithms).map_err(ParseError::new)?;
    }
    Ok(())
}

/// The error for a normalised input that failed the grammar, chosen as Go chooses it.
#[cold]
fn normalized_grammar_error(
    s: &str,
    source: DomainSource,
    remainder_start: usize,
    library: bool,
    legacy: bool,
) -> ParseError {
    let remainder = &s[remainder_start..];
    let cut = remainder.find(':').map_or(remainder, |i| &remainder[..i]);
    if has_upper(cut) {
        return uppercase_error(cut, library, legacy);
    }
    // Parse(domain + "/" + remainder) failed; it says "must be lowercase" if the lowercased
    // string would have matched.
    let domain = match source {
        DomainSource::Implied(_) => DEFAULT_DOMAIN,
        DomainSource::Written => &s[..remainder_start.saturating_sub(1)],
    };
    let prefix = if library { OFFICIAL_PREFIX } else { "" };
    raw_grammar_error(&format!("{domain}/{prefix}{remainder}"), legacy)
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
        if scan::scan(lowered.as_bytes(), 0, Start::DomainOrPath, !legacy).is_some() {
            return ParseError::new(ErrorKind::NameContainsUppercase);
        }
    }
    ParseError::new(ErrorKind::InvalidFormat)
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
