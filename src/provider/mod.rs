//! Kubelet credential provider plugins (API v1), cloud registry hosts and docker credential
//! helpers. Follows Kubernetes v1.35: `pkg/credentialprovider/plugin/config.go`
//! (`validateCredentialProviderConfig`), `pkg/credentialprovider/plugin/plugin.go` (matching,
//! the exec protocol, the cache) and the `credentialprovider.kubelet.k8s.io/v1` API types; the
//! credential-helper protocol of docker/docker-credential-helpers `client/client.go`.
//!
//! This module follows **Kubernetes v1.35** (`pkg/credentialprovider/plugin`: `config.go`
//! validation with `tokenAttributes.cacheType` and apimachinery's JSON rendering of list
//! values, `Invalid value: ["…"]`; `plugin.go` with the global cache key `<global>`).
//!
//! Everything here is pure: the kubelet's config is parsed from bytes, requests are built as
//! bytes, responses are parsed from bytes, the cache takes the time as an argument. Running a
//! plugin or a `docker-credential-*` helper is the `exec` feature's job (`kubepull::exec`).
//!
//! * [`CredentialProviderConfig`]: the `--image-credential-provider-config` file (JSON, or YAML
//!   with feature `yaml`), strictly decoded, validated with the kubelet's error texts.
//! * [`MatchImage`]: a `matchImages` entry and the kubelet's matching (per-label globs, exact
//!   port, byte-prefix path).
//! * [`CredentialProviderRequest`] / [`CredentialProviderResponse`]: the plugin's stdin and
//!   stdout, encoded and decoded as the kubelet does.
//! * [`ProviderCache`]: the per-plugin cache (`Image` → `Registry` → `Global`), expiring over
//!   an injected clock.
//! * [`ProviderCredential`]: a response turned into keyring entries (`provider:NAME`).
//! * [`cloud`]: ECR, GCR / Artifact Registry, ACR, OCIR and IBM ICR host recognisers.
//! * [`helper`]: the docker credential-helper protocol and docker's own `credHelpers` →
//!   `credsStore` → `auths` resolution, which the kubelet does **not** use.
//!
//! ```
//! use kubepull::provider::{CredentialProviderConfig, CredentialProviderResponse};
//!
//! let config = CredentialProviderConfig::from_json(br#"{
//!   "apiVersion": "kubelet.config.k8s.io/v1", "kind": "CredentialProviderConfig",
//!   "providers": [{"name": "ecr-credential-provider",
//!                  "matchImages": ["*.dkr.ecr.*.amazonaws.com"],
//!                  "defaultCacheDuration": "12h",
//!                  "apiVersion": "credentialprovider.kubelet.k8s.io/v1"}]}"#)?;
//! config.validate()?;
//! let image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/app";
//! let provider = config.matching(image).next().unwrap();
//! assert_eq!(provider.name, "ecr-credential-provider");
//!
//! let request = provider.request(image);
//! assert!(request.to_json().expose_secret().contains(r#""image":"123456789012"#));
//!
//! let response = CredentialProviderResponse::parse(
//!     br#"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse",
//!          "cacheKeyType":"Registry","auth":{"123456789012.dkr.ecr.us-west-2.amazonaws.com":
//!          {"username":"AWS","password":"token"}}}"#,
//!     &provider.api_version,
//! )?;
//! let credentials = response.credentials(&provider.name);
//! assert_eq!(credentials[0].username, "AWS");
//! assert_eq!(credentials[0].source(), "provider:ecr-credential-provider");
//! # Ok::<(), kubepull::provider::ProviderError>(())
//! ```

mod cache;
pub mod cloud;
mod config;
mod duration;
mod error;
pub mod helper;
mod node;
mod pattern;
mod request;
mod response;
mod service_account;

pub use cache::{
    CacheDecision, CachedAuth, GLOBAL_CACHE_KEY, ProviderCache, cache_key, parse_registry,
};
pub use config::{
    CONFIG_API_VERSIONS, CONFIG_KIND, CredentialProvider, CredentialProviderConfig, ExecEnvVar,
    FieldError, FieldErrorType, MAX_YAML_DEPTH, PLUGIN_API_VERSIONS, ServiceAccountTokenAttributes,
    ServiceAccountTokenCacheType, config_hash, is_config_file_name,
};
pub use duration::GoDuration;
pub use error::{ProviderError, ProviderErrorKind};
pub use pattern::MatchImage;
pub use request::CredentialProviderRequest;
pub use response::{
    AuthConfig, CacheKeyType, CredentialProviderResponse, ProviderCredential,
    auth_to_docker_config, credentials_from_responses,
};
pub use service_account::{ServiceAccount, ServiceAccountDecision, singleflight_key};

/// The longest config file, plugin response or helper output kubepull parses, in bytes
/// (the kubelet reads without a limit; real ones are a few KiB).
pub const MAX_DOCUMENT_LEN: usize = 4 * 1024 * 1024;

/// The kubelet's fixed timeout for one plugin run.
pub const PLUGIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// How often the kubelet purges expired cache entries (on a lookup, at most this often).
pub const CACHE_PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The API group of plugin requests and responses.
pub const PLUGIN_API_GROUP: &str = "credentialprovider.kubelet.k8s.io";

/// The `kind` of a plugin request.
pub const REQUEST_KIND: &str = "CredentialProviderRequest";

/// The `kind` of a plugin response.
pub const RESPONSE_KIND: &str = "CredentialProviderResponse";
