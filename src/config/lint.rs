//! Findings a cluster admin should know about in pull secrets and docker config files.

use std::fmt;

use serde_json::Value;
use zeroize::Zeroize;

use super::document::{parse_config_json, parse_dockercfg};
use super::entry::entry_from_value;
use super::error::{ConfigError, ConfigErrorKind};
use super::gojson::{self, field_matches};
use super::secret_data::{
    DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, DOCKERCFG_KEY, DOCKERCFG_TYPE, KubeSecret,
    validate_secret_data,
};
use crate::keyring::glob::is_valid_pattern;
use crate::keyring::{KeyringOptions, RegistryKey, RegistryPattern};
use crate::provider::cloud::{CloudShape, fits_cloud_hosts};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Surprising or partly ignored, but credentials still work somewhere.
    Warning,
    /// The kubelet fails, rejects or ignores what the author meant to provide.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`Finding`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LintKind {
    /// The document is not JSON, has the wrong shape, or is too large: the kubelet fails
    /// every pull that needs this secret, or skips this node file.
    InvalidDocument,
    /// An `auth` value is not base64 or has no `:`: the kubelet rejects the whole document.
    MalformedAuth,
    /// An entry is not an object or has a non-string field: the whole document is rejected.
    InvalidEntry,
    /// An entry has no username and no password: the kubelet sends empty credentials.
    NoCredentials,
    /// An entry holds only `identitytoken`/`registrytoken`, which the kubelet drops.
    IdentityTokenOnly,
    /// `credsStore` or `credHelpers` is set; the kubelet never runs credential helpers.
    CredentialHelpersIgnored,
    /// The key's host has uppercase letters; matching is case-sensitive and image hosts are
    /// written in lowercase, so it will not match.
    UppercaseHost,
    /// The key can never match an image: unparsable, a bad glob, an empty label, a
    /// non-numeric port, an uppercase path, or a cloud-registry pattern whose label count fits
    /// no real host (`*.dkr.ecr.*.amazonaws.cn`).
    UnmatchableKey,
    /// A Docker Hub key (`https://index.docker.io/v1/`) reaches Docker Hub images only through
    /// the kubelet's fallback, used when no other key matches.
    DockerHubFallbackOnly,
    /// A key names a Docker Hub alias (`registry-1.docker.io`) that Hub images never match.
    DockerHubAliasKey,
    /// The secret's `type` and its data key disagree, or the type is not a pull-secret type:
    /// the kubelet ignores the secret.
    TypeKeyMismatch,
    /// The API server would reject the secret's data (missing key, not a JSON object).
    InvalidSecretData,
    /// The data is in the other format (a config.json in `.dockercfg`, or the reverse).
    WrongFormat,
    /// The document is valid but gives the kubelet no credentials.
    NoEntries,
    /// An entry has both `auth` and explicit `username`/`password` that disagree: the kubelet
    /// silently uses `auth`.
    AuthOverridesFields,
    /// The key's path ends with `/`, so it matches repositories below that path but not the
    /// repository named by the path itself.
    TrailingSlashPath,
}

