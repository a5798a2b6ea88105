//! The two file formats and the map they both decode into.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::entry::{AuthEntry, EntrySeed};
use super::error::ConfigError;
use super::gojson::{self, Lenient, LenientString, Problems, field_matches};
use crate::Secret;
use crate::go::push_json_string as write_go_string;

const CONFIG_GO_TYPE: &str = "credentialprovider.DockerConfig";
const CONFIG_JSON_GO_TYPE: &str = "credentialprovider.DockerConfigJSON";

/// The kubelet's `DockerConfig`: registry key, exactly as written, to credentials.
///
/// Both file formats decode into this map; keys are not normalised here (`http://`, `/v1/`
/// and globs are the keyring's business, `pkg/credentialprovider/keyring.go` `Add`). Iteration is in byte order of the keys,
/// where Go's map order is random; nothing in the kubelet depends on it.
///
/// ```
/// use kubepull::config::DockerConfig;
///
/// let config = DockerConfig::from_config_json(
///     br#"{"auths":{"quay.io":{"auth":"Zm9vOmJhcg=="}},"credsStore":"desktop"}"#,
/// )?;
/// let (key, entry) = config.iter().next().unwrap();
/// assert_eq!((key, entry.username.as_str()), ("quay.io", "foo"));
/// assert_eq!(entry.password.expose_secret(), "bar");
/// # Ok::<(), kubepull::config::ConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DockerConfig {
    entries: BTreeMap<String, AuthEntry>,
}

impl DockerConfig {
    /// An empty config.
    pub fn new() -> DockerConfig {
        DockerConfig::default()
    }

    /// The entries as `(registry key as written, entry)`, in byte order of the keys.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The entry under a key, compared exactly.
    pub fn get(&self, registry_key: &str) -> Option<&AuthEntry> {
        self.entries.get(registry_key)
    }

    /// Adds or replaces the entry under a key; returns the one it replaced.
    pub fn insert(
        &mut self,
        registry_key: impl Into<String>,
        entry: AuthEntry,
    ) -> Option<AuthEntry> {
        self.entries.insert(registry_key.into(), entry)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads `config.json` bytes as the kubelet's file reader does
    /// (`readDockerConfigJSONFileFromBytes`): only the `auths` map is returned.
    ///
    /// # Errors
    ///
    /// Any failure (see [`DockerConfigJson::from_slice`]) displays as the kubelet's fixed
    /// `error occurred while trying to unmarshal json`; [`ConfigError::detail`] and
    /// [`ConfigError::kind`] say what went wrong.
    pub fn from_config_json(bytes: &[u8]) -> Result<DockerConfig, ConfigError> {
        DockerConfigJson::from_slice(bytes).map(|document| document.auths)
    }

    /// Reads legacy `.dockercfg` bytes (the whole document is the map, no `auths` wrapper)
    /// as the kubelet's `ReadDockerConfigFileFromBytes` does.
    ///
    /// A config.json-shaped document parses "successfully" into one bogus key `auths` with an
    /// empty entry, as in the kubelet.
    ///
    /// # Errors
    ///
    /// Bad JSON, a non-object top level, an entry that is not an object or has a non-string
    /// field, an undecodable `auth`, or more than [`MAX_CONFIG_BYTES`](super::MAX_CONFIG_BYTES).
    /// `Display` is the kubelet's fixed `error occurred while trying to unmarshal json`.
    pub fn from_dockercfg(bytes: &[u8]) -> Result<DockerConfig, ConfigError> {
        parse_dockercfg(bytes).map_err(ConfigError::in_file_reader)
    }

    /// Writes the config in `config.json` form (`{"auths":{...}}`), entries as the kubelet's
    /// `MarshalJSON` writes them, keys sorted, Go's escaping. A [`Secret`]: it holds passwords.
    pub fn to_config_json(&self) -> Secret {
        let mut out = String::from("{\"auths\":");
        self.write_map(&mut out);
        out.push('}');
        Secret::new(out)
    }

    /// Writes the config in legacy `.dockercfg` form (the bare map).
    pub fn to_dockercfg(&self) -> Secret {
        let mut out = String::new();
        self.write_map(&mut out);
        Secret::new(out)
    }

    fn write_map(&self, out: &mut String) {
        out.push('{');
        for (i, (key, entry)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_go_string(out, key);
            out.push(':');
            entry.write_json(out);
        }
        out.push('}');
    }
}

impl fmt::Debug for DockerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are shown with any `user:password@` redacted.
        f.debug_map()
            .entries(
                self.entries
                    .iter()
                    .map(|(key, entry)| (crate::keyring::redact_key(key), entry)),
            )
            .finish()
    }
}

