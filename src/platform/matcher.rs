//! Matchers with containerd's semantics (`platforms.NewMatcher`, `Only`, `OnlyStrict`,
//! `Ordered`, `Any`, `All`, `OnlyOS`), ported from containerd/platforms v1.0.0-rc.x.

use std::cmp::Ordering;

use std::borrow::Cow;

use super::spec::{Platform, normalize_arch_cow, normalize_os_cow};
use crate::go;

/// A platform matcher and comparer, as containerd's `MatchComparer`.
///
/// `matches` says whether an image for a platform can run; `less` ranks two candidates (the
/// preferred one first). The host never comes from the environment: build the matcher from the
/// host platform you want to emulate.
///
/// ```
/// use kubepull::platform::{Matcher, Platform};
///
/// let host: Platform = "linux/arm64".parse()?;
/// let only = Matcher::only(&host);
/// assert!(only.matches(&"linux/arm/v7".parse()?)); // arm64 runs 32-bit arm
/// assert!(!Matcher::only_strict(&host).matches(&"linux/arm/v7".parse()?));
/// assert!(only.less(&"linux/arm64".parse()?, &"linux/arm/v7".parse()?));
/// # Ok::<(), kubepull::platform::PlatformError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Matcher {
    kind: Kind,
    inputs: Vec<Platform>,
    host_os: String,
    singles: Vec<Single>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Only,
    OnlyStrict,
    Ordered,
    Any,
    All,
    OnlyOs,
}

impl Matcher {
    /// containerd's `NewMatcher`: equality of normalised OS, architecture and variant, Windows
    /// OS-version compatibility, and the candidate's OS features a subset of this platform's.
    /// It expresses no preference: `less` is always false.
    #[must_use]
    pub fn exact(platform: &Platform) -> Matcher {
        Matcher::build(Kind::Exact, vec![platform.clone()], String::new())
    }

    /// containerd's `Only`: the platform and the platforms it can also run, best first:
    /// `amd64/vN` → `vN-1`…`v1` → `386`; `arm/vN` → `vN-1`…`v5`; `arm64` (default `v8`) → its
    /// older minor versions (a `v9.x` also runs `v8.(x+5)`, capped at `v8.9`) → `arm/v8`…`v5`.
    #[must_use]
    pub fn only(platform: &Platform) -> Matcher {
        Matcher::build(Kind::Only, vec![platform.clone()], String::new())
    }

    /// containerd's `OnlyStrict`: no sub-platform fallback, but non-canonical spellings still
    /// match (`arm64` and `arm64/v8`, `arm` and `arm/v7`).
    #[must_use]
    pub fn only_strict(platform: &Platform) -> Matcher {
        Matcher::build(Kind::OnlyStrict, vec![platform.clone()], String::new())
    }

    /// containerd's `Ordered`: matches any of `platforms`, preferring earlier ones; ties go to
    /// the candidate with more OS features.
    #[must_use]
    pub fn ordered(platforms: &[Platform]) -> Matcher {
        Matcher::build(Kind::Ordered, platforms.to_vec(), String::new())
    }

    /// containerd's `Any`: matches any of `platforms`, with no positional preference.
    #[must_use]
    pub fn any(platforms: &[Platform]) -> Matcher {
        Matcher::build(Kind::Any, platforms.to_vec(), String::new())
    }

    /// containerd's `All`: matches every platform, prefers none.
    #[must_use]
    pub fn all() -> Matcher {
        Matcher::build(Kind::All, Vec::new(), String::new())
    }

    /// containerd's `OnlyOS` (newest releases): same OS, OS version and OS features, any
    /// architecture; the exact architecture ranks first.
    #[must_use]
    pub fn only_os(platform: &Platform) -> Matcher {
        Matcher::build(Kind::OnlyOs, vec![platform.clone()], String::new())
    }

    /// How an empty OS is normalised (containerd uses the host's `GOOS`). Without this an empty
    /// OS stays empty and matches only another empty OS.
    #[must_use]
    pub fn with_host_os(self, host_os: &str) -> Matcher {
        Matcher::build(self.kind, self.inputs, host_os.to_owned())
    }

    fn build(kind: Kind, inputs: Vec<Platform>, host_os: String) -> Matcher {
        let singles = match kind {
            Kind::Exact | Kind::Ordered | Kind::Any => {
                inputs.iter().map(|p| Single::new(p, &host_os)).collect()
            }
            Kind::Only => platform_vector(&inputs[0].normalize_with_host_os(&host_os))
                .iter()
                .map(|p| Single::new(p, &host_os))
                .collect(),
            Kind::OnlyStrict | Kind::OnlyOs => {
                vec![Single::new(
                    &inputs[0].normalize_with_host_os(&host_os),
                    &host_os,
                )]
            }
            Kind::All => Vec::new(),
        };
        Matcher {
            kind,
            inputs,
            host_os,
            singles,
        }
    }

