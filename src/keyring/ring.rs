//! The keyring: pod pull secrets, then the node's docker config, then credential provider
//! answers, as the kubelet unions them (`keyring.go` `UnionDockerKeyring`,
//! `secrets/secrets.go` `MakeDockerKeyring`, `plugin/plugin.go`).

use std::fmt;
use std::sync::Arc;

use super::gourl::{UrlError, redact_key};
use super::index::Layer;
use super::pattern::{RegistryKey, Target};
use super::{KeyringOptions, is_default_registry_match_with};
use crate::go::quote_bytes;
use crate::{Reference, Secret};

/// Where a credential came from.
///
/// `Display` gives the form the CLI prints: `secret:NAMESPACE/NAME` (`secret:NAME` when the
/// namespace is unknown), `node:PATH` or `provider:NAME`.
///
/// ```
/// use kubepull::keyring::CredentialSource;
///
/// let source = CredentialSource::secret("default", "regcred", "1b2c");
/// assert_eq!(source.to_string(), "secret:default/regcred");
/// assert_eq!(CredentialSource::node("/var/lib/kubelet/config.json").to_string(),
///            "node:/var/lib/kubelet/config.json");
/// assert_eq!(CredentialSource::provider("ecr-credential-provider").to_string(),
///            "provider:ecr-credential-provider");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialSource {
    /// A pod pull secret (`imagePullSecrets`); the kubelet's `SecretCoordinates`.
    Secret {
        /// The secret's namespace (the pod's).
        namespace: String,
        /// The secret's name.
        name: String,
        /// The secret's UID, which KEP-2535 records key on.
        uid: String,
    },
    /// The node's docker config file (the first valid one on the search path).
    Node {
        /// The file the credential was read from.
        path: String,
    },
    /// A kubelet credential provider plugin's answer.
    Provider {
        /// The provider's name in the kubelet's `CredentialProviderConfig`.
        name: String,
    },
}

impl CredentialSource {
    /// A pull secret.
    pub fn secret(
        namespace: impl Into<String>,
        name: impl Into<String>,
        uid: impl Into<String>,
    ) -> Self {
        CredentialSource::Secret {
            namespace: namespace.into(),
            name: name.into(),
            uid: uid.into(),
        }
    }

    /// A node docker config file.
    pub fn node(path: impl Into<String>) -> Self {
        CredentialSource::Node { path: path.into() }
    }

    /// A credential provider plugin.
    pub fn provider(name: impl Into<String>) -> Self {
        CredentialSource::Provider { name: name.into() }
    }

    /// Which of the three keyrings the kubelet unions this source belongs to.
    fn layer(&self) -> usize {
        match self {
            CredentialSource::Secret { .. } => 0,
            CredentialSource::Node { .. } => 1,
            CredentialSource::Provider { .. } => 2,
        }
    }
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Secret {
                namespace, name, ..
            } => write!(f, "secret:{namespace}/{name}"),
            CredentialSource::Node { path } => write!(f, "node:{path}"),
            CredentialSource::Provider { name } => write!(f, "provider:{name}"),
        }
    }
}

/// One credential in the keyring: the kubelet's `TrackedAuthConfig` (username, password and
/// email; the keyring never carries identity or registry tokens) plus the key it was filed
/// under and its source.
///
/// `Debug` redacts the password.
#[derive(Debug, Clone)]
pub struct Credential {
    pub(crate) key: RegistryKey,
    username: String,
    password: Secret,
    email: String,
    source: Arc<CredentialSource>,
}

impl Credential {
    /// The normalised key this credential was filed under.
    pub fn key(&self) -> &RegistryKey {
        &self.key
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password (may be empty).
    pub fn password(&self) -> &Secret {
        &self.password
    }

    /// The email, kept because KEP-2535's credential hash covers it; never sent to a registry.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Where the credential came from.
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// The kubelet's `AuthConfigHash` of this credential (KEP-2535): SHA-256 of the JSON of
    /// username, password and email, as [`crate::verify::credential_hash`] computes it.
    pub fn credential_hash(&self) -> String {
        crate::verify::credential_hash(&self.username, &self.password, &self.email)
    }
}

/// The keyring could not be built; the kubelet fails the pull with this error.
///
/// The message names the secret and its data key and carries the parser's reason, never
/// any value from the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringError {
    kind: KeyringErrorKind,
}

