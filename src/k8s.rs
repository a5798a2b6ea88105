//! Conversions from [k8s-openapi](https://docs.rs/k8s-openapi) objects (feature
//! `k8s-openapi`): pull secrets, pods and service accounts as `kube` and `k8s-openapi` users
//! hold them, turned into kubepull's own models.
//!
//! * [`kube_secret`] / [`into_kube_secret`]: a `Secret` as a [`KubeSecret`], ready for
//!   [`KeyringBuilder::add_pull_secret`](crate::keyring::KeyringBuilder::add_pull_secret).
//! * [`pod`] / [`pod_spec`]: a `Pod` as the [`policy::Pod`] model.
//! * [`pod_images`] / [`spec_images`]: every image of a pod with its field path and its
//!   effective pull policy ([`PodImage`]).
//! * [`effective_pull_secret_names`]: the ServiceAccount admission rule on real objects.
//! * [`keyring_for_pod`]: the keyring the kubelet builds for a pod.
//! * [`pull_plan`]: everything at once, per image ([`crate::pod::PullPlan`]).
//! * [`admit_always_pull_images`] / [`validate_always_pull_images`]: the `AlwaysPullImages`
//!   plugin applied to a real `Pod`.
//!
//! k8s-openapi types appear only in this module's signatures; everything else in kubepull
//! works on its own models. This crate enables no `v1_*` feature of k8s-openapi: as
//! k8s-openapi requires of libraries, the application picks the Kubernetes version (the
//! fields read here are the same in every version k8s-openapi 0.29 supports, 1.33 to 1.37).
//!
//! ```
//! use k8s_openapi::api::core::v1::{Pod, Secret};
//! use kubepull::keyring::KeyringOptions;
//!
//! let pod: Pod = serde_json::from_value(serde_json::json!({
//!     "metadata": {"name": "web", "namespace": "shop"},
//!     "spec": {
//!         "containers": [{"name": "app", "image": "registry.example/shop/web:1.4"}],
//!         "imagePullSecrets": [{"name": "regcred"}, {"name": "gone"}]
//!     }
//! }))?;
//! // {"auths":{"registry.example":{"auth":"dXNlcjpwYXNzd29yZA=="}}}, base64-encoded
//! let secret: Secret = serde_json::from_value(serde_json::json!({
//!     "metadata": {"name": "regcred", "namespace": "shop", "uid": "42"},
//!     "type": "kubernetes.io/dockerconfigjson",
//!     "data": {".dockerconfigjson":
//!         "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7ImF1dGgiOiJkWE5sY2pwd1lYTnpkMjl5WkE9PSJ9fX0="}
//! }))?;
//!
//! for image in kubepull::k8s::pod_images(&pod) {
//!     assert_eq!(image.field_path, "spec.containers[0]");
//!     assert_eq!(image.image, "registry.example/shop/web:1.4");
//!     assert_eq!(image.pull_policy?.policy.as_str(), "IfNotPresent");
//! }
//! // `gone` does not exist: the kubelet skips it and pulls with what it has.
//! let keyring =
//!     kubepull::k8s::keyring_for_pod(&pod, None, &[secret], None, KeyringOptions::FAITHFUL)?;
//! let found = keyring.lookup_str("registry.example/shop/web");
//! assert_eq!(found[0].username(), "user");
//! assert_eq!(found[0].source().to_string(), "secret:shop/regcred");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as corev1;

use crate::config::{DockerConfig, KubeSecret};
use crate::keyring::{Keyring, KeyringError, KeyringOptions};
use crate::policy::{self, AdmissionRequest, AlwaysPullImages};

/// The type the API server gives a Secret whose `type` is unset or empty.
const OPAQUE: &str = "Opaque";

pub use crate::pod::MIRROR_POD_ANNOTATION;

