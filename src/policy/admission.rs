//! The `AlwaysPullImages` admission plugin over a small pod model.

use std::collections::BTreeSet;

use super::{PolicyError, PolicyErrorKind, PullPolicy};
use crate::go::quote;
use crate::pod::Pod;

/// The operation of an admission request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `CREATE`.
    Create,
    /// `UPDATE`.
    Update,
    /// `DELETE` (not handled by the plugin).
    Delete,
    /// `CONNECT` (not handled by the plugin).
    Connect,
}

/// The attributes of an admission request that the plugin reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionRequest<'a> {
    /// The operation.
    pub operation: Operation,
    /// The API group of the resource (`""` for the core group, where pods live).
    pub group: &'a str,
    /// The resource (`pods`).
    pub resource: &'a str,
    /// The subresource (`""`, `status`, `exec`, `ephemeralcontainers`, ...).
    pub subresource: &'a str,
    /// The object name of the request; when empty, the pod's `metadata.name` is used.
    pub name: &'a str,
}

impl<'a> AdmissionRequest<'a> {
    /// A request on the `pods` resource itself.
    pub fn pods(operation: Operation, name: &'a str) -> AdmissionRequest<'a> {
        AdmissionRequest {
            operation,
            group: "",
            resource: "pods",
            subresource: "",
            name,
        }
    }
}

/// The `AlwaysPullImages` admission plugin (k/k `plugin/pkg/admission/alwayspullimages`).
///
/// It forces `imagePullPolicy: Always` on every init, regular and ephemeral container in a
/// pod's spec, and `pullPolicy: Always` on every image volume, so that a pod can only start
/// from an image it is allowed to pull. Faithful to Kubernetes, it does nothing for:
///
/// * other resources, and **any** subresource, including `ephemeralcontainers`: ephemeral
///   containers added by `kubectl debug` bypass it;
/// * an update whose init, regular and ephemeral containers use only images the old pod
///   already used (image volumes are not part of that comparison);
/// * operations other than create and update.
///
/// An `object` of `None` stands for an object that is not a pod.
///
/// ```
/// use kubepull::policy::{AdmissionRequest, AlwaysPullImages, Container, Operation, Pod};
///
/// let mut pod = Pod::default();
/// pod.metadata.name = "123".into();
/// pod.spec.containers.push(Container::new("app", "nginx:1.25", "IfNotPresent"));
/// let request = AdmissionRequest::pods(Operation::Create, "123");
///
/// let err = AlwaysPullImages.validate(&request, Some(&pod), None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"pods "123" is forbidden: spec.containers[0].imagePullPolicy: Unsupported value: "IfNotPresent": supported values: "Always""#
/// );
/// AlwaysPullImages.admit(&request, Some(&mut pod), None)?;
/// assert_eq!(pod.spec.containers[0].image_pull_policy, "Always");
/// assert!(AlwaysPullImages.validate(&request, Some(&pod), None).is_ok());
/// # Ok::<(), kubepull::policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AlwaysPullImages;

/// The text of the plugin's `BadRequest` when the object is not a pod.
pub const NOT_A_POD: &str = "Resource was marked with kind Pod but was unable to be converted";

impl AlwaysPullImages {
    /// The plugin's registered name.
    pub const NAME: &'static str = "AlwaysPullImages";

    /// Whether the plugin handles the operation (create and update).
    pub fn handles(self, operation: Operation) -> bool {
        matches!(operation, Operation::Create | Operation::Update)
    }

    /// Whether the plugin leaves this request alone (`shouldIgnore`, plus unhandled operations).
    pub fn ignores(
        self,
        request: &AdmissionRequest<'_>,
        object: Option<&Pod>,
        old: Option<&Pod>,
    ) -> bool {
        if !self.handles(request.operation) {
            return true;
        }
        if !request.subresource.is_empty()
            || !request.group.is_empty()
            || request.resource != "pods"
        {
            return true;
        }
        is_update_with_no_new_images(request.operation, object, old)
    }

