//! The one error type of the reference module, whose texts are distribution/reference's.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, for callers that branch on it. The text to show a person is the
/// [`ParseError`]'s `Display`, which is byte-identical to the Go libraries'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// `invalid reference format`: the string does not fit the grammar.
    InvalidFormat,
    /// A repository name with uppercase letters. The text is one of
    /// `invalid reference format: repository name (NAME) must be lowercase` (normalising parse),
    /// `invalid reference format: repository name must be lowercase` (legacy normalising parse)
    /// or `repository name must be lowercase` (non-normalising parse).
    NameContainsUppercase,
    /// `repository name must have at least one component`.
    NameEmpty,
    /// `repository name must not be more than 255 characters`.
    NameTooLong,
    /// `repository name must be canonical` (the canonical-only parse).
    NameNotCanonical,
    /// `invalid repository name (HEX), cannot specify 64-byte hexadecimal strings`.
    HexIdentifier,
    /// `invalid tag format` (replacing a tag).
    TagInvalidFormat,
    /// `invalid digest format` (replacing a digest).
    DigestInvalidFormat,
    /// `unsupported digest algorithm` (go-digest).
    DigestUnsupported,
    /// `invalid checksum digest length` (go-digest).
    ChecksumInvalidLength,
    /// `invalid checksum digest format` (go-digest).
    ChecksumInvalidFormat,
    /// The input is longer than [`MAX_INPUT_LEN`](super::MAX_INPUT_LEN) bytes; kubepull refuses
    /// it before looking at it. No reference Kubernetes can pull is that long.
    TooLong,
}

/// An image reference or digest that could not be parsed.
///
/// `Display` prints exactly what distribution/reference (or go-digest) prints for the same
/// input, so messages match what users see in `kubectl describe pod` events.
///
/// ```
/// use kubepull::Reference;
/// use kubepull::reference::ParseErrorKind;
///
/// let err = Reference::parse("Nginx:latest").unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::NameContainsUppercase);
/// assert_eq!(err.to_string(),
///            "invalid reference format: repository name (library/Nginx) must be lowercase");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    text: Cow<'static, str>,
}

impl ParseError {
    #[cold]
    pub(crate) fn new(kind: ParseErrorKind) -> ParseError {
        let text = match kind {
            ParseErrorKind::InvalidFormat => "invalid reference format",
            ParseErrorKind::NameContainsUppercase => "repository name must be lowercase",
            ParseErrorKind::NameEmpty => "repository name must have at least one component",
            ParseErrorKind::NameTooLong => "repository name must not be more than 255 characters",
            ParseErrorKind::NameNotCanonical => "repository name must be canonical",
            ParseErrorKind::HexIdentifier => {
                "invalid repository name, cannot specify 64-byte hexadecimal strings"
            }
            ParseErrorKind::TagInvalidFormat => "invalid tag format",
            ParseErrorKind::DigestInvalidFormat => "invalid digest format",
            ParseErrorKind::DigestUnsupported => "unsupported digest algorithm",
            ParseErrorKind::ChecksumInvalidLength => "invalid checksum digest length",
            ParseErrorKind::ChecksumInvalidFormat => "invalid checksum digest format",
            ParseErrorKind::TooLong => "invalid reference format: longer than 4096 bytes",
        };
        ParseError {
            kind,
            text: Cow::Borrowed(text),
        }
    }

    #[cold]
    pub(crate) fn hex_identifier(input: &str) -> ParseError {
        ParseError {
            kind: ParseErrorKind::HexIdentifier,
            text: Cow::Owned(format!(
                "invalid repository name ({input}), cannot specify 64-byte hexadecimal strings"
            )),
        }
    }

    /// The normalising parser's uppercase error; `name` is `None` for the legacy text.
    #[cold]
    pub(crate) fn uppercase_name(name: Option<&str>) -> ParseError {
        let text = match name {
            Some(name) => Cow::Owned(format!(
                "invalid reference format: repository name ({name}) must be lowercase"
            )),
            None => Cow::Borrowed("invalid reference format: repository name must be lowercase"),
        };
        ParseError {
            kind: ParseErrorKind::NameContainsUppercase,
            text,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for ParseError {}
