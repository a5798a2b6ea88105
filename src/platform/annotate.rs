//! `docker manifest annotate`: overwrite a member's platform fields, then validate the os/arch
//! pair against docker/cli's fixed allow-list.

use super::error::{PlatformError, PlatformErrorKind};
use super::index::Descriptor;
use super::spec::Platform;

/// The os/arch pairs `docker manifest annotate` accepts (docker/cli
/// `cli/command/manifest/util.go` `validOSArches`). There is no `windows/arm64` and no
/// `linux/loong64`; the variant is not checked.
pub const VALID_OS_ARCHES: &[(&str, &str)] = &[
    ("darwin", "386"),
    ("darwin", "amd64"),
    ("darwin", "arm"),
    ("darwin", "arm64"),
    ("dragonfly", "amd64"),
    ("freebsd", "386"),
    ("freebsd", "amd64"),
    ("freebsd", "arm"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "ppc64le"),
    ("linux", "mips64"),
    ("linux", "mips64le"),
    ("linux", "riscv64"),
    ("linux", "s390x"),
    ("netbsd", "386"),
    ("netbsd", "amd64"),
    ("netbsd", "arm"),
    ("openbsd", "386"),
    ("openbsd", "amd64"),
    ("openbsd", "arm"),
    ("plan9", "386"),
    ("plan9", "amd64"),
    ("solaris", "amd64"),
    ("windows", "386"),
    ("windows", "amd64"),
];

/// Whether `docker manifest annotate` accepts this os/arch pair (exact, case-sensitive).
#[must_use]
pub fn is_valid_os_arch(os: &str, architecture: &str) -> bool {
    VALID_OS_ARCHES
        .iter()
        .any(|(o, a)| *o == os && *a == architecture)
}

/// The flags of `docker manifest annotate`; empty fields leave the stored value alone.
///
/// ```
/// use kubepull::platform::{Annotation, Platform};
///
/// let annotation = Annotation {
///     os: "freebsd".into(),
///     architecture: "arm".into(),
///     os_version: "1".into(),
///     os_features: vec!["feature1".into()],
///     variant: "v7".into(),
/// };
/// let p = annotation.apply(None)?;
/// assert_eq!(p.to_string(), "freebsd(1+feature1)/arm/v7");
///
/// let bad = Annotation { architecture: "fake".into(), ..annotation };
/// assert_eq!(
///     bad.apply(None).unwrap_err().to_string(),
///     "manifest entry for image has unsupported os/arch combination: freebsd/fake"
/// );
/// # Ok::<(), kubepull::platform::PlatformError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    /// `--os`.
    pub os: String,
    /// `--arch`.
    pub architecture: String,
    /// `--os-version`.
    pub os_version: String,
    /// `--os-features` (already split on commas); each is appended unless already present.
    pub os_features: Vec<String>,
    /// `--variant`.
    pub variant: String,
}

impl Annotation {
    /// Applies the flags to a stored platform (`None`: the member had none) and validates the
    /// result as docker/cli does.
    ///
    /// # Errors
    /// [`PlatformErrorKind::UnsupportedOsArch`] when the resulting os/arch pair is not in
    /// [`VALID_OS_ARCHES`]: `manifest entry for image has unsupported os/arch combination:
    /// <os>/<arch>`, where, as in docker/cli, `<os>` and `<arch>` are the **flag** values (so
    /// possibly empty), not the resulting ones.
    pub fn apply(&self, platform: Option<&Platform>) -> Result<Platform, PlatformError> {
        let mut p = platform.cloned().unwrap_or_default();
        if !self.os.is_empty() {
            p.os.clone_from(&self.os);
        }
        if !self.architecture.is_empty() {
            p.architecture.clone_from(&self.architecture);
        }
        for feature in &self.os_features {
            if !p.os_features.contains(feature) {
                p.os_features.push(feature.clone());
            }
        }
        if !self.variant.is_empty() {
            p.variant.clone_from(&self.variant);
        }
        if !self.os_version.is_empty() {
            p.os_version.clone_from(&self.os_version);
        }
        if !is_valid_os_arch(&p.os, &p.architecture) {
            return Err(PlatformError::new(
                PlatformErrorKind::UnsupportedOsArch,
                format!(
                    "manifest entry for image has unsupported os/arch combination: {}/{}",
                    self.os, self.architecture
                ),
            ));
        }
        Ok(p)
    }
}

impl Descriptor {
    /// Annotates this member's platform; on error the descriptor is unchanged.
    ///
    /// # Errors
    /// As [`Annotation::apply`].
    pub fn annotate(&mut self, annotation: &Annotation) -> Result<(), PlatformError> {
        self.platform = Some(annotation.apply(self.platform.as_ref())?);
        Ok(())
    }
}
