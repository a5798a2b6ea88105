//! API-server defaulting of `imagePullPolicy` (`SetDefaults_Container`).

use super::{PodSpec, PolicyError, PullPolicy};
use crate::reference::ReferenceView;

/// The policy the API server gives a container whose `imagePullPolicy` is empty.
///
/// `Always` when [`super::ImageName::parse`] sees the tag `latest` (explicit, or implicit because the
/// image has neither tag nor digest), `IfNotPresent` otherwise. A parse error is ignored and
/// gives `IfNotPresent`. The surprising rows, all faithful to Kubernetes:
///
/// ```
/// use kubepull::policy::{default_pull_policy, PullPolicy};
///
/// let digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// assert_eq!(default_pull_policy("nginx"), PullPolicy::Always);
/// // The tag wins although the digest pins the content.
/// assert_eq!(default_pull_policy(&format!("nginx:latest@{digest}")), PullPolicy::Always);
/// assert_eq!(default_pull_policy(&format!("nginx@{digest}")), PullPolicy::IfNotPresent);
/// // Unparsable and empty images are not rejected here.
/// assert_eq!(default_pull_policy("Not/Valid:Name"), PullPolicy::IfNotPresent);
/// assert_eq!(default_pull_policy(""), PullPolicy::IfNotPresent);
/// ```
pub fn default_pull_policy(image: &str) -> PullPolicy {
    // Same answer as `ImageName::parse(image)?.tag() == "latest"`, without allocating.
    match ReferenceView::parse(image) {
        Ok(view) => match (view.tag(), view.digest()) {
            (Some("latest"), _) | (None, None) => PullPolicy::Always,
            _ => PullPolicy::IfNotPresent,
        },
        Err(_) => PullPolicy::IfNotPresent,
    }
}

/// A pull policy after defaulting, and whether defaulting chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DefaultedPullPolicy {
    /// The policy the container ends up with.
    pub policy: PullPolicy,
    /// `true` when the field was empty and [`default_pull_policy`] chose the policy.
    pub defaulted: bool,
}

impl DefaultedPullPolicy {
    /// Applies defaulting to a container: a set policy is left alone, an unset one is
    /// defaulted from the image.
    pub fn new(image: &str, policy: Option<PullPolicy>) -> DefaultedPullPolicy {
        match policy {
            Some(policy) => DefaultedPullPolicy {
                policy,
                defaulted: false,
            },
            None => DefaultedPullPolicy {
                policy: default_pull_policy(image),
                defaulted: true,
            },
        }
    }

    /// Applies defaulting to the raw `imagePullPolicy` field: `""` is defaulted, any other
    /// value must be a policy.
    ///
    /// # Errors
    ///
    /// [`super::PolicyErrorKind::UnsupportedValue`] when the field is set to something that is not
    /// a policy (the API server rejects such a container after defaulting).
    pub fn from_field(image: &str, field: &str) -> Result<DefaultedPullPolicy, PolicyError> {
        if field.is_empty() {
            return Ok(DefaultedPullPolicy::new(image, None));
        }
        Ok(DefaultedPullPolicy::new(image, Some(field.parse()?)))
    }
}

/// Defaults every empty `imagePullPolicy` of a pod spec (init, regular and ephemeral
/// containers) as `SetDefaults_Container` does, and every empty image-volume `pullPolicy` by
/// the same rule on its `reference` (the API documents the same default for image volumes;
/// the defaulting function itself was not found in source). Values already set, valid or
/// not, are left alone. Returns how many fields were filled.
///
/// ```
/// use kubepull::policy::{default_pod_spec, Container, PodSpec};
///
/// let mut spec = PodSpec::default();
/// spec.containers.push(Container::new("a", "nginx", ""));
/// spec.init_containers.push(Container::new("b", "busybox:1.36", ""));
/// assert_eq!(default_pod_spec(&mut spec), 2);
/// assert_eq!(spec.containers[0].image_pull_policy, "Always");
/// assert_eq!(spec.init_containers[0].image_pull_policy, "IfNotPresent");
/// ```
pub fn default_pod_spec(spec: &mut PodSpec) -> usize {
    let mut filled = 0;
    let containers = spec
        .init_containers
        .iter_mut()
        .chain(spec.containers.iter_mut())
        .chain(spec.ephemeral_containers.iter_mut());
    for container in containers.filter(|c| c.image_pull_policy.is_empty()) {
        container.image_pull_policy = default_pull_policy(&container.image).as_str().to_owned();
        filled += 1;
    }
    for source in spec.volumes.iter_mut().filter_map(|v| v.image.as_mut()) {
        if source.pull_policy.is_empty() {
            source.pull_policy = default_pull_policy(&source.reference).as_str().to_owned();
            filled += 1;
        }
    }
    filled
}