/// A k8s-openapi `Secret` as a [`KubeSecret`], copying its data.
///
/// Name, namespace and UID come from the metadata; a missing or empty `type` is `Opaque`, as
/// the API server defaults it; `data` (already base64-decoded by k8s-openapi) gets the
/// `stringData` entries merged in, overwriting, as the API server does on write. The copy is
/// wiped when the [`KubeSecret`] drops; the original is the caller's. Use
/// [`into_kube_secret`] to move the buffers instead.
///
/// ```
/// use k8s_openapi::ByteString;
/// use k8s_openapi::api::core::v1::Secret;
///
/// let mut secret = Secret::default();
/// secret.metadata.name = Some("regcred".into());
/// secret.data = Some([("a".to_owned(), ByteString(b"from data".to_vec()))].into());
/// secret.string_data = Some([("a".to_owned(), "from stringData".to_owned())].into());
/// let converted = kubepull::k8s::kube_secret(&secret);
/// assert_eq!(converted.name, "regcred");
/// assert_eq!(converted.secret_type, "Opaque");
/// assert_eq!(converted.data["a"], b"from stringData");
/// ```
pub fn kube_secret(secret: &corev1::Secret) -> KubeSecret {
    let mut data: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (key, value) in secret.data.iter().flatten() {
        data.insert(key.clone(), value.0.clone());
    }
    for (key, value) in secret.string_data.iter().flatten() {
        data.insert(key.clone(), value.as_bytes().to_vec());
    }
    KubeSecret {
        name: secret.metadata.name.clone().unwrap_or_default(),
        namespace: secret.metadata.namespace.clone(),
        uid: secret.metadata.uid.clone(),
        secret_type: secret_type(secret.type_.as_deref()),
        data,
    }
}

/// [`kube_secret`], moving the data buffers instead of copying them, so that no copy of the
/// secret bytes outlives the returned [`KubeSecret`] (which wipes them on drop). Replaced
/// `data` values (a key also in `stringData`) are wiped here.
pub fn into_kube_secret(secret: corev1::Secret) -> KubeSecret {
    use zeroize::Zeroize;

    let corev1::Secret {
        data: raw_data,
        string_data,
        metadata,
        type_,
        ..
    } = secret;
    let mut data: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (key, value) in raw_data.into_iter().flatten() {
        data.insert(key, value.0);
    }
    for (key, value) in string_data.into_iter().flatten() {
        if let Some(mut replaced) = data.insert(key, value.into_bytes()) {
            replaced.zeroize();
        }
    }
    KubeSecret {
        name: metadata.name.unwrap_or_default(),
        namespace: metadata.namespace,
        uid: metadata.uid,
        secret_type: secret_type(type_.as_deref()),
        data,
    }
}

fn secret_type(type_: Option<&str>) -> String {
    match type_ {
        None | Some("") => OPAQUE.to_owned(),
        Some(type_) => type_.to_owned(),
    }
}

impl From<&corev1::Secret> for KubeSecret {
    /// See [`kube_secret`].
    fn from(secret: &corev1::Secret) -> KubeSecret {
        kube_secret(secret)
    }
}

impl From<corev1::Secret> for KubeSecret {
    /// See [`into_kube_secret`].
    fn from(secret: corev1::Secret) -> KubeSecret {
        into_kube_secret(secret)
    }
}

/// A k8s-openapi `Pod` as the [`policy::Pod`] model: name, namespace and
/// [`pod_spec`]. Unset fields become `""`; a pod without a spec has an empty one.
pub fn pod(pod: &corev1::Pod) -> policy::Pod {
    policy::Pod {
        metadata: policy::ObjectMeta {
            name: pod.metadata.name.clone().unwrap_or_default(),
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            annotations: pod.metadata.annotations.clone().unwrap_or_default(),
        },
        spec: pod.spec.as_ref().map(pod_spec).unwrap_or_default(),
    }
}

