//! The kubelet's pull decision (`EnsureImageExists`), as a pure function.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::{PullPolicy, apply_default_image_tag};
use crate::go::quote;

/// Whether the image is on the node, as the container runtime's `ImageStatus` answered.
///
/// Only asked for `IfNotPresent` and `Never`; with `Always` the kubelet does not look.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Presence {
    /// `ImageStatus` returned no image.
    Absent,
    /// `ImageStatus` returned an image id.
    Present,
    /// `ImageStatus` failed with this error text.
    InspectFailed(String),
}

/// The answer of KEP-2535's credential verification (`MustAttemptImagePull`) for an image that
/// is present; see [`crate::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Verification {
    /// Feature gate `KubeletEnsureSecretPulledImages` is off: presence alone decides.
    Disabled,
    /// `MustAttemptImagePull` returned false: the pod may use the local image.
    Accessible,
    /// `MustAttemptImagePull` returned true: the pod must prove access by pulling.
    MustPull,
    /// `MustAttemptImagePull` returned this error (for example a malformed pull secret); the
    /// kubelet returns it and the container does not start.
    Failed(String),
}

impl From<bool> for Verification {
    /// `MustAttemptImagePull`'s boolean: `true` is [`Verification::MustPull`].
    fn from(must_pull: bool) -> Verification {
        if must_pull {
            Verification::MustPull
        } else {
            Verification::Accessible
        }
    }
}

/// What the kubelet does with the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Pull the image (after the back-off check, see [`super::PullBackoff`]).
    Pull,
    /// Start the container from the local image.
    UseLocal,
    /// Do not start the container.
    Fail,
}

impl Action {
    /// `pull`, `use-local` or `fail`: the CLI's JSON text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Pull => "pull",
            Action::UseLocal => "use-local",
            Action::Fail => "fail",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Action, UnknownAction> {
        match s {
            "pull" => Ok(Action::Pull),
            "use-local" => Ok(Action::UseLocal),
            "fail" => Ok(Action::Fail),
            _ => Err(UnknownAction(s.to_owned())),
        }
    }
}

/// The error of parsing an [`Action`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action {0:?}: expected pull, use-local or fail")]
pub struct UnknownAction(String);

#[cfg(feature = "serde")]
impl serde::Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The kubelet's image errors (k/k `pkg/kubelet/images/types.go` and the CRI error package).
/// [`ImageErrorKind::as_str`] is the error's text, which becomes the container's waiting reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageErrorKind {
    /// `ImagePullBackOff`: a previous pull failed and the back-off has not expired.
    ImagePullBackOff,
    /// `ImageInspectError`: the runtime could not say whether the image is present.
    ImageInspectError,
    /// `ErrImagePull`: the pull failed.
    ErrImagePull,
    /// `ErrImageNeverPull`: policy `Never` and the image is absent (or present but not
    /// accessible to the pod).
    ErrImageNeverPull,
    /// `RegistryUnavailable`: the runtime reported the registry unavailable.
    RegistryUnavailable,
    /// `InvalidImageName`: the image string does not parse.
    InvalidImageName,
    /// `SignatureValidationFailed`: the runtime rejected the image's signature.
    SignatureValidationFailed,
    /// KEP-2535's credential check itself failed ([`Verification::Failed`]). Kubernetes has no
    /// named error for this: the reason is the underlying error's text, kept in the message.
    VerificationFailed,
}

impl ImageErrorKind {
    /// The error's name as the kubelet reports it (`ErrImageNeverPull`, ...);
    /// `VerificationFailed` for [`ImageErrorKind::VerificationFailed`].
    pub const fn as_str(self) -> &'static str {
        match self {
            ImageErrorKind::ImagePullBackOff => "ImagePullBackOff",
            ImageErrorKind::ImageInspectError => "ImageInspectError",
            ImageErrorKind::ErrImagePull => "ErrImagePull",
            ImageErrorKind::ErrImageNeverPull => "ErrImageNeverPull",
            ImageErrorKind::RegistryUnavailable => "RegistryUnavailable",
            ImageErrorKind::InvalidImageName => "InvalidImageName",
            ImageErrorKind::SignatureValidationFailed => "SignatureValidationFailed",
            ImageErrorKind::VerificationFailed => "VerificationFailed",
        }
    }
}

