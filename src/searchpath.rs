//! The node credential search path: where the kubelet looks for `config.json` and
//! `.dockercfg`, in which order, and how long it caches what it found: Kubernetes v1.35
//! `pkg/credentialprovider/config.go` (`ReadDockerConfigJSONFile`, `ReadDockercfgFile`) and
//! `pkg/credentialprovider/provider.go` (the 5-minute cache).
//!
//! Pure: directories are values, files are read through a caller-supplied [`ConfigReader`],
//! and the cache takes the current time as an argument. The `fs` feature wires these to the
//! real disk.
//!
//! ```
//! use std::path::Path;
//! use kubepull::searchpath::SearchPath;
//!
//! let search = SearchPath::new("/var/lib/kubelet", "/srv", Some("/root"));
//! let candidates: Vec<_> = search.candidates().into_iter().map(|c| c.path).collect();
//! assert_eq!(candidates[0], Path::new("/var/lib/kubelet/config.json"));
//! assert_eq!(candidates[2], Path::new("/root/.docker/config.json"));
//! assert_eq!(candidates[6], Path::new("/root/.dockercfg"));
//!
//! // Only /root/.dockercfg exists.
//! let found = search.resolve(|path: &Path| {
//!     Ok((path == Path::new("/root/.dockercfg"))
//!         .then(|| br#"{"quay.io":{"auth":"Zm9vOmJhcg=="}}"#.to_vec()))
//! })?;
//! assert_eq!(found.path, Path::new("/root/.dockercfg"));
//! assert_eq!(found.config.get("quay.io").unwrap().username, "foo");
//! # Ok::<(), kubepull::searchpath::SearchPathError>(())
//! ```

use std::fmt;
use std::io;
use std::ops::Add;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{ConfigError, DockerConfig};

/// The kubelet's default `--root-dir`, its preferred directory for node credentials.
pub const DEFAULT_ROOT_DIR: &str = "/var/lib/kubelet";

/// How long the kubelet keeps the node config before reading the files again
/// (`CachingDockerConfigProvider{Lifetime: 5m}`).
pub const CACHE_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The two node file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    /// `config.json`: `{"auths":{...}}`.
    ConfigJson,
    /// Legacy `.dockercfg`: the bare map.
    Dockercfg,
}

impl ConfigFormat {
    /// The file name: `config.json` or `.dockercfg`.
    pub fn file_name(self) -> &'static str {
        match self {
            ConfigFormat::ConfigJson => "config.json",
            ConfigFormat::Dockercfg => ".dockercfg",
        }
    }

    /// Parses bytes in this format as the kubelet's file readers do.
    ///
    /// # Errors
    ///
    /// As [`DockerConfig::from_config_json`] and [`DockerConfig::from_dockercfg`].
    pub fn parse(self, bytes: &[u8]) -> Result<DockerConfig, ConfigError> {
        match self {
            ConfigFormat::ConfigJson => DockerConfig::from_config_json(bytes),
            ConfigFormat::Dockercfg => DockerConfig::from_dockercfg(bytes),
        }
    }
}

impl fmt::Display for ConfigFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// One file the kubelet tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The absolute, cleaned path (`filepath.Abs(filepath.Join(dir, name))`).
    pub path: PathBuf,
    /// The format it is read in.
    pub format: ConfigFormat,
}

/// The directories the kubelet searches, as values.
///
/// * `root_dir`: the kubelet's `--root-dir` ([`DEFAULT_ROOT_DIR`]); `""` for library use
///   without one, which makes the first candidate the working directory again.
/// * `working_dir`: the process's current directory **at lookup time**; relative paths
///   resolve against it.
/// * `home`: `$HOME` (`os.UserHomeDir()`); `None` when unset, which makes the home
///   candidates `.docker/config.json` and `.dockercfg` relative to the working directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPath {
    root_dir: String,
    /// `None` when the working directory is unknown (`os.Getwd` failed).
    working_dir: Option<String>,
    home: Option<String>,
}

impl SearchPath {
    /// A search path from explicit directories.
    pub fn new(
        root_dir: impl AsRef<Path>,
        working_dir: impl AsRef<Path>,
        home: Option<impl AsRef<Path>>,
    ) -> SearchPath {
        let text = |path: &Path| path.to_string_lossy().into_owned();
        SearchPath {
            root_dir: text(root_dir.as_ref()),
            working_dir: Some(text(working_dir.as_ref())),
            home: home.map(|home| text(home.as_ref())),
        }
    }

    /// A search path for a process whose working directory cannot be determined: as in the
    /// kubelet (`filepath.Abs` fails), every candidate that would need it is left out.
    pub fn without_working_dir(
        root_dir: impl AsRef<Path>,
        home: Option<impl AsRef<Path>>,
    ) -> SearchPath {
        let mut search = SearchPath::new(root_dir, "/", home);
        search.working_dir = None;
        search
    }

