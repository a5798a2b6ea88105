//! KEP-2535's decision: must a pod pull an image that is already on the node?

use super::{
    CredentialPolicy, ImagePullCredentials, ImagePullSecret, ImagePullServiceAccount,
    ImagePulledRecord,
};

/// Above this many cached secrets for an image, a match no longer writes the pod's secret into
/// the record (`writeRecordWhileMatchingLimit`).
pub const WRITE_RECORD_WHILE_MATCHING_LIMIT: usize = 100;

/// What the node's record store says about the image's `imageRef`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulledRecordState<'a> {
    /// No pulled record file.
    Absent,
    /// A record exists but holds no record (`image_pull_manager.go` `MustAttemptImagePull`): counted as pulled
    /// by the kubelet, then the policy decides. Note that the kubelet's file accessor reports
    /// a file that fails to decode as an *error*, not as this state; see
    /// [`super::lookup_pulled_record`], which maps such a file to
    /// [`PulledRecordState::AccessError`].
    Unreadable,
    /// Reading the records failed (I/O, or a record or intent file that does not decode): the
    /// kubelet logs it and requires a pull, whatever the policy.
    AccessError,
    /// The decoded record.
    Present(&'a ImagePulledRecord),
}

/// The credentials of the pod asking for the image, from the keyring lookup filtered to
/// credentials that carry a source: one [`ImagePullSecret`] per secret-sourced credential (so
/// one secret may appear several times with different hashes), and the **first**
/// service-account-sourced credential only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodCredentials {
    /// The pod's pull secrets with the hash of each credential.
    pub secrets: Vec<ImagePullSecret>,
    /// The pod's service account, when a service-account-token plugin supplied a credential.
    pub service_account: Option<ImagePullServiceAccount>,
}

/// Why [`must_attempt_image_pull`] answered as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerdictReason {
    /// `imageRef` is empty: the image is not on the node.
    ImageAbsent,
    /// The record store could not be read.
    RecordAccessError,
    /// The verification policy does not require verification for this image.
    ExemptByPolicy,
    /// No (readable) pulled record for the `imageRef`.
    NoRecord,
    /// The image name does not parse, so its credentials cannot be looked up.
    InvalidImageName,
    /// The record has no credentials for this image name.
    NoCredentialMapping,
    /// The image was pulled anonymously or with node credentials.
    NodePodsAccessible,
    /// The mapping lists no secret and no service account (for example, preloaded only).
    NoRecordedCredentials,
    /// A pod secret holds a credential with a recorded hash.
    SecretHashMatch,
    /// A pod secret has recorded coordinates (UID, namespace, name) but a new hash: a rotated
    /// secret is trusted without a pull.
    SecretCoordinatesMatch,
    /// The pod's service account is recorded.
    ServiceAccountMatch,
    /// None of the pod's credentials is recorded.
    NoMatchingCredentials,
}

/// The answer of [`must_attempt_image_pull`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `true`: the pod must pull the image to prove access.
    pub must_pull: bool,
    /// Why.
    pub reason: VerdictReason,
    /// The record write the kubelet performs as a side effect: merge these credentials into
    /// the pulled record for `imageRef` under [`Verdict::image_name`] (see
    /// [`ImagePulledRecord::merge_credentials`]; create the record when there is none).
    pub record_update: Option<ImagePullCredentials>,
    /// The image name the record is keyed by ([`super::trim_tag_and_digest`]: as written,
    /// without tag or digest), when the image parses.
    pub image_name: Option<String>,
}

impl Verdict {
    fn new(must_pull: bool, reason: VerdictReason, image_name: Option<String>) -> Verdict {
        Verdict {
            must_pull,
            reason,
            record_update: None,
            image_name,
        }
    }
}