impl LintKind {
    /// A stable kebab-case name, used in the CLI's JSON output.
    pub fn name(self) -> &'static str {
        match self {
            LintKind::InvalidDocument => "invalid-document",
            LintKind::MalformedAuth => "malformed-auth",
            LintKind::InvalidEntry => "invalid-entry",
            LintKind::NoCredentials => "no-credentials",
            LintKind::IdentityTokenOnly => "identity-token-only",
            LintKind::CredentialHelpersIgnored => "credential-helpers-ignored",
            LintKind::UppercaseHost => "uppercase-host",
            LintKind::UnmatchableKey => "unmatchable-key",
            LintKind::DockerHubFallbackOnly => "docker-hub-fallback-only",
            LintKind::DockerHubAliasKey => "docker-hub-alias-key",
            LintKind::TypeKeyMismatch => "type-key-mismatch",
            LintKind::InvalidSecretData => "invalid-secret-data",
            LintKind::WrongFormat => "wrong-format",
            LintKind::NoEntries => "no-entries",
            LintKind::AuthOverridesFields => "auth-overrides-fields",
            LintKind::TrailingSlashPath => "trailing-slash-path",
        }
    }

    /// How bad this kind of finding is.
    pub fn severity(self) -> Severity {
        match self {
            LintKind::InvalidDocument
            | LintKind::MalformedAuth
            | LintKind::InvalidEntry
            | LintKind::TypeKeyMismatch
            | LintKind::InvalidSecretData
            | LintKind::WrongFormat => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

impl fmt::Display for LintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found by [`lint`]. The message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem.
    pub kind: LintKind,
    /// The registry key (as written, with any `user:password@` replaced by `[REDACTED]@`) the
    /// finding is about, if any.
    pub registry_key: Option<String>,
    /// An explanation for a cluster admin.
    pub message: String,
}

impl Finding {
    fn new(kind: LintKind, registry_key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            registry_key: registry_key.map(crate::keyring::redact_key),
            message: message.into(),
        }
    }

    /// The kind's severity.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.severity(), self.kind)?;
        if let Some(key) = &self.registry_key {
            write!(f, " {key:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Lints a file of unknown kind: a Secret object (JSON with `"kind":"Secret"`, or with
/// `data`/`stringData` next to `type` or `metadata`), a `kind: List` of Secrets (messages
/// then start with `secret NAMESPACE/NAME: `), a `config.json` (has `auths`,
/// `credsStore`, `credHelpers` or `HttpHeaders`), or else a legacy `.dockercfg`.
///
/// ```
/// use kubepull::config::{lint, LintKind};
///
/// let findings = lint(br#"{"auths":{"quay.io":{"auth":"bm9jb2xvbg=="}},"credsStore":"desktop"}"#);
/// let kinds: Vec<_> = findings.iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [LintKind::CredentialHelpersIgnored, LintKind::MalformedAuth]);
/// ```
pub fn lint(bytes: &[u8]) -> Vec<Finding> {
    let Some(object) = parse_object(bytes) else {
        // Not an object: report it through the config.json reader.
        return lint_config_json(bytes);
    };
    if object.get("kind").and_then(Value::as_str) == Some("List") {
        return lint_list(&object);
    }
    let has = |name: &str| object.keys().any(|key| field_matches(key, name));
    let is_secret = object.get("kind").and_then(Value::as_str) == Some("Secret")
        || ((has("data") || has("stringdata")) && (has("type") || has("metadata")));
    if is_secret {
        return match KubeSecret::from_json(bytes) {
            Ok(secret) => lint_secret(&secret),
            Err(error) => vec![document_error(&error, "Secret object")],
        };
    }
    if has("auths") || has("credsstore") || has("credhelpers") || has("httpheaders") {
        lint_config_json(bytes)
    } else {
        lint_dockercfg(bytes)
    }
}

/// A `kind: List` (`kubectl get secrets -o json`): every Secret item, findings prefixed with
/// the secret's name.
fn lint_list(list: &serde_json::Map<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let items = list.get("items").and_then(Value::as_array);
    for (index, item) in items.into_iter().flatten().enumerate() {
        if item
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind != "Secret")
        {
            continue;
        }
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(item).unwrap_or_default());
        let (name, item_findings) = match KubeSecret::from_json(&bytes) {
            Ok(secret) => (secret.qualified_name(), lint_secret(&secret)),
            Err(error) => (
                format!("items[{index}]"),
                vec![document_error(&error, "Secret object")],
            ),
        };
        findings.extend(item_findings.into_iter().map(|mut finding| {
            finding.message = format!("secret {name}: {}", finding.message);
            finding
        }));
    }
    findings
}

/// Lints `config.json` bytes (a node file or `.dockerconfigjson` data).
pub fn lint_config_json(bytes: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let document = match parse_config_json(bytes) {
        Ok(document) => Some(document),
        Err(error) if error.registry_key().is_none() => {
            return vec![document_error(&error, "config.json")];
        }
        Err(_) => None,
    };
    let Some(top) = parse_object(bytes) else {
        return findings; // `null`: valid and empty, reported below as no entries
    };
    let helpers: Vec<&str> = top
        .keys()
        .filter(|key| field_matches(key, "credsstore") || field_matches(key, "credhelpers"))
        .map(String::as_str)
        .collect();
    if !helpers.is_empty() {
        findings.push(Finding::new(
            LintKind::CredentialHelpersIgnored,
            None,
            format!(
                "{} set: the kubelet reads only `auths` and never runs docker credential helpers, \
                 so registries served by a helper get no credentials on a node",
                helpers.join(" and ")
            ),
        ));
    }
    // Every `auths` object, merged as Go merges repeated map fields (later keys win).
    let mut entries: std::collections::BTreeMap<&str, &Value> = std::collections::BTreeMap::new();
    for (key, value) in top.iter() {
        if field_matches(key, "auths") {
            if let Value::Object(map) = value {
                entries.extend(map.iter().map(|(k, v)| (k.as_str(), v)));
            }
        }
    }
    if entries.is_empty() {
        let legacy_looking = top.values().any(|value| {
            value.as_object().is_some_and(|entry| {
                entry.keys().any(|k| {
                    ["auth", "username", "password"]
                        .iter()
                        .any(|f| field_matches(k, f))
                })
            })
        });
        if legacy_looking {
            findings.push(Finding::new(
                LintKind::WrongFormat,
                None,
                "registry entries at the top level without an `auths` wrapper: that is the legacy \
                 .dockercfg format; read as config.json it has no credentials (use type \
                 kubernetes.io/dockercfg with key .dockercfg, or wrap the entries in {\"auths\": ...})",
            ));
        } else if document.is_some() {
            findings.push(no_entries("config.json"));
        }
    }
    lint_entries(entries, &mut findings);
    findings
}

/// Lints legacy `.dockercfg` bytes.
pub fn lint_dockercfg(bytes: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let parsed = parse_dockercfg(bytes);
    if let Err(error) = &parsed {
        if error.registry_key().is_none() {
            return vec![document_error(error, ".dockercfg")];
        }
    }
    let Some(top) = parse_object(bytes) else {
        return vec![no_entries(".dockercfg")];
    };
    if top.keys().any(|key| key == "auths") {
        findings.push(Finding::new(
            LintKind::WrongFormat,
            Some("auths"),
            "an `auths` wrapper is config.json format; read as .dockercfg it becomes one registry \
             named \"auths\" with no credentials (use type kubernetes.io/dockerconfigjson with key \
             .dockerconfigjson)",
        ));
        return findings;
    }
    if top.is_empty() {
        findings.push(no_entries(".dockercfg"));
    }
    lint_entries(top.iter().map(|(k, v)| (k.as_str(), v)), &mut findings);
    findings
}

/// Lints a Secret object: its type and data keys, what the API server would say, and the
/// config inside.
pub fn lint_secret(secret: &KubeSecret) -> Vec<Finding> {
    let mut findings = Vec::new();
    let has_json = secret.data.contains_key(DOCKER_CONFIG_JSON_KEY);
    let has_cfg = secret.data.contains_key(DOCKERCFG_KEY);
    let ty = secret.secret_type.as_str();
    let mismatch = match (ty, has_json, has_cfg) {
        (DOCKER_CONFIG_JSON_TYPE, false, true) => Some(format!(
            "type {ty} needs key {DOCKER_CONFIG_JSON_KEY} but the data has {DOCKERCFG_KEY}: the \
             API server rejects it and the kubelet would ignore it (use type {DOCKERCFG_TYPE})"
        )),
        (DOCKERCFG_TYPE, true, false) => Some(format!(
            "type {ty} needs key {DOCKERCFG_KEY} but the data has {DOCKER_CONFIG_JSON_KEY}: the \
             API server rejects it and the kubelet would ignore it (use type {DOCKER_CONFIG_JSON_TYPE})"
        )),
        (DOCKER_CONFIG_JSON_TYPE | DOCKERCFG_TYPE, _, _) => None,
        (_, true, _) | (_, _, true) => Some(format!(
            "type {ty} is not a pull-secret type: the kubelet ignores this secret even though it \
             holds docker config data (use type {DOCKER_CONFIG_JSON_TYPE} with key \
             {DOCKER_CONFIG_JSON_KEY}, or {DOCKERCFG_TYPE} with {DOCKERCFG_KEY})"
        )),
        _ => Some(format!(
            "type {ty} with no {DOCKER_CONFIG_JSON_KEY} or {DOCKERCFG_KEY} key: this is not a pull \
             secret and the kubelet ignores it"
        )),
    };
    if let Some(message) = mismatch {
        findings.push(Finding::new(LintKind::TypeKeyMismatch, None, message));
        return findings;
    }
    if let Err(error) = validate_secret_data(ty, &secret.data) {
        findings.push(Finding::new(
            LintKind::InvalidSecretData,
            None,
            format!("the API server rejects this secret: {error}"),
        ));
        return findings;
    }
    let key = if ty == DOCKER_CONFIG_JSON_TYPE {
        DOCKER_CONFIG_JSON_KEY
    } else {
        DOCKERCFG_KEY
    };
    // Present: validation above requires it.
    let Some(bytes) = secret.data.get(key) else {
        return findings;
    };
    let inner = if ty == DOCKER_CONFIG_JSON_TYPE {
        lint_config_json(bytes)
    } else {
        lint_dockercfg(bytes)
    };
    let broken = inner.iter().any(|f| {
        matches!(
            f.kind,
            LintKind::InvalidDocument | LintKind::MalformedAuth | LintKind::InvalidEntry
        )
    });
    findings.extend(inner);
    if broken {
        if let Err(error) = secret.docker_config() {
            findings.push(Finding::new(
                LintKind::InvalidDocument,
                None,
                format!(
                    "data[{key}] is accepted by the API server, but the kubelet fails to build the \
                     keyring from it (`{error}`): every pull of a pod listing this secret fails, \
                     including pulls from other registries"
                ),
            ));
        }
    }
    findings
}

/// The document as a JSON object (`None` for anything else or a parse failure), wiped on
/// drop: the lint reads passwords and `auth` values from it.
fn parse_object(bytes: &[u8]) -> Option<WipedObject> {
    super::check_size(bytes).ok()?;
    let mut text = gojson::go_lossy_utf8(bytes);
    let parsed = serde_json::from_str(&text);
    if let std::borrow::Cow::Owned(copy) = &mut text {
        copy.zeroize();
    }
    match parsed {
        Ok(Value::Object(object)) => Some(WipedObject(object)),
        Ok(mut other) => {
            wipe(&mut other);
            None
        }
        Err(_) => None,
    }
}

/// A parsed JSON object whose strings are zeroized on drop.
struct WipedObject(serde_json::Map<String, Value>);

impl std::ops::Deref for WipedObject {
    type Target = serde_json::Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for WipedObject {
    fn drop(&mut self) {
        for (_, value) in self.0.iter_mut() {
            wipe(value);
        }
    }
}

/// Zeroizes every string in a JSON value (keys are registry keys and field names, kept).
fn wipe(value: &mut Value) {
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.iter_mut().for_each(|(_, v)| wipe(v)),
        _ => {}
    }
}

fn document_error(error: &ConfigError, what: &str) -> Finding {
    let consequence = "as a pull secret it fails every pull that needs credentials; as a node \
                       file the kubelet skips it and keeps searching";
    let problem = match error.kind() {
        ConfigErrorKind::TooLarge => error.message().to_owned(),
        ConfigErrorKind::Syntax => format!("not valid JSON ({})", error.message()),
        _ => format!("wrong JSON shape ({})", error.message()),
    };
    Finding::new(
        LintKind::InvalidDocument,
        None,
        format!("cannot read this {what}: {problem}; {consequence}"),
    )
}

fn no_entries(what: &str) -> Finding {
    Finding::new(
        LintKind::NoEntries,
        None,
        format!(
            "this {what} is valid but has no registry entries: it gives the kubelet no credentials"
        ),
    )
}

fn lint_entries<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a Value)>,
    findings: &mut Vec<Finding>,
) {
    for (key, value) in entries {
        match entry_from_value(key, value) {
            Err(error) => {
                let kind = if error.kind() == ConfigErrorKind::InvalidAuth {
                    LintKind::MalformedAuth
                } else {
                    LintKind::InvalidEntry
                };
                let what = if kind == LintKind::MalformedAuth {
                    "`auth` must be base64 of `username:password`"
                } else {
                    "the entry must be an object of strings"
                };
                findings.push(Finding::new(
                    kind,
                    Some(key),
                    format!(
                        "{what} (`{}`); the kubelet rejects the whole document because of it",
                        error.message()
                    ),
                ));
            }
            Ok(entry) if !entry.has_credentials() => {
                if entry.identity_token.is_some() || entry.registry_token.is_some() {
                    findings.push(Finding::new(
                        LintKind::IdentityTokenOnly,
                        Some(key),
                        "only an identity/registry token: the kubelet drops `identitytoken` and \
                         `registrytoken` and pulls with empty credentials (log in with a \
                         username and password, or use a credential provider plugin)",
                    ));
                } else {
                    findings.push(Finding::new(
                        LintKind::NoCredentials,
                        Some(key),
                        "no username, password or auth: the kubelet offers empty credentials \
                         for this registry",
                    ));
                }
            }
            Ok(entry) => {
                let explicit = |field: &str| {
                    value.as_object().and_then(|object| {
                        object
                            .iter()
                            .filter(|(name, _)| field_matches(name, field))
                            .filter_map(|(_, value)| value.as_str())
                            .next_back()
                    })
                };
                let user_differs =
                    explicit("username").is_some_and(|u| !u.is_empty() && u != entry.username);
                let password_differs = explicit("password")
                    .is_some_and(|p| !p.is_empty() && p != entry.password.expose_secret());
                if entry.auth.is_some() && (user_differs || password_differs) {
                    let which = match (user_differs, password_differs) {
                        (true, true) => "username and password",
                        (true, false) => "username",
                        _ => "password",
                    };
                    findings.push(Finding::new(
                        LintKind::AuthOverridesFields,
                        Some(key),
                        format!(
                            "`auth` decodes to a different {which} than the explicit field(s); the \
                             kubelet silently uses the one from `auth` (docker tools may use the \
                             other): make them agree or drop one"
                        ),
                    ));
                }
            }
        }
        lint_key(key, findings);
    }
}

