//! `CredentialProviderConfig` (`kubelet.config.k8s.io/v1`): decoding and validation.

use std::collections::BTreeSet;
use std::fmt;

use super::duration::GoDuration;
use super::node::{Node, StrictDecoder};
use super::pattern::{MatchImage, urls_match_str};
use super::request::CredentialProviderRequest;
use super::{MAX_DOCUMENT_LEN, ProviderError, ProviderErrorKind};
use crate::go::{push_json_string, quote as go_quote};

/// The `kind` of the kubelet's credential provider config.
pub const CONFIG_KIND: &str = "CredentialProviderConfig";

/// The config `apiVersion`s the kubelet decodes (`tokenAttributes` exists only in `v1`).
pub const CONFIG_API_VERSIONS: [&str; 3] = [
    "kubelet.config.k8s.io/v1alpha1",
    "kubelet.config.k8s.io/v1beta1",
    "kubelet.config.k8s.io/v1",
];

/// The plugin API versions a provider's `apiVersion` may name, in the order the kubelet
/// lists them in its `Unsupported value` error (sorted).
pub const PLUGIN_API_VERSIONS: [&str; 3] = [
    "credentialprovider.kubelet.k8s.io/v1",
    "credentialprovider.kubelet.k8s.io/v1alpha1",
    "credentialprovider.kubelet.k8s.io/v1beta1",
];

const PLUGIN_API_V1: &str = "credentialprovider.kubelet.k8s.io/v1";

/// The kubelet's `--image-credential-provider-config` file.
///
/// Decoding is strict like the kubelet's: field names are case-sensitive, unknown and
/// repeated fields are errors (`strict decoding error: unknown field "providers[0].x"`),
/// `null` reads as absent. Decoding does not validate; call
/// [`CredentialProviderConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialProviderConfig {
    /// The config's `apiVersion` (one of [`CONFIG_API_VERSIONS`]).
    pub api_version: String,
    /// The providers, in the order the kubelet queries them.
    pub providers: Vec<CredentialProvider>,
}

/// One `providers[]` entry: an exec plugin and the images it serves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialProvider {
    /// The executable's file name inside the plugin bin dir.
    pub name: String,
    /// The `matchImages` patterns, as written.
    pub match_images: Vec<String>,
    /// `defaultCacheDuration`; `None` when absent (a validation error).
    pub default_cache_duration: Option<GoDuration>,
    /// The plugin API version of requests and responses (one of [`PLUGIN_API_VERSIONS`]).
    pub api_version: String,
    /// Arguments passed to the plugin.
    pub args: Vec<String>,
    /// Environment variables added after the kubelet's own (later entries win).
    pub env: Vec<ExecEnvVar>,
    /// Service-account token mode (KEP-4412), `v1` only.
    pub token_attributes: Option<ServiceAccountTokenAttributes>,
}

/// One `env` entry of a provider. `Debug` does not print the value (it may be a secret).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ExecEnvVar {
    /// The variable's name.
    pub name: String,
    /// The variable's value.
    pub value: String,
}

impl fmt::Debug for ExecEnvVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecEnvVar")
            .field("name", &self.name)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

/// `tokenAttributes`: what the kubelet sends a plugin in service-account token mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceAccountTokenAttributes {
    /// `serviceAccountTokenAudience`: the audience of the projected token.
    pub service_account_token_audience: String,
    /// `cacheType` as written (`Token` or `ServiceAccount` once validated).
    pub cache_type: String,
    /// `requireServiceAccount`; `None` when absent (a validation error).
    pub require_service_account: Option<bool>,
    /// Annotations the service account must carry; they are sent to the plugin.
    pub required_service_account_annotation_keys: Vec<String>,
    /// Annotations sent to the plugin when the service account carries them.
    pub optional_service_account_annotation_keys: Vec<String>,
}

/// `tokenAttributes.cacheType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceAccountTokenCacheType {
    /// Cache per token (required when the plugin returns the token as the password).
    Token,
    /// Cache per service account (namespace, name, UID, selected annotations).
    ServiceAccount,
}

impl ServiceAccountTokenAttributes {
    /// The validated cache type; `None` for any other text.
    pub fn cache_type(&self) -> Option<ServiceAccountTokenCacheType> {
        match self.cache_type.as_str() {
            "Token" => Some(ServiceAccountTokenCacheType::Token),
            "ServiceAccount" => Some(ServiceAccountTokenCacheType::ServiceAccount),
            _ => None,
        }
    }
}

