//! Pulled records and pull intents, in the kubelet's on-disk JSON shape.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{VerifyError, VerifyErrorKind};
use crate::go::{escape_json_like_go as go_escape, sha256_hex};

/// The `apiVersion` the kubelet's file accessor writes (`fs_pullrecords.go`, Kubernetes
/// v1.36; earlier releases wrote `kubelet.config.k8s.io/v1alpha1`).
pub const API_VERSION: &str = "kubelet.config.k8s.io/v1beta1";
/// The `apiVersion` that [`ImagePullIntent::migrate`] and [`ImagePulledRecord::migrate`]
/// rewrite at start-up.
const OUTDATED_API_VERSION: &str = "kubelet.config.k8s.io/v1alpha1";
/// The `apiVersion`s accepted when reading (the kubelet's scheme registers both).
pub const ACCEPTED_API_VERSIONS: [&str; 2] = [
    "kubelet.config.k8s.io/v1alpha1",
    "kubelet.config.k8s.io/v1beta1",
];
/// Record files are named this prefix plus the lowercase hex SHA-256 of their key.
pub const FILE_NAME_PREFIX: &str = "sha256-";
/// The largest record file [`ImagePulledRecord::from_json`] and [`ImagePullIntent::from_json`]
/// accept. The kubelet has no limit; a record past 4 MiB means tens of thousands of secrets.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// The file name for a record key: `sha256-<hex of SHA-256(key)>`. The key is the intent's
/// `image` or the pulled record's `imageRef`.
///
/// ```
/// use kubepull::verify::record_file_name;
///
/// assert_eq!(
///     record_file_name("testimageref"),
///     "sha256-b3c0cc4278800b03a308ceb2611161430df571ca733122f0a40ac8b9792a9064"
/// );
/// ```
pub fn record_file_name(key: &str) -> String {
    format!("{FILE_NAME_PREFIX}{}", sha256_hex(key.as_bytes()))
}

/// Whether the kubelet reads a file of this name when listing records: it must start with
/// `sha256-` and must not end with `.tmp` (an unfinished atomic write).
pub fn is_record_file_name(name: &str) -> bool {
    name.starts_with(FILE_NAME_PREFIX) && !name.ends_with(".tmp")
}

#[cfg(feature = "serde")]
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// A pull intent (`ImagePullIntent`), written before each pull, deleted when the last
/// in-flight pull of the image ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImagePullIntent {
    /// The container's `image`, verbatim.
    pub image: String,
}

/// A secret whose credential pulled the image (`ImagePullSecret`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ImagePullSecret {
    /// `uid`.
    pub uid: String,
    /// `namespace`.
    pub namespace: String,
    /// `name`.
    pub name: String,
    /// `credentialHash`: see [`super::credential_hash`]; empty if hashing failed.
    pub credential_hash: String,
}

impl ImagePullSecret {
    /// A secret's coordinates and credential hash.
    pub fn new(uid: &str, namespace: &str, name: &str, credential_hash: &str) -> ImagePullSecret {
        ImagePullSecret {
            uid: uid.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            credential_hash: credential_hash.to_owned(),
        }
    }

    fn coordinates(&self) -> (&str, &str, &str) {
        (&self.uid, &self.namespace, &self.name)
    }
}

/// A service account whose token got credentials from a plugin (`ImagePullServiceAccount`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImagePullServiceAccount {
    /// `uid`.
    pub uid: String,
    /// `namespace`.
    pub namespace: String,
    /// `name`.
    pub name: String,
}

