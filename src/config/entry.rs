//! One registry's credentials (`DockerConfigEntry`) and the `auth` field codec.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use zeroize::Zeroizing;

use super::error::{AUTH_NO_COLON_TEXT, ConfigError, ConfigErrorKind};
use super::gobase64;
use super::gojson::{self, Lenient, LenientString, Problems, field_matches};
use crate::Secret;
use crate::go::push_json_string as write_go_string;

/// The Go type the kubelet decodes an entry into, named in type-mismatch texts.
const ENTRY_GO_TYPE: &str = "credentialprovider.dockerConfigEntryWithAuth";

/// One registry's credentials, as the kubelet reads them from either file format.
///
/// The kubelet reads `username`, `password`, `email` and `auth`; when `auth` is non-empty it
/// is decoded and **overrides** `username` and `password` (see [`decode_auth`]). The parsed
/// `username` and `password` here are that final result. The other fields are kept so tools
/// can explain a config, but **the kubelet ignores them**: `identitytoken` and
/// `registrytoken` give it no credentials at all.
///
/// `Debug` prints the username and email (not secrets in Kubernetes' model) and redacts the
/// rest.
///
/// ```
/// use kubepull::config::AuthEntry;
///
/// let entry = AuthEntry::from_json(br#"{"username":"foo","password":"bar","auth":"cGluZzpwb25n"}"#)?;
/// assert_eq!(entry.username, "ping");
/// assert_eq!(entry.password.expose_secret(), "pong");
/// assert!(!format!("{entry:?}").contains("pong"));
/// # Ok::<(), kubepull::config::ConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthEntry {
    /// The username the kubelet sends (from `auth` when that is set).
    pub username: String,
    /// The password the kubelet sends (from `auth` when that is set).
    pub password: Secret,
    /// `email`: read, never sent to a registry.
    pub email: String,
    /// The `auth` value as written, when non-empty.
    pub auth: Option<Secret>,
    /// `identitytoken` as written; **ignored by the kubelet**.
    pub identity_token: Option<Secret>,
    /// `registrytoken` as written; **ignored by the kubelet**.
    pub registry_token: Option<Secret>,
}

impl AuthEntry {
    /// An entry with a username and password and nothing else.
    pub fn new(username: impl Into<String>, password: impl Into<Secret>) -> AuthEntry {
        AuthEntry {
            username: username.into(),
            password: password.into(),
            ..AuthEntry::default()
        }
    }

    /// Parses one entry object as the kubelet's `DockerConfigEntry.UnmarshalJSON` does.
    ///
    /// # Errors
    ///
    /// [`ConfigErrorKind::Syntax`] for bad JSON, [`ConfigErrorKind::TypeMismatch`] when the
    /// value is not an object or a field is not a string (`{"email": false}`),
    /// [`ConfigErrorKind::InvalidAuth`] when `auth` does not decode, and
    /// [`ConfigErrorKind::TooLarge`] over [`MAX_CONFIG_BYTES`](super::MAX_CONFIG_BYTES).
    pub fn from_json(bytes: &[u8]) -> Result<AuthEntry, ConfigError> {
        let mut problems = Problems::default();
        let entry = gojson::run_document(
            bytes,
            EntrySeed {
                registry_key: None,
                problems: &mut problems,
            },
        )?;
        problems.into_result()?;
        Ok(entry)
    }

    /// Whether the kubelet gets anything from this entry: a non-empty username or password.
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty()
    }

    /// The entry as the kubelet's `MarshalJSON` writes it: `username`, `password`, `email`
    /// (each omitted when empty) and `auth` recomputed from username and password, in that
    /// order, with Go's HTML-safe escaping. Returned as a [`Secret`] since it holds the
    /// password.
    pub fn to_json(&self) -> Secret {
        let mut out = String::new();
        self.write_json(&mut out);
        Secret::new(out)
    }

    pub(crate) fn write_json(&self, out: &mut String) {
        out.push('{');
        for (name, value) in [
            ("username", self.username.as_str()),
            ("password", self.password.expose_secret()),
            ("email", self.email.as_str()),
        ] {
            if !value.is_empty() {
                out.push('"');
                out.push_str(name);
                out.push_str("\":");
                write_go_string(out, value);
                out.push(',');
            }
        }
        out.push_str("\"auth\":");
        let auth = encode_auth(&self.username, self.password.expose_secret());
        write_go_string(out, auth.expose_secret());
        out.push('}');
    }
}

