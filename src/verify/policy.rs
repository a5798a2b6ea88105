//! Verification policies (`imagePullCredentialsVerificationPolicy`) and the preloaded-images
//! allowlist.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use super::{VerifyError, VerifyErrorKind};
use crate::Reference;

/// `imagePullCredentialsVerificationPolicy`: which images present on the node a pod may use
/// without proving it can pull them.
///
/// ```
/// use kubepull::verify::VerificationPolicy;
///
/// assert_eq!(VerificationPolicy::default(), VerificationPolicy::NeverVerifyPreloadedImages);
/// assert_eq!(
///     "Sometimes".parse::<VerificationPolicy>().unwrap_err().to_string(),
///     "unknown image pull credential verification policy: Sometimes"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VerificationPolicy {
    /// Any pod may use any image already present.
    NeverVerify,
    /// Images the kubelet did not pull (preloaded) may be used freely; images it pulled need
    /// verification. The default when the feature gate is on.
    #[default]
    NeverVerifyPreloadedImages,
    /// Only images matching the allowlist skip verification, however they got onto the node.
    NeverVerifyAllowlistedImages,
    /// Every image needs verification.
    AlwaysVerify,
}

impl VerificationPolicy {
    /// Every policy.
    pub const ALL: [VerificationPolicy; 4] = [
        VerificationPolicy::NeverVerify,
        VerificationPolicy::NeverVerifyPreloadedImages,
        VerificationPolicy::NeverVerifyAllowlistedImages,
        VerificationPolicy::AlwaysVerify,
    ];

    /// The configuration text.
    pub const fn as_str(self) -> &'static str {
        match self {
            VerificationPolicy::NeverVerify => "NeverVerify",
            VerificationPolicy::NeverVerifyPreloadedImages => "NeverVerifyPreloadedImages",
            VerificationPolicy::NeverVerifyAllowlistedImages => "NeverVerifyAllowlistedImages",
            VerificationPolicy::AlwaysVerify => "AlwaysVerify",
        }
    }

    /// Reads the kubelet configuration field: `""` is defaulted to
    /// [`VerificationPolicy::NeverVerifyPreloadedImages`] (the gate-on default).
    ///
    /// # Errors
    ///
    /// [`VerifyErrorKind::UnknownPolicy`] for any other text that is not a policy.
    pub fn from_config(field: &str) -> Result<VerificationPolicy, VerifyError> {
        if field.is_empty() {
            Ok(VerificationPolicy::default())
        } else {
            field.parse()
        }
    }
}

impl fmt::Display for VerificationPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VerificationPolicy {
    type Err = VerifyError;

