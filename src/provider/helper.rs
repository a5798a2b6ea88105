//! Docker credential helpers (`docker-credential-<name>`) and docker's own choice of where
//! a registry's credentials live: docker/docker-credential-helpers `client/client.go` and docker/cli
//! `cli/config/configfile/file.go` (`GetCredentialsStore`).
//!
//! **These are docker CLI semantics, not the kubelet's.** The kubelet never runs credential
//! helpers: it reads only `auths` from the node's config (and plugin answers). Use
//! [`resolve_docker_cli`] to reproduce what `docker pull` would use, e.g. in CI tools that
//! must behave like the docker CLI.
//!
//! ```
//! use std::collections::BTreeMap;
//! use kubepull::provider::helper::{DockerCliResolution, resolve_docker_cli};
//!
//! let helpers = BTreeMap::from([("gcr.io".to_owned(), "gcloud".to_owned())]);
//! let auths = ["https://index.docker.io/v1/", "quay.io"];
//! assert_eq!(
//!     resolve_docker_cli("gcr.io", &helpers, Some("desktop"), auths),
//!     DockerCliResolution::Helper { program: "docker-credential-gcloud".into(), server_url: "gcr.io".into() },
//! );
//! assert_eq!(
//!     resolve_docker_cli("quay.io", &helpers, None, auths),
//!     DockerCliResolution::Auths { key: "quay.io".into() },
//! );
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{MAX_DOCUMENT_LEN, ProviderError, ProviderErrorKind};
use crate::Secret;
use crate::go::push_json_string;

/// The prefix of every helper program's name.
pub const HELPER_PREFIX: &str = "docker-credential-";

/// What a helper prints (on stdout, exit code 1) when it has nothing for a server; clients
/// compare it after trimming whitespace.
pub const NOT_FOUND_MESSAGE: &str = "credentials not found in native keychain";

/// The user name under which docker stores an identity token in a helper.
pub const IDENTITY_TOKEN_USERNAME: &str = "<token>";

/// The key docker files Docker Hub credentials under.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// A helper action (`argv[1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HelperAction {
    /// `get`: stdin is the server URL, stdout the credentials JSON.
    Get,
    /// `store`: stdin is the credentials JSON.
    Store,
    /// `erase`: stdin is the server URL.
    Erase,
    /// `list`: stdout is `{"<serverURL>": "<username>"}`.
    List,
    /// `version`.
    Version,
}

impl HelperAction {
    /// The argument text.
    pub fn as_str(self) -> &'static str {
        match self {
            HelperAction::Get => "get",
            HelperAction::Store => "store",
            HelperAction::Erase => "erase",
            HelperAction::List => "list",
            HelperAction::Version => "version",
        }
    }

    /// The verb docker's client uses in its error messages (`error getting credentials`).
    pub fn gerund(self) -> &'static str {
        match self {
            HelperAction::Get => "getting",
            HelperAction::Store => "storing",
            HelperAction::Erase => "erasing",
            HelperAction::List => "listing",
            HelperAction::Version => "getting the version of",
        }
    }
}

impl fmt::Display for HelperAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The program name for a `credsStore` / `credHelpers` value: `docker-credential-<suffix>`.
pub fn helper_program(suffix: &str) -> String {
    format!("{HELPER_PREFIX}{suffix}")
}

/// What a helper stores or returns for a server.
///
/// `Debug` redacts the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperCredentials {
    /// `ServerURL`.
    pub server_url: String,
    /// `Username`; [`IDENTITY_TOKEN_USERNAME`] when the secret is an identity token.
    pub username: String,
    /// `Secret`: the password or identity token.
    pub secret: Secret,
}

/// Credentials as docker uses them after reading a helper.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HelperAuth {
    /// User name and password.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An identity (refresh) token, stored under the user name `<token>`.
    IdentityToken(Secret),
}

impl HelperCredentials {
    /// How docker stores an auth entry: an identity token goes under user `<token>`.
    pub fn from_auth(server_url: &str, auth: HelperAuth) -> HelperCredentials {
        match auth {
            HelperAuth::Basic { username, password } => HelperCredentials {
                server_url: server_url.to_owned(),
                username,
                secret: password,
            },
            HelperAuth::IdentityToken(token) => HelperCredentials {
                server_url: server_url.to_owned(),
                username: IDENTITY_TOKEN_USERNAME.to_owned(),
                secret: token,
            },
        }
    }

    /// How docker reads what a helper returned: user `<token>` means an identity token.
    pub fn into_auth(self) -> HelperAuth {
        if self.username == IDENTITY_TOKEN_USERNAME {
            HelperAuth::IdentityToken(self.secret)
        } else {
            HelperAuth::Basic {
                username: self.username,
                password: self.secret,
            }
        }
    }

