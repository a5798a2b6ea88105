//! Registry keys and the patterns they become: normalisation (`BasicDockerKeyring.Add`),
//! matching (`URLsMatchStr`) and the Docker Hub test (`isDefaultRegistryMatch`).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::KeyringOptions;
use super::glob::{go_match_valid, has_meta, is_valid_pattern};
use super::gourl::{UrlError, parse_after_scheme, split_host_port};
use crate::Reference;

/// The longest registry key or image string kubepull parses, in bytes: 4 KiB. Longer keys
/// are skipped with a warning and longer images match no key (the Docker Hub fallback still
/// applies). The kubelet has no limit; real keys are well under 1 KiB.
pub const MAX_PATTERN_LEN: usize = 4 * 1024;

/// The longest image host label a glob label is matched against, in bytes: 63, the DNS
/// limit (RFC 1035). A longer label matches no glob label (literal labels still compare
/// byte for byte). The kubelet has no such limit, but a host with a longer label cannot be
/// resolved, so no pull is affected; the bound is what keeps Go's glob matching cheap on
/// hostile input. `filepath.Match` costs up to label length × pattern length per label, and
/// the keyring index cannot help when many glob keys share a bucket: with labels capped at
/// 63 bytes (and matching stopping at the first mismatch once the pattern is known to be
/// well formed), one glob label costs at most about 63 × 63 byte comparisons per chunk that
/// matches, however long the key.
pub const MAX_GLOB_LABEL_LEN: usize = 63;

/// The key the Docker Hub fallback reads (`https://index.docker.io/v1/` normalised).
pub const DOCKER_HUB_KEY: &str = "index.docker.io";

/// A registry key after the kubelet's normalisation (`keyring.go` `BasicDockerKeyring.Add`): scheme and query dropped, a
/// leading `/v1/` or `/v2/` cut to `/`, `host[:port]` plus the rest of the path.
///
/// Keys are bytes because Go decodes `%`-escapes in hosts and paths into arbitrary bytes;
/// `Display` shows them lossily as UTF-8. Keys compare by bytes, as Go strings do.
///
/// ```
/// use kubepull::keyring::RegistryKey;
///
/// let key = RegistryKey::normalize("https://index.docker.io/v1/")?;
/// assert_eq!(key.to_string(), "index.docker.io");
/// assert_eq!(RegistryKey::normalize("quay.io/v2/foo")?.to_string(), "quay.io/foo");
/// assert_eq!(RegistryKey::normalize("quay.io/foo/")?.to_string(), "quay.io/foo/");
/// # Ok::<(), kubepull::keyring::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryKey(Arc<[u8]>);

impl RegistryKey {
    /// Normalises a key as written in a docker config, a secret or a provider response.
    ///
    /// # Errors
    ///
    /// The key is not a URL Go's `url.Parse` accepts once `https://` is put in front (or is
    /// longer than [`MAX_PATTERN_LEN`]); the kubelet logs such an entry and skips it.
    pub fn normalize(written: &str) -> Result<RegistryKey, UrlError> {
        if written.len() > MAX_PATTERN_LEN {
            return Err(UrlError::too_long(written.as_bytes()));
        }
        let (scheme, rest) = if let Some(rest) = written.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = written.strip_prefix("http://") {
            ("http", rest)
        } else {
            ("https", written)
        };
        let parsed = parse_after_scheme(scheme, rest.as_bytes())?;
        let mut path: &[u8] = &parsed.path;
        if path.starts_with(b"/v2/") || path.starts_with(b"/v1/") {
            path = &path[3..];
        }
        let mut key = parsed.host.into_owned();
        if !path.is_empty() && path != b"/" {
            key.extend_from_slice(path);
        }
        Ok(RegistryKey(key.into()))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key as text, when it is valid UTF-8 (it is unless the written key `%`-escaped
    /// bytes that are not).
    pub fn to_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl fmt::Display for RegistryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Debug for RegistryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistryKey({:?})", String::from_utf8_lossy(&self.0))
    }
}

/// A registry pattern: a normalised key or a credential provider `matchImages` entry, with
/// per-label globs in the host (`keyring.go` `URLsMatch`).
///
/// A pattern matches an image (or any schemeless URL) when, after both are parsed as
/// `https://` URLs:
/// 1. the ports are equal as strings (both may be empty);
/// 2. the host names have the same number of `.`-separated labels;
/// 3. the image path starts with the pattern path, byte for byte;
/// 4. each label matches its glob with Go `filepath.Match` semantics (`*`, `?`, `[a-z]`,
///    `[^a]`, `\` escapes; a malformed glob never matches), case-sensitively.
///
/// Because the text goes through Go's URL parser first, only part of the glob syntax can
/// appear in a host: `?` starts the URL query (`quay.i?` is the host `quay.i`), `\` and `^`
/// are rejected as host characters, and a leading `[` makes the host an IPv6 literal. In
/// practice: `*` and classes such as `[0-9]` inside or after the first character.
///
/// ```
/// use kubepull::keyring::RegistryPattern;
///
/// let pattern = RegistryPattern::parse("*.kubernetes.io:1111/blah")?;
/// assert!(pattern.matches("prefix.kubernetes.io:1111/blah/app"));
/// assert!(!pattern.matches("kubernetes.io:1111/blah"));      // label count
/// assert!(!pattern.matches("prefix.kubernetes.io/blah"));    // port
/// assert!(RegistryPattern::parse("*.io/pong")?.matches("quay.io/pongz")); // byte prefix
/// # Ok::<(), kubepull::keyring::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryPattern {
    text: Box<[u8]>,
    /// `None`: the text does not parse as a URL, so the pattern matches nothing.
    compiled: Option<Compiled>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Compiled {
    /// Host name without port or IPv6 brackets; ASCII-lowercased when hosts are compared
    /// case-insensitively.
    pub(crate) hostname: Box<[u8]>,
    label_count: usize,
    /// Whether label `i` holds glob syntax, for the first 128 labels; labels beyond are
    /// treated as globs, which is always correct since a literal matches only itself.
    glob_labels: u128,
    pub(crate) port: Box<[u8]>,
    pub(crate) path: Box<[u8]>,
    /// Every glob label is well formed.
    pub(crate) valid: bool,
    /// Host names are compared ignoring ASCII case (`hostname` is lowercased).
    fold_case: bool,
}

impl Compiled {
    pub(crate) fn label_count(&self) -> usize {
        self.label_count
    }

