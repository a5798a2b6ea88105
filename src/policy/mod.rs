//! Pull policy: what the API server defaults, what the kubelet then does, and what the
//! `AlwaysPullImages` admission plugin enforces.
//!
//! * [`PullPolicy`]: `Always`, `IfNotPresent`, `Never`, with the API server's error texts.
//! * [`default_pull_policy`] / [`DefaultedPullPolicy`]: `SetDefaults_Container`, including its
//!   surprises (`x:latest@sha256:…` defaults to `Always`; digest-only, unparsable and empty
//!   images to `IfNotPresent`).
//! * [`decide`]: the kubelet's `EnsureImageExists` decision as a pure function of the image,
//!   the policy, the image's presence and KEP-2535's verdict ([`crate::verify`]), with the
//!   kubelet's errors ([`ImageError`]) and events ([`Event`]) byte for byte.
//! * [`PullBackoff`]: the per-pod, per-image back-off over an injected clock.
//! * [`AlwaysPullImages`]: the admission plugin's mutation and validation over a small
//!   [`Pod`] model ([`crate::pod`]).
//!
//! ```
//! use kubepull::policy::{decide, Action, DefaultedPullPolicy, Presence, Verification};
//!
//! let image = "registry.example/app:latest";
//! let policy = DefaultedPullPolicy::new(image, None);
//! assert!(policy.defaulted);
//! let decision = decide(image, policy.policy, &Presence::Present, &Verification::Disabled);
//! assert_eq!(decision.action(), Action::Pull);
//! ```

mod admission;
mod backoff;
mod decision;
mod defaulting;
mod image_name;
mod pull_policy;

pub use admission::{AdmissionRequest, AlwaysPullImages, NOT_A_POD, Operation};
// The pod model lives in `crate::pod`; named here too, where the admission plugin takes it.
pub use crate::pod::{Container, ImageVolumeSource, ObjectMeta, Pod, PodSpec, Volume};
pub use backoff::{IMAGE_BACKOFF_INITIAL, IMAGE_BACKOFF_MAX, MAX_BACKOFF_ENTRIES, PullBackoff};
pub use decision::{
    Action, Decision, Event, EventType, ImageError, ImageErrorKind, Presence, UnknownAction,
    Verification, decide, failed_pull_secrets_event, pull_failed, pulled_event, reason,
};
pub use defaulting::{DefaultedPullPolicy, default_pod_spec, default_pull_policy};
pub use image_name::{ImageName, apply_default_image_tag};
pub use pull_policy::{PolicyError, PolicyErrorKind, PullPolicy};
