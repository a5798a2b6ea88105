//! Pods and ServiceAccounts as image pulling sees them, and the rules that pick a pod's images
//! and pull secrets.
//!
//! * [`Pod`], [`ServiceAccount`]: small models holding only what image pulling reads;
//!   they deserialise from the objects `kubectl get -o json` prints (unknown fields ignored).
//! * [`Objects`]: what a file holds, one object or a `kind: List` as kubectl prints it:
//!   its pods, ServiceAccounts and Secrets.
//! * [`images`]: every image of a pod with its field path and effective pull policy
//!   ([`PodImage`]), in the kubelet's visiting order.
//! * [`Pod::service_account_name`]: the ServiceAccount admission plugin's `default`.
//! * [`effective_pull_secret_names`], [`missing_pull_secrets`], [`keyring_for_pod`]: which
//!   pull secrets a pod's pulls use, which of them are missing, and the kubelet's keyring.
//! * [`PullPlan`]: all of it in one call: per image, the field path, the parsed reference,
//!   the effective policy and the credentials in kubelet order; and the missing secrets.
//!
//! The same rules serve k8s-openapi's types in [`crate::k8s`]: one place for each.
//! Behaviour follows Kubernetes v1.35: `plugin/pkg/admission/serviceaccount/admission.go`
//! (default name, pull secrets copied at creation, mirror pods left alone) and
//! `pkg/kubelet/kubelet_pods.go` `getPullSecretsForPod` (a missing secret is skipped with a
//! warning).
//!
//! ```
//! use kubepull::keyring::KeyringOptions;
//! use kubepull::pod::{self, Objects};
//!
//! // As `kubectl get pod/web sa/default secret/regcred -n shop -o json` prints them.
//! let list = br#"{"kind": "List", "items": [
//!   {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
//!    "spec": {"containers": [{"name": "app", "image": "registry.example/shop/web:1.4"}]}},
//!   {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"},
//!    "imagePullSecrets": [{"name": "regcred"}, {"name": "not-created-yet"}]},
//!   {"kind": "Secret", "metadata": {"name": "regcred", "namespace": "shop"},
//!    "type": "kubernetes.io/dockerconfigjson",
//!    "stringData": {".dockerconfigjson": "{\"auths\":{\"registry.example\":{\"username\":\"ci\",\"password\":\"s3cret\"}}}"}}
//! ]}"#;
//! let objects = Objects::from_json(list)?;
//! let web = &objects.pods[0];
//! let account = objects.service_account(web);
//! assert_eq!(web.service_account_name(), "default");
//! assert_eq!(pod::effective_pull_secret_names(web, account), ["regcred", "not-created-yet"]);
//! assert_eq!(pod::missing_pull_secrets(web, account, &objects.secrets), ["not-created-yet"]);
//!
//! let keyring = pod::keyring_for_pod(web, account, &objects.secrets, None, KeyringOptions::FAITHFUL)?;
//! for image in pod::images(web) {
//!     let found = keyring.lookup_str(image.image);
//!     assert_eq!(image.field_path, "spec.containers[0]");
//!     assert_eq!(found[0].source().to_string(), "secret:shop/regcred");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "serde")]
mod objects;
mod plan;

use std::collections::BTreeMap;

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use objects::{MAX_OBJECTS_BYTES, Objects, ObjectsError};
pub use plan::{PlannedImage, PullPlan, PullPlanBuilder, PullSecretsSource};

use crate::config::{DockerConfig, KubeSecret};
use crate::keyring::{self, Keyring, KeyringBuilder, KeyringError, KeyringOptions};
use crate::policy::{self, DefaultedPullPolicy, PullPolicy};

/// The ServiceAccount a pod runs as when it names none (the ServiceAccount admission plugin's
/// `DefaultServiceAccountName`).
pub const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// The annotation that marks a mirror pod (the API copy of a static pod), which the
/// ServiceAccount admission plugin leaves alone.
pub const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// A reference to an object in the same namespace (`imagePullSecrets[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct LocalObjectReference {
    /// `name`: `""` when unset.
    pub name: String,
}

impl LocalObjectReference {
    /// A reference to `name`.
    pub fn new(name: &str) -> LocalObjectReference {
        LocalObjectReference {
            name: name.to_owned(),
        }
    }
}

/// A ServiceAccount, reduced to its pull secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct ServiceAccount {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `imagePullSecrets`, in order.
    pub image_pull_secrets: Vec<LocalObjectReference>,
}