impl FromIterator<(String, AuthEntry)> for DockerConfig {
    fn from_iter<I: IntoIterator<Item = (String, AuthEntry)>>(iter: I) -> DockerConfig {
        DockerConfig {
            entries: iter.into_iter().collect(),
        }
    }
}

impl<'a> IntoIterator for &'a DockerConfig {
    type Item = (&'a str, &'a AuthEntry);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over a [`DockerConfig`]'s `(registry key, entry)` pairs.
#[derive(Debug, Clone)]
pub struct Iter<'a>(std::collections::btree_map::Iter<'a, String, AuthEntry>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a AuthEntry);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(key, entry)| (key.as_str(), entry))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// A `config.json` document (`DockerConfigJSON`): `{"auths": {...}, "HttpHeaders": {...}}`.
///
/// The kubelet reads `auths` and `HttpHeaders` (and never uses the headers for pulls). The
/// docker CLI's `credsStore` and `credHelpers` are kept here, when they have the right
/// shape, so tools can report them, but **the kubelet ignores them**: it never runs a
/// credential helper. Other fields (`proxies`, ...) are skipped. Fields match names
/// case-insensitively, like Go.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DockerConfigJson {
    /// `auths`: the credentials.
    pub auths: DockerConfig,
    /// `HttpHeaders`: parsed and validated (a map of strings), never used for pulls. Values
    /// are secrets since they may carry tokens.
    pub http_headers: BTreeMap<String, Secret>,
    /// `credsStore`, docker CLI only; **ignored by the kubelet**.
    pub creds_store: Option<String>,
    /// `credHelpers` (registry → helper suffix), docker CLI only; **ignored by the kubelet**.
    pub cred_helpers: BTreeMap<String, String>,
}

impl DockerConfigJson {
    /// Parses `config.json` bytes as the kubelet does.
    ///
    /// `{}`, `null` and `{"credsStore":"desktop"}` are valid and have no credentials.
    ///
    /// # Errors
    ///
    /// Bad JSON; a top level, `auths` or `HttpHeaders` of the wrong JSON type; an entry that is
    /// not an object or has a non-string field; an undecodable `auth`; more than
    /// [`MAX_CONFIG_BYTES`](super::MAX_CONFIG_BYTES). `Display` is the kubelet's fixed
    /// `error occurred while trying to unmarshal json`; see [`ConfigError::detail`].
    pub fn from_slice(bytes: &[u8]) -> Result<DockerConfigJson, ConfigError> {
        parse_config_json(bytes).map_err(ConfigError::in_file_reader)
    }

    /// Writes the kubelet's shape: `{"auths":{...}}` plus `HttpHeaders` when non-empty.
    /// `credsStore` and `credHelpers` are not written (the kubelet's struct has no such
    /// fields).
    pub fn to_json(&self) -> Secret {
        let mut out = String::from("{\"auths\":");
        self.auths.write_map(&mut out);
        if !self.http_headers.is_empty() {
            out.push_str(",\"HttpHeaders\":{");
            for (i, (name, value)) in self.http_headers.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(&mut out, name);
                out.push(':');
                write_go_string(&mut out, value.expose_secret());
            }
            out.push('}');
        }
        out.push('}');
        Secret::new(out)
    }
}

impl fmt::Debug for DockerConfigJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerConfigJson")
            .field("auths", &self.auths)
            .field("http_headers", &self.http_headers)
            .field("creds_store", &self.creds_store)
            .field("cred_helpers", &self.cred_helpers)
            .finish()
    }
}

/// `config.json` with the raw (Go `json.Unmarshal`) error texts.
pub(crate) fn parse_config_json(bytes: &[u8]) -> Result<DockerConfigJson, ConfigError> {
    let mut problems = Problems::default();
    let document = gojson::run_document(bytes, ConfigJsonSeed(&mut problems))?;
    problems.into_result()?;
    Ok(document)
}

/// `.dockercfg` with the raw (Go `json.Unmarshal`) error texts.
pub(crate) fn parse_dockercfg(bytes: &[u8]) -> Result<DockerConfig, ConfigError> {
    let mut problems = Problems::default();
    let mut config = DockerConfig::default();
    gojson::run_document(
        bytes,
        AuthsSeed {
            problems: &mut problems,
            into: &mut config,
            field: None,
        },
    )?;
    problems.into_result()?;
    Ok(config)
}

