//! From a pod to its pulls in one call: every image with its field path, parsed reference,
//! effective pull policy and the credentials the kubelet tries, in order.

use crate::config::{DockerConfig, KubeSecret};
use crate::keyring::{Credential, Keyring, KeyringError, KeyringOptions};
use crate::policy::{self, DefaultedPullPolicy};
use crate::reference::{self, Reference};

use super::{ImageSource, Pod, ServiceAccount, effective_pull_secret_names, missing_pull_secrets};

/// Where a pod's pull secrets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PullSecretsSource {
    /// The pod's own `imagePullSecrets`.
    Pod,
    /// The pod lists none, so admission copies its ServiceAccount's (at creation).
    ServiceAccount,
    /// Neither the pod nor its ServiceAccount lists any (or the pod is a mirror pod, which
    /// admission leaves alone).
    None,
    /// The pod lists none and its ServiceAccount was not given: whether admission adds some
    /// is unknown. (A pod read back from the cluster already holds them: then it has none.)
    Unknown,
}

impl PullSecretsSource {
    /// `pod`, `serviceAccount`, `none` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            PullSecretsSource::Pod => "pod",
            PullSecretsSource::ServiceAccount => "serviceAccount",
            PullSecretsSource::None => "none",
            PullSecretsSource::Unknown => "unknown",
        }
    }
}

/// One image of a [`PullPlan`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlannedImage {
    /// What names the image.
    pub source: ImageSource,
    /// Index in the list `source` names.
    pub index: usize,
    /// `spec.containers[1]`, `spec.volumes[0].image`, ...
    pub field_path: String,
    /// The container's or volume's name.
    pub name: String,
    /// The image as the pod names it.
    pub image: String,
    /// The image parsed and normalised as the kubelet does (`ParseNormalizedNamed`).
    pub reference: Result<Reference, reference::ParseError>,
    /// The effective pull policy and whether the API server defaulted it, or the API server's
    /// error for an invalid field.
    pub pull_policy: Result<DefaultedPullPolicy, policy::PolicyError>,
}

/// What the kubelet decides for a pod's images before it contacts a registry: each image's
/// reference and policy, and the keyring of the pod's pull secrets, the node's file and
/// credential plugins' answers, looked up in kubelet order.
///
/// ```
/// use kubepull::pod::{Objects, PullPlan, PullSecretsSource};
///
/// let objects = Objects::from_json(br#"{"kind": "List", "items": [
///   {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
///    "spec": {"imagePullSecrets": [{"name": "regcred"}, {"name": "gone"}],
///             "containers": [{"name": "app", "image": "registry.example/shop/web"}]}},
///   {"kind": "Secret", "metadata": {"name": "regcred", "namespace": "shop"},
///    "type": "kubernetes.io/dockerconfigjson",
///    "stringData": {".dockerconfigjson": "{\"auths\":{\"registry.example\":{\"username\":\"ci\",\"password\":\"s3cret\"}}}"}}
/// ]}"#)?;
/// let plan = PullPlan::builder(&objects.pods[0]).secrets(&objects.secrets).build()?;
/// assert_eq!(plan.pull_secrets_from(), PullSecretsSource::Pod);
/// assert_eq!(plan.missing_pull_secrets(), ["gone"]);
/// for image in plan.images() {
///     let reference = image.reference.clone()?;
///     assert_eq!(reference.to_string(), "registry.example/shop/web");
///     let policy = image.pull_policy.clone()?;
///     assert_eq!((policy.policy.as_str(), policy.defaulted), ("Always", true)); // no tag
///     let tried: Vec<String> = plan.credentials(image).iter().map(|c| c.source().to_string()).collect();
///     assert_eq!(tried, ["secret:shop/regcred"]);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PullPlan {
    keyring: Keyring,
    images: Vec<PlannedImage>,
    service_account: String,
    service_account_given: bool,
    pull_secrets: Vec<String>,
    pull_secrets_from: PullSecretsSource,
    missing_pull_secrets: Vec<String>,
}

impl PullPlan {
    /// A plan for `pod`; add what the kubelet would have, then [`build`](PullPlanBuilder::build).
    pub fn builder(pod: &Pod) -> PullPlanBuilder {
        PullPlanBuilder {
            pod: pod.clone(),
            service_account: None,
            secrets: Vec::new(),
            node: None,
            providers: Vec::new(),
            options: KeyringOptions::FAITHFUL,
        }
    }

    /// Every image of the pod, in the kubelet's order ([`super::images`]).
    pub fn images(&self) -> &[PlannedImage] {
        &self.images
    }

