//! What the kubelet writes into the records after a pull and at start-up.

use std::collections::BTreeSet;

use super::{
    ImagePullCredentials, ImagePullIntent, ImagePullSecret, ImagePullServiceAccount,
    ImagePulledRecord, VerifyError, VerifyErrorKind,
};

/// The credential that made a pull succeed (`TrackedAuthConfig` and its source), as
/// `trackedToImagePullCreds` records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PulledWith {
    /// No credential: an anonymous pull.
    Anonymous,
    /// A node-level credential (node config files, or a plugin not in service-account mode).
    NodeCredential,
    /// A credential from a pod's pull secret, with its [`super::credential_hash`].
    Secret(ImagePullSecret),
    /// A credential a service-account-token plugin returned for the pod's service account.
    ServiceAccount(ImagePullServiceAccount),
}

impl From<PulledWith> for ImagePullCredentials {
    /// Anonymous and node credentials make the image usable by every pod on the node.
    fn from(source: PulledWith) -> ImagePullCredentials {
        match source {
            PulledWith::Anonymous | PulledWith::NodeCredential => {
                ImagePullCredentials::node_pods_accessible()
            }
            PulledWith::Secret(secret) => ImagePullCredentials::secret(secret),
            PulledWith::ServiceAccount(account) => ImagePullCredentials::service_account(account),
        }
    }
}

/// `writePulledRecordIfChanged` / `RecordImagePulled`: the pulled record to write after
/// `image` was pulled as `image_ref`, given the `existing` record for `image_ref` (if any).
///
/// Returns `Ok(None)` when nothing changes. A new record is created even when `credentials`
/// is `None` (an empty mapping: "pulled under unknown circumstances"); an existing one is
/// merged with [`ImagePulledRecord::merge_credentials`].
///
/// ```
/// use kubepull::verify::{record_image_pulled, PulledWith};
///
/// let creds = PulledWith::Anonymous.into();
/// let record = record_image_pulled(None, "repo.repo/test/test:v1", "testimageref", Some(&creds), "2024-10-21T12:26:40Z")?
///     .expect("a new record");
/// assert!(record.credential_mapping["repo.repo/test/test"].node_pods_accessible);
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
///
/// # Errors
///
/// [`VerifyErrorKind::InvalidImageName`] when `image` does not parse:
/// `invalid image name "<image>": couldn't parse image name ...`.
pub fn record_image_pulled(
    existing: Option<&ImagePulledRecord>,
    image: &str,
    image_ref: &str,
    credentials: Option<&ImagePullCredentials>,
    now: &str,
) -> Result<Option<ImagePulledRecord>, VerifyError> {
    let name = super::trim_tag_and_digest(image).map_err(|e| {
        VerifyError::new(
            VerifyErrorKind::InvalidImageName,
            format!("invalid image name {}: {e}", crate::go::quote(image)),
        )
    })?;
    match existing {
        None => {
            let mut record = ImagePulledRecord::new(image_ref, now);
            if let Some(credentials) = credentials {
                record
                    .credential_mapping
                    .insert(name.to_owned(), credentials.clone());
            }
            Ok(Some(record))
        }
        Some(existing) => {
            let mut record = existing.clone();
            Ok(record
                .merge_credentials(name, credentials, now)
                .then_some(record))
        }
    }
}

/// An image as the container runtime lists it (`ListImages`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RuntimeImage {
    /// The image id: the `imageRef` records are keyed by.
    pub id: String,
    /// `RepoTags`.
    pub repo_tags: Vec<String>,
    /// `RepoDigests`.
    pub repo_digests: Vec<String>,
}

/// A pull intent left over from a previous kubelet run whose image the runtime now has.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReconciledIntent {
    /// The intent's `image`.
    pub image: String,
    /// The runtime image id that lists it in its tags or digests.
    pub image_ref: String,
}

/// The kubelet's start-up reconciliation (`initialize`): for every leftover intent whose
/// `image` appears verbatim among a runtime image's `RepoTags` or `RepoDigests`, the kubelet
/// writes a pulled record for that image id with **no** credentials
/// ([`record_image_pulled`] with `None`) and deletes the intent. Returns those pairs, sorted;
/// intents not listed stay on disk.
pub fn reconcile_intents<'a>(
    intents: impl IntoIterator<Item = &'a ImagePullIntent>,
    images: &[RuntimeImage],
) -> Vec<ReconciledIntent> {
    let in_flight: BTreeSet<&str> = intents.into_iter().map(|i| i.image.as_str()).collect();
    let mut out = BTreeSet::new();
    for image in images {
        for name in image.repo_digests.iter().chain(&image.repo_tags) {
            if in_flight.contains(name.as_str()) {
                out.insert(ReconciledIntent {
                    image: name.clone(),
                    image_ref: image.id.clone(),
                });
            }
        }
    }
    out.into_iter().collect()
}