/// What went wrong building a keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyringErrorKind {
    /// A pull secret's docker config did not parse (`MakeDockerKeyring` returns the error).
    MalformedSecret {
        /// The secret.
        source: CredentialSource,
        /// The data key that was read, `.dockerconfigjson` or `.dockercfg`.
        data_key: String,
        /// Why it did not parse.
        reason: String,
    },
}

impl KeyringError {
    /// What went wrong.
    pub fn kind(&self) -> &KeyringErrorKind {
        &self.kind
    }
}

impl fmt::Display for KeyringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            KeyringErrorKind::MalformedSecret {
                source,
                data_key,
                reason,
            } => {
                write!(f, "pull {source}: data key {data_key:?}: {reason}")
            }
        }
    }
}

impl std::error::Error for KeyringError {}

/// Something the keyring ignored, as the kubelet would (it logs these).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyringWarning {
    /// A key that is not a URL; its credential is dropped. `Display` is the kubelet's log
    /// line, `Entry "KEY" in dockercfg invalid (ERROR), ignoring`, with any userinfo in the
    /// key redacted.
    InvalidKey {
        /// Where the entry came from.
        source: CredentialSource,
        /// The key as written, userinfo redacted, cut to 256 bytes.
        key: String,
        /// Why it did not parse.
        error: UrlError,
    },
    /// A malformed pull secret skipped under [`KeyringOptions::skip_malformed_secrets`].
    SkippedSecret {
        /// The secret.
        source: CredentialSource,
        /// The data key that was read.
        data_key: String,
        /// Why it did not parse.
        reason: String,
    },
}

impl fmt::Display for KeyringWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringWarning::InvalidKey { key, error, .. } => {
                write!(
                    f,
                    "Entry {} in dockercfg invalid ({error}), ignoring",
                    quote_bytes(key.as_bytes())
                )
            }
            KeyringWarning::SkippedSecret {
                source,
                data_key,
                reason,
            } => {
                write!(f, "skipping pull {source}: data key {data_key:?}: {reason}")
            }
        }
    }
}

/// Collects credentials and builds a [`Keyring`].
///
/// Add pull secrets in `pod.spec.imagePullSecrets` order; the node config and provider
/// answers may come in any order relative to them (each source kind has its own keyring, as
/// in the kubelet), but providers must come in the kubelet's config order.
#[derive(Debug)]
pub struct KeyringBuilder {
    options: KeyringOptions,
    layers: [Vec<Credential>; 3],
    warnings: Vec<KeyringWarning>,
    error: Option<KeyringError>,
    last_source: Option<Arc<CredentialSource>>,
}

impl KeyringBuilder {
    /// An empty builder.
    pub fn new(options: KeyringOptions) -> KeyringBuilder {
        KeyringBuilder {
            options,
            layers: [Vec::new(), Vec::new(), Vec::new()],
            warnings: Vec::new(),
            error: None,
            last_source: None,
        }
    }

    /// Adds one docker config entry: the registry key as written (`https://index.docker.io/v1/`,
    /// `quay.io/org`, `*.azurecr.io`), the user name and password, from `source`.
    ///
    /// A key Go cannot parse is skipped with a [`KeyringWarning::InvalidKey`], as the kubelet
    /// does.
    pub fn add(
        &mut self,
        source: &CredentialSource,
        key: &str,
        username: &str,
        password: Secret,
    ) -> &mut Self {
        self.add_with_email(source, key, username, password, "")
    }

    /// [`KeyringBuilder::add`] with the entry's email (kept for KEP-2535 hashing).
    pub fn add_with_email(
        &mut self,
        source: &CredentialSource,
        key: &str,
        username: &str,
        password: Secret,
        email: &str,
    ) -> &mut Self {
        let source = self.intern(source);
        match RegistryKey::normalize(key) {
            Ok(key) => self.layers[source.layer()].push(Credential {
                key,
                username: username.to_owned(),
                password,
                email: email.to_owned(),
                source,
            }),
            Err(error) => self.warnings.push(KeyringWarning::InvalidKey {
                source: (*source).clone(),
                key: shorten(redact_key(key)),
                error,
            }),
        }
        self
    }