    /// The credentials the kubelet tries for `image`, in order (empty, so anonymous, when
    /// none matches or the image does not parse).
    pub fn credentials(&self, image: &PlannedImage) -> Vec<&Credential> {
        match &image.reference {
            Ok(reference) => self.keyring.lookup(reference),
            Err(_) => Vec::new(),
        }
    }

    /// The keyring: pod secrets, node file, plugin answers.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The ServiceAccount the pod runs as ([`Pod::service_account_name`]).
    pub fn service_account(&self) -> &str {
        &self.service_account
    }

    /// Whether the ServiceAccount was given to the builder.
    pub fn service_account_given(&self) -> bool {
        self.service_account_given
    }

    /// The effective pull-secret names, in order ([`effective_pull_secret_names`]).
    pub fn pull_secrets(&self) -> &[String] {
        &self.pull_secrets
    }

    /// Where the pull secrets come from.
    pub fn pull_secrets_from(&self) -> PullSecretsSource {
        self.pull_secrets_from
    }

    /// The pull secrets the pod's pulls use that were not given ([`missing_pull_secrets`]):
    /// the kubelet goes on without them and warns
    /// ([`policy::failed_pull_secrets_event`]).
    pub fn missing_pull_secrets(&self) -> &[String] {
        &self.missing_pull_secrets
    }
}

/// Builds a [`PullPlan`]: the pod, then what the kubelet would read for it.
#[derive(Debug)]
pub struct PullPlanBuilder {
    pod: Pod,
    service_account: Option<ServiceAccount>,
    secrets: Vec<KubeSecret>,
    node: Option<(String, DockerConfig)>,
    providers: Vec<(String, DockerConfig)>,
    options: KeyringOptions,
}

impl PullPlanBuilder {
    /// The pod's ServiceAccount, to predict what admission adds to a pod being created. For
    /// a pod read back from the cluster, leave it out: admission already ran.
    pub fn service_account(mut self, account: Option<&ServiceAccount>) -> Self {
        self.service_account = account.cloned();
        self
    }

    /// Secrets of the pod's namespace; only those the pod's pulls use are added, in the
    /// pod's order.
    pub fn secrets<'a>(mut self, secrets: impl IntoIterator<Item = &'a KubeSecret>) -> Self {
        self.secrets.extend(secrets.into_iter().cloned());
        self
    }

    /// The node's docker config and where it was read from (the first valid file of the
    /// search path), tried after the pod's secrets.
    pub fn node_config(mut self, path: &str, config: &DockerConfig) -> Self {
        self.node = Some((path.to_owned(), config.clone()));
        self
    }

    /// A credential provider plugin's answer, tried after the node file.
    pub fn provider(mut self, name: &str, config: &DockerConfig) -> Self {
        self.providers.push((name.to_owned(), config.clone()));
        self
    }

    /// Keyring hardening ([`KeyringOptions`]); faithful by default.
    pub fn options(mut self, options: KeyringOptions) -> Self {
        self.options = options;
        self
    }

    /// The plan.
    ///
    /// # Errors
    ///
    /// As the kubelet, a pull secret whose docker config does not parse fails the whole
    /// keyring (and with it every pull of the pod), unless the options skip malformed
    /// secrets.
    pub fn build(self) -> Result<PullPlan, KeyringError> {
        let pod = &self.pod;
        let account = self.service_account.as_ref();
        let mut builder = Keyring::builder_with(self.options);
        super::add_pull_secrets(&mut builder, pod, account, &self.secrets);
        if let Some((path, config)) = &self.node {
            builder.add_node_config(path, config);
        }
        for (name, config) in &self.providers {
            builder.add_provider_config(name, config);
        }
        let keyring = builder.build()?;
        let pull_secrets: Vec<String> = effective_pull_secret_names(pod, account)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let pull_secrets_from = if !pod.spec.image_pull_secrets.is_empty() {
            PullSecretsSource::Pod
        } else if pod.is_mirror() {
            PullSecretsSource::None
        } else if account.is_none() {
            PullSecretsSource::Unknown
        } else if pull_secrets.is_empty() {
            PullSecretsSource::None
        } else {
            PullSecretsSource::ServiceAccount
        };
        let missing_pull_secrets = missing_pull_secrets(pod, account, &self.secrets)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let images = super::images(pod)
            .map(|image| PlannedImage {
                source: image.source,
                index: image.index,
                reference: Reference::parse(image.image),
                field_path: image.field_path,
                name: image.name.to_owned(),
                image: image.image.to_owned(),
                pull_policy: image.pull_policy,
            })
            .collect();
        Ok(PullPlan {
            keyring,
            images,
            service_account: pod.service_account_name().to_owned(),
            service_account_given: account.is_some(),
            pull_secrets,
            pull_secrets_from,
            missing_pull_secrets,
        })
    }
}