    /// Mutating admission: sets `Always` everywhere. Returns whether anything changed.
    ///
    /// # Errors
    ///
    /// [`PolicyErrorKind::BadRequest`] with [`NOT_A_POD`] when `object` is `None` and the request is
    /// not ignored.
    pub fn admit(
        self,
        request: &AdmissionRequest<'_>,
        object: Option<&mut Pod>,
        old: Option<&Pod>,
    ) -> Result<bool, PolicyError> {
        if self.ignores(request, object.as_deref(), old) {
            return Ok(false);
        }
        let pod = object
            .ok_or_else(|| PolicyError::new(PolicyErrorKind::BadRequest, NOT_A_POD.to_owned()))?;
        let always = PullPolicy::Always.as_str();
        let mut changed = false;
        for container in pod.spec.containers_mut() {
            changed |= container.image_pull_policy != always;
            container.image_pull_policy = always.to_owned();
        }
        for source in pod.spec.volumes.iter_mut().filter_map(|v| v.image.as_mut()) {
            changed |= source.pull_policy != always;
            source.pull_policy = always.to_owned();
        }
        Ok(changed)
    }

    /// Validating admission: every container and image volume must say `Always`.
    ///
    /// # Errors
    ///
    /// [`PolicyErrorKind::BadRequest`] when `object` is `None` and the request is not ignored;
    /// [`PolicyErrorKind::Forbidden`] listing every violation, each
    /// `pods "<name>" is forbidden: <path>: Unsupported value: "<v>": supported values: "Always"`,
    /// joined as Kubernetes aggregates errors (`[e1, e2]`, duplicates dropped, no brackets for
    /// one).
    pub fn validate(
        self,
        request: &AdmissionRequest<'_>,
        object: Option<&Pod>,
        old: Option<&Pod>,
    ) -> Result<(), PolicyError> {
        if self.ignores(request, object, old) {
            return Ok(());
        }
        let pod = object
            .ok_or_else(|| PolicyError::new(PolicyErrorKind::BadRequest, NOT_A_POD.to_owned()))?;
        let name = if request.name.is_empty() {
            pod.metadata.name.as_str()
        } else {
            request.name
        };
        let forbidden = |path: String, value: &str| {
            let inner = PolicyError::unsupported_value(value, &[PullPolicy::Always.as_str()])
                .at_field(&path);
            forbidden_message(request, name, &inner.to_string())
        };
        let always = PullPolicy::Always.as_str();
        let mut errors = Vec::new();
        for (path, container) in pod.spec.containers_with_path() {
            if container.image_pull_policy != always {
                errors.push(forbidden(
                    format!("{path}.imagePullPolicy"),
                    &container.image_pull_policy,
                ));
            }
        }
        for (i, volume) in pod.spec.volumes.iter().enumerate() {
            if let Some(source) = &volume.image {
                if source.pull_policy != always {
                    errors.push(forbidden(
                        format!("spec.volumes[{i}].image.pullPolicy"),
                        &source.pull_policy,
                    ));
                }
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(PolicyError::new(
            PolicyErrorKind::Forbidden,
            crate::apimachinery::aggregate(&errors),
        ))
    }
}

/// `apierrors.NewForbidden(groupResource, name, err)`.
fn forbidden_message(request: &AdmissionRequest<'_>, name: &str, inner: &str) -> String {
    let resource = if request.group.is_empty() {
        request.resource.to_owned()
    } else {
        format!("{}.{}", request.resource, request.group)
    };
    if resource.is_empty() {
        format!("forbidden: {inner}")
    } else if name.is_empty() {
        format!("{resource} is forbidden: {inner}")
    } else {
        format!("{resource} {} is forbidden: {inner}", quote(name))
    }
}

fn is_update_with_no_new_images(
    operation: Operation,
    object: Option<&Pod>,
    old: Option<&Pod>,
) -> bool {
    if operation != Operation::Update {
        return false;
    }
    let (Some(pod), Some(old)) = (object, old) else {
        return false;
    };
    let old_images: BTreeSet<&str> = old.spec.container_images().collect();
    pod.spec
        .container_images()
        .all(|image| old_images.contains(image))
}