impl fmt::Debug for AuthEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthEntry")
            .field("username", &self.username)
            .field("password", &self.password)
            .field("email", &self.email)
            .field("auth", &self.auth)
            .field("identity_token", &self.identity_token)
            .field("registry_token", &self.registry_token)
            .finish()
    }
}

/// Decodes an `auth` value exactly as the kubelet's `decodeDockerConfigFieldAuth`.
///
/// * If the value, trimmed of whitespace, ends with `=`, the **untrimmed** value is decoded
///   as padded standard base64, otherwise as unpadded standard base64. `\n` and `\r` are
///   ignored anywhere; no URL-safe alphabet.
/// * The result is split on the first `:`; the password may contain `:`. Nothing is trimmed.
/// * Decoded bytes that are not UTF-8 become U+FFFD (Go keeps the raw bytes, which the CRI's
///   protobuf strings cannot carry anyway).
///
/// ```
/// use kubepull::config::decode_auth;
///
/// let (user, password) = decode_auth("Zm9vOmJhcg")?;
/// assert_eq!((user.as_str(), password.expose_secret()), ("foo", "bar"));
/// assert_eq!(
///     decode_auth("cGFudHM=").unwrap_err().to_string(),
///     "unable to parse auth field, must be formatted as base64(username:password)"
/// );
/// # Ok::<(), kubepull::config::ConfigError>(())
/// ```
///
/// # Errors
///
/// [`ConfigErrorKind::InvalidAuth`] with Go's texts: `illegal base64 data at input byte N`,
/// or `unable to parse auth field, must be formatted as base64(username:password)`.
pub fn decode_auth(field: &str) -> Result<(String, Secret), ConfigError> {
    let padded = field.trim().ends_with('=');
    let decoded = gobase64::decode(field.as_bytes(), padded)
        .map_err(|e| ConfigError::new(ConfigErrorKind::InvalidAuth, e.message()))?;
    let decoded = Zeroizing::new(decoded);
    // Valid UTF-8 (the usual case) is split in place; otherwise a wiped lossy copy.
    let lossy;
    let text = match std::str::from_utf8(&decoded) {
        Ok(text) => text,
        Err(_) => {
            lossy = Zeroizing::new(gojson::go_lossy_utf8(&decoded).into_owned());
            lossy.as_str()
        }
    };
    match text.split_once(':') {
        Some((username, password)) => Ok((username.to_owned(), Secret::new(password))),
        None => Err(ConfigError::new(
            ConfigErrorKind::InvalidAuth,
            AUTH_NO_COLON_TEXT,
        )),
    }
}

/// Encodes an `auth` value: padded standard base64 of `username:password`, as the kubelet
/// and kubectl write it.
///
/// ```
/// use kubepull::config::encode_auth;
///
/// assert_eq!(encode_auth("foo", "bar").expose_secret(), "Zm9vOmJhcg==");
/// ```
pub fn encode_auth(username: &str, password: &str) -> Secret {
    let plain = Zeroizing::new(format!("{username}:{password}"));
    Secret::new(gobase64::encode(plain.as_bytes()))
}

/// Decodes one entry value; failures are recorded in `problems` (they stop Go's decoding).
pub(crate) struct EntrySeed<'a> {
    pub registry_key: Option<&'a str>,
    pub problems: &'a mut Problems,
}