    /// The `store` action's stdin: `{"ServerURL":"…","Username":"…","Secret":"…"}`.
    pub fn to_store_json(&self) -> Secret {
        let mut out = String::new();
        out.push_str("{\"ServerURL\":");
        push_json_string(&mut out, &self.server_url);
        out.push_str(",\"Username\":");
        push_json_string(&mut out, &self.username);
        out.push_str(",\"Secret\":");
        push_json_string(&mut out, self.secret.expose_secret());
        out.push_str("}\n");
        Secret::new(out)
    }

    /// Parses a `get` answer. Go decodes it case-insensitively and ignores unknown fields;
    /// so does this.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::HelperNotFound`] for the not-found text,
    /// [`ProviderErrorKind::HelperProtocol`] for anything else that is not the JSON object
    /// (the message gives a position, never the output).
    pub fn parse_get_output(stdout: &[u8]) -> Result<HelperCredentials, ProviderError> {
        if is_not_found(stdout) {
            return Err(not_found());
        }
        if stdout.len() > MAX_DOCUMENT_LEN {
            return Err(ProviderError::new(
                ProviderErrorKind::TooLarge,
                "credential helper output is too large",
            ));
        }
        let wire: GetWire = serde_json::from_slice(stdout).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::HelperProtocol,
                format!(
                    "credential helper output is not a credentials object (line {} column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        Ok(HelperCredentials {
            server_url: wire.server_url,
            username: wire.username,
            secret: wire.secret,
        })
    }
}

fn not_found() -> ProviderError {
    ProviderError::new(ProviderErrorKind::HelperNotFound, NOT_FOUND_MESSAGE)
}

/// Whether helper output is the not-found message (whitespace-trimmed, exact).
pub fn is_not_found(output: &[u8]) -> bool {
    output.trim_ascii() == NOT_FOUND_MESSAGE.as_bytes()
}

/// The stdin of `get` and `erase`: the server URL, raw.
pub fn server_url_input(server_url: &str) -> Vec<u8> {
    server_url.as_bytes().to_vec()
}

