//! Docker config files and pull-secret data, exactly as the kubelet reads them.
//!
//! * [`DockerConfig`]: the kubelet's map from registry key (as written) to [`AuthEntry`],
//!   what both file formats decode into, and the input of the keyring.
//! * [`DockerConfigJson`]: a `config.json` document (`{"auths":{...}}`); the legacy
//!   `.dockercfg` format is the bare map ([`DockerConfig::from_dockercfg`]).
//! * [`decode_auth`] / [`encode_auth`]: the `auth` field codec, Go's base64 rules included.
//! * [`DockerConfig::from_secret_data`] and [`validate_secret_data`]: what the kubelet and the
//!   API server do with a Secret's `type` and `data`; [`KubeSecret`] reads a Secret object
//!   as `kubectl get secret -o json` prints it.
//! * [`DockerRegistrySecret`]: `kubectl create secret docker-registry`, byte for byte.
//! * [`lint`]: problems a cluster admin should know about, as typed [`Finding`]s.
//!
//! Behaviour follows Kubernetes v1.35: `pkg/credentialprovider/config.go`
//! (`ReadDockerConfigJSONFile`, `DockerConfigEntry.UnmarshalJSON`, `decodeDockerConfigFieldAuth`),
//! `pkg/credentialprovider/secrets/secrets.go` (`MakeDockerKeyring`), the Secret validation of
//! `pkg/apis/core/validation`, and kubectl's `create secret docker-registry`. Go's `encoding/json` semantics
//! are reproduced where they change results (case-insensitive field names, `null`, invalid
//! UTF-8, which error wins). Known differences, all on hostile input only: nesting deeper
//! than 10,000 levels inside ignored fields is accepted (Go refuses it); a `\ud800`-style lone surrogate
//! escape is a syntax error (Go substitutes U+FFFD); a number outside the `f64` range in a
//! field the kubelet ignores (`credsStore`, `identitytoken`) is a syntax error; inputs over
//! [`MAX_CONFIG_BYTES`] are refused.
//!
//! Nothing here prints a secret: passwords, `auth` values, tokens and header values are
//! [`Secret`](crate::Secret)s, and error texts are built from fixed words, positions and
//! registry keys.
//!
//! ```
//! use std::collections::BTreeMap;
//! use kubepull::config::DockerConfig;
//!
//! let data = BTreeMap::from([(
//!     ".dockerconfigjson".to_owned(),
//!     br#"{"auths":{"registry.example":{"username":"ci","password":"s3cret"}}}"#.to_vec(),
//! )]);
//! let config = DockerConfig::from_secret_data("kubernetes.io/dockerconfigjson", &data)?
//!     .expect("the kubelet reads this secret");
//! assert_eq!(config.get("registry.example").unwrap().username, "ci");
//!
//! // An Opaque secret is ignored by the kubelet.
//! assert!(DockerConfig::from_secret_data("Opaque", &data)?.is_none());
//! # Ok::<(), kubepull::config::ConfigError>(())
//! ```

mod document;
mod entry;
mod error;
mod gobase64;
mod gojson;
mod kubectl;
mod lint;
mod secret_data;

pub use document::{DockerConfig, DockerConfigJson, Iter};
pub use entry::{AuthEntry, decode_auth, encode_auth};
pub use error::{AUTH_NO_COLON_TEXT, ConfigError, ConfigErrorKind, UNMARSHAL_ERROR_TEXT};
pub use kubectl::{DEFAULT_DOCKER_SERVER, DockerRegistrySecret};
pub use lint::{Finding, LintKind, Severity, lint, lint_config_json, lint_dockercfg, lint_secret};
pub use secret_data::{
    DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, DOCKERCFG_KEY, DOCKERCFG_TYPE, KubeSecret,
    validate_secret_data,
};

/// The largest document any parser here accepts: 16 MiB.
///
/// The kubelet has no limit for node files; the API server caps a whole Secret at 1 MiB.
/// 16 MiB holds well over 50,000 entries, so only hostile input reaches it. Larger input
/// fails with [`ConfigErrorKind::TooLarge`] before any parsing.
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

/// Refuses input over [`MAX_CONFIG_BYTES`].
pub(crate) fn check_size(bytes: &[u8]) -> Result<(), ConfigError> {
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::new(
            ConfigErrorKind::TooLarge,
            format!(
                "the config is {} bytes, over the limit of {MAX_CONFIG_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    Ok(())
}
