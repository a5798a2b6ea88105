//! Pulling with [oci-client](https://docs.rs/oci-client) in the kubelet's order (feature
//! `oci-client`).
//!
//! The kubelet looks the image up in its keyring and then (Kubernetes v1.35
//! `pkg/kubelet/kuberuntime/kuberuntime_image.go` `PullImage`):
//! pulls anonymously when nothing matched; otherwise tries each matching credential in order,
//! stops at the first success, and, when every one failed, reports all the errors. Any error
//! moves on to the next credential, and there is **no** anonymous retry after credentials
//! failed. [`Puller`] does exactly that with oci-client.
//!
//! oci-client remembers the first credential it sees per registry and silently ignores later
//! ones (oras-project/rust-oci-client#221), so a loop over credentials on one `Client` would
//! retry the first credential every time. [`Puller`] therefore builds a **fresh client per
//! attempt** from a `Fn() -> ClientConfig` factory (`ClientConfig` is not `Clone`).
//!
//! TLS: feature `oci-client` builds oci-client over rustls with its default crypto provider
//! (aws-lc-rs), so HTTPS and plain HTTP (`ClientProtocol::Http` / `HttpsExcept`) just work.
//! Feature `oci-client-no-provider` leaves the provider to the application (ring, a FIPS
//! build), installed once at start-up through the re-exported [`rustls`]:
//! `rustls::crypto::CryptoProvider::install_default(my_provider)`. Until one is installed,
//! [`Puller::client`] (and so every attempt) fails with an error that says so, where reqwest
//! alone would panic.
//!
//! Plain HTTP, for a registry on `localhost:5000` or a CI registry without TLS:
//!
//! ```no_run
//! # async fn demo(keyring: kubepull::Keyring) -> Result<(), Box<dyn std::error::Error>> {
//! use kubepull::oci::Puller;
//! use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
//!
//! let image: kubepull::Reference = "localhost:5000/team/app:1.0".parse()?;
//! let puller = Puller::new(|| ClientConfig {
//!     protocol: ClientProtocol::HttpsExcept(vec!["localhost:5000".to_owned()]),
//!     ..ClientConfig::default()
//! });
//! let digest = puller.fetch_manifest_digest(&image, &keyring.lookup(&image)).await?;
//! println!("{}", digest.value);
//! # Ok(()) }
//! ```
//!
//! Pulling an image's manifest from a registry that needs credentials:
//!
//! # What a registry can make the puller do
//!
//! - **Token realms.** A registry answers `401` with `WWW-Authenticate: Bearer realm="…"`, and
//!   oci-client fetches the token from that realm with the attempt's Basic credentials. The
//!   realm may be any URL: another host, and plain `http://` even for an `https://`
//!   registry, so a registry (or anyone who can answer for it) can have the user name and
//!   password sent elsewhere, in the clear. This is standard Docker behaviour (containerd and
//!   the docker CLI do the same), and kubepull's default. The opt-in hardening
//!   [`Puller::with_realm_rules`] refuses a plain-HTTP realm for an https registry, a realm on
//!   another host, or both ([`RealmRules`]): kubepull then makes the token exchange itself,
//!   checks the realm before any credential is sent, and hands oci-client only the token.
//!   Requests other than the token fetch are only authenticated towards the registry's own
//!   host (oci-client's guard against CVE-2020-15157).
//! - **Body sizes.** oci-client reads manifests, token answers and error bodies whole; 0.18
//!   has no size limit to set. Under [`RealmRules`] the token answer is read by kubepull, up
//!   to [`MAX_TOKEN_BYTES`]; blobs read by [`PullSession::pull_blob`] stop at
//!   [`MAX_BLOB_BYTES`]. Bound the rest by time: `ClientConfig` has connect and read
//!   timeouts, and the caller can wrap a pull in `tokio::time::timeout`.
//! - **Panics.** oci-client `unwrap`s some values that come from the network (a bearer
//!   token with a newline); [`Puller::try_each`] turns a panic into that attempt's error.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use kubepull::Secret;
//! use kubepull::keyring::{CredentialSource, Keyring};
//! use kubepull::oci::Puller;
//! use kubepull::oci::oci_client::client::ClientConfig;
//! use kubepull::platform::{Matcher, Platform};
//!
//! let secret = CredentialSource::secret("default", "regcred", "uid-1");
//! let mut builder = Keyring::builder();
//! builder.add(&secret, "registry.example.com", "ci", Secret::new("s3cret"));
//! let keyring = builder.build()?;
//!
//! let image: kubepull::Reference = "registry.example.com/team/app:1.0".parse()?;
//! let host: Platform = "linux/arm64".parse()?; // the node's platform, never read from the machine
//! let puller = Puller::new(ClientConfig::default).with_platform(Matcher::only(&host));
//! let pulled = puller.pull_image_manifest(&image, &keyring.lookup(&image)).await?;
//! if let Some(used) = &pulled.credential {
//!     println!("pulled {} with {}", pulled.value.1, used); // never prints the password
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use base64::Engine as _;
use oci_client::Client;
use oci_client::client::{ClientConfig, ImageData};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{ImageIndexEntry, OciImageManifest, OciManifest};
use oci_client::secrets::RegistryAuth;
use zeroize::{Zeroize, Zeroizing};

use crate::Reference;
use crate::keyring::{Credential, CredentialSource};

mod realm;
pub use realm::{MAX_TOKEN_BYTES, RealmRefused, RealmRules};

/// The oci-client version kubepull's types convert to, re-exported so callers name the same
/// `Reference`, `RegistryAuth` and `ClientConfig` types.
pub use oci_client;

/// The rustls version oci-client uses, re-exported so that an application built with
/// `oci-client-no-provider` installs its crypto provider without a dependency of its own.
pub use rustls;

/// What [`Puller::client`] says when no rustls crypto provider is installed.
#[cfg(not(feature = "oci-client"))]
const NO_CRYPTO_PROVIDER: &str = "no rustls crypto provider is installed: enable kubepull's \
feature `oci-client` (aws-lc-rs), or install one once at start-up, e.g. \
`kubepull::oci::rustls::crypto::CryptoProvider::install_default(provider)` with a provider \
such as `rustls::crypto::ring::default_provider()`";