/// Parses a `list` answer: server URL → user name.
///
/// # Errors
///
/// [`ProviderErrorKind::HelperProtocol`] when it is not a JSON object of strings.
pub fn parse_list_output(stdout: &[u8]) -> Result<BTreeMap<String, String>, ProviderError> {
    if stdout.len() > MAX_DOCUMENT_LEN {
        return Err(ProviderError::new(
            ProviderErrorKind::TooLarge,
            "credential helper output is too large",
        ));
    }
    serde_json::from_slice(stdout).map_err(|e| {
        ProviderError::new(
            ProviderErrorKind::HelperProtocol,
            format!(
                "credential helper list output is not an object of strings (line {} column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// What replaces helper or plugin output that [`may_hold_credential`] in an error text.
pub const WITHHELD_OUTPUT: &str = "[REDACTED: output that may hold a credential]";

/// Whether a helper's or plugin's output looks like it carries a credential, so it must not
/// be echoed into an error: the whole text, or one of its lines, parses as JSON (a
/// credentials object, a provider response, a quoted string), or it has a `secret`,
/// `password`, `passwd`, `token` or `auth` field written as `name: value` or `name=value`
/// (any case). Plain error messages (`keychain locked`, `exit status 1`) are none of these.
pub fn may_hold_credential(output: &[u8]) -> bool {
    let is_json = |text: &[u8]| {
        let text = text.trim_ascii();
        !text.is_empty()
            && serde_json::from_slice::<serde_json::Value>(text)
                .is_ok_and(|v| v.is_object() || v.is_array() || v.is_string())
    };
    if is_json(output) || output.split(|&b| b == b'\n').any(is_json) {
        return true;
    }
    let lower = output.to_ascii_lowercase();
    ["secret", "password", "passwd", "token", "auth"]
        .iter()
        .any(|field| {
            let mut from = 0;
            while let Some(i) = find(&lower[from..], field.as_bytes()) {
                let after = lower[from + i + field.len()..]
                    .iter()
                    .skip_while(|&&b| b == b'"' || b == b'\'' || b == b' ' || b == b'\t');
                if matches!(after.clone().next(), Some(b':' | b'=')) {
                    return true;
                }
                from += i + 1;
            }
            false
        })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Docker's client error for a failed helper run:
/// ``error getting credentials - err: <e>, out: `<stdout trimmed>` ``. Helpers normally print
/// their own error messages on stdout, but output that [`may_hold_credential`] is replaced
/// by [`WITHHELD_OUTPUT`] (docker's client echoes it; a helper may print its answer and
/// still exit non-zero).
pub fn client_error(action: HelperAction, error: &str, stdout: &[u8]) -> String {
    if may_hold_credential(stdout) {
        return format!(
            "error {} credentials - err: {error}, out: `{WITHHELD_OUTPUT}`",
            action.gerund()
        );
    }
    let out = String::from_utf8_lossy(stdout);
    let out: String = out.trim().chars().take(4096).collect();
    format!(
        "error {} credentials - err: {error}, out: `{out}`",
        action.gerund()
    )
}

struct GetWire {
    server_url: String,
    username: String,
    secret: Secret,
}

impl<'de> Deserialize<'de> for GetWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<GetWire, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GetWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a credentials object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GetWire, A::Error> {
                let mut wire = GetWire {
                    server_url: String::new(),
                    username: String::new(),
                    secret: Secret::default(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("ServerURL") {
                        wire.server_url = map.next_value::<Option<String>>()?.unwrap_or_default();
                    } else if key.eq_ignore_ascii_case("Username") {
                        wire.username = map.next_value::<Option<String>>()?.unwrap_or_default();
                    } else if key.eq_ignore_ascii_case("Secret") {
                        wire.secret = map.next_value::<Option<Secret>>()?.unwrap_or_default();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(wire)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Where the docker CLI takes a registry's credentials from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DockerCliResolution {
    /// Run `program get` with `server_url` on stdin.
    Helper {
        /// `docker-credential-<suffix>`.
        program: String,
        /// The server key docker asks the helper for (`https://index.docker.io/v1/` for Hub).
        server_url: String,
    },
    /// Use the `auths` entry under `key`.
    Auths {
        /// The `auths` key that applies.
        key: String,
    },
    /// No credentials: docker pulls anonymously.
    None,
}

/// Docker's key for a registry host: Docker Hub's hosts become
/// `https://index.docker.io/v1/`, others stay as given (`host[:port]`).
pub fn docker_cli_server_key(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" => DOCKER_HUB_SERVER,
        other => other,
    }
}

/// Docker's legacy key conversion: drop an `http://` or `https://` prefix and everything
/// from the first `/`.
pub fn convert_to_hostname(key: &str) -> &str {
    let stripped = key
        .strip_prefix("http://")
        .or_else(|| key.strip_prefix("https://"))
        .unwrap_or(key);
    stripped.split('/').next().unwrap_or(stripped)
}

/// The docker CLI's resolution for `host` (`GetCredentialsStore` + the file store's
/// lookup): `credHelpers[key]`, else `credsStore`, else the `auths` entry whose key is
/// exactly `key`, else one whose legacy form (`https://host/v1/`) converts to `key`.
///
/// `DOCKER_AUTH_CONFIG` (layered in front by newer docker CLIs) and the platform default
/// `credsStore` are the caller's to apply. When several legacy keys convert to the same host,
/// Go picks one at random; this picks the first in byte order.
pub fn resolve_docker_cli<'a>(
    host: &str,
    cred_helpers: &BTreeMap<String, String>,
    creds_store: Option<&str>,
    auth_keys: impl IntoIterator<Item = &'a str>,
) -> DockerCliResolution {
    let key = docker_cli_server_key(host);
    if let Some(suffix) = cred_helpers.get(key) {
        return DockerCliResolution::Helper {
            program: helper_program(suffix),
            server_url: key.to_owned(),
        };
    }
    if let Some(store) = creds_store.filter(|s| !s.is_empty()) {
        return DockerCliResolution::Helper {
            program: helper_program(store),
            server_url: key.to_owned(),
        };
    }
    let mut keys: Vec<&str> = auth_keys.into_iter().collect();
    if keys.contains(&key) {
        return DockerCliResolution::Auths {
            key: key.to_owned(),
        };
    }
    keys.sort_unstable();
    keys.into_iter()
        .find(|k| convert_to_hostname(k) == key)
        .map_or(DockerCliResolution::None, |k| DockerCliResolution::Auths {
            key: k.to_owned(),
        })
}

/// [`resolve_docker_cli`] over a parsed `~/.docker/config.json`: its `credHelpers`,
/// `credsStore` and `auths` keys. The answer says which helper to run or which `auths` entry
/// applies (`config.auths.get(key)`); the kubelet would use neither helpers nor this order.
///
/// ```
/// use kubepull::config::DockerConfigJson;
/// use kubepull::provider::helper::{DockerCliResolution, resolve_docker_cli_config};
///
/// let config = DockerConfigJson::from_slice(br#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}},
///                                              "credHelpers":{"gcr.io":"gcloud"}}"#).unwrap();
/// assert_eq!(resolve_docker_cli_config("docker.io", &config),
///            DockerCliResolution::Auths { key: "https://index.docker.io/v1/".into() });
/// assert!(matches!(resolve_docker_cli_config("gcr.io", &config), DockerCliResolution::Helper { .. }));
/// ```
pub fn resolve_docker_cli_config(
    host: &str,
    config: &crate::config::DockerConfigJson,
) -> DockerCliResolution {
    resolve_docker_cli(
        host,
        &config.cred_helpers,
        config.creds_store.as_deref(),
        config.auths.iter().map(|(key, _)| key),
    )
}
