//! Pull-secret data: what the kubelet and the API server do with a Secret's `type` and `data`,
//! and a small model of a Secret object.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use zeroize::Zeroize;

use super::document::{DockerConfig, parse_config_json, parse_dockercfg};
use super::error::{ConfigError, ConfigErrorKind};
use super::gobase64;
use super::gojson::{self, Lenient};

/// Secret type of a `config.json`-format pull secret.
pub const DOCKER_CONFIG_JSON_TYPE: &str = "kubernetes.io/dockerconfigjson";
/// Data key of a `kubernetes.io/dockerconfigjson` secret.
pub const DOCKER_CONFIG_JSON_KEY: &str = ".dockerconfigjson";
/// Secret type of a legacy `.dockercfg`-format pull secret.
pub const DOCKERCFG_TYPE: &str = "kubernetes.io/dockercfg";
/// Data key of a `kubernetes.io/dockercfg` secret.
pub const DOCKERCFG_KEY: &str = ".dockercfg";

impl DockerConfig {
    /// The config the kubelet builds from one pull secret (`MakeDockerKeyring`).
    ///
    /// * `kubernetes.io/dockerconfigjson` with a non-empty `.dockerconfigjson`: its `auths`.
    /// * otherwise `kubernetes.io/dockercfg` with a non-empty `.dockercfg`: the legacy map.
    /// * anything else — `Opaque`, a type whose key is missing or empty, a
    ///   `kubernetes.io/dockercfg` secret holding `.dockerconfigjson` — is `Ok(None)`: the
    ///   kubelet ignores the secret silently.
    ///
    /// # Errors
    ///
    /// Any JSON or `auth` error, with the raw texts the kubelet returns (it fails the whole
    /// keyring, and with it the pull, on any of them): `unable to parse auth field, must be
    /// formatted as base64(username:password)`, `illegal base64 data at input byte N`,
    /// `unexpected end of JSON input`, `json: cannot unmarshal ...`.
    pub fn from_secret_data(
        secret_type: &str,
        data: &BTreeMap<String, Vec<u8>>,
    ) -> Result<Option<DockerConfig>, ConfigError> {
        let non_empty = |key: &str| data.get(key).filter(|bytes| !bytes.is_empty());
        if secret_type == DOCKER_CONFIG_JSON_TYPE {
            if let Some(bytes) = non_empty(DOCKER_CONFIG_JSON_KEY) {
                return parse_config_json(bytes).map(|document| Some(document.auths));
            }
        }
        if secret_type == DOCKERCFG_TYPE {
            if let Some(bytes) = non_empty(DOCKERCFG_KEY) {
                return parse_dockercfg(bytes).map(Some);
            }
        }
        Ok(None)
    }
}

/// The API server's validation of a pull secret's data (`ValidateSecret`).
///
/// For the two pull-secret types the data key must exist and its value must be a JSON
/// object; `null` passes, and nothing inside the object is checked (an `auth` that is not
/// base64 is accepted, and later breaks every pull that needs the keyring). Other types pass.
///
/// ```
/// use std::collections::BTreeMap;
/// use kubepull::config::validate_secret_data;
///
/// let empty = BTreeMap::new();
/// let error = validate_secret_data("kubernetes.io/dockercfg", &empty).unwrap_err();
/// assert_eq!(error.to_string(), "data[.dockercfg]: Required value");
/// ```
///
/// # Errors
///
/// [`ConfigErrorKind::MissingDataKey`] (`data[.dockercfg]: Required value`) or
/// [`ConfigErrorKind::NotAnObject`] (`data[.dockerconfigjson]: Invalid value: "<secret
/// contents redacted>": <json error>`).
pub fn validate_secret_data(
    secret_type: &str,
    data: &BTreeMap<String, Vec<u8>>,
) -> Result<(), ConfigError> {
    let key = match secret_type {
        DOCKERCFG_TYPE => DOCKERCFG_KEY,
        DOCKER_CONFIG_JSON_TYPE => DOCKER_CONFIG_JSON_KEY,
        _ => return Ok(()),
    };
    let Some(bytes) = data.get(key) else {
        return Err(ConfigError::new(
            ConfigErrorKind::MissingDataKey,
            format!("data[{key}]: Required value"),
        ));
    };
    let problem = match gojson::run_document(bytes, ClassifySeed) {
        Ok(Lenient::Null) => return Ok(()),
        Ok(Lenient::Wrong("object")) => return Ok(()),
        Ok(Lenient::Wrong(kind)) => {
            format!("json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}")
        }
        Ok(Lenient::Value(())) => return Ok(()),
        Err(error) => error.message().to_owned(),
    };
    Err(ConfigError::new(
        ConfigErrorKind::NotAnObject,
        format!("data[{key}]: Invalid value: \"<secret contents redacted>\": {problem}"),
    ))
}

