//! `Platform`: the OCI platform fields, containerd's specifier syntax, normalisation and format.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::error::{PlatformError, PlatformErrorKind};
use crate::go;

/// containerd's sentinel text, appended to every specifier error.
const INVALID_ARGUMENT: &str = "invalid argument";
/// containerd's `osRe`, as its `String()` prints it.
const OS_RE: &str = r"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$";
/// containerd's `specifierRe`.
const SPECIFIER_RE: &str = "^[A-Za-z0-9_.-]+$";

/// The operating systems containerd knows (`database.go` `isKnownOS`, from Go's `syslist.go`).
pub const KNOWN_OPERATING_SYSTEMS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// The architectures containerd knows (`database.go` `isKnownArch`).
pub const KNOWN_ARCHITECTURES: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Whether containerd knows `os` (already normalised: lower case, `darwin` not `macos`).
#[must_use]
pub fn is_known_os(os: &str) -> bool {
    KNOWN_OPERATING_SYSTEMS.contains(&os)
}

/// Whether containerd knows `architecture` (already normalised: `amd64`, not `x86_64`).
#[must_use]
pub fn is_known_architecture(architecture: &str) -> bool {
    KNOWN_ARCHITECTURES.contains(&architecture)
}

/// A platform: the OCI `platform` object (plus Docker's CPU `features`).
///
/// An empty string or list means "absent", as in Go. The text form is containerd's specifier
/// syntax, `<os>[(<os.version>[+<os.feature>]*)][/<arch>[/<variant>]]`; `Display` is
/// containerd's `FormatAll` and `FromStr` its `Parse` (for specifiers that name both the OS and
/// the architecture; see [`Platform::parse`] for the one-word forms that need a host).
///
/// ```
/// use kubepull::platform::Platform;
///
/// let p: Platform = "Linux/aarch64".parse()?;
/// assert_eq!((p.os.as_str(), p.architecture.as_str()), ("linux", "arm64"));
/// assert_eq!(p.to_string(), "linux/arm64");
///
/// let v7: Platform = "linux/armhf".parse()?;
/// assert_eq!(v7.to_string(), "linux/arm"); // ARMv7 is bare `arm` after Parse...
/// assert_eq!(v7.normalize().variant, "v7"); // ...and `arm/v7` after Normalize.
///
/// let host = Platform::new("linux", "amd64");
/// assert_eq!(Platform::parse("arm64", &host)?.to_string(), "linux/arm64");
/// assert_eq!(Platform::parse("windows", &host)?.to_string(), "windows/amd64");
///
/// let err = "linux/arm/foo/bar".parse::<Platform>().unwrap_err();
/// assert_eq!(err.to_string(), r#""linux/arm/foo/bar": cannot parse platform specifier: invalid argument"#);
/// # Ok::<(), kubepull::platform::PlatformError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    /// `os`: a GOOS value such as `linux` or `windows`.
    pub os: String,
    /// `architecture`: a GOARCH value such as `amd64`, `arm64` or `ppc64le`.
    pub architecture: String,
    /// `variant`: the CPU variant, e.g. `v7` for ARM.
    pub variant: String,
    /// `os.version`, e.g. `10.0.17763.1234` for Windows.
    pub os_version: String,
    /// `os.features`, e.g. `win32k`.
    pub os_features: Vec<String>,
    /// `features`: CPU features (Docker manifest lists only; reserved in OCI, ignored by matching).
    pub features: Vec<String>,
}

impl Platform {
    /// A platform with just an OS and an architecture.
    #[must_use]
    pub fn new(os: impl Into<String>, architecture: impl Into<String>) -> Platform {
        Platform {
            os: os.into(),
            architecture: architecture.into(),
            ..Platform::default()
        }
    }

    /// The same platform with `variant` set.
    #[must_use]
    pub fn with_variant(mut self, variant: impl Into<String>) -> Platform {
        self.variant = variant.into();
        self
    }

    /// The same platform with `os.version` set.
    #[must_use]
    pub fn with_os_version(mut self, os_version: impl Into<String>) -> Platform {
        self.os_version = os_version.into();
        self
    }