/// Readings of [`must_attempt_image_pull`] where upstream revisions disagree.
///
/// The default follows Kubernetes v1.36 (`image_pull_manager_test.go`
/// `TestFileBasedImagePullManager_MustAttemptImagePull` and
/// `TestPreloadedImageNotPoisonedByPullFromDifferentRepo`), which is also the fail-safe reading
/// for a record with an empty mapping. [`VerifyOptions::hardened`] additionally treats a record
/// under another repository name as a kubelet pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Count a pulled record with an **empty** credential mapping as pulled by the kubelet.
    /// On by default.
    ///
    /// Such a record is what the kubelet writes at start-up for a pull intent left over from a
    /// previous run whose image the runtime now has, "to force credential verification" (its
    /// code comment). Kubernetes v1.36's table expects a pull ("image exists and is recorded
    /// with empty credential mapping": must pull). An intermediate revision, with a
    /// `preloaded` flag in the mapping, treated such a record as not pulled by the kubelet and
    /// exempted it under `NeverVerifyPreloadedImages`; turning this off gives that reading,
    /// which fails open.
    pub empty_record_is_kubelet_pulled: bool,
    /// Count a pulled record that maps only **other** repository names (sharing the image id)
    /// to credentials as pulled by the kubelet for this image too. Off by default.
    ///
    /// Kubernetes v1.36 does not ("image exists but the pull is recorded with a different image
    /// name but with the exact same secret": no pull; issue #138175, a private pull of
    /// repository Y must not make a preloaded repository X with the same digest require a
    /// pull). Turning this on restores the earlier, stricter reading: under
    /// `NeverVerifyPreloadedImages` the pod must then prove access.
    pub other_repository_record_is_kubelet_pulled: bool,
}

impl Default for VerifyOptions {
    /// Kubernetes v1.36: empty records count as kubelet pulls, other repositories' records do
    /// not.
    fn default() -> VerifyOptions {
        VerifyOptions {
            empty_record_is_kubelet_pulled: true,
            other_repository_record_is_kubelet_pulled: false,
        }
    }
}

impl VerifyOptions {
    /// The strictest reading: both options on.
    pub fn hardened() -> VerifyOptions {
        VerifyOptions {
            empty_record_is_kubelet_pulled: true,
            other_repository_record_is_kubelet_pulled: true,
        }
    }

    /// The intermediate upstream revision with the `preloaded` mapping flag: both options off.
    /// An empty record is then exempt under `NeverVerifyPreloadedImages` (fails open).
    pub fn preloaded_flag_revision() -> VerifyOptions {
        VerifyOptions {
            empty_record_is_kubelet_pulled: false,
            other_repository_record_is_kubelet_pulled: false,
        }
    }
}

