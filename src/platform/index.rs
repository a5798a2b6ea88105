//! Docker manifest lists and OCI image indexes: one model for both (as docker/distribution
//! has), parsing with docker/distribution's checks, containerd's selection, docker's builder.

use std::collections::BTreeMap;

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::error::{PlatformError, PlatformErrorKind};
use super::matcher::Matcher;
use super::spec::Platform;
use crate::Reference;
use crate::go;

/// The largest index or manifest list [`ImageIndex::parse`] accepts: 4 MiB, the manifest size
/// limit of docker/distribution and containerd.
pub const MAX_INDEX_BYTES: usize = 4 << 20;

/// Media types of manifests and indexes.
pub mod media_type {
    /// Docker manifest list.
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker image manifest, schema 2.
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker image manifest, schema 1 (legacy).
    pub const DOCKER_MANIFEST_SCHEMA1: &str =
        "application/vnd.docker.distribution.manifest.v1+json";
    /// Docker image manifest, signed schema 1 (legacy).
    pub const DOCKER_MANIFEST_SCHEMA1_SIGNED: &str =
        "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

    /// Whether a descriptor of this media type is an image manifest or an index, i.e. something
    /// a pull can resolve to. Other media types in an index (artifacts, unknown types) are
    /// ignored, as the OCI spec requires.
    #[must_use]
    pub fn is_image(media_type: &str) -> bool {
        matches!(
            media_type,
            DOCKER_MANIFEST_LIST
                | DOCKER_MANIFEST
                | DOCKER_MANIFEST_SCHEMA1
                | DOCKER_MANIFEST_SCHEMA1_SIGNED
                | OCI_INDEX
                | OCI_MANIFEST
        )
    }

    /// Whether this is an index media type (Docker manifest list or OCI index).
    #[must_use]
    pub fn is_index(media_type: &str) -> bool {
        matches!(media_type, DOCKER_MANIFEST_LIST | OCI_INDEX)
    }
}

/// A descriptor in an index: what a manifest is, where it is, and which platform it runs on.
///
/// Empty strings, zero and empty collections mean "absent". Serialised as docker/distribution's
/// `ManifestDescriptor` does: `mediaType`, `size`, `digest`, `urls`, `annotations`, `platform`
/// (always present in a manifest list), then the OCI-only `data` and `artifactType` when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// `mediaType`.
    pub media_type: String,
    /// `size` in bytes.
    pub size: i64,
    /// `digest`, e.g. `sha256:…`.
    pub digest: String,
    /// `urls`.
    pub urls: Vec<String>,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `platform`; `None` when the index has none for this entry.
    pub platform: Option<Platform>,
    /// OCI `data` (base64 embedded content), kept verbatim.
    pub data: Option<String>,
    /// OCI `artifactType`.
    pub artifact_type: String,
}

/// A Docker manifest list or an OCI image index.
///
/// ```
/// use kubepull::platform::{ImageIndex, Matcher, Platform};
///
/// let index = ImageIndex::parse(br#"{"schemaVersion":2,"manifests":[
///   {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:aa",
///    "platform":{"architecture":"amd64","os":"linux"}},
///   {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:bb",
///    "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"#)?;
/// let host: Platform = "linux/arm64".parse()?;
/// assert_eq!(index.select(&Matcher::only(&host)).unwrap().digest, "sha256:bb");
/// # Ok::<(), kubepull::platform::PlatformError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageIndex {
    /// `schemaVersion` (always 2 once parsed).
    pub schema_version: i64,
    /// `mediaType`: the Docker list type, the OCI index type, or empty (OCI allows omitting it).
    pub media_type: String,
    /// OCI `artifactType`.
    pub artifact_type: String,
    /// `manifests`.
    pub manifests: Vec<Descriptor>,
    /// OCI `subject`.
    pub subject: Option<Descriptor>,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
}

impl ImageIndex {
    /// Parses an index or manifest list, telling them apart by the body's `mediaType`: the
    /// Docker list type selects docker/distribution's manifest-list rules, anything else its
    /// OCI index rules.
    ///
    /// # Errors
    /// [`PlatformErrorKind::TooLarge`] over [`MAX_INDEX_BYTES`]; [`PlatformErrorKind::InvalidJson`];
    /// [`PlatformErrorKind::ExpectedIndex`] (`index: expected index but found manifest`);
    /// [`PlatformErrorKind::WrongMediaType`] (`if present, mediaType in image index should be '…' not '…'`);
    /// [`PlatformErrorKind::UnsupportedSchemaVersion`] when `schemaVersion` is not 2.
    pub fn parse(body: &[u8]) -> Result<ImageIndex, PlatformError> {
        parse(body, None)
    }