impl CredentialProviderConfig {
    /// Decodes a JSON config.
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::TooLarge`], [`ProviderErrorKind::Syntax`],
    /// [`ProviderErrorKind::Decode`] (wrong types, missing or unknown `kind`/`apiVersion`),
    /// [`ProviderErrorKind::Strict`] (unknown or repeated fields).
    pub fn from_json(bytes: &[u8]) -> Result<CredentialProviderConfig, ProviderError> {
        check_size(bytes)?;
        let node: Node = serde_json::from_slice(bytes).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::Syntax,
                format!("error decoding config: {}", syntax_message(&e)),
            )
        })?;
        decode_config(&node)
    }

    /// Decodes a YAML config (the kubelet converts YAML to JSON and decodes that, so the
    /// same strict rules apply).
    ///
    /// kubepull reads YAML 1.2 (`serde_norway`); the kubelet's `go-yaml` v2 also takes YAML
    /// 1.1 spellings such as `yes`/`no` as booleans, which then fail as wrong types there.
    ///
    /// Flow collections (`[`, `{`) nested deeper than [`MAX_YAML_DEPTH`] are refused before
    /// the YAML parser runs: its cost grows with the square of the nesting depth (100 KB of
    /// `[` took 9.8 s), and `serde_norway` refuses that depth anyway, only after parsing it all.
    ///
    /// # Errors
    ///
    /// As [`CredentialProviderConfig::from_json`].
    #[cfg(feature = "yaml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
    pub fn from_yaml(bytes: &[u8]) -> Result<CredentialProviderConfig, ProviderError> {
        check_size(bytes)?;
        check_yaml_nesting(bytes)?;
        let node: Node = serde_norway::from_slice(bytes).map_err(|e| {
            let position = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            ProviderError::new(
                ProviderErrorKind::Syntax,
                format!("error decoding config: invalid YAML{position}"),
            )
        })?;
        decode_config(&node)
    }

    /// Decodes JSON, or YAML when the document does not start with `{` (YAML needs feature
    /// `yaml`), as the kubelet's universal decoder does.
    ///
    /// # Errors
    ///
    /// As [`CredentialProviderConfig::from_json`]; without feature `yaml` a non-JSON
    /// document is a [`ProviderErrorKind::Syntax`] error.
    pub fn from_slice(bytes: &[u8]) -> Result<CredentialProviderConfig, ProviderError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'{') {
            return CredentialProviderConfig::from_json(bytes);
        }
        #[cfg(feature = "yaml")]
        {
            CredentialProviderConfig::from_yaml(bytes)
        }
        #[cfg(not(feature = "yaml"))]
        {
            Err(ProviderError::new(
                ProviderErrorKind::Syntax,
                "error decoding config: not JSON (YAML configs need kubepull's `yaml` feature)",
            ))
        }
    }

    /// Concatenates the configs of a config directory (files already read in lexical
    /// order), as newer kubelets do.
    ///
    /// # Errors
    ///
    /// A repeated provider name: `duplicate provider name "<n>" found in configuration file(s)`.
    pub fn concat(
        configs: impl IntoIterator<Item = CredentialProviderConfig>,
    ) -> Result<CredentialProviderConfig, ProviderError> {
        let mut merged = CredentialProviderConfig::default();
        let mut names = BTreeSet::new();
        for config in configs {
            if merged.api_version.is_empty() {
                merged.api_version = config.api_version;
            }
            for provider in config.providers {
                if !names.insert(provider.name.clone()) {
                    return Err(ProviderError::new(
                        ProviderErrorKind::Decode,
                        format!(
                            "duplicate provider name {} found in configuration file(s)",
                            go_quote(&provider.name)
                        ),
                    ));
                }
                merged.providers.push(provider);
            }
        }
        Ok(merged)
    }

    /// Reads a config directory as newer kubelets do, given its files as `(file name,
    /// contents)` in any order: only `*.json`, `*.yaml` and `*.yml` are used, in lexical
    /// order; each is decoded ([`CredentialProviderConfig::from_slice`]), the providers are
    /// concatenated, and the `sha256:<hex>` hash the kubelet exports as a metric is computed
    /// over the used files (each prefixed by its length as a big-endian `u64`).
    ///
    /// # Errors
    ///
    /// `no configuration files found in directory "<dir>"`,
    /// `error decoding config "<dir>/<file>": <error>`, or a duplicate provider name.
    pub fn from_directory(
        dir: &str,
        files: impl IntoIterator<Item = (String, Vec<u8>)>,
    ) -> Result<(CredentialProviderConfig, String), ProviderError> {
        let mut files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .filter(|(name, _)| is_config_file_name(name))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        if files.is_empty() {
            return Err(ProviderError::new(
                ProviderErrorKind::Decode,
                format!(
                    "no configuration files found in directory {}",
                    go_quote(dir)
                ),
            ));
        }
        let mut configs = Vec::with_capacity(files.len());
        for (name, bytes) in &files {
            let path = format!("{}/{name}", dir.trim_end_matches('/'));
            let config = CredentialProviderConfig::from_slice(bytes).map_err(|e| {
                ProviderError::new(
                    e.kind(),
                    format!("error decoding config {}: {e}", go_quote(&path)),
                )
            })?;
            configs.push(config);
        }
        let hash = config_hash(files.iter().map(|(_, bytes)| bytes.as_slice()));
        Ok((CredentialProviderConfig::concat(configs)?, hash))
    }

    /// Validates as the kubelet does with the `KubeletServiceAccountTokenForCredentialProviders`
    /// feature gate on (its default in current releases).
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::Invalid`]; `Display` is the kubelet's aggregate, e.g.
    /// `providers.matchImages: Required value: at least 1 item in matchImages is required`
    /// (the kubelet prefixes it with `failed to validate credential provider config: `).
    pub fn validate(&self) -> Result<(), ProviderError> {
        self.validate_with_gate(true)
    }

    /// [`CredentialProviderConfig::validate`] with the service-account-token feature gate
    /// given explicitly.
    ///
    /// # Errors
    ///
    /// As [`CredentialProviderConfig::validate`].
    pub fn validate_with_gate(&self, service_account_tokens: bool) -> Result<(), ProviderError> {
        let errors = validate(self, service_account_tokens);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ProviderError::invalid(errors))
        }
    }

    /// The providers the kubelet would run for `image` (the repository without tag or
    /// digest), in config order.
    pub fn matching<'a>(&'a self, image: &'a str) -> impl Iterator<Item = &'a CredentialProvider> {
        self.providers.iter().filter(move |p| p.matches(image))
    }
}

impl CredentialProvider {
    /// Whether any `matchImages` entry matches `image` (entries that do not parse match
    /// nothing).
    pub fn matches(&self, image: &str) -> bool {
        self.match_images.iter().any(|m| urls_match_str(m, image))
    }

    /// The parsed `matchImages` entries; those that fail to parse are skipped (validation
    /// reports them).
    pub fn match_image_patterns(&self) -> Vec<MatchImage> {
        self.match_images
            .iter()
            .filter_map(|m| MatchImage::parse(m).ok())
            .collect()
    }

    /// The request the kubelet writes to this plugin's stdin for `image`, without a
    /// service-account token.
    pub fn request(&self, image: &str) -> CredentialProviderRequest {
        CredentialProviderRequest::new(&self.api_version, image)
    }

    /// `defaultCacheDuration` as a std duration; zero when absent or negative (neither
    /// passes validation).
    pub fn default_cache_duration(&self) -> std::time::Duration {
        self.default_cache_duration
            .and_then(GoDuration::as_std)
            .unwrap_or_default()
    }
}

/// Whether the kubelet reads a file of a config directory: its extension is `.json`,
/// `.yaml` or `.yml`.
pub fn is_config_file_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| matches!(ext, "json" | "yaml" | "yml"))
}

/// The kubelet's config hash metric: `sha256:<hex>` over every config file in order, each
/// prefixed by its length as a big-endian `u64`.
///
/// ```
/// let hash = kubepull::provider::config_hash([b"{}".as_slice()]);
/// assert!(hash.starts_with("sha256:") && hash.len() == 71);
/// ```
pub fn config_hash<'a>(files: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut all = Vec::new();
    for data in files {
        all.extend_from_slice(&(data.len() as u64).to_be_bytes());
        all.extend_from_slice(data);
    }
    crate::go::sha256_digest(&all)
}

/// The deepest nesting of YAML flow collections kubepull parses: 128, `serde_norway`'s own
/// recursion limit. Deeper YAML (provider configs, Kubernetes objects) is refused before the
/// parser runs, whose time grows with the square of the depth.
pub use crate::yaml::MAX_YAML_DEPTH;

/// Refuses YAML nested deeper than [`MAX_YAML_DEPTH`] before the parser runs.
#[cfg(feature = "yaml")]
fn check_yaml_nesting(bytes: &[u8]) -> Result<(), ProviderError> {
    match crate::yaml::too_deep_at(bytes) {
        None => Ok(()),
        Some((line, column)) => Err(ProviderError::new(
            ProviderErrorKind::Syntax,
            format!(
                "error decoding config: invalid YAML at line {line} column {column}: flow \
                 collections nested deeper than {MAX_YAML_DEPTH}"
            ),
        )),
    }
}

fn check_size(bytes: &[u8]) -> Result<(), ProviderError> {
    if bytes.len() > MAX_DOCUMENT_LEN {
        return Err(ProviderError::new(
            ProviderErrorKind::TooLarge,
            format!(
                "document of {} bytes is longer than the {MAX_DOCUMENT_LEN} bytes kubepull reads",
                bytes.len()
            ),
        ));
    }
    Ok(())
}

/// A serde_json syntax error as a position, never the input.
pub(crate) fn syntax_message(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of JSON input",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "invalid JSON value",
        serde_json::error::Category::Io => "read error",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// The anonymous struct Go's GVK sniffing decodes into, as `%v` prints its type.
pub(crate) const FIND_KIND_TYPE: &str = r#"struct { APIVersion string "json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" }"#;

fn decode_config(node: &Node) -> Result<CredentialProviderConfig, ProviderError> {
    let decode_error = |m: String| ProviderError::new(ProviderErrorKind::Decode, m);
    let Node::Object(members) = node else {
        return Err(decode_error(format!(
            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type {FIND_KIND_TYPE}",
            node.go_kind()
        )));
    };
    let lookup = |key: &str| {
        members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| match v {
                Node::String(s) => s.as_str(),
                _ => "",
            })
            .unwrap_or("")
    };
    let (kind, api_version) = (lookup("kind"), lookup("apiVersion"));
    // Go prints the whole document here; kubepull does not, since env values may be secrets.
    if kind.is_empty() {
        return Err(decode_error("Object 'Kind' is missing".to_owned()));
    }
    if api_version.is_empty() {
        return Err(decode_error("Object 'apiVersion' is missing".to_owned()));
    }
    if kind != CONFIG_KIND || !CONFIG_API_VERSIONS.contains(&api_version) {
        return Err(decode_error(format!(
            "no kind {} is registered for version {}",
            go_quote(kind),
            go_quote(api_version)
        )));
    }
    let v1 = api_version == "kubelet.config.k8s.io/v1";
    let package = api_version.rsplit('/').next().unwrap_or("v1");

    let mut d = StrictDecoder::default();
    let mut config = CredentialProviderConfig {
        api_version: api_version.to_owned(),
        providers: Vec::new(),
    };
    let top = d
        .object(node, "", &["kind", "apiVersion", "providers"], "", "", "")
        .unwrap_or_default();
    for member in top {
        if !d.member_error(&member) || member.key != "providers" {
            continue;
        }
        match member.value {
            Node::Null => config.providers.clear(),
            Node::Array(items) => {
                config.providers = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| decode_provider(&mut d, item, i, v1, package))
                    .collect();
            }
            other => d.wrong_type(
                other,
                "CredentialProviderConfig",
                "providers",
                &format!("[]{package}.CredentialProvider"),
            ),
        }
    }
    if let Some(message) = d.type_error {
        return Err(decode_error(message));
    }
    if !d.strict.is_empty() {
        return Err(ProviderError::new(
            ProviderErrorKind::Strict,
            format!("strict decoding error: {}", d.strict.join(", ")),
        ));
    }
    Ok(config)
}

fn decode_provider(
    d: &mut StrictDecoder,
    node: &Node,
    index: usize,
    v1: bool,
    package: &str,
) -> CredentialProvider {
    const S: &str = "CredentialProvider";
    let path = format!("providers[{index}]");
    let mut known = vec![
        "name",
        "matchImages",
        "defaultCacheDuration",
        "apiVersion",
        "args",
        "env",
    ];
    if v1 {
        known.push("tokenAttributes");
    }
    let mut provider = CredentialProvider::default();
    let Some(members) = d.object(
        node,
        &path,
        &known,
        "CredentialProviderConfig",
        "providers",
        &format!("{package}.CredentialProvider"),
    ) else {
        return provider;
    };
    for member in members {
        if !d.member_error(&member) {
            continue;
        }
        let value = member.value;
        match member.key {
            "name" => provider.name = d.string(value, S, "providers.name"),
            "apiVersion" => provider.api_version = d.string(value, S, "providers.apiVersion"),
            "matchImages" => {
                provider.match_images = d
                    .strings(value, S, "providers.matchImages")
                    .unwrap_or_default();
            }
            "args" => provider.args = d.strings(value, S, "providers.args").unwrap_or_default(),
            "defaultCacheDuration" => {
                provider.default_cache_duration = match value {
                    Node::Null => None,
                    Node::String(text) => match GoDuration::parse(text) {
                        Ok(duration) => Some(duration),
                        Err(e) => {
                            d.fatal(e.to_string());
                            None
                        }
                    },
                    other => {
                        d.wrong_type(other, "", "", "string");
                        None
                    }
                };
            }
            "env" => match value {
                Node::Null => provider.env.clear(),
                Node::Array(items) => {
                    provider.env = items
                        .iter()
                        .enumerate()
                        .map(|(j, item)| {
                            let mut var = ExecEnvVar::default();
                            let env_path = format!("{path}.env[{j}]");
                            let members = d
                                .object(
                                    item,
                                    &env_path,
                                    &["name", "value"],
                                    S,
                                    "providers.env",
                                    &format!("{package}.ExecEnvVar"),
                                )
                                .unwrap_or_default();
                            for m in members {
                                if !d.member_error(&m) {
                                    continue;
                                }
                                let v = m.value;
                                match m.key {
                                    "name" => {
                                        var.name = d.string(v, "ExecEnvVar", "providers.env.name")
                                    }
                                    _ => {
                                        var.value = d.string(v, "ExecEnvVar", "providers.env.value")
                                    }
                                }
                            }
                            var
                        })
                        .collect();
                }
                other => d.wrong_type(
                    other,
                    S,
                    "providers.env",
                    &format!("[]{package}.ExecEnvVar"),
                ),
            },
            _ => {
                // tokenAttributes (v1 only; the key list rejected it elsewhere).
                if matches!(value, Node::Null) {
                    provider.token_attributes = None;
                    continue;
                }
                const T: &str = "ServiceAccountTokenAttributes";
                let members = d.object(
                    value,
                    &format!("{path}.tokenAttributes"),
                    &[
                        "serviceAccountTokenAudience",
                        "cacheType",
                        "requireServiceAccount",
                        "requiredServiceAccountAnnotationKeys",
                        "optionalServiceAccountAnnotationKeys",
                    ],
                    S,
                    "providers.tokenAttributes",
                    &format!("{package}.ServiceAccountTokenAttributes"),
                );
                let Some(members) = members else { continue };
                let mut attributes = ServiceAccountTokenAttributes::default();
                for m in members {
                    if !d.member_error(&m) {
                        continue;
                    }
                    let (k, v) = (m.key, m.value);
                    let field = format!("providers.tokenAttributes.{k}");
                    match k {
                        "serviceAccountTokenAudience" => {
                            attributes.service_account_token_audience = d.string(v, T, &field);
                        }
                        "cacheType" => attributes.cache_type = d.string(v, T, &field),
                        "requireServiceAccount" => {
                            attributes.require_service_account = d.bool(v, T, &field);
                        }
                        "requiredServiceAccountAnnotationKeys" => {
                            attributes.required_service_account_annotation_keys =
                                d.strings(v, T, &field).unwrap_or_default();
                        }
                        _ => {
                            attributes.optional_service_account_annotation_keys =
                                d.strings(v, T, &field).unwrap_or_default();
                        }
                    }
                }
                provider.token_attributes = Some(attributes);
            }
        }
    }
    provider
}

/// One validation error, printed as apimachinery's `field.Error`:
/// `<field>: <type>[: <value>][: <detail>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field path, e.g. `providers.matchImages`.
    pub field: String,
    /// The kind of error.
    pub error_type: FieldErrorType,
    /// The offending value as apimachinery prints it: `%q` for a string (`"%invalid%"`,
    /// `"-1m0s"`), compact Go JSON for a list (`["a","b"]`, as apimachinery's
    /// `field.Error.ErrorBody` prints non-primitive values in the release this module follows;
    /// older releases printed `[]string{"a", "b"}`); empty for
    /// `Required` and `Forbidden`.
    pub bad_value: String,
    /// The explanation.
    pub detail: String,
}

/// `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorType {
    /// `Required value`.
    Required,
    /// `Invalid value`.
    Invalid,
    /// `Duplicate value`.
    Duplicate,
    /// `Unsupported value`.
    NotSupported,
    /// `Forbidden`.
    Forbidden,
}

impl fmt::Display for FieldErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldErrorType::Required => "Required value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::NotSupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
        })
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error_type)?;
        if !matches!(
            self.error_type,
            FieldErrorType::Required | FieldErrorType::Forbidden
        ) {
            write!(f, ": {}", self.bad_value)?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// A list of strings as `encoding/json` writes it: `["a","b"]`.
fn go_json_string_list(items: &[&str]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, item);
    }
    out.push(']');
    out
}