/// The registry credential oci-client sends for a keyring credential.
///
/// The keyring holds what the kubelet sends over CRI: a user name and a password (the kubelet's
/// `DockerConfigEntry` has no identity or registry token, so `identitytoken` in a pull secret
/// is dropped before it reaches the keyring). It becomes [`RegistryAuth::Basic`]; oci-client
/// uses it for HTTP Basic registries or to fetch a bearer token. An identity token (an OAuth2
/// refresh token) has **no** `RegistryAuth` representation at all.
///
/// An empty user name yields [`RegistryAuth::Anonymous`], following containerd's CRI
/// `ParseAuth`, which sends no credential when the user name is empty (the keyring never sets
/// the other `AuthConfig` fields).
///
/// The password is copied into oci-client's plain `String`, which is not wiped on drop.
///
/// ```
/// use kubepull::Secret;
/// use kubepull::keyring::{CredentialSource, Keyring};
/// use kubepull::oci::{oci_client::secrets::RegistryAuth, registry_auth};
///
/// let mut builder = Keyring::builder();
/// builder.add(&CredentialSource::node("/root/.docker/config.json"), "quay.io", "bob", Secret::new("pw"));
/// let keyring = builder.build()?;
/// let auth = registry_auth(keyring.lookup_str("quay.io/org/app")[0]);
/// assert_eq!(auth, RegistryAuth::Basic("bob".into(), "pw".into()));
/// assert_eq!(format!("{auth:?}"), r#"Basic("bob", "<redacted>")"#);
/// # Ok::<(), kubepull::keyring::KeyringError>(())
/// ```
pub fn registry_auth(credential: &Credential) -> RegistryAuth {
    if credential.username().is_empty() {
        return RegistryAuth::Anonymous;
    }
    RegistryAuth::Basic(
        credential.username().to_owned(),
        credential.password().expose_secret().to_owned(),
    )
}

/// oci-client's (oci-spec's) `Reference` for a parsed kubepull [`Reference`], built from the
/// normalised parts with `with_tag`, `with_digest` or `with_tag_and_digest`: the string is
/// never re-parsed by oci-spec's regular expression, so its quirks cannot re-enter.
///
/// Tag and digest are both kept when both were given; oci-client then addresses the manifest
/// by digest, as the kubelet's CRI runtimes do. With neither, the tag is `latest` (the
/// kubelet's rule, see [`Reference::docker_ref`]).
///
/// ```
/// use kubepull::oci::oci_reference;
///
/// let image: kubepull::Reference = "nginx".parse()?;
/// let oci = oci_reference(&image)?;
/// assert_eq!(oci.registry(), "docker.io");
/// assert_eq!(oci.resolve_registry(), "index.docker.io");
/// assert_eq!(oci.repository(), "library/nginx");
/// assert_eq!(oci.tag(), Some("latest"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`PullErrorKind::NoRegistry`] when normalisation left no registry domain (the rare
/// `foo_bar.com/baz` case), which oci-client cannot address.
pub fn oci_reference(image: &Reference) -> Result<oci_client::Reference, PullError> {
    if image.domain().is_empty() {
        return Err(PullError {
            image: image.to_string(),
            kind: PullErrorKind::NoRegistry,
        });
    }
    let (registry, repository) = (image.domain().to_owned(), image.path().to_owned());
    Ok(match (image.tag(), image.digest()) {
        (Some(tag), Some(digest)) => oci_client::Reference::with_tag_and_digest(
            registry,
            repository,
            tag.to_owned(),
            digest.to_owned(),
        ),
        (None, Some(digest)) => {
            oci_client::Reference::with_digest(registry, repository, digest.to_owned())
        }
        (tag, None) => oci_client::Reference::with_tag(
            registry,
            repository,
            tag.unwrap_or("latest").to_owned(),
        ),
    })
}

/// Chooses one manifest of an image index (manifest list): the adapter point for platform
/// matching. Given the index's entries, return the digest of the manifest to pull, or `None`
/// when nothing fits.
///
/// Implemented by [`crate::platform::Matcher`] (containerd's matching and ordering, what a
/// kubelet's runtime does), by closures `Fn(&[ImageIndexEntry]) -> Option<String>`, which
/// includes oci-client's own resolvers (`oci_client::client::linux_amd64_resolver`, …), and by
/// [`ExactPlatform`].
///
/// ```
/// use kubepull::oci::PlatformSelector;
/// use kubepull::oci::oci_client::manifest::ImageIndexEntry;
/// use kubepull::platform::{Matcher, Platform};
///
/// let entries: Vec<ImageIndexEntry> = serde_json::from_str(r#"[
///   {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:v6","size":1,
///    "platform":{"os":"linux","architecture":"arm","variant":"v6"}}]"#)?;
/// // An arm/v7 host runs the arm/v6 image (containerd's fallback).
/// let host: Platform = "linux/arm/v7".parse()?;
/// assert_eq!(Matcher::only(&host).select(&entries).as_deref(), Some("sha256:v6"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait PlatformSelector: Send + Sync + 'static {
    /// The digest of the chosen entry.
    fn select(&self, entries: &[ImageIndexEntry]) -> Option<String>;
}

impl<F> PlatformSelector for F
where
    F: Fn(&[ImageIndexEntry]) -> Option<String> + Send + Sync + 'static,
{
    fn select(&self, entries: &[ImageIndexEntry]) -> Option<String> {
        self(entries)
    }
}

/// The simplest [`PlatformSelector`]: the first entry whose `os` and `architecture` are
/// exactly the given strings (and whose `variant` is, when one is given). No normalisation
/// and no fallback (`arm64` does not match `aarch64`, `arm/v7` does not fall back to `v6`);
/// prefer [`crate::platform::Matcher`], which matches as containerd does.
///
/// ```
/// use kubepull::oci::{ExactPlatform, PlatformSelector};
/// use kubepull::oci::oci_client::manifest::ImageIndexEntry;
///
/// let entries: Vec<ImageIndexEntry> = serde_json::from_str(r#"[
///   {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":1,
///    "platform":{"os":"linux","architecture":"amd64"}},
///   {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":1,
///    "platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]"#)?;
/// assert_eq!(ExactPlatform::new("linux", "arm64").select(&entries).as_deref(), Some("sha256:bb"));
/// assert_eq!(ExactPlatform::new("linux", "arm64").with_variant("v9").select(&entries), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactPlatform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