    /// Parses a body served with `content_type`, as docker/distribution's `UnmarshalManifest`:
    /// a Docker list must carry the list `mediaType`
    /// (`mediaType in manifest list should be '…' not '…'`); an OCI index must not look like a
    /// manifest and may omit `mediaType`.
    ///
    /// # Errors
    /// As [`ImageIndex::parse`]; [`PlatformErrorKind::WrongMediaType`] for a `content_type` that is not
    /// an index type.
    pub fn parse_with_media_type(
        body: &[u8],
        content_type: &str,
    ) -> Result<ImageIndex, PlatformError> {
        parse(body, Some(content_type))
    }

    /// Builds a list from member descriptors as docker/distribution's `FromDescriptors`
    /// (used by `docker manifest create`/`push`): an OCI index if the **first** member is an
    /// OCI manifest, else a Docker manifest list.
    #[must_use]
    pub fn from_descriptors(manifests: Vec<Descriptor>) -> ImageIndex {
        let media_type = match manifests.first() {
            Some(first) if first.media_type == media_type::OCI_MANIFEST => media_type::OCI_INDEX,
            _ => media_type::DOCKER_MANIFEST_LIST,
        };
        ImageIndex {
            schema_version: 2,
            media_type: media_type.to_owned(),
            manifests,
            ..ImageIndex::default()
        }
    }

    /// The list `docker manifest push` sends to the registry for `target` (docker/cli
    /// `buildManifestList`): each member needs an OS and an architecture, must live on the
    /// target's registry host and have a valid digest; its descriptor keeps digest, size,
    /// media type and platform (without the Docker-only CPU `features`, which the CLI's OCI
    /// platform cannot carry). Then [`ImageIndex::from_descriptors`].
    ///
    /// # Errors
    /// The first failing member, with docker/cli's texts:
    /// [`PlatformErrorKind::MissingOsOrArchitecture`]
    /// (`manifest <ref> must have an OS and Architecture to be pushed to a registry`),
    /// [`PlatformErrorKind::DifferentRegistry`]
    /// (`cannot use source images from a different registry than the target image: <member host> != <target host>`),
    /// [`PlatformErrorKind::InvalidDigest`] (`digest parse of image "<ref>" failed: <go-digest error>`).
    pub fn for_push(
        target: &Reference,
        members: &[(Reference, Descriptor)],
    ) -> Result<ImageIndex, PlatformError> {
        let mut manifests = Vec::with_capacity(members.len());
        for (member, descriptor) in members {
            descriptor.check_pushable(member.as_str())?;
            if member.domain() != target.domain() {
                return Err(PlatformError::new(
                    PlatformErrorKind::DifferentRegistry,
                    format!(
                        "cannot use source images from a different registry than the target image: {} != {}",
                        member.domain(),
                        target.domain()
                    ),
                ));
            }
            let platform = descriptor.platform.as_ref().map(|p| Platform {
                features: Vec::new(),
                ..p.clone()
            });
            if let Err(e) = crate::Digest::parse(&descriptor.digest) {
                return Err(PlatformError::new(
                    PlatformErrorKind::InvalidDigest,
                    format!(
                        "digest parse of image {} failed: {e}",
                        go::quote(member.as_str())
                    ),
                ));
            }
            manifests.push(Descriptor {
                media_type: descriptor.media_type.clone(),
                size: descriptor.size,
                digest: descriptor.digest.clone(),
                platform,
                ..Descriptor::default()
            });
        }
        Ok(ImageIndex::from_descriptors(manifests))
    }

    /// The entry a registry serves to a client that does not accept manifest lists: the first
    /// one whose platform is exactly `linux`/`amd64` (docker/distribution's registry, which
    /// then converts it to schema 1, or answers 404 when there is none).
    #[must_use]
    pub fn legacy_client_fallback(&self) -> Option<&Descriptor> {
        self.manifests.iter().find(|d| {
            d.platform
                .as_ref()
                .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
        })
    }

    /// Whether this is a Docker manifest list (as opposed to an OCI index).
    #[must_use]
    pub fn is_docker_manifest_list(&self) -> bool {
        self.media_type == media_type::DOCKER_MANIFEST_LIST
    }

