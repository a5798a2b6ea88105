//! `PullPolicy` and the policy domain's error type.

use std::fmt;
use std::str::FromStr;

/// A container's `imagePullPolicy` (`v1.PullPolicy`).
///
/// The text form is the API's, case-sensitive: `Always`, `IfNotPresent`, `Never`. Parsing any
/// other string fails with the API server's validation text (see [`PolicyError`]).
///
/// ```
/// use kubepull::policy::PullPolicy;
///
/// let policy: PullPolicy = "IfNotPresent".parse()?;
/// assert_eq!(policy, PullPolicy::IfNotPresent);
/// assert_eq!(policy.to_string(), "IfNotPresent");
///
/// let err = "always".parse::<PullPolicy>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never""#
/// );
/// # Ok::<(), kubepull::policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PullPolicy {
    /// Pull on every container start; presence is never checked.
    Always,
    /// Use the local image when present, pull otherwise.
    IfNotPresent,
    /// Never pull; fail with `ErrImageNeverPull` when the image is absent.
    Never,
}

impl PullPolicy {
    /// Every policy, in the order the API server lists them (sorted).
    pub const ALL: [PullPolicy; 3] = [
        PullPolicy::Always,
        PullPolicy::IfNotPresent,
        PullPolicy::Never,
    ];

    /// The API text of the policy.
    pub const fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }

    /// Parses a policy as the API server validates the field at `field_path` (for example
    /// `spec.containers[0].imagePullPolicy`): the error text carries the path, exactly as
    /// `validatePullPolicy` reports it.
    ///
    /// # Errors
    ///
    /// [`PolicyErrorKind::RequiredValue`] for `""` (`<path>: Required value`),
    /// [`PolicyErrorKind::UnsupportedValue`] for anything else that is not a policy.
    pub fn parse_field(value: &str, field_path: &str) -> Result<PullPolicy, PolicyError> {
        value
            .parse()
            .map_err(|e: PolicyError| e.at_field(field_path))
    }
}

impl fmt::Display for PullPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PullPolicy {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<PullPolicy, PolicyError> {
        match s {
            "Always" => Ok(PullPolicy::Always),
            "IfNotPresent" => Ok(PullPolicy::IfNotPresent),
            "Never" => Ok(PullPolicy::Never),
            "" => Err(PolicyError::new(
                PolicyErrorKind::RequiredValue,
                "Required value".to_owned(),
            )),
            other => Err(PolicyError::unsupported_value(
                other,
                &PullPolicy::ALL.map(PullPolicy::as_str),
            )),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PullPolicy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PullPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PullPolicy, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What went wrong in the policy domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// A value outside the supported set (`field.NotSupported`).
    UnsupportedValue,
    /// An empty value where one is required (`field.Required`).
    RequiredValue,
    /// An admission plugin rejected the object (`apierrors.NewForbidden`, possibly an
    /// aggregate of several).
    Forbidden,
    /// The admission request was malformed (`apierrors.NewBadRequest`).
    BadRequest,
    /// An image string that `ParseImageName` rejects.
    InvalidImageName,
}

/// An error of the policy domain. `Display` is the exact Kubernetes text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    kind: PolicyErrorKind,
    message: String,
}

impl PolicyError {
    pub(crate) fn new(kind: PolicyErrorKind, message: String) -> PolicyError {
        PolicyError { kind, message }
    }

    /// `field.NotSupported(path, value, supported)` without the path.
    pub(crate) fn unsupported_value(value: &str, supported: &[&str]) -> PolicyError {
        PolicyError::new(
            PolicyErrorKind::UnsupportedValue,
            crate::apimachinery::not_supported(value, supported),
        )
    }

    /// Prefixes the message with a field path, as `field.Error.Error()` does.
    pub(crate) fn at_field(self, field_path: &str) -> PolicyError {
        PolicyError::new(self.kind, format!("{field_path}: {}", self.message))
    }

    /// Which kind of error this is.
    pub fn kind(&self) -> PolicyErrorKind {
        self.kind
    }
}