impl ExactPlatform {
    /// Matches `os` and `architecture`, any variant.
    pub fn new(os: impl Into<String>, architecture: impl Into<String>) -> ExactPlatform {
        ExactPlatform {
            os: os.into(),
            architecture: architecture.into(),
            variant: None,
        }
    }

    /// Also requires this variant.
    pub fn with_variant(mut self, variant: impl Into<String>) -> ExactPlatform {
        self.variant = Some(variant.into());
        self
    }
}

impl PlatformSelector for ExactPlatform {
    fn select(&self, entries: &[ImageIndexEntry]) -> Option<String> {
        entries
            .iter()
            .find(|entry| {
                entry.platform.as_ref().is_some_and(|p| {
                    p.os.to_string() == self.os
                        && p.architecture.to_string() == self.architecture
                        && self
                            .variant
                            .as_ref()
                            .is_none_or(|v| p.variant.as_ref() == Some(v))
                })
            })
            .map(|entry| entry.digest.clone())
    }
}

/// containerd's selection ([`crate::platform::ImageIndex::select`]): the best entry that
/// declares a platform the matcher accepts, e.g. `Matcher::only(&host)` with its `arm/v7` →
/// `v6` and `arm64` → `arm` fallbacks.
impl PlatformSelector for crate::platform::Matcher {
    fn select(&self, entries: &[ImageIndexEntry]) -> Option<String> {
        let index = crate::platform::ImageIndex {
            manifests: entries.iter().map(descriptor).collect(),
            ..crate::platform::ImageIndex::default()
        };
        index.select(self).map(|d| d.digest.clone())
    }
}

/// An oci-client index entry as a `kubepull::platform` descriptor (absent fields empty).
fn descriptor(entry: &ImageIndexEntry) -> crate::platform::Descriptor {
    crate::platform::Descriptor {
        media_type: entry.media_type.clone(),
        size: entry.size,
        digest: entry.digest.clone(),
        platform: entry.platform.as_ref().map(|p| crate::platform::Platform {
            os: p.os.to_string(),
            architecture: p.architecture.to_string(),
            variant: p.variant.clone().unwrap_or_default(),
            os_version: p.os_version.clone().unwrap_or_default(),
            os_features: p.os_features.clone().unwrap_or_default(),
            features: p.features.clone().unwrap_or_default(),
        }),
        ..crate::platform::Descriptor::default()
    }
}

/// Which keyring credential an attempt used: its position among the candidates, its user
/// name and its source. Never the password.
///
/// `Display` numbers credentials from 1, as `kubepull explain` lists them:
/// `credential #2 (user "alice", secret:default/regcred)` is `index` 1, the second tried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UsedCredential {
    /// Index into the candidates passed to the pull (`Keyring::lookup`'s order).
    pub index: usize,
    /// The credential's user name.
    pub username: String,
    /// Where the credential came from (what KEP-2535 records).
    pub source: CredentialSource,
}

impl UsedCredential {
    fn new(index: usize, credential: &Credential) -> UsedCredential {
        UsedCredential {
            index,
            username: credential.username().to_owned(),
            source: credential.source().clone(),
        }
    }
}

impl fmt::Display for UsedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "credential #{} (user {:?}, {})",
            self.index + 1,
            self.username,
            self.source
        )
    }
}

/// One failed attempt: which credential (`None` for the anonymous attempt) and oci-client's
/// error, whose [message](FailedAttempt::message) includes its causes (`error sending request
/// for url (…): client error (Connect): tcp connect error: Connection refused`).
///
/// `Display` and `Debug` show the credential and the error text with the attempt's password
/// (and its base64 `user:password` form) replaced by `<redacted>`, in case a registry echoed
/// it back. [`FailedAttempt::error`] gives the unredacted error for matching on its kind.
pub struct FailedAttempt {
    credential: Option<UsedCredential>,
    error: OciDistributionError,
    message: String,
}

impl FailedAttempt {
    /// The credential tried, `None` for the anonymous attempt.
    pub fn credential(&self) -> Option<&UsedCredential> {
        self.credential.as_ref()
    }

    /// oci-client's error. Its text comes from the registry; prefer [`FailedAttempt::message`]
    /// for logs.
    pub fn error(&self) -> &OciDistributionError {
        &self.error
    }

    /// The error's text with the attempt's secret redacted.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FailedAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.credential {
            Some(credential) => write!(f, "{credential}: {}", self.message),
            None => write!(f, "anonymous: {}", self.message),
        }
    }
}

impl fmt::Debug for FailedAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailedAttempt")
            .field("credential", &self.credential)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

/// A successful pull: what oci-client returned, the credential that worked (`None` when the
/// pull was anonymous because no credential matched) and the attempts that failed before it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Pulled<T> {
    /// What the successful attempt returned.
    pub value: T,
    /// The credential that worked; `None` for the anonymous pull.
    pub credential: Option<UsedCredential>,
    /// The earlier credentials that failed, in order.
    pub failed: Vec<FailedAttempt>,
}

/// A pull failed.
///
/// `Display` lists every attempt with its credential (never a password):
/// `pulling "IMAGE" failed: credential #1 (user "bob", secret:ns/a): ERROR; credential #2 …`.
/// [`PullError::kubelet_message`] is the kubelet's aggregate text instead.
#[derive(Debug)]
pub struct PullError {
    image: String,
    kind: PullErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum PullErrorKind {
    /// Normalisation left the image without a registry domain; nothing was attempted.
    NoRegistry,
    /// Every attempt failed (at least one): the anonymous one when no credential matched,
    /// else one per credential in order.
    AttemptsFailed(Vec<FailedAttempt>),
    /// [`PullSession::pull_blob`]: the descriptor names a blob larger than
    /// [`MAX_BLOB_BYTES`] (or a negative size); nothing was attempted.
    BlobTooLarge {
        /// The blob's digest.
        digest: String,
        /// Its size, as the descriptor gives it.
        size: i64,
    },
}

impl PullError {
    /// The image, in its normalised form.
    pub fn image(&self) -> &str {
        &self.image
    }

    /// What went wrong.
    pub fn kind(&self) -> &PullErrorKind {
        &self.kind
    }

    /// The failed attempts in order (empty for [`PullErrorKind::NoRegistry`]).
    pub fn attempts(&self) -> &[FailedAttempt] {
        match &self.kind {
            PullErrorKind::AttemptsFailed(attempts) => attempts,
            PullErrorKind::NoRegistry | PullErrorKind::BlobTooLarge { .. } => &[],
        }
    }