    /// The same platform with `os.features` set.
    #[must_use]
    pub fn with_os_features<I, S>(mut self, os_features: I) -> Platform
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.os_features = os_features.into_iter().map(Into::into).collect();
        self
    }

    /// Parses a specifier exactly as containerd's `platforms.Parse`, with `host` standing in
    /// for the machine containerd runs on: `linux` takes the host's architecture (and its ARM
    /// variant unless that is `v7`), `arm64` takes the host's OS.
    ///
    /// # Errors
    /// containerd's errors, with its texts: wildcards, a malformed OS or other component, an
    /// unknown one-word specifier, more than three components, a bad `%` escape.
    pub fn parse(specifier: &str, host: &Platform) -> Result<Platform, PlatformError> {
        parse(specifier, Some(host))
    }

    /// Parses several specifiers (containerd's `ParseAll`).
    ///
    /// # Errors
    /// The first failure, as `invalid platform <spec>: <err>`.
    pub fn parse_all<S: AsRef<str>>(
        specifiers: &[S],
        host: &Platform,
    ) -> Result<Vec<Platform>, PlatformError> {
        specifiers
            .iter()
            .map(|s| Platform::parse(s.as_ref(), host).map_err(|e| e.in_parse_all(s.as_ref())))
            .collect()
    }

    /// containerd's `Normalize`: OS lower-cased (`macos` → `darwin`), architecture and variant
    /// normalised (`x86_64` → `amd64`, `aarch64` → `arm64`, `armhf` → `arm/v7`, `arm` →
    /// `arm/v7`, `arm64/v8` → `arm64`, ...), OS features sorted and de-duplicated.
    ///
    /// containerd replaces an empty OS by the host's; this keeps it empty (the host is never
    /// guessed). Use [`Platform::normalize_with_host_os`] for containerd's behaviour.
    #[must_use]
    pub fn normalize(&self) -> Platform {
        self.normalize_with_host_os("")
    }

    /// [`Platform::normalize`], with an empty OS replaced by `host_os` as containerd does.
    #[must_use]
    pub fn normalize_with_host_os(&self, host_os: &str) -> Platform {
        let (architecture, variant) = normalize_arch(&self.architecture, &self.variant);
        let mut os_features = self.os_features.clone();
        if os_features.len() > 1 {
            os_features.sort();
            os_features.dedup();
        }
        Platform {
            os: normalize_os(&self.os, host_os),
            architecture,
            variant,
            os_version: self.os_version.clone(),
            os_features,
            features: self.features.clone(),
        }
    }

    /// containerd's `Format`: `os/arch/variant` path-joined, `unknown` when the OS is empty.
    /// Unlike `Display` it leaves out `os.version` and `os.features`.
    #[must_use]
    pub fn format(&self) -> String {
        if self.os.is_empty() {
            return "unknown".to_owned();
        }
        go::join(&[&self.os, &self.architecture, &self.variant])
    }

    /// Whether this is the `unknown/unknown` placeholder BuildKit gives attestation manifests.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }
}

/// containerd's `FormatAll`: `os(version+feature...)/arch/variant`, with the OS options
/// percent-encoded, features sorted and de-duplicated and empty ones skipped.
///
/// containerd encodes only `%`, `+`, `(`, `)` and `/` in OS options; this also encodes every
/// other byte outside `[A-Za-z0-9_.-]` (where containerd's output would not parse back), so
/// that `FromStr` reads back what `Display` writes.
impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.os.is_empty() {
            return f.write_str("unknown");
        }
        let mut options = encode_os_option(&self.os_version);
        let mut features: Vec<&str> = self.os_features.iter().map(String::as_str).collect();
        features.sort_unstable();
        features.dedup();
        for feature in features.into_iter().filter(|f| !f.is_empty()) {
            options.push('+');
            options.push_str(&encode_os_option(feature));
        }
        if options.is_empty() {
            f.write_str(&go::join(&[&self.os, &self.architecture, &self.variant]))
        } else {
            let os = format!("{}({options})", self.os);
            f.write_str(&go::join(&[&os, &self.architecture, &self.variant]))
        }
    }
}

/// containerd's `Parse` for specifiers with an OS and an architecture (`linux/arm64`,
/// `windows(10.0.17763)/amd64`, `linux/arm/v7`).
///
/// # Errors
/// containerd's errors; a one-word specifier that containerd would complete from the host
/// gives [`PlatformErrorKind::NeedsHost`] (use [`Platform::parse`]).
impl FromStr for Platform {
    type Err = PlatformError;

