//! `CredentialProviderResponse`: what a plugin writes to stdout, decoded as strictly as the
//! kubelet does, and turned into keyring entries.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::config::{FIND_KIND_TYPE, PLUGIN_API_VERSIONS, syntax_message};
use super::duration::GoDuration;
use super::{MAX_DOCUMENT_LEN, ProviderError, ProviderErrorKind, RESPONSE_KIND};
use crate::Secret;
use crate::go::quote as go_quote;

/// `cacheKeyType`: what a response's credentials are cached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheKeyType {
    /// The exact image requested (registry, port, path; no tag or digest).
    Image,
    /// The registry: the image up to its first `/` (host and port).
    Registry,
    /// One entry for every image this plugin is asked about.
    Global,
}

impl CacheKeyType {
    /// The wire text (`Image`, `Registry`, `Global`).
    pub fn as_str(self) -> &'static str {
        match self {
            CacheKeyType::Image => "Image",
            CacheKeyType::Registry => "Registry",
            CacheKeyType::Global => "Global",
        }
    }
}

impl fmt::Display for CacheKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `auth` entry. `Debug` redacts the password. Empty username and password are valid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthConfig {
    /// The user name.
    pub username: String,
    /// The password or token.
    pub password: Secret,
}

/// A decoded plugin response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialProviderResponse {
    /// The response's `apiVersion` (equal to the configured one once parsed).
    pub api_version: String,
    /// What the credentials are cached under.
    pub cache_key_type: CacheKeyType,
    /// `cacheDuration`: `None` = use the provider's `defaultCacheDuration`; zero = do not
    /// cache.
    pub cache_duration: Option<GoDuration>,
    /// `auth`: match pattern → credential, sorted by pattern (the kubelet's map has no
    /// order; the keyring orders what it is given).
    pub auth: BTreeMap<String, AuthConfig>,
}

/// One credential a provider returned, ready for the keyring: the key (a match pattern,
/// normalised by the keyring like any config key), the credential, and the provider's name
/// (the keyring source `provider:NAME`). `Debug` redacts the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCredential {
    /// The provider's name in the config.
    pub provider: String,
    /// The `auth` key as the plugin wrote it.
    pub key: String,
    /// The user name.
    pub username: String,
    /// The password or token.
    pub password: Secret,
}

impl ProviderCredential {
    /// The keyring source text, `provider:NAME`.
    pub fn source(&self) -> String {
        format!("provider:{}", self.provider)
    }
}

/// Turns the answers of several providers (in config order, as `(name, auth)` pairs) into
/// keyring entries in the order the kubelet adds them: provider after provider, each
/// provider's keys in byte order. The kubelet files them all into one keyring, so for one
/// key the earlier provider's credential is tried first, while different keys are ordered
/// by the keyring's specificity rule (`pkg/credentialprovider/keyring.go` `Lookup`,
/// Kubernetes v1.35).
pub fn credentials_from_responses<'a>(
    answers: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, AuthConfig>)>,
) -> Vec<ProviderCredential> {
    answers
        .into_iter()
        .flat_map(|(provider, auth)| {
            auth.iter().map(move |(key, entry)| ProviderCredential {
                provider: provider.to_owned(),
                key: key.clone(),
                username: entry.username.clone(),
                password: entry.password.clone(),
            })
        })
        .collect()
}

/// An `auth` map (a response's, or a cached one) as a [`DockerConfig`](crate::config::DockerConfig).
pub fn auth_to_docker_config(auth: &BTreeMap<String, AuthConfig>) -> crate::config::DockerConfig {
    let mut config = crate::config::DockerConfig::new();
    for (key, entry) in auth {
        config.insert(
            key.clone(),
            crate::config::AuthEntry::new(entry.username.clone(), entry.password.clone()),
        );
    }
    config
}