    /// The kubelet's message for this failure: Kubernetes' `utilerrors.NewAggregate` over the
    /// attempts' (redacted) error texts: the single text, or `[e1, e2]` with repeated texts
    /// listed once.
    pub fn kubelet_message(&self) -> String {
        let attempts = self.attempts();
        if attempts.is_empty() {
            return self.to_string();
        }
        crate::apimachinery::aggregate(attempts.iter().map(FailedAttempt::message))
    }
}

impl fmt::Display for PullError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            PullErrorKind::NoRegistry => write!(
                f,
                "image {:?} has no registry domain, which oci-client cannot address",
                self.image
            ),
            PullErrorKind::BlobTooLarge { digest, size } => write!(
                f,
                "blob {digest} of {:?} is {size} bytes, more than the {MAX_BLOB_BYTES} kubepull reads into memory",
                self.image
            ),
            PullErrorKind::AttemptsFailed(attempts) => {
                write!(f, "pulling {:?} failed: ", self.image)?;
                for (i, attempt) in attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{attempt}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PullError {}

type ConfigFactory = dyn Fn() -> ClientConfig + Send + Sync;

/// Pulls with oci-client in the kubelet's order, one fresh `Client` per attempt.
///
/// Built from a `Fn() -> ClientConfig` factory (protocol, certificates, timeouts, proxies) and
/// an optional [`PlatformSelector`] that, when set, replaces the factory's
/// `platform_resolver` for index resolution. Cheap to clone (the factory and selector are
/// shared).
#[derive(Clone)]
pub struct Puller {
    config: Arc<ConfigFactory>,
    platform: Option<Arc<dyn PlatformSelector>>,
    realms: Arc<RealmRules>,
}

impl fmt::Debug for Puller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Puller")
            .field("platform", &self.platform.is_some())
            .field("realms", &self.realms)
            .finish_non_exhaustive()
    }
}

impl Puller {
    /// A puller whose clients are configured by `config` (called once per attempt).
    pub fn new(config: impl Fn() -> ClientConfig + Send + Sync + 'static) -> Puller {
        Puller {
            config: Arc::new(config),
            platform: None,
            realms: Arc::default(),
        }
    }

    /// Checks each bearer-token realm against `rules` before any credential is sent there
    /// (opt-in hardening; the default permits every realm, as Docker does).
    ///
    /// With rules set, an attempt with credentials makes the token exchange itself: it asks
    /// the registry for its challenge without credentials, refuses the attempt (sending
    /// nothing) when the realm breaks a rule, fetches the token with a cap of
    /// [`MAX_TOKEN_BYTES`], and gives oci-client only the token. A registry that asks for
    /// Basic credentials, or none, is left to oci-client as before. Anonymous attempts are
    /// unchanged.
    ///
    /// ```
    /// use kubepull::oci::{Puller, RealmRules};
    /// use kubepull::oci::oci_client::client::ClientConfig;
    ///
    /// let puller = Puller::new(ClientConfig::default).with_realm_rules(
    ///     RealmRules::default().refuse_plain_http().refuse_other_hosts().allow_host("auth.docker.io"),
    /// );
    /// # let _ = puller;
    /// ```
    pub fn with_realm_rules(mut self, rules: RealmRules) -> Puller {
        self.realms = Arc::new(rules);
        self
    }

    /// Resolves image indexes (manifest lists) with `selector`.
    pub fn with_platform(mut self, selector: impl PlatformSelector) -> Puller {
        self.platform = Some(Arc::new(selector));
        self
    }

    /// A fresh client: the factory's config with the platform selector installed.
    ///
    /// # Errors
    ///
    /// The config cannot be turned into an HTTP client (a bad proxy URL or certificate).
    /// Unlike `Client::new`, which then silently falls back to a default configuration (HTTPS,
    /// no proxy), this reports the problem. With feature `oci-client-no-provider` and no
    /// rustls crypto provider installed, an error says how to install one.
    pub fn client(&self) -> Result<Client, OciDistributionError> {
        crypto_provider_installed()?;
        let mut config = (self.config)();
        if let Some(selector) = &self.platform {
            let selector = Arc::clone(selector);
            config.platform_resolver = Some(Box::new(move |entries| selector.select(entries)));
        }
        Client::try_from(config)
    }

    /// The auth an attempt gives oci-client: `auth`, or under [`RealmRules`] a bearer token
    /// fetched from a realm the rules accept (see [`Puller::with_realm_rules`]).
    async fn attempt_auth(
        &self,
        reference: &oci_client::Reference,
        auth: RegistryAuth,
    ) -> Result<RegistryAuth, OciDistributionError> {
        if self.realms.permits_all() || !matches!(auth, RegistryAuth::Basic(..)) {
            return Ok(auth);
        }
        crypto_provider_installed()?;
        let config = (self.config)();
        ContainPanic(Box::pin(realm::attempt_auth(
            &self.realms,
            &config,
            reference,
            auth,
        )))
        .await
    }