    fn from_str(specifier: &str) -> Result<Platform, PlatformError> {
        parse(specifier, None)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Platform {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Platform {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Platform, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn invalid(kind: PlatformErrorKind, message: String) -> PlatformError {
    PlatformError::new(kind, format!("{message}: {INVALID_ARGUMENT}"))
}

fn parse(specifier: &str, host: Option<&Platform>) -> Result<Platform, PlatformError> {
    let q = go::quote;
    if specifier.contains('*') {
        return Err(invalid(
            PlatformErrorKind::Wildcard,
            format!("{}: wildcards not yet supported", q(specifier)),
        ));
    }
    let parts: Vec<&str> = specifier.splitn(4, '/').collect();
    let mut p = Platform::default();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(os) = match_os_component(part) else {
                return Err(invalid(
                    PlatformErrorKind::InvalidOsComponent,
                    format!(
                        "{} is an invalid OS component of {}: OSAndVersion specifier component must match {}",
                        q(part),
                        q(specifier),
                        q(OS_RE)
                    ),
                ));
            };
            p.os = normalize_os(os.name, "");
            p.os_version = decode_os_option(os.version).map_err(|e| {
                PlatformError::new(
                    PlatformErrorKind::InvalidOsOption,
                    format!(
                        "{} has an invalid OS version {}: {e}",
                        q(specifier),
                        q(os.version)
                    ),
                )
            })?;
            if !os.features.is_empty() {
                for raw in os.features[1..].split('+') {
                    let feature = decode_os_option(raw).map_err(|e| {
                        PlatformError::new(
                            PlatformErrorKind::InvalidOsOption,
                            format!("{} has an invalid OS feature {}: {e}", q(specifier), q(raw)),
                        )
                    })?;
                    p.os_features.push(feature);
                }
            }
        } else if !is_specifier_component(part) {
            return Err(invalid(
                PlatformErrorKind::InvalidComponent,
                format!(
                    "{} is an invalid component of {}: platform specifier component must match {}",
                    q(part),
                    q(specifier),
                    q(SPECIFIER_RE)
                ),
            ));
        }
    }

    match parts.len() {
        1 => {
            if is_known_os(&p.os) {
                let Some(host) = host else {
                    return Err(needs_host(specifier, "an architecture"));
                };
                let (arch, variant) = normalize_arch(&host.architecture, &host.variant);
                if arch == "arm" && variant != "v7" {
                    p.variant = variant;
                }
                p.architecture = arch;
                return Ok(p);
            }
            let (arch, mut variant) = normalize_arch(parts[0], "");
            if arch == "arm" && variant == "v7" {
                variant.clear();
            }
            if is_known_architecture(&arch) {
                let Some(host) = host else {
                    return Err(needs_host(specifier, "an operating system"));
                };
                p.architecture = arch;
                p.variant = variant;
                p.os = normalize_os(&host.os, "");
                return Ok(p);
            }
            Err(invalid(
                PlatformErrorKind::UnknownOsOrArchitecture,
                format!("{}: unknown operating system or architecture", q(specifier)),
            ))
        }
        2 => {
            let (arch, mut variant) = normalize_arch(parts[1], "");
            if arch == "arm" && variant == "v7" {
                variant.clear();
            }
            p.architecture = arch;
            p.variant = variant;
            Ok(p)
        }
        3 => {
            let (arch, mut variant) = normalize_arch(parts[1], parts[2]);
            if arch == "arm64" && variant.is_empty() {
                variant = "v8".to_owned();
            }
            p.architecture = arch;
            p.variant = variant;
            Ok(p)
        }
        _ => Err(invalid(
            PlatformErrorKind::TooManyComponents,
            format!("{}: cannot parse platform specifier", q(specifier)),
        )),
    }
}

fn needs_host(specifier: &str, missing: &str) -> PlatformError {
    PlatformError::new(
        PlatformErrorKind::NeedsHost,
        format!(
            "{}: a one-word platform specifier needs a host platform to supply {missing}: use Platform::parse",
            go::quote(specifier)
        ),
    )
}

struct OsComponent<'a> {
    name: &'a str,
    version: &'a str,
    /// The whole features group, each feature with its leading `+` (`""` if none).
    features: &'a str,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_option_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'%' | b'-')
}

/// A hand-written equivalent of containerd's `osRe`.
fn match_os_component(part: &str) -> Option<OsComponent<'_>> {
    let bytes = part.as_bytes();
    let name_len = bytes.iter().take_while(|b| is_name_byte(**b)).count();
    if name_len == 0 {
        return None;
    }
    let name = &part[..name_len];
    if name_len == bytes.len() {
        return Some(OsComponent {
            name,
            version: "",
            features: "",
        });
    }
    if bytes[name_len] != b'(' || bytes[bytes.len() - 1] != b')' || bytes.len() < name_len + 2 {
        return None;
    }
    let inner = &part[name_len + 1..part.len() - 1];
    let version_len = inner.bytes().take_while(|b| is_option_byte(*b)).count();
    let (version, features) = inner.split_at(version_len);
    if !features.is_empty() {
        // `(\+[A-Za-z0-9_.%-]+)*`
        if !features.starts_with('+') {
            return None;
        }
        if !features[1..]
            .split('+')
            .all(|f| !f.is_empty() && f.bytes().all(is_option_byte))
        {
            return None;
        }
    }
    Some(OsComponent {
        name,
        version,
        features,
    })
}