    fn is_glob(&self, label: usize) -> bool {
        label >= 128 || self.glob_labels & (1 << label) != 0
    }

    /// The labels after the last glob label, as a suffix of `hostname` (empty when the last
    /// label is a glob); `None` when no label is a glob.
    pub(crate) fn literal_suffix(&self) -> Option<&[u8]> {
        let last_glob = (0..self.label_count).rev().find(|&i| self.is_glob(i))?;
        let literal_labels = self.label_count - 1 - last_glob;
        Some(suffix_labels(&self.hostname, literal_labels))
    }

    pub(crate) fn matches_target(&self, target: &Target<'_>, segment_paths: bool) -> bool {
        if !self.valid
            || *self.port != *target.port()
            || self.label_count != target.label_count
            || !path_matches(&self.path, &target.path, segment_paths)
        {
            return false;
        }
        if self.glob_labels == 0 && self.label_count <= 128 {
            // Every label literal: the labels are equal exactly when the names are.
            return *self.hostname == *target.hostname();
        }
        let labels = self.hostname.split(|&b| b == b'.');
        labels
            .zip(target.hostname().split(|&b| b == b'.'))
            .enumerate()
            .all(|(i, (pattern, label))| {
                if self.is_glob(i) {
                    // `valid` was checked above, so the matcher may stop at a mismatch.
                    label.len() <= MAX_GLOB_LABEL_LEN && go_match_valid(pattern, label)
                } else {
                    pattern == label
                }
            })
    }
}

/// The last `labels` labels of a host name (empty for 0; the whole name if it has fewer).
pub(crate) fn suffix_labels(name: &[u8], labels: usize) -> &[u8] {
    if labels == 0 {
        return b"";
    }
    let mut dots = 0;
    for (i, &b) in name.iter().enumerate().rev() {
        if b == b'.' {
            dots += 1;
            if dots == labels {
                return &name[i + 1..];
            }
        }
    }
    name
}

impl RegistryPattern {
    /// Parses a pattern the way the kubelet validates a `matchImages` entry
    /// (`ParseSchemelessURL`): `https://` is put in front and Go's `url.Parse` rules apply.
    /// A malformed glob such as `[` parses but never matches.
    ///
    /// # Errors
    ///
    /// The text is not a URL Go accepts, e.g. `%invalid%` gives
    /// `parse "https://%invalid%": invalid URL escape "%in"`.
    pub fn parse(pattern: &str) -> Result<RegistryPattern, UrlError> {
        RegistryPattern::parse_with(pattern, &KeyringOptions::FAITHFUL)
    }

    /// [`RegistryPattern::parse`] honouring [`KeyringOptions::case_insensitive_hosts`].
    ///
    /// # Errors
    ///
    /// As [`RegistryPattern::parse`].
    pub fn parse_with(
        pattern: &str,
        options: &KeyringOptions,
    ) -> Result<RegistryPattern, UrlError> {
        let compiled = compile(pattern.as_bytes(), options.case_insensitive_hosts)?;
        Ok(RegistryPattern {
            text: pattern.as_bytes().into(),
            compiled: Some(compiled),
        })
    }

