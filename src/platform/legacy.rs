//! Kubernetes' legacy per-architecture image names: `registry.k8s.io/pause-amd64:3.1` beside
//! the manifest list `registry.k8s.io/pause:3.1`, and the later tag form
//! `registry.k8s.io/pause:3.10-linux-amd64`.
//!
//! Both are ordinary single-platform images; only the un-suffixed name is a list.

use super::error::{PlatformError, PlatformErrorKind};
use super::spec::{is_known_architecture, normalize_arch};
use crate::Reference;
use crate::go;

/// The architectures recognised as a `-$(ARCH)` suffix when reading a name back: the ones
/// Kubernetes has built per-arch images for (pause `ALL_ARCH`, release server and node
/// platforms). Longer names are tried first, so `-arm64` is never read as `-arm`.
pub const LEGACY_ARCHITECTURES: &[&str] = &[
    "ppc64le", "mips64le", "riscv64", "loong64", "arm64", "s390x", "amd64", "386", "arm",
];

/// An arch-suffixed name read back into the generic name and the platform it was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyArchImage {
    /// The un-suffixed, platform-agnostic name (a manifest list), with the tag kept.
    pub image: Reference,
    /// `linux`, or `windows` for the `-windows-<arch>` form.
    pub os: &'static str,
    /// The architecture from the suffix.
    pub architecture: &'static str,
}

/// The per-arch name of `image`: `registry.k8s.io/pause:3.1` + `amd64` →
/// `registry.k8s.io/pause-amd64:3.1`. The architecture is normalised as containerd does
/// (`x86_64` → `amd64`) and must be one containerd knows.
///
/// ```
/// use kubepull::{platform, Reference};
///
/// let list: Reference = "registry.k8s.io/pause:3.1".parse().unwrap();
/// let amd64 = platform::arch_suffixed(&list, "amd64")?;
/// assert_eq!(amd64.to_string(), "registry.k8s.io/pause-amd64:3.1");
/// let back = platform::split_arch_suffix(&amd64).unwrap();
/// assert_eq!((back.image, back.architecture), (list, "amd64"));
/// # Ok::<(), kubepull::platform::PlatformError>(())
/// ```
///
/// # Errors
/// [`PlatformErrorKind::LegacyName`] for an unknown architecture, for an image pinned by digest (the
/// digest names the list, not the per-arch image) and when the longer name is not a valid
/// reference (the parser's error text follows).
pub fn arch_suffixed(image: &Reference, architecture: &str) -> Result<Reference, PlatformError> {
    let (arch, _) = normalize_arch(architecture, "");
    if !is_known_architecture(&arch) {
        return Err(PlatformError::new(
            PlatformErrorKind::LegacyName,
            format!("unknown architecture {}", go::quote(architecture)),
        ));
    }
    if image.digest().is_some() {
        return Err(PlatformError::new(
            PlatformErrorKind::LegacyName,
            format!("{image}: a digest names one manifest, so it has no per-architecture name"),
        ));
    }
    let mut name = String::with_capacity(image.as_str().len() + arch.len() + 1);
    if !image.domain().is_empty() {
        name.push_str(image.domain());
        name.push('/');
    }
    name.push_str(image.path());
    name.push('-');
    name.push_str(&arch);
    if let Some(tag) = image.tag() {
        name.push(':');
        name.push_str(tag);
    }
    Reference::parse(&name)
        .map_err(|e| PlatformError::new(PlatformErrorKind::LegacyName, format!("{name}: {e}")))
}

/// Reads a `-<arch>` (or `-windows-<arch>`) suffix off the last path component: `pause-amd64`
/// → `pause` + `amd64`. `None` when there is no known suffix or nothing would remain. The tag
/// is kept; a digest is dropped, as it named the per-arch image.
#[must_use]
pub fn split_arch_suffix(image: &Reference) -> Option<LegacyArchImage> {
    let path = image.path();
    let last_start = path.rfind('/').map_or(0, |i| i + 1);
    let last = &path[last_start..];
    let architecture = LEGACY_ARCHITECTURES.iter().copied().find(|arch| {
        last.len() > arch.len() + 1
            && last.ends_with(arch)
            && last.as_bytes()[last.len() - arch.len() - 1] == b'-'
    })?;
    let mut base_len = path.len() - architecture.len() - 1;
    let mut os = "linux";
    if path[..base_len].ends_with("-windows") && base_len - "-windows".len() > last_start {
        base_len -= "-windows".len();
        os = "windows";
    }
    let mut name = String::with_capacity(image.as_str().len());
    if !image.domain().is_empty() {
        name.push_str(image.domain());
        name.push('/');
    }
    name.push_str(&path[..base_len]);
    if let Some(tag) = image.tag() {
        name.push(':');
        name.push_str(tag);
    }
    let image = Reference::parse(&name).ok()?;
    Some(LegacyArchImage {
        image,
        os,
        architecture,
    })
}

/// The pause 3.10 / e2e image tag form: `registry.k8s.io/pause:3.10` + `linux` + `amd64` →
/// `registry.k8s.io/pause:3.10-linux-amd64`; with an OS version (Windows),
/// `…:3.10-windows-amd64-ltsc2022`.
///
/// # Errors
/// [`PlatformErrorKind::LegacyName`] when the image has no tag or the longer tag is invalid.
pub fn os_arch_tagged(
    image: &Reference,
    os: &str,
    architecture: &str,
    os_version: Option<&str>,
) -> Result<Reference, PlatformError> {
    let Some(tag) = image.tag() else {
        return Err(PlatformError::new(
            PlatformErrorKind::LegacyName,
            format!("{image}: no tag to suffix"),
        ));
    };
    let mut tag = format!("{tag}-{os}-{architecture}");
    if let Some(version) = os_version {
        tag.push('-');
        tag.push_str(version);
    }
    image
        .without_tag()
        .with_tag(&tag)
        .map_err(|e| PlatformError::new(PlatformErrorKind::LegacyName, format!("{tag}: {e}")))
}