/// A k8s-openapi `PodSpec` as the [`policy::PodSpec`] model: init, regular and ephemeral
/// containers (name, image, `imagePullPolicy`) and every volume (name, and for an image
/// volume its `reference` and `pullPolicy`). Values are verbatim, unset ones `""`: nothing is
/// defaulted or validated.
///
/// ```
/// use k8s_openapi::api::core::v1::PodSpec;
///
/// let spec: PodSpec = serde_json::from_value(serde_json::json!({
///     "containers": [{"name": "app", "image": "nginx", "imagePullPolicy": "Never"}],
///     "volumes": [{"name": "models", "image": {"reference": "registry.example/models:v2"}}]
/// }))?;
/// let model = kubepull::k8s::pod_spec(&spec);
/// assert_eq!(model.containers[0].image_pull_policy, "Never");
/// let source = model.volumes[0].image.as_ref().unwrap();
/// assert_eq!((source.reference.as_str(), source.pull_policy.as_str()), ("registry.example/models:v2", ""));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn pod_spec(spec: &corev1::PodSpec) -> policy::PodSpec {
    let container = |name: &str, image: &Option<String>, policy: &Option<String>| {
        policy::Container::new(
            name,
            image.as_deref().unwrap_or_default(),
            policy.as_deref().unwrap_or_default(),
        )
    };
    policy::PodSpec {
        init_containers: spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| container(&c.name, &c.image, &c.image_pull_policy))
            .collect(),
        containers: spec
            .containers
            .iter()
            .map(|c| container(&c.name, &c.image, &c.image_pull_policy))
            .collect(),
        ephemeral_containers: spec
            .ephemeral_containers
            .iter()
            .flatten()
            .map(|c| container(&c.name, &c.image, &c.image_pull_policy))
            .collect(),
        volumes: spec
            .volumes
            .iter()
            .flatten()
            .map(|v| policy::Volume {
                name: v.name.clone(),
                image: v.image.as_ref().map(|source| policy::ImageVolumeSource {
                    reference: source.reference.clone().unwrap_or_default(),
                    pull_policy: source.pull_policy.clone().unwrap_or_default(),
                }),
            })
            .collect(),
        image_pull_secrets: spec
            .image_pull_secrets
            .iter()
            .flatten()
            .map(|r| crate::pod::LocalObjectReference::new(&r.name))
            .collect(),
        service_account_name: spec.service_account_name.clone().unwrap_or_default(),
    }
}

/// A k8s-openapi `ServiceAccount` as the [`crate::pod::ServiceAccount`] model: name,
/// namespace and `imagePullSecrets`.
pub fn service_account(account: &corev1::ServiceAccount) -> crate::pod::ServiceAccount {
    crate::pod::ServiceAccount {
        metadata: policy::ObjectMeta {
            name: account.metadata.name.clone().unwrap_or_default(),
            namespace: account.metadata.namespace.clone().unwrap_or_default(),
            uid: account.metadata.uid.clone().unwrap_or_default(),
            annotations: account.metadata.annotations.clone().unwrap_or_default(),
        },
        image_pull_secrets: account
            .image_pull_secrets
            .iter()
            .flatten()
            .map(|r| crate::pod::LocalObjectReference::new(&r.name))
            .collect(),
    }
}

/// A [`PullPlan`](crate::pod::PullPlan) for a k8s-openapi `Pod`, its ServiceAccount and
/// secrets, as `kube` returns them: add the node's config or plugin answers, then `build`.
/// The rules are [`crate::pod`]'s.
///
/// ```
/// use k8s_openapi::api::core::v1::{Pod, Secret};
///
/// let pod: Pod = serde_json::from_value(serde_json::json!({
///     "metadata": {"name": "web", "namespace": "shop"},
///     "spec": {"containers": [{"name": "app", "image": "registry.example/shop/web:1.4"}],
///              "imagePullSecrets": [{"name": "regcred"}]}
/// }))?;
/// let secrets: Vec<Secret> = Vec::new(); // not fetched yet
/// let plan = kubepull::k8s::pull_plan(&pod, None, &secrets).build()?;
/// assert_eq!(plan.missing_pull_secrets(), ["regcred"]);
/// assert_eq!(plan.images()[0].field_path, "spec.containers[0]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pull_plan(
    object: &corev1::Pod,
    account: Option<&corev1::ServiceAccount>,
    secrets: &[corev1::Secret],
) -> crate::pod::PullPlanBuilder {
    let secrets: Vec<KubeSecret> = secrets.iter().map(kube_secret).collect();
    crate::pod::PullPlan::builder(&pod(object))
        .service_account(account.map(service_account).as_ref())
        .secrets(&secrets)
}

impl From<&corev1::Pod> for policy::Pod {
    /// See [`pod`].
    fn from(object: &corev1::Pod) -> policy::Pod {
        pod(object)
    }
}

impl From<&corev1::PodSpec> for policy::PodSpec {
    /// See [`pod_spec`].
    fn from(spec: &corev1::PodSpec) -> policy::PodSpec {
        pod_spec(spec)
    }
}

pub use crate::pod::{ImageSource, PodImage};