impl CredentialProviderResponse {
    /// Decodes a plugin's stdout as the kubelet does: the `apiVersion` (read leniently,
    /// like Go's GVK sniffing) must equal `expected_api_version`; then the document is
    /// decoded strictly (case-sensitive names, unknown or repeated fields rejected, `kind`
    /// must be `CredentialProviderResponse`); then `cacheKeyType` must be valid.
    ///
    /// # Errors
    ///
    /// * [`ProviderErrorKind::TooLarge`] above [`MAX_DOCUMENT_LEN`];
    /// * [`ProviderErrorKind::Syntax`]: `error reading GVK from response: …` (position only);
    /// * [`ProviderErrorKind::ApiVersionMismatch`]: `apiVersion from credential plugin
    ///   response did not match expected apiVersion:<a>, actual apiVersion:<b>`;
    /// * [`ProviderErrorKind::ResponseDecode`]: `error decoding credential provider plugin
    ///   response from stdout` (the kubelet never says more, since the body holds secrets);
    /// * [`ProviderErrorKind::InvalidCacheKeyType`]: `credential provider plugin did not
    ///   return a valid cacheKeyType: "<v>"`.
    pub fn parse(
        bytes: &[u8],
        expected_api_version: &str,
    ) -> Result<CredentialProviderResponse, ProviderError> {
        if bytes.len() > MAX_DOCUMENT_LEN {
            return Err(ProviderError::new(
                ProviderErrorKind::TooLarge,
                format!(
                    "credential provider plugin response of {} bytes is longer than the {MAX_DOCUMENT_LEN} bytes kubepull reads",
                    bytes.len()
                ),
            ));
        }
        let sniff: Sniff = serde_json::from_slice(bytes).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::Syntax,
                format!(
                    "error reading GVK from response: couldn't get version/kind; json parse error: {}",
                    sniff_message(&e, bytes)
                ),
            )
        })?;
        let actual = group_version_string(&sniff.api_version).map_err(|m| {
            ProviderError::new(
                ProviderErrorKind::Syntax,
                format!("error reading GVK from response: {m}"),
            )
        })?;
        if actual != expected_api_version {
            return Err(ProviderError::new(
                ProviderErrorKind::ApiVersionMismatch,
                format!(
                    "apiVersion from credential plugin response did not match expected apiVersion:{expected_api_version}, actual apiVersion:{actual}"
                ),
            ));
        }
        let decode_error = || {
            ProviderError::new(
                ProviderErrorKind::ResponseDecode,
                "error decoding credential provider plugin response from stdout",
            )
        };
        if !PLUGIN_API_VERSIONS.contains(&expected_api_version) {
            return Err(decode_error());
        }
        let wire: Wire = serde_json::from_slice(bytes).map_err(|_| decode_error())?;
        if wire.kind.as_deref() != Some(RESPONSE_KIND) {
            return Err(decode_error());
        }
        let cache_duration = match wire.cache_duration {
            None => None,
            Some(text) => Some(GoDuration::parse(&text).map_err(|_| decode_error())?),
        };
        let cache_key_type = match wire.cache_key_type.as_deref().unwrap_or("") {
            "Image" => CacheKeyType::Image,
            "Registry" => CacheKeyType::Registry,
            "Global" => CacheKeyType::Global,
            other => {
                return Err(ProviderError::new(
                    ProviderErrorKind::InvalidCacheKeyType,
                    format!(
                        "credential provider plugin did not return a valid cacheKeyType: {}",
                        go_quote(other)
                    ),
                ));
            }
        };
        Ok(CredentialProviderResponse {
            api_version: actual,
            cache_key_type,
            cache_duration,
            auth: wire.auth.map(|a| a.0).unwrap_or_default(),
        })
    }

    /// The `auth` map as the kubelet's `credentialprovider.DockerConfig` (username and
    /// password per key), ready for the keyring builder's provider input.
    pub fn to_docker_config(&self) -> crate::config::DockerConfig {
        auth_to_docker_config(&self.auth)
    }

    /// This response's credentials as keyring entries for provider `provider`.
    pub fn credentials(&self, provider: &str) -> Vec<ProviderCredential> {
        credentials_from_responses([(provider, &self.auth)])
    }
}

/// `schema.ParseGroupVersion(s).String()`.
fn group_version_string(api_version: &str) -> Result<String, String> {
    match api_version.split('/').count() {
        1 => Ok(api_version.to_owned()),
        2 => {
            let (group, version) = api_version.split_once('/').unwrap_or_default();
            Ok(if group.is_empty() {
                version.to_owned()
            } else {
                format!("{group}/{version}")
            })
        }
        _ => Err(format!("unexpected GroupVersion string: {api_version}")),
    }
}

fn sniff_message(e: &serde_json::Error, bytes: &[u8]) -> String {
    if e.classify() != serde_json::error::Category::Data {
        return syntax_message(e);
    }
    let kind = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {
            return "json: cannot unmarshal a non-string into Go struct field .apiVersion of type string"
                .to_owned();
        }
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't' | b'f') => "bool",
        Some(b'n') => "null",
        _ => "number",
    };
    format!("json: cannot unmarshal {kind} into Go value of type {FIND_KIND_TYPE}")
}

/// Go's `findKind` sniff: only `apiVersion` and `kind`, matched case-insensitively, last
/// one wins, everything else skipped unread.
struct Sniff {
    api_version: String,
}

impl<'de> Deserialize<'de> for Sniff {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sniff, D::Error> {
        struct SniffVisitor;
        impl<'de> Visitor<'de> for SniffVisitor {
            type Value = Sniff;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sniff, A::Error> {
                let mut api_version = String::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("apiVersion") {
                        api_version = map.next_value::<Option<String>>()?.unwrap_or_default();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Sniff { api_version })
            }
        }
        deserializer.deserialize_map(SniffVisitor)
    }
}

/// The strict wire form (`sigs.k8s.io/json` with `DisallowUnknownFields` and
/// `DisallowDuplicateFields`, case-sensitive).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    #[serde(default)]
    kind: Option<String>,
    #[serde(rename = "apiVersion", default)]
    #[allow(dead_code)]
    api_version: Option<String>,
    #[serde(rename = "cacheKeyType", default)]
    cache_key_type: Option<String>,
    #[serde(rename = "cacheDuration", default)]
    cache_duration: Option<String>,
    #[serde(default)]
    auth: Option<AuthMap>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireAuth {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<Secret>,
}

/// The `auth` object with repeated keys rejected, as strict decoding does.
struct AuthMap(BTreeMap<String, AuthConfig>);

impl<'de> Deserialize<'de> for AuthMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AuthMap, D::Error> {
        struct AuthVisitor;
        impl<'de> Visitor<'de> for AuthVisitor {
            type Value = AuthMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an auth object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AuthMap, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let entry = map.next_value::<Option<WireAuth>>()?.unwrap_or(WireAuth {
                        username: None,
                        password: None,
                    });
                    let value = AuthConfig {
                        username: entry.username.unwrap_or_default(),
                        password: entry.password.unwrap_or_default(),
                    };
                    if out.insert(key, value).is_some() {
                        return Err(de::Error::custom("duplicate field in auth"));
                    }
                }
                Ok(AuthMap(out))
            }
        }
        deserializer.deserialize_map(AuthVisitor)
    }
}