    /// Records that a pull secret's data did not parse. Faithfully, [`KeyringBuilder::build`]
    /// then fails with the first such secret; with
    /// [`KeyringOptions::skip_malformed_secrets`] it is skipped with a warning.
    ///
    /// `reason` must not contain secret material; the `config` module's errors do not.
    pub fn add_malformed_secret(
        &mut self,
        source: &CredentialSource,
        data_key: &str,
        reason: impl fmt::Display,
    ) -> &mut Self {
        let (source, data_key, reason) = (source.clone(), data_key.to_owned(), reason.to_string());
        if self.options.skip_malformed_secrets {
            self.warnings.push(KeyringWarning::SkippedSecret {
                source,
                data_key,
                reason,
            });
        } else if self.error.is_none() {
            self.error = Some(KeyringError {
                kind: KeyringErrorKind::MalformedSecret {
                    source,
                    data_key,
                    reason,
                },
            });
        }
        self
    }

    /// Builds the index. Linear in the number of entries (plus one sort of the keys). The
    /// builder is left empty, with its options, so calls chain:
    ///
    /// ```
    /// use kubepull::Secret;
    /// use kubepull::keyring::{CredentialSource, Keyring};
    ///
    /// let node = CredentialSource::node("/var/lib/kubelet/config.json");
    /// let keyring = Keyring::builder()
    ///     .add(&node, "quay.io", "robot", Secret::new("s3cret"))
    ///     .build()?;
    /// assert_eq!(keyring.lookup_str("quay.io/org/app")[0].username(), "robot");
    /// # Ok::<(), kubepull::keyring::KeyringError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A pull secret was recorded as malformed and malformed secrets are not skipped.
    pub fn build(&mut self) -> Result<Keyring, KeyringError> {
        // By `&mut self`, so that `Keyring::builder().add(…).build()` chains; the builder is
        // left empty (its options kept) for reuse.
        self.last_source = None;
        let warnings = std::mem::take(&mut self.warnings);
        if let Some(error) = self.error.take() {
            self.layers = Default::default();
            return Err(error);
        }
        let options = self.options;
        let [secrets, node, providers] = std::mem::take(&mut self.layers);
        Ok(Keyring {
            layers: [
                Layer::build(secrets, &options),
                Layer::build(node, &options),
                Layer::build(providers, &options),
            ],
            options,
            warnings,
        })
    }

    /// Shares one allocation among the entries of a source added one after another.
    fn intern(&mut self, source: &CredentialSource) -> Arc<CredentialSource> {
        match &self.last_source {
            Some(last) if **last == *source => Arc::clone(last),
            _ => {
                let interned = Arc::new(source.clone());
                self.last_source = Some(Arc::clone(&interned));
                interned
            }
        }
    }
}

/// Keys quoted in warnings are cut to this many bytes.
const MAX_QUOTED_KEY: usize = 256;

/// Cuts a key for a message, at a character boundary.
fn shorten(mut key: String) -> String {
    if key.len() > MAX_QUOTED_KEY {
        let mut end = MAX_QUOTED_KEY;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key.truncate(end);
        key.push('…');
    }
    key
}

/// The kubelet's keyring for one pod: pull-secret credentials first (ordered by key
/// specificity across all secrets), then the node's, then the credential providers'.
///
/// Each of the three is a separate `BasicDockerKeyring`, exactly as in the kubelet
/// (`UnionDockerKeyring{secrets, Union{node, plugins}}`), which has two consequences worth
/// knowing: key order only applies within a source kind, and the Docker Hub fallback is
/// decided per source kind (node Docker Hub credentials are still offered when a secret
/// matched).
///
/// ```
/// use kubepull::Secret;
/// use kubepull::keyring::{CredentialSource, Keyring};
///
/// let first = CredentialSource::secret("default", "first", "uid-1");
/// let second = CredentialSource::secret("default", "second", "uid-2");
/// let mut builder = Keyring::builder();
/// builder
///     .add(&first, "quay.io", "ada", Secret::new("pw-a"))
///     .add(&second, "quay.io/org", "grace", Secret::new("pw-g"))
///     .add(&CredentialSource::node("/var/lib/kubelet/config.json"),
///          "https://index.docker.io/v1/", "hub", Secret::new("pw-h"));
/// let keyring = builder.build()?;
///
/// // More specific keys first, across secrets.
/// let found = keyring.lookup_str("quay.io/org/app");
/// let users: Vec<_> = found.iter().map(|c| c.username()).collect();
/// assert_eq!(users, ["grace", "ada"]);
/// assert_eq!(found[0].source().to_string(), "secret:default/second");
///
/// // Docker Hub images reach `index.docker.io` through the fallback.
/// assert_eq!(keyring.lookup_str("docker.io/library/nginx")[0].username(), "hub");
/// # Ok::<(), kubepull::keyring::KeyringError>(())
/// ```
#[derive(Default)]
pub struct Keyring {
    layers: [Layer; 3],
    options: KeyringOptions,
    warnings: Vec<KeyringWarning>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("credentials", &self.len())
            .field("options", &self.options)
            .field("warnings", &self.warnings.len())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// A builder with the kubelet's exact behaviour.
    pub fn builder() -> KeyringBuilder {
        KeyringBuilder::new(KeyringOptions::FAITHFUL)
    }

