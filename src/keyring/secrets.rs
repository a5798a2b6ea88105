//! Glue from the `config` model to the keyring: pull secrets (`MakeDockerKeyring`), the
//! node's docker config and credential provider answers.

use super::{CredentialSource, KeyringBuilder};
use crate::config::{
    ConfigError, DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, DOCKERCFG_KEY, DockerConfig,
    KubeSecret,
};

impl CredentialSource {
    /// The source of a pull secret's credentials: its namespace, name and UID (empty when
    /// the object does not carry them).
    pub fn from_secret(secret: &KubeSecret) -> CredentialSource {
        CredentialSource::secret(
            secret.namespace.clone().unwrap_or_default(),
            secret.name.clone(),
            secret.uid.clone().unwrap_or_default(),
        )
    }
}

impl KeyringBuilder {
    /// Adds one pull secret, as `MakeDockerKeyring` does; call it in
    /// `pod.spec.imagePullSecrets` order, for the secrets that exist.
    ///
    /// A `kubernetes.io/dockerconfigjson` secret contributes its `.dockerconfigjson` auths,
    /// a `kubernetes.io/dockercfg` secret its `.dockercfg` map; any other secret (Opaque, a
    /// type without its data key, empty data) is ignored silently. A secret whose data does
    /// not parse is recorded with [`KeyringBuilder::add_malformed_secret`]: faithfully the
    /// whole keyring then fails to build.
    ///
    /// ```
    /// use kubepull::config::KubeSecret;
    /// use kubepull::keyring::Keyring;
    ///
    /// // {"auths":{"quay.io":{"auth":"dXNlcjpwYXNzd29yZA=="}}}, base64-encoded.
    /// let secret = KubeSecret::from_json(br#"{"kind":"Secret","apiVersion":"v1",
    ///   "metadata":{"name":"regcred","namespace":"shop","uid":"42"},
    ///   "type":"kubernetes.io/dockerconfigjson",
    ///   "data":{".dockerconfigjson":"eyJhdXRocyI6eyJxdWF5LmlvIjp7ImF1dGgiOiJkWE5sY2pwd1lYTnpkMjl5WkE9PSJ9fX0="}}"#)?;
    /// let mut builder = Keyring::builder();
    /// builder.add_pull_secret(&secret);
    /// let keyring = builder.build()?;
    /// let found = keyring.lookup_str("quay.io/shop/web");
    /// assert_eq!(found[0].username(), "user");
    /// assert_eq!(found[0].source().to_string(), "secret:shop/regcred");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_pull_secret(&mut self, secret: &KubeSecret) -> &mut Self {
        let source = CredentialSource::from_secret(secret);
        match DockerConfig::from_secret_data(&secret.secret_type, &secret.data) {
            Ok(Some(config)) => self.add_docker_config(&source, &config),
            Ok(None) => self,
            Err(error) => {
                self.add_malformed_secret(&source, data_key(&secret.secret_type), reason(&error))
            }
        }
    }

    /// Adds the node's docker config (the first valid file of the search path), read from
    /// `path`.
    pub fn add_node_config(&mut self, path: &str, config: &DockerConfig) -> &mut Self {
        self.add_docker_config(&CredentialSource::node(path), config)
    }

    /// Adds one credential provider's answer (its `auth` map); call it in the order of the
    /// kubelet's `CredentialProviderConfig`.
    pub fn add_provider_config(&mut self, provider: &str, config: &DockerConfig) -> &mut Self {
        self.add_docker_config(&CredentialSource::provider(provider), config)
    }

    /// Adds every entry of `config` from `source`, in the config's iteration order.
    pub fn add_docker_config(
        &mut self,
        source: &CredentialSource,
        config: &DockerConfig,
    ) -> &mut Self {
        for (key, entry) in config.iter() {
            self.add_with_email(
                source,
                key,
                &entry.username,
                entry.password.clone(),
                &entry.email,
            );
        }
        self
    }
}

/// The data key `from_secret_data` read for a secret of this type.
fn data_key(secret_type: &str) -> &'static str {
    if secret_type == DOCKER_CONFIG_JSON_TYPE {
        DOCKER_CONFIG_JSON_KEY
    } else {
        DOCKERCFG_KEY
    }
}

/// The parser's reason with the registry key it concerns; config errors carry no values.
fn reason(error: &ConfigError) -> String {
    error.detail()
}
