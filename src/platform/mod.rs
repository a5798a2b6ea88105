//! Multi-architecture images: platforms, matching, manifest lists and OCI indexes.
//!
//! * [`Platform`]: the OCI platform fields, containerd's specifier syntax (`linux/arm64/v8`,
//!   `windows(10.0.17763+win32k)/amd64`), its normalisation (`x86_64` → `amd64`, `aarch64` →
//!   `arm64`, `armhf` → `arm/v7`) and format, with containerd's error texts.
//! * [`Matcher`]: containerd's `NewMatcher`, `Only` (with its fallbacks: `arm/v7` → `v6` →
//!   `v5`, `arm64` → 32-bit `arm`, `amd64` → `386`), `OnlyStrict`, `Ordered`, `Any`, `All`.
//!   The host platform is always an argument, never read from the machine.
//! * [`ImageIndex`]: one model for the Docker manifest list and the OCI image index, parsed with
//!   docker/distribution's checks and a size cap ([`MAX_INDEX_BYTES`]), with containerd's
//!   selection ([`ImageIndex::select`]) and docker's builder and JSON output.
//! * [`Annotation`]: `docker manifest annotate` with docker/cli's validation and errors.
//! * [`arch_suffixed`] / [`split_arch_suffix`]: Kubernetes' legacy `name-$(ARCH)` images.
//!
//! Pinned upstream: containerd/platforms v1.0.0-rc.x (arm64 `v8.x`/`v9.x` variants, `.` in
//! components, OS options in specifiers, the `Less` OS-feature tie-break, Windows LTSC 2025),
//! docker/cli with docker/distribution 2.8.
//!
//! # Where this differs from upstream, and why
//!
//! * **The host is an argument.** containerd fills a one-word specifier from `runtime.GOOS` /
//!   `GOARCH` / the CPU variant and normalises an empty OS to `GOOS`; here the host is passed
//!   ([`Platform::parse`], [`Matcher::with_host_os`]), and `FromStr` refuses one-word
//!   specifiers ([`PlatformErrorKind::NeedsHost`]). containerd's Windows-only `windowsMatchComparer`
//!   (a `Less` used only when containerd itself runs on Windows, masked inside `Ordered`) is
//!   not reproduced.
//! * **`Display` always parses back.** containerd's `FormatAll` percent-encodes only `%+()/`
//!   in OS options; this encodes every other byte outside `[A-Za-z0-9_.-]` too, so output that
//!   containerd could not re-parse becomes parseable. Identical for every other value. An
//!   escape that decodes to invalid UTF-8 is an error (Go strings may hold any bytes).
//! * **JSON is read strictly where Go is lax:** `schemaVersion` must be 2; duplicate keys are an
//!   error (Go keeps the last); keys match case-sensitively (Go's `encoding/json` also accepts
//!   `SchemaVersion`); arrays never stand in for objects. `null` is Go's zero value everywhere.
//! * **Selection** ([`ImageIndex::select`]) considers image manifests and nested indexes only
//!   (the OCI spec says unknown media types MUST be ignored) and, being pure, skips entries
//!   without a platform, which containerd would resolve by fetching their config;
//!   [`ImageIndex::candidates`] lists those too, in containerd's order.
//! * **Hostile variants are bounded:** `Only` expands `amd64/vN` and `arm/vN` to older
//!   versions only up to [`MAX_VARIANT_VERSION`] (containerd would build a vector of N
//!   platforms for any N).
//! * Error texts quote with a port of Go's `strconv.Quote`; its `unicode.IsPrint` table is
//!   approximated for non-ASCII (specifiers are ASCII, so only error texts for rejected input
//!   can differ).
//!
//! ```
//! use kubepull::platform::{ImageIndex, Matcher, Platform};
//!
//! let index = ImageIndex::parse(br#"{"schemaVersion":2,
//!   "mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
//!   {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7143,
//!    "digest":"sha256:e692","platform":{"architecture":"ppc64le","os":"linux"}},
//!   {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7682,
//!    "digest":"sha256:5b0b","platform":{"architecture":"arm","os":"linux","variant":"v6"}}]}"#)?;
//!
//! // A Raspberry Pi 3 (arm64) falls back to the 32-bit arm/v6 image.
//! let host = Platform::new("linux", "arm64");
//! assert_eq!(index.select(&Matcher::only(&host)).unwrap().digest, "sha256:5b0b");
//! assert!(index.select(&Matcher::only_strict(&host)).is_none());
//! # Ok::<(), kubepull::platform::PlatformError>(())
//! ```

mod annotate;
mod error;

mod index;
mod legacy;
mod matcher;
mod spec;

pub use annotate::{Annotation, VALID_OS_ARCHES, is_valid_os_arch};
pub use error::{PlatformError, PlatformErrorKind};
pub use index::{
    Descriptor, ImageIndex, MAX_CONFIG_BYTES, MAX_INDEX_BYTES, PlatformObject, media_type,
};
pub use legacy::{
    LEGACY_ARCHITECTURES, LegacyArchImage, arch_suffixed, os_arch_tagged, split_arch_suffix,
};
pub use matcher::{MAX_VARIANT_VERSION, Matcher};
pub use spec::{
    KNOWN_ARCHITECTURES, KNOWN_OPERATING_SYSTEMS, Platform, is_known_architecture, is_known_os,
};