    /// The pattern a keyring key becomes. The kubelet re-parses the normalised key on every
    /// lookup; a key that no longer parses (say its path decoded to a control byte) simply
    /// matches nothing, so this never fails.
    pub fn from_key(key: &RegistryKey, options: &KeyringOptions) -> RegistryPattern {
        RegistryPattern {
            text: key.0.as_ref().into(),
            compiled: compile(&key.0, options.case_insensitive_hosts).ok(),
        }
    }

    /// The pattern as given.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The parsed parts (host name, port, path, glob validity); `None` when the text does not
    /// parse. For the lint, which judges keys by the keyring's own reading of them.
    pub(crate) fn compiled(&self) -> Option<&Compiled> {
        self.compiled.as_ref()
    }

    /// Whether this pattern can match anything: it parses and its globs are well formed.
    pub fn is_matchable(&self) -> bool {
        self.compiled.as_ref().is_some_and(|c| c.valid)
    }

    /// `URLsMatchStr(pattern, target)`: whether `target` (an image name without tag, such as
    /// `docker.io/library/nginx`, or any schemeless URL) matches. A target Go cannot parse
    /// matches nothing. Hosts compare case-sensitively unless the pattern was parsed with
    /// [`KeyringOptions::case_insensitive_hosts`].
    pub fn matches(&self, target: &str) -> bool {
        self.matches_with(target, &KeyringOptions::FAITHFUL)
    }

    /// [`RegistryPattern::matches`] honouring [`KeyringOptions::path_segment_boundaries`].
    /// (Case folding is fixed when the pattern is parsed.)
    pub fn matches_with(&self, target: &str, options: &KeyringOptions) -> bool {
        let Some(compiled) = &self.compiled else {
            return false;
        };
        Target::parse(target, compiled.fold_case)
            .is_some_and(|t| compiled.matches_target(&t, options.path_segment_boundaries))
    }
}

impl fmt::Display for RegistryPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.text))
    }
}

impl fmt::Debug for RegistryPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RegistryPattern({:?})",
            String::from_utf8_lossy(&self.text)
        )
    }
}

/// Whether the image path `target` starts with the key path `glob` (and, with the segment
/// option, does so at a `/` boundary).
pub(crate) fn path_matches(glob: &[u8], target: &[u8], segment_paths: bool) -> bool {
    if !target.starts_with(glob) {
        return false;
    }
    !segment_paths
        || glob.is_empty()
        || glob.len() == target.len()
        || glob.ends_with(b"/")
        || target[glob.len()] == b'/'
}

pub(crate) fn compile(schemeless: &[u8], fold_case: bool) -> Result<Compiled, UrlError> {
    if schemeless.len() > MAX_PATTERN_LEN {
        // Reported as Go would report a URL it rejects; the text is not shown in full.
        return Err(UrlError::too_long(schemeless));
    }
    let parsed = parse_after_scheme("https", schemeless)?;
    let (name, port) = split_host_port(&parsed.host);
    let mut hostname: Box<[u8]> = parsed.host[name].into();
    if fold_case {
        hostname.make_ascii_lowercase();
    }
    let (mut label_count, mut glob_labels, mut valid) = (0, 0u128, true);
    for label in hostname.split(|&b| b == b'.') {
        if has_meta(label) {
            if label_count < 128 {
                glob_labels |= 1 << label_count;
            }
            valid &= is_valid_pattern(label);
        }
        label_count += 1;
    }
    Ok(Compiled {
        port: parsed.host[port].into(),
        path: parsed.path.into_owned().into_boxed_slice(),
        hostname,
        label_count,
        glob_labels,
        valid,
        fold_case,
    })
}

/// An image (or any schemeless URL) parsed once for matching.
pub(crate) struct Target<'a> {
    host: Cow<'a, [u8]>,
    name: Range<usize>,
    port: Range<usize>,
    pub(crate) path: Cow<'a, [u8]>,
    pub(crate) label_count: usize,
}