    /// A builder with hardening options.
    pub fn builder_with(options: KeyringOptions) -> KeyringBuilder {
        KeyringBuilder::new(options)
    }

    /// The credentials the kubelet would try for `image`, in the order it tries them
    /// (`keyring.go` `Lookup`). The image is looked up by its name without tag or digest
    /// (`domain/path`, e.g. `docker.io/library/nginx`), as the kubelet's `repoToPull`.
    ///
    /// An empty result means the kubelet pulls anonymously. [`Keyring::matches`] walks the
    /// same credentials without collecting them.
    pub fn lookup(&self, image: &Reference) -> Vec<&Credential> {
        self.matches(image).collect()
    }

    /// [`Keyring::lookup`] for an image string used as is (`DockerKeyring.Lookup(image)`):
    /// nothing is normalised, so `nginx` is looked up as `nginx`, not
    /// `docker.io/library/nginx`.
    pub fn lookup_str(&self, image: &str) -> Vec<&Credential> {
        self.matches_str(image).collect()
    }

    /// The credentials [`Keyring::lookup`] returns, in the same order, one at a time and
    /// without allocating: for a pull loop that stops at the first credential that works.
    ///
    /// ```
    /// use kubepull::{Reference, Secret};
    /// use kubepull::keyring::{CredentialSource, Keyring};
    ///
    /// let secret = CredentialSource::secret("default", "regcred", "uid");
    /// let mut builder = Keyring::builder();
    /// builder
    ///     .add(&secret, "quay.io", "ada", Secret::new("old"))
    ///     .add(&secret, "quay.io/org", "grace", Secret::new("new"));
    /// let keyring = builder.build()?;
    ///
    /// let image = Reference::parse("quay.io/org/app:1.0")?;
    /// // The most specific key comes first; stop at the first credential the registry takes.
    /// let works = |c: &kubepull::keyring::Credential| c.password().expose_secret() == "old";
    /// let used = keyring.matches(&image).find(|c| works(c));
    /// assert_eq!(used.map(|c| c.username()), Some("ada"));
    /// assert_eq!(keyring.matches(&image).count(), keyring.lookup(&image).len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn matches<'k, 'i>(&'k self, image: &'i Reference) -> Matches<'k, 'i> {
        let target = Target::from_reference(image, self.options.case_insensitive_hosts);
        Matches::new(self, image.name(), target)
    }

    /// [`Keyring::matches`] for an image string used as is, like [`Keyring::lookup_str`].
    pub fn matches_str<'k, 'i>(&'k self, image: &'i str) -> Matches<'k, 'i> {
        let target = Target::parse(image, self.options.case_insensitive_hosts);
        Matches::new(self, image, target)
    }

    /// What was ignored while building (invalid keys, skipped secrets).
    pub fn warnings(&self) -> &[KeyringWarning] {
        &self.warnings
    }

    /// The options the keyring was built with.
    pub fn options(&self) -> &KeyringOptions {
        &self.options
    }

    /// How many credentials the keyring holds.
    pub fn len(&self) -> usize {
        self.credentials().count()
    }

    /// Whether the keyring holds no credential (every pull is anonymous).
    pub fn is_empty(&self) -> bool {
        self.credentials().next().is_none()
    }

    /// Every credential: pull secrets, node, providers, each in index order.
    pub fn credentials(&self) -> impl Iterator<Item = &Credential> {
        self.layers.iter().flat_map(Layer::credentials)
    }

    /// The distinct normalised keys of one source kind, in the kubelet's index order
    /// (descending bytes). `kind` is any source of that kind.
    pub fn keys<'a>(
        &'a self,
        kind: &CredentialSource,
    ) -> impl Iterator<Item = &'a RegistryKey> + 'a {
        self.layers[kind.layer()].keys()
    }
}

/// How many matching keys of one source kind [`Matches`] holds at a time; more are found by
/// probing the index again for the keys after the last one returned.
const MATCH_BATCH: usize = 8;