impl fmt::Display for ImageErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kubelet image error: its kind and the message the kubelet returns with it (shown as the
/// container's waiting message). `Display` prints the message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message}")]
pub struct ImageError {
    kind: ImageErrorKind,
    message: String,
}

impl ImageError {
    /// Builds an error.
    pub fn new(kind: ImageErrorKind, message: impl Into<String>) -> ImageError {
        ImageError {
            kind,
            message: message.into(),
        }
    }

    /// The kind.
    pub fn kind(&self) -> ImageErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `Normal` or `Warning`, the two Kubernetes event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `Normal`.
    Normal,
    /// `Warning`.
    Warning,
}

impl EventType {
    /// `Normal` or `Warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The image event reasons of k/k `pkg/kubelet/events/event.go`, plus the pull-secret one.
pub mod reason {
    /// About to pull.
    pub const PULLING: &str = "Pulling";
    /// Pulled, or already present.
    pub const PULLED: &str = "Pulled";
    /// The pull failed.
    pub const FAILED: &str = "Failed";
    /// The image could not be inspected or its name is invalid.
    pub const INSPECT_FAILED: &str = "InspectFailed";
    /// Policy `Never` and the image may not be used.
    pub const ERR_IMAGE_NEVER_PULL: &str = "ErrImageNeverPull";
    /// Pull back-off in effect.
    pub const BACK_OFF: &str = "BackOff";
    /// Some of the pod's pull secrets could not be fetched (k/k `kubelet_pods.go`).
    pub const FAILED_TO_RETRIEVE_IMAGE_PULL_SECRET: &str = "FailedToRetrieveImagePullSecret";
}

/// An event the kubelet records on the pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// `Normal` or `Warning`.
    pub event_type: EventType,
    /// One of [`reason`].
    pub reason: &'static str,
    /// The exact message.
    pub message: String,
}

impl Event {
    pub(crate) fn new(event_type: EventType, reason: &'static str, message: String) -> Event {
        Event {
            event_type,
            reason,
            message,
        }
    }
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decision {
    /// Pull. `image` is the string sent to the runtime (the requested image plus the default
    /// tag, see [`apply_default_image_tag`]); `event` is the `Pulling` event recorded unless the
    /// back-off stops the pull first.
    Pull {
        /// The image string for the runtime's `PullImage`.
        image: String,
        /// `Normal Pulling "Pulling image \"<requested>\""`.
        event: Event,
    },
    /// Use the local image.
    UseLocal {
        /// `Normal Pulled ... already present on machine...`.
        event: Event,
    },
    /// The container cannot start.
    Fail {
        /// The kubelet's error.
        error: ImageError,
        /// The event recorded, if any ([`Verification::Failed`] records none).
        event: Option<Event>,
    },
}

impl Decision {
    /// The action.
    pub fn action(&self) -> Action {
        match self {
            Decision::Pull { .. } => Action::Pull,
            Decision::UseLocal { .. } => Action::UseLocal,
            Decision::Fail { .. } => Action::Fail,
        }
    }

    /// The error, when the action is [`Action::Fail`].
    pub fn error(&self) -> Option<&ImageError> {
        match self {
            Decision::Fail { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The event the kubelet records.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Decision::Pull { event, .. } | Decision::UseLocal { event } => Some(event),
            Decision::Fail { event, .. } => event.as_ref(),
        }
    }
}

/// The kubelet's decision for one container image (`EnsureImageExists` up to the pull).
///
/// * `requested_image` is the container's `image`, verbatim.
/// * `presence` is ignored for `Always`, which never asks the runtime.
/// * `verification` matters only when the image is present and the policy is not `Always`;
///   [`Verification::Disabled`] is the behaviour with the feature gate off.
///
/// Total and pure: every combination has an answer, and the same inputs give the same output.
/// Under `Never`, an image that is present but not accessible ([`Verification::MustPull`])
/// fails with exactly the message of an absent image, so the pod cannot learn it exists.
///
/// ```
/// use kubepull::policy::{decide, Action, Presence, PullPolicy, Verification};
///
/// let d = decide("busybox", PullPolicy::Never, &Presence::Absent, &Verification::Disabled);
/// assert_eq!(d.action(), Action::Fail);
/// assert_eq!(d.error().unwrap().kind().as_str(), "ErrImageNeverPull");
/// assert_eq!(
///     d.error().unwrap().to_string(),
///     r#"Container image "busybox" is not present with pull policy of Never"#
/// );
/// ```
pub fn decide(
    requested_image: &str,
    policy: PullPolicy,
    presence: &Presence,
    verification: &Verification,
) -> Decision {
    let quoted = quote(requested_image);
    let image = match apply_default_image_tag(requested_image) {
        Ok(image) => image,
        Err(e) => {
            let message = format!("Failed to apply default image tag {quoted}: {e}");
            return fail(
                ImageErrorKind::InvalidImageName,
                message,
                Some(reason::INSPECT_FAILED),
            );
        }
    };
    let pull = |image: String| Decision::Pull {
        image,
        event: Event::new(
            EventType::Normal,
            reason::PULLING,
            format!("Pulling image {quoted}"),
        ),
    };
    let never_pull = || {
        let message = format!("Container image {quoted} is not present with pull policy of Never");
        fail(
            ImageErrorKind::ErrImageNeverPull,
            message,
            Some(reason::ERR_IMAGE_NEVER_PULL),
        )
    };
    let use_local = |suffix: &str| Decision::UseLocal {
        event: Event::new(
            EventType::Normal,
            reason::PULLED,
            format!("Container image {quoted} already present on machine{suffix}"),
        ),
    };
    if policy == PullPolicy::Always {
        return pull(image);
    }
    match presence {
        Presence::InspectFailed(e) => {
            let message = format!("Failed to inspect image {quoted}: {e}");
            fail(
                ImageErrorKind::ImageInspectError,
                message,
                Some(reason::INSPECT_FAILED),
            )
        }
        Presence::Absent if policy == PullPolicy::Never => never_pull(),
        Presence::Absent => pull(image),
        Presence::Present => match verification {
            Verification::Disabled => use_local(""),
            Verification::Accessible => use_local(" and can be accessed by the pod"),
            Verification::Failed(e) => Decision::Fail {
                error: ImageError::new(ImageErrorKind::VerificationFailed, e.clone()),
                event: None,
            },
            Verification::MustPull if policy == PullPolicy::Never => never_pull(),
            Verification::MustPull => pull(image),
        },
    }
}

fn fail(kind: ImageErrorKind, message: String, event_reason: Option<&'static str>) -> Decision {
    Decision::Fail {
        event: event_reason.map(|r| Event::new(EventType::Warning, r, message.clone())),
        error: ImageError::new(kind, message),
    }
}

/// What the kubelet does when the runtime's `PullImage` fails with `cri_error` (its text):
/// the `Warning Failed` event and the error classified by `evalCRIPullErr`.
///
/// ```
/// use kubepull::policy::{pull_failed, ImageErrorKind};
///
/// let (error, event) = pull_failed("foo:1", "RegistryUnavailable: dial tcp: i/o timeout");
/// assert_eq!(error.kind(), ImageErrorKind::RegistryUnavailable);
/// assert_eq!(
///     error.to_string(),
///     "image pull failed for foo:1 because the registry is unavailable: dial tcp: i/o timeout"
/// );
/// assert_eq!(event.message, r#"Failed to pull image "foo:1": RegistryUnavailable: dial tcp: i/o timeout"#);
/// ```
pub fn pull_failed(requested_image: &str, cri_error: &str) -> (ImageError, Event) {
    let event = Event::new(
        EventType::Warning,
        reason::FAILED,
        format!(
            "Failed to pull image {}: {cri_error}",
            quote(requested_image)
        ),
    );
    let error = if let Some(rest) = cri_error.strip_prefix("RegistryUnavailable") {
        ImageError::new(
            ImageErrorKind::RegistryUnavailable,
            format!(
                "image pull failed for {requested_image} because the registry is unavailable{rest}"
            ),
        )
    } else if let Some(rest) = cri_error.strip_prefix("SignatureValidationFailed") {
        ImageError::new(
            ImageErrorKind::SignatureValidationFailed,
            format!(
                "image pull failed for {requested_image} because the signature validation failed{rest}"
            ),
        )
    } else {
        ImageError::new(ImageErrorKind::ErrImagePull, cri_error)
    };
    (error, event)
}

/// The `Normal Pulled` event after a successful pull. Both durations are truncated to the
/// millisecond and printed as Go prints a `time.Duration`, as the kubelet does.
///
/// ```
/// use std::time::Duration;
/// use kubepull::policy::pulled_event;
///
/// let e = pulled_event("nginx", Duration::from_micros(308_450), Duration::from_millis(1_500), 64_753_325);
/// assert_eq!(
///     e.message,
///     r#"Successfully pulled image "nginx" in 308ms (1.5s including waiting). Image size: 64753325 bytes."#
/// );
/// ```
pub fn pulled_event(
    requested_image: &str,
    pull_duration: Duration,
    total_duration: Duration,
    image_size: u64,
) -> Event {
    Event::new(
        EventType::Normal,
        reason::PULLED,
        format!(
            "Successfully pulled image {} in {} ({} including waiting). Image size: {image_size} bytes.",
            quote(requested_image),
            go_duration(truncate_ms(pull_duration)),
            go_duration(truncate_ms(total_duration)),
        ),
    )
}

fn truncate_ms(d: Duration) -> Duration {
    Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Go's `time.Duration.String()` for a non-negative duration (saturating at Go's maximum).
pub(crate) fn go_duration(d: Duration) -> String {
    let nanos = u64::try_from(d.as_nanos())
        .unwrap_or(u64::MAX)
        .min(i64::MAX as u64);
    if nanos == 0 {
        return "0s".to_owned();
    }
    if nanos < 1_000_000_000 {
        let (unit, prec) = match nanos {
            0..1_000 => ("ns", 0),
            1_000..1_000_000 => ("µs", 3),
            _ => ("ms", 6),
        };
        let scale = 10u64.pow(prec);
        return format!("{}{}{unit}", nanos / scale, fraction(nanos % scale, prec));
    }
    let frac = fraction(nanos % 1_000_000_000, 9);
    let secs = nanos / 1_000_000_000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}{frac}s")
    } else if m > 0 {
        format!("{m}m{s}{frac}s")
    } else {
        format!("{s}{frac}s")
    }
}

fn fraction(value: u64, prec: u32) -> String {
    if value == 0 {
        return String::new();
    }
    let digits = format!("{value:0width$}", width = prec as usize);
    format!(".{}", digits.trim_end_matches('0'))
}

/// The `Warning FailedToRetrieveImagePullSecret` event the kubelet records once per pod sync
/// when some of the pod's `imagePullSecrets` cannot be fetched (`getPullSecretsForPod`).
/// Entries with an empty name are skipped silently, as in the kubelet; `None` when no named
/// secret is missing. The pull still goes ahead with the secrets that were found.
///
/// ```
/// use kubepull::policy::failed_pull_secrets_event;
///
/// let event = failed_pull_secrets_event(["regcred", "", "other"]).unwrap();
/// assert_eq!(event.reason, "FailedToRetrieveImagePullSecret");
/// assert_eq!(
///     event.message,
///     "Unable to retrieve some image pull secrets (regcred, other); attempting to pull the image may not succeed."
/// );
/// assert!(failed_pull_secrets_event([""]).is_none());
/// ```
pub fn failed_pull_secrets_event<'a>(missing: impl IntoIterator<Item = &'a str>) -> Option<Event> {
    let names: Vec<&str> = missing.into_iter().filter(|n| !n.is_empty()).collect();
    if names.is_empty() {
        return None;
    }
    Some(Event::new(
        EventType::Warning,
        reason::FAILED_TO_RETRIEVE_IMAGE_PULL_SECRET,
        format!(
            "Unable to retrieve some image pull secrets ({}); attempting to pull the image may not succeed.",
            names.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::go_duration;
    use std::time::Duration;

    #[test]
    fn go_durations() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_nanos(1), "1ns"),
            (Duration::from_nanos(1_100), "1.1µs"),
            (Duration::from_millis(308), "308ms"),
            (Duration::from_micros(2_500), "2.5ms"),
            (Duration::from_secs(1), "1s"),
            (Duration::from_millis(61_500), "1m1.5s"),
            (Duration::from_secs(3600), "1h0m0s"),
            (Duration::from_secs(u64::MAX), "2562047h47m16.854775807s"),
        ];
        for (d, want) in cases {
            assert_eq!(go_duration(d), want);
        }
    }
}