    /// The descriptors containerd would consider for `matcher`, best first: image manifests
    /// and nested indexes whose platform matches, or that have no platform (containerd then
    /// checks the image config's platform, which needs a fetch), stable-sorted by the
    /// matcher's `less` with platform-less entries last (containerd's `images.Manifest`).
    #[must_use]
    pub fn candidates<'a>(&'a self, matcher: &Matcher) -> Vec<&'a Descriptor> {
        let mut found: Vec<&Descriptor> = self
            .manifests
            .iter()
            .filter(|d| media_type::is_image(&d.media_type))
            .filter(|d| d.platform.as_ref().is_none_or(|p| matcher.matches(p)))
            .collect();
        go::slice_stable(&mut found, &mut |a, b| match (&a.platform, &b.platform) {
            (None, _) => false,
            (_, None) => true,
            (Some(a), Some(b)) => matcher.less(a, b),
        });
        found
    }

    /// The best descriptor for `matcher` that declares a matching platform (the first of
    /// [`ImageIndex::candidates`] with a platform), or `None`.
    #[must_use]
    pub fn select(&self, matcher: &Matcher) -> Option<&Descriptor> {
        // Only one winner is needed: a linear scan keeping the first minimal element gives
        // what a stable sort would put first.
        let mut best: Option<(&Descriptor, &Platform)> = None;
        for d in &self.manifests {
            let Some(p) = &d.platform else { continue };
            if !media_type::is_image(&d.media_type) || !matcher.matches(p) {
                continue;
            }
            match best {
                Some((_, bp)) if !matcher.less(p, bp) => {}
                _ => best = Some((d, p)),
            }
        }
        best.map(|(d, _)| d)
    }

    /// [`ImageIndex::select`], with containerd's error when nothing matches.
    ///
    /// # Errors
    /// [`PlatformErrorKind::NoMatch`]: `no match for platform in manifest: not found`.
    pub fn try_select(&self, matcher: &Matcher) -> Result<&Descriptor, PlatformError> {
        self.select(matcher).ok_or_else(|| {
            PlatformError::new(
                PlatformErrorKind::NoMatch,
                "no match for platform in manifest: not found",
            )
        })
    }

    /// Compact JSON, byte for byte as Go's `json.Marshal` writes this document.
    #[must_use]
    pub fn to_json(&self) -> String {
        go_escape(serde_json::to_string(self).unwrap_or_default())
    }

    /// JSON indented with three spaces, byte for byte as docker/distribution's
    /// `FromDescriptors` (`json.MarshalIndent(m, "", "   ")`) and `docker manifest inspect`
    /// print a list (no trailing newline).
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"   ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        if self.serialize(&mut serializer).is_err() {
            return String::new();
        }
        go_escape(String::from_utf8(out).unwrap_or_default())
    }
}

impl Descriptor {
    /// Checks what `docker manifest push` requires of a member: an OS and an architecture.
    ///
    /// # Errors
    /// [`PlatformErrorKind::MissingOsOrArchitecture`]:
    /// `manifest <reference> must have an OS and Architecture to be pushed to a registry`.
    pub fn check_pushable(&self, reference: &str) -> Result<(), PlatformError> {
        match &self.platform {
            Some(p) if !p.os.is_empty() && !p.architecture.is_empty() => Ok(()),
            _ => Err(PlatformError::new(
                PlatformErrorKind::MissingOsOrArchitecture,
                format!(
                    "manifest {reference} must have an OS and Architecture to be pushed to a registry"
                ),
            )),
        }
    }
}

