//! Turning the user's credential files into a keyring, and credentials into output rows.
//! The rules (order, matching, the node file, plugin answers) are the library's.

use kubepull::config::{DockerConfig, Finding, KubeSecret};
use kubepull::keyring::Credential;
use kubepull::provider::{CredentialProviderResponse, PLUGIN_API_VERSIONS};
use serde::Serialize;

use crate::InputError;
use crate::input;

/// One credential as every output shows it: never the password.
#[derive(Serialize, Clone)]
pub struct Row {
    /// The registry key, as written in its file.
    pub key: String,
    /// The user name.
    pub username: String,
    /// `secret:NS/NAME`, `node:PATH` or `provider:NAME`.
    pub source: String,
}

impl Row {
    /// The row of a keyring credential.
    pub fn new(credential: &Credential) -> Row {
        Row {
            key: credential.key().to_string(),
            username: credential.username().to_owned(),
            source: credential.source().to_string(),
        }
    }
}

/// A lint finding with the file it was found in.
#[derive(Serialize)]
pub struct LintLine {
    /// The file, as the user named it.
    pub file: String,
    /// The registry key the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The finding's stable name.
    pub kind: String,
    /// What is wrong.
    pub message: String,
}

impl LintLine {
    /// Every finding of `findings`, as found in `file`.
    pub fn all(file: &str, findings: Vec<Finding>) -> impl Iterator<Item = LintLine> + '_ {
        findings.into_iter().map(move |f| LintLine {
            file: file.to_owned(),
            key: f.registry_key.clone(),
            kind: f.kind.name().to_owned(),
            message: f.message.clone(),
        })
    }
}

/// The Secrets in `path` (a Secret, a List of them, JSON or YAML), each with the file.
///
/// # Errors
///
/// The file cannot be read or holds something other than Secrets.
pub fn read_secrets(path: &str) -> Result<Vec<KubeSecret>, InputError> {
    let objects = input::objects(path)?;
    let name = input::display_name(path);
    if let Some(kind) = objects.other_kinds.first() {
        return Err(InputError(format!(
            "{name}: expected Secrets, found a {kind}"
        )));
    }
    if !objects.pods.is_empty() || !objects.service_accounts.is_empty() {
        return Err(InputError(format!(
            "{name}: expected Secrets, found a Pod or ServiceAccount (give it as the input)"
        )));
    }
    Ok(objects.secrets)
}

/// The node's docker config in `bytes`: `.dockercfg` when the file is named so, else
/// `config.json`. A file that does not parse is skipped with a warning (`None`), as the
/// kubelet skips it on its search path.
pub fn node_config(name: &str, bytes: &[u8]) -> Option<DockerConfig> {
    let legacy = name.rsplit('/').next() == Some(".dockercfg");
    let parsed = if legacy {
        DockerConfig::from_dockercfg(bytes)
    } else {
        DockerConfig::from_config_json(bytes)
    };
    parsed
        .map_err(|error| {
            eprintln!("kubepull: node config {name} skipped, as the kubelet would: {error}");
        })
        .ok()
}

/// A credential provider plugin's answer (the JSON it prints), saved to `path`, as the
/// provider's name and its credentials. The provider is named after the file
/// (`ecr-credential-provider.json` is `provider:ecr-credential-provider`). It is decoded as
/// the kubelet decodes a plugin's stdout; an answer the kubelet would reject is skipped with
/// a warning (`None`).
///
/// # Errors
///
/// The file cannot be read.
pub fn provider_response(path: &str) -> Result<Option<(String, DockerConfig)>, InputError> {
    let bytes = input::read(path)?;
    let name = path
        .rsplit('/')
        .next()
        .map(|file| file.strip_suffix(".json").unwrap_or(file))
        .unwrap_or(path);
    // The kubelet expects its config's apiVersion; with no config, any version it speaks.
    let claimed = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("apiVersion")?.as_str().map(str::to_owned));
    let expected = claimed
        .as_deref()
        .filter(|v| PLUGIN_API_VERSIONS.contains(v))
        .unwrap_or(PLUGIN_API_VERSIONS[0]);
    match CredentialProviderResponse::parse(&bytes, expected) {
        Ok(response) => Ok(Some((name.to_owned(), response.to_docker_config()))),
        Err(error) => {
            eprintln!("kubepull: {path} skipped, as the kubelet would: {error}");
            Ok(None)
        }
    }
}