    /// The directories searched for `config.json`, as the kubelet prints them in its error:
    /// root dir, `""` (the working directory), `$HOME/.docker`, `/.docker`.
    pub fn config_json_dirs(&self) -> [String; 4] {
        [
            self.root_dir.clone(),
            String::new(),
            go_join(self.home.as_deref().unwrap_or(""), ".docker"),
            "/.docker".to_owned(),
        ]
    }

    /// The directories searched for `.dockercfg`: root dir, `""`, `$HOME`, `/`.
    pub fn dockercfg_dirs(&self) -> [String; 4] {
        [
            self.root_dir.clone(),
            String::new(),
            self.home.clone().unwrap_or_default(),
            "/".to_owned(),
        ]
    }

    /// Every file tried, in order: the four `config.json` candidates, then the four
    /// `.dockercfg` candidates (fewer only for [`SearchPath::without_working_dir`]).
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut out = Vec::with_capacity(8);
        for (format, dirs) in [
            (ConfigFormat::ConfigJson, self.config_json_dirs()),
            (ConfigFormat::Dockercfg, self.dockercfg_dirs()),
        ] {
            for dir in dirs {
                if let Some(path) = self.absolute(&go_join(&dir, format.file_name())) {
                    out.push(Candidate {
                        path: PathBuf::from(path),
                        format,
                    });
                }
            }
        }
        out
    }

    /// Searches like the kubelet's `ReadDockerConfigFile`: the first candidate that exists
    /// **and** parses wins, files are never merged, and a `config.json` that parses with no
    /// `auths` (`{}`) wins with zero credentials. `.dockercfg` files are tried only when no
    /// `config.json` was valid. Missing, unreadable and unparsable files are skipped.
    ///
    /// # Errors
    ///
    /// When nothing valid is found: [`SearchPathError`], whose `Display` is the kubelet's
    /// `couldn't find valid .dockercfg after checking in [...]`, with every attempt recorded.
    pub fn resolve(&self, mut reader: impl ConfigReader) -> Result<Resolved, SearchPathError> {
        let mut attempts = Vec::new();
        for candidate in self.candidates() {
            let outcome = match reader.read(&candidate.path) {
                Ok(None) => Outcome::Missing,
                Err(error) => Outcome::Unreadable(error.kind()),
                // The file's bytes hold its passwords: wiped once parsed.
                Ok(Some(bytes)) => match candidate.format.parse(&zeroize::Zeroizing::new(bytes)) {
                    Ok(config) => {
                        attempts.push(Attempt {
                            candidate: candidate.clone(),
                            outcome: Outcome::Found,
                        });
                        return Ok(Resolved {
                            path: candidate.path,
                            format: candidate.format,
                            config,
                            attempts,
                        });
                    }
                    Err(error) => Outcome::Invalid(error),
                },
            };
            attempts.push(Attempt { candidate, outcome });
        }
        Err(SearchPathError {
            dirs: Box::new((self.config_json_dirs(), self.dockercfg_dirs())),
            attempts,
        })
    }

    /// The node config as the kubelet's default provider returns it: the resolved config, or
    /// an empty one when nothing valid was found (the kubelet logs and carries on).
    pub fn node_config(&self, reader: impl ConfigReader) -> DockerConfig {
        self.resolve(reader)
            .map(|found| found.config)
            .unwrap_or_default()
    }

    /// `filepath.Abs`: relative paths resolve against the working directory, then `Clean`.
    fn absolute(&self, path: &str) -> Option<String> {
        if path.starts_with('/') {
            Some(crate::go::clean(path))
        } else {
            self.working_dir.as_deref().map(|dir| go_join(dir, path))
        }
    }
}

impl Default for SearchPath {
    /// Root dir [`DEFAULT_ROOT_DIR`], working directory `/`, no home.
    fn default() -> SearchPath {
        SearchPath::new(DEFAULT_ROOT_DIR, "/", None::<&str>)
    }
}

/// Reads a candidate file: `Ok(None)` when it does not exist, `Err` when it exists but
/// cannot be read (both are skipped, as in the kubelet).
///
/// Implemented for closures `FnMut(&Path) -> io::Result<Option<Vec<u8>>>`.
pub trait ConfigReader {
    /// Reads the file at `path`.
    ///
    /// # Errors
    ///
    /// Any I/O error other than "not found"; the search skips the file.
    fn read(&mut self, path: &Path) -> io::Result<Option<Vec<u8>>>;
}

impl<F: FnMut(&Path) -> io::Result<Option<Vec<u8>>>> ConfigReader for F {
    fn read(&mut self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        self(path)
    }
}

/// What happened to one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The file does not exist.
    Missing,
    /// The file exists but could not be read.
    Unreadable(io::ErrorKind),
    /// The file was read but does not parse; skipped.
    Invalid(ConfigError),
    /// The file was read, parsed, and won.
    Found,
}