impl ImagePullServiceAccount {
    /// A service account's coordinates.
    pub fn new(uid: &str, namespace: &str, name: &str) -> ImagePullServiceAccount {
        ImagePullServiceAccount {
            uid: uid.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// The credentials an image was pulled with (`ImagePullCredentials`).
///
/// `node_pods_accessible` (anonymous or node-level credentials) excludes the other sources;
/// `preloaded` marks an image the kubelet saw but did not pull. Its JSON name `preloaded` is
/// not confirmed in Kubernetes source (the spec marks it unverified).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct ImagePullCredentials {
    /// `kubernetesSecrets`, sorted by namespace, name, UID after a merge.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub kubernetes_secrets: Vec<ImagePullSecret>,
    /// `kubernetesServiceAccounts`, sorted by namespace, name, UID after a merge.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub kubernetes_service_accounts: Vec<ImagePullServiceAccount>,
    /// `nodePodsAccessible`: every pod on the node may use the image.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "is_false"))]
    pub node_pods_accessible: bool,
    /// `preloaded`: the kubelet found the image on the node without pulling it.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "is_false"))]
    pub preloaded: bool,
}

impl ImagePullCredentials {
    /// Anonymous or node-level credentials: `{nodePodsAccessible: true}`.
    pub fn node_pods_accessible() -> ImagePullCredentials {
        ImagePullCredentials {
            node_pods_accessible: true,
            ..Default::default()
        }
    }

    /// `{preloaded: true}`.
    pub fn preloaded() -> ImagePullCredentials {
        ImagePullCredentials {
            preloaded: true,
            ..Default::default()
        }
    }

    /// One secret.
    pub fn secret(secret: ImagePullSecret) -> ImagePullCredentials {
        ImagePullCredentials {
            kubernetes_secrets: vec![secret],
            ..Default::default()
        }
    }

    /// One service account.
    pub fn service_account(account: ImagePullServiceAccount) -> ImagePullCredentials {
        ImagePullCredentials {
            kubernetes_service_accounts: vec![account],
            ..Default::default()
        }
    }

    fn is_empty(&self) -> bool {
        !self.preloaded
            && !self.node_pods_accessible
            && self.kubernetes_secrets.is_empty()
            && self.kubernetes_service_accounts.is_empty()
    }
}

/// A record of an image the kubelet pulled (`ImagePulledRecord`), keyed on disk by
/// `imageRef`.
///
/// ```
/// use kubepull::verify::{ImagePullCredentials, ImagePulledRecord};
///
/// let mut record = ImagePulledRecord::new("testimageref", "2024-10-21T12:26:40Z");
/// record.merge_credentials("repo.repo/test/test", Some(&ImagePullCredentials::node_pods_accessible()), "2024-10-21T12:26:40Z");
/// assert_eq!(
///     record.to_json(),
///     "{\"kind\":\"ImagePulledRecord\",\"apiVersion\":\"kubelet.config.k8s.io/v1beta1\",\"lastUpdatedTime\":\"2024-10-21T12:26:40Z\",\"imageRef\":\"testimageref\",\"credentialMapping\":{\"repo.repo/test/test\":{\"nodePodsAccessible\":true}}}\n"
/// );
/// assert_eq!(ImagePulledRecord::from_json(record.to_json().as_bytes())?, record);
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct ImagePulledRecord {
    /// `lastUpdatedTime` as RFC 3339 text (`2024-10-21T12:26:40Z`); `None` is JSON `null`,
    /// Go's zero time. The text is kept as written: the core reads no clock and parses no
    /// time, callers pass the current time when they change a record. [`ImagePulledRecord::from_json`]
    /// rejects text that Go's RFC 3339 parser rejects, as the kubelet's decoder does.
    pub last_updated_time: Option<String>,
    /// `imageRef`: the runtime's image id; the file name is derived from it.
    pub image_ref: String,
    /// `credentialMapping`: image name as written, without tag or digest ([`super::trim_tag_and_digest`]) → credentials.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "BTreeMap::is_empty"))]
    pub credential_mapping: BTreeMap<String, ImagePullCredentials>,
}

impl ImagePullIntent {
    /// An intent for `image`.
    pub fn new(image: &str) -> ImagePullIntent {
        ImagePullIntent {
            image: image.to_owned(),
        }
    }

    /// The file name under `image_manager/pulling`.
    pub fn file_name(&self) -> String {
        record_file_name(&self.image)
    }

    /// The file the kubelet writes, byte for byte: `apiVersion` [`API_VERSION`], ending with
    /// a newline as the apimachinery JSON encoder does.
    pub fn to_json(&self) -> String {
        let wire = WireIntent {
            kind: Some(INTENT_KIND.to_owned()),
            api_version: Some(API_VERSION.to_owned()),
            image: Some(self.image.clone()),
        };
        to_go_json(&wire)
    }

    /// Decodes strictly, as the kubelet does.
    ///
    /// # Errors
    ///
    /// [`VerifyErrorKind::RecordTooLarge`] past [`MAX_RECORD_BYTES`]; [`VerifyErrorKind::InvalidRecord`]
    /// for invalid JSON, unknown or duplicate fields, or a wrong `kind` or `apiVersion`.
    pub fn from_json(bytes: &[u8]) -> Result<ImagePullIntent, VerifyError> {
        let wire: WireIntent = decode(bytes)?;
        check_type(
            wire.kind.as_deref(),
            wire.api_version.as_deref(),
            INTENT_KIND,
        )?;
        Ok(ImagePullIntent {
            image: wire.image.unwrap_or_default(),
        })
    }
}

impl ImagePullIntent {
    /// The start-up rewrite of `NewFSPullRecordsAccessor` (Kubernetes v1.36): a
    /// `kubelet.config.k8s.io/v1alpha1` intent file is decoded and written again as
    /// [`API_VERSION`]; `Ok(None)` for a file that is already current (the kubelet leaves it
    /// untouched, byte for byte).
    ///
    /// ```
    /// use kubepull::verify::ImagePullIntent;
    ///
    /// let alpha = "{\"kind\":\"ImagePullIntent\",\"apiVersion\":\"kubelet.config.k8s.io/v1alpha1\",\"image\":\"repo.repo/test/alphatest:v1\"}\n";
    /// let beta = ImagePullIntent::migrate(alpha.as_bytes())?.expect("rewritten");
    /// assert_eq!(beta, alpha.replacen("v1alpha1", "v1beta1", 1));
    /// assert_eq!(ImagePullIntent::migrate(beta.as_bytes())?, None);
    /// # Ok::<(), kubepull::verify::VerifyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ImagePullIntent::from_json`].
    pub fn migrate(bytes: &[u8]) -> Result<Option<String>, VerifyError> {
        let intent = ImagePullIntent::from_json(bytes)?;
        Ok(is_outdated(bytes)?.then(|| intent.to_json()))
    }
}

impl ImagePulledRecord {
    /// The start-up rewrite of `NewFSPullRecordsAccessor` (Kubernetes v1.36): a
    /// `kubelet.config.k8s.io/v1alpha1` record file is decoded and written again as
    /// [`API_VERSION`]; `Ok(None)` for a file that is already current.
    ///
    /// # Errors
    ///
    /// As [`ImagePulledRecord::from_json`].
    pub fn migrate(bytes: &[u8]) -> Result<Option<String>, VerifyError> {
        let record = ImagePulledRecord::from_json(bytes)?;
        Ok(is_outdated(bytes)?.then(|| record.to_json()))
    }

    /// An empty record (no mapping) for `image_ref`, last updated at `now`.
    pub fn new(image_ref: &str, now: &str) -> ImagePulledRecord {
        ImagePulledRecord {
            last_updated_time: Some(now.to_owned()),
            image_ref: image_ref.to_owned(),
            credential_mapping: BTreeMap::new(),
        }
    }

    /// The file name under `image_manager/pulled`.
    pub fn file_name(&self) -> String {
        record_file_name(&self.image_ref)
    }

    /// The file the kubelet writes, byte for byte: `apiVersion` [`API_VERSION`], map keys
    /// sorted, empty fields omitted, `<`, `>`, `&` escaped as Go does, and a final newline as
    /// the apimachinery JSON encoder writes it.
    pub fn to_json(&self) -> String {
        let mapping = self
            .credential_mapping
            .iter()
            .map(|(k, v)| (k.clone(), WireCredentials::from(v)))
            .collect::<BTreeMap<_, _>>();
        let wire = WireRecord {
            kind: Some(RECORD_KIND.to_owned()),
            api_version: Some(API_VERSION.to_owned()),
            last_updated_time: self.last_updated_time.clone(),
            image_ref: Some(self.image_ref.clone()),
            credential_mapping: if mapping.is_empty() {
                None
            } else {
                Some(mapping)
            },
        };
        to_go_json(&wire)
    }

    /// Decodes strictly, as the kubelet does.
    ///
    /// # Errors
    ///
    /// As [`ImagePullIntent::from_json`].
    pub fn from_json(bytes: &[u8]) -> Result<ImagePulledRecord, VerifyError> {
        let wire: WireRecord = decode(bytes)?;
        check_type(
            wire.kind.as_deref(),
            wire.api_version.as_deref(),
            RECORD_KIND,
        )?;
        if let Some(time) = wire.last_updated_time.as_deref() {
            if !is_rfc3339(time) {
                return Err(VerifyError::new(
                    VerifyErrorKind::InvalidRecord,
                    format!("invalid record: lastUpdatedTime {time:?} is not an RFC 3339 time"),
                ));
            }
        }
        Ok(ImagePulledRecord {
            last_updated_time: wire.last_updated_time,
            image_ref: wire.image_ref.unwrap_or_default(),
            credential_mapping: wire
                .credential_mapping
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect(),
        })
    }

    /// `pulledRecordMergeNewCreds`: merges `new` into the mapping for `image_name` (the
    /// name as written without tag or digest, [`super::trim_tag_and_digest`]) and returns whether the record changed; on a
    /// change `last_updated_time` becomes `now`.
    ///
    /// * `None`, or credentials with nothing set: no change.
    /// * No entry yet for the name: `new` is inserted as is.
    /// * An existing `nodePodsAccessible` entry absorbs everything.
    /// * Both preloaded: no change; otherwise `preloaded` is cleared.
    /// * Then the first that applies: `nodePodsAccessible` replaces the lists; secrets are
    ///   unioned by (UID, namespace, name), a new hash replacing the old, sorted by namespace,
    ///   name, UID; service accounts likewise. When nothing in the lists changes, the record
    ///   does not change, unless `preloaded` was just cleared.
    pub fn merge_credentials(
        &mut self,
        image_name: &str,
        new: Option<&ImagePullCredentials>,
        now: &str,
    ) -> bool {
        let Some(new) = new else { return false };
        if new.is_empty() {
            return false;
        }
        let Some(selected) = self.credential_mapping.get(image_name) else {
            self.credential_mapping
                .insert(image_name.to_owned(), new.clone());
            self.last_updated_time = Some(now.to_owned());
            return true;
        };
        if selected.node_pods_accessible || (new.preloaded && selected.preloaded) {
            return false;
        }
        let mut merged = selected.clone();
        merged.preloaded = false;
        if new.node_pods_accessible {
            merged.node_pods_accessible = true;
            merged.kubernetes_secrets.clear();
            merged.kubernetes_service_accounts.clear();
        } else if !new.kubernetes_secrets.is_empty() {
            match merge_secrets(&merged.kubernetes_secrets, &new.kubernetes_secrets) {
                Some(secrets) => merged.kubernetes_secrets = secrets,
                None => return false,
            }
        } else if !new.kubernetes_service_accounts.is_empty() {
            let mut set: BTreeSet<(String, String, String)> = merged
                .kubernetes_service_accounts
                .iter()
                .map(|a| (a.namespace.clone(), a.name.clone(), a.uid.clone()))
                .collect();
            let before = set.len();
            set.extend(
                new.kubernetes_service_accounts
                    .iter()
                    .map(|a| (a.namespace.clone(), a.name.clone(), a.uid.clone())),
            );
            if set.len() == before {
                return false;
            }
            merged.kubernetes_service_accounts = set
                .into_iter()
                .map(|(namespace, name, uid)| ImagePullServiceAccount {
                    uid,
                    namespace,
                    name,
                })
                .collect();
        }
        self.credential_mapping
            .insert(image_name.to_owned(), merged);
        self.last_updated_time = Some(now.to_owned());
        true
    }
}

/// `mergePullSecrets`: `None` when nothing changes.
fn merge_secrets(
    orig: &[ImagePullSecret],
    new: &[ImagePullSecret],
) -> Option<Vec<ImagePullSecret>> {
    // Keyed (namespace, name, uid): the order the result is sorted in.
    let mut set: BTreeMap<(String, String, String), String> = orig
        .iter()
        .map(|s| {
            (
                (s.namespace.clone(), s.name.clone(), s.uid.clone()),
                s.credential_hash.clone(),
            )
        })
        .collect();
    let mut changed = false;
    for s in new {
        let key = (s.namespace.clone(), s.name.clone(), s.uid.clone());
        if set.get(&key) != Some(&s.credential_hash) {
            changed = true;
            set.insert(key, s.credential_hash.clone());
        }
    }
    changed.then(|| {
        set.into_iter()
            .map(
                |((namespace, name, uid), credential_hash)| ImagePullSecret {
                    uid,
                    namespace,
                    name,
                    credential_hash,
                },
            )
            .collect()
    })
}

impl ImagePullSecret {
    pub(crate) fn same_coordinates(&self, other: &ImagePullSecret) -> bool {
        self.coordinates() == other.coordinates()
    }
}

/// Whether Go's `time.Parse(time.RFC3339, s)` accepts `s` (what `metav1.Time` decodes with).
fn is_rfc3339(s: &str) -> bool {
    parse_rfc3339(s).is_some()
}

/// Go's `time.Parse(time.RFC3339, s)`: `YYYY-MM-DDTHH:MM:SS`, an optional fraction after `.`
/// or `,` (nanoseconds, digits past the ninth ignored), then `Z` or `±HH:MM`, with every field
/// in range (no leap second, day valid for the month). Returns the instant as seconds since
/// the Unix epoch and nanoseconds.
fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let mut scale = 100_000_000;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            nanos += u32::from(d - b'0') * scale;
            scale /= 10;
            i += 1;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b':') => {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = i64::from(h * 3600 + m * 60);
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some((local - offset, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `PruneUnknownRecords(imageList, until)`: the `imageRef`s of the records the kubelet's image
/// garbage collection deletes, those not among `images_in_use` and last updated strictly
/// before `until`. A record without a time (`null`, Go's zero time) or with a time that is not
/// RFC 3339 counts as infinitely old.
///
/// ```
/// use kubepull::verify::{prune_unknown_records, ImagePulledRecord};
///
/// let old = ImagePulledRecord::new("sha256:old", "2026-01-01T00:00:00Z");
/// let used = ImagePulledRecord::new("sha256:used", "2026-01-01T00:00:00Z");
/// let fresh = ImagePulledRecord::new("sha256:fresh", "2026-01-01T02:00:00+01:00");
/// let gone = prune_unknown_records([&old, &used, &fresh], &["sha256:used"], "2026-01-01T01:00:00Z")?;
/// assert_eq!(gone, ["sha256:old"]);
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
///
/// # Errors
///
/// [`VerifyErrorKind::InvalidRecord`] when `until` is not an RFC 3339 time.
pub fn prune_unknown_records<'a>(
    records: impl IntoIterator<Item = &'a ImagePulledRecord>,
    images_in_use: &[&str],
    until: &str,
) -> Result<Vec<&'a str>, VerifyError> {
    let until = parse_rfc3339(until).ok_or_else(|| {
        VerifyError::new(
            VerifyErrorKind::InvalidRecord,
            format!("{until:?} is not an RFC 3339 time"),
        )
    })?;
    let in_use: BTreeSet<&str> = images_in_use.iter().copied().collect();
    Ok(records
        .into_iter()
        .filter(|r| {
            let updated = r.last_updated_time.as_deref().and_then(parse_rfc3339);
            updated.is_none_or(|t| t < until) && !in_use.contains(r.image_ref.as_str())
        })
        .map(|r| r.image_ref.as_str())
        .collect())
}

const INTENT_KIND: &str = "ImagePullIntent";
const RECORD_KIND: &str = "ImagePulledRecord";

fn to_go_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail.
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut file = go_escape(&text).into_owned();
    // apimachinery's JSON serializer encodes with encoding/json's Encoder, which ends the
    // document with a newline.
    file.push('\n');
    file
}

/// Whether a file that decoded as a record or intent carries the outdated `apiVersion`.
fn is_outdated(bytes: &[u8]) -> Result<bool, VerifyError> {
    #[derive(Deserialize)]
    struct Version<'a> {
        #[serde(rename = "apiVersion", borrow)]
        api_version: Option<std::borrow::Cow<'a, str>>,
    }
    let version: Version<'_> = serde_json::from_slice(bytes).map_err(|e| {
        VerifyError::new(
            VerifyErrorKind::InvalidRecord,
            format!("invalid record: {e}"),
        )
    })?;
    Ok(version.api_version.as_deref() == Some(OUTDATED_API_VERSION))
}