    fn from_str(s: &str) -> Result<VerificationPolicy, VerifyError> {
        VerificationPolicy::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                VerifyError::new(
                    VerifyErrorKind::UnknownPolicy,
                    format!("unknown image pull credential verification policy: {s}"),
                )
            })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for VerificationPolicy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for VerificationPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VerificationPolicy, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One entry of `preloadedImagesVerificationAllowlist` (`getAllowlistImagePattern`,
/// Kubernetes v1.36).
///
/// Either an image name without tag or digest, matched exactly against the pod's image as
/// written with its tag and digest removed ([`super::trim_tag_and_digest`]), or a prefix
/// ending in `/*` (`registry.example/team/*`), matched as a byte prefix of that name, across
/// any number of path segments. Names are not expanded on either side: the entry `ubuntu`
/// matches the pod image `ubuntu:22.04`, the entry `docker.io/library/ubuntu` does not (the
/// pod must then prove it can pull the image).
///
/// `Display` prints the pattern as written, so it is the inverse of `FromStr`.
///
/// ```
/// use kubepull::verify::AllowlistPattern;
///
/// let p: AllowlistPattern = "test.io/test/*".parse()?;
/// assert!(p.matches_name("test.io/test/a/b"));
/// let short: AllowlistPattern = "ubuntu".parse()?;
/// assert!(short.matches_name("ubuntu"));
/// assert!(!short.matches_name("docker.io/library/ubuntu"));
/// assert_eq!(
///     "nginx:1.25".parse::<AllowlistPattern>().unwrap_err().to_string(),
///     "neither tag nor digest is accepted in an image reference: nginx:1.25"
/// );
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AllowlistPattern {
    /// An image name as written (no tag, no digest), matched exactly.
    Exact(String),
    /// A prefix ending in `/` (the pattern without its final `*`), matched as a byte prefix.
    Prefix(String),
}

impl AllowlistPattern {
    /// Whether an image name (as written, without tag or digest) matches.
    pub fn matches_name(&self, name: &str) -> bool {
        match self {
            AllowlistPattern::Exact(exact) => name == exact,
            AllowlistPattern::Prefix(prefix) => name.starts_with(prefix.as_str()),
        }
    }
}

impl fmt::Display for AllowlistPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowlistPattern::Exact(name) => f.write_str(name),
            AllowlistPattern::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

impl FromStr for AllowlistPattern {
    type Err = VerifyError;

    /// Validates in the kubelet's order; see the module documentation for the texts.
    fn from_str(pattern: &str) -> Result<AllowlistPattern, VerifyError> {
        let invalid =
            |message: String| VerifyError::new(VerifyErrorKind::InvalidAllowlistPattern, message);
        // Go's strings.TrimSpace and Rust's str::trim both strip Unicode White_Space.
        if pattern != pattern.trim() {
            return Err(invalid(format!(
                "leading/trailing spaces are not allowed: {pattern}"
            )));
        }
        let is_wildcard = pattern.ends_with("/*");
        let trimmed = if is_wildcard {
            &pattern[..pattern.len() - 1]
        } else {
            pattern
        };
        if trimmed.is_empty() {
            return Err(invalid(format!(
                "the supplied pattern is too short: {pattern}"
            )));
        }
        if trimmed.contains('*') {
            return Err(invalid(format!(
                "not a valid wildcard pattern, only patterns ending with '/*' are allowed: {pattern}"
            )));
        }
        if is_wildcard {
            if trimmed.len() == 1 {
                return Err(invalid("at least registry hostname is required".to_owned()));
            }
            return Ok(AllowlistPattern::Prefix(trimmed.to_owned()));
        }
        Reference::parse(trimmed)
            .map_err(|e| invalid(format!("failed to parse as an image name: {e}")))?;
        if super::trim_tag_and_digest(trimmed).ok() != Some(trimmed) {
            return Err(invalid(format!(
                "neither tag nor digest is accepted in an image reference: {pattern}"
            )));
        }
        Ok(AllowlistPattern::Exact(trimmed.to_owned()))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AllowlistPattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for AllowlistPattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AllowlistPattern, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A parsed `preloadedImagesVerificationAllowlist`: a set of exact names and a list of
/// prefixes (duplicates collapse in the exact set, as in the kubelet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    exact: BTreeSet<String>,
    prefixes: Vec<String>,
}

impl Allowlist {
    /// Parses every entry; the first invalid one is the error (`ValidateAllowlistImagesPatterns`).
    ///
    /// # Errors
    ///
    /// [`VerifyErrorKind::InvalidAllowlistPattern`] with the kubelet's text for that entry.
    pub fn parse<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<Allowlist, VerifyError> {
        let mut list = Allowlist::default();
        for pattern in patterns {
            list.insert(pattern.parse()?);
        }
        Ok(list)
    }

    /// Adds a pattern.
    pub fn insert(&mut self, pattern: AllowlistPattern) {
        match pattern {
            AllowlistPattern::Exact(name) => {
                self.exact.insert(name);
            }
            AllowlistPattern::Prefix(prefix) => self.prefixes.push(prefix),
        }
    }

    /// The number of distinct exact names.
    pub fn exact_len(&self) -> usize {
        self.exact.len()
    }

    /// The number of wildcard prefixes.
    pub fn prefix_len(&self) -> usize {
        self.prefixes.len()
    }

    /// Whether `image` (a container `image` field) is allowlisted: its name as written, without
    /// tag or digest ([`super::trim_tag_and_digest`]), is in the exact set or starts with a
    /// prefix. An image that does not parse never matches (so it must be verified).
    pub fn matches(&self, image: &str) -> bool {
        let Ok(name) = super::trim_tag_and_digest(image) else {
            return false;
        };
        self.exact.contains(name) || self.prefixes.iter().any(|p| name.starts_with(p.as_str()))
    }
}

/// A verification policy with its allowlist: the kubelet's `ImagePullPolicyEnforcer`.
///
/// ```
/// use kubepull::verify::{CredentialPolicy, VerificationPolicy};
///
/// let policy = CredentialPolicy::new(
///     VerificationPolicy::NeverVerifyAllowlistedImages,
///     ["test.io/test/*"],
/// )?;
/// assert!(!policy.requires_verification("test.io/test/test-image:tag", true));
/// assert!(policy.requires_verification("other.io/x:1", false));
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialPolicy {
    policy: VerificationPolicy,
    allowlist: Allowlist,
}

impl CredentialPolicy {
    /// `NewImagePullCredentialVerificationPolicy`. The allowlist is read (and validated) only
    /// for [`VerificationPolicy::NeverVerifyAllowlistedImages`]; the other policies ignore it,
    /// as the kubelet does.
    ///
    /// # Errors
    ///
    /// [`VerifyErrorKind::InvalidAllowlistPattern`] for the first malformed allowlist entry.
    pub fn new<'a>(
        policy: VerificationPolicy,
        allowlist: impl IntoIterator<Item = &'a str>,
    ) -> Result<CredentialPolicy, VerifyError> {
        let allowlist = if policy == VerificationPolicy::NeverVerifyAllowlistedImages {
            Allowlist::parse(allowlist)?
        } else {
            Allowlist::default()
        };
        Ok(CredentialPolicy { policy, allowlist })
    }

    /// The policy.
    pub fn policy(&self) -> VerificationPolicy {
        self.policy
    }

    /// The allowlist (empty unless the policy is `NeverVerifyAllowlistedImages`).
    pub fn allowlist(&self) -> &Allowlist {
        &self.allowlist
    }

    /// `RequireCredentialVerificationForImage`: whether a pod must prove access to `image`.
    /// `NeverVerifyAllowlistedImages` ignores `pulled_by_kubelet`.
    pub fn requires_verification(&self, image: &str, pulled_by_kubelet: bool) -> bool {
        match self.policy {
            VerificationPolicy::NeverVerify => false,
            VerificationPolicy::NeverVerifyPreloadedImages => pulled_by_kubelet,
            VerificationPolicy::NeverVerifyAllowlistedImages => !self.allowlist.matches(image),
            VerificationPolicy::AlwaysVerify => true,
        }
    }
}