fn lint_key(key: &str, findings: &mut Vec<Finding>) {
    let unmatchable = |findings: &mut Vec<Finding>, why: String| {
        findings.push(Finding::new(
            LintKind::UnmatchableKey,
            Some(key),
            format!("this key can never match an image: {why}"),
        ));
    };
    // The key as the keyring reads it: one place for the rules (`keyring::RegistryPattern`).
    let Ok(normalised) = RegistryKey::normalize(key) else {
        return unmatchable(
            findings,
            "it is not a URL the kubelet can parse, so the kubelet skips the entry".to_owned(),
        );
    };
    let pattern = RegistryPattern::from_key(&normalised, &KeyringOptions::FAITHFUL);
    let Some(parts) = pattern.compiled() else {
        return unmatchable(
            findings,
            "it is not a URL the kubelet can parse, so it matches nothing".to_owned(),
        );
    };
    let hostname = String::from_utf8_lossy(&parts.hostname);
    let path = String::from_utf8_lossy(&parts.path);
    let labels: Vec<&str> = hostname.split('.').collect();
    if hostname.is_empty() || labels.iter().any(|label| label.is_empty()) {
        return unmatchable(
            findings,
            "its host has an empty label (a leading, trailing or doubled `.`), and image hosts never do"
                .to_owned(),
        );
    }
    if !parts.valid {
        let label = labels
            .iter()
            .find(|label| !is_valid_pattern(label.as_bytes()))
            .unwrap_or(&"");
        return unmatchable(
            findings,
            format!(
                "`{label}` is not a valid glob (Go's filepath.Match rejects it), which the kubelet treats as no match"
            ),
        );
    }
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        return unmatchable(
            findings,
            "its path has uppercase letters, and repository paths are always lowercase".to_owned(),
        );
    }
    let port = String::from_utf8_lossy(&parts.port);
    let matches_host = |host: &str| {
        let authority = if port.is_empty() {
            host.to_owned()
        } else {
            format!("{host}:{port}")
        };
        pattern.matches(&format!("{authority}{path}/app"))
    };
    match fits_cloud_hosts(&labels, matches_host) {
        Some((CloudShape::Ecr, false)) => {
            return unmatchable(
                findings,
                format!(
                    "it looks like an Amazon ECR pattern, but ECR hosts have the form \
                     <account>.dkr.ecr.<region>.amazonaws.com (6 labels) or ...amazonaws.com.cn \
                     (7 labels), or another partition's suffix such as .on.aws, and each `*` \
                     matches exactly one label, so these {} labels fit no ECR host",
                    labels.len()
                ),
            );
        }
        Some((CloudShape::Acr, false)) => {
            return unmatchable(
                findings,
                format!(
                    "it looks like an Azure ACR pattern, but ACR hosts have exactly 3 labels \
                     (<name>.azurecr.io) and this key has {}",
                    labels.len()
                ),
            );
        }
        _ => {}
    }
    if hostname.bytes().any(|b| b.is_ascii_uppercase()) {
        findings.push(Finding::new(
            LintKind::UppercaseHost,
            Some(key),
            format!(
                "the host has uppercase letters and the kubelet matches hosts case-sensitively: \
                 it will not match images on {:?}; write the key in lowercase",
                hostname.to_ascii_lowercase()
            ),
        ));
    }
    if path.len() > 1 && path.ends_with('/') {
        let repository = format!("{hostname}{}", path.trim_end_matches('/'));
        findings.push(Finding::new(
            LintKind::TrailingSlashPath,
            Some(key),
            format!(
                "the path ends with `/`: the kubelet matches paths as byte prefixes, so this key \
                 covers {repository}/... but not the image {repository} itself; drop the slash \
                 to cover both"
            ),
        ));
    }
    let normalised_path = path.trim_end_matches('/');
    if port.is_empty() && normalised_path.is_empty() {
        match &*hostname {
            "index.docker.io" => findings.push(Finding::new(
                LintKind::DockerHubFallbackOnly,
                Some(key),
                "Docker Hub images (docker.io/...) never match this key directly; the kubelet \
                 offers it only as a fallback when no other key matches, so a broader key such \
                 as `*.io` takes precedence; the fallback also covers names without a registry \
                 host, such as localhost/foo. Write the key as `docker.io` to match directly",
            )),
            "registry-1.docker.io" | "registry.hub.docker.com" => findings.push(Finding::new(
                LintKind::DockerHubAliasKey,
                Some(key),
                "Docker Hub images are looked up as docker.io/..., which never matches this \
                 host, and the Hub fallback only uses `index.docker.io`; write the key as \
                 `docker.io` or `https://index.docker.io/v1/`",
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_zeroizes_every_string_and_keeps_keys() {
        let mut value: Value = serde_json::json!({
            "auths": {"quay.io": {"password": "hunter2", "auth": "dTpodW50ZXIy"}},
            "list": ["hunter2", 1, null, {"deep": "hunter2"}],
        });
        wipe(&mut value);
        let text = value.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("dTpo"),
            "{text}"
        );
        assert!(
            text.contains("quay.io") && text.contains("password"),
            "{text}"
        );
    }
}