/// The credentials the kubelet would try for an image, in order: what
/// [`Keyring::matches`] and [`Keyring::matches_str`] return.
///
/// It allocates nothing, unless the image's host has to be lowercased for
/// [`KeyringOptions::case_insensitive_hosts`] or, with [`Keyring::matches_str`], the image
/// string holds `%`-escapes to decode. The index is probed for one source kind at a time,
/// and the matching keys are kept in a fixed buffer of eight, sorted into the kubelet's
/// order; when more keys than that match, the index is probed again for the rest.
pub struct Matches<'k, 'i> {
    keyring: &'k Keyring,
    image: &'i str,
    target: Option<Target<'i>>,
    /// The source kind being walked (3 when done).
    layer: usize,
    /// Entry indices of the current batch, ascending.
    batch: [u32; MATCH_BATCH],
    batch_len: usize,
    batch_pos: usize,
    /// More keys matched than the batch holds.
    more: bool,
    /// The layer matched no key, so the Docker Hub fallback entries are walked instead.
    hub: std::slice::Iter<'k, usize>,
    credentials: std::slice::Iter<'k, Credential>,
    /// `is_default_registry_match` of the image, computed on first need.
    default_registry: Option<bool>,
}

impl<'k, 'i> Matches<'k, 'i> {
    fn new(keyring: &'k Keyring, image: &'i str, target: Option<Target<'i>>) -> Self {
        let mut matches = Matches {
            keyring,
            image,
            target,
            layer: 0,
            batch: [0; MATCH_BATCH],
            batch_len: 0,
            batch_pos: 0,
            more: false,
            hub: [].iter(),
            credentials: [].iter(),
            default_registry: None,
        };
        matches.start_layer();
        matches
    }

    /// Probes the current layer for its first batch, or picks the Docker Hub fallback.
    fn start_layer(&mut self) {
        self.fill(None);
        if self.batch_len == 0 {
            let layer = &self.keyring.layers[self.layer];
            if !layer.hub().is_empty() && self.default_registry() {
                self.hub = layer.hub().iter();
            }
        }
    }

    fn default_registry(&mut self) -> bool {
        let (image, options) = (self.image, &self.keyring.options);
        *self
            .default_registry
            .get_or_insert_with(|| is_default_registry_match_with(image, options))
    }

    /// Fills the batch with the smallest matching entry indices above `after`.
    fn fill(&mut self, after: Option<usize>) {
        let (mut batch, mut len, mut more) = ([0u32; MATCH_BATCH], 0usize, false);
        if let Some(target) = &self.target {
            let layer = &self.keyring.layers[self.layer];
            layer.visit_matches(target, &self.keyring.options, |i| {
                if after.is_some_and(|a| i <= a) {
                    return;
                }
                // Entry indices fit in u32: a keyring of 4 billion keys does not fit in memory.
                let i = i as u32;
                let at = match batch[..len].binary_search(&i) {
                    Ok(_) => return,
                    Err(at) => at,
                };
                if len == MATCH_BATCH {
                    more = true;
                    if at == MATCH_BATCH {
                        return;
                    }
                } else {
                    len += 1;
                }
                batch.copy_within(at..len - 1, at + 1);
                batch[at] = i;
            });
        }
        (self.batch, self.batch_len, self.batch_pos, self.more) = (batch, len, 0, more);
    }

    /// The next matching entry of the current layer.
    fn next_entry(&mut self) -> Option<usize> {
        if let Some(&i) = self.hub.next() {
            return Some(i);
        }
        if self.batch_pos == self.batch_len && self.more {
            let last = self.batch[self.batch_len - 1] as usize;
            self.fill(Some(last));
        }
        let i = *self.batch[..self.batch_len].get(self.batch_pos)?;
        self.batch_pos += 1;
        Some(i as usize)
    }
}

impl<'k> Iterator for Matches<'k, '_> {
    type Item = &'k Credential;

    fn next(&mut self) -> Option<&'k Credential> {
        loop {
            if let Some(credential) = self.credentials.next() {
                return Some(credential);
            }
            if self.layer == self.keyring.layers.len() {
                return None;
            }
            match self.next_entry() {
                Some(i) => {
                    self.credentials = self.keyring.layers[self.layer].entry_credentials(i).iter();
                }
                None => {
                    self.layer += 1;
                    if self.layer < self.keyring.layers.len() {
                        self.start_layer();
                    }
                }
            }
        }
    }
}

impl std::iter::FusedIterator for Matches<'_, '_> {}

impl fmt::Debug for Matches<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matches")
            .field("image", &self.image)
            .finish_non_exhaustive()
    }
}