    /// The platforms this matcher tries, in order of preference (for `only`, the expanded
    /// vector of compatible platforms).
    #[must_use]
    pub fn platforms(&self) -> Vec<Platform> {
        self.singles.iter().map(|s| s.raw.clone()).collect()
    }

    /// Whether an image for `candidate` matches.
    #[must_use]
    pub fn matches(&self, candidate: &Platform) -> bool {
        if self.kind == Kind::All {
            return true;
        }
        let n = Norm::new(candidate, &self.host_os);
        match self.kind {
            Kind::OnlyOs => self.singles[0].matches_os(&n),
            _ => self.singles.iter().any(|s| s.matches(&n)),
        }
    }

    /// containerd's `Less`: whether `a` is preferred over `b`.
    #[must_use]
    pub fn less(&self, a: &Platform, b: &Platform) -> bool {
        if matches!(self.kind, Kind::Exact | Kind::All) {
            return false;
        }
        let (na, nb) = (Norm::new(a, &self.host_os), Norm::new(b, &self.host_os));
        match self.kind {
            Kind::Any => any_less(&self.singles, &na, &nb),
            Kind::OnlyOs => {
                let single = &self.singles[0];
                let (am, bm) = (single.matches_os(&na), single.matches_os(&nb));
                if am && !bm {
                    return true;
                }
                if !am {
                    return false;
                }
                ordered_less(std::slice::from_ref(single), &na, &nb)
            }
            _ => ordered_less(&self.singles, &na, &nb),
        }
    }

    /// `less` as an [`Ordering`] (`Less` when `a` is preferred, `Greater` when `b` is).
    #[must_use]
    pub fn compare(&self, a: &Platform, b: &Platform) -> Ordering {
        if self.less(a, b) {
            Ordering::Less
        } else if self.less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    /// Sorts `platforms` best first, exactly as Go's `sort.SliceStable` with this `less` would.
    pub fn sort(&self, platforms: &mut [Platform]) {
        go::slice_stable(platforms, &mut |a, b| self.less(a, b));
    }
}

/// One `NewMatcher`.
#[derive(Debug, Clone)]
struct Single {
    /// As given (containerd's vector entries are not normalised).
    raw: Platform,
    /// Normalised.
    platform: Platform,
    /// Set when the platform given to `NewMatcher` had OS `windows`.
    windows: Option<WindowsVersion>,
}

/// A candidate normalised once (containerd's `Normalize`), borrowing where it can: matching
/// a large index then allocates nothing for canonical platforms.
#[derive(Clone)]
struct Norm<'a> {
    os: Cow<'a, str>,
    architecture: Cow<'a, str>,
    variant: Cow<'a, str>,
    /// The raw `os.version` (containerd compares the un-normalised value).
    os_version: &'a str,
    /// Sorted, de-duplicated.
    os_features: Vec<&'a str>,
    /// `len(p.OSFeatures)` as given, for the ordering tie-break.
    raw_feature_count: usize,
}

impl<'a> Norm<'a> {
    fn new(p: &'a Platform, host_os: &'a str) -> Norm<'a> {
        let (architecture, variant) = normalize_arch_cow(&p.architecture, &p.variant);
        let mut os_features: Vec<&str> = p.os_features.iter().map(String::as_str).collect();
        if os_features.len() > 1 {
            os_features.sort_unstable();
            os_features.dedup();
        }
        Norm {
            os: normalize_os_cow(&p.os, host_os),
            architecture,
            variant,
            os_version: &p.os_version,
            os_features,
            raw_feature_count: p.os_features.len(),
        }
    }

    /// The same candidate with its OS features dropped (containerd's `Less` fallback).
    fn without_features(&self) -> Norm<'a> {
        Norm {
            os_features: Vec::new(),
            raw_feature_count: 0,
            ..self.clone()
        }
    }
}

impl Single {
    fn new(raw: &Platform, host_os: &str) -> Single {
        let windows = (raw.os == "windows").then(|| WindowsVersion::parse(&raw.os_version));
        Single {
            raw: raw.clone(),
            platform: raw.normalize_with_host_os(host_os),
            windows,
        }
    }

    fn os_version_matches(&self, candidate_version: &str) -> bool {
        match &self.windows {
            Some(host) => {
                host.is_empty()
                    || candidate_version.is_empty()
                    || host.runs(&WindowsVersion::parse(candidate_version))
            }
            None => true,
        }
    }

    /// The candidate's OS features must be a subset of this platform's; a Windows matcher
    /// ignores `win32k` (missing on Nano Server), as containerd does.
    fn features_match(&self, features: &[&str]) -> bool {
        let skip_win32k = self.windows.is_some();
        let wanted = features
            .iter()
            .copied()
            .filter(|f| !(skip_win32k && *f == "win32k"));
        is_sorted_subset(wanted, &self.platform.os_features)
    }

