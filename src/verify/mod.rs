//! KEP-2535, "Ensure secret pulled images" (feature gate `KubeletEnsureSecretPulledImages`):
//! may a pod use an image that is already on the node without proving it can pull it?
//!
//! * [`VerificationPolicy`] and [`Allowlist`] / [`AllowlistPattern`]: the kubelet's
//!   `imagePullCredentialsVerificationPolicy` and `preloadedImagesVerificationAllowlist`,
//!   with the kubelet's exact error texts; [`CredentialPolicy`] combines them.
//! * [`ImagePulledRecord`] and [`ImagePullIntent`]: the records the kubelet keeps under
//!   `<root-dir>/image_manager/{pulled,pulling}`, in their on-disk JSON shape, with their file
//!   names ([`record_file_name`]).
//! * [`credential_hash`]: the SHA-256 the records store for a secret's credential.
//! * [`record_image_pulled`], [`reconcile_intents`], [`prune_unknown_records`]: how the kubelet
//!   keeps the records up to date after pulls, at start-up and during image garbage collection.
//! * [`must_attempt_image_pull`]: the decision, whose answer feeds
//!   [`crate::policy::decide`] as a [`crate::policy::Verification`].
//!
//! * [`trim_tag_and_digest`]: the name records are keyed by and the allowlist matches, the
//!   image **as written** without tag and digest (`ubuntu:22.04` is `ubuntu`, not
//!   `docker.io/library/ubuntu`).
//!
//! Everything here is pure: the caller reads the record files (or not) and passes values.
//!
//! # Kubernetes version
//!
//! This module follows **Kubernetes v1.36** (`pkg/kubelet/images/pullmanager`:
//! `image_pull_policies.go`, `image_pull_manager.go`, `fs_pullrecords.go`), and is tested
//! against that release's own tables: `TestNewNeverVerifyAllowListedPullPolicy`,
//! `TestTrimImageTagDigest`, `TestFileBasedImagePullManager_MustAttemptImagePull` and the
//! `testdata` files of `TestNewFSPullRecordsAccessor`. Earlier releases differ: they expanded
//! names to `docker.io/library/…` (so an allowlist entry `docker.io/library/*` exempted a pod
//! image `ubuntu`, which v1.36 verifies), wrote `kubelet.config.k8s.io/v1alpha1`, and
//! disagreed on three `MustAttemptImagePull` cases (see [`VerifyOptions`]). Not modelled:
//! v1.36's separate record of images seen but not pulled (`ImagePreloadedRecord`); an
//! exemption here reports a `preloaded` mapping for the pulled record instead.

mod decision;
mod error;
mod hash;
mod lifecycle;
mod name;
mod policy;
mod records;

pub use decision::{
    PodCredentials, PulledRecordState, Verdict, VerdictReason, VerifyOptions,
    WRITE_RECORD_WHILE_MATCHING_LIMIT, must_attempt_image_pull,
};
pub use error::{VerifyError, VerifyErrorKind};
pub use hash::{AuthConfig, credential_hash};
pub use lifecycle::{
    PulledWith, ReconciledIntent, RuntimeImage, reconcile_intents, record_image_pulled,
};
pub use name::trim_tag_and_digest;
pub use policy::{Allowlist, AllowlistPattern, CredentialPolicy, VerificationPolicy};
pub use records::{
    ACCEPTED_API_VERSIONS, API_VERSION, FILE_NAME_PREFIX, ImagePullCredentials, ImagePullIntent,
    ImagePullSecret, ImagePullServiceAccount, ImagePulledRecord, MAX_RECORD_BYTES, RecordLookup,
    is_record_file_name, lookup_pulled_record, prune_unknown_records, pull_intent_exists,
    record_file_name,
};