/// One candidate and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The file.
    pub candidate: Candidate,
    /// What happened.
    pub outcome: Outcome,
}

/// The winning file and its config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The file that won.
    pub path: PathBuf,
    /// Its format.
    pub format: ConfigFormat,
    /// Its credentials (possibly none: `{}` is a valid `config.json`).
    pub config: DockerConfig,
    /// Every candidate tried, the winner last.
    pub attempts: Vec<Attempt>,
}

/// No valid node credential file was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPathError {
    /// The `config.json` and `.dockercfg` directory lists (boxed: keeps `Result`s small).
    dirs: Box<([String; 4], [String; 4])>,
    attempts: Vec<Attempt>,
}

impl SearchPathError {
    /// Every candidate tried and why it was skipped.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The kubelet's error for the `config.json` half of the search:
    /// `couldn't find valid config.json after checking in [DIR DIR DIR DIR]` (Go `%v` of the
    /// directory list; the working directory prints as an empty string).
    pub fn config_json_message(&self) -> String {
        not_found_message("config.json", &self.dirs.0)
    }
}

fn not_found_message(name: &str, dirs: &[String]) -> String {
    format!(
        "couldn't find valid {name} after checking in [{}]",
        dirs.join(" ")
    )
}

impl fmt::Display for SearchPathError {
    /// The error the kubelet returns: the `.dockercfg` one, since that list is searched last.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&not_found_message(".dockercfg", &self.dirs.1))
    }
}

impl std::error::Error for SearchPathError {}

/// The kubelet's node-config cache (`CachingDockerConfigProvider`) as a value: the clock is
/// passed in, so it works with [`Instant`], a test clock, or any ordered time type.
///
/// A cached value is served while `now < stored_at + lifetime`; after that the caller
/// refreshes. Edits to node files are therefore seen within [`CACHE_LIFETIME`].
///
/// ```
/// use std::time::Duration;
/// use kubepull::searchpath::NodeConfigCache;
///
/// // Any `Copy + Ord + Add<Duration>` works as the clock; Duration stands in for Instant.
/// let mut cache = NodeConfigCache::<u32, Duration>::new();
/// let t0 = Duration::ZERO;
/// assert_eq!(*cache.get_or_refresh(t0, || 1), 1);
/// assert_eq!(*cache.get_or_refresh(t0 + Duration::from_secs(299), || 2), 1);
/// assert_eq!(*cache.get_or_refresh(t0 + Duration::from_secs(300), || 3), 3);
/// ```
#[derive(Debug, Clone)]
pub struct NodeConfigCache<T = DockerConfig, I = Instant> {
    lifetime: Duration,
    cached: Option<(T, I)>,
}

impl<T, I: Copy + Ord + Add<Duration, Output = I>> NodeConfigCache<T, I> {
    /// An empty cache with the kubelet's [`CACHE_LIFETIME`].
    pub fn new() -> Self {
        Self::with_lifetime(CACHE_LIFETIME)
    }

    /// An empty cache with another lifetime.
    pub fn with_lifetime(lifetime: Duration) -> Self {
        NodeConfigCache {
            lifetime,
            cached: None,
        }
    }

    /// The cached value if it has not expired at `now`.
    pub fn get(&self, now: I) -> Option<&T> {
        match &self.cached {
            Some((value, expires)) if now < *expires => Some(value),
            _ => None,
        }
    }

    /// Stores a fresh value read at `now`.
    pub fn store(&mut self, value: T, now: I) -> &T {
        let (value, _) = self.cached.insert((value, now + self.lifetime));
        value
    }

    /// The cached value, or a fresh one from `refresh` stored at `now`.
    pub fn get_or_refresh(&mut self, now: I, refresh: impl FnOnce() -> T) -> &T {
        if self.get(now).is_none() {
            self.cached = None;
        }
        let lifetime = self.lifetime;
        &self
            .cached
            .get_or_insert_with(|| (refresh(), now + lifetime))
            .0
    }
}

impl<T, I: Copy + Ord + Add<Duration, Output = I>> Default for NodeConfigCache<T, I> {
    fn default() -> Self {
        Self::new()
    }
}

/// Go's `filepath.Join` of two elements (Unix).
fn go_join(dir: &str, name: &str) -> String {
    crate::go::join(&[dir, name])
}

#[cfg(test)]
mod tests {
    use super::go_join;
    use crate::go::clean as go_clean;

    #[test]
    fn clean_like_go() {
        assert_eq!(go_clean("/a//b/./c/../d/"), "/a/b/d");
        assert_eq!(go_clean("/../a"), "/a");
        assert_eq!(go_clean("../a/.."), "..");
        assert_eq!(go_clean(""), ".");
        assert_eq!(go_join("", ".docker"), ".docker");
        assert_eq!(go_join("/", ".dockercfg"), "/.dockercfg");
        assert_eq!(go_join("", ""), "");
    }
}