/// A container of any kind: only the fields the image-pull rules read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct Container {
    /// `name`.
    pub name: String,
    /// `image`, verbatim.
    pub image: String,
    /// `imagePullPolicy`, verbatim: `""` when unset. Kept as text because validation reports
    /// whatever value is there.
    pub image_pull_policy: String,
}

impl Container {
    /// A container with an image and a policy field.
    pub fn new(name: &str, image: &str, image_pull_policy: &str) -> Container {
        Container {
            name: name.to_owned(),
            image: image.to_owned(),
            image_pull_policy: image_pull_policy.to_owned(),
        }
    }
}

/// An image volume's source (`volumes[].image`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct ImageVolumeSource {
    /// `reference`: the image.
    pub reference: String,
    /// `pullPolicy`, verbatim: `""` when unset.
    pub pull_policy: String,
}

/// A pod volume; only image volumes matter here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct Volume {
    /// `name`.
    pub name: String,
    /// `image`, for an image volume.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub image: Option<ImageVolumeSource>,
}

/// The parts of a pod spec that name images and their pull credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct PodSpec {
    /// `initContainers`.
    pub init_containers: Vec<Container>,
    /// `containers`.
    pub containers: Vec<Container>,
    /// `ephemeralContainers`.
    pub ephemeral_containers: Vec<Container>,
    /// `volumes`.
    pub volumes: Vec<Volume>,
    /// `imagePullSecrets`, in order; entries with an empty name are kept, as the API does.
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// `serviceAccountName`, verbatim: `""` when unset (see [`Pod::service_account_name`]).
    pub service_account_name: String,
}

/// The object metadata image pulling reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct ObjectMeta {
    /// `name`.
    pub name: String,
    /// `namespace`: `""` when unset.
    pub namespace: String,
    /// `uid`: `""` when unset (a pull secret's UID is part of its credential source).
    pub uid: String,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// A pod, reduced to what image pulling needs. Deserialises from a real pod's JSON (unknown
/// fields are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct Pod {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: PodSpec,
}

impl PodSpec {
    /// Visits init, regular and ephemeral containers in that order with their field paths
    /// (`pods.VisitContainersWithPath`).
    pub(crate) fn containers_with_path(&self) -> impl Iterator<Item = (String, &Container)> {
        let init = self.init_containers.iter().enumerate();
        let regular = self.containers.iter().enumerate();
        let ephemeral = self.ephemeral_containers.iter().enumerate();
        init.map(|(i, c)| (format!("spec.initContainers[{i}]"), c))
            .chain(regular.map(|(i, c)| (format!("spec.containers[{i}]"), c)))
            .chain(ephemeral.map(|(i, c)| (format!("spec.ephemeralContainers[{i}]"), c)))
    }

    /// Every container image (init, regular, ephemeral), in visiting order.
    pub fn container_images(&self) -> impl Iterator<Item = &str> {
        self.init_containers
            .iter()
            .chain(&self.containers)
            .chain(&self.ephemeral_containers)
            .map(|c| c.image.as_str())
    }

    pub(crate) fn containers_mut(&mut self) -> impl Iterator<Item = &mut Container> {
        self.init_containers
            .iter_mut()
            .chain(self.containers.iter_mut())
            .chain(self.ephemeral_containers.iter_mut())
    }
}

impl Pod {
    /// The ServiceAccount the pod runs as: `spec.serviceAccountName`, or
    /// [`DEFAULT_SERVICE_ACCOUNT`] when it is empty, as the admission plugin defaults it.
    pub fn service_account_name(&self) -> &str {
        match self.spec.service_account_name.as_str() {
            "" => DEFAULT_SERVICE_ACCOUNT,
            name => name,
        }
    }

    /// Whether the pod is a mirror pod ([`MIRROR_POD_ANNOTATION`]).
    pub fn is_mirror(&self) -> bool {
        self.metadata
            .annotations
            .contains_key(MIRROR_POD_ANNOTATION)
    }
}

/// Where in a pod an image is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageSource {
    /// `spec.initContainers[i]`.
    InitContainer,
    /// `spec.containers[i]`.
    Container,
    /// `spec.ephemeralContainers[i]`.
    EphemeralContainer,
    /// `spec.volumes[i].image`, an OCI image volume.
    ImageVolume,
}