fn field_error(
    field: &str,
    error_type: FieldErrorType,
    bad_value: String,
    detail: impl Into<String>,
) -> FieldError {
    FieldError {
        field: field.to_owned(),
        error_type,
        bad_value,
        detail: detail.into(),
    }
}

fn not_supported(field: &str, value: &str, supported: &[&str]) -> FieldError {
    field_error(
        field,
        FieldErrorType::NotSupported,
        go_quote(value),
        crate::apimachinery::supported_values(supported),
    )
}

/// `validateCredentialProviderConfig`, check for check in the kubelet's order.
fn validate(config: &CredentialProviderConfig, gate: bool) -> Vec<FieldError> {
    use FieldErrorType::*;
    let mut errs = Vec::new();
    if config.providers.is_empty() {
        errs.push(field_error(
            "providers",
            Required,
            String::new(),
            "at least 1 item in plugins is required",
        ));
    }
    let mut seen_names: BTreeSet<&str> = BTreeSet::new();
    for provider in &config.providers {
        let name = provider.name.as_str();
        if name.contains('/') {
            errs.push(field_error(
                "providers.name",
                Invalid,
                go_quote(name),
                "provider name cannot contain '/'",
            ));
        }
        if name.contains(' ') {
            errs.push(field_error(
                "providers.name",
                Invalid,
                go_quote(name),
                "provider name cannot contain spaces",
            ));
        }
        if name == "." {
            errs.push(field_error(
                "providers.name",
                Invalid,
                go_quote(name),
                "provider name cannot be '.'",
            ));
        }
        if name == ".." {
            errs.push(field_error(
                "providers.name",
                Invalid,
                go_quote(name),
                "provider name cannot be '..'",
            ));
        }
        if !seen_names.insert(name) {
            errs.push(field_error("providers.name", Duplicate, go_quote(name), ""));
        }
        if provider.api_version.is_empty() {
            errs.push(field_error(
                "providers.apiVersion",
                Required,
                String::new(),
                "",
            ));
        } else if !PLUGIN_API_VERSIONS.contains(&provider.api_version.as_str()) {
            errs.push(not_supported(
                "providers.apiVersion",
                &provider.api_version,
                &PLUGIN_API_VERSIONS,
            ));
        }
        if provider.match_images.is_empty() {
            errs.push(field_error(
                "providers.matchImages",
                Required,
                String::new(),
                "at least 1 item in matchImages is required",
            ));
        }
        for match_image in &provider.match_images {
            if let Err(e) = MatchImage::parse(match_image) {
                errs.push(field_error(
                    "providers.matchImages",
                    Invalid,
                    go_quote(match_image),
                    format!("match image is invalid: {e}"),
                ));
            }
        }
        match provider.default_cache_duration {
            None => errs.push(field_error(
                "providers.defaultCacheDuration",
                Required,
                String::new(),
                "",
            )),
            Some(d) if d.is_negative() => errs.push(field_error(
                "providers.defaultCacheDuration",
                Invalid,
                go_quote(&d.to_string()),
                "must be greater than or equal to 0",
            )),
            Some(_) => {}
        }
        if let Some(attributes) = &provider.token_attributes {
            const P: &str = "providers.tokenAttributes";
            if !gate {
                errs.push(field_error(P, Forbidden, String::new(), "tokenAttributes is not supported when KubeletServiceAccountTokenForCredentialProviders feature gate is disabled"));
            }
            if attributes.service_account_token_audience.is_empty() {
                errs.push(field_error(
                    "providers.tokenAttributes.serviceAccountTokenAudience",
                    Required,
                    String::new(),
                    "",
                ));
            }
            if attributes.require_service_account.is_none() {
                errs.push(field_error(
                    "providers.tokenAttributes.requireServiceAccount",
                    Required,
                    String::new(),
                    "",
                ));
            }
            if provider.api_version != PLUGIN_API_V1 {
                errs.push(field_error(
                    P,
                    Forbidden,
                    String::new(),
                    format!("tokenAttributes is only supported for {PLUGIN_API_V1} API version"),
                ));
            }
            if attributes.require_service_account == Some(false)
                && !attributes
                    .required_service_account_annotation_keys
                    .is_empty()
            {
                errs.push(field_error(
                    "providers.tokenAttributes.requiredServiceAccountAnnotationKeys",
                    Forbidden,
                    String::new(),
                    "requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set",
                ));
            }
            validate_annotation_keys(
                &mut errs,
                "providers.tokenAttributes.requiredServiceAccountAnnotationKeys",
                &attributes.required_service_account_annotation_keys,
            );
            validate_annotation_keys(
                &mut errs,
                "providers.tokenAttributes.optionalServiceAccountAnnotationKeys",
                &attributes.optional_service_account_annotation_keys,
            );
            let required: BTreeSet<&str> = attributes
                .required_service_account_annotation_keys
                .iter()
                .map(String::as_str)
                .collect();
            let optional: BTreeSet<&str> = attributes
                .optional_service_account_annotation_keys
                .iter()
                .map(String::as_str)
                .collect();
            let both: Vec<&str> = required.intersection(&optional).copied().collect();
            if !both.is_empty() {
                errs.push(field_error(
                    P,
                    Invalid,
                    go_json_string_list(&both),
                    "annotation keys cannot be both required and optional",
                ));
            }
            if attributes.cache_type.is_empty() {
                errs.push(field_error(
                    "providers.tokenAttributes.cacheType",
                    Required,
                    String::new(),
                    "cacheType is required to be set when tokenAttributes is specified. Supported values are: ServiceAccount, Token",
                ));
            } else if attributes.cache_type().is_none() {
                errs.push(not_supported(
                    "providers.tokenAttributes.cacheType",
                    &attributes.cache_type,
                    &["ServiceAccount", "Token"],
                ));
            }
        }
    }
    errs
}