fn decode<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, VerifyError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(VerifyError::new(
            VerifyErrorKind::RecordTooLarge,
            format!(
                "record is {} bytes, more than the limit of {MAX_RECORD_BYTES}",
                bytes.len()
            ),
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        VerifyError::new(
            VerifyErrorKind::InvalidRecord,
            format!("invalid record: {e}"),
        )
    })
}

fn check_type(
    kind: Option<&str>,
    api_version: Option<&str>,
    want: &str,
) -> Result<(), VerifyError> {
    let invalid = |m: String| VerifyError::new(VerifyErrorKind::InvalidRecord, m);
    match kind {
        Some(k) if k == want => {}
        Some(k) => {
            return Err(invalid(format!(
                "invalid record: kind {k:?}, expected {want:?}"
            )));
        }
        None => {
            return Err(invalid(
                "invalid record: Object 'Kind' is missing".to_owned(),
            ));
        }
    }
    match api_version {
        Some(v) if ACCEPTED_API_VERSIONS.contains(&v) => Ok(()),
        Some(v) => Err(invalid(format!(
            "invalid record: unsupported apiVersion {v:?}"
        ))),
        None => Err(invalid(
            "invalid record: Object 'apiVersion' is missing".to_owned(),
        )),
    }
}

// The wire models: every field optional so that JSON `null` decodes as Go decodes it (to the
// zero value), unknown and duplicate fields rejected as the kubelet's strict decoder does.

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireIntent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_version: Option<String>,
    #[serde(default)]
    image: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_version: Option<String>,
    #[serde(default)]
    last_updated_time: Option<String>,
    #[serde(default)]
    image_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credential_mapping: Option<BTreeMap<String, WireCredentials>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireCredentials {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kubernetes_secrets: Option<Vec<WireSecret>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kubernetes_service_accounts: Option<Vec<WireAccount>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    node_pods_accessible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preloaded: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireSecret {
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    credential_hash: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireAccount {
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl From<&ImagePullCredentials> for WireCredentials {
    fn from(c: &ImagePullCredentials) -> WireCredentials {
        WireCredentials {
            kubernetes_secrets: (!c.kubernetes_secrets.is_empty()).then(|| {
                c.kubernetes_secrets
                    .iter()
                    .map(|s| WireSecret {
                        uid: Some(s.uid.clone()),
                        namespace: Some(s.namespace.clone()),
                        name: Some(s.name.clone()),
                        credential_hash: Some(s.credential_hash.clone()),
                    })
                    .collect()
            }),
            kubernetes_service_accounts: (!c.kubernetes_service_accounts.is_empty()).then(|| {
                c.kubernetes_service_accounts
                    .iter()
                    .map(|a| WireAccount {
                        uid: Some(a.uid.clone()),
                        namespace: Some(a.namespace.clone()),
                        name: Some(a.name.clone()),
                    })
                    .collect()
            }),
            node_pods_accessible: c.node_pods_accessible.then_some(true),
            preloaded: c.preloaded.then_some(true),
        }
    }
}

impl From<WireCredentials> for ImagePullCredentials {
    fn from(w: WireCredentials) -> ImagePullCredentials {
        ImagePullCredentials {
            kubernetes_secrets: w
                .kubernetes_secrets
                .unwrap_or_default()
                .into_iter()
                .map(|s| ImagePullSecret {
                    uid: s.uid.unwrap_or_default(),
                    namespace: s.namespace.unwrap_or_default(),
                    name: s.name.unwrap_or_default(),
                    credential_hash: s.credential_hash.unwrap_or_default(),
                })
                .collect(),
            kubernetes_service_accounts: w
                .kubernetes_service_accounts
                .unwrap_or_default()
                .into_iter()
                .map(|a| ImagePullServiceAccount {
                    uid: a.uid.unwrap_or_default(),
                    namespace: a.namespace.unwrap_or_default(),
                    name: a.name.unwrap_or_default(),
                })
                .collect(),
            node_pods_accessible: w.node_pods_accessible.unwrap_or(false),
            preloaded: w.preloaded.unwrap_or(false),
        }
    }
}

/// The result of looking a pulled record up the way the kubelet's file accessor does
/// (`GetImagePulledRecord`), see [`lookup_pulled_record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordLookup {
    /// No file, or a file whose `imageRef` is not the one looked up (a hash collision, or a
    /// misplaced file): treated as no record.
    Absent,
    /// The file does not decode. The kubelet returns this as an error, and
    /// `MustAttemptImagePull` answers "must pull" for any such error.
    Invalid(VerifyError),
    /// The record.
    Present(ImagePulledRecord),
}

impl RecordLookup {
    /// The state to pass to [`super::must_attempt_image_pull`]: an undecodable file is an
    /// [`super::PulledRecordState::AccessError`], as in the kubelet.
    pub fn state(&self) -> super::PulledRecordState<'_> {
        match self {
            RecordLookup::Absent => super::PulledRecordState::Absent,
            RecordLookup::Invalid(_) => super::PulledRecordState::AccessError,
            RecordLookup::Present(record) => super::PulledRecordState::Present(record),
        }
    }
}

/// `GetImagePulledRecord(imageRef)` over the content of the file named
/// [`record_file_name`]`(image_ref)`, or `None` when there is no such file.
///
/// ```
/// use kubepull::verify::{lookup_pulled_record, ImagePulledRecord, RecordLookup};
///
/// let record = ImagePulledRecord::new("other-ref", "2024-10-21T12:26:40Z");
/// let lookup = lookup_pulled_record("ref", Some(record.to_json().as_bytes()));
/// assert_eq!(lookup, RecordLookup::Absent);
/// ```
pub fn lookup_pulled_record(image_ref: &str, file: Option<&[u8]>) -> RecordLookup {
    let Some(bytes) = file else {
        return RecordLookup::Absent;
    };
    match ImagePulledRecord::from_json(bytes) {
        Err(e) => RecordLookup::Invalid(e),
        Ok(record) if record.image_ref != image_ref => RecordLookup::Absent,
        Ok(record) => RecordLookup::Present(record),
    }
}

/// `ImagePullIntentExists(image)` over the content of the file named
/// [`record_file_name`]`(image)`, or `None` when there is no such file: `true` only when the
/// file decodes and holds exactly `image`.
///
/// # Errors
///
/// The decoding error of [`ImagePullIntent::from_json`]. The kubelet then answers "must
/// pull"; pass [`super::PulledRecordState::AccessError`] to reproduce that.
pub fn pull_intent_exists(image: &str, file: Option<&[u8]>) -> Result<bool, VerifyError> {
    match file {
        None => Ok(false),
        Some(bytes) => Ok(ImagePullIntent::from_json(bytes)?.image == image),
    }
}
