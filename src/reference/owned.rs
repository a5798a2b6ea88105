//! The owned [`Reference`]: the normalised string plus offsets.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::error::{ParseError, ParseErrorKind};
use super::parse::{self, DEFAULT_DOMAIN, OFFICIAL_PREFIX};
use super::scan;
use super::view::ReferenceView;
use super::{MAX_INPUT_LEN, ParseOptions};

/// A parsed, normalised image reference: `[domain/]path[:tag][@digest]`.
///
/// It is one string, the full normalised form that `Display` prints, plus offsets; accessors
/// return slices of it and equality, ordering and hashing follow it.
///
/// [`Reference::parse`] (and `FromStr`, `TryFrom`, serde) behave exactly as
/// distribution/reference v0.6 `ParseNormalizedNamed`, the function Kubernetes and containerd
/// call: a bare name gets `docker.io/library/`, `index.docker.io` becomes `docker.io`, and every
/// error has Go's text.
///
/// ```
/// use kubepull::Reference;
///
/// let r = Reference::parse("registry.k8s.io/pause:3.9")?;
/// assert_eq!(r.domain(), "registry.k8s.io");
/// assert_eq!(r.path(), "pause");
/// assert_eq!(r.name(), "registry.k8s.io/pause");
///
/// let hub = Reference::parse("library/redis@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")?;
/// assert_eq!(hub.name(), "docker.io/library/redis");
/// assert_eq!(hub.tag(), None);
/// assert!(hub.familiar().starts_with("redis@sha256:"));
///
/// // What the kubelet and containerd pull: the tag goes when there is a digest, else `latest`.
/// assert_eq!(Reference::parse("busybox")?.docker_ref().to_string(), "docker.io/library/busybox:latest");
/// # Ok::<(), kubepull::reference::ParseError>(())
/// ```
#[derive(Clone)]
pub struct Reference {
    buf: String,
    /// Length of the domain; 0 when there is none.
    domain_len: u32,
    path_end: u32,
    /// End of the tag; equal to `path_end` when there is no tag.
    tag_end: u32,
}

impl Reference {
    /// Parses and normalises a reference (`ParseNormalizedNamed`).
    ///
    /// # Errors
    ///
    /// A [`ParseError`] whose text is the Go library's: `invalid reference format`,
    /// `invalid reference format: repository name (NAME) must be lowercase`,
    /// `repository name must not be more than 255 characters`, the go-digest errors, and
    /// `invalid repository name (HEX), cannot specify 64-byte hexadecimal strings`.
    pub fn parse(s: &str) -> Result<Reference, ParseError> {
        parse::normalized(s, ParseOptions::CURRENT).map(|v| Reference::from_view(&v))
    }

    /// Parses and normalises with the given grammar and digest algorithms, e.g.
    /// [`ParseOptions::LEGACY`] for docker/distribution 2.8.
    ///
    /// # Errors
    ///
    /// As [`Reference::parse`], in the chosen grammar's words.
    pub fn parse_with(s: &str, options: ParseOptions) -> Result<Reference, ParseError> {
        parse::normalized(s, options).map(|v| Reference::from_view(&v))
    }

    /// Parses without normalising (`Parse`): no `docker.io`, no `library/`, and any valid
    /// first segment followed by `/` is the domain (`docker/app` has domain `docker`).
    ///
    /// ```
    /// use kubepull::Reference;
    ///
    /// let r = Reference::parse_unnormalized("docker/app:1")?;
    /// assert_eq!((r.domain(), r.path()), ("docker", "app"));
    /// # Ok::<(), kubepull::reference::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `repository name must have at least one component` for the empty string,
    /// `repository name must be lowercase` when only case is wrong, and otherwise as
    /// [`Reference::parse`].
    pub fn parse_unnormalized(s: &str) -> Result<Reference, ParseError> {
        Reference::parse_unnormalized_with(s, ParseOptions::CURRENT)
    }

    /// [`Reference::parse_unnormalized`] with the given options.
    ///
    /// # Errors
    ///
    /// As [`Reference::parse_unnormalized`].
    pub fn parse_unnormalized_with(
        s: &str,
        options: ParseOptions,
    ) -> Result<Reference, ParseError> {
        parse::unnormalized(s, options).map(|v| Reference::from_view(&v))
    }