/// Every image of a pod: init, regular and ephemeral containers (the kubelet's visiting
/// order), then image volumes, each with its field path and effective pull policy. A pod
/// without a spec has none.
///
/// ```
/// use k8s_openapi::api::core::v1::Pod;
/// use kubepull::policy::PullPolicy;
///
/// let pod: Pod = serde_json::from_value(serde_json::json!({"spec": {
///     "initContainers": [{"name": "setup", "image": "busybox"}],
///     "containers": [{"name": "app", "image": "nginx:1.25", "imagePullPolicy": "Sometimes"}],
///     "volumes": [{"name": "data", "emptyDir": {}}, {"name": "m", "image": {"reference": "models:v1"}}]
/// }}))?;
/// let images: Vec<_> = kubepull::k8s::pod_images(&pod).collect();
/// assert_eq!(images[0].field_path, "spec.initContainers[0]");
/// assert_eq!(images[0].pull_policy.as_ref().unwrap().policy, PullPolicy::Always); // :latest
/// assert_eq!(
///     images[1].pull_policy.as_ref().unwrap_err().to_string(),
///     r#"spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#
/// );
/// assert_eq!(images[2].field_path, "spec.volumes[1].image");
/// assert_eq!(images[2].pull_policy.as_ref().unwrap().policy, PullPolicy::IfNotPresent);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn pod_images(pod: &corev1::Pod) -> impl Iterator<Item = PodImage<'_>> {
    pod.spec.iter().flat_map(spec_images)
}

/// [`pod_images`] for a bare `PodSpec` (paths still start with `spec.`).
pub fn spec_images(spec: &corev1::PodSpec) -> impl Iterator<Item = PodImage<'_>> {
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            PodImage::new(
                ImageSource::InitContainer,
                i,
                &c.name,
                c.image.as_deref().unwrap_or_default(),
                c.image_pull_policy.as_deref().unwrap_or_default(),
            )
        });
    let regular = spec.containers.iter().enumerate().map(|(i, c)| {
        PodImage::new(
            ImageSource::Container,
            i,
            &c.name,
            c.image.as_deref().unwrap_or_default(),
            c.image_pull_policy.as_deref().unwrap_or_default(),
        )
    });
    let ephemeral = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            PodImage::new(
                ImageSource::EphemeralContainer,
                i,
                &c.name,
                c.image.as_deref().unwrap_or_default(),
                c.image_pull_policy.as_deref().unwrap_or_default(),
            )
        });
    let volumes = spec
        .volumes
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| {
            let source = v.image.as_ref()?;
            Some(PodImage::new(
                ImageSource::ImageVolume,
                i,
                &v.name,
                source.reference.as_deref().unwrap_or_default(),
                source.pull_policy.as_deref().unwrap_or_default(),
            ))
        });
    init.chain(regular).chain(ephemeral).chain(volumes)
}

/// The pull-secret names a pod's images are pulled with, in order.
///
/// With a `service_account`, this predicts what the ServiceAccount admission plugin does when
/// the pod is **created** ([`crate::keyring::effective_pull_secrets`]): the pod's own
/// `imagePullSecrets` if it lists any, otherwise the service account's, never both. A mirror
/// pod (annotation [`MIRROR_POD_ANNOTATION`]) is not mutated by the plugin, so its own list
/// is used. For a pod read back from the API server admission has already run: pass `None`,
/// as the kubelet reads only the pod.
///
/// Entries with an empty name are skipped, as the kubelet does (API validation accepts
/// them); an entry with an empty name still counts as "the pod lists secrets" for the
/// admission rule, as in Kubernetes. Duplicates are kept (the kubelet fetches each entry).
///
/// ```
/// use k8s_openapi::api::core::v1::{Pod, ServiceAccount};
///
/// let pod: Pod = serde_json::from_value(serde_json::json!({"spec": {"containers": []}}))?;
/// let sa: ServiceAccount = serde_json::from_value(serde_json::json!({
///     "metadata": {"name": "default"},
///     "imagePullSecrets": [{"name": "sa-cred"}, {"name": ""}]
/// }))?;
/// assert_eq!(kubepull::k8s::effective_pull_secret_names(&pod, Some(&sa)), ["sa-cred"]);
/// assert!(kubepull::k8s::effective_pull_secret_names(&pod, None).is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn effective_pull_secret_names<'a>(
    pod: &'a corev1::Pod,
    service_account: Option<&'a corev1::ServiceAccount>,
) -> Vec<&'a str> {
    let own: &[corev1::LocalObjectReference] = pod
        .spec
        .as_ref()
        .and_then(|spec| spec.image_pull_secrets.as_deref())
        .unwrap_or_default();
    let is_mirror = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(MIRROR_POD_ANNOTATION));
    let account = service_account.map(|a| a.image_pull_secrets.as_deref().unwrap_or_default());
    crate::pod::effective_names(own, account, is_mirror, |r| r.name.as_str())
}

