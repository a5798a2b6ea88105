//! The platform domain's error type.

use std::fmt;

/// What went wrong; match on it, read the exact text from [`PlatformError`]'s `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlatformErrorKind {
    /// The specifier contains `*` (containerd: `wildcards not yet supported`).
    Wildcard,
    /// The first component is not `<os>[(<os.version>[+<feature>]*)]`.
    InvalidOsComponent,
    /// A later component is not `[A-Za-z0-9_.-]+`.
    InvalidComponent,
    /// An OS version or OS feature has a bad `%` escape.
    InvalidOsOption,
    /// A one-component specifier is neither a known OS nor a known architecture.
    UnknownOsOrArchitecture,
    /// More than three `/`-separated components.
    TooManyComponents,
    /// A one-component specifier was parsed without a host platform to complete it.
    NeedsHost,
    /// An index or manifest list is larger than [`MAX_INDEX_BYTES`](super::MAX_INDEX_BYTES).
    TooLarge,
    /// The body is not valid JSON for an index or manifest list.
    InvalidJson,
    /// `schemaVersion` is not 2.
    UnsupportedSchemaVersion,
    /// The body is an image manifest (it has `config` or `layers`), not an index.
    ExpectedIndex,
    /// The `mediaType` field disagrees with the kind of document expected.
    WrongMediaType,
    /// `docker manifest annotate` rejects the resulting os/arch pair.
    UnsupportedOsArch,
    /// `docker manifest push` needs an OS and an architecture on every member.
    MissingOsOrArchitecture,
    /// `docker manifest push` needs every member on the target's registry.
    DifferentRegistry,
    /// A member's digest is not a valid digest.
    InvalidDigest,
    /// No descriptor in the index matches the platform.
    NoMatch,
    /// A legacy `-$(ARCH)` name could not be formed or read.
    LegacyName,
}

/// An error from the platform module. `Display` is the exact upstream text where upstream
/// (containerd, docker/cli, docker/distribution) fixes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformError {
    kind: PlatformErrorKind,
    message: String,
}

impl PlatformError {
    pub(crate) fn new(kind: PlatformErrorKind, message: impl Into<String>) -> PlatformError {
        PlatformError {
            kind,
            message: message.into(),
        }
    }

    /// What kind of error this is.
    #[must_use]
    pub fn kind(&self) -> PlatformErrorKind {
        self.kind
    }

    /// Wraps the error the way containerd's `ParseAll` does: `invalid platform <spec>: <err>`.
    #[must_use]
    pub(crate) fn in_parse_all(self, specifier: &str) -> PlatformError {
        let message = format!("invalid platform {specifier}: {}", self.message);
        PlatformError {
            kind: self.kind,
            message,
        }
    }
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlatformError {}