fn go_escape(json: String) -> String {
    match go::escape_json_like_go(&json) {
        std::borrow::Cow::Borrowed(_) => json,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

fn parse(body: &[u8], content_type: Option<&str>) -> Result<ImageIndex, PlatformError> {
    if body.len() > MAX_INDEX_BYTES {
        return Err(PlatformError::new(
            PlatformErrorKind::TooLarge,
            format!(
                "index is {} bytes, more than the limit of {MAX_INDEX_BYTES} bytes",
                body.len()
            ),
        ));
    }
    let Object(wire) = serde_json::from_slice::<Object<IndexIn>>(body).map_err(|e| {
        PlatformError::new(
            PlatformErrorKind::InvalidJson,
            format!("invalid index JSON: {e}"),
        )
    })?;
    let body_type = wire.media_type.clone().unwrap_or_default();
    let as_docker_list = match content_type {
        None => body_type == media_type::DOCKER_MANIFEST_LIST,
        Some(media_type::DOCKER_MANIFEST_LIST) => true,
        Some(media_type::OCI_INDEX) => false,
        Some(other) => {
            return Err(PlatformError::new(
                PlatformErrorKind::WrongMediaType,
                format!(
                    "unsupported media type {other}: expected {} or {}",
                    media_type::DOCKER_MANIFEST_LIST,
                    media_type::OCI_INDEX
                ),
            ));
        }
    };
    if as_docker_list {
        if body_type != media_type::DOCKER_MANIFEST_LIST {
            return Err(PlatformError::new(
                PlatformErrorKind::WrongMediaType,
                format!(
                    "mediaType in manifest list should be '{}' not '{body_type}'",
                    media_type::DOCKER_MANIFEST_LIST
                ),
            ));
        }
    } else {
        if wire.config.is_some() || wire.layers.is_some() {
            return Err(PlatformError::new(
                PlatformErrorKind::ExpectedIndex,
                "index: expected index but found manifest",
            ));
        }
        if !body_type.is_empty() && body_type != media_type::OCI_INDEX {
            return Err(PlatformError::new(
                PlatformErrorKind::WrongMediaType,
                format!(
                    "if present, mediaType in image index should be '{}' not '{body_type}'",
                    media_type::OCI_INDEX
                ),
            ));
        }
    }
    let schema_version = wire.schema_version.unwrap_or(0);
    if schema_version != 2 {
        return Err(PlatformError::new(
            PlatformErrorKind::UnsupportedSchemaVersion,
            format!(
                "unsupported schemaVersion {schema_version}: an image index or manifest list has schemaVersion 2"
            ),
        ));
    }
    Ok(ImageIndex {
        schema_version,
        media_type: body_type,
        artifact_type: wire.artifact_type.unwrap_or_default(),
        manifests: wire
            .manifests
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.0.into_descriptor())
            .collect(),
        subject: wire.subject.map(|o| o.0.into_descriptor()),
        annotations: annotations(wire.annotations),
    })
}

fn annotations(map: Option<BTreeMap<String, Option<String>>>) -> BTreeMap<String, String> {
    map.unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

/// A JSON object only: serde's derived structs also accept arrays (`[2, "…"]`), which Go's
/// `encoding/json` rejects.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Object<T>, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

/// What Go's `encoding/json` accepts: every field optional, `null` as the zero value.
#[derive(Deserialize)]
struct IndexIn {
    #[serde(rename = "schemaVersion")]
    schema_version: Option<i64>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    #[serde(rename = "artifactType")]
    artifact_type: Option<String>,
    manifests: Option<Vec<Object<DescriptorIn>>>,
    subject: Option<Object<DescriptorIn>>,
    annotations: Option<BTreeMap<String, Option<String>>>,
    config: Option<IgnoredAny>,
    layers: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct DescriptorIn {
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    size: Option<i64>,
    digest: Option<String>,
    urls: Option<Vec<String>>,
    annotations: Option<BTreeMap<String, Option<String>>>,
    platform: Option<Object<PlatformIn>>,
    data: Option<String>,
    #[serde(rename = "artifactType")]
    artifact_type: Option<String>,
}

impl DescriptorIn {
    fn into_descriptor(self) -> Descriptor {
        Descriptor {
            media_type: self.media_type.unwrap_or_default(),
            size: self.size.unwrap_or(0),
            digest: self.digest.unwrap_or_default(),
            urls: self.urls.unwrap_or_default(),
            annotations: annotations(self.annotations),
            platform: self.platform.map(|o| o.0.into_platform()),
            data: self.data,
            artifact_type: self.artifact_type.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct PlatformIn {
    architecture: Option<String>,
    os: Option<String>,
    #[serde(rename = "os.version")]
    os_version: Option<String>,
    #[serde(rename = "os.features")]
    os_features: Option<Vec<String>>,
    variant: Option<String>,
    features: Option<Vec<String>>,
}

impl PlatformIn {
    fn into_platform(self) -> Platform {
        Platform {
            os: self.os.unwrap_or_default(),
            architecture: self.architecture.unwrap_or_default(),
            variant: self.variant.unwrap_or_default(),
            os_version: self.os_version.unwrap_or_default(),
            os_features: self.os_features.unwrap_or_default(),
            features: self.features.unwrap_or_default(),
        }
    }
}

/// The largest image config [`Platform::from_image_config`] reads: 16 MiB (configs carry the
/// build history, so they can outgrow a manifest).
pub const MAX_CONFIG_BYTES: usize = 16 << 20;

impl Platform {
    /// The platform of an image config blob, as `docker manifest create` fills a member's
    /// descriptor: the config's top-level `architecture`, `os`, `os.version`, `os.features` and
    /// `variant` (docker/cli decodes the config into the OCI `Platform` struct).
    ///
    /// # Errors
    /// [`PlatformErrorKind::TooLarge`] over [`MAX_CONFIG_BYTES`]; [`PlatformErrorKind::InvalidJson`].
    pub fn from_image_config(config: &[u8]) -> Result<Platform, PlatformError> {
        if config.len() > MAX_CONFIG_BYTES {
            return Err(PlatformError::new(
                PlatformErrorKind::TooLarge,
                format!(
                    "image config is {} bytes, more than the limit of {MAX_CONFIG_BYTES} bytes",
                    config.len()
                ),
            ));
        }
        let Object(mut wire) =
            serde_json::from_slice::<Object<PlatformIn>>(config).map_err(|e| {
                PlatformError::new(
                    PlatformErrorKind::InvalidJson,
                    format!("invalid image config JSON: {e}"),
                )
            })?;
        wire.features = None;
        Ok(wire.into_platform())
    }
}

/// A platform as the JSON object of a manifest list entry (docker/distribution's
/// `PlatformSpec`): `architecture` and `os` always, then `os.version`, `os.features`,
/// `variant`, `features` when set.
#[derive(Debug, Clone, Copy)]
pub struct PlatformObject<'a>(pub &'a Platform);

impl Serialize for PlatformObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut s = serializer.serialize_struct("Platform", 6)?;
        s.serialize_field("architecture", &p.architecture)?;
        s.serialize_field("os", &p.os)?;
        if !p.os_version.is_empty() {
            s.serialize_field("os.version", &p.os_version)?;
        }
        if !p.os_features.is_empty() {
            s.serialize_field("os.features", &p.os_features)?;
        }
        if !p.variant.is_empty() {
            s.serialize_field("variant", &p.variant)?;
        }
        if !p.features.is_empty() {
            s.serialize_field("features", &p.features)?;
        }
        s.end()
    }
}

struct DescriptorOut<'a> {
    descriptor: &'a Descriptor,
    /// A manifest list entry always has a `platform`; an OCI `subject` does not.
    always_platform: bool,
}

impl Serialize for DescriptorOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.descriptor;
        let empty = Platform::default();
        let mut s = serializer.serialize_struct("Descriptor", 8)?;
        if !d.media_type.is_empty() {
            s.serialize_field("mediaType", &d.media_type)?;
        }
        if d.size != 0 {
            s.serialize_field("size", &d.size)?;
        }
        if !d.digest.is_empty() {
            s.serialize_field("digest", &d.digest)?;
        }
        if !d.urls.is_empty() {
            s.serialize_field("urls", &d.urls)?;
        }
        if !d.annotations.is_empty() {
            s.serialize_field("annotations", &d.annotations)?;
        }
        match (&d.platform, self.always_platform) {
            (Some(p), _) => s.serialize_field("platform", &PlatformObject(p))?,
            (None, true) => s.serialize_field("platform", &PlatformObject(&empty))?,
            (None, false) => {}
        }
        if let Some(data) = &d.data {
            s.serialize_field("data", data)?;
        }
        if !d.artifact_type.is_empty() {
            s.serialize_field("artifactType", &d.artifact_type)?;
        }
        s.end()
    }
}