/// The effective pull-secret names ([`effective_pull_secret_names`]) that `secrets` does not
/// hold, in pod order. The kubelet goes on without them (`getPullSecretsForPod`) and records
/// one Warning event for the lot: pass this list to
/// [`policy::failed_pull_secrets_event`] for its exact text. Matching is as in
/// [`keyring_for_pod`].
///
/// ```
/// use k8s_openapi::api::core::v1::Pod;
///
/// let pod: Pod = serde_json::from_value(serde_json::json!({"spec": {
///     "containers": [], "imagePullSecrets": [{"name": "regcred"}, {"name": ""}]
/// }}))?;
/// let missing = kubepull::k8s::missing_pull_secrets(&pod, None, &[]);
/// assert_eq!(missing, ["regcred"]);
/// let event = kubepull::policy::failed_pull_secrets_event(missing).unwrap();
/// assert_eq!(
///     event.message,
///     "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed."
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn missing_pull_secrets<'a>(
    pod: &'a corev1::Pod,
    service_account: Option<&'a corev1::ServiceAccount>,
    secrets: &[corev1::Secret],
) -> Vec<&'a str> {
    effective_pull_secret_names(pod, service_account)
        .into_iter()
        .filter(|name| find_secret(pod, secrets, name).is_none())
        .collect()
}

/// The secret of the pod's namespace named `name`: the namespaces must be equal, a missing
/// namespace counting as the empty one. A pod without a namespace therefore only sees
/// secrets without one, and a secret without a namespace is seen only by such pods; which
/// hand-built objects belong together is the caller's choice, made by setting (or leaving
/// out) the namespace on both. (The API server always sets it, so objects read from a
/// cluster match exactly as the kubelet's namespace-scoped secret lookup does.)
fn find_secret<'s>(
    pod: &corev1::Pod,
    secrets: &'s [corev1::Secret],
    name: &str,
) -> Option<&'s corev1::Secret> {
    let pod_namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    secrets.iter().find(|secret| {
        secret.metadata.name.as_deref() == Some(name)
            && crate::pod::same_namespace(
                pod_namespace,
                secret.metadata.namespace.as_deref().unwrap_or_default(),
            )
    })
}

/// The keyring the kubelet uses for a pod's pulls.
///
/// The pull secrets are [`effective_pull_secret_names`] in pod order; each is looked up in
/// `secrets` by name in the pod's namespace (exactly: a missing namespace on the pod or the
/// secret is the empty namespace, so set it on both or on neither) and added with
/// [`KeyringBuilder::add_pull_secret`](crate::keyring::KeyringBuilder::add_pull_secret), as
/// `MakeDockerKeyring` does. A secret that is missing is skipped, as the kubelet skips a
/// secret it cannot fetch (`pkg/kubelet/kubelet_pods.go` `getPullSecretsForPod`: it records a
/// `FailedToRetrieveImagePullSecret` warning and pulls with the others; see
/// [`missing_pull_secrets`]). A listed duplicate is added twice. `node` is the node's
/// docker config and the path it was read from (the first valid file of the search path),
/// added after the secrets. Credential provider plugins are not included: add their answers
/// with [`KeyringBuilder::add_provider_config`](crate::keyring::KeyringBuilder::add_provider_config)
/// on a builder of your own.
///
/// # Errors
///
/// As the kubelet, a pull secret whose docker config does not parse fails the whole keyring
/// (and with it every pull of the pod), unless `options` skips malformed secrets.
pub fn keyring_for_pod(
    pod: &corev1::Pod,
    service_account: Option<&corev1::ServiceAccount>,
    secrets: &[corev1::Secret],
    node: Option<(&str, &DockerConfig)>,
    options: KeyringOptions,
) -> Result<Keyring, KeyringError> {
    let mut builder = Keyring::builder_with(options);
    for name in effective_pull_secret_names(pod, service_account) {
        if let Some(secret) = find_secret(pod, secrets, name) {
            builder.add_pull_secret(&kube_secret(secret));
        }
    }
    if let Some((path, config)) = node {
        builder.add_node_config(path, config);
    }
    builder.build()
}