impl EntrySeed<'_> {
    fn fail(&mut self, error: ConfigError) {
        let error = match self.registry_key {
            Some(key) => error.with_key(key),
            None => error,
        };
        self.problems.abort(error);
    }
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = AuthEntry;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<AuthEntry, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = AuthEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a registry entry object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<AuthEntry, E> {
        Ok(AuthEntry::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<AuthEntry, E> {
        Ok(AuthEntry::default())
    }
    fn visit_bool<E: de::Error>(mut self, _: bool) -> Result<AuthEntry, E> {
        self.fail(gojson::value_type_error("bool", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }
    fn visit_i64<E: de::Error>(mut self, _: i64) -> Result<AuthEntry, E> {
        self.fail(gojson::value_type_error("number", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }
    fn visit_u64<E: de::Error>(mut self, _: u64) -> Result<AuthEntry, E> {
        self.fail(gojson::value_type_error("number", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }
    fn visit_f64<E: de::Error>(mut self, _: f64) -> Result<AuthEntry, E> {
        self.fail(gojson::value_type_error("number", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }
    fn visit_str<E: de::Error>(mut self, _: &str) -> Result<AuthEntry, E> {
        self.fail(gojson::value_type_error("string", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<AuthEntry, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.fail(gojson::value_type_error("array", ENTRY_GO_TYPE));
        Ok(AuthEntry::default())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<AuthEntry, A::Error> {
        let mut username = String::new();
        let mut password = Zeroizing::new(String::new());
        let mut email = String::new();
        let mut auth = Zeroizing::new(String::new());
        let mut identity_token = None;
        let mut registry_token = None;
        let mut type_error: Option<ConfigError> = None;
        while let Some(key) = map.next_key::<String>()? {
            let target: Option<(&str, &mut String)> = if field_matches(&key, "username") {
                Some(("username", &mut username))
            } else if field_matches(&key, "password") {
                Some(("password", &mut *password))
            } else if field_matches(&key, "email") {
                Some(("email", &mut email))
            } else if field_matches(&key, "auth") {
                Some(("auth", &mut *auth))
            } else {
                None
            };
            if let Some((field, slot)) = target {
                match map.next_value::<LenientString>()?.0 {
                    Lenient::Value(value) => {
                        slot.zeroize_and_set(value);
                    }
                    Lenient::Null => {}
                    Lenient::Wrong(kind) => {
                        if type_error.is_none() {
                            type_error = Some(gojson::field_type_error(
                                kind,
                                &format!("dockerConfigEntryWithAuth.{field}"),
                                "string",
                            ));
                        }
                    }
                }
            } else if field_matches(&key, "identitytoken") {
                if let Lenient::Value(value) = map.next_value::<LenientString>()?.0 {
                    identity_token = Some(Secret::new(value));
                }
            } else if field_matches(&key, "registrytoken") {
                if let Lenient::Value(value) = map.next_value::<LenientString>()?.0 {
                    registry_token = Some(Secret::new(value));
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if let Some(error) = type_error {
            // Go returns before copying anything: the entry stays empty.
            self.fail(error);
            return Ok(AuthEntry::default());
        }
        let mut entry = AuthEntry {
            username,
            password: Secret::new(std::mem::take(&mut *password)),
            email,
            auth: None,
            identity_token,
            registry_token,
        };
        if !auth.is_empty() {
            match decode_auth(&auth) {
                Ok((user, pass)) => {
                    entry.username = user;
                    entry.password = pass;
                }
                Err(error) => {
                    // Go assigns the empty results before returning the error.
                    entry.username.clear();
                    entry.password = Secret::default();
                    self.fail(error);
                }
            }
            entry.auth = Some(Secret::new(std::mem::take(&mut *auth)));
        }
        Ok(entry)
    }
}

trait ZeroizeAndSet {
    fn zeroize_and_set(&mut self, value: String);
}

impl ZeroizeAndSet for String {
    fn zeroize_and_set(&mut self, value: String) {
        zeroize::Zeroize::zeroize(self);
        *self = value;
    }
}

/// Decodes one entry from an already-parsed JSON value (used by the lint to judge each entry
/// on its own). Errors carry the registry key.
pub(crate) fn entry_from_value(
    registry_key: &str,
    value: &serde_json::Value,
) -> Result<AuthEntry, ConfigError> {
    let mut problems = Problems::default();
    let entry = EntrySeed {
        registry_key: Some(registry_key),
        problems: &mut problems,
    }
    .deserialize(value)
    .map_err(gojson::syntax_error)?;
    problems.into_result()?;
    Ok(entry)
}
