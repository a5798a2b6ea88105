//! The verification domain's error type.

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// `imagePullCredentialsVerificationPolicy` is not one of the four policies.
    UnknownPolicy,
    /// An entry of `preloadedImagesVerificationAllowlist` is malformed.
    InvalidAllowlistPattern,
    /// A pulled record or pull intent is not valid JSON of the expected kind (the kubelet
    /// decodes strictly: unknown fields are errors).
    InvalidRecord,
    /// A record is larger than [`super::MAX_RECORD_BYTES`].
    RecordTooLarge,
    /// An image string that `ParseImageName` rejects, where a record must be keyed by it.
    InvalidImageName,
}

/// An error of the verification domain. `Display` is the kubelet's exact text where it has
/// one (policy and allowlist errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VerifyError {
    kind: VerifyErrorKind,
    message: String,
}

impl VerifyError {
    pub(crate) fn new(kind: VerifyErrorKind, message: String) -> VerifyError {
        VerifyError { kind, message }
    }

    /// Which kind of error this is.
    pub fn kind(&self) -> VerifyErrorKind {
        self.kind
    }
}