    /// Starts one attempt: a fresh client, then `attempt`'s future, which is not polled yet. A
    /// client that cannot be built, or a panic while starting, fails the attempt.
    fn start_attempt<T, F, Fut>(
        &self,
        attempt: &mut F,
        reference: &oci_client::Reference,
        auth: RegistryAuth,
    ) -> Result<Fut, OciDistributionError>
    where
        F: FnMut(Client, oci_client::Reference, RegistryAuth) -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.client()
                .map(|client| attempt(client, reference.clone(), auth))
        }));
        started.unwrap_or_else(|_| Err(attempt_panicked()))
    }

    /// `Client::pull_manifest` in kubelet order: the manifest as stored (an image index is
    /// returned as is) and its digest.
    ///
    /// # Errors
    ///
    /// See [`Puller::try_each`].
    pub async fn pull_manifest(
        &self,
        image: &Reference,
        candidates: &[&Credential],
    ) -> Result<Pulled<(OciManifest, String)>, PullError> {
        self.try_each(image, candidates, |client, reference, auth| async move {
            client.pull_manifest(&reference, &auth).await
        })
        .await
    }

    /// `Client::pull_image_manifest` in kubelet order: an image index is resolved with the
    /// platform selector; returns the platform's image manifest and its digest.
    ///
    /// # Errors
    ///
    /// See [`Puller::try_each`]; an index with no matching entry fails the attempt.
    pub async fn pull_image_manifest(
        &self,
        image: &Reference,
        candidates: &[&Credential],
    ) -> Result<Pulled<(OciImageManifest, String)>, PullError> {
        self.try_each(image, candidates, |client, reference, auth| async move {
            client.pull_image_manifest(&reference, &auth).await
        })
        .await
    }

    /// `Client::fetch_manifest_digest` in kubelet order: the manifest's digest (from a `HEAD`
    /// request's `Docker-Content-Digest`, else by hashing a `GET`), index not resolved.
    ///
    /// # Errors
    ///
    /// See [`Puller::try_each`].
    pub async fn fetch_manifest_digest(
        &self,
        image: &Reference,
        candidates: &[&Credential],
    ) -> Result<Pulled<String>, PullError> {
        self.try_each(image, candidates, |client, reference, auth| async move {
            client.fetch_manifest_digest(&reference, &auth).await
        })
        .await
    }

    /// `Client::pull` in kubelet order: manifest (index resolved with the platform selector),
    /// config and layers, which must have one of `accepted_media_types`.
    ///
    /// # Errors
    ///
    /// See [`Puller::try_each`].
    pub async fn pull(
        &self,
        image: &Reference,
        candidates: &[&Credential],
        accepted_media_types: &[&str],
    ) -> Result<Pulled<ImageData>, PullError> {
        let accepted: Arc<[String]> = accepted_media_types.iter().map(|&m| m.into()).collect();
        self.try_each(image, candidates, |client, reference, auth| {
            let accepted = Arc::clone(&accepted);
            async move {
                let accepted = accepted.iter().map(String::as_str).collect();
                client.pull(&reference, &auth, accepted).await
            }
        })
        .await
    }

    /// The kubelet's loop around any oci-client operation: with no candidates, one anonymous
    /// attempt; otherwise each candidate in order, each with a fresh client, until one
    /// succeeds. Any error moves on to the next candidate; there is no anonymous attempt after
    /// the credentials failed.
    ///
    /// `attempt` receives the fresh client, oci-client's reference (see [`oci_reference`]) and
    /// the attempt's auth (see [`registry_auth`]). A client that cannot be built from the
    /// config (see [`Puller::client`]) fails its attempt without calling `attempt`.
    ///
    /// A panic while building the client or polling `attempt`'s future (oci-client 0.18 panics
    /// on a bearer token that is not a valid header value, which any token server can send)
    /// fails that attempt with [`ATTEMPT_PANICKED`] and the loop goes on; it cannot take the
    /// caller down (unless the program is built with `panic = "abort"`). The panic hook still
    /// runs, so the default hook prints oci-client's panic message to stderr.
    ///
    /// # Errors
    ///
    /// [`PullErrorKind::NoRegistry`] before any attempt, or
    /// [`PullErrorKind::AttemptsFailed`] with every attempt's error.
    pub async fn try_each<T, F, Fut>(
        &self,
        image: &Reference,
        candidates: &[&Credential],
        attempt: F,
    ) -> Result<Pulled<T>, PullError>
    where
        F: FnMut(Client, oci_client::Reference, RegistryAuth) -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let reference = oci_reference(image)?;
        // Attempts run one at a time; the lock only lets each attempt's future call `attempt`
        // after its own token exchange.
        let attempt = std::sync::Mutex::new(attempt);
        // The kubelet's loop is the keyring's; this only supplies one oci-client attempt.
        let outcome = crate::keyring::try_credentials_async(candidates, |credential| {
            let auth = credential.map_or(RegistryAuth::Anonymous, registry_auth);
            let (attempt, reference) = (&attempt, &reference);
            async move {
                let auth = self.attempt_auth(reference, auth).await?;
                let started = {
                    let mut attempt = attempt.lock().unwrap_or_else(|e| e.into_inner());
                    self.start_attempt(&mut *attempt, reference, auth)
                };
                ContainPanic(Box::pin(started?)).await
            }
        })
        .await;
        // Attempts are made in candidate order, one each: the k-th failure is candidate k.
        fn numbered(index: usize, credential: Option<&Credential>) -> Option<(usize, &Credential)> {
            credential.map(|c| (index, c))
        }
        match outcome {
            Ok(success) => Ok(Pulled {
                value: success.value,
                credential: success
                    .credential
                    .map(|c| UsedCredential::new(success.failed.len(), c)),
                failed: success
                    .failed
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| failed(numbered(i, a.credential), a.error))
                    .collect(),
            }),
            Err(failure) => Err(PullError {
                image: image.to_string(),
                kind: PullErrorKind::AttemptsFailed(
                    failure
                        .attempts
                        .into_iter()
                        .enumerate()
                        .map(|(i, a)| failed(numbered(i, a.credential), a.error))
                        .collect(),
                ),
            }),
        }
    }
}

/// The largest blob [`PullSession::pull_blob`] reads into memory: 64 MiB, far above a config
/// blob or a manifest; stream layers with [`PullSession::try_each`] and a writer of your own.
pub const MAX_BLOB_BYTES: usize = 64 * 1024 * 1024;

/// Several requests for one image that reuse the credential that worked.
///
/// The kubelet tries the image's credentials in order for each pull, and the runtime then
/// makes every request of that pull (manifest, config, layers) with the one credential it was
/// given. A session does the same across calls: the first call tries the candidates in
/// kubelet order; once one has worked, later calls (a digest, then the manifest, then blobs)
/// use it alone and do not send the credentials before it again. If it later fails, the call
/// falls back to the full kubelet order, starting again from the first candidate, and the
/// failures of both rounds are reported in order.
///
/// ```no_run
/// # async fn demo(keyring: kubepull::Keyring) -> Result<(), Box<dyn std::error::Error>> {
/// use kubepull::oci::Puller;
/// use kubepull::oci::oci_client::client::ClientConfig;
///
/// let image: kubepull::Reference = "registry.example.com/team/app:1.0".parse()?;
/// let candidates = keyring.lookup(&image);
/// let puller = Puller::new(ClientConfig::default);
/// let mut session = puller.session(&image, &candidates);
/// let digest = session.fetch_manifest_digest().await?; // tries the candidates in order
/// let (manifest, _) = session.pull_image_manifest().await?.value; // only the one that worked
/// let config = session.pull_blob(&manifest.config).await?.value;
/// println!("{} via {:?}: {} config bytes", digest.value, session.credential(), config.len());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PullSession<'c> {
    puller: Puller,
    image: Reference,
    candidates: Vec<&'c Credential>,
    worked: Option<UsedCredential>,
}

