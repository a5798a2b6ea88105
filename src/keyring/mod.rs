//! The kubelet's credential keyring: pod `imagePullSecrets`, the node's docker config and
//! credential provider answers merged into one virtual `config.json`, looked up in the order
//! the kubelet tries credentials. Follows Kubernetes v1.35: `pkg/credentialprovider/keyring.go`
//! (`BasicDockerKeyring.Add`, `Lookup`, `URLsMatchStr`, `UnionDockerKeyring`),
//! `pkg/credentialprovider/secrets/secrets.go` (`MakeDockerKeyring`) and the pull loop of
//! `pkg/kubelet/kuberuntime/kuberuntime_image.go` (`PullImage`).
//!
//! * [`RegistryKey`] and [`RegistryPattern`]: key normalisation and Go-exact matching
//!   (per-label `filepath.Match` globs, exact port, byte-prefix path), reusable for
//!   credential provider `matchImages`.
//! * [`Keyring`] / [`KeyringBuilder`]: the indexed union, every [`Credential`] tagged with
//!   its [`CredentialSource`].
//! * [`try_credentials`]: the kubelet's pull loop over the candidates.
//! * [`effective_pull_secrets`]: the ServiceAccount admission rule.
//! * [`KeyringOptions`]: opt-in hardening; the default is exactly the kubelet.
//!
//! # Fidelity notes
//!
//! * Keys go through Go's `url.Parse` twice, as in the kubelet (once when added, once more
//!   at every lookup; here once, at build): a key Go rejects is skipped with the kubelet's
//!   log line as a [`KeyringWarning`], and a normalised key that no longer parses matches
//!   nothing. Because of the URL parser, `?` in a key starts the query and `\`, `^` are not
//!   accepted in hosts, so only `*` and `[...]` classes are usable as globs.
//! * Secrets, the node config and the providers are three separate keyrings concatenated in
//!   that order (`UnionDockerKeyring`): key specificity orders credentials only within one
//!   kind, and each kind applies the Docker Hub fallback on its own.
//! * Within one pull secret, two keys that normalise to the same key keep the config's
//!   iteration order (sorted keys); upstream the order is Go's random map order.
//! * Keys and images longer than [`MAX_PATTERN_LEN`] are refused (a kubepull limit).
//!
//! ```
//! use kubepull::Secret;
//! use kubepull::keyring::{CredentialSource, Keyring};
//!
//! let secret = CredentialSource::secret("default", "regcred", "uid");
//! let mut builder = Keyring::builder();
//! builder.add(&secret, "*.example.com", "ci", Secret::new("pw"));
//! let keyring = builder.build()?;
//! assert_eq!(keyring.lookup_str("registry.example.com/app").len(), 1);
//! assert!(keyring.lookup_str("example.com/app").is_empty()); // label counts differ
//! # Ok::<(), kubepull::keyring::KeyringError>(())
//! ```

mod attempt;
pub(crate) mod glob;
mod gourl;
mod index;
mod options;
mod pattern;
mod ring;
mod secrets;
mod service_account;

pub use attempt::{
    FailedAttempt, PullFailure, PullSuccess, try_credentials, try_credentials_async,
};
pub(crate) use gourl::redact_key;
pub use gourl::{UrlError, UrlErrorKind};
pub use options::KeyringOptions;
pub use pattern::{
    DOCKER_HUB_KEY, MAX_GLOB_LABEL_LEN, MAX_PATTERN_LEN, RegistryKey, RegistryPattern,
    is_default_registry_match, is_default_registry_match_with,
};
pub use ring::{
    Credential, CredentialSource, Keyring, KeyringBuilder, KeyringError, KeyringErrorKind,
    KeyringWarning, Matches,
};
pub use service_account::{
    PullSecretNotAllowed, check_pull_secret_references, effective_pull_secrets,
    service_account_name,
};