/// `MustAttemptImagePull(image, imageRef, getPodCredentials)` as a pure function of the
/// node's records, the pod's credentials and the policy; Kubernetes v1.36 with the default
/// [`VerifyOptions`].
///
/// * `image` is the container's `image` verbatim; `image_ref` the runtime's id for it (`""`
///   when absent). Records are looked up under [`super::trim_tag_and_digest`] of `image`.
/// * `record` is the pulled record for `image_ref`; `intent_exists` whether a pull intent for
///   `image` exists (in memory or on disk).
/// * `pod_credentials` is called at most once, only when the recorded credentials must be
///   compared; its error is returned as is (the kubelet fails the container start with it).
///
/// Under `NeverVerifyPreloadedImages` the three cases where upstream revisions disagree are
/// decided as v1.36 decides them: a record with an empty mapping must be verified; a record
/// that maps only another repository name does not make this image kubelet-pulled (no pull
/// unless an intent exists); a present image with no record is exempt. See
/// [`VerifyOptions`] for the other readings.
///
/// Not modelled: v1.36 keeps images it saw but did not pull in a separate
/// `ImagePreloadedRecord`; here an exemption's [`Verdict::record_update`] is a `preloaded`
/// mapping in the pulled record, as the intermediate revision wrote it.
///
/// # Errors
///
/// Whatever `pod_credentials` returns.
///
/// ```
/// use kubepull::verify::*;
///
/// let mut record = ImagePulledRecord::new("testimageref", "2024-10-21T12:26:40Z");
/// let cached = ImagePullSecret::new("testsecretuid", "default", "pull-secret", "testsecrethash");
/// record.merge_credentials("docker.io/testing/test", Some(&ImagePullCredentials::secret(cached.clone())), "2024-10-21T12:26:40Z");
///
/// let policy = CredentialPolicy::default(); // NeverVerifyPreloadedImages
/// let other_tenant = || Ok::<_, String>(PodCredentials::default());
/// let verdict = must_attempt_image_pull(
///     &policy, VerifyOptions::default(), "docker.io/testing/test:latest", "testimageref",
///     PulledRecordState::Present(&record), false, other_tenant,
/// )?;
/// assert!(verdict.must_pull);
/// # Ok::<(), String>(())
/// ```
pub fn must_attempt_image_pull<E>(
    policy: &CredentialPolicy,
    options: VerifyOptions,
    image: &str,
    image_ref: &str,
    record: PulledRecordState<'_>,
    intent_exists: bool,
    pod_credentials: impl FnOnce() -> Result<PodCredentials, E>,
) -> Result<Verdict, E> {
    if image_ref.is_empty() {
        return Ok(Verdict::new(true, VerdictReason::ImageAbsent, None));
    }
    let image_name = super::trim_tag_and_digest(image).ok().map(str::to_owned);
    let verdict = |must_pull, reason| Verdict::new(must_pull, reason, image_name.clone());

    let (record, unreadable) = match record {
        PulledRecordState::AccessError => {
            return Ok(verdict(true, VerdictReason::RecordAccessError));
        }
        PulledRecordState::Absent => (None, false),
        PulledRecordState::Unreadable => (None, true),
        PulledRecordState::Present(r) => (Some(r), false),
    };

    // isExemptedByPolicy: was the image pulled by the kubelet?
    let pulled_by_kubelet = unreadable
        || match (record, &image_name) {
            (None, _) => intent_exists,
            (Some(_), None) => true,
            (Some(r), Some(name)) => match r.credential_mapping.get(name) {
                Some(creds) if !creds.preloaded => true,
                Some(_) => intent_exists,
                None if options.empty_record_is_kubelet_pulled
                    && r.credential_mapping.is_empty() =>
                {
                    true
                }
                None if options.other_repository_record_is_kubelet_pulled
                    && r.credential_mapping.values().any(|c| !c.preloaded) =>
                {
                    true
                }
                None => intent_exists,
            },
        };
    if !policy.requires_verification(image, pulled_by_kubelet) {
        let mut exempt = verdict(false, VerdictReason::ExemptByPolicy);
        // lockedShouldWriteImagePreloaded; the write itself needs a parsable name.
        let should_write = match record {
            Some(r) => r.credential_mapping.values().all(|c| c.preloaded),
            None => !intent_exists,
        };
        if should_write && image_name.is_some() {
            exempt.record_update = Some(ImagePullCredentials::preloaded());
        }
        return Ok(exempt);
    }

    let Some(record) = record else {
        return Ok(verdict(true, VerdictReason::NoRecord));
    };
    let Some(name) = &image_name else {
        return Ok(verdict(true, VerdictReason::InvalidImageName));
    };
    let Some(cached) = record.credential_mapping.get(name) else {
        return Ok(verdict(true, VerdictReason::NoCredentialMapping));
    };
    if cached.node_pods_accessible {
        return Ok(verdict(false, VerdictReason::NodePodsAccessible));
    }
    if cached.kubernetes_secrets.is_empty() && cached.kubernetes_service_accounts.is_empty() {
        return Ok(verdict(true, VerdictReason::NoRecordedCredentials));
    }

    let pod = pod_credentials()?;
    let room = cached.kubernetes_secrets.len() < WRITE_RECORD_WHILE_MATCHING_LIMIT;
    for pod_secret in &pod.secrets {
        for cached_secret in &cached.kubernetes_secrets {
            // An empty cached hash means hashing failed when the record was written.
            let hashes_match = !cached_secret.credential_hash.is_empty()
                && pod_secret.credential_hash == cached_secret.credential_hash;
            let coordinates_match = pod_secret.same_coordinates(cached_secret);
            if hashes_match {
                let mut found = verdict(false, VerdictReason::SecretHashMatch);
                if !coordinates_match && room {
                    found.record_update = Some(ImagePullCredentials::secret(pod_secret.clone()));
                }
                return Ok(found);
            }
            // Faithful quirk: past the write limit a rotated secret is not accepted here and
            // the search goes on.
            if coordinates_match && room {
                let mut found = verdict(false, VerdictReason::SecretCoordinatesMatch);
                found.record_update = Some(ImagePullCredentials::secret(pod_secret.clone()));
                return Ok(found);
            }
        }
    }
    if let Some(account) = &pod.service_account {
        if cached.kubernetes_service_accounts.contains(account) {
            return Ok(verdict(false, VerdictReason::ServiceAccountMatch));
        }
    }
    Ok(verdict(true, VerdictReason::NoMatchingCredentials))
}
