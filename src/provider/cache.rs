//! The kubelet's per-plugin credential cache, as a value over an injected clock.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::response::{AuthConfig, CacheKeyType, CredentialProviderResponse};
use super::{CACHE_PURGE_INTERVAL, ProviderError, ProviderErrorKind};

/// The base key of `Global` responses.
///
/// `pkg/credentialprovider/plugin/plugin.go` `globalCacheKey`: `<global>` (angle brackets so
/// that it cannot collide with an image or registry name) in the revisions that also carry
/// `tokenAttributes.cacheType`, which this module follows; the earlier revisions, before
/// `cacheType`, used `global`.
pub const GLOBAL_CACHE_KEY: &str = "<global>";

/// `parseRegistry`: the image up to its first `/` (host and port), the `Registry` cache key.
///
/// ```
/// assert_eq!(kubepull::provider::parse_registry("registry.io:5000/a/b"), "registry.io:5000");
/// assert_eq!(kubepull::provider::parse_registry("image"), "image");
/// ```
pub fn parse_registry(image: &str) -> &str {
    image.split('/').next().unwrap_or(image)
}

/// Appends `part` with a big-endian `u16` length prefix (Go `cryptobyte`).
pub(crate) fn push_u16_prefixed(out: &mut Vec<u8>, part: &[u8]) -> Result<(), ProviderError> {
    let len = u16::try_from(part.len()).map_err(|_| {
        ProviderError::new(
            ProviderErrorKind::CacheKey,
            format!(
                "error generating cache key: {} bytes do not fit a 16-bit length prefix",
                part.len()
            ),
        )
    })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(part);
    Ok(())
}

/// `generateCacheKey(base, serviceAccountKey)`: both length-prefixed with a `u16`, so image
/// `image1` without a service account is `"\x00\x06image1\x00\x00"`.
///
/// # Errors
///
/// [`ProviderErrorKind::CacheKey`] when a part is longer than 65,535 bytes; the kubelet then
/// returns no credentials for the image.
///
/// ```
/// assert_eq!(kubepull::provider::cache_key("image1", b"")?, b"\x00\x06image1\x00\x00");
/// # Ok::<(), kubepull::provider::ProviderError>(())
/// ```
pub fn cache_key(base: &str, service_account_key: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let mut key = Vec::with_capacity(base.len() + service_account_key.len() + 4);
    push_u16_prefixed(&mut key, base.as_bytes())?;
    push_u16_prefixed(&mut key, service_account_key)?;
    Ok(key)
}

/// A cached response: its `auth` map and when it stops being valid (it is still valid at
/// exactly `expires_at`; Go tests `now.After(expiresAt)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedAuth {
    /// The cached credentials.
    pub auth: BTreeMap<String, AuthConfig>,
    /// The instant after which the entry is expired.
    pub expires_at: Instant,
}

/// What [`ProviderCache::store`] did with a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheDecision {
    /// Not cached: `cacheDuration` was `0`, or absent with a zero `defaultCacheDuration`.
    NotCached,
    /// Cached under `key` until `expires_at`.
    Cached {
        /// The full cache key (see [`cache_key`]).
        key: Vec<u8>,
        /// The expiry.
        expires_at: Instant,
    },
}

/// One provider's cache: responses keyed by image, registry or [`GLOBAL_CACHE_KEY`]
/// (each combined with the service-account key, empty outside service-account mode).
///
/// Pure: the caller passes `now` to every call. Expired entries are dropped when looked up,
/// and every lookup more than [`CACHE_PURGE_INTERVAL`] after the last purge drops them all.
///
/// ```
/// use std::time::{Duration, Instant};
/// use kubepull::provider::{CredentialProviderResponse, ProviderCache};
///
/// let t0 = Instant::now();
/// let mut cache = ProviderCache::new(Duration::from_secs(600), t0);
/// let response = CredentialProviderResponse::parse(
///     br#"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse",
///          "cacheKeyType":"Registry","auth":{"*.registry.io":{"username":"u","password":"p"}}}"#,
///     "credentialprovider.kubelet.k8s.io/v1")?;
/// cache.store("a.registry.io/app", b"", &response, t0)?;
/// // Another image of the same registry hits the Registry entry.
/// assert!(cache.lookup("a.registry.io/other", b"", t0 + Duration::from_secs(60))?.is_some());
/// assert!(cache.lookup("a.registry.io/other", b"", t0 + Duration::from_secs(601))?.is_none());
/// # Ok::<(), kubepull::provider::ProviderError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProviderCache {
    default_cache_duration: Duration,
    entries: HashMap<Vec<u8>, CachedAuth>,
    last_purge: Instant,
}

impl ProviderCache {
    /// An empty cache for a provider with this `defaultCacheDuration`, created at `now`.
    pub fn new(default_cache_duration: Duration, now: Instant) -> ProviderCache {
        ProviderCache {
            default_cache_duration,
            entries: HashMap::new(),
            last_purge: now,
        }
    }

    /// The cached credentials for `image`, trying the image key, then the registry key,
    /// then the global key. Expired entries met on the way are removed.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::CacheKey`] for a key part over 65,535 bytes (the kubelet then
    /// gives no credentials and does not run the plugin).
    pub fn lookup(
        &mut self,
        image: &str,
        service_account_key: &[u8],
        now: Instant,
    ) -> Result<Option<&CachedAuth>, ProviderError> {
        if now > self.last_purge + CACHE_PURGE_INTERVAL {
            self.entries.retain(|_, entry| now <= entry.expires_at);
            self.last_purge = now;
        }
        for base in [image, parse_registry(image), GLOBAL_CACHE_KEY] {
            let key = cache_key(base, service_account_key)?;
            match self.entries.get(&key) {
                Some(entry) if now > entry.expires_at => {
                    self.entries.remove(&key);
                }
                Some(_) => return Ok(self.entries.get(&key)),
                None => {}
            }
        }
        Ok(None)
    }

    /// Caches a response the plugin gave for `image`, as the kubelet does: explicit
    /// `cacheDuration: 0` is not cached; absent means `defaultCacheDuration` (not cached when
    /// that is zero); otherwise the entry expires at `now + duration` under the key its
    /// `cacheKeyType` selects.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::CacheKey`] for a key part over 65,535 bytes (the kubelet then
    /// drops the response's credentials).
    pub fn store(
        &mut self,
        image: &str,
        service_account_key: &[u8],
        response: &CredentialProviderResponse,
        now: Instant,
    ) -> Result<CacheDecision, ProviderError> {
        let expires_at = match response.cache_duration {
            Some(d) if d.is_zero() => return Ok(CacheDecision::NotCached),
            None if self.default_cache_duration.is_zero() => return Ok(CacheDecision::NotCached),
            None => now.checked_add(self.default_cache_duration),
            Some(d) => match d.as_std() {
                Some(positive) => now.checked_add(positive),
                // A negative duration makes an entry that is already expired.
                None => now.checked_sub(Duration::from_nanos(d.as_nanos().unsigned_abs())),
            },
        };
        let Some(expires_at) = expires_at else {
            return Ok(CacheDecision::NotCached);
        };
        let base = match response.cache_key_type {
            CacheKeyType::Image => image,
            CacheKeyType::Registry => parse_registry(image),
            CacheKeyType::Global => GLOBAL_CACHE_KEY,
        };
        let key = cache_key(base, service_account_key)?;
        self.entries.insert(
            key.clone(),
            CachedAuth {
                auth: response.auth.clone(),
                expires_at,
            },
        );
        Ok(CacheDecision::Cached { key, expires_at })
    }

    /// How many entries are held (expired ones included until they are purged).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
