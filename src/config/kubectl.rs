//! `kubectl create secret docker-registry`, byte for byte.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

use super::document::DockerConfig;
use super::entry::AuthEntry;
use super::error::{ConfigError, ConfigErrorKind};
use super::gobase64;
use super::secret_data::{DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, KubeSecret};
use crate::Secret;
use crate::go::push_json_string as write_go_string;

/// `--docker-server`'s default: Docker Hub's legacy v1 address.
pub const DEFAULT_DOCKER_SERVER: &str = "https://index.docker.io/v1/";

/// What `kubectl create secret docker-registry NAME ...` builds.
///
/// The data is compact Go JSON `{"auths":{SERVER:{"username","password","email","auth"}}}`
/// (each member omitted when empty, `auth` = padded base64 of `username:password`, Go's
/// `\u0026`/`\u003c`/`\u003e` escaping), under `.dockerconfigjson`, with type
/// `kubernetes.io/dockerconfigjson`.
///
/// ```
/// use kubepull::config::DockerRegistrySecret;
///
/// let secret = DockerRegistrySecret::new("foo")
///     .username("test-user")
///     .password("test-password")
///     .email("test-user@example.org")
///     .append_hash(true)
///     .build()?;
/// assert_eq!(secret.name, "foo-548cm7fgdh");
/// assert_eq!(
///     std::str::from_utf8(&secret.data[".dockerconfigjson"]).unwrap(),
///     r#"{"auths":{"https://index.docker.io/v1/":{"username":"test-user","password":"test-password","email":"test-user@example.org","auth":"dGVzdC11c2VyOnRlc3QtcGFzc3dvcmQ="}}}"#
/// );
/// # Ok::<(), kubepull::config::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct DockerRegistrySecret {
    name: String,
    namespace: Option<String>,
    username: String,
    password: Secret,
    email: String,
    server: String,
    append_hash: bool,
    from_files: Vec<(String, Secret)>,
}

impl DockerRegistrySecret {
    /// Starts a secret named `name`, with the default server [`DEFAULT_DOCKER_SERVER`].
    pub fn new(name: impl Into<String>) -> DockerRegistrySecret {
        DockerRegistrySecret {
            name: name.into(),
            namespace: None,
            username: String::new(),
            password: Secret::default(),
            email: String::new(),
            server: DEFAULT_DOCKER_SERVER.to_owned(),
            append_hash: false,
            from_files: Vec::new(),
        }
    }

    /// `--docker-username`.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    /// `--docker-password`.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = password.into();
        self
    }

    /// `--docker-email` (optional; omitted from the JSON when empty).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }

    /// `--docker-server`; setting it to `""` makes [`build`](Self::build) fail, as in kubectl.
    pub fn server(mut self, server: impl Into<String>) -> Self {
        self.server = server.into();
        self
    }

    /// `-n NAMESPACE`: `metadata.namespace` is set only when given explicitly.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// `--append-hash`: suffix the name with a hash of the secret (`foo-548cm7fgdh`).
    pub fn append_hash(mut self, append: bool) -> Self {
        self.append_hash = append;
        self
    }

    /// `--from-file=[KEY=]PATH`, with the file's bytes already read: stored verbatim under
    /// `KEY`, or under `.dockerconfigjson` when no key is given. With any file source the
    /// username, password, email and server are not used.
    pub fn from_file(mut self, key: Option<&str>, contents: impl Into<Secret>) -> Self {
        let key = key.unwrap_or(DOCKER_CONFIG_JSON_KEY).to_owned();
        self.from_files.push((key, contents.into()));
        self
    }

    /// Builds the secret.
    ///
    /// # Errors
    ///
    /// [`ConfigErrorKind::InvalidArguments`] with kubectl's texts: `name must be specified`;
    /// `either --from-file or the combination of --docker-username, --docker-password and
    /// --docker-server is required`; `cannot add key KEY, another key by that name already
    /// exists` for a repeated `--from-file` key.
    pub fn build(&self) -> Result<KubeSecret, ConfigError> {
        let invalid = |text: String| ConfigError::new(ConfigErrorKind::InvalidArguments, text);
        if self.name.is_empty() {
            return Err(invalid("name must be specified".to_owned()));
        }
        if self.from_files.is_empty()
            && (self.username.is_empty() || self.password.is_empty() || self.server.is_empty())
        {
            return Err(invalid(
                "either --from-file or the combination of --docker-username, --docker-password and --docker-server is required"
                    .to_owned(),
            ));
        }
        let mut data = BTreeMap::new();
        if self.from_files.is_empty() {
            let mut entry = AuthEntry::new(self.username.clone(), self.password.clone());
            entry.email = self.email.clone();
            let config: DockerConfig = [(self.server.clone(), entry)].into_iter().collect();
            data.insert(
                DOCKER_CONFIG_JSON_KEY.to_owned(),
                config.to_config_json().expose_secret().as_bytes().to_vec(),
            );
        } else {
            for (key, contents) in &self.from_files {
                if data.contains_key(key) {
                    return Err(invalid(format!(
                        "cannot add key {key}, another key by that name already exists"
                    )));
                }
                data.insert(key.clone(), contents.expose_secret().as_bytes().to_vec());
            }
        }
        let mut secret = KubeSecret {
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            uid: None,
            secret_type: DOCKER_CONFIG_JSON_TYPE.to_owned(),
            data,
        };
        if self.append_hash {
            secret.name = format!("{}-{}", secret.name, secret_hash(&secret));
        }
        Ok(secret)
    }
}

impl fmt::Debug for DockerRegistrySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerRegistrySecret")
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("email", &self.email)
            .field("server", &crate::keyring::redact_key(&self.server))
            .field("append_hash", &self.append_hash)
            .field("from_files", &self.from_files.len())
            .finish()
    }
}

/// kubectl's `hash.SecretHash`: SHA-256 of `{"data":{...},"kind":"Secret","name":N,"type":T}`
/// (Go map keys sorted, data base64), first 10 hex digits with `0 1 3 a e` swapped for
/// `g h k m t` so the suffix never looks like a number or a word.
fn secret_hash(secret: &KubeSecret) -> String {
    let mut encoded = String::from("{\"data\":{");
    for (i, (key, value)) in secret.data.iter().enumerate() {
        if i > 0 {
            encoded.push(',');
        }
        write_go_string(&mut encoded, key);
        encoded.push(':');
        write_go_string(&mut encoded, &gobase64::encode(value));
    }
    encoded.push_str("},\"kind\":\"Secret\",\"name\":");
    write_go_string(&mut encoded, &secret.name);
    encoded.push_str(",\"type\":");
    write_go_string(&mut encoded, &secret.secret_type);
    encoded.push('}');
    let digest = Sha256::digest(encoded.as_bytes());
    zeroize::Zeroize::zeroize(&mut encoded);
    digest
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0xf])
        .take(10)
        .map(|nibble| match nibble {
            0 => 'g',
            1 => 'h',
            3 => 'k',
            10 => 'm',
            14 => 't',
            n => char::from_digit(u32::from(n), 16).unwrap_or('?'),
        })
        .collect()
}
