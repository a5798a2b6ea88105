//! The one error type of the `config` module.

use std::fmt;

/// The fixed text the kubelet's file readers return for every parse failure
/// (`ReadDockerConfigFileFromBytes`, `readDockerConfigJSONFileFromBytes`).
pub const UNMARSHAL_ERROR_TEXT: &str = "error occurred while trying to unmarshal json";

/// The kubelet's text for an `auth` value that decodes but has no `:`.
pub const AUTH_NO_COLON_TEXT: &str =
    "unable to parse auth field, must be formatted as base64(username:password)";

/// What went wrong, for callers that need to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The bytes are not JSON: empty, truncated, trailing garbage, nesting deeper than 128.
    Syntax,
    /// The JSON has the wrong shape: a string where an object belongs, `{"email": false}`.
    TypeMismatch,
    /// An `auth` value is not standard base64, or decodes to text without `:`.
    InvalidAuth,
    /// The input is larger than [`MAX_CONFIG_BYTES`](crate::config::MAX_CONFIG_BYTES).
    TooLarge,
    /// API server validation: a required data key is missing (`data[.dockercfg]: Required value`).
    MissingDataKey,
    /// API server validation: the data is not a JSON object.
    NotAnObject,
    /// A Secret object (as `kubectl get secret -o json` prints it) could not be read.
    InvalidSecretObject,
    /// `kubectl create secret docker-registry` argument validation failed.
    InvalidArguments,
}

/// An error from reading or building docker configs and pull secrets.
///
/// `Display` is the text the kubelet (or API server, or kubectl) produces in the same
/// situation, so it can be compared with Kubernetes logs. Where the kubelet prints a fixed
/// text (the node file readers), the underlying cause is available through
/// [`std::error::Error::source`] and [`ConfigError::detail`]. The registry key an entry
/// error belongs to is in [`ConfigError::registry_key`] and in the detail text.
///
/// No error ever carries a password, an `auth` value or a token: texts are built from
/// fixed words, JSON positions, registry keys and field names only.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    detail: Detail,
    /// Display the kubelet's fixed file-reader text instead of the detail.
    fixed_text: bool,
}

/// The cause behind a [`ConfigError`]: a safe message, the registry key if any, and
/// the JSON position if any.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Detail {
    message: String,
    registry_key: Option<String>,
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.registry_key {
            Some(key) => write!(f, "registry key {key:?}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Detail {}

impl ConfigError {
    pub(crate) fn new(kind: ConfigErrorKind, message: impl Into<String>) -> ConfigError {
        ConfigError {
            kind,
            detail: Detail {
                message: message.into(),
                registry_key: None,
            },
            fixed_text: false,
        }
    }

    /// Attaches the registry key, userinfo redacted (a key may embed `user:password@`).
    pub(crate) fn with_key(mut self, key: &str) -> ConfigError {
        self.detail.registry_key = Some(crate::keyring::redact_key(key));
        self
    }

    /// Switches `Display` to the kubelet file readers' fixed text.
    pub(crate) fn in_file_reader(mut self) -> ConfigError {
        self.fixed_text = true;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// The registry key (as written in the document, with any `user:password@` replaced by
    /// `[REDACTED]@`) of the entry that failed, if the failure belongs to one entry.
    pub fn registry_key(&self) -> Option<&str> {
        self.detail.registry_key.as_deref()
    }

    /// The cause in words, with the registry key when there is one. Equal to `Display`
    /// except after the node file readers, whose `Display` is the kubelet's fixed text.
    pub fn detail(&self) -> String {
        self.detail.to_string()
    }

    /// The cause without the registry key: the text Kubernetes itself produces for it
    /// (Go's `encoding/json` wording is approximated for JSON errors).
    pub fn message(&self) -> &str {
        &self.detail.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fixed_text {
            f.write_str(UNMARSHAL_ERROR_TEXT)
        } else {
            f.write_str(&self.detail.message)
        }
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field("kind", &self.kind)
            .field("registry_key", &self.detail.registry_key)
            .field("message", &self.detail.message)
            .finish()
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if self.fixed_text || self.detail.registry_key.is_some() {
            Some(&self.detail)
        } else {
            None
        }
    }
}