impl Puller {
    /// A session for `image` with its candidates (`Keyring::lookup`'s order); see
    /// [`PullSession`].
    pub fn session<'c>(&self, image: &Reference, candidates: &[&'c Credential]) -> PullSession<'c> {
        PullSession {
            puller: self.clone(),
            image: image.clone(),
            candidates: candidates.to_vec(),
            worked: None,
        }
    }
}

impl PullSession<'_> {
    /// The credential that worked last, `None` before a success or for anonymous pulls.
    pub fn credential(&self) -> Option<&UsedCredential> {
        self.worked.as_ref()
    }

    /// Any oci-client operation, as [`Puller::try_each`], with the credential that worked
    /// first (alone) and the kubelet's full order after it failed.
    ///
    /// # Errors
    ///
    /// As [`Puller::try_each`], with the remembered credential's failure first.
    pub async fn try_each<T, F, Fut>(&mut self, mut attempt: F) -> Result<Pulled<T>, PullError>
    where
        F: FnMut(Client, oci_client::Reference, RegistryAuth) -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let mut earlier = Vec::new();
        if let Some(index) = self.worked.take().map(|used| used.index) {
            let only = &self.candidates[index..=index];
            match self.puller.try_each(&self.image, only, &mut attempt).await {
                Ok(mut pulled) => {
                    renumber(pulled.credential.as_mut(), &mut pulled.failed, index);
                    self.worked.clone_from(&pulled.credential);
                    return Ok(pulled);
                }
                Err(mut error) => {
                    if let PullErrorKind::AttemptsFailed(attempts) = &mut error.kind {
                        renumber(None, attempts, index);
                        earlier = std::mem::take(attempts);
                    }
                }
            }
        }
        match self
            .puller
            .try_each(&self.image, &self.candidates, &mut attempt)
            .await
        {
            Ok(mut pulled) => {
                self.worked.clone_from(&pulled.credential);
                earlier.append(&mut pulled.failed);
                pulled.failed = earlier;
                Ok(pulled)
            }
            Err(mut error) => {
                if let PullErrorKind::AttemptsFailed(attempts) = &mut error.kind {
                    earlier.append(attempts);
                    *attempts = earlier;
                }
                Err(error)
            }
        }
    }

    /// `Client::fetch_manifest_digest` in the session.
    ///
    /// # Errors
    ///
    /// See [`PullSession::try_each`].
    pub async fn fetch_manifest_digest(&mut self) -> Result<Pulled<String>, PullError> {
        self.try_each(|client, reference, auth| async move {
            client.fetch_manifest_digest(&reference, &auth).await
        })
        .await
    }

    /// `Client::pull_manifest` in the session: the manifest as stored and its digest.
    ///
    /// # Errors
    ///
    /// See [`PullSession::try_each`].
    pub async fn pull_manifest(&mut self) -> Result<Pulled<(OciManifest, String)>, PullError> {
        self.try_each(|client, reference, auth| async move {
            client.pull_manifest(&reference, &auth).await
        })
        .await
    }

    /// `Client::pull_image_manifest` in the session: an index is resolved with the puller's
    /// platform selector.
    ///
    /// # Errors
    ///
    /// See [`PullSession::try_each`].
    pub async fn pull_image_manifest(
        &mut self,
    ) -> Result<Pulled<(OciImageManifest, String)>, PullError> {
        self.try_each(|client, reference, auth| async move {
            client.pull_image_manifest(&reference, &auth).await
        })
        .await
    }

    /// A blob (a config, or a small layer) into memory, at most [`MAX_BLOB_BYTES`]; the
    /// digest is verified by oci-client.
    ///
    /// # Errors
    ///
    /// See [`PullSession::try_each`]; a larger blob fails its attempt.
    pub async fn pull_blob(
        &mut self,
        blob: &oci_client::manifest::OciDescriptor,
    ) -> Result<Pulled<Vec<u8>>, PullError> {
        if usize::try_from(blob.size).map_or(true, |size| size > MAX_BLOB_BYTES) {
            return Err(PullError {
                image: self.image.to_string(),
                kind: PullErrorKind::BlobTooLarge {
                    digest: blob.digest.clone(),
                    size: blob.size,
                },
            });
        }
        self.try_each(|client, reference, auth| async move {
            client
                .auth(&reference, &auth, oci_client::RegistryOperation::Pull)
                .await?;
            // The registry may send more than the descriptor says: stop at the cap.
            let mut capped = CappedBuffer::default();
            client.pull_blob(&reference, blob, &mut capped).await?;
            Ok(capped.bytes)
        })
        .await
    }
}

/// A buffer that refuses to grow past [`MAX_BLOB_BYTES`].
#[derive(Default)]
struct CappedBuffer {
    bytes: Vec<u8>,
}

impl tokio::io::AsyncWrite for CappedBuffer {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.bytes.len() + buf.len() > MAX_BLOB_BYTES {
            return std::task::Poll::Ready(Err(std::io::Error::other(format!(
                "the registry sent more than the {MAX_BLOB_BYTES} bytes kubepull reads into memory"
            ))));
        }
        self.bytes.extend_from_slice(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// Renumbers attempts made over `candidates[offset..]` as positions in `candidates`.
fn renumber(used: Option<&mut UsedCredential>, failed: &mut [FailedAttempt], offset: usize) {
    if let Some(used) = used {
        used.index += offset;
    }
    for attempt in failed {
        if let Some(credential) = &mut attempt.credential {
            credential.index += offset;
        }
    }
}

/// The message of an attempt that panicked (the error is an `OciDistributionError::IoError` of
/// kind `Other` with this text). The panic payload is not shown: it comes from oci-client or
/// reqwest and may quote a header value built from a token.
pub const ATTEMPT_PANICKED: &str =
    "the attempt panicked inside oci-client (a hostile registry or token server can cause this)";

/// Without a crypto provider reqwest panics while building a client; say what to do instead.
fn crypto_provider_installed() -> Result<(), OciDistributionError> {
    #[cfg(not(feature = "oci-client"))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(OciDistributionError::GenericError(Some(
            NO_CRYPTO_PROVIDER.to_owned(),
        )));
    }
    Ok(())
}