    /// Parses a reference that must already be in its canonical form (`ParseNamed`).
    ///
    /// ```
    /// use kubepull::Reference;
    ///
    /// assert!(Reference::parse_canonical("docker.io/library/foo").is_ok());
    /// assert_eq!(Reference::parse_canonical("foo").unwrap_err().to_string(),
    ///            "repository name must be canonical");
    /// ```
    ///
    /// # Errors
    ///
    /// `repository name must be canonical` when normalising would change the string, and
    /// otherwise as [`Reference::parse`].
    pub fn parse_canonical(s: &str) -> Result<Reference, ParseError> {
        let r = Reference::parse(s)?;
        if r.buf != s {
            return Err(ParseError::new(ParseErrorKind::NameNotCanonical));
        }
        Ok(r)
    }

    pub(crate) fn from_view(view: &ReferenceView<'_>) -> Reference {
        let domain = view.domain();
        let library = view.library();
        let rest = view.rest();
        let mut buf = String::with_capacity(domain.len() + 1 + OFFICIAL_PREFIX.len() + rest.len());
        if !domain.is_empty() {
            buf.push_str(domain);
            buf.push('/');
        }
        if library {
            buf.push_str(OFFICIAL_PREFIX);
        }
        let path_start = buf.len();
        buf.push_str(rest);
        let (path_len, tag_end) = view.rest_offsets();
        Reference::from_parts(
            buf,
            domain.len(),
            path_start + path_len,
            path_start + tag_end,
        )
    }

    fn from_parts(buf: String, domain_len: usize, path_end: usize, tag_end: usize) -> Reference {
        // Inputs are capped at MAX_INPUT_LEN, so every offset fits in u32.
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Reference {
            buf,
            domain_len: narrow(domain_len),
            path_end: narrow(path_end),
            tag_end: narrow(tag_end),
        }
    }

    fn path_start(&self) -> usize {
        if self.domain_len == 0 {
            0
        } else {
            self.domain_len as usize + 1
        }
    }

    /// The registry host and optional port (`docker.io`, `localhost:5000`, `[::1]:5000`).
    /// Empty in the rare case normalisation leaves no domain (`foo_bar.com/baz`, as in Go).
    pub fn domain(&self) -> &str {
        &self.buf[..self.domain_len as usize]
    }

    /// The repository path (`library/nginx`).
    pub fn path(&self) -> &str {
        &self.buf[self.path_start()..self.path_end as usize]
    }

    /// Domain and path (`docker.io/library/nginx`): what registries and keyrings key on.
    pub fn name(&self) -> &str {
        &self.buf[..self.path_end as usize]
    }

    /// The tag, if one was given (none is implied: see [`Reference::tag_name_only`]).
    pub fn tag(&self) -> Option<&str> {
        let (path_end, tag_end) = (self.path_end as usize, self.tag_end as usize);
        (tag_end > path_end).then(|| &self.buf[path_end + 1..tag_end])
    }

    /// The digest (`sha256:…`), if one was given.
    pub fn digest(&self) -> Option<&str> {
        let tag_end = self.tag_end as usize;
        (tag_end < self.buf.len()).then(|| &self.buf[tag_end + 1..])
    }

    /// Whether the reference has neither tag nor digest.
    pub fn is_name_only(&self) -> bool {
        self.path_end as usize == self.buf.len()
    }

    /// The full normalised form, as `Display` prints it.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// The familiar form (`FamiliarString`): without `docker.io/` and a single-level
    /// `library/`, so `docker.io/library/nginx:1.25` is `nginx:1.25`.
    pub fn familiar(&self) -> &str {
        &self.buf[self.familiar_start()..]
    }

    /// The familiar name without tag or digest (`FamiliarName`).
    pub fn familiar_name(&self) -> &str {
        &self.buf[self.familiar_start()..self.path_end as usize]
    }

    fn familiar_start(&self) -> usize {
        if self.domain() != DEFAULT_DOMAIN {
            return 0;
        }
        let path = self.path();
        let single_library = path
            .strip_prefix(OFFICIAL_PREFIX)
            .is_some_and(|rest| !rest.contains('/'));
        self.path_start()
            + if single_library {
                OFFICIAL_PREFIX.len()
            } else {
                0
            }
    }