/// docker/distribution's `ManifestDescriptor` form (see [`Descriptor`]).
impl Serialize for Descriptor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DescriptorOut {
            descriptor: self,
            always_platform: true,
        }
        .serialize(serializer)
    }
}

/// docker/distribution's `ManifestList` field order (`schemaVersion`, `mediaType`,
/// `manifests`), with the OCI-only `artifactType`, `subject` and `annotations` where the OCI Go
/// types put them, when set.
impl Serialize for ImageIndex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Manifests<'a>(&'a [Descriptor]);
        impl Serialize for Manifests<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0)
            }
        }
        let mut s = serializer.serialize_struct("ImageIndex", 6)?;
        s.serialize_field("schemaVersion", &self.schema_version)?;
        if !self.media_type.is_empty() {
            s.serialize_field("mediaType", &self.media_type)?;
        }
        if !self.artifact_type.is_empty() {
            s.serialize_field("artifactType", &self.artifact_type)?;
        }
        s.serialize_field("manifests", &Manifests(&self.manifests))?;
        if let Some(subject) = &self.subject {
            s.serialize_field(
                "subject",
                &DescriptorOut {
                    descriptor: subject,
                    always_platform: false,
                },
            )?;
        }
        if !self.annotations.is_empty() {
            s.serialize_field("annotations", &self.annotations)?;
        }
        s.end()
    }
}
