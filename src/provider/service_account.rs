//! Service-account token mode (KEP-4412): when a plugin is invoked, with which annotations,
//! and the cache and singleflight keys that carry the service account.

use std::collections::BTreeMap;
use std::fmt;

use super::cache::push_u16_prefixed;
use super::config::{ServiceAccountTokenAttributes, ServiceAccountTokenCacheType};
use super::response::CredentialProviderResponse;
use super::{ProviderError, ProviderErrorKind};
use crate::Secret;

/// The pod's service account as the kubelet sees it when a plugin is in service-account
/// mode: identity, annotations and the projected token it requested. `Debug` redacts the
/// token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// The namespace (the pod's).
    pub namespace: String,
    /// The service account's name.
    pub name: String,
    /// The service account's UID.
    pub uid: String,
    /// All annotations of the service account.
    pub annotations: BTreeMap<String, String>,
    /// The bound token the kubelet obtained for the plugin's audience.
    pub token: Secret,
}

/// Whether and how the kubelet invokes a plugin in service-account mode.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceAccountDecision {
    /// The pod has no service account but the plugin requires one: not invoked, no
    /// credentials (logged as `Service account name is empty for pod <ns>/<pod>`).
    SkipNoServiceAccount,
    /// A required annotation is missing: not invoked (logged as
    /// `required annotation <key> not found`).
    SkipMissingAnnotation(String),
    /// The pod has no service account and none is required: invoked without a token.
    InvokeWithoutToken,
    /// Invoked with the token and these annotations (required ones, then optional ones
    /// that are present).
    Invoke(BTreeMap<String, String>),
}

impl fmt::Display for ServiceAccountDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceAccountDecision::SkipNoServiceAccount => {
                f.write_str("service account name is empty")
            }
            ServiceAccountDecision::SkipMissingAnnotation(key) => {
                write!(f, "required annotation {key} not found")
            }
            ServiceAccountDecision::InvokeWithoutToken => {
                f.write_str("invoke without a service account token")
            }
            ServiceAccountDecision::Invoke(_) => {
                f.write_str("invoke with the service account token")
            }
        }
    }
}

impl ServiceAccountTokenAttributes {
    /// The kubelet's decision for a pod whose service account is `service_account_name`
    /// (empty for none) carrying `annotations`.
    pub fn decide(
        &self,
        service_account_name: &str,
        annotations: &BTreeMap<String, String>,
    ) -> ServiceAccountDecision {
        if service_account_name.is_empty() {
            return if self.require_service_account.unwrap_or(false) {
                ServiceAccountDecision::SkipNoServiceAccount
            } else {
                ServiceAccountDecision::InvokeWithoutToken
            };
        }
        let mut selected = BTreeMap::new();
        for key in &self.required_service_account_annotation_keys {
            match annotations.get(key) {
                Some(value) => {
                    selected.insert(key.clone(), value.clone());
                }
                None => return ServiceAccountDecision::SkipMissingAnnotation(key.clone()),
            }
        }
        for key in &self.optional_service_account_annotation_keys {
            if let Some(value) = annotations.get(key) {
                selected.insert(key.clone(), value.clone());
            }
        }
        ServiceAccountDecision::Invoke(selected)
    }
}

/// `sha256:<hex>` of a token, as the kubelet puts it in keys.
fn token_hash(token: &Secret) -> String {
    crate::go::sha256_digest(token.expose_secret().as_bytes())
}

fn push_annotations(
    out: &mut Vec<u8>,
    annotations: &BTreeMap<String, String>,
) -> Result<(), ProviderError> {
    let count = u32::try_from(annotations.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&count.to_be_bytes());
    for (k, v) in annotations {
        push_u16_prefixed(out, k.as_bytes())?;
        push_u16_prefixed(out, v.as_bytes())?;
    }
    Ok(())
}

impl ServiceAccount {
    /// The service-account part of the cache key (`generateServiceAccountCacheKey`):
    /// length-prefixed namespace, name and UID, a `u32` count and the sorted annotation
    /// pairs sent to the plugin, and with `cacheType: Token` the marker `token` and
    /// `sha256:<hex>` of the token.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::CacheKey`] when a part is longer than 65,535 bytes.
    pub fn cache_key(
        &self,
        annotations: &BTreeMap<String, String>,
        cache_type: ServiceAccountTokenCacheType,
    ) -> Result<Vec<u8>, ProviderError> {
        let mut out = Vec::new();
        push_u16_prefixed(&mut out, self.namespace.as_bytes())?;
        push_u16_prefixed(&mut out, self.name.as_bytes())?;
        push_u16_prefixed(&mut out, self.uid.as_bytes())?;
        push_annotations(&mut out, annotations)?;
        if cache_type == ServiceAccountTokenCacheType::Token {
            push_u16_prefixed(&mut out, b"token")?;
            push_u16_prefixed(&mut out, token_hash(&self.token).as_bytes())?;
        }
        Ok(out)
    }

    /// Rejects a response that hands the service-account token back as a password unless
    /// the provider caches per token.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::ServiceAccountTokenReturned`].
    pub fn check_response(
        &self,
        response: &CredentialProviderResponse,
        cache_type: ServiceAccountTokenCacheType,
    ) -> Result<(), ProviderError> {
        if cache_type != ServiceAccountTokenCacheType::Token
            && response.auth.values().any(|a| a.password == self.token)
        {
            return Err(ProviderError::new(
                ProviderErrorKind::ServiceAccountTokenReturned,
                "credential provider plugin returned the service account token as a password, which requires cacheType Token",
            ));
        }
        Ok(())
    }
}

/// The key concurrent identical plugin runs are collapsed under: the image alone, or in
/// service-account mode (a token and the annotations sent) the length-prefixed image,
/// `sha256:<hex>` of the token (empty for an empty token) and the annotations
/// (`generateSingleFlightKey`).
///
/// # Errors
///
/// [`ProviderErrorKind::CacheKey`] when a part is longer than 65,535 bytes.
pub fn singleflight_key(
    image: &str,
    service_account: Option<(&Secret, &BTreeMap<String, String>)>,
) -> Result<Vec<u8>, ProviderError> {
    let Some((token, annotations)) = service_account else {
        return Ok(image.as_bytes().to_vec());
    };
    let mut out = Vec::new();
    push_u16_prefixed(&mut out, image.as_bytes())?;
    let hash = if token.is_empty() {
        String::new()
    } else {
        token_hash(token)
    };
    push_u16_prefixed(&mut out, hash.as_bytes())?;
    push_annotations(&mut out, annotations)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let sa = ServiceAccount {
            namespace: "ns".into(),
            name: "sa".into(),
            uid: "u".into(),
            annotations: BTreeMap::new(),
            token: Secret::new("t"),
        };
        let key = sa
            .cache_key(
                &BTreeMap::new(),
                ServiceAccountTokenCacheType::ServiceAccount,
            )
            .unwrap();
        assert_eq!(key, b"\x00\x02ns\x00\x02sa\x00\x01u\x00\x00\x00\x00");
        assert_eq!(singleflight_key("img", None).unwrap(), b"img");
        let _ = ProviderErrorKind::CacheKey;
    }
}