/// The `AlwaysPullImages` plugin's mutation ([`AlwaysPullImages::admit`]) on a real `Pod`:
/// unless the request is ignored, every init, regular and ephemeral container's
/// `imagePullPolicy` and every image volume's `pullPolicy` become `Always`. Returns whether
/// anything changed; fields already `Always` are left untouched.
///
/// ```
/// use k8s_openapi::api::core::v1::Pod;
/// use kubepull::policy::{AdmissionRequest, Operation};
///
/// let mut pod: Pod = serde_json::from_value(serde_json::json!({
///     "metadata": {"name": "web"},
///     "spec": {
///         "containers": [{"name": "app", "image": "nginx:1.25"}],
///         "volumes": [{"name": "m", "image": {"reference": "models:v1", "pullPolicy": "Never"}}]
///     }
/// }))?;
/// let request = AdmissionRequest::pods(Operation::Create, "web");
/// assert!(kubepull::k8s::validate_always_pull_images(&request, &pod, None).is_err());
/// assert!(kubepull::k8s::admit_always_pull_images(&request, &mut pod, None)?);
/// let spec = pod.spec.as_ref().unwrap();
/// assert_eq!(spec.containers[0].image_pull_policy.as_deref(), Some("Always"));
/// let volume = spec.volumes.as_ref().unwrap()[0].image.as_ref().unwrap();
/// assert_eq!(volume.pull_policy.as_deref(), Some("Always"));
/// kubepull::k8s::validate_always_pull_images(&request, &pod, None)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`AlwaysPullImages::admit`] (never, for a `Pod`).
pub fn admit_always_pull_images(
    request: &AdmissionRequest<'_>,
    object: &mut corev1::Pod,
    old: Option<&corev1::Pod>,
) -> Result<bool, policy::PolicyError> {
    let mut model = pod(object);
    let old = old.map(pod);
    let changed = AlwaysPullImages.admit(request, Some(&mut model), old.as_ref())?;
    if changed {
        if let Some(spec) = object.spec.as_mut() {
            write_pull_policies(&model.spec, spec);
        }
    }
    Ok(changed)
}

/// The `AlwaysPullImages` plugin's validation ([`AlwaysPullImages::validate`]) of a real
/// `Pod`.
///
/// # Errors
///
/// [`policy::PolicyErrorKind::Forbidden`] listing every container and image volume whose policy
/// is not `Always`, with the plugin's text (see [`AlwaysPullImages::validate`]).
pub fn validate_always_pull_images(
    request: &AdmissionRequest<'_>,
    object: &corev1::Pod,
    old: Option<&corev1::Pod>,
) -> Result<(), policy::PolicyError> {
    let old = old.map(pod);
    AlwaysPullImages.validate(request, Some(&pod(object)), old.as_ref())
}

/// Copies the model's policies back into the spec it was converted from, touching only the
/// fields whose value changed (an unset field the model left `""` stays unset).
fn write_pull_policies(model: &policy::PodSpec, spec: &mut corev1::PodSpec) {
    fn set(field: &mut Option<String>, value: &str) {
        if field.as_deref().unwrap_or_default() != value {
            *field = Some(value.to_owned());
        }
    }
    let init = spec.init_containers.iter_mut().flatten();
    for (container, from) in init.zip(&model.init_containers) {
        set(&mut container.image_pull_policy, &from.image_pull_policy);
    }
    for (container, from) in spec.containers.iter_mut().zip(&model.containers) {
        set(&mut container.image_pull_policy, &from.image_pull_policy);
    }
    let ephemeral = spec.ephemeral_containers.iter_mut().flatten();
    for (container, from) in ephemeral.zip(&model.ephemeral_containers) {
        set(&mut container.image_pull_policy, &from.image_pull_policy);
    }
    for (volume, from) in spec.volumes.iter_mut().flatten().zip(&model.volumes) {
        if let (Some(source), Some(from)) = (volume.image.as_mut(), from.image.as_ref()) {
            set(&mut source.pull_policy, &from.pull_policy);
        }
    }
}