/// Decodes a map of entries into `into` (merging, as Go does with an existing map).
struct AuthsSeed<'a> {
    problems: &'a mut Problems,
    into: &'a mut DockerConfig,
    /// `Some("DockerConfigJSON.auths")` inside config.json; `None` at the top of a .dockercfg.
    field: Option<&'static str>,
}

impl AuthsSeed<'_> {
    fn wrong(self, kind: gojson::GoKind) {
        let error = match self.field {
            Some(field) => gojson::field_type_error(kind, field, CONFIG_GO_TYPE),
            None => gojson::value_type_error(kind, CONFIG_GO_TYPE),
        };
        self.problems.save(error);
    }
}

impl<'de> DeserializeSeed<'de> for AuthsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AuthsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of registry entries")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `null` sets a Go map to nil.
        self.into.entries.clear();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.wrong("bool");
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.wrong("string");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong("array");
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let entry = map.next_value_seed(EntrySeed {
                registry_key: Some(&key),
                problems: self.problems,
            })?;
            if !self.problems.stopped() {
                self.into.entries.insert(key, entry);
            }
        }
        Ok(())
    }
}

/// Decodes a whole config.json document.
struct ConfigJsonSeed<'a>(&'a mut Problems);

impl<'de> DeserializeSeed<'de> for ConfigJsonSeed<'_> {
    type Value = DockerConfigJson;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ConfigJsonSeed<'_> {
    fn wrong(self, kind: gojson::GoKind) -> DockerConfigJson {
        self.0
            .save(gojson::value_type_error(kind, CONFIG_JSON_GO_TYPE));
        DockerConfigJson::default()
    }
}

impl<'de> Visitor<'de> for ConfigJsonSeed<'_> {
    type Value = DockerConfigJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a config.json object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(DockerConfigJson::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(DockerConfigJson::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.wrong("bool"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.wrong("number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.wrong("number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.wrong("number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.wrong("string"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.wrong("array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let problems = self.0;
        let mut document = DockerConfigJson::default();
        while let Some(key) = map.next_key::<String>()? {
            if field_matches(&key, "auths") {
                map.next_value_seed(AuthsSeed {
                    problems: &mut *problems,
                    into: &mut document.auths,
                    field: Some("DockerConfigJSON.auths"),
                })?;
            } else if field_matches(&key, "httpheaders") {
                map.next_value_seed(HeadersSeed {
                    problems: &mut *problems,
                    into: &mut document.http_headers,
                })?;
            } else if field_matches(&key, "credsstore") {
                if let Lenient::Value(value) = map.next_value::<LenientString>()?.0 {
                    document.creds_store = Some(value);
                }
            } else if field_matches(&key, "credhelpers") {
                map.next_value_seed(StringMapSeed(&mut document.cred_helpers))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(document)
    }
}

/// `HttpHeaders`: a Go `map[string]string`, so wrong types are errors.
struct HeadersSeed<'a> {
    problems: &'a mut Problems,
    into: &'a mut BTreeMap<String, Secret>,
}

impl<'de> DeserializeSeed<'de> for HeadersSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl HeadersSeed<'_> {
    fn wrong(self, kind: gojson::GoKind) {
        self.problems.save(gojson::field_type_error(
            kind,
            "DockerConfigJSON.HttpHeaders",
            "map[string]string",
        ));
    }
}

impl<'de> Visitor<'de> for HeadersSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of strings")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.into.clear();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.wrong("bool");
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.wrong("number");
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.wrong("string");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong("array");
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let value = match map.next_value::<LenientString>()?.0 {
                Lenient::Value(value) => value,
                Lenient::Null => String::new(),
                Lenient::Wrong(kind) => {
                    self.problems.save(gojson::field_type_error(
                        kind,
                        "DockerConfigJSON.HttpHeaders",
                        "string",
                    ));
                    String::new()
                }
            };
            self.into.insert(key, Secret::new(value));
        }
        Ok(())
    }
}

/// A map of strings read leniently (fields the kubelet does not have): anything that is not
/// an object of strings is skipped without error.
struct StringMapSeed<'a>(&'a mut BTreeMap<String, String>);

impl<'de> DeserializeSeed<'de> for StringMapSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringMapSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if let Lenient::Value(value) = map.next_value::<LenientString>()?.0 {
                self.0.insert(key, value);
            }
        }
        Ok(())
    }
}