impl<'a> Target<'a> {
    pub(crate) fn parse(target: &'a str, fold_case: bool) -> Option<Target<'a>> {
        if target.len() > MAX_PATTERN_LEN {
            return None;
        }
        let parsed = parse_after_scheme("https", target.as_bytes()).ok()?;
        let mut host = parsed.host;
        if fold_case && host.iter().any(u8::is_ascii_uppercase) {
            host.to_mut().make_ascii_lowercase();
        }
        let (name, port) = split_host_port(&host);
        let label_count = host[name.clone()].iter().filter(|&&b| b == b'.').count() + 1;
        Some(Target {
            host,
            name,
            port,
            path: parsed.path,
            label_count,
        })
    }

    /// The target of a parsed reference's name, without going through the URL parser: the
    /// reference grammar leaves nothing in a name that `url.Parse` would reject, decode or
    /// cut (no `%`, `@`, `?`, `#`, control byte or bad port), so the host is the domain and
    /// the path the rest of the name. A reference without a domain takes the parser.
    pub(crate) fn from_reference(image: &'a Reference, fold_case: bool) -> Option<Target<'a>> {
        let name = image.name();
        let domain = image.domain();
        if domain.is_empty() || name.len() > MAX_PATTERN_LEN {
            return Target::parse(name, fold_case);
        }
        let mut host = Cow::Borrowed(domain.as_bytes());
        if fold_case && host.iter().any(u8::is_ascii_uppercase) {
            host.to_mut().make_ascii_lowercase();
        }
        // Without a `:` there is no port, and `split_host_port` says so after a reverse scan.
        let (name_range, port) = if host.contains(&b':') {
            split_host_port(&host)
        } else {
            (0..host.len(), host.len()..host.len())
        };
        let label_count = host[name_range.clone()]
            .iter()
            .filter(|&&b| b == b'.')
            .count()
            + 1;
        Some(Target {
            host,
            name: name_range,
            port,
            path: Cow::Borrowed(&name.as_bytes()[domain.len()..]),
            label_count,
        })
    }

    pub(crate) fn hostname(&self) -> &[u8] {
        &self.host[self.name.clone()]
    }

    pub(crate) fn port(&self) -> &[u8] {
        &self.host[self.port.clone()]
    }

    /// The last `labels` labels of the host name (`labels < label_count`).
    pub(crate) fn hostname_suffix(&self, labels: usize) -> &[u8] {
        suffix_labels(self.hostname(), labels)
    }
}

/// `isDefaultRegistryMatch(image)`: whether the kubelet would offer the Docker Hub
/// credentials (the `index.docker.io` key) to `image` when no key matched it.
///
/// True when the image has no `/`, when its first component is `docker.io` or
/// `index.docker.io`, or when that component has neither `.` nor `:` (so `localhost/foo`
/// counts, see [`KeyringOptions::strict_docker_hub_fallback`]). False for the empty string.
///
/// ```
/// use kubepull::keyring::is_default_registry_match;
///
/// assert!(is_default_registry_match("docker.io/library/nginx"));
/// assert!(is_default_registry_match("localhost/foo"));
/// assert!(!is_default_registry_match("registry:5000/foo/bar"));
/// ```
pub fn is_default_registry_match(image: &str) -> bool {
    is_default_registry_match_with(image, &KeyringOptions::FAITHFUL)
}

/// [`is_default_registry_match`] honouring [`KeyringOptions::strict_docker_hub_fallback`].
pub fn is_default_registry_match_with(image: &str, options: &KeyringOptions) -> bool {
    let Some((first, _)) = image.split_once('/') else {
        return !image.is_empty();
    };
    if first.is_empty() {
        return false;
    }
    if first == "docker.io" || first == "index.docker.io" {
        return true;
    }
    if first.contains(['.', ':']) {
        return false;
    }
    // The dot-less, port-less components distribution/reference treats as hosts.
    !(options.strict_docker_hub_fallback
        && (first == "localhost" || first.bytes().any(|b| b.is_ascii_uppercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for parsed references agrees with the URL parser on every corpus line.
    #[test]
    fn reference_targets_agree_with_url_parser() {
        let corpus = include_str!("../../tests/data/reference/references.corpus.txt");
        let extra = [
            "[::1]:5000/a",
            "[fd00::1]/a/b",
            "Foo.Bar:80/x",
            "localhost/x",
            "a.b.c/d",
        ];
        for line in corpus.lines().chain(extra) {
            let Ok(r) = Reference::parse(line) else {
                continue;
            };
            for fold in [false, true] {
                let fast = Target::from_reference(&r, fold);
                let slow = Target::parse(r.name(), fold);
                let view = |t: Option<Target<'_>>| {
                    t.map(|t| {
                        (
                            t.host.to_vec(),
                            t.name,
                            t.port,
                            t.path.to_vec(),
                            t.label_count,
                        )
                    })
                };
                assert_eq!(view(fast), view(slow), "{line}");
            }
        }
    }

    #[test]
    fn suffixes() {
        let t = Target::parse("a.b.c:5/x", false).unwrap();
        assert_eq!(t.label_count, 3);
        assert_eq!(t.hostname_suffix(0), b"");
        assert_eq!(t.hostname_suffix(1), b"c");
        assert_eq!(t.hostname_suffix(2), b"b.c");
        assert_eq!(t.port(), b"5");
        let c = compile(b"*.b.c", false).unwrap();
        assert_eq!(c.literal_suffix(), Some(&b"b.c"[..]));
        assert_eq!(
            compile(b"a.*", false).unwrap().literal_suffix(),
            Some(&b""[..])
        );
        assert_eq!(compile(b"a.b", false).unwrap().literal_suffix(), None);
    }
}
