//! Opt-in hardening. Every option is off by default, and off means "exactly what the kubelet
//! does".

/// Ways to make the keyring safer than the kubelet. All off by default.
///
/// ```
/// use kubepull::keyring::KeyringOptions;
///
/// let options = KeyringOptions::default()
///     .with_path_segment_boundaries(true)
///     .with_strict_docker_hub_fallback(true);
/// assert!(options.path_segment_boundaries);
/// assert!(!options.case_insensitive_hosts);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct KeyringOptions {
    /// A key's path matches only at a `/` boundary: `quay.io/team` matches `quay.io/team` and
    /// `quay.io/team/app` but no longer `quay.io/teamster/app`.
    ///
    /// Upstream (`URLsMatch`) compares paths as byte prefixes, so the credentials for one
    /// repository prefix are also offered to every repository whose name merely starts with
    /// the same bytes (`keyring.go` `URLsMatch`).
    pub path_segment_boundaries: bool,
    /// Docker Hub credentials (the key `index.docker.io`) are never offered through the
    /// fallback to an image whose first component is `localhost` or contains an upper-case
    /// letter: the dot-less, port-less components that distribution/reference treats as a
    /// registry host rather than a Docker Hub namespace.
    ///
    /// Upstream (`isDefaultRegistryMatch`) treats every first component with neither `.` nor
    /// `:` as Docker Hub, so `localhost/foo` (and `Registry/app`) receives the Docker Hub
    /// password (vector 177). Lower-case dot-less components (`foo/bar`, a Docker Hub
    /// namespace in an unnormalised name) still get the fallback.
    pub strict_docker_hub_fallback: bool,
    /// Host names (keys and images) are compared ignoring ASCII case; ports and paths stay
    /// case-sensitive. Keys are still ordered and deduplicated by their bytes as written.
    ///
    /// Upstream keeps the case `url.Parse` returns and `filepath.Match` is case-sensitive, so
    /// a key `Registry.IO` never matches `registry.io/x` (vector 176).
    pub case_insensitive_hosts: bool,
    /// A pull secret whose data does not parse is skipped, with a
    /// [`KeyringWarning::SkippedSecret`](super::KeyringWarning::SkippedSecret), instead of
    /// failing the whole keyring.
    ///
    /// Upstream (`pkg/credentialprovider/secrets/secrets.go` `MakeDockerKeyring`) returns the
    /// error, so one malformed secret makes every pull of the pod fail, even those that other
    /// secrets or the node could serve.
    pub skip_malformed_secrets: bool,
}

impl KeyringOptions {
    /// Exactly the kubelet's behaviour (the default).
    pub const FAITHFUL: KeyringOptions = KeyringOptions {
        path_segment_boundaries: false,
        strict_docker_hub_fallback: false,
        case_insensitive_hosts: false,
        skip_malformed_secrets: false,
    };

    /// Every hardening option on.
    pub const HARDENED: KeyringOptions = KeyringOptions {
        path_segment_boundaries: true,
        strict_docker_hub_fallback: true,
        case_insensitive_hosts: true,
        skip_malformed_secrets: true,
    };

    /// Sets [`KeyringOptions::path_segment_boundaries`].
    #[must_use]
    pub const fn with_path_segment_boundaries(mut self, on: bool) -> KeyringOptions {
        self.path_segment_boundaries = on;
        self
    }

    /// Sets [`KeyringOptions::strict_docker_hub_fallback`].
    #[must_use]
    pub const fn with_strict_docker_hub_fallback(mut self, on: bool) -> KeyringOptions {
        self.strict_docker_hub_fallback = on;
        self
    }

    /// Sets [`KeyringOptions::case_insensitive_hosts`].
    #[must_use]
    pub const fn with_case_insensitive_hosts(mut self, on: bool) -> KeyringOptions {
        self.case_insensitive_hosts = on;
        self
    }

    /// Sets [`KeyringOptions::skip_malformed_secrets`].
    #[must_use]
    pub const fn with_skip_malformed_secrets(mut self, on: bool) -> KeyringOptions {
        self.skip_malformed_secrets = on;
        self
    }
}