fn is_specifier_component(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn decode_os_option(value: &str) -> Result<String, String> {
    if value.contains('%') {
        go::path_unescape(value)
    } else {
        Ok(value.to_owned())
    }
}

fn encode_os_option(value: &str) -> String {
    if value.bytes().all(is_plain_option_byte) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 6);
    for b in value.bytes() {
        if is_plain_option_byte(b) {
            out.push(char::from(b));
        } else {
            // containerd encodes `%+()/` like this; any other byte outside the specifier
            // alphabet is encoded too, so that every formatted platform parses back.
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

fn is_plain_option_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// containerd's `normalizeOS`, with the host OS passed in.
pub(crate) fn normalize_os(os: &str, host_os: &str) -> String {
    normalize_os_cow(os, host_os).into_owned()
}

/// [`normalize_os`] without allocating when the OS is already canonical.
pub(crate) fn normalize_os_cow<'a>(os: &'a str, host_os: &'a str) -> Cow<'a, str> {
    if os.is_empty() {
        return Cow::Borrowed(host_os);
    }
    let os = go::to_lower_cow(os);
    if os == "macos" {
        Cow::Borrowed("darwin")
    } else {
        os
    }
}

/// containerd's `normalizeArch` (v1.0.0-rc.x: `arm64` variants `v8.0` and `9.0` fold too).
pub(crate) fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let (arch, variant) = normalize_arch_cow(arch, variant);
    (arch.into_owned(), variant.into_owned())
}

/// [`normalize_arch`] without allocating when the input is already canonical.
pub(crate) fn normalize_arch_cow<'a>(
    arch: &'a str,
    variant: &'a str,
) -> (Cow<'a, str>, Cow<'a, str>) {
    let arch = go::to_lower_cow(arch);
    let variant = go::to_lower_cow(variant);
    let none = || Cow::Borrowed("");
    match arch.as_ref() {
        "i386" => (Cow::Borrowed("386"), none()),
        "x86_64" | "x86-64" | "amd64" => {
            let variant = if variant == "v1" { none() } else { variant };
            (Cow::Borrowed("amd64"), variant)
        }
        "aarch64" | "arm64" => {
            let variant = match variant.as_ref() {
                "8" | "v8" | "v8.0" => none(),
                "9" | "9.0" | "v9.0" => Cow::Borrowed("v9"),
                _ => variant,
            };
            (Cow::Borrowed("arm64"), variant)
        }
        "armhf" => (Cow::Borrowed("arm"), Cow::Borrowed("v7")),
        "armel" => (Cow::Borrowed("arm"), Cow::Borrowed("v6")),
        "arm" => {
            let variant = match variant.as_ref() {
                "" | "7" => Cow::Borrowed("v7"),
                "5" => Cow::Borrowed("v5"),
                "6" => Cow::Borrowed("v6"),
                "8" => Cow::Borrowed("v8"),
                _ => variant,
            };
            (arch, variant)
        }
        _ => (arch, variant),
    }
}