    fn matches(&self, n: &Norm<'_>) -> bool {
        self.platform.os == n.os
            && self.platform.architecture == n.architecture
            && self.platform.variant == n.variant
            && self.os_version_matches(n.os_version)
            && self.features_match(&n.os_features)
    }

    /// `OnlyOS`'s `matchOS`.
    fn matches_os(&self, n: &Norm<'_>) -> bool {
        self.platform.os == n.os
            && self.os_version_matches(n.os_version)
            && is_sorted_subset(n.os_features.iter().copied(), &self.platform.os_features)
    }
}

/// Whether sorted `small` is a subset of sorted `big` (containerd's loop in `matcher.Match`).
fn is_sorted_subset<'s>(small: impl Iterator<Item = &'s str>, big: &[String]) -> bool {
    let mut j = 0;
    'outer: for feature in small {
        while j < big.len() {
            if feature == big[j] {
                j += 1;
                continue 'outer;
            }
            if feature < big[j].as_str() {
                return false;
            }
            j += 1;
        }
        return false;
    }
    true
}

/// `orderedPlatformComparer.Less`.
fn ordered_less(singles: &[Single], a: &Norm<'_>, b: &Norm<'_>) -> bool {
    for m in singles {
        let (am, bm) = (m.matches(a), m.matches(b));
        if am && !bm {
            return true;
        }
        if am || bm {
            if am && bm && a.raw_feature_count != b.raw_feature_count {
                return a.raw_feature_count > b.raw_feature_count;
            }
            return false;
        }
    }
    if a.raw_feature_count > 0 || b.raw_feature_count > 0 {
        return ordered_less(singles, &a.without_features(), &b.without_features());
    }
    false
}

/// `anyPlatformComparer.Less`.
fn any_less(singles: &[Single], a: &Norm<'_>, b: &Norm<'_>) -> bool {
    let (mut am, mut bm) = (false, false);
    for m in singles {
        if !am && m.matches(a) {
            am = true;
        }
        if !bm && m.matches(b) {
            bm = true;
        }
        if am && bm {
            if a.raw_feature_count != b.raw_feature_count {
                return a.raw_feature_count > b.raw_feature_count;
            }
            break;
        }
    }
    if !am && !bm && (a.raw_feature_count > 0 || b.raw_feature_count > 0) {
        return any_less(singles, &a.without_features(), &b.without_features());
    }
    am && !bm
}

fn with_variant(base: &Platform, architecture: &str, variant: String) -> Platform {
    Platform {
        os: base.os.clone(),
        architecture: architecture.to_owned(),
        variant,
        os_version: base.os_version.clone(),
        os_features: base.os_features.clone(),
        features: Vec::new(),
    }
}

/// The highest `amd64`/`arm` variant number whose older versions `Only` expands. containerd
/// has no limit, so `linux/amd64/v99999999999` would build a vector of that many platforms;
/// above this the platform matches itself (and `386` for amd64) only. Real variants are far
/// below it (amd64 v4, arm v8).
pub const MAX_VARIANT_VERSION: i64 = 64;

/// containerd's `platformVector`: the platform, then what it can also run, best first.
fn platform_vector(platform: &Platform) -> Vec<Platform> {
    let mut vector = vec![platform.clone()];
    let arch = platform.architecture.as_str();
    match arch {
        "amd64" => {
            if let Some(version) = go::atoi(
                platform
                    .variant
                    .strip_prefix('v')
                    .unwrap_or(&platform.variant),
            ) {
                if version > 1 && version <= MAX_VARIANT_VERSION {
                    for v in (1..version).rev() {
                        vector.push(with_variant(platform, arch, format!("v{v}")));
                    }
                }
            }
            vector.push(with_variant(platform, "386", String::new()));
        }
        "arm" => {
            if let Some(version) = go::atoi(
                platform
                    .variant
                    .strip_prefix('v')
                    .unwrap_or(&platform.variant),
            ) {
                if version > 5 && version <= MAX_VARIANT_VERSION {
                    for v in (5..version).rev() {
                        vector.push(with_variant(platform, arch, format!("v{v}")));
                    }
                }
            }
        }
        "arm64" => {
            let mut variant = if platform.variant.is_empty() {
                "v8".to_owned()
            } else {
                platform.variant.clone()
            };
            let (major_part, minor_part, has_minor) = match variant.split_once('.') {
                Some((major, minor)) => (major, minor, true),
                None => (variant.as_str(), "", false),
            };
            let major = go::atoi(major_part.strip_prefix('v').unwrap_or(major_part));
            if let Some(mut major) = major.filter(|m| *m >= 8) {
                let mut minor = 0;
                if variant.len() == 4 && has_minor {
                    if let Some(m) = go::atoi(minor_part) {
                        minor = m;
                    }
                }
                let name = |major: i64, minor: i64| {
                    if minor == 0 {
                        format!("v{major}")
                    } else {
                        format!("v{major}.{minor}")
                    }
                };
                if major == 9 {
                    for m in (0..minor).rev() {
                        vector.push(with_variant(platform, arch, name(9, m)));
                    }
                    // v9.0 diverged from v8.5: v9.x runs v8.(x+5), up to v8.9.
                    minor = (minor + 5).min(9);
                    major = 8;
                    vector.push(with_variant(platform, arch, format!("v8.{minor}")));
                }
                for m in (0..minor).rev() {
                    vector.push(with_variant(platform, arch, name(major, m)));
                }
            }
            // Every arm64 v8.x / v9.x runs 32-bit arm/v8 and below.
            if variant.starts_with("v8.") || variant.starts_with("v9.") {
                variant = "v8".to_owned();
            }
            vector.extend(platform_vector(&with_variant(platform, "arm", variant)));
        }
        _ => {}
    }
    vector
}