/// One image of a pod, as [`images`] (or [`crate::k8s::pod_images`]) yields it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodImage<'a> {
    /// What names the image.
    pub source: ImageSource,
    /// Index in the list `source` names (`containers`, `volumes`, ...).
    pub index: usize,
    /// Path of the container or image-volume source: `spec.initContainers[0]`,
    /// `spec.containers[1]`, `spec.ephemeralContainers[0]`, `spec.volumes[2].image`.
    pub field_path: String,
    /// The container's or the volume's name.
    pub name: &'a str,
    /// `image` (for a volume, `reference`), verbatim; `""` when unset.
    pub image: &'a str,
    /// `imagePullPolicy` (for a volume, `pullPolicy`), verbatim; `""` when unset.
    pub pull_policy_field: &'a str,
    /// The effective policy: the field's policy, or the API server's default for the image
    /// when the field is unset ([`DefaultedPullPolicy::from_field`]). An error (with the
    /// API server's text, field path included) when the field holds something else.
    pub pull_policy: Result<DefaultedPullPolicy, policy::PolicyError>,
}

impl<'a> PodImage<'a> {
    pub(crate) fn new(
        source: ImageSource,
        index: usize,
        name: &'a str,
        image: &'a str,
        field: &'a str,
    ) -> PodImage<'a> {
        let (field_path, policy_field) = match source {
            ImageSource::InitContainer => {
                (format!("spec.initContainers[{index}]"), "imagePullPolicy")
            }
            ImageSource::Container => (format!("spec.containers[{index}]"), "imagePullPolicy"),
            ImageSource::EphemeralContainer => (
                format!("spec.ephemeralContainers[{index}]"),
                "imagePullPolicy",
            ),
            ImageSource::ImageVolume => (format!("spec.volumes[{index}].image"), "pullPolicy"),
        };
        let pull_policy = DefaultedPullPolicy::from_field(image, field).map_err(|error| {
            // Same error, with the path the API server reports.
            PullPolicy::parse_field(field, &format!("{field_path}.{policy_field}"))
                .err()
                .unwrap_or(error)
        });
        PodImage {
            source,
            index,
            field_path,
            name,
            image,
            pull_policy_field: field,
            pull_policy,
        }
    }
}

/// Every image of a pod: init, regular and ephemeral containers (the kubelet's visiting
/// order), then image volumes, each with its field path and effective pull policy.
///
/// ```
/// use kubepull::pod::{Container, Pod};
/// use kubepull::policy::PullPolicy;
///
/// let mut web = Pod::default();
/// web.spec.init_containers.push(Container::new("setup", "busybox", ""));
/// web.spec.containers.push(Container::new("app", "nginx:1.25", "Sometimes"));
/// let images: Vec<_> = kubepull::pod::images(&web).collect();
/// assert_eq!(images[0].field_path, "spec.initContainers[0]");
/// assert_eq!(images[0].pull_policy.as_ref().unwrap().policy, PullPolicy::Always); // :latest
/// assert_eq!(
///     images[1].pull_policy.as_ref().unwrap_err().to_string(),
///     r#"spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#
/// );
/// ```
pub fn images(pod: &Pod) -> impl Iterator<Item = PodImage<'_>> {
    let spec = &pod.spec;
    fn containers(source: ImageSource, list: &[Container]) -> impl Iterator<Item = PodImage<'_>> {
        list.iter()
            .enumerate()
            .map(move |(i, c)| PodImage::new(source, i, &c.name, &c.image, &c.image_pull_policy))
    }
    let volumes = spec.volumes.iter().enumerate().filter_map(|(i, v)| {
        let source = v.image.as_ref()?;
        Some(PodImage::new(
            ImageSource::ImageVolume,
            i,
            &v.name,
            &source.reference,
            &source.pull_policy,
        ))
    });
    containers(ImageSource::InitContainer, &spec.init_containers)
        .chain(containers(ImageSource::Container, &spec.containers))
        .chain(containers(
            ImageSource::EphemeralContainer,
            &spec.ephemeral_containers,
        ))
        .chain(volumes)
}

/// The pull-secret names a pod's images are pulled with, in order.
///
/// With a `service_account`, this predicts what the ServiceAccount admission plugin does when
/// the pod is **created** ([`keyring::effective_pull_secrets`]): the pod's own
/// `imagePullSecrets` if it lists any, otherwise the service account's, never both. A mirror
/// pod is not mutated by the plugin, so its own list is used. For a pod read back from the
/// API server admission has already run: pass `None`, as the kubelet reads only the pod.
///
/// Entries with an empty name are skipped, as the kubelet does (API validation accepts
/// them); an entry with an empty name still counts as "the pod lists secrets" for the
/// admission rule, as in Kubernetes. Duplicates are kept (the kubelet fetches each entry).
pub fn effective_pull_secret_names<'a>(
    pod: &'a Pod,
    service_account: Option<&'a ServiceAccount>,
) -> Vec<&'a str> {
    let account = service_account.map(|account| account.image_pull_secrets.as_slice());
    effective_names(
        &pod.spec.image_pull_secrets,
        account,
        pod.is_mirror(),
        |r| &r.name,
    )
}