fn validate_annotation_keys(errs: &mut Vec<FieldError>, field: &str, keys: &[String]) {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for key in keys {
        for message in is_qualified_name(&key.to_lowercase()) {
            errs.push(field_error(
                field,
                FieldErrorType::Invalid,
                go_quote(key),
                message,
            ));
        }
        if !seen.insert(key) {
            errs.push(field_error(
                field,
                FieldErrorType::Duplicate,
                go_quote(key),
                "",
            ));
        }
    }
}

const QUALIFIED_NAME_MESSAGE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_FORMAT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FORMAT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// apimachinery's `RegexError`, with its odd `'x',  or 'y', ` spacing.
fn regex_error(message: &str, format: &str, examples: &[&str]) -> String {
    let mut out = message.to_owned();
    if examples.is_empty() {
        out.push_str(&format!(" (regex used for validation is '{format}')"));
        return out;
    }
    out.push_str(" (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{example}', "));
    }
    out.push_str(&format!("regex used for validation is '{format}')"));
    out
}

fn is_qualified_name_part(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn is_dns1123_subdomain(value: &str) -> bool {
    !value.is_empty()
        && value.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
                && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

/// apimachinery's `IsQualifiedName`: the messages for an invalid annotation key.
fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                if prefix.len() > 253 {
                    errs.push("prefix part must be no more than 253 characters".to_owned());
                }
                if !is_dns1123_subdomain(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(
                            DNS1123_SUBDOMAIN_MESSAGE,
                            DNS1123_SUBDOMAIN_FORMAT,
                            &["example.com"]
                        )
                    ));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_owned());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_MESSAGE,
                QUALIFIED_NAME_FORMAT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}