/// containerd's `windowsOSVersion`: major.minor.build of an `os.version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct WindowsVersion {
    major: u8,
    minor: u8,
    build: u16,
}

/// Windows Server 2022 (the first stable-ABI LTSC).
const LTSC2022: u16 = 20348;
/// Windows Server 2025.
const LTSC2025: u16 = 26100;
/// Stable-ABI LTSC releases, ascending.
const COMPAT_LTSC_RELEASES: [u16; 2] = [LTSC2022, LTSC2025];

impl WindowsVersion {
    /// `getWindowsOSVersion`: anything unparseable is the empty version.
    fn parse(version: &str) -> WindowsVersion {
        if version.matches('.').count() < 2 {
            return WindowsVersion::default();
        }
        let mut parts = version.splitn(4, '.');
        let (Some(major), Some(minor), Some(build)) = (parts.next(), parts.next(), parts.next())
        else {
            return WindowsVersion::default();
        };
        match (
            go::parse_uint(major, 0xff),
            go::parse_uint(minor, 0xff),
            go::parse_uint(build, 0xffff),
        ) {
            (Some(major), Some(minor), Some(build)) => WindowsVersion {
                major: major as u8,
                minor: minor as u8,
                build: build as u16,
            },
            _ => WindowsVersion::default(),
        }
    }

    fn is_empty(&self) -> bool {
        *self == WindowsVersion::default()
    }

    /// `checkWindowsHostAndContainerCompat`, `self` being the host.
    fn runs(&self, container: &WindowsVersion) -> bool {
        if self.major != container.major || self.minor != container.minor {
            return false;
        }
        if self.build < LTSC2022 {
            return self.build == container.build;
        }
        // A host from LTSC N up to LTSC N+1 runs containers from LTSC N-1 up to its own build.
        let mut floor = LTSC2022;
        for (i, ltsc) in COMPAT_LTSC_RELEASES.iter().enumerate().rev() {
            if self.build >= *ltsc {
                floor = if i == 0 {
                    *ltsc
                } else {
                    COMPAT_LTSC_RELEASES[i - 1]
                };
                break;
            }
        }
        floor <= container.build && container.build <= self.build
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_versions() {
        let v = |s| WindowsVersion::parse(s);
        assert!(v("10.0.17763").runs(&v("10.0.17763.1234")));
        assert!(!v("10.0.17763").runs(&v("10.0.20348")));
        assert!(v("10.0.20348").runs(&v("10.0.20348")));
        assert!(!v("10.0.20348").runs(&v("10.0.17763")));
        assert!(v("10.0.26100").runs(&v("10.0.20348")));
        assert!(v("10.0.26100").runs(&v("10.0.26100")));
        assert!(!v("10.0.26100").runs(&v("10.0.26200")));
        assert!(v("10.0.22621").runs(&v("10.0.20348")));
        assert!(!v("6.3.20348").runs(&v("10.0.20348")));
        assert!(v("10.0").is_empty());
        assert!(v("10.0.+5").is_empty());
        assert!(v("10.0.70000").is_empty());
    }

    #[test]
    fn subset() {
        let big = vec!["a".to_owned(), "c".to_owned(), "e".to_owned()];
        assert!(is_sorted_subset(["a", "e"].into_iter(), &big));
        assert!(!is_sorted_subset(["b"].into_iter(), &big));
        assert!(!is_sorted_subset(["f"].into_iter(), &big));
        assert!(is_sorted_subset([].into_iter(), &big));
        assert!(!is_sorted_subset(["a", "c", "e", "g"].into_iter(), &big));
    }
}
