//! `CredentialProviderRequest`: what the kubelet writes to a plugin's stdin.

use std::collections::BTreeMap;

use super::{REQUEST_KIND, ServiceAccount};
use crate::Secret;
use crate::go::push_json_string;

/// A plugin request: the image (the repository without tag or digest, as the kubelet sends
/// it) and, in service-account mode, the pod's token and selected annotations.
///
/// `Debug` redacts the token.
///
/// ```
/// use kubepull::provider::CredentialProviderRequest;
///
/// let request = CredentialProviderRequest::new(
///     "credentialprovider.kubelet.k8s.io/v1", "test.registry.io/foobar");
/// assert_eq!(
///     request.to_json().expose_secret(),
///     "{\"kind\":\"CredentialProviderRequest\",\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\",\"image\":\"test.registry.io/foobar\"}\n",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialProviderRequest {
    /// The plugin API version (the provider's configured `apiVersion`).
    pub api_version: String,
    /// The image, e.g. `docker.io/library/nginx`.
    pub image: String,
    /// `serviceAccountToken` (v1 only; omitted when `None` or empty).
    pub service_account_token: Option<Secret>,
    /// `serviceAccountAnnotations` (v1 only; omitted when empty).
    pub service_account_annotations: BTreeMap<String, String>,
}

impl CredentialProviderRequest {
    /// A request for `image` without service-account data.
    pub fn new(api_version: &str, image: &str) -> CredentialProviderRequest {
        CredentialProviderRequest {
            api_version: api_version.to_owned(),
            image: image.to_owned(),
            service_account_token: None,
            service_account_annotations: BTreeMap::new(),
        }
    }

    /// The request for a pod's service account: its token and the annotations
    /// [`ServiceAccountTokenAttributes::decide`](super::ServiceAccountTokenAttributes::decide) picked.
    pub fn with_service_account(
        mut self,
        token: Secret,
        annotations: BTreeMap<String, String>,
    ) -> CredentialProviderRequest {
        self.service_account_token = Some(token);
        self.service_account_annotations = annotations;
        self
    }

    /// Fills the token and annotations from a [`ServiceAccount`].
    pub fn for_service_account(
        self,
        account: &ServiceAccount,
        annotations: BTreeMap<String, String>,
    ) -> CredentialProviderRequest {
        self.with_service_account(account.token.clone(), annotations)
    }

    /// The bytes the kubelet writes to stdin: Go's JSON encoding with fields in its order
    /// (`kind`, `apiVersion`, `image`, `serviceAccountToken`, `serviceAccountAnnotations`
    /// with sorted keys) and a trailing newline. Versions before `v1` have no
    /// service-account fields, so they are left out there.
    ///
    /// A [`Secret`] because it carries the token in service-account mode.
    pub fn to_json(&self) -> Secret {
        let mut out = String::with_capacity(128 + self.image.len());
        out.push_str("{\"kind\":");
        push_json_string(&mut out, REQUEST_KIND);
        out.push_str(",\"apiVersion\":");
        push_json_string(&mut out, &self.api_version);
        out.push_str(",\"image\":");
        push_json_string(&mut out, &self.image);
        if self.api_version == "credentialprovider.kubelet.k8s.io/v1" {
            if let Some(token) = self
                .service_account_token
                .as_ref()
                .filter(|t| !t.is_empty())
            {
                out.push_str(",\"serviceAccountToken\":");
                push_json_string(&mut out, token.expose_secret());
            }
            if !self.service_account_annotations.is_empty() {
                out.push_str(",\"serviceAccountAnnotations\":{");
                for (i, (k, v)) in self.service_account_annotations.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(&mut out, k);
                    out.push(':');
                    push_json_string(&mut out, v);
                }
                out.push('}');
            }
        }
        out.push_str("}\n");
        Secret::new(out)
    }
}
