//! Image references, `[domain[:port]/]path[:tag][@digest]`, exactly as Kubernetes reads them.
//!
//! Kubernetes, containerd and the kubelet parse images with distribution/reference v0.6
//! (`ParseNormalizedNamed`); [`Reference`] reproduces it field for field and error text for
//! error text, checked against that library's output on 10,168 inputs. The older grammar of
//! docker/distribution 2.8 (no IPv6 hosts, no uppercase-domain rule, the whole name limited to
//! 255 bytes) is available as [`ParseOptions::LEGACY`].
//!
//! The parser is hand-written: one forward pass over the bytes, no regular expression, no
//! backtracking and no allocation while validating; [`ReferenceView`] keeps even the result
//! borrowed. Inputs longer than [`MAX_INPUT_LEN`] bytes are refused up front.
//!
//! ```
//! use kubepull::reference::{ParseOptions, Reference};
//!
//! let r: Reference = "Foo/bar:1".parse()?; // an uppercase first segment is a registry host
//! assert_eq!((r.domain(), r.path()), ("Foo", "bar"));
//!
//! let legacy = Reference::parse_with("Foo/bar:1", ParseOptions::LEGACY).unwrap_err();
//! assert_eq!(legacy.to_string(), "invalid reference format: repository name must be lowercase");
//! # Ok::<(), kubepull::reference::ParseError>(())
//! ```

mod digest;
mod error;
mod owned;
mod parse;
mod scan;
#[cfg(feature = "serde")]
mod serde_impl;
mod view;

use std::fmt;

pub use digest::{Digest, DigestAlgorithm, DigestAlgorithms};
pub use error::{ParseError, ParseErrorKind};
pub use owned::Reference;
pub use view::ReferenceView;

/// The longest input, in bytes, that the parsers look at; longer ones fail with
/// [`ParseErrorKind::TooLong`]. A valid reference is bounded by its parts (path 255, tag 128, a
/// sha512 digest 135, plus a host name), so only absurd host names or digests of unregistered
/// algorithms, which Go would still classify, are cut off here.
pub const MAX_INPUT_LEN: usize = 4096;

/// Which generation of the grammar to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Grammar {
    /// distribution/reference v0.6, what Kubernetes imports today.
    #[default]
    Current,
    /// docker/distribution 2.8 (also containers/image and containerd ≤ 1.6): no IPv6 hosts, an
    /// uppercase first segment is a lowercase error, the 255-byte limit counts the whole name,
    /// and the uppercase error does not name the repository.
    Legacy,
}

/// How to parse: the grammar and the registered digest algorithms.
///
/// ```
/// use kubepull::reference::{DigestAlgorithms, ParseOptions, Reference};
///
/// let sha384 = "foo@sha384:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
/// assert!(Reference::parse(sha384).is_err());
/// let options = ParseOptions::CURRENT.with_algorithms(DigestAlgorithms::WITH_SHA384);
/// assert!(Reference::parse_with(sha384, options).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParseOptions {
    grammar: Grammar,
    algorithms: DigestAlgorithms,
}

impl ParseOptions {
    /// distribution/reference v0.6 with go-digest main: sha256 and sha512.
    pub const CURRENT: ParseOptions = ParseOptions {
        grammar: Grammar::Current,
        algorithms: DigestAlgorithms::CURRENT,
    };
    /// docker/distribution 2.8 with go-digest v1.0.0: sha256, sha384 and sha512.
    pub const LEGACY: ParseOptions = ParseOptions {
        grammar: Grammar::Legacy,
        algorithms: DigestAlgorithms::WITH_SHA384,
    };

    /// These options with another digest algorithm set.
    pub const fn with_algorithms(self, algorithms: DigestAlgorithms) -> ParseOptions {
        ParseOptions { algorithms, ..self }
    }

    /// The grammar in use.
    pub const fn grammar(&self) -> Grammar {
        self.grammar
    }

    /// The digest algorithms accepted.
    pub const fn algorithms(&self) -> DigestAlgorithms {
        self.algorithms
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions::CURRENT
    }
}

/// Validates a reference without allocating; the same check as [`Reference::parse`].
///
/// ```
/// assert!(kubepull::reference::validate("quay.io/prometheus/node-exporter:v1.7.0").is_ok());
/// assert!(kubepull::reference::validate("ghcr.io/owner/repo:v1.2.3+build").is_err());
/// ```
///
/// # Errors
///
/// As [`Reference::parse`].
pub fn validate(s: &str) -> Result<(), ParseError> {
    parse::normalized(s, ParseOptions::CURRENT).map(|_| ())
}

/// Either a named reference or a bare digest: what `ParseAnyReference` returns.
///
/// A 64-hex-digit string is an image ID and becomes a `sha256:` digest; a valid digest stays a
/// digest; anything else is parsed as a normalised reference.
///
/// ```
/// use kubepull::reference::AnyReference;
///
/// let id = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// assert_eq!(AnyReference::parse(id)?.to_string(), format!("sha256:{id}"));
/// assert_eq!(AnyReference::parse("redis")?.to_string(), "docker.io/library/redis");
/// # Ok::<(), kubepull::reference::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnyReference {
    /// A repository name, with optional tag and digest.
    Named(Reference),
    /// A bare content digest or image ID.
    Digest(Digest),
}

impl AnyReference {
    /// Parses like `ParseAnyReference`.
    ///
    /// # Errors
    ///
    /// As [`Reference::parse`] when the input is neither an ID nor a digest.
    pub fn parse(s: &str) -> Result<AnyReference, ParseError> {
        AnyReference::parse_with(s, ParseOptions::CURRENT)
    }

    /// Parses like `ParseAnyReference` with the given options.
    ///
    /// # Errors
    ///
    /// As [`Reference::parse_with`].
    pub fn parse_with(s: &str, options: ParseOptions) -> Result<AnyReference, ParseError> {
        if scan::is_identifier(s) {
            return Digest::parse(&format!("sha256:{s}")).map(AnyReference::Digest);
        }
        if let Ok(d) = Digest::parse_with(s, options.algorithms) {
            return Ok(AnyReference::Digest(d));
        }
        Reference::parse_with(s, options).map(AnyReference::Named)
    }
}

impl fmt::Display for AnyReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyReference::Named(r) => r.fmt(f),
            AnyReference::Digest(d) => d.fmt(f),
        }
    }
}