/// [`effective_pull_secret_names`] over any object model: the one place for the rule.
pub(crate) fn effective_names<'a, T>(
    own: &'a [T],
    service_account: Option<&'a [T]>,
    is_mirror: bool,
    name: impl Fn(&'a T) -> &'a str,
) -> Vec<&'a str> {
    let account = match service_account {
        Some(account) if !is_mirror => account,
        _ => &[],
    };
    keyring::effective_pull_secrets(own, account)
        .iter()
        .map(name)
        .filter(|name| !name.is_empty())
        .collect()
}

/// Whether a secret (or ServiceAccount) in `secret_namespace` belongs to a pod in
/// `pod_namespace`: the namespaces must be equal, a missing namespace counting as the empty
/// one. A pod without a namespace therefore only sees objects without one, and an object
/// without a namespace is seen only by such pods; which hand-built objects belong together is
/// the caller's choice, made by setting (or leaving out) the namespace on both. The API server
/// always sets it, so objects read from a cluster match as the kubelet's namespace-scoped
/// lookup does. The one place for this rule, used by every `keyring_for_pod`,
/// `missing_pull_secrets` and `Objects::service_account`.
pub(crate) fn same_namespace(pod_namespace: &str, secret_namespace: &str) -> bool {
    secret_namespace == pod_namespace
}

fn find_secret<'s>(pod: &Pod, secrets: &'s [KubeSecret], name: &str) -> Option<&'s KubeSecret> {
    secrets.iter().find(|secret| {
        secret.name == name
            && same_namespace(
                &pod.metadata.namespace,
                secret.namespace.as_deref().unwrap_or_default(),
            )
    })
}

/// The effective pull-secret names ([`effective_pull_secret_names`]) that `secrets` does not
/// hold, in pod order. The kubelet goes on without them (`getPullSecretsForPod`) and records
/// one Warning event for the lot: pass this list to [`policy::failed_pull_secrets_event`]
/// for its exact text.
pub fn missing_pull_secrets<'a>(
    pod: &'a Pod,
    service_account: Option<&'a ServiceAccount>,
    secrets: &[KubeSecret],
) -> Vec<&'a str> {
    effective_pull_secret_names(pod, service_account)
        .into_iter()
        .filter(|name| find_secret(pod, secrets, name).is_none())
        .collect()
}

/// The keyring the kubelet uses for a pod's pulls: the [`effective_pull_secret_names`] in
/// pod order, each looked up in `secrets` by name (in the pod's namespace, exactly: see `same_namespace`) and added with
/// [`KeyringBuilder::add_pull_secret`](keyring::KeyringBuilder::add_pull_secret),
/// then `node` (the node's docker config and the path it was read from). A missing secret is
/// skipped, as the kubelet skips a secret it cannot fetch (see [`missing_pull_secrets`]).
///
/// # Errors
///
/// As the kubelet, a pull secret whose docker config does not parse fails the whole keyring
/// (and with it every pull of the pod), unless `options` skips malformed secrets.
pub fn keyring_for_pod(
    pod: &Pod,
    service_account: Option<&ServiceAccount>,
    secrets: &[KubeSecret],
    node: Option<(&str, &DockerConfig)>,
    options: KeyringOptions,
) -> Result<Keyring, KeyringError> {
    let mut builder = Keyring::builder_with(options);
    add_pull_secrets(&mut builder, pod, service_account, secrets);
    if let Some((path, config)) = node {
        builder.add_node_config(path, config);
    }
    builder.build()
}

/// Adds a pod's pull secrets to `builder` as [`keyring_for_pod`] does, for callers that add
/// node files or plugin answers of their own after them (the kubelet's order).
pub fn add_pull_secrets<'b>(
    builder: &'b mut KeyringBuilder,
    pod: &Pod,
    service_account: Option<&ServiceAccount>,
    secrets: &[KubeSecret],
) -> &'b mut KeyringBuilder {
    for name in effective_pull_secret_names(pod, service_account) {
        if let Some(secret) = find_secret(pod, secrets, name) {
            builder.add_pull_secret(secret);
        }
    }
    builder
}