    /// The same name with `tag`, keeping any digest (`WithTag`).
    ///
    /// # Errors
    ///
    /// `invalid tag format` unless `tag` matches `[\w][\w.-]{0,127}`.
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ParseError> {
        if !scan::is_tag(tag) {
            return Err(ParseError::new(ParseErrorKind::TagInvalidFormat));
        }
        Ok(self.rebuild(Some(tag), self.digest()))
    }

    /// The same name and tag with `digest` (`WithDigest`). Like Go, only the reference grammar
    /// is checked (algorithm, `:`, at least 32 hex digits), not the algorithm's length.
    ///
    /// # Errors
    ///
    /// `invalid digest format` when `digest` does not fit that grammar.
    pub fn with_digest(&self, digest: &str) -> Result<Reference, ParseError> {
        if digest.len() > MAX_INPUT_LEN || !scan::is_reference_digest(digest) {
            return Err(ParseError::new(ParseErrorKind::DigestInvalidFormat));
        }
        Ok(self.rebuild(self.tag(), Some(digest)))
    }

    /// The same reference without its tag (a digest stays).
    pub fn without_tag(&self) -> Reference {
        self.rebuild(None, self.digest())
    }

    /// The reference the kubelet's runtime pulls (`ParseDockerRef`): with a digest the tag is
    /// dropped, with neither `latest` is added, otherwise unchanged.
    pub fn docker_ref(&self) -> Reference {
        match (self.tag(), self.digest()) {
            (Some(_), Some(_)) => self.without_tag(),
            (None, None) => self.rebuild(Some(DEFAULT_TAG), None),
            _ => self.clone(),
        }
    }

    /// Adds `latest` when there is neither tag nor digest (`TagNameOnly`).
    pub fn tag_name_only(&self) -> Reference {
        if self.is_name_only() {
            self.rebuild(Some(DEFAULT_TAG), None)
        } else {
            self.clone()
        }
    }

    fn rebuild(&self, tag: Option<&str>, digest: Option<&str>) -> Reference {
        let name = self.name();
        let extra = tag.map_or(0, |t| t.len() + 1) + digest.map_or(0, |d| d.len() + 1);
        let mut buf = String::with_capacity(name.len() + extra);
        buf.push_str(name);
        if let Some(tag) = tag {
            buf.push(':');
            buf.push_str(tag);
        }
        let tag_end = buf.len();
        if let Some(digest) = digest {
            buf.push('@');
            buf.push_str(digest);
        }
        Reference::from_parts(buf, self.domain_len as usize, name.len(), tag_end)
    }

    /// Checks that the offsets describe the string (for tests and fuzzing).
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let (d, p, t) = (
            self.domain_len as usize,
            self.path_end as usize,
            self.tag_end as usize,
        );
        assert!(d <= p && p <= t && t <= self.buf.len());
        assert!(d == 0 || self.buf.as_bytes()[d] == b'/');
        assert!(t == p || self.buf.as_bytes()[p] == b':');
        assert!(t == self.buf.len() || self.buf.as_bytes()[t] == b'@');
    }
}

/// The tag `TagNameOnly` and `ParseDockerRef` add.
const DEFAULT_TAG: &str = "latest";

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.buf)
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reference({:?})", self.buf)
    }
}

impl FromStr for Reference {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Reference, ParseError> {
        Reference::parse(s)
    }
}

impl TryFrom<&str> for Reference {
    type Error = ParseError;
    fn try_from(s: &str) -> Result<Reference, ParseError> {
        Reference::parse(s)
    }
}

impl TryFrom<String> for Reference {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Reference, ParseError> {
        Reference::parse(&s)
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> String {
        r.buf
    }
}

impl AsRef<str> for Reference {
    fn as_ref(&self) -> &str {
        &self.buf
    }
}

impl PartialEq for Reference {
    fn eq(&self, other: &Reference) -> bool {
        self.buf == other.buf
    }
}

impl Eq for Reference {}

impl Hash for Reference {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.buf.hash(state);
    }
}

impl PartialOrd for Reference {
    fn partial_cmp(&self, other: &Reference) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Reference {
    fn cmp(&self, other: &Reference) -> Ordering {
        self.buf.cmp(&other.buf)
    }
}
