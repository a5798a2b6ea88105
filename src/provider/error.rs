//! The provider module's error type.

use std::fmt;

use super::config::FieldError;

/// Why a config, request, response or helper answer was rejected.
///
/// `Display` gives the kubelet's (or docker's) text where one exists. No message ever holds
/// a password, token or response body: decode errors name fields and positions, never
/// values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    kind: ProviderErrorKind,
    message: String,
    field_errors: Vec<FieldError>,
}

/// What kind of problem a [`ProviderError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderErrorKind {
    /// The input is longer than [`MAX_DOCUMENT_LEN`](super::MAX_DOCUMENT_LEN).
    TooLarge,
    /// Not JSON (or YAML): a syntax error, with its position.
    Syntax,
    /// Well-formed, but a value has the wrong type or a required `kind`/`apiVersion` is
    /// missing or unknown.
    Decode,
    /// Unknown or duplicate fields under strict decoding
    /// (`strict decoding error: unknown field "providers[0].x"`).
    Strict,
    /// The config decoded but failed validation; see [`ProviderError::field_errors`].
    Invalid,
    /// A duration that Go's `time.ParseDuration` rejects.
    Duration,
    /// A plugin response whose `apiVersion` differs from the configured one.
    ApiVersionMismatch,
    /// A plugin response that could not be decoded (the kubelet reports it without detail).
    ResponseDecode,
    /// A plugin response whose `cacheKeyType` is not `Image`, `Registry` or `Global`.
    InvalidCacheKeyType,
    /// A cache or singleflight key part longer than 65,535 bytes (Go's `cryptobyte` limit);
    /// the kubelet then returns no credentials.
    CacheKey,
    /// A plugin in service-account mode returned the service-account token as a password
    /// although its `cacheType` is not `Token`.
    ServiceAccountTokenReturned,
    /// A docker credential helper answered with something that is not its protocol.
    HelperProtocol,
    /// A docker credential helper has no credentials for the server
    /// (`credentials not found in native keychain`).
    HelperNotFound,
    /// A host or image that is not a URL Go would parse.
    Url,
}

impl ProviderError {
    pub(crate) fn new(kind: ProviderErrorKind, message: impl Into<String>) -> ProviderError {
        ProviderError {
            kind,
            message: message.into(),
            field_errors: Vec::new(),
        }
    }

    pub(crate) fn invalid(errors: Vec<FieldError>) -> ProviderError {
        ProviderError {
            kind: ProviderErrorKind::Invalid,
            // `field.ErrorList.ToAggregate().Error()`.
            message: crate::apimachinery::aggregate(errors.iter().map(ToString::to_string)),
            field_errors: errors,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ProviderErrorKind {
        self.kind
    }

    /// For [`ProviderErrorKind::Invalid`]: every validation error, in the kubelet's order
    /// (duplicates removed as `ToAggregate` does). Empty otherwise.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.field_errors
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProviderError {}