struct ClassifySeed;

impl<'de> serde::de::DeserializeSeed<'de> for ClassifySeed {
    type Value = Lenient<()>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        gojson::classify(d)
    }
}

/// A Secret object as `kubectl get secret -o json` prints it, reduced to what pulls need.
///
/// `data` values are base64-decoded (Go's standard decoding, `\r`/`\n` ignored); `stringData`
/// entries, which the API server merges into `data` on write, are merged here the same way
/// (they win). The secret bytes are wiped on drop, and `Debug` lists the data keys only.
///
/// ```
/// use kubepull::config::KubeSecret;
///
/// let secret = KubeSecret::from_json(br#"{
///   "apiVersion": "v1", "kind": "Secret",
///   "metadata": {"name": "regcred", "namespace": "ci", "uid": "1234"},
///   "type": "kubernetes.io/dockerconfigjson",
///   "data": {".dockerconfigjson": "eyJhdXRocyI6e319"}
/// }"#)?;
/// assert_eq!(secret.name, "regcred");
/// assert_eq!(secret.data[".dockerconfigjson"], br#"{"auths":{}}"#);
/// assert!(secret.docker_config()?.unwrap().is_empty());
/// # Ok::<(), kubepull::config::ConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KubeSecret {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, when present.
    pub namespace: Option<String>,
    /// `metadata.uid`, when present.
    pub uid: Option<String>,
    /// `type`; the API server defaults a missing type to `Opaque`, and so does this model.
    pub secret_type: String,
    /// `data`, decoded, with `stringData` merged in.
    pub data: BTreeMap<String, Vec<u8>>,
}

#[derive(Deserialize)]
struct RawSecret {
    kind: Option<String>,
    #[serde(default)]
    metadata: RawMetadata,
    #[serde(rename = "type")]
    secret_type: Option<String>,
    data: Option<BTreeMap<String, Option<String>>>,
    #[serde(rename = "stringData")]
    string_data: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Deserialize, Default)]
struct RawMetadata {
    name: Option<String>,
    namespace: Option<String>,
    uid: Option<String>,
}