fn attempt_panicked() -> OciDistributionError {
    OciDistributionError::IoError(std::io::Error::other(ATTEMPT_PANICKED))
}

/// Polls an attempt's future, turning a panic during any poll into the attempt's error.
///
/// oci-client 0.18 `unwrap`s values that come from the network (a bearer token holding `\n`
/// panics in its header code), so a hostile server could otherwise take the caller's task
/// down. The attempt's client is never reused after a panic: every attempt builds its own.
/// Without unwinding (`panic = "abort"`) the process still aborts.
struct ContainPanic<Fut>(Pin<Box<Fut>>);

impl<T, Fut> Future for ContainPanic<Fut>
where
    Fut: Future<Output = Result<T, OciDistributionError>>,
{
    type Output = Result<T, OciDistributionError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Err(attempt_panicked())),
        }
    }
}

fn failed(credential: Option<(usize, &Credential)>, error: OciDistributionError) -> FailedAttempt {
    let mut message = with_causes(&error);
    if let Some((_, credential)) = credential {
        message = redact(message, credential);
    }
    FailedAttempt {
        credential: credential.map(|(index, c)| UsedCredential::new(index, c)),
        error,
        message,
    }
}

/// The error's text followed by its causes' (`error: cause: cause`), each once: reqwest's
/// own text ("error sending request for url (…)") hides why (connection refused, DNS, a TLS
/// handshake with a plain-HTTP server).
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let text = next.to_string();
        if !text.is_empty() && !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = next.source();
    }
    message
}