impl KubeSecret {
    /// Reads a Secret object from JSON (`kubectl get secret NAME -o json`).
    ///
    /// # Errors
    ///
    /// [`ConfigErrorKind::InvalidSecretObject`] when the bytes are not a JSON object of the
    /// Secret's shape, `kind` is present and not `Secret`, or a `data` value is not base64;
    /// [`ConfigErrorKind::TooLarge`] over [`MAX_CONFIG_BYTES`](super::MAX_CONFIG_BYTES).
    /// Texts name fields and positions, never values.
    pub fn from_json(bytes: &[u8]) -> Result<KubeSecret, ConfigError> {
        super::check_size(bytes)?;
        let invalid =
            |message: String| ConfigError::new(ConfigErrorKind::InvalidSecretObject, message);
        let mut text = gojson::go_lossy_utf8(bytes);
        let parsed: Result<RawSecret, _> = serde_json::from_str(&text);
        // A lossy copy of the object holds the base64 data: wipe it.
        if let std::borrow::Cow::Owned(copy) = &mut text {
            copy.zeroize();
        }
        let mut raw: RawSecret = parsed.map_err(|error| {
            // Data errors from serde quote the offending value; keep only the position.
            if error.is_data() {
                invalid(format!(
                    "not a Secret object: a field has the wrong JSON type at line {} column {}",
                    error.line(),
                    error.column()
                ))
            } else {
                invalid(format!(
                    "not a Secret object: {}",
                    gojson::syntax_error(error).message()
                ))
            }
        })?;
        if let Some(kind) = raw.kind.as_deref() {
            if kind != "Secret" {
                return Err(invalid(format!("expected kind \"Secret\", found {kind:?}")));
            }
        }
        let mut data: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut encoded = raw.data.take().unwrap_or_default().into_iter();
        while let Some((key, value)) = encoded.next() {
            let mut value = value.unwrap_or_default();
            let decoded = gobase64::decode(value.as_bytes(), true);
            value.zeroize();
            match decoded {
                Ok(bytes) => {
                    data.insert(key, bytes);
                }
                Err(error) => {
                    // Wipe what was decoded so far and what was not reached.
                    data.values_mut().for_each(Zeroize::zeroize);
                    for (_, mut rest) in encoded {
                        rest.zeroize();
                    }
                    if let Some(string_data) = raw.string_data.as_mut() {
                        string_data.values_mut().for_each(Zeroize::zeroize);
                    }
                    return Err(invalid(format!("data[{key}]: {}", error.message())));
                }
            }
        }
        for (key, value) in raw.string_data.take().unwrap_or_default() {
            // `stringData` wins, as in the API server; wipe the value it replaces.
            if let Some(mut replaced) = data.insert(key, value.unwrap_or_default().into_bytes()) {
                replaced.zeroize();
            }
        }
        Ok(KubeSecret {
            name: raw.metadata.name.unwrap_or_default(),
            namespace: raw.metadata.namespace,
            uid: raw.metadata.uid,
            secret_type: raw.secret_type.unwrap_or_else(|| "Opaque".to_owned()),
            data,
        })
    }

    /// The config the kubelet builds from this secret; see [`DockerConfig::from_secret_data`].
    ///
    /// # Errors
    ///
    /// As [`DockerConfig::from_secret_data`].
    pub fn docker_config(&self) -> Result<Option<DockerConfig>, ConfigError> {
        DockerConfig::from_secret_data(&self.secret_type, &self.data)
    }

    /// The API server's validation of this secret; see [`validate_secret_data`].
    ///
    /// # Errors
    ///
    /// As [`validate_secret_data`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate_secret_data(&self.secret_type, &self.data)
    }

    /// `NAMESPACE/NAME`, or `NAME` without a namespace: how the CLI names a secret source.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The object as JSON in kubectl's field order (`kind`, `apiVersion`, `metadata`,
    /// `data`, `type`), `data` base64-encoded. A [`Secret`](crate::Secret): it holds the data.
    pub fn to_json(&self) -> crate::Secret {
        let mut out =
            String::from("{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":");
        crate::go::push_json_string(&mut out, &self.name);
        if let Some(namespace) = &self.namespace {
            out.push_str(",\"namespace\":");
            crate::go::push_json_string(&mut out, namespace);
        }
        if let Some(uid) = &self.uid {
            out.push_str(",\"uid\":");
            crate::go::push_json_string(&mut out, uid);
        }
        out.push_str("},\"data\":{");
        for (i, (key, value)) in self.data.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            crate::go::push_json_string(&mut out, key);
            out.push(':');
            crate::go::push_json_string(&mut out, &gobase64::encode(value));
        }
        out.push_str("},\"type\":");
        crate::go::push_json_string(&mut out, &self.secret_type);
        out.push('}');
        crate::Secret::new(out)
    }
}

impl Drop for KubeSecret {
    fn drop(&mut self) {
        for value in self.data.values_mut() {
            value.zeroize();
        }
    }
}

impl fmt::Debug for KubeSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Keys<'a>(&'a BTreeMap<String, Vec<u8>>);
        impl fmt::Debug for Keys<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.keys().map(|key| (key, "[REDACTED]")))
                    .finish()
            }
        }
        f.debug_struct("KubeSecret")
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .field("uid", &self.uid)
            .field("secret_type", &self.secret_type)
            .field("data", &Keys(&self.data))
            .finish()
    }
}