/// Removes the credential's password and its HTTP Basic form from a registry-supplied text.
fn redact(mut message: String, credential: &Credential) -> String {
    const REDACTED: &str = "<redacted>";
    let password = credential.password().expose_secret();
    // Both temporaries hold the password: wipe them on drop.
    let user_password = Zeroizing::new(format!("{}:{password}", credential.username()));
    let basic = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*user_password));
    for needle in [basic.as_str(), password] {
        if !needle.is_empty() && message.contains(needle) {
            let replaced = message.replace(needle, REDACTED);
            // The text held the secret: wipe it before it is dropped.
            let mut old = std::mem::replace(&mut message, replaced);
            old.zeroize();
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Chain(&'static str, Option<Box<Chain>>);

    impl fmt::Display for Chain {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Chain {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    #[test]
    fn messages_carry_each_cause_once() {
        let refused = Chain("Connection refused", None);
        let connect = Chain("tcp connect error", Some(Box::new(refused)));
        let top = Chain(
            "error sending request (tcp connect error)",
            Some(Box::new(connect)),
        );
        assert_eq!(
            with_causes(&top),
            "error sending request (tcp connect error): Connection refused"
        );
        assert_eq!(with_causes(&Chain("alone", None)), "alone");
    }
    use crate::Secret;
    use crate::keyring::Keyring;

    #[test]
    fn redact_removes_password_and_basic_form() {
        let mut builder = Keyring::builder();
        builder.add(
            &CredentialSource::node("/n"),
            "r.io",
            "alice",
            Secret::new("hunter2"),
        );
        let keyring = builder.build().unwrap();
        let credential = keyring.lookup_str("r.io/x")[0];
        let echoed = "bad: hunter2 / Basic YWxpY2U6aHVudGVyMg==".to_owned();
        assert_eq!(
            redact(echoed, credential),
            "bad: <redacted> / Basic <redacted>"
        );
    }

    fn keyring(entries: &[(&str, &str, &str)]) -> Keyring {
        let mut builder = Keyring::builder();
        for (name, username, password) in entries {
            let source = CredentialSource::secret("ns", *name, "uid");
            builder.add(&source, "r.io", username, Secret::new(*password));
        }
        builder.build().unwrap()
    }

    #[test]
    fn registry_auth_is_basic_or_anonymous_for_an_empty_user() {
        let keyring = keyring(&[("a", "bob", "pw"), ("b", "", "pw")]);
        let candidates = keyring.lookup_str("r.io/x");
        assert_eq!(
            registry_auth(candidates[0]),
            RegistryAuth::Basic("bob".into(), "pw".into())
        );
        assert_eq!(registry_auth(candidates[1]), RegistryAuth::Anonymous);
    }

    #[test]
    fn reference_without_domain_is_refused() {
        let image: Reference = "foo_bar.com/baz".parse().unwrap();
        assert_eq!(image.domain(), "");
        let error = oci_reference(&image).unwrap_err();
        assert!(matches!(error.kind(), PullErrorKind::NoRegistry));
        assert!(error.attempts().is_empty());
        assert_eq!(
            error.to_string(),
            r#"image "foo_bar.com/baz" has no registry domain, which oci-client cannot address"#
        );
    }

    /// Runs the loop with scripted outcomes instead of a registry; needs a crypto provider
    /// because every attempt still builds its client.
    #[cfg(feature = "oci-client")]
    fn scripted(
        keyring: &Keyring,
        mut outcomes: Vec<Result<&'static str, OciDistributionError>>,
    ) -> (Result<Pulled<&'static str>, PullError>, Vec<RegistryAuth>) {
        let image: Reference = "r.io/x:1".parse().unwrap();
        let candidates = keyring.lookup_str("r.io/x");
        let mut seen = Vec::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let result = runtime.block_on(Puller::new(ClientConfig::default).try_each(
            &image,
            &candidates,
            |_client, reference, auth| {
                assert_eq!(reference.whole(), "r.io/x:1");
                seen.push(auth);
                let outcome = outcomes.remove(0);
                async move { outcome }
            },
        ));
        (result, seen)
    }

    #[cfg(feature = "oci-client")]
    #[test]
    fn errors_never_carry_the_password_even_when_the_registry_echoes_it() {
        let keyring = keyring(&[("a", "bob", "hunter22"), ("b", "eve", "swordfish")]);
        let echo = |text: &str| OciDistributionError::AuthenticationFailure(text.to_owned());
        let (result, seen) = scripted(
            &keyring,
            vec![
                Err(echo("rejected hunter22 (Ym9iOmh1bnRlcjIy)")),
                Err(echo("rejected swordfish")),
            ],
        );
        assert_eq!(seen.len(), 2);
        let error = result.unwrap_err();
        let texts = [
            error.to_string(),
            format!("{error:?}"),
            error.kubelet_message(),
        ];
        for text in &texts {
            assert!(
                !text.contains("hunter22") && !text.contains("swordfish"),
                "{text}"
            );
            assert!(!text.contains("Ym9iOmh1bnRlcjIy"), "{text}");
        }
        assert_eq!(
            error.to_string(),
            "pulling \"r.io/x:1\" failed: \
             credential #1 (user \"bob\", secret:ns/a): \
             Authentication failure: rejected <redacted> (<redacted>); \
             credential #2 (user \"eve\", secret:ns/b): Authentication failure: rejected <redacted>"
        );
        assert_eq!(
            error.kubelet_message(),
            "[Authentication failure: rejected <redacted> (<redacted>), \
             Authentication failure: rejected <redacted>]"
        );
        // The raw error is still there for callers that match on it.
        assert!(matches!(
            error.attempts()[0].error(),
            OciDistributionError::AuthenticationFailure(_)
        ));
    }

    #[cfg(feature = "oci-client")]
    #[test]
    fn first_success_wins_and_later_credentials_are_not_tried() {
        let keyring = keyring(&[("a", "bob", "x"), ("b", "eve", "y"), ("c", "mal", "z")]);
        let (result, seen) = scripted(
            &keyring,
            vec![
                Err(OciDistributionError::GenericError(None)),
                Ok("manifest"),
                Ok("never"),
            ],
        );
        assert_eq!(seen.len(), 2);
        let pulled = result.unwrap();
        assert_eq!(pulled.value, "manifest");
        let used = pulled.credential.unwrap();
        assert_eq!((used.index, used.username.as_str()), (1, "eve"));
        assert_eq!(used.source, CredentialSource::secret("ns", "b", "uid"));
        assert_eq!(pulled.failed.len(), 1);
    }

    #[cfg(feature = "oci-client")]
    #[test]
    fn no_candidates_means_one_anonymous_attempt() {
        let (result, seen) = scripted(&keyring(&[]), vec![Ok("anon")]);
        assert_eq!(seen, [RegistryAuth::Anonymous]);
        assert!(result.unwrap().credential.is_none());
    }

    #[test]
    fn a_config_that_cannot_build_a_client_fails_the_attempt() {
        let bad_proxy = || ClientConfig {
            https_proxy: Some("::not a proxy url".into()),
            ..ClientConfig::default()
        };
        let puller = Puller::new(bad_proxy);
        assert!(puller.client().is_err());
        let image: Reference = "r.io/x:1".parse().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut called = false;
        let error = runtime
            .block_on(puller.try_each(&image, &[], |_, _, _| {
                called = true;
                async { Ok(()) }
            }))
            .unwrap_err();
        assert!(!called);
        assert_eq!(error.attempts().len(), 1);
        assert!(matches!(
            error.attempts()[0].error(),
            OciDistributionError::RequestError(_)
        ));
    }

    #[test]
    fn pull_futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let keyring = keyring(&[("a", "bob", "x")]);
        let image: Reference = "r.io/x:1".parse().unwrap();
        let candidates = keyring.lookup(&image);
        let puller = Puller::new(ClientConfig::default);
        // Never polled: only the types are checked.
        assert_send(&puller.pull_manifest(&image, &candidates));
        assert_send(&puller.pull_image_manifest(&image, &candidates));
        assert_send(&puller.fetch_manifest_digest(&image, &candidates));
        assert_send(&puller.pull(&image, &candidates, &[]));
    }

    #[test]
    fn platform_matcher_selects_like_containerd() {
        use crate::platform::{Matcher, Platform};
        let table = [
            ("amd64", None, "sha256:amd64"),
            ("386", None, "sha256:386"),
            ("arm", Some("v6"), "sha256:armv6"),
            ("arm", Some("v7"), "sha256:armv7"),
            ("arm64", Some("v8"), "sha256:arm64"),
            ("ppc64le", None, "sha256:ppc"),
            ("s390x", None, "sha256:s390x"),
            ("riscv64", None, "sha256:riscv"),
        ];
        let entries: Vec<ImageIndexEntry> = table
            .iter()
            .map(|(arch, variant, digest)| {
                serde_json::from_value(serde_json::json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1,
                    "digest": digest,
                    "platform": {"os": "linux", "architecture": arch, "variant": variant},
                }))
                .unwrap()
            })
            .collect();
        let select = |spec: &str| {
            let host: Platform = spec.parse().unwrap();
            Matcher::only(&host).select(&entries)
        };
        assert_eq!(select("linux/amd64").as_deref(), Some("sha256:amd64"));
        assert_eq!(select("linux/386").as_deref(), Some("sha256:386"));
        assert_eq!(select("linux/arm64").as_deref(), Some("sha256:arm64"));
        assert_eq!(select("linux/arm/v7").as_deref(), Some("sha256:armv7"));
        assert_eq!(select("linux/arm/v6").as_deref(), Some("sha256:armv6"));
        assert_eq!(select("linux/ppc64le").as_deref(), Some("sha256:ppc"));
        assert_eq!(select("linux/s390x").as_deref(), Some("sha256:s390x"));
        assert_eq!(select("linux/riscv64").as_deref(), Some("sha256:riscv"));
        assert_eq!(select("windows/amd64"), None);
        // arm/v7 falls back to v6 when v7 is missing.
        let without_v7: Vec<_> = entries
            .iter()
            .filter(|e| e.digest != "sha256:armv7")
            .cloned()
            .collect();
        let host: Platform = "linux/arm/v7".parse().unwrap();
        assert_eq!(
            Matcher::only(&host).select(&without_v7).as_deref(),
            Some("sha256:armv6")
        );
    }

    #[test]
    fn reference_conversion_keeps_tag_and_digest() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let image: Reference = format!("localhost:5000/a/b:v1@{digest}").parse().unwrap();
        let oci = oci_reference(&image).unwrap();
        assert_eq!(oci.registry(), "localhost:5000");
        assert_eq!(oci.repository(), "a/b");
        assert_eq!(oci.tag(), Some("v1"));
        assert_eq!(oci.digest(), Some(digest.as_str()));
        let image: Reference = format!("[::1]:5000/a@{digest}").parse().unwrap();
        let oci = oci_reference(&image).unwrap();
        assert_eq!(oci.registry(), "[::1]:5000");
        assert_eq!(oci.tag(), None);
    }
}
